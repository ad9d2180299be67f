//! The gateway session driven by a virtual clock: no sockets, no sleeping.

use std::time::{Duration, Instant};

use stoat_core::auth::Token;
use stoat_core::gateway::{
    Backoff, CloseCode, CloseReason, Command, DisconnectCause, Event, Format, Output, Session,
    SessionConfig, SessionState, WsMessage,
};

const READY: &str = r#"{"type":"Ready","users":[{"_id":"01M7YSZ8V6D4QNP163AMRA3ARS","username":"capbot","discriminator":"1643","bot":{"owner":"01M7YSZ8H1XVFKYWFT7NKJHCGM"},"relationship":"User","online":true}],"servers":[],"channels":[],"members":[],"emojis":[],"voice_states":[]}"#;
const CHANNEL: &str = "01M7YSZ8V81AWBPFRM30NYSV34";

fn config() -> SessionConfig {
    SessionConfig::new("ws://gateway.test/", Token::bot("bot-secret"))
        .heartbeat(Duration::from_secs(15), Duration::from_secs(5))
        .backoff(Backoff {
            initial: Duration::from_secs(1),
            max: Duration::from_secs(30),
            multiplier: 2,
            jitter: 0.0,
        })
}

fn drain(session: &mut Session) -> Vec<Output> {
    std::iter::from_fn(|| session.poll_output()).collect()
}

fn text(s: &str) -> WsMessage {
    WsMessage::Text(s.to_owned())
}

fn sent_texts(outputs: &[Output]) -> Vec<String> {
    outputs
        .iter()
        .filter_map(|o| match o {
            Output::Send(WsMessage::Text(t)) => Some(t.clone()),
            _ => None,
        })
        .collect()
}

