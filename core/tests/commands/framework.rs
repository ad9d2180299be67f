//! Whole invocations through the blocking flavour: the bot (`kick`, `purge <n>`,
//! `role add <member> <role>`, `help`, a cooldown-limited command) and every failure path.

use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use http::Method;
use serde_json::json;
use stoat_core::client::{BlockingExecutor, CacheAccess};
use stoat_core::commands::{
    Args, BadArgument, BlockingCommand, BlockingFramework, BlockingGear, BucketType, Check,
    CheckFailure, CommandError, Context, Cooldown, Failure, MaxConcurrency, Outcome, Prefixes,
    Ranged, RegistrationError, Rest,
};
use stoat_core::gateway::Event;
use stoat_core::http::routes::{BulkDeleteMessages, EditMember, KickMember};
use stoat_core::model::{Member, Permissions, Role};

use crate::support::*;

type Ctx<S = ()> = Context<Handle, S>;

#[derive(Args)]
pub struct Kick {
    /// Who to kick.
    pub member: Member,
    /// Why.
    pub reason: Option<Rest>,
}

#[derive(Args)]
pub struct Purge {
    /// How many messages to delete.
    pub count: Ranged<1, 100>,
}

#[derive(Args)]
pub struct RoleAdd {
    pub member: Member,
    pub role: Role,
}

#[derive(Args)]
pub struct Remind {
    after: Duration,
    text: Rest,
}

fn kick(ctx: Ctx, args: Kick) -> Result<(), CommandError> {
    let mut request = KickMember::new(args.member.id.server, args.member.id.user);
    if let Some(reason) = &args.reason {
        request = request.reason(reason.as_str());
    }
    ctx.handle.execute_owned(request)?;
    let name = ctx
        .handle
        .with_cache(|c| c.user(args.member.id.user).map(|u| u.username.to_string()))
        .unwrap_or_else(|| args.member.id.user.to_string());
    ctx.handle
        .execute_owned(ctx.reply(format!("Kicked {name}.")))?;
    Ok(())
}

fn purge(ctx: Ctx, args: Purge) -> Result<(), CommandError> {
    let channel = ctx.channel();
    let count = args.count.get() as usize;
    let ids: Vec<_> = ctx.handle.with_cache(|c| {
        let all: Vec<_> = c.channel_messages(channel).map(|m| m.id).collect();
        all.into_iter().rev().take(count).collect()
    });
    ctx.handle
        .execute_owned(BulkDeleteMessages::new(channel, ids.clone()))?;
    ctx.handle
        .execute_owned(ctx.say(format!("Deleted {} messages.", ids.len())))?;
    Ok(())
}

fn role_add(ctx: Ctx, args: RoleAdd) -> Result<(), CommandError> {
    let mut roles = args.member.roles.clone();
    if roles.contains(&args.role.id) {
        return Err(CommandError::reply(format!(
            "They already have {}.",
            args.role.name
        )));
    }
    roles.push(args.role.id);
    ctx.handle
        .execute_owned(EditMember::new(args.member.id.server, args.member.id.user).roles(roles))?;
    ctx.handle
        .execute_owned(ctx.reply(format!("Gave {}.", args.role.name)))?;
    Ok(())
}

/// The bot, on the blocking flavour.
pub fn bot() -> BlockingFramework<Handle> {
    let framework = BlockingFramework::new().prefix("!");
    framework
        .add_command(
            BlockingCommand::new("kick", kick)
                .description("Kicks a member.\nThey can come back with an invite.")
                .alias("boot")
                .check(Check::server_only())
                .check(Check::has_permissions(Permissions::KICK_MEMBERS))
                .check(Check::bot_has_permissions(Permissions::KICK_MEMBERS)),
        )
        .unwrap();
    framework
        .add_command(
            BlockingCommand::new("purge", purge)
                .description("Deletes recent messages.")
                .check(Check::has_permissions(Permissions::MANAGE_MESSAGES)),
        )
        .unwrap();
    framework
        .add_command(
            BlockingCommand::group("role")
                .description("Manages roles.")
                .check(Check::server_only())
                .subcommand(
                    BlockingCommand::new("add", role_add)
                        .description("Gives a member a role.")
                        .check(Check::has_permissions(Permissions::ASSIGN_ROLES)),
                ),
        )
        .unwrap();
    framework
        .add_command(
            BlockingCommand::new("daily", |ctx: Ctx, ()| {
                ctx.handle.execute_owned(ctx.reply("Here is your daily."))?;
                Ok(())
            })
            .description("Once a minute.")
            .cooldown(Cooldown::new(1, Duration::from_secs(60), BucketType::User)),
        )
        .unwrap();
    framework
        .add_command(
            BlockingCommand::new("remind", |ctx: Ctx, args: Remind| {
                let text = format!("In {}s: {}", args.after.as_secs(), args.text);
                ctx.handle.execute_owned(ctx.say(text))?;
                Ok(())
            })
            .cooldown(Cooldown::new(1, Duration::from_secs(60), BucketType::User)),
        )
        .unwrap();
    framework
        .add_command(
            BlockingCommand::new("ping", |ctx: Ctx, ()| {
                ctx.handle.execute_owned(ctx.say("Pong!"))?;
                Ok(())
            })
            .alias("p")
            .description("Answers."),
        )
        .unwrap();
    framework
        .add_command(
            BlockingCommand::new("secret", |ctx: Ctx, ()| {
                ctx.handle.execute_owned(ctx.say("shh"))?;
                Ok(())
            })
            .hidden(),
        )
        .unwrap();
    framework
}

