//! The commands framework on every runtime: one moderation bot, written once per flavour
//! ([`async_commands_bot`] for tokio, async-std and smol, [`blocking_commands_bot`] for
//! the blocking client), run by each harness's [`Harness::run_commands_bot`] and driven by
//! users of the fake server through the test kit.
//!
//! The bot, prefix `!`:
//!
//! | command | who may | what it does |
//! |---|---|---|
//! | `kick <member> [reason...]` | Kick Members | kicks the member (the reason goes to the audit log), replies `Kicked <name>.` |
//! | `purge <count>` (1–100) | Manage Messages | bulk-deletes the `count` messages before the command, replies `Deleted <n> messages.` |
//! | `role add <member> <role>` | Assign Roles | gives the role, replies `Gave <name> the <role> role.` |
//! | `roll [sides]` (2–1000, default 6) | everyone, once per [`ROLL_COOLDOWN`] per user | replies `<name> rolled <n> (1-<sides>).` |
//! | `help [command...]` | everyone | the framework's default help |
//!
//! Failures get the framework's default replies (a reply to the invoking message).

use std::time::Duration;

use stoat_core::cache::Cache;
use stoat_core::client::{AsyncExecutor, BlockingExecutor};
use stoat_core::commands::{
    Args, AsyncCommand, AsyncFramework, BlockingCommand, BlockingFramework, BucketType, Check,
    CommandError, Context, Cooldown, Ranged, Rest,
};
use stoat_core::gateway::Event;
use stoat_core::http::routes::{
    BulkDeleteMessages, CreateRole, EditMember, FetchMessages, KickMember, SetServerRolePermissions,
};
use stoat_core::id::{MessageId, RoleId, UserId};
use stoat_core::model::{Member, Message, Permissions, RemovalIntention, Role, User};
use stoat_core::Token;

use super::{config, connect, is_ready, ok, server, wait_for, Harness, PATIENCE};
use crate::FakeServer;

/// The bot's prefix.
pub const PREFIX: &str = "!";

/// How often each user may `roll`: once per this window.
pub const ROLL_COOLDOWN: Duration = Duration::from_secs(30);

/// `kick <member> [reason...]`
#[derive(Args)]
pub struct Kick {
    /// Who to kick.
    pub member: Member,
    /// Why (kept in the audit log).
    pub reason: Option<Rest>,
}

/// `purge <count>`
#[derive(Args)]
pub struct Purge {
    /// How many messages to delete.
    pub count: Ranged<1, 100>,
}

/// `role add <member> <role>`
#[derive(Args)]
pub struct RoleAdd {
    /// Who gets the role.
    pub member: Member,
    /// The role (a mention, its id or its name).
    pub role: Role,
}

/// `roll [sides]`
#[derive(Args)]
pub struct Roll {
    /// How many sides the die has (6 if not given).
    pub sides: Option<Ranged<2, 1000>>,
}

/// A member's name as people see it: the nickname, else the username. (`Ready` does not
/// carry every member's user, so the bodies get it with `get_or_fetch_user`.)
fn member_name(member: &Member, user: &User) -> String {
    member
        .nickname
        .as_ref()
        .unwrap_or(&user.username)
        .to_string()
}

fn author_name(cache: &Cache, message: &Message) -> String {
    message
        .user
        .as_ref()
        .map(|u| u.username.to_string())
        .or_else(|| cache.user(message.author).map(|u| u.username.to_string()))
        .unwrap_or_else(|| message.author.to_string())
}

fn kick_request(args: Kick) -> KickMember {
    let request = KickMember::new(args.member.id.server, args.member.id.user);
    match args.reason {
        Some(reason) => request.reason(reason.into_string()),
        None => request,
    }
}

/// The `count` messages before the invoking one, newest first.
fn purge_page(message: &Message, args: &Purge) -> FetchMessages {
    // Ranged<1, 100> fits in a u8.
    let limit = u8::try_from(args.count.get()).unwrap_or(100);
    FetchMessages::new(message.channel)
        .before(message.id)
        .limit(limit)
}

fn role_add_request(args: &RoleAdd) -> Result<EditMember, CommandError> {
    if args.member.roles.contains(&args.role.id) {
        return Err(CommandError::reply(format!(
            "They already have the {} role.",
            args.role.name
        )));
    }
    let mut roles = args.member.roles.clone();
    roles.push(args.role.id);
    Ok(EditMember::new(args.member.id.server, args.member.id.user).roles(roles))
}

