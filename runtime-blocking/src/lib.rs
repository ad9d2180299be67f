//! # stoat-blocking
//!
//! A [Stoat](https://stoat.chat) (formerly Revolt) client for plain threads: no async runtime
//! anywhere in its dependency tree.
//!
//! This crate is a thin driver: every protocol decision (authentication, heartbeats, reconnect
//! backoff, rate limits, retries, the cache) is made by [`stoat_core`]. One background thread
//! owns the gateway socket (a `std::net::TcpStream` with tungstenite on top); REST requests
//! run on the calling thread through a shared [`ureq`] agent.
//!
//! * [`Client::connect`] resolves the service URLs, starts the gateway thread and returns at
//!   once. The first event you receive is normally `Ready`.
//! * [`Client::next_event`], [`Client::next_event_timeout`] and [`Client::events`] yield every
//!   gateway event as an [`Update`]: the event plus what it changed in the cache.
//! * [`Client::execute`] sends any typed request from [`stoat_core::http::routes`], through the
//!   shared rate limiter and retry policy, blocking the calling thread until it is done.
//!
//! `Client` is cheap to clone and `Send + Sync`: share it with worker threads freely. All
//! clones share one event queue, so each event goes to exactly one `next_event` caller.
//!
//! ## How the event stream ends
//!
//! * After [`Client::shutdown`] (or once every clone of the `Client` is dropped) the stream
//!   yields what is still queued, then `None`.
//! * If the session ends on its own — the token was rejected
//!   ([`CloseReason::AuthenticationFailed`]), the server logged the session out, or the
//!   configured reconnect attempts ran out — the stream yields the events that led there (for a
//!   rejected token, the gateway's `Error` event), then one `Err(SessionEnded)` naming the
//!   reason, then `None`.
//!
//! [`Client::closed_reason`] tells the reason afterwards in both cases.
//!
//! ## Example
//!
//! ```no_run
//! use stoat_blocking::core::gateway::Event;
//! use stoat_blocking::core::http::routes::SendMessage;
//! use stoat_blocking::{Client, ClientConfig, Token};
//!
//! fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let client = Client::connect(ClientConfig::new(Token::bot("my-bot-token")))?;
//!     for update in client.events() {
//!         let update = update?; // the session ended for good: say why
//!         match &update.event {
//!             Event::Ready(_) => println!("ready"),
//!             Event::Message(message) if message.content.as_deref() == Some("!ping") => {
//!                 // Requests block only the thread that makes them.
//!                 let client = client.clone();
//!                 let channel = message.channel;
//!                 std::thread::spawn(move || {
//!                     if let Err(error) = client.execute(&SendMessage::new(channel, "pong")) {
//!                         eprintln!("could not answer: {error}");
//!                     }
//!                 });
//!             }
//!             _ => {}
//!         }
//!     }
//!     Ok(())
//! }
//! ```
//!
//! ## Timing
//!
//! The gateway thread blocks in socket reads of at most 50 ms, so commands and
//! [`shutdown`](Client::shutdown) are picked up within that time while a connection is open;
//! heartbeats and reconnects follow the session's deadlines exactly. Two steps of opening a
//! connection cannot be interrupted: resolving the gateway's host name (the system resolver)
//! and the TCP connect itself (bounded by the session's handshake timeout), so a `shutdown`
//! that arrives during them waits for them.
//!
//! ## TLS
//!
//! Both ureq and the gateway socket use rustls with the ring provider and the webpki root
//! certificates; there is no OpenSSL in the dependency tree. `http://` and `ws://` URLs work
//! too (for local servers and tests).

use std::sync::{Arc, Condvar, Mutex, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};
use stoat_core::cache::Cache;
use stoat_core::gateway::{Session, SessionState};
use stoat_core::http::{Request, Rest};

mod driver;
mod transport;

use driver::{Control, Driver};

/// The protocol core this client drives, re-exported so that one dependency is enough.
pub use stoat_core as core;
pub use stoat_core::client::{ClientConfig, Update};
pub use stoat_core::gateway::{CloseReason, Command, Event};
pub use stoat_core::{Change, Endpoints, Token};

/// Why [`Client::connect`] failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConnectError {
    /// Fetching the instance's service URLs (`ClientConfig::discover`) failed.
    #[error("service discovery failed: {0}")]
    Discovery(#[source] stoat_core::http::Error),
    /// The TLS configuration could not be built or the gateway thread could not be started.
    #[error("client setup failed: {0}")]
    Setup(String),
}

/// The gateway session ended for good, without [`Client::shutdown`] being asked for.
///
/// This is the last item of the event stream when the token is rejected, the server logs the
/// session out, or the configured reconnect attempts run out.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the gateway session ended: {reason:?}")]
#[non_exhaustive]
pub struct SessionEnded {
    /// Why it ended.
    pub reason: CloseReason,
}