fn errors(
    framework: BlockingFramework<Handle>,
) -> (BlockingFramework<Handle>, Arc<Mutex<Vec<CommandError>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let framework = framework.on_error(move |failure: Failure<Handle>| {
        log.lock().unwrap().push(failure.error);
    });
    (framework, seen)
}

fn t0() -> Instant {
    static T0: OnceLock<Instant> = OnceLock::new();
    *T0.get_or_init(Instant::now)
}

#[test]
fn kick_success_sends_the_kick_then_a_reply() {
    let handle = Handle::new();
    let commands = bot();
    let update = handle.say(GENERAL, ALICE, &format!("!kick <@{BOB}> being rude"));
    assert_eq!(
        commands.process(&handle, &update, t0()),
        Outcome::Completed {
            command: "kick".into()
        }
    );
    let sent = handle.take_sent();
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert_eq!(sent[0].method, Method::DELETE);
    assert_eq!(sent[0].path, format!("/servers/{SERVER}/members/{BOB}"));
    assert_eq!(sent[0].reason.as_deref(), Some("being rude"));
    assert_eq!(sent[1].content(), Some("Kicked bob."));
    assert_eq!(sent[1].body["replies"][0]["mention"], json!(false));
    // By alias, by name, without a reason.
    let update = handle.say(GENERAL, ALICE, "!boot bob");
    assert!(matches!(
        commands.process(&handle, &update, t0()),
        Outcome::Completed { .. }
    ));
    assert_eq!(handle.take_sent()[0].reason, None);
}

#[test]
fn permission_denied_names_the_permission_and_sends_nothing_else() {
    let handle = Handle::new();
    let update = handle.say(GENERAL, BOB, &format!("!kick <@{ALICE}>"));
    assert_eq!(
        bot().process(&handle, &update, t0()),
        Outcome::Failed {
            command: Some("kick".into())
        }
    );
    assert_eq!(
        handle.replies(),
        ["You need the Kick Members permission in this channel."]
    );

    let (commands, seen) = errors(bot());
    commands.process(&handle, &update, t0());
    match &seen.lock().unwrap()[..] {
        [CommandError::CheckFailed(CheckFailure::MissingPermissions { missing, .. })] => {
            assert_eq!(*missing, Permissions::KICK_MEMBERS)
        }
        other => panic!("{other:?}"),
    }
    // Only in servers.
    let update = handle.say(DM, BOB, &format!("!kick <@{ALICE}>"));
    bot().process(&handle, &update, t0());
    assert_eq!(handle.replies(), ["This command only works in a server."]);
}

#[test]
fn bad_and_missing_arguments_name_the_parameter() {
    let handle = Handle::new();
    let commands = bot();
    let cases = [
        (
            "!purge lots",
            "Bad argument `count`: \"lots\" is not a whole number.",
        ),
        (
            "!purge 500",
            "Bad argument `count`: 500 is not between 1 and 100.",
        ),
        (
            "!kick",
            "Missing argument `member`. Usage: `!kick <member> [reason...]`",
        ),
        (
            "!kick nobody",
            "Bad argument `member`: no member \"nobody\" found.",
        ),
        ("!ping now", "Too many arguments. Usage: `!ping`"),
        (
            "!remind 10x call mum",
            "Bad argument `after`: \"10x\" is not a duration (try 10m or 1h30m).",
        ),
        (
            "!kick \"bob",
            "I couldn't read that: the quote '\"' is never closed (expected '\"').",
        ),
    ];
    for (input, reply) in cases {
        let update = handle.say(GENERAL, ALICE, input);
        assert!(
            matches!(
                commands.process(&handle, &update, t0()),
                Outcome::Failed { .. }
            ),
            "{input}"
        );
        assert_eq!(handle.replies(), [reply], "{input}");
    }
}

