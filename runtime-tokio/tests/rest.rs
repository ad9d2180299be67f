//! `execute` and discovery against a loopback HTTP/1.1 responder.

mod support;

use std::time::{Duration, Instant};

use serde_json::json;
use stoat_tokio::core::cdn::{Tag, Upload};
use stoat_tokio::core::http::routes::{FetchInstance, FetchSelf};
use stoat_tokio::core::http::{Error, RetryPolicy, TransportErrorKind};
use stoat_tokio::{Client, ClientConfig, Endpoints, Token};
use support::{config, Canned, FakeGateway, FakeHttp, SELF_ID, TOKEN};

fn instance(ws: &str) -> serde_json::Value {
    json!({
        "revolt": "0.8.5",
        "features": {
            "captcha": {"enabled": false, "key": ""},
            "email": false,
            "invite_only": false,
            "autumn": {"enabled": true, "url": "http://127.0.0.1:9/autumn"},
            "january": {"enabled": false, "url": ""},
            "voso": {"enabled": false, "url": "", "ws": ""}
        },
        "ws": ws,
        "app": "http://127.0.0.1:9/app",
        "vapid": ""
    })
}

fn me() -> serde_json::Value {
    json!({
        "_id": SELF_ID,
        "username": "testbot",
        "discriminator": "0001",
        "relationship": "User",
        "online": true
    })
}

#[tokio::test]
async fn get_returns_the_parsed_body_and_sends_the_token() {
    let http = FakeHttp::start(vec![Canned::json(200, me())]).await;
    let client = Client::connect(config(&http.url, "ws://127.0.0.1:9"))
        .await
        .unwrap();

    let user = client.execute(&FetchSelf).await.unwrap();
    assert_eq!(user.id.to_string(), SELF_ID);
    assert_eq!(user.username, "testbot");

    let seen = http.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].method, "GET");
    assert_eq!(seen[0].path, "/users/@me");
    assert_eq!(seen[0].header("x-bot-token"), Some(TOKEN));
}

#[tokio::test]
async fn every_route_is_a_named_method_on_the_handle() {
    use stoat_tokio::prelude::*;
    fn has_every_route<T: Routes>() {}
    has_every_route::<stoat_tokio::Handle>();
    assert_eq!(stoat_tokio::core::client::route_methods().len(), 125);

    let http = FakeHttp::start(vec![Canned::json(200, me())]).await;
    let client = Client::connect(config(&http.url, "ws://127.0.0.1:9"))
        .await
        .unwrap();
    // The named method goes through the same pipeline as `execute`.
    let user = client.fetch_me().await.unwrap();
    assert_eq!(user.username, "testbot");
    assert_eq!(http.seen()[0].path, "/users/@me");
}

#[tokio::test]
async fn a_429_is_waited_out_and_retried() {
    // As the server sends it: the body and the headers name the same wait.
    let mut limited = Canned::json(429, json!({"retry_after": 50}));
    limited.headers.extend([
        ("x-ratelimit-limit", "10".to_owned()),
        ("x-ratelimit-remaining", "0".to_owned()),
        ("x-ratelimit-reset-after", "50".to_owned()),
    ]);
    let http = FakeHttp::start(vec![limited, Canned::json(200, me())]).await;
    let client = Client::connect(config(&http.url, "ws://127.0.0.1:9"))
        .await
        .unwrap();

    let started = Instant::now();
    let user = client.execute(&FetchSelf).await.unwrap();
    assert_eq!(user.username, "testbot");
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(50),
        "retried too early: {waited:?}"
    );
    assert!(
        waited < Duration::from_secs(2),
        "did not use the server's wait: {waited:?}"
    );
    assert_eq!(http.seen().len(), 2);
}

#[tokio::test]
async fn error_statuses_come_back_as_typed_errors() {
    let http = FakeHttp::start(vec![Canned::json(404, json!({"type": "NotFound"}))]).await;
    let client = Client::connect(config(&http.url, "ws://127.0.0.1:9"))
        .await
        .unwrap();
    let error = client.execute(&FetchSelf).await.unwrap_err();
    assert_eq!(error.status(), Some(http::StatusCode::NOT_FOUND));
    assert!(error.api().is_some(), "{error:?}");
}

