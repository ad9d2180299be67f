//! HTTP/1.1 plumbing shared by the REST API and autumn: accept loop, body collection,
//! response assembly with the real header order, response delay and request recording.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Method, Response, StatusCode};
use http_body_util::{BodyExt, Limited};
use hyper::body::{Body, Frame, Incoming, SizeHint};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

use super::config::HttpFault;
use super::observe::{RecordedRequest, Service};
use super::ratelimit::Verdict;
use super::state::{Shared, State};
use super::{autumn, rest};

/// A response body. A fixed one always announces its exact length, so that a `204` can
/// carry `content-length: 0` like Rocket's (hyper drops it for bodies that are already
/// ended); an endless one ([`HttpFault::EndlessBody`]) has no length and never ends.
pub(crate) enum WireBody {
    Fixed(Option<Bytes>),
    Endless { chunk: Bytes, sent: Arc<AtomicU64> },
}

impl Body for WireBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        match self.get_mut() {
            WireBody::Fixed(body) => Poll::Ready(
                body.take()
                    .filter(|b| !b.is_empty())
                    .map(|b| Ok(Frame::data(b))),
            ),
            // hyper asks for the next frame only once the last one is written, so this goes
            // exactly as fast as the client reads.
            WireBody::Endless { chunk, sent } => {
                sent.fetch_add(chunk.len() as u64, Ordering::Relaxed);
                Poll::Ready(Some(Ok(Frame::data(chunk.clone()))))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        false
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            WireBody::Fixed(body) => {
                SizeHint::with_exact(body.as_ref().map_or(0, |b| b.len() as u64))
            }
            WireBody::Endless { .. } => SizeHint::default(),
        }
    }
}

/// Scripted [`HttpFault`]s, and what the endless bodies sent.
#[derive(Debug, Default)]
pub(crate) struct HttpFaults {
    queue: Mutex<VecDeque<HttpFault>>,
    endless_sent: Arc<AtomicU64>,
}

impl HttpFaults {
    fn lock(&self) -> MutexGuard<'_, VecDeque<HttpFault>> {
        self.queue
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Answers the next `count` HTTP requests with `fault`.
    pub(crate) fn push(&self, fault: HttpFault, count: usize) {
        let mut queue = self.lock();
        for _ in 0..count {
            queue.push_back(fault.clone());
        }
    }

    /// Bytes of endless bodies written to clients so far.
    pub(crate) fn endless_body_bytes_sent(&self) -> u64 {
        self.endless_sent.load(Ordering::Relaxed)
    }

    fn next(&self) -> Option<HttpFault> {
        self.lock().pop_front()
    }

    /// The response for `fault`.
    fn respond(&self, fault: HttpFault, request: &IncomingRequest) -> (u16, Response<WireBody>) {
        match fault {
            HttpFault::EndlessBody => {
                let mut response = Response::new(WireBody::Endless {
                    chunk: Bytes::from(vec![b' '; 64 * 1024]),
                    sent: Arc::clone(&self.endless_sent),
                });
                response.headers_mut().insert(
                    http::header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                );
                (200, response)
            }
            HttpFault::Redirect { status, origin } => {
                let location = match &request.query {
                    Some(query) => format!("{origin}{}?{query}", request.path),
                    None => format!("{origin}{}", request.path),
                };
                let wire = WireResponse::bare(status, None, Bytes::new())
                    .with_header("location", location);
                (status, wire.into_hyper())
            }
        }
    }
}

/// A request with its body collected.
#[derive(Debug)]
pub(crate) struct IncomingRequest {
    pub(crate) method: Method,
    /// Raw path, not percent-decoded.
    pub(crate) path: String,
    pub(crate) query: Option<String>,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    /// The body went over the service's limit (and was discarded).
    pub(crate) too_large: bool,
    /// The client's IP address (the rate-limit identifier without a session).
    pub(crate) peer_ip: String,
}

impl IncomingRequest {
    /// A header value as text.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// A response before it is handed to hyper. Headers are kept in order.
#[derive(Debug, Clone)]
pub(crate) struct WireResponse {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) body: Bytes,
}

const ROCKET_HEADERS: [(&str, &str); 4] = [
    ("server", "Rocket"),
    ("x-frame-options", "SAMEORIGIN"),
    ("x-content-type-options", "nosniff"),
    ("permissions-policy", "interest-cohort=()"),
];

