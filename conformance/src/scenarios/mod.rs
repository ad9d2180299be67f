//! One scenario suite for every runtime.
//!
//! Each runtime adapter implements [`Harness`] (a thin, blocking view of its client) in its
//! own test file and calls [`scenario_suite!`](crate::scenario_suite), which expands to one
//! `#[test]` per scenario. The scenarios themselves are written once, here, against the
//! [`FakeServer`].

use std::time::{Duration, Instant};

use stoat_core::auth::Secret;
use stoat_core::cache::Cache;
use stoat_core::cdn::{Tag, Upload};
use stoat_core::client::{ClientConfig, SessionEnded, Update};
use stoat_core::gateway::{Backoff, CloseReason, Command, Event, Format, SessionConfig};
use stoat_core::http::routes::{
    AddReaction, BanUser, CloseChannel, CreateEmoji, CreateInvite, CreateRole, CreateServerChannel,
    CreateWebhook, DeleteInvite, DeleteMessage, DeleteRole, DeleteWebhook, EditChannel, EditMember,
    EditMessage, EditRole, EditServer, ExecuteWebhook, FetchBans, FetchDefaultAvatar, FetchInvite,
    FetchMember, FetchMembers, FetchMessage, FetchMessages, FetchSelf, FetchServerEmojis,
    FetchServerInvites, JoinInvite, KickMember, RemoveReaction, SendMessage,
    SetChannelRolePermissions, UnbanUser,
};
use stoat_core::http::{ApiError, Error, ErrorType, Request, RetryPolicy, TransportErrorKind};
use stoat_core::id::{ChannelId, EmojiId, MessageId, ServerId, UserId};
use stoat_core::model::{
    BulkMessageResponse, Channel, Embed, EmojiParent, FieldsChannel, FileMetadata, Invite,
    InviteJoinResponse, InviteResponse, MemberId, MemberResponse, OverrideField, Permissions,
    RemovalIntention, SendableEmbed,
};
use stoat_core::{Change, Endpoints, Token};

use crate::{FakeConfig, FakeServer};

mod client_layer;
mod commands;
mod hostile_gateway;
mod hostile_http;

pub use client_layer::{
    handlers_converse_without_stalling_the_gateway, sessions_end_the_same_way_everywhere,
    the_gateway_lives_until_the_last_handle, wait_for_sees_events_without_taking_them, KeptHandle,
    Waiting,
};
pub use commands::{async_commands_bot, blocking_commands_bot, commands_bot};
pub use hostile_gateway::{
    close_code_after_ready_is_surfaced_and_backs_off,
    huge_fragmented_message_is_refused_and_backs_off, no_effect_is_a_success,
    repeated_close_after_auth_backs_off,
};
pub use hostile_http::{
    an_endless_body_stops_at_the_limit, redirects_are_errors_and_never_followed,
    the_default_body_limit_holds,
};

/// What a client yielded when asked for its next update.
#[derive(Debug)]
pub enum Next {
    /// An event with its cache change.
    Update(Box<Update>),
    /// The event stream ended, with the session's reason if it gave one.
    Closed(Option<CloseReason>),
    /// Nothing arrived in time.
    TimedOut,
}

/// A runtime's client seen through a blocking interface, so scenarios are written once.
pub trait Harness: Sized {
    /// The runtime's name, for messages.
    const RUNTIME: &'static str;

    /// Connects a client.
    fn connect(config: ClientConfig) -> Result<Self, String>;

    /// Waits up to `timeout` for the next update.
    fn next(&mut self, timeout: Duration) -> Next;

    /// Executes a request with the client's generic `execute`.
    fn execute<R>(&self, request: R) -> Result<R::Output, Error>
    where
        R: Request + Send + Sync + 'static,
        R::Output: Send + 'static;

    /// Queues a gateway command.
    fn command(&self, command: Command);

    /// Shuts the client down gracefully; returns once it has stopped.
    fn shutdown(self);

    /// Starts `handle.wait_for_many(predicate, count, timeout)` in the background, on the
    /// runtime; the returned [`Waiting`] blocks until it finishes.
    fn spawn_wait_for(
        &self,
        predicate: Box<dyn FnMut(&Update) -> bool + Send>,
        count: usize,
        timeout: Duration,
    ) -> Waiting;

    /// Reads the cache through the client's `with_cache`.
    fn read_cache<T>(&self, read: impl FnOnce(&Cache) -> T) -> T;

    /// `send_command`'s answer, whatever it is.
    fn try_command(&self, command: Command) -> Result<(), SessionEnded>;

    /// `shutdown`, keeping the client to look at afterwards.
    fn stop(&self);

    /// Why the session ended, once it has (`closed_reason`).
    fn closed_reason(&self) -> Option<CloseReason>;

    /// Drops the client, keeping only one handle (with whatever runtime it needs).
    fn into_handle(self) -> KeptHandle;

    /// Runs the suite's conversation bot with the runtime's `Client::run(handlers)`, in the
    /// background, until the returned function is called (which shuts it down and waits).
    ///
    /// The bot, written with the runtime's handler API:
    /// * on every `Message` whose content is `!name`: reads the channel's name from the cache
    ///   (`with_cache`), replies `What is your name? (asked in #<channel name>)`, then waits
    ///   (`wait_for`, 10 s) for the next message by the same author in the same channel and
    ///   replies `Hello, <its content>!`;
    /// * on every `Message` whose content is `!fail`: returns an error, which its error hook
    ///   answers by sending `handler failed: <error>` to the same channel.
    fn run_conversation_bot(self) -> Box<dyn FnOnce() + Send>;

    /// Runs the suite's commands bot with the runtime's `Client::run(handlers)`, in the
    /// background, until the returned function is called (which shuts it down and waits).
    ///
    /// The bot is [`async_commands_bot`] on the async runtimes and [`blocking_commands_bot`]
    /// on the blocking one, built for the runtime's handle; one `Message` handler hands
    /// every message to it with `framework.process(&handle, &update, Instant::now())`.
    fn run_commands_bot(self) -> Box<dyn FnOnce() + Send>;
}

/// How long any single expectation may take.
pub(crate) const PATIENCE: Duration = Duration::from_secs(10);

/// Gateway settings that keep the scenarios fast: a ping every 300 ms, dead after 300 ms
/// more, reconnecting after 100 ms–1 s.
pub(crate) fn fast(config: SessionConfig) -> SessionConfig {
    config
        .heartbeat(Duration::from_millis(300), Duration::from_millis(300))
        .backoff(Backoff {
            initial: Duration::from_millis(100),
            max: Duration::from_secs(1),
            multiplier: 2,
            jitter: 0.5,
        })
        .handshake_timeout(Duration::from_secs(5))
}

fn fast_msgpack(config: SessionConfig) -> SessionConfig {
    fast(config).format(Format::Msgpack)
}

pub(crate) fn server() -> FakeServer {
    FakeServer::start(FakeConfig::default().ratelimit_window(Duration::from_secs(1)))
}

pub(crate) fn config(server: &FakeServer, token: Token) -> ClientConfig {
    ClientConfig::new(token)
        .endpoints(Endpoints::new(
            server.api_url(),
            server.ws_url(),
            server.autumn_url(),
        ))
        .session(fast)
}

pub(crate) fn connect<H: Harness>(config: ClientConfig) -> H {
    H::connect(config).unwrap_or_else(|e| panic!("[{}] connect failed: {e}", H::RUNTIME))
}

