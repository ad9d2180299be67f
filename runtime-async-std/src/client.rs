//! The client: connect, events, REST, commands, shutdown.

use std::fmt;
use std::future::Future;
use std::ops::Deref;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use async_io::Timer;
use futures_core::Stream;
use futures_lite::future;
use futures_rustls::rustls;
use stoat_core::cache::Cache;
use stoat_core::client::{ClientConfig, Update};
use stoat_core::gateway::{CloseReason, Command, Session, SessionState};
use stoat_core::http::{self as core_http, Request, Rest, Step, TransportError};
use stoat_core::Endpoints;

use crate::gateway::{Control, Gateway, Shared};
use crate::http::HttpClient;
use crate::net::{Connector, Target};
use crate::Error;

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
/// # async fn demo() -> Result<(), stoat_async_std::Error> {
/// use stoat_async_std::{Client, ClientConfig, Token};
/// let client = Client::builder(ClientConfig::new(Token::bot("token")))
///     .spawn_with(|driver| smol::spawn(driver).detach())
///     .connect()
///     .await?;
/// # Ok(()) }
/// ```
#[must_use = "a builder does nothing until `connect` is awaited"]
pub struct ClientBuilder {
    config: ClientConfig,
    spawner: Option<Spawner>,
    tls: Option<Arc<rustls::ClientConfig>>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("config", &self.config)
            .field("custom_spawner", &self.spawner.is_some())
            .field("custom_tls", &self.tls.is_some())
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

    /// Uses this rustls configuration for `https` and `wss` instead of the Mozilla roots
    /// from `webpki-roots` (e.g. to trust a private CA of a self-hosted instance).
    pub fn tls_config(mut self, config: Arc<rustls::ClientConfig>) -> Self {
        self.tls = Some(config);
        self
    }

    /// Resolves the endpoints, starts the gateway driver and returns the client.
    ///
    /// This does not wait for the gateway: the first events are `Authenticated` and `Ready`
    /// (or, if the token is rejected, the event stream ends with [`Error::Closed`]).
    pub async fn connect(self) -> Result<Client, Error> {
        let Self {
            config,
            spawner,
            tls,
        } = self;
        let connector = Connector::new(tls);
        let http = Arc::new(HttpClient::new(connector.clone()));
        let info = match config.discovery_request() {
            Some(request) => {
                // Before discovery only the API is known; uploads are not needed yet.
                let rest = config.rest(config.api_url());
                let info = execute(&http, &rest, &request)
                    .await
                    .map_err(Error::Discovery)?;
                Some(info)
            }
            None => None,
        };
        let endpoints = config
            .resolved_endpoints(info.as_ref())
            .ok_or_else(|| Error::UnsupportedDiscovery(format!("{:?}", config.discovery)))?;
        // Built from the resolved endpoints, so file-server requests (uploads) go there too.
        let rest = config.rest_for(&endpoints);
        Target::parse(&endpoints.ws)
            .map_err(|e| Error::InvalidUrl(format!("gateway {}: {e}", endpoints.ws)))?;

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
                    .map_err(Error::Spawn)?;
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

/// A connected client: a [`Handle`] (REST, commands, cache) plus the event stream.
///
/// Events come from [`next_event`](Self::next_event) or the [`Stream`] implementation. Each
/// is a core [`Update`]: the event and what it changed in the cache. The stream ends after
/// [`shutdown`](Handle::shutdown); if the session ends for another reason (the token was
/// rejected, the session was logged out, reconnecting gave up) its last item is
/// `Err(`[`Error::Closed`]`)`.
///
/// Events are buffered without bound until they are taken, so the gateway never stalls
/// (heartbeats keep going while your code is busy); keep consuming them.
///
/// `Client` dereferences to [`Handle`]; [`handle`](Self::handle) gives a cloneable one for
/// other tasks. Dropping the `Client` stops the gateway driver (REST through remaining
/// handles keeps working).
pub struct Client {
    handle: Handle,
    /// Boxed because the receiver is `!Unpin` and `Client` should be `Unpin`.
    events: Pin<Box<async_channel::Receiver<Result<Update, Error>>>>,
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
    pub async fn connect(config: ClientConfig) -> Result<Self, Error> {
        Self::builder(config).connect().await
    }

    /// A builder for the options that depend on the runtime (spawning, TLS).
    pub fn builder(config: ClientConfig) -> ClientBuilder {
        ClientBuilder {
            config,
            spawner: None,
            tls: None,
        }
    }

    /// The next event, or `None` once the session has ended.
    pub async fn next_event(&mut self) -> Option<Result<Update, Error>> {
        self.events.recv().await.ok()
    }

    /// Waits for the first update that satisfies `predicate`, discarding the ones before it.
    ///
    /// Returns `None` if `timeout` passes first or the stream ends first (then
    /// [`closed_reason`](Handle::closed_reason) says why).
    pub async fn wait_for(
        &mut self,
        mut predicate: impl FnMut(&Update) -> bool,
        timeout: Duration,
    ) -> Option<Update> {
        let search = async {
            while let Ok(Ok(update)) = self.events.recv().await {
                if predicate(&update) {
                    return Some(update);
                }
            }
            None
        };
        let expired = async {
            Timer::after(timeout).await;
            None
        };
        future::or(search, expired).await
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
    type Item = Result<Update, Error>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.events.as_mut().poll_next(cx)
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.handle.inner.control.try_send(Control::Shutdown);
    }
}

/// Everything but the event stream: REST, gateway commands, the cache, shutdown.
/// Cheap to clone; all clones share one connection pool and rate limiter.
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

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handle")
            .field("endpoints", &self.inner.endpoints)
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
    pub async fn execute<R: Request + ?Sized>(
        &self,
        request: &R,
    ) -> Result<R::Output, core_http::Error> {
        execute(&self.inner.http, &self.inner.rest, request).await
    }

    /// Sends a gateway command (typing indicators, subscriptions). Commands given before the
    /// session is ready are sent once it is.
    pub fn send_command(&self, command: Command) -> Result<(), Error> {
        self.inner
            .control
            .try_send(Control::Command(command))
            .map_err(|_| Error::Stopped)
    }

    /// Read access to the cache. Do not hold it across long waits: the driver needs write
    /// access to apply each event.
    pub async fn cache(&self) -> CacheRef<'_> {
        CacheRef(self.inner.shared.cache.read().await)
    }

