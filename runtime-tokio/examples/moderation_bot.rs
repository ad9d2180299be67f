//! A moderation bot on tokio: commands by plain matching, permission checks, embeds,
//! reactions and a member join/leave log.
//!
//! ```text
//! cargo run -p stoat-tokio --example moderation_bot
//! ```
//!
//! Commands (in any channel the bot can read):
//!
//! * `!kick <@user> [reason]`: needs `KickMembers` (for the author and for the bot);
//! * `!timeout <@user> <minutes>`: needs `TimeoutMembers`;
//! * `!whois <@user>`: an embed with the member's name, join date and roles.
//!
//! The bot reacts ✅ to a command it carried out, answers a refused one with what is missing,
//! and logs joins and leaves to the channel named by `STOAT_LOG_CHANNEL` (offline: the
//! fixture's `General`).
//!
//! * Without `STOAT_TOKEN` it starts the embedded fake Stoat server, where the owner and two
//!   users try every path (refused, missing bot permission, success), and exits.
//! * With `STOAT_TOKEN=<bot token>` (and optionally `STOAT_API_URL`, `STOAT_LOG_CHANNEL`) it
//!   runs on the real instance until Ctrl-C.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use stoat_conformance::{FakeConfig, FakeServer};
use stoat_tokio::core::commands::permission_names;
use stoat_tokio::core::id::{ChannelId, ServerId, UserId};
use stoat_tokio::core::model::{Message, Permissions, SendableEmbed};
use stoat_tokio::prelude::*;
use stoat_tokio::{
    Client, ClientConfig, Endpoints, Event, EventKind, Handle, HandlerResult, Handlers,
    SessionState, Token, Update,
};

type Error = Box<dyn std::error::Error + Send + Sync>;

/// A step of the users' side, run on a blocking thread with the test kit.
type UserScript = dyn FnOnce(&FakeServer) -> Result<(), Error> + Send;

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

/// The bot's handlers: commands on messages, the log on joins and leaves.
fn handlers(log_channel: Option<ChannelId>) -> Handlers {
    let mut handlers = Handlers::new();
    handlers.on(EventKind::Message, on_message);
    handlers.on(EventKind::ServerMemberJoin, move |handle, update| {
        member_log(handle, update, log_channel)
    });
    handlers.on(EventKind::ServerMemberLeave, move |handle, update| {
        member_log(handle, update, log_channel)
    });
    handlers.on_error(|_, failure| async move {
        eprintln!("handler for {:?} failed: {}", failure.kind, failure.error);
    });
    handlers
}

async fn on_message(handle: Handle, update: Arc<Update>) -> HandlerResult {
    let Event::Message(message) = &update.event else {
        return Ok(());
    };
    let Some(content) = message.content.as_deref() else {
        return Ok(());
    };
    let mut words = content.split_whitespace();
    let command = words.next();
    if !matches!(command, Some("!kick" | "!timeout" | "!whois")) {
        return Ok(());
    }
    let Some(server) = server_of(&handle, message.channel) else {
        handle
            .execute(&message.reply("Moderation commands work in servers only."))
            .await?;
        return Ok(());
    };
    let Some(target) = words.next().and_then(parse_mention) else {
        handle
            .execute(&message.reply("Name the member with a mention: `<@user>`."))
            .await?;
        return Ok(());
    };
    let rest: Vec<&str> = words.collect();
    match command {
        Some("!kick") => {
            if refuse_unless(&handle, message, Permissions::KICK_MEMBERS).await? {
                return Ok(());
            }
            let member = handle.get_or_fetch_member(server, target).await?;
            let mut kick = member.kick();
            if !rest.is_empty() {
                kick = kick.reason(rest.join(" "));
            }
            handle.execute(&kick).await?;
        }
        Some("!timeout") => {
            if refuse_unless(&handle, message, Permissions::TIMEOUT_MEMBERS).await? {
                return Ok(());
            }
            let Some(minutes) = rest.first().and_then(|m| m.parse::<u64>().ok()) else {
                handle
                    .execute(&message.reply("Usage: `!timeout <@user> <minutes>`."))
                    .await?;
                return Ok(());
            };
            let member = handle.get_or_fetch_member(server, target).await?;
            let until = Duration::from_secs(minutes.saturating_mul(60));
            handle
                .execute(&member.timeout_for(until, handle.wall_clock()))
                .await?;
        }
        _ => {
            let member = handle.get_or_fetch_member(server, target).await?;
            let user = handle.get_or_fetch_user(target).await?;
            let role_names = handle.with_cache(|cache| {
                let server = cache.server(server);
                member
                    .roles
                    .iter()
                    .filter_map(|role| server.and_then(|s| s.roles.get(role)))
                    .map(|role| role.name.clone())
                    .collect::<Vec<_>>()
            });
            let embed = SendableEmbed::new()
                .title(member.nickname.clone().unwrap_or(user.username.clone()))
                .description(format!(
                    "@{}#{} joined on {} (ms since the epoch); roles: {}",
                    user.username,
                    user.discriminator,
                    member.joined_at.as_millis(),
                    if role_names.is_empty() {
                        "none".to_owned()
                    } else {
                        role_names.join(", ")
                    },
                ))
                .colour("#3b82f6");
            handle
                .execute(&message.reply("Member card:").embed(embed))
                .await?;
        }
    }
    handle.execute(&message.react("✅")).await?;
    Ok(())
}

