//! [`FakeConfig`]: how a [`FakeServer`](crate::FakeServer) is started.

use std::fmt;
use std::time::Duration;

/// Default bot token of the fixture (64 characters, like a real `nanoid!(64)`).
pub const DEFAULT_BOT_TOKEN: &str =
    "FakeBotToken_capbot_00000000000000000000000000000000000000000000";
/// Default session token of the fixture's owner (64 characters).
pub const DEFAULT_USER_TOKEN: &str =
    "FakeSessionToken_capowner_00000000000000000000000000000000000000";

/// Settings of a fake server. Start from [`FakeConfig::default`] and adjust with the
/// builder methods.
///
/// ```
/// use std::time::Duration;
/// let config = stoat_conformance::FakeConfig::default()
///     .ratelimit_window(Duration::from_millis(1500));
/// # let _ = config;
/// ```
#[derive(Clone)]
pub struct FakeConfig {
    pub(crate) ratelimit_window: Duration,
    pub(crate) ratelimits_enabled: bool,
    pub(crate) bot_token: String,
    pub(crate) user_token: String,
    pub(crate) port_base: Option<u16>,
    pub(crate) response_delay: Duration,
}

impl Default for FakeConfig {
    fn default() -> Self {
        Self {
            ratelimit_window: Duration::from_secs(10),
            ratelimits_enabled: true,
            bot_token: DEFAULT_BOT_TOKEN.to_owned(),
            user_token: DEFAULT_USER_TOKEN.to_owned(),
            port_base: None,
            response_delay: Duration::ZERO,
        }
    }
}

impl fmt::Debug for FakeConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeConfig")
            .field("ratelimit_window", &self.ratelimit_window)
            .field("ratelimits_enabled", &self.ratelimits_enabled)
            .field("bot_token", &"<redacted>")
            .field("user_token", &"<redacted>")
            .field("port_base", &self.port_base)
            .field("response_delay", &self.response_delay)
            .finish()
    }
}

impl FakeConfig {
    /// Settings for testing a bot: rate-limit windows of 200 ms instead of the real 10 s, so
    /// a bot that sends more than a bucket allows waits a moment instead of silently stalling
    /// the test for seconds (the client follows the server's `X-RateLimit-Reset-After`, so
    /// it waits exactly as long as this server says). Everything else is as the real server.
    pub fn for_tests() -> Self {
        Self::default().ratelimit_window(Duration::from_millis(200))
    }

    /// Length of the fixed rate-limit window (the real server uses 10 s). The per-bucket
    /// limits always stay the real ones; only the window shrinks, so tests stay fast.
    pub fn ratelimit_window(mut self, window: Duration) -> Self {
        self.ratelimit_window = window;
        self
    }

    /// Turns rate limiting off (headers are still sent, requests are never rejected).
    pub fn ratelimits_enabled(mut self, enabled: bool) -> Self {
        self.ratelimits_enabled = enabled;
        self
    }

    /// The bot token that authenticates the fixture's bot (`X-Bot-Token`).
    pub fn bot_token(mut self, token: impl Into<String>) -> Self {
        self.bot_token = token.into();
        self
    }

    /// The session token that authenticates the fixture's owner (`X-Session-Token`).
    pub fn user_token(mut self, token: impl Into<String>) -> Self {
        self.user_token = token.into();
        self
    }

    /// Fixed ports instead of ephemeral ones: REST on `base`, gateway on `base + 1`,
    /// autumn on `base + 2` (the real deployment uses 14702, 14703, 14704).
    pub fn port_base(mut self, base: u16) -> Self {
        self.port_base = Some(base);
        self
    }

    /// A delay added before every HTTP response (REST and autumn).
    pub fn response_delay(mut self, delay: Duration) -> Self {
        self.response_delay = delay;
        self
    }
}

/// A misbehaviour of the fake gateway, set with
/// [`FakeServer::set_gateway_fault`](crate::FakeServer::set_gateway_fault). It applies to
/// every connection that reaches `Ready` until it is cleared, so a client that reconnects
/// meets it again: that is how a server that repeats the same fault is simulated.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum GatewayFault {
    /// Right after `Ready`, send a close frame with this code and reason, then drop the
    /// connection.
    CloseAfterReady {
        /// The close code (e.g. 1008 policy violation, 4000-4999 application codes).
        code: u16,
        /// The close reason (at most 123 bytes).
        reason: String,
    },
    /// Right after `Ready`, send one data message of `size` bytes in frames of `frame_size`
    /// bytes (a fragmented message: the first frame and then continuations). The frames are
    /// generated one at a time, so the server itself never holds the whole message; how
    /// many bytes went out before the client refused is in
    /// [`FakeServer::fault_bytes_sent`](crate::FakeServer::fault_bytes_sent).
    HugeMessageAfterReady {
        /// Total message size in bytes.
        size: usize,
        /// Size of each frame (the last may be shorter).
        frame_size: usize,
    },
}

/// A fault the fake server's HTTP side (REST API and file server) answers a request with
/// instead of handling it; see
/// [`FakeServer::fault_next_http_requests`](crate::FakeServer::fault_next_http_requests).
///
/// These are the hostile servers a client must survive without unbounded memory or
/// handing its credentials to someone else.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum HttpFault {
    /// `200 OK` with `content-type: application/json` and a chunked body that never ends
    /// (64 KiB chunks of spaces, as fast as the client reads), until the client hangs up.
    /// [`FakeServer::endless_body_bytes_sent`](crate::FakeServer::endless_body_bytes_sent)
    /// counts what went out.
    EndlessBody,
    /// A redirect with `status` (301, 302, 303, 307, 308) whose `Location` is `origin`
    /// followed by the request's own path and query: a client that follows it sends the
    /// path (and a webhook token in it) and, if careless, its token headers to `origin`.
    Redirect {
        /// The redirect status.
        status: u16,
        /// `scheme://host:port` of the other origin.
        origin: String,
    },
}

impl HttpFault {
    /// A `307 Temporary Redirect` (which keeps the method and body) to `origin`.
    pub fn redirect_to(origin: impl Into<String>) -> Self {
        Self::Redirect {
            status: 307,
            origin: origin.into().trim_end_matches('/').to_owned(),
        }
    }
}
