//! A hostile HTTP server, as core sees it: oversized bodies, redirects, and transport errors
//! that quote credentials. Driven with a virtual clock; no IO.

use std::time::{Duration, Instant};

use bytes::Bytes;
use http::StatusCode;
use stoat_core::auth::{Secret, Token};
use stoat_core::cdn::{Tag, Upload};
use stoat_core::http::routes::{ExecuteWebhook, FetchSelf};
use stoat_core::http::{
    Call, Error, ResponseBody, ResponseLimits, Rest, RetryPolicy, Step, TransportError,
    DEFAULT_MAX_RESPONSE_BODY,
};

const BOT_TOKEN: &str = "bot-token-0123456789";
const WEBHOOK_TOKEN: &str = "webhook-token-abcdefgh";
const WEBHOOK: &str = "01M7YSZ8V81AWBPFRM30NYSV34";

fn rest() -> Rest {
    Rest::new("https://api.stoat.chat", Some(Token::bot(BOT_TOKEN)))
        .with_autumn_base("https://cdn.stoat.chat")
        .with_retry_policy(RetryPolicy::default().transient_retries(2, Duration::from_millis(10)))
}

fn webhook() -> ExecuteWebhook {
    ExecuteWebhook::new(
        WEBHOOK.parse().unwrap(),
        Secret::new(WEBHOOK_TOKEN),
        "hello",
    )
}

/// Polls until the call wants to send, answers with `response`, and returns what it did next.
fn answer<T: std::fmt::Debug>(
    call: &mut Call<T>,
    now: Instant,
    response: http::Response<Bytes>,
) -> Step<T> {
    match call.poll(now) {
        Step::Send(_) => {}
        other => panic!("expected a send, got {other:?}"),
    }
    call.handle_response(now, response);
    call.poll(now)
}

fn response(status: u16, body: impl Into<Bytes>) -> http::Response<Bytes> {
    http::Response::builder()
        .status(status)
        .body(body.into())
        .unwrap()
}

#[test]
fn the_default_limit_is_32_mib_per_service_and_configurable() {
    let rest = rest();
    assert_eq!(DEFAULT_MAX_RESPONSE_BODY, 32 * 1024 * 1024);
    assert_eq!(
        rest.call(&FetchSelf).unwrap().response_body_limit(),
        DEFAULT_MAX_RESPONSE_BODY
    );

    let rest = rest.with_response_limits(ResponseLimits::default().api(100).file_server(5000));
    assert_eq!(rest.call(&FetchSelf).unwrap().response_body_limit(), 100);
    let upload = Upload::new(Tag::Attachments, "a.txt", "text/plain", b"a".to_vec()).unwrap();
    assert_eq!(rest.call(&upload).unwrap().response_body_limit(), 5000);
}

#[test]
fn a_body_over_the_limit_is_a_typed_error_not_a_retry() {
    let rest = rest().with_response_limits(ResponseLimits::default().api(16));
    let now = Instant::now();
    let mut call = rest.call(&FetchSelf).unwrap();
    let mut body = ResponseBody::new(call.response_body_limit());
    while body.push(b"{\"_id\":\"01M7YSZ8V81AWBPFRM30NYSV34\"") {}
    match answer(&mut call, now, response(200, body.into_bytes())) {
        Step::Done(Err(Error::BodyTooLarge { status, limit })) => {
            assert_eq!(status, StatusCode::OK);
            assert_eq!(limit, 16);
        }
        other => panic!("expected BodyTooLarge, got {other:?}"),
    }

    // Even on a status that would be retried, an oversized body ends the call.
    let mut call = rest.call(&FetchSelf).unwrap();
    match answer(&mut call, now, response(502, vec![b'x'; 17])) {
        Step::Done(Err(Error::BodyTooLarge { status, .. })) => {
            assert_eq!(status, StatusCode::BAD_GATEWAY)
        }
        other => panic!("expected BodyTooLarge, got {other:?}"),
    }

    // At the limit exactly, the body is parsed as usual.
    let mut call = rest.call(&FetchSelf).unwrap();
    match answer(&mut call, now, response(404, vec![b' '; 16])) {
        Step::Done(Err(Error::Http { status, .. })) => assert_eq!(status, StatusCode::NOT_FOUND),
        other => panic!("expected the 404, got {other:?}"),
    }
}

#[test]
fn every_redirect_is_a_typed_error_with_only_the_origin() {
    let now = Instant::now();
    for status in [301, 302, 303, 307, 308] {
        let mut call = rest().call(&webhook()).unwrap();
        let redirect = http::Response::builder()
            .status(status)
            .header(
                "location",
                format!("http://127.0.0.1:9/webhooks/{WEBHOOK}/{WEBHOOK_TOKEN}?t={BOT_TOKEN}"),
            )
            .body(Bytes::new())
            .unwrap();
        match answer(&mut call, now, redirect) {
            Step::Done(Err(error @ Error::Redirected { .. })) => {
                let Error::Redirected {
                    status: got,
                    location_origin,
                } = &error
                else {
                    unreachable!()
                };
                assert_eq!(got.as_u16(), status);
                assert_eq!(location_origin.as_deref(), Some("http://127.0.0.1:9"));
                for text in [error.to_string(), format!("{error:?}")] {
                    assert!(!text.contains(WEBHOOK_TOKEN), "{text}");
                    assert!(!text.contains(BOT_TOKEN), "{text}");
                }
            }
            other => panic!("{status}: expected Redirected, got {other:?}"),
        }
    }
}

#[test]
fn transport_errors_never_quote_the_credentials() {
    let now = Instant::now();
    let mut call = rest().call(&webhook()).unwrap();
    let Step::Send(request) = call.poll(now) else {
        panic!("expected a send")
    };
    let url = request.uri().to_string();
    assert!(
        url.contains(WEBHOOK_TOKEN),
        "the token is in the path: {url}"
    );
    // What an HTTP library might say: the URL, and a header dump.
    call.handle_transport_error(
        now,
        TransportError::ambiguous(format!(
            "error sending request for url ({url}): x-bot-token: {BOT_TOKEN}"
        )),
    );
    match call.poll(now) {
        Step::Done(Err(error)) => {
            for text in [error.to_string(), format!("{error:?}")] {
                assert!(!text.contains(WEBHOOK_TOKEN), "{text}");
                assert!(text.contains("<redacted>"), "{text}");
            }
        }
        other => panic!("expected the transport error, got {other:?}"),
    }

    let mut call = rest().call(&FetchSelf).unwrap();
    let Step::Send(_) = call.poll(now) else {
        panic!("expected a send")
    };
    call.handle_transport_error(
        now,
        TransportError::connect(format!("refused; header {BOT_TOKEN}")),
    );
    // A connect failure is retried; the retry fails the same way until the policy gives up.
    let error = loop {
        match call.poll(now + Duration::from_secs(60)) {
            Step::Send(_) => call.handle_transport_error(
                now,
                TransportError::connect(format!("refused; header {BOT_TOKEN}")),
            ),
            Step::Wait(_) => {}
            Step::Done(result) => break result.unwrap_err(),
        }
    };
    for text in [error.to_string(), format!("{error:?}")] {
        assert!(!text.contains(BOT_TOKEN), "{text}");
    }
}
