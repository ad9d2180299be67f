//! A ping-pong bot on smol.
//!
//! ```text
//! cargo run -p stoat-async-std --example ping_pong
//! ```
//!
//! (`ping_pong_async_std` is the same bot under the async-std executor.)
//!
//! * Without `STOAT_TOKEN` it starts the embedded fake Stoat server (from `stoat-conformance`),
//!   where a user says `!ping`, chats, and pings again; it prints what happens and exits.
//! * With `STOAT_TOKEN=<bot token>` it answers `!ping` with `Pong!` on stoat.chat (or on the
//!   self-hosted instance at `STOAT_API_URL`, discovered from its `GET /`) until the process
//!   is stopped.

use std::process::ExitCode;
use std::time::Duration;

use stoat_async_std::prelude::*;
use stoat_async_std::{Client, ClientConfig, Endpoints, Event, SessionState, Token};
use stoat_conformance::{FakeConfig, FakeServer};

type Error = Box<dyn std::error::Error + Send + Sync>;

fn main() -> ExitCode {
    let result = smol::block_on(async {
        match std::env::var("STOAT_TOKEN") {
            Ok(token) if !token.is_empty() => live(token).await,
            _ => offline().await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// The bot: answers every `!ping` until the event stream ends.
async fn run_bot(mut client: Client) -> Result<(), Error> {
    while let Some(update) = client.next_event().await {
        // An `Err` means the session ended for good (a refused token, say): it says why.
        if let Event::Message(message) = &update?.event {
            if message.content.as_deref() == Some("!ping") {
                let reply = client.execute(&message.reply("Pong!")).await?;
                println!("bot   > {}", reply.content.unwrap_or_default());
            }
        }
    }
    Ok(())
}

async fn live(token: String) -> Result<(), Error> {
    let config = match std::env::var("STOAT_API_URL") {
        Ok(api) if !api.is_empty() => ClientConfig::new(Token::bot(token)).discover(api),
        _ => ClientConfig::new(Token::bot(token)),
    };
    let client = Client::connect(config).await?;
    println!("connected; answering !ping until stopped");
    run_bot(client).await
}

/// Plays a short conversation against the embedded fake server.
async fn offline() -> Result<(), Error> {
    println!("STOAT_TOKEN is not set: playing a conversation on the embedded fake server");
    let server = FakeServer::start(FakeConfig::for_tests());
    let endpoints = Endpoints::new(server.api_url(), server.ws_url(), server.autumn_url());
    let config = ClientConfig::new(Token::bot(server.bot_token()))
        .endpoints(endpoints)
        // A quick heartbeat so the short demo measures a latency (the default is every 15 s).
        .session(|session| session.heartbeat(Duration::from_millis(200), Duration::from_secs(5)));
    let client = Client::connect(config).await?;
    let handle = client.handle();
    let bot = smol::spawn(run_bot(client));

    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while handle.state() != SessionState::Ready {
        if std::time::Instant::now() > deadline {
            return Err("the bot did not get ready within 10 s".into());
        }
        smol::Timer::after(Duration::from_millis(10)).await;
    }
    let me = handle.fetch_me().await?;
    println!("ready as {}", me.username);

    // The user side is plain blocking code (the test kit is synchronous), off the executor.
    let server = smol::unblock(move || -> Result<FakeServer, Error> {
        let channel = server.ids().channel;
        let alice = server.new_member("alice");
        for line in ["!ping", "how is everyone doing?", "!ping"] {
            let sent = alice.send(channel, line)?;
            println!("alice > {line}");
            if line == "!ping" {
                let answered = |m: &stoat_async_std::core::model::Message| {
                    m.replies.as_deref().is_some_and(|r| r.contains(&sent.id))
                };
                server.wait_for_bot_message(channel, answered, Duration::from_secs(5))?;
            }
        }
        Ok(server)
    })
    .await?;

    smol::Timer::after(Duration::from_millis(300)).await; // one heartbeat
    let latency = handle.latency();
    handle.shutdown().await;
    bot.await?;
    println!(
        "done: {} messages in the channel, heartbeat latency {}",
        server.messages(server.ids().channel).len(),
        latency.map_or("not measured".to_owned(), |l| format!("{l:?}")),
    );
    Ok(())
}
