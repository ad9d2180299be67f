//! The request pipeline: request building and response parsing, against captured traffic.

use bytes::Bytes;
use http::StatusCode;
use stoat_core::auth::Token;
use stoat_core::http::routes::{
    DeleteMessage, EditMessage, FetchChannel, FetchInstance, FetchMessages, FetchSelf, FetchUser,
    MessageSort, SendMessage,
};
use stoat_core::http::{
    parse_error, parse_response, Error, ErrorType, Request, Rest, ValidationError,
};
use stoat_core::model::BulkMessageResponse;
use stoat_core::model::Channel;

const CHANNEL: &str = "01M7YSZ8V81AWBPFRM30NYSV34";
const MESSAGE: &str = "01M7YT8F8NBH98W6P4028C2GH8";
const USER: &str = "01M7YSZ8V6D4QNP163AMRA3ARS";

fn bot() -> Rest {
    Rest::new("https://api.stoat.chat/", Some(Token::bot("bot-token")))
}

#[test]
fn bot_and_session_tokens_use_their_own_headers() {
    let request = bot().prepare(&FetchSelf).unwrap().to_http();
    assert_eq!(request.uri(), "https://api.stoat.chat/users/@me");
    assert_eq!(request.headers()["x-bot-token"], "bot-token");
    assert!(request.headers().get("x-session-token").is_none());
    assert!(request.headers()["user-agent"]
        .to_str()
        .unwrap()
        .starts_with("stoat-rs/"));
    assert_eq!(request.headers()["accept"], "application/json");
    assert!(request.headers()["x-bot-token"].is_sensitive());

    let user = Rest::new("https://api.stoat.chat", Some(Token::session("sess")));
    let request = user.prepare(&FetchSelf).unwrap().to_http();
    assert_eq!(request.headers()["x-session-token"], "sess");
    assert!(request.headers().get("x-bot-token").is_none());
}

#[test]
fn public_routes_send_no_token() {
    let request = bot().prepare(&FetchInstance).unwrap().to_http();
    assert_eq!(request.uri(), "https://api.stoat.chat/");
    assert!(request.headers().get("x-bot-token").is_none());
}

#[test]
fn the_slice_routes_build_the_server_paths() {
    let rest = bot();
    let channel = CHANNEL.parse().unwrap();
    let message = MESSAGE.parse().unwrap();
    let user = USER.parse().unwrap();
    let cases: Vec<(http::Request<Bytes>, &str, String)> = vec![
        (
            rest.prepare(&FetchUser::new(user)).unwrap().to_http(),
            "GET",
            format!("/users/{USER}"),
        ),
        (
            rest.prepare(&FetchChannel::new(channel)).unwrap().to_http(),
            "GET",
            format!("/channels/{CHANNEL}"),
        ),
        (
            rest.prepare(&FetchMessages::new(channel))
                .unwrap()
                .to_http(),
            "GET",
            format!("/channels/{CHANNEL}/messages"),
        ),
        (
            rest.prepare(&SendMessage::new(channel, "hi"))
                .unwrap()
                .to_http(),
            "POST",
            format!("/channels/{CHANNEL}/messages"),
        ),
        (
            rest.prepare(&EditMessage::new(channel, message, "edited"))
                .unwrap()
                .to_http(),
            "PATCH",
            format!("/channels/{CHANNEL}/messages/{MESSAGE}"),
        ),
        (
            rest.prepare(&DeleteMessage::new(channel, message))
                .unwrap()
                .to_http(),
            "DELETE",
            format!("/channels/{CHANNEL}/messages/{MESSAGE}"),
        ),
    ];
    for (request, method, path) in cases {
        assert_eq!(request.method(), method);
        assert_eq!(request.uri().path(), path);
    }
}

#[test]
fn message_bodies_match_the_wire() {
    let channel = CHANNEL.parse().unwrap();
    let reply_to = MESSAGE.parse().unwrap();
    let request = bot()
        .prepare(
            &SendMessage::new(channel, "pong")
                .reply_to(reply_to, true)
                .idempotency_key("01NONCE"),
        )
        .unwrap()
        .to_http();
    assert_eq!(request.headers()["content-type"], "application/json");
    assert_eq!(request.headers()["idempotency-key"], "01NONCE");
    let body: serde_json::Value = serde_json::from_slice(request.body()).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"content":"pong","replies":[{"id":MESSAGE,"mention":true}]})
    );

    let message = MESSAGE.parse().unwrap();
    let request = bot()
        .prepare(&EditMessage::new(channel, message, "edited"))
        .unwrap()
        .to_http();
    assert_eq!(request.body().as_ref(), br#"{"content":"edited"}"#);

    let request = bot()
        .prepare(&DeleteMessage::new(channel, message).reason("spam ünd more"))
        .unwrap()
        .to_http();
    assert_eq!(
        request.headers()["x-audit-log-reason"],
        "spam %C3%BCnd more"
    );
    assert!(request.body().is_empty());
}