#[test]
fn replies_never_ping_what_the_user_typed() {
    let handle = Handle::new();
    let update = handle.say(GENERAL, ALICE, &format!("!kick <@{CAROL}>"));
    bot().process(&handle, &update, t0());
    let replies = handle.replies();
    assert_eq!(replies.len(), 1);
    assert!(!replies[0].contains(&format!("<@{CAROL}>")), "{replies:?}");
    assert!(replies[0].contains("<@\u{200B}"), "{replies:?}");
    let update = handle.say(GENERAL, ALICE, "!purge @everyone");
    bot().process(&handle, &update, t0());
    assert!(!handle.replies()[0].contains("@everyone"));
}

#[test]
fn a_member_missing_from_the_cache_is_fetched() {
    let handle = Handle::new();
    handle.remote(
        &format!("/servers/{SERVER}/members/{CAROL}"),
        200,
        json!({"_id": {"server": SERVER, "user": CAROL}, "joined_at": "2026-11-21T10:21:00.440Z"}),
    );
    let update = handle.say(GENERAL, ALICE, &format!("!kick <@{CAROL}>"));
    assert!(matches!(
        bot().process(&handle, &update, t0()),
        Outcome::Completed { .. }
    ));
    let sent = handle.take_sent();
    assert_eq!(
        (sent[0].method.clone(), sent[0].path.clone()),
        (Method::GET, format!("/servers/{SERVER}/members/{CAROL}"))
    );
    assert_eq!(sent[1].method, Method::DELETE);
    assert_eq!(sent[2].content(), Some(format!("Kicked {CAROL}.").as_str()));
}

#[test]
fn a_failed_lookup_that_is_not_a_404_is_reported_as_such() {
    let handle = Handle::new();
    handle.remote(
        &format!("/servers/{SERVER}/members/{CAROL}"),
        500,
        json!({"type": "InternalError", "location": "x"}),
    );
    let (commands, seen) = errors(bot());
    let update = handle.say(GENERAL, ALICE, &format!("!kick {CAROL}"));
    commands.process(&handle, &update, t0());
    match &seen.lock().unwrap()[..] {
        [CommandError::BadArgument {
            param,
            error: BadArgument::Fetch { kind: "member", .. },
        }] => assert_eq!(param, "member"),
        other => panic!("{other:?}"),
    };
}

#[test]
fn purge_and_role_add_with_their_server_requests() {
    let handle = Handle::new();
    let commands = bot();
    for i in 0..3 {
        handle.say(GENERAL, BOB, &format!("spam {i}"));
    }
    let update = handle.say(GENERAL, ALICE, "!purge 2");
    assert!(matches!(
        commands.process(&handle, &update, t0()),
        Outcome::Completed { .. }
    ));
    let sent = handle.take_sent();
    assert_eq!(sent[0].path, format!("/channels/{GENERAL}/messages/bulk"));
    assert_eq!(sent[0].body["ids"].as_array().unwrap().len(), 2);
    assert_eq!(sent[1].content(), Some("Deleted 2 messages."));

    let update = handle.say(GENERAL, ALICE, "!role add bob Moderator");
    assert_eq!(
        commands.process(&handle, &update, t0()),
        Outcome::Completed {
            command: "role add".into()
        }
    );
    let sent = handle.take_sent();
    assert_eq!(sent[0].method, Method::PATCH);
    assert_eq!(sent[0].path, format!("/servers/{SERVER}/members/{BOB}"));
    assert_eq!(sent[0].body["roles"], json!([MEMBER_ROLE, MOD_ROLE]));
    assert_eq!(sent[1].content(), Some("Gave Moderator."));

    // The command's own message for the user.
    let update = handle.say(GENERAL, ALICE, "!role add ally Moderator");
    commands.process(&handle, &update, t0());
    assert_eq!(handle.replies(), ["They already have Moderator."]);
    // Bob may not assign roles.
    let update = handle.say(GENERAL, BOB, "!role add bob Moderator");
    commands.process(&handle, &update, t0());
    assert_eq!(
        handle.replies(),
        ["You need the Assign Roles permission in this channel."]
    );
}

