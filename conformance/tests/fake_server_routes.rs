//! The fake server's management routes: channels, servers, roles, members, bans, invites,
//! emojis, users, bots and webhooks. For each area: the response shapes, the gateway
//! events a bot receives (in order), the bot's `403` where the owner succeeds, `404` for
//! unknown ids, and the rate-limit bucket of each route.
//!
//! HTTP is spoken with raw `TcpStream` writes, the gateway with tokio-tungstenite.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use stoat_conformance::{FakeConfig, FakeServer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

const BOT: &str = "01M7YSZ8V6D4QNP163AMRA3ARS";
const OWNER: &str = "01M7YSZ8H1XVFKYWFT7NKJHCGM";
const SERVER: &str = "01M7YSZ8V8HNB362Z1HYDP0RXY";
const CHANNEL: &str = "01M7YSZ8V81AWBPFRM30NYSV34";
const UNKNOWN: &str = "01J0000000000000000000000Z";
const PERMISSIONS_LOCATION: &str = "crates/core/permissions/src/models/mod.rs:80:17";

// ---------------------------------------------------------------------------------------
// Raw HTTP client

#[derive(Debug)]
struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {} {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// The rate-limit bucket's limit.
    fn limit(&self) -> u32 {
        self.header("x-ratelimit-limit")
            .expect("no x-ratelimit-limit")
            .parse()
            .unwrap()
    }

    /// Asserts a `{"type": kind, …}` error body with `status`.
    fn error(&self, status: u16, kind: &str) -> Value {
        let body = self.json();
        assert_eq!(
            (self.status, body["type"].as_str()),
            (status, Some(kind)),
            "{body}"
        );
        assert!(body["location"].is_string(), "{body}");
        body
    }

    /// Asserts a `403 MissingPermission` naming `permission`.
    fn missing(&self, permission: &str) {
        let body = self.error(403, "MissingPermission");
        assert_eq!(
            body,
            json!({"type": "MissingPermission", "permission": permission,
                "location": PERMISSIONS_LOCATION})
        );
    }
}

async fn raw(
    base: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&[u8]>,
) -> Response {
    let host = base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(host).await.unwrap();
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n");
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
    let mut raw = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut raw))
        .await
        .expect("response timed out")
        .unwrap();
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("no end of headers");
    let head = std::str::from_utf8(&raw[..end]).unwrap();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .map(|l| {
            let (k, v) = l.split_once(": ").unwrap();
            (k.to_owned(), v.to_owned())
        })
        .collect();
    Response {
        status,
        headers,
        body: raw[end + 4..].to_vec(),
    }
}

/// Who sends a request.
#[derive(Clone, Copy)]
enum As<'a> {
    Bot,
    Owner,
    Session(&'a str),
    Nobody,
}

struct Api<'a> {
    server: &'a FakeServer,
}

impl Api<'_> {
    async fn call(&self, who: As<'_>, method: &str, path: &str, body: Option<Value>) -> Response {
        let mut headers: Vec<(&str, &str)> = Vec::new();
        match who {
            As::Bot => headers.push(("X-Bot-Token", self.server.bot_token())),
            As::Owner => headers.push(("X-Session-Token", self.server.user_token())),
            As::Session(token) => headers.push(("X-Session-Token", token)),
            As::Nobody => {}
        }
        let body = body.map(|b| serde_json::to_vec(&b).unwrap());
        if body.is_some() {
            headers.push(("Content-Type", "application/json"));
        }
        raw(
            &self.server.api_url(),
            method,
            path,
            &headers,
            body.as_deref(),
        )
        .await
    }

    async fn get(&self, who: As<'_>, path: &str) -> Response {
        self.call(who, "GET", path, None).await
    }

    async fn delete(&self, who: As<'_>, path: &str) -> Response {
        self.call(who, "DELETE", path, None).await
    }

    async fn post(&self, who: As<'_>, path: &str, body: Value) -> Response {
        self.call(who, "POST", path, Some(body)).await
    }

    async fn patch(&self, who: As<'_>, path: &str, body: Value) -> Response {
        self.call(who, "PATCH", path, Some(body)).await
    }

    async fn put(&self, who: As<'_>, path: &str, body: Value) -> Response {
        self.call(who, "PUT", path, Some(body)).await
    }

    /// Uploads `data` to autumn under `tag`; returns the file id.
    async fn upload(&self, who: As<'_>, tag: &str, filename: &str, data: &[u8]) -> String {
        let boundary = "routesboundary";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(data);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let content_type = format!("multipart/form-data; boundary={boundary}");
        let token = match who {
            As::Bot => ("X-Bot-Token", self.server.bot_token()),
            _ => ("X-Session-Token", self.server.user_token()),
        };
        let response = raw(
            &self.server.autumn_url(),
            "POST",
            &format!("/{tag}"),
            &[token, ("Content-Type", &content_type)],
            Some(&body),
        )
        .await;
        assert_eq!(
            response.status,
            200,
            "{}",
            String::from_utf8_lossy(&response.body)
        );
        response.json()["id"].as_str().unwrap().to_owned()
    }
}

/// A 3×2 PNG header (enough for autumn to see an image).
fn png() -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend_from_slice(&3_u32.to_be_bytes());
    png.extend_from_slice(&2_u32.to_be_bytes());
    png.extend_from_slice(&[8, 6, 0, 0, 0]);
    png
}

// ---------------------------------------------------------------------------------------
// Gateway client