/// The die comes up from the message id's random bits: the framework leaves randomness to
/// the bot, and the scenario wants a value it can check the range of.
fn roll_text(cache: &Cache, message: &Message, args: &Roll) -> String {
    let sides = args.sides.map_or(6, Ranged::get);
    let bits = message.id.to_string().bytes().fold(0u64, |acc, b| {
        acc.wrapping_mul(31).wrapping_add(u64::from(b))
    });
    let rolled = bits % sides.unsigned_abs() + 1;
    format!(
        "{} rolled {rolled} (1-{sides}).",
        author_name(cache, message)
    )
}

async fn kick_async<C: AsyncExecutor>(ctx: Context<C>, args: Kick) -> Result<(), CommandError> {
    let user = ctx.handle.get_or_fetch_user(args.member.id.user).await?;
    let name = member_name(&args.member, &user);
    ctx.handle.execute_owned(kick_request(args)).await?;
    ctx.respond(format!("Kicked {name}.")).await?;
    Ok(())
}

async fn purge_async<C: AsyncExecutor>(ctx: Context<C>, args: Purge) -> Result<(), CommandError> {
    let page = ctx
        .handle
        .execute_owned(purge_page(&ctx.message, &args))
        .await?;
    let ids: Vec<MessageId> = page.messages().iter().map(|m| m.id).collect();
    if ids.is_empty() {
        return Err(CommandError::reply("There is nothing to delete."));
    }
    let deleted = ids.len();
    ctx.handle
        .execute_owned(BulkDeleteMessages::new(ctx.channel(), ids))
        .await?;
    ctx.respond(format!("Deleted {deleted} messages.")).await?;
    Ok(())
}

async fn role_add_async<C: AsyncExecutor>(
    ctx: Context<C>,
    args: RoleAdd,
) -> Result<(), CommandError> {
    let user = ctx.handle.get_or_fetch_user(args.member.id.user).await?;
    let name = member_name(&args.member, &user);
    ctx.handle.execute_owned(role_add_request(&args)?).await?;
    let text = format!("Gave {name} the {} role.", args.role.name);
    ctx.respond(text).await?;
    Ok(())
}

async fn roll_async<C: AsyncExecutor>(ctx: Context<C>, args: Roll) -> Result<(), CommandError> {
    let text = ctx.handle.with_cache(|c| roll_text(c, &ctx.message, &args));
    ctx.respond(text).await?;
    Ok(())
}

/// The bot on the async flavour, for any async runtime's handle.
pub fn async_commands_bot<C>() -> AsyncFramework<C>
where
    C: AsyncExecutor + Clone + Send + Sync + 'static,
{
    let framework = AsyncFramework::new().prefix(PREFIX);
    let commands = [
        AsyncCommand::new("kick", kick_async::<C>)
            .description("Kicks a member.")
            .check(Check::server_only())
            .check(Check::has_permissions(Permissions::KICK_MEMBERS))
            .check(Check::bot_has_permissions(Permissions::KICK_MEMBERS)),
        AsyncCommand::new("purge", purge_async::<C>)
            .description("Deletes the messages before this one.")
            .check(Check::server_only())
            .check(Check::has_permissions(Permissions::MANAGE_MESSAGES))
            .check(Check::bot_has_permissions(Permissions::MANAGE_MESSAGES)),
        AsyncCommand::group("role")
            .description("Manages roles.")
            .check(Check::server_only())
            .subcommand(
                AsyncCommand::new("add", role_add_async::<C>)
                    .description("Gives a member a role.")
                    .check(Check::has_permissions(Permissions::ASSIGN_ROLES))
                    .check(Check::bot_has_permissions(Permissions::ASSIGN_ROLES)),
            ),
        AsyncCommand::new("roll", roll_async::<C>)
            .description("Rolls a die.")
            .cooldown(Cooldown::new(1, ROLL_COOLDOWN, BucketType::User)),
    ];
    for command in commands {
        framework
            .add_command(command)
            .expect("the bot's commands have distinct names");
    }
    framework
}

