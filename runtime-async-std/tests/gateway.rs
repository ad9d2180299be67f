//! The gateway driver against a loopback WebSocket, under async-std and smol.

mod common;

use std::time::{Duration, Instant};

use common::{within, FakeGateway, Rt, CHANNEL_ID, USER_ID};
use futures_lite::future;
use stoat_async_std::{Client, SessionEnded, Update, WaitError};
use stoat_core::cache::Change;
use stoat_core::gateway::{CloseReason, Command, Event, SessionState};

on_both_executors!(
    ready_is_delivered_with_its_cache_change,
    heartbeat_ping_is_sent_and_pong_matched,
    dropped_socket_reconnects_with_fresh_authenticate,
    server_close_frame_leads_to_reconnect,
    undecodable_frame_is_skipped,
    rejected_token_ends_the_stream_with_an_error,
    shutdown_closes_the_socket_and_ends_the_stream,
    commands_are_sent_once_ready,
    the_gateway_runs_until_the_last_handle_is_dropped,
    default_driver_thread_works_under_this_executor,
    wait_for_sees_the_wanted_update_without_taking_it_or_gives_up,
    wait_for_stops_at_the_end_of_the_stream,
);

async fn next_update(client: &mut Client) -> Update {
    within("client event", client.next_event())
        .await
        .expect("event stream ended")
        .expect("event stream error")
}

/// Skips events until `Ready` and returns its update.
async fn until_ready(client: &mut Client) -> Update {
    loop {
        let update = next_update(client).await;
        if matches!(update.event, Event::Ready(_)) {
            return update;
        }
    }
}

async fn ready_is_delivered_with_its_cache_change(rt: Rt) {
    let gateway = FakeGateway::bind().await;
    let mut client = rt
        .builder(common::config("http://127.0.0.1:9", &gateway.url))
        .connect()
        .await
        .unwrap();

    let mut conn = gateway.accept().await;
    let auth = conn.recv_json().await;
    assert_eq!(auth["type"], "Authenticate");
    assert_eq!(auth["token"], common::TOKEN);
    conn.send_json(serde_json::json!({"type": "Authenticated"}))
        .await;
    conn.send_json(common::ready()).await;

    let first = next_update(&mut client).await;
    assert_eq!(first.event, Event::Authenticated);
    let ready = next_update(&mut client).await;
    assert!(matches!(ready.event, Event::Ready(_)));
    assert_eq!(ready.change, Change::Ready);
    // The driver dispatched the event into the cache before handing it over.
    let user = USER_ID.parse().unwrap();
    assert_eq!(
        client.with_cache(|c| c.user(user).unwrap().username.clone()),
        "bot"
    );
}

async fn heartbeat_ping_is_sent_and_pong_matched(rt: Rt) {
    let gateway = FakeGateway::bind().await;
    let mut client = rt
        .builder(common::config("http://127.0.0.1:9", &gateway.url))
        .connect()
        .await
        .unwrap();
    let mut conn = gateway.accept_ready().await;
    until_ready(&mut client).await;
    let ready_seen = Instant::now();
    assert_eq!(client.latency(), None);

    let ping = conn.recv_json().await;
    assert_eq!(ping["type"], "Ping");
    // Configured interval 200 ms: generous slack for a loaded machine, but well below the
    // 15 s default.
    assert!(ready_seen.elapsed() < Duration::from_secs(2), "{ping}");
    conn.send_json(serde_json::json!({"type": "Pong", "data": ping["data"]}))
        .await;

    within("latency", async {
        while client.latency().is_none() {
            async_io::Timer::after(Duration::from_millis(5)).await;
        }
    })
    .await;
    // The pong was matched: the next frame is the next ping on the same connection.
    let next = conn.recv_json().await;
    assert_eq!(next["type"], "Ping");
    assert_ne!(next["data"], ping["data"]);
}

async fn dropped_socket_reconnects_with_fresh_authenticate(rt: Rt) {
    let gateway = FakeGateway::bind().await;
    let mut client = rt
        .builder(common::config("http://127.0.0.1:9", &gateway.url))
        .connect()
        .await
        .unwrap();
    let conn = gateway.accept_ready().await;
    until_ready(&mut client).await;

    drop(conn);
    let mut second = gateway.accept().await;
    let auth = second.recv_json().await;
    assert_eq!(auth["type"], "Authenticate");
    assert_eq!(auth["token"], common::TOKEN);
    second
        .send_json(serde_json::json!({"type": "Authenticated"}))
        .await;
    second.send_json(common::ready()).await;
    // Stoat has no resume: the new connection brings a full Ready.
    assert_eq!(until_ready(&mut client).await.change, Change::Ready);
}

