//! The fake server checked against real captures (`tests/captures/*.jsonl`).
//!
//! HTTP is spoken with raw `TcpStream` writes (so header order and exact bytes are visible),
//! the gateway with a tokio-tungstenite client.

use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use stoat_conformance::{Failure, FakeConfig, FakeServer, Service};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

const BOT: &str = "01M7YSZ8V6D4QNP163AMRA3ARS";
const OWNER: &str = "01M7YSZ8H1XVFKYWFT7NKJHCGM";
const CHANNEL: &str = "01M7YSZ8V81AWBPFRM30NYSV34";

// ---------------------------------------------------------------------------------------
// Captures

fn capture(name: &str) -> Vec<Value> {
    let text = match name {
        "root" => include_str!("captures/root.jsonl"),
        "gateway_bot_ready" => include_str!("captures/gateway_bot_ready.jsonl"),
        "gateway_invalid_token" => include_str!("captures/gateway_invalid_token.jsonl"),
        "gateway_user_ready" => include_str!("captures/gateway_user_ready.jsonl"),
        "messages" => include_str!("captures/messages.jsonl"),
        "msgpack_ready" => include_str!("captures/msgpack_ready.jsonl"),
        "ratelimit" => include_str!("captures/ratelimit.jsonl"),
        "errors" => include_str!("captures/errors.jsonl"),
        other => panic!("no capture {other}"),
    };
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Frames received on one connection of a capture, in order.
fn received(records: &[Value], conn: &str) -> Vec<Value> {
    records
        .iter()
        .filter(|r| r["dir"] == "ws-recv" && r["conn"] == conn)
        .cloned()
        .collect()
}

fn http_record<'a>(records: &'a [Value], dir: &str, id: u64) -> &'a Value {
    records
        .iter()
        .find(|r| r["dir"] == dir && r["id"] == id)
        .unwrap_or_else(|| panic!("no {dir} {id}"))
}

