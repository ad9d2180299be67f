//! The limiter: pre-emptive, header-refined, FIFO per bucket.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use super::bucket::BucketKey;

/// The server's fixed window length.
pub const WINDOW: Duration = Duration::from_secs(10);

/// The longest wait [`RateLimiter::acquire`] names while its window's end is only assumed
/// (no response of the window has told the real one yet): a response in flight is about to
/// refine it, often to much sooner (the server's window may have started earlier), so a
/// request queued behind a burst asks again after this instead of sleeping the whole
/// assumed window. Once a response has refined the window, waits are exact.
pub const UNREFINED_POLL: Duration = Duration::from_millis(100);

/// Above this many tracked buckets, idle ones are forgotten.
const PRUNE_THRESHOLD: usize = 1024;

/// The longest wait the limiter accepts from a server by default (see
/// [`RateLimiter::with_max_wait`]). The server's own windows are 10 s long, so any longer
/// figure is a fault, and an unbounded one would hang every request behind it.
pub const DEFAULT_MAX_WAIT: Duration = Duration::from_secs(60);

/// A request's place in its bucket's queue. Get one from [`RateLimiter::enqueue`].
#[derive(Debug, PartialEq, Eq)]
pub struct Ticket {
    id: u64,
    key: BucketKey,
}

impl Ticket {
    /// The bucket this ticket waits in.
    pub fn key(&self) -> &BucketKey {
        &self.key
    }
}

/// The answer of [`RateLimiter::acquire`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Acquire {
    /// Send now; one unit of the bucket was spent.
    Ready,
    /// Ask again at this instant.
    Wait(Instant),
}

/// The `X-RateLimit-*` values of a response.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimitHeaders {
    /// `X-RateLimit-Limit`: requests per window.
    pub limit: u32,
    /// `X-RateLimit-Remaining`: requests left in the window.
    pub remaining: u32,
    /// `X-RateLimit-Reset-After`: time until the window resets.
    pub reset_after: Duration,
}

impl RateLimitHeaders {
    /// Reads the headers; `None` if any is missing or unparsable (negative, fractional,
    /// out of range or not a number). `reset_after` is kept as the server wrote it, however
    /// large: the limiter caps what it waits (see [`RateLimiter::with_max_wait`]).
    pub fn from_headers(headers: &http::HeaderMap) -> Option<Self> {
        fn num<T: std::str::FromStr>(headers: &http::HeaderMap, name: &str) -> Option<T> {
            headers.get(name)?.to_str().ok()?.trim().parse().ok()
        }
        Some(Self {
            limit: num(headers, "x-ratelimit-limit")?,
            remaining: num(headers, "x-ratelimit-remaining")?,
            reset_after: Duration::from_millis(num(headers, "x-ratelimit-reset-after")?),
        })
    }
}

#[derive(Debug)]
struct BucketState {
    limit: u32,
    remaining: u32,
    /// End of the current window; `None` when no window is running.
    reset_at: Option<Instant>,
    /// Whether the server told `reset_at` (headers or a 429) rather than the limiter
    /// assuming a full window from its first request.
    refined: bool,
    /// Tickets waiting for capacity, oldest first.
    queue: VecDeque<u64>,
}

impl BucketState {
    fn new(limit: u32) -> Self {
        Self {
            limit,
            remaining: limit,
            reset_at: None,
            refined: false,
            queue: VecDeque::new(),
        }
    }

    /// Starts over once the window has ended (no window running means full capacity).
    fn roll_window(&mut self, now: Instant) {
        if self.reset_at.is_none_or(|reset| now >= reset) {
            self.remaining = self.limit;
            self.reset_at = None;
            self.refined = false;
        }
    }
}

