//! The WebSocket gateway (bonfire, reference §1): any path, `version`/`format`/`token`/
//! `ready` query keys, Authenticate → Authenticated → Ready, Ping/Pong, typing, Subscribe.

use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver};
use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};
use tokio_tungstenite::tungstenite::protocol::frame::coding::{Data, OpCode};
use tokio_tungstenite::tungstenite::protocol::frame::Frame;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

use super::config::GatewayFault;
use super::events::Topic;
use super::ready::{self, ReadyFields};
use super::state::{ConnCommand, Format, Identity, Shared};
use super::{permissions, wire};

type Socket = WebSocketStream<TcpStream>;

/// The `InvalidSession` error bonfire sends before dropping the socket.
const INVALID_SESSION: &str = "crates/core/database/src/models/users/model.rs:346:38";

/// Accepts gateway connections until the runtime stops.
pub(crate) async fn serve(listener: TcpListener, shared: Arc<Shared>) {
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                tokio::spawn(connection(stream, Arc::clone(&shared)));
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
        }
    }
}

/// The query keys bonfire reads. Values are taken literally (no percent-decoding).
#[derive(Debug, Default)]
struct Query {
    format: Option<Format>,
    token: Option<String>,
    ready: Vec<String>,
}

fn parse_query(query: Option<&str>) -> Query {
    let mut parsed = Query::default();
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match key {
            "format" => {
                parsed.format = Some(if value == "msgpack" {
                    Format::Msgpack
                } else {
                    Format::Json
                });
            }
            "token" => parsed.token = Some(value.to_owned()),
            "ready" => parsed.ready.push(value.to_owned()),
            _ => {}
        }
    }
    parsed
}

/// A decoded client message (`ClientMessage`, reference §1.6).
#[derive(Debug, PartialEq)]
enum ClientMessage {
    Authenticate(String),
    BeginTyping(String),
    EndTyping(String),
    Subscribe(String),
    Ping(Value),
}

fn decode(message: &Message, format: Format) -> Option<ClientMessage> {
    let value: Value = match (message, format) {
        (Message::Text(text), Format::Json) => serde_json::from_str(text.as_str()).ok()?,
        (Message::Binary(bytes), Format::Msgpack) => rmp_serde::from_slice(bytes).ok()?,
        _ => return None,
    };
    let string = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_owned);
    match value.get("type")?.as_str()? {
        "Authenticate" => string("token").map(ClientMessage::Authenticate),
        "BeginTyping" => string("channel").map(ClientMessage::BeginTyping),
        "EndTyping" => string("channel").map(ClientMessage::EndTyping),
        "Subscribe" => string("server_id").map(ClientMessage::Subscribe),
        "Ping" => {
            if !value.get("responded").is_none_or(Value::is_null) {
                return None;
            }
            let data = value.get("data")?;
            let valid = match data {
                Value::Number(n) => n.as_u64().is_some(),
                Value::Array(items) => items.iter().all(|i| i.as_u64().is_some_and(|n| n <= 255)),
                _ => false,
            };
            valid.then(|| ClientMessage::Ping(data.clone()))
        }
        _ => None,
    }
}

/// How a connection ended.
enum End {
    /// Drop the TCP connection without a close frame.
    Drop,
    /// The client closed; the close reply has been sent.
    ClientClosed,
    /// The stream ended or failed.
    Gone,
}

async fn send(ws: &mut Socket, format: Format, value: &Value) -> bool {
    let message = match format {
        Format::Json => match serde_json::to_string(value) {
            Ok(text) => Message::Text(text.into()),
            Err(_) => return true,
        },
        Format::Msgpack => Message::Binary(wire::to_msgpack(value).into()),
    };
    ws.send(message).await.is_ok()
}

async fn connection(stream: TcpStream, shared: Arc<Shared>) {
    let _ = stream.set_nodelay(true);
    let mut query_string: Option<String> = None;
    #[allow(
        clippy::result_large_err,
        reason = "the signature is tungstenite's handshake callback"
    )]
    let callback = |request: &Request, response: Response| {
        query_string = request.uri().query().map(str::to_owned);
        Ok(response)
    };
    let handshake = tokio_tungstenite::accept_hdr_async(stream, callback);
    let Ok(Ok(mut ws)) = tokio::time::timeout(Duration::from_secs(10), handshake).await else {
        return;
    };
    let query = parse_query(query_string.as_deref());
    let format = query.format.unwrap_or(Format::Json);

    let (tx, mut rx) = unbounded_channel();
    let id = shared.lock().add_connection(tx);
    let end = run(&mut ws, &mut rx, id, &query, format, &shared).await;
    {
        let mut state = shared.lock();
        if let Some(connection) = state.connections.remove(&id) {
            if let Some(identity) = connection.identity {
                if !state.is_online(&identity.user_id) {
                    state.publish_presence(&identity.user_id, false);
                }
            }
        }
    }
    match end {
        End::ClientClosed => {
            let _ = ws.flush().await;
        }
        End::Drop | End::Gone => {}
    }
    drop(ws);
}