#[test]
fn groups_without_a_subcommand() {
    let handle = Handle::new();
    let commands = bot();
    let update = handle.say(GENERAL, ALICE, "!role");
    assert_eq!(
        commands.process(&handle, &update, t0()),
        Outcome::Failed {
            command: Some("role".into())
        }
    );
    assert_eq!(handle.replies(), ["`!role` needs a subcommand: `add`."]);
    let update = handle.say(GENERAL, ALICE, "!role fly away");
    commands.process(&handle, &update, t0());
    assert_eq!(
        handle.replies(),
        ["`!role` has no subcommand `fly`. Try one of: `add`."]
    );
}

#[test]
fn cooldowns_on_a_virtual_clock() {
    let handle = Handle::new();
    let commands = bot();
    let daily = |author: &str, at: u64| {
        let update = handle.say(GENERAL, author, "!daily");
        commands.process(&handle, &update, t0() + Duration::from_secs(at))
    };
    assert!(matches!(daily(BOB, 0), Outcome::Completed { .. }));
    assert!(matches!(daily(BOB, 10), Outcome::Failed { .. }));
    assert!(
        matches!(daily(ALICE, 10), Outcome::Completed { .. }),
        "per user"
    );
    assert_eq!(
        handle.replies(),
        [
            "Here is your daily.",
            "This command is on cooldown; try again in 50.0s.",
            "Here is your daily."
        ]
    );
    assert!(matches!(daily(BOB, 60), Outcome::Completed { .. }));

    let (commands, seen) = errors(bot());
    let update = handle.say(GENERAL, BOB, "!daily");
    commands.process(&handle, &update, t0());
    commands.process(&handle, &update, t0() + Duration::from_millis(1500));
    match &seen.lock().unwrap()[..] {
        [CommandError::OnCooldown {
            retry_after,
            cooldown,
        }] => {
            assert_eq!(*retry_after, Duration::from_millis(58_500));
            assert_eq!(cooldown.bucket, BucketType::User);
        }
        other => panic!("{other:?}"),
    };
}

#[test]
fn wrong_arguments_give_back_the_cooldown() {
    let handle = Handle::new();
    let commands = bot();
    let remind = |text: &str| {
        let update = handle.say(GENERAL, BOB, text);
        commands.process(&handle, &update, t0())
    };
    assert!(matches!(
        remind("!remind soon call mum"),
        Outcome::Failed { .. }
    ));
    assert!(matches!(
        remind("!remind 10m call mum"),
        Outcome::Completed { .. }
    ));
    assert!(matches!(
        remind("!remind 10m again"),
        Outcome::Failed { .. }
    ));
    let replies = handle.replies();
    assert_eq!(replies[1], "In 600s: call mum");
    assert!(
        replies[2].starts_with("This command is on cooldown"),
        "{replies:?}"
    );
}

#[test]
fn the_default_help() {
    let handle = Handle::new();
    let commands = bot();
    let update = handle.say(GENERAL, ALICE, "!help");
    let Event::Message(asked) = &update.event else {
        unreachable!()
    };
    assert_eq!(
        commands.process(&handle, &update, t0()),
        Outcome::Completed {
            command: "help".into()
        }
    );
    let sent = handle.take_sent();
    assert_eq!(
        sent[0].body["replies"],
        json!([{"id": asked.id.to_string(), "mention": false}]),
        "help answers the request"
    );
    let list: Vec<_> = sent.iter().filter_map(|s| s.content()).collect();
    let list = list.join("\n");
    for line in [
        "`!kick <member> [reason...]` — Kicks a member.",
        "`!purge <count>` — Deletes recent messages.",
        "`!role <subcommand>` — Manages roles.",
        "`!ping` — Answers.",
        "`!help [command...]` — Shows the commands, or the details of one.",
        "Type `!help <command>` for more about a command.",
    ] {
        assert!(list.contains(line), "{line:?} not in\n{list}");
    }
    assert!(!list.contains("secret"), "hidden commands are not listed");

    // Bob cannot kick, so he is not shown kick.
    let update = handle.say(GENERAL, BOB, "!help");
    commands.process(&handle, &update, t0());
    let list = handle.replies().join("\n");
    assert!(!list.contains("!kick"), "{list}");
    assert!(list.contains("!ping"));
    // Nor the `role` group: he passes its own check, but may run none of its subcommands.
    assert!(!list.contains("!role"), "{list}");
    let update = handle.say(GENERAL, BOB, "!help role");
    commands.process(&handle, &update, t0());
    assert_eq!(handle.replies(), ["No command called `role`."]);

    let update = handle.say(GENERAL, ALICE, "!help kick");
    commands.process(&handle, &update, t0());
    assert_eq!(
        handle.replies(),
        ["`!kick <member> [reason...]`\nKicks a member.\nThey can come back with an invite.\nAliases: `boot`\nArguments:\n`member` (member): Who to kick.\n`reason` (text): Why."]
    );
    let update = handle.say(GENERAL, ALICE, "!help role");
    commands.process(&handle, &update, t0());
    assert_eq!(
        handle.replies(),
        ["`!role <subcommand>`\nManages roles.\nSubcommands:\n`!role add <member> <role>` — Gives a member a role."]
    );
    let update = handle.say(GENERAL, ALICE, "!help role add");
    commands.process(&handle, &update, t0());
    assert!(handle.replies()[0].starts_with("`!role add <member> <role>`"));
    let update = handle.say(GENERAL, ALICE, "!help secret");
    commands.process(&handle, &update, t0());
    assert_eq!(
        handle.replies(),
        ["`!secret`"],
        "hidden commands still have details"
    );
    let update = handle.say(GENERAL, ALICE, &format!("!help <@{BOB}>"));
    commands.process(&handle, &update, t0());
    assert_eq!(
        handle.replies(),
        [format!("No command called `<@\u{200B}{BOB}>`.")]
    );
}

