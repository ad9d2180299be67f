//! The rate limit shared by every worker of a bot: a pure model and its Redis script.
//!
//! N workers that each kept their own [`RateLimiter`](crate::ratelimit::RateLimiter) would
//! send N times what a bucket allows. Instead the state of each bucket lives in Redis (a
//! hash under [`Keys::ratelimit`](super::Keys::ratelimit)), and every worker, before each
//! attempt, runs [`SCRIPT`] on it, which spends one unit atomically or says how long to
//! wait; after the response it runs the script again with the `X-RateLimit-*` headers or the
//! 429's `retry_after`. The script is [`SharedBucket`] written in Lua, line for line: the
//! same static bucket table ([`Bucket::limit`](crate::ratelimit::Bucket::limit)), the same
//! window and the same header refinement as the in-process limiter (core's tests check the
//! model against the limiter, the bridge crate's tests check the script against the model
//! on a real Redis).
//!
//! Each worker's own limiter still runs too (it queues its requests FIFO); the shared
//! bucket only ever makes a request wait longer.
//!
//! Time is milliseconds since the Unix epoch. By default the script reads the Redis
//! server's clock (`TIME`), so workers on machines with different clocks agree; tests pass
//! their own `now` ([`ScriptCall::now_ms`]).

use std::time::Duration;

use crate::ratelimit::{BucketKey, RateLimitHeaders, WINDOW};

/// The Lua script that keeps one bucket in Redis: [`SharedBucket`] in Lua.
///
/// `KEYS[1]` is the bucket's hash (fields `limit`, `remaining`, `reset`, `refined`; `reset`
/// is the end of the running window in milliseconds, `-1` when none runs; `refined` is 1
/// once a response's headers or a 429 named the window's end, 0 while it is only assumed). `ARGV` is what
/// [`ScriptCall::args`] builds: the operation (`acquire`, `response`, `limited`), `now` in
/// milliseconds (empty: the server's `TIME`), the bucket's static limit, the window in
/// milliseconds, then the operation's values (`response`: limit, remaining, reset-after ms;
/// `limited`: retry-after ms). It answers `{ready, wait_ms, remaining, reset_in_ms}`
/// ([`ScriptReply`]). The key expires a window after its own window ends.
pub const SCRIPT: &str = r#"
local key = KEYS[1]
local op = ARGV[1]
local now = tonumber(ARGV[2])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local window = tonumber(ARGV[4])
local poll = 100
local state = redis.call('HMGET', key, 'limit', 'remaining', 'reset', 'refined')
local limit = tonumber(state[1])
local remaining = tonumber(state[2])
local reset = tonumber(state[3])
local refined = tonumber(state[4]) or 0
if not limit or not remaining or not reset then
  if op == 'response' then limit = tonumber(ARGV[5]) else limit = tonumber(ARGV[3]) end
  remaining = limit
  reset = -1
  refined = 0
end
local function roll()
  if reset < 0 or now >= reset then
    remaining = limit
    reset = -1
    refined = 0
  end
end
local ready = 1
local wait = 0
if op == 'acquire' then
  roll()
  if remaining > 0 then
    remaining = remaining - 1
    if reset < 0 then reset = now + window end
  else
    ready = 0
    if reset < 0 then wait = window else wait = reset - now end
    if refined == 0 and wait > poll then wait = poll end
  end
elseif op == 'response' then
  roll()
  limit = tonumber(ARGV[5])
  remaining = math.min(remaining, tonumber(ARGV[6]))
  reset = now + tonumber(ARGV[7])
  refined = 1
elseif op == 'limited' then
  remaining = 0
  reset = now + tonumber(ARGV[5])
  refined = 1
else
  return redis.error_reply('unknown operation ' .. tostring(op))
end
local function int(x) return string.format('%.0f', x) end
redis.call('HSET', key, 'limit', int(limit), 'remaining', int(remaining), 'reset', int(reset), 'refined', refined)
local ttl = window
if reset >= 0 then ttl = reset - now + window end
if ttl < 1 then ttl = 1 end
redis.call('PEXPIRE', key, int(ttl))
local reset_in = -1
if reset >= 0 then reset_in = reset - now end
return {ready, wait, remaining, reset_in}
"#;

/// Whether requests of `bucket` go through the shared bucket at all (unlimited buckets,
/// the file server's downloads, do not).
pub fn gated(bucket: &BucketKey) -> bool {
    bucket.bucket.limit() != u32::MAX
}

/// One bucket's shared state, as the script keeps it; milliseconds since the epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SharedBucket {
    /// Requests per window.
    pub limit: u32,
    /// Requests left in the running window.
    pub remaining: u32,
    /// End of the running window (`None`: no window runs, the bucket is full).
    pub reset_at: Option<u64>,
    /// Whether the server named the window's end (headers, a 429) or it is only assumed.
    pub refined: bool,
}

/// What [`SharedBucket::acquire`] decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SharedAcquire {
    /// Send now; one unit was spent.
    Ready,
    /// Ask again after this long.
    Wait(Duration),
}

