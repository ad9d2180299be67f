//! Hostile and unusual server behaviour (issue 11): what a user sees when the server answers
//! oddly, closes the gateway with a code, repeats a fault, or sends too much.

use std::time::{Duration, Instant};

use stoat_core::gateway::{CloseCode, DisconnectCause, Disconnection, Event};
use stoat_core::http::routes::{CloseChannel, OpenDirectMessage};
use stoat_core::model::Channel;
use stoat_core::Token;

use super::{config, connect, is_ready, server, wait_for, Harness, Next};
use crate::GatewayFault;

/// `NoEffect` comes with HTTP 200 (as the official server sends it) and the client reads it
/// as the success it is: closing your Saved Messages does nothing and fails nothing.
pub fn no_effect_is_a_success<H: Harness>() {
    let server = server();
    let client: H = connect(config(&server, Token::bot(server.bot_token())));
    let me = server.bot_id().parse().unwrap();
    let saved = client
        .execute(OpenDirectMessage::new(me))
        .unwrap_or_else(|e| panic!("[{}] open saved messages: {e}", H::RUNTIME));
    assert!(
        matches!(saved, Channel::SavedMessages { .. }),
        "[{}] {saved:?}",
        H::RUNTIME
    );
    client
        .execute(CloseChannel::new(saved.id()))
        .unwrap_or_else(|e| panic!("[{}] NoEffect must be a success: {e}", H::RUNTIME));
    // Nothing changed on the server: the channel is still there.
    let again = client
        .execute(OpenDirectMessage::new(me))
        .unwrap_or_else(|e| panic!("[{}] reopen: {e}", H::RUNTIME));
    assert_eq!(again.id(), saved.id());
    client.shutdown();
}

/// Collects the client's `Disconnected` events for `window` (other updates are skipped).
fn disconnections_for<H: Harness>(client: &mut H, window: Duration) -> Vec<Disconnection> {
    let deadline = Instant::now() + window;
    let mut ends = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return ends;
        }
        match client.next(left) {
            Next::Update(update) => {
                if let Event::Disconnected(end) = update.event {
                    ends.push(*end);
                }
            }
            Next::Closed(reason) => panic!("[{}] the stream ended: {reason:?}", H::RUNTIME),
            Next::TimedOut => return ends,
        }
    }
}

/// Asserts the reconnects the fake server saw are spaced ever wider, and returns how many
/// connections it accepted in the first `window` after the first one.
fn assert_backoff_grows<H: Harness>(server: &crate::FakeServer, window: Duration) -> usize {
    let times = server.gateway_connection_times();
    assert!(
        times.len() >= 5,
        "[{}] only {} connections: {times:?}",
        H::RUNTIME,
        times.len()
    );
    let gaps: Vec<Duration> = times.windows(2).map(|w| w[1] - w[0]).collect();
    // The 4th delay (at least 400 ms with 100 ms doubling and 50 % jitter) is longer than
    // the 1st (at most 100 ms) plus a connection's handshake; a client that starts over
    // after each Ready would reconnect every 50-100 ms.
    assert!(
        gaps[3] > gaps[0],
        "[{}] the backoff did not grow: {gaps:?}",
        H::RUNTIME
    );
    let in_window = times.iter().filter(|t| **t - times[0] <= window).count();
    // With growth, at most ~9 connections fit in 3 s; without it, 30 or more.
    assert!(
        in_window <= 12,
        "[{}] {in_window} connections in {window:?}: {gaps:?}",
        H::RUNTIME
    );
    in_window
}

