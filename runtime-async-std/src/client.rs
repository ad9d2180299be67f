//! The client: connect, events, REST, commands, shutdown.

use std::fmt;
use std::future::Future;
use std::ops::Deref;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant, SystemTime};

use async_io::Timer;
use futures_core::Stream;
use futures_lite::future;
use futures_rustls::pki_types::CertificateDer;
use stoat_core::cache::{Cache, MissingFromCache};
use stoat_core::client::standby::{Deliver, WaiterId};
use stoat_core::client::{
    AsyncExecutor, AsyncHandlers, BoxFuture, CacheAccess, ClientConfig, ConnectError, SessionEnded,
    Update, WaitError,
};
use stoat_core::gateway::{CloseReason, Command, Session, SessionState};
use stoat_core::http::{Call, Error, Request, Rest, Step, TransportError};
use stoat_core::id::{ChannelId, ServerId, UserId};
use stoat_core::model::{Permissions, Timestamp};
use stoat_core::Endpoints;

use crate::gateway::{Control, Gateway, Shared};
use crate::http::HttpClient;
use crate::net::{Connector, Target};

/// Event handlers for [`Client::run`]: register async handlers per [`EventKind`] with
/// [`on`](AsyncHandlers::on), one error hook with [`on_error`](AsyncHandlers::on_error).
///
/// [`EventKind`]: crate::EventKind
pub type Handlers = AsyncHandlers<Handle>;

/// A `wait_for` waiter's end of its channel, as the gateway driver holds it.
pub(crate) struct WaiterSink(async_channel::Sender<Update>);

impl Deliver for WaiterSink {
    fn deliver(&mut self, update: Update) -> bool {
        self.0.try_send(update).is_ok()
    }

    fn is_closed(&self) -> bool {
        self.0.is_closed()
    }
}

/// The gateway driver: a future that runs the gateway session until it closes.
///
/// [`Client::connect`] runs it on a thread of its own. With
/// [`ClientBuilder::spawn_with`] you run it on your executor instead, e.g.
/// `smol::spawn(driver).detach()` or `async_std::task::spawn(driver)`. It must be polled for
/// events to flow and heartbeats to go out; dropping it ends the session.
#[must_use = "the gateway does nothing unless the driver is polled"]
pub struct Driver(Pin<Box<dyn Future<Output = ()> + Send + 'static>>);

impl Future for Driver {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.0.as_mut().poll(cx)
    }
}

impl fmt::Debug for Driver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Driver").finish_non_exhaustive()
    }
}

type Spawner = Box<dyn FnOnce(Driver) + Send>;

/// Options for [`Client`] beyond the runtime-independent [`ClientConfig`].
///
/// ```no_run
/// # async fn demo(private_ca_der: Vec<u8>) -> Result<(), stoat_async_std::ConnectError> {
/// use stoat_async_std::{Client, ClientConfig, Token};
/// let client = Client::builder(ClientConfig::new(Token::bot("token")))
///     .spawn_with(|driver| smol::spawn(driver).detach())
///     // Only for a self-hosted instance whose certificate comes from a private CA.
///     .root_certificates(vec![private_ca_der.into()])
///     .connect()
///     .await?;
/// # Ok(()) }
/// ```
#[must_use = "a builder does nothing until `connect` is awaited"]
pub struct ClientBuilder {
    config: ClientConfig,
    spawner: Option<Spawner>,
    roots: Option<Vec<CertificateDer<'static>>>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("config", &self.config)
            .field("custom_spawner", &self.spawner.is_some())
            .field("custom_roots", &self.roots.as_ref().map(Vec::len))
            .finish()
    }
}

impl ClientBuilder {
    /// Runs the gateway [`Driver`] with `spawn` instead of on a dedicated thread.
    ///
    /// `spawn` is called once, during [`connect`](Self::connect), and must arrange for the
    /// driver to be polled to completion: `|driver| smol::spawn(driver).detach()`,
    /// `|driver| { async_std::task::spawn(driver); }`, or an `async_executor::Executor`.
    pub fn spawn_with(mut self, spawn: impl FnOnce(Driver) + Send + 'static) -> Self {
        self.spawner = Some(Box::new(spawn));
        self
    }

