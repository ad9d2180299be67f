//! One scenario suite for every runtime.
//!
//! Each runtime adapter implements [`Harness`] (a thin, blocking view of its client) in its
//! own test file and calls [`scenario_suite!`](crate::scenario_suite), which expands to one
//! `#[test]` per scenario. The scenarios themselves are written once, here, against the
//! [`FakeServer`].

use std::time::{Duration, Instant};

use stoat_core::cdn::{Tag, Upload};
use stoat_core::client::{ClientConfig, Update};
use stoat_core::gateway::{Backoff, CloseReason, Command, Event, Format, SessionConfig};
use stoat_core::http::routes::{FetchSelf, SendMessage};
use stoat_core::http::{Error, Request, RetryPolicy, TransportErrorKind};
use stoat_core::{Change, Endpoints, Token};

use crate::{FakeConfig, FakeServer};

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
}

/// How long any single expectation may take.
const PATIENCE: Duration = Duration::from_secs(10);

/// Gateway settings that keep the scenarios fast: a ping every 300 ms, dead after 300 ms
/// more, reconnecting after 100 ms–1 s.
fn fast(config: SessionConfig) -> SessionConfig {
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

fn server() -> FakeServer {
    FakeServer::start(FakeConfig::default().ratelimit_window(Duration::from_secs(1)))
}

fn config(server: &FakeServer, token: Token) -> ClientConfig {
    ClientConfig::new(token)
        .endpoints(Endpoints::new(
            server.api_url(),
            server.ws_url(),
            server.autumn_url(),
        ))
        .session(fast)
}

fn connect<H: Harness>(config: ClientConfig) -> H {
    H::connect(config).unwrap_or_else(|e| panic!("[{}] connect failed: {e}", H::RUNTIME))
}

/// Waits for the first update that satisfies `want`, skipping others.
fn wait_for<H: Harness>(h: &mut H, what: &str, want: impl Fn(&Update) -> bool) -> Update {
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

fn is_ready(update: &Update) -> bool {
    matches!(update.event, Event::Ready(_))
}

fn wait_until(what: &str, condition: impl Fn() -> bool) {
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
