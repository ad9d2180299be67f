//! What every runtime's client handle offers to runtime-neutral code.
//!
//! The runtime adapters implement these traits on their handles; everything built on top of
//! them (the named route methods, cache-first getters, history pagination, the commands
//! framework) is written once, here in core, and works on every runtime:
//!
//! * [`CacheAccess`]: closure-based reads of the cache (no guard can be held across an
//!   `.await`) and the wall clock, for permission checks;
//! * [`AsyncExecutor`]: sends a typed request on an async runtime;
//! * [`BlockingExecutor`]: sends a typed request, blocking the calling thread.

use std::future::Future;
use std::pin::Pin;
use std::time::SystemTime;

use crate::cache::{Cache, MissingFromCache};
use crate::http::{Error, Request};
use crate::id::{ChannelId, ServerId, UserId};
use crate::model::{Permissions, Timestamp};

/// A boxed, `Send` future: what the async runtimes hand to runtime-neutral code.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Reading the cache, and the wall clock, without holding a lock guard.
pub trait CacheAccess {
    /// Runs `read` with the cache and returns what it returns.
    ///
    /// The cache is locked only while `read` runs, and `read` is a plain closure, so the lock
    /// can never be held across an `.await`: copy out what you need.
    fn with_cache<T>(&self, read: impl FnOnce(&Cache) -> T) -> T;

    /// The current wall-clock time (runtimes pass the system clock; tests may pass another).
    fn wall_clock(&self) -> Timestamp;

    /// What `user` may do in `channel` now, from the cache (see [`Cache::permissions_in`]).
    fn permissions_in(
        &self,
        channel: ChannelId,
        user: UserId,
    ) -> Result<Permissions, MissingFromCache> {
        let now = self.wall_clock();
        self.with_cache(|cache| cache.permissions_in(channel, user, now))
    }

    /// What `user` may do server-wide now, from the cache (see [`Cache::server_permissions`]).
    fn server_permissions(
        &self,
        server: ServerId,
        user: UserId,
    ) -> Result<Permissions, MissingFromCache> {
        let now = self.wall_clock();
        self.with_cache(|cache| cache.server_permissions(server, user, now))
    }
}

/// Sending typed requests on an async runtime: implemented by the async runtimes' handles.
pub trait AsyncExecutor: CacheAccess + Sync {
    /// Sends `request` through the client's rate limiter and retry policy.
    fn execute_owned<R>(&self, request: R) -> BoxFuture<'_, Result<R::Output, Error>>
    where
        R: Request + Send + 'static,
        R::Output: Send + 'static;
}

/// Sending typed requests from a thread: implemented by the blocking runtime's handle.
pub trait BlockingExecutor: CacheAccess {
    /// Sends `request` through the client's rate limiter and retry policy, blocking until it
    /// is done.
    fn execute_owned<R: Request>(&self, request: R) -> Result<R::Output, Error>;
}

impl From<SystemTime> for Timestamp {
    /// The time as milliseconds since the Unix epoch (negative before it, saturating far
    /// outside the calendar).
    fn from(time: SystemTime) -> Self {
        let millis = match time.duration_since(SystemTime::UNIX_EPOCH) {
            Ok(after) => i64::try_from(after.as_millis()).unwrap_or(i64::MAX),
            Err(before) => i64::try_from(before.duration().as_millis())
                .map(|m| -m)
                .unwrap_or(i64::MIN),
        };
        Timestamp::from_millis(millis)
    }
}