/// A pure rate limiter: no clock, no IO. Every call takes `now`.
///
/// Usage per request: [`enqueue`](Self::enqueue) once, [`acquire`](Self::acquire) until it
/// answers [`Acquire::Ready`] (sleeping until the instant it names in between), send, then
/// report the outcome with [`on_response`](Self::on_response) or
/// [`on_rate_limited`](Self::on_rate_limited). A request abandoned before it was sent must be
/// [`cancel`](Self::cancel)led so the requests behind it move up; one abandoned after it was
/// sent needs nothing: capacity comes back when the window ends, so nothing is ever wedged.
///
/// ```
/// use std::time::{Duration, Instant};
/// use http::Method;
/// use stoat_core::ratelimit::{Acquire, BucketKey, RateLimitHeaders, RateLimiter, UNREFINED_POLL};
///
/// // `start` is whatever instant the driver (or a test's virtual clock) says it is.
/// fn three_edits(start: Instant) {
///     let mut limiter = RateLimiter::new();
///     let key = BucketKey::resolve(&Method::PATCH, "/users/@me"); // 2 per 10 s
///     let a = limiter.enqueue(key.clone());
///     let b = limiter.enqueue(key.clone());
///     let c = limiter.enqueue(key.clone());
///     assert_eq!(limiter.acquire(&a, start), Acquire::Ready);
///     assert_eq!(limiter.acquire(&b, start), Acquire::Ready);
///     // The window's end is assumed (10 s) until a response says otherwise, so `c` is told
///     // to ask again soon rather than to sleep the whole window...
///     assert_eq!(limiter.acquire(&c, start), Acquire::Wait(start + UNREFINED_POLL));
///     // ...and a's response says the server's window ends in 3 s: from now on that is exact.
///     let headers = RateLimitHeaders { limit: 2, remaining: 0, reset_after: Duration::from_secs(3) };
///     limiter.on_response(&key, headers, start);
///     let window_end = start + Duration::from_secs(3);
///     assert_eq!(limiter.acquire(&c, start), Acquire::Wait(window_end));
///     assert_eq!(limiter.acquire(&c, window_end), Acquire::Ready);
/// }
/// # let _ = three_edits;
/// ```
///
/// Every wait a server names (`X-RateLimit-Reset-After`, a 429's `retry_after`) is capped at
/// [`max_wait`](Self::max_wait) (60 s unless set), so a hostile or broken server can delay
/// a bucket but never wedge it.
#[derive(Debug)]
pub struct RateLimiter {
    buckets: HashMap<BucketKey, BucketState>,
    next_ticket: u64,
    max_wait: Duration,
}

impl Default for RateLimiter {
    fn default() -> Self {
        Self {
            buckets: HashMap::new(),
            next_ticket: 0,
            max_wait: DEFAULT_MAX_WAIT,
        }
    }
}

impl RateLimiter {
    /// An empty limiter that knows only the static bucket table.
    pub fn new() -> Self {
        Self::default()
    }

    /// A limiter that never waits longer than `max_wait` for a bucket, whatever the server
    /// says ([`DEFAULT_MAX_WAIT`] by default).
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// use http::Method;
    /// use stoat_core::ratelimit::{Acquire, BucketKey, RateLimitHeaders, RateLimiter};
    ///
    /// fn hostile_reset(now: Instant) {
    ///     let mut limiter = RateLimiter::new().with_max_wait(Duration::from_secs(30));
    ///     let key = BucketKey::resolve(&Method::GET, "/users/@me");
    ///     let headers = RateLimitHeaders { limit: 20, remaining: 0, reset_after: Duration::from_millis(u64::MAX) };
    ///     limiter.on_response(&key, headers, now);
    ///     let ticket = limiter.enqueue(key);
    ///     assert_eq!(limiter.acquire(&ticket, now), Acquire::Wait(now + Duration::from_secs(30)));
    /// }
    /// # let _ = hostile_reset;
    /// ```
    pub fn with_max_wait(mut self, max_wait: Duration) -> Self {
        self.set_max_wait(max_wait);
        self
    }

