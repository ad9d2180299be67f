//! The rate limiter and the retrying `Call`, driven by a virtual clock.

use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{Method, StatusCode};
use stoat_core::auth::Token;
use stoat_core::http::routes::{FetchSelf, SendMessage};
use stoat_core::http::{Error, Rest, RetryPolicy, Step, TransportError};
use stoat_core::ratelimit::{
    Acquire, Bucket, BucketKey, RateLimitHeaders, RateLimiter, UNREFINED_POLL, WINDOW,
};

const CHANNEL: &str = "01M7YSZ8V81AWBPFRM30NYSV34";

fn key(method: Method, path: &str) -> BucketKey {
    BucketKey::resolve(&method, path)
}

#[test]
fn bucket_table_matches_the_server() {
    use Bucket::*;
    let cases: &[(Method, &str, Bucket, Option<&str>, u32)] = &[
        (Method::PATCH, "/users/@me", UserEdit, Some("@me"), 2),
        (Method::PATCH, "/users/01B", UserEdit, Some("01B"), 2),
        (
            Method::GET,
            "/users/01B/default_avatar",
            DefaultAvatar,
            None,
            255,
        ),
        (Method::GET, "/users/@me", Users, None, 20),
        (Method::POST, "/users/friend", Users, None, 20),
        (Method::GET, "/bots/@me", Bots, None, 10),
        (
            Method::POST,
            "/channels/01C/messages",
            Messaging,
            Some("01C"),
            10,
        ),
        (
            Method::POST,
            "/channels/01C/messages/01M/pin",
            Messaging,
            Some("01C"),
            10,
        ),
        (
            Method::DELETE,
            "/channels/01C/messages/01M/pin",
            Channels,
            Some("01C"),
            15,
        ),
        (
            Method::GET,
            "/channels/01C/messages",
            Channels,
            Some("01C"),
            15,
        ),
        (
            Method::PUT,
            "/channels/01C/messages/01M/reactions/x",
            Channels,
            Some("01C"),
            15,
        ),
        (
            Method::POST,
            "/channels/create",
            Channels,
            Some("create"),
            15,
        ),
        (Method::GET, "/servers/01S", Servers, Some("01S"), 5),
        (Method::POST, "/servers/create", Servers, Some("create"), 5),
        (Method::DELETE, "/auth/session/all", AuthDelete, None, 255),
        (Method::POST, "/auth/session/login", Auth, None, 15),
        (Method::GET, "/swagger/index.html", Swagger, None, 100),
        (
            Method::POST,
            "/safety/report",
            SafetyReport,
            Some("report"),
            3,
        ),
        (Method::POST, "/safety/other", Safety, None, 15),
        (Method::GET, "/", Any, None, 20),
        (Method::GET, "/invites/abc", Any, None, 20),
        (Method::POST, "/sync/settings/fetch", Any, None, 20),
        (Method::GET, "/channels", Any, None, 20),
        (Method::GET, "/0.8/users/@me", Users, None, 20),
        (Method::GET, "/users/@me?x=1", Users, None, 20),
    ];
    for (method, path, bucket, resource, limit) in cases {
        let key = BucketKey::resolve(method, path);
        assert_eq!(key.bucket, *bucket, "{method} {path}");
        assert_eq!(key.resource.as_deref(), *resource, "{method} {path}");
        assert_eq!(key.bucket.limit(), *limit, "{method} {path}");
    }
    let upload = BucketKey::resolve_autumn(&Method::POST, "/attachments");
    assert_eq!(upload.bucket, Bucket::Upload);
    assert_eq!(upload.resource.as_deref(), Some("attachments"));
    assert_eq!(upload.bucket.limit(), 10);
    assert_eq!(
        BucketKey::resolve_autumn(&Method::GET, "/attachments/abc").bucket,
        Bucket::AutumnAny
    );
}

