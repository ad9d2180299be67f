//! Embedding stoat-core in your own event loop: no adapter crate, no async runtime.
//!
//! ```text
//! cargo run -p stoat-core --example custom_event_loop
//! ```
//!
//! One thread, one loop, plain std sockets: the gateway socket is non-blocking and polled; the
//! loop sleeps until the earlier of "a frame may have arrived" and the deadline the session
//! names. Everything the protocol decides — authenticating, heartbeats, reconnects, the cache,
//! rate limits and retries — comes from core; this file only moves bytes. It runs against
//! the embedded fake server and answers `!ping`; tungstenite frames the WebSocket and ureq
//! carries HTTP, but any WebSocket and HTTP implementation would do.

use std::io::ErrorKind;
use std::net::TcpStream;
use std::time::{Duration, Instant};

use bytes::Bytes;
use stoat_conformance::{FakeConfig, FakeServer};
use stoat_core::cache::Cache;
use stoat_core::client::dispatch;
use stoat_core::gateway::{Event, Output, Session, SessionConfig, WsMessage};
use stoat_core::http::routes::SendMessage;
use stoat_core::http::{Rest, Step, TransportError};
use stoat_core::Token;
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message, WebSocket};

type Socket = WebSocket<MaybeTlsStream<TcpStream>>;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = FakeServer::start(FakeConfig::default());
    let token = Token::bot(server.bot_token());
    let mut session = Session::new(
        SessionConfig::new(server.ws_url(), token.clone())
            .heartbeat(Duration::from_millis(500), Duration::from_secs(2)),
    );
    let rest = Rest::new(server.api_url(), Some(token));
    let http = ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build(),
    );
    let mut cache = Cache::default();
    let mut socket: Option<Socket> = None;
    let mut answered = 0;

    session.start(Instant::now());
    loop {
        // 1. Do what the session asks.
        while let Some(output) = session.poll_output() {
            match output {
                Output::Connect { url } => match tungstenite::connect(url.as_str()) {
                    Ok((ws, _)) => {
                        if let MaybeTlsStream::Plain(tcp) = ws.get_ref() {
                            tcp.set_nonblocking(true)?;
                        }
                        socket = Some(ws);
                        session.handle_connected(Instant::now());
                    }
                    Err(_) => session.handle_connect_failed(Instant::now()),
                },
                Output::Send(frame) => {
                    if let Some(ws) = socket.as_mut() {
                        let message = match frame {
                            WsMessage::Text(text) => Message::text(text),
                            WsMessage::Binary(bytes) => Message::binary(bytes),
                        };
                        // A failed write shows up as a failed read below.
                        let _ = ws.send(message);
                    }
                }
                Output::Disconnect => {
                    if let Some(mut ws) = socket.take() {
                        let _ = ws.close(None);
                    }
                }
                Output::Event(event) => {
                    let update = dispatch(&mut cache, event);
                    println!("{:<20} {:?}", update.event.type_name(), update.change);
                    if let Event::Message(message) = &update.event {
                        if message.content.as_deref() == Some("!ping") {
                            let reply = SendMessage::new(message.channel, "Pong!");
                            let sent = execute(&rest, &http, &reply)?;
                            println!("replied {:?}", sent.content);
                            answered += 1;
                        }
                    }
                    if let Event::Ready(_) = &update.event {
                        server.inject_user_message(server.channel_id(), "!ping");
                    }
                }
                Output::Closed(reason) => {
                    println!("session closed: {reason:?}");
                    return Ok(());
                }
                _ => {}
            }
        }
        if answered == 1 && session.latency().is_some() {
            println!("heartbeat latency {:?}; closing", session.latency());
            session.close();
            continue;
        }

        // 2. Read whatever arrived, without blocking.
        if let Some(ws) = socket.as_mut() {
            match ws.read() {
                Ok(Message::Text(text)) => {
                    session.handle_message(Instant::now(), WsMessage::Text(text.to_string()))
                }
                Ok(Message::Binary(bytes)) => {
                    session.handle_message(Instant::now(), WsMessage::Binary(bytes))
                }
                Ok(Message::Close(frame)) => {
                    // The server's close code decides what the session does next (see CloseCode).
                    socket = None;
                    let (code, reason) = frame.map_or((None, String::new()), |f| {
                        (Some(u16::from(f.code).into()), f.reason.to_string())
                    });
                    session.handle_closed(Instant::now(), code, &reason);
                }
                Ok(_) => {}
                Err(tungstenite::Error::Io(e)) if e.kind() == ErrorKind::WouldBlock => {
                    // 3. Nothing to read: wait a little, but never past the session's deadline.
                    let nap = session
                        .poll_timeout()
                        .map(|t| t.saturating_duration_since(Instant::now()))
                        .unwrap_or(Duration::from_millis(10))
                        .min(Duration::from_millis(10));
                    std::thread::sleep(nap);
                }
                Err(_) => {
                    socket = None;
                    session.handle_disconnected(Instant::now());
                }
            }
        } else if let Some(deadline) = session.poll_timeout() {
            std::thread::sleep(deadline.saturating_duration_since(Instant::now()));
        }

        // 4. Let the session act on its deadlines (early calls are harmless).
        session.handle_timeout(Instant::now());
    }
}

/// One REST call, driven by hand: core decides when to wait, what to send and what it means.
fn execute<R: stoat_core::http::Request>(
    rest: &Rest,
    http: &ureq::Agent,
    request: &R,
) -> Result<R::Output, stoat_core::http::Error> {
    let mut call = rest.call(request)?;
    loop {
        match call.poll(Instant::now()) {
            Step::Wait(until) => {
                std::thread::sleep(until.saturating_duration_since(Instant::now()))
            }
            Step::Send(request) => {
                let (head, body) = request.into_parts();
                let result = http
                    .run(http::Request::from_parts(head, &body[..]))
                    .map_err(|e| TransportError::ambiguous(e.to_string()))
                    .and_then(|response| {
                        let (head, mut body) = response.into_parts();
                        let bytes = body
                            .read_to_vec()
                            .map_err(|e| TransportError::ambiguous(e.to_string()))?;
                        Ok(http::Response::from_parts(head, Bytes::from(bytes)))
                    });
                match result {
                    Ok(response) => call.handle_response(Instant::now(), response),
                    Err(error) => call.handle_transport_error(Instant::now(), error),
                }
            }
            Step::Done(result) => return result,
        }
    }
}
