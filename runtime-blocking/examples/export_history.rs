//! Exports a channel's whole message history to a JSON Lines file, oldest first, on plain
//! threads.
//!
//! ```text
//! cargo run -p stoat-blocking --example export_history
//! STOAT_TOKEN=<token> cargo run -p stoat-blocking --example export_history -- <channel id> [out.jsonl]
//! ```
//!
//! Each line of the output is one message as the API returns it (with the author's `user`
//! filled in). The history is walked page by page with `before`/`after` cursors by
//! [`history`](stoat_blocking::core::client::BlockingExecutor::history); rate limits are
//! waited out by the client, so a long export needs no sleeps of its own.
//!
//! * Without `STOAT_TOKEN` it starts the embedded fake Stoat server, fills a channel with 250
//!   messages from two users, exports them to a temporary file and checks the file against
//!   what the server holds.
//! * With `STOAT_TOKEN` (a bot token; `STOAT_SESSION=1` for a user session token) it exports
//!   the channel given as the first argument from stoat.chat (or `STOAT_API_URL`) to the file
//!   given as the second (default: `<channel id>.jsonl`).

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use stoat_blocking::core::id::ChannelId;
use stoat_blocking::core::model::Message;
use stoat_blocking::prelude::*;
use stoat_blocking::{Client, ClientConfig, Endpoints, Token};
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

/// Writes every message of `channel`, oldest first, one JSON object per line; returns how
/// many were written.
fn export(client: &Client, channel: ChannelId, out: &Path) -> Result<usize, Error> {
    let mut file = BufWriter::new(File::create(out)?);
    let mut written = 0;
    for message in client.history(channel).oldest_first().include_users(true) {
        serde_json::to_writer(&mut file, &message?)?;
        file.write_all(b"\n")?;
        written += 1;
        if written % 100 == 0 {
            eprintln!("  {written} messages...");
        }
    }
    file.flush()?;
    Ok(written)
}

fn live(token: String) -> Result<(), Error> {
    let mut args = std::env::args().skip(1);
    let channel: ChannelId = args
        .next()
        .ok_or("usage: export_history <channel id> [out.jsonl]")?
        .parse()
        .map_err(|_| "the first argument is not a channel id")?;
    let out = args
        .next()
        .map_or_else(|| PathBuf::from(format!("{channel}.jsonl")), PathBuf::from);
    let token = if std::env::var("STOAT_SESSION").is_ok_and(|v| v == "1") {
        Token::session(token)
    } else {
        Token::bot(token)
    };
    let config = match std::env::var("STOAT_API_URL") {
        Ok(api) if !api.is_empty() => ClientConfig::new(token).discover(api),
        _ => ClientConfig::new(token),
    };
    let client = Client::connect(config)?;
    let written = export(&client, channel, &out)?;
    client.shutdown();
    println!("exported {written} messages to {}", out.display());
    Ok(())
}

fn offline() -> Result<(), Error> {
    println!("STOAT_TOKEN is not set: exporting a channel of the embedded fake server");
    let server = FakeServer::start(FakeConfig::for_tests());
    let channel = server.ids().channel;
    let (alice, bob) = (server.new_member("alice"), server.new_member("bob"));
    for n in 0..250 {
        let who = if n % 3 == 0 { &bob } else { &alice };
        who.send(channel, &format!("message number {n}"))?;
    }
    let stored = server.messages(channel);
    println!("the server holds {} messages in #General", stored.len());

    let endpoints = Endpoints::new(server.api_url(), server.ws_url(), server.autumn_url());
    let client =
        Client::connect(ClientConfig::new(Token::bot(server.bot_token())).endpoints(endpoints))?;
    let out = std::env::temp_dir().join(format!("stoat-export-{}.jsonl", std::process::id()));
    let written = export(&client, channel, &out)?;
    client.shutdown();

    // Read the export back: every message once, oldest first, authors filled in.
    let exported: Vec<Message> = BufReader::new(File::open(&out)?)
        .lines()
        .map(|line| Ok(serde_json::from_str(&line?)?))
        .collect::<Result<_, Error>>()?;
    std::fs::remove_file(&out)?;
    let ids = |messages: &[Message]| messages.iter().map(|m| m.id).collect::<Vec<_>>();
    if written != stored.len() || ids(&exported) != ids(&stored) {
        return Err(format!(
            "the export ({written} messages) does not match the server's {} messages",
            stored.len()
        )
        .into());
    }
    let named = exported.iter().filter(|m| m.user.is_some()).count();
    println!(
        "exported {written} messages oldest first ({named} with their author), from {:?} to {:?}",
        exported
            .first()
            .and_then(|m| m.content.as_deref())
            .unwrap_or_default(),
        exported
            .last()
            .and_then(|m| m.content.as_deref())
            .unwrap_or_default(),
    );
    Ok(())
}
