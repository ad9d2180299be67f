//! The client: connect, events, handlers, REST, `wait_for`, the cache, shutdown.

use std::fmt;
use std::ops::Deref;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};
use rustls::pki_types::CertificateDer;
use stoat_core::cache::{Cache, MissingFromCache};
use stoat_core::client::handlers::Job;
use stoat_core::client::standby::{Deliver, WaiterId};
use stoat_core::client::{
    BlockingExecutor, BlockingHandlers, CacheAccess, ClientConfig, ClientState, ConnectError,
    SessionEnded, Update, WaitError,
};
use stoat_core::gateway::{CloseReason, Command, Session, SessionState};
use stoat_core::http::{Error, Request, Rest};
use stoat_core::id::{ChannelId, ServerId, UserId};
use stoat_core::model::{Permissions, Timestamp};
use stoat_core::Endpoints;

use crate::driver::{Control, Driver};
use crate::transport::{self, Tls};

/// Event handlers for [`Client::run`]: register plain handler functions per [`EventKind`]
/// with [`on`](BlockingHandlers::on), one error hook with
/// [`on_error`](BlockingHandlers::on_error).
///
/// [`EventKind`]: crate::EventKind
pub type Handlers = BlockingHandlers<Handle>;

/// How many threads [`Client::run`] calls handlers on.
const HANDLER_THREADS: usize = 4;

/// A `wait_for` waiter's end of its channel, as the gateway thread holds it.
pub(crate) struct WaiterSink(Sender<Update>);

impl Deliver for WaiterSink {
    fn deliver(&mut self, update: Update) -> bool {
        self.0.send(update).is_ok()
    }
}

/// What the driver thread and the handles share: the client state, and whether the thread has
/// stopped (what `shutdown` waits for).
pub(crate) struct Shared {
    pub(crate) state: ClientState<WaiterSink>,
    finished: Mutex<bool>,
    stopped: Condvar,
}

impl Shared {
    pub(crate) fn set_finished(&self) {
        *self.finished() = true;
        self.stopped.notify_all();
    }

    fn finished(&self) -> MutexGuard<'_, bool> {
        self.finished.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// [`Client::next_event_timeout`] found nothing within its timeout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("no event arrived in time")]
pub struct TimedOut;

/// Options for [`Client`] beyond the runtime-independent [`ClientConfig`].
///
/// ```no_run
/// # fn demo(private_ca_der: Vec<u8>) -> Result<(), stoat_blocking::ConnectError> {
/// use stoat_blocking::{Client, ClientConfig, Token};
/// let client = Client::builder(ClientConfig::new(Token::bot("token")))
///     // Only for a self-hosted instance whose certificate comes from a private CA.
///     .root_certificates(vec![private_ca_der.into()])
///     .connect()?;
/// # Ok(()) }
/// ```
#[must_use = "a builder does nothing until `connect` is called"]
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

    /// Resolves the service URLs, starts the gateway thread and returns without waiting for
    /// `Ready` (it arrives as the first event).
    ///
    /// With [`ClientConfig::discover`] this fetches the instance's `GET /` first, through the
    /// same rate-limited path as [`Handle::execute`]; a failure there is the only network
    /// error `connect` reports. Gateway trouble (a refused token included) shows in the event
    /// stream.
    pub fn connect(self) -> Result<Client, ConnectError> {
        let Self { config, roots } = self;
        let tls = Tls::new(roots).map_err(ConnectError::Setup)?;
        let agent = tls.agent();
        let info = match config.discovery_request() {
            Some(request) => {
                // Before discovery only the API is known; uploads are not needed yet.
                let rest = config.rest(config.api_url());
                let call = rest.call(&request).map_err(ConnectError::Discovery)?;
                Some(transport::drive(&agent, call).map_err(ConnectError::Discovery)?)
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
            state: ClientState::new(config.new_cache(), session.state()),
            finished: Mutex::new(false),
            stopped: Condvar::new(),
        });
        let (control_tx, control_rx) = crossbeam_channel::unbounded();
        let (events_tx, events_rx) = crossbeam_channel::unbounded();
        let driver = Driver {
            session,
            shared: shared.clone(),
            control: control_rx,
            events: events_tx,
            tls: tls.websocket(),
        };
        std::thread::Builder::new()
            .name("stoat-gateway".into())
            .spawn(move || driver.run())
            .map_err(|error| {
                ConnectError::Setup(format!("cannot start the gateway thread: {error}"))
            })?;

        Ok(Client {
            handle: Handle {
                inner: Arc::new(Inner {
                    rest,
                    agent,
                    endpoints,
                    shared,
                    control: control_tx,
                }),
            },
            events: events_rx,
        })
    }
}

