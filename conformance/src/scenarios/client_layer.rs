//! Scenarios for what every runtime's client promises beyond the protocol: `wait_for` never
//! takes an event from anyone, sessions end the same way everywhere, the gateway lives until
//! the last handle is gone, and handlers that read the cache and await never stall the
//! gateway.

use std::fmt;
use std::time::{Duration, Instant};

use stoat_core::cache::Cache;
use stoat_core::client::{SessionEnded, Update, WaitError};
use stoat_core::gateway::{CloseReason, Command, Event};
use stoat_core::id::{ChannelId, UserId};
use stoat_core::Token;

use super::{config, connect, is_ready, server, wait_for, wait_until, Harness, Next, PATIENCE};
use crate::FakeServer;

/// A `wait_for` running in the background (see [`Harness::spawn_wait_for`]): calling it
/// blocks until the wait is over and returns its result.
pub type Waiting = Box<dyn FnOnce() -> Result<Vec<Update>, WaitError> + Send>;

/// The one handle left after [`Harness::into_handle`], with whatever runtime it needs.
/// Dropping it drops the handle.
pub struct KeptHandle(Box<dyn Fn(CacheReader<'_>) + Send>);

/// What [`KeptHandle`] hands its handle's `with_cache`.
type CacheReader<'a> = &'a mut dyn FnMut(&Cache);

impl KeptHandle {
    /// Wraps a function that runs its argument with the handle's `with_cache`.
    pub fn new(read: impl Fn(&mut dyn FnMut(&Cache)) + Send + 'static) -> Self {
        Self(Box::new(read))
    }

    /// Reads the cache through the kept handle.
    pub fn read<T>(&self, read: impl FnOnce(&Cache) -> T) -> T {
        let mut read = Some(read);
        let mut out = None;
        (self.0)(&mut |cache| out = read.take().map(|read| read(cache)));
        out.expect("with_cache ran the closure")
    }
}

impl fmt::Debug for KeptHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("KeptHandle(..)")
    }
}

fn content(update: &Update) -> Option<&str> {
    match &update.event {
        Event::Message(message) => message.content.as_deref(),
        _ => None,
    }
}

fn contents(updates: &[Update]) -> Vec<&str> {
    updates.iter().filter_map(content).collect()
}

fn message_by(author: UserId) -> Box<dyn FnMut(&Update) -> bool + Send> {
    Box::new(move |update| matches!(&update.event, Event::Message(m) if m.author == author))
}

fn any_message() -> Box<dyn FnMut(&Update) -> bool + Send> {
    Box::new(|update| matches!(update.event, Event::Message(_)))
}

/// A second user in the fixture's server, to talk over the owner.
fn interloper(server: &FakeServer) -> UserId {
    let (id, _token) = server.add_user("interloper");
    server.add_member(server.server_id(), &id);
    id.parse().expect("a user id")
}

/// Several waiters at once, each with its own predicate and count, see every event after
/// they were registered, and the main stream still gets every one of those events, in
/// order: a two-step conversation loses nothing said in between.
pub fn wait_for_sees_events_without_taking_them<H: Harness>() {
    let server = server();
    let other = interloper(&server);
    let mut client: H = connect(config(&server, Token::bot(server.bot_token())));
    wait_for(&mut client, "Ready", is_ready);
    let owner: UserId = server.owner_id().parse().unwrap();

    let answer = client.spawn_wait_for(message_by(owner), 1, PATIENCE);
    let three = client.spawn_wait_for(any_message(), 3, PATIENCE);
    let too_many = client.spawn_wait_for(any_message(), 5, Duration::from_millis(1500));
    let channel = server.channel_id();
    server.inject_message(&other.to_string(), channel, "I am not the owner");
    server.inject_message(&other.to_string(), channel, "still not");
    server.inject_user_message(channel, "Ada");

    let answer = answer().unwrap_or_else(|e| panic!("[{}] answer: {e}", H::RUNTIME));
    assert_eq!(contents(&answer), ["Ada"], "[{}]", H::RUNTIME);
    let three = three().unwrap_or_else(|e| panic!("[{}] three: {e}", H::RUNTIME));
    assert_eq!(
        contents(&three),
        ["I am not the owner", "still not", "Ada"],
        "[{}]",
        H::RUNTIME
    );
    match too_many() {
        Err(WaitError::TimedOut { collected }) => assert_eq!(
            contents(&collected),
            ["I am not the owner", "still not", "Ada"],
            "[{}] a timed-out waiter keeps what it collected",
            H::RUNTIME
        ),
        other => panic!("[{}] expected a timeout, got {other:?}", H::RUNTIME),
    }

    // The main stream saw all three as well, in order.
    let mut seen = Vec::new();
    while seen.len() < 3 {
        let update = wait_for(&mut client, "the messages on the main stream", |u| {
            content(u).is_some()
        });
        seen.push(content(&update).unwrap().to_owned());
    }
    assert_eq!(seen, ["I am not the owner", "still not", "Ada"]);
    client.shutdown();
}