/// Waits for the first update that satisfies `want`, skipping others.
pub(crate) fn wait_for<H: Harness>(
    h: &mut H,
    what: &str,
    want: impl Fn(&Update) -> bool,
) -> Update {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match h.next(left) {
            Next::Update(update) if want(&update) => return *update,
            Next::Update(_) => {}
            Next::Closed(reason) => {
                panic!(
                    "[{}] stream ended ({reason:?}) waiting for {what}",
                    H::RUNTIME
                )
            }
            Next::TimedOut => panic!("[{}] timed out waiting for {what}", H::RUNTIME),
        }
        if Instant::now() >= deadline {
            panic!("[{}] timed out waiting for {what}", H::RUNTIME);
        }
    }
}

pub(crate) fn is_ready(update: &Update) -> bool {
    matches!(update.event, Event::Ready(_))
}

pub(crate) fn wait_until(what: &str, condition: impl Fn() -> bool) {
    let deadline = Instant::now() + PATIENCE;
    while !condition() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Connects, receives `Ready` first, and the cache is filled from it.
pub fn connect_and_ready<H: Harness>() {
    let server = server();
    let mut client: H = connect(config(&server, Token::bot(server.bot_token())));
    let ready = wait_for(&mut client, "Ready", is_ready);
    assert_eq!(ready.change, Change::Ready);
    match &ready.event {
        Event::Ready(ready) => {
            assert_eq!(
                ready.current_user().map(|u| u.id.to_string()),
                Some(server.bot_id().to_owned())
            );
            assert_eq!(ready.channels.as_ref().map(Vec::len), Some(1));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(server.authentications(), 1);
    client.shutdown();
}

/// Heartbeats go out on the configured interval and their pongs come back.
pub fn ping_pong<H: Harness>() {
    let server = server();
    let mut client: H = connect(config(&server, Token::bot(server.bot_token())));
    wait_for(&mut client, "Ready", is_ready);
    wait_for(&mut client, "a Pong", |u| {
        matches!(u.event, Event::Pong { .. })
    });
    wait_for(&mut client, "a second Pong", |u| {
        matches!(u.event, Event::Pong { .. })
    });
    assert!(server.pings_received() >= 2);
    assert_eq!(
        server.gateway_connections(),
        1,
        "a healthy connection is kept"
    );
    client.shutdown();
}

/// An echo bot: a user's message arrives, the bot replies over REST, and its own reply
/// arrives over the gateway.
pub fn echo_bot<H: Harness>() {
    echo_bot_with::<H>(fast);
}

/// The echo bot over a msgpack gateway connection.
pub fn echo_bot_msgpack<H: Harness>() {
    echo_bot_with::<H>(fast_msgpack);
}

fn echo_bot_with<H: Harness>(session: fn(SessionConfig) -> SessionConfig) {
    let server = server();
    let mut client: H = connect(config(&server, Token::bot(server.bot_token())).session(session));
    wait_for(&mut client, "Ready", is_ready);
    let channel = server.channel_id();
    server.inject_user_message(channel, "!echo hello there");
    let incoming = wait_for(
        &mut client,
        "the user's message",
        |u| matches!(&u.event, Event::Message(m) if m.content.as_deref() == Some("!echo hello there")),
    );
    assert_eq!(incoming.change, Change::MessageCreated);
    let Event::Message(incoming) = incoming.event else {
        unreachable!()
    };
    assert_eq!(incoming.author.to_string(), server.owner_id());

    let reply = client
        .execute(SendMessage::new(incoming.channel, "hello there").reply_to(incoming.id, true))
        .unwrap_or_else(|e| panic!("[{}] reply failed: {e}", H::RUNTIME));
    assert_eq!(reply.content.as_deref(), Some("hello there"));
    assert_eq!(reply.replies, Some(vec![incoming.id]));

    let echoed = wait_for(
        &mut client,
        "the bot's own reply",
        |u| matches!(&u.event, Event::Message(m) if m.id == reply.id),
    );
    assert_eq!(echoed.change, Change::MessageCreated);
    let stored = server.channel_messages(channel);
    assert!(stored
        .iter()
        .any(|m| m["_id"] == reply.id.to_string() && m["content"] == "hello there"));
    client.shutdown();
}

/// The server drops the connection; the client reconnects and gets a fresh `Ready`.
pub fn reconnect_after_drop<H: Harness>() {
    let server = server();
    let mut client: H = connect(config(&server, Token::bot(server.bot_token())));
    wait_for(&mut client, "Ready", is_ready);
    server.drop_connections();
    wait_for(&mut client, "a fresh Ready", is_ready);
    assert_eq!(server.authentications(), 2, "every reconnect authenticates");
    assert_eq!(server.gateway_connections(), 2);
    client.shutdown();
}

/// The server stops answering pings; the client replaces the connection.
pub fn zombie_connection_is_replaced<H: Harness>() {
    let server = server();
    let mut client: H = connect(config(&server, Token::bot(server.bot_token())));
    wait_for(&mut client, "Ready", is_ready);
    server.set_answer_pings(false);
    let silenced = Instant::now();
    wait_for(&mut client, "a Ready on a new connection", is_ready);
    // Detected within one interval plus the timeout, then a backoff of at most 1 s.
    assert!(silenced.elapsed() < Duration::from_secs(3));
    assert!(server.gateway_connections() >= 2);
    server.set_answer_pings(true);
    client.shutdown();
}

/// A bad token ends the stream with a clear reason and no reconnect loop.
pub fn invalid_token_is_fatal<H: Harness>() {
    let server = server();
    let mut client: H = connect(config(&server, Token::bot("not-a-valid-token")));
    let deadline = Instant::now() + PATIENCE;
    let reason = loop {
        match client.next(deadline.saturating_duration_since(Instant::now())) {
            Next::Update(update) => assert!(
                matches!(update.event, Event::Error { .. }),
                "[{}] unexpected {update:?}",
                H::RUNTIME
            ),
            Next::Closed(reason) => break reason,
            Next::TimedOut => panic!("[{}] no fatal close for a bad token", H::RUNTIME),
        }
    };
    match reason {
        Some(CloseReason::AuthenticationFailed(error)) => assert_eq!(error.kind, "InvalidSession"),
        other => panic!(
            "[{}] expected AuthenticationFailed, got {other:?}",
            H::RUNTIME
        ),
    }
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(server.gateway_connections(), 1, "no reconnect storm");
    client.shutdown();
}

/// More sends than the bucket allows all succeed, and no 429 is even provoked.
pub fn burst_over_the_bucket_limit<H: Harness>() {
    let server = server();
    let client: H = connect(config(&server, Token::bot(server.bot_token())));
    let channel = server.channel_id().parse().unwrap();
    for n in 0..14 {
        client
            .execute(SendMessage::new(channel, format!("burst {n}")))
            .unwrap_or_else(|e| panic!("[{}] send {n} failed: {e}", H::RUNTIME));
    }
    assert_eq!(
        server.rate_limited_count(),
        0,
        "the client waits for the window instead of hitting the limit"
    );
    let stored = server.channel_messages(server.channel_id());
    assert_eq!(
        stored
            .iter()
            .filter(|m| m["content"]
                .as_str()
                .is_some_and(|c| c.starts_with("burst ")))
            .count(),
        14
    );
    client.shutdown();
}

/// A 429 and a 502 from the server are absorbed by the retry policy.
pub fn rate_limited_and_failing_requests_are_retried<H: Harness>() {
    let server = server();
    let client: H = connect(config(&server, Token::bot(server.bot_token())));
    server.fail_next_requests(429, 2);
    let me = client
        .execute(FetchSelf)
        .unwrap_or_else(|e| panic!("[{}] {e}", H::RUNTIME));
    assert_eq!(me.id.to_string(), server.bot_id());
    server.fail_next_requests(502, 1);
    assert!(
        client.execute(FetchSelf).is_ok(),
        "GETs are retried after a 502"
    );
    client.shutdown();
}

/// Typing commands reach the server, which echoes them as events.
pub fn typing_commands<H: Harness>() {
    let server = server();
    let mut client: H = connect(config(&server, Token::bot(server.bot_token())));
    let channel = server.channel_id().parse().unwrap();
    // Queued before Ready is fine: it is sent once the session is ready.
    client.command(Command::BeginTyping { channel });
    wait_for(&mut client, "ChannelStartTyping", |u| {
        matches!(u.event, Event::ChannelStartTyping { .. })
    });
    client.command(Command::EndTyping { channel });
    wait_for(&mut client, "ChannelStopTyping", |u| {
        matches!(u.event, Event::ChannelStopTyping { .. })
    });
    client.shutdown();
}

/// Shutdown closes the connection and ends the stream.
pub fn graceful_shutdown<H: Harness>() {
    let server = server();
    let mut client: H = connect(config(&server, Token::bot(server.bot_token())));
    wait_for(&mut client, "Ready", is_ready);
    assert_eq!(server.stats().open_sessions, 1);
    client.shutdown();
    wait_until("the server sees the connection closed", || {
        server.stats().open_sessions == 0
    });
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        server.gateway_connections(),
        1,
        "no reconnect after shutdown"
    );
}

/// A `Logout` from the server ends the session without reconnecting.
pub fn logout_ends_the_session<H: Harness>() {
    let server = server();
    let mut client: H = connect(config(&server, Token::bot(server.bot_token())));
    wait_for(&mut client, "Ready", is_ready);
    server.logout_connections();
    let deadline = Instant::now() + PATIENCE;
    loop {
        match client.next(deadline.saturating_duration_since(Instant::now())) {
            Next::Update(_) => {}
            Next::Closed(reason) => {
                assert_eq!(reason, Some(CloseReason::LoggedOut));
                break;
            }
            Next::TimedOut => panic!("[{}] no close after Logout", H::RUNTIME),
        }
    }
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(server.gateway_connections(), 1);
    client.shutdown();
}

/// The gateway and file-server URLs are discovered from the API's `GET /`.
pub fn discovery_from_the_api<H: Harness>() {
    let server = server();
    let config = ClientConfig::new(Token::bot(server.bot_token()))
        .discover(server.api_url())
        .session(fast);
    let mut client: H = connect(config);
    wait_for(&mut client, "Ready", is_ready);
    let root = server
        .requests()
        .into_iter()
        .find(|r| r.path == "/")
        .expect("GET / was requested");
    assert!(
        !root
            .headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("x-bot-token")),
        "GET / is public: no token sent"
    );
    client.shutdown();
}

/// A file is uploaded to the file server with the tag's bucket, and its id comes back.
pub fn upload_a_file<H: Harness>() {
    let server = server();
    let client: H = connect(config(&server, Token::bot(server.bot_token())));
    let upload = Upload::new(
        Tag::Attachments,
        "notes.txt",
        "text/plain",
        b"hello".to_vec(),
    )
    .expect("a valid upload");
    let uploaded = client
        .execute(upload)
        .unwrap_or_else(|e| panic!("[{}] upload failed: {e}", H::RUNTIME));
    assert!(!uploaded.id.is_empty());
    let seen = server
        .requests()
        .into_iter()
        .find(|r| r.method == "POST" && r.path == "/attachments")
        .expect("the upload reached the file server");
    assert_eq!(seen.status, 200);
    client.shutdown();
}

/// A request that gets no answer fails after the configured timeout instead of hanging.
pub fn unanswered_requests_time_out<H: Harness>() {
    let server = server();
    let config = config(&server, Token::bot(server.bot_token())).retry(
        RetryPolicy::default()
            .request_timeout(Duration::from_millis(300))
            .transient_retries(0, Duration::from_millis(10)),
    );
    let client: H = connect(config);
    server.set_response_delay(Duration::from_secs(3));
    let started = Instant::now();
    match client.execute(FetchSelf) {
        Err(Error::Transport(error)) => assert_eq!(error.kind, TransportErrorKind::Ambiguous),
        other => panic!("[{}] expected a timeout, got {other:?}", H::RUNTIME),
    }
    assert!(started.elapsed() < Duration::from_secs(2));
    server.set_response_delay(Duration::ZERO);
    client.shutdown();
}

/// Parses a fixture id (or one the fake returned) into a typed id.
fn id<T>(text: &str) -> T
where
    T: std::str::FromStr,
    T::Err: std::fmt::Debug,
{
    text.parse()
        .unwrap_or_else(|error| panic!("not a valid id {text:?}: {error:?}"))
}

/// The output of a request that must succeed.
fn ok<H: Harness, T>(result: Result<T, Error>, what: &str) -> T {
    result.unwrap_or_else(|error| panic!("[{}] {what} failed: {error}", H::RUNTIME))
}

/// The API error of a request that must fail with one.
fn api_error<H: Harness, T: std::fmt::Debug>(result: Result<T, Error>, what: &str) -> ApiError {
    match result {
        Err(Error::Api(error)) => *error,
        other => panic!(
            "[{}] {what}: expected an API error, got {other:?}",
            H::RUNTIME
        ),
    }
}

/// `error` is `MissingPermission { permission }` with status 403.
fn assert_missing_permission<H: Harness>(error: &ApiError, permission: &str) {
    assert_eq!(
        error.error,
        ErrorType::MissingPermission {
            permission: permission.to_owned()
        },
        "[{}] {error}",
        H::RUNTIME
    );
    assert_eq!(error.status.as_u16(), 403, "[{}] {error}", H::RUNTIME);
}

/// `error` is `NotFound` with status 404.
fn assert_not_found<H: Harness>(error: &ApiError) {
    assert_eq!(error.error, ErrorType::NotFound, "[{}] {error}", H::RUNTIME);
    assert_eq!(error.status.as_u16(), 404, "[{}] {error}", H::RUNTIME);
}

/// A message as the fake stores it.
fn stored_message(server: &FakeServer, channel: &str, id: MessageId) -> Option<serde_json::Value> {
    server
        .channel_messages(channel)
        .into_iter()
        .find(|m| m["_id"] == id.to_string())
}

/// The fake's member row of `user` in the fixture server.
fn stored_member(server: &FakeServer, user: &str) -> Option<serde_json::Value> {
    server
        .members(server.server_id())
        .into_iter()
        .find(|m| m["_id"]["user"] == user)
}

/// A bot's message from send to delete: fetch it, edit it (the `MessageUpdate`'s change
/// holds the old content), react and unreact (the cached reactions follow), fetch a page
/// with its authors, delete it.
pub fn message_lifecycle<H: Harness>() {
    let server = server();
    let mut client: H = connect(config(&server, Token::bot(server.bot_token())));
    wait_for(&mut client, "Ready", is_ready);
    let channel: ChannelId = id(server.channel_id());
    let bot: UserId = id(server.bot_id());

    let sent = ok::<H, _>(
        client.execute(SendMessage::new(channel, "first draft")),
        "send",
    );
    assert_eq!((sent.author, sent.channel), (bot, channel));
    let message = sent.id;
    wait_for(
        &mut client,
        "the bot's Message",
        move |u| matches!(&u.event, Event::Message(m) if m.id == message),
    );

    let fetched = ok::<H, _>(
        client.execute(FetchMessage::new(channel, message)),
        "fetch one",
    );
    assert_eq!(fetched.id, message);
    assert_eq!(fetched.content.as_deref(), Some("first draft"));
    assert!(fetched.edited.is_none());

    let edited = ok::<H, _>(
        client.execute(EditMessage::new(channel, message, "final text")),
        "edit",
    );
    assert_eq!(edited.content.as_deref(), Some("final text"));
    assert!(edited.edited.is_some(), "an edit stamps `edited`");
    let update = wait_for(
        &mut client,
        "MessageUpdate",
        move |u| matches!(&u.event, Event::MessageUpdate { id, .. } if *id == message),
    );
    match (&update.event, &update.change) {
        (
            Event::MessageUpdate { data, .. },
            Change::MessageUpdated {
                before: Some(before),
            },
        ) => {
            assert_eq!(data.content.as_deref(), Some("final text"));
            assert!(data.edited.is_some());
            assert_eq!(before.content.as_deref(), Some("first draft"));
        }
        other => panic!("[{}] unexpected edit update {other:?}", H::RUNTIME),
    }
    let stored = stored_message(&server, server.channel_id(), message).expect("stored");
    assert_eq!(stored["content"], "final text");
    assert!(stored.get("edited").is_some());

    ok::<H, _>(
        client.execute(AddReaction::new(channel, message, "👍")),
        "react",
    );
    let react = wait_for(
        &mut client,
        "MessageReact",
        move |u| matches!(&u.event, Event::MessageReact { id, .. } if *id == message),
    );
    match (&react.event, &react.change) {
        (
            Event::MessageReact {
                user_id, emoji_id, ..
            },
            Change::MessageUpdated {
                before: Some(before),
            },
        ) => {
            assert_eq!((*user_id, emoji_id.as_str()), (bot, "👍"));
            assert!(before.reactions.is_empty(), "no reactions before");
        }
        other => panic!("[{}] unexpected react update {other:?}", H::RUNTIME),
    }
    let stored = stored_message(&server, server.channel_id(), message).expect("stored");
    assert_eq!(
        stored["reactions"]["👍"],
        serde_json::json!([server.bot_id()])
    );
    let reacted = ok::<H, _>(
        client.execute(FetchMessage::new(channel, message)),
        "fetch after reacting",
    );
    assert_eq!(reacted.reactions.get("👍"), Some(&vec![bot]));

    ok::<H, _>(
        client.execute(RemoveReaction::new(channel, message, "👍")),
        "unreact",
    );
    let unreact = wait_for(
        &mut client,
        "MessageUnreact",
        move |u| matches!(&u.event, Event::MessageUnreact { id, .. } if *id == message),
    );
    match (&unreact.event, &unreact.change) {
        (
            Event::MessageUnreact {
                user_id, emoji_id, ..
            },
            Change::MessageUpdated {
                before: Some(before),
            },
        ) => {
            assert_eq!((*user_id, emoji_id.as_str()), (bot, "👍"));
            assert_eq!(
                before.reactions.get("👍"),
                Some(&vec![bot]),
                "the cache had the reaction"
            );
        }
        other => panic!("[{}] unexpected unreact update {other:?}", H::RUNTIME),
    }
    let stored = stored_message(&server, server.channel_id(), message).expect("stored");
    assert!(stored.get("reactions").is_none(), "{stored}");

    let page = ok::<H, _>(
        client.execute(FetchMessages::new(channel).limit(10).include_users(true)),
        "fetch a page with users",
    );
    match page {
        BulkMessageResponse::MessagesAndUsers {
            messages,
            users,
            members,
        } => {
            let newest = messages.first().expect("a message");
            assert_eq!(newest.id, message, "newest first");
            assert_eq!(newest.content.as_deref(), Some("final text"));
            assert!(newest.reactions.is_empty());
            assert!(users.iter().any(|u| u.id == bot && u.username == "capbot"));
            let members = members.expect("a server channel's page has its members");
            assert!(members.iter().any(|m| m.id.user == bot));
        }
        other => panic!(
            "[{}] expected messages with users, got {other:?}",
            H::RUNTIME
        ),
    }

    ok::<H, _>(
        client.execute(DeleteMessage::new(channel, message)),
        "delete",
    );
    let deleted = wait_for(
        &mut client,
        "MessageDelete",
        move |u| matches!(&u.event, Event::MessageDelete { id, .. } if *id == message),
    );
    match &deleted.change {
        Change::MessageDeleted {
            before: Some(before),
        } => {
            assert_eq!(before.content.as_deref(), Some("final text"));
            assert!(before.reactions.is_empty(), "the unreact reached the cache");
        }
        other => panic!("[{}] unexpected delete change {other:?}", H::RUNTIME),
    }
    assert!(stored_message(&server, server.channel_id(), message).is_none());
    let gone = api_error::<H, _>(
        client.execute(FetchMessage::new(channel, message)),
        "fetch a deleted message",
    );
    assert_not_found::<H>(&gone);
    client.shutdown();
}

/// A message with an uploaded attachment and an embed whose media is another upload; an
/// upload is used once: sending it again is `NotFound`, as on the real server.
pub fn attachments_and_embeds<H: Harness>() {
    let server = server();
    let mut client: H = connect(config(&server, Token::bot(server.bot_token())));
    wait_for(&mut client, "Ready", is_ready);
    let channel: ChannelId = id(server.channel_id());

    let notes = ok::<H, _>(
        client.execute(
            Upload::new(
                Tag::Attachments,
                "notes.txt",
                "text/plain",
                b"all systems nominal\n".to_vec(),
            )
            .expect("a valid upload"),
        ),
        "upload notes.txt",
    );
    // A real PNG to attach: the bot's default avatar, fetched through `execute`.
    let png = ok::<H, _>(
        client.execute(FetchDefaultAvatar::new(id(server.bot_id()))),
        "fetch a default avatar",
    );
    assert!(png.0.starts_with(b"\x89PNG\r\n\x1a\n"));
    let chart = ok::<H, _>(
        client.execute(
            Upload::new(Tag::Attachments, "chart.png", "image/png", png.0.clone())
                .expect("a valid upload"),
        ),
        "upload chart.png",
    );

    let embed = SendableEmbed::new()
        .title("Status")
        .description("Everything is fine.")
        .colour("#00ff00")
        .media(chart.id.clone().into());
    let sent = ok::<H, _>(
        client.execute(
            SendMessage::new(channel, "daily report")
                .attachment(notes.id.clone())
                .embed(embed),
        ),
        "send with an attachment and an embed",
    );
    match sent.attachments.as_deref() {
        Some([file]) => {
            assert_eq!(file.id.as_str(), notes.id);
            assert_eq!(file.tag, "attachments");
            assert_eq!(file.filename, "notes.txt");
            assert_eq!(file.size, 20);
            assert_eq!(file.metadata, FileMetadata::Text);
        }
        other => panic!("[{}] expected one attachment, got {other:?}", H::RUNTIME),
    }
    match sent.embeds.as_deref() {
        Some([Embed::Text(text)]) => {
            assert_eq!(text.title.as_deref(), Some("Status"));
            assert_eq!(text.description.as_deref(), Some("Everything is fine."));
            assert_eq!(text.colour.as_deref(), Some("#00ff00"));
            let media = text.media.as_ref().expect("the embed's media");
            assert_eq!(media.id.as_str(), chart.id);
            assert!(
                matches!(
                    media.metadata,
                    FileMetadata::Image {
                        width: 64,
                        height: 64,
                        ..
                    }
                ),
                "{:?}",
                media.metadata
            );
        }
        other => panic!("[{}] expected one text embed, got {other:?}", H::RUNTIME),
    }
    let message = sent.id;
    let seen = wait_for(
        &mut client,
        "the Message with the file",
        move |u| matches!(&u.event, Event::Message(m) if m.id == message),
    );
    let Event::Message(seen) = seen.event else {
        unreachable!()
    };
    assert_eq!(seen.attachments, sent.attachments);
    assert_eq!(seen.embeds, sent.embeds);
    let stored = stored_message(&server, server.channel_id(), message).expect("stored");
    assert_eq!(stored["attachments"][0]["_id"], notes.id.as_str());

    let reused = api_error::<H, _>(
        client.execute(SendMessage::new(channel, "once more").attachment(notes.id.clone())),
        "reusing an attachment",
    );
    assert_not_found::<H>(&reused);
    let reused = api_error::<H, _>(
        client.execute(
            SendMessage::new(channel, "once more")
                .embed(SendableEmbed::new().media(chart.id.into())),
        ),
        "reusing embed media",
    );
    assert_not_found::<H>(&reused);
    assert!(
        !server
            .channel_messages(server.channel_id())
            .iter()
            .any(|m| m["content"] == "once more"),
        "a refused send stores nothing"
    );
    client.shutdown();
}

/// The owner (a session) creates and edits a channel, creates and edits a role, gives it
/// to the bot, denies it `SendMessage` in the channel (the bot is refused there), then
/// deletes the role (the bot may send again) and the channel.
pub fn owner_manages_channels_and_roles<H: Harness>() {
    let server = server();
    let mut owner: H = connect(config(&server, Token::session(server.user_token())));
    wait_for(&mut owner, "the owner's Ready", is_ready);
    let mut bot_client: H = connect(config(&server, Token::bot(server.bot_token())));
    wait_for(&mut bot_client, "the bot's Ready", is_ready);
    let server_id: ServerId = id(server.server_id());
    let bot: UserId = id(server.bot_id());

    // A channel: created, then renamed with its description cleared.
    let created = ok::<H, _>(
        owner.execute(CreateServerChannel::text(server_id, "ops").description("Operations")),
        "create a channel",
    );
    let channel = created.id();
    match &created {
        Channel::TextChannel {
            server,
            description,
            ..
        } => {
            assert_eq!(*server, server_id);
            assert_eq!(description.as_deref(), Some("Operations"));
        }
        other => panic!("[{}] expected a text channel, got {other:?}", H::RUNTIME),
    }
    assert_eq!(created.name(), Some("ops"));
    let channel_key = channel.to_string();
    let stored = server.channel(&channel_key).expect("the channel is stored");
    assert_eq!(stored["description"], "Operations");
    let listed = server.server(server.server_id()).expect("the server")["channels"].clone();
    assert!(listed
        .as_array()
        .is_some_and(|c| c.iter().any(|c| *c == channel_key)));
    let update = wait_for(
        &mut owner,
        "ChannelCreate",
        move |u| matches!(&u.event, Event::ChannelCreate(c) if c.id() == channel),
    );
    assert_eq!(update.change, Change::ChannelCreated { before: None });

    let edited = ok::<H, _>(
        owner.execute(
            EditChannel::new(channel)
                .name("operations")
                .clear_description(),
        ),
        "edit the channel",
    );
    assert_eq!(edited.name(), Some("operations"));
    assert_eq!(edited.description(), None);
    let stored = server.channel(&channel_key).expect("the channel is stored");
    assert_eq!(stored["name"], "operations");
    assert!(stored.get("description").is_none(), "{stored}");
    let update = wait_for(
        &mut owner,
        "ChannelUpdate",
        move |u| matches!(&u.event, Event::ChannelUpdate { id, .. } if *id == channel),
    );
    match (&update.event, &update.change) {
        (
            Event::ChannelUpdate { data, clear, .. },
            Change::ChannelUpdated {
                before: Some(before),
            },
        ) => {
            assert_eq!(data.name.as_deref(), Some("operations"));
            assert_eq!(clear.as_slice(), [FieldsChannel::Description]);
            assert_eq!(before.description(), Some("Operations"));
        }
        other => panic!("[{}] unexpected channel update {other:?}", H::RUNTIME),
    }

    // A role: created, then edited.
    let created = ok::<H, _>(
        owner.execute(CreateRole::new(server_id, "Moderators")),
        "create a role",
    );
    let role = created.id;
    assert_eq!(created.role.name, "Moderators");
    let role_key = role.to_string();
    assert_eq!(
        server.roles(server.server_id())[&role_key]["name"],
        "Moderators"
    );
    let update = wait_for(
        &mut owner,
        "ServerRoleUpdate (create)",
        move |u| matches!(&u.event, Event::ServerRoleUpdate { role_id, .. } if *role_id == role),
    );
    assert_eq!(update.change, Change::RoleUpdated { before: None });

    let edited = ok::<H, _>(
        owner.execute(
            EditRole::new(server_id, role)
                .name("Mods")
                .colour("#ff8800")
                .hoist(true),
        ),
        "edit the role",
    );
    assert_eq!(edited.name, "Mods");
    assert_eq!(edited.colour.as_deref(), Some("#ff8800"));
    assert!(edited.hoist);
    let stored = server.roles(server.server_id())[&role_key].clone();
    assert_eq!(
        (&stored["name"], &stored["colour"], &stored["hoist"]),
        (
            &serde_json::json!("Mods"),
            &serde_json::json!("#ff8800"),
            &serde_json::json!(true)
        )
    );
    let update = wait_for(
        &mut owner,
        "ServerRoleUpdate (edit)",
        move |u| matches!(&u.event, Event::ServerRoleUpdate { role_id, .. } if *role_id == role),
    );
    match &update.change {
        Change::RoleUpdated {
            before: Some(before),
        } => {
            assert_eq!(before.name, "Moderators");
            assert_eq!(before.colour, None);
        }
        other => panic!("[{}] unexpected role change {other:?}", H::RUNTIME),
    }

    // The bot gets the role.
    let member = ok::<H, _>(
        owner.execute(EditMember::new(server_id, bot).roles(vec![role])),
        "assign the role",
    );
    assert_eq!(member.id, MemberId::new(server_id, bot));
    assert_eq!(member.roles, vec![role]);
    let stored = stored_member(&server, server.bot_id()).expect("the bot's membership");
    assert_eq!(stored["roles"], serde_json::json!([role_key]));
    // `Ready` carries only a connection's own memberships, so the bot's cache (not the
    // owner's) holds the membership from before.
    let update = wait_for(
        &mut bot_client,
        "the bot's ServerMemberUpdate",
        move |u| matches!(&u.event, Event::ServerMemberUpdate { id, .. } if id.user == bot),
    );
    match (&update.event, &update.change) {
        (
            Event::ServerMemberUpdate { data, .. },
            Change::MemberUpdated {
                before: Some(before),
            },
        ) => {
            assert_eq!(data.roles.as_deref(), Some(&[role][..]));
            assert!(before.roles.is_empty());
        }
        other => panic!("[{}] unexpected member update {other:?}", H::RUNTIME),
    }
    match ok::<H, _>(
        owner.execute(FetchMember::new(server_id, bot).roles(true)),
        "fetch the bot's membership with roles",
    ) {
        MemberResponse::WithRoles { member, roles } => {
            assert_eq!(member.roles, vec![role]);
            assert_eq!(roles.get(&role).map(|r| r.name.as_str()), Some("Mods"));
        }
        other => panic!(
            "[{}] expected the member with roles, got {other:?}",
            H::RUNTIME
        ),
    }

    // The role may manage messages but not send in the channel.
    let overridden = ok::<H, _>(
        owner.execute(SetChannelRolePermissions::new(
            channel,
            role,
            Permissions::MANAGE_MESSAGES,
            Permissions::SEND_MESSAGE,
        )),
        "set the role's channel permissions",
    );
    let expected = OverrideField::new(Permissions::MANAGE_MESSAGES, Permissions::SEND_MESSAGE);
    match &overridden {
        Channel::TextChannel {
            role_permissions, ..
        } => assert_eq!(role_permissions.get(&role), Some(&expected)),
        other => panic!("[{}] expected a text channel, got {other:?}", H::RUNTIME),
    }
    let stored = server.channel(&channel_key).expect("the channel is stored");
    assert_eq!(
        stored["role_permissions"][&role_key],
        serde_json::json!({"a": Permissions::MANAGE_MESSAGES.bits(), "d": Permissions::SEND_MESSAGE.bits()})
    );
    let update = wait_for(&mut owner, "ChannelUpdate (permissions)", move |u| {
        matches!(&u.event, Event::ChannelUpdate { id, data, .. }
            if *id == channel && data.role_permissions.is_some())
    });
    assert!(matches!(
        update.change,
        Change::ChannelUpdated { before: Some(_) }
    ));
    let refused = api_error::<H, _>(
        bot_client.execute(SendMessage::new(channel, "let me speak")),
        "the bot sends where its role is denied",
    );
    assert_missing_permission::<H>(&refused, "SendMessage");

    // Deleting the role takes it off the bot and out of the channel.
    ok::<H, _>(
        owner.execute(DeleteRole::new(server_id, role)),
        "delete the role",
    );
    assert!(server.roles(server.server_id()).get(&role_key).is_none());
    let stored = stored_member(&server, server.bot_id()).expect("the bot's membership");
    assert!(stored
        .get("roles")
        .is_none_or(|r| r == &serde_json::json!([])));
    let stored = server.channel(&channel_key).expect("the channel is stored");
    assert!(stored.get("role_permissions").is_none(), "{stored}");
    let update = wait_for(
        &mut owner,
        "ServerRoleDelete",
        move |u| matches!(&u.event, Event::ServerRoleDelete { role_id, .. } if *role_id == role),
    );
    match &update.change {
        Change::RoleDeleted {
            before: Some(before),
        } => assert_eq!(before.name, "Mods"),
        other => panic!("[{}] unexpected role deletion {other:?}", H::RUNTIME),
    }
    ok::<H, _>(
        bot_client.execute(SendMessage::new(channel, "thanks")),
        "the bot sends once the role is gone",
    );

    ok::<H, _>(
        owner.execute(CloseChannel::new(channel)),
        "delete the channel",
    );
    assert!(server.channel(&channel_key).is_none());
    let listed = server.server(server.server_id()).expect("the server")["channels"].clone();
    assert!(!listed
        .as_array()
        .is_some_and(|c| c.iter().any(|c| *c == channel_key)));
    let update = wait_for(
        &mut owner,
        "ChannelDelete",
        move |u| matches!(&u.event, Event::ChannelDelete { id } if *id == channel),
    );
    match &update.change {
        Change::ChannelDeleted {
            before: Some(before),
        } => assert_eq!(before.name(), Some("operations")),
        other => panic!("[{}] unexpected channel deletion {other:?}", H::RUNTIME),
    }
    bot_client.shutdown();
    owner.shutdown();
}

/// What the bot may not do is refused with `MissingPermission` naming the permission
/// (403) and changes nothing; the same requests from the owner succeed.
pub fn permissions_are_enforced<H: Harness>() {
    let server = server();
    let mut bot: H = connect(config(&server, Token::bot(server.bot_token())));
    wait_for(&mut bot, "Ready", is_ready);
    let owner: H = connect(config(&server, Token::session(server.user_token())));
    let server_id: ServerId = id(server.server_id());
    let channel: ChannelId = id(server.channel_id());
    let injected = server.inject_user_message(server.channel_id(), "the owner's words");
    let owners: MessageId = id(injected["_id"].as_str().expect("a message id"));

    let refused = api_error::<H, _>(
        bot.execute(EditServer::new(server_id).name("Hijacked")),
        "the bot renames the server",
    );
    assert_missing_permission::<H>(&refused, "ManageServer");
    let refused = api_error::<H, _>(
        bot.execute(CreateRole::new(server_id, "Bots rule")),
        "the bot creates a role",
    );
    assert_missing_permission::<H>(&refused, "ManageRole");
    let refused = api_error::<H, _>(
        bot.execute(DeleteMessage::new(channel, owners)),
        "the bot deletes the owner's message",
    );
    assert_missing_permission::<H>(&refused, "ManageMessages");
    assert_eq!(
        server.server(server.server_id()).expect("the server")["name"],
        "Capture Server"
    );
    assert!(server
        .roles(server.server_id())
        .as_object()
        .is_some_and(|r| r.is_empty()));
    assert!(stored_message(&server, server.channel_id(), owners).is_some());

    let renamed = ok::<H, _>(
        owner.execute(EditServer::new(server_id).name("Renamed Server")),
        "the owner renames the server",
    );
    assert_eq!(renamed.name, "Renamed Server");
    assert_eq!(
        server.server(server.server_id()).expect("the server")["name"],
        "Renamed Server"
    );
    let update = wait_for(
        &mut bot,
        "ServerUpdate",
        move |u| matches!(&u.event, Event::ServerUpdate { id, .. } if *id == server_id),
    );
    match (&update.event, &update.change) {
        (
            Event::ServerUpdate { data, .. },
            Change::ServerUpdated {
                before: Some(before),
            },
        ) => {
            assert_eq!(data.name.as_deref(), Some("Renamed Server"));
            assert_eq!(before.name, "Capture Server");
        }
        other => panic!("[{}] unexpected server update {other:?}", H::RUNTIME),
    }
    let role = ok::<H, _>(
        owner.execute(CreateRole::new(server_id, "Bots rule")),
        "the owner creates a role",
    );
    assert!(server
        .roles(server.server_id())
        .get(role.id.to_string())
        .is_some());
    ok::<H, _>(
        owner.execute(DeleteMessage::new(channel, owners)),
        "the owner deletes their message",
    );
    wait_for(
        &mut bot,
        "MessageDelete",
        move |u| matches!(&u.event, Event::MessageDelete { id, .. } if *id == owners),
    );
    assert!(stored_message(&server, server.channel_id(), owners).is_none());
    owner.shutdown();
    bot.shutdown();
}

/// The owner makes an invite (fetched without a token), an emoji from an uploaded image,
/// and a webhook; the webhook's message reaches the bot, which reacts with the emoji;
/// the webhook and the invite are deleted and stop working.
pub fn invites_emojis_and_webhooks<H: Harness>() {
    let server = server();
    let mut bot: H = connect(config(&server, Token::bot(server.bot_token())));
    wait_for(&mut bot, "Ready", is_ready);
    let owner: H = connect(config(&server, Token::session(server.user_token())));
    let server_id: ServerId = id(server.server_id());
    let channel: ChannelId = id(server.channel_id());
    let owner_id: UserId = id(server.owner_id());

    // Invites.
    let invite = ok::<H, _>(
        owner.execute(CreateInvite::new(channel)),
        "create an invite",
    );
    let code = match &invite {
        Invite::Server {
            code,
            server,
            creator,
            channel: to,
            ..
        } => {
            assert_eq!((*server, *creator, *to), (server_id, owner_id, channel));
            code.clone()
        }
        other => panic!("[{}] expected a server invite, got {other:?}", H::RUNTIME),
    };
    assert!(server
        .invites(server.server_id())
        .iter()
        .any(|i| i["_id"] == code.as_str()));
    let listed = ok::<H, _>(
        owner.execute(FetchServerInvites::new(server_id)),
        "list the server's invites",
    );
    assert_eq!(listed, vec![invite]);
    match ok::<H, _>(
        owner.execute(FetchInvite::new(code.clone())),
        "fetch the invite",
    ) {
        InviteResponse::Server {
            code: fetched,
            server_id: to,
            server_name,
            channel_id,
            channel_name,
            user_name,
            ..
        } => {
            assert_eq!(fetched, code);
            assert_eq!((to, channel_id), (server_id, channel));
            assert_eq!(
                (
                    server_name.as_str(),
                    channel_name.as_str(),
                    user_name.as_str()
                ),
                ("Capture Server", "General", "capowner")
            );
        }
        other => panic!("[{}] expected a server invite, got {other:?}", H::RUNTIME),
    }
    let invite_path = format!("/invites/{}", code.as_str());
    let fetch = server
        .requests()
        .into_iter()
        .find(|r| r.method == "GET" && r.path == invite_path)
        .expect("GET /invites/{code} was requested");
    assert_eq!(fetch.status, 200);
    assert!(
        fetch.header("x-session-token").is_none() && fetch.header("x-bot-token").is_none(),
        "a public route is sent without a token"
    );

    // An emoji from an uploaded PNG (the owner's default avatar).
    let png = ok::<H, _>(
        owner.execute(FetchDefaultAvatar::new(owner_id)),
        "fetch a default avatar",
    );
    let uploaded = ok::<H, _>(
        owner.execute(
            Upload::new(Tag::Emojis, "party.png", "image/png", png.0.clone())
                .expect("a valid upload"),
        ),
        "upload an emoji image",
    );
    let emoji = ok::<H, _>(
        owner.execute(CreateEmoji::new(
            uploaded.id.clone().into(),
            server_id,
            "party",
        )),
        "create an emoji",
    );
    let emoji_id: EmojiId = id(&uploaded.id);
    assert_eq!(emoji.id, emoji_id, "an emoji's id is its upload's");
    assert_eq!(emoji.name, "party");
    assert_eq!(emoji.creator_id, owner_id);
    assert_eq!(emoji.parent, EmojiParent::Server { id: server_id });
    let emojis = ok::<H, _>(
        owner.execute(FetchServerEmojis::new(server_id)),
        "list the server's emojis",
    );
    assert_eq!(emojis, vec![emoji.clone()]);
    assert!(server
        .emojis(server.server_id())
        .iter()
        .any(|e| e["_id"] == uploaded.id.as_str() && e["name"] == "party"));
    let created = wait_for(
        &mut bot,
        "EmojiCreate",
        move |u| matches!(&u.event, Event::EmojiCreate(e) if e.id == emoji_id),
    );
    assert_eq!(created.change, Change::EmojiCreated);

    // A webhook: created, executed with its token, deleted.
    let webhook = ok::<H, _>(
        owner.execute(CreateWebhook::new(channel, "Deployer")),
        "create a webhook",
    );
    assert_eq!(webhook.name, "Deployer");
    assert_eq!(
        (webhook.channel_id, webhook.creator_id),
        (channel, owner_id)
    );
    let token: Secret = webhook.token.clone().expect("a new webhook has its token");
    assert_eq!(server.webhooks(server.channel_id()).len(), 1);
    // The token route needs no account: the bot's client sends it without its token.
    let posted = ok::<H, _>(
        bot.execute(ExecuteWebhook::new(
            webhook.id,
            token.clone(),
            "deployed build 42",
        )),
        "execute the webhook",
    );
    assert_eq!(
        posted.webhook.as_ref().map(|w| w.name.as_str()),
        Some("Deployer")
    );
    assert_eq!(posted.author.to_string(), webhook.id.to_string());
    let message = posted.id;
    let seen = wait_for(
        &mut bot,
        "the webhook's Message",
        move |u| matches!(&u.event, Event::Message(m) if m.id == message),
    );
    let Event::Message(seen) = seen.event else {
        unreachable!()
    };
    assert_eq!(
        seen.webhook.as_ref().map(|w| w.name.as_str()),
        Some("Deployer")
    );
    assert_eq!(seen.content.as_deref(), Some("deployed build 42"));
    let execute = server
        .requests()
        .into_iter()
        .find(|r| r.method == "POST" && r.path.starts_with(&format!("/webhooks/{}/", webhook.id)))
        .expect("the webhook was executed");
    assert!(execute.header("x-bot-token").is_none());

    ok::<H, _>(
        bot.execute(AddReaction::new(channel, message, emoji_id.to_string())),
        "react with the custom emoji",
    );
    let react = wait_for(
        &mut bot,
        "MessageReact",
        move |u| matches!(&u.event, Event::MessageReact { id, .. } if *id == message),
    );
    match &react.event {
        Event::MessageReact { emoji_id: used, .. } => assert_eq!(*used, emoji_id.to_string()),
        other => panic!("{other:?}"),
    }

    ok::<H, _>(
        owner.execute(DeleteWebhook::new(webhook.id)),
        "delete the webhook",
    );
    assert!(server.webhooks(server.channel_id()).is_empty());
    let gone = api_error::<H, _>(
        bot.execute(ExecuteWebhook::new(webhook.id, token, "still here?")),
        "execute a deleted webhook",
    );
    assert_not_found::<H>(&gone);

    ok::<H, _>(
        owner.execute(DeleteInvite::new(code.clone())),
        "delete the invite",
    );
    assert!(server.invites(server.server_id()).is_empty());
    let gone = api_error::<H, _>(
        owner.execute(FetchInvite::new(code)),
        "fetch a deleted invite",
    );
    assert_not_found::<H>(&gone);
    owner.shutdown();
    bot.shutdown();
}

/// The owner manages a new member: lists members, sets a nickname, kicks them; they join
/// again through an invite, are banned (and cannot rejoin), unbanned, and rejoin.
pub fn members_and_bans<H: Harness>() {
    let server = server();
    let mut owner: H = connect(config(&server, Token::session(server.user_token())));
    wait_for(&mut owner, "the owner's Ready", is_ready);
    let server_id: ServerId = id(server.server_id());
    let channel: ChannelId = id(server.channel_id());
    let (user_key, user_token) = server.add_user("newcomer");
    let user: UserId = id(&user_key);
    let newcomer: H = connect(config(&server, Token::session(user_token)));

    server.add_member(server.server_id(), &user_key);
    let joined = wait_for(
        &mut owner,
        "ServerMemberJoin",
        move |u| matches!(&u.event, Event::ServerMemberJoin { user: who, .. } if *who == user),
    );
    assert_eq!(joined.change, Change::MemberJoined);

    let all = ok::<H, _>(
        owner.execute(FetchMembers::new(server_id)),
        "fetch the members",
    );
    assert_eq!(all.members.len(), 3, "owner, bot and newcomer");
    assert!(all
        .members
        .iter()
        .any(|m| m.id == MemberId::new(server_id, user)));
    assert!(all
        .users
        .iter()
        .any(|u| u.id == user && u.username == "newcomer"));

    let member = ok::<H, _>(
        owner.execute(EditMember::new(server_id, user).nickname("Newbie")),
        "set a nickname",
    );
    assert_eq!(member.nickname.as_deref(), Some("Newbie"));
    let stored = stored_member(&server, &user_key).expect("the newcomer's membership");
    assert_eq!(stored["nickname"], "Newbie");
    let update = wait_for(
        &mut owner,
        "ServerMemberUpdate",
        move |u| matches!(&u.event, Event::ServerMemberUpdate { id, .. } if id.user == user),
    );
    match &update.event {
        Event::ServerMemberUpdate { data, .. } => {
            assert_eq!(data.nickname.as_deref(), Some("Newbie"));
        }
        other => panic!("{other:?}"),
    }

    ok::<H, _>(
        owner.execute(KickMember::new(server_id, user)),
        "kick the member",
    );
    assert!(stored_member(&server, &user_key).is_none());
    let left = wait_for(
        &mut owner,
        "ServerMemberLeave (kick)",
        move |u| matches!(&u.event, Event::ServerMemberLeave { user: who, .. } if *who == user),
    );
    match (&left.event, &left.change) {
        (
            Event::ServerMemberLeave { reason, .. },
            Change::MemberLeft {
                before: Some(before),
            },
        ) => {
            assert_eq!(*reason, RemovalIntention::Kick);
            assert_eq!(before.nickname.as_deref(), Some("Newbie"));
        }
        other => panic!("[{}] unexpected kick update {other:?}", H::RUNTIME),
    }

    // Back through an invite, then banned.
    let invite = ok::<H, _>(
        owner.execute(CreateInvite::new(channel)),
        "create an invite",
    );
    let code = invite.code().expect("an invite code").clone();
    match ok::<H, _>(
        newcomer.execute(JoinInvite::new(code.clone())),
        "join through the invite",
    ) {
        InviteJoinResponse::Server { server, channels } => {
            assert_eq!(server.id, server_id);
            assert!(channels.iter().any(|c| c.id() == channel));
        }
        other => panic!("[{}] expected a server join, got {other:?}", H::RUNTIME),
    }
    assert!(stored_member(&server, &user_key).is_some());
    wait_for(
        &mut owner,
        "ServerMemberJoin (invite)",
        move |u| matches!(&u.event, Event::ServerMemberJoin { user: who, .. } if *who == user),
    );

    let ban = ok::<H, _>(
        owner.execute(BanUser::new(server_id, user).ban_reason("spam")),
        "ban the member",
    );
    assert_eq!(ban.id, MemberId::new(server_id, user));
    assert_eq!(ban.reason.as_deref(), Some("spam"));
    assert!(stored_member(&server, &user_key).is_none());
    assert_eq!(server.bans(server.server_id()).len(), 1);
    let left = wait_for(
        &mut owner,
        "ServerMemberLeave (ban)",
        move |u| matches!(&u.event, Event::ServerMemberLeave { user: who, .. } if *who == user),
    );
    match &left.event {
        Event::ServerMemberLeave { reason, .. } => assert_eq!(*reason, RemovalIntention::Ban),
        other => panic!("{other:?}"),
    }
    let bans = ok::<H, _>(owner.execute(FetchBans::new(server_id)), "fetch the bans");
    assert_eq!(bans.bans.len(), 1);
    assert_eq!(bans.bans[0].id, MemberId::new(server_id, user));
    assert_eq!(bans.bans[0].reason.as_deref(), Some("spam"));
    assert!(bans
        .users
        .iter()
        .any(|u| u.id == user && u.username == "newcomer"));
    let refused = api_error::<H, _>(
        newcomer.execute(JoinInvite::new(code.clone())),
        "a banned user joins",
    );
    assert_eq!(
        refused.error,
        ErrorType::Banned,
        "[{}] {refused}",
        H::RUNTIME
    );
    assert_eq!(refused.status.as_u16(), 403);

    ok::<H, _>(
        owner.execute(UnbanUser::new(server_id, user)),
        "lift the ban",
    );
    assert!(server.bans(server.server_id()).is_empty());
    let bans = ok::<H, _>(owner.execute(FetchBans::new(server_id)), "fetch the bans");
    assert!(bans.bans.is_empty() && bans.users.is_empty());
    ok::<H, _>(
        newcomer.execute(JoinInvite::new(code)),
        "rejoin after the unban",
    );
    assert!(stored_member(&server, &user_key).is_some());
    newcomer.shutdown();
    owner.shutdown();
}

/// Expands to one `#[test]` per scenario for the given [`Harness`].
#[macro_export]
macro_rules! scenario_suite {
    ($harness:ty) => {
        $crate::scenario_suite!(@tests $harness;
            connect_and_ready,
            ping_pong,
            echo_bot,
            echo_bot_msgpack,
            reconnect_after_drop,
            zombie_connection_is_replaced,
            invalid_token_is_fatal,
            burst_over_the_bucket_limit,
            rate_limited_and_failing_requests_are_retried,
            typing_commands,
            graceful_shutdown,
            logout_ends_the_session,
            discovery_from_the_api,
            upload_a_file,
            unanswered_requests_time_out,
            message_lifecycle,
            attachments_and_embeds,
            owner_manages_channels_and_roles,
            permissions_are_enforced,
            invites_emojis_and_webhooks,
            members_and_bans,
            wait_for_sees_events_without_taking_them,
            sessions_end_the_same_way_everywhere,
            the_gateway_lives_until_the_last_handle,
            handlers_converse_without_stalling_the_gateway,
            commands_bot,
            no_effect_is_a_success,
            close_code_after_ready_is_surfaced_and_backs_off,
            repeated_close_after_auth_backs_off,
            huge_fragmented_message_is_refused_and_backs_off,
            an_endless_body_stops_at_the_limit,
            the_default_body_limit_holds,
            redirects_are_errors_and_never_followed,
        );
    };
    (@tests $harness:ty; $($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                $crate::scenarios::$name::<$harness>();
            }
        )*
    };
}
