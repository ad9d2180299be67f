//! The gateway driver: runs a core [`Session`] over an `async-tungstenite` WebSocket.
//!
//! It opens and closes sockets when the session says so, moves whole messages between the
//! socket and the session, sleeps until [`Session::poll_timeout`], and hands every event to
//! the user after [`dispatch`] has applied it to the cache. Everything else (authentication,
//! heartbeats, zombie detection, reconnect backoff, fatal errors) is the session's business.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_io::Timer;
use async_tungstenite::tungstenite::error::CapacityError;
use async_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use async_tungstenite::tungstenite::protocol::CloseFrame;
use async_tungstenite::tungstenite::protocol::WebSocketConfig;
use async_tungstenite::tungstenite::Message;
use async_tungstenite::WebSocketStream;
use futures_lite::{future, StreamExt};
use stoat_core::client::{ClientState, SessionEnded, Update};
use stoat_core::gateway::{CloseCode as WireCloseCode, Command, Output, Session, WsMessage};

use crate::client::WaiterSink;
use crate::http::describe;
use crate::net::{parse_uri, BoxIo, Connector, Target};

/// How long a close frame may take to go out before the socket is simply dropped.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(1);

type Ws = WebSocketStream<BoxIo>;
type Connecting = Pin<Box<dyn Future<Output = Result<Box<Ws>, String>> + Send>>;

/// State shared between the driver and the client handles.
pub(crate) type Shared = ClientState<WaiterSink>;

/// What a client handle asks of the driver.
#[derive(Debug)]
pub(crate) enum Control {
    Command(Command),
    Shutdown,
}

enum Socket {
    None,
    Connecting(Connecting),
    Open(Box<Ws>),
}

/// What woke the driver up.
enum Wake {
    Connected(Result<Box<Ws>, String>),
    Frame(Option<Result<Message, async_tungstenite::tungstenite::Error>>),
    Timeout,
    Control(Option<Control>),
}

/// The driver of one session. [`run`](Self::run) returns when the session has closed.
pub(crate) struct Gateway {
    pub(crate) session: Session,
    pub(crate) connector: Connector,
    pub(crate) shared: Arc<Shared>,
    pub(crate) events: async_channel::Sender<Result<Update, SessionEnded>>,
    pub(crate) control: async_channel::Receiver<Control>,
    /// Dropped when the driver returns, which is what `shutdown` waits for.
    pub(crate) _done: async_channel::Sender<()>,
}

impl Gateway {
    pub(crate) async fn run(mut self) {
        let mut socket = Socket::None;
        self.session.start(Instant::now());
        loop {
            // Publish first: a user who has just received an event must see the state it
            // led to.
            self.shared.publish(&self.session);
            while let Some(output) = self.session.poll_output() {
                match output {
                    Output::Connect { url } => {
                        // The URL may hold the token (when configured so): never log it.
                        tracing::debug!("opening gateway connection");
                        let max = self.session.config().max_message_size;
                        socket =
                            Socket::Connecting(Box::pin(open(self.connector.clone(), url, max)));
                    }
                    Output::Send(message) => self.write(&mut socket, message).await,
                    Output::Disconnect => close(&mut socket).await,
                    Output::Event(event) => {
                        let update = self.shared.receive(event);
                        // Unbounded: never waits. An error means nobody listens any more.
                        let _ = self.events.try_send(Ok(update));
                    }
                    // Core has already logged it at warn level; nothing else to do.
                    Output::InvalidFrame(error) => {
                        tracing::trace!(%error, "undecodable gateway frame skipped");
                    }
                    Output::Closed(reason) => {
                        tracing::debug!(?reason, "gateway session closed");
                        self.shared.finish(&self.session, reason.clone());
                        close(&mut socket).await;
                        if reason.is_unexpected() {
                            let _ = self.events.try_send(Err(SessionEnded::new(reason)));
                        }
                        return;
                    }
                    other => tracing::debug!(?other, "ignoring an unknown session output"),
                }
            }

            let wake = self.wait(&mut socket).await;
            let now = Instant::now();
            match wake {
                Wake::Connected(Ok(ws)) => {
                    socket = Socket::Open(ws);
                    self.session.handle_connected(now);
                }
                Wake::Connected(Err(error)) => {
                    tracing::warn!(%error, "gateway connection failed");
                    socket = Socket::None;
                    self.session.handle_connect_failed(now);
                }
                Wake::Frame(Some(Ok(message))) => match message {
                    Message::Text(text) => self
                        .session
                        .handle_message(now, WsMessage::Text(text.as_str().to_owned())),
                    Message::Binary(bytes) => {
                        self.session.handle_message(now, WsMessage::Binary(bytes))
                    }
                    Message::Close(frame) => {
                        tracing::debug!(?frame, "gateway closed the connection");
                        // Completes the closing handshake (tungstenite queued the reply).
                        close(&mut socket).await;
                        let code = frame.as_ref().map(|f| WireCloseCode(f.code.into()));
                        let reason = frame.as_ref().map_or("", |f| f.reason.as_str());
                        self.session.handle_closed(Instant::now(), code, reason);
                    }
                    // WebSocket-level pings are answered by tungstenite itself.
                    Message::Ping(_) | Message::Pong(_) | Message::Frame(_) => {}
                },
                Wake::Frame(Some(Err(async_tungstenite::tungstenite::Error::Capacity(
                    CapacityError::MessageTooLong { size, .. },
                )))) => {
                    socket = Socket::None;
                    self.session.handle_message_too_large(now, size);
                }
                Wake::Frame(Some(Err(error))) => {
                    tracing::warn!(%error, "gateway connection lost");
                    socket = Socket::None;
                    self.session.handle_disconnected(now);
                }
                Wake::Frame(None) => {
                    tracing::debug!("gateway connection ended");
                    socket = Socket::None;
                    self.session.handle_disconnected(now);
                }
                Wake::Timeout => self.session.handle_timeout(now),
                Wake::Control(Some(Control::Command(command))) => self.session.send(command),
                // Shutdown, or every client handle is gone.
                Wake::Control(Some(Control::Shutdown) | None) => self.session.close(),
            }
        }
    }