#[test]
fn message_queries_are_typed() {
    let channel = CHANNEL.parse().unwrap();
    let before = MESSAGE.parse().unwrap();
    let request = bot()
        .prepare(
            &FetchMessages::new(channel)
                .limit(5)
                .before(before)
                .sort(MessageSort::Oldest)
                .include_users(true),
        )
        .unwrap()
        .to_http();
    assert_eq!(
        request.uri().query(),
        Some(format!("limit=5&before={MESSAGE}&sort=Oldest&include_users=true").as_str())
    );
    assert!(matches!(
        FetchMessages::new(channel).limit(0).to_parts(),
        Err(ValidationError::Invalid { field: "limit", .. })
    ));
    assert!(FetchMessages::new(channel).limit(101).to_parts().is_err());
}

#[test]
fn user_mistakes_are_caught_before_sending() {
    let channel = CHANNEL.parse().unwrap();
    // The server counts bytes: 1001 × 'é' is 2002 bytes and is rejected.
    let err = bot()
        .prepare(&SendMessage::new(channel, "é".repeat(1001)))
        .unwrap_err();
    assert!(matches!(
        err,
        Error::Validation(ValidationError::TooLong {
            field: "content",
            len: 2002,
            max: 2000,
            unit: stoat_core::http::LengthUnit::Bytes,
        })
    ));
    assert!(bot()
        .prepare(&SendMessage::new(channel, "é".repeat(1000)))
        .is_ok());
    assert!(matches!(
        SendMessage::new(channel, "").to_parts(),
        Err(ValidationError::Empty(_))
    ));
    let mut many = SendMessage::new(channel, "x");
    for _ in 0..6 {
        many = many.reply_to(MESSAGE.parse().unwrap(), false);
    }
    assert!(matches!(
        many.to_parts(),
        Err(ValidationError::TooMany {
            field: "replies",
            count: 6,
            max: 5
        })
    ));
    assert!(SendMessage::new(channel, "x")
        .idempotency_key("k".repeat(65))
        .to_parts()
        .is_err());
}

fn response(status: u16, body: &str) -> http::Response<Bytes> {
    http::Response::builder()
        .status(status)
        .body(Bytes::from(body.to_owned()))
        .unwrap()
}

