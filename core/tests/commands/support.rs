//! A small world for the commands tests: a cache filled from a Ready, and a client handle
//! that implements both executor traits over that cache, recording every request and
//! answering from canned responses.

use std::collections::HashMap;
use std::future::Future;
use std::pin::pin;
use std::sync::{Arc, Mutex};
use std::task::{Context as TaskContext, Poll, Waker};

use bytes::Bytes;
use http::Method;
use serde_json::{json, Value};
use stoat_core::cache::Cache;
use stoat_core::client::{
    dispatch, AsyncExecutor, BlockingExecutor, BoxFuture, CacheAccess, Update,
};
use stoat_core::gateway::Event;
use stoat_core::http::{Body, Error, Request};
use stoat_core::model::{Message, Timestamp};

pub const SERVER: &str = "01M7YSZ8V8HNB362Z1HYDP0RXY";
pub const OTHER_SERVER: &str = "01M7YSZ8V8HNB362Z1HYDP0RXZ";
pub const GENERAL: &str = "01M7YSZ8V81AWBPFRM30NYSV34";
pub const NSFW: &str = "01M7YSZ8V81AWBPFRM30NYSV35";
pub const LOUNGE: &str = "01M7YSZ8V81AWBPFRM30NYSV36";
pub const LEGACY_VOICE: &str = "01M7YSZ8V81AWBPFRM30NYSV37";
pub const ELSEWHERE: &str = "01M7YSZ8V81AWBPFRM30NYSV38";
pub const DM: &str = "01M7YSZ8V81AWBPFRM30NYSV39";
pub const UNCACHED_CHANNEL: &str = "01M7YSZ8V81AWBPFRM30NYSV3A";

pub const BOT: &str = "01M7YSZ8V6D4QNP163AMRA3ARS";
pub const OWNER: &str = "01M7YSZ8H1XVFKYWFT7NKJHCGM";
pub const ALICE: &str = "01M7YSZ8H1XVFKYWFT7NKJHCG1";
pub const BOB: &str = "01M7YSZ8H1XVFKYWFT7NKJHCG2";
pub const CAROL: &str = "01M7YSZ8H1XVFKYWFT7NKJHCG3";
pub const DAVE: &str = "01M7YSZ8H1XVFKYWFT7NKJHCG4";
pub const OTHER_BOT: &str = "01M7YSZ8H1XVFKYWFT7NKJHCG5";
pub const TWIN_A: &str = "01M7YSZ8H1XVFKYWFT7NKJHCG6";
pub const TWIN_B: &str = "01M7YSZ8H1XVFKYWFT7NKJHCG7";

pub const MOD_ROLE: &str = "01M7YSZ8V9AAAAAAAAAAAAAAA1";
pub const BOT_ROLE: &str = "01M7YSZ8V9AAAAAAAAAAAAAAA2";
pub const MEMBER_ROLE: &str = "01M7YSZ8V9AAAAAAAAAAAAAAA3";
pub const TWIN_ROLE_A: &str = "01M7YSZ8V9AAAAAAAAAAAAAAA4";
pub const TWIN_ROLE_B: &str = "01M7YSZ8V9AAAAAAAAAAAAAAA5";

pub const EMOJI: &str = "01M7YSZ8VAEEEEEEEEEEEEEEE1";
pub const CACHED_MESSAGE: &str = "01M7YT8F8NBH98W6P4028C0001";

/// The wall clock of the world: Dave's timeout runs until an hour after it.
pub const NOW_MS: i64 = 1_800_000_000_000;

/// KickMembers | AssignRoles | ManageRole | ManageMessages.
pub const MOD_BITS: u64 = (1 << 6) | (1 << 9) | (1 << 3) | (1 << 23);

fn user(id: &str, name: &str, extra: Value) -> Value {
    let mut user = json!({"_id": id, "username": name, "discriminator": "0001"});
    if let (Some(target), Value::Object(extra)) = (user.as_object_mut(), extra) {
        target.extend(extra);
    }
    user
}

fn member(user: &str, roles: &[&str], extra: Value) -> Value {
    let mut member = json!({
        "_id": {"server": SERVER, "user": user},
        "joined_at": "2026-11-21T10:21:00.440Z",
        "roles": roles,
    });
    if let (Some(target), Value::Object(extra)) = (member.as_object_mut(), extra) {
        target.extend(extra);
    }
    member
}

pub fn role(id: &str, name: &str, allow: u64, rank: i64) -> Value {
    json!({"_id": id, "name": name, "permissions": {"a": allow, "d": 0}, "rank": rank})
}

