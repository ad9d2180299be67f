//! `execute` and discovery against a scripted loopback HTTP origin, under async-std and smol.

mod common;

use std::time::{Duration, Instant};

use common::{instance, within, FakeGateway, FakeHttp, Rt};
use futures_lite::future;
use stoat_async_std::Client;
use stoat_core::cache::Change;
use stoat_core::cdn::{Tag, Upload};
use stoat_core::http::routes::FetchInstance;
use stoat_core::http::{Error as HttpError, RetryPolicy, TransportErrorKind};
use stoat_core::Endpoints;

on_both_executors!(
    every_route_is_a_named_method_on_the_handle,
    execute_get_returns_the_parsed_body,
    rate_limited_request_is_retried_after_retry_after,
    two_requests_share_one_connection,
    closed_idle_connection_is_replaced,
    refused_connection_is_a_connect_error,
    request_lost_after_sending_is_ambiguous,
    concurrent_requests_use_separate_connections,
    discovery_finds_the_gateway,
    upload_goes_to_the_file_server,
    unanswered_request_times_out_at_the_send_deadline,
);

async fn client(rt: Rt, http: &FakeHttp) -> Client {
    // The gateway URL points at a port nobody listens on: these tests only use REST.
    rt.builder(common::config(&http.url, "ws://127.0.0.1:9"))
        .connect()
        .await
        .unwrap()
}

async fn execute_get_returns_the_parsed_body(rt: Rt) {
    let http = FakeHttp::bind().await;
    let client = client(rt, &http).await;
    let body = instance("wss://gateway.example");
    let (info, request) = future::zip(within("execute", client.execute(&FetchInstance)), async {
        let mut conn = http.accept().await;
        let request = conn.request().await;
        conn.respond(200, &body).await;
        request
    })
    .await;
    assert_eq!(info.unwrap().ws, "wss://gateway.example");
    assert_eq!(request.method, "GET");
    assert_eq!(request.target, "/");
    assert_eq!(
        request.header("host"),
        Some(http.url.trim_start_matches("http://"))
    );
}

async fn every_route_is_a_named_method_on_the_handle(rt: Rt) {
    use stoat_async_std::prelude::*;
    fn has_every_route<T: Routes>() {}
    has_every_route::<stoat_async_std::Handle>();
    assert_eq!(stoat_async_std::core::client::route_methods().len(), 125);

    let http = FakeHttp::bind().await;
    let client = client(rt, &http).await;
    let body = instance("wss://gateway.example");
    // The named method goes through the same pipeline as `execute`.
    let named = std::future::IntoFuture::into_future(client.fetch_instance());
    let (info, request) = future::zip(within("named", named), async {
        let mut conn = http.accept().await;
        let request = conn.request().await;
        conn.respond(200, &body).await;
        request
    })
    .await;
    assert_eq!(info.unwrap().ws, "wss://gateway.example");
    assert_eq!(request.target, "/");
}

