//! [`ClientState`]: what a runtime's gateway driver and its handles share.
//!
//! Every runtime keeps the same three things between its driver and its users: the cache,
//! the session's last published status, and the `wait_for` registry. They are kept here once,
//! with the order of operations that makes the client's promises hold:
//!
//! 1. [`receive`](ClientState::receive) applies an event to the cache, then shows the
//!    resulting [`Update`] to every registered waiter; the driver then puts it on the event
//!    stream. So a waiter never takes an event from the stream, and the cache already holds
//!    what the event changed when anyone sees it.
//! 2. [`publish`](ClientState::publish) copies the session's latency and state before the
//!    driver waits again.
//! 3. [`finish`](ClientState::finish) records why the session ended and closes the registry,
//!    so waiting sides stop waiting.
//!
//! The cache is behind a std `RwLock` that is only ever taken inside
//! [`with_cache`](ClientState::with_cache) and `receive`: no guard escapes, so none can be
//! held across an `.await`.

use std::sync::{Mutex, MutexGuard, PoisonError, RwLock};
use std::time::Duration;

use super::standby::{Deliver, Predicate, Standby, WaiterId};
use super::{dispatch, SessionEnded, Update};
use crate::cache::Cache;
use crate::gateway::{CloseReason, Event, Session, SessionState};

/// What the session last reported.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Status {
    /// The round-trip time of the last answered heartbeat.
    pub latency: Option<Duration>,
    /// Where the session is.
    pub state: SessionState,
    /// Why the session ended, once it has.
    pub closed: Option<CloseReason>,
}

/// The cache, status and waiters of one client, shared by its driver and handles.
#[derive(Debug)]
pub struct ClientState<S> {
    cache: RwLock<Cache>,
    status: Mutex<Status>,
    standby: Mutex<Standby<S>>,
}

impl<S: Deliver> ClientState<S> {
    /// The state of a client whose session is in `state` (normally idle).
    pub fn new(cache: Cache, state: SessionState) -> Self {
        Self {
            cache: RwLock::new(cache),
            status: Mutex::new(Status {
                latency: None,
                state,
                closed: None,
            }),
            standby: Mutex::new(Standby::new()),
        }
    }

    /// Runs `read` with the cache.
    pub fn with_cache<T>(&self, read: impl FnOnce(&Cache) -> T) -> T {
        read(&self.cache.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// Applies a session event to the cache and shows the update to the waiters; returns it
    /// for the event stream.
    pub fn receive(&self, event: Event) -> Update {
        let update = dispatch(
            &mut self.cache.write().unwrap_or_else(PoisonError::into_inner),
            event,
        );
        self.standby().process(&update);
        update
    }

    /// Copies the session's latency and state for the handles to read.
    pub fn publish(&self, session: &Session) {
        let mut status = lock(&self.status);
        status.latency = session.latency();
        status.state = session.state();
    }

    /// The session has ended for `reason`: records it and closes the `wait_for` registry.
    pub fn finish(&self, session: &Session, reason: CloseReason) {
        {
            let mut status = lock(&self.status);
            status.latency = session.latency();
            status.state = session.state();
            status.closed = Some(reason);
        }
        self.standby().close();
    }

    /// What the session last reported.
    pub fn status(&self) -> Status {
        lock(&self.status).clone()
    }

    /// Registers a waiter (see [`Standby::register`]); fails once the session has ended.
    pub fn register_waiter(
        &self,
        predicate: Predicate,
        count: usize,
        sink: S,
    ) -> Result<WaiterId, SessionEnded> {
        self.standby()
            .register(predicate, count, sink)
            .map_err(|_closed| self.ended())
    }

    /// Removes a waiter (it timed out or was dropped).
    pub fn cancel_waiter(&self, id: WaiterId) {
        self.standby().cancel(id);
    }

    /// The session end to report to a caller that needs a running session.
    pub fn ended(&self) -> SessionEnded {
        SessionEnded::new(
            lock(&self.status)
                .closed
                .clone()
                .unwrap_or(CloseReason::Requested),
        )
    }

    fn standby(&self) -> MutexGuard<'_, Standby<S>> {
        lock(&self.standby)
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
