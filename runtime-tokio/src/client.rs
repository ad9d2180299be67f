//! The client: connect, events, handlers, REST, `wait_for`, the cache, shutdown.

use std::fmt;
use std::future::Future;
use std::ops::Deref;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant, SystemTime};

use rustls::pki_types::CertificateDer;
use stoat_core::cache::{Cache, MissingFromCache};
use stoat_core::client::standby::{Deliver, WaiterId};
use stoat_core::client::{
    AsyncExecutor, AsyncHandlers, BoxFuture, CacheAccess, ClientConfig, ClientState, ConnectError,
    SessionEnded, Update, WaitError,
};
use stoat_core::gateway::{CloseReason, Command, Session, SessionState};
use stoat_core::http::{Error, Request, Rest};
use stoat_core::id::{ChannelId, ServerId, UserId};
use stoat_core::model::{Permissions, Timestamp};
use stoat_core::Endpoints;
use tokio::sync::{mpsc, watch};

use crate::driver::{Control, Driver};
use crate::transport::{self, Tls};

/// Event handlers for [`Client::run`]: register async handlers per [`EventKind`] with
/// [`on`](AsyncHandlers::on), one error hook with [`on_error`](AsyncHandlers::on_error).
///
/// [`EventKind`]: crate::EventKind
pub type Handlers = AsyncHandlers<Handle>;

/// A `wait_for` waiter's end of its channel, as the gateway driver holds it.
pub(crate) struct WaiterSink(mpsc::UnboundedSender<Update>);

impl Deliver for WaiterSink {
    fn deliver(&mut self, update: Update) -> bool {
        self.0.send(update).is_ok()
    }

    fn is_closed(&self) -> bool {
        self.0.is_closed()
    }
}

/// What the driver task and the handles share.
pub(crate) type Shared = ClientState<WaiterSink>;

/// Options for [`Client`] beyond the runtime-independent [`ClientConfig`].
///
/// ```no_run
/// # async fn demo(ca_der: Vec<u8>) -> Result<(), stoat_tokio::ConnectError> {
/// use stoat_tokio::{Client, ClientConfig, Endpoints, Token};
/// let config = ClientConfig::new(Token::bot("token")).endpoints(Endpoints::new(
///     "https://chat.example.org/api",
///     "wss://chat.example.org/ws",
///     "https://chat.example.org/autumn",
/// ));
/// let client = Client::builder(config)
///     .root_certificates(vec![ca_der.into()])
///     .connect()
///     .await?;
/// # Ok(()) }
/// ```
#[must_use = "a builder does nothing until `connect` is awaited"]
pub struct ClientBuilder {
    config: ClientConfig,
    roots: Option<Vec<CertificateDer<'static>>>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("config", &self.config)
            .field("custom_roots", &self.roots.as_ref().map(Vec::len))
            .finish()
    }
}

impl ClientBuilder {
    /// Trusts exactly these certificate authorities (DER) for `https://` and `wss://`,
    /// instead of the Mozilla roots built in: for a self-hosted instance with a private CA.
    pub fn root_certificates(mut self, roots: Vec<CertificateDer<'static>>) -> Self {
        self.roots = Some(roots);
        self
    }

    /// Resolves the service URLs, starts the gateway session in a background task and returns
    /// without waiting for `Ready` (it arrives as the first event).
    ///
    /// With [`ClientConfig::discover`] this fetches the instance's `GET /` first, through the
    /// same rate-limited path as [`Handle::execute`]; a failure there is the only network
    /// error `connect` reports. Gateway trouble (a refused token included) shows in the event
    /// stream. Must be called within a tokio runtime.
    pub async fn connect(self) -> Result<Client, ConnectError> {
        let Self { config, roots } = self;
        let tls = Tls::new(roots).map_err(ConnectError::Setup)?;
        let http = tls.http_client().map_err(ConnectError::Setup)?;
        let info = match config.discovery_request() {
            Some(request) => {
                // Before discovery only the API is known; uploads are not needed yet.
                let rest = config.rest(config.api_url());
                let call = rest.call(&request).map_err(ConnectError::Discovery)?;
                let info = transport::drive(&http, call)
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
        let shared = Arc::new(Shared::new(config.new_cache(), session.state()));
        let (control_tx, control_rx) = mpsc::unbounded_channel();
        let (events_tx, events_rx) = mpsc::unbounded_channel();
        let (done_tx, done_rx) = watch::channel(false);
        let driver = Driver {
            session,
            shared: shared.clone(),
            control: control_rx,
            events: events_tx,
            done: done_tx,
            tls: tls.websocket(),
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
                    done: done_rx,
                }),
            },
            events: events_rx,
        })
    }
}

/// A connected client: the event stream, plus a [`Handle`] for everything else.
///
/// `Client` dereferences to its [`Handle`], so every handle method can be called on it
/// directly; [`handle`](Self::handle) gives a cloneable one for other tasks.
#[derive(Debug)]
pub struct Client {
    handle: Handle,
    events: mpsc::UnboundedReceiver<Result<Update, SessionEnded>>,
}

