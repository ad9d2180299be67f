//! # stoat-worker
//!
//! The Redis side of a fan-out worker, shared by every runtime: `stoat-tokio`,
//! `stoat-async-std` and `stoat-blocking` each build their `Worker` (with their `redis`
//! feature) on [`Pump`] and [`Gate`]. Every decision is made in
//! [`stoat_core::fanout`]; this crate only carries it to Redis and back.
//!
//! * [`Pump`]: a thread with its own Redis connection that loads the cache
//!   [`Snapshot`](stoat_core::fanout::Snapshot), reads the worker's share of the event stream
//!   through its consumer group, reads the whole stream to keep the cache current, claims
//!   entries that dead workers left pending (`XAUTOCLAIM`), acknowledges handled entries,
//!   and hands the updates to the runtime through a channel that is async (any executor)
//!   and blocking at once.
//! * [`Gate`]: a thread with another connection that runs the shared rate-limit
//!   [script](stoat_core::fanout::ratelimit::SCRIPT) before each REST attempt and after each
//!   response, and appends gateway commands to the command stream.
//!
//! Both are threads because the synchronous Redis client then serves every runtime with one
//! implementation; a worker costs two threads and two connections.
//!
//! [`testing`] finds a Redis for tests.

mod gate;
mod pump;
pub mod testing;

use std::time::Duration;

pub use gate::Gate;
pub use pump::{Pump, PumpEvent};
pub use stoat_core::fanout::{ClaimPolicy, Keys};

use stoat_core::cache::CacheConfig;

/// Why a worker could not start or stopped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WorkerError {
    /// Redis refused or failed a command.
    #[error("redis: {0}")]
    Redis(#[from] redis::RedisError),
    /// The snapshot in Redis could not be read.
    #[error("the cache snapshot in redis is unreadable: {0}")]
    Snapshot(#[from] stoat_core::fanout::FormatError),
    /// The worker could not be set up (TLS, endpoint discovery).
    #[error("worker setup: {0}")]
    Setup(String),
    /// The worker was shut down.
    #[error("the worker was shut down")]
    Stopped,
}

/// Where a worker reads from and how it shares the work.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct WorkerOptions {
    /// The Redis URL (`redis://127.0.0.1:6379/`).
    pub redis_url: String,
    /// The bot name the bridge uses (its keys are `stoat:{bot}:...`).
    pub bot: String,
    /// The consumer group: every group sees every event once, split among its consumers.
    pub group: String,
    /// This worker's name in the group (unique per worker; a restarted worker with the same
    /// name takes back its own pending entries at once).
    pub consumer: String,
    /// What the cache keeps.
    pub cache: CacheConfig,
    /// When entries other consumers left pending are taken over.
    pub claim: ClaimPolicy,
    /// How long one blocking read waits for new entries (also the longest the cache lags
    /// the stream while this worker's share is idle).
    pub block: Duration,
    /// Entries of the share held at once (read, not yet acknowledged): more are read only
    /// as handlers finish, so the group spreads the work across its consumers.
    pub max_in_flight: usize,
}

impl WorkerOptions {
    /// Options with the defaults: bot `default`, a 50 ms block, 32 entries in flight, the
    /// default [`ClaimPolicy`] and [`CacheConfig`].
    pub fn new(
        redis_url: impl Into<String>,
        group: impl Into<String>,
        consumer: impl Into<String>,
    ) -> Self {
        Self {
            redis_url: redis_url.into(),
            bot: "default".to_owned(),
            group: group.into(),
            consumer: consumer.into(),
            cache: CacheConfig::default(),
            claim: ClaimPolicy::default(),
            block: Duration::from_millis(50),
            max_in_flight: 32,
        }
    }

    /// Sets the bot name (the same as the bridge's).
    pub fn bot(mut self, bot: impl Into<String>) -> Self {
        self.bot = bot.into();
        self
    }

    /// Sets the claim policy.
    pub fn claim(mut self, claim: ClaimPolicy) -> Self {
        self.claim = claim;
        self
    }

    /// Sets what the cache keeps.
    pub fn cache(mut self, cache: CacheConfig) -> Self {
        self.cache = cache;
        self
    }

    /// Sets how many entries of the share are held at once (at least 1).
    pub fn max_in_flight(mut self, entries: usize) -> Self {
        self.max_in_flight = entries.max(1);
        self
    }

    /// The keys of the bot.
    pub fn keys(&self) -> Keys {
        Keys::new(&self.bot)
    }
}
