//! A ping-pong worker: one of any number of processes sharing a bridge's event stream.
//!
//! ```text
//! STOAT_TOKEN=<bot token> STOAT_API_URL=<api> cargo run -p stoat-bridge --example ping_pong_worker -- worker-1
//! ```
//!
//! Start a bridge first (see the README's "Scaling out"), then two of these with different
//! names: each `!ping` is answered once, by one of them. Options, from the environment:
//! `STOAT_REDIS_URL` (default `redis://127.0.0.1:6379/`), `STOAT_BRIDGE_BOT` (the bridge's
//! `--bot`, default `default`), `STOAT_API_URL` (the instance to discover; default
//! stoat.chat).

use std::process::ExitCode;

use stoat_tokio::{ClientConfig, Event, Token, Worker, WorkerOptions};

type Error = Box<dyn std::error::Error + Send + Sync>;

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Error> {
    let consumer = std::env::args()
        .nth(1)
        .ok_or("usage: ping_pong_worker <worker name>")?;
    let token = std::env::var("STOAT_TOKEN").map_err(|_| "STOAT_TOKEN is not set")?;
    let redis =
        std::env::var("STOAT_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379/".to_owned());
    let bot = std::env::var("STOAT_BRIDGE_BOT").unwrap_or_else(|_| "default".to_owned());
    // REST goes straight to the instance (the token never goes into Redis).
    let config = match std::env::var("STOAT_API_URL") {
        Ok(api) if !api.is_empty() => ClientConfig::new(Token::bot(token)).discover(api),
        _ => ClientConfig::new(Token::bot(token)),
    };
    let options = WorkerOptions::new(redis, "ping-pong", consumer.clone()).bot(bot);
    let mut worker = Worker::connect_with(config, options).await?;
    println!("{consumer}: answering !ping from the bridge's stream");
    while let Some(update) = worker.next_event().await {
        if let Event::Message(message) = &update?.event {
            if message.content.as_deref() == Some("!ping") {
                worker
                    .execute(&message.reply(format!("Pong! (from {consumer})")))
                    .await?;
                println!("{consumer}: answered {}", message.id);
            }
        }
    }
    Ok(())
}