    /// Waits for the first of: a user request, the session's deadline, the socket.
    async fn wait(&self, socket: &mut Socket) -> Wake {
        let control = async { Wake::Control(self.control.recv().await.ok()) };
        let deadline = self.session.poll_timeout();
        let timer = async {
            match deadline {
                Some(deadline) => {
                    Timer::at(deadline).await;
                    Wake::Timeout
                }
                None => future::pending().await,
            }
        };
        let io = async {
            match socket {
                Socket::None => future::pending().await,
                Socket::Connecting(connecting) => Wake::Connected(connecting.await),
                Socket::Open(ws) => Wake::Frame(ws.next().await),
            }
        };
        // The socket comes last so that a stream of frames cannot starve the deadline.
        future::or(future::or(control, timer), io).await
    }

    /// Writes one message. A write still pending at the session's next deadline counts as a
    /// lost connection.
    async fn write(&mut self, socket: &mut Socket, message: WsMessage) {
        let Socket::Open(ws) = socket else {
            tracing::debug!("no open gateway connection; frame dropped");
            return;
        };
        let message = match message {
            WsMessage::Text(text) => Message::text(text),
            WsMessage::Binary(bytes) => Message::binary(bytes),
        };
        let deadline = self.session.poll_timeout();
        let sent = future::or(async { Some(ws.send(message).await) }, async {
            match deadline {
                Some(deadline) => {
                    Timer::at(deadline).await;
                    None
                }
                None => future::pending().await,
            }
        })
        .await;
        let error = match sent {
            Some(Ok(())) => return,
            Some(Err(error)) => error.to_string(),
            None => "write timed out".to_owned(),
        };
        tracing::warn!(%error, "gateway write failed");
        *socket = Socket::None;
        self.session.handle_disconnected(Instant::now());
    }
}

/// Opens a WebSocket connection to `url`.
async fn open(
    connector: Connector,
    url: String,
    max_message_size: usize,
) -> Result<Box<Ws>, String> {
    let uri = parse_uri(&url)?;
    let target = Target::from_uri(&uri)?;
    let io = connector
        .connect(&target)
        .await
        .map_err(|e| format!("connecting to {target}: {}", describe(&e)))?;
    // One limit for whole messages and single frames: a larger message is refused while it
    // arrives, never assembled.
    let config = WebSocketConfig::default()
        .max_message_size(Some(max_message_size))
        .max_frame_size(Some(max_message_size));
    let (ws, _response) = async_tungstenite::client_async_with_config(uri, io, Some(config))
        .await
        .map_err(|e| format!("WebSocket handshake with {target}: {e}"))?;
    tracing::debug!(%target, "gateway connection open");
    Ok(Box::new(ws))
}

/// Closes the socket (or abandons the attempt in progress): a close frame if one can go out
/// promptly, then the connection is dropped.
async fn close(socket: &mut Socket) {
    if let Socket::Open(mut ws) = std::mem::replace(socket, Socket::None) {
        let frame = CloseFrame {
            code: CloseCode::Normal,
            reason: "".into(),
        };
        let closed = future::or(async { Some(ws.close(Some(frame)).await) }, async {
            Timer::after(CLOSE_TIMEOUT).await;
            None
        })
        .await;
        if let Some(Err(error)) = closed {
            tracing::debug!(%error, "gateway close frame not sent");
        }
    }
}
