//! Response parsing: every response captured from the real server decodes into the output
//! type of its route's request, and the non-trivial shapes (two `channels` keys, untagged
//! and nullable answers, PNG bytes) decode as they should.

use std::collections::HashMap;

use bytes::Bytes;
use http::StatusCode;
use serde_json::Value;
use stoat_core::http::routes::{self, *};
use stoat_core::http::{parse_response, Error, Request};
use stoat_core::model::BulkMessageResponse;
use stoat_core::model::{Channel, MemberResponse, ResponseLogin};

fn response(status: u16, body: &str) -> http::Response<Bytes> {
    http::Response::builder()
        .status(status)
        .body(Bytes::from(body.to_owned()))
        .unwrap()
}

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/../conformance/fixtures/http/responses/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn parse<R: Request>(status: u16, body: &str) -> Result<R::Output, Error> {
    parse_response::<R::Output>(&response(status, body))
}

type Check = fn(&http::Response<Bytes>) -> Result<(), Error>;

fn check<R: Request>() -> (String, Check) {
    (format!("{} {}", R::ROUTE.method, R::ROUTE.path), |r| {
        parse_response::<R::Output>(r).map(|_| ())
    })
}

/// Which template a concrete path belongs to (the most literal match wins).
fn template_of(method: &str, path: &str) -> Option<String> {
    let segments: Vec<&str> = path.split('/').collect();
    routes::all()
        .into_iter()
        .filter(|(_, route)| route.method.as_str() == method)
        .filter_map(|(_, route)| {
            let t: Vec<&str> = route.path.split('/').collect();
            if t.len() != segments.len() {
                return None;
            }
            let mut literal = 0;
            for (t, s) in t.iter().zip(&segments) {
                if t.starts_with('{') {
                    continue;
                }
                if t != s {
                    return None;
                }
                literal += 1;
            }
            Some((literal, format!("{} {}", route.method, route.path)))
        })
        .max_by_key(|(literal, _)| *literal)
        .map(|(_, key)| key)
}

