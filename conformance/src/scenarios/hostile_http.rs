//! A hostile HTTP server: endless bodies and redirects to another origin. Every runtime
//! stops reading at the configured limit and reports a typed error, and none follows a
//! redirect (so no credential reaches the other origin).

use std::time::{Duration, Instant};

use stoat_core::auth::Secret;
use stoat_core::cdn::{Tag, Upload};
use stoat_core::http::routes::{ExecuteWebhook, FetchSelf};
use stoat_core::http::{Error, ResponseLimits, DEFAULT_MAX_RESPONSE_BODY};
use stoat_core::Token;

use super::{config, connect, server, Harness};
use crate::{HttpFault, OtherOrigin};

/// A webhook token that must never leave for another origin.
const WEBHOOK_TOKEN: &str = "HostileWebhookToken_0000000000000000000000000000000000000000000";
const WEBHOOK_ID: &str = "01M7YSZ8V81AWBPFRM30NYSV34";

/// Waits until the fake's endless bodies stop going out: the client hung up instead of
/// draining them. Returns the bytes sent.
fn endless_body_stops(server: &crate::FakeServer) -> u64 {
    let deadline = Instant::now() + super::PATIENCE;
    let mut last = server.endless_body_bytes_sent();
    loop {
        std::thread::sleep(Duration::from_millis(300));
        let now = server.endless_body_bytes_sent();
        if now == last {
            return now;
        }
        assert!(
            Instant::now() < deadline,
            "the endless body is still being read ({now} bytes)"
        );
        last = now;
    }
}

/// An endless response body ends the call with `BodyTooLarge` at the configured limit,
/// promptly; the client stops reading (the server sees it hang up) and keeps working.
pub fn an_endless_body_stops_at_the_limit<H: Harness>() {
    let server = server();
    let limit = 1024 * 1024;
    let client: H = connect(
        config(&server, Token::bot(server.bot_token()))
            .response_limits(ResponseLimits::default().api(limit).file_server(2 * limit)),
    );

    server.fault_next_http_requests(HttpFault::EndlessBody, 1);
    let started = Instant::now();
    match client.execute(FetchSelf) {
        Err(Error::BodyTooLarge { status, limit: got }) => {
            assert_eq!(status.as_u16(), 200, "[{}]", H::RUNTIME);
            assert_eq!(got, limit, "[{}]", H::RUNTIME);
        }
        other => panic!("[{}] expected BodyTooLarge, got {other:?}", H::RUNTIME),
    }
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "[{}] took {:?}",
        H::RUNTIME,
        started.elapsed()
    );
    let sent = endless_body_stops(&server);
    assert!(sent > limit, "[{}] only {sent} bytes went out", H::RUNTIME);

    // The file server's own limit applies to its responses.
    server.fault_next_http_requests(HttpFault::EndlessBody, 1);
    let upload = Upload::new(Tag::Attachments, "a.txt", "text/plain", b"a".to_vec())
        .expect("a valid upload");
    match client.execute(upload) {
        Err(Error::BodyTooLarge { limit: got, .. }) => assert_eq!(got, 2 * limit),
        other => panic!("[{}] expected BodyTooLarge, got {other:?}", H::RUNTIME),
    }
    endless_body_stops(&server);

    // The client is not left broken: the next request is answered normally.
    let me = client
        .execute(FetchSelf)
        .unwrap_or_else(|e| panic!("[{}] after the fault: {e}", H::RUNTIME));
    assert_eq!(me.id.to_string(), server.bot_id());
    client.shutdown();
}

/// Without configuration, the limit is the 32 MiB default, and it holds.
pub fn the_default_body_limit_holds<H: Harness>() {
    let server = server();
    let client: H = connect(config(&server, Token::bot(server.bot_token())));
    server.fault_next_http_requests(HttpFault::EndlessBody, 1);
    let started = Instant::now();
    match client.execute(FetchSelf) {
        Err(Error::BodyTooLarge { limit, .. }) => assert_eq!(limit, DEFAULT_MAX_RESPONSE_BODY),
        other => panic!("[{}] expected BodyTooLarge, got {other:?}", H::RUNTIME),
    }
    assert!(
        started.elapsed() < super::PATIENCE,
        "[{}] took {:?}",
        H::RUNTIME,
        started.elapsed()
    );
    let sent = endless_body_stops(&server);
    // What the socket buffers held on top of the limit, at most.
    assert!(
        sent < DEFAULT_MAX_RESPONSE_BODY + 16 * 1024 * 1024,
        "[{}] {sent} bytes went out",
        H::RUNTIME
    );
    client.shutdown();
}

/// A redirect, whatever its status and wherever it points, is `Redirected` with only the
/// other origin in it; nothing reaches that origin.
pub fn redirects_are_errors_and_never_followed<H: Harness>() {
    let server = server();
    let other = OtherOrigin::start();
    let client: H = connect(config(&server, Token::bot(server.bot_token())));
    let webhook = || {
        ExecuteWebhook::new(
            WEBHOOK_ID.parse().expect("an id"),
            Secret::new(WEBHOOK_TOKEN),
            "hello",
        )
    };
    let mut errors = Vec::new();
    for status in [301, 302, 303, 307, 308] {
        let fault = HttpFault::Redirect {
            status,
            origin: other.url(),
        };
        server.fault_next_http_requests(fault.clone(), 1);
        errors.push((status, client.execute(FetchSelf).map(|_| ())));
        server.fault_next_http_requests(fault, 1);
        errors.push((status, client.execute(webhook()).map(|_| ())));
    }
    for (status, result) in errors {
        match &result {
            Err(
                error @ Error::Redirected {
                    status: got,
                    location_origin,
                },
            ) => {
                assert_eq!(got.as_u16(), status, "[{}]", H::RUNTIME);
                assert_eq!(location_origin.as_deref(), Some(other.url().as_str()));
                for text in [error.to_string(), format!("{error:?}")] {
                    assert!(!text.contains(WEBHOOK_TOKEN), "[{}] {text}", H::RUNTIME);
                    assert!(
                        !text.contains(server.bot_token()),
                        "[{}] {text}",
                        H::RUNTIME
                    );
                }
            }
            other => panic!(
                "[{}] {status}: expected Redirected, got {other:?}",
                H::RUNTIME
            ),
        }
    }
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(
        other.connections(),
        0,
        "[{}] the other origin was contacted: {:?}",
        H::RUNTIME,
        String::from_utf8_lossy(&other.received())
    );
    client.shutdown();
}
