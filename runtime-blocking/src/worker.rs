//! Fan-out workers: the client's update stream and handle, fed from a `stoat-bridge` over
//! Redis Streams (the `redis` feature).
//!
//! ```no_run
//! # fn demo() -> Result<(), stoat_blocking::WorkerError> {
//! use stoat_blocking::prelude::*;
//! use stoat_blocking::{ClientConfig, Event, Token, Worker};
//!
//! let config = ClientConfig::new(Token::bot("my-bot-token"));
//! let mut worker = Worker::connect(config, "redis://127.0.0.1:6379/", "bots", "worker-1")?;
//! while let Some(update) = worker.next_event() {
//!     let update = update?;
//!     if let Event::Message(message) = &update.event {
//!         if message.content.as_deref() == Some("!ping") {
//!             worker.send_message(message.channel, "pong").call().ok();
//!         }
//!     }
//!     // The entry is acknowledged when the next one is asked for.
//! }
//! # Ok(()) }
//! ```

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use crossbeam_channel::{RecvTimeoutError, Sender};
use stoat_core::cache::Cache;
use stoat_core::client::standby::Deliver;
use stoat_core::client::{BlockingExecutor, CacheAccess, ClientConfig, Update, WaitError};
use stoat_core::fanout::ratelimit::SharedAcquire;
use stoat_core::fanout::EntryId;
use stoat_core::gateway::Command;
use stoat_core::http::{Call, Error, Request, Rest, Step};
use stoat_core::model::Timestamp;
use stoat_core::Endpoints;
use stoat_worker::{Gate, Pump, PumpEvent};
pub use stoat_worker::{WorkerError, WorkerOptions};

use crate::transport::{self, Tls};

/// A `wait_for` waiter's end of its channel, as the worker's reading thread holds it.
#[derive(Debug)]
pub struct WorkerSink(Sender<Update>);

impl Deliver for WorkerSink {
    fn deliver(&mut self, update: Update) -> bool {
        self.0.send(update).is_ok()
    }
}

/// A fan-out worker: this worker's share of a bridge's events, as [`Update`]s, and a
/// [`WorkerHandle`] that does everything a [`Handle`](crate::Handle) does.
///
/// Work is split by the consumer group: every event reaches one worker of each group (at
/// least once). Every worker also reads the whole stream, so its cache, its `wait_for`
/// waiters and its permission checks see every event.
///
/// **Acknowledgement.** An update is acknowledged (`XACK`) when the next one is asked for
/// with [`next_event`](Self::next_event), that is after your handler for it returned. If the
/// worker dies before, the entry stays pending and another worker of the group claims it
/// once it has been idle for [`ClaimPolicy::min_idle`](stoat_core::fanout::ClaimPolicy). To
/// handle updates on several threads, take them with [`next_delivery`](Self::next_delivery)
/// and [`ack`](WorkerHandle::ack) each one yourself.
#[derive(Debug)]
pub struct Worker {
    handle: WorkerHandle,
    last: Option<EntryId>,
}

/// Everything a [`Worker`] can do except receive its share. Cheap to clone; `Send + Sync`.
#[derive(Clone)]
pub struct WorkerHandle {
    inner: Arc<Inner>,
}

struct Inner {
    pump: Pump<WorkerSink>,
    gate: Gate,
    rest: Rest,
    agent: ureq::Agent,
    endpoints: Endpoints,
}

impl fmt::Debug for WorkerHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WorkerHandle")
            .field("endpoints", &self.inner.endpoints)
            .finish_non_exhaustive()
    }
}

impl Worker {
    /// Joins consumer `consumer` of `group` on the bridge at `redis_url` (bot `default`);
    /// `config` gives the token and endpoints for REST.
    pub fn connect(
        config: ClientConfig,
        redis_url: &str,
        group: &str,
        consumer: &str,
    ) -> Result<Worker, WorkerError> {
        Self::connect_with(config, WorkerOptions::new(redis_url, group, consumer))
    }

    /// [`connect`](Self::connect) with every option.
    pub fn connect_with(
        config: ClientConfig,
        options: WorkerOptions,
    ) -> Result<Worker, WorkerError> {
        let agent = Tls::new(None).map_err(WorkerError::Setup)?.agent();
        let info = match config.discovery_request() {
            Some(request) => {
                let call = config.rest(config.api_url()).call(&request);
                let call = call.map_err(|e| WorkerError::Setup(e.to_string()))?;
                Some(
                    transport::drive(&agent, call)
                        .map_err(|e| WorkerError::Setup(e.to_string()))?,
                )
            }
            None => None,
        };
        let endpoints = config
            .resolved_endpoints(info.as_ref())
            .ok_or_else(|| WorkerError::Setup("unsupported discovery mode".to_owned()))?;
        let rest = config.rest_for(&endpoints);
        let gate = Gate::connect(&options.redis_url, options.keys())?;
        let pump = Pump::start(options)?;
        Ok(Worker {
            handle: WorkerHandle {
                inner: Arc::new(Inner {
                    pump,
                    gate,
                    rest,
                    agent,
                    endpoints,
                }),
            },
            last: None,
        })
    }

