//! Bounds on response bodies: [`ResponseLimits`] (the configuration) and [`ResponseBody`]
//! (what a driver fills while it reads, so it stops reading at the limit).

use bytes::Bytes;

/// The default limit on a response body: 32 MiB.
///
/// The largest API answers (a full member list of a big server, 100 messages with their
/// users and members) are a few MiB; anything far beyond that is a broken or hostile server.
pub const DEFAULT_MAX_RESPONSE_BODY: u64 = 32 * 1024 * 1024;

/// How much of a response body the client reads before giving up with
/// [`Error::BodyTooLarge`](super::Error::BodyTooLarge).
///
/// Without a bound, a server that sends an endless body makes the client buffer it until
/// the process runs out of memory. Each request gets the limit of the service it goes to.
///
/// ```
/// use stoat_core::http::{ResponseLimits, DEFAULT_MAX_RESPONSE_BODY};
/// let limits = ResponseLimits::default().file_server(256 * 1024 * 1024);
/// assert_eq!(limits.api, DEFAULT_MAX_RESPONSE_BODY);
/// assert_eq!(limits.file_server, 256 * 1024 * 1024);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ResponseLimits {
    /// Largest REST API response body, in bytes ([`DEFAULT_MAX_RESPONSE_BODY`]).
    pub api: u64,
    /// Largest file server (autumn) response body, in bytes ([`DEFAULT_MAX_RESPONSE_BODY`]
    /// too; raise it if you fetch large files through the client).
    pub file_server: u64,
}

impl Default for ResponseLimits {
    fn default() -> Self {
        Self {
            api: DEFAULT_MAX_RESPONSE_BODY,
            file_server: DEFAULT_MAX_RESPONSE_BODY,
        }
    }
}

impl ResponseLimits {
    /// Sets the limit for REST API responses.
    pub fn api(mut self, bytes: u64) -> Self {
        self.api = bytes;
        self
    }

    /// Sets the limit for file server responses.
    pub fn file_server(mut self, bytes: u64) -> Self {
        self.file_server = bytes;
        self
    }
}

/// A response body as a driver reads it, bounded by the request's limit
/// ([`Call::response_body_limit`](super::Call::response_body_limit)).
///
/// Push each chunk as it arrives; once [`push`](Self::push) returns `false`, stop reading
/// (and do not reuse the connection: the rest of the body is still on it), then hand the
/// response with [`into_bytes`](Self::into_bytes) to
/// [`Call::handle_response`](super::Call::handle_response), which reports
/// [`Error::BodyTooLarge`](super::Error::BodyTooLarge). At most `limit + 1` bytes are kept.
///
/// ```
/// use stoat_core::http::ResponseBody;
/// let mut body = ResponseBody::new(4);
/// assert!(body.push(b"abc"));
/// assert!(!body.push(b"de"), "over the limit: stop reading");
/// assert!(body.is_over_limit());
/// assert_eq!(body.into_bytes().len(), 5);
/// ```
#[derive(Debug)]
pub struct ResponseBody {
    limit: u64,
    bytes: Vec<u8>,
}

impl ResponseBody {
    /// Up to this much is buffered before it is known whether a body fits.
    const INITIAL_CAPACITY: usize = 64 * 1024;

    /// An empty body that accepts `limit` bytes.
    pub fn new(limit: u64) -> Self {
        let capacity = usize::try_from(limit)
            .unwrap_or(usize::MAX)
            .min(Self::INITIAL_CAPACITY);
        Self {
            limit,
            bytes: Vec::with_capacity(capacity),
        }
    }

    /// Appends `chunk`. Returns whether to keep reading: `false` once the body is over the
    /// limit (what is kept is then the limit plus one byte, enough to tell).
    pub fn push(&mut self, chunk: &[u8]) -> bool {
        let keep = self.limit.saturating_add(1);
        let room = keep.saturating_sub(self.bytes.len() as u64);
        let take = usize::try_from(room).unwrap_or(usize::MAX).min(chunk.len());
        self.bytes.extend_from_slice(&chunk[..take]);
        !self.is_over_limit()
    }

    /// Whether more than the limit has arrived.
    pub fn is_over_limit(&self) -> bool {
        self.bytes.len() as u64 > self.limit
    }

    /// The bytes read so far.
    pub fn into_bytes(self) -> Bytes {
        Bytes::from(self.bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_at_the_limit_fits_and_one_byte_more_does_not() {
        let mut body = ResponseBody::new(8);
        assert!(body.push(b"1234"));
        assert!(body.push(b"5678"));
        assert!(!body.is_over_limit());
        assert!(body.push(b""));
        assert!(!body.push(b"9 and much more"));
        assert_eq!(body.into_bytes().as_ref(), b"123456789");
    }

    #[test]
    fn a_zero_limit_refuses_any_byte_and_a_huge_one_does_not_overflow() {
        let mut body = ResponseBody::new(0);
        assert!(body.push(b""));
        assert!(!body.push(b"x"));
        let mut body = ResponseBody::new(u64::MAX);
        assert!(body.push(b"anything"));
        assert!(!body.is_over_limit());
    }
}