impl Client {
    /// Connects with `config`: shorthand for `Client::builder(config).connect()`.
    pub async fn connect(config: ClientConfig) -> Result<Client, ConnectError> {
        Self::builder(config).connect().await
    }

    /// A builder for the options that depend on the runtime (TLS roots).
    pub fn builder(config: ClientConfig) -> ClientBuilder {
        ClientBuilder {
            config,
            roots: None,
        }
    }

    /// The next gateway event with its cache change.
    ///
    /// `None` once the stream has ended; an `Err` right before that if the session ended
    /// without [`shutdown`](Handle::shutdown) (see the [crate docs](crate)). Cancel-safe: use
    /// it in `tokio::select!` freely.
    ///
    /// Events are delivered in order, but the driver does not wait for you: by the time you
    /// see an update the cache may already reflect later events. Use the update's
    /// [`change`](Update::change) for the state as of the event. Unread events are buffered
    /// without bound, so keep reading.
    pub async fn next_event(&mut self) -> Option<Result<Update, SessionEnded>> {
        self.events.recv().await
    }

    /// Runs `handlers` on every event until the stream ends: each handler call is a task of
    /// its own (`tokio::spawn`), so handlers run concurrently and may await anything
    /// (`wait_for` included). Returns `Ok` after a shutdown, the [`SessionEnded`] otherwise.
    pub async fn run(mut self, handlers: Handlers) -> Result<(), SessionEnded> {
        while let Some(update) = self.next_event().await {
            for task in handlers.dispatch(&self.handle, update?) {
                tokio::spawn(task);
            }
        }
        Ok(())
    }

    /// A handle for requests, commands, waiting and cache reads from other tasks.
    pub fn handle(&self) -> Handle {
        self.handle.clone()
    }
}

impl Deref for Client {
    type Target = Handle;
    fn deref(&self) -> &Handle {
        &self.handle
    }
}

impl futures_core::Stream for Client {
    type Item = Result<Update, SessionEnded>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.events.poll_recv(cx)
    }
}

/// Everything a [`Client`] can do except receive events. Cheap to clone; `Send + Sync`.
#[derive(Clone)]
pub struct Handle {
    inner: Arc<Inner>,
}