fn base64(text: &str) -> Vec<u8> {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let mut buffer = 0_u32;
    let mut bits = 0;
    for c in text.bytes().filter(|c| *c != b'=') {
        let value = alphabet.iter().position(|a| *a == c).unwrap() as u32;
        buffer = (buffer << 6) | value;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Raw HTTP client

#[derive(Debug)]
struct HttpResponse {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl HttpResponse {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn names(&self) -> Vec<&str> {
        self.headers.iter().map(|(k, _)| k.as_str()).collect()
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

async fn http(
    base: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&[u8]>,
) -> HttpResponse {
    let host = base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(host).await.unwrap();
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    if let Some(body) = body {
        request.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    request.push_str("\r\n");
    let mut bytes = request.into_bytes();
    bytes.extend_from_slice(body.unwrap_or_default());
    stream.write_all(&bytes).await.unwrap();
    tokio::time::timeout(Duration::from_secs(10), read_response(&mut stream))
        .await
        .expect("response timed out")
}

/// Reads one response (headers, then `content-length` bytes) from a kept-alive connection.
async fn read_response(stream: &mut TcpStream) -> HttpResponse {
    let mut raw = Vec::new();
    let mut chunk = [0_u8; 8192];
    let end = loop {
        if let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            break end;
        }
        let n = stream.read(&mut chunk).await.unwrap();
        assert!(n > 0, "connection closed before the end of the headers");
        raw.extend_from_slice(&chunk[..n]);
    };
    let mut response = parse_head(&raw[..end]);
    let length: usize = response
        .header("content-length")
        .expect("no content-length")
        .parse()
        .unwrap();
    let mut body = raw[end + 4..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).await.unwrap();
        assert!(n > 0, "connection closed before the end of the body");
        body.extend_from_slice(&chunk[..n]);
    }
    response.body = body;
    response
}

fn parse_head(raw: &[u8]) -> HttpResponse {
    let head = std::str::from_utf8(raw).unwrap();
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .map(|l| {
            let (k, v) = l.split_once(": ").unwrap();
            (k.to_owned(), v.to_owned())
        })
        .collect();
    HttpResponse {
        status,
        headers,
        body: Vec::new(),
    }
}

async fn get(base: &str, path: &str, headers: &[(&str, &str)]) -> HttpResponse {
    http(base, "GET", path, headers, None).await
}

async fn post_json(base: &str, path: &str, auth: (&str, &str), body: &Value) -> HttpResponse {
    let body = serde_json::to_vec(body).unwrap();
    let headers = [auth, ("Content-Type", "application/json")];
    http(base, "POST", path, &headers, Some(&body)).await
}

// ---------------------------------------------------------------------------------------
// Gateway client

async fn connect(server: &FakeServer, query: &str) -> Ws {
    let url = format!("{}/?{query}", server.ws_url());
    let (ws, response) = tokio_tungstenite::connect_async(url).await.unwrap();
    assert_eq!(response.status(), 101);
    ws
}

/// The next data frame (text or binary); panics after 5 s.
async fn next_frame(ws: &mut Ws) -> Message {
    loop {
        let frame = tokio::time::timeout(Duration::from_secs(5), ws.next())
            .await
            .expect("no frame within 5 s")
            .expect("stream ended")
            .expect("socket error");
        if !matches!(frame, Message::Ping(_) | Message::Pong(_)) {
            return frame;
        }
    }
}

async fn next_text(ws: &mut Ws) -> String {
    match next_frame(ws).await {
        Message::Text(text) => text.as_str().to_owned(),
        other => panic!("expected a text frame, got {other:?}"),
    }
}

async fn next_json(ws: &mut Ws) -> Value {
    serde_json::from_str(&next_text(ws).await).unwrap()
}

async fn expect_silence(ws: &mut Ws, wait: Duration) {
    if let Ok(frame) = tokio::time::timeout(wait, ws.next()).await {
        panic!("expected nothing, got {frame:?}");
    }
}

/// Reads until the stream ends; asserts no close frame arrived (an abrupt TCP drop).
async fn expect_drop_without_close(ws: &mut Ws) {
    loop {
        match tokio::time::timeout(Duration::from_secs(5), ws.next())
            .await
            .expect("socket was not dropped")
        {
            Some(Ok(Message::Close(frame))) => panic!("unexpected close frame {frame:?}"),
            Some(Ok(_)) => {}
            Some(Err(_)) | None => return,
        }
    }
}

async fn send_text(ws: &mut Ws, text: &str) {
    ws.send(Message::Text(text.to_owned().into()))
        .await
        .unwrap();
}

async fn bot_session(server: &FakeServer, query: &str) -> Ws {
    let mut ws = connect(server, query).await;
    let auth = json!({"type": "Authenticate", "token": server.bot_token()}).to_string();
    send_text(&mut ws, &auth).await;
    assert_eq!(next_text(&mut ws).await, r#"{"type":"Authenticated"}"#);
    assert_eq!(next_json(&mut ws).await["type"], "Ready");
    ws
}

async fn close_normally(ws: &mut Ws) {
    ws.close(Some(CloseFrame {
        code: CloseCode::Normal,
        reason: "".into(),
    }))
    .await
    .unwrap();
    loop {
        match tokio::time::timeout(Duration::from_secs(5), ws.next())
            .await
            .unwrap()
        {
            Some(Ok(Message::Close(Some(frame)))) => {
                assert_eq!(frame.code, CloseCode::Normal);
                return;
            }
            Some(Ok(Message::Close(None))) => panic!("close reply without a code"),
            Some(Ok(_)) => {}
            other => panic!("no close reply: {other:?}"),
        }
    }
}

fn fast_config() -> FakeConfig {
    FakeConfig::default().ratelimit_window(Duration::from_millis(1000))
}

const ROCKET_HEADER_ORDER: [&str; 11] = [
    "content-type",
    "server",
    "x-frame-options",
    "x-content-type-options",
    "permissions-policy",
    "x-ratelimit-limit",
    "x-ratelimit-bucket",
    "x-ratelimit-remaining",
    "x-ratelimit-reset-after",
    "content-length",
    "date",
];

// ---------------------------------------------------------------------------------------
// GET /

#[tokio::test]
async fn root_document_matches_capture_and_points_at_the_fake() {
    let server = FakeServer::start(FakeConfig::default());
    let records = capture("root");
    let expected = &http_record(&records, "http-response", 1);
    let response = get(&server.api_url(), "/", &[]).await;
    assert_eq!(response.status, 200);
    assert_eq!(response.names(), ROCKET_HEADER_ORDER);
    for name in [
        "content-type",
        "server",
        "x-frame-options",
        "x-content-type-options",
        "permissions-policy",
        "x-ratelimit-limit",
        "x-ratelimit-bucket",
        "x-ratelimit-remaining",
        "x-ratelimit-reset-after",
    ] {
        assert_eq!(
            response.header(name),
            expected["headers"][name].as_str(),
            "header {name}"
        );
    }
    let mut body = response.json();
    assert_eq!(body["ws"], server.ws_url());
    assert_eq!(body["features"]["autumn"]["url"], server.autumn_url());
    assert_eq!(body, server.node_info());
    // Everything else is the captured document (january is off: the fake has none).
    let mut expected_body = expected["body"].clone();
    for doc in [&mut body, &mut expected_body] {
        doc["ws"] = Value::Null;
        doc["app"] = Value::Null;
        doc["features"]["autumn"]["url"] = Value::Null;
        doc["features"]["january"] = Value::Null;
    }
    assert_eq!(body, expected_body);
}

// ---------------------------------------------------------------------------------------
// Gateway

#[tokio::test]
async fn bot_gateway_session_matches_capture() {
    let server = FakeServer::start(FakeConfig::default());
    let records = capture("gateway_bot_ready");
    let expected = received(&records, "bot");
    let mut ws = connect(&server, "version=1&format=json").await;

    send_text(&mut ws, r#"{"type":"Ping","data":0}"#).await;
    expect_silence(&mut ws, Duration::from_millis(200)).await;
    let auth = json!({"type": "Authenticate", "token": server.bot_token()}).to_string();
    send_text(&mut ws, &auth).await;
    assert_eq!(
        next_text(&mut ws).await,
        expected[0]["text"].as_str().unwrap()
    );
    // The fixture is the capture's: the Ready frame is identical, byte for byte.
    assert_eq!(
        next_text(&mut ws).await,
        expected[1]["text"].as_str().unwrap()
    );

    send_text(&mut ws, r#"{"type":"Ping","data":1}"#).await;
    assert_eq!(
        next_text(&mut ws).await,
        expected[2]["text"].as_str().unwrap()
    );
    send_text(&mut ws, r#"{"type":"Ping","data":[1,2,3]}"#).await;
    assert_eq!(
        next_text(&mut ws).await,
        expected[3]["text"].as_str().unwrap()
    );
    send_text(&mut ws, r#"{"type":"Ping","data":"abc"}"#).await;
    expect_silence(&mut ws, Duration::from_millis(200)).await;

    send_text(
        &mut ws,
        &format!(r#"{{"type":"BeginTyping","channel":"{CHANNEL}"}}"#),
    )
    .await;
    assert_eq!(
        next_text(&mut ws).await,
        expected[4]["text"].as_str().unwrap()
    );
    send_text(
        &mut ws,
        &format!(r#"{{"type":"EndTyping","channel":"{CHANNEL}"}}"#),
    )
    .await;
    assert_eq!(
        next_text(&mut ws).await,
        expected[5]["text"].as_str().unwrap()
    );
    // Subscribe and unknown frames get no answer.
    send_text(
        &mut ws,
        r#"{"type":"Subscribe","server_id":"01M7YSZ8V8HNB362Z1HYDP0RXY"}"#,
    )
    .await;
    send_text(&mut ws, r#"{"type":"Whatever"}"#).await;
    ws.send(Message::Binary(vec![1, 2, 3].into()))
        .await
        .unwrap();
    expect_silence(&mut ws, Duration::from_millis(200)).await;

    close_normally(&mut ws).await;

    // Second connection: token in the URL, no Authenticate frame.
    let expected = received(&records, "bot-token-in-url");
    let query = format!("version=1&format=json&token={}", server.bot_token());
    let mut ws = connect(&server, &query).await;
    assert_eq!(
        next_text(&mut ws).await,
        expected[0]["text"].as_str().unwrap()
    );
    assert_eq!(
        next_text(&mut ws).await,
        expected[1]["text"].as_str().unwrap()
    );
    close_normally(&mut ws).await;

    let stats = server.stats();
    assert_eq!(stats.gateway_connections, 2);
    assert_eq!(stats.authentications, 2);
    assert_eq!(stats.readies_sent, 2);
    assert_eq!(stats.pings_received, 3);
    assert_eq!(stats.pongs_sent, 2);
}

#[tokio::test]
async fn invalid_tokens_get_invalid_session_then_a_drop() {
    let server = FakeServer::start(FakeConfig::default());
    let records = capture("gateway_invalid_token");
    let error = received(&records, "bad-authenticate")[0]["text"]
        .as_str()
        .unwrap()
        .to_owned();
    let bad = "invalid-capture-token-0000000000000000000000000000000000000000000";

    let mut ws = connect(&server, "version=1&format=json").await;
    send_text(
        &mut ws,
        &json!({"type": "Authenticate", "token": bad}).to_string(),
    )
    .await;
    assert_eq!(next_text(&mut ws).await, error);
    expect_drop_without_close(&mut ws).await;

    let mut ws = connect(&server, &format!("version=1&format=json&token={bad}")).await;
    assert_eq!(
        next_text(&mut ws).await,
        received(&records, "bad-token-in-url")[0]["text"]
            .as_str()
            .unwrap()
    );
    expect_drop_without_close(&mut ws).await;

    let mut ws = connect(&server, "version=1&format=json").await;
    send_text(
        &mut ws,
        &format!(r#"{{"type":"BeginTyping","channel":"{CHANNEL}"}}"#),
    )
    .await;
    send_text(&mut ws, r#"{"type":"Authenticate","token":""}"#).await;
    assert_eq!(
        next_text(&mut ws).await,
        received(&records, "not-authenticated")[0]["text"]
            .as_str()
            .unwrap()
    );
    expect_drop_without_close(&mut ws).await;
    assert_eq!(server.authentications(), 0);
}

#[tokio::test]
async fn user_ready_field_selection_and_presence_match_capture() {
    let server = FakeServer::start(FakeConfig::default());
    let records = capture("gateway_user_ready");
    let presence: Vec<String> = received(&records, "bot-observer")
        .iter()
        .map(|f| f["text"].as_str().unwrap().to_owned())
        .filter(|t| t.contains("UserUpdate"))
        .collect();
    let (online, offline) = (&presence[0], &presence[1]);
    assert!(online.contains("\"online\":true") && offline.contains("\"online\":false"));
    let mut observer = bot_session(&server, "version=1&format=json").await;
    let authenticate = json!({"type": "Authenticate", "token": server.user_token()}).to_string();

    let cases = [
        ("version=1&format=json", "owner"),
        (
            "version=1&format=json&ready=users&ready=servers",
            "owner-ready-users-servers",
        ),
        (
            "version=1&format=json&ready=channel_unreads&ready=policy_changes",
            "owner-ready-unreads-policy",
        ),
        (
            "version=1&format=json&ready=user_settings[ordering]",
            "owner-ready-user_settings[ordering]",
        ),
    ];
    for (query, conn) in cases {
        let expected = received(&records, conn);
        let mut ws = connect(&server, query).await;
        send_text(&mut ws, &authenticate).await;
        assert_eq!(
            next_text(&mut ws).await,
            expected[0]["text"].as_str().unwrap()
        );
        assert_eq!(
            next_text(&mut ws).await,
            expected[1]["text"].as_str().unwrap(),
            "Ready for {query}"
        );
        // The observer sees the owner come online (between Authenticated and Ready)...
        assert_eq!(next_text(&mut observer).await, *online);
        close_normally(&mut ws).await;
        // ...and go offline when the socket closes.
        assert_eq!(next_text(&mut observer).await, *offline);
    }

    // Plain `ready=user_settings` with a stored setting gives `{}` (the filter key is
    // literally "user_settings").
    let set = post_json(
        &server.api_url(),
        "/sync/settings/set",
        ("X-Session-Token", server.user_token()),
        &json!({"ordering": "{\"servers\":[]}"}),
    )
    .await;
    assert_eq!(set.status, 204);
    let mut ws = connect(
        &server,
        "version=1&format=json&ready=user_settings&ready=user_settings[ordering]",
    )
    .await;
    send_text(&mut ws, &authenticate).await;
    next_text(&mut ws).await;
    assert_eq!(
        next_text(&mut ws).await,
        r#"{"type":"Ready","user_settings":{}}"#
    );

    // Bots never get policy_changes.
    let mut ws = connect(
        &server,
        "version=1&format=json&ready=policy_changes&ready=emojis",
    )
    .await;
    send_text(
        &mut ws,
        &json!({"type": "Authenticate", "token": server.bot_token()}).to_string(),
    )
    .await;
    next_text(&mut ws).await;
    assert_eq!(next_text(&mut ws).await, r#"{"type":"Ready","emojis":[]}"#);
}

#[tokio::test]
async fn msgpack_session_matches_capture() {
    let server = FakeServer::start(FakeConfig::default());
    let records = capture("msgpack_ready");
    let recv: Vec<&Value> = records.iter().filter(|r| r["dir"] == "ws-recv").collect();
    let mut ws = connect(&server, "version=1&format=msgpack").await;
    let auth =
        rmp_serde::to_vec_named(&json!({"type": "Authenticate", "token": server.bot_token()}))
            .unwrap();
    ws.send(Message::Binary(auth.into())).await.unwrap();

    let binary = |message: Message| match message {
        Message::Binary(bytes) => bytes.to_vec(),
        other => panic!("expected binary, got {other:?}"),
    };
    // Authenticated and Ready are byte-identical to the capture (Ready's joined_at is a u64).
    for expected in &recv[..2] {
        let bytes = binary(next_frame(&mut ws).await);
        assert_eq!(bytes, base64(expected["binary_b64"].as_str().unwrap()));
    }
    for data in [json!(1), json!([1, 2, 3])] {
        let ping = rmp_serde::to_vec_named(&json!({"type": "Ping", "data": data})).unwrap();
        ws.send(Message::Binary(ping.into())).await.unwrap();
        let pong: Value = rmp_serde::from_slice(&binary(next_frame(&mut ws).await)).unwrap();
        assert_eq!(pong, json!({"type": "Pong", "data": data}));
    }
    // A JSON text frame on a msgpack socket is ignored.
    send_text(&mut ws, r#"{"type":"Ping","data":42}"#).await;
    expect_silence(&mut ws, Duration::from_millis(200)).await;

    let typing =
        rmp_serde::to_vec_named(&json!({"type": "BeginTyping", "channel": CHANNEL})).unwrap();
    ws.send(Message::Binary(typing.into())).await.unwrap();
    assert_eq!(
        binary(next_frame(&mut ws).await),
        base64(recv[4]["binary_b64"].as_str().unwrap())
    );

    let sent = server.inject_user_message(CHANNEL, "msgpack capture message");
    let event: Value = rmp_serde::from_slice(&binary(next_frame(&mut ws).await)).unwrap();
    let capture_event = &recv[6]["decoded"];
    assert_eq!(event["member"], capture_event["member"]);
    assert_eq!(event["member"]["joined_at"], 1_795_256_460_136_u64);
    assert_eq!(event["user"], capture_event["user"]);
    assert_eq!(event["_id"], sent["_id"]);
    let keys: Vec<&String> = event.as_object().unwrap().keys().collect();
    let capture_keys: Vec<&String> = capture_event.as_object().unwrap().keys().collect();
    assert_eq!(keys, capture_keys);

    let id = sent["_id"].as_str().unwrap();
    let path = format!("/channels/{CHANNEL}/messages/{id}");
    let body = serde_json::to_vec(&json!({"content": "msgpack capture message (edited)"})).unwrap();
    let edit = http(
        &server.api_url(),
        "PATCH",
        &path,
        &[("X-Session-Token", server.user_token())],
        Some(&body),
    )
    .await;
    assert_eq!(edit.status, 200);
    let update: Value = rmp_serde::from_slice(&binary(next_frame(&mut ws).await)).unwrap();
    assert_eq!(update["type"], "MessageUpdate");
    assert!(update["data"]["edited"].is_u64(), "{update}");
    assert_eq!(
        update["data"]["edited"].as_u64().unwrap(),
        parse_iso_ms(edit.json()["edited"].as_str().unwrap())
    );
}

fn parse_iso_ms(text: &str) -> u64 {
    let dt =
        time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).unwrap();
    u64::try_from(dt.unix_timestamp_nanos() / 1_000_000).unwrap()
}

#[tokio::test]
async fn scripted_gateway_behaviour() {
    let server = FakeServer::start(FakeConfig::default());
    let mut ws = bot_session(&server, "version=1&format=json").await;

    let event = json!({"type": "UserUpdate", "id": OWNER, "data": {"online": true}, "clear": [], "event_id": null});
    server.push_event(event.clone());
    assert_eq!(next_json(&mut ws).await, event);

    server.set_answer_pings(false);
    send_text(&mut ws, r#"{"type":"Ping","data":7}"#).await;
    expect_silence(&mut ws, Duration::from_millis(200)).await;
    assert_eq!(server.pings_received(), 1);
    server.set_answer_pings(true);
    send_text(&mut ws, r#"{"type":"Ping","data":8}"#).await;
    assert_eq!(next_text(&mut ws).await, r#"{"type":"Pong","data":8}"#);

    server.drop_connections();
    expect_drop_without_close(&mut ws).await;

    let mut ws = bot_session(&server, "version=1&format=json").await;
    server.logout_connections();
    assert_eq!(next_text(&mut ws).await, r#"{"type":"Logout"}"#);
    expect_drop_without_close(&mut ws).await;
    assert_eq!(server.stats().open_sessions, 0);
}

// ---------------------------------------------------------------------------------------
// Messages

fn keys(value: &Value) -> Vec<String> {
    value.as_object().unwrap().keys().cloned().collect()
}

#[tokio::test]
async fn message_lifecycle_matches_capture() {
    let server = FakeServer::start(FakeConfig::default());
    let records = capture("messages");
    let api = server.api_url();
    let owner = ("X-Session-Token", server.user_token());
    let bot = ("X-Bot-Token", server.bot_token());
    let mut ws = bot_session(&server, "version=1&format=json").await;
    let messages_path = format!("/channels/{CHANNEL}/messages");

    // 1. The owner sends a message mentioning the bot.
    let sent = post_json(
        &api,
        &messages_path,
        owner,
        &http_record(&records, "http-request", 1)["body"],
    )
    .await;
    let expected = &http_record(&records, "http-response", 1);
    assert_eq!(sent.status, 200);
    assert_eq!(sent.names(), ROCKET_HEADER_ORDER);
    assert_eq!(sent.header("x-ratelimit-limit"), Some("10"));
    assert_eq!(sent.header("x-ratelimit-remaining"), Some("9"));
    let first = sent.json();
    assert_eq!(keys(&first), keys(&expected["body"]));
    for key in ["channel", "author", "user", "member", "content", "mentions"] {
        assert_eq!(first[key], expected["body"][key], "{key}");
    }
    let event = next_json(&mut ws).await;
    let expected_event: Value =
        serde_json::from_str(received(&records, "bot")[2]["text"].as_str().unwrap()).unwrap();
    assert_eq!(keys(&event), keys(&expected_event));
    assert_eq!(event["user"], expected_event["user"]);
    assert_eq!(event["_id"], first["_id"]);
    let first_id = first["_id"].as_str().unwrap().to_owned();

    // 2. The bot replies with a mention; its own copy says relationship "User".
    let mut reply_body = http_record(&records, "http-request", 2)["body"].clone();
    reply_body["replies"][0]["id"] = Value::from(first_id.clone());
    let reply = post_json(&api, &messages_path, bot, &reply_body).await;
    let expected = &http_record(&records, "http-response", 2)["body"];
    let reply = reply.json();
    assert_eq!(keys(&reply), keys(expected));
    assert_eq!(reply["mentions"], json!([OWNER]));
    assert_eq!(reply["replies"], json!([first_id]));
    assert_eq!(reply["user"]["relationship"], "None");
    assert_eq!(reply["user"]["online"], true);
    let event = next_json(&mut ws).await;
    assert_eq!(event["user"]["relationship"], "User");

    // 3. Fetch: no user/member.
    let fetched = get(&api, &format!("{messages_path}/{first_id}"), &[owner]).await;
    assert_eq!(fetched.header("x-ratelimit-limit"), Some("15"));
    assert_eq!(
        keys(&fetched.json()),
        keys(&http_record(&records, "http-response", 3)["body"])
    );

    // 4. Edit.
    let body = serde_json::to_vec(&http_record(&records, "http-request", 4)["body"]).unwrap();
    let edited = http(
        &api,
        "PATCH",
        &format!("{messages_path}/{first_id}"),
        &[owner],
        Some(&body),
    )
    .await;
    assert_eq!(
        keys(&edited.json()),
        keys(&http_record(&records, "http-response", 4)["body"])
    );
    let update = next_json(&mut ws).await;
    let expected: Value =
        serde_json::from_str(received(&records, "bot")[4]["text"].as_str().unwrap()).unwrap();
    assert_eq!(keys(&update), keys(&expected));
    assert_eq!(keys(&update["data"]), keys(&expected["data"]));
    assert_eq!(update["data"]["content"], expected["data"]["content"]);
    assert_eq!(update["data"]["edited"], edited.json()["edited"]);
    assert_eq!(update["clear"], json!([]));

    // 5-8. Reactions.
    let reaction = format!("{messages_path}/{first_id}/reactions/%F0%9F%91%8D");
    let frames = received(&records, "bot");
    for (headers, method, query, frame) in [
        (owner, "PUT", "", 5),
        (bot, "PUT", "", 6),
        (owner, "DELETE", "", 7),
        (owner, "DELETE", "?remove_all=true", 8),
    ] {
        let response = http(
            &api,
            method,
            &format!("{reaction}{query}"),
            &[headers],
            None,
        )
        .await;
        assert_eq!(response.status, 204);
        assert_eq!(response.header("content-length"), Some("0"));
        assert_eq!(response.header("content-type"), None);
        let expected = frames[frame]["text"]
            .as_str()
            .unwrap()
            .replace("01M7YT7CBWRVS33BBAYKMERZ5N", &first_id);
        assert_eq!(next_text(&mut ws).await, expected);
    }

    // 9. include_users.
    let page = get(
        &api,
        &format!("{messages_path}?limit=5&include_users=true"),
        &[owner],
    )
    .await
    .json();
    assert_eq!(keys(&page), ["messages", "users", "members"]);
    assert_eq!(page["messages"].as_array().unwrap().len(), 2);
    assert_eq!(page["messages"][0]["_id"], reply["_id"], "newest first");
    assert_eq!(page["users"].as_array().unwrap().len(), 2);

    // 10-11. Pin: MessageUpdate first, then the system message; unpin likewise.
    let pin = format!("{messages_path}/{first_id}/pin");
    let response = http(&api, "POST", &pin, &[owner], None).await;
    assert_eq!(response.status, 204);
    assert_eq!(
        response.header("x-ratelimit-limit"),
        Some("10"),
        "pin counts as messaging"
    );
    let update = next_text(&mut ws).await;
    assert_eq!(
        update,
        frames[9]["text"]
            .as_str()
            .unwrap()
            .replace("01M7YT7CBWRVS33BBAYKMERZ5N", &first_id)
    );
    let system = next_json(&mut ws).await;
    let expected: Value = serde_json::from_str(frames[10]["text"].as_str().unwrap()).unwrap();
    assert_eq!(keys(&system), keys(&expected));
    assert_eq!(
        system["system"],
        json!({"type": "message_pinned", "id": first_id, "by": OWNER})
    );
    assert_eq!(system["author"], "00000000000000000000000000");
    let response = http(&api, "POST", &pin, &[owner], None).await;
    assert_eq!(response.json()["type"], "AlreadyPinned");
    let response = http(&api, "DELETE", &pin, &[owner], None).await;
    assert_eq!(response.header("x-ratelimit-limit"), Some("15"));
    let update = next_text(&mut ws).await;
    assert_eq!(
        update,
        frames[11]["text"]
            .as_str()
            .unwrap()
            .replace("01M7YT7CBWRVS33BBAYKMERZ5N", &first_id)
    );
    assert_eq!(
        next_json(&mut ws).await["system"]["type"],
        "message_unpinned"
    );

    // 13. limit=2: a bare array, newest first.
    let page = get(&api, &format!("{messages_path}?limit=2"), &[owner])
        .await
        .json();
    let page = page.as_array().unwrap();
    assert_eq!(page.len(), 2);
    assert_eq!(page[0]["system"]["type"], "message_unpinned");
    let oldest = get(
        &api,
        &format!("{messages_path}?sort=Oldest&limit=1"),
        &[owner],
    )
    .await
    .json();
    assert_eq!(oldest[0]["_id"], first_id.as_str());

    // 14. Delete.
    let response = http(
        &api,
        "DELETE",
        &format!("{messages_path}/{first_id}"),
        &[owner],
        None,
    )
    .await;
    assert_eq!(response.status, 204);
    assert_eq!(
        next_text(&mut ws).await,
        frames[13]["text"]
            .as_str()
            .unwrap()
            .replace("01M7YT7CBWRVS33BBAYKMERZ5N", &first_id)
    );
    let gone = get(&api, &format!("{messages_path}/{first_id}"), &[owner]).await;
    assert_eq!(gone.status, 404);
    assert_eq!(gone.json()["type"], "NotFound");

    // 17. Bulk delete everything left.
    let ids: Vec<Value> = server
        .channel_messages(CHANNEL)
        .iter()
        .map(|m| m["_id"].clone())
        .collect();
    assert_eq!(ids.len(), 3);
    let body = serde_json::to_vec(&json!({"ids": ids})).unwrap();
    let response = http(
        &api,
        "DELETE",
        &format!("{messages_path}/bulk"),
        &[owner],
        Some(&body),
    )
    .await;
    assert_eq!(response.status, 204);
    assert_eq!(
        next_json(&mut ws).await,
        json!({"type": "BulkMessageDelete", "channel": CHANNEL, "ids": ids})
    );
    assert!(server.channel_messages(CHANNEL).is_empty());

    // Idempotency-Key becomes the nonce.
    let body = serde_json::to_vec(&json!({"content": "with a key"})).unwrap();
    let keyed = http(
        &api,
        "POST",
        &messages_path,
        &[bot, ("Idempotency-Key", "my-key-1")],
        Some(&body),
    )
    .await;
    assert_eq!(keyed.json()["nonce"], "my-key-1");
    let again = http(
        &api,
        "POST",
        &messages_path,
        &[bot, ("Idempotency-Key", "my-key-1")],
        Some(&body),
    )
    .await;
    assert_eq!(again.status, 409);
}

#[tokio::test]
async fn injected_messages_are_published_per_receiver() {
    let server = FakeServer::start(FakeConfig::default());
    let mut ws = bot_session(&server, "version=1&format=json").await;
    let sent =
        server.inject_user_message(server.channel_id(), "hello <@01M7YSZ8V6D4QNP163AMRA3ARS>");
    assert_eq!(sent["user"]["relationship"], "None");
    assert_eq!(sent["mentions"], json!([BOT]));
    let event = next_json(&mut ws).await;
    assert_eq!(event["type"], "Message");
    assert_eq!(event["_id"], sent["_id"]);
    assert_eq!(event["user"]["username"], "capowner");
    assert_eq!(server.channel_messages(CHANNEL).len(), 1);
    assert!(server.channel_messages(CHANNEL)[0].get("user").is_none());
}

// ---------------------------------------------------------------------------------------
// Rate limits

#[tokio::test]
async fn rate_limits_match_capture() {
    let window = Duration::from_secs(2);
    let server = FakeServer::start(FakeConfig::default().ratelimit_window(window));
    let records = capture("ratelimit");
    let api = server.api_url();
    let bot = ("X-Bot-Token", server.bot_token());
    let path = format!("/channels/{CHANNEL}/messages");

    for i in 1..=14_u64 {
        let response = post_json(
            &api,
            &path,
            bot,
            &json!({"content": format!("ratelimit test {i}")}),
        )
        .await;
        let expected = http_record(&records, "http-response", i);
        assert_eq!(
            u64::from(response.status),
            expected["status"].as_u64().unwrap(),
            "message {i}"
        );
        assert_eq!(response.names(), ROCKET_HEADER_ORDER);
        for name in [
            "content-type",
            "x-ratelimit-limit",
            "x-ratelimit-bucket",
            "x-ratelimit-remaining",
        ] {
            assert_eq!(
                response.header(name),
                expected["headers"][name].as_str(),
                "{name} of {i}"
            );
        }
        if response.status == 429 {
            let retry_after = response.json()["retry_after"].as_u64().unwrap();
            assert_eq!(
                response.body,
                format!("{{\"retry_after\":{retry_after}}}").into_bytes()
            );
            assert_eq!(
                response.header("x-ratelimit-reset-after"),
                Some(retry_after.to_string().as_str())
            );
            assert!(retry_after <= 2000);
        }
    }
    assert_eq!(server.rate_limited_count(), 4);
    assert_eq!(server.channel_messages(CHANNEL).len(), 10);
    tokio::time::sleep(window + Duration::from_millis(50)).await;
    let after = post_json(
        &api,
        &path,
        bot,
        &json!({"content": "ratelimit test after reset"}),
    )
    .await;
    assert_eq!(after.status, 200);
    assert_eq!(after.header("x-ratelimit-remaining"), Some("9"));
    assert_eq!(after.header("x-ratelimit-reset-after"), Some("2000"));

    for i in 16..=40_u64 {
        let response = get(&api, "/users/@me", &[bot]).await;
        let expected = http_record(&records, "http-response", i);
        assert_eq!(
            u64::from(response.status),
            expected["status"].as_u64().unwrap(),
            "users {i}"
        );
        for name in [
            "x-ratelimit-limit",
            "x-ratelimit-bucket",
            "x-ratelimit-remaining",
        ] {
            assert_eq!(
                response.header(name),
                expected["headers"][name].as_str(),
                "{name} of {i}"
            );
        }
        if response.status == 200 {
            assert_eq!(response.json(), expected["body"]);
        }
    }
    assert_eq!(server.rate_limited_count(), 9);
    let direct = get(&api, "/ratelimit", &[]).await.json();
    assert_eq!(
        direct,
        json!({"key": 9_059_726_956_801_555_979_u64, "limit": 20, "remaining": 19, "reset": 2000})
    );
}

#[tokio::test]
async fn session_requests_are_keyed_by_session_not_ip() {
    let server = FakeServer::start(FakeConfig::default());
    let api = server.api_url();
    let by_ip = get(&api, "/users/@me", &[("X-Bot-Token", "nope")]).await;
    let by_nothing = get(&api, "/users/@me", &[]).await;
    let by_bad_session = get(&api, "/users/@me", &[("X-Session-Token", "nope")]).await;
    let by_session = get(
        &api,
        "/users/@me",
        &[("X-Session-Token", server.user_token())],
    )
    .await;
    assert_eq!(
        by_ip.header("x-ratelimit-bucket"),
        Some("4657568539494282486")
    );
    assert_eq!(
        by_nothing.header("x-ratelimit-bucket"),
        by_ip.header("x-ratelimit-bucket")
    );
    assert_eq!(
        by_bad_session.header("x-ratelimit-bucket"),
        by_ip.header("x-ratelimit-bucket")
    );
    assert_eq!(by_nothing.header("x-ratelimit-remaining"), Some("18"));
    assert_ne!(
        by_session.header("x-ratelimit-bucket"),
        by_ip.header("x-ratelimit-bucket")
    );
    assert_eq!(by_session.header("x-ratelimit-remaining"), Some("19"));
    assert_eq!(by_session.json()["relationship"], "User");
}

// ---------------------------------------------------------------------------------------
// Errors and catchers

#[tokio::test]
async fn error_bodies_and_catchers_match_capture() {
    let server = FakeServer::start(FakeConfig::default().ratelimits_enabled(false));
    let records = capture("errors");
    let api = server.api_url();
    // 13, 14, 17, 18, 19 use routes the fake does not serve (edit server/channel/user).
    for id in [
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 15, 16, 20, 21, 22, 23, 24, 25_u64,
    ] {
        let request = http_record(&records, "http-request", id);
        let expected = http_record(&records, "http-response", id);
        let mut headers: Vec<(String, String)> = Vec::new();
        for (name, value) in request["headers"].as_object().unwrap() {
            if ["Host", "User-Agent", "Content-Length"].contains(&name.as_str()) {
                continue;
            }
            let value = value
                .as_str()
                .unwrap()
                .replace("<BOT_TOKEN>", server.bot_token())
                .replace("<SESSION_TOKEN>", server.user_token());
            headers.push((name.clone(), value));
        }
        let body = if let Some(raw) = request.get("body_raw") {
            Some(raw.as_str().unwrap().as_bytes().to_vec())
        } else if request["body"].is_null() {
            None
        } else if id == 16 {
            // A fresh id (the captured one ages past the 7-day limit).
            Some(serde_json::to_vec(&json!({"ids": [ulid::Ulid::generate().to_string()]})).unwrap())
        } else {
            Some(serde_json::to_vec(&request["body"]).unwrap())
        };
        let mut path = request["path"].as_str().unwrap().to_owned();
        if let Some(query) = request["query"].as_str() {
            path = format!("{path}?{query}");
        }
        let header_refs: Vec<(&str, &str)> = headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let response = http(
            &api,
            request["method"].as_str().unwrap(),
            &path,
            &header_refs,
            body.as_deref(),
        )
        .await;
        let label = request["label"].as_str().unwrap();
        assert_eq!(
            u64::from(response.status),
            expected["status"].as_u64().unwrap(),
            "{label}"
        );
        assert_eq!(response.names(), ROCKET_HEADER_ORDER, "{label}");
        assert_eq!(
            response.header("content-type"),
            expected["headers"]["content-type"].as_str(),
            "{label}"
        );
        assert_eq!(
            response.header("x-ratelimit-limit"),
            expected["headers"]["x-ratelimit-limit"].as_str(),
            "{label}"
        );
        if id == 22 {
            assert_eq!(keys(&response.json()), keys(&expected["body"]), "{label}");
        } else if let Some(raw) = expected.get("body_raw") {
            assert_eq!(response.text(), raw.as_str().unwrap(), "{label}");
        } else if let Some(text) = expected["body"].as_str() {
            assert_eq!(response.text(), text, "{label}");
        } else {
            assert_eq!(response.json(), expected["body"], "{label}");
        }
    }
}

#[tokio::test]
async fn unknown_routes_and_bad_input_never_break_the_server() {
    let server = FakeServer::start(FakeConfig::default().ratelimits_enabled(false));
    let api = server.api_url();
    let bot = ("X-Bot-Token", server.bot_token());
    for path in [
        "/this/route/does/not/exist",
        "/channels/%FF%FE/messages",
        "/%ZZ",
        "/users/@me/extra/segments",
        "//users//",
    ] {
        let response = get(&api, path, &[bot]).await;
        assert_eq!(response.status, 404, "{path}");
        assert_eq!(
            response.header("content-type"),
            Some("text/html; charset=utf-8")
        );
        assert!(response.header("x-ratelimit-bucket").is_some());
    }
    let response = http(
        &api,
        "POST",
        "/users/@me",
        &[bot, ("Accept", "application/json")],
        None,
    )
    .await;
    assert_eq!(response.status, 404);
    assert_eq!(response.json()["error"]["code"], 404);

    let path = format!("/channels/{CHANNEL}/messages");
    for body in [
        &b"\xff\xfe"[..],
        b"",
        b"[]",
        b"{\"content\":[1]}",
        b"{\"replies\":[{}]}",
        b"null",
        b"{\"flags\":-1}",
    ] {
        let response = http(&api, "POST", &path, &[bot], Some(body)).await;
        assert!(
            [400, 422].contains(&response.status),
            "{body:?}: {}",
            response.status
        );
    }
    let response = get(&api, &format!("{path}?limit=abc"), &[bot]).await;
    assert_eq!(response.status, 422);
    let response = get(&api, &format!("{path}?before=short"), &[bot]).await;
    assert_eq!(response.json()["type"], "FailedValidation");

    // Garbage on the HTTP port.
    let mut stream = TcpStream::connect(api.trim_start_matches("http://"))
        .await
        .unwrap();
    stream.write_all(b"GARBAGE \x00\x01\r\n\r\n").await.unwrap();
    let mut sink = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(2), stream.read_to_end(&mut sink)).await;

    // Garbage on the gateway.
    let mut ws = bot_session(&server, "version=1&format=json").await;
    for junk in [
        "{",
        "[]",
        "null",
        r#"{"type":5}"#,
        r#"{"type":"BeginTyping"}"#,
        r#"{"type":"BeginTyping","channel":"nope"}"#,
        r#"{"type":"Ping","data":[1,-1]}"#,
        r#"{"type":"Ping","data":1e400}"#,
    ] {
        send_text(&mut ws, junk).await;
    }
    ws.send(Message::Binary(vec![0xc1, 0xff].into()))
        .await
        .unwrap();
    send_text(&mut ws, r#"{"type":"Ping","data":99}"#).await;
    assert_eq!(next_text(&mut ws).await, r#"{"type":"Pong","data":99}"#);
    let mut raw = TcpStream::connect(server.ws_url().trim_start_matches("ws://"))
        .await
        .unwrap();
    raw.write_all(b"GET / HTTP/1.1\r\n\r\n").await.unwrap();
    drop(raw);

    // Still alive.
    assert_eq!(get(&api, "/", &[]).await.status, 200);
}

// ---------------------------------------------------------------------------------------
// Scripted HTTP failures

#[tokio::test]
async fn scripted_failures_delays_and_request_log() {
    let server = FakeServer::start(fast_config());
    let api = server.api_url();
    let bot = ("X-Bot-Token", server.bot_token());

    server.fail_next_requests(429, 2);
    for _ in 0..2 {
        let response = get(&api, "/users/@me", &[bot]).await;
        assert_eq!(response.status, 429);
        assert_eq!(response.text(), r#"{"retry_after":1000}"#);
        assert_eq!(response.header("x-ratelimit-remaining"), Some("0"));
        assert_eq!(response.header("x-ratelimit-reset-after"), Some("1000"));
        assert_eq!(
            response.header("x-ratelimit-bucket"),
            Some("4657568539494282486")
        );
    }
    let ok = get(&api, "/users/@me", &[bot]).await;
    assert_eq!(ok.status, 200);
    assert_eq!(
        ok.header("x-ratelimit-remaining"),
        Some("19"),
        "scripted 429s are not counted"
    );

    server.fail_next_requests_with(
        Failure::status(429).retry_after(Duration::from_millis(250)),
        1,
    );
    assert_eq!(get(&api, "/", &[]).await.text(), r#"{"retry_after":250}"#);

    server.fail_next_requests(502, 1);
    let response = get(&api, "/users/@me", &[bot]).await;
    assert_eq!(response.status, 502);
    assert_eq!(response.header("content-type"), Some("text/html"));
    assert!(response.header("x-ratelimit-limit").is_none());
    server.fail_next_requests(503, 1);
    let response = get(&api, "/users/@me", &[bot]).await;
    assert_eq!((response.status, response.body.len()), (503, 0));
    assert_eq!(response.header("content-length"), Some("0"));
    server.fail_next_requests(500, 1);
    let response = get(&api, "/users/@me", &[bot, ("Accept", "application/json")]).await;
    assert_eq!(response.json()["error"]["code"], 500);

    server.set_response_delay(Duration::from_millis(300));
    let started = Instant::now();
    assert_eq!(get(&api, "/", &[]).await.status, 200);
    assert!(started.elapsed() >= Duration::from_millis(300));
    server.set_response_delay(Duration::ZERO);

    let body = json!({"content": "logged"});
    post_json(&api, &format!("/channels/{CHANNEL}/messages"), bot, &body).await;
    let log = server.requests();
    let last = log.last().unwrap();
    assert_eq!(last.service, Service::Api);
    assert_eq!(last.method, "POST");
    assert_eq!(last.path, format!("/channels/{CHANNEL}/messages"));
    assert_eq!(last.header("x-bot-token"), Some(server.bot_token()));
    assert_eq!(last.json(), Some(body));
    assert_eq!(last.status, 200);
    assert_eq!(server.rate_limited_count(), 3);
    server.clear_requests();
    assert!(server.requests().is_empty());
}

// ---------------------------------------------------------------------------------------
// Autumn

fn multipart(field: &str, filename: &str, data: &[u8]) -> (String, Vec<u8>) {
    let boundary = "fakeboundary1234";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(data);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[tokio::test]
async fn autumn_uploads_downloads_and_limits() {
    let server = FakeServer::start(FakeConfig::default());
    let autumn = server.autumn_url();
    let bot = ("X-Bot-Token", server.bot_token());

    let hello = get(&autumn, "/", &[]).await.json();
    assert_eq!(hello["autumn"], "Hello, I am a file server!");

    let (content_type, body) = multipart("file", "notes.txt", b"hello file");
    let upload = http(
        &autumn,
        "POST",
        "/attachments",
        &[bot, ("Content-Type", &content_type)],
        Some(&body),
    )
    .await;
    assert_eq!(upload.status, 200);
    assert_eq!(upload.header("x-ratelimit-limit"), Some("10"));
    let id = upload.json()["id"].as_str().unwrap().to_owned();
    assert_eq!(id.len(), 42);
    let download = get(&autumn, &format!("/attachments/{id}/notes.txt"), &[]).await;
    assert_eq!(download.body, b"hello file");
    assert_eq!(download.header("content-type"), Some("plain/text"));
    let redirect = get(&autumn, &format!("/attachments/{id}"), &[]).await;
    assert_eq!(redirect.status, 308);
    assert_eq!(
        redirect.header("location"),
        Some(format!("/attachments/{id}/notes.txt").as_str())
    );

    let none = http(
        &autumn,
        "POST",
        "/attachments",
        &[("Content-Type", &content_type)],
        Some(&body),
    )
    .await;
    assert_eq!(none.status, 401);
    assert_eq!(none.json()["type"], "NotAuthenticated");
    let bad_bot = http(
        &autumn,
        "POST",
        "/attachments",
        &[("X-Bot-Token", "x"), ("Content-Type", &content_type)],
        Some(&body),
    )
    .await;
    assert_eq!(bad_bot.status, 404);
    let bad_session = http(
        &autumn,
        "POST",
        "/attachments",
        &[("X-Session-Token", "x"), ("Content-Type", &content_type)],
        Some(&body),
    )
    .await;
    assert_eq!(bad_session.json()["type"], "InvalidSession");

    let (ct, big) = multipart("file", "big.bin", &vec![7_u8; 500_001]);
    let too_large = http(
        &autumn,
        "POST",
        "/emojis",
        &[bot, ("Content-Type", &ct)],
        Some(&big),
    )
    .await;
    assert_eq!(too_large.status, 422);
    assert_eq!(too_large.json()["type"], "FileTooLarge");
    assert_eq!(too_large.json()["max"], 500_000);
    let (ct, empty) = multipart("file", "empty.bin", b"");
    let too_small = http(
        &autumn,
        "POST",
        "/attachments",
        &[bot, ("Content-Type", &ct)],
        Some(&empty),
    )
    .await;
    assert_eq!(too_small.json()["type"], "FileTooSmall");
    let not_image = http(
        &autumn,
        "POST",
        "/avatars",
        &[bot, ("Content-Type", &content_type)],
        Some(&body),
    )
    .await;
    assert_eq!(not_image.json()["type"], "FileTypeNotAllowed");
    let bad_tag = http(
        &autumn,
        "POST",
        "/nope",
        &[bot, ("Content-Type", &content_type)],
        Some(&body),
    )
    .await;
    assert_eq!(bad_tag.status, 400);
    let garbage = http(
        &autumn,
        "POST",
        "/attachments",
        &[bot, ("Content-Type", "multipart/form-data; boundary=x")],
        Some(b"junk"),
    )
    .await;
    assert_eq!(garbage.status, 400);

    // Attach it to a message; a file can be used once.
    let path = format!("/channels/{CHANNEL}/messages");
    let sent = post_json(&server.api_url(), &path, bot, &json!({"attachments": [id]}))
        .await
        .json();
    assert_eq!(sent["attachments"][0]["_id"], id.as_str());
    assert_eq!(sent["attachments"][0]["metadata"], json!({"type": "Text"}));
    assert_eq!(sent["attachments"][0]["size"], 10);
    let reused = post_json(&server.api_url(), &path, bot, &json!({"attachments": [id]})).await;
    assert_eq!(reused.status, 404);

    // Upload bucket: 10 per tag per window.
    for _ in 0..7 {
        http(
            &autumn,
            "POST",
            "/attachments",
            &[bot, ("Content-Type", &content_type)],
            Some(&body),
        )
        .await;
    }
    let limited = http(
        &autumn,
        "POST",
        "/attachments",
        &[bot, ("Content-Type", &content_type)],
        Some(&body),
    )
    .await;
    assert_eq!(limited.status, 429);
    assert!(limited.json()["retry_after"].is_u64());
    assert!(server
        .requests()
        .iter()
        .any(|r| r.service == Service::Autumn));
}

#[test]
fn server_handle_is_shareable_across_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<FakeServer>();
    let server = std::sync::Arc::new(FakeServer::start(FakeConfig::default()));
    let remote = std::sync::Arc::clone(&server);
    std::thread::spawn(move || remote.inject_user_message(CHANNEL, "from another thread"))
        .join()
        .unwrap();
    assert_eq!(server.channel_messages(CHANNEL).len(), 1);
}

#[test]
fn shutdown_frees_the_ports() {
    let server = FakeServer::start(FakeConfig::default());
    let api = server.api_url();
    let started = Instant::now();
    server.shutdown();
    assert!(started.elapsed() < Duration::from_secs(1));
    let address = api.trim_start_matches("http://");
    assert!(std::net::TcpStream::connect(address).is_err());
}