/// An authenticated gateway connection (after `Ready`).
async fn gateway(server: &FakeServer, token: &str) -> Ws {
    let url = format!("{}/?version=1&format=json", server.ws_url());
    let (mut ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    let auth = json!({"type": "Authenticate", "token": token}).to_string();
    ws.send(Message::Text(auth.into())).await.unwrap();
    assert_eq!(next_event(&mut ws).await["type"], "Authenticated");
    assert_eq!(next_event(&mut ws).await["type"], "Ready");
    ws
}

async fn bot_gateway(server: &FakeServer) -> Ws {
    gateway(server, server.bot_token()).await
}

/// The next event; presence-only `UserUpdate`s are skipped. Panics after 5 s.
async fn next_event(ws: &mut Ws) -> Value {
    loop {
        let frame = tokio::time::timeout(Duration::from_secs(5), ws.next())
            .await
            .expect("no event within 5 s")
            .expect("stream ended")
            .expect("socket error");
        let Message::Text(text) = frame else {
            continue;
        };
        let event: Value = serde_json::from_str(text.as_str()).unwrap();
        let presence = event["type"] == "UserUpdate"
            && event["data"]
                .as_object()
                .is_some_and(|d| d.keys().eq(["online"]));
        if !presence {
            return event;
        }
    }
}

/// Asserts that no event (other than presence) arrives for a short while.
async fn expect_quiet(ws: &mut Ws) {
    let deadline = tokio::time::Instant::now() + Duration::from_millis(150);
    loop {
        match tokio::time::timeout_at(deadline, ws.next()).await {
            Err(_) => return,
            Ok(Some(Ok(Message::Text(text)))) => {
                let event: Value = serde_json::from_str(text.as_str()).unwrap();
                assert!(
                    event["type"] == "UserUpdate" && event["data"].get("online").is_some(),
                    "unexpected event {event}"
                );
            }
            Ok(_) => {}
        }
    }
}

fn start() -> FakeServer {
    FakeServer::start(FakeConfig::default().ratelimits_enabled(false))
}

fn without(mut value: Value, key: &str) -> Value {
    if let Value::Object(map) = &mut value {
        map.remove(key);
    }
    value
}

// ---------------------------------------------------------------------------------------
// Channels

#[tokio::test]
async fn channel_routes_shapes_events_and_errors() {
    let server = start();
    let api = Api { server: &server };
    let mut bot = bot_gateway(&server).await;

    // Create (capture: ServerUpdate{channels} then ChannelCreate).
    let body =
        json!({"type": "Text", "name": "capture-channel", "description": "created by the capture"});
    let created = api
        .post(
            As::Owner,
            &format!("/servers/{SERVER}/channels"),
            body.clone(),
        )
        .await;
    assert_eq!((created.status, created.limit()), (200, 5));
    let channel = created.json();
    let id = channel["_id"].as_str().unwrap().to_owned();
    assert_eq!(
        channel,
        json!({"channel_type": "TextChannel", "_id": id, "server": SERVER,
            "name": "capture-channel", "description": "created by the capture"})
    );
    assert_eq!(
        next_event(&mut bot).await,
        json!({"type": "ServerUpdate", "id": SERVER, "data": {"channels": [CHANNEL, id]}, "clear": []})
    );
    let mut create = json!({"type": "ChannelCreate"});
    create
        .as_object_mut()
        .unwrap()
        .extend(channel.as_object().unwrap().clone());
    assert_eq!(next_event(&mut bot).await, create);
    api.post(
        As::Bot,
        &format!("/servers/{SERVER}/channels"),
        body.clone(),
    )
    .await
    .missing("ManageChannel");
    let unknown = api
        .post(As::Owner, &format!("/servers/{UNKNOWN}/channels"), body)
        .await;
    unknown.error(404, "NotFound");
    let invalid = api
        .post(
            As::Owner,
            &format!("/servers/{SERVER}/channels"),
            json!({"name": ""}),
        )
        .await;
    invalid.error(400, "FailedValidation");

    // Edit, then clear a field.
    let path = format!("/channels/{id}");
    let edited = api
        .patch(
            As::Owner,
            &path,
            json!({"name": "capture-renamed", "description": "new description"}),
        )
        .await;
    assert_eq!((edited.status, edited.limit()), (200, 15));
    assert_eq!(edited.json()["name"], "capture-renamed");
    assert_eq!(
        next_event(&mut bot).await,
        json!({"type": "ChannelUpdate", "id": id,
            "data": {"name": "capture-renamed", "description": "new description"}, "clear": []})
    );
    let cleared = api
        .patch(As::Owner, &path, json!({"remove": ["Description"]}))
        .await;
    assert_eq!(
        cleared.json(),
        json!({"channel_type": "TextChannel", "_id": id, "server": SERVER, "name": "capture-renamed"})
    );
    assert_eq!(
        next_event(&mut bot).await,
        json!({"type": "ChannelUpdate", "id": id, "data": {}, "clear": ["Description"]})
    );
    api.patch(As::Bot, &path, json!({"name": "General"}))
        .await
        .missing("ManageChannel");
    assert_eq!(
        api.patch(As::Owner, &path, json!({"remove": ["Nope"]}))
            .await
            .status,
        422
    );
    api.patch(
        As::Owner,
        &format!("/channels/{UNKNOWN}"),
        json!({"name": "x"}),
    )
    .await
    .error(404, "NotFound");

    // Default permissions: denying ViewChannel hides it from the bot (ChannelDelete), and
    // allowing it again shows it (a full ChannelCreate).
    let default_path = format!("/channels/{id}/permissions/default");
    let denied = api
        .put(
            As::Owner,
            &default_path,
            json!({"permissions": {"allow": 0, "deny": 1_048_576}}),
        )
        .await;
    assert_eq!((denied.status, denied.limit()), (200, 15));
    assert_eq!(
        denied.json()["default_permissions"],
        json!({"a": 0, "d": 1_048_576})
    );
    assert_eq!(
        next_event(&mut bot).await,
        json!({"type": "ChannelDelete", "id": id})
    );
    let allowed = api
        .put(
            As::Owner,
            &default_path,
            json!({"permissions": {"allow": 0, "deny": 0}}),
        )
        .await
        .json();
    let shown = next_event(&mut bot).await;
    assert_eq!(shown["type"], "ChannelCreate");
    assert_eq!(without(shown, "type"), allowed);
    api.put(
        As::Bot,
        &default_path,
        json!({"permissions": {"allow": 0, "deny": 0}}),
    )
    .await
    .missing("ManagePermissions");
    api.put(As::Owner, &default_path, json!({"permissions": 5}))
        .await
        .error(400, "InvalidOperation");

    // Role override: the whole map is sent, on the server topic.
    let role = api
        .post(
            As::Owner,
            &format!("/servers/{SERVER}/roles"),
            json!({"name": "Mods"}),
        )
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(next_event(&mut bot).await["type"], "ServerRoleUpdate");
    let role_path = format!("/channels/{id}/permissions/{role}");
    let overridden = api
        .put(
            As::Owner,
            &role_path,
            json!({"permissions": {"allow": 8_388_608, "deny": 0}}),
        )
        .await;
    assert_eq!((overridden.status, overridden.limit()), (200, 15));
    assert_eq!(
        overridden.json()["role_permissions"],
        json!({role.as_str(): {"a": 8_388_608, "d": 0}})
    );
    assert_eq!(
        next_event(&mut bot).await,
        json!({"type": "ChannelUpdate", "id": id,
            "data": {"role_permissions": {role.as_str(): {"a": 8_388_608, "d": 0}}}, "clear": []})
    );
    api.put(
        As::Owner,
        &format!("/channels/{id}/permissions/{UNKNOWN}"),
        json!({"permissions": {"allow": 0, "deny": 0}}),
    )
    .await
    .error(404, "NotFound");
    api.put(
        As::Bot,
        &role_path,
        json!({"permissions": {"allow": 0, "deny": 0}}),
    )
    .await
    .missing("ManagePermissions");

    // Invites: bots cannot create them.
    let invite = api
        .post(As::Owner, &format!("/channels/{id}/invites"), json!(null))
        .await;
    assert_eq!((invite.status, invite.limit()), (200, 15));
    let invite = invite.json();
    let code = invite["_id"].as_str().unwrap();
    assert_eq!(code.len(), 8);
    assert_eq!(
        invite,
        json!({"type": "Server", "_id": code, "server": SERVER, "creator": OWNER, "channel": id})
    );
    api.post(As::Bot, &format!("/channels/{id}/invites"), json!(null))
        .await
        .error(400, "IsBot");

    // Group members: a text channel is not a group.
    let members = api
        .get(As::Bot, &format!("/channels/{CHANNEL}/members"))
        .await;
    assert_eq!(members.limit(), 15);
    members.error(400, "InvalidOperation");
    api.get(As::Bot, &format!("/channels/{UNKNOWN}/members"))
        .await
        .error(404, "NotFound");

    // Channel webhooks.
    let hooks_path = format!("/channels/{CHANNEL}/webhooks");
    let webhook = api
        .post(As::Owner, &hooks_path, json!({"name": "CI"}))
        .await;
    assert_eq!((webhook.status, webhook.limit()), (200, 15));
    let webhook = webhook.json();
    let token = webhook["token"].as_str().unwrap().to_owned();
    assert_eq!(token.len(), 64);
    assert_eq!(
        webhook,
        json!({"id": webhook["id"], "name": "CI", "creator_id": OWNER, "channel_id": CHANNEL,
            "permissions": 876_609_536, "token": token})
    );
    let event = next_event(&mut bot).await;
    assert_eq!(event["type"], "WebhookCreate");
    assert_eq!(event["token"], Value::Null);
    assert_eq!(
        without(without(event, "type"), "token"),
        without(webhook.clone(), "token")
    );
    let listed = api.get(As::Owner, &hooks_path).await;
    assert_eq!((listed.json(), listed.limit()), (json!([webhook]), 15));
    api.get(As::Bot, &hooks_path)
        .await
        .missing("ManageWebhooks");
    api.post(As::Bot, &hooks_path, json!({"name": "CI"}))
        .await
        .missing("ManageWebhooks");
    assert_eq!(server.webhooks(CHANNEL), vec![webhook]);

    // Delete: the server's channel list stays consistent.
    api.delete(As::Bot, &format!("/channels/{CHANNEL}"))
        .await
        .missing("ManageChannel");
    let deleted = api.delete(As::Owner, &path).await;
    assert_eq!((deleted.status, deleted.limit()), (204, 15));
    assert_eq!(
        next_event(&mut bot).await,
        json!({"type": "ChannelDelete", "id": id})
    );
    assert_eq!(server.server(SERVER).unwrap()["channels"], json!([CHANNEL]));
    assert!(server.channel(&id).is_none());
    let with_channels = api
        .get(
            As::Owner,
            &format!("/servers/{SERVER}?include_channels=true"),
        )
        .await;
    assert_eq!(with_channels.status, 200);
    api.get(As::Owner, &path).await.error(404, "NotFound");
    api.delete(As::Owner, &path).await.error(404, "NotFound");
    expect_quiet(&mut bot).await;
}

// ---------------------------------------------------------------------------------------
// Servers and roles

#[tokio::test]
async fn server_and_role_routes_shapes_events_and_errors() {
    let server = start();
    let api = Api { server: &server };
    let mut bot = bot_gateway(&server).await;
    let path = format!("/servers/{SERVER}");

    let edited = api
        .patch(
            As::Owner,
            &path,
            json!({"name": "Capture Server (edited)",
            "description": "server description from capture"}),
        )
        .await;
    assert_eq!((edited.status, edited.limit()), (200, 5));
    assert_eq!(
        edited.json(),
        json!({"_id": SERVER, "owner": OWNER, "name": "Capture Server (edited)",
            "description": "server description from capture", "channels": [CHANNEL],
            "default_permissions": 77_014_766_592_u64, "approximate_member_count": 1})
    );
    assert_eq!(
        next_event(&mut bot).await,
        json!({"type": "ServerUpdate", "id": SERVER, "data": {"name": "Capture Server (edited)",
            "description": "server description from capture"}, "clear": []})
    );
    let restored = api
        .patch(
            As::Owner,
            &path,
            json!({"name": "Capture Server", "remove": ["Description", "Categories"]}),
        )
        .await;
    assert!(restored.json().get("description").is_none());
    assert_eq!(
        next_event(&mut bot).await,
        json!({"type": "ServerUpdate", "id": SERVER, "data": {"name": "Capture Server"},
            "clear": ["Description", "Categories"]})
    );
    api.patch(As::Bot, &path, json!({"name": "Test Server"}))
        .await
        .missing("ManageServer");
    api.patch(
        As::Owner,
        &format!("/servers/{UNKNOWN}"),
        json!({"name": "x"}),
    )
    .await
    .error(404, "NotFound");

    // Roles: create (capture shapes), fetch, edit.
    let roles = format!("{path}/roles");
    let created = api
        .post(As::Owner, &roles, json!({"name": "CaptureRole"}))
        .await;
    assert_eq!((created.status, created.limit()), (200, 5));
    let created = created.json();
    let role = created["id"].as_str().unwrap().to_owned();
    assert_eq!(
        created,
        json!({"id": role, "role": {"_id": role, "name": "CaptureRole",
            "permissions": {"a": 0, "d": 0}, "rank": 0}})
    );
    assert_eq!(
        next_event(&mut bot).await,
        json!({"type": "ServerRoleUpdate", "id": SERVER, "role_id": role,
            "data": {"id": role, "name": "CaptureRole", "permissions": {"a": 0, "d": 0},
                "hoist": false, "rank": 0}, "clear": []})
    );
    api.post(As::Bot, &roles, json!({"name": "Nope"}))
        .await
        .missing("ManageRole");
    let role_path = format!("{roles}/{role}");
    let edited = api
        .patch(
            As::Owner,
            &role_path,
            json!({"name": "CaptureRole2", "colour": "#ff8800", "hoist": true}),
        )
        .await;
    assert_eq!((edited.status, edited.limit()), (200, 5));
    assert_eq!(
        edited.json(),
        json!({"_id": role, "name": "CaptureRole2", "permissions": {"a": 0, "d": 0},
            "colour": "#ff8800", "hoist": true, "rank": 0})
    );
    assert_eq!(
        next_event(&mut bot).await,
        json!({"type": "ServerRoleUpdate", "id": SERVER, "role_id": role,
            "data": {"name": "CaptureRole2", "colour": "#ff8800", "hoist": true}, "clear": []})
    );
    api.patch(As::Bot, &role_path, json!({"name": "x"}))
        .await
        .missing("ManageRole");
    api.patch(
        As::Owner,
        &format!("{roles}/{UNKNOWN}"),
        json!({"name": "x"}),
    )
    .await
    .error(404, "NotFound");
    let fetched = api.get(As::Bot, &role_path).await;
    assert_eq!((fetched.json(), fetched.limit()), (edited.json(), 5));
    api.get(As::Bot, &format!("{roles}/{UNKNOWN}"))
        .await
        .error(404, "NotFound");

    // Role permissions return the whole server.
    let perms = api
        .put(
            As::Owner,
            &format!("{path}/permissions/{role}"),
            json!({"permissions": {"allow": 8_388_608, "deny": 0}}),
        )
        .await;
    assert_eq!((perms.status, perms.limit()), (200, 5));
    assert_eq!(
        perms.json()["roles"][&role]["permissions"],
        json!({"a": 8_388_608, "d": 0})
    );
    assert_eq!(perms.json()["_id"], SERVER);
    assert_eq!(
        next_event(&mut bot).await,
        json!({"type": "ServerRoleUpdate", "id": SERVER, "role_id": role,
            "data": {"permissions": {"a": 8_388_608, "d": 0}}, "clear": []})
    );
    api.put(
        As::Bot,
        &format!("{path}/permissions/{role}"),
        json!({"permissions": {"allow": 0, "deny": 0}}),
    )
    .await
    .missing("ManagePermissions");
    api.put(
        As::Owner,
        &format!("{path}/permissions/{UNKNOWN}"),
        json!({"permissions": {"allow": 0, "deny": 0}}),
    )
    .await
    .error(404, "NotFound");

    // Server default permissions.
    let defaults = api
        .put(
            As::Owner,
            &format!("{path}/permissions/default"),
            json!({"permissions": 77_014_766_592_u64}),
        )
        .await;
    assert_eq!(
        (defaults.status, defaults.json()["_id"].clone()),
        (200, json!(SERVER))
    );
    assert_eq!(
        next_event(&mut bot).await,
        json!({"type": "ServerUpdate", "id": SERVER,
            "data": {"default_permissions": 77_014_766_592_u64}, "clear": []})
    );
    api.put(
        As::Bot,
        &format!("{path}/permissions/default"),
        json!({"permissions": 0}),
    )
    .await
    .missing("ManagePermissions");

    // Ranks: a second role, then swap them.
    let second = api
        .post(As::Owner, &roles, json!({"name": "Second"}))
        .await
        .json();
    let second = second["id"].as_str().unwrap().to_owned();
    assert_eq!(second_rank(&server, &second), 1);
    assert_eq!(next_event(&mut bot).await["type"], "ServerRoleUpdate");
    let ranks = api
        .patch(
            As::Owner,
            &format!("{roles}/ranks"),
            json!({"ranks": [second, role]}),
        )
        .await;
    assert_eq!((ranks.status, ranks.limit()), (200, 5));
    assert_eq!(ranks.json()["roles"][&second]["rank"], 0);
    assert_eq!(
        next_event(&mut bot).await,
        json!({"type": "ServerRoleRanksUpdate", "id": SERVER, "ranks": [second, role]})
    );
    api.patch(
        As::Owner,
        &format!("{roles}/ranks"),
        json!({"ranks": [role]}),
    )
    .await
    .error(400, "InvalidOperation");
    api.patch(
        As::Bot,
        &format!("{roles}/ranks"),
        json!({"ranks": [role, second]}),
    )
    .await
    .missing("ManageRole");

    // Delete.
    api.delete(As::Bot, &format!("{roles}/{second}"))
        .await
        .missing("ManageRole");
    let deleted = api.delete(As::Owner, &format!("{roles}/{second}")).await;
    assert_eq!((deleted.status, deleted.limit()), (204, 5));
    assert_eq!(
        next_event(&mut bot).await,
        json!({"type": "ServerRoleDelete", "id": SERVER, "role_id": second})
    );
    api.delete(As::Owner, &format!("{roles}/{second}"))
        .await
        .error(404, "NotFound");
    assert_eq!(server.roles(SERVER).as_object().unwrap().len(), 1);

    // A role granting ManageServer lets the bot edit the server.
    api.put(
        As::Owner,
        &format!("{path}/permissions/{role}"),
        json!({"permissions": {"allow": 2, "deny": 0}}),
    )
    .await;
    api.patch(
        As::Owner,
        &format!("{path}/members/{BOT}"),
        json!({"roles": [role]}),
    )
    .await;
    let by_bot = api.patch(As::Bot, &path, json!({"name": "Bot Edit"})).await;
    assert_eq!(by_bot.status, 200);
    // …and nothing else.
    api.patch(As::Bot, &format!("{roles}/{role}"), json!({"name": "x"}))
        .await
        .missing("ManageRole");
    let events = expect_ok_events(&mut bot, 3).await;
    let kinds: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        ["ServerRoleUpdate", "ServerMemberUpdate", "ServerUpdate"]
    );
    expect_quiet(&mut bot).await;
}

