//! Public types tests use to script failures and to observe what the fake saw.

use std::time::Duration;

/// Which listener a request reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Service {
    /// The REST API (delta).
    Api,
    /// The file server (autumn).
    Autumn,
}

/// One HTTP request as the fake received it, with the status it was answered with.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// The listener that received it.
    pub service: Service,
    /// HTTP method, e.g. `POST`.
    pub method: String,
    /// The raw path as sent (not percent-decoded), e.g. `/channels/X/messages`.
    pub path: String,
    /// The raw query string without `?`, if any.
    pub query: Option<String>,
    /// Every header, names lowercase, in the order received.
    pub headers: Vec<(String, String)>,
    /// The request body.
    pub body: Vec<u8>,
    /// The status the fake answered with.
    pub status: u16,
}

impl RecordedRequest {
    /// The first value of a header (case-insensitive name).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The body parsed as JSON, if it is JSON.
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

/// Counters of what the fake has seen since it started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    /// WebSocket connections accepted on the gateway (completed upgrades).
    pub gateway_connections: usize,
    /// Successful gateway authentications (`Authenticated` sent).
    pub authentications: usize,
    /// `Ready` events sent.
    pub readies_sent: usize,
    /// Decoded `Ping` frames received (including ignored ones: before authentication or
    /// while pings are not answered).
    pub pings_received: usize,
    /// `Pong` events sent.
    pub pongs_sent: usize,
    /// Gateway connections that are open and authenticated right now.
    pub open_sessions: usize,
    /// HTTP requests answered (REST and autumn).
    pub http_requests: usize,
    /// HTTP requests answered with 429 (rate limited or scripted).
    pub rate_limited: usize,
}

/// A scripted failure for the next REST requests, see
/// [`FakeServer::fail_next_requests_with`](crate::FakeServer::fail_next_requests_with).
///
/// * `429`: the real limiter's answer: `{"retry_after":ms}` with the rate-limit headers of
///   the request's bucket (`remaining: 0`). Nothing is counted in the real bucket.
/// * `502`, `503`, `504`: what a reverse proxy in front of the API sends: no Rocket or
///   rate-limit headers; 502 and 504 have a small HTML page, 503 an empty body.
/// * any other status: Rocket's default catcher for it (HTML, or JSON with
///   `Accept: application/json`), with the rate-limit headers.
#[derive(Debug, Clone)]
pub struct Failure {
    pub(crate) status: u16,
    pub(crate) retry_after: Option<Duration>,
    pub(crate) body: Option<(String, Vec<u8>)>,
}

impl Failure {
    /// A failure answered with `status`.
    pub fn status(status: u16) -> Self {
        Self {
            status,
            retry_after: None,
            body: None,
        }
    }

    /// For 429: the `retry_after` (and `x-ratelimit-reset-after`) to announce. Defaults to
    /// the configured rate-limit window.
    pub fn retry_after(mut self, retry_after: Duration) -> Self {
        self.retry_after = Some(retry_after);
        self
    }

    /// Replaces the body (and its content type) of the failure.
    pub fn body(mut self, content_type: impl Into<String>, body: impl Into<Vec<u8>>) -> Self {
        self.body = Some((content_type.into(), body.into()));
        self
    }
}
