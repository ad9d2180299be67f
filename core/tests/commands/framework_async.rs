//! The same bot on the async flavour: the pipeline with REST lookups across `.await`s,
//! async hooks and gears, and a task that can be spawned (`Send + 'static`).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use http::Method;
use serde_json::json;
use stoat_core::client::AsyncExecutor;
use stoat_core::commands::{
    AsyncCommand, AsyncFramework, AsyncGear, BucketType, Check, CommandError, Context, Cooldown,
    Failure, Outcome,
};
use stoat_core::http::routes::{BulkDeleteMessages, EditMember, KickMember};
use stoat_core::model::Permissions;

use crate::framework::{Kick, Purge, RoleAdd};
use crate::support::*;

async fn kick<C: AsyncExecutor>(ctx: Context<C>, args: Kick) -> Result<(), CommandError> {
    let mut request = KickMember::new(args.member.id.server, args.member.id.user);
    if let Some(reason) = &args.reason {
        request = request.reason(reason.as_str());
    }
    ctx.handle.execute_owned(request).await?;
    ctx.handle.execute_owned(ctx.reply("Kicked.")).await?;
    Ok(())
}

async fn purge<C: AsyncExecutor>(ctx: Context<C>, args: Purge) -> Result<(), CommandError> {
    let channel = ctx.channel();
    let ids: Vec<_> = ctx
        .handle
        .with_cache(|c| c.channel_messages(channel).map(|m| m.id).collect());
    let ids: Vec<_> = ids
        .into_iter()
        .rev()
        .take(args.count.get() as usize)
        .collect();
    ctx.handle
        .execute_owned(BulkDeleteMessages::new(channel, ids))
        .await?;
    Ok(())
}

async fn role_add<C: AsyncExecutor>(
    ctx: Context<C, Counter>,
    args: RoleAdd,
) -> Result<(), CommandError> {
    let mut roles = args.member.roles.clone();
    roles.push(args.role.id);
    ctx.handle
        .execute_owned(EditMember::new(args.member.id.server, args.member.id.user).roles(roles))
        .await?;
    *ctx.state.0.lock().unwrap() += 1;
    Ok(())
}

#[derive(Default)]
struct Counter(Mutex<u32>);

/// Written once for any async runtime's handle.
fn bot<C: AsyncExecutor + Clone + Send + Sync + 'static>() -> AsyncFramework<C> {
    let framework = AsyncFramework::new().prefix("!");
    framework
        .add_command(
            AsyncCommand::new("kick", kick::<C>)
                .check(Check::server_only())
                .check(Check::has_permissions(Permissions::KICK_MEMBERS))
                .check(Check::bot_has_permissions(Permissions::KICK_MEMBERS)),
        )
        .unwrap();
    framework
        .add_command(
            AsyncCommand::new("purge", purge::<C>)
                .check(Check::has_permissions(Permissions::MANAGE_MESSAGES)),
        )
        .unwrap();
    framework
        .add_gear(
            AsyncGear::new("Roles", Counter::default()).command(
                AsyncCommand::group("role").subcommand(
                    AsyncCommand::new("add", role_add::<C>)
                        .check(Check::has_permissions(Permissions::ASSIGN_ROLES)),
                ),
            ),
        )
        .unwrap();
    framework
        .add_command(
            AsyncCommand::new("daily", |ctx: Context<C>, ()| async move {
                ctx.handle
                    .execute_owned(ctx.reply("Here is your daily."))
                    .await?;
                Ok(())
            })
            .cooldown(Cooldown::new(1, Duration::from_secs(60), BucketType::User)),
        )
        .unwrap();
    framework
}

fn assert_spawnable<T: Send + 'static>(_: &T) {}

#[test]
fn the_task_is_spawnable() {
    let handle = Handle::new();
    let update = handle.say(GENERAL, ALICE, "!daily");
    let task = bot::<Handle>().process(&handle, &update, Instant::now());
    assert_spawnable(&task);
    assert!(matches!(block_on(task), Outcome::Completed { .. }));
}

#[test]
fn success_with_a_lookup_across_an_await() {
    let handle = Handle::new();
    handle.remote(
        &format!("/servers/{SERVER}/members/{CAROL}"),
        200,
        json!({"_id": {"server": SERVER, "user": CAROL}, "joined_at": "2026-11-21T10:21:00.440Z"}),
    );
    let update = handle.say(GENERAL, ALICE, &format!("!kick <@{CAROL}> spam"));
    let outcome = block_on(bot::<Handle>().process(&handle, &update, Instant::now()));
    assert_eq!(
        outcome,
        Outcome::Completed {
            command: "kick".into()
        }
    );
    let sent = handle.take_sent();
    let methods: Vec<_> = sent.iter().map(|s| s.method.clone()).collect();
    assert_eq!(methods, [Method::GET, Method::DELETE, Method::POST]);
    assert_eq!(sent[1].reason.as_deref(), Some("spam"));
}

