//! How a gateway connection ends, and what the session makes of it.
//!
//! Every end of a connection (a close frame with its code, a lost socket, a refused message, a
//! timeout, a failed attempt) is reported to the user as an [`Event::Disconnected`]
//! (see [`Disconnection`]) on the event stream, and decides how long the session waits
//! before it reconnects.
//!
//! [`Event::Disconnected`]: super::Event::Disconnected

use std::fmt;
use std::time::Duration;

/// A WebSocket close code (RFC 6455 §7.4), as the server (or a proxy in front of it) sent it.
///
/// The official server never sends one (it drops the socket, reference §1.2); codes come from
/// proxies, load balancers and other implementations. What the session does with each:
///
/// | code | name | the session |
/// |---|---|---|
/// | none, 1005, 1006 | no code / abnormal | reconnects with backoff |
/// | 1000 | normal closure | reconnects with backoff |
/// | 1001 | going away (server restart, deploy) | reconnects with backoff |
/// | 1011, 1012, 1013, 1014 | internal error, restart, try again later, bad gateway | reconnects with backoff |
/// | 1002, 1003, 1007, 1010 | protocol error, unsupported or invalid data, missing extension | **fault**: reconnects with growing backoff |
/// | 1008 | policy violation (the server or a proxy refuses this client) | **fault** |
/// | 1009 | message too big (the server refused something the client sent) | **fault** |
/// | 3000–3999 | registered by libraries and frameworks (e.g. 3000 unauthorised) | **fault** |
/// | 4000–4999 | application codes (Stoat defines none) | **fault** |
/// | anything else | not a valid close code | **fault** |
///
/// No code ends the session by itself: a proxy's 1008 may be temporary, and the server's own
/// refusals arrive as gateway `Error` events (which do end it). The difference is the backoff:
/// the reconnect delay grows with every consecutive failure, and only a connection that was
/// ready for [`SessionConfig::stable_connection`](super::SessionConfig::stable_connection)
/// resets it, unless it ended with a fault. So a server that closes right after
/// authenticating, or keeps refusing the client, is retried ever more slowly (up to
/// [`Backoff::max`](super::Backoff::max)), never in a tight loop. Every end is surfaced as an
/// [`Event::Disconnected`](super::Event::Disconnected) whose [`Disconnection::is_fault`] says
/// which kind it was.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CloseCode(pub u16);

impl CloseCode {
    /// 1000: normal closure.
    pub const NORMAL: Self = Self(1000);
    /// 1001: the endpoint is going away (server shutdown, browser navigation).
    pub const GOING_AWAY: Self = Self(1001);
    /// 1002: protocol error.
    pub const PROTOCOL_ERROR: Self = Self(1002);
    /// 1003: a data type the endpoint cannot accept.
    pub const UNSUPPORTED_DATA: Self = Self(1003);
    /// 1007: data inconsistent with the message type (e.g. invalid UTF-8 in text).
    pub const INVALID_PAYLOAD: Self = Self(1007);
    /// 1008: policy violation.
    pub const POLICY_VIOLATION: Self = Self(1008);
    /// 1009: a message too big to process.
    pub const MESSAGE_TOO_BIG: Self = Self(1009);
    /// 1010: the client expected an extension the server did not negotiate.
    pub const MANDATORY_EXTENSION: Self = Self(1010);
    /// 1011: the server met an unexpected condition.
    pub const INTERNAL_ERROR: Self = Self(1011);
    /// 1012: the service is restarting.
    pub const SERVICE_RESTART: Self = Self(1012);
    /// 1013: try again later.
    pub const TRY_AGAIN_LATER: Self = Self(1013);
    /// 1014: a gateway or proxy got an invalid response upstream.
    pub const BAD_GATEWAY: Self = Self(1014);

    /// The numeric code.
    pub fn as_u16(self) -> u16 {
        self.0
    }

    /// Whether the code says the server refuses something about this client (see the table
    /// on [`CloseCode`]), rather than that the connection ended for reasons of its own.
    ///
    /// ```
    /// use stoat_core::gateway::CloseCode;
    /// assert!(!CloseCode::NORMAL.is_fault());
    /// assert!(!CloseCode::GOING_AWAY.is_fault());
    /// assert!(CloseCode::POLICY_VIOLATION.is_fault());
    /// assert!(CloseCode(4003).is_fault());
    /// ```
    pub fn is_fault(self) -> bool {
        !matches!(self.0, 1000 | 1001 | 1005 | 1006 | 1011..=1014)
    }
}

impl From<u16> for CloseCode {
    fn from(code: u16) -> Self {
        Self(code)
    }
}

