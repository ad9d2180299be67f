//! # stoat-tokio
//!
//! A [Stoat](https://stoat.chat) (formerly Revolt) client for the tokio runtime.
//!
//! This crate is a thin driver: every protocol decision (authentication, heartbeats, reconnect
//! backoff, rate limits, retries, the cache) is made by [`stoat_core`]. The driver opens the
//! sockets, moves whole WebSocket messages and HTTP requests, sleeps until the deadlines core
//! names, and hands you the results as tokio-friendly types.
//!
//! * [`Client::connect`] resolves the service URLs, starts the gateway in a background task and
//!   returns at once. The first event you receive is normally `Ready`.
//! * [`Client::next_event`] (or the [`Stream`](futures_core::Stream) impl) yields every gateway
//!   event as an [`Update`]: the event plus what it changed in the cache.
//! * [`Handle::execute`] sends any typed request from [`stoat_core::http::routes`], through the
//!   shared rate limiter and retry policy. A [`Handle`] is cheap to clone and can be moved into
//!   other tasks.
//!
//! ## How the event stream ends
//!
//! * After [`Handle::shutdown`] (or once every `Client` and `Handle` is dropped) the stream
//!   yields what is still queued, then `None`.
//! * If the session ends on its own — the token was rejected
//!   ([`CloseReason::AuthenticationFailed`]), the server logged the session out, or the
//!   configured reconnect attempts ran out — the stream yields the events that led there (for a
//!   rejected token, the gateway's `Error` event), then one `Err(SessionEnded)` naming the
//!   reason, then `None`.
//!
//! [`Handle::closed_reason`] tells the reason afterwards in both cases.
//!
//! ## Example
//!
//! ```no_run
//! use stoat_tokio::core::gateway::Event;
//! use stoat_tokio::core::http::routes::SendMessage;
//! use stoat_tokio::{Client, ClientConfig, Token};
//!
//! #[tokio::main(flavor = "current_thread")]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let mut client = Client::connect(ClientConfig::new(Token::bot("my-bot-token"))).await?;
//!     while let Some(update) = client.next_event().await {
//!         let update = update?; // the session ended for good: say why
//!         match &update.event {
//!             Event::Ready(_) => println!("ready"),
//!             Event::Message(message) if message.content.as_deref() == Some("!ping") => {
//!                 // Requests run concurrently with the event loop.
//!                 let handle = client.handle();
//!                 let channel = message.channel;
//!                 tokio::spawn(async move {
//!                     if let Err(error) = handle.execute(&SendMessage::new(channel, "pong")).await {
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
//! ## TLS
//!
//! Both the HTTP client (reqwest) and the gateway socket (tokio-tungstenite) use rustls with the
//! ring provider and the webpki root certificates; there is no OpenSSL in the dependency tree.
//! `http://` and `ws://` URLs work too (for local servers and tests).

use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::task::{Context, Poll};
use std::time::Duration;

use stoat_core::cache::Cache;
use stoat_core::gateway::{Session, SessionState};
use stoat_core::http::{Request, Rest};
use tokio::sync::{mpsc, watch};

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
    /// The HTTP client or the TLS configuration could not be built.
    #[error("client setup failed: {0}")]
    Setup(String),
}

/// The gateway session ended for good, without [`Handle::shutdown`] being asked for.
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

/// State the driver task and the handles share.
pub(crate) struct Shared {
    cache: RwLock<Cache>,
    status: Mutex<Status>,
}

#[derive(Clone, Copy)]
struct Status {
    latency: Option<Duration>,
    state: SessionState,
}

impl Shared {
    pub(crate) fn cache_mut(&self) -> RwLockWriteGuard<'_, Cache> {
        self.cache.write().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn publish(&self, latency: Option<Duration>, state: SessionState) {
        *self.status.lock().unwrap_or_else(PoisonError::into_inner) = Status { latency, state };
    }