    /// Trusts exactly these certificate authorities (DER) for `https://` and `wss://`,
    /// instead of the Mozilla roots built in: for a self-hosted instance with a private CA.
    pub fn root_certificates(mut self, roots: Vec<CertificateDer<'static>>) -> Self {
        self.roots = Some(roots);
        self
    }

    /// Resolves the endpoints, starts the gateway driver and returns the client.
    ///
    /// This does not wait for the gateway: the first events are `Authenticated` and `Ready`
    /// (or, if the token is rejected, the event stream ends with [`SessionEnded`]).
    ///
    /// With [`ClientConfig::discover`] this fetches the instance's `GET /` first, through
    /// the same rate-limited path as [`Handle::execute`]; a failure there is the only
    /// network error `connect` reports.
    pub async fn connect(self) -> Result<Client, ConnectError> {
        let Self {
            config,
            spawner,
            roots,
        } = self;
        let connector = Connector::new(roots).map_err(ConnectError::Setup)?;
        let http = Arc::new(HttpClient::new(connector.clone()));
        let info = match config.discovery_request() {
            Some(request) => {
                // Before discovery only the API is known; uploads are not needed yet.
                let rest = config.rest(config.api_url());
                let call = rest.call(&request).map_err(ConnectError::Discovery)?;
                let info = drive(&http, call).await.map_err(ConnectError::Discovery)?;
                Some(info)
            }
            None => None,
        };
        let endpoints = config.resolved_endpoints(info.as_ref()).ok_or_else(|| {
            ConnectError::Setup(format!("unsupported discovery mode {:?}", config.discovery))
        })?;
        // Built from the resolved endpoints, so file-server requests (uploads) go there too.
        let rest = config.rest_for(&endpoints);
        Target::parse(&endpoints.ws)
            .map_err(|e| ConnectError::InvalidUrl(format!("gateway {}: {e}", endpoints.ws)))?;

        let session = Session::new(config.session_config(&endpoints.ws));
        let shared = Arc::new(Shared::new(config.new_cache(), session.state()));
        let (events_tx, events) = async_channel::unbounded();
        let (control, control_rx) = async_channel::unbounded();
        let (done_tx, done) = async_channel::bounded(1);
        let gateway = Gateway {
            session,
            connector,
            shared: shared.clone(),
            events: events_tx,
            control: control_rx,
            _done: done_tx,
        };
        let driver = Driver(Box::pin(gateway.run()));
        match spawner {
            Some(spawn) => spawn(driver),
            None => {
                std::thread::Builder::new()
                    .name("stoat-gateway".into())
                    .spawn(move || async_io::block_on(driver))
                    .map_err(|error| {
                        ConnectError::Setup(format!("cannot start the gateway thread: {error}"))
                    })?;
            }
        }
        Ok(Client {
            handle: Handle {
                inner: Arc::new(Inner {
                    rest,
                    http,
                    endpoints,
                    shared,
                    control,
                    done,
                }),
            },
            events: Box::pin(events),
        })
    }
}

/// A connected client: the event stream, plus a [`Handle`] for everything else.
///
/// Events come from [`next_event`](Self::next_event) or the [`Stream`] implementation. Each
/// is a core [`Update`]: the event and what it changed in the cache. The stream ends after
/// [`shutdown`](Handle::shutdown); if the session ends for another reason (the token was
/// rejected, the session was logged out, reconnecting gave up) its last item is
/// `Err(`[`SessionEnded`]`)`.
///
/// Events are buffered without bound until they are taken, so the gateway never stalls
/// (heartbeats keep going while your code is busy); keep consuming them.
///
/// `Client` dereferences to its [`Handle`]; [`handle`](Self::handle) gives a cloneable one
/// for other tasks. The gateway keeps running while the `Client` or any `Handle` exists.
pub struct Client {
    handle: Handle,
    /// Boxed because the receiver is `!Unpin` and `Client` should be `Unpin`.
    events: Pin<Box<async_channel::Receiver<Result<Update, SessionEnded>>>>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("endpoints", self.handle.endpoints())
            .field("pending_events", &self.events.len())
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Connects with `config`, running the gateway driver on a dedicated thread.
    ///
    /// Shorthand for `Client::builder(config).connect()`.
    pub async fn connect(config: ClientConfig) -> Result<Self, ConnectError> {
        Self::builder(config).connect().await
    }