#[test]
fn denied_bad_argument_and_cooldown_paths() {
    let handle = Handle::new();
    let commands = bot::<Handle>();
    let t0 = Instant::now();
    let run = |author: &str, text: &str, at: u64| {
        let update = handle.say(GENERAL, author, text);
        block_on(commands.process(&handle, &update, t0 + Duration::from_secs(at)))
    };
    assert!(matches!(
        run(BOB, &format!("!kick <@{ALICE}>"), 0),
        Outcome::Failed { .. }
    ));
    assert!(matches!(
        run(ALICE, "!purge none", 0),
        Outcome::Failed { .. }
    ));
    assert!(matches!(run(ALICE, "!daily", 0), Outcome::Completed { .. }));
    assert!(matches!(run(ALICE, "!daily", 30), Outcome::Failed { .. }));
    assert!(matches!(
        run(ALICE, "!daily", 60),
        Outcome::Completed { .. }
    ));
    assert_eq!(
        handle.replies(),
        [
            "You need the Kick Members permission in this channel.",
            "Bad argument `count`: \"none\" is not a whole number.",
            "Here is your daily.",
            "This command is on cooldown; try again in 30.0s.",
            "Here is your daily.",
        ]
    );
}

#[test]
fn gear_commands_get_their_state() {
    let handle = Handle::new();
    let commands = bot::<Handle>();
    let update = handle.say(GENERAL, ALICE, "!role add bob Moderator");
    assert_eq!(
        block_on(commands.process(&handle, &update, Instant::now())),
        Outcome::Completed {
            command: "role add".into()
        }
    );
    let sent = handle.take_sent();
    assert_eq!(sent[0].body["roles"], json!([MEMBER_ROLE, MOD_ROLE]));
    assert!(commands.remove_gear("Roles"));
    let update = handle.say(GENERAL, ALICE, "!role add bob Moderator");
    assert_eq!(
        block_on(commands.process(&handle, &update, Instant::now())),
        Outcome::Failed { command: None }
    );
}

#[test]
fn async_hooks_and_error_hook() {
    let handle = Handle::new();
    let log = Arc::new(Mutex::new(Vec::<String>::new()));
    let (before, after, errors) = (log.clone(), log.clone(), log.clone());
    let commands = bot::<Handle>()
        .before_invoke(move |ctx: Context<Handle>| {
            let log = before.clone();
            async move {
                log.lock()
                    .unwrap()
                    .push(format!("before {}", ctx.invoked_with));
                Ok(())
            }
        })
        .after_invoke(move |ctx: Context<Handle>, ok| {
            let log = after.clone();
            async move {
                log.lock()
                    .unwrap()
                    .push(format!("after {} {ok}", ctx.invoked_with))
            }
        })
        .on_error(move |failure: Failure<Handle>| {
            let log = errors.clone();
            async move {
                log.lock().unwrap().push(format!("error {}", failure.error));
                // Delegate to the default reply as well.
                AsyncFramework::default_on_error(failure).await;
            }
        });
    for text in ["!daily", "!purge 0", "!nothing"] {
        let update = handle.say(GENERAL, ALICE, text);
        block_on(commands.process(&handle, &update, Instant::now()));
    }
    assert_eq!(
        *log.lock().unwrap(),
        [
            "before daily",
            "after daily true",
            "error bad argument count: 0 is not between 1 and 100",
            "error no command called \"nothing\"",
        ]
    );
    assert_eq!(
        handle.replies(),
        [
            "Here is your daily.",
            "Bad argument `count`: 0 is not between 1 and 100."
        ]
    );
}

#[test]
fn the_default_help_on_async() {
    let handle = Handle::new();
    let update = handle.say(GENERAL, ALICE, "!help");
    block_on(bot::<Handle>().process(&handle, &update, Instant::now()));
    let sent = handle.take_sent();
    assert_eq!(
        sent[0].body["replies"][0]["mention"],
        json!(false),
        "a reply"
    );
    let text: Vec<_> = sent.iter().filter_map(|s| s.content()).collect();
    let text = text.join("\n");
    assert!(text.contains("**Roles**\n`!role <subcommand>`"), "{text}");
    assert!(text.contains("`!kick <member> [reason...]`"), "{text}");
}

#[test]
fn non_message_events_do_nothing() {
    let handle = Handle::new();
    let update = handle.update(stoat_core::gateway::Event::Logout);
    assert_eq!(
        block_on(bot::<Handle>().process(&handle, &update, Instant::now())),
        Outcome::Ignored
    );
    assert!(handle.sent().is_empty());
}

#[test]
fn bodies_answer_through_the_bound_helpers_on_async() {
    let handle = Handle::new();
    let commands = AsyncFramework::new().prefix("!");
    commands
        .add_command(AsyncCommand::new(
            "both",
            |ctx: Context<Handle>, ()| async move {
                ctx.respond("a reply").await?;
                ctx.send("a message").await?;
                Ok(())
            },
        ))
        .unwrap();
    let update = handle.say(GENERAL, ALICE, "!both");
    assert!(matches!(
        block_on(commands.process(&handle, &update, Instant::now())),
        Outcome::Completed { .. }
    ));
    let sent = handle.take_sent();
    assert_eq!(sent[0].content(), Some("a reply"));
    assert_eq!(sent[0].body["replies"][0]["mention"], json!(false));
    assert_eq!(sent[1].content(), Some("a message"));
    assert!(sent[1].body.get("replies").is_none());
}