#[test]
fn spends_capacity_before_sending_and_waits_for_the_window() {
    let mut limiter = RateLimiter::new();
    let t0 = Instant::now();
    let messaging = key(Method::POST, "/channels/01C/messages");
    let tickets: Vec<_> = (0..11)
        .map(|_| limiter.enqueue(messaging.clone()))
        .collect();
    for ticket in &tickets[..10] {
        assert_eq!(limiter.acquire(ticket, t0), Acquire::Ready);
    }
    // The window's end is only assumed (no response yet): ask again soon, never past it.
    assert_eq!(
        limiter.acquire(&tickets[10], t0),
        Acquire::Wait(t0 + UNREFINED_POLL)
    );
    assert_eq!(
        limiter.acquire(&tickets[10], t0 + WINDOW - Duration::from_millis(1)),
        Acquire::Wait(t0 + WINDOW)
    );
    assert_eq!(limiter.acquire(&tickets[10], t0 + WINDOW), Acquire::Ready);

    // Other channels have their own bucket.
    let other = limiter.enqueue(key(Method::POST, "/channels/02C/messages"));
    assert_eq!(limiter.acquire(&other, t0), Acquire::Ready);
}

#[test]
fn capacity_is_handed_out_in_fifo_order() {
    let mut limiter = RateLimiter::new();
    let t0 = Instant::now();
    let edit = key(Method::PATCH, "/users/@me"); // 2 per window
    let first = limiter.enqueue(edit.clone());
    let second = limiter.enqueue(edit.clone());
    let third = limiter.enqueue(edit.clone());
    let fourth = limiter.enqueue(edit.clone());
    assert_eq!(limiter.acquire(&first, t0), Acquire::Ready);
    assert_eq!(limiter.acquire(&second, t0), Acquire::Ready);
    let next_window = t0 + WINDOW;
    // The fourth asks first after the reset, but must leave room for the third.
    assert_eq!(limiter.acquire(&fourth, next_window), Acquire::Ready);
    assert_eq!(limiter.acquire(&third, next_window), Acquire::Ready);

    let fifth = limiter.enqueue(edit.clone());
    let sixth = limiter.enqueue(edit.clone());
    let seventh = limiter.enqueue(edit);
    let window3 = next_window + WINDOW;
    // Only two fit: the seventh cannot overtake the fifth and sixth.
    assert_eq!(
        limiter.acquire(&seventh, window3),
        Acquire::Wait(window3 + UNREFINED_POLL)
    );
    assert_eq!(limiter.acquire(&sixth, window3), Acquire::Ready);
    assert_eq!(limiter.acquire(&fifth, window3), Acquire::Ready);
}

#[test]
fn cancelling_a_queued_request_lets_the_next_one_move_up() {
    let mut limiter = RateLimiter::new();
    let t0 = Instant::now();
    let edit = key(Method::PATCH, "/users/@me");
    let a = limiter.enqueue(edit.clone());
    let b = limiter.enqueue(edit.clone());
    assert_eq!(limiter.acquire(&a, t0), Acquire::Ready);
    let c = limiter.enqueue(edit.clone());
    let d = limiter.enqueue(edit);
    // b is ahead of d, so only b and c may go... until b gives up.
    assert!(matches!(limiter.acquire(&d, t0), Acquire::Wait(_)));
    limiter.cancel(&b);
    assert_eq!(limiter.acquire(&c, t0), Acquire::Ready);
    assert!(matches!(limiter.acquire(&d, t0), Acquire::Wait(_)));
    assert_eq!(limiter.acquire(&d, t0 + WINDOW), Acquire::Ready);
}

#[test]
fn response_headers_refine_the_local_view() {
    let mut limiter = RateLimiter::new();
    let t0 = Instant::now();
    let users = key(Method::GET, "/users/@me");
    let first = limiter.enqueue(users.clone());
    assert_eq!(limiter.acquire(&first, t0), Acquire::Ready);
    assert_eq!(limiter.remaining(&users, t0), 19);
    // The server has seen other traffic from this IP: only 2 left, window ends in 4 s.
    let t1 = t0 + Duration::from_millis(5);
    limiter.on_response(
        &users,
        RateLimitHeaders {
            limit: 20,
            remaining: 2,
            reset_after: Duration::from_secs(4),
        },
        t1,
    );
    assert_eq!(limiter.remaining(&users, t1), 2);
    let tickets: Vec<_> = (0..3).map(|_| limiter.enqueue(users.clone())).collect();
    assert_eq!(limiter.acquire(&tickets[0], t1), Acquire::Ready);
    assert_eq!(limiter.acquire(&tickets[1], t1), Acquire::Ready);
    assert_eq!(
        limiter.acquire(&tickets[2], t1),
        Acquire::Wait(t1 + Duration::from_secs(4))
    );
    // A larger server-reported remaining never gives back requests still in flight.
    limiter.on_response(
        &users,
        RateLimitHeaders {
            limit: 20,
            remaining: 10,
            reset_after: Duration::from_secs(4),
        },
        t1,
    );
    assert_eq!(limiter.remaining(&users, t1), 0);
}