    /// A builder for the options that depend on the runtime (spawning, TLS roots).
    pub fn builder(config: ClientConfig) -> ClientBuilder {
        ClientBuilder {
            config,
            spawner: None,
            roots: None,
        }
    }

    /// The next event, or `None` once the stream has ended; an `Err` right before that if
    /// the session ended without [`shutdown`](Handle::shutdown).
    pub async fn next_event(&mut self) -> Option<Result<Update, SessionEnded>> {
        self.events.recv().await.ok()
    }

    /// Runs `handlers` on every event until the stream ends. Each handler call is a task of
    /// its own on a local executor inside this future, so handlers run concurrently and may
    /// await anything (`wait_for` included). Returns once the stream has ended and every
    /// handler call has finished: `Ok` after a shutdown, the [`SessionEnded`] otherwise.
    pub async fn run(mut self, handlers: Handlers) -> Result<(), SessionEnded> {
        let executor = async_executor::Executor::new();
        let mut running: Vec<async_executor::Task<()>> = Vec::new();
        let events = async {
            while let Some(update) = self.next_event().await {
                running.retain(|task| !task.is_finished());
                for task in handlers.dispatch(&self.handle, update?) {
                    running.push(executor.spawn(task));
                }
            }
            Ok(())
        };
        let ended = executor.run(events).await;
        executor
            .run(async {
                for task in running {
                    task.await;
                }
            })
            .await;
        ended
    }

    /// A cloneable handle for other tasks.
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

impl Stream for Client {
    type Item = Result<Update, SessionEnded>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.events.as_mut().poll_next(cx)
    }
}

/// Everything but the event stream: REST, gateway commands, `wait_for`, the cache,
/// shutdown. Cheap to clone; all clones share one connection pool and rate limiter.
#[derive(Clone)]
pub struct Handle {
    inner: Arc<Inner>,
}

struct Inner {
    rest: Rest,
    http: Arc<HttpClient>,
    endpoints: Endpoints,
    shared: Arc<Shared>,
    control: async_channel::Sender<Control>,
    done: async_channel::Receiver<()>,
}

