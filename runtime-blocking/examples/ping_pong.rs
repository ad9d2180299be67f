//! A ping-pong bot on plain threads.
//!
//! ```text
//! cargo run -p stoat-blocking --example ping_pong
//! ```
//!
//! * Without `STOAT_TOKEN` it starts the embedded fake Stoat server, where a user says
//!   `!ping`, chats, and pings again; it prints what happens and exits.
//! * With `STOAT_TOKEN=<bot token>` it answers `!ping` on stoat.chat (or on the instance at
//!   `STOAT_API_URL`, discovered from its `GET /`) until the process is stopped.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use stoat_blocking::prelude::*;
use stoat_blocking::{Client, ClientConfig, Endpoints, Event, SessionState, Token};
use stoat_conformance::{FakeConfig, FakeServer};

type Error = Box<dyn std::error::Error>;

fn main() -> ExitCode {
    let result = match std::env::var("STOAT_TOKEN") {
        Ok(token) if !token.is_empty() => live(token),
        _ => offline(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// The bot: answers every `!ping` until the event stream ends.
fn run_bot(client: &Client) -> Result<(), Error> {
    for update in client.events() {
        // An `Err` means the session ended for good (a refused token, say): it says why.
        if let Event::Message(message) = &update?.event {
            if message.content.as_deref() == Some("!ping") {
                let reply = client.execute(&message.reply("Pong!"))?;
                println!("bot   > {:?}", reply.content.unwrap_or_default());
            }
        }
    }
    Ok(())
}

fn live(token: String) -> Result<(), Error> {
    let config = match std::env::var("STOAT_API_URL") {
        Ok(api) if !api.is_empty() => ClientConfig::new(Token::bot(token)).discover(api),
        _ => ClientConfig::new(Token::bot(token)),
    };
    let client = Client::connect(config)?;
    println!("connected; answering !ping until stopped");
    run_bot(&client)
}

fn offline() -> Result<(), Error> {
    println!("STOAT_TOKEN is not set: playing a conversation on the embedded fake server");
    let server = FakeServer::start(FakeConfig::for_tests());
    let endpoints = Endpoints::new(server.api_url(), server.ws_url(), server.autumn_url());
    let client =
        Client::connect(ClientConfig::new(Token::bot(server.bot_token())).endpoints(endpoints))?;
    let handle = client.handle();
    let bot = std::thread::spawn(move || run_bot(&client).map_err(|e| e.to_string()));

    let started = Instant::now();
    while handle.state() != SessionState::Ready {
        if started.elapsed() > Duration::from_secs(10) {
            return Err("the bot did not get ready".into());
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let me = handle.fetch_me().call()?;
    println!("ready as {}", me.username);

    let channel = server.ids().channel;
    let alice = server.new_member("alice");
    for line in ["!ping", "how is everyone doing?", "!ping"] {
        let sent = alice.send(channel, line)?;
        println!("alice > {line}");
        if line == "!ping" {
            let answered = |m: &stoat_blocking::core::model::Message| {
                m.replies.as_deref().is_some_and(|r| r.contains(&sent.id))
            };
            server.wait_for_bot_message(channel, answered, Duration::from_secs(5))?;
        }
    }

    handle.shutdown();
    bot.join().expect("the bot thread")?;
    println!(
        "done: {} messages in the channel, heartbeat latency {:?}",
        server.messages(channel).len(),
        handle.latency()
    );
    Ok(())
}