async fn rate_limited_request_is_retried_after_retry_after(rt: Rt) {
    let http = FakeHttp::bind().await;
    let client = client(rt, &http).await;
    let body = instance("wss://after-429.example");
    let (info, gap) = future::zip(within("execute", client.execute(&FetchInstance)), async {
        let mut conn = http.accept().await;
        conn.request().await;
        // As the server sends it: the rate-limit headers come with every response.
        let headers = [
            ("x-ratelimit-limit", "20"),
            ("x-ratelimit-bucket", "1"),
            ("x-ratelimit-remaining", "0"),
            ("x-ratelimit-reset-after", "50"),
        ];
        conn.respond_with(429, &headers, r#"{"retry_after":50}"#)
            .await;
        let rejected = Instant::now();
        conn.request().await;
        let gap = rejected.elapsed();
        conn.respond(200, &body).await;
        gap
    })
    .await;
    assert_eq!(info.unwrap().ws, "wss://after-429.example");
    // Core named the wait; the adapter slept through it before the retry (on the same
    // connection), and not much longer.
    assert!(gap >= Duration::from_millis(50), "{gap:?}");
    assert!(gap < Duration::from_secs(2), "{gap:?}");
}

async fn two_requests_share_one_connection(rt: Rt) {
    let http = FakeHttp::bind().await;
    let client = client(rt, &http).await;
    let body = instance("wss://reuse.example");
    let (results, ()) = future::zip(
        async {
            let first = within("first", client.execute(&FetchInstance)).await;
            let second = within("second", client.execute(&FetchInstance)).await;
            (first, second)
        },
        async {
            let mut conn = http.accept().await;
            for _ in 0..2 {
                conn.request().await;
                conn.respond(200, &body).await;
            }
        },
    )
    .await;
    results.0.unwrap();
    results.1.unwrap();
    // The second request came on the first connection (the script above would have hung
    // otherwise), and no other connection was opened.
    assert!(!http.connection_within(Duration::from_millis(100)).await);
}

async fn closed_idle_connection_is_replaced(rt: Rt) {
    let http = FakeHttp::bind().await;
    let client = client(rt, &http).await;
    let body = instance("wss://fresh.example");
    let (first, ()) = future::zip(within("first", client.execute(&FetchInstance)), async {
        let mut conn = http.accept().await;
        conn.request().await;
        conn.respond(200, &body).await;
        // The server ends the kept-alive connection while it is idle.
        drop(conn);
    })
    .await;
    first.unwrap();
    async_io::Timer::after(Duration::from_millis(50)).await;
    let (second, ()) = future::zip(within("second", client.execute(&FetchInstance)), async {
        let mut conn = http.accept().await;
        conn.request().await;
        conn.respond(200, &body).await;
    })
    .await;
    assert_eq!(second.unwrap().ws, "wss://fresh.example");
}

async fn refused_connection_is_a_connect_error(rt: Rt) {
    // Bind and drop to find a port that refuses connections.
    let url = FakeHttp::bind().await.url;
    let config = common::config(&url, "ws://127.0.0.1:9").retry(RetryPolicy::none());
    let client = rt.builder(config).connect().await.unwrap();
    match within("execute", client.execute(&FetchInstance)).await {
        Err(HttpError::Transport(error)) => assert_eq!(error.kind, TransportErrorKind::Connect),
        other => panic!("expected a connect error, got {other:?}"),
    }
}

async fn request_lost_after_sending_is_ambiguous(rt: Rt) {
    let http = FakeHttp::bind().await;
    let config = common::config(&http.url, "ws://127.0.0.1:9").retry(RetryPolicy::none());
    let client = rt.builder(config).connect().await.unwrap();
    let (result, ()) = future::zip(within("execute", client.execute(&FetchInstance)), async {
        let mut conn = http.accept().await;
        conn.request().await;
        // The request arrived; the connection dies before any answer.
        drop(conn);
    })
    .await;
    match result {
        Err(HttpError::Transport(error)) => {
            assert_eq!(error.kind, TransportErrorKind::Ambiguous)
        }
        other => panic!("expected an ambiguous transport error, got {other:?}"),
    }
}

async fn concurrent_requests_use_separate_connections(rt: Rt) {
    let http = FakeHttp::bind().await;
    let client = client(rt, &http).await;
    let body = instance("wss://concurrent.example");
    let ((first, second), ()) = future::zip(
        future::zip(
            within("first", client.execute(&FetchInstance)),
            within("second", client.execute(&FetchInstance)),
        ),
        async {
            // Both requests are in flight at once, each on its own connection.
            let mut a = http.accept().await;
            let mut b = http.accept().await;
            a.request().await;
            b.request().await;
            a.respond(200, &body).await;
            b.respond(200, &body).await;
        },
    )
    .await;
    first.unwrap();
    second.unwrap();
}

async fn discovery_finds_the_gateway(rt: Rt) {
    let http = FakeHttp::bind().await;
    let gateway = FakeGateway::bind().await;
    let config = common::config("http://unused.invalid", "ws://unused.invalid").discover(&http.url);
    let body = instance(&gateway.url);
    let (client, request) = future::zip(within("connect", rt.builder(config).connect()), async {
        let mut conn = http.accept().await;
        let request = conn.request().await;
        conn.respond(200, &body).await;
        request
    })
    .await;
    let mut client = client.unwrap();
    assert_eq!(request.target, "/");
    // Instance discovery needs no token.
    assert_eq!(request.header("x-bot-token"), None);
    assert_eq!(client.endpoints().ws, gateway.url);

    let _conn = gateway.accept_ready().await;
    loop {
        let update = within("event", client.next_event()).await.unwrap().unwrap();
        if update.change == Change::Ready {
            break;
        }
    }
}

async fn upload_goes_to_the_file_server(rt: Rt) {
    let api = FakeHttp::bind().await;
    let autumn = FakeHttp::bind().await;
    let endpoints = Endpoints::new(api.url.clone(), "ws://127.0.0.1:9", autumn.url.clone());
    let config = common::config(&api.url, "ws://127.0.0.1:9").endpoints(endpoints);
    let client = rt.builder(config).connect().await.unwrap();
    let upload = Upload::new(Tag::Attachments, "hello.txt", "text/plain", "hello").unwrap();
    let (uploaded, request) = future::zip(within("upload", client.execute(&upload)), async {
        let mut conn = autumn.accept().await;
        let request = conn.request().await;
        conn.respond(200, r#"{"id":"uploaded-id"}"#).await;
        request
    })
    .await;
    assert_eq!(uploaded.unwrap().id, "uploaded-id");
    assert_eq!(request.method, "POST");
    assert_eq!(request.target, "/attachments");
    assert!(request
        .header("content-type")
        .is_some_and(|value| value.starts_with("multipart/form-data")));
    assert!(
        !api.connection_within(Duration::from_millis(50)).await,
        "nothing went to the API"
    );
}

async fn unanswered_request_times_out_at_the_send_deadline(rt: Rt) {
    let http = FakeHttp::bind().await;
    let retry = RetryPolicy::none().request_timeout(Duration::from_millis(200));
    let config = common::config(&http.url, "ws://127.0.0.1:9").retry(retry);
    let client = rt.builder(config).connect().await.unwrap();
    let started = Instant::now();
    let (result, _conn) = future::zip(within("execute", client.execute(&FetchInstance)), async {
        let mut conn = http.accept().await;
        conn.request().await;
        // Never answered; kept open until the client gives up.
        conn
    })
    .await;
    let waited = started.elapsed();
    match result {
        Err(HttpError::Transport(error)) => {
            assert_eq!(error.kind, TransportErrorKind::Ambiguous)
        }
        other => panic!("expected a timed-out request, got {other:?}"),
    }
    assert!(waited >= Duration::from_millis(200), "{waited:?}");
    assert!(waited < Duration::from_secs(2), "{waited:?}");
}
