//! The request pipeline: typed request in, `http::Request<Bytes>` out; response in, typed
//! output or [`Error`] out.

use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http::header::{HeaderValue, ACCEPT, CONTENT_TYPE, USER_AGENT};
use http::{Method, StatusCode};
use serde::de::DeserializeOwned;

use super::body::ResponseLimits;
use super::call::{Call, RetryPolicy};
use super::error::{redirected, ApiError, BodySnippet, Error, ErrorType};
use super::request::{Body, Request, RequestParts, Service};
use crate::auth::Token;
use crate::ratelimit::{BucketKey, RateLimiter};

/// The library's default `User-Agent`.
pub const DEFAULT_USER_AGENT: &str = concat!(
    "stoat-rs/",
    env!("CARGO_PKG_VERSION"),
    " (https://github.com/stoat-rs/stoat)"
);

/// A request ready to send, plus what the limiter and retry policy need to know about it.
///
/// Its `Debug` output never shows credentials: auth headers are marked sensitive and a
/// secret in the path (a webhook token) is replaced by `<redacted>`.
#[derive(Clone)]
pub struct PreparedRequest {
    /// Method.
    pub method: Method,
    /// Absolute URI.
    pub uri: http::Uri,
    /// All headers.
    pub headers: http::HeaderMap,
    /// Body bytes.
    pub body: Bytes,
    /// The rate-limit bucket it counts against.
    pub bucket: BucketKey,
    /// Whether repeating it after an ambiguous failure is safe.
    pub idempotent: bool,
    /// The longest response body accepted, in bytes (from the [`ResponseLimits`] of the
    /// service the request goes to).
    pub max_response_body: u64,
    /// A secret inside the URI, hidden from display.
    path_secret: Option<crate::auth::Secret>,
}

impl PreparedRequest {
    /// The URI with any secret in the path replaced by `<redacted>`: safe to log.
    pub fn display_uri(&self) -> String {
        let uri = self.uri.to_string();
        match &self.path_secret {
            Some(secret) if !secret.expose().is_empty() => {
                uri.replace(secret.expose(), "<redacted>")
            }
            _ => uri,
        }
    }

    /// `text` with every credential of this request (the secret in the path, the values of
    /// the sensitive headers: token, MFA ticket) replaced by `<redacted>`. Used on error
    /// messages that come from an HTTP library, which may quote the URL or a header.
    pub fn redact(&self, text: &str) -> String {
        let mut text = text.to_owned();
        let secrets = self
            .path_secret
            .iter()
            .map(|secret| secret.expose().as_bytes())
            .chain(
                self.headers
                    .values()
                    .filter(|value| value.is_sensitive())
                    .map(|value| value.as_bytes()),
            );
        for secret in secrets {
            let Ok(secret) = std::str::from_utf8(secret) else {
                continue;
            };
            if secret.is_empty() {
                continue;
            }
            text = text.replace(secret, "<redacted>");
            // Percent-encoded in a URL, it may look different.
            let encoded = crate::http::path(&[secret]);
            if let Some(encoded) = encoded.strip_prefix('/') {
                if encoded != secret {
                    text = text.replace(encoded, "<redacted>");
                }
            }
        }
        text
    }
}

impl std::fmt::Debug for PreparedRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreparedRequest")
            .field("method", &self.method)
            .field("uri", &self.display_uri())
            .field("headers", &self.headers)
            .field("body_len", &self.body.len())
            .field("bucket", &self.bucket)
            .field("idempotent", &self.idempotent)
            .field("max_response_body", &self.max_response_body)
            .finish()
    }
}

impl PreparedRequest {
    /// An `http::Request` for one attempt (cheap: the body is shared).
    pub fn to_http(&self) -> http::Request<Bytes> {
        let mut request = http::Request::new(self.body.clone());
        *request.method_mut() = self.method.clone();
        *request.uri_mut() = self.uri.clone();
        *request.headers_mut() = self.headers.clone();
        request
    }
}

/// The REST side of a client: base URL, credentials, user agent, the shared rate limiter and
/// the retry policy. Cloning shares the limiter.
///
/// ```
/// use stoat_core::http::{Rest, routes::FetchSelf};
/// use stoat_core::auth::Token;
/// let rest = Rest::new("https://api.stoat.chat", Some(Token::bot("secret")));
/// let request = rest.prepare(&FetchSelf).unwrap().to_http();
/// assert_eq!(request.uri(), "https://api.stoat.chat/users/@me");
/// assert_eq!(request.headers()["x-bot-token"], "secret");
/// ```
#[derive(Clone, Debug)]
pub struct Rest {
    api_base: String,
    autumn_base: Option<String>,
    token: Option<Token>,
    user_agent: String,
    limiter: Arc<Mutex<RateLimiter>>,
    retry: RetryPolicy,
    limits: ResponseLimits,
}

