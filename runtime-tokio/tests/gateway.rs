//! The gateway driver against a scripted loopback WebSocket.

mod support;

use std::time::{Duration, Instant};

use serde_json::json;
use stoat_tokio::core::gateway::SessionState;
use stoat_tokio::{Change, Client, CloseReason, Command, Event, SessionEnded, Update};
use support::{config, FakeGateway, SELF_ID, WAIT};

async fn next(client: &mut Client) -> Option<Result<Update, SessionEnded>> {
    tokio::time::timeout(WAIT, client.next_event())
        .await
        .expect("no event in time")
}

/// Reads events until `Ready`, returning it.
async fn until_ready(client: &mut Client) -> Update {
    loop {
        let update = next(client)
            .await
            .expect("stream ended")
            .expect("session ended");
        if matches!(update.event, Event::Ready(_)) {
            return update;
        }
    }
}

async fn connected() -> (FakeGateway, support::Conn, Client) {
    let mut gateway = FakeGateway::start().await;
    let mut client = Client::connect(config("http://127.0.0.1:9", &gateway.url))
        .await
        .unwrap();
    let mut conn = gateway.accept().await;
    conn.handshake().await;
    until_ready(&mut client).await;
    (gateway, conn, client)
}

#[tokio::test]
async fn authenticates_and_delivers_ready_with_its_cache_change() {
    let mut gateway = FakeGateway::start().await;
    let mut client = Client::connect(config("http://127.0.0.1:9", &gateway.url))
        .await
        .unwrap();
    let mut conn = gateway.accept().await;

    let auth = conn.recv().await.unwrap();
    assert_eq!(auth["type"], "Authenticate");
    assert_eq!(auth["token"], support::TOKEN);
    conn.send(json!({"type": "Authenticated"})).await;
    conn.send(support::ready()).await;

    let first = next(&mut client).await.unwrap().unwrap();
    assert_eq!(first.event, Event::Authenticated);
    assert_eq!(first.change, Change::None);
    let ready = next(&mut client).await.unwrap().unwrap();
    assert!(matches!(ready.event, Event::Ready(_)));
    assert_eq!(ready.change, Change::Ready);
    assert_eq!(
        client.with_cache(|c| c.current_user().map(|u| u.id.to_string())),
        Some(SELF_ID.to_owned())
    );
    assert_eq!(client.state(), SessionState::Ready);
}

