//! Errors: what the server said went wrong, and what went wrong around it.

use std::fmt;
use std::time::Duration;

use http::StatusCode;
use serde::{Deserialize, Serialize};

/// Every error `type` the server can return (reference §2.3), with its extra fields.
///
/// Unknown types are kept in [`ErrorType::Unknown`] with their fields.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
#[non_exhaustive]
#[allow(missing_docs)] // the variant names are the server's own, documented in reference §2.3
pub enum ErrorType {
    LabelMe,
    AlreadyOnboarded,
    UsernameTaken,
    InvalidUsername,
    DiscriminatorChangeRatelimited,
    UnknownUser,
    AlreadyFriends,
    AlreadySentRequest,
    Blocked,
    BlockedByOther,
    NotFriends,
    TooManyPendingFriendRequests {
        max: u64,
    },
    UnknownChannel,
    UnknownAttachment,
    UnknownMessage,
    CannotDeleteMessage,
    CannotEditMessage,
    CannotJoinCall,
    TooManyAttachments {
        max: u64,
    },
    TooManyEmbeds {
        max: u64,
    },
    TooManyReplies {
        max: u64,
    },
    TooManyChannels {
        max: u64,
    },
    EmptyMessage,
    PayloadTooLarge,
    CannotRemoveYourself,
    GroupTooLarge {
        max: u64,
    },
    AlreadyInGroup,
    NotInGroup,
    AlreadyPinned,
    NotPinned,
    /// `retry_after` is in seconds.
    InSlowmode {
        retry_after: u64,
    },
    CantCreateServers,
    UnknownServer,
    InvalidRole,
    Banned,
    TooManyServers {
        max: u64,
    },
    TooManyEmoji {
        max: u64,
    },
    TooManyRoles {
        max: u64,
    },
    AlreadyInServer,
    CannotTimeoutYourself,
    ReachedMaximumBots,
    IsBot,
    IsNotBot,
    BotIsPrivate,
    CannotReportYourself,
    MissingPermission {
        permission: String,
    },
    MissingUserPermission {
        permission: String,
    },
    NotElevated,
    NotPrivileged,
    CannotGiveMissingPermissions,
    NotOwner,
    IsElevated,
    DatabaseError {
        operation: String,
        collection: String,
    },
    InternalError,
    InvalidOperation,
    InvalidCredentials,
    InvalidProperty,
    InvalidSession,
    InvalidFlagValue,
    NotAuthenticated,
    DuplicateNonce,
    NotFound,
    NoEffect,
    FailedValidation {
        error: String,
    },
    HeaderTooLarge,
    OperationFailed,
    IncorrectData {
        with: String,
    },
    LiveKitUnavailable,
    NotAVoiceChannel,
    AlreadyConnected,
    NotConnected,
    UnknownNode,
    ProxyError,
    FileTooSmall,
    FileTooLarge {
        max: u64,
    },
    FileTypeNotAllowed,
    ImageProcessingFailed,
    NoEmbedData,
    VosoUnavailable,
    FeatureDisabled {
        feature: String,
    },
    RenderFail,
    MissingHeaders,
    CaptchaFailed,
    BlockedByShield,
    UnverifiedAccount,
    EmailFailed,
    InvalidToken,
    MissingInvite,
    InvalidInvite,
    CompromisedPassword,
    ShortPassword,
    Blacklisted,
    /// The special body sent for blacklisted clients.
    DisallowedContactSupport {
        #[serde(default)]
        note: Option<String>,
    },
    ContactSupport {
        #[serde(default)]
        locale: Option<String>,
        #[serde(default)]
        msg: Option<String>,
    },
    LockedOut,
    TotpAlreadyEnabled,
    DisallowedMFAMethod,
    /// A type this version of the library does not know.
    #[serde(untagged)]
    Unknown(UnknownErrorType),
}

/// An error type this version of the library does not know, kept verbatim.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UnknownErrorType {
    /// The `type` field.
    #[serde(rename = "type")]
    pub name: String,
    /// Every other field.
    #[serde(flatten)]
    pub fields: serde_json::Map<String, serde_json::Value>,
}

impl ErrorType {
    /// The wire name of the type.
    pub fn name(&self) -> String {
        match self {
            Self::Unknown(u) => u.name.clone(),
            other => serde_json::to_value(other)
                .ok()
                .and_then(|v| v.get("type")?.as_str().map(str::to_owned))
                .unwrap_or_default(),
        }
    }
}

/// An error the API returned in its JSON error shape.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// The error type and its fields.
    pub error: ErrorType,
    /// Where in the server it was raised (opaque; absent on some servers).
    pub location: Option<String>,
}