#[test]
fn success_bodies_parse_into_typed_outputs() {
    let channel: Channel = parse_response(&response(
        200,
        r#"{"channel_type":"TextChannel","_id":"01M7YSZ8V81AWBPFRM30NYSV34","server":"01M7YSZ8V8HNB362Z1HYDP0RXY","name":"General","brand_new_field":1}"#,
    ))
    .unwrap();
    assert_eq!(channel.name(), Some("General"));
    // 204 with an empty body reads as ().
    let unit: () = parse_response(&response(204, "")).unwrap();
    assert_eq!(unit, ());
    // Both shapes of the message list.
    let bare: BulkMessageResponse = parse_response(&response(200, "[]")).unwrap();
    assert!(bare.messages().is_empty());
    let with_users: BulkMessageResponse =
        parse_response(&response(200, r#"{"messages":[],"users":[]}"#)).unwrap();
    assert!(matches!(
        with_users,
        BulkMessageResponse::MessagesAndUsers { .. }
    ));
}

#[test]
fn a_success_with_a_bad_body_is_a_decode_error_with_a_snippet() {
    let err =
        parse_response::<Channel>(&response(200, r#"{"channel_type":"TextChannel"}"#)).unwrap_err();
    match err {
        Error::Decode { status, body, .. } => {
            assert_eq!(status, StatusCode::OK);
            assert!(body.as_str().contains("TextChannel"));
        }
        other => panic!("{other:?}"),
    }
    let long = "x".repeat(10_000);
    match parse_response::<Channel>(&response(200, &long)).unwrap_err() {
        Error::Decode { body, .. } => assert!(body.as_str().len() < 300),
        other => panic!("{other:?}"),
    }
}

#[test]
fn typed_api_errors_carry_status_type_and_fields() {
    let err = parse_error(
        StatusCode::FORBIDDEN,
        br#"{"type":"MissingPermission","permission":"ManageServer","location":"crates/core/permissions/src/models/mod.rs:80:17"}"#,
    );
    let api = err.api().unwrap();
    assert_eq!(api.status, StatusCode::FORBIDDEN);
    assert_eq!(
        api.error,
        ErrorType::MissingPermission {
            permission: "ManageServer".into()
        }
    );
    assert_eq!(
        api.location.as_deref(),
        Some("crates/core/permissions/src/models/mod.rs:80:17")
    );
    assert!(err.to_string().contains("ManageServer"));

    let too_many = parse_error(
        StatusCode::BAD_REQUEST,
        br#"{"type":"TooManyAttachments","max":5,"location":"x"}"#,
    );
    assert_eq!(
        too_many.api().unwrap().error,
        ErrorType::TooManyAttachments { max: 5 }
    );

    // Newer servers omit `location` and add types we don't know yet.
    let unknown = parse_error(
        StatusCode::BAD_REQUEST,
        br#"{"type":"BrandNewError","detail":7,"location":"y"}"#,
    );
    match &unknown.api().unwrap().error {
        ErrorType::Unknown(u) => {
            assert_eq!(u.name, "BrandNewError");
            assert_eq!(u.fields["detail"], 7);
            assert!(!u.fields.contains_key("location"));
        }
        other => panic!("{other:?}"),
    }
    let no_location = parse_error(StatusCode::UNAUTHORIZED, br#"{"type":"InvalidSession"}"#);
    assert_eq!(no_location.api().unwrap().location, None);
}

/// Every error response captured from the real server parses into the right kind of error.
#[test]
fn every_captured_error_response_parses() {
    let captures = include_str!("../../conformance/fixtures/http/errors.jsonl");
    let mut checked = 0;
    for line in captures.lines() {
        let record: serde_json::Value = serde_json::from_str(line).unwrap();
        if record["dir"] != "http-response" {
            continue;
        }
        let status = StatusCode::from_u16(record["status"].as_u64().unwrap() as u16).unwrap();
        if status.is_success() {
            continue;
        }
        let body = match (&record["body_raw"], &record["body"]) {
            (serde_json::Value::String(raw), _) => raw.clone(),
            (_, serde_json::Value::String(text)) => text.clone(),
            (_, json) => json.to_string(),
        };
        let err = parse_error(status, body.as_bytes());
        assert_eq!(err.status(), Some(status));
        let typed = record["body"].get("type").and_then(|t| t.as_str());
        match (typed, &err) {
            (Some(name), Error::Api(api)) => assert_eq!(api.error.name(), name),
            (None, Error::Http { reason, body, .. }) => {
                if record["body"].get("error").is_some() {
                    assert!(reason.is_some(), "catcher description kept: {line}");
                } else {
                    assert!(body.as_str().contains("html"), "snippet kept: {line}");
                }
            }
            other => panic!("wrong error kind {other:?} for {line}"),
        }
        checked += 1;
    }
    assert!(checked >= 15, "only {checked} error responses checked");
}

#[test]
fn webhook_tokens_in_paths_never_show() {
    use stoat_core::auth::Secret;
    use stoat_core::http::routes::{ExecuteGithubWebhook, ExecuteWebhook};
    let webhook = "01M7YT8F8NBH98W6P4028C2GH8".parse().unwrap();
    let token = "wh-secret-token-1234567890";
    let prepared = bot()
        .prepare(&ExecuteWebhook::new(webhook, Secret::new(token), "hi"))
        .unwrap();
    assert!(
        prepared.uri.path().contains(token),
        "the server needs it in the path"
    );
    assert!(!format!("{prepared:?}").contains(token));
    assert!(prepared.display_uri().contains("<redacted>"));
    assert!(prepared.to_http().headers().get("x-bot-token").is_none());

    let github = bot()
        .prepare(&ExecuteGithubWebhook::new(
            webhook,
            Secret::new(token),
            "push",
            serde_json::json!({}),
        ))
        .unwrap()
        .to_http();
    assert_eq!(github.headers()["x-github-event"], "push");
}

#[test]
fn routes_that_answer_with_bytes_parse_them_through_the_call() {
    use stoat_core::http::routes::FetchDefaultAvatar;
    use stoat_core::http::Step;
    let user = USER.parse().unwrap();
    let t0 = std::time::Instant::now();
    let mut call = bot().call(&FetchDefaultAvatar::new(user)).unwrap();
    assert!(matches!(call.poll(t0), Step::Send(_)));
    call.handle_response(
        t0,
        http::Response::builder()
            .status(200)
            .header("content-type", "image/png")
            .body(Bytes::from_static(b"\x89PNG\r\n\x1a\n"))
            .unwrap(),
    );
    match call.poll(t0) {
        Step::Done(Ok(png)) => assert!(png.0.starts_with(b"\x89PNG")),
        other => panic!("{other:?}"),
    }
}