/// The server closes every connection with 1008 (policy violation) right after `Ready`. The
/// user sees each end as a typed `Disconnected` with the code and reason, marked as a fault,
/// with a failure count that keeps growing, and the client reconnects ever more slowly.
pub fn close_code_after_ready_is_surfaced_and_backs_off<H: Harness>() {
    let server = server();
    server.set_gateway_fault(Some(GatewayFault::CloseAfterReady {
        code: 1008,
        reason: "policy says no".into(),
    }));
    let mut client: H = connect(config(&server, Token::bot(server.bot_token())));
    let ends = disconnections_for(&mut client, Duration::from_secs(3));
    assert!(ends.len() >= 4, "[{}] {ends:?}", H::RUNTIME);
    for (n, end) in ends.iter().enumerate() {
        assert_eq!(
            end.cause,
            DisconnectCause::Closed {
                code: Some(CloseCode::POLICY_VIOLATION),
                reason: "policy says no".into()
            },
            "[{}]",
            H::RUNTIME
        );
        assert!(
            end.is_fault() && end.after_ready,
            "[{}] {end:?}",
            H::RUNTIME
        );
        assert_eq!(end.failures as usize, n + 1, "[{}] {ends:?}", H::RUNTIME);
        assert!(end.reconnect_in.is_some());
    }
    assert_backoff_grows::<H>(&server, Duration::from_secs(3));
    // Once the server behaves again, so does the client.
    server.set_gateway_fault(None);
    wait_for(&mut client, "a Ready after the fault is gone", is_ready);
    client.shutdown();
}

/// A normal close (1000) right after every `Ready` is not a fault, but a connection that
/// never lasts is no reason to reconnect at once either: the backoff grows all the same.
pub fn repeated_close_after_auth_backs_off<H: Harness>() {
    let server = server();
    server.set_gateway_fault(Some(GatewayFault::CloseAfterReady {
        code: 1000,
        reason: String::new(),
    }));
    let mut client: H = connect(config(&server, Token::bot(server.bot_token())));
    let ends = disconnections_for(&mut client, Duration::from_secs(3));
    assert!(ends.len() >= 4, "[{}] {ends:?}", H::RUNTIME);
    assert!(ends.iter().all(|e| !e.is_fault()
        && e.cause
            == DisconnectCause::Closed {
                code: Some(CloseCode::NORMAL),
                reason: String::new()
            }));
    let failures: Vec<u32> = ends.iter().map(|e| e.failures).collect();
    assert_eq!(
        failures,
        (1..=ends.len() as u32).collect::<Vec<_>>(),
        "[{}]",
        H::RUNTIME
    );
    assert_backoff_grows::<H>(&server, Duration::from_secs(3));
    client.shutdown();
}

/// The server sends a 50 MB message in 64 KiB fragments after every `Ready`. The client
/// (limit 1 MiB) refuses each without assembling it: the server gets nowhere near writing the
/// whole message before the client hangs up, the user sees `MessageTooLarge`, and the repeats
/// meet a growing backoff.
pub fn huge_fragmented_message_is_refused_and_backs_off<H: Harness>() {
    const SIZE: usize = 50_000_000;
    const LIMIT: usize = 1 << 20;
    let server = server();
    server.set_gateway_fault(Some(GatewayFault::HugeMessageAfterReady {
        size: SIZE,
        frame_size: 64 << 10,
    }));
    let config = config(&server, Token::bot(server.bot_token()))
        .session(|session| super::fast(session).max_message_size(LIMIT));
    let mut client: H = connect(config);
    let ends = disconnections_for(&mut client, Duration::from_secs(3));
    server.set_gateway_fault(None);
    assert!(ends.len() >= 4, "[{}] {ends:?}", H::RUNTIME);
    for (n, end) in ends.iter().enumerate() {
        match end.cause {
            DisconnectCause::MessageTooLarge { size, max } => {
                assert_eq!(max, LIMIT, "[{}]", H::RUNTIME);
                assert!(size > LIMIT && size < SIZE, "[{}] {size}", H::RUNTIME);
            }
            ref other => panic!("[{}] {other:?}", H::RUNTIME),
        }
        assert!(end.is_fault());
        assert_eq!(end.failures as usize, n + 1, "[{}] {ends:?}", H::RUNTIME);
    }
    assert_backoff_grows::<H>(&server, Duration::from_secs(3));
    // Memory: each refused message stopped the server's writes early, so the client never
    // took in (let alone assembled) anything like 50 MB per connection; what did go out is
    // the 1 MiB the client read plus what the loopback socket buffers hold.
    let connections = server.gateway_connections() as u64;
    let per_connection = server.fault_bytes_sent() / connections.max(1);
    assert!(
        per_connection < (SIZE / 2) as u64,
        "[{}] {per_connection} bytes per connection written before the client refused",
        H::RUNTIME
    );
    wait_for(&mut client, "a Ready after the fault is gone", is_ready);
    client.shutdown();
}