#[test]
fn help_can_be_replaced() {
    let handle = Handle::new();
    let commands = bot().without_help();
    commands
        .add_command(BlockingCommand::new("help", |ctx: Ctx, ()| {
            let names: Vec<String> = ctx
                .catalogue()
                .commands()
                .iter()
                .map(|c| c.name().to_owned())
                .collect();
            ctx.handle.execute_owned(ctx.say(names.join(" ")))?;
            Ok(())
        }))
        .unwrap();
    let update = handle.say(GENERAL, ALICE, "!help");
    commands.process(&handle, &update, t0());
    assert_eq!(
        handle.replies(),
        ["kick purge role daily remind ping secret help"]
    );
}

#[test]
fn unknown_commands_are_reported_to_the_hook_but_not_answered() {
    let handle = Handle::new();
    let (commands, seen) = errors(bot());
    let update = handle.say(GENERAL, ALICE, "!dance");
    assert_eq!(
        commands.process(&handle, &update, t0()),
        Outcome::Failed { command: None }
    );
    assert!(
        matches!(&seen.lock().unwrap()[..], [CommandError::CommandNotFound { name }] if name == "dance")
    );
    let update = handle.say(GENERAL, ALICE, "!dance");
    bot().process(&handle, &update, t0());
    assert!(handle.replies().is_empty(), "the default hook stays quiet");
}

#[test]
fn prefixes_several_mention_dynamic_and_longest() {
    let handle = Handle::new();
    let commands = bot().prefixes(
        Prefixes::new()
            .prefix("!")
            .prefix("!!")
            .prefix("bot, ")
            .when_mentioned()
            .dynamic(|ctx| match ctx.server {
                Some(_) => vec!["s.".to_owned()],
                None => vec!["d.".to_owned()],
            }),
    );
    let run = |channel: &str, text: &str| {
        let update = handle.say(channel, ALICE, text);
        commands.process(&handle, &update, t0())
    };
    assert!(matches!(run(GENERAL, "!ping"), Outcome::Completed { .. }));
    assert!(
        matches!(run(GENERAL, "!!ping"), Outcome::Completed { .. }),
        "the longest prefix wins"
    );
    assert!(matches!(
        run(GENERAL, "bot, ping"),
        Outcome::Completed { .. }
    ));
    assert!(matches!(
        run(GENERAL, &format!("<@{BOT}> ping")),
        Outcome::Completed { .. }
    ));
    assert!(matches!(
        run(GENERAL, &format!("<@{BOT}>ping")),
        Outcome::Completed { .. }
    ));
    assert!(matches!(run(GENERAL, "s.ping"), Outcome::Completed { .. }));
    assert_eq!(run(GENERAL, "d.ping"), Outcome::Ignored);
    assert!(matches!(run(DM, "d.ping"), Outcome::Completed { .. }));
    assert_eq!(run(GENERAL, &format!("<@{ALICE}> ping")), Outcome::Ignored);
    assert_eq!(run(GENERAL, "ping"), Outcome::Ignored);
    assert_eq!(
        run(GENERAL, "!"),
        Outcome::Ignored,
        "a prefix alone is not a command"
    );
    assert_eq!(
        run(GENERAL, "! ping"),
        Outcome::Ignored,
        "no space after a fixed prefix by default"
    );
    handle.take_sent();

    // Usage lines show a mention prefix as people type it.
    let update = handle.say(GENERAL, ALICE, &format!("<@{BOT}> kick"));
    commands.process(&handle, &update, t0());
    assert_eq!(
        handle.replies(),
        ["Missing argument `member`. Usage: `@testbot kick <member> [reason...]`"]
    );

    let spaced = bot().prefixes(Prefixes::new().prefix("!").strip_whitespace_after(true));
    let update = handle.say(GENERAL, ALICE, "!   ping");
    assert!(matches!(
        spaced.process(&handle, &update, t0()),
        Outcome::Completed { .. }
    ));
}