#[test]
fn headers_are_read_from_the_wire_names() {
    let mut headers = http::HeaderMap::new();
    headers.insert("x-ratelimit-limit", "10".parse().unwrap());
    headers.insert(
        "x-ratelimit-bucket",
        "12577735837396576931".parse().unwrap(),
    );
    headers.insert("x-ratelimit-remaining", "9".parse().unwrap());
    headers.insert("x-ratelimit-reset-after", "10000".parse().unwrap());
    assert_eq!(
        RateLimitHeaders::from_headers(&headers),
        Some(RateLimitHeaders {
            limit: 10,
            remaining: 9,
            reset_after: Duration::from_secs(10)
        })
    );
    headers.remove("x-ratelimit-remaining");
    assert_eq!(RateLimitHeaders::from_headers(&headers), None);
}

fn response(status: u16, headers: &[(&str, &str)], body: &str) -> http::Response<Bytes> {
    let mut builder = http::Response::builder().status(status);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(Bytes::from(body.to_owned())).unwrap()
}

const ME: &str = r#"{"_id":"01M7YSZ8V6D4QNP163AMRA3ARS","username":"capbot","discriminator":"1643","relationship":"None","online":false}"#;

fn rest() -> Rest {
    Rest::new("http://api.test", Some(Token::bot("t")))
}

fn expect_send<T: std::fmt::Debug>(step: Step<T>) -> http::Request<Bytes> {
    match step {
        Step::Send(request) => request,
        other => panic!("expected Send, got {other:?}"),
    }
}

