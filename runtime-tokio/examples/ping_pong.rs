//! A ping-pong bot on tokio.
//!
//! ```text
//! cargo run -p stoat-tokio --example ping_pong
//! ```
//!
//! * Without `STOAT_TOKEN` it starts the embedded fake Stoat server (from `stoat-conformance`),
//!   where a user says `!ping`, chats, and pings again; it prints what happens and exits.
//! * With `STOAT_TOKEN=<bot token>` it answers `!ping` with `Pong!` on stoat.chat (or on the
//!   self-hosted instance at `STOAT_API_URL`, whose gateway and file-server URLs it discovers
//!   from `GET /`) until you press Ctrl-C.

use std::process::ExitCode;
use std::time::Duration;

use stoat_conformance::{FakeConfig, FakeServer};
use stoat_tokio::prelude::*;
use stoat_tokio::{Client, ClientConfig, Endpoints, Event, SessionState, Token};

type Error = Box<dyn std::error::Error + Send + Sync>;

#[tokio::main]
async fn main() -> ExitCode {
    let result = match std::env::var("STOAT_TOKEN") {
        Ok(token) if !token.is_empty() => live(token).await,
        _ => offline().await,
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

/// Runs against a real instance until Ctrl-C.
async fn live(token: String) -> Result<(), Error> {
    let config = match std::env::var("STOAT_API_URL") {
        Ok(api) if !api.is_empty() => ClientConfig::new(Token::bot(token)).discover(api),
        _ => ClientConfig::new(Token::bot(token)),
    };
    let client = Client::connect(config).await?;
    let handle = client.handle();
    println!("connected; answering !ping until Ctrl-C");
    tokio::select! {
        ended = run_bot(client) => ended,
        _ = tokio::signal::ctrl_c() => {
            handle.shutdown().await;
            Ok(())
        }
    }
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
    let bot = tokio::spawn(run_bot(client));

    tokio::time::timeout(Duration::from_secs(10), async {
        while handle.state() != SessionState::Ready {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .map_err(|_| "the bot did not get ready within 10 s")?;
    let me = handle.fetch_me().await?;
    println!("ready as {}", me.username);

    // The user side is plain blocking code (the test kit is synchronous), off the runtime.
    let server = tokio::task::spawn_blocking(move || -> Result<FakeServer, Error> {
        let channel = server.ids().channel;
        let alice = server.new_member("alice");
        for line in ["!ping", "how is everyone doing?", "!ping"] {
            let sent = alice.send(channel, line)?;
            println!("alice > {line}");
            if line == "!ping" {
                let answered = |m: &stoat_tokio::core::model::Message| {
                    m.replies.as_deref().is_some_and(|r| r.contains(&sent.id))
                };
                server.wait_for_bot_message(channel, answered, Duration::from_secs(5))?;
            }
        }
        Ok(server)
    })
    .await??;

    tokio::time::sleep(Duration::from_millis(300)).await; // one heartbeat
    let latency = handle.latency();
    handle.shutdown().await;
    bot.await??;
    println!(
        "done: {} messages in the channel, heartbeat latency {}",
        server.messages(server.ids().channel).len(),
        latency.map_or("not measured".to_owned(), |l| format!("{l:?}")),
    );
    Ok(())
}