#[test]
fn case_insensitive_names() {
    let handle = Handle::new();
    let update = handle.say(GENERAL, ALICE, "!PING");
    assert_eq!(
        bot().process(&handle, &update, t0()),
        Outcome::Failed { command: None }
    );
    let commands = bot().case_insensitive(true);
    assert!(matches!(
        commands.process(&handle, &update, t0()),
        Outcome::Completed { .. }
    ));
    let update = handle.say(GENERAL, ALICE, "!Role ADD bob Member");
    commands.process(&handle, &update, t0());
    assert_eq!(
        handle.replies().last().map(String::as_str),
        Some("They already have Member.")
    );
}

#[test]
fn bots_and_the_bot_itself_are_ignored() {
    let handle = Handle::new();
    let commands = bot();
    let update = handle.say(GENERAL, BOT, "!ping");
    assert_eq!(commands.process(&handle, &update, t0()), Outcome::Ignored);
    let update = handle.say(GENERAL, OTHER_BOT, "!ping");
    assert_eq!(commands.process(&handle, &update, t0()), Outcome::Ignored);
    let commands = commands.ignore_bots(false);
    assert!(matches!(
        commands.process(&handle, &update, t0()),
        Outcome::Completed { .. }
    ));
    let update = handle.say(GENERAL, BOT, "!ping");
    assert_eq!(
        commands.process(&handle, &update, t0()),
        Outcome::Ignored,
        "never itself"
    );
    let other = handle.update(stoat_core::gateway::Event::Authenticated);
    assert_eq!(commands.process(&handle, &other, t0()), Outcome::Ignored);
}

#[test]
fn hooks_run_around_the_body() {
    let handle = Handle::new();
    let log = Arc::new(Mutex::new(Vec::<String>::new()));
    let (before, after) = (log.clone(), log.clone());
    let commands = bot()
        .before_invoke(move |ctx: &Ctx| {
            before
                .lock()
                .unwrap()
                .push(format!("before {}", ctx.command.qualified_name()));
            if ctx.invoked_with == "p" {
                return Err(CommandError::reply("not by that name"));
            }
            Ok(())
        })
        .after_invoke(move |ctx: &Ctx, ok| {
            after
                .lock()
                .unwrap()
                .push(format!("after {} {ok}", ctx.invoked_with));
        });
    let update = handle.say(GENERAL, ALICE, "!ping");
    commands.process(&handle, &update, t0());
    let update = handle.say(GENERAL, ALICE, "!p");
    assert!(matches!(
        commands.process(&handle, &update, t0()),
        Outcome::Failed { .. }
    ));
    assert_eq!(
        *log.lock().unwrap(),
        [
            "before ping",
            "after ping true",
            "before ping",
            "after p false"
        ]
    );
    assert_eq!(handle.replies(), ["Pong!", "not by that name"]);
    // A check failure runs no hook.
    let update = handle.say(GENERAL, BOB, "!purge 1");
    commands.process(&handle, &update, t0());
    assert_eq!(log.lock().unwrap().len(), 4);
}

#[test]
fn command_errors_get_a_generic_reply() {
    let handle = Handle::new();
    let (commands, seen) = errors(bot());
    commands
        .add_command(BlockingCommand::new("fail", |ctx: Ctx, ()| {
            // A GET the server answers with 404.
            ctx.handle
                .execute_owned(stoat_core::http::routes::FetchUser::new(
                    CAROL.parse().unwrap(),
                ))?;
            Ok(())
        }))
        .unwrap();
    let update = handle.say(GENERAL, ALICE, "!fail");
    commands.process(&handle, &update, t0());
    assert!(matches!(&seen.lock().unwrap()[..], [CommandError::Http(_)]));
    let fresh = bot();
    fresh
        .add_command(BlockingCommand::new("fail", |_: Ctx, ()| {
            Err(CommandError::failed(std::io::Error::other("disk full")))
        }))
        .unwrap();
    handle.take_sent();
    fresh.process(&handle, &update, t0());
    assert_eq!(
        handle.replies(),
        ["Something went wrong running that command."]
    );
}