pub fn ready() -> Event {
    let timeout = Timestamp::from_millis(NOW_MS + 3_600_000).to_iso8601();
    serde_json::from_value(json!({
        "type": "Ready",
        "users": [
            user(OWNER, "owner", json!({})),
            user(ALICE, "alice", json!({"display_name": "Alice A."})),
            user(BOB, "bob", json!({})),
            user(DAVE, "dave", json!({})),
            user(OTHER_BOT, "otherbot", json!({"bot": {"owner": OWNER}})),
            user(TWIN_A, "twin", json!({"discriminator": "0001"})),
            user(TWIN_B, "twin", json!({"discriminator": "0002"})),
            user(BOT, "testbot", json!({"bot": {"owner": OWNER}, "relationship": "User"})),
        ],
        "servers": [{
            "_id": SERVER,
            "owner": OWNER,
            "name": "Test Server",
            "channels": [GENERAL, NSFW, LOUNGE, LEGACY_VOICE],
            "categories": [{"id": "info", "title": "Information", "channels": [GENERAL]}],
            "default_permissions": 77014766592u64,
            "roles": {
                MOD_ROLE: role(MOD_ROLE, "Moderator", MOD_BITS, 1),
                BOT_ROLE: role(BOT_ROLE, "Bot", MOD_BITS, 0),
                MEMBER_ROLE: role(MEMBER_ROLE, "Member", 0, 5),
                TWIN_ROLE_A: role(TWIN_ROLE_A, "Twin", 0, 6),
                TWIN_ROLE_B: role(TWIN_ROLE_B, "Twin", 0, 7),
            },
        }],
        "channels": [
            {"channel_type": "TextChannel", "_id": GENERAL, "server": SERVER, "name": "general"},
            {"channel_type": "TextChannel", "_id": NSFW, "server": SERVER, "name": "after-dark", "nsfw": true},
            {"channel_type": "TextChannel", "_id": LOUNGE, "server": SERVER, "name": "lounge", "voice": {}},
            {"channel_type": "VoiceChannel", "_id": LEGACY_VOICE, "server": SERVER, "name": "old voice"},
            {"channel_type": "TextChannel", "_id": ELSEWHERE, "server": OTHER_SERVER, "name": "general"},
            {"channel_type": "DirectMessage", "_id": DM, "active": true, "recipients": [BOT, BOB]},
        ],
        "members": [
            member(BOT, &[BOT_ROLE], json!({})),
            member(OWNER, &[], json!({})),
            member(ALICE, &[MOD_ROLE, MEMBER_ROLE], json!({"nickname": "Ally"})),
            member(BOB, &[MEMBER_ROLE], json!({})),
            member(DAVE, &[MOD_ROLE], json!({"timeout": timeout})),
            member(TWIN_A, &[], json!({})),
            member(TWIN_B, &[], json!({})),
        ],
        "emojis": [{"_id": EMOJI, "parent": {"type": "Server", "id": SERVER}, "creator_id": OWNER, "name": "party"}],
    }))
    .unwrap()
}

pub fn world() -> Cache {
    let mut cache = Cache::default();
    cache.apply(&ready());
    cache.apply(&message_event(
        CACHED_MESSAGE,
        GENERAL,
        BOB,
        "an old message",
    ));
    cache
}

pub fn message_event(id: &str, channel: &str, author: &str, content: &str) -> Event {
    serde_json::from_value(json!({
        "type": "Message", "_id": id, "channel": channel, "author": author, "content": content,
    }))
    .unwrap()
}

pub fn message(channel: &str, author: &str, content: &str) -> Message {
    match message_event("01M7YT8F8NBH98W6P4028C9999", channel, author, content) {
        Event::Message(message) => std::sync::Arc::unwrap_or_clone(message),
        _ => unreachable!(),
    }
}

/// A request as the handle saw it.
#[derive(Clone, Debug)]
pub struct Sent {
    pub method: Method,
    pub path: String,
    pub body: Value,
    pub reason: Option<String>,
}

impl Sent {
    /// The `content` of a sent message.
    pub fn content(&self) -> Option<&str> {
        self.body.get("content").and_then(Value::as_str)
    }
}

#[derive(Default)]
struct State {
    cache: Cache,
    sent: Vec<Sent>,
    remote: HashMap<String, (u16, Value)>,
    wall: i64,
    next_id: u32,
}

/// The test client handle: a cache, canned REST answers, and a log of requests.
#[derive(Clone)]
pub struct Handle(Arc<Mutex<State>>);

impl Handle {
    pub fn new() -> Self {
        Self(Arc::new(Mutex::new(State {
            cache: world(),
            wall: NOW_MS,
            ..State::default()
        })))
    }

