//! [`Standby`]: the registry behind `wait_for`, shared by every runtime.
//!
//! A waiter is a predicate, how many matches it wants, and a [`Deliver`] sink that the
//! runtime provides (a channel sender, say). The gateway driver shows every update to the
//! registry ([`Standby::process`]) *in addition to* putting it on the client's event stream,
//! so waiting never takes an event away from anyone: every event still reaches the main
//! stream, and every waiter registered before it arrived. Timeouts are the waiting side's
//! business (it holds the timer); when it gives up it calls [`Standby::cancel`].
//!
//! ```
//! use std::sync::mpsc;
//! use stoat_core::client::standby::Standby;
//! use stoat_core::client::{dispatch, Update};
//! use stoat_core::gateway::Event;
//! use stoat_core::Cache;
//!
//! let mut standby = Standby::new();
//! let (tx, rx) = mpsc::channel::<Update>();
//! standby
//!     .register(Box::new(|update: &Update| matches!(update.event, Event::Pong { .. })), 1, tx)
//!     .unwrap();
//!
//! let mut cache = Cache::default();
//! standby.process(&dispatch(&mut cache, Event::Authenticated));
//! assert!(rx.try_recv().is_err()); // not a match
//! let pong: Event = serde_json::from_str(r#"{"type":"Pong","data":7}"#).unwrap();
//! standby.process(&dispatch(&mut cache, pong));
//! assert!(matches!(rx.try_recv().unwrap().event, Event::Pong { .. }));
//! assert!(standby.is_empty()); // it wanted one match and got it
//! ```

use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};

use super::Update;

/// Decides whether an update is one the waiter wants. Runs on the gateway driver, so keep it
/// quick; a predicate that panics is removed (its waiter sees the session as ended).
pub type Predicate = Box<dyn FnMut(&Update) -> bool + Send>;

/// Where a waiter's matches go: the runtime's channel sender, or anything else.
pub trait Deliver {
    /// Hands over one match. Returns `false` if the receiving side is gone (the waiter is
    /// then dropped).
    fn deliver(&mut self, update: Update) -> bool;

    /// Whether the receiving side is gone already (checked before matching, so abandoned
    /// waiters are pruned even if nothing matches them).
    fn is_closed(&self) -> bool {
        false
    }
}

impl Deliver for std::sync::mpsc::Sender<Update> {
    fn deliver(&mut self, update: Update) -> bool {
        self.send(update).is_ok()
    }
}

/// Identifies a registered waiter, for [`Standby::cancel`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct WaiterId(u64);

struct Waiter<S> {
    id: WaiterId,
    predicate: Predicate,
    remaining: usize,
    sink: S,
}

/// The waiters registered on one client.
pub struct Standby<S> {
    waiters: Vec<Waiter<S>>,
    next_id: u64,
    closed: bool,
}

/// [`Standby::register`] after [`Standby::close`]: the session has ended, nothing more will
/// arrive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the session has ended; no more events will arrive")]
pub struct Closed;

impl<S> Default for Standby<S> {
    fn default() -> Self {
        Self {
            waiters: Vec::new(),
            next_id: 0,
            closed: false,
        }
    }
}

impl<S> fmt::Debug for Standby<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Standby")
            .field("waiters", &self.waiters.len())
            .finish()
    }
}

impl<S: Deliver> Standby<S> {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers a waiter that wants `count` matches (at least one), delivered to `sink` as
    /// they arrive. It stays registered until it has them all, is cancelled, or its sink
    /// closes. Fails once the registry is [closed](Self::close).
    pub fn register(
        &mut self,
        predicate: Predicate,
        count: usize,
        sink: S,
    ) -> Result<WaiterId, Closed> {
        if self.closed {
            return Err(Closed);
        }
        let id = WaiterId(self.next_id);
        self.next_id += 1;
        self.waiters.push(Waiter {
            id,
            predicate,
            remaining: count.max(1),
            sink,
        });
        Ok(id)
    }

    /// The session has ended: drops every waiter (their sinks, so the waiting sides see
    /// their channels close) and refuses new ones.
    pub fn close(&mut self) {
        self.closed = true;
        self.waiters.clear();
    }

    /// Whether [`close`](Self::close) was called.
    pub fn is_closed(&self) -> bool {
        self.closed
    }

    /// Removes a waiter (it timed out, or the waiting side was dropped). Returns whether it
    /// was still registered.
    pub fn cancel(&mut self, id: WaiterId) -> bool {
        let before = self.waiters.len();
        self.waiters.retain(|waiter| waiter.id != id);
        self.waiters.len() != before
    }

    /// Shows `update` to every waiter, in registration order; each one it matches gets a
    /// copy. Returns how many waiters it was delivered to.
    pub fn process(&mut self, update: &Update) -> usize {
        let mut delivered = 0;
        self.waiters.retain_mut(|waiter| {
            if waiter.sink.is_closed() {
                return false;
            }
            let matched = catch_unwind(AssertUnwindSafe(|| (waiter.predicate)(update)));
            match matched {
                Ok(false) => true,
                Ok(true) => {
                    delivered += 1;
                    waiter.remaining -= 1;
                    waiter.sink.deliver(update.clone()) && waiter.remaining > 0
                }
                Err(_panic) => {
                    tracing::warn!("a wait_for predicate panicked; the waiter was removed");
                    false
                }
            }
        });
        delivered
    }

    /// How many waiters are registered.
    pub fn len(&self) -> usize {
        self.waiters.len()
    }

    /// Whether no waiter is registered.
    pub fn is_empty(&self) -> bool {
        self.waiters.is_empty()
    }
}