#[test]
fn owners_and_global_checks() {
    let handle = Handle::new();
    let commands = bot().owner(ALICE.parse().unwrap());
    commands
        .add_command(
            BlockingCommand::new("shutdown", |ctx: Ctx, ()| {
                ctx.handle.execute_owned(ctx.say("bye"))?;
                Ok(())
            })
            .check(Check::is_owner()),
        )
        .unwrap();
    for (author, ok) in [(ALICE, true), (OWNER, true), (BOB, false)] {
        let update = handle.say(GENERAL, author, "!shutdown");
        assert_eq!(
            matches!(
                commands.process(&handle, &update, t0()),
                Outcome::Completed { .. }
            ),
            ok,
            "{author}"
        );
    }
    assert_eq!(
        handle.replies(),
        ["bye", "bye", "Only the bot's owner can use this command."]
    );

    let commands = bot().check(Check::server_only());
    let update = handle.say(DM, BOB, "!ping");
    commands.process(&handle, &update, t0());
    assert_eq!(handle.replies(), ["This command only works in a server."]);
}

#[test]
fn disabled_commands() {
    let handle = Handle::new();
    let commands = bot();
    commands
        .add_command(BlockingCommand::new("old", |_: Ctx, ()| Ok(())).enabled(false))
        .unwrap();
    let update = handle.say(GENERAL, ALICE, "!old");
    commands.process(&handle, &update, t0());
    assert_eq!(handle.replies(), ["`!old` is disabled."]);
}

#[test]
fn max_concurrency_per_bucket() {
    let handle = Handle::new();
    let commands = bot();
    let slot: Arc<OnceLock<BlockingFramework<Handle>>> = Arc::new(OnceLock::new());
    let inner = slot.clone();
    let nested = Arc::new(Mutex::new(Vec::new()));
    let record = nested.clone();
    commands
        .add_command(
            BlockingCommand::new("long", move |ctx: Ctx, ()| {
                // While this runs, the same user invokes it again, and someone else does.
                let framework = inner.get().expect("set");
                let again = ctx.handle.say(GENERAL, ALICE, "!long");
                record
                    .lock()
                    .unwrap()
                    .push(framework.process(&ctx.handle, &again, ctx.now));
                let other = ctx.handle.say(GENERAL, OWNER, "!ping");
                record
                    .lock()
                    .unwrap()
                    .push(framework.process(&ctx.handle, &other, ctx.now));
                Ok(())
            })
            .max_concurrency(MaxConcurrency::new(1, BucketType::User)),
        )
        .unwrap();
    let _ = slot.set(commands.clone());
    let update = handle.say(GENERAL, ALICE, "!long");
    assert!(matches!(
        commands.process(&handle, &update, t0()),
        Outcome::Completed { .. }
    ));
    assert_eq!(
        *nested.lock().unwrap(),
        [
            Outcome::Failed {
                command: Some("long".into())
            },
            Outcome::Completed {
                command: "ping".into()
            }
        ]
    );
    assert_eq!(
        handle.replies(),
        ["This command is already running (at most 1 at once per user); try again when it is done.", "Pong!"]
    );
    // Finished: the slot is free again (the nested call fails only while the outer runs).
    nested.lock().unwrap().clear();
    assert!(matches!(
        commands.process(&handle, &update, t0()),
        Outcome::Completed { .. }
    ));
}

#[derive(Default)]
struct Notes {
    notes: Mutex<Vec<String>>,
}

#[derive(Args)]
struct Note {
    text: Rest,
}

fn notes_gear() -> BlockingGear<Handle, Notes> {
    BlockingGear::new("Notes", Notes::default())
        .description("Remembers things")
        .check(Check::has_role("Member"))
        .command(
            BlockingCommand::new("note", |ctx: Ctx<Notes>, args: Note| {
                ctx.state
                    .notes
                    .lock()
                    .unwrap()
                    .push(args.text.into_string());
                Ok(())
            })
            .description("Remembers a note."),
        )
        .command(BlockingCommand::new("notes", |ctx: Ctx<Notes>, ()| {
            let text = ctx.state.notes.lock().unwrap().join("; ");
            ctx.handle.execute_owned(ctx.say(text))?;
            Ok(())
        }))
}

