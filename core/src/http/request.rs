//! The [`Request`] trait every typed route implements, and the parts it produces.

use bytes::Bytes;
use http::Method;
use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::error::ValidationError;
use crate::auth::Secret;

/// A typed API request: one implementation per route.
///
/// Implementations only describe the request; [`Rest`](super::Rest) turns the description into
/// an `http::Request<Bytes>` (base URL, auth, user agent, headers) and parses the response.
pub trait Request {
    /// What a successful response decodes to (`()` for 204 routes).
    type Output: DeserializeOwned;

    /// The route this request type calls: its method and path template as the reference
    /// names it (e.g. `/channels/{target}/messages`).
    const ROUTE: Route;

    /// Describes the request, or explains why it would be rejected.
    fn to_parts(&self) -> Result<RequestParts, ValidationError>;

    /// Reads the final response. The default reads JSON (see
    /// [`parse_response`](super::parse_response)); routes that answer with other content
    /// (images) override it.
    fn parse(response: &http::Response<bytes::Bytes>) -> Result<Self::Output, super::Error> {
        super::parse_response(response)
    }
}

/// A route: a method and a path template with `{name}` placeholders.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Route {
    /// HTTP method.
    pub method: Method,
    /// Path template, e.g. `/channels/{target}/messages/{msg}`.
    pub path: &'static str,
    /// The service that serves it.
    pub service: Service,
}

impl Route {
    /// An API route.
    pub const fn api(method: Method, path: &'static str) -> Self {
        Self {
            method,
            path,
            service: Service::Api,
        }
    }

    /// A file server route.
    pub const fn autumn(method: Method, path: &'static str) -> Self {
        Self {
            method,
            path,
            service: Service::Autumn,
        }
    }

    /// The parts for this route with the given concrete path.
    pub fn parts(&self, path: String) -> RequestParts {
        RequestParts::new(self.method.clone(), path).service(self.service)
    }
}

/// A request body.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Body {
    /// No body.
    #[default]
    Empty,
    /// A JSON document.
    Json(Bytes),
    /// A `multipart/form-data` document with its content type (which names the boundary).
    Multipart {
        /// The full `Content-Type` value.
        content_type: String,
        /// The encoded parts.
        bytes: Bytes,
    },
}

impl Body {
    /// Serialises `value` as JSON.
    pub fn json<T: Serialize + ?Sized>(value: &T) -> Result<Self, ValidationError> {
        serde_json::to_vec(value)
            .map(|bytes| Self::Json(Bytes::from(bytes)))
            .map_err(|e| ValidationError::Invalid {
                field: "body",
                reason: e.to_string(),
            })
    }
}

/// Which service a request goes to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Service {
    /// The REST API (delta).
    #[default]
    Api,
    /// The file server (autumn).
    Autumn,
}

/// Everything route-specific about a request.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestParts {
    /// HTTP method.
    pub method: Method,
    /// Path below the API base, starting with `/`, segments already percent-encoded.
    pub path: String,
    /// Encoded query string without `?`, if any.
    pub query: Option<String>,
    /// The body.
    pub body: Body,
    /// `Idempotency-Key` header (makes a POST safe to retry).
    pub idempotency_key: Option<String>,
    /// `X-Audit-Log-Reason` header.
    pub audit_log_reason: Option<String>,
    /// `X-MFA-Ticket` header.
    pub mfa_ticket: Option<Secret>,
    /// Whether the token is sent (false for public routes like `GET /`).
    pub authenticated: bool,
    /// The service that serves the route.
    pub service: Service,
    /// Route-specific headers beyond the ones above (e.g. `X-GitHub-Event`).
    pub headers: http::HeaderMap,
    /// A secret that is part of the path (a webhook token); it is redacted wherever the
    /// prepared request is shown.
    pub path_secret: Option<Secret>,
}

impl RequestParts {
    /// An authenticated request with no body.
    pub fn new(method: Method, path: impl Into<String>) -> Self {
        Self {
            method,
            path: path.into(),
            query: None,
            body: Body::Empty,
            idempotency_key: None,
            audit_log_reason: None,
            mfa_ticket: None,
            authenticated: true,
            service: Service::Api,
            headers: http::HeaderMap::new(),
            path_secret: None,
        }
    }

    /// Adds a route-specific header.
    pub fn header(mut self, name: http::HeaderName, value: http::HeaderValue) -> Self {
        self.headers.insert(name, value);
        self
    }

    /// Marks a secret that appears in the path, so it is never shown.
    pub fn path_secret(mut self, secret: Secret) -> Self {
        self.path_secret = Some(secret);
        self
    }

    /// Sends the request to another service than the API.
    pub fn service(mut self, service: Service) -> Self {
        self.service = service;
        self
    }

    /// Sets the body.
    pub fn body(mut self, body: Body) -> Self {
        self.body = body;
        self
    }

    /// Sets the query string from key/value pairs (values are percent-encoded).
    pub fn query<'a>(mut self, pairs: impl IntoIterator<Item = (&'a str, String)>) -> Self {
        let query: Vec<String> = pairs
            .into_iter()
            .map(|(k, v)| format!("{k}={}", utf8_percent_encode(&v, QUERY_VALUE)))
            .collect();
        self.query = (!query.is_empty()).then(|| query.join("&"));
        self
    }

    /// Marks the route as public (no token sent).
    pub fn unauthenticated(mut self) -> Self {
        self.authenticated = false;
        self
    }

    /// Sets the `Idempotency-Key` header.
    pub fn idempotency_key(mut self, key: Option<String>) -> Self {
        self.idempotency_key = key;
        self
    }

    /// Sets the `X-Audit-Log-Reason` header.
    pub fn audit_log_reason(mut self, reason: Option<String>) -> Self {
        self.audit_log_reason = reason;
        self
    }
}

/// Characters escaped in a path segment: everything outside RFC 3986 `unreserved`.
const PATH_SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'&')
    .add(b'+')
    .add(b'=')
    .add(b';')
    .add(b'[')
    .add(b']')
    .add(b'\\')
    .add(b'^')
    .add(b'|');

const QUERY_VALUE: &AsciiSet = PATH_SEGMENT;

/// Builds a path from literal and dynamic segments.
///
/// ```
/// use stoat_core::http::path;
/// assert_eq!(path(&["channels", "01H", "messages", "👍"]), "/channels/01H/messages/%F0%9F%91%8D");
/// ```
pub fn path(segments: &[&str]) -> String {
    let mut out = String::new();
    for segment in segments {
        out.push('/');
        out.extend(utf8_percent_encode(segment, PATH_SEGMENT));
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}