/// The longest wait the shared bucket names while its window's end is only assumed: the
/// in-process limiter's figure (see [`crate::ratelimit::UNREFINED_POLL`]). The script has the
/// same number (`local poll = 100`).
pub use crate::ratelimit::UNREFINED_POLL;

fn window_ms() -> u64 {
    WINDOW.as_millis() as u64
}

impl SharedBucket {
    /// A full bucket of `key`'s static limit (what a missing hash means).
    pub fn new(key: &BucketKey) -> Self {
        Self::with_limit(key.bucket.limit())
    }

    fn with_limit(limit: u32) -> Self {
        Self {
            limit,
            remaining: limit,
            reset_at: None,
            refined: false,
        }
    }

    fn roll(&mut self, now: u64) {
        if self.reset_at.is_none_or(|reset| now >= reset) {
            self.remaining = self.limit;
            self.reset_at = None;
            self.refined = false;
        }
    }

    /// Spends one unit if there is one (starting a window if none runs).
    pub fn acquire(&mut self, now: u64) -> SharedAcquire {
        self.roll(now);
        if self.remaining > 0 {
            self.remaining -= 1;
            self.reset_at.get_or_insert(now + window_ms());
            SharedAcquire::Ready
        } else {
            let wait = Duration::from_millis(self.reset_at.map_or(window_ms(), |r| r - now));
            if self.refined {
                SharedAcquire::Wait(wait)
            } else {
                SharedAcquire::Wait(wait.min(UNREFINED_POLL))
            }
        }
    }

    /// Learns the real state from a response's headers (never giving back units that
    /// requests still in flight have spent).
    pub fn on_response(state: Option<Self>, headers: RateLimitHeaders, now: u64) -> Self {
        let mut state = state.unwrap_or_else(|| Self::with_limit(headers.limit));
        state.roll(now);
        state.limit = headers.limit;
        state.remaining = state.remaining.min(headers.remaining);
        state.reset_at = Some(now + headers.reset_after.as_millis() as u64);
        state.refined = true;
        state
    }

    /// A 429: empty until `retry_after` has passed.
    pub fn on_rate_limited(mut self, retry_after: Duration, now: u64) -> Self {
        self.remaining = 0;
        self.reset_at = Some(now + retry_after.as_millis() as u64);
        self.refined = true;
        self
    }

    /// Units left at `now`.
    pub fn remaining(&self, now: u64) -> u32 {
        match self.reset_at {
            Some(reset) if now < reset => self.remaining,
            _ => self.limit,
        }
    }
}

/// The arguments of one run of [`SCRIPT`].
///
/// ```
/// use http::Method;
/// use stoat_core::fanout::ratelimit::ScriptCall;
/// use stoat_core::ratelimit::BucketKey;
/// let key = BucketKey::resolve(&Method::POST, "/channels/01H/messages");
/// assert_eq!(ScriptCall::acquire(&key).args(), ["acquire", "", "10", "10000"]);
/// assert_eq!(ScriptCall::acquire(&key).now_ms(5).args(), ["acquire", "5", "10", "10000"]);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptCall {
    op: &'static str,
    now: Option<u64>,
    limit: u32,
    values: Vec<u64>,
}

impl ScriptCall {
    /// Spend one unit of `key`, or learn how long to wait.
    pub fn acquire(key: &BucketKey) -> Self {
        Self {
            op: "acquire",
            now: None,
            limit: key.bucket.limit(),
            values: Vec::new(),
        }
    }

    /// Refine `key` from a response's headers.
    pub fn response(key: &BucketKey, headers: RateLimitHeaders) -> Self {
        Self {
            op: "response",
            now: None,
            limit: key.bucket.limit(),
            values: vec![
                u64::from(headers.limit),
                u64::from(headers.remaining),
                headers.reset_after.as_millis() as u64,
            ],
        }
    }

    /// `key` answered 429 with `retry_after`.
    pub fn rate_limited(key: &BucketKey, retry_after: Duration) -> Self {
        Self {
            op: "limited",
            now: None,
            limit: key.bucket.limit(),
            values: vec![retry_after.as_millis() as u64],
        }
    }

    /// Uses `now` (ms since the epoch) instead of the Redis server's clock.
    pub fn now_ms(mut self, now: u64) -> Self {
        self.now = Some(now);
        self
    }

    /// `ARGV` for the script.
    pub fn args(&self) -> Vec<String> {
        let mut args = vec![
            self.op.to_owned(),
            self.now.map(|n| n.to_string()).unwrap_or_default(),
            self.limit.to_string(),
            window_ms().to_string(),
        ];
        args.extend(self.values.iter().map(u64::to_string));
        args
    }
}

/// What to tell the shared bucket after a response to a request of `key`: its
/// `X-RateLimit-*` headers, and for a plain 429 (not a typed API error) the
/// `retry_after` of its body. Empty when the response says nothing about the bucket.
pub fn after_response(key: &BucketKey, response: &http::Response<bytes::Bytes>) -> Vec<ScriptCall> {
    let mut calls = Vec::new();
    let headers = RateLimitHeaders::from_headers(response.headers());
    if let Some(headers) = headers {
        calls.push(ScriptCall::response(key, headers));
    }
    if response.status() == http::StatusCode::TOO_MANY_REQUESTS {
        #[derive(serde::Deserialize)]
        struct RetryAfter {
            retry_after: u64,
        }
        let retry = serde_json::from_slice::<RetryAfter>(response.body())
            .ok()
            .map(|r| Duration::from_millis(r.retry_after))
            .or(headers.map(|h| h.reset_after));
        if let Some(retry) = retry {
            calls.push(ScriptCall::rate_limited(key, retry));
        }
    }
    calls
}

