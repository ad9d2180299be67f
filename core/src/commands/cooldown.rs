//! Cooldowns (so many uses per window, per bucket) and max concurrency (so many running
//! at once, per bucket).
//!
//! Both are deterministic: time is the `now: Instant` the runtime passes in, so a test can
//! drive them with a virtual clock.
//!
//! ```
//! use std::time::{Duration, Instant};
//! use stoat_core::commands::{BucketKey, BucketType, Cooldown, CooldownMap};
//!
//! // `start` is whatever the runtime (or a test's virtual clock) says.
//! fn twice_per_ten_seconds(start: Instant) {
//!     let mut map = CooldownMap::new(Cooldown::new(2, Duration::from_secs(10), BucketType::User));
//!     let key = BucketKey::Global;
//!     assert!(map.hit(key, start).is_ok());
//!     assert!(map.hit(key, start + Duration::from_secs(1)).is_ok());
//!     // The third use within the window waits for it to end.
//!     assert_eq!(map.hit(key, start + Duration::from_secs(4)), Err(Duration::from_secs(6)));
//!     assert!(map.hit(key, start + Duration::from_secs(10)).is_ok());
//! }
//! # let _ = twice_per_ten_seconds;
//! ```

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::id::{ChannelId, ServerId, UserId};
use crate::model::Message;

/// What a cooldown or concurrency limit counts separately.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BucketType {
    /// One bucket for everyone.
    Global,
    /// Per user, everywhere.
    User,
    /// Per user per server (per user in DMs).
    Member,
    /// Per channel.
    Channel,
    /// Per server (per user in DMs).
    Server,
}

impl fmt::Display for BucketType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Global => "globally",
            Self::User => "per user",
            Self::Member => "per member",
            Self::Channel => "per channel",
            Self::Server => "per server",
        })
    }
}

/// One bucket.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BucketKey {
    /// The global bucket.
    Global,
    /// A user's.
    User(UserId),
    /// A member's.
    Member(ServerId, UserId),
    /// A channel's.
    Channel(ChannelId),
    /// A server's.
    Server(ServerId),
}

impl BucketType {
    /// The bucket `message` (sent in `server`, if any) falls in.
    pub fn key(self, message: &Message, server: Option<ServerId>) -> BucketKey {
        match (self, server) {
            (Self::Global, _) => BucketKey::Global,
            (Self::Channel, _) => BucketKey::Channel(message.channel),
            (Self::Member, Some(server)) => BucketKey::Member(server, message.author),
            (Self::Server, Some(server)) => BucketKey::Server(server),
            (Self::User | Self::Member | Self::Server, _) => BucketKey::User(message.author),
        }
    }
}

/// `rate` uses per `per`, counted per bucket.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Cooldown {
    /// Uses allowed per window (at least 1).
    pub rate: u32,
    /// The window, starting at the first use.
    pub per: Duration,
    /// What is counted separately.
    pub bucket: BucketType,
}

impl Cooldown {
    /// `rate` uses (at least 1) per `per` in each bucket.
    pub fn new(rate: u32, per: Duration, bucket: BucketType) -> Self {
        Self {
            rate: rate.max(1),
            per,
            bucket,
        }
    }
}

#[derive(Clone, Copy, Debug)]
struct Window {
    start: Instant,
    left: u32,
}

/// The state of one cooldown: a window per bucket, starting at the bucket's first use
/// (stoat.py's `CooldownMapping`). Windows that have ended are dropped as the map grows.
#[derive(Clone, Debug)]
pub struct CooldownMap {
    cooldown: Cooldown,
    windows: HashMap<BucketKey, Window>,
    prune_at: usize,
}

const PRUNE_FLOOR: usize = 256;

impl CooldownMap {
    /// No bucket used yet.
    pub fn new(cooldown: Cooldown) -> Self {
        Self {
            cooldown,
            windows: HashMap::new(),
            prune_at: PRUNE_FLOOR,
        }
    }

    /// The cooldown.
    pub fn cooldown(&self) -> Cooldown {
        self.cooldown
    }