/// The bot on the blocking flavour.
pub fn blocking_commands_bot<C>() -> BlockingFramework<C>
where
    C: BlockingExecutor + Clone + Send + Sync + 'static,
{
    let framework = BlockingFramework::new().prefix(PREFIX);
    let commands = [
        BlockingCommand::new("kick", |ctx: Context<C>, args: Kick| {
            let user = ctx.handle.get_or_fetch_user(args.member.id.user)?;
            let name = member_name(&args.member, &user);
            ctx.handle.execute_owned(kick_request(args))?;
            ctx.respond(format!("Kicked {name}.")).call()?;
            Ok(())
        })
        .description("Kicks a member.")
        .check(Check::server_only())
        .check(Check::has_permissions(Permissions::KICK_MEMBERS))
        .check(Check::bot_has_permissions(Permissions::KICK_MEMBERS)),
        BlockingCommand::new("purge", |ctx: Context<C>, args: Purge| {
            let page = ctx.handle.execute_owned(purge_page(&ctx.message, &args))?;
            let ids: Vec<MessageId> = page.messages().iter().map(|m| m.id).collect();
            if ids.is_empty() {
                return Err(CommandError::reply("There is nothing to delete."));
            }
            let deleted = ids.len();
            ctx.handle
                .execute_owned(BulkDeleteMessages::new(ctx.channel(), ids))?;
            ctx.respond(format!("Deleted {deleted} messages.")).call()?;
            Ok(())
        })
        .description("Deletes the messages before this one.")
        .check(Check::server_only())
        .check(Check::has_permissions(Permissions::MANAGE_MESSAGES))
        .check(Check::bot_has_permissions(Permissions::MANAGE_MESSAGES)),
        BlockingCommand::group("role")
            .description("Manages roles.")
            .check(Check::server_only())
            .subcommand(
                BlockingCommand::new("add", |ctx: Context<C>, args: RoleAdd| {
                    let user = ctx.handle.get_or_fetch_user(args.member.id.user)?;
                    let name = member_name(&args.member, &user);
                    ctx.handle.execute_owned(role_add_request(&args)?)?;
                    let text = format!("Gave {name} the {} role.", args.role.name);
                    ctx.respond(text).call()?;
                    Ok(())
                })
                .description("Gives a member a role.")
                .check(Check::has_permissions(Permissions::ASSIGN_ROLES))
                .check(Check::bot_has_permissions(Permissions::ASSIGN_ROLES)),
            ),
        BlockingCommand::new("roll", |ctx: Context<C>, args: Roll| {
            let text = ctx.handle.with_cache(|c| roll_text(c, &ctx.message, &args));
            ctx.respond(text).call()?;
            Ok(())
        })
        .description("Rolls a die.")
        .cooldown(Cooldown::new(1, ROLL_COOLDOWN, BucketType::User)),
    ];
    for command in commands {
        framework
            .add_command(command)
            .expect("the bot's commands have distinct names");
    }
    framework
}

/// The bot's reply to `asked` (the framework's error replies, its help and the bot's own
/// answers all reply to the invoking message).
fn reply_to<H: Harness>(server: &FakeServer, asked: &Message) -> String {
    let id = asked.id;
    let reply = server
        .wait_for_bot_message(
            asked.channel,
            |m| m.replies.as_deref().is_some_and(|r| r.contains(&id)),
            PATIENCE,
        )
        .unwrap_or_else(|missing| {
            panic!(
                "[{}] no reply to {:?}: {missing}",
                H::RUNTIME,
                asked.content
            )
        });
    reply.content.unwrap_or_default().into()
}

fn is_member(server: &FakeServer, user: UserId) -> bool {
    server
        .members(server.server_id())
        .iter()
        .any(|m| m["_id"]["user"] == user.to_string().as_str())
}

fn roles_of(server: &FakeServer, user: UserId) -> Vec<String> {
    server
        .members(server.server_id())
        .iter()
        .find(|m| m["_id"]["user"] == user.to_string().as_str())
        .and_then(|m| m["roles"].as_array().cloned())
        .unwrap_or_default()
        .iter()
        .filter_map(|r| r.as_str().map(str::to_owned))
        .collect()
}

/// The seconds in `This command is on cooldown; try again in 29.8s.`
fn retry_seconds(reply: &str) -> Option<f64> {
    reply
        .strip_prefix("This command is on cooldown; try again in ")?
        .strip_suffix("s.")?
        .parse()
        .ok()
}

