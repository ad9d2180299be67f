//! A ping-pong bot.
//!
//! ```text
//! cargo run -p stoat-tokio --example ping_pong
//! ```
//!
//! * Without `STOAT_TOKEN` it starts the embedded fake Stoat server (from `stoat-conformance`),
//!   connects to it, plays a short conversation — a user says `!ping`, chats, and pings again —
//!   prints everything that happens, and exits.
//! * With `STOAT_TOKEN=<bot token>` it connects to stoat.chat (or to the self-hosted instance
//!   at `STOAT_API_URL`, whose gateway and file-server URLs it discovers from `GET /`) and
//!   answers `!ping` with `Pong!` until you press Ctrl-C.

use std::time::Duration;

use stoat_conformance::{FakeConfig, FakeServer};
use stoat_tokio::core::gateway::Event;
use stoat_tokio::core::http::routes::SendMessage;
use stoat_tokio::core::model::Message;
use stoat_tokio::{Change, Client, ClientConfig, Endpoints, Handle, Token};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    match std::env::var("STOAT_TOKEN") {
        Ok(token) if !token.is_empty() => live(token).await,
        _ => offline().await,
    }
}

/// Runs against a real instance until Ctrl-C.
async fn live(token: String) -> Result<(), Box<dyn std::error::Error>> {
    let config = match std::env::var("STOAT_API_URL") {
        Ok(api) if !api.is_empty() => {
            println!("discovering the instance at {api}");
            ClientConfig::new(Token::bot(token)).discover(api)
        }
        _ => ClientConfig::new(Token::bot(token)).endpoints(Endpoints::stoat_chat()),
    };
    let mut client = Client::connect(config).await?;
    println!("connecting; press Ctrl-C to stop");
    loop {
        tokio::select! {
            update = client.next_event() => match update {
                Some(Ok(update)) => handle_event(&client.handle(), &update.event, &update.change).await,
                Some(Err(ended)) => return Err(ended.into()),
                None => return Ok(()),
            },
            _ = tokio::signal::ctrl_c() => {
                println!("shutting down");
                client.handle().shutdown().await;
                return Ok(());
            }
        }
    }
}

/// Plays a short conversation against the embedded fake server.
async fn offline() -> Result<(), Box<dyn std::error::Error>> {
    println!("STOAT_TOKEN is not set: starting the embedded fake Stoat server");
    let server = FakeServer::start(FakeConfig::default());
    println!("  API {}  gateway {}", server.api_url(), server.ws_url());

    let config = ClientConfig::new(Token::bot(server.bot_token()))
        .endpoints(Endpoints::new(
            server.api_url(),
            server.ws_url(),
            server.autumn_url(),
        ))
        // A quick heartbeat so the short demo shows one (the default is every 15 s).
        .session(|session| session.heartbeat(Duration::from_millis(500), Duration::from_secs(5)));
    let mut client = Client::connect(config).await?;
    let handle = client.handle();

    // The user speaks when the bot is ready, and again after each message the bot sees.
    let script = ["!ping", "how is everyone doing?", "!ping"];
    let mut said = 0;
    let mut pongs = 0;
    let mut heartbeats = 0;
    while let Some(update) = client.next_event().await {
        let update = update?;
        handle_event(&handle, &update.event, &update.change).await;
        let user_turn = match &update.event {
            Event::Ready(_) => true,
            Event::Message(message) if is_bots_pong(message) => {
                pongs += 1;
                true
            }
            // The user's own chatter (not a ping) is followed by its next line too.
            Event::Message(message) => message.content.as_deref() != Some("!ping"),
            Event::Pong { .. } => {
                heartbeats += 1;
                false
            }
            _ => false,
        };
        if pongs == 2 && heartbeats > 0 {
            break;
        }
        if user_turn && said < script.len() {
            println!("user  > {}", script[said]);
            server.inject_user_message(server.channel_id(), script[said]);
            said += 1;
        }
    }
    let latency = handle.latency();
    handle.shutdown().await;
    println!(
        "done: {said} user messages, {pongs} pongs, {} messages in the channel, heartbeat latency {}",
        server.channel_messages(server.channel_id()).len(),
        latency.map_or("not measured yet".to_owned(), |l| format!("{l:?}")),
    );
    Ok(())
}

fn is_bots_pong(message: &Message) -> bool {
    message
        .content
        .as_deref()
        .is_some_and(|c| c.starts_with("Pong!"))
}

/// The bot itself: print what happens, answer `!ping`.
async fn handle_event(handle: &Handle, event: &Event, change: &Change) {
    match event {
        Event::Ready(ready) => {
            let me = ready.current_user().map_or("?", |u| u.username.as_str());
            println!(
                "event > Ready as {me}: {} servers, {} channels",
                ready.servers.as_ref().map_or(0, Vec::len),
                ready.channels.as_ref().map_or(0, Vec::len),
            );
        }
        Event::Message(message) => {
            let author = message
                .user
                .as_ref()
                .map_or_else(|| message.author.to_string(), |u| u.username.clone());
            println!(
                "event > Message from {author}: {:?} (cache: {change:?})",
                message.content.as_deref().unwrap_or_default()
            );
            if message.content.as_deref() == Some("!ping") {
                let reply = SendMessage::new(message.channel, "Pong!").reply_to(message.id, false);
                match handle.execute(&reply).await {
                    Ok(sent) => println!(
                        "bot   > replied {:?} ({})",
                        sent.content.unwrap_or_default(),
                        sent.id
                    ),
                    Err(error) => println!("bot   ! could not reply: {error}"),
                }
            }
        }
        Event::Pong { .. } => println!("event > Pong (latency {:?})", handle.latency()),
        other => println!("event > {}", other.type_name()),
    }
}