impl Rest {
    /// A pipeline for the API at `api_base` (e.g. `https://api.stoat.chat`).
    pub fn new(api_base: impl Into<String>, token: Option<Token>) -> Self {
        Self {
            api_base: api_base.into().trim_end_matches('/').to_owned(),
            autumn_base: None,
            token,
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            limiter: Arc::default(),
            retry: RetryPolicy::default(),
            limits: ResponseLimits::default(),
        }
    }

    /// Sets the file server base URL (from `GET /` → `features.autumn.url`), needed for uploads.
    pub fn with_autumn_base(mut self, autumn_base: impl Into<String>) -> Self {
        self.autumn_base = Some(autumn_base.into().trim_end_matches('/').to_owned());
        self
    }

    /// Replaces the `User-Agent`.
    pub fn with_user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Replaces the retry policy. Its
    /// [`max_rate_limit_wait`](RetryPolicy::max_rate_limit_wait) also caps the shared
    /// limiter's waits.
    pub fn with_retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.limiter
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .set_max_wait(retry.max_rate_limit_wait);
        self.retry = retry;
        self
    }

    /// Replaces the response body limits.
    pub fn with_response_limits(mut self, limits: ResponseLimits) -> Self {
        self.limits = limits;
        self
    }

    /// The response body limits.
    pub fn response_limits(&self) -> ResponseLimits {
        self.limits
    }

    /// The API base URL.
    pub fn api_base(&self) -> &str {
        &self.api_base
    }

    /// The shared rate limiter.
    pub fn limiter(&self) -> &Arc<Mutex<RateLimiter>> {
        &self.limiter
    }

    /// Builds the HTTP request for `request`.
    pub fn prepare<R: Request + ?Sized>(&self, request: &R) -> Result<PreparedRequest, Error> {
        let parts = request.to_parts()?;
        self.prepare_parts(parts)
    }

    /// Builds the HTTP request from already described parts.
    pub fn prepare_parts(&self, parts: RequestParts) -> Result<PreparedRequest, Error> {
        let RequestParts {
            method,
            path,
            query,
            body,
            idempotency_key,
            audit_log_reason,
            mfa_ticket,
            authenticated,
            service,
            headers: extra_headers,
            path_secret,
        } = parts;
        let base = match service {
            Service::Api => self.api_base.as_str(),
            Service::Autumn => self.autumn_base.as_deref().ok_or(Error::Usage(
                "this request goes to the file server, but no file server URL is configured",
            ))?,
        };
        let mut uri = format!("{base}{path}");
        if let Some(query) = &query {
            uri.push('?');
            uri.push_str(query);
        }
        let uri: http::Uri = uri
            .parse()
            .map_err(|e: http::uri::InvalidUri| Error::InvalidUrl(e.to_string()))?;

        let mut headers = extra_headers;
        headers.insert(USER_AGENT, header_value(&self.user_agent)?);
        // Ask for JSON so that even Rocket's default catcher answers in JSON.
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        if authenticated {
            if let Some(token) = &self.token {
                let mut value = header_value(token.secret())?;
                value.set_sensitive(true);
                headers.insert(token.header_name(), value);
            }
        }
        if let Some(ticket) = &mfa_ticket {
            let mut value = header_value(ticket.expose())?;
            value.set_sensitive(true);
            headers.insert("x-mfa-ticket", value);
        }
        if let Some(key) = &idempotency_key {
            headers.insert("idempotency-key", header_value(key)?);
        }
        if let Some(reason) = &audit_log_reason {
            let encoded: String =
                percent_encoding::utf8_percent_encode(reason, percent_encoding::CONTROLS)
                    .to_string();
            headers.insert("x-audit-log-reason", header_value(&encoded)?);
        }
        let body = match body {
            Body::Empty => Bytes::new(),
            Body::Json(bytes) => {
                headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                bytes
            }
            Body::Multipart {
                content_type,
                bytes,
            } => {
                headers.insert(CONTENT_TYPE, header_value(&content_type)?);
                bytes
            }
        };
        let bucket = match service {
            Service::Api => BucketKey::resolve(&method, &path),
            Service::Autumn => BucketKey::resolve_autumn(&method, &path),
        };
        let idempotent = idempotency_key.is_some() || method_is_idempotent(&method);
        let max_response_body = match service {
            Service::Api => self.limits.api,
            Service::Autumn => self.limits.file_server,
        };
        Ok(PreparedRequest {
            method,
            uri,
            headers,
            body,
            bucket,
            idempotent,
            max_response_body,
            path_secret,
        })
    }

    /// Starts a rate-limited, retrying call for `request`. Drive it with [`Call::poll`].
    pub fn call<R: Request + ?Sized>(&self, request: &R) -> Result<Call<R::Output>, Error> {
        let prepared = self.prepare(request)?;
        Ok(Call::new(
            prepared,
            self.limiter.clone(),
            self.retry,
            R::parse,
        ))
    }
}