/// A moderation bot built with the commands framework ([`Harness::run_commands_bot`]),
/// driven by the server's users: a member without the permission is told which one is
/// missing and nobody is kicked; a bad or missing argument is named; a second `roll`
/// within the cooldown says how long to wait (another user is not held up); `help` lists
/// what each user may run; and the owner's `kick`, `purge` and `role add` change the
/// server: the member is gone, the messages deleted, the role given, with the events the
/// owner's client sees.
pub fn commands_bot<H: Harness>() {
    let server = server();
    let ids = server.ids();
    let channel = ids.channel;

    // The owner gives the bot a role that may kick, delete messages and hand out roles,
    // ranked above the role it will hand out.
    let mut owner: H = connect(config(&server, Token::session(server.user_token())));
    wait_for(&mut owner, "the owner's Ready", is_ready);
    let moderator = ok::<H, _>(
        owner.execute(CreateRole::new(ids.server, "Moderator bot")),
        "create the bot's role",
    )
    .id;
    ok::<H, _>(
        owner.execute(SetServerRolePermissions::new(
            ids.server,
            moderator,
            Permissions::KICK_MEMBERS | Permissions::MANAGE_MESSAGES | Permissions::ASSIGN_ROLES,
            Permissions::empty(),
        )),
        "allow the bot's role",
    );
    ok::<H, _>(
        owner.execute(EditMember::new(ids.server, ids.bot).roles(vec![moderator])),
        "give the bot its role",
    );
    let regular: RoleId = ok::<H, _>(
        owner.execute(CreateRole::new(ids.server, "Regular")),
        "create the Regular role",
    )
    .id;
    let alice = server.new_member("alice");
    let spammer = server.new_member("spammer");
    let bob = server.new_member("bob");
    let boss = server.owner();

    let mut bot: H = connect(config(&server, Token::bot(server.bot_token())));
    wait_for(&mut bot, "the bot's Ready", is_ready);
    let stop = bot.run_commands_bot();
    let say = |who: &crate::Actor<'_>, text: &str| {
        who.send(channel, text)
            .unwrap_or_else(|refused| panic!("[{}] {text:?} refused: {refused}", H::RUNTIME))
    };

    // Permission denied: alice may not kick, and says so; the spammer stays.
    let asked = say(&alice, &format!("!kick <@{}> spam", spammer.id()));
    assert_eq!(
        reply_to::<H>(&server, &asked),
        "You need the Kick Members permission in this channel.",
        "[{}]",
        H::RUNTIME
    );
    assert!(
        is_member(&server, spammer.id()),
        "[{}] nobody is kicked",
        H::RUNTIME
    );

    // Bad and missing arguments name the parameter.
    let asked = say(&boss, "!purge abc");
    assert_eq!(
        reply_to::<H>(&server, &asked),
        "Bad argument `count`: \"abc\" is not a whole number.",
        "[{}]",
        H::RUNTIME
    );
    let asked = say(&boss, "!purge 500");
    let reply = reply_to::<H>(&server, &asked);
    assert!(
        reply.starts_with("Bad argument `count`:") && reply.contains("100"),
        "[{}] {reply}",
        H::RUNTIME
    );
    let asked = say(&boss, &format!("!role add <@{}>", bob.id()));
    assert_eq!(
        reply_to::<H>(&server, &asked),
        "Missing argument `role`. Usage: `!role add <member> <role>`",
        "[{}]",
        H::RUNTIME
    );

    // Cooldown: alice rolls once; again at once is refused with the delay; bob may roll.
    let asked = say(&alice, "!roll");
    let rolled = reply_to::<H>(&server, &asked);
    let value: u64 = rolled
        .strip_prefix("alice rolled ")
        .and_then(|rest| rest.strip_suffix(" (1-6)."))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("[{}] unexpected roll {rolled:?}", H::RUNTIME));
    assert!((1..=6).contains(&value), "[{}] {rolled}", H::RUNTIME);
    let asked = say(&alice, "!roll");
    let refused = reply_to::<H>(&server, &asked);
    let retry = retry_seconds(&refused)
        .unwrap_or_else(|| panic!("[{}] expected a cooldown, got {refused:?}", H::RUNTIME));
    assert!(
        retry > 0.0 && retry <= ROLL_COOLDOWN.as_secs_f64(),
        "[{}] {refused}",
        H::RUNTIME
    );
    let asked = say(&bob, "!roll 20");
    let rolled = reply_to::<H>(&server, &asked);
    assert!(
        rolled.starts_with("bob rolled ") && rolled.ends_with(" (1-20)."),
        "[{}] another user's bucket is their own: {rolled}",
        H::RUNTIME
    );

    // Help: the owner sees every command; alice only those she may run.
    let asked = say(&boss, "!help");
    let help = reply_to::<H>(&server, &asked);
    for usage in [
        "`!kick <member> [reason...]` — Kicks a member.",
        "`!purge <count>` — Deletes the messages before this one.",
        "`!role <subcommand>` — Manages roles.",
        "`!roll [sides]` — Rolls a die.",
        "`!help [command...]`",
    ] {
        assert!(help.contains(usage), "[{}] {usage} in {help}", H::RUNTIME);
    }
    let asked = say(&boss, "!help role add");
    let details = reply_to::<H>(&server, &asked);
    assert!(
        details.starts_with("`!role add <member> <role>`\nGives a member a role."),
        "[{}] {details}",
        H::RUNTIME
    );
    let asked = say(&alice, "!help");
    let help = reply_to::<H>(&server, &asked);
    assert!(help.contains("`!roll [sides]`"), "[{}] {help}", H::RUNTIME);
    assert!(
        !help.contains("!kick") && !help.contains("!purge") && !help.contains("!role"),
        "[{}] alice is not shown what she may not run: {help}",
        H::RUNTIME
    );

    // Success: the owner kicks the spammer, who is gone from the server.
    let asked = say(&boss, &format!("!kick <@{}> spamming links", spammer.id()));
    assert_eq!(
        reply_to::<H>(&server, &asked),
        "Kicked spammer.",
        "[{}]",
        H::RUNTIME
    );
    assert!(!is_member(&server, spammer.id()), "[{}]", H::RUNTIME);
    let gone = spammer.id();
    let left = wait_for(
        &mut owner,
        "the spammer's ServerMemberLeave",
        move |u| matches!(&u.event, Event::ServerMemberLeave { user, .. } if *user == gone),
    );
    assert!(
        matches!(
            left.event,
            Event::ServerMemberLeave {
                reason: RemovalIntention::Kick,
                ..
            }
        ),
        "[{}] {:?}",
        H::RUNTIME,
        left.event
    );
    let kick_path = format!("/servers/{}/members/{}", ids.server, spammer.id());
    let kicked = server
        .requests()
        .into_iter()
        .find(|r| r.method == "DELETE" && r.path == kick_path)
        .unwrap_or_else(|| panic!("[{}] the bot sent no kick", H::RUNTIME));
    assert_eq!(
        kicked.header("x-audit-log-reason"),
        Some("spamming links"),
        "[{}] the reason goes to the audit log",
        H::RUNTIME
    );

    // Success: three messages of chatter, purged; the command itself stays.
    let chatter: Vec<MessageId> = ["one", "two", "three"]
        .iter()
        .map(|text| say(&alice, text).id)
        .collect();
    let asked = say(&boss, "!purge 3");
    assert_eq!(
        reply_to::<H>(&server, &asked),
        "Deleted 3 messages.",
        "[{}]",
        H::RUNTIME
    );
    let stored: Vec<MessageId> = server.messages(channel).iter().map(|m| m.id).collect();
    assert!(
        chatter.iter().all(|id| !stored.contains(id)) && stored.contains(&asked.id),
        "[{}] {stored:?}",
        H::RUNTIME
    );
    let purged = wait_for(&mut owner, "BulkMessageDelete", |u| {
        matches!(u.event, Event::BulkMessageDelete { .. })
    });
    match &purged.event {
        Event::BulkMessageDelete { ids: deleted, .. } => {
            let mut deleted = deleted.clone();
            deleted.sort();
            assert_eq!(deleted, chatter, "[{}]", H::RUNTIME);
        }
        other => unreachable!("{other:?}"),
    }

    // Success: bob gets the Regular role, by name.
    let asked = say(&boss, &format!("!role add <@{}> Regular", bob.id()));
    assert_eq!(
        reply_to::<H>(&server, &asked),
        "Gave bob the Regular role.",
        "[{}]",
        H::RUNTIME
    );
    assert_eq!(
        roles_of(&server, bob.id()),
        [regular.to_string()],
        "[{}]",
        H::RUNTIME
    );
    let promoted = bob.id();
    let update = wait_for(
        &mut owner,
        "bob's ServerMemberUpdate",
        move |u| matches!(&u.event, Event::ServerMemberUpdate { id, .. } if id.user == promoted),
    );
    match &update.event {
        Event::ServerMemberUpdate { data, .. } => {
            assert_eq!(
                data.roles.as_deref(),
                Some(&[regular][..]),
                "[{}]",
                H::RUNTIME
            )
        }
        other => unreachable!("{other:?}"),
    }

    stop();
    owner.shutdown();
}