    /// Uses the bucket at `now`: `Ok` if allowed, or how long until it will be.
    pub fn hit(&mut self, key: BucketKey, now: Instant) -> Result<(), Duration> {
        self.prune(now);
        let Cooldown { rate, per, .. } = self.cooldown;
        let window = self.windows.entry(key).or_insert(Window {
            start: now,
            left: rate,
        });
        let elapsed = now.saturating_duration_since(window.start);
        if elapsed >= per {
            *window = Window {
                start: now,
                left: rate,
            };
        }
        if window.left == 0 {
            return Err(per.saturating_sub(now.saturating_duration_since(window.start)));
        }
        window.left -= 1;
        Ok(())
    }

    /// How long until the bucket may be used at `now` (`None`: it may).
    pub fn retry_after(&self, key: BucketKey, now: Instant) -> Option<Duration> {
        let window = self.windows.get(&key)?;
        let elapsed = now.saturating_duration_since(window.start);
        (window.left == 0 && elapsed < self.cooldown.per).then(|| self.cooldown.per - elapsed)
    }

    /// Gives back one use of the bucket's current window (a use that did not run the
    /// command, e.g. when its arguments were wrong).
    pub fn refund(&mut self, key: BucketKey, now: Instant) {
        if let Some(window) = self.windows.get_mut(&key) {
            if now.saturating_duration_since(window.start) < self.cooldown.per {
                window.left = (window.left + 1).min(self.cooldown.rate);
            }
        }
    }

    /// Forgets the bucket (stoat.py's `reset_cooldown`).
    pub fn reset(&mut self, key: BucketKey) {
        self.windows.remove(&key);
    }

    /// How many buckets are tracked.
    pub fn len(&self) -> usize {
        self.windows.len()
    }

    /// Whether no bucket is tracked.
    pub fn is_empty(&self) -> bool {
        self.windows.is_empty()
    }

    fn prune(&mut self, now: Instant) {
        if self.windows.len() < self.prune_at {
            return;
        }
        let per = self.cooldown.per;
        self.windows
            .retain(|_, w| now.saturating_duration_since(w.start) < per);
        self.prune_at = (self.windows.len() * 2).max(PRUNE_FLOOR);
    }
}

/// At most `limit` invocations running at once per bucket; more are refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct MaxConcurrency {
    /// How many may run at once (at least 1).
    pub limit: usize,
    /// What is counted separately.
    pub bucket: BucketType,
}

impl MaxConcurrency {
    /// At most `limit` (at least 1) at once per bucket.
    pub fn new(limit: usize, bucket: BucketType) -> Self {
        Self {
            limit: limit.max(1),
            bucket,
        }
    }
}

type Counts = Mutex<HashMap<(u64, BucketKey), usize>>;

/// Running invocations per command and bucket. Cheap to clone (shared).
#[derive(Clone, Debug, Default)]
pub struct ConcurrencyLimiter {
    counts: Arc<Counts>,
}

impl ConcurrencyLimiter {
    /// Nothing running.
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts an invocation of command `command` in `key`, if fewer than `limit` are running
    /// there; the guard ends it when dropped.
    pub fn acquire(&self, command: u64, key: BucketKey, limit: usize) -> Option<ConcurrencyGuard> {
        let mut counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        let count = counts.entry((command, key)).or_insert(0);
        if *count >= limit {
            return None;
        }
        *count += 1;
        Some(ConcurrencyGuard {
            counts: self.counts.clone(),
            key: (command, key),
        })
    }

    /// How many invocations of `command` run in `key`.
    pub fn running(&self, command: u64, key: BucketKey) -> usize {
        let counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        counts.get(&(command, key)).copied().unwrap_or(0)
    }
}

/// One running invocation; dropping it ends it.
#[derive(Debug)]
pub struct ConcurrencyGuard {
    counts: Arc<Counts>,
    key: (u64, BucketKey),
}

impl Drop for ConcurrencyGuard {
    fn drop(&mut self) {
        let mut counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = counts.get_mut(&self.key) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                counts.remove(&self.key);
            }
        }
    }
}