    /// Changes the cap on server-supplied waits (see [`with_max_wait`](Self::with_max_wait)).
    pub fn set_max_wait(&mut self, max_wait: Duration) {
        self.max_wait = max_wait;
    }

    /// The cap on server-supplied waits.
    pub fn max_wait(&self) -> Duration {
        self.max_wait
    }

    /// Joins the FIFO queue of `key`'s bucket.
    pub fn enqueue(&mut self, key: BucketKey) -> Ticket {
        let id = self.next_ticket;
        self.next_ticket += 1;
        let limit = key.bucket.limit();
        self.buckets
            .entry(key.clone())
            .or_insert_with(|| BucketState::new(limit))
            .queue
            .push_back(id);
        Ticket { id, key }
    }

    /// Asks whether `ticket` may be sent at `now`.
    ///
    /// Capacity is handed out in queue order: a ticket is ready only if there is room for it
    /// and for every ticket queued before it. A ticket that was already granted (or cancelled)
    /// is ready at once and spends nothing.
    pub fn acquire(&mut self, ticket: &Ticket, now: Instant) -> Acquire {
        let Some(state) = self.buckets.get_mut(&ticket.key) else {
            return Acquire::Ready;
        };
        state.roll_window(now);
        let Some(position) = state.queue.iter().position(|&id| id == ticket.id) else {
            return Acquire::Ready;
        };
        if (position as u64) < u64::from(state.remaining) {
            state.queue.remove(position);
            state.remaining -= 1;
            state.reset_at.get_or_insert(now + WINDOW);
            Acquire::Ready
        } else {
            let until = state.reset_at.unwrap_or(now + WINDOW);
            if state.refined {
                Acquire::Wait(until)
            } else {
                Acquire::Wait(until.min(now + UNREFINED_POLL))
            }
        }
    }

    /// Leaves the queue without sending.
    pub fn cancel(&mut self, ticket: &Ticket) {
        if let Some(state) = self.buckets.get_mut(&ticket.key) {
            state.queue.retain(|&id| id != ticket.id);
        }
    }

    /// Learns the bucket's real state from a response's headers.
    pub fn on_response(&mut self, key: &BucketKey, headers: RateLimitHeaders, now: Instant) {
        let state = self
            .buckets
            .entry(key.clone())
            .or_insert_with(|| BucketState::new(headers.limit));
        state.roll_window(now);
        state.limit = headers.limit;
        // Requests still in flight are already subtracted locally; never give them back.
        state.remaining = state.remaining.min(headers.remaining);
        state.reset_at = Some(now + headers.reset_after.min(self.max_wait));
        state.refined = true;
        self.prune(now);
    }

    /// A request was rejected with 429; the bucket is empty until `retry_after` (at most
    /// [`max_wait`](Self::max_wait)) has passed. The server's word replaces whatever window
    /// the limiter assumed.
    pub fn on_rate_limited(&mut self, key: &BucketKey, retry_after: Duration, now: Instant) {
        let retry_after = retry_after.min(self.max_wait);
        let state = self
            .buckets
            .entry(key.clone())
            .or_insert_with(|| BucketState::new(key.bucket.limit()));
        state.remaining = 0;
        state.reset_at = Some(now + retry_after);
        state.refined = true;
    }

    /// Requests left in `key`'s current window, as far as the limiter knows.
    pub fn remaining(&self, key: &BucketKey, now: Instant) -> u32 {
        match self.buckets.get(key) {
            Some(state) if state.reset_at.is_some_and(|r| now < r) => state.remaining,
            Some(state) => state.limit,
            None => key.bucket.limit(),
        }
    }

    fn prune(&mut self, now: Instant) {
        if self.buckets.len() > PRUNE_THRESHOLD {
            self.buckets.retain(|_, state| {
                !state.queue.is_empty() || state.reset_at.is_some_and(|r| now < r)
            });
        }
    }
}
