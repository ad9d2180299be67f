//! A moderation bot built with the commands framework (`stoat_core::commands`).
//!
//! ```text
//! cargo run -p stoat-tokio --example commands_bot
//! ```
//!
//! Commands (prefix `!`, or mention the bot):
//!
//! * `kick <member> [reason...]`: needs Kick Members (you and the bot);
//! * `purge <count>`: deletes the `count` (1–100) messages before the command; needs
//!   Manage Messages;
//! * `roll [sides]`: rolls a die, once every 10 seconds per user;
//! * `help [command...]`: the framework's default help.
//!
//! * Without `STOAT_TOKEN` it starts the embedded fake Stoat server, where the owner gives
//!   the bot a moderator role, then users try the commands (including the ways they fail);
//!   it prints the conversation and exits.
//! * With `STOAT_TOKEN=<bot token>` it runs on stoat.chat (or on the instance at
//!   `STOAT_API_URL`) until you press Ctrl-C.

use std::hash::{BuildHasher, RandomState};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use stoat_conformance::{FakeConfig, FakeServer};
use stoat_tokio::core::commands::{
    Args, AsyncCommand, AsyncFramework, BucketType, Check, CommandError, Context, Cooldown,
    Prefixes, Ranged, Rest,
};
use stoat_tokio::core::model::{Member, Message, Permissions};
use stoat_tokio::prelude::*;
use stoat_tokio::{Client, ClientConfig, Endpoints, Event, Handle, Token};

type Error = Box<dyn std::error::Error + Send + Sync>;

/// `!kick <member> [reason...]`
#[derive(Args)]
struct Kick {
    /// Who to kick: a mention, an id or a name.
    member: Member,
    /// Why (kept in the server's audit log).
    reason: Option<Rest>,
}

/// `!purge <count>`
#[derive(Args)]
struct Purge {
    /// How many messages to delete.
    count: Ranged<1, 100>,
}

/// `!roll [sides]`
#[derive(Args)]
struct Roll {
    /// How many sides the die has (6 if not given).
    sides: Option<Ranged<2, 1000>>,
}

async fn kick(ctx: Context<Handle>, args: Kick) -> Result<(), CommandError> {
    let member = args.member.id;
    // Ready does not carry every member's user: read the cache, fetch on a miss.
    let user = ctx.handle.get_or_fetch_user(member.user).await?;
    let mut kick = ctx.handle.kick_member(member.server, member.user);
    if let Some(reason) = args.reason {
        kick = kick.reason(reason.into_string());
    }
    kick.await?;
    ctx.respond(format!("Kicked {}.", user.username)).await?;
    Ok(())
}

async fn purge(ctx: Context<Handle>, args: Purge) -> Result<(), CommandError> {
    let limit = u8::try_from(args.count.get()).unwrap_or(100);
    let page = ctx
        .handle
        .fetch_messages(ctx.channel())
        .before(ctx.message.id)
        .limit(limit)
        .await?;
    let ids: Vec<_> = page.messages().iter().map(|m| m.id).collect();
    if ids.is_empty() {
        return Err(CommandError::reply("There is nothing to delete."));
    }
    let deleted = ids.len();
    ctx.handle.delete_messages(ctx.channel(), ids).await?;
    ctx.respond(format!("Deleted {deleted} messages.")).await?;
    Ok(())
}

async fn roll(ctx: Context<Handle>, args: Roll) -> Result<(), CommandError> {
    let sides = args.sides.map_or(6, Ranged::get).unsigned_abs();
    // The framework leaves randomness to the bot: std's randomly seeded hasher will do.
    let random = RandomState::new().hash_one(ctx.message.id);
    ctx.respond(format!("You rolled {} (1-{sides}).", random % sides + 1))
        .await?;
    Ok(())
}

/// The bot: its prefixes and commands.
fn commands() -> Result<AsyncFramework<Handle>, Error> {
    let framework = AsyncFramework::new()
        .prefixes(Prefixes::new().prefix("!").when_mentioned())
        .case_insensitive(true);
    framework.add_command(
        AsyncCommand::new("kick", kick)
            .description("Kicks a member.")
            .check(Check::server_only())
            .check(Check::has_permissions(Permissions::KICK_MEMBERS))
            .check(Check::bot_has_permissions(Permissions::KICK_MEMBERS)),
    )?;
    framework.add_command(
        AsyncCommand::new("purge", purge)
            .description("Deletes the messages before this one.")
            .check(Check::server_only())
            .check(Check::has_permissions(Permissions::MANAGE_MESSAGES))
            .check(Check::bot_has_permissions(Permissions::MANAGE_MESSAGES)),
    )?;
    framework.add_command(
        AsyncCommand::new("roll", roll)
            .alias("dice")
            .description("Rolls a die.")
            .cooldown(Cooldown::new(1, Duration::from_secs(10), BucketType::User)),
    )?;
    Ok(framework)
}