    /// Answers `GET path` with `status` and `body`.
    pub fn remote(&self, path: &str, status: u16, body: Value) {
        self.0
            .lock()
            .unwrap()
            .remote
            .insert(path.to_owned(), (status, body));
    }

    /// Applies an event to the cache, as a runtime would before handing it on.
    pub fn update(&self, event: Event) -> Update {
        dispatch(&mut self.0.lock().unwrap().cache, event)
    }

    /// A `Message` from `author` in `channel`, through the cache.
    pub fn say(&self, channel: &str, author: &str, content: &str) -> Update {
        let id = {
            let mut state = self.0.lock().unwrap();
            state.next_id += 1;
            format!("01M7YT8F8NBH98W6P40281{:04}", state.next_id)
        };
        self.update(message_event(&id, channel, author, content))
    }

    pub fn sent(&self) -> Vec<Sent> {
        self.0.lock().unwrap().sent.clone()
    }

    pub fn take_sent(&self) -> Vec<Sent> {
        std::mem::take(&mut self.0.lock().unwrap().sent)
    }

    /// The contents of the messages sent since the last call.
    pub fn replies(&self) -> Vec<String> {
        self.take_sent()
            .into_iter()
            .filter(|s| s.method == Method::POST && s.path.ends_with("/messages"))
            .filter_map(|s| s.content().map(str::to_owned))
            .collect()
    }

    fn answer<R: Request>(&self, request: &R) -> Result<R::Output, Error> {
        let parts = request.to_parts()?;
        let body = match &parts.body {
            Body::Json(bytes) => serde_json::from_slice(bytes).unwrap_or(Value::Null),
            _ => Value::Null,
        };
        let mut state = self.0.lock().unwrap();
        state.sent.push(Sent {
            method: parts.method.clone(),
            path: parts.path.clone(),
            body: body.clone(),
            reason: parts.audit_log_reason.clone(),
        });
        let canned = (parts.method == Method::GET)
            .then(|| state.remote.get(&parts.path).cloned())
            .flatten();
        let (status, answer) = if let Some(canned) = canned {
            canned
        } else if parts.method == Method::PATCH && parts.path.contains("/members/") {
            let segments: Vec<&str> = parts.path.split('/').collect();
            (
                200,
                json!({
                    "_id": {"server": segments[2], "user": segments[4]},
                    "joined_at": "2026-11-21T10:21:00.440Z",
                    "roles": body.get("roles").cloned().unwrap_or(json!([])),
                }),
            )
        } else if parts.method == Method::POST && parts.path.ends_with("/messages") {
            let channel = parts.path.split('/').nth(2).unwrap_or_default().to_owned();
            state.next_id += 1;
            let id = format!("01M7YT8F8NBH98W6P40282{:04}", state.next_id);
            (
                200,
                json!({"_id": id, "channel": channel, "author": BOT, "content": body.get("content")}),
            )
        } else if parts.method == Method::GET {
            (404, json!({"type": "NotFound", "location": "test"}))
        } else {
            (204, Value::Null)
        };
        let bytes = if answer.is_null() {
            Bytes::new()
        } else {
            Bytes::from(answer.to_string())
        };
        let response = http::Response::builder()
            .status(status)
            .body(bytes)
            .unwrap();
        R::parse(&response)
    }
}

impl CacheAccess for Handle {
    fn with_cache<T>(&self, read: impl FnOnce(&Cache) -> T) -> T {
        // Copy the cache out so a body may use the handle while converters read.
        let cache = self.0.lock().unwrap().cache.clone();
        read(&cache)
    }

    fn wall_clock(&self) -> Timestamp {
        Timestamp::from_millis(self.0.lock().unwrap().wall)
    }
}

impl BlockingExecutor for Handle {
    fn execute_owned<R: Request>(&self, request: R) -> Result<R::Output, Error> {
        self.answer(&request)
    }
}

impl AsyncExecutor for Handle {
    fn execute_owned<R>(&self, request: R) -> BoxFuture<'_, Result<R::Output, Error>>
    where
        R: Request + Send + 'static,
        R::Output: Send + 'static,
    {
        let result = self.answer(&request);
        Box::pin(async move {
            // Suspend once, so the framework's futures are really polled more than once.
            YieldOnce(false).await;
            result
        })
    }
}

struct YieldOnce(bool);

impl Future for YieldOnce {
    type Output = ();
    fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

/// Runs a future that only ever waits on [`YieldOnce`].
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = TaskContext::from_waker(Waker::noop());
    for _ in 0..10_000 {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
    }
    panic!("the future never finished");
}