/// Every runtime answers the same way once the session has ended: the stream's last item
/// says why, `send_command` and `wait_for` fail with the same reason, and `closed_reason`
/// tells it.
pub fn sessions_end_the_same_way_everywhere<H: Harness>() {
    let server = server();
    let channel: ChannelId = server.channel_id().parse().unwrap();

    // Ended by the user.
    let mut client: H = connect(config(&server, Token::bot(server.bot_token())));
    wait_for(&mut client, "Ready", is_ready);
    let pending = client.spawn_wait_for(Box::new(|_| false), 1, PATIENCE);
    let started = Instant::now();
    client.stop();
    assert_eq!(pending(), Err(WaitError::SessionEnded), "[{}]", H::RUNTIME);
    assert!(
        started.elapsed() < PATIENCE,
        "a shutdown ends waits at once"
    );
    assert_eq!(client.closed_reason(), Some(CloseReason::Requested));
    assert_eq!(
        client.try_command(Command::BeginTyping { channel }),
        Err(SessionEnded::new(CloseReason::Requested)),
        "[{}]",
        H::RUNTIME
    );
    assert_eq!(
        client.spawn_wait_for(Box::new(|_| true), 1, PATIENCE)(),
        Err(WaitError::SessionEnded)
    );
    client.shutdown();

    // Ended by the server: the refused token's reason, everywhere, in plain words.
    let mut client: H = connect(config(&server, Token::bot("not-a-valid-token")));
    let ended = loop {
        match client.next(PATIENCE) {
            Next::Update(_) => {}
            Next::Closed(Some(reason)) => break reason,
            other => panic!("[{}] expected the session's end, got {other:?}", H::RUNTIME),
        }
    };
    assert!(matches!(ended, CloseReason::AuthenticationFailed(_)));
    let message = SessionEnded::new(ended.clone()).to_string();
    assert!(
        message.contains("refused the token") && !message.contains("location"),
        "[{}] {message}",
        H::RUNTIME
    );
    assert_eq!(client.closed_reason(), Some(ended.clone()));
    assert_eq!(
        client.try_command(Command::BeginTyping { channel }),
        Err(SessionEnded::new(ended))
    );
    client.shutdown();
}

/// Dropping the client while a handle lives keeps the gateway (and the handle's cache)
/// going; dropping the last handle closes the connection, with no reconnect.
pub fn the_gateway_lives_until_the_last_handle<H: Harness>() {
    let server = server();
    let mut client: H = connect(config(&server, Token::bot(server.bot_token())));
    wait_for(&mut client, "Ready", is_ready);
    let handle = client.into_handle();

    let sent = server.inject_user_message(server.channel_id(), "said after the client left");
    let id = sent["_id"].as_str().unwrap().parse().unwrap();
    wait_until("the kept handle's cache has the new message", || {
        handle.read(|cache| cache.message(id).is_some())
    });
    assert_eq!(server.stats().open_sessions, 1);

    drop(handle);
    wait_until("the last handle's drop closes the connection", || {
        server.stats().open_sessions == 0
    });
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        server.gateway_connections(),
        1,
        "no reconnect after the drop"
    );
}

/// The conversation bot of [`Harness::run_conversation_bot`], run with the runtime's handler
/// API: a handler reads the cache, replies, awaits the next message from the same author
/// (which only the gateway, running meanwhile, can deliver), and replies again; a failing
/// handler reaches the error hook. On tokio this also runs on a `current_thread` runtime,
/// where a cache guard held across an await would deadlock.
pub fn handlers_converse_without_stalling_the_gateway<H: Harness>() {
    let server = server();
    let other = interloper(&server);
    let mut client: H = connect(config(&server, Token::bot(server.bot_token())));
    wait_for(&mut client, "Ready", is_ready);
    let stop = client.run_conversation_bot();
    let channel = server.channel_id();
    let bot_said = |text: &str| {
        server
            .channel_messages(channel)
            .iter()
            .any(|m| m["author"] == server.bot_id() && m["content"] == text)
    };

    server.inject_user_message(channel, "!name");
    wait_until("the bot asks", || {
        bot_said("What is your name? (asked in #General)")
    });
    // Someone else talks first; the bot waits for the one it asked.
    server.inject_message(&other.to_string(), channel, "Grace");
    server.inject_user_message(channel, "Ada");
    wait_until("the bot answers the owner", || bot_said("Hello, Ada!"));
    assert!(!bot_said("Hello, Grace!"), "[{}]", H::RUNTIME);

    server.inject_user_message(channel, "!fail");
    wait_until("the error hook reports the failure", || {
        bot_said("handler failed: asked to fail")
    });
    stop();
}
