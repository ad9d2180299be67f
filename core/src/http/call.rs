//! [`Call`]: one REST request through the rate limiter and the retry policy, sans-IO.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::StatusCode;

use super::error::{redirected, Error, TransportError, TransportErrorKind};
use super::rest::PreparedRequest;
use crate::ratelimit::{Acquire, RateLimitHeaders, RateLimiter, Ticket};

/// How many times, and how patiently, a request is retried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Retries after a 429 (each waits the `retry_after` the server named).
    pub max_rate_limit_retries: u32,
    /// Retries after 502/503/504 or a transport failure (only where repeating is safe).
    pub max_transient_retries: u32,
    /// First delay after a transient failure; doubles each time.
    pub transient_backoff: Duration,
    /// Upper bound on a transient-failure delay.
    pub max_transient_backoff: Duration,
    /// How long one attempt may take before it counts as a (possibly delivered) failure.
    pub request_timeout: Duration,
    /// The longest wait a server may impose (a 429's `retry_after`, or
    /// `X-RateLimit-Reset-After`). A 429 asking for longer is not waited for: the call ends at
    /// once with [`Error::RateLimited`] carrying the server's figure. Bucket resets learned
    /// from headers are capped at this too (see [`RateLimiter::with_max_wait`]).
    pub max_rate_limit_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_rate_limit_retries: 5,
            max_transient_retries: 3,
            transient_backoff: Duration::from_millis(500),
            max_transient_backoff: Duration::from_secs(8),
            request_timeout: Duration::from_secs(30),
            max_rate_limit_wait: crate::ratelimit::DEFAULT_MAX_WAIT,
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        Self {
            max_rate_limit_retries: 0,
            max_transient_retries: 0,
            ..Self::default()
        }
    }

    /// Sets the number of retries after a 429.
    pub fn rate_limit_retries(mut self, retries: u32) -> Self {
        self.max_rate_limit_retries = retries;
        self
    }

    /// Sets the number of retries after transient failures and the first delay.
    pub fn transient_retries(mut self, retries: u32, first_delay: Duration) -> Self {
        self.max_transient_retries = retries;
        self.transient_backoff = first_delay;
        self
    }

    /// Sets the time one attempt may take.
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// Sets the longest server-imposed wait (see
    /// [`max_rate_limit_wait`](Self::max_rate_limit_wait)).
    pub fn max_rate_limit_wait(mut self, max_wait: Duration) -> Self {
        self.max_rate_limit_wait = max_wait;
        self
    }

    fn transient_delay(&self, attempt: u32) -> Duration {
        let factor = 1u32 << attempt.saturating_sub(1).min(16);
        self.transient_backoff
            .saturating_mul(factor)
            .min(self.max_transient_backoff)
    }
}

/// What the driver of a [`Call`] must do next.
#[derive(Debug)]
pub enum Step<T> {
    /// Sleep until this instant, then poll again.
    Wait(Instant),
    /// Send this request, then report the outcome with [`Call::handle_response`] or
    /// [`Call::handle_transport_error`]. If no response has arrived by
    /// [`Call::send_deadline`], give up on it and report [`TransportError::timed_out`].
    Send(http::Request<Bytes>),
    /// Finished.
    Done(Result<T, Error>),
}

#[derive(Debug)]
enum State {
    /// Waiting for the limiter.
    Queued,
    /// Waiting before a retry.
    Delayed(Instant),
    /// Sent; waiting for the outcome until the deadline.
    InFlight(Instant),
    /// Finished; the result is in `Call::result` until it is taken.
    Finished,
}