impl fmt::Display for CloseCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self.0 {
            1000 => "normal closure",
            1001 => "going away",
            1002 => "protocol error",
            1003 => "unsupported data",
            1005 => "no status",
            1006 => "abnormal closure",
            1007 => "invalid payload",
            1008 => "policy violation",
            1009 => "message too big",
            1010 => "mandatory extension",
            1011 => "internal error",
            1012 => "service restart",
            1013 => "try again later",
            1014 => "bad gateway",
            3000..=3999 => "library code",
            4000..=4999 => "application code",
            _ => "unknown code",
        };
        write!(f, "{} ({name})", self.0)
    }
}

/// Why a gateway connection (or an attempt at one) ended.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DisconnectCause {
    /// The server (or a proxy) sent a close frame.
    Closed {
        /// Its code; `None` for a close frame without one.
        code: Option<CloseCode>,
        /// Its reason text (at most 123 bytes, as the protocol allows; may be empty).
        reason: String,
    },
    /// The connection broke without a close frame (reset, end of stream, read or write
    /// error). The official server ends connections this way.
    Lost,
    /// The server sent a message larger than
    /// [`SessionConfig::max_message_size`](super::SessionConfig::max_message_size); the
    /// driver refused it without assembling it and the connection was dropped.
    MessageTooLarge {
        /// How large it was, as far as the driver read (at least `max` + 1).
        size: usize,
        /// The configured limit.
        max: usize,
    },
    /// The connection attempt failed (DNS, TCP, TLS, the WebSocket upgrade).
    ConnectFailed,
    /// Connecting plus authenticating took longer than the handshake timeout.
    HandshakeTimedOut,
    /// No `Pong` came back within the heartbeat timeout (a zombie connection).
    HeartbeatTimedOut,
}

impl DisconnectCause {
    /// Whether this end is the server refusing something about this client (a fault close
    /// code, see [`CloseCode`], or a message over the size limit). Faults never reset the
    /// reconnect backoff.
    pub fn is_fault(&self) -> bool {
        match self {
            Self::Closed {
                code: Some(code), ..
            } => code.is_fault(),
            Self::MessageTooLarge { .. } => true,
            _ => false,
        }
    }
}

impl fmt::Display for DisconnectCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Closed { code, reason } => {
                f.write_str("closed by the server")?;
                if let Some(code) = code {
                    write!(f, " with code {code}")?;
                }
                if !reason.is_empty() {
                    write!(f, ": {reason:?}")?;
                }
                Ok(())
            }
            Self::Lost => f.write_str("connection lost"),
            Self::MessageTooLarge { size, max } => write!(
                f,
                "the server sent a message of at least {size} bytes; the limit is {max}"
            ),
            Self::ConnectFailed => f.write_str("the connection attempt failed"),
            Self::HandshakeTimedOut => f.write_str("the handshake timed out"),
            Self::HeartbeatTimedOut => f.write_str("no answer to the heartbeat"),
        }
    }
}

/// One gateway connection has ended: the payload of
/// [`Event::Disconnected`](super::Event::Disconnected).
///
/// The session reports every end this way, then reconnects after
/// [`reconnect_in`](Self::reconnect_in) (or, when it gives up, ends with
/// [`CloseReason::ReconnectAttemptsExhausted`](super::CloseReason::ReconnectAttemptsExhausted)).
/// A bot can watch these to notice a server that keeps refusing it:
/// [`failures`](Self::failures) counts consecutive ends without a stable connection in between.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Disconnection {
    /// Why it ended.
    pub cause: DisconnectCause,
    /// Whether the connection had received `Ready`.
    pub after_ready: bool,
    /// How long the connection was open (zero if it never opened).
    pub uptime: Duration,
    /// Consecutive failures so far, this one included (1 after a stable connection).
    pub failures: u32,
    /// The delay before the next attempt; `None` if the session gives up.
    pub reconnect_in: Option<Duration>,
}

impl Disconnection {
    /// Whether the server refused something about this client (see
    /// [`DisconnectCause::is_fault`]).
    pub fn is_fault(&self) -> bool {
        self.cause.is_fault()
    }
}

impl fmt::Display for Disconnection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "gateway {}", self.cause)?;
        match self.reconnect_in {
            Some(delay) => write!(
                f,
                "; reconnecting in {} ms (failure {})",
                delay.as_millis(),
                self.failures
            ),
            None => write!(f, "; giving up after {} failures", self.failures),
        }
    }
}

/// Cuts a close reason to the 123 bytes the protocol allows, at a character boundary.
pub(crate) fn clip_reason(reason: &str) -> String {
    const MAX: usize = 123;
    if reason.len() <= MAX {
        return reason.to_owned();
    }
    let mut end = MAX;
    while !reason.is_char_boundary(end) {
        end -= 1;
    }
    reason[..end].to_owned()
}