/// [`Client::next_event_timeout`] found nothing within its timeout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("no event arrived in time")]
pub struct TimedOut;

/// State the driver thread and the clients share.
pub(crate) struct Shared {
    cache: RwLock<Cache>,
    status: Mutex<Status>,
    end: Mutex<End>,
    ended: Condvar,
}

#[derive(Clone, Copy)]
struct Status {
    latency: Option<Duration>,
    state: SessionState,
}

#[derive(Default)]
struct End {
    reason: Option<CloseReason>,
    /// The driver thread has stopped.
    finished: bool,
}

impl Shared {
    pub(crate) fn cache_mut(&self) -> RwLockWriteGuard<'_, Cache> {
        self.cache.write().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn publish(&self, latency: Option<Duration>, state: SessionState) {
        *self.status.lock().unwrap_or_else(PoisonError::into_inner) = Status { latency, state };
    }

    pub(crate) fn set_closed(&self, reason: CloseReason) {
        self.end().reason = Some(reason);
    }

    pub(crate) fn set_finished(&self) {
        self.end().finished = true;
        self.ended.notify_all();
    }

    fn end(&self) -> std::sync::MutexGuard<'_, End> {
        self.end.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn status(&self) -> Status {
        *self.status.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A connected client. Cheap to clone, `Send + Sync`; the gateway runs until
/// [`shutdown`](Self::shutdown) or until the last clone is dropped.
#[derive(Clone, Debug)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    rest: Rest,
    agent: ureq::Agent,
    endpoints: Endpoints,
    shared: Arc<Shared>,
    control: Sender<Control>,
    events: Receiver<Result<Update, SessionEnded>>,
}

impl std::fmt::Debug for Inner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("endpoints", &self.endpoints)
            .field("closed", &self.shared.end().reason)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Resolves the service URLs, starts the gateway thread and returns without waiting for
    /// `Ready` (it arrives as the first event).
    ///
    /// With [`ClientConfig::discover`] this fetches the instance's `GET /` first, through the
    /// same rate-limited path as [`execute`](Self::execute); a failure there is the only
    /// network error `connect` reports. Gateway trouble (a refused token included) shows in the
    /// event stream.
    pub fn connect(config: ClientConfig) -> Result<Client, ConnectError> {
        let tls = transport::websocket_tls().map_err(ConnectError::Setup)?;
        Self::start(config, tls)
    }

    /// [`connect`](Self::connect) with the gateway's TLS configuration given.
    fn start(config: ClientConfig, tls: Arc<rustls::ClientConfig>) -> Result<Client, ConnectError> {
        let agent = transport::agent();
        let info = match config.discovery_request() {
            Some(request) => {
                // Before discovery only the API is known; uploads are not needed yet.
                let rest = config.rest(config.api_url());
                let info =
                    transport::execute(&rest, &agent, &request).map_err(ConnectError::Discovery)?;
                Some(info)
            }
            None => None,
        };
        let endpoints = config.resolved_endpoints(info.as_ref()).ok_or_else(|| {
            ConnectError::Setup(format!("unsupported discovery mode {:?}", config.discovery))
        })?;
        // Built from the resolved endpoints, so file-server requests (uploads) go there too.
        let rest = config.rest_for(&endpoints);

        let session = Session::new(config.session_config(&endpoints.ws));
        let shared = Arc::new(Shared {
            cache: RwLock::new(config.new_cache()),
            status: Mutex::new(Status {
                latency: None,
                state: session.state(),
            }),
            end: Mutex::default(),
            ended: Condvar::new(),
        });
        let (control_tx, control_rx) = crossbeam_channel::unbounded();
        let (events_tx, events_rx) = crossbeam_channel::unbounded();
        let driver = Driver {
            session,
            shared: shared.clone(),
            control: control_rx,
            events: events_tx,
            tls,
        };
        std::thread::Builder::new()
            .name("stoat-gateway".into())
            .spawn(move || driver.run())
            .map_err(|error| {
                ConnectError::Setup(format!("cannot start the gateway thread: {error}"))
            })?;

        Ok(Client {
            inner: Arc::new(Inner {
                rest,
                agent,
                endpoints,
                shared,
                control: control_tx,
                events: events_rx,
            }),
        })
    }

    /// Blocks until the next gateway event with its cache change.
    ///
    /// `None` once the stream has ended; an `Err` right before that if the session ended
    /// without [`shutdown`](Self::shutdown) (see the [crate docs](crate)).
    ///
    /// Events are delivered in order, but the gateway thread does not wait for you: by the time
    /// you see an update the cache may already reflect later events. Use the update's
    /// [`change`](Update::change) for the state as of the event. Unread events are buffered
    /// without bound, so keep reading.
    pub fn next_event(&self) -> Option<Result<Update, SessionEnded>> {
        self.inner.events.recv().ok()
    }