async fn server_close_frame_leads_to_reconnect(rt: Rt) {
    let gateway = FakeGateway::bind().await;
    let mut client = rt
        .builder(common::config("http://127.0.0.1:9", &gateway.url))
        .connect()
        .await
        .unwrap();
    let mut conn = gateway.accept_ready().await;
    until_ready(&mut client).await;

    conn.ws.close(None).await.unwrap();
    // The client ends that connection and opens a new one.
    assert!(conn.recv().await.is_none());
    let _second = gateway.accept_ready().await;
    assert_eq!(until_ready(&mut client).await.change, Change::Ready);
}

async fn undecodable_frame_is_skipped(rt: Rt) {
    let gateway = FakeGateway::bind().await;
    let mut client = rt
        .builder(common::config("http://127.0.0.1:9", &gateway.url))
        .connect()
        .await
        .unwrap();
    let mut conn = gateway.accept_ready().await;
    until_ready(&mut client).await;

    conn.ws
        .send(async_tungstenite::tungstenite::Message::text("{not json"))
        .await
        .unwrap();
    conn.send_json(serde_json::json!({"type": "Logout"})).await;
    // The bad frame is reported by core and skipped; the next event still arrives.
    assert_eq!(next_update(&mut client).await.event, Event::Logout);
    match within("close reason", client.next_event()).await {
        Some(Err(SessionEnded {
            reason: CloseReason::LoggedOut,
            ..
        })) => {}
        other => panic!("expected the logout, got {other:?}"),
    }
}

async fn rejected_token_ends_the_stream_with_an_error(rt: Rt) {
    let gateway = FakeGateway::bind().await;
    let mut client = rt
        .builder(common::config("http://127.0.0.1:9", &gateway.url))
        .connect()
        .await
        .unwrap();
    let mut conn = gateway.accept().await;
    conn.recv_json().await;
    conn.send_json(serde_json::json!({"type": "Error", "data": {"type": "InvalidSession"}}))
        .await;

    let error_event = next_update(&mut client).await;
    assert!(matches!(error_event.event, Event::Error { .. }));
    match within("close reason", client.next_event()).await {
        Some(Err(SessionEnded {
            reason: CloseReason::AuthenticationFailed(error),
            ..
        })) => {
            assert_eq!(error.kind, "InvalidSession");
        }
        other => panic!("expected the authentication failure, got {other:?}"),
    }
    assert!(within("stream end", client.next_event()).await.is_none());
    // No reconnect follows a fatal error.
    assert!(!gateway_connects_within(&gateway, Duration::from_millis(300)).await);
}

async fn gateway_connects_within(gateway: &FakeGateway, wait: Duration) -> bool {
    !common::stays_pending(wait, gateway.accept()).await
}

async fn shutdown_closes_the_socket_and_ends_the_stream(rt: Rt) {
    let gateway = FakeGateway::bind().await;
    let mut client = rt
        .builder(common::config("http://127.0.0.1:9", &gateway.url))
        .connect()
        .await
        .unwrap();
    let mut conn = gateway.accept_ready().await;
    until_ready(&mut client).await;

    within("shutdown", client.shutdown()).await;
    // The fake sees a close frame (or the end of the connection), not a ping timeout.
    loop {
        match conn.recv().await {
            None => break,
            Some(frame) => assert_eq!(frame["type"], "Ping", "unexpected {frame}"),
        }
    }
    // Whatever was received before the shutdown drains, then the stream ends.
    while let Some(item) = within("stream end", client.next_event()).await {
        item.expect("a requested shutdown is not an error");
    }
    assert!(client.send_command(typing()).is_err());
}

fn typing() -> Command {
    Command::BeginTyping {
        channel: CHANNEL_ID.parse().unwrap(),
    }
}

async fn commands_are_sent_once_ready(rt: Rt) {
    let gateway = FakeGateway::bind().await;
    let mut client = rt
        .builder(common::config("http://127.0.0.1:9", &gateway.url))
        .connect()
        .await
        .unwrap();
    // Given before the connection exists: core queues it until Ready.
    client.send_command(typing()).unwrap();
    let mut conn = gateway.accept_ready().await;
    until_ready(&mut client).await;
    let frame = loop {
        let frame = conn.recv_json().await;
        if frame["type"] != "Ping" {
            break frame;
        }
    };
    assert_eq!(frame["type"], "BeginTyping");
    assert_eq!(frame["channel"], CHANNEL_ID);
}

