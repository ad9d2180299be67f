//! The gateway thread against a scripted loopback WebSocket.

mod support;

use std::time::{Duration, Instant};

use serde_json::json;
use stoat_blocking::core::gateway::SessionState;
use stoat_blocking::{Change, Client, CloseReason, Command, Event, SessionEnded, TimedOut, Update};
use support::{config, FakeGateway, SELF_ID, WAIT};

fn next(client: &Client) -> Option<Result<Update, SessionEnded>> {
    client.next_event_timeout(WAIT).expect("no event in time")
}

fn until_ready(client: &Client) -> Update {
    loop {
        let update = client
            .next_event_timeout(WAIT)
            .expect("no Ready in time")
            .expect("stream ended")
            .expect("session ended");
        if matches!(update.event, Event::Ready(_)) {
            return update;
        }
    }
}

fn connected() -> (FakeGateway, support::Conn, Client) {
    let mut gateway = FakeGateway::start();
    let client = Client::connect(config("http://127.0.0.1:9", &gateway.url)).unwrap();
    let mut conn = gateway.accept();
    conn.handshake();
    until_ready(&client);
    (gateway, conn, client)
}

#[test]
fn authenticates_and_delivers_ready_with_its_cache_change() {
    let mut gateway = FakeGateway::start();
    let client = Client::connect(config("http://127.0.0.1:9", &gateway.url)).unwrap();
    let mut conn = gateway.accept();

    let auth = conn.recv().unwrap();
    assert_eq!(auth["type"], "Authenticate");
    assert_eq!(auth["token"], support::TOKEN);
    assert_eq!(
        client
            .next_event_timeout(Duration::from_millis(50))
            .unwrap_err(),
        TimedOut,
        "nothing happens before the server answers"
    );
    conn.send(json!({"type": "Authenticated"}));
    conn.send(support::ready());

    let first = next(&client).unwrap().unwrap();
    assert_eq!(first.event, Event::Authenticated);
    assert_eq!(first.change, Change::None);
    let ready = next(&client).unwrap().unwrap();
    assert!(matches!(ready.event, Event::Ready(_)));
    assert_eq!(ready.change, Change::Ready);
    assert_eq!(
        client.with_cache(|c| c.current_user().map(|u| u.id.to_string())),
        Some(SELF_ID.to_owned())
    );
    assert_eq!(client.state(), SessionState::Ready);
}

#[test]
fn heartbeat_ping_is_sent_in_time_and_its_pong_measures_latency() {
    let (_gateway, mut conn, client) = connected();
    let ready_at = Instant::now();

    let ping = conn.recv().unwrap();
    assert_eq!(ping["type"], "Ping");
    assert!(
        // The interval is 200 ms; the slack is for loaded machines (the default is 15 s).
        ready_at.elapsed() < Duration::from_secs(1),
        "ping after {:?}",
        ready_at.elapsed()
    );
    assert_eq!(client.latency(), None);
    conn.send(json!({"type": "Pong", "data": ping["data"]}));

    let deadline = Instant::now() + WAIT;
    while client.latency().is_none() {
        assert!(Instant::now() < deadline, "the pong was never matched");
        std::thread::sleep(Duration::from_millis(10));
    }
    let again = conn.recv().unwrap();
    assert_eq!(again["type"], "Ping");
    assert_ne!(again["data"], ping["data"]);
}

#[test]
fn unanswered_ping_makes_the_client_reconnect() {
    let (mut gateway, mut conn, _client) = connected();
    assert_eq!(conn.recv().unwrap()["type"], "Ping");
    assert_eq!(conn.recv(), None, "the old socket was not closed");
    let mut fresh = gateway.accept();
    assert_eq!(fresh.recv().unwrap()["type"], "Authenticate");
}

#[test]
fn dropped_socket_leads_to_a_reconnect_with_a_fresh_authenticate() {
    let (mut gateway, conn, client) = connected();
    drop(conn);

    let mut conn = gateway.accept();
    conn.handshake();
    assert_eq!(until_ready(&client).change, Change::Ready);
}