impl ApiError {
    /// The wait the server asked for, for errors that carry one (`InSlowmode`).
    pub fn retry_after(&self) -> Option<Duration> {
        match self.error {
            ErrorType::InSlowmode { retry_after } => Some(Duration::from_secs(retry_after)),
            _ => None,
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.error.name(), self.status)?;
        match &self.error {
            ErrorType::MissingPermission { permission }
            | ErrorType::MissingUserPermission { permission } => {
                write!(f, ": missing permission {permission}")
            }
            ErrorType::FailedValidation { error } => write!(f, ": {error}"),
            ErrorType::TooManyAttachments { max }
            | ErrorType::TooManyEmbeds { max }
            | ErrorType::TooManyReplies { max }
            | ErrorType::TooManyChannels { max }
            | ErrorType::GroupTooLarge { max }
            | ErrorType::TooManyServers { max }
            | ErrorType::TooManyEmoji { max }
            | ErrorType::TooManyRoles { max }
            | ErrorType::TooManyPendingFriendRequests { max }
            | ErrorType::FileTooLarge { max } => write!(f, ": at most {max}"),
            ErrorType::InSlowmode { retry_after } => write!(f, ": retry in {retry_after} s"),
            _ => Ok(()),
        }
    }
}

/// The first bytes of a response body, for error messages.
#[derive(Clone, PartialEq, Eq)]
pub struct BodySnippet(String);

impl BodySnippet {
    const MAX: usize = 256;

    /// Takes up to 256 bytes of `body` (lossily decoded as UTF-8).
    pub fn new(body: &[u8]) -> Self {
        let cut = &body[..body.len().min(Self::MAX)];
        let mut text = String::from_utf8_lossy(cut).into_owned();
        if body.len() > Self::MAX {
            text.push('…');
        }
        Self(text)
    }

    /// The snippet text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for BodySnippet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for BodySnippet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a length in a [`ValidationError`] counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LengthUnit {
    /// UTF-8 bytes.
    Bytes,
    /// Unicode scalar values.
    Characters,
}

impl fmt::Display for LengthUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Bytes => "bytes",
            Self::Characters => "characters",
        })
    }
}

/// A mistake caught before anything was sent.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ValidationError {
    /// A field is longer than the server accepts.
    #[error("{field} is {len} {unit} long; the limit is {max}")]
    TooLong {
        /// Which field.
        field: &'static str,
        /// Its length.
        len: usize,
        /// The limit.
        max: usize,
        /// What the length counts: message content and uploads are measured in bytes (as the
        /// server counts them), names and other text in characters.
        unit: LengthUnit,
    },
    /// A text field is shorter than the server accepts.
    #[error("{field} is {len} long; at least {min} is required")]
    TooShort {
        /// Which field.
        field: &'static str,
        /// Its length.
        len: usize,
        /// The minimum.
        min: usize,
    },
    /// Too many items in a list.
    #[error("{field} has {count} items; at most {max} are allowed")]
    TooMany {
        /// Which field.
        field: &'static str,
        /// How many were given.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// The request would be empty (e.g. a message with no content, attachment or embed).
    #[error("{0}")]
    Empty(&'static str),
    /// A value has the wrong form.
    #[error("invalid {field}: {reason}")]
    Invalid {
        /// Which field.
        field: &'static str,
        /// What is wrong.
        reason: String,
    },
}

/// A failure below HTTP: DNS, TCP, TLS, a reset connection, a timeout.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{kind:?}: {message}")]
pub struct TransportError {
    /// What kind of failure.
    pub kind: TransportErrorKind,
    /// The underlying error's message.
    pub message: String,
}

/// Kinds of [`TransportError`]; they decide whether a retry is safe.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The request certainly did not reach the server (connect refused, DNS, TLS handshake).
    Connect,
    /// The request may have reached the server (reset mid-request, read timeout).
    Ambiguous,
}

impl TransportError {
    /// A failure before the request was sent.
    pub fn connect(message: impl Into<String>) -> Self {
        Self {
            kind: TransportErrorKind::Connect,
            message: message.into(),
        }
    }

    /// No response arrived before [`Call::send_deadline`](super::Call::send_deadline).
    pub fn timed_out() -> Self {
        Self::ambiguous("no response before the request timeout")
    }

    /// A failure after the request may have been sent.
    pub fn ambiguous(message: impl Into<String>) -> Self {
        Self {
            kind: TransportErrorKind::Ambiguous,
            message: message.into(),
        }
    }
}

