//! The gateway driver: one thread that feeds a core [`Session`] with what happens on the
//! socket and the clock, and carries out what the session asks for.
//!
//! The socket is a blocking `std::net::TcpStream` with short read timeouts, so the thread
//! wakes at least every [`SLICE`] to look at the session's deadline and the user's commands.
//! While no connection is open it sleeps on the command channel until the deadline instead.

use std::io;
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender, TryRecvError};
use stoat_core::client::{SessionEnded, Update};
use stoat_core::gateway::{CloseCode, CloseReason, Command, Output, Session, WsMessage};
use tungstenite::client::{uri_mode, IntoClientRequest};
use tungstenite::error::CapacityError;
use tungstenite::handshake::client::ClientHandshake;
use tungstenite::handshake::MidHandshake;
use tungstenite::protocol::WebSocketConfig;
use tungstenite::stream::{MaybeTlsStream, Mode};
use tungstenite::{Connector, HandshakeError, Message, WebSocket};

use crate::client::Shared;

type Socket = WebSocket<MaybeTlsStream<TcpStream>>;
type Handshake = MidHandshake<ClientHandshake<MaybeTlsStream<TcpStream>>>;

/// The longest the thread blocks in one socket read or write before it looks at its deadline
/// and commands again.
const SLICE: Duration = Duration::from_millis(50);

/// What the user's side of the client tells the driver.
#[derive(Debug)]
pub(crate) enum Control {
    /// Forward a command to the session.
    Command(Command),
    /// Close the session.
    Shutdown,
}

/// The state of the one connection the driver holds.
enum Link {
    /// No connection.
    Down,
    /// TCP is up; the TLS / WebSocket handshake is under way. `raw` shares the socket so its
    /// timeouts can be set.
    Opening {
        handshake: Handshake,
        raw: TcpStream,
    },
    /// Open.
    Open { socket: Socket, raw: TcpStream },
}

/// Everything the driver thread owns.
pub(crate) struct Driver {
    pub(crate) session: Session,
    pub(crate) shared: Arc<Shared>,
    pub(crate) control: Receiver<Control>,
    pub(crate) events: Sender<Result<Update, SessionEnded>>,
    pub(crate) tls: Arc<rustls::ClientConfig>,
}

impl Driver {
    /// Runs the session until it closes.
    pub(crate) fn run(mut self) {
        // However the thread ends, `shutdown()` callers must wake up.
        let _finished = Finished(self.shared.clone());
        let mut link = Link::Down;
        self.session.start(Instant::now());
        loop {
            if let Some(reason) = self.carry_out(&mut link) {
                drop(link);
                return self.finish(reason);
            }
            self.wait(&mut link);
        }
    }