async fn run(
    ws: &mut Socket,
    rx: &mut UnboundedReceiver<ConnCommand>,
    id: u64,
    query: &Query,
    format: Format,
    shared: &Arc<Shared>,
) -> End {
    let token = match &query.token {
        Some(token) => token.clone(),
        None => match wait_for_authenticate(ws, rx, format, shared).await {
            Ok(token) => token,
            Err(end) => return end,
        },
    };
    let identity = shared.lock().identify(&token);
    let Some(identity) = identity else {
        let error = json!({"type": "Error", "data": {"type": "InvalidSession", "location": INVALID_SESSION}});
        let _ = send(ws, format, &error).await;
        return End::Drop;
    };
    if !send(ws, format, &json!({"type": "Authenticated"})).await {
        return End::Gone;
    }
    let ready = {
        let mut state = shared.lock();
        state.stats.authentications += 1;
        if !state.is_online(&identity.user_id) {
            state.publish_presence(&identity.user_id, true);
        }
        if let Some(connection) = state.connections.get_mut(&id) {
            connection.identity = Some(identity.clone());
        }
        state.prime_connection(id);
        state.stats.readies_sent += 1;
        ready::build(&state, &identity, &ReadyFields::from_query(&query.ready))
    };
    if !send(ws, format, &ready).await {
        return End::Gone;
    }
    let fault = shared.lock().gateway_fault.clone();
    match fault {
        Some(GatewayFault::CloseAfterReady { code, reason }) => {
            let frame = CloseFrame {
                code: code.into(),
                reason: reason.into(),
            };
            let _ = ws.close(Some(frame)).await;
            return End::Drop;
        }
        Some(GatewayFault::HugeMessageAfterReady { size, frame_size })
            if !send_huge(ws, format, size, frame_size, shared).await =>
        {
            return End::Gone;
        }
        _ => {}
    }
    loop {
        tokio::select! {
            frame = ws.next() => match frame {
                Some(Ok(Message::Close(_))) => return End::ClientClosed,
                Some(Ok(message)) => {
                    if let Some(message) = decode(&message, format) {
                        if !handle(ws, id, &identity, message, format, shared).await {
                            return End::Gone;
                        }
                    }
                }
                Some(Err(_)) | None => return End::Gone,
            },
            command = rx.recv() => match command {
                Some(ConnCommand::Event(event)) => {
                    if !send(ws, format, &event).await {
                        return End::Gone;
                    }
                }
                Some(ConnCommand::Logout) => {
                    let _ = send(ws, format, &json!({"type": "Logout"})).await;
                    return End::Drop;
                }
                Some(ConnCommand::Drop) | None => return End::Drop,
            },
        }
    }
}

/// Writes one `size`-byte data message as a run of `frame_size` frames, generating each
/// frame as it goes. `false` as soon as a write fails (the client gave up on it).
async fn send_huge(
    ws: &mut Socket,
    format: Format,
    size: usize,
    frame_size: usize,
    shared: &Arc<Shared>,
) -> bool {
    let frame_size = frame_size.max(1);
    let first = match format {
        Format::Json => OpCode::Data(Data::Text),
        Format::Msgpack => OpCode::Data(Data::Binary),
    };
    let mut sent = 0;
    while sent < size {
        let len = frame_size.min(size - sent);
        let opcode = if sent == 0 {
            first
        } else {
            OpCode::Data(Data::Continue)
        };
        let is_final = sent + len == size;
        // A fresh buffer per frame: what the client refuses is never held here in full.
        let frame = Frame::message(vec![b'x'; len], opcode, is_final);
        if ws.send(Message::Frame(frame)).await.is_err() {
            return false;
        }
        sent += len;
        shared.lock().fault_bytes_sent += len as u64;
    }
    true
}

