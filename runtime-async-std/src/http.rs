//! The HTTP transport: hyper's HTTP/1.1 client connection over `futures-io` streams, with a
//! small pool of kept-alive connections per scheme, host and port.
//!
//! Nothing here knows about Stoat: it sends an `http::Request<Bytes>` and returns an
//! `http::Response<Bytes>` or a [`TransportError`] that says whether the request may have
//! reached the server. Retrying is core's decision ([`stoat_core::http::Call`]).
//!
//! A response body is read up to one byte past the limit core names for the request; a
//! connection whose body was cut short is closed, never pooled or drained.
//!
//! Redirects are not followed (hyper's client connection has no notion of them): a 3xx goes
//! back to core like any response, and core reports it as an error.
//!
//! No task is spawned: a hyper `Connection` is polled by the request that uses it (raced
//! against the exchange), and while it sits idle in the pool nobody polls it. Before an idle
//! connection is reused it is polled once, which notices a close the server sent meanwhile.

use std::collections::HashMap;
use std::error::Error as StdError;
use std::sync::{Mutex, MutexGuard};

use bytes::Bytes;
use futures_lite::future;
use http::header::{HeaderValue, HOST};
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::{self, Connection, SendRequest};
use smol_hyper::rt::FuturesIo;
use stoat_core::http::ResponseBody;
use stoat_core::http::TransportError;

use crate::net::{BoxIo, Connector, Target};

/// Idle connections kept per target; more are closed when they are returned.
const MAX_IDLE_PER_TARGET: usize = 8;

type Body = Full<Bytes>;

/// A pooling HTTP/1.1 client.
#[derive(Debug)]
pub(crate) struct HttpClient {
    connector: Connector,
    idle: Mutex<HashMap<Target, Vec<PooledConnection>>>,
}

impl HttpClient {
    pub(crate) fn new(connector: Connector) -> Self {
        Self {
            connector,
            idle: Mutex::default(),
        }
    }

    /// Sends `request` (absolute URI) and reads the response, its body up to one byte past
    /// `limit`.
    pub(crate) async fn send(
        &self,
        request: http::Request<Bytes>,
        limit: u64,
    ) -> Result<http::Response<Bytes>, TransportError> {
        let target = Target::from_uri(request.uri()).map_err(TransportError::connect)?;
        let mut request = to_origin_form(request).map_err(TransportError::connect)?;

        // Idle connections first. One that fails before the request was written is stale;
        // the request comes back and goes to the next connection.
        while let Some(mut connection) = self.checkout(&target).await {
            match connection.exchange(request, limit).await {
                Ok(response) => {
                    self.checkin(target, connection);
                    return Ok(response);
                }
                Err(Failure::NotSent(unsent, error)) => {
                    tracing::debug!(%target, error = %describe(&error), "pooled connection was stale");
                    request = *unsent;
                }
                Err(Failure::Sent(error)) => {
                    return Err(TransportError::ambiguous(describe(&error)));
                }
            }
        }

        let mut connection = self
            .open(&target)
            .await
            .map_err(|e| TransportError::connect(format!("connecting to {target}: {e}")))?;
        match connection.exchange(request, limit).await {
            Ok(response) => {
                self.checkin(target, connection);
                Ok(response)
            }
            Err(Failure::NotSent(_, error)) => Err(TransportError::connect(describe(&error))),
            Err(Failure::Sent(error)) => Err(TransportError::ambiguous(describe(&error))),
        }
    }

    async fn open(
        &self,
        target: &Target,
    ) -> Result<PooledConnection, Box<dyn StdError + Send + Sync>> {
        let io = self.connector.connect(target).await?;
        let (sender, connection) = http1::handshake(FuturesIo::new(io)).await?;
        tracing::debug!(%target, "opened HTTP connection");
        Ok(PooledConnection {
            sender,
            connection: Some(connection),
        })
    }

    /// An idle connection to `target` that is still open, if there is one.
    async fn checkout(&self, target: &Target) -> Option<PooledConnection> {
        loop {
            let mut connection = self.lock().get_mut(target)?.pop()?;
            let Some(driver) = connection.connection.as_mut() else {
                continue;
            };
            if connection.sender.is_closed() {
                continue;
            }
            // Let the connection read what arrived while it was idle: a close ends it here.
            if future::poll_once(driver).await.is_some() {
                tracing::debug!(%target, "idle HTTP connection was closed by the server");
                continue;
            }
            return Some(connection);
        }
    }