fn second_rank(server: &FakeServer, role: &str) -> i64 {
    server.roles(SERVER)[role]["rank"].as_i64().unwrap()
}

/// Reads `count` events and returns them.
async fn expect_ok_events(ws: &mut Ws, count: usize) -> Vec<Value> {
    let mut events = Vec::new();
    for _ in 0..count {
        events.push(next_event(ws).await);
    }
    events
}

#[tokio::test]
async fn permission_changes_recalculate_visibility_like_bonfire() {
    let server = start();
    let api = Api { server: &server };
    let mut bot = bot_gateway(&server).await;
    let roles = format!("/servers/{SERVER}/roles");
    let role = api
        .post(As::Owner, &roles, json!({"name": "Hidden"}))
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    next_event(&mut bot).await;
    let member = format!("/servers/{SERVER}/members/{BOT}");
    let assigned = api
        .patch(As::Owner, &member, json!({"roles": [role]}))
        .await;
    assert_eq!(
        assigned.json(),
        json!({"_id": {"server": SERVER, "user": BOT}, "joined_at": "2026-11-21T10:21:00.440Z",
            "roles": [role]})
    );
    assert_eq!(
        next_event(&mut bot).await,
        json!({"type": "ServerMemberUpdate", "id": {"server": SERVER, "user": BOT},
            "data": {"roles": [role]}, "clear": []})
    );
    // The role was created after this connection's Ready: its cache ignores it (captured).
    let deny = json!({"permissions": {"allow": 0, "deny": 1_048_576}});
    api.put(
        As::Owner,
        &format!("/servers/{SERVER}/permissions/{role}"),
        deny.clone(),
    )
    .await;
    assert_eq!(next_event(&mut bot).await["type"], "ServerRoleUpdate");
    api.patch(As::Owner, &member, json!({"remove": ["Roles"]}))
        .await;
    assert_eq!(
        next_event(&mut bot).await,
        json!({"type": "ServerMemberUpdate", "id": {"server": SERVER, "user": BOT},
            "data": {}, "clear": ["Roles"]})
    );

    // After a reconnect the role is known: Bulk events, the original event last.
    drop(bot);
    let mut bot = bot_gateway(&server).await;
    api.patch(As::Owner, &member, json!({"roles": [role]}))
        .await;
    assert_eq!(
        next_event(&mut bot).await,
        json!({"type": "Bulk", "v": [
            {"type": "ChannelDelete", "id": CHANNEL},
            {"type": "ServerMemberUpdate", "id": {"server": SERVER, "user": BOT},
                "data": {"roles": [role]}, "clear": []}
        ]})
    );
    let perms = json!({"permissions": {"allow": 8_388_608, "deny": 0}});
    api.put(
        As::Owner,
        &format!("/servers/{SERVER}/permissions/{role}"),
        perms,
    )
    .await;
    assert_eq!(
        next_event(&mut bot).await,
        json!({"type": "Bulk", "v": [
            {"type": "ChannelCreate", "channel_type": "TextChannel", "_id": CHANNEL,
                "server": SERVER, "name": "General"},
            {"type": "ServerRoleUpdate", "id": SERVER, "role_id": role,
                "data": {"permissions": {"a": 8_388_608, "d": 0}}, "clear": []}
        ]})
    );
    // The role now lets the bot manage messages.
    let message = server.inject_user_message(CHANNEL, "pin me");
    next_event(&mut bot).await;
    let pin = format!(
        "/channels/{CHANNEL}/messages/{}/pin",
        message["_id"].as_str().unwrap()
    );
    assert_eq!(api.post(As::Bot, &pin, json!(null)).await.status, 204);
    api.patch(As::Owner, &member, json!({"remove": ["Roles"]}))
        .await;
    expect_ok_events(&mut bot, 3).await;
    let unpin = api.delete(As::Bot, &pin).await;
    unpin.missing("ManageMessages");
    expect_quiet(&mut bot).await;
}

