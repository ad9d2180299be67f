//! Credentials: bot tokens and user session tokens.
//!
//! A [`Token`] never shows its secret in `Debug` or `Display` output; the only way to read it
//! is [`Token::secret`], which the HTTP pipeline and the gateway `Authenticate` frame use.

use std::fmt;

/// The credential a client authenticates with.
///
/// ```
/// use stoat_core::auth::Token;
/// let token = Token::bot("abc123");
/// assert_eq!(format!("{token:?}"), "Token::Bot(<redacted>)");
/// assert_eq!(token.header_name(), "x-bot-token");
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub enum Token {
    /// A bot token (sent as `X-Bot-Token`).
    Bot(Secret),
    /// A user session token (sent as `X-Session-Token`).
    Session(Secret),
}

/// A secret string that is redacted in all formatting.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret value. Only call this to put it on the wire.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl Token {
    /// A bot token.
    pub fn bot(token: impl Into<String>) -> Self {
        Self::Bot(Secret::new(token))
    }

    /// A user session token.
    pub fn session(token: impl Into<String>) -> Self {
        Self::Session(Secret::new(token))
    }

    /// The raw token value. Only call this to put it on the wire.
    pub fn secret(&self) -> &str {
        match self {
            Self::Bot(s) | Self::Session(s) => s.expose(),
        }
    }

    /// Whether this is a bot token.
    pub fn is_bot(&self) -> bool {
        matches!(self, Self::Bot(_))
    }

    /// The HTTP header this token is sent in (lowercase, as HTTP/2 requires).
    pub fn header_name(&self) -> &'static str {
        match self {
            Self::Bot(_) => "x-bot-token",
            Self::Session(_) => "x-session-token",
        }
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Bot(_) => f.write_str("Token::Bot(<redacted>)"),
            Self::Session(_) => f.write_str("Token::Session(<redacted>)"),
        }
    }
}