/// Answers with what is missing and returns `true` unless both the author and the bot hold
/// `needed` in the message's channel.
async fn refuse_unless(
    handle: &Handle,
    message: &Message,
    needed: Permissions,
) -> Result<bool, Error> {
    let me = handle
        .with_cache(|cache| cache.current_user().map(|user| user.id))
        .ok_or("the cache has no current user before Ready")?;
    for (who, user) in [("You need", message.author), ("I need", me)] {
        // `permissions_in` says what the cache is missing instead of guessing "nothing".
        let has = handle.permissions_in(message.channel, user)?;
        if !has.contains(needed) {
            let missing = permission_names(needed.difference(has)).join(", ");
            handle
                .execute(&message.reply(format!("{who} the {missing} permission here.")))
                .await?;
            return Ok(true);
        }
    }
    Ok(false)
}

async fn member_log(
    handle: Handle,
    update: Arc<Update>,
    log_channel: Option<ChannelId>,
) -> HandlerResult {
    let (user, joined) = match &update.event {
        Event::ServerMemberJoin { user, .. } => (*user, true),
        Event::ServerMemberLeave { user, reason, .. } => {
            println!("log   : {user} left ({reason:?})");
            (*user, false)
        }
        _ => return Ok(()),
    };
    let Some(channel) = log_channel else {
        return Ok(());
    };
    let name = match handle.get_or_fetch_user(user).await {
        Ok(user) => user.username.to_string(),
        Err(_) => user.to_string(),
    };
    let embed = SendableEmbed::new()
        .title(if joined {
            "Member joined"
        } else {
            "Member left"
        })
        .description(format!("@{name}"))
        .colour(if joined { "#22c55e" } else { "#ef4444" });
    handle
        .execute(
            &stoat_tokio::core::http::routes::SendMessage::new(channel, "Member log:").embed(embed),
        )
        .await?;
    Ok(())
}

/// The server a channel belongs to, from the cache.
fn server_of(handle: &Handle, channel: ChannelId) -> Option<ServerId> {
    handle.with_cache(|cache| cache.channel(channel).and_then(|c| c.server()))
}

/// `<@01H...>` → the user id.
fn parse_mention(word: &str) -> Option<UserId> {
    word.strip_prefix("<@")?.strip_suffix('>')?.parse().ok()
}

async fn live(token: String) -> Result<(), Error> {
    let config = match std::env::var("STOAT_API_URL") {
        Ok(api) if !api.is_empty() => ClientConfig::new(Token::bot(token)).discover(api),
        _ => ClientConfig::new(Token::bot(token)),
    };
    let log_channel = match std::env::var("STOAT_LOG_CHANNEL") {
        Ok(id) if !id.is_empty() => Some(
            id.parse()
                .map_err(|_| "STOAT_LOG_CHANNEL is not a channel id")?,
        ),
        _ => None,
    };
    let client = Client::connect(config).await?;
    let handle = client.handle();
    println!("connected; moderating until Ctrl-C");
    tokio::select! {
        ended = client.run(handlers(log_channel)) => Ok(ended?),
        _ = tokio::signal::ctrl_c() => {
            handle.shutdown().await;
            Ok(())
        }
    }
}

