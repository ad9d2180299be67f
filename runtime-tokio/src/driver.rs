//! The gateway driver: one task that feeds a core [`Session`] with what happens on the socket
//! and the clock, and carries out what the session asks for.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use stoat_core::client::{SessionEnded, Update};
use stoat_core::gateway::{CloseCode, CloseReason, Command, Output, Session, WsMessage};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, watch};
use tokio_tungstenite::tungstenite::error::CapacityError;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::{Connector, MaybeTlsStream, WebSocketStream};

use crate::client::Shared;

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;
type Connecting = Pin<Box<dyn Future<Output = Result<Socket, tungstenite::Error>> + Send>>;

/// How long a close frame may take to leave before a socket the session has already given up
/// on is dropped. Transport hygiene only: the session has moved on either way.
const CLOSE_GRACE: Duration = Duration::from_secs(1);

/// What the user's side of the client tells the driver.
#[derive(Debug)]
pub(crate) enum Control {
    /// Forward a command to the session.
    Command(Command),
    /// Close the session.
    Shutdown,
}

/// Everything the driver task owns.
pub(crate) struct Driver {
    pub(crate) session: Session,
    pub(crate) shared: Arc<Shared>,
    pub(crate) control: mpsc::UnboundedReceiver<Control>,
    pub(crate) events: mpsc::UnboundedSender<Result<Update, SessionEnded>>,
    /// Set once the driver has finished (dropped if it dies): what `shutdown` waits for.
    pub(crate) done: watch::Sender<bool>,
    pub(crate) tls: Arc<rustls::ClientConfig>,
    pub(crate) socket: Option<Socket>,
    pub(crate) connecting: Option<Connecting>,
}

impl Driver {
    /// Runs the session until it closes.
    pub(crate) async fn run(mut self) {
        self.session.start(Instant::now());
        loop {
            if let Some(reason) = self.carry_out().await {
                return self.finish(reason);
            }
            self.wait().await;
        }
    }

    /// Carries out everything the session has asked for; returns the reason once it closes.
    async fn carry_out(&mut self) -> Option<CloseReason> {
        // Publish first: a user who has just received an event must see the state it led to.
        self.shared.publish(&self.session);
        while let Some(output) = self.session.poll_output() {
            match output {
                Output::Connect { url } => {
                    self.socket = None;
                    let max = self.session.config().max_message_size;
                    self.connecting = Some(Box::pin(open(url, self.tls.clone(), max)));
                }
                Output::Send(message) => self.write(message).await,
                Output::Disconnect => {
                    self.connecting = None;
                    if let Some(mut socket) = self.socket.take() {
                        let _ = tokio::time::timeout(CLOSE_GRACE, socket.close(None)).await;
                    }
                }
                Output::Event(event) => {
                    let update = self.shared.receive(event);
                    // A dropped receiver only means nobody listens; the cache stays current.
                    let _ = self.events.send(Ok(update));
                }
                Output::InvalidFrame(error) => {
                    // Core has logged it at warn level already.
                    tracing::debug!(%error, "gateway frame skipped");
                }
                Output::Closed(reason) => return Some(reason),
                other => tracing::debug!(?other, "ignoring an output this driver does not know"),
            }
        }
        None
    }

    /// Writes one frame. A write still blocked when the session's next deadline comes is
    /// abandoned so that the deadline (a heartbeat timeout, say) is honoured.
    async fn write(&mut self, message: WsMessage) {
        let Some(socket) = self.socket.as_mut() else {
            return;
        };
        let frame = match message {
            WsMessage::Text(text) => Message::text(text),
            WsMessage::Binary(bytes) => Message::binary(bytes),
        };
        let result = match self.session.poll_timeout() {
            Some(deadline) => {
                match tokio::time::timeout_at(deadline.into(), socket.send(frame)).await {
                    Ok(result) => result,
                    Err(_) => {
                        tracing::debug!("gateway write still pending at the session deadline");
                        return;
                    }
                }
            }
            None => socket.send(frame).await,
        };
        if let Err(error) = result {
            tracing::debug!(%error, "gateway write failed");
            self.socket = None;
            self.session.handle_disconnected(Instant::now());
        }
    }