async fn the_gateway_runs_until_the_last_handle_is_dropped(rt: Rt) {
    let gateway = FakeGateway::bind().await;
    let mut client = rt
        .builder(common::config("http://127.0.0.1:9", &gateway.url))
        .connect()
        .await
        .unwrap();
    let mut conn = gateway.accept_ready().await;
    until_ready(&mut client).await;
    let handle = client.handle();

    // Without the `Client` the session goes on: the handle's cache stays current.
    drop(client);
    let channel = "01M7YT8F8NBH98W6P4028C2GH8".parse().unwrap();
    conn.send_json(serde_json::json!({"type": "ChannelCreate", "channel_type": "TextChannel",
        "_id": "01M7YT8F8NBH98W6P4028C2GH8", "server": "01M7YSZ8V8HNB362Z1HYDP0RXY", "name": "new"}))
        .await;
    within("cache update", async {
        while !handle.with_cache(|c| c.channel(channel).is_some()) {
            async_io::Timer::after(Duration::from_millis(10)).await;
        }
    })
    .await;

    // Dropping the last handle closes the connection and stops the driver.
    drop(handle);
    within("connection closed", async {
        while let Some(frame) = conn.recv().await {
            assert_eq!(frame["type"], "Ping", "unexpected {frame}");
        }
    })
    .await;
    assert!(!gateway_connects_within(&gateway, Duration::from_millis(300)).await);
}

async fn default_driver_thread_works_under_this_executor(_rt: Rt) {
    let gateway = FakeGateway::bind().await;
    let mut client = Client::connect(common::config("http://127.0.0.1:9", &gateway.url))
        .await
        .unwrap();
    let _conn = gateway.accept_ready().await;
    assert_eq!(until_ready(&mut client).await.change, Change::Ready);
    within("shutdown", client.shutdown()).await;
}

async fn wait_for_sees_the_wanted_update_without_taking_it_or_gives_up(rt: Rt) {
    let gateway = FakeGateway::bind().await;
    let mut client = rt
        .builder(common::config("http://127.0.0.1:9", &gateway.url))
        .connect()
        .await
        .unwrap();
    // Registered before the gateway answers: `Authenticated` comes first and is not a match.
    let (ready, _conn) = future::zip(
        client.wait_for(|u| matches!(u.event, Event::Ready(_)), common::LIMIT),
        gateway.accept_ready(),
    )
    .await;
    assert_eq!(ready.expect("Ready").change, Change::Ready);
    // The event stream still has both: waiting took nothing from it.
    assert_eq!(next_update(&mut client).await.event, Event::Authenticated);
    assert_eq!(next_update(&mut client).await.change, Change::Ready);
    let started = Instant::now();
    let nothing = client
        .wait_for(
            |u| matches!(u.event, Event::Logout),
            Duration::from_millis(200),
        )
        .await;
    assert_eq!(nothing, Err(WaitError::TimedOut { collected: vec![] }));
    assert!(started.elapsed() >= Duration::from_millis(200));
    assert_eq!(client.state(), SessionState::Ready);
    assert_eq!(client.closed_reason(), None);
    client.shutdown().await;
    assert_eq!(client.closed_reason(), Some(CloseReason::Requested));
}

async fn wait_for_stops_at_the_end_of_the_stream(rt: Rt) {
    let gateway = FakeGateway::bind().await;
    let client = rt
        .builder(common::config("http://127.0.0.1:9", &gateway.url))
        .connect()
        .await
        .unwrap();
    let mut conn = gateway.accept().await;
    conn.recv_json().await;
    conn.send_json(serde_json::json!({"type": "Error", "data": {"type": "InvalidSession"}}))
        .await;
    let started = Instant::now();
    let found = client.wait_for(|_| false, common::LIMIT).await;
    assert_eq!(found, Err(WaitError::SessionEnded));
    assert!(
        started.elapsed() < common::LIMIT,
        "returned at the end, not the timeout"
    );
    assert!(matches!(
        client.closed_reason(),
        Some(CloseReason::AuthenticationFailed(_))
    ));
}