/// Hands every event to the framework until the stream ends. Each command runs as a task
/// of its own; prefix, checks and cooldowns are decided here, in the order messages come.
async fn run_bot(mut client: Client, commands: AsyncFramework<Handle>) -> Result<(), Error> {
    let handle = client.handle();
    while let Some(update) = client.next_event().await {
        let update = update?;
        tokio::spawn(commands.process(&handle, &update, Instant::now()));
    }
    Ok(())
}

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

async fn live(token: String) -> Result<(), Error> {
    let config = match std::env::var("STOAT_API_URL") {
        Ok(api) if !api.is_empty() => ClientConfig::new(Token::bot(token)).discover(api),
        _ => ClientConfig::new(Token::bot(token)),
    };
    let client = Client::connect(config).await?;
    let handle = client.handle();
    println!("connected; answering commands until Ctrl-C");
    tokio::select! {
        ended = run_bot(client, commands()?) => ended,
        _ = tokio::signal::ctrl_c() => {
            handle.shutdown().await;
            Ok(())
        }
    }
}

async fn offline() -> Result<(), Error> {
    println!("STOAT_TOKEN is not set: playing a conversation on the embedded fake server");
    let server = Arc::new(FakeServer::start(FakeConfig::for_tests()));
    let ids = server.ids();
    let endpoints = Endpoints::new(server.api_url(), server.ws_url(), server.autumn_url());

    // The server's owner gives the bot a role that may kick and delete messages, as one
    // does when adding a moderation bot.
    let owner = Client::connect(
        ClientConfig::new(Token::session(server.user_token())).endpoints(endpoints.clone()),
    )
    .await?;
    let role = owner.create_role(ids.server, "Moderator bot").await?.id;
    let allow = Permissions::KICK_MEMBERS | Permissions::MANAGE_MESSAGES;
    owner
        .set_server_permissions_for_role(ids.server, role, allow, Permissions::empty())
        .await?;
    owner
        .edit_member(ids.server, ids.bot)
        .roles(vec![role])
        .await?;
    owner.shutdown().await;
    println!("owner > gave the bot the \"Moderator bot\" role (Kick Members, Manage Messages)");

    let mut client =
        Client::connect(ClientConfig::new(Token::bot(server.bot_token())).endpoints(endpoints))
            .await?;
    // The cache is filled from Ready: wait for it before anyone talks.
    while let Some(update) = client.next_event().await {
        if let Event::Ready(ready) = &update?.event {
            let me = ready.current_user().map_or("?", |u| u.username.as_str());
            println!("bot   : ready as {me}");
            break;
        }
    }
    let handle = client.handle();
    let bot = tokio::spawn(run_bot(client, commands()?));

    // The users are the test kit's, which waits by blocking: off the runtime's threads.
    let script = server.clone();
    tokio::task::spawn_blocking(move || converse(&script)).await??;

    handle.shutdown().await;
    bot.await??;
    let members = server.members(server.server_id()).len();
    println!(
        "done: {} messages left in #General, {members} members in the server",
        server.messages(ids.channel).len()
    );
    Ok(())
}

/// Users of the fake server try the commands; prints what they say and what the bot answers.
fn converse(server: &FakeServer) -> Result<(), Error> {
    let channel = server.ids().channel;
    let owner = server.owner();
    let alice = server.new_member("alice");
    let spammer = server.new_member("spammer");
    let says = |name: &str, who: &stoat_conformance::Actor<'_>, text: &str| {
        println!("{name:<6}> {text}");
        let sent = who.send(channel, text)?;
        let answer = server.wait_for_bot_message(
            channel,
            |m: &Message| m.id > sent.id,
            Duration::from_secs(10),
        )?;
        for line in answer.content.unwrap_or_default().lines() {
            println!("bot   > {line}");
        }
        Ok::<(), Error>(())
    };

    says("alice", &alice, "!help")?;
    says(
        "alice",
        &alice,
        &format!("!kick <@{}> too loud", spammer.id()),
    )?;
    says("alice", &alice, "!roll 20")?;
    says("alice", &alice, "!roll")?;
    says("owner", &owner, "!purge lots")?;
    says(
        "owner",
        &owner,
        &format!("!kick <@{}> spamming links", spammer.id()),
    )?;
    for text in ["buy cheap stuff", "click here"] {
        println!("alice > {text}");
        alice.send(channel, text)?;
    }
    says("owner", &owner, "!purge 2")?;

    let still_there = server
        .members(server.server_id())
        .iter()
        .any(|m| m["_id"]["user"] == spammer.id().to_string().as_str());
    if still_there {
        return Err("the spammer was not kicked".into());
    }
    Ok(())
}
