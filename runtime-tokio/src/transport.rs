//! The HTTP and TLS plumbing: `http::Request<Bytes>` out through reqwest, `http::Response<Bytes>`
//! back, and the rustls configuration for the gateway socket. No protocol knowledge lives here.

use std::error::Error as StdError;
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use rustls::pki_types::CertificateDer;
use stoat_core::http::{Call, Error, ResponseBody, Step, TransportError};

/// Drives one core [`Call`] to completion: sleeps where core says, sends what core says
/// (abandoning it at the call's send deadline), reports what came back.
pub(crate) async fn drive<T>(http: &reqwest::Client, mut call: Call<T>) -> Result<T, Error> {
    loop {
        match call.poll(Instant::now()) {
            Step::Wait(until) => tokio::time::sleep_until(until.into()).await,
            Step::Send(request) => {
                let limit = call.response_body_limit();
                // Core names how long this attempt may take; past that it counts as failed.
                let sent = match call.send_deadline() {
                    Some(deadline) => {
                        tokio::time::timeout_at(deadline.into(), send(http, request, limit))
                            .await
                            .unwrap_or_else(|_elapsed| Err(TransportError::timed_out()))
                    }
                    None => send(http, request, limit).await,
                };
                match sent {
                    Ok(response) => call.handle_response(Instant::now(), response),
                    Err(error) => call.handle_transport_error(Instant::now(), error),
                }
            }
            Step::Done(result) => return result,
        }
    }
}

/// Sends one request and reads the response, whatever its status, up to one byte past
/// `limit` (core decides what a longer body means; the connection is dropped, not drained).
pub(crate) async fn send(
    http: &reqwest::Client,
    request: http::Request<Bytes>,
    limit: u64,
) -> Result<http::Response<Bytes>, TransportError> {
    let request = reqwest::Request::try_from(request)
        .map_err(|error| TransportError::connect(describe(&error.without_url())))?;
    let response = http.execute(request).await.map_err(|error| {
        // The URL may hold a webhook token: it never goes into an error message.
        let error = error.without_url();
        // Only a failure to connect proves the request never left; anything later may have
        // reached the server.
        if error.is_connect() || error.is_builder() {
            TransportError::connect(describe(&error))
        } else {
            TransportError::ambiguous(describe(&error))
        }
    })?;
    let mut head = http::Response::new(());
    *head.status_mut() = response.status();
    *head.version_mut() = response.version();
    *head.headers_mut() = response.headers().clone();
    let mut response = response;
    let mut body = ResponseBody::new(limit);
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|error| TransportError::ambiguous(describe(&error.without_url())))?
    {
        if !body.push(&chunk) {
            break;
        }
    }
    Ok(head.map(|()| body.into_bytes()))
}

/// An error and its sources, joined: reqwest's own message rarely says what went wrong.
pub(crate) fn describe(error: &dyn StdError) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// The TLS settings of one client: the trusted roots, with the ring provider named explicitly
/// (so another crate enabling a second provider cannot make this ambiguous).
pub(crate) struct Tls {
    config: rustls::ClientConfig,
}

impl Tls {
    /// The webpki roots, or exactly `roots` when given.
    pub(crate) fn new(roots: Option<Vec<CertificateDer<'static>>>) -> Result<Self, String> {
        let store = match roots {
            None => rustls::RootCertStore {
                roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
            },
            Some(roots) => {
                let mut store = rustls::RootCertStore::empty();
                for root in roots {
                    store
                        .add(root)
                        .map_err(|error| format!("unusable root certificate: {error}"))?;
                }
                store
            }
        };
        let config = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .map_err(|error| error.to_string())?
        .with_root_certificates(store)
        .with_no_client_auth();
        Ok(Self { config })
    }

    /// The HTTP client: these roots, connection reuse, HTTP/2 where offered, and no
    /// redirects (the API never sends them, and following one could hand the token to
    /// another origin).
    pub(crate) fn http_client(&self) -> Result<reqwest::Client, String> {
        let mut config = self.config.clone();
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        reqwest::Client::builder()
            .use_preconfigured_tls(config)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|error| describe(&error))
    }

    /// The configuration for `wss://` gateway connections.
    pub(crate) fn websocket(&self) -> Arc<rustls::ClientConfig> {
        Arc::new(self.config.clone())
    }
}