    /// The next update of this worker's share, after acknowledging the one before; blocks
    /// until there is one. If Redis fails, one `Err` says why, then `None`. Dropping the
    /// worker (and its handles) stops it; what it read but did not hand over stays pending.
    pub fn next_event(&mut self) -> Option<Result<Update, WorkerError>> {
        if let Some(id) = self.last.take() {
            self.handle.inner.pump.ack(id);
        }
        let (id, update) = match self.next_delivery()? {
            Ok(delivery) => delivery,
            Err(error) => return Some(Err(error)),
        };
        self.last = Some(id);
        Some(Ok(update))
    }

    /// The next update with its stream entry id, acknowledging nothing: pass the id to
    /// [`WorkerHandle::ack`] when its handler returned.
    pub fn next_delivery(&mut self) -> Option<Result<(EntryId, Update), WorkerError>> {
        match self.handle.inner.pump.events().recv_blocking().ok()? {
            PumpEvent::Update(delivery) => Some(Ok((delivery.id, delivery.update))),
            PumpEvent::Failed(error) => Some(Err(error)),
            _ => None,
        }
    }

    /// A handle for requests, commands, waiting and cache reads from other threads.
    pub fn handle(&self) -> WorkerHandle {
        self.handle.clone()
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        if let Some(id) = self.last.take() {
            self.handle.inner.pump.ack(id);
        }
    }
}

impl Deref for Worker {
    type Target = WorkerHandle;
    fn deref(&self) -> &WorkerHandle {
        &self.handle
    }
}

impl WorkerHandle {
    /// Sends a typed request, as [`Handle::execute`](crate::Handle::execute) does, and
    /// before each attempt spends a unit of the bucket shared by every worker of the bot
    /// (in Redis), so N workers send no more than one client would.
    pub fn execute<R: Request + ?Sized>(&self, request: &R) -> Result<R::Output, Error> {
        drive(
            &self.inner.agent,
            &self.inner.gate,
            self.inner.rest.call(request)?,
        )
    }

    /// Acknowledges an update taken with [`Worker::next_delivery`].
    pub fn ack(&self, id: EntryId) {
        self.inner.pump.ack(id);
    }

    /// Sends a gateway command (typing, subscriptions) through the bridge's session.
    pub fn send_command(&self, command: Command) -> Result<(), WorkerError> {
        self.inner.gate.send_command_blocking(&command)
    }

    /// Waits for the first event (of the whole stream, not only this worker's share) that
    /// satisfies `predicate`, for at most `timeout`.
    pub fn wait_for(
        &self,
        predicate: impl FnMut(&Update) -> bool + Send + 'static,
        timeout: Duration,
    ) -> Result<Update, WaitError> {
        let (sender, matches) = crossbeam_channel::unbounded();
        let state = self.inner.pump.state();
        let id = state
            .register_waiter(Box::new(predicate), 1, WorkerSink(sender))
            .map_err(|_| WaitError::SessionEnded)?;
        let found = matches.recv_timeout(timeout);
        state.cancel_waiter(id);
        match found {
            Ok(update) => Ok(update),
            Err(RecvTimeoutError::Disconnected) => Err(WaitError::SessionEnded),
            Err(RecvTimeoutError::Timeout) => Err(WaitError::TimedOut {
                collected: Vec::new(),
            }),
        }
    }

    /// Runs `read` with the worker's cache.
    pub fn with_cache<T>(&self, read: impl FnOnce(&Cache) -> T) -> T {
        self.inner.pump.state().with_cache(read)
    }

    /// The service URLs in use.
    pub fn endpoints(&self) -> &Endpoints {
        &self.inner.endpoints
    }

    /// The REST pipeline (credentials, the worker's own limiter).
    pub fn rest(&self) -> &Rest {
        &self.inner.rest
    }
}

impl CacheAccess for WorkerHandle {
    fn with_cache<T>(&self, read: impl FnOnce(&Cache) -> T) -> T {
        self.inner.pump.state().with_cache(read)
    }

    fn wall_clock(&self) -> Timestamp {
        SystemTime::now().into()
    }
}

impl BlockingExecutor for WorkerHandle {
    fn execute_owned<R: Request>(&self, request: R) -> Result<R::Output, Error> {
        self.execute(&request)
    }
}

/// The client's `drive` with the shared bucket consulted before each attempt and told
/// about each response. The attempt's time budget starts after the shared wait.
fn drive<T>(agent: &ureq::Agent, gate: &Gate, mut call: Call<T>) -> Result<T, Error> {
    loop {
        match call.poll(Instant::now()) {
            Step::Wait(until) => {
                std::thread::sleep(until.saturating_duration_since(Instant::now()))
            }
            Step::Send(request) => {
                let budget = call
                    .send_deadline()
                    .map(|deadline| deadline.saturating_duration_since(Instant::now()));
                let bucket = call.request().bucket.clone();
                while let SharedAcquire::Wait(wait) = gate.acquire_blocking(&bucket) {
                    std::thread::sleep(Gate::bounded_wait(wait));
                }
                let deadline = budget.and_then(|budget| Instant::now().checked_add(budget));
                let limit = call.response_body_limit();
                match transport::send(agent, request, deadline, limit) {
                    Ok(response) => {
                        gate.report_blocking(&bucket, &response);
                        call.handle_response(Instant::now(), response);
                    }
                    Err(error) => call.handle_transport_error(Instant::now(), error),
                }
            }
            Step::Done(result) => return result,
        }
    }
}