    fn checkin(&self, target: Target, connection: PooledConnection) {
        if connection.connection.is_none() || connection.sender.is_closed() {
            return;
        }
        let mut idle = self.lock();
        let slot = idle.entry(target).or_default();
        if slot.len() < MAX_IDLE_PER_TARGET {
            slot.push(connection);
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<Target, Vec<PooledConnection>>> {
        self.idle
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A request that did not get a response.
enum Failure {
    /// It was not written to the connection (safe to send elsewhere); here it is back.
    NotSent(Box<http::Request<Body>>, hyper::Error),
    /// It may have reached the server.
    Sent(hyper::Error),
}

struct PooledConnection {
    sender: SendRequest<Body>,
    /// `None` once the connection has ended. Dropping it cancels requests still queued
    /// for it, so they come back as not sent.
    connection: Option<Connection<FuturesIo<BoxIo>, Body>>,
}

impl std::fmt::Debug for PooledConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PooledConnection")
            .field("open", &self.connection.is_some())
            .finish_non_exhaustive()
    }
}

impl PooledConnection {
    /// Sends `request` and reads the response (its body up to one byte past `limit`) while
    /// driving the connection. A connection whose body was not read to the end is closed.
    async fn exchange(
        &mut self,
        request: http::Request<Body>,
        limit: u64,
    ) -> Result<http::Response<Bytes>, Failure> {
        let Self { sender, connection } = self;
        let exchange =
            async {
                if let Err(error) = sender.ready().await {
                    return Err(Failure::NotSent(Box::new(request), error));
                }
                let response = sender.try_send_request(request).await.map_err(|mut e| {
                    match e.take_message() {
                        Some(request) => Failure::NotSent(Box::new(request), e.into_error()),
                        None => Failure::Sent(e.into_error()),
                    }
                })?;
                let (parts, mut incoming) = response.into_parts();
                let mut body = ResponseBody::new(limit);
                while let Some(frame) = incoming.frame().await {
                    if let Ok(data) = frame.map_err(Failure::Sent)?.into_data() {
                        if !body.push(&data) {
                            break;
                        }
                    }
                }
                let complete = !body.is_over_limit();
                Ok((
                    http::Response::from_parts(parts, body.into_bytes()),
                    complete,
                ))
            };
        let drive = async {
            if let Some(driver) = connection.as_mut() {
                if let Err(error) = driver.await {
                    tracing::debug!(error = %describe(&error), "HTTP connection failed");
                }
                *connection = None;
            }
            // The exchange learns of the end through hyper's channels and finishes itself.
            future::pending().await
        };
        let (response, complete) = future::or(exchange, drive).await?;
        if !complete {
            // The rest of the body is still on the wire: this connection is done.
            *connection = None;
        }
        Ok(response)
    }
}

/// Rewrites an absolute-form request to origin form with a `Host` header, as HTTP/1.1 sends
/// it to an origin server.
fn to_origin_form(request: http::Request<Bytes>) -> Result<http::Request<Body>, String> {
    let (mut parts, body) = request.into_parts();
    if !parts.headers.contains_key(HOST) {
        let authority = parts
            .uri
            .authority()
            .ok_or_else(|| format!("URL without a host: {}", parts.uri))?;
        let host = authority
            .as_str()
            .rsplit_once('@')
            .map_or(authority.as_str(), |(_, host)| host);
        let value = HeaderValue::from_str(host).map_err(|e| e.to_string())?;
        parts.headers.insert(HOST, value);
    }
    let path = parts
        .uri
        .path_and_query()
        .map_or("/", |path| path.as_str())
        .to_owned();
    parts.uri = path
        .parse()
        .map_err(|e: http::uri::InvalidUri| e.to_string())?;
    Ok(http::Request::from_parts(parts, Full::new(body)))
}

/// An error and its causes on one line.
pub(crate) fn describe(error: &(dyn StdError + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origin_form_keeps_the_query_and_sets_host() {
        let request = http::Request::get("http://127.0.0.1:8080/a/b?c=d")
            .body(Bytes::new())
            .unwrap();
        let request = to_origin_form(request).unwrap();
        assert_eq!(request.uri(), "/a/b?c=d");
        assert_eq!(request.headers()[HOST], "127.0.0.1:8080");

        let request = http::Request::get("https://api.example.com")
            .body(Bytes::new())
            .unwrap();
        let request = to_origin_form(request).unwrap();
        assert_eq!(request.uri(), "/");
        assert_eq!(request.headers()[HOST], "api.example.com");
    }
}