#[tokio::test]
async fn heartbeat_ping_is_sent_in_time_and_its_pong_measures_latency() {
    let (_gateway, mut conn, client) = connected().await;
    let ready_at = Instant::now();

    let ping = conn.recv().await.unwrap();
    assert_eq!(ping["type"], "Ping");
    assert!(
        // The interval is 200 ms; the slack is for loaded machines (the default is 15 s).
        ready_at.elapsed() < Duration::from_secs(1),
        "ping after {:?}",
        ready_at.elapsed()
    );
    assert_eq!(client.latency(), None);
    conn.send(json!({"type": "Pong", "data": ping["data"]}))
        .await;

    let deadline = Instant::now() + WAIT;
    while client.latency().is_none() {
        assert!(Instant::now() < deadline, "the pong was never matched");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // The connection is healthy: the next ping comes on the same socket.
    let again = conn.recv().await.unwrap();
    assert_eq!(again["type"], "Ping");
    assert_ne!(again["data"], ping["data"]);
}

#[tokio::test]
async fn unanswered_ping_makes_the_client_reconnect() {
    let (mut gateway, mut conn, _client) = connected().await;
    assert_eq!(conn.recv().await.unwrap()["type"], "Ping");
    // No pong: the session declares the connection dead and the driver opens a new one.
    let mut fresh = gateway.accept().await;
    assert_eq!(fresh.recv().await.unwrap()["type"], "Authenticate");
    assert_eq!(
        conn.recv_untimed().await,
        None,
        "the old socket was not closed"
    );
}

#[tokio::test]
async fn dropped_socket_leads_to_a_reconnect_with_a_fresh_authenticate() {
    let (mut gateway, conn, mut client) = connected().await;
    drop(conn);

    let mut conn = gateway.accept().await;
    conn.handshake().await;
    let ready = until_ready(&mut client).await;
    assert_eq!(ready.change, Change::Ready);
}

#[tokio::test]
async fn commands_are_forwarded_to_the_socket() {
    let (_gateway, mut conn, client) = connected().await;
    let channel = "01M7YSZ8V81AWBPFRM30NYSV34".parse().unwrap();
    client
        .send_command(Command::BeginTyping { channel })
        .unwrap();
    loop {
        let frame = conn.recv().await.unwrap();
        if frame["type"] == "Ping" {
            continue;
        }
        assert_eq!(frame["type"], "BeginTyping");
        assert_eq!(frame["channel"], "01M7YSZ8V81AWBPFRM30NYSV34");
        break;
    }
}

#[tokio::test]
async fn rejected_token_ends_the_stream_with_the_reason() {
    let mut gateway = FakeGateway::start().await;
    let mut client = Client::connect(config("http://127.0.0.1:9", &gateway.url))
        .await
        .unwrap();
    let mut conn = gateway.accept().await;
    assert_eq!(conn.recv().await.unwrap()["type"], "Authenticate");
    conn.send(json!({"type": "Error", "data": {"type": "InvalidSession"}}))
        .await;

    let error_event = next(&mut client).await.unwrap().unwrap();
    assert!(matches!(error_event.event, Event::Error { .. }));
    let ended = next(&mut client).await.unwrap().unwrap_err();
    assert!(
        matches!(&ended.reason, CloseReason::AuthenticationFailed(e) if e.kind == "InvalidSession"),
        "{ended:?}"
    );
    assert!(next(&mut client).await.is_none());
    assert_eq!(client.closed_reason(), Some(ended.reason));
    assert!(client
        .send_command(Command::Subscribe {
            server_id: "01M7YSZ8V8HNB362Z1HYDP0RXY".parse().unwrap()
        })
        .is_err());
    // The session does not try again.
    assert_eq!(conn.recv_untimed().await, None);
}

#[tokio::test]
async fn shutdown_closes_the_socket_and_ends_the_stream() {
    let (_gateway, mut conn, mut client) = connected().await;
    tokio::time::timeout(WAIT, client.shutdown()).await.unwrap();
    assert_eq!(client.closed_reason(), Some(CloseReason::Requested));
    assert_eq!(client.state(), SessionState::Closed);
    // Whatever was still queued may come out, then the stream ends without an error.
    while let Some(item) = next(&mut client).await {
        item.expect("shutdown is not an error");
    }
    // The server saw a close frame (or at least the end of the connection).
    loop {
        match tokio::time::timeout(WAIT, futures_util::StreamExt::next(&mut conn.ws))
            .await
            .unwrap()
        {
            Some(Ok(tokio_tungstenite::tungstenite::Message::Close(_))) | None => break,
            Some(Ok(_)) => continue,
            Some(Err(error)) => panic!("no clean close: {error}"),
        }
    }
    // Shutting down twice is harmless.
    client.shutdown().await;
}

#[tokio::test]
async fn dropping_every_handle_stops_the_driver() {
    let (_gateway, mut conn, client) = connected().await;
    let handle = client.handle();
    drop(client);
    // A handle alone keeps the session alive.
    assert_eq!(conn.recv().await.unwrap()["type"], "Ping");
    drop(handle);
    loop {
        match conn.recv().await {
            None => break,
            Some(frame) => assert_eq!(frame["type"], "Ping"),
        }
    }
}

#[tokio::test]
async fn connection_refused_is_retried_until_the_gateway_is_up() {
    // Reserve a port, close it, and start the gateway there only later.
    let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = probe.local_addr().unwrap();
    drop(probe);
    let mut client = Client::connect(config("http://127.0.0.1:9", &format!("ws://{addr}")))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert_ne!(client.state(), SessionState::Ready);

    let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
    let (stream, _) = tokio::time::timeout(WAIT, listener.accept())
        .await
        .unwrap()
        .unwrap();
    let mut conn = support::Conn {
        ws: tokio_tungstenite::accept_async(stream).await.unwrap(),
    };
    conn.handshake().await;
    until_ready(&mut client).await;
}

#[tokio::test]
async fn msgpack_sessions_use_binary_frames_both_ways() {
    let mut gateway = FakeGateway::start().await;
    let config = support::config("http://127.0.0.1:9", &gateway.url)
        .session(|session| session.format(stoat_tokio::core::gateway::Format::Msgpack));
    let mut client = Client::connect(config).await.unwrap();
    let mut conn = gateway.accept().await;

    let auth = conn.recv().await.unwrap();
    assert_eq!(auth["type"], "Authenticate");
    conn.send_binary(json!({"type": "Authenticated"})).await;
    conn.send_binary(support::ready()).await;
    assert_eq!(until_ready(&mut client).await.change, Change::Ready);
    // A text frame on a msgpack connection is skipped, not fatal.
    conn.send(json!({"type": "Authenticated"})).await;
    conn.send_binary(json!({"type": "Logout"})).await;
    assert_eq!(
        next(&mut client).await.unwrap().unwrap().event,
        Event::Logout
    );
    let ended = next(&mut client).await.unwrap().unwrap_err();
    assert_eq!(ended.reason, CloseReason::LoggedOut);
}
