//! The commands framework's per-message cost: one message routed through 200 registered
//! commands, its arguments (a member mention, an integer, the rest of the line) converted
//! from the cache, and the body run.
//!
//! ```text
//! cargo bench -p stoat-core --bench commands
//! ```
//!
//! The handle reads a cache filled from a `Ready` (one server, 50 members) and never sends
//! anything: every lookup hits the cache, so this is the framework's own work (prefix,
//! routing, checks, tokenizing, conversion), not IO.

#![allow(missing_docs)] // criterion_group! generates undocumented functions

use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use serde_json::json;
use stoat_core::cache::Cache;
use stoat_core::client::{BlockingExecutor, CacheAccess};
use stoat_core::commands::{
    Args, BlockingCommand, BlockingFramework, Check, CommandError, Context, Outcome, Rest,
};
use stoat_core::gateway::Event;
use stoat_core::http::{Error, Request};
use stoat_core::model::{Member, Message, Permissions, Timestamp};

const SERVER: &str = "01M7YSZ8V8HNB362Z1HYDP0RXY";
const CHANNEL: &str = "01M7YSZ8V81AWBPFRM30NYSV34";
const OWNER: &str = "01M7YSZ8H1XVFKYWFT7NKJHCGM";
const BOT: &str = "01M7YSZ8V6D4QNP163AMRA3ARS";
const MOD_ROLE: &str = "01M7YSZ8V9AAAAAAAAAAAAAAA1";
const COMMANDS: usize = 200;
const MEMBERS: usize = 50;

/// A member's id: `01M7YT00000000000000000` and two digits.
fn member_id(n: usize) -> String {
    format!("01M7YT000000000000000000{n:02}")
}

/// A handle over a shared cache that answers no request (none is made: every lookup hits).
#[derive(Clone)]
struct CacheOnly(Arc<Cache>);

impl CacheAccess for CacheOnly {
    fn with_cache<T>(&self, read: impl FnOnce(&Cache) -> T) -> T {
        read(&self.0)
    }
    fn wall_clock(&self) -> Timestamp {
        Timestamp::from_millis(1_795_000_000_000)
    }
}

impl BlockingExecutor for CacheOnly {
    fn execute_owned<R: Request>(&self, _request: R) -> Result<R::Output, Error> {
        Err(Error::Usage("the benchmark sends nothing"))
    }
}

fn world() -> CacheOnly {
    let mut users = vec![
        json!({"_id": OWNER, "username": "owner", "discriminator": "0001"}),
        json!({"_id": BOT, "username": "bot", "discriminator": "0002",
               "bot": {"owner": OWNER}, "relationship": "User"}),
    ];
    let mut members = vec![
        json!({"_id": {"server": SERVER, "user": BOT}, "joined_at": "2026-11-21T10:21:00.440Z"}),
        json!({"_id": {"server": SERVER, "user": OWNER}, "joined_at": "2026-11-21T10:21:00.440Z"}),
    ];
    for n in 0..MEMBERS {
        let id = member_id(n);
        users.push(json!({"_id": id, "username": format!("user{n}"), "discriminator": "1234"}));
        members.push(json!({
            "_id": {"server": SERVER, "user": id},
            "joined_at": "2026-11-21T10:21:00.440Z",
            "roles": if n == 0 { json!([MOD_ROLE]) } else { json!([]) },
        }));
    }
    let kick = Permissions::KICK_MEMBERS.bits();
    let ready: Event = serde_json::from_value(json!({
        "type": "Ready",
        "users": users,
        "servers": [{
            "_id": SERVER, "owner": OWNER, "name": "Bench", "channels": [CHANNEL],
            "default_permissions": 77_014_766_592u64,
            "roles": {MOD_ROLE: {"_id": MOD_ROLE, "name": "Moderator",
                                 "permissions": {"a": kick, "d": 0}, "rank": 1}},
        }],
        "channels": [{"channel_type": "TextChannel", "_id": CHANNEL, "server": SERVER, "name": "general"}],
        "members": members,
        "emojis": [],
    }))
    .expect("a valid Ready");
    let mut cache = Cache::default();
    cache.apply(&ready);
    CacheOnly(Arc::new(cache))
}

/// `<member> <amount> [note...]`
#[derive(Args)]
struct Give {
    member: Member,
    amount: u32,
    note: Option<Rest>,
}

/// 200 commands, `command000` to `command199`, each taking a member, an integer and the
/// rest; the last one also checks a permission.
fn framework(ran: Arc<AtomicU64>) -> BlockingFramework<CacheOnly> {
    let framework = BlockingFramework::new().prefix("!");
    for n in 0..COMMANDS {
        let ran = ran.clone();
        let mut command = BlockingCommand::new(
            format!("command{n:03}"),
            move |_: Context<CacheOnly>, args: Give| {
                black_box((
                    &args.member.id,
                    args.amount,
                    args.note.as_ref().map(Rest::as_str),
                ));
                ran.fetch_add(1, Ordering::Relaxed);
                Ok::<(), CommandError>(())
            },
        )
        .alias(format!("c{n}"))
        .description("A command.");
        if n == COMMANDS - 1 {
            command = command
                .check(Check::server_only())
                .check(Check::has_permissions(Permissions::KICK_MEMBERS));
        }
        framework.add_command(command).expect("distinct names");
    }
    framework
}

fn message(author: &str, content: &str) -> Message {
    let event: Event = serde_json::from_value(json!({
        "type": "Message", "_id": "01M7YT8F8NBH98W6P4028C9999",
        "channel": CHANNEL, "author": author, "content": content,
    }))
    .expect("a valid message");
    match event {
        Event::Message(message) => std::sync::Arc::unwrap_or_clone(message),
        _ => unreachable!(),
    }
}

fn commands(c: &mut Criterion) {
    let handle = world();
    let ran = Arc::new(AtomicU64::new(0));
    let framework = framework(ran.clone());
    let now = Instant::now();
    let target = member_id(7);
    let moderator = member_id(0);
    let cases = [
        (
            "route_200_convert_member_int_rest",
            message(
                OWNER,
                &format!("!command150 <@{target}> 250 for the great work"),
            ),
        ),
        (
            "route_200_convert_member_by_name",
            message(OWNER, "!command150 user7 250 for the great work"),
        ),
        (
            "route_200_permission_check_and_convert",
            message(
                &moderator,
                &format!("!command199 <@{target}> 250 for the great work"),
            ),
        ),
        (
            "not_a_command",
            message(OWNER, "just chatting about !things"),
        ),
    ];

    let mut group = c.benchmark_group("commands");
    group.throughput(Throughput::Elements(1));
    for (name, message) in &cases {
        // Each case does what its name says before it is measured.
        let before = ran.load(Ordering::Relaxed);
        let outcome = framework.process_message(&handle, message, now);
        let expect_run = *name != "not_a_command";
        assert_eq!(
            matches!(outcome, Outcome::Completed { .. }),
            expect_run,
            "{name}: {outcome:?}"
        );
        assert_eq!(ran.load(Ordering::Relaxed) - before, u64::from(expect_run));
        group.bench_function(*name, |b| {
            b.iter(|| framework.process_message(&handle, black_box(message), now))
        });
    }
    group.finish();
}

criterion_group!(benches, commands);
criterion_main!(benches);