struct Inner {
    rest: Rest,
    http: reqwest::Client,
    endpoints: Endpoints,
    shared: Arc<Shared>,
    control: mpsc::UnboundedSender<Control>,
    done: watch::Receiver<bool>,
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handle")
            .field("endpoints", &self.inner.endpoints)
            .field("closed", &self.closed_reason())
            .finish_non_exhaustive()
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
    pub fn execute<'a, R: Request + ?Sized>(
        &'a self,
        request: &R,
    ) -> impl Future<Output = Result<R::Output, Error>> + Send + 'a
    where
        R::Output: Send + 'a,
    {
        // The request is turned into its call here, so the future does not borrow it.
        let call = self.inner.rest.call(request);
        async move { transport::drive(&self.inner.http, call?).await }
    }

    /// Sends a gateway command (typing indicators, subscriptions).
    ///
    /// Before `Ready` the session holds commands and sends them once it is ready. Fails, with
    /// the reason, once the session has ended.
    pub fn send_command(&self, command: Command) -> Result<(), SessionEnded> {
        if self.inner.shared.status().closed.is_some() {
            return Err(self.inner.shared.ended());
        }
        self.inner
            .control
            .send(Control::Command(command))
            .map_err(|_| self.inner.shared.ended())
    }

    /// Waits for the first event that satisfies `predicate`, for at most `timeout`.
    ///
    /// The waiter is registered when this is called (before the returned future is first
    /// polled), so `let answer = handle.wait_for(..); ask().await; answer.await` cannot miss
    /// an answer that comes quickly. It sees every event that arrives after that, *in
    /// addition to* the event stream: nothing is taken from [`Client::next_event`] or other
    /// waiters. The predicate runs on the gateway driver, so keep it quick.
    pub fn wait_for(
        &self,
        predicate: impl FnMut(&Update) -> bool + Send + 'static,
        timeout: Duration,
    ) -> impl Future<Output = Result<Update, WaitError>> + Send + 'static {
        let waiter = self.waiter(predicate, 1);
        async move {
            let mut found = waiter?.wait(timeout).await?;
            Ok(found.remove(0))
        }
    }

    /// Collects the next `count` events that satisfy `predicate`, for at most `timeout` in
    /// all; on a timeout the error holds those that did arrive. Registered at once, like
    /// [`wait_for`](Self::wait_for).
    pub fn wait_for_many(
        &self,
        predicate: impl FnMut(&Update) -> bool + Send + 'static,
        count: usize,
        timeout: Duration,
    ) -> impl Future<Output = Result<Vec<Update>, WaitError>> + Send + 'static {
        let waiter = self.waiter(predicate, count);
        async move { waiter?.wait(timeout).await }
    }

    /// Registers a waiter for the next `count` events that satisfy `predicate`, to be
    /// awaited later with [`Waiter::wait`]: [`wait_for`](Self::wait_for) in two steps.
    /// Fails if the session has ended.
    pub fn waiter(
        &self,
        predicate: impl FnMut(&Update) -> bool + Send + 'static,
        count: usize,
    ) -> Result<Waiter, WaitError> {
        let (sender, matches) = mpsc::unbounded_channel();
        let shared = self.inner.shared.clone();
        let id = shared
            .register_waiter(Box::new(predicate), count, WaiterSink(sender))
            .map_err(|_| WaitError::SessionEnded)?;
        Ok(Waiter {
            shared,
            id,
            count,
            matches,
        })
    }

    /// Runs `read` with the cache and returns its result.
    ///
    /// The cache is locked only while `read` runs, and `read` cannot `.await`, so a lock can
    /// never be held across an await point: copy out what you need.
    ///
    /// ```no_run
    /// # fn demo(handle: &stoat_tokio::Handle) {
    /// let name = handle.with_cache(|cache| cache.current_user().map(|me| me.username.clone()));
    /// # }
    /// ```
    pub fn with_cache<T>(&self, read: impl FnOnce(&Cache) -> T) -> T {
        self.inner.shared.with_cache(read)
    }

    /// What `user` may do in `channel` now, from the cache; names what is missing if the
    /// cache cannot tell.
    pub fn permissions_in(
        &self,
        channel: ChannelId,
        user: UserId,
    ) -> Result<Permissions, MissingFromCache> {
        CacheAccess::permissions_in(self, channel, user)
    }

    /// What `user` may do server-wide now, from the cache.
    pub fn server_permissions(
        &self,
        server: ServerId,
        user: UserId,
    ) -> Result<Permissions, MissingFromCache> {
        CacheAccess::server_permissions(self, server, user)
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

    /// The REST pipeline (base URLs, credentials, the shared rate limiter), for driving a
    /// [`Call`](stoat_core::http::Call) yourself.
    pub fn rest(&self) -> &Rest {
        &self.inner.rest
    }

    /// Why the session ended, once it has ([`CloseReason::Requested`] after a shutdown).
    pub fn closed_reason(&self) -> Option<CloseReason> {
        self.inner.shared.status().closed
    }

    /// Closes the session gracefully: sends the WebSocket close frame, stops the driver and
    /// ends the event stream (events already queued can still be read). Returns once the
    /// driver has stopped. Calling it again, or after the session ended, does nothing.
    pub async fn shutdown(&self) {
        let _ = self.inner.control.send(Control::Shutdown);
        let mut done = self.inner.done.clone();
        // An error means the driver is gone, which is what we wait for too.
        let _ = done.wait_for(|done| *done).await;
    }
}

impl CacheAccess for Handle {
    fn with_cache<T>(&self, read: impl FnOnce(&Cache) -> T) -> T {
        self.inner.shared.with_cache(read)
    }

    fn wall_clock(&self) -> Timestamp {
        SystemTime::now().into()
    }
}

impl AsyncExecutor for Handle {
    fn execute_owned<R>(&self, request: R) -> BoxFuture<'_, Result<R::Output, Error>>
    where
        R: Request + Send + 'static,
        R::Output: Send + 'static,
    {
        Box::pin(self.execute(&request))
    }
}

/// A registered `wait_for`, from [`Handle::waiter`]: it collects matches from the moment it
/// was made. Dropping it unregisters it.
pub struct Waiter {
    shared: Arc<Shared>,
    id: WaiterId,
    count: usize,
    matches: mpsc::UnboundedReceiver<Update>,
}

impl fmt::Debug for Waiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Waiter")
            .field("count", &self.count)
            .finish_non_exhaustive()
    }
}

impl Waiter {
    /// Waits up to `timeout` for the matches (counted from when the waiter was made); on a
    /// timeout the error holds those that did arrive.
    pub async fn wait(mut self, timeout: Duration) -> Result<Vec<Update>, WaitError> {
        let deadline = Instant::now().checked_add(timeout);
        let mut collected = Vec::with_capacity(self.count);
        while collected.len() < self.count {
            let next = match deadline {
                Some(deadline) => {
                    match tokio::time::timeout_at(deadline.into(), self.matches.recv()).await {
                        Ok(next) => next,
                        Err(_elapsed) => return Err(WaitError::TimedOut { collected }),
                    }
                }
                None => self.matches.recv().await,
            };
            match next {
                Some(update) => collected.push(update),
                None => return Err(WaitError::SessionEnded),
            }
        }
        Ok(collected)
    }
}

impl Drop for Waiter {
    fn drop(&mut self) {
        self.shared.cancel_waiter(self.id);
    }
}