/// A connected client: the event stream, plus a [`Handle`] for everything else.
///
/// `Client` dereferences to its [`Handle`], so every handle method can be called on it
/// directly; [`handle`](Self::handle) gives a cloneable one for other threads.
pub struct Client {
    handle: Handle,
    events: Receiver<Result<Update, SessionEnded>>,
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
    /// Connects with `config`: shorthand for `Client::builder(config).connect()`.
    pub fn connect(config: ClientConfig) -> Result<Client, ConnectError> {
        Self::builder(config).connect()
    }

    /// A builder for the options that depend on the runtime (TLS roots).
    pub fn builder(config: ClientConfig) -> ClientBuilder {
        ClientBuilder {
            config,
            roots: None,
        }
    }

    /// Blocks until the next gateway event with its cache change.
    ///
    /// `None` once the stream has ended; an `Err` right before that if the session ended
    /// without [`shutdown`](Handle::shutdown) (see the [crate docs](crate)).
    ///
    /// Events are delivered in order, but the gateway thread does not wait for you: by the time
    /// you see an update the cache may already reflect later events. Use the update's
    /// [`change`](Update::change) for the state as of the event. Unread events are buffered
    /// without bound, so keep reading.
    pub fn next_event(&self) -> Option<Result<Update, SessionEnded>> {
        self.events.recv().ok()
    }