fn ratelimit_headers(headers: &mut Vec<(&'static str, String)>, verdict: &Verdict) {
    headers.push(("x-ratelimit-limit", verdict.limit.to_string()));
    headers.push(("x-ratelimit-bucket", verdict.key.to_string()));
    headers.push(("x-ratelimit-remaining", verdict.remaining.to_string()));
    headers.push((
        "x-ratelimit-reset-after",
        verdict.reset_after_ms.to_string(),
    ));
}

impl WireResponse {
    /// A delta (Rocket) response: content type, Rocket's security headers, the rate-limit
    /// headers, then `content-length` (hyper adds `date` last).
    pub(crate) fn rocket(
        status: u16,
        content_type: Option<&str>,
        body: impl Into<Bytes>,
        verdict: Option<&Verdict>,
    ) -> Self {
        let body = body.into();
        let mut headers = Vec::new();
        if let Some(content_type) = content_type {
            headers.push(("content-type", content_type.to_owned()));
        }
        for (name, value) in ROCKET_HEADERS {
            headers.push((name, value.to_owned()));
        }
        if let Some(verdict) = verdict {
            ratelimit_headers(&mut headers, verdict);
        }
        headers.push(("content-length", body.len().to_string()));
        Self {
            status,
            headers,
            body,
        }
    }

    /// An autumn (axum) response: content type, rate-limit headers, `content-length`.
    pub(crate) fn axum(
        status: u16,
        content_type: Option<&str>,
        body: impl Into<Bytes>,
        verdict: Option<&Verdict>,
    ) -> Self {
        let body = body.into();
        let mut headers = Vec::new();
        if let Some(content_type) = content_type {
            headers.push(("content-type", content_type.to_owned()));
        }
        if let Some(verdict) = verdict {
            ratelimit_headers(&mut headers, verdict);
        }
        headers.push(("content-length", body.len().to_string()));
        Self {
            status,
            headers,
            body,
        }
    }

    /// A bare response (a reverse proxy's error page): only content type and length.
    pub(crate) fn bare(status: u16, content_type: Option<&str>, body: impl Into<Bytes>) -> Self {
        Self::axum(status, content_type, body, None)
    }

    /// Adds a header before `content-length`.
    pub(crate) fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        let at = self.headers.len().saturating_sub(1);
        self.headers.insert(at, (name, value.into()));
        self
    }

    fn into_hyper(self) -> Response<WireBody> {
        let mut response = Response::new(WireBody::Fixed(Some(self.body)));
        *response.status_mut() =
            StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let headers = response.headers_mut();
        for (name, value) in self.headers {
            if let Ok(value) = HeaderValue::from_str(&value) {
                headers.append(HeaderName::from_static(name), value);
            }
        }
        response
    }
}

/// Records a request in the log and counters.
pub(crate) fn record(state: &mut State, service: Service, request: &IncomingRequest, status: u16) {
    state.stats.http_requests += 1;
    if status == 429 {
        state.stats.rate_limited += 1;
    }
    state.requests.push(RecordedRequest {
        service,
        method: request.method.to_string(),
        path: request.path.clone(),
        query: request.query.clone(),
        headers: request
            .headers
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body: request.body.to_vec(),
        status,
    });
}

/// Accepts HTTP connections for one service until the runtime stops.
pub(crate) async fn serve(listener: TcpListener, shared: Arc<Shared>, service: Service) {
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let shared = Arc::clone(&shared);
        tokio::spawn(async move {
            let service_fn = service_fn(move |request| {
                let shared = Arc::clone(&shared);
                async move { Ok::<_, Infallible>(handle(request, peer, shared, service).await) }
            });
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service_fn)
                .await;
        });
    }
}

async fn handle(
    request: hyper::Request<Incoming>,
    peer: SocketAddr,
    shared: Arc<Shared>,
    service: Service,
) -> Response<WireBody> {
    let (parts, body) = request.into_parts();
    let limit = match service {
        Service::Autumn => autumn::BODY_LIMIT,
        _ => rest::BODY_LIMIT,
    };
    let (body, too_large) = match Limited::new(body, limit).collect().await {
        Ok(collected) => (collected.to_bytes(), false),
        Err(error) => (
            Bytes::new(),
            error
                .downcast_ref::<http_body_util::LengthLimitError>()
                .is_some(),
        ),
    };
    let request = IncomingRequest {
        method: parts.method,
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers: parts.headers,
        body,
        too_large,
        peer_ip: peer.ip().to_string(),
    };
    if let Some(fault) = shared.http_faults.next() {
        let (status, response) = shared.http_faults.respond(fault, &request);
        record(&mut shared.lock(), service, &request, status);
        return response;
    }
    let now = shared.now_ms();
    let response = match service {
        Service::Autumn => autumn::handle(&shared, &request, now),
        _ => rest::handle(&shared, &request, now),
    };
    let delay = shared.lock().response_delay;
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    response.into_hyper()
}