    /// Round-trip time of the last answered gateway heartbeat.
    pub fn latency(&self) -> Option<Duration> {
        self.inner.shared.status().latency
    }

    /// Where the gateway session is (connecting, ready, waiting to reconnect, closed).
    pub fn state(&self) -> SessionState {
        self.inner.shared.status().state
    }

    /// Why the session ended, once it has: also after [`shutdown`](Self::shutdown)
    /// ([`CloseReason::Requested`]).
    pub fn closed_reason(&self) -> Option<CloseReason> {
        self.inner.shared.status().closed
    }

    /// The service URLs in use (after discovery).
    pub fn endpoints(&self) -> &Endpoints {
        &self.inner.endpoints
    }

    /// The REST pipeline (base URL, credentials, shared rate limiter).
    pub fn rest(&self) -> &Rest {
        &self.inner.rest
    }

    /// Closes the session: the gateway connection is closed with a close frame, the driver
    /// exits and the event stream ends (after the events already received). Returns once
    /// the driver has exited.
    pub async fn shutdown(&self) {
        let _ = self.inner.control.try_send(Control::Shutdown);
        // Never receives: the driver drops the sender when it exits.
        let _ = self.inner.done.recv().await;
    }
}

/// A read lock on the cache, from [`Handle::cache`].
pub struct CacheRef<'a>(async_lock::RwLockReadGuard<'a, Cache>);

impl Deref for CacheRef<'_> {
    type Target = Cache;
    fn deref(&self) -> &Cache {
        &self.0
    }
}

impl fmt::Debug for CacheRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

/// Drives one core [`Call`](stoat_core::http::Call) to completion: sleeps where core says,
/// sends what core says (abandoning it at the call's send deadline), reports what came back.
async fn execute<R: Request + ?Sized>(
    http: &HttpClient,
    rest: &Rest,
    request: &R,
) -> Result<R::Output, core_http::Error> {
    let mut call = rest.call(request)?;
    loop {
        match call.poll(Instant::now()) {
            Step::Wait(until) => {
                Timer::at(until).await;
            }
            Step::Send(request) => {
                // Core names how long this attempt may take; past that it counts as failed.
                let deadline = call.send_deadline();
                let expired = async {
                    match deadline {
                        Some(deadline) => {
                            Timer::at(deadline).await;
                            Err(TransportError::timed_out())
                        }
                        None => future::pending().await,
                    }
                };
                match future::or(http.send(request), expired).await {
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
        send(&client.cache());
        send(&client.shutdown());
        send(&client.next_event());
    }

    #[test]
    fn client_types_are_thread_safe() {
        send_sync_unpin::<Client>();
        send_sync_unpin::<Handle>();
        fn send_unpin<T: Send + Unpin>() {}
        send_unpin::<Driver>();
        send_sync_unpin::<Error>();
    }
}