/// Reads frames until one decodes as `Authenticate`; everything else is ignored.
async fn wait_for_authenticate(
    ws: &mut Socket,
    rx: &mut UnboundedReceiver<ConnCommand>,
    format: Format,
    shared: &Arc<Shared>,
) -> Result<String, End> {
    loop {
        tokio::select! {
            frame = ws.next() => match frame {
                Some(Ok(Message::Close(_))) => return Err(End::ClientClosed),
                Some(Ok(message)) => match decode(&message, format) {
                    Some(ClientMessage::Authenticate(token)) => return Ok(token),
                    Some(ClientMessage::Ping(_)) => shared.lock().stats.pings_received += 1,
                    _ => {}
                },
                Some(Err(_)) | None => return Err(End::Gone),
            },
            command = rx.recv() => match command {
                Some(ConnCommand::Event(_)) => {}
                Some(ConnCommand::Drop | ConnCommand::Logout) | None => return Err(End::Drop),
            },
        }
    }
}

/// Handles one client message after authentication. `false` if the socket failed.
async fn handle(
    ws: &mut Socket,
    id: u64,
    identity: &Identity,
    message: ClientMessage,
    format: Format,
    shared: &Arc<Shared>,
) -> bool {
    match message {
        ClientMessage::Ping(data) => {
            let answer = {
                let mut state = shared.lock();
                state.stats.pings_received += 1;
                if state.answer_pings {
                    state.stats.pongs_sent += 1;
                }
                state.answer_pings
            };
            if answer {
                return send(ws, format, &json!({"type": "Pong", "data": data})).await;
            }
        }
        ClientMessage::BeginTyping(channel) => typing(shared, identity, channel, true),
        ClientMessage::EndTyping(channel) => typing(shared, identity, channel, false),
        ClientMessage::Subscribe(server) => subscribe(shared, id, identity, server),
        // Ignored after authentication; bonfire never answers a client message.
        ClientMessage::Authenticate(_) => {}
    }
    true
}

/// `Subscribe`: members only; an LRU of 5 servers per connection (bots get every
/// `{server}u` topic anyway).
fn subscribe(shared: &Arc<Shared>, id: u64, identity: &Identity, server: String) {
    let mut state = shared.lock();
    if state.member(&server, &identity.user_id).is_none() {
        return;
    }
    if let Some(connection) = state.connections.get_mut(&id) {
        connection.subscriptions.retain(|s| *s != server);
        connection.subscriptions.push_back(server);
        while connection.subscriptions.len() > 5 {
            connection.subscriptions.pop_front();
        }
    }
}

fn typing(shared: &Arc<Shared>, identity: &Identity, channel: String, start: bool) {
    let state = shared.lock();
    if permissions::can_view(&state, &channel, &identity.user_id) {
        let kind = if start {
            "ChannelStartTyping"
        } else {
            "ChannelStopTyping"
        };
        let event = json!({"type": kind, "id": channel, "user": identity.user_id});
        state.publish(&Topic::Channel(channel), &event);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_is_read_literally() {
        let q = parse_query(Some(
            "version=1&format=msgpack&token=a%20b&ready=users&ready=servers",
        ));
        assert_eq!(q.format, Some(Format::Msgpack));
        assert_eq!(q.token.as_deref(), Some("a%20b"));
        assert_eq!(q.ready, ["users", "servers"]);
        assert_eq!(parse_query(Some("format=xml")).format, Some(Format::Json));
    }

    #[test]
    fn ping_validation() {
        let text = |s: &str| Message::Text(s.to_owned().into());
        assert_eq!(
            decode(&text(r#"{"type":"Ping","data":1}"#), Format::Json),
            Some(ClientMessage::Ping(json!(1)))
        );
        assert_eq!(
            decode(&text(r#"{"type":"Ping","data":[1,2,3]}"#), Format::Json),
            Some(ClientMessage::Ping(json!([1, 2, 3])))
        );
        for bad in [
            r#"{"type":"Ping","data":"abc"}"#,
            r#"{"type":"Ping","data":-1}"#,
            r#"{"type":"Ping","data":1.5}"#,
            r#"{"type":"Ping","data":[256]}"#,
            r#"{"type":"Ping"}"#,
            r#"{"type":"Ping","data":1,"responded":true}"#,
            r#"{"type":"Nope"}"#,
            "not json",
        ] {
            assert_eq!(decode(&text(bad), Format::Json), None, "{bad}");
        }
        assert_eq!(
            decode(&text(r#"{"type":"Ping","data":1}"#), Format::Msgpack),
            None
        );
    }
}