/// One REST request's life: wait for the bucket, send, retry within bounds, parse.
///
/// A driver loop is all an adapter needs:
///
/// ```no_run
/// # use std::time::Instant;
/// # use stoat_core::http::{Rest, Step, routes::FetchSelf};
/// // The driver's own clock, HTTP client and sleep.
/// # fn now() -> Instant { unimplemented!() }
/// # fn send(r: http::Request<bytes::Bytes>) -> http::Response<bytes::Bytes> { unimplemented!() }
/// # fn sleep_until(t: Instant) {}
/// # let rest = Rest::new("https://api.stoat.chat", None);
/// let mut call = rest.call(&FetchSelf)?;
/// let me = loop {
///     match call.poll(now()) {
///         Step::Wait(until) => sleep_until(until),
///         Step::Send(request) => call.handle_response(now(), send(request)),
///         Step::Done(result) => break result?,
///     }
/// };
/// # Ok::<(), stoat_core::http::Error>(())
/// ```
///
/// Dropping a `Call` before it finishes gives its place in the bucket queue to the next one.
#[derive(Debug)]
pub struct Call<T> {
    request: PreparedRequest,
    limiter: Arc<Mutex<RateLimiter>>,
    ticket: Ticket,
    policy: RetryPolicy,
    rate_limit_retries: u32,
    transient_retries: u32,
    state: State,
    result: Option<Result<T, Error>>,
    parse: fn(&http::Response<Bytes>) -> Result<T, Error>,
}

impl<T> Call<T> {
    pub(crate) fn new(
        request: PreparedRequest,
        limiter: Arc<Mutex<RateLimiter>>,
        policy: RetryPolicy,
        parse: fn(&http::Response<Bytes>) -> Result<T, Error>,
    ) -> Self {
        let ticket = lock(&limiter).enqueue(request.bucket.clone());
        Self {
            request,
            limiter,
            ticket,
            policy,
            rate_limit_retries: 0,
            transient_retries: 0,
            state: State::Queued,
            result: None,
            parse,
        }
    }

    /// The request being made.
    pub fn request(&self) -> &PreparedRequest {
        &self.request
    }

    /// Advances the call. Returns `Done` exactly once; polling after that returns an error.
    pub fn poll(&mut self, now: Instant) -> Step<T> {
        match &mut self.state {
            State::Delayed(until) if now < *until => return Step::Wait(*until),
            State::Delayed(_) => self.state = State::Queued,
            State::InFlight(_) => {
                return Step::Done(Err(Error::Usage(
                    "Call::poll called before the in-flight request's outcome was reported",
                )))
            }
            State::Finished => {
                return Step::Done(
                    self.result
                        .take()
                        .unwrap_or(Err(Error::Usage("Call::poll called after Done"))),
                )
            }
            State::Queued => {}
        }
        match lock(&self.limiter).acquire(&self.ticket, now) {
            Acquire::Ready => {
                self.state = State::InFlight(now + self.policy.request_timeout);
                Step::Send(self.request.to_http())
            }
            Acquire::Wait(until) => Step::Wait(until),
        }
    }

    /// The longest response body this call accepts, in bytes: read at most one byte more
    /// (a [`ResponseBody`](super::ResponseBody) does that), then stop and hand over what
    /// arrived; [`handle_response`](Self::handle_response) turns a longer body into
    /// [`Error::BodyTooLarge`].
    pub fn response_body_limit(&self) -> u64 {
        self.request.max_response_body
    }

    /// When the request in flight must be abandoned, if one is in flight.
    pub fn send_deadline(&self) -> Option<Instant> {
        match self.state {
            State::InFlight(deadline) => Some(deadline),
            _ => None,
        }
    }