// ---------------------------------------------------------------------------------------
// Members, bans, invites

#[tokio::test]
async fn member_ban_and_invite_routes() {
    let server = start();
    let api = Api { server: &server };
    let mut bot = bot_gateway(&server).await;
    let (alice, alice_token) = server.add_user("alice");
    let alice_session = As::Session(&alice_token);

    // An invite anyone can read.
    let code = api
        .post(
            As::Owner,
            &format!("/channels/{CHANNEL}/invites"),
            json!(null),
        )
        .await
        .json()["_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let fetched = api.get(As::Nobody, &format!("/invites/{code}")).await;
    assert_eq!((fetched.status, fetched.limit()), (200, 20));
    assert_eq!(
        fetched.json(),
        json!({"type": "Server", "code": code, "server_id": SERVER, "server_name": "Capture Server",
            "channel_id": CHANNEL, "channel_name": "General", "user_name": "capowner", "member_count": 1})
    );
    api.get(As::Nobody, "/invites/nope1234")
        .await
        .error(404, "NotFound");
    let listed = api
        .get(As::Owner, &format!("/servers/{SERVER}/invites"))
        .await;
    assert_eq!(
        (listed.json().as_array().unwrap().len(), listed.limit()),
        (1, 5)
    );
    api.get(As::Bot, &format!("/servers/{SERVER}/invites"))
        .await
        .missing("ManageServer");

    // Joining: bots cannot, members already are.
    api.post(As::Bot, &format!("/invites/{code}"), json!(null))
        .await
        .error(400, "IsBot");
    api.post(As::Owner, &format!("/invites/{code}"), json!(null))
        .await
        .error(409, "AlreadyInServer");
    let mut alice_ws = gateway(&server, &alice_token).await;
    let joined = api
        .post(alice_session, &format!("/invites/{code}"), json!(null))
        .await;
    assert_eq!((joined.status, joined.limit()), (200, 20));
    let joined = joined.json();
    assert_eq!(joined["type"], "Server");
    assert_eq!(joined["server"]["_id"], SERVER);
    assert_eq!(joined["channels"][0]["_id"], CHANNEL);
    let join = next_event(&mut bot).await;
    assert_eq!(join["type"], "ServerMemberJoin");
    assert_eq!(
        (join["id"].clone(), join["user"].clone()),
        (json!(SERVER), json!(alice))
    );
    assert_eq!(
        join["member"]["_id"],
        json!({"server": SERVER, "user": alice})
    );
    assert_eq!(next_event(&mut alice_ws).await["type"], "ServerMemberJoin");
    let create = next_event(&mut alice_ws).await;
    assert_eq!(create["type"], "ServerCreate");
    assert_eq!(create["voice_states"], json!([]));
    assert_eq!(server.members(SERVER).len(), 3);

    // Edit members.
    let alice_path = format!("/servers/{SERVER}/members/{alice}");
    let nick = api
        .patch(As::Owner, &alice_path, json!({"nickname": "Al"}))
        .await;
    assert_eq!((nick.status, nick.limit()), (200, 5));
    assert_eq!(nick.json()["nickname"], "Al");
    assert_eq!(
        next_event(&mut bot).await,
        json!({"type": "ServerMemberUpdate", "id": {"server": SERVER, "user": alice},
            "data": {"nickname": "Al"}, "clear": []})
    );
    api.patch(As::Bot, &alice_path, json!({"nickname": "x"}))
        .await
        .missing("ManageNicknames");
    let own = api
        .patch(
            As::Bot,
            &format!("/servers/{SERVER}/members/{BOT}"),
            json!({"nickname": "Botty"}),
        )
        .await;
    assert_eq!(own.status, 200);
    assert_eq!(
        next_event(&mut bot).await["data"],
        json!({"nickname": "Botty"})
    );
    api.patch(
        As::Owner,
        &format!("/servers/{SERVER}/members/{UNKNOWN}"),
        json!({"nickname": "x"}),
    )
    .await
    .error(404, "NotFound");
    api.patch(As::Owner, &alice_path, json!({"roles": [UNKNOWN]}))
        .await
        .error(404, "InvalidRole");

    // Kick.
    api.delete(As::Bot, &alice_path)
        .await
        .missing("KickMembers");
    api.delete(As::Owner, &format!("/servers/{SERVER}/members/{OWNER}"))
        .await
        .error(400, "CannotRemoveYourself");
    let kicked = api.delete(As::Owner, &alice_path).await;
    assert_eq!((kicked.status, kicked.limit()), (204, 5));
    let leave = json!({"type": "ServerMemberLeave", "id": SERVER, "user": alice, "reason": "Kick"});
    assert_eq!(next_event(&mut bot).await, leave);
    for _ in 0..2 {
        assert_eq!(
            next_event(&mut alice_ws).await["type"],
            "ServerMemberUpdate"
        );
    }
    assert_eq!(
        next_event(&mut alice_ws).await,
        leave,
        "the kicked member is told too"
    );
    api.delete(As::Owner, &alice_path)
        .await
        .error(404, "NotFound");

    // Ban and unban.
    server.add_member(SERVER, &alice);
    assert_eq!(next_event(&mut bot).await["type"], "ServerMemberJoin");
    let ban_path = format!("/servers/{SERVER}/bans/{alice}");
    api.put(As::Bot, &ban_path, json!({}))
        .await
        .missing("BanMembers");
    let banned = api
        .put(As::Owner, &ban_path, json!({"reason": "spam"}))
        .await;
    assert_eq!((banned.status, banned.limit()), (200, 5));
    assert_eq!(
        banned.json(),
        json!({"_id": {"server": SERVER, "user": alice}, "reason": "spam"})
    );
    assert_eq!(
        next_event(&mut bot).await,
        json!({"type": "ServerMemberLeave", "id": SERVER, "user": alice, "reason": "Ban"})
    );
    let bans = api.get(As::Owner, &format!("/servers/{SERVER}/bans")).await;
    assert_eq!(bans.limit(), 5);
    let bans = bans.json();
    assert_eq!(
        bans["bans"],
        json!([{"_id": {"server": SERVER, "user": alice}, "reason": "spam"}])
    );
    assert_eq!(bans["users"][0]["_id"], alice);
    assert_eq!(bans["users"][0]["avatar"], Value::Null);
    api.get(As::Bot, &format!("/servers/{SERVER}/bans"))
        .await
        .missing("BanMembers");
    api.post(alice_session, &format!("/invites/{code}"), json!(null))
        .await
        .error(403, "Banned");
    assert_eq!(server.bans(SERVER).len(), 1);
    api.delete(As::Bot, &ban_path).await.missing("BanMembers");
    assert_eq!(api.delete(As::Owner, &ban_path).await.status, 204);
    api.delete(As::Owner, &ban_path)
        .await
        .error(404, "NotFound");
    api.put(
        As::Owner,
        &format!("/servers/{SERVER}/bans/{OWNER}"),
        json!({}),
    )
    .await
    .error(400, "CannotRemoveYourself");

    // Delete the invite.
    api.delete(As::Bot, &format!("/invites/{code}"))
        .await
        .missing("ManageServer");
    let deleted = api.delete(As::Owner, &format!("/invites/{code}")).await;
    assert_eq!((deleted.status, deleted.limit()), (204, 20));
    api.get(As::Nobody, &format!("/invites/{code}"))
        .await
        .error(404, "NotFound");
    assert!(server.invites(SERVER).is_empty());
    expect_quiet(&mut bot).await;
}

// ---------------------------------------------------------------------------------------
// Emojis and attachments

#[tokio::test]
async fn emoji_routes_and_single_use_uploads() {
    let server = start();
    let api = Api { server: &server };
    let mut bot = bot_gateway(&server).await;
    let file = api.upload(As::Owner, "emojis", "parrot.png", &png()).await;
    assert_eq!(file.len(), 26, "emoji uploads get a ULID");
    let path = format!("/custom/emoji/{file}");
    let body = json!({"name": "party_parrot", "parent": {"type": "Server", "id": SERVER}});

    api.put(As::Bot, &path, body.clone())
        .await
        .missing("ManageCustomisation");
    let bad = api
        .put(
            As::Owner,
            &path,
            json!({"name": "Bad Name", "parent": {"type": "Server", "id": SERVER}}),
        )
        .await;
    assert_eq!(
        bad.error(400, "FailedValidation")["error"],
        "name: Validation error: regex [{\"value\": String(\"Bad Name\")}]"
    );
    api.put(
        As::Owner,
        &path,
        json!({"name": "x", "parent": {"type": "Detached"}}),
    )
    .await
    .error(400, "InvalidOperation");
    let created = api.put(As::Owner, &path, body.clone()).await;
    assert_eq!((created.status, created.limit()), (200, 20));
    let emoji = created.json();
    assert_eq!(
        emoji,
        json!({"_id": file, "parent": {"type": "Server", "id": SERVER}, "creator_id": OWNER,
            "name": "party_parrot"})
    );
    let event = next_event(&mut bot).await;
    assert_eq!(event["type"], "EmojiCreate");
    assert_eq!(without(event, "type"), emoji);
    // An upload is used once; other tags do not fit.
    api.put(As::Owner, &path, body.clone())
        .await
        .error(404, "NotFound");
    let attachment = api.upload(As::Owner, "attachments", "a.txt", b"text").await;
    api.put(
        As::Owner,
        &format!("/custom/emoji/{attachment}"),
        body.clone(),
    )
    .await
    .error(404, "NotFound");

    // Fetch and list.
    let fetched = api.get(As::Nobody, &path).await;
    assert_eq!((fetched.json(), fetched.limit()), (emoji.clone(), 20));
    let listed = api.get(As::Bot, &format!("/servers/{SERVER}/emojis")).await;
    assert_eq!((listed.json(), listed.limit()), (json!([emoji]), 5));
    assert_eq!(server.emojis(SERVER), vec![emoji.clone()]);
    api.get(As::Nobody, &format!("/custom/emoji/{UNKNOWN}"))
        .await
        .error(404, "NotFound");

    // Custom emoji reactions.
    let message = server.inject_user_message(CHANNEL, "react to me");
    next_event(&mut bot).await;
    let message_id = message["_id"].as_str().unwrap();
    let react = format!("/channels/{CHANNEL}/messages/{message_id}/reactions/{file}");
    assert_eq!(api.put(As::Bot, &react, json!(null)).await.status, 204);
    assert_eq!(next_event(&mut bot).await["emoji_id"], file.as_str());
    let unknown = format!("/channels/{CHANNEL}/messages/{message_id}/reactions/{UNKNOWN}");
    api.put(As::Bot, &unknown, json!(null))
        .await
        .error(404, "NotFound");

    // Attachments in messages: full File objects, once.
    let upload = api
        .upload(As::Bot, "attachments", "notes.txt", b"hello file")
        .await;
    let send = format!("/channels/{CHANNEL}/messages");
    let sent = api
        .post(As::Bot, &send, json!({"attachments": [upload]}))
        .await
        .json();
    assert_eq!(
        sent["attachments"],
        json!([{"_id": upload, "tag": "attachments", "filename": "notes.txt",
            "metadata": {"type": "Text"}, "content_type": "plain/text", "size": 10}])
    );
    assert_eq!(
        next_event(&mut bot).await["attachments"],
        sent["attachments"]
    );
    api.post(As::Bot, &send, json!({"attachments": [upload]}))
        .await
        .error(404, "NotFound");
    api.post(As::Bot, &send, json!({"attachments": ["nope"]}))
        .await
        .error(404, "NotFound");

    // Rename, then delete (the emoji stays fetchable, detached).
    let renamed = api.patch(As::Owner, &path, json!({"name": "parrot"})).await;
    assert_eq!(renamed.json()["name"], "parrot");
    assert_eq!(
        next_event(&mut bot).await,
        json!({"type": "EmojiUpdate", "id": file, "data": {"name": "parrot"}})
    );
    api.delete(As::Bot, &path)
        .await
        .missing("ManageCustomisation");
    let deleted = api.delete(As::Owner, &path).await;
    assert_eq!((deleted.status, deleted.limit()), (204, 20));
    assert_eq!(
        next_event(&mut bot).await,
        json!({"type": "EmojiDelete", "id": file})
    );
    assert_eq!(
        api.get(As::Nobody, &path).await.json()["parent"],
        json!({"type": "Detached"})
    );
    assert!(server.emojis(SERVER).is_empty());
    api.delete(As::Owner, &format!("/custom/emoji/{UNKNOWN}"))
        .await
        .error(404, "NotFound");
    expect_quiet(&mut bot).await;
}

// ---------------------------------------------------------------------------------------
// Users

#[tokio::test]
async fn user_routes_shapes_events_and_errors() {
    let server = start();
    let api = Api { server: &server };
    let mut bot = bot_gateway(&server).await;

    let edited = api
        .patch(
            As::Bot,
            "/users/@me",
            json!({"display_name": "Cap Bot",
            "status": {"text": "working", "presence": "Busy"}}),
        )
        .await;
    assert_eq!((edited.status, edited.limit()), (200, 2));
    assert_eq!(
        edited.json(),
        json!({"_id": BOT, "username": "capbot", "discriminator": "1643", "display_name": "Cap Bot",
            "status": {"text": "working", "presence": "Busy"}, "bot": {"owner": OWNER},
            "relationship": "User", "online": true})
    );
    assert_eq!(
        next_event(&mut bot).await,
        json!({"type": "UserUpdate", "id": BOT, "data": {"display_name": "Cap Bot",
            "status": {"text": "working", "presence": "Busy"}}, "clear": [], "event_id": null})
    );
    let cleared = api
        .patch(
            As::Owner,
            &format!("/users/{BOT}"),
            json!({"remove": ["StatusText", "DisplayName"]}),
        )
        .await;
    assert_eq!(cleared.json()["status"], json!({"presence": "Busy"}));
    assert_eq!(
        next_event(&mut bot).await,
        json!({"type": "UserUpdate", "id": BOT, "data": {}, "clear": ["StatusText", "DisplayName"],
            "event_id": null})
    );
    api.patch(
        As::Bot,
        &format!("/users/{OWNER}"),
        json!({"display_name": "Nope"}),
    )
    .await
    .error(403, "NotPrivileged");
    api.patch(As::Bot, "/users/@me", json!({"display_name": "x"}))
        .await
        .error(400, "FailedValidation");
    api.patch(
        As::Owner,
        &format!("/users/{UNKNOWN}"),
        json!({"display_name": "Nope"}),
    )
    .await
    .error(404, "NotFound");

    // Profiles, flags, default avatars.
    let profile = api.get(As::Bot, &format!("/users/{OWNER}/profile")).await;
    assert_eq!((profile.json(), profile.limit()), (json!({}), 20));
    api.patch(
        As::Owner,
        "/users/@me",
        json!({"profile": {"content": "hello"}}),
    )
    .await;
    // Bots get every member's `UserUpdate` (`{server}u`); profiles only show in `clear`.
    assert_eq!(
        next_event(&mut bot).await,
        json!({"type": "UserUpdate", "id": OWNER, "data": {}, "clear": [], "event_id": null})
    );
    assert_eq!(
        api.get(As::Bot, &format!("/users/{OWNER}/profile"))
            .await
            .json(),
        json!({"content": "hello"})
    );
    api.get(As::Bot, &format!("/users/{UNKNOWN}/profile"))
        .await
        .error(404, "NotFound");
    let flags = api.get(As::Nobody, &format!("/users/{BOT}/flags")).await;
    assert_eq!((flags.json(), flags.limit()), (json!({"flags": 0}), 20));
    assert_eq!(
        api.get(As::Nobody, &format!("/users/{UNKNOWN}/flags"))
            .await
            .json(),
        json!({"flags": 0})
    );
    let avatar = api
        .get(As::Nobody, &format!("/users/{BOT}/default_avatar"))
        .await;
    assert_eq!((avatar.status, avatar.limit()), (200, 255));
    assert_eq!(avatar.header("content-type"), Some("image/png"));
    assert_eq!(
        avatar.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    assert!(avatar.body.starts_with(b"\x89PNG\r\n\x1a\n"));

    // Direct messages.
    let dm = api.get(As::Owner, &format!("/users/{BOT}/dm")).await;
    assert_eq!((dm.status, dm.limit()), (200, 20));
    let dm = dm.json();
    assert_eq!(
        dm,
        json!({"channel_type": "DirectMessage", "_id": dm["_id"], "active": true,
            "recipients": [OWNER, BOT]})
    );
    let event = next_event(&mut bot).await;
    assert_eq!(event["type"], "ChannelCreate");
    assert_eq!(without(event, "type"), dm);
    assert_eq!(
        api.get(As::Owner, &format!("/users/{BOT}/dm")).await.json(),
        dm
    );
    let dms = api.get(As::Bot, "/users/dms").await;
    assert_eq!((dms.json(), dms.limit()), (json!([dm]), 20));
    let saved = api.get(As::Bot, &format!("/users/{BOT}/dm")).await.json();
    assert_eq!(saved["channel_type"], "SavedMessages");
    api.get(As::Bot, &format!("/users/{UNKNOWN}/dm"))
        .await
        .error(404, "NotFound");
    let (_, stranger) = server.add_user("stranger");
    api.get(As::Session(&stranger), &format!("/users/{OWNER}/dm"))
        .await
        .missing_user("SendMessage");
    expect_quiet(&mut bot).await;
}

trait MissingUser {
    fn missing_user(&self, permission: &str);
}

impl MissingUser for Response {
    fn missing_user(&self, permission: &str) {
        let body = self.error(403, "MissingPermission");
        assert_eq!(body["permission"], permission);
    }
}

#[tokio::test]
async fn user_edit_bucket_allows_two_per_window() {
    let server = FakeServer::start(FakeConfig::default());
    let api = Api { server: &server };
    for expected in [200, 200, 429] {
        let response = api
            .patch(As::Bot, "/users/@me", json!({"display_name": "Cap Bot"}))
            .await;
        assert_eq!((response.status, response.limit()), (expected, 2));
    }
    // Another target is another bucket.
    let other = api
        .patch(As::Bot, &format!("/users/{BOT}"), json!({}))
        .await;
    assert_eq!(other.status, 200);
}

// ---------------------------------------------------------------------------------------
// Bots

#[tokio::test]
async fn bot_routes_shapes_and_owner_checks() {
    let server = start();
    let api = Api { server: &server };
    let token = server.bot_token().to_owned();
    let bot_record = json!({"_id": BOT, "owner": OWNER, "token": token, "public": false});

    let owned = api.get(As::Owner, "/bots/@me").await;
    assert_eq!((owned.status, owned.limit()), (200, 10));
    let owned = owned.json();
    assert_eq!(owned["bots"], json!([bot_record]));
    assert_eq!(owned["users"][0]["_id"], BOT);
    assert_eq!(
        api.get(As::Bot, "/bots/@me").await.json(),
        json!({"bots": [], "users": []})
    );
    let fetched = api.get(As::Owner, &format!("/bots/{BOT}")).await;
    assert_eq!((fetched.status, fetched.limit()), (200, 10));
    assert_eq!(fetched.json()["bot"], bot_record);
    assert_eq!(fetched.json()["user"]["relationship"], "None");
    api.get(As::Bot, &format!("/bots/{BOT}"))
        .await
        .error(400, "IsBot");
    api.get(As::Owner, &format!("/bots/{UNKNOWN}"))
        .await
        .error(404, "NotFound");

    // Not public: only the owner sees the invite page.
    api.get(As::Nobody, &format!("/bots/{BOT}/invite"))
        .await
        .error(404, "NotFound");
    api.patch(As::Bot, &format!("/bots/{BOT}"), json!({"public": true}))
        .await
        .error(404, "NotFound");
    let edited = api
        .patch(As::Owner, &format!("/bots/{BOT}"), json!({"public": true}))
        .await;
    assert_eq!((edited.status, edited.limit()), (200, 10));
    let edited = edited.json();
    assert_eq!(edited["public"], true);
    assert_eq!(edited["token"], token.as_str());
    assert_eq!(edited["user"]["_id"], BOT);
    assert_eq!(edited["user"]["relationship"], "User");
    let public = api.get(As::Nobody, &format!("/bots/{BOT}/invite")).await;
    assert_eq!(
        (public.json(), public.limit()),
        (json!({"_id": BOT, "username": "capbot"}), 10)
    );

    // Resetting the token logs the bot out and the old token stops working.
    let mut ws = bot_gateway(&server).await;
    let reset = api
        .patch(
            As::Owner,
            &format!("/bots/{BOT}"),
            json!({"remove": ["Token"]}),
        )
        .await;
    let new_token = reset.json()["token"].as_str().unwrap().to_owned();
    assert_ne!(new_token, token);
    assert_eq!(next_event(&mut ws).await, json!({"type": "Logout"}));
    assert_eq!(api.get(As::Bot, "/users/@me").await.status, 401);
    assert_eq!(server.bot(BOT).unwrap()["token"], new_token.as_str());
    let with_new = raw(
        &server.api_url(),
        "GET",
        "/users/@me",
        &[("X-Bot-Token", &new_token)],
        None,
    )
    .await;
    assert_eq!(with_new.status, 200);
}

// ---------------------------------------------------------------------------------------
// Webhooks

#[tokio::test]
async fn webhook_routes_messages_and_events() {
    let server = start();
    let api = Api { server: &server };
    let mut bot = bot_gateway(&server).await;
    let webhook = api
        .post(
            As::Owner,
            &format!("/channels/{CHANNEL}/webhooks"),
            json!({"name": "CI"}),
        )
        .await
        .json();
    next_event(&mut bot).await;
    let id = webhook["id"].as_str().unwrap().to_owned();
    let token = webhook["token"].as_str().unwrap().to_owned();
    let path = format!("/webhooks/{id}");
    let with_token = format!("/webhooks/{id}/{token}");

    // As a user.
    let fetched = api.get(As::Bot, &path).await;
    assert_eq!((fetched.status, fetched.limit()), (200, 20));
    assert_eq!(
        fetched.json(),
        json!({"id": id, "name": "CI", "avatar": null, "channel_id": CHANNEL, "permissions": 876_609_536})
    );
    api.get(As::Bot, &format!("/webhooks/{UNKNOWN}"))
        .await
        .error(404, "NotFound");
    api.patch(As::Bot, &path, json!({"name": "x"}))
        .await
        .missing("ManageWebhooks");
    let edited = api
        .patch(
            As::Owner,
            &path,
            json!({"name": "CI2", "remove": ["Avatar"]}),
        )
        .await;
    assert_eq!((edited.status, edited.limit()), (200, 20));
    assert_eq!(edited.json()["name"], "CI2");
    assert_eq!(edited.json()["token"], token.as_str());
    assert_eq!(
        next_event(&mut bot).await,
        json!({"type": "WebhookUpdate", "id": id, "data": {"name": "CI2"}, "remove": ["Avatar"]})
    );
    // Only `permissions` changes nothing (as on the server).
    let unchanged = api
        .patch(As::Owner, &path, json!({"permissions": 0}))
        .await
        .json();
    assert_eq!(unchanged["permissions"], 876_609_536);

    // With the token.
    let fetched = api.get(As::Nobody, &with_token).await;
    assert_eq!(
        (fetched.json()["token"].clone(), fetched.limit()),
        (json!(token), 20)
    );
    api.get(As::Nobody, &format!("{path}/wrong"))
        .await
        .error(401, "NotAuthenticated");
    let renamed = api
        .patch(As::Nobody, &with_token, json!({"name": "CI3"}))
        .await;
    assert_eq!(renamed.json()["name"], "CI3");
    assert_eq!(next_event(&mut bot).await["data"], json!({"name": "CI3"}));

    // Execute: a message authored by the webhook, with `webhook` and no `user`.
    let sent = api
        .post(As::Nobody, &with_token, json!({"content": "build passed"}))
        .await;
    assert_eq!((sent.status, sent.limit()), (200, 20));
    let sent = sent.json();
    assert_eq!(sent["author"], id.as_str());
    assert_eq!(sent["webhook"], json!({"name": "CI3", "avatar": null}));
    assert!(sent.get("user").is_none() && sent.get("member").is_none());
    let event = next_event(&mut bot).await;
    assert_eq!(event["type"], "Message");
    assert_eq!(without(event, "type"), sent);
    api.post(
        As::Nobody,
        &format!("{path}/wrong"),
        json!({"content": "x"}),
    )
    .await
    .error(401, "NotAuthenticated");
    api.post(As::Nobody, &with_token, json!({"content": ""}))
        .await
        .error(422, "EmptyMessage");

    // Edit and delete its messages, not others'.
    let message = sent["_id"].as_str().unwrap();
    let edited = api
        .patch(
            As::Nobody,
            &format!("{with_token}/{message}"),
            json!({"content": "build fixed"}),
        )
        .await;
    assert_eq!((edited.status, edited.limit()), (200, 20));
    assert_eq!(edited.json()["content"], "build fixed");
    let update = next_event(&mut bot).await;
    assert_eq!(update["type"], "MessageUpdate");
    assert_eq!(update["data"]["content"], "build fixed");
    let other = server.inject_user_message(CHANNEL, "not yours");
    next_event(&mut bot).await;
    let other = other["_id"].as_str().unwrap();
    api.patch(
        As::Nobody,
        &format!("{with_token}/{other}"),
        json!({"content": "x"}),
    )
    .await
    .error(403, "CannotEditMessage");
    api.delete(As::Nobody, &format!("{with_token}/{other}"))
        .await
        .error(403, "CannotDeleteMessage");
    api.delete(As::Nobody, &format!("{with_token}/{UNKNOWN}"))
        .await
        .error(404, "NotFound");
    let deleted = api
        .delete(As::Nobody, &format!("{with_token}/{message}"))
        .await;
    assert_eq!(deleted.status, 204);
    assert_eq!(
        next_event(&mut bot).await,
        json!({"type": "MessageDelete", "id": message, "channel": CHANNEL})
    );

    // Delete the webhook (with the token), then as a user.
    let deleted = api.delete(As::Nobody, &with_token).await;
    assert_eq!((deleted.status, deleted.limit()), (204, 20));
    assert_eq!(
        next_event(&mut bot).await,
        json!({"type": "WebhookDelete", "id": id})
    );
    api.get(As::Nobody, &with_token)
        .await
        .error(404, "NotFound");
    let second = api
        .post(
            As::Owner,
            &format!("/channels/{CHANNEL}/webhooks"),
            json!({"name": "CD"}),
        )
        .await
        .json();
    let second_token = second["token"].as_str().unwrap().to_owned();
    let created = next_event(&mut bot).await;
    assert!(
        !created.to_string().contains(&second_token),
        "token leaked: {created}"
    );
    let second_path = format!("/webhooks/{}", second["id"].as_str().unwrap());
    api.delete(As::Bot, &second_path)
        .await
        .missing("ManageWebhooks");
    let deleted = api.delete(As::Owner, &second_path).await;
    assert_eq!((deleted.status, deleted.limit()), (204, 20));
    assert_eq!(next_event(&mut bot).await["type"], "WebhookDelete");
    assert!(server.webhooks(CHANNEL).is_empty());
    expect_quiet(&mut bot).await;
}

// ---------------------------------------------------------------------------------------
// Robustness

#[tokio::test]
async fn new_routes_survive_bad_input() {
    let server = start();
    let api = Api { server: &server };
    let routes = [
        ("PATCH", format!("/channels/{CHANNEL}")),
        ("PUT", format!("/channels/{CHANNEL}/permissions/default")),
        ("PUT", format!("/channels/{CHANNEL}/permissions/{UNKNOWN}")),
        ("POST", format!("/channels/{CHANNEL}/webhooks")),
        ("PATCH", format!("/servers/{SERVER}")),
        ("POST", format!("/servers/{SERVER}/channels")),
        ("POST", format!("/servers/{SERVER}/roles")),
        ("PATCH", format!("/servers/{SERVER}/roles/ranks")),
        ("PATCH", format!("/servers/{SERVER}/roles/{UNKNOWN}")),
        ("PUT", format!("/servers/{SERVER}/permissions/default")),
        ("PATCH", format!("/servers/{SERVER}/members/{BOT}")),
        ("PUT", format!("/servers/{SERVER}/bans/{BOT}")),
        ("PUT", format!("/custom/emoji/{UNKNOWN}")),
        ("PATCH", format!("/custom/emoji/{UNKNOWN}")),
        ("PATCH", "/users/@me".to_owned()),
        ("PATCH", format!("/bots/{BOT}")),
        ("POST", format!("/bots/{BOT}/invite")),
        ("PATCH", format!("/webhooks/{UNKNOWN}")),
        ("POST", format!("/webhooks/{UNKNOWN}/token")),
        ("PATCH", format!("/webhooks/{UNKNOWN}/token/{UNKNOWN}")),
    ];
    let bodies: [&[u8]; 8] = [
        b"{",
        b"[]",
        b"null",
        b"{\"name\":5}",
        b"{\"permissions\":{\"allow\":-1,\"deny\":0}}",
        b"{\"remove\":[\"Nope\"]}",
        b"{\"ranks\":[\"a\",\"a\"]}",
        b"{\"timeout\":\"yesterday\",\"roles\":[]}",
    ];
    let owner = ("X-Session-Token", server.user_token());
    for (method, path) in &routes {
        for body in bodies {
            let response = raw(&server.api_url(), method, path, &[owner], Some(body)).await;
            assert!(
                (200..500).contains(&response.status),
                "{method} {path} {}: {}",
                String::from_utf8_lossy(body),
                response.status
            );
        }
    }
    for path in [
        "/users/%F0%9F%91%8D/default_avatar",
        "/users/x/flags",
        "/invites/%00",
    ] {
        assert!(api.get(As::Nobody, path).await.status < 500, "{path}");
    }
    assert_eq!(api.get(As::Nobody, "/").await.status, 200);
}
