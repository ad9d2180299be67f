//! The errors every runtime's client reports, with the same names and variants everywhere.

use std::fmt;

use crate::gateway::CloseReason;

/// Why connecting a client failed.
///
/// Only problems found before the gateway starts are reported here; gateway trouble (a refused
/// token included) ends the event stream with [`SessionEnded`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConnectError {
    /// Fetching the instance's service URLs (`ClientConfig::discover`) failed.
    #[error("service discovery failed: {0}")]
    Discovery(#[source] crate::http::Error),
    /// A service URL cannot be used (not `http(s)://` or `ws(s)://`, no host, ...).
    #[error("invalid URL: {0}")]
    InvalidUrl(String),
    /// The HTTP client, the TLS configuration or the gateway task could not be set up.
    #[error("client setup failed: {0}")]
    Setup(String),
}

/// The gateway session has ended: returned as the last item of the event stream when it ended
/// without being asked to, and by anything that needs a running session afterwards
/// (`send_command`).
///
/// Its `Display` is a plain sentence meant for the person running the bot:
///
/// ```
/// use stoat_core::client::SessionEnded;
/// use stoat_core::gateway::CloseReason;
///
/// let ended = SessionEnded::new(CloseReason::LoggedOut);
/// assert_eq!(ended.to_string(), "the gateway session ended: the server logged this session out");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the gateway session ended: {reason}")]
#[non_exhaustive]
pub struct SessionEnded {
    /// Why it ended.
    pub reason: CloseReason,
}

impl SessionEnded {
    /// A session end for `reason`.
    pub fn new(reason: CloseReason) -> Self {
        Self { reason }
    }
}

impl fmt::Display for CloseReason {
    /// What happened and, where the user can do something about it, what to check. Never
    /// includes the token or the server's source locations.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Requested => f.write_str("the client was shut down"),
            Self::LoggedOut => f.write_str("the server logged this session out"),
            Self::AuthenticationFailed(error) => write!(
                f,
                "the server refused the token ({}); check that it is the current token (a bot \
                 token from the bot's settings, or a user session token given with \
                 Token::session) and that the client points at the instance the token belongs to",
                error.kind
            ),
            Self::ReconnectAttemptsExhausted => f.write_str(
                "the gateway could not be reached within the configured reconnect attempts",
            ),
        }
    }
}

/// Why a `wait_for` gave up.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum WaitError {
    /// The timeout passed first. `collected` holds the matches that did arrive (fewer than
    /// asked for; always empty for a single `wait_for`).
    #[error("no matching event arrived in time ({} collected)", collected.len())]
    TimedOut {
        /// The matches that arrived before the timeout, oldest first.
        collected: Vec<super::Update>,
    },
    /// The session ended first.
    #[error("the gateway session ended while waiting")]
    SessionEnded,
}