impl Drop for Inner {
    /// The last handle is gone: the gateway stops (the control channel closing says so too,
    /// but only once the driver next looks; this is prompt).
    fn drop(&mut self) {
        let _ = self.control.try_send(Control::Shutdown);
    }
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
    /// Sends a typed request through core's rate limiter and retry policy and returns its
    /// typed result. Safe to call from many tasks at once.
    ///
    /// File uploads ([`Upload`](stoat_core::cdn::Upload)) go to the file server of the
    /// resolved endpoints. An attempt with no complete response within the policy's
    /// `request_timeout` is abandoned and counts as a failure that may have reached the server.
    pub fn execute<'a, R: Request + ?Sized>(
        &'a self,
        request: &R,
    ) -> impl Future<Output = Result<R::Output, Error>> + Send + 'a
    where
        R::Output: Send + 'a,
    {
        // The request is turned into its call here, so the future does not borrow it.
        let call = self.inner.rest.call(request);
        async move { drive(&self.inner.http, call?).await }
    }

    /// Sends a gateway command (typing indicators, subscriptions). Commands given before the
    /// session is ready are sent once it is. Fails, with the reason, once the session has
    /// ended.
    pub fn send_command(&self, command: Command) -> Result<(), SessionEnded> {
        if self.inner.shared.status().closed.is_some() {
            return Err(self.inner.shared.ended());
        }
        self.inner
            .control
            .try_send(Control::Command(command))
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
        let (sender, matches) = async_channel::unbounded();
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

    /// Round-trip time of the last answered gateway heartbeat.
    pub fn latency(&self) -> Option<Duration> {
        self.inner.shared.status().latency
    }

    /// Where the gateway session is (connecting, ready, waiting to reconnect, closed).
    pub fn state(&self) -> SessionState {
        self.inner.shared.status().state
    }

    /// Why the session ended, once it has ([`CloseReason::Requested`] after a shutdown).
    pub fn closed_reason(&self) -> Option<CloseReason> {
        self.inner.shared.status().closed
    }

    /// The service URLs in use (after discovery).
    pub fn endpoints(&self) -> &Endpoints {
        &self.inner.endpoints
    }

    /// The REST pipeline (base URLs, credentials, the shared rate limiter), for driving a
    /// [`Call`] yourself.
    pub fn rest(&self) -> &Rest {
        &self.inner.rest
    }

    /// Closes the session gracefully: sends the WebSocket close frame, stops the driver and
    /// ends the event stream (events already queued can still be read). Returns once the
    /// driver has stopped. Calling it again, or after the session ended, does nothing.
    pub async fn shutdown(&self) {
        let _ = self.inner.control.try_send(Control::Shutdown);
        // Never receives: the driver drops the sender when it exits.
        let _ = self.inner.done.recv().await;
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
    matches: async_channel::Receiver<Update>,
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
    pub async fn wait(self, timeout: Duration) -> Result<Vec<Update>, WaitError> {
        let deadline = Instant::now().checked_add(timeout);
        let mut collected = Vec::with_capacity(self.count);
        while collected.len() < self.count {
            let next = async { Some(self.matches.recv().await) };
            let expired = async {
                match deadline {
                    Some(deadline) => {
                        Timer::at(deadline).await;
                        None
                    }
                    None => future::pending().await,
                }
            };
            match future::or(next, expired).await {
                Some(Ok(update)) => collected.push(update),
                Some(Err(_closed)) => return Err(WaitError::SessionEnded),
                None => return Err(WaitError::TimedOut { collected }),
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

/// Drives one core [`Call`] to completion: sleeps where core says, sends what core says
/// (abandoning it at the call's send deadline), reports what came back.
pub(crate) async fn drive<T>(http: &HttpClient, mut call: Call<T>) -> Result<T, Error> {
    loop {
        match call.poll(Instant::now()) {
            Step::Wait(until) => {
                Timer::at(until).await;
            }
            Step::Send(request) => {
                // Core names how long this attempt may take; past that it counts as failed.
                let deadline = call.send_deadline();
                let limit = call.response_body_limit();
                let expired = async {
                    match deadline {
                        Some(deadline) => {
                            Timer::at(deadline).await;
                            Err(TransportError::timed_out())
                        }
                        None => future::pending().await,
                    }
                };
                match future::or(http.send(request, limit), expired).await {
                    Ok(response) => call.handle_response(Instant::now(), response),
                    Err(error) => call.handle_transport_error(Instant::now(), error),
                }
            }
            Step::Done(result) => return result,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn send<T: Send>(_: &T) {}
    fn send_sync_unpin<T: Send + Sync + Unpin>() {}

    /// Compiles only if the client's futures can be spawned on multi-threaded executors.
    #[allow(dead_code)]
    async fn futures_are_send(config: ClientConfig, client: &mut Client) {
        send(&Client::connect(config));
        send(&client.execute(&stoat_core::http::routes::FetchInstance));
        send(&client.shutdown());
        send(&client.next_event());
    }

    #[test]
    fn client_types_are_thread_safe() {
        send_sync_unpin::<Client>();
        send_sync_unpin::<Handle>();
        fn send_unpin<T: Send + Unpin>() {}
        send_unpin::<Driver>();
        send_sync_unpin::<SessionEnded>();
    }
}
