//! Client-side rate limiting that mirrors the server's limiter.
//!
//! The server counts requests in fixed 10-second windows per bucket (reference §3). This
//! module knows the same bucket table ([`BucketKey::resolve`]), spends capacity before
//! sending ([`RateLimiter::acquire`]), learns the real state from `X-RateLimit-*` headers
//! ([`RateLimiter::on_response`]) and hands out capacity in FIFO order per bucket.

mod bucket;
mod limiter;

pub use bucket::{Bucket, BucketKey};
pub use limiter::{
    Acquire, RateLimitHeaders, RateLimiter, Ticket, DEFAULT_MAX_WAIT, UNREFINED_POLL, WINDOW,
};