#[test]
fn a_429_waits_retry_after_and_retries() {
    let rest = rest();
    let t0 = Instant::now();
    let mut call = rest.call(&FetchSelf).unwrap();
    expect_send(call.poll(t0));
    call.handle_response(
        t0,
        response(
            429,
            &[
                ("x-ratelimit-limit", "20"),
                ("x-ratelimit-remaining", "0"),
                ("x-ratelimit-reset-after", "9977"),
            ],
            r#"{"retry_after":9977}"#,
        ),
    );
    let retry_at = t0 + Duration::from_millis(9977);
    assert!(matches!(call.poll(t0), Step::Wait(t) if t == retry_at));
    expect_send(call.poll(retry_at));
    call.handle_response(retry_at, response(200, &[], ME));
    match call.poll(retry_at) {
        Step::Done(Ok(user)) => assert_eq!(user.username, "capbot"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn rate_limit_retries_are_bounded() {
    let rest = rest().with_retry_policy(RetryPolicy::default().rate_limit_retries(2));
    let mut now = Instant::now();
    let mut call = rest.call(&FetchSelf).unwrap();
    let mut sends = 0;
    let result = loop {
        match call.poll(now) {
            Step::Wait(t) => now = t,
            Step::Send(_) => {
                sends += 1;
                call.handle_response(now, response(429, &[], r#"{"retry_after":100}"#));
            }
            Step::Done(result) => break result,
        }
    };
    assert_eq!(sends, 3);
    assert!(
        matches!(result, Err(Error::RateLimited { retry_after }) if retry_after == Duration::from_millis(100))
    );
}

#[test]
fn in_slowmode_is_returned_with_its_wait_not_retried_blindly() {
    // Even with retries allowed, a typed 429 goes straight back to the caller.
    let rest = rest();
    let t0 = Instant::now();
    let channel = CHANNEL.parse().unwrap();
    let mut call = rest.call(&SendMessage::new(channel, "hi")).unwrap();
    expect_send(call.poll(t0));
    call.handle_response(
        t0,
        response(
            429,
            &[],
            r#"{"type":"InSlowmode","retry_after":42,"location":"x"}"#,
        ),
    );
    match call.poll(t0) {
        Step::Done(Err(Error::Api(error))) => {
            assert_eq!(error.retry_after(), Some(Duration::from_secs(42)))
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_request_that_dies_mid_flight_does_not_wedge_its_bucket() {
    let rest = rest();
    let t0 = Instant::now();
    let channel = CHANNEL.parse().unwrap();
    // Ten sends leave; every one of them is abandoned before its response arrives.
    for _ in 0..10 {
        let mut call = rest.call(&SendMessage::new(channel, "x")).unwrap();
        expect_send(call.poll(t0));
        drop(call);
    }
    let mut call = rest.call(&SendMessage::new(channel, "x")).unwrap();
    // The window is spent, but it ends: the next send goes once it has. (No response ever
    // refines the assumed window, so the call keeps asking every `UNREFINED_POLL`.)
    let mut now = t0;
    let mut polls = 0;
    loop {
        match call.poll(now) {
            Step::Wait(t) => {
                assert!(t > now && t <= t0 + WINDOW, "waits until {t:?}");
                now = t;
                polls += 1;
            }
            step => {
                expect_send(step);
                break;
            }
        }
    }
    assert_eq!(now, t0 + WINDOW);
    assert!(polls <= 100, "{polls} polls");
}

#[test]
fn a_request_queued_behind_a_burst_follows_the_window_a_response_reports() {
    let mut limiter = RateLimiter::new();
    let t0 = Instant::now();
    let edit = key(Method::PATCH, "/users/@me"); // 2 per window
    let (a, b, c) = (
        limiter.enqueue(edit.clone()),
        limiter.enqueue(edit.clone()),
        limiter.enqueue(edit.clone()),
    );
    assert_eq!(limiter.acquire(&a, t0), Acquire::Ready);
    assert_eq!(limiter.acquire(&b, t0), Acquire::Ready);
    // Before any response, c is told to ask again soon, not to sleep 10 s.
    assert_eq!(limiter.acquire(&c, t0), Acquire::Wait(t0 + UNREFINED_POLL));
    // a's response: the server's window (it started earlier) ends in 2 s.
    let t1 = t0 + Duration::from_millis(40);
    let headers = RateLimitHeaders {
        limit: 2,
        remaining: 0,
        reset_after: Duration::from_secs(2),
    };
    limiter.on_response(&edit, headers, t1);
    let t2 = t0 + UNREFINED_POLL;
    assert_eq!(
        limiter.acquire(&c, t2),
        Acquire::Wait(t1 + Duration::from_secs(2))
    );
    assert_eq!(
        limiter.acquire(&c, t1 + Duration::from_secs(2)),
        Acquire::Ready
    );
    // A 429 refines the window the same way.
    let d = limiter.enqueue(edit.clone());
    let e = limiter.enqueue(edit.clone());
    let t3 = t1 + Duration::from_secs(2);
    assert_eq!(limiter.acquire(&d, t3), Acquire::Ready);
    limiter.on_rate_limited(&edit, Duration::from_secs(3), t3);
    assert_eq!(
        limiter.acquire(&e, t3),
        Acquire::Wait(t3 + Duration::from_secs(3))
    );
}

#[test]
fn a_call_dropped_while_queued_gives_up_its_place() {
    let rest = rest();
    let t0 = Instant::now();
    let calls: Vec<_> = (0..20).map(|_| rest.call(&FetchSelf).unwrap()).collect();
    let mut waiting = rest.call(&FetchSelf).unwrap();
    drop(calls); // none of them was ever polled
    expect_send(waiting.poll(t0));
}

#[test]
fn gateway_errors_are_retried_for_idempotent_requests_only() {
    let policy = RetryPolicy::default().transient_retries(2, Duration::from_millis(100));
    let rest = rest().with_retry_policy(policy);
    let t0 = Instant::now();

    let mut get = rest.call(&FetchSelf).unwrap();
    expect_send(get.poll(t0));
    get.handle_response(t0, response(502, &[], "<html>bad gateway</html>"));
    assert!(matches!(get.poll(t0), Step::Wait(t) if t == t0 + Duration::from_millis(100)));
    expect_send(get.poll(t0 + Duration::from_millis(100)));
    get.handle_response(t0, response(200, &[], ME));
    assert!(matches!(get.poll(t0), Step::Done(Ok(_))));

    let channel = CHANNEL.parse().unwrap();
    let mut post = rest.call(&SendMessage::new(channel, "x")).unwrap();
    expect_send(post.poll(t0));
    post.handle_response(t0, response(502, &[], "<html>bad gateway</html>"));
    match post.poll(t0) {
        Step::Done(Err(Error::Http { status, body, .. })) => {
            assert_eq!(status, StatusCode::BAD_GATEWAY);
            assert!(body.as_str().contains("bad gateway"));
        }
        other => panic!("a POST without an idempotency key is not repeated: {other:?}"),
    }

    let mut keyed = rest
        .call(&SendMessage::new(channel, "x").idempotency_key("nonce-1"))
        .unwrap();
    let request = expect_send(keyed.poll(t0));
    assert_eq!(request.headers()["idempotency-key"], "nonce-1");
    keyed.handle_transport_error(t0, TransportError::ambiguous("connection reset"));
    assert!(
        matches!(keyed.poll(t0), Step::Wait(_)),
        "keyed POSTs are safe to repeat"
    );
}

#[test]
fn ambiguous_transport_failures_of_plain_posts_are_errors() {
    let rest = rest();
    let t0 = Instant::now();
    let channel = CHANNEL.parse().unwrap();
    let mut post = rest.call(&SendMessage::new(channel, "x")).unwrap();
    expect_send(post.poll(t0));
    post.handle_transport_error(t0, TransportError::ambiguous("reset"));
    assert!(matches!(
        post.poll(t0),
        Step::Done(Err(Error::Transport(_)))
    ));

    // A failure to connect never reached the server, so even a POST is retried.
    let mut post = rest.call(&SendMessage::new(channel, "x")).unwrap();
    expect_send(post.poll(t0));
    post.handle_transport_error(t0, TransportError::connect("refused"));
    assert!(matches!(post.poll(t0), Step::Wait(_)));
}

#[test]
fn a_bare_429_body_is_trusted_over_the_assumed_window() {
    let rest = rest();
    let t0 = Instant::now();
    let mut call = rest.call(&FetchSelf).unwrap();
    expect_send(call.poll(t0));
    // No rate-limit headers at all: only the body says how long to wait.
    call.handle_response(t0, response(429, &[], r#"{"retry_after":50}"#));
    assert!(matches!(call.poll(t0), Step::Wait(t) if t == t0 + Duration::from_millis(50)));
}

#[test]
fn an_attempt_without_an_answer_times_out_and_is_retried_when_safe() {
    let policy = RetryPolicy::default()
        .request_timeout(Duration::from_secs(5))
        .transient_retries(1, Duration::from_millis(10));
    let rest = rest().with_retry_policy(policy);
    let t0 = Instant::now();
    let mut call = rest.call(&FetchSelf).unwrap();
    assert_eq!(call.send_deadline(), None);
    expect_send(call.poll(t0));
    assert_eq!(call.send_deadline(), Some(t0 + Duration::from_secs(5)));
    let t1 = t0 + Duration::from_secs(5);
    call.handle_transport_error(t1, TransportError::timed_out());
    assert_eq!(call.send_deadline(), None);
    assert!(matches!(call.poll(t1), Step::Wait(_)));
    expect_send(call.poll(t1 + Duration::from_millis(10)));
    call.handle_transport_error(t1, TransportError::timed_out());
    assert!(matches!(
        call.poll(t1),
        Step::Done(Err(Error::Transport(_)))
    ));
}

#[test]
fn a_discriminator_change_limit_is_an_error_not_a_retry() {
    let rest = rest();
    let t0 = Instant::now();
    let mut call = rest.call(&FetchSelf).unwrap();
    expect_send(call.poll(t0));
    call.handle_response(
        t0,
        response(
            429,
            &[],
            r#"{"type":"DiscriminatorChangeRatelimited","location":"x"}"#,
        ),
    );
    match call.poll(t0) {
        Step::Done(Err(Error::Api(error))) => {
            assert_eq!(
                error.error,
                stoat_core::http::ErrorType::DiscriminatorChangeRatelimited
            )
        }
        other => panic!("{other:?}"),
    }
}

// --- Server-supplied waits are capped (issue 11) ---

/// Drives `call` with a virtual clock until it finishes, answering every send with
/// `answer`; returns the result, the number of sends and the virtual time that passed.
fn drive<T: std::fmt::Debug>(
    call: &mut stoat_core::http::Call<T>,
    t0: Instant,
    mut answer: impl FnMut(usize) -> http::Response<Bytes>,
) -> (Result<T, Error>, usize, Duration) {
    let mut now = t0;
    let mut sends = 0;
    for _ in 0..1000 {
        match call.poll(now) {
            Step::Wait(t) => {
                assert!(t >= now, "a wait never goes back in time");
                now = t;
            }
            Step::Send(_) => {
                sends += 1;
                call.handle_response(now, answer(sends));
            }
            Step::Done(result) => return (result, sends, now - t0),
        }
    }
    panic!("the call did not finish within 1000 steps");
}

const HUGE: &str = "18446744073709551615";

#[test]
fn a_429_asking_for_u64_max_ms_ends_the_call_with_the_servers_figure() {
    let rest = rest();
    let t0 = Instant::now();
    let mut call = rest.call(&FetchSelf).unwrap();
    let (result, sends, elapsed) = drive(&mut call, t0, |_| {
        response(429, &[], &format!(r#"{{"retry_after":{HUGE}}}"#))
    });
    assert_eq!(sends, 1, "no retry for a wait past the cap");
    assert_eq!(elapsed, Duration::ZERO);
    match result {
        Err(Error::RateLimited { retry_after }) => {
            assert_eq!(retry_after, Duration::from_millis(u64::MAX))
        }
        other => panic!("{other:?}"),
    }
    // The bucket is blocked for the cap at most, not for 1.8e16 s.
    let mut next = rest.call(&FetchSelf).unwrap();
    match next.poll(t0) {
        Step::Wait(t) => assert_eq!(t, t0 + Duration::from_secs(60)),
        other => panic!("{other:?}"),
    }
    expect_send(next.poll(t0 + Duration::from_secs(60)));
}

#[test]
fn a_huge_reset_after_header_on_a_429_is_capped_too() {
    let rest = rest();
    let t0 = Instant::now();
    let mut call = rest.call(&FetchSelf).unwrap();
    let headers = [
        ("x-ratelimit-limit", "20"),
        ("x-ratelimit-remaining", "0"),
        ("x-ratelimit-reset-after", HUGE),
    ];
    // No body figure: the header's is used, and it is past the cap.
    let (result, sends, elapsed) = drive(&mut call, t0, |_| response(429, &headers, "{}"));
    assert_eq!((sends, elapsed), (1, Duration::ZERO));
    assert!(
        matches!(result, Err(Error::RateLimited { retry_after }) if retry_after == Duration::from_millis(u64::MAX))
    );
}

#[test]
fn a_huge_reset_after_on_a_success_delays_the_bucket_by_the_cap_only() {
    let rest = rest();
    let t0 = Instant::now();
    let mut call = rest.call(&FetchSelf).unwrap();
    let headers = [
        ("x-ratelimit-limit", "20"),
        ("x-ratelimit-remaining", "0"),
        ("x-ratelimit-reset-after", HUGE),
    ];
    let (result, _, _) = drive(&mut call, t0, |_| response(200, &headers, ME));
    assert!(result.is_ok());
    let mut next = rest.call(&FetchSelf).unwrap();
    let (result, sends, elapsed) = drive(&mut next, t0, |_| response(200, &[], ME));
    assert!(result.is_ok());
    assert_eq!(sends, 1);
    assert_eq!(elapsed, Duration::from_secs(60));
}

#[test]
fn the_cap_is_configurable() {
    let policy = RetryPolicy::default().max_rate_limit_wait(Duration::from_secs(5));
    let rest = rest().with_retry_policy(policy);
    let t0 = Instant::now();
    // 4 s is under the cap: waited and retried.
    let mut call = rest.call(&FetchSelf).unwrap();
    let (result, sends, elapsed) = drive(&mut call, t0, |n| {
        if n == 1 {
            response(429, &[], r#"{"retry_after":4000}"#)
        } else {
            response(200, &[], ME)
        }
    });
    assert!(result.is_ok());
    assert_eq!((sends, elapsed), (2, Duration::from_secs(4)));
    // 6 s is over it: returned at once, the bucket blocked 5 s (the cap) at most.
    let t1 = t0 + elapsed;
    let mut call = rest.call(&FetchSelf).unwrap();
    let (result, sends, _) = drive(&mut call, t1, |_| {
        response(429, &[], r#"{"retry_after":6000}"#)
    });
    assert_eq!(sends, 1);
    assert!(
        matches!(result, Err(Error::RateLimited { retry_after }) if retry_after == Duration::from_secs(6))
    );
    let limiter = rest.limiter().lock().unwrap();
    assert_eq!(limiter.max_wait(), Duration::from_secs(5));
    let key = BucketKey::resolve(&Method::GET, "/users/@me");
    assert_eq!(limiter.remaining(&key, t1 + Duration::from_millis(4999)), 0);
    assert_eq!(limiter.remaining(&key, t1 + Duration::from_secs(5)), 20);
}

#[test]
fn garbage_retry_after_values_fall_back_to_the_header_then_the_window() {
    let header = [
        ("x-ratelimit-limit", "20"),
        ("x-ratelimit-remaining", "0"),
        ("x-ratelimit-reset-after", "1234"),
    ];
    type Headers<'a> = &'a [(&'a str, &'a str)];
    let cases: &[(&str, Headers<'_>, Duration)] = &[
        // (body, headers, expected wait before the retry)
        (
            r#"{"retry_after":-5}"#,
            &header,
            Duration::from_millis(1234),
        ),
        (
            r#"{"retry_after":"soon"}"#,
            &header,
            Duration::from_millis(1234),
        ),
        (
            r#"{"retry_after":null}"#,
            &header,
            Duration::from_millis(1234),
        ),
        ("not json", &header, Duration::from_millis(1234)),
        ("", &header, Duration::from_millis(1234)),
        (
            r#"{"retry_after":1e400}"#,
            &header,
            Duration::from_millis(1234),
        ),
        // A fraction of a millisecond rounds up.
        (
            r#"{"retry_after":250.2}"#,
            &header,
            Duration::from_millis(251),
        ),
        (r#"{"retry_after":-5}"#, &[], WINDOW),
        (
            "{}",
            &[
                ("x-ratelimit-limit", "20"),
                ("x-ratelimit-remaining", "0"),
                ("x-ratelimit-reset-after", "-3"),
            ],
            WINDOW,
        ),
        (
            "{}",
            &[
                ("x-ratelimit-limit", "20"),
                ("x-ratelimit-remaining", "0"),
                ("x-ratelimit-reset-after", "1.5"),
            ],
            WINDOW,
        ),
        (
            "{}",
            &[
                ("x-ratelimit-limit", "20"),
                ("x-ratelimit-remaining", "0"),
                ("x-ratelimit-reset-after", "99999999999999999999999"),
            ],
            WINDOW,
        ),
    ];
    for (body, headers, expected) in cases {
        let rest = rest();
        let t0 = Instant::now();
        let mut call = rest.call(&FetchSelf).unwrap();
        let (result, sends, elapsed) = drive(&mut call, t0, |n| {
            if n == 1 {
                response(429, headers, body)
            } else {
                response(200, &[], ME)
            }
        });
        assert!(result.is_ok(), "{body} {headers:?}: {result:?}");
        assert_eq!(sends, 2, "{body} {headers:?}");
        assert_eq!(elapsed, *expected, "{body} {headers:?}");
    }
}

#[test]
fn the_limiter_caps_server_waits_by_itself() {
    let t0 = Instant::now();
    let key = BucketKey::resolve(&Method::GET, "/users/@me");
    let mut limiter = RateLimiter::new();
    assert_eq!(limiter.max_wait(), stoat_core::ratelimit::DEFAULT_MAX_WAIT);
    limiter.on_rate_limited(&key, Duration::MAX, t0);
    let ticket = limiter.enqueue(key.clone());
    assert_eq!(
        limiter.acquire(&ticket, t0),
        Acquire::Wait(t0 + Duration::from_secs(60))
    );
    let mut limiter = RateLimiter::new().with_max_wait(Duration::from_secs(2));
    limiter.on_response(
        &key,
        RateLimitHeaders {
            limit: 20,
            remaining: 0,
            reset_after: Duration::MAX,
        },
        t0,
    );
    let ticket = limiter.enqueue(key);
    assert_eq!(
        limiter.acquire(&ticket, t0),
        Acquire::Wait(t0 + Duration::from_secs(2))
    );
    assert_eq!(
        limiter.acquire(&ticket, t0 + Duration::from_secs(2)),
        Acquire::Ready
    );
}