    /// Carries out everything the session has asked for; returns the reason once it closes.
    fn carry_out(&mut self, link: &mut Link) -> Option<CloseReason> {
        // Publish first: a user who has just received an event must see the state it led to.
        self.shared.state.publish(&self.session);
        while let Some(output) = self.session.poll_output() {
            match output {
                Output::Connect { url } => {
                    *link = Link::Down;
                    self.open(link, url);
                }
                Output::Send(message) => self.write(link, message),
                Output::Disconnect => hang_up(std::mem::replace(link, Link::Down)),
                Output::Event(event) => {
                    let update = self.shared.state.receive(event);
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

    /// Connects TCP (bounded by the session's deadline) and starts the handshake.
    fn open(&mut self, link: &mut Link, url: String) {
        let deadline = self.session.poll_timeout();
        let max = self.session.config().max_message_size;
        match begin(url, deadline, self.tls.clone(), max) {
            Ok(Begun::Open(socket, raw)) => {
                *link = Link::Open { socket, raw };
                self.session.handle_connected(Instant::now());
            }
            Ok(Begun::Pending(handshake, raw)) => *link = Link::Opening { handshake, raw },
            Err(error) => {
                tracing::warn!(%error, "gateway connection failed");
                self.session.handle_connect_failed(Instant::now());
            }
        }
    }

    fn write(&mut self, link: &mut Link, message: WsMessage) {
        let Link::Open { socket, .. } = link else {
            return;
        };
        let frame = match message {
            WsMessage::Text(text) => Message::text(text),
            WsMessage::Binary(bytes) => Message::binary(bytes),
        };
        match socket.send(frame) {
            Ok(()) => {}
            // Buffered; the next turn of the loop flushes it.
            Err(error) if would_block(&error) => {}
            Err(error) => {
                tracing::debug!(%error, "gateway write failed");
                *link = Link::Down;
                self.session.handle_disconnected(Instant::now());
            }
        }
    }

    /// Waits (a slice at most while a socket is in use) for the first of: progress on the
    /// socket, the session's deadline, or a word from the user.
    fn wait(&mut self, link: &mut Link) {
        let deadline = self.session.poll_timeout();
        if deadline.is_some_and(|deadline| Instant::now() >= deadline) {
            return self.session.handle_timeout(Instant::now());
        }
        match link {
            Link::Down => {
                let received = match deadline {
                    Some(deadline) => self.control.recv_deadline(deadline),
                    None => self
                        .control
                        .recv()
                        .map_err(|_| RecvTimeoutError::Disconnected),
                };
                match received {
                    Ok(control) => self.obey(Some(control)),
                    Err(RecvTimeoutError::Timeout) => {}
                    Err(RecvTimeoutError::Disconnected) => self.obey(None),
                }
            }
            Link::Opening { .. } => self.advance_handshake(link, deadline),
            Link::Open { .. } => self.read(link, deadline),
        }
        loop {
            match self.control.try_recv() {
                Ok(control) => self.obey(Some(control)),
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => {
                    self.obey(None);
                    break;
                }
            }
        }
        if deadline.is_some_and(|deadline| Instant::now() >= deadline) {
            self.session.handle_timeout(Instant::now());
        }
    }

    /// `None`: every client handle is gone.
    fn obey(&mut self, control: Option<Control>) {
        match control {
            Some(Control::Command(command)) => self.session.send(command),
            Some(Control::Shutdown) | None => self.session.close(),
        }
    }

    fn advance_handshake(&mut self, link: &mut Link, deadline: Option<Instant>) {
        let Link::Opening { handshake, raw } = std::mem::replace(link, Link::Down) else {
            return;
        };
        let _ = raw.set_read_timeout(Some(slice(deadline)));
        match handshake.handshake() {
            Ok((socket, _response)) => {
                *link = Link::Open { socket, raw };
                self.session.handle_connected(Instant::now());
            }
            Err(HandshakeError::Interrupted(handshake)) => {
                *link = Link::Opening { handshake, raw };
            }
            Err(HandshakeError::Failure(error)) => {
                tracing::warn!(%error, "gateway handshake failed");
                self.session.handle_connect_failed(Instant::now());
            }
        }
    }

    fn read(&mut self, link: &mut Link, deadline: Option<Instant>) {
        let Link::Open { socket, raw } = link else {
            return;
        };
        let _ = raw.set_read_timeout(Some(slice(deadline)));
        // Finish writes that could not complete earlier before waiting for input.
        let result = match socket.flush() {
            Err(error) if !would_block(&error) => Err(error),
            _ => socket.read(),
        };
        let now = Instant::now();
        match result {
            Ok(Message::Text(text)) => self
                .session
                .handle_message(now, WsMessage::Text(text.as_str().to_owned())),
            Ok(Message::Binary(bytes)) => {
                self.session.handle_message(now, WsMessage::Binary(bytes))
            }
            // Control frames: tungstenite answers pings itself.
            Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_)) => {}
            Ok(Message::Close(frame)) => {
                tracing::debug!(?frame, "gateway closed by the server");
                hang_up(std::mem::replace(link, Link::Down));
                let code = frame.as_ref().map(|f| CloseCode(f.code.into()));
                let reason = frame.as_ref().map_or("", |f| f.reason.as_str());
                self.session.handle_closed(now, code, reason);
            }
            Err(error) if would_block(&error) => {}
            Err(tungstenite::Error::Capacity(CapacityError::MessageTooLong { size, .. })) => {
                *link = Link::Down;
                self.session.handle_message_too_large(now, size);
            }
            Err(error) => {
                tracing::debug!(%error, "gateway connection lost");
                *link = Link::Down;
                self.session.handle_disconnected(now);
            }
        }
    }

    fn finish(self, reason: CloseReason) {
        self.shared.state.finish(&self.session, reason.clone());
        if reason.is_unexpected() {
            let _ = self.events.send(Err(SessionEnded::new(reason)));
        }
        tracing::debug!("gateway driver finished");
        // Dropping `self.events` ends the user's event stream after what is still queued.
    }
}

/// Marks the driver finished when the thread ends, even by unwinding.
struct Finished(Arc<Shared>);

impl Drop for Finished {
    fn drop(&mut self) {
        self.0.set_finished();
    }
}

enum Begun {
    Open(Socket, TcpStream),
    Pending(Handshake, TcpStream),
}

/// Resolves and connects within the deadline, then starts the TLS and WebSocket handshakes.
fn begin(
    url: String,
    deadline: Option<Instant>,
    tls: Arc<rustls::ClientConfig>,
    max_message_size: usize,
) -> Result<Begun, String> {
    let request = url
        .into_client_request()
        .map_err(|error| error.to_string())?;
    let uri = request.uri();
    let port = match uri_mode(uri).map_err(|error| error.to_string())? {
        Mode::Plain => 80,
        Mode::Tls => 443,
    };
    let port = uri.port_u16().unwrap_or(port);
    let host = uri.host().ok_or("the gateway URL has no host")?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let stream = connect_tcp(host, port, deadline).map_err(|error| error.to_string())?;
    let raw = stream.try_clone().map_err(|error| error.to_string())?;
    let _ = raw.set_nodelay(true);
    raw.set_read_timeout(Some(slice(deadline)))
        .and_then(|()| raw.set_write_timeout(Some(SLICE)))
        .map_err(|error| error.to_string())?;
    // One limit for whole messages and single frames: a larger message is refused while it
    // arrives, never assembled.
    let config = WebSocketConfig::default()
        .max_message_size(Some(max_message_size))
        .max_frame_size(Some(max_message_size));
    let connector = Some(Connector::Rustls(tls));
    match tungstenite::client_tls_with_config(request, stream, Some(config), connector) {
        Ok((socket, _response)) => Ok(Begun::Open(socket, raw)),
        Err(HandshakeError::Interrupted(handshake)) => Ok(Begun::Pending(handshake, raw)),
        Err(HandshakeError::Failure(error)) => Err(error.to_string()),
    }
}

fn connect_tcp(host: &str, port: u16, deadline: Option<Instant>) -> io::Result<TcpStream> {
    let mut last_error = None;
    for address in (host, port).to_socket_addrs()? {
        let attempt = match deadline {
            Some(deadline) => match deadline.checked_duration_since(Instant::now()) {
                Some(left) if !left.is_zero() => TcpStream::connect_timeout(&address, left),
                _ => break,
            },
            None => TcpStream::connect(address),
        };
        match attempt {
            Ok(stream) => return Ok(stream),
            Err(error) => last_error = Some(error),
        }
    }
    Err(last_error.unwrap_or_else(|| {
        io::Error::new(
            io::ErrorKind::TimedOut,
            "no address could be reached in time",
        )
    }))
}

/// Sends a close frame (best effort, a slice at most) and drops the socket. The session has
/// moved on, so the server's answer is not waited for.
fn hang_up(link: Link) {
    if let Link::Open { mut socket, .. } = link {
        let _ = socket.close(None);
        let _ = socket.flush();
    }
}

/// How long one blocking socket call may wait: until the deadline, at most a slice.
fn slice(deadline: Option<Instant>) -> Duration {
    let left = deadline.map_or(SLICE, |deadline| {
        deadline.saturating_duration_since(Instant::now())
    });
    // A zero timeout means "block forever" to the OS; never ask for less than a millisecond.
    left.clamp(Duration::from_millis(1), SLICE)
}

fn would_block(error: &tungstenite::Error) -> bool {
    matches!(error, tungstenite::Error::Io(io) if matches!(
        io.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut | io::ErrorKind::Interrupted
    ))
}