#[tokio::test]
async fn an_unreachable_api_is_a_connect_error() {
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let config =
        config(&format!("http://127.0.0.1:{port}"), "ws://127.0.0.1:9").retry(RetryPolicy::none());
    let client = Client::connect(config).await.unwrap();
    match client.execute(&FetchSelf).await {
        Err(Error::Transport(error)) => assert_eq!(error.kind, TransportErrorKind::Connect),
        other => panic!("{other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_run_concurrently_from_many_tasks() {
    let http = FakeHttp::start(vec![Canned::json(200, me()); 8]).await;
    let client = Client::connect(config(&http.url, "ws://127.0.0.1:9"))
        .await
        .unwrap();
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let handle = client.handle();
            tokio::spawn(async move { handle.execute(&FetchSelf).await })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap().unwrap().username, "testbot");
    }
    assert_eq!(http.seen().len(), 8);
}

#[tokio::test]
async fn discovery_fetches_the_instance_and_uses_its_gateway() {
    let mut gateway = FakeGateway::start().await;
    let http = FakeHttp::start(vec![Canned::json(200, instance(&gateway.url)); 2]).await;
    let config = ClientConfig::new(Token::bot(TOKEN)).discover(http.url.clone());
    let client = Client::connect(config).await.unwrap();

    let seen = http.seen();
    assert_eq!(seen[0].path, "/");
    assert_eq!(seen[0].header("x-bot-token"), None, "GET / is public");
    assert_eq!(client.endpoints().ws, gateway.url);
    assert_eq!(client.endpoints().autumn, "http://127.0.0.1:9/autumn");
    let mut conn = gateway.accept().await;
    assert_eq!(conn.recv().await.unwrap()["type"], "Authenticate");

    // The instance document is an ordinary request too.
    let info = client.execute(&FetchInstance).await.unwrap();
    assert_eq!(info.ws, gateway.url);
}

#[tokio::test]
async fn failed_discovery_is_reported_by_connect() {
    let http = FakeHttp::start(vec![Canned::json(500, json!({"type": "InternalError"}))]).await;
    let config = ClientConfig::new(Token::bot(TOKEN))
        .discover(http.url.clone())
        .retry(RetryPolicy::none());
    match Client::connect(config).await {
        Err(stoat_tokio::ConnectError::Discovery(error)) => {
            assert_eq!(
                error.status(),
                Some(http::StatusCode::INTERNAL_SERVER_ERROR)
            )
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn uploads_go_to_the_file_server() {
    let api = FakeHttp::start(vec![]).await;
    let autumn = FakeHttp::start(vec![Canned::json(200, json!({"id": "uploaded-id"}))]).await;
    let config = config(&api.url, "ws://127.0.0.1:9").endpoints(Endpoints::new(
        api.url.clone(),
        "ws://127.0.0.1:9",
        autumn.url.clone(),
    ));
    let client = Client::connect(config).await.unwrap();

    let upload = Upload::new(Tag::Attachments, "hello.txt", "text/plain", "hello").unwrap();
    let uploaded = client.execute(&upload).await.unwrap();
    assert_eq!(uploaded.id, "uploaded-id");

    let seen = autumn.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].method, "POST");
    assert_eq!(seen[0].path, "/attachments");
    assert_eq!(seen[0].header("x-bot-token"), Some(TOKEN));
    assert!(seen[0]
        .header("content-type")
        .is_some_and(|value| value.starts_with("multipart/form-data")));
    assert!(api.seen().is_empty(), "nothing went to the API");
}

#[tokio::test]
async fn an_unanswered_request_times_out_at_the_send_deadline() {
    // Connections complete in the listen backlog, but nobody ever reads or answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", silent.local_addr().unwrap());
    let retry = RetryPolicy::none().request_timeout(Duration::from_millis(200));
    let client = Client::connect(config(&url, "ws://127.0.0.1:9").retry(retry))
        .await
        .unwrap();

    let started = Instant::now();
    match client.execute(&FetchSelf).await {
        Err(Error::Transport(error)) => assert_eq!(error.kind, TransportErrorKind::Ambiguous),
        other => panic!("{other:?}"),
    }
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(200),
        "gave up early: {waited:?}"
    );
    assert!(
        waited < Duration::from_secs(2),
        "ignored the deadline: {waited:?}"
    );
    drop(silent);
}

#[test]
fn client_types_can_cross_threads() {
    fn send_sync<T: Send + Sync + 'static>() {}
    send_sync::<Client>();
    send_sync::<stoat_tokio::Handle>();
    send_sync::<stoat_tokio::SessionEnded>();
    send_sync::<stoat_tokio::ConnectError>();
}