#[test]
fn every_captured_response_decodes_into_its_route_output() {
    let checks: HashMap<String, Check> = [
        check::<SendMessage>(),
        check::<FetchMessage>(),
        check::<EditMessage>(),
        check::<AddReaction>(),
        check::<RemoveReaction>(),
        check::<FetchMessages>(),
        check::<PinMessage>(),
        check::<UnpinMessage>(),
        check::<DeleteMessage>(),
        check::<BulkDeleteMessages>(),
        check::<FetchServer>(),
        check::<CreateServerChannel>(),
        check::<EditChannel>(),
        check::<SetChannelDefaultPermissions>(),
        check::<SetChannelRolePermissions>(),
        check::<CreateRole>(),
        check::<EditRole>(),
        check::<DeleteRole>(),
        check::<SetServerRolePermissions>(),
        check::<EditMember>(),
        check::<EditServer>(),
        check::<CreateInvite>(),
        check::<FetchInvite>(),
        check::<DeleteInvite>(),
        check::<CloseChannel>(),
    ]
    .into_iter()
    .collect();

    let records: Vec<Value> = include_str!("../../conformance/fixtures/http/captured_rest.jsonl")
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let mut requests = HashMap::new();
    let mut checked = 0;
    for record in &records {
        let key = (record["file"].clone().to_string(), record["id"].to_string());
        if record["dir"] == "http-request" {
            requests.insert(key, record);
            continue;
        }
        let request = requests[&key];
        let method = request["method"].as_str().unwrap();
        let path = request["path"].as_str().unwrap();
        let template =
            template_of(method, path).unwrap_or_else(|| panic!("{method} {path} matches no route"));
        let check = checks
            .get(&template)
            .unwrap_or_else(|| panic!("no check for {template}"));
        let status = record["status"].as_u64().unwrap() as u16;
        let body = match &record["body"] {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        let result = check(&response(status, &body));
        if status < 300 {
            result.unwrap_or_else(|e| panic!("{template} ({status}): {e}"));
        } else {
            // Error answers become typed API errors.
            match result {
                Err(Error::Api(api)) => assert_eq!(api.status.as_u16(), status),
                other => panic!("{template} ({status}): {other:?}"),
            }
        }
        checked += 1;
    }
    assert_eq!(checked, records.len() / 2);
}

#[test]
fn fetch_server_reads_both_channels_keys() {
    let body = fixture("fetch_server.include_channels.json");
    // The quirk itself: two `channels` keys in one object.
    assert_eq!(body.matches("\"channels\":").count(), 2);
    let parsed = parse::<FetchServer>(200, &body).unwrap();
    let server = parsed.server();
    assert_eq!(server.name, "Capture Server");
    assert_eq!(
        server
            .channels
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        ["01M7YSZ8V81AWBPFRM30NYSV34", "01M7YT8TV2Y5W4F97YBN29R66K"]
    );
    assert_eq!(server.roles.len(), 1);
    let channels = parsed.channels().unwrap();
    assert_eq!(channels.len(), 2);
    assert_eq!(channels[1].name(), Some("capture-renamed"));
    assert!(matches!(channels[0], Channel::TextChannel { .. }));

    // Written back, it has the same two keys (what the server sends).
    let written = serde_json::to_string(&parsed).unwrap();
    assert_eq!(written.matches("\"channels\":").count(), 2);
    let again: FetchServerResponse = serde_json::from_str(&written).unwrap();
    assert_eq!(again, parsed);
}

#[test]
fn fetch_server_shapes_without_the_quirk() {
    // Plain server (captured).
    let plain = parse::<FetchServer>(
        200,
        r#"{"_id":"01M7YSZ8V8HNB362Z1HYDP0RXY","owner":"01M7YSZ8H1XVFKYWFT7NKJHCGM","name":"Capture Server","channels":["01M7YSZ8V81AWBPFRM30NYSV34"],"default_permissions":77014766592,"approximate_member_count":1}"#,
    )
    .unwrap();
    assert!(plain.channels().is_none());
    assert_eq!(plain.server().channels.len(), 1);

    // Both lists empty: still the include_channels shape.
    let empty =
        parse::<FetchServer>(200, &fixture("fetch_server.include_channels_empty.json")).unwrap();
    assert_eq!(empty.channels(), Some(&[][..]));
    assert!(empty.server().channels.is_empty());

    // Unknown keys anywhere are ignored.
    let probe = parse::<FetchServer>(200, &fixture("fetch_server.probe.json")).unwrap();
    assert_eq!(probe.channels().unwrap().len(), 1);

    // Only the object list (a tolerant reading of a server that sends one key).
    let only_objects = parse::<FetchServer>(
        200,
        r#"{"_id":"01M7YSZ8V8HNB362Z1HYDP0RXY","owner":"01M7YSZ8H1XVFKYWFT7NKJHCGM","name":"S","default_permissions":0,"channels":[{"channel_type":"TextChannel","_id":"01M7YSZ8V81AWBPFRM30NYSV34","server":"01M7YSZ8V8HNB362Z1HYDP0RXY","name":"General"}]}"#,
    )
    .unwrap();
    assert_eq!(only_objects.server().channels.len(), 1);
    assert_eq!(only_objects.channels().unwrap().len(), 1);

    // Broken bodies are decode errors, never panics.
    for bad in [
        "[]",
        "{}",
        r#"{"_id":"x"}"#,
        r#"{"_id":"01M7YSZ8V8HNB362Z1HYDP0RXY","owner":"01M7YSZ8H1XVFKYWFT7NKJHCGM","name":"S","channels":[1],"channels":[2]}"#,
        "{\"channels\":",
    ] {
        assert!(
            matches!(parse::<FetchServer>(200, bad), Err(Error::Decode { .. })),
            "{bad}"
        );
    }
}

#[test]
fn untagged_and_nullable_outputs() {
    match parse::<FetchMember>(200, &fixture("fetch_member.with_roles.json")).unwrap() {
        MemberResponse::WithRoles { member, roles } => {
            assert_eq!(member.roles.len(), 1);
            assert_eq!(roles.len(), 1);
        }
        other => panic!("{other:?}"),
    }
    let bare = parse::<FetchMember>(
        200,
        r#"{"_id":{"server":"01M7YSZ8V8HNB362Z1HYDP0RXY","user":"01M7YSZ8V6D4QNP163AMRA3ARS"},"joined_at":"2026-11-21T10:21:00.440Z"}"#,
    )
    .unwrap();
    assert!(matches!(bare, MemberResponse::Member(_)));

    let none = parse::<VerifyEmail>(200, &fixture("verify_email.no_ticket.json")).unwrap();
    assert_eq!(none, ResponseVerify::NoTicket);
    assert!(none.ticket().is_none());
    let ticket = parse::<VerifyEmail>(200, &fixture("verify_email.ticket.json")).unwrap();
    let ticket = ticket.ticket().unwrap();
    assert!(ticket.validated);
    assert_eq!(ticket.token.expose(), "ticket-token");
    assert!(!format!("{ticket:?}").contains("ticket-token"));

    let query = parse::<QueryMembers>(200, &fixture("member_query_response.json")).unwrap();
    assert_eq!(query.members.len(), 1);
    assert_eq!(query.users[0].username, "capbot");

    match parse::<Login>(200, &fixture("login.mfa.json")).unwrap() {
        ResponseLogin::Mfa {
            ticket,
            allowed_methods,
        } => {
            assert_eq!(ticket.expose(), "login-ticket");
            assert_eq!(allowed_methods.len(), 3);
        }
        other => panic!("{other:?}"),
    }

    let search = parse::<SearchMessages>(200, &fixture("search_messages.with_users.json")).unwrap();
    assert!(matches!(
        search,
        BulkMessageResponse::MessagesAndUsers { .. }
    ));
    assert_eq!(search.messages()[0].content.as_deref(), Some("needle"));

    // 204 routes.
    parse::<AddReaction>(204, "").unwrap();
    parse::<ExecuteGithubWebhook>(200, "").unwrap();
    let codes = parse::<FetchRecoveryCodes>(200, r#"["abcd-efgh","ijkl-mnop"]"#).unwrap();
    assert_eq!(codes.len(), 2);
}

#[test]
fn the_default_avatar_is_read_as_bytes() {
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    let ok = http::Response::builder()
        .status(200)
        .header("content-type", "image/png")
        .body(Bytes::from(png.clone()))
        .unwrap();
    assert_eq!(FetchDefaultAvatar::parse(&ok).unwrap().0, png);
    // The JSON pipeline cannot decode it (and says so instead of panicking).
    assert!(matches!(
        parse_response::<PngImage>(&ok),
        Err(Error::Decode { .. })
    ));
    let missing = response(404, r#"{"type":"NotFound","location":"x"}"#);
    match FetchDefaultAvatar::parse(&missing) {
        Err(Error::Api(api)) => assert_eq!(api.status, StatusCode::NOT_FOUND),
        other => panic!("{other:?}"),
    }
}

/// The official server answers `NoEffect` with HTTP 200 and the error body (reference
/// §errors); for a route without output that is a success, not a failure or a parse error.
#[test]
fn no_effect_with_status_200_is_a_success() {
    const NO_EFFECT: &str = r#"{"type":"NoEffect","location":"crates/delta/src/routes/channels/channel_delete.rs:39:46"}"#;
    let channel = "01M7YSZ8V81AWBPFRM30NYSV34".parse().unwrap();
    parse::<CloseChannel>(200, NO_EFFECT).expect("CloseChannel on Saved Messages");
    parse::<CloseChannel>(200, &format!("  \n{NO_EFFECT}")).expect("leading whitespace");
    // Through the whole pipeline too.
    let rest = stoat_core::http::Rest::new("http://api.test", None);
    let mut call = rest.call(&CloseChannel::new(channel)).unwrap();
    let now = std::time::Instant::now();
    assert!(matches!(call.poll(now), stoat_core::http::Step::Send(_)));
    call.handle_response(now, response(200, NO_EFFECT));
    assert!(matches!(
        call.poll(now),
        stoat_core::http::Step::Done(Ok(()))
    ));
    // A route that must return data gets the typed NoEffect, not a decode error.
    match parse::<FetchChannel>(200, NO_EFFECT) {
        Err(Error::Api(error)) => {
            assert_eq!(error.status, StatusCode::OK);
            assert_eq!(error.error, stoat_core::http::ErrorType::NoEffect);
        }
        other => panic!("{other:?}"),
    }
    // Only the NoEffect shape is special: other bodies that mention it are data.
    let message = r#"{"type":"Text","_id":"x","content":"\"NoEffect\""}"#;
    assert!(matches!(
        parse::<CloseChannel>(200, message),
        Err(Error::Decode { .. })
    ));
    // An error status with NoEffect (an older server) is still an error.
    assert!(matches!(
        parse::<CloseChannel>(400, NO_EFFECT),
        Err(Error::Api(_))
    ));
}