/// Starts a session and brings it to Ready at `t0`.
fn ready_session(t0: Instant) -> Session {
    let mut session = Session::new(config());
    session.start(t0);
    assert!(matches!(drain(&mut session)[..], [Output::Connect { .. }]));
    session.handle_connected(t0);
    drain(&mut session);
    session.handle_message(t0, text(r#"{"type":"Authenticated"}"#));
    session.handle_message(t0, text(READY));
    drain(&mut session);
    assert_eq!(session.state(), SessionState::Ready);
    session
}

#[test]
fn connect_url_carries_version_format_and_ready_fields_but_not_the_token() {
    use stoat_core::gateway::ReadyField;
    let mut session = Session::new(
        config()
            .format(Format::Msgpack)
            .ready_fields([ReadyField::Users, ReadyField::Servers]),
    );
    session.start(Instant::now());
    match session.poll_output() {
        Some(Output::Connect { url }) => assert_eq!(
            url,
            "ws://gateway.test/?version=1&format=msgpack&ready=users&ready=servers"
        ),
        other => panic!("expected Connect, got {other:?}"),
    }
}

#[test]
fn token_goes_in_the_url_only_when_asked() {
    let mut session = Session::new(config().token_in_url(true));
    let t0 = Instant::now();
    session.start(t0);
    match session.poll_output() {
        Some(Output::Connect { url }) => assert!(url.ends_with("&token=bot-secret")),
        other => panic!("expected Connect, got {other:?}"),
    }
    session.handle_connected(t0);
    assert!(
        sent_texts(&drain(&mut session)).is_empty(),
        "no Authenticate frame when the token is in the URL"
    );
}

#[test]
fn authenticates_on_connect_and_hides_the_token_from_debug() {
    let mut session = Session::new(config());
    let t0 = Instant::now();
    session.start(t0);
    drain(&mut session);
    session.handle_connected(t0);
    let outputs = drain(&mut session);
    assert_eq!(
        sent_texts(&outputs),
        [r#"{"type":"Authenticate","token":"bot-secret"}"#]
    );
    assert!(!format!("{session:?}").contains("bot-secret"));
    assert_eq!(session.state(), SessionState::Handshaking);
}

#[test]
fn heartbeat_sends_increasing_nonces_and_measures_latency() {
    let t0 = Instant::now();
    let mut session = ready_session(t0);
    assert_eq!(session.poll_timeout(), Some(t0 + Duration::from_secs(15)));

    // A spurious early timeout does nothing.
    session.handle_timeout(t0 + Duration::from_secs(3));
    assert!(drain(&mut session).is_empty());

    let t1 = t0 + Duration::from_secs(15);
    session.handle_timeout(t1);
    assert_eq!(
        sent_texts(&drain(&mut session)),
        [r#"{"type":"Ping","data":1}"#]
    );
    // While the ping is outstanding the deadline is its pong timeout.
    assert_eq!(session.poll_timeout(), Some(t1 + Duration::from_secs(5)));

    session.handle_message(
        t1 + Duration::from_millis(40),
        text(r#"{"type":"Pong","data":1}"#),
    );
    assert!(matches!(
        drain(&mut session)[..],
        [Output::Event(Event::Pong { .. })]
    ));
    assert_eq!(session.latency(), Some(Duration::from_millis(40)));
    assert_eq!(session.poll_timeout(), Some(t1 + Duration::from_secs(15)));

    session.handle_timeout(t1 + Duration::from_secs(15));
    assert_eq!(
        sent_texts(&drain(&mut session)),
        [r#"{"type":"Ping","data":2}"#]
    );
}

#[test]
fn a_pong_with_the_wrong_nonce_does_not_satisfy_the_heartbeat() {
    let t0 = Instant::now();
    let mut session = ready_session(t0);
    let t1 = t0 + Duration::from_secs(15);
    session.handle_timeout(t1);
    drain(&mut session);
    session.handle_message(t1, text(r#"{"type":"Pong","data":99}"#));
    drain(&mut session);
    assert_eq!(session.latency(), None);
    session.handle_timeout(t1 + Duration::from_secs(5));
    assert!(matches!(
        drain(&mut session)[..],
        [Output::Disconnect, Output::Event(Event::Disconnected(_))]
    ));
}

#[test]
fn zombie_connection_is_replaced_within_one_interval_plus_the_timeout() {
    let t0 = Instant::now();
    let mut session = ready_session(t0);
    // The server goes silent right after Ready.
    let ping_at = t0 + Duration::from_secs(15);
    session.handle_timeout(ping_at);
    drain(&mut session);
    let declared_dead = ping_at + Duration::from_secs(5);
    assert_eq!(session.poll_timeout(), Some(declared_dead));
    session.handle_timeout(declared_dead);
    match &drain(&mut session)[..] {
        [Output::Disconnect, Output::Event(Event::Disconnected(end))] => {
            assert_eq!(end.cause, DisconnectCause::HeartbeatTimedOut);
            assert!(end.after_ready);
            assert_eq!(end.uptime, declared_dead - t0);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(session.state(), SessionState::WaitingToReconnect);
    assert!(declared_dead - t0 <= Duration::from_secs(15 + 5));

    // First reconnect after a healthy connection waits the initial delay.
    let reconnect_at = session.poll_timeout().unwrap();
    assert_eq!(reconnect_at, declared_dead + Duration::from_secs(1));
    session.handle_timeout(reconnect_at);
    assert!(matches!(drain(&mut session)[..], [Output::Connect { .. }]));
    session.handle_connected(reconnect_at);
    assert_eq!(
        sent_texts(&drain(&mut session)),
        [r#"{"type":"Authenticate","token":"bot-secret"}"#],
        "every reconnect authenticates again (Stoat has no resume)"
    );
}

#[test]
fn backoff_grows_exponentially_up_to_the_cap_and_resets_after_ready() {
    let mut session = Session::new(config());
    let mut now = Instant::now();
    session.start(now);
    drain(&mut session);
    let mut delays = Vec::new();
    for _ in 0..8 {
        session.handle_connect_failed(now);
        let next = session.poll_timeout().unwrap();
        delays.push((next - now).as_secs());
        // The user is told, with the delay.
        match &drain(&mut session)[..] {
            [Output::Event(Event::Disconnected(end))] => {
                assert_eq!(end.reconnect_in, Some(next - now));
                assert_eq!(end.failures as usize, delays.len());
            }
            other => panic!("{other:?}"),
        }
        now = next;
        session.handle_timeout(now);
        assert!(matches!(drain(&mut session)[..], [Output::Connect { .. }]));
    }
    assert_eq!(delays, [1, 2, 4, 8, 16, 30, 30, 30]);

    // A Ready followed by a quick end does not reset the sequence: the server that closes
    // right after authenticating meets the capped delay...
    session.handle_connected(now);
    session.handle_message(now, text(READY));
    drain(&mut session);
    session.handle_disconnected(now + Duration::from_secs(59));
    now += Duration::from_secs(59);
    assert_eq!(session.poll_timeout(), Some(now + Duration::from_secs(30)));
    now += Duration::from_secs(30);
    session.handle_timeout(now);
    drain(&mut session);

    // ...but a connection that stays ready for `stable_connection` (60 s) resets it.
    session.handle_connected(now);
    session.handle_message(now, text(READY));
    drain(&mut session);
    now += Duration::from_secs(60);
    session.handle_disconnected(now);
    assert_eq!(session.poll_timeout(), Some(now + Duration::from_secs(1)));
}

#[test]
fn jitter_is_reproducible_from_the_seed_and_stays_within_bounds() {
    let delays = |seed: u64| {
        let mut session = Session::new(
            config()
                .backoff(Backoff {
                    initial: Duration::from_secs(1),
                    max: Duration::from_secs(64),
                    multiplier: 2,
                    jitter: 0.5,
                })
                .seed(seed),
        );
        let mut now = Instant::now();
        session.start(now);
        drain(&mut session);
        let mut out = Vec::new();
        for _ in 0..6 {
            session.handle_connect_failed(now);
            let next = session.poll_timeout().unwrap();
            out.push(next - now);
            now = next;
            session.handle_timeout(now);
            drain(&mut session);
        }
        out
    };
    let a = delays(1);
    assert_eq!(a, delays(1), "same seed, same delays");
    assert_ne!(a, delays(2), "different seeds spread clients apart");
    for (attempt, delay) in a.iter().enumerate() {
        let base = Duration::from_secs(1 << attempt);
        assert!(
            *delay <= base && *delay >= base / 2,
            "{delay:?} vs {base:?}"
        );
    }
}

#[test]
fn invalid_session_during_auth_is_fatal_and_never_reconnects() {
    let mut session = Session::new(config());
    let t0 = Instant::now();
    session.start(t0);
    drain(&mut session);
    session.handle_connected(t0);
    drain(&mut session);
    session.handle_message(
        t0,
        text(r#"{"type":"Error","data":{"type":"InvalidSession","location":"crates/core/database/src/models/users/model.rs:346:38"}}"#),
    );
    let outputs = drain(&mut session);
    assert!(matches!(outputs[0], Output::Event(Event::Error { .. })));
    assert!(matches!(outputs[1], Output::Disconnect));
    match &outputs[2] {
        Output::Closed(CloseReason::AuthenticationFailed(error)) => {
            assert_eq!(error.kind, "InvalidSession")
        }
        other => panic!("expected a fatal close, got {other:?}"),
    }
    // The server then drops the socket; nothing follows, ever.
    session.handle_disconnected(t0);
    session.handle_timeout(t0 + Duration::from_secs(3600));
    assert!(drain(&mut session).is_empty());
    assert_eq!(session.poll_timeout(), None);
    assert_eq!(session.state(), SessionState::Closed);
}

#[test]
fn logout_stops_the_session() {
    let t0 = Instant::now();
    let mut session = ready_session(t0);
    session.handle_message(t0, text(r#"{"type":"Logout"}"#));
    let outputs = drain(&mut session);
    assert!(matches!(
        outputs[..],
        [
            Output::Event(Event::Logout),
            Output::Disconnect,
            Output::Closed(CloseReason::LoggedOut)
        ]
    ));
    session.handle_disconnected(t0);
    assert!(drain(&mut session).is_empty());
    assert_eq!(session.poll_timeout(), None);
}

#[test]
fn close_shuts_down_cleanly_from_any_state() {
    let t0 = Instant::now();
    let mut session = ready_session(t0);
    session.close();
    assert!(matches!(
        drain(&mut session)[..],
        [Output::Disconnect, Output::Closed(CloseReason::Requested)]
    ));
    session.close();
    assert!(drain(&mut session).is_empty(), "closing twice is a no-op");

    // While waiting to reconnect there is no socket to close.
    let mut session = Session::new(config());
    session.start(t0);
    drain(&mut session);
    session.handle_connect_failed(t0);
    session.close();
    assert!(matches!(
        drain(&mut session)[..],
        [
            Output::Event(Event::Disconnected(_)),
            Output::Closed(CloseReason::Requested)
        ]
    ));
}

#[test]
fn commands_queue_until_ready_and_go_straight_out_afterwards() {
    let channel = CHANNEL.parse().unwrap();
    let mut session = Session::new(config());
    let t0 = Instant::now();
    session.send(Command::BeginTyping { channel });
    session.start(t0);
    session.handle_connected(t0);
    session.send(Command::EndTyping { channel });
    let before_ready = sent_texts(&drain(&mut session));
    assert_eq!(before_ready.len(), 1, "only Authenticate before Ready");
    session.handle_message(t0, text(READY));
    let after_ready = sent_texts(&drain(&mut session));
    assert_eq!(
        after_ready,
        [
            format!(r#"{{"type":"BeginTyping","channel":"{CHANNEL}"}}"#),
            format!(r#"{{"type":"EndTyping","channel":"{CHANNEL}"}}"#),
        ]
    );
    session.send(Command::BeginTyping { channel });
    assert_eq!(sent_texts(&drain(&mut session)).len(), 1);
}

#[test]
fn bulk_events_are_flattened_in_order() {
    let t0 = Instant::now();
    let mut session = ready_session(t0);
    session.handle_message(
        t0,
        text(r#"{"type":"Bulk","v":[{"type":"ChannelDelete","id":"01M7YSZ8V81AWBPFRM30NYSV34"},{"type":"ChannelStartTyping","id":"01M7YSZ8V81AWBPFRM30NYSV34","user":"01M7YSZ8V6D4QNP163AMRA3ARS"},{"type":"SomethingNew","x":1}]}"#),
    );
    let names: Vec<String> = drain(&mut session)
        .into_iter()
        .map(|o| match o {
            Output::Event(e) => e.type_name().to_owned(),
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    assert_eq!(
        names,
        ["ChannelDelete", "ChannelStartTyping", "SomethingNew"]
    );
}

#[test]
fn malformed_frames_are_reported_and_skipped() {
    let t0 = Instant::now();
    let mut session = ready_session(t0);
    session.handle_message(t0, text("{not json"));
    session.handle_message(t0, text(r#"{"type":"MessageDelete","id":5}"#));
    session.handle_message(t0, WsMessage::Binary(vec![0xc1].into()));
    let outputs = drain(&mut session);
    assert_eq!(outputs.len(), 3);
    assert!(outputs.iter().all(|o| matches!(o, Output::InvalidFrame(_))));
    if let Output::InvalidFrame(error) = &outputs[1] {
        assert!(error.to_string().contains("MessageDelete"));
    }
    assert_eq!(
        session.state(),
        SessionState::Ready,
        "the session carries on"
    );
}

#[test]
fn a_handshake_that_never_completes_is_retried() {
    let mut session = Session::new(config().handshake_timeout(Duration::from_secs(10)));
    let t0 = Instant::now();
    session.start(t0);
    drain(&mut session);
    session.handle_connected(t0);
    drain(&mut session);
    assert_eq!(session.poll_timeout(), Some(t0 + Duration::from_secs(10)));
    session.handle_timeout(t0 + Duration::from_secs(10));
    match &drain(&mut session)[..] {
        [Output::Disconnect, Output::Event(Event::Disconnected(end))] => {
            assert_eq!(end.cause, DisconnectCause::HandshakeTimedOut);
            assert!(!end.after_ready);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(session.state(), SessionState::WaitingToReconnect);
}

#[test]
fn reconnect_attempts_can_be_bounded() {
    let mut session = Session::new(config().max_reconnect_attempts(Some(2)));
    let mut now = Instant::now();
    session.start(now);
    drain(&mut session);
    for _ in 0..2 {
        session.handle_connect_failed(now);
        now = session.poll_timeout().unwrap();
        session.handle_timeout(now);
        drain(&mut session);
    }
    session.handle_connect_failed(now);
    match &drain(&mut session)[..] {
        [Output::Event(Event::Disconnected(end)), Output::Closed(CloseReason::ReconnectAttemptsExhausted)] =>
        {
            assert_eq!(end.cause, DisconnectCause::ConnectFailed);
            assert_eq!((end.failures, end.reconnect_in), (3, None));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn msgpack_sessions_send_binary_frames() {
    let mut session = Session::new(config().format(Format::Msgpack));
    let t0 = Instant::now();
    session.start(t0);
    drain(&mut session);
    session.handle_connected(t0);
    match &drain(&mut session)[..] {
        [Output::Send(WsMessage::Binary(bytes))] => {
            let value: serde_json::Value = rmp_serde::from_slice(bytes).unwrap();
            assert_eq!(value["type"], "Authenticate");
            assert_eq!(value["token"], "bot-secret");
        }
        other => panic!("expected one binary frame, got {other:?}"),
    }
    // Text frames on a msgpack connection are reported, not fatal.
    session.handle_message(t0, text(r#"{"type":"Authenticated"}"#));
    assert!(matches!(drain(&mut session)[..], [Output::InvalidFrame(_)]));
}

#[test]
fn a_base_url_without_a_path_gets_a_root_path() {
    for (base, expected) in [
        (
            "wss://events.stoat.chat",
            "wss://events.stoat.chat/?version=1&format=json",
        ),
        (
            "ws://127.0.0.1:9000",
            "ws://127.0.0.1:9000/?version=1&format=json",
        ),
        (
            "wss://stoat.chat/events",
            "wss://stoat.chat/events?version=1&format=json",
        ),
        (
            "wss://x.test/?a=b",
            "wss://x.test/?a=b&version=1&format=json",
        ),
    ] {
        let config = SessionConfig::new(base, Token::bot("t"));
        assert_eq!(config.connect_url(), expected);
    }
}

#[test]
fn subscriptions_are_renewed_at_most_every_ten_minutes_and_never_sent_by_bots() {
    let server = "01M7YSZ8V8HNB362Z1HYDP0RXY".parse().unwrap();
    let mut user = Session::new(SessionConfig::new("ws://g/", Token::session("s")));
    let t0 = Instant::now();
    user.start(t0);
    user.handle_connected(t0);
    user.handle_message(t0, text(READY));
    drain(&mut user);
    user.send(Command::Subscribe { server_id: server });
    user.send(Command::Subscribe { server_id: server });
    assert_eq!(
        sent_texts(&drain(&mut user)).len(),
        1,
        "the repeat is dropped"
    );
    user.handle_timeout(t0 + Duration::from_secs(601));
    drain(&mut user);
    user.send(Command::Subscribe { server_id: server });
    assert_eq!(
        sent_texts(&drain(&mut user)),
        [format!(
            r#"{{"type":"Subscribe","server_id":"{}"}}"#,
            server
        )]
    );

    let t0 = Instant::now();
    let mut bot = ready_session(t0);
    bot.send(Command::Subscribe { server_id: server });
    assert!(sent_texts(&drain(&mut bot)).is_empty());
}

#[test]
fn only_a_requested_close_is_expected() {
    assert!(!CloseReason::Requested.is_unexpected());
    assert!(CloseReason::LoggedOut.is_unexpected());
    assert!(CloseReason::ReconnectAttemptsExhausted.is_unexpected());
}

// --- Close codes, faults and session ends (issue 11) ---

/// The `Disconnected` events among `outputs`.
fn disconnections(outputs: &[Output]) -> Vec<stoat_core::gateway::Disconnection> {
    outputs
        .iter()
        .filter_map(|o| match o {
            Output::Event(Event::Disconnected(end)) => Some((**end).clone()),
            _ => None,
        })
        .collect()
}

/// From `Backoff`, reconnects, authenticates and receives Ready at `now`.
fn reconnect_to_ready(session: &mut Session, now: Instant) {
    session.handle_timeout(now);
    assert!(matches!(drain(session)[..], [Output::Connect { .. }]));
    session.handle_connected(now);
    session.handle_message(now, text(r#"{"type":"Authenticated"}"#));
    session.handle_message(now, text(READY));
    drain(session);
    assert_eq!(session.state(), SessionState::Ready);
}

#[test]
fn every_close_code_is_surfaced_with_its_code_and_reason() {
    let cases: &[(Option<u16>, bool)] = &[
        (None, false),
        (Some(1000), false),
        (Some(1001), false),
        (Some(1011), false),
        (Some(1012), false),
        (Some(1002), true),
        (Some(1008), true),
        (Some(1009), true),
        (Some(3000), true),
        (Some(4000), true),
        (Some(4999), true),
        (Some(2999), true),
    ];
    for &(code, fault) in cases {
        let t0 = Instant::now();
        let mut session = ready_session(t0);
        let t1 = t0 + Duration::from_secs(120);
        session.handle_closed(t1, code.map(CloseCode::from), "bye");
        let outputs = drain(&mut session);
        assert!(
            !outputs.iter().any(|o| matches!(o, Output::Disconnect)),
            "{code:?}: the server closed; nothing to hang up"
        );
        let ends = disconnections(&outputs);
        assert_eq!(ends.len(), 1, "{code:?}: {outputs:?}");
        let end = &ends[0];
        assert_eq!(
            end.cause,
            DisconnectCause::Closed {
                code: code.map(CloseCode),
                reason: "bye".into()
            }
        );
        assert_eq!(end.is_fault(), fault, "{code:?}");
        assert!(end.after_ready);
        assert_eq!(end.uptime, Duration::from_secs(120));
        assert_eq!(
            session.state(),
            SessionState::WaitingToReconnect,
            "{code:?}"
        );
        assert!(
            end.reconnect_in.is_some(),
            "no close code ends the session by itself"
        );
        assert!(end.to_string().contains("closed by the server"), "{end}");
    }
}

#[test]
fn a_server_that_closes_right_after_ready_meets_a_growing_backoff() {
    for code in [
        Some(CloseCode::NORMAL),
        Some(CloseCode::POLICY_VIOLATION),
        None,
    ] {
        let t0 = Instant::now();
        let mut session = ready_session(t0);
        let mut now = t0;
        let mut delays = Vec::new();
        for n in 1..=6 {
            // Closed half a second after Ready, every time.
            now += Duration::from_millis(500);
            session.handle_closed(now, code, "");
            let ends = disconnections(&drain(&mut session));
            assert_eq!(ends[0].failures, n, "{code:?}");
            let delay = ends[0].reconnect_in.unwrap();
            delays.push(delay.as_secs());
            now += delay;
            reconnect_to_ready(&mut session, now);
        }
        assert_eq!(delays, [1, 2, 4, 8, 16, 30], "{code:?}");
    }
}

#[test]
fn a_stable_connection_resets_the_backoff_unless_it_ended_with_a_fault() {
    let t0 = Instant::now();
    let mut session = ready_session(t0);
    let mut now = t0;
    // Three quick failures grow the delay to 4 s.
    for _ in 0..3 {
        session.handle_disconnected(now);
        drain(&mut session);
        now = session.poll_timeout().unwrap();
        reconnect_to_ready(&mut session, now);
    }
    // A fault after a long, healthy connection still counts.
    now += Duration::from_secs(600);
    session.handle_closed(now, Some(CloseCode::POLICY_VIOLATION), "banned proxy");
    let end = disconnections(&drain(&mut session)).remove(0);
    assert_eq!(
        (end.failures, end.reconnect_in),
        (4, Some(Duration::from_secs(8)))
    );
    now += Duration::from_secs(8);
    reconnect_to_ready(&mut session, now);
    // A going-away after a long one starts over.
    now += Duration::from_secs(600);
    session.handle_closed(now, Some(CloseCode::GOING_AWAY), "restart");
    let end = disconnections(&drain(&mut session)).remove(0);
    assert_eq!(
        (end.failures, end.reconnect_in),
        (1, Some(Duration::from_secs(1)))
    );
}

#[test]
fn a_message_over_the_limit_drops_the_connection_and_repeats_back_off() {
    let t0 = Instant::now();
    let mut session = Session::new(config().max_message_size(1 << 20));
    assert_eq!(session.config().max_message_size, 1 << 20);
    assert_eq!(
        SessionConfig::new("ws://x", Token::bot("t")).max_message_size,
        stoat_core::gateway::DEFAULT_MAX_MESSAGE_SIZE
    );
    session.start(t0);
    let mut now = t0;
    let mut delays = Vec::new();
    for n in 1..=4 {
        session.handle_timeout(now);
        drain(&mut session);
        session.handle_connected(now);
        session.handle_message(now, text(r#"{"type":"Authenticated"}"#));
        drain(&mut session);
        // The Ready itself is the 50 MB message.
        session.handle_message_too_large(now, 50_000_000);
        let outputs = drain(&mut session);
        assert!(matches!(outputs[0], Output::Disconnect), "{outputs:?}");
        let end = disconnections(&outputs).remove(0);
        assert_eq!(
            end.cause,
            DisconnectCause::MessageTooLarge {
                size: 50_000_000,
                max: 1 << 20
            }
        );
        assert!(end.is_fault());
        assert_eq!(end.failures, n);
        let delay = end.reconnect_in.unwrap();
        delays.push(delay.as_secs());
        now += delay;
    }
    assert_eq!(delays, [1, 2, 4, 8]);
    // Outside an open connection it means nothing.
    session.handle_message_too_large(now, 50_000_000);
    assert!(drain(&mut session).is_empty());
}

#[test]
fn invalid_frames_are_counted_and_optionally_emitted_as_events() {
    let t0 = Instant::now();
    let mut session = ready_session(t0);
    session.handle_message(t0, text("{not json"));
    assert_eq!(session.invalid_frames(), 1);
    assert!(matches!(drain(&mut session)[..], [Output::InvalidFrame(_)]));

    let mut session = Session::new(config().invalid_frame_events(true));
    session.start(t0);
    session.handle_connected(t0);
    drain(&mut session);
    session.handle_message(t0, text("{not json"));
    session.handle_message(t0, text(r#"{"type":"MessageDelete","id":5}"#));
    let outputs = drain(&mut session);
    let events: Vec<_> = outputs
        .iter()
        .filter_map(|o| match o {
            Output::Event(event @ Event::InvalidFrame(_)) => Some(event),
            _ => None,
        })
        .collect();
    assert_eq!(events.len(), 2, "{outputs:?}");
    assert!(events.iter().all(|e| e.is_synthetic()));
    assert_eq!(
        events[1].kind(),
        stoat_core::gateway::EventKind::InvalidFrame
    );
    assert_eq!(session.invalid_frames(), 2);
}

#[test]
fn synthetic_events_cannot_be_sent_by_the_server() {
    for name in ["Disconnected", "InvalidFrame"] {
        let frame = format!(r#"{{"type":"{name}","cause":"Lost"}}"#);
        let event = stoat_core::gateway::decode(Format::Json, &text(&frame)).unwrap();
        assert!(event.is_unknown(), "{name}: {event:?}");
    }
}

#[test]
fn a_close_reason_is_clipped_to_what_the_protocol_allows() {
    let t0 = Instant::now();
    let mut session = ready_session(t0);
    session.handle_closed(t0, Some(CloseCode(4000)), &"é".repeat(200));
    let end = disconnections(&drain(&mut session)).remove(0);
    match end.cause {
        DisconnectCause::Closed { reason, .. } => {
            assert!(reason.len() <= 123 && reason.chars().all(|c| c == 'é'));
            assert_eq!(reason.chars().count(), 61);
        }
        other => panic!("{other:?}"),
    }
}

fn message_from(id: &str, username: &str) -> WsMessage {
    text(&format!(
        r#"{{"type":"Message","_id":"{id}","channel":"{CHANNEL}","author":"01M7YSZ8V6D4QNP163AMRA3ART","content":"hi","user":{{"_id":"01M7YSZ8V6D4QNP163AMRA3ART","username":"{username}","discriminator":"0001","online":true}}}}"#
    ))
}

fn author_of(outputs: Vec<Output>) -> std::sync::Arc<stoat_core::model::User> {
    match outputs.into_iter().next() {
        Some(Output::Event(Event::Message(message))) => message.user.clone().unwrap(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_author_who_writes_again_is_decoded_once_and_shared_with_the_cache() {
    let t0 = Instant::now();
    let mut session = ready_session(t0);
    let mut cache = stoat_core::cache::Cache::default();
    let mut feed = |session: &mut Session, frame| {
        session.handle_message(t0, frame);
        let outputs = drain(session);
        for output in &outputs {
            if let Output::Event(event) = output {
                cache.apply(event);
            }
        }
        outputs
    };
    let first = author_of(feed(
        &mut session,
        message_from("01M7YT8F8NBH98W6P4028C2GH1", "ann"),
    ));
    let second = author_of(feed(
        &mut session,
        message_from("01M7YT8F8NBH98W6P4028C2GH2", "ann"),
    ));
    assert!(std::sync::Arc::ptr_eq(&first, &second));
    // A changed profile is new text: decoded afresh, and the cache follows it.
    let renamed = author_of(feed(
        &mut session,
        message_from("01M7YT8F8NBH98W6P4028C2GH3", "anne"),
    ));
    assert!(!std::sync::Arc::ptr_eq(&first, &renamed));
    assert_eq!(renamed.username, "anne");
    assert_eq!(cache.user(renamed.id).unwrap().username, "anne");
    // Cached messages keep the author they were sent with.
    let old = cache
        .message("01M7YT8F8NBH98W6P4028C2GH1".parse().unwrap())
        .unwrap();
    assert_eq!(old.user.as_ref().unwrap().username, "ann");
}

#[test]
fn a_session_that_remembers_no_authors_decodes_each_time() {
    let t0 = Instant::now();
    let mut session = Session::new(config().remembered_authors(0));
    session.start(t0);
    session.handle_connected(t0);
    session.handle_message(t0, text(r#"{"type":"Authenticated"}"#));
    session.handle_message(t0, text(READY));
    drain(&mut session);
    session.handle_message(t0, message_from("01M7YT8F8NBH98W6P4028C2GH1", "ann"));
    let first = author_of(drain(&mut session));
    session.handle_message(t0, message_from("01M7YT8F8NBH98W6P4028C2GH2", "ann"));
    let second = author_of(drain(&mut session));
    assert_eq!(first, second);
    assert!(!std::sync::Arc::ptr_eq(&first, &second));
}