/// Any error from a REST call.
#[derive(Clone, Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with its JSON error shape.
    #[error("API error: {0}")]
    Api(Box<ApiError>),
    /// The server answered with an error status but no JSON error (Rocket's default catcher
    /// for auth failures, malformed bodies and unknown routes; a proxy's 502 page; ...).
    #[error("HTTP {status}{}: {body}", reason.as_ref().map(|r| format!(" ({r})")).unwrap_or_default())]
    Http {
        /// HTTP status.
        status: StatusCode,
        /// The catcher's description, when it sent one as JSON.
        reason: Option<String>,
        /// The start of the body.
        body: BodySnippet,
    },
    /// Still rate limited after the allowed number of retries, or the server asked for a
    /// wait longer than [`RetryPolicy::max_rate_limit_wait`](super::RetryPolicy::max_rate_limit_wait)
    /// (then no retry was made).
    #[error("rate limited; retry after {retry_after:?}")]
    RateLimited {
        /// The wait the server asked for last, exactly as it named it (not capped).
        retry_after: Duration,
    },
    /// A success status with a body that does not match the expected type.
    #[error("unexpected response body (HTTP {status}): {message}; body: {body}")]
    Decode {
        /// HTTP status.
        status: StatusCode,
        /// The parser's message.
        message: String,
        /// The start of the body.
        body: BodySnippet,
    },
    /// The response body was longer than the limit set for the request (see
    /// [`ResponseLimits`](super::ResponseLimits)); reading stopped there, so a server that
    /// sends an endless body costs at most the limit in memory.
    #[error("response body (HTTP {status}) is over the limit of {limit} bytes")]
    BodyTooLarge {
        /// HTTP status of the response.
        status: StatusCode,
        /// The limit, in bytes.
        limit: u64,
    },
    /// The server answered with a redirect (3xx). The API never sends one, so none is
    /// followed: following it could hand the token, or a webhook token in the path, to
    /// another origin.
    #[error(
        "the server redirected (HTTP {status}) to {}; redirects are not followed",
        location_origin.as_deref().unwrap_or("a relative or missing location")
    )]
    Redirected {
        /// HTTP status (301, 302, 303, 307, 308, ...).
        status: StatusCode,
        /// `scheme://host[:port]` of the `Location` header, when it names an absolute URL
        /// (`None` for a relative or missing one). Only the origin is kept: the path and
        /// query could hold a secret.
        location_origin: Option<String>,
    },
    /// The request could not be built: a user mistake, caught before sending.
    #[error("invalid request: {0}")]
    Validation(#[from] ValidationError),
    /// The connection failed.
    #[error("transport error: {0}")]
    Transport(#[from] TransportError),
    /// The configured base URL and the route do not form a valid URI.
    #[error("invalid URL: {0}")]
    InvalidUrl(String),
    /// The library was driven out of order (a bug in the driver, not in the request).
    #[error("API misuse: {0}")]
    Usage(&'static str),
}

impl Error {
    /// The API error, if the server sent one.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Self::Api(e) => Some(e),
            _ => None,
        }
    }

    /// The HTTP status, if a response arrived.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Api(e) => Some(e.status),
            Self::Http { status, .. }
            | Self::Decode { status, .. }
            | Self::BodyTooLarge { status, .. }
            | Self::Redirected { status, .. } => Some(*status),
            Self::RateLimited { .. } => Some(StatusCode::TOO_MANY_REQUESTS),
            _ => None,
        }
    }
}

/// The origin (`scheme://host[:port]`) of a redirect's `Location`, if it is an absolute URL.
/// User info, path and query are left out: they can hold credentials.
pub(crate) fn location_origin(headers: &http::HeaderMap) -> Option<String> {
    let location = headers.get(http::header::LOCATION)?.to_str().ok()?;
    let uri: http::Uri = location.trim().parse().ok()?;
    let scheme = uri.scheme_str()?;
    let authority = uri.authority()?;
    Some(match authority.port() {
        Some(port) => format!("{scheme}://{}:{port}", authority.host()),
        None => format!("{scheme}://{}", authority.host()),
    })
}

/// The error for a redirect response.
pub(crate) fn redirected(status: StatusCode, headers: &http::HeaderMap) -> Error {
    Error::Redirected {
        status,
        location_origin: location_origin(headers),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(location: &str) -> http::HeaderMap {
        let mut headers = http::HeaderMap::new();
        headers.insert(
            http::header::LOCATION,
            http::HeaderValue::from_str(location).unwrap(),
        );
        headers
    }

    #[test]
    fn a_redirect_keeps_only_the_origin_of_its_location() {
        let error = redirected(
            StatusCode::TEMPORARY_REDIRECT,
            &headers("http://user:pw@127.0.0.1:9999/webhooks/01H/secret-token?x=secret"),
        );
        let Error::Redirected {
            status,
            location_origin: origin,
        } = &error
        else {
            panic!("{error:?}")
        };
        assert_eq!(*status, StatusCode::TEMPORARY_REDIRECT);
        assert_eq!(origin.as_deref(), Some("http://127.0.0.1:9999"));
        for text in [error.to_string(), format!("{error:?}")] {
            assert!(!text.contains("secret"), "{text}");
            assert!(!text.contains("user") && !text.contains("pw"), "{text}");
        }
        assert_eq!(
            location_origin(&headers("https://evil.example/x")).as_deref(),
            Some("https://evil.example")
        );
        assert_eq!(location_origin(&headers("/relative/secret")), None);
        assert_eq!(location_origin(&http::HeaderMap::new()), None);
        assert_eq!(error.status(), Some(StatusCode::TEMPORARY_REDIRECT));
    }

    #[test]
    fn an_oversized_body_names_the_limit() {
        let error = Error::BodyTooLarge {
            status: StatusCode::OK,
            limit: 1024,
        };
        assert_eq!(
            error.to_string(),
            "response body (HTTP 200 OK) is over the limit of 1024 bytes"
        );
        assert_eq!(error.status(), Some(StatusCode::OK));
    }
}