/// Every path against the embedded fake server.
async fn offline() -> Result<(), Error> {
    println!("STOAT_TOKEN is not set: moderating the embedded fake server");
    let server = Arc::new(FakeServer::start(FakeConfig::for_tests()));
    let endpoints = Endpoints::new(server.api_url(), server.ws_url(), server.autumn_url());
    let ids = server.ids();
    let client = Client::connect(
        ClientConfig::new(Token::bot(server.bot_token())).endpoints(endpoints.clone()),
    )
    .await?;
    let handle = client.handle();
    let bot = tokio::spawn(client.run(handlers(Some(ids.channel))));
    tokio::time::timeout(Duration::from_secs(10), async {
        while handle.state() != SessionState::Ready {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .map_err(|_| "the bot did not get ready within 10 s")?;

    // The users' side is the synchronous test kit, off the runtime.
    let kit = |f: Box<UserScript>| {
        let server = Arc::clone(&server);
        tokio::task::spawn_blocking(move || f(&server))
    };
    let alice = server.new_user("alice").id();
    let bob = server.new_member("bob").id();

    // 1. A user joins (logged), then tries to kick someone without the permission.
    kit(Box::new(move |server| {
        let ids = server.ids();
        let alice = server.actor(alice).ok_or("alice has no token")?;
        alice.join(ids.server)?;
        wait_for(server, "Member joined")?;
        alice.send(ids.channel, &format!("!kick <@{bob}>"))?;
        wait_for(server, "You need the Kick Members permission here.")?;
        Ok(())
    }))
    .await??;

    // 2. The owner asks for a member card, then kicks: the bot lacks the permission.
    kit(Box::new(move |server| {
        let ids = server.ids();
        let owner = server.owner();
        owner.send(ids.channel, &format!("!whois <@{}>", ids.owner))?;
        wait_for(server, "capowner")?;
        owner.send(ids.channel, &format!("!kick <@{bob}> spamming"))?;
        wait_for(server, "I need the Kick Members permission here.")?;
        Ok(())
    }))
    .await??;

    // 3. The owner gives the bot a moderator role (through a client of their own)...
    let owner = Client::connect(
        ClientConfig::new(Token::session(server.user_token())).endpoints(endpoints),
    )
    .await?;
    let role = owner.create_role(ids.server, "Moderator bot").await?;
    owner
        .set_server_permissions_for_role(
            ids.server,
            role.id,
            Permissions::KICK_MEMBERS | Permissions::TIMEOUT_MEMBERS,
            Permissions::empty(),
        )
        .await?;
    owner
        .edit_member(ids.server, ids.bot)
        .roles(vec![role.id])
        .await?;
    println!("owner : gave the bot the role {:?}", role.role.name);
    owner.shutdown().await;
    // ...which the bot's cache learns from the gateway.
    tokio::time::timeout(Duration::from_secs(5), async {
        while !handle
            .permissions_in(ids.channel, ids.bot)
            .is_ok_and(|p| p.contains(Permissions::KICK_MEMBERS))
        {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .map_err(|_| "the bot's cache never saw its new role")?;

    // 4. Kick and timeout go through: ✅ on the command, bob gone, alice timed out.
    kit(Box::new(move |server| {
        let ids = server.ids();
        let owner = server.owner();
        let kick = owner.send(ids.channel, &format!("!kick <@{bob}> spamming"))?;
        wait_until(|| !is_member(server, bob), "bob to be kicked")?;
        wait_until(|| reacted(server, &kick), "a ✅ on the kick")?;
        println!("bot   > kicked bob (✅)");
        wait_for(server, "Member left")?;
        owner.send(ids.channel, &format!("!timeout <@{alice}> 10"))?;
        wait_until(|| timed_out(server, alice), "alice to be timed out")?;
        println!("bot   > timed alice out for 10 minutes");
        Ok(())
    }))
    .await??;

    handle.shutdown().await;
    bot.await??;
    println!(
        "done: {} messages from the bot, {} members left",
        server.bot_messages(ids.channel).len(),
        server.members(server.server_id()).len()
    );
    Ok(())
}

/// Waits for the bot to say `text` (as content or an embed title) in the fixture's channel.
fn wait_for(server: &FakeServer, text: &str) -> Result<(), Error> {
    let said = |m: &Message| {
        m.content.as_deref() == Some(text) || format!("{:?}", m.embeds).contains(text)
    };
    server.wait_for_bot_message(server.ids().channel, said, Duration::from_secs(5))?;
    println!("bot   > {text}");
    Ok(())
}

fn wait_until(condition: impl Fn() -> bool, what: &str) -> Result<(), Error> {
    let started = std::time::Instant::now();
    while !condition() {
        if started.elapsed() > Duration::from_secs(5) {
            return Err(format!("gave up waiting for {what}").into());
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    Ok(())
}

fn member(server: &FakeServer, user: UserId) -> Option<serde_json::Value> {
    let user = user.to_string();
    server
        .members(server.server_id())
        .into_iter()
        .find(|member| member["_id"]["user"].as_str() == Some(user.as_str()))
}

fn is_member(server: &FakeServer, user: UserId) -> bool {
    member(server, user).is_some()
}

fn timed_out(server: &FakeServer, user: UserId) -> bool {
    member(server, user).is_some_and(|member| member.get("timeout").is_some())
}

fn reacted(server: &FakeServer, message: &Message) -> bool {
    server
        .messages(message.channel)
        .iter()
        .any(|m| m.id == message.id && m.reactions.get("✅").is_some_and(|u| !u.is_empty()))
}