    /// Like [`next_event`](Self::next_event), but gives up after `timeout`.
    ///
    /// `Err(TimedOut)` if nothing arrived in time; otherwise exactly what `next_event` would
    /// have returned.
    pub fn next_event_timeout(
        &self,
        timeout: Duration,
    ) -> Result<Option<Result<Update, SessionEnded>>, TimedOut> {
        match self.inner.events.recv_timeout(timeout) {
            Ok(item) => Ok(Some(item)),
            Err(RecvTimeoutError::Timeout) => Err(TimedOut),
            Err(RecvTimeoutError::Disconnected) => Ok(None),
        }
    }

    /// An iterator over [`next_event`](Self::next_event): it blocks for each item and ends
    /// with the stream.
    pub fn events(&self) -> Events<'_> {
        Events { client: self }
    }

    /// Waits for the first update that satisfies `predicate`, discarding the ones before it.
    ///
    /// Returns `None` if `timeout` passes first or the stream ends first (then
    /// [`closed_reason`](Self::closed_reason) says why).
    pub fn wait_for(
        &self,
        mut predicate: impl FnMut(&Update) -> bool,
        timeout: Duration,
    ) -> Option<Update> {
        let deadline = Instant::now() + timeout;
        while let Ok(Ok(update)) = self.inner.events.recv_deadline(deadline) {
            if predicate(&update) {
                return Some(update);
            }
        }
        None
    }

    /// Sends a typed request and returns its parsed response, blocking the calling thread.
    ///
    /// The request waits its turn in the shared rate limiter, and 429s, 502/503/504s and
    /// connection failures are retried as the configured [`RetryPolicy`] allows (ambiguous
    /// failures only for requests that are safe to repeat). Any number of threads may call
    /// this at once; connections are reused.
    ///
    /// File uploads ([`Upload`](stoat_core::cdn::Upload)) go to the file server of the
    /// resolved endpoints. An attempt with no complete response within the policy's
    /// `request_timeout` is abandoned and counts as a failure that may have reached the server.
    ///
    /// [`RetryPolicy`]: stoat_core::http::RetryPolicy
    pub fn execute<R: Request + ?Sized>(
        &self,
        request: &R,
    ) -> Result<R::Output, stoat_core::http::Error> {
        transport::execute(&self.inner.rest, &self.inner.agent, request)
    }

    /// Sends a gateway command (typing indicators, subscriptions).
    ///
    /// Before `Ready` the session holds commands and sends them once it is ready. Fails only
    /// when the session has ended.
    pub fn send_command(&self, command: Command) -> Result<(), SessionEnded> {
        self.inner
            .control
            .send(Control::Command(command))
            .map_err(|_| SessionEnded {
                reason: self.closed_reason().unwrap_or(CloseReason::Requested),
            })
    }

    /// Read access to the cache.
    ///
    /// The guard blocks the gateway thread's cache updates while it lives: copy out what you
    /// need and drop it soon.
    pub fn cache(&self) -> RwLockReadGuard<'_, Cache> {
        self.inner
            .shared
            .cache
            .read()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The round-trip time of the last answered heartbeat.
    pub fn latency(&self) -> Option<Duration> {
        self.inner.shared.status().latency
    }

    /// Where the gateway session is (connecting, ready, waiting to reconnect, closed).
    pub fn state(&self) -> SessionState {
        self.inner.shared.status().state
    }

    /// The service URLs in use (after discovery, if any).
    pub fn endpoints(&self) -> &Endpoints {
        &self.inner.endpoints
    }

    /// Why the session ended, once it has.
    pub fn closed_reason(&self) -> Option<CloseReason> {
        self.inner.shared.end().reason.clone()
    }

    /// Closes the session gracefully: sends the WebSocket close frame, stops the gateway thread
    /// and ends the event stream (events already queued can still be read). Returns once the
    /// thread has stopped. Calling it again, or after the session ended, does nothing.
    pub fn shutdown(&self) {
        let _ = self.inner.control.send(Control::Shutdown);
        let shared = &self.inner.shared;
        let mut end = shared.end();
        while !end.finished {
            end = shared
                .ended
                .wait(end)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }
}

#[cfg(test)]
mod tests;

/// The iterator of [`Client::events`].
#[derive(Debug)]
pub struct Events<'a> {
    client: &'a Client,
}

impl Iterator for Events<'_> {
    type Item = Result<Update, SessionEnded>;

    fn next(&mut self) -> Option<Self::Item> {
        self.client.next_event()
    }
}

impl<'a> IntoIterator for &'a Client {
    type Item = Result<Update, SessionEnded>;
    type IntoIter = Events<'a>;

    fn into_iter(self) -> Events<'a> {
        self.events()
    }
}