/// The script's answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ScriptReply {
    /// For `acquire`: send now, or wait.
    pub decision: SharedAcquire,
    /// Units left afterwards.
    pub remaining: u32,
    /// Time until the running window ends (`None`: none runs).
    pub reset_in: Option<Duration>,
}

impl ScriptReply {
    /// Reads the script's reply (`None` if it is not four integers).
    pub fn parse(reply: &[i64]) -> Option<Self> {
        let [ready, wait, remaining, reset_in] = *reply else {
            return None;
        };
        let millis = |ms: i64| Duration::from_millis(u64::try_from(ms).unwrap_or(0));
        Some(Self {
            decision: if ready == 1 {
                SharedAcquire::Ready
            } else {
                SharedAcquire::Wait(millis(wait))
            },
            remaining: u32::try_from(remaining).unwrap_or(0),
            reset_in: (reset_in >= 0).then(|| millis(reset_in)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::Method;

    #[test]
    fn a_burst_from_many_workers_is_one_bucket() {
        let key = BucketKey::resolve(&Method::POST, "/channels/01A/messages");
        let mut bucket = SharedBucket::new(&key);
        let granted = (0..40)
            .filter(|_| bucket.acquire(1_000) == SharedAcquire::Ready)
            .count();
        assert_eq!(
            granted, 10,
            "the messaging bucket allows 10 per window, not 10 per worker"
        );
        // The window's end is assumed until a response names it: ask again soon.
        assert_eq!(bucket.acquire(4_000), SharedAcquire::Wait(UNREFINED_POLL));
        let headers = RateLimitHeaders {
            limit: 10,
            remaining: 0,
            reset_after: Duration::from_millis(7_000),
        };
        let mut bucket = SharedBucket::on_response(Some(bucket), headers, 4_000);
        assert_eq!(
            bucket.acquire(4_000),
            SharedAcquire::Wait(Duration::from_secs(7))
        );
        assert_eq!(bucket.acquire(11_000), SharedAcquire::Ready);
    }

    #[test]
    fn script_arguments_and_replies() {
        let key = BucketKey::resolve(&Method::GET, "/servers/01S");
        let headers = RateLimitHeaders {
            limit: 5,
            remaining: 2,
            reset_after: Duration::from_millis(1500),
        };
        assert_eq!(
            ScriptCall::response(&key, headers).now_ms(9).args(),
            ["response", "9", "5", "10000", "5", "2", "1500"]
        );
        assert_eq!(
            ScriptCall::rate_limited(&key, Duration::from_millis(250)).args(),
            ["limited", "", "5", "10000", "250"]
        );
        let reply = ScriptReply::parse(&[0, 1200, 0, 1200]).unwrap();
        assert_eq!(
            reply.decision,
            SharedAcquire::Wait(Duration::from_millis(1200))
        );
        assert_eq!(reply.reset_in, Some(Duration::from_millis(1200)));
        let reply = ScriptReply::parse(&[1, 0, 4, -1]).unwrap();
        assert_eq!(reply.decision, SharedAcquire::Ready);
        assert_eq!(reply.reset_in, None);
        assert!(ScriptReply::parse(&[1, 0]).is_none());
        assert!(!gated(&BucketKey::resolve_autumn(
            &Method::GET,
            "/attachments/x"
        )));
        assert!(gated(&key));
    }

    #[test]
    fn responses_become_script_calls() {
        let key = BucketKey::resolve(&Method::POST, "/channels/01A/messages");
        let response = http::Response::builder()
            .status(429)
            .header("x-ratelimit-limit", "10")
            .header("x-ratelimit-remaining", "0")
            .header("x-ratelimit-reset-after", "800")
            .body(bytes::Bytes::from_static(br#"{"retry_after":750}"#))
            .unwrap();
        let calls = after_response(&key, &response);
        assert_eq!(calls.len(), 2);
        assert_eq!(calls[0].args()[4..], ["10", "0", "800"]);
        assert_eq!(calls[1].args()[4..], ["750"]);
        let plain = http::Response::new(bytes::Bytes::new());
        assert!(after_response(&key, &plain).is_empty());
    }

    #[test]
    fn the_script_is_the_model() {
        // Every branch of the model has its line in the script.
        for needle in [
            "'acquire'",
            "'response'",
            "'limited'",
            "math.min(remaining, tonumber(ARGV[6]))",
            "reset = now + tonumber(ARGV[7])",
            "reset = now + tonumber(ARGV[5])",
            "redis.call('TIME')",
            "local poll = 100\n",
            "if refined == 0 and wait > poll then wait = poll end",
        ] {
            assert!(SCRIPT.contains(needle), "{needle}");
        }
    }
}