    /// Waits for the first of: the connection attempt's outcome, a frame, the session's
    /// deadline, or a word from the user.
    async fn wait(&mut self) {
        let deadline = self.session.poll_timeout();
        // Unbiased on purpose: a flood of frames must not starve the heartbeat deadline.
        tokio::select! {
            control = self.control.recv() => match control {
                Some(Control::Command(command)) => self.session.send(command),
                // Every handle is gone, or shutdown was asked for.
                Some(Control::Shutdown) | None => self.session.close(),
            },
            opened = poll_some(self.connecting.as_mut()) => {
                self.connecting = None;
                match opened {
                    Ok(socket) => {
                        self.socket = Some(socket);
                        self.session.handle_connected(Instant::now());
                    }
                    Err(error) => {
                        tracing::warn!(%error, "gateway connection failed");
                        self.session.handle_connect_failed(Instant::now());
                    }
                }
            },
            frame = next_frame(self.socket.as_mut()) => self.received(frame),
            () = sleep_until(deadline) => self.session.handle_timeout(Instant::now()),
        }
    }

    fn received(&mut self, frame: Option<Result<Message, tungstenite::Error>>) {
        let now = Instant::now();
        match frame {
            Some(Ok(Message::Text(text))) => self
                .session
                .handle_message(now, WsMessage::Text(text.as_str().to_owned())),
            Some(Ok(Message::Binary(bytes))) => {
                self.session.handle_message(now, WsMessage::Binary(bytes))
            }
            // Control frames: tungstenite answers pings itself.
            Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_))) => {}
            Some(Ok(Message::Close(frame))) => {
                tracing::debug!(?frame, "gateway closed by the server");
                self.socket = None;
                let code = frame.as_ref().map(|f| CloseCode(f.code.into()));
                let reason = frame.as_ref().map_or("", |f| f.reason.as_str());
                self.session.handle_closed(now, code, reason);
            }
            Some(Err(tungstenite::Error::Capacity(CapacityError::MessageTooLong {
                size, ..
            }))) => {
                self.socket = None;
                self.session.handle_message_too_large(now, size);
            }
            Some(Err(error)) => {
                tracing::debug!(%error, "gateway connection lost");
                self.socket = None;
                self.session.handle_disconnected(now);
            }
            None => {
                tracing::debug!("gateway connection ended");
                self.socket = None;
                self.session.handle_disconnected(now);
            }
        }
    }

    fn finish(self, reason: CloseReason) {
        self.shared.finish(&self.session, reason.clone());
        self.done.send_replace(true);
        if reason.is_unexpected() {
            let _ = self.events.send(Err(SessionEnded::new(reason)));
        }
        tracing::debug!("gateway driver finished");
        // Dropping `self.events` ends the user's event stream after what is still queued.
    }
}

async fn open(
    url: String,
    tls: Arc<rustls::ClientConfig>,
    max_message_size: usize,
) -> Result<Socket, tungstenite::Error> {
    // One limit for whole messages and single frames: a larger message is refused while it
    // arrives, never assembled.
    let config = WebSocketConfig::default()
        .max_message_size(Some(max_message_size))
        .max_frame_size(Some(max_message_size));
    let (socket, _response) = tokio_tungstenite::connect_async_tls_with_config(
        url,
        Some(config),
        true,
        Some(Connector::Rustls(tls)),
    )
    .await?;
    Ok(socket)
}

/// Polls the future if there is one; never finishes otherwise.
async fn poll_some<F: Future + Unpin>(future: Option<&mut F>) -> F::Output {
    match future {
        Some(future) => future.await,
        None => std::future::pending().await,
    }
}

/// The next frame if a socket is open; never finishes otherwise.
async fn next_frame(socket: Option<&mut Socket>) -> Option<Result<Message, tungstenite::Error>> {
    match socket {
        Some(socket) => socket.next().await,
        None => std::future::pending().await,
    }
}

/// Sleeps until the deadline if there is one; never finishes otherwise.
async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline.into()).await,
        None => std::future::pending().await,
    }
}