fn method_is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS
    )
}

fn header_value(value: &str) -> Result<HeaderValue, Error> {
    HeaderValue::from_str(value).map_err(|_| {
        Error::Validation(super::error::ValidationError::Invalid {
            field: "header",
            reason: "contains characters not allowed in an HTTP header".into(),
        })
    })
}

/// Parses a final response into `T` or a typed error.
///
/// * 2xx: the body as JSON (an empty body reads as `null`, so `()` accepts 204);
/// * 2xx with the error body `{"type":"NoEffect",...}`: the official server answers a request
///   that changed nothing this way, with status 200 (e.g. `DELETE /channels/{id}` on Saved
///   Messages). It is a success: it reads as an empty body, so a route whose output is `()`
///   (or an `Option`) succeeds. A route that must return data cannot, and gets
///   [`Error::Api`] with [`ErrorType::NoEffect`] and the 200 status rather than a decode error;
/// * 3xx: [`Error::Redirected`] (the API never redirects; none is followed);
/// * an error status with the API's `{"type": ...}` body: [`Error::Api`];
/// * anything else (Rocket's catcher, HTML, proxies): [`Error::Http`] with a body snippet.
pub fn parse_response<T: DeserializeOwned>(response: &http::Response<Bytes>) -> Result<T, Error> {
    let status = response.status();
    let body = response.body();
    if status.is_success() {
        let bytes: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
            b"null"
        } else if is_no_effect(body) {
            return serde_json::from_slice(b"null").map_err(|_| parse_error(status, body));
        } else {
            body
        };
        return serde_json::from_slice(bytes).map_err(|e| Error::Decode {
            status,
            message: e.to_string(),
            body: BodySnippet::new(body),
        });
    }
    if status.is_redirection() {
        return Err(redirected(status, response.headers()));
    }
    Err(parse_error(status, body))
}

/// Whether a success body is the `NoEffect` error shape. Cheap for every other body: a
/// substring search first, then a parse of the `type` key only.
fn is_no_effect(body: &[u8]) -> bool {
    #[derive(serde::Deserialize)]
    struct Kind<'a> {
        #[serde(rename = "type", borrow)]
        kind: std::borrow::Cow<'a, str>,
    }
    body.trim_ascii_start().first() == Some(&b'{')
        && memchr::memmem::find(body, b"\"NoEffect\"").is_some()
        && serde_json::from_slice::<Kind<'_>>(body).is_ok_and(|k| k.kind == "NoEffect")
}

/// Turns an error response into the most specific [`Error`].
pub fn parse_error(status: StatusCode, body: &[u8]) -> Error {
    #[derive(serde::Deserialize)]
    struct Catcher {
        error: CatcherBody,
    }
    #[derive(serde::Deserialize)]
    struct CatcherBody {
        #[serde(default)]
        description: Option<String>,
    }
    #[derive(serde::Deserialize)]
    struct WithLocation {
        #[serde(default)]
        location: Option<String>,
    }

    if let Ok(error) = serde_json::from_slice::<ErrorType>(body) {
        let location = serde_json::from_slice::<WithLocation>(body)
            .ok()
            .and_then(|l| l.location);
        let error = match error {
            ErrorType::Unknown(mut unknown) => {
                unknown.fields.remove("location");
                ErrorType::Unknown(unknown)
            }
            known => known,
        };
        return Error::Api(Box::new(ApiError {
            status,
            error,
            location,
        }));
    }
    let reason = serde_json::from_slice::<Catcher>(body)
        .ok()
        .and_then(|c| c.error.description);
    Error::Http {
        status,
        reason,
        body: BodySnippet::new(body),
    }
}