    fn status(&self) -> Status {
        *self.status.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A connected client: the event stream plus a [`Handle`] for everything else.
///
/// `Client` is the only owner of the event stream; everything that does not consume events is
/// on [`Handle`] (reachable through [`Client::handle`], or called directly here through the
/// delegating methods). The gateway keeps running while any `Client` or `Handle` exists; when
/// the last one is dropped it closes the connection and stops.
#[derive(Debug)]
pub struct Client {
    handle: Handle,
    events: mpsc::UnboundedReceiver<Result<Update, SessionEnded>>,
}

/// Everything a [`Client`] can do except receive events. Cheap to clone; `Send + Sync`.
#[derive(Clone, Debug)]
pub struct Handle {
    inner: Arc<Inner>,
}

struct Inner {
    rest: Rest,
    http: reqwest::Client,
    endpoints: Endpoints,
    shared: Arc<Shared>,
    control: mpsc::UnboundedSender<Control>,
    closed: watch::Receiver<Option<CloseReason>>,
}

impl std::fmt::Debug for Inner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Handle")
            .field("endpoints", &self.endpoints)
            .field("closed", &*self.closed.borrow())
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Resolves the service URLs, starts the gateway session in a background task and returns
    /// without waiting for `Ready` (it arrives as the first event).
    ///
    /// With [`ClientConfig::discover`] this fetches the instance's `GET /` first, through the
    /// same rate-limited path as [`Handle::execute`]; a failure there is the only network
    /// error `connect` reports. Gateway trouble (a refused token included) shows in the event
    /// stream. Must be called within a tokio runtime.
    pub async fn connect(config: ClientConfig) -> Result<Client, ConnectError> {
        let tls = transport::websocket_tls().map_err(ConnectError::Setup)?;
        Self::start(config, tls).await
    }

    /// [`connect`](Self::connect) with the gateway's TLS configuration given.
    async fn start(
        config: ClientConfig,
        tls: Arc<rustls::ClientConfig>,
    ) -> Result<Client, ConnectError> {
        let http = transport::http_client().map_err(ConnectError::Setup)?;
        let info = match config.discovery_request() {
            Some(request) => {
                // Before discovery only the API is known; uploads are not needed yet.
                let rest = config.rest(config.api_url());
                let info = transport::execute(&rest, &http, &request)
                    .await
                    .map_err(ConnectError::Discovery)?;
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
        });
        let (control_tx, control_rx) = mpsc::unbounded_channel();
        let (events_tx, events_rx) = mpsc::unbounded_channel();
        let (closed_tx, closed_rx) = watch::channel(None);
        let driver = Driver {
            session,
            shared: shared.clone(),
            control: control_rx,
            events: events_tx,
            closed: closed_tx,
            tls,
            socket: None,
            connecting: None,
        };
        tokio::spawn(driver.run());

        Ok(Client {
            handle: Handle {
                inner: Arc::new(Inner {
                    rest,
                    http,
                    endpoints,
                    shared,
                    control: control_tx,
                    closed: closed_rx,
                }),
            },
            events: events_rx,
        })
    }

    /// The next gateway event with its cache change.
    ///
    /// `None` once the stream has ended; an `Err` right before that if the session ended
    /// without [`shutdown`](Handle::shutdown) (see the [crate docs](crate)). Cancel-safe: use it
    /// in `tokio::select!` freely.
    ///
    /// Events are delivered in order, but the driver does not wait for you: by the time you see
    /// an update the cache may already reflect later events. Use the update's
    /// [`change`](Update::change) for the state as of the event. Unread events are buffered
    /// without bound, so keep reading.
    pub async fn next_event(&mut self) -> Option<Result<Update, SessionEnded>> {
        self.events.recv().await
    }

    /// Waits for the first update that satisfies `predicate`, discarding the ones before it.
    ///
    /// Returns `None` if `timeout` passes first or the stream ends first (then
    /// [`Handle::closed_reason`] says why).
    pub async fn wait_for(
        &mut self,
        mut predicate: impl FnMut(&Update) -> bool,
        timeout: Duration,
    ) -> Option<Update> {
        let search = async {
            while let Some(Ok(update)) = self.events.recv().await {
                if predicate(&update) {
                    return Some(update);
                }
            }
            None
        };
        tokio::time::timeout(timeout, search).await.ok().flatten()
    }

    /// A handle for requests, commands and cache reads from other tasks.
    pub fn handle(&self) -> Handle {
        self.handle.clone()
    }

    /// See [`Handle::execute`].
    pub async fn execute<R: Request + ?Sized>(
        &self,
        request: &R,
    ) -> Result<R::Output, stoat_core::http::Error> {
        self.handle.execute(request).await
    }

    /// See [`Handle::send_command`].
    pub fn send_command(&self, command: Command) -> Result<(), SessionEnded> {
        self.handle.send_command(command)
    }

    /// See [`Handle::cache`].
    pub fn cache(&self) -> RwLockReadGuard<'_, Cache> {
        self.handle.cache()
    }

    /// See [`Handle::latency`].
    pub fn latency(&self) -> Option<Duration> {
        self.handle.latency()
    }

    /// See [`Handle::state`].
    pub fn state(&self) -> SessionState {
        self.handle.state()
    }

    /// See [`Handle::endpoints`].
    pub fn endpoints(&self) -> &Endpoints {
        self.handle.endpoints()
    }

    /// See [`Handle::closed_reason`].
    pub fn closed_reason(&self) -> Option<CloseReason> {
        self.handle.closed_reason()
    }

    /// See [`Handle::shutdown`].
    pub async fn shutdown(&self) {
        self.handle.shutdown().await
    }
}

#[cfg(test)]
mod tests;

impl futures_core::Stream for Client {
    type Item = Result<Update, SessionEnded>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.events.poll_recv(cx)
    }
}

impl Handle {
    /// Sends a typed request and returns its parsed response.
    ///
    /// The request waits its turn in the shared rate limiter, and 429s, 502/503/504s and
    /// connection failures are retried as the configured [`RetryPolicy`] allows (ambiguous
    /// failures only for requests that are safe to repeat). Any number of these may run at
    /// once, from any task.
    ///
    /// File uploads ([`Upload`](stoat_core::cdn::Upload)) go to the file server of the
    /// resolved endpoints. An attempt with no complete response within the policy's
    /// `request_timeout` is abandoned and counts as a failure that may have reached the server.
    ///
    /// [`RetryPolicy`]: stoat_core::http::RetryPolicy
    pub async fn execute<R: Request + ?Sized>(
        &self,
        request: &R,
    ) -> Result<R::Output, stoat_core::http::Error> {
        transport::execute(&self.inner.rest, &self.inner.http, request).await
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
    /// The guard blocks the driver's cache updates while it lives: copy out what you need and
    /// drop it before the next `.await` (it is not `Send`, so the compiler helps).
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
        self.inner.closed.borrow().clone()
    }

    /// Closes the session gracefully: sends the WebSocket close frame, stops the driver and
    /// ends the event stream (events already queued can still be read). Returns once the
    /// driver has stopped. Calling it again, or after the session ended, does nothing.
    pub async fn shutdown(&self) {
        let _ = self.inner.control.send(Control::Shutdown);
        let mut closed = self.inner.closed.clone();
        let _ = closed.wait_for(Option::is_some).await;
    }
}