#[test]
fn commands_are_forwarded_to_the_socket() {
    let (_gateway, mut conn, client) = connected();
    let channel = "01M7YSZ8V81AWBPFRM30NYSV34".parse().unwrap();
    client
        .send_command(Command::BeginTyping { channel })
        .unwrap();
    loop {
        let frame = conn.recv().unwrap();
        if frame["type"] == "Ping" {
            continue;
        }
        assert_eq!(frame["type"], "BeginTyping");
        assert_eq!(frame["channel"], "01M7YSZ8V81AWBPFRM30NYSV34");
        break;
    }
}

#[test]
fn rejected_token_ends_the_stream_with_the_reason() {
    let mut gateway = FakeGateway::start();
    let client = Client::connect(config("http://127.0.0.1:9", &gateway.url)).unwrap();
    let mut conn = gateway.accept();
    assert_eq!(conn.recv().unwrap()["type"], "Authenticate");
    conn.send(json!({"type": "Error", "data": {"type": "InvalidSession"}}));

    let error_event = next(&client).unwrap().unwrap();
    assert!(matches!(error_event.event, Event::Error { .. }));
    let ended = next(&client).unwrap().unwrap_err();
    assert!(
        matches!(&ended.reason, CloseReason::AuthenticationFailed(e) if e.kind == "InvalidSession"),
        "{ended:?}"
    );
    assert!(next(&client).is_none());
    assert_eq!(client.closed_reason(), Some(ended.reason));
    let server = "01M7YSZ8V8HNB362Z1HYDP0RXY".parse().unwrap();
    assert!(client
        .send_command(Command::Subscribe { server_id: server })
        .is_err());
    assert_eq!(conn.recv(), None);
}

#[test]
fn shutdown_closes_the_socket_and_ends_the_stream() {
    let (_gateway, mut conn, client) = connected();
    // The server keeps reading, so it answers the close handshake.
    let server = std::thread::spawn(move || while conn.recv().is_some() {});
    let started = Instant::now();
    client.shutdown();
    assert!(
        started.elapsed() < Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(client.closed_reason(), Some(CloseReason::Requested));
    assert_eq!(client.state(), SessionState::Closed);
    for item in client.events() {
        item.expect("shutdown is not an error");
    }
    server.join().unwrap();
    client.shutdown();
}

#[test]
fn the_gateway_runs_until_the_client_and_every_handle_are_dropped() {
    let (_gateway, mut conn, client) = connected();
    let handle = client.handle();
    drop(client);
    assert_eq!(conn.recv().unwrap()["type"], "Ping");
    drop(handle);
    loop {
        match conn.recv() {
            None => break,
            Some(frame) => assert_eq!(frame["type"], "Ping"),
        }
    }
}

#[test]
fn connection_refused_is_retried_until_the_gateway_is_up() {
    let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = probe.local_addr().unwrap();
    drop(probe);
    let client = Client::connect(config("http://127.0.0.1:9", &format!("ws://{addr}"))).unwrap();
    std::thread::sleep(Duration::from_millis(150));
    assert_ne!(client.state(), SessionState::Ready);

    let listener = std::net::TcpListener::bind(addr).unwrap();
    let (stream, _) = listener.accept().unwrap();
    let mut conn = support::Conn {
        ws: tungstenite::accept(stream).unwrap(),
    };
    conn.handshake();
    until_ready(&client);
}

#[test]
fn msgpack_sessions_use_binary_frames_both_ways() {
    let mut gateway = FakeGateway::start();
    let config = support::config("http://127.0.0.1:9", &gateway.url)
        .session(|session| session.format(stoat_blocking::core::gateway::Format::Msgpack));
    let client = Client::connect(config).unwrap();
    let mut conn = gateway.accept();

    let auth = conn.recv().unwrap();
    assert_eq!(auth["type"], "Authenticate");
    conn.send_binary(json!({"type": "Authenticated"}));
    conn.send_binary(support::ready());
    assert_eq!(until_ready(&client).change, Change::Ready);
    // A text frame on a msgpack connection is skipped, not fatal.
    conn.send(json!({"type": "Authenticated"}));
    conn.send_binary(json!({"type": "Logout"}));
    assert_eq!(next(&client).unwrap().unwrap().event, Event::Logout);
    let ended = next(&client).unwrap().unwrap_err();
    assert_eq!(ended.reason, CloseReason::LoggedOut);
}