    /// Like [`next_event`](Self::next_event), but gives up after `timeout`.
    ///
    /// `Err(TimedOut)` if nothing arrived in time; otherwise exactly what `next_event` would
    /// have returned.
    pub fn next_event_timeout(
        &self,
        timeout: Duration,
    ) -> Result<Option<Result<Update, SessionEnded>>, TimedOut> {
        match self.events.recv_timeout(timeout) {
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

    /// Runs `handlers` on every event until the stream ends. Handler calls run on a pool of
    /// threads (four), so they run concurrently and may block on anything (`wait_for` and
    /// REST calls included); a handler that panics is reported and its thread carries on.
    /// Returns once the stream has ended and every handler call has finished: `Ok` after a
    /// shutdown, the [`SessionEnded`] otherwise.
    pub fn run(self, handlers: Handlers) -> Result<(), SessionEnded> {
        let (jobs, queue) = crossbeam_channel::unbounded::<Job>();
        std::thread::scope(|scope| {
            for n in 0..HANDLER_THREADS {
                let queue = queue.clone();
                std::thread::Builder::new()
                    .name(format!("stoat-handler-{n}"))
                    .spawn_scoped(scope, move || {
                        for job in queue {
                            if catch_unwind(AssertUnwindSafe(job)).is_err() {
                                tracing::error!("an event handler panicked");
                            }
                        }
                    })
                    .expect("spawning a handler thread");
            }
            let ended = (|| {
                for update in self.events() {
                    for job in handlers.dispatch(&self.handle, update?) {
                        // The workers only stop once `jobs` is dropped.
                        let _ = jobs.send(job);
                    }
                }
                Ok(())
            })();
            // Lets the workers drain the queue and stop; the scope joins them.
            drop(jobs);
            ended
        })
    }

    /// A handle for requests, commands, waiting and cache reads from other threads.
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

/// Everything a [`Client`] can do except receive events. Cheap to clone; `Send + Sync`.
#[derive(Clone)]
pub struct Handle {
    inner: Arc<Inner>,
}

struct Inner {
    rest: Rest,
    agent: ureq::Agent,
    endpoints: Endpoints,
    shared: Arc<Shared>,
    control: Sender<Control>,
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
    pub fn execute<R: Request + ?Sized>(&self, request: &R) -> Result<R::Output, Error> {
        transport::drive(&self.inner.agent, self.inner.rest.call(request)?)
    }

    /// Sends a gateway command (typing indicators, subscriptions).
    ///
    /// Before `Ready` the session holds commands and sends them once it is ready. Fails, with
    /// the reason, once the session has ended.
    pub fn send_command(&self, command: Command) -> Result<(), SessionEnded> {
        let state = &self.inner.shared.state;
        if state.status().closed.is_some() {
            return Err(state.ended());
        }
        self.inner
            .control
            .send(Control::Command(command))
            .map_err(|_| state.ended())
    }

    /// Waits for the first event that satisfies `predicate`, for at most `timeout`.
    ///
    /// The waiter sees every event that arrives after this call, *in addition to* the event
    /// stream: nothing is taken from [`Client::next_event`] or other waiters. The predicate
    /// runs on the gateway thread, so keep it quick. To ask something and then wait for the
    /// answer without missing a quick one, register first with [`waiter`](Self::waiter).
    pub fn wait_for(
        &self,
        predicate: impl FnMut(&Update) -> bool + Send + 'static,
        timeout: Duration,
    ) -> Result<Update, WaitError> {
        let mut found = self.waiter(predicate, 1)?.wait(timeout)?;
        Ok(found.remove(0))
    }

    /// Collects the next `count` events that satisfy `predicate`, for at most `timeout` in
    /// all; on a timeout the error holds those that did arrive. See
    /// [`wait_for`](Self::wait_for).
    pub fn wait_for_many(
        &self,
        predicate: impl FnMut(&Update) -> bool + Send + 'static,
        count: usize,
        timeout: Duration,
    ) -> Result<Vec<Update>, WaitError> {
        self.waiter(predicate, count)?.wait(timeout)
    }

    /// Registers a waiter for the next `count` events that satisfy `predicate`, to be waited
    /// on later with [`Waiter::wait`]: [`wait_for`](Self::wait_for) in two steps, so that
    /// `let answer = handle.waiter(..)?; ask()?; answer.wait(timeout)` cannot miss a quick
    /// answer. Fails if the session has ended.
    pub fn waiter(
        &self,
        predicate: impl FnMut(&Update) -> bool + Send + 'static,
        count: usize,
    ) -> Result<Waiter, WaitError> {
        let (sender, matches) = crossbeam_channel::unbounded();
        let shared = self.inner.shared.clone();
        let id = shared
            .state
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
    /// The cache is locked only while `read` runs: copy out what you need.
    ///
    /// ```no_run
    /// # fn demo(handle: &stoat_blocking::Handle) {
    /// let name = handle.with_cache(|cache| cache.current_user().map(|me| me.username.clone()));
    /// # }
    /// ```
    pub fn with_cache<T>(&self, read: impl FnOnce(&Cache) -> T) -> T {
        self.inner.shared.state.with_cache(read)
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
        self.inner.shared.state.status().latency
    }

    /// Where the gateway session is (connecting, ready, waiting to reconnect, closed).
    pub fn state(&self) -> SessionState {
        self.inner.shared.state.status().state
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
        self.inner.shared.state.status().closed
    }

    /// Closes the session gracefully: sends the WebSocket close frame, stops the gateway thread
    /// and ends the event stream (events already queued can still be read). Returns once the
    /// thread has stopped. Calling it again, or after the session ended, does nothing.
    pub fn shutdown(&self) {
        let _ = self.inner.control.send(Control::Shutdown);
        let shared = &self.inner.shared;
        let mut finished = shared.finished();
        while !*finished {
            finished = shared
                .stopped
                .wait(finished)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }
}

impl CacheAccess for Handle {
    fn with_cache<T>(&self, read: impl FnOnce(&Cache) -> T) -> T {
        self.inner.shared.state.with_cache(read)
    }

    fn wall_clock(&self) -> Timestamp {
        SystemTime::now().into()
    }
}

impl BlockingExecutor for Handle {
    fn execute_owned<R: Request>(&self, request: R) -> Result<R::Output, Error> {
        self.execute(&request)
    }
}

/// A registered `wait_for`, from [`Handle::waiter`]: it collects matches from the moment it
/// was made. Dropping it unregisters it.
pub struct Waiter {
    shared: Arc<Shared>,
    id: WaiterId,
    count: usize,
    matches: Receiver<Update>,
}

impl fmt::Debug for Waiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Waiter")
            .field("count", &self.count)
            .finish_non_exhaustive()
    }
}

impl Waiter {
    /// Blocks up to `timeout` for the matches (counted from when the waiter was made); on a
    /// timeout the error holds those that did arrive.
    pub fn wait(self, timeout: Duration) -> Result<Vec<Update>, WaitError> {
        let deadline = Instant::now().checked_add(timeout);
        let mut collected = Vec::with_capacity(self.count);
        while collected.len() < self.count {
            let next = match deadline {
                Some(deadline) => self.matches.recv_deadline(deadline),
                None => self
                    .matches
                    .recv()
                    .map_err(|_| RecvTimeoutError::Disconnected),
            };
            match next {
                Ok(update) => collected.push(update),
                Err(RecvTimeoutError::Timeout) => return Err(WaitError::TimedOut { collected }),
                Err(RecvTimeoutError::Disconnected) => return Err(WaitError::SessionEnded),
            }
        }
        Ok(collected)
    }
}

impl Drop for Waiter {
    fn drop(&mut self) {
        self.shared.state.cancel_waiter(self.id);
    }
}