    /// The response to the last [`Step::Send`] arrived.
    pub fn handle_response(&mut self, now: Instant, response: http::Response<Bytes>) {
        if !matches!(self.state, State::InFlight(_)) {
            return;
        }
        let status = response.status();
        let headers = RateLimitHeaders::from_headers(response.headers());
        {
            let mut limiter = lock(&self.limiter);
            if let Some(headers) = headers {
                limiter.on_response(&self.request.bucket, headers, now);
            }
            if let Some(refused) = self.refuse(&response) {
                drop(limiter);
                return self.finish(Err(refused));
            }
            if status == StatusCode::TOO_MANY_REQUESTS {
                // A typed 429 (`InSlowmode`, `DiscriminatorChangeRatelimited`) is not the rate
                // limiter speaking: it goes back to the caller with its wait, never retried blindly.
                if let error @ Error::Api(_) = super::rest::parse_error(status, response.body()) {
                    drop(limiter);
                    return self.finish(Err(error));
                }
                let retry_after = retry_after(response.body())
                    .or(headers.map(|h| h.reset_after))
                    .unwrap_or(crate::ratelimit::WINDOW);
                limiter.on_rate_limited(&self.request.bucket, retry_after, now);
                if retry_after > self.policy.max_rate_limit_wait {
                    // Waiting that long would look like a hang; the caller decides.
                    tracing::warn!(
                        ?retry_after,
                        max = ?self.policy.max_rate_limit_wait,
                        bucket = self.request.bucket.bucket.name(),
                        "429 asks for a wait beyond the cap; not retrying"
                    );
                    drop(limiter);
                    return self.finish(Err(Error::RateLimited { retry_after }));
                }
                if self.rate_limit_retries < self.policy.max_rate_limit_retries {
                    self.rate_limit_retries += 1;
                    tracing::debug!(
                        ?retry_after,
                        bucket = self.request.bucket.bucket.name(),
                        "429; retrying"
                    );
                    self.ticket = limiter.enqueue(self.request.bucket.clone());
                    self.state = State::Queued;
                    return;
                }
                drop(limiter);
                return self.finish(Err(Error::RateLimited { retry_after }));
            }
        }
        if matches!(
            status,
            StatusCode::BAD_GATEWAY | StatusCode::SERVICE_UNAVAILABLE | StatusCode::GATEWAY_TIMEOUT
        ) && self.request.idempotent
            && self.retry_transient(now)
        {
            return;
        }
        let parsed = (self.parse)(&response);
        self.finish(parsed);
    }

    /// The last [`Step::Send`] failed below HTTP.
    ///
    /// The message is kept, minus any credential of the request: HTTP libraries like to
    /// quote the URL (which may hold a webhook token) in their errors.
    pub fn handle_transport_error(&mut self, now: Instant, mut error: TransportError) {
        if !matches!(self.state, State::InFlight(_)) {
            return;
        }
        error.message = self.request.redact(&error.message);
        let safe = error.kind == TransportErrorKind::Connect || self.request.idempotent;
        if safe && self.retry_transient(now) {
            return;
        }
        self.finish(Err(Error::Transport(error)));
    }

    /// What no route accepts: a body over the limit, or a redirect (never followed, as the
    /// API never sends one and following it could hand credentials to another origin).
    fn refuse(&self, response: &http::Response<Bytes>) -> Option<Error> {
        let status = response.status();
        let limit = self.request.max_response_body;
        if response.body().len() as u64 > limit {
            return Some(Error::BodyTooLarge { status, limit });
        }
        if status.is_redirection() {
            return Some(redirected(status, response.headers()));
        }
        None
    }

    fn finish(&mut self, result: Result<T, Error>) {
        self.result = Some(result);
        self.state = State::Finished;
    }

    fn retry_transient(&mut self, now: Instant) -> bool {
        if self.transient_retries >= self.policy.max_transient_retries {
            return false;
        }
        self.transient_retries += 1;
        let delay = self.policy.transient_delay(self.transient_retries);
        tracing::debug!(
            ?delay,
            attempt = self.transient_retries,
            "transient failure; retrying"
        );
        self.ticket = lock(&self.limiter).enqueue(self.request.bucket.clone());
        self.state = State::Delayed(now + delay);
        true
    }
}

impl<T> Drop for Call<T> {
    fn drop(&mut self) {
        lock(&self.limiter).cancel(&self.ticket);
    }
}

/// The 429 body: `{"retry_after": <milliseconds>}`. A non-negative integer or finite
/// fraction counts (fractions round up; anything past `u64::MAX` ms saturates); a negative,
/// non-numeric or missing value gives `None` so the caller falls back to the headers or the
/// window.
fn retry_after(body: &[u8]) -> Option<Duration> {
    #[derive(serde::Deserialize)]
    struct RetryAfter {
        retry_after: serde_json::Number,
    }
    let number = serde_json::from_slice::<RetryAfter>(body).ok()?.retry_after;
    if let Some(ms) = number.as_u64() {
        return Some(Duration::from_millis(ms));
    }
    let ms = number.as_f64().filter(|ms| ms.is_finite() && *ms >= 0.0)?;
    // `as` saturates at u64::MAX.
    Some(Duration::from_millis(ms.ceil() as u64))
}

fn lock(limiter: &Mutex<RateLimiter>) -> MutexGuard<'_, RateLimiter> {
    limiter
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