#[test]
fn gears_share_state_have_checks_and_come_and_go() {
    let handle = Handle::new();
    let commands = bot();
    let gear = notes_gear();
    let state = gear.state().clone();
    commands.add_gear(gear).unwrap();
    let run = |author: &str, text: &str| {
        let update = handle.say(GENERAL, author, text);
        commands.process(&handle, &update, t0())
    };
    assert!(matches!(
        run(ALICE, "!note buy milk"),
        Outcome::Completed { .. }
    ));
    assert!(matches!(
        run(BOB, "!note and eggs"),
        Outcome::Completed { .. }
    ));
    assert!(
        matches!(run(OWNER, "!note not a member"), Outcome::Failed { .. }),
        "the gear's check"
    );
    assert!(matches!(run(ALICE, "!notes"), Outcome::Completed { .. }));
    assert_eq!(
        handle.replies(),
        ["You need the role \"Member\".", "buy milk; and eggs"]
    );
    assert_eq!(state.notes.lock().unwrap().len(), 2);

    let update = handle.say(GENERAL, ALICE, "!help");
    commands.process(&handle, &update, t0());
    let help = handle.replies().join("\n");
    assert!(
        help.contains("**Notes** — Remembers things\n`!note <text...>` — Remembers a note."),
        "{help}"
    );

    assert!(commands.remove_gear("Notes"));
    assert!(!commands.remove_gear("Notes"));
    assert_eq!(run(ALICE, "!notes"), Outcome::Failed { command: None });
    // And back, with fresh state.
    commands.add_gear(notes_gear()).unwrap();
    assert!(matches!(
        run(ALICE, "!note fresh"),
        Outcome::Completed { .. }
    ));
    assert!(matches!(run(ALICE, "!notes"), Outcome::Completed { .. }));
    assert_eq!(handle.replies(), ["fresh"]);
}

#[test]
fn registration_conflicts_are_errors() {
    let commands = bot();
    let dup = commands.add_command(BlockingCommand::new("Boot", |_: Ctx, ()| Ok(())));
    assert_eq!(
        dup,
        Err(RegistrationError::NameTaken {
            name: "Boot".into(),
            existing: "kick".into()
        })
    );
    let bad = commands.add_command(BlockingCommand::new("two words", |_: Ctx, ()| Ok(())));
    assert_eq!(bad, Err(RegistrationError::InvalidName("two words".into())));
    let bad_sub = commands.add_command(
        BlockingCommand::group("g")
            .subcommand(BlockingCommand::new("a", |_: Ctx, ()| Ok(())))
            .subcommand(BlockingCommand::new("b", |_: Ctx, ()| Ok(())).alias("A")),
    );
    assert!(matches!(bad_sub, Err(RegistrationError::NameTaken { .. })));
    commands.add_gear(notes_gear()).unwrap();
    assert_eq!(
        commands.add_gear(notes_gear()),
        Err(RegistrationError::GearExists("Notes".into()))
    );
    // A gear whose command clashes is not added at all.
    let clash = BlockingGear::new("Clash", ())
        .command(BlockingCommand::new("fresh", |_: Ctx, ()| Ok(())))
        .command(BlockingCommand::new("ping", |_: Ctx, ()| Ok(())));
    assert!(commands.add_gear(clash).is_err());
    assert!(commands.catalogue().find("fresh").is_none());
    assert!(commands.remove_command("p").is_some(), "by alias");
    assert!(commands.catalogue().find("ping").is_none());
    assert!(commands.remove_command("ping").is_none());
}

#[test]
fn long_replies_are_cut_to_the_message_limit() {
    let handle = Handle::new();
    let commands = bot();
    commands
        .add_command(BlockingCommand::new("long", |_: Ctx, ()| {
            Err(CommandError::reply("é".repeat(3000)))
        }))
        .unwrap();
    let update = handle.say(GENERAL, ALICE, "!long");
    commands.process(&handle, &update, t0());
    let replies = handle.replies();
    assert_eq!(replies.len(), 1);
    assert_eq!(replies[0].len(), 2000);
}

#[test]
fn bodies_answer_through_the_bound_helpers() {
    let handle = Handle::new();
    let commands = BlockingFramework::new().prefix("!");
    commands
        .add_command(BlockingCommand::new("both", |ctx: Ctx, ()| {
            let reply = ctx.respond("a reply").call()?;
            ctx.send(format!("then a message after {}", reply.id))
                .call()?;
            Ok(())
        }))
        .unwrap();
    let update = handle.say(GENERAL, ALICE, "!both");
    let Event::Message(asked) = &update.event else {
        unreachable!()
    };
    assert_eq!(
        commands.process(&handle, &update, t0()),
        Outcome::Completed {
            command: "both".into()
        }
    );
    let sent = handle.take_sent();
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0].content(), Some("a reply"));
    assert_eq!(
        sent[0].body["replies"],
        json!([{"id": asked.id.to_string(), "mention": false}])
    );
    assert!(sent[1]
        .content()
        .is_some_and(|c| c.starts_with("then a message after ")));
    assert!(sent[1].body.get("replies").is_none());
}
