//! The HTTP and TLS plumbing: `http::Request<Bytes>` out through ureq, `http::Response<Bytes>`
//! back, and the rustls configuration for the gateway socket. No protocol knowledge lives here.

use std::io::{self, Read};
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use rustls::pki_types::CertificateDer;
use stoat_core::http::{Call, Error, ResponseBody, Step, TransportError};

/// Drives one core [`Call`] to completion on the calling thread: sleeps where core says,
/// sends what core says (giving up at the call's send deadline), reports what came back.
pub(crate) fn drive<T>(agent: &ureq::Agent, mut call: Call<T>) -> Result<T, Error> {
    loop {
        match call.poll(Instant::now()) {
            Step::Wait(until) => {
                std::thread::sleep(until.saturating_duration_since(Instant::now()))
            }
            Step::Send(request) => match send(
                agent,
                request,
                call.send_deadline(),
                call.response_body_limit(),
            ) {
                Ok(response) => call.handle_response(Instant::now(), response),
                Err(error) => call.handle_transport_error(Instant::now(), error),
            },
            Step::Done(result) => return result,
        }
    }
}

/// Sends one request and reads the response, whatever its status, its body up to one byte
/// past `limit` (core decides what a longer body means; the connection is then dropped, not
/// drained). Everything, from resolving the host to the last byte read, must be done by
/// `deadline`.
pub(crate) fn send(
    agent: &ureq::Agent,
    request: http::Request<Bytes>,
    deadline: Option<Instant>,
    limit: u64,
) -> Result<http::Response<Bytes>, TransportError> {
    let (head, body) = request.into_parts();
    let request = http::Request::from_parts(head, &body[..]);
    let request = match deadline {
        Some(deadline) => {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(TransportError::timed_out());
            }
            agent
                .configure_request(request)
                .timeout_global(Some(left))
                .build()
        }
        None => request,
    };
    let response = agent.run(request).map_err(classify)?;
    let (head, body) = response.into_parts();
    // ureq's own limit is lifted: core's, checked on what is read here, is the one that counts.
    let mut reader = body.into_with_config().limit(u64::MAX).reader();
    let mut collected = ResponseBody::new(limit);
    let mut chunk = vec![0; 16 * 1024];
    loop {
        let read = match reader.read(&mut chunk) {
            Ok(0) => break,
            Ok(read) => read,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => {
                return Err(match ureq::Error::from(error) {
                    ureq::Error::Timeout(ureq::Timeout::Global) => TransportError::timed_out(),
                    error => TransportError::ambiguous(error.to_string()),
                })
            }
        };
        if !collected.push(&chunk[..read]) {
            break;
        }
    }
    Ok(http::Response::from_parts(head, collected.into_bytes()))
}

/// Only a failure to set the connection up proves the request never left; anything later
/// may have reached the server.
fn classify(error: ureq::Error) -> TransportError {
    use ureq::Error as E;
    // The whole-request timeout set from the call's send deadline.
    if matches!(error, E::Timeout(ureq::Timeout::Global)) {
        return TransportError::timed_out();
    }
    let before_sending = match &error {
        E::HostNotFound
        | E::ConnectionFailed
        | E::BadUri(_)
        | E::Http(_)
        | E::InvalidProxyUrl
        | E::Tls(_)
        | E::Rustls(_) => true,
        E::Timeout(timeout) => matches!(timeout, ureq::Timeout::Resolve | ureq::Timeout::Connect),
        E::Io(io) => matches!(
            io.kind(),
            io::ErrorKind::ConnectionRefused
                | io::ErrorKind::AddrNotAvailable
                | io::ErrorKind::NetworkUnreachable
                | io::ErrorKind::HostUnreachable
        ),
        _ => false,
    };
    if before_sending {
        TransportError::connect(error.to_string())
    } else {
        TransportError::ambiguous(error.to_string())
    }
}

/// The TLS settings of one client: the Mozilla roots, or exactly the roots the user gave.
pub(crate) struct Tls {
    roots: Option<Vec<CertificateDer<'static>>>,
    websocket: Arc<rustls::ClientConfig>,
}

impl Tls {
    pub(crate) fn new(roots: Option<Vec<CertificateDer<'static>>>) -> Result<Self, String> {
        let store = match &roots {
            None => rustls::RootCertStore {
                roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
            },
            Some(roots) => {
                let mut store = rustls::RootCertStore::empty();
                for root in roots {
                    store
                        .add(root.clone())
                        .map_err(|error| format!("unusable root certificate: {error}"))?;
                }
                store
            }
        };
        // The ring provider, named explicitly, so another crate enabling a second provider
        // cannot make this ambiguous.
        let websocket = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .map_err(|error| error.to_string())?
        .with_root_certificates(store)
        .with_no_client_auth();
        Ok(Self {
            roots,
            websocket: Arc::new(websocket),
        })
    }

    /// The HTTP agent: connection reuse, rustls with these roots, every status handed back as
    /// a response, and no redirects (the API never sends them, and following one could hand
    /// the token to another origin).
    pub(crate) fn agent(&self) -> ureq::Agent {
        let roots = match &self.roots {
            None => ureq::tls::RootCerts::WebPki,
            Some(roots) => ureq::tls::RootCerts::Specific(Arc::new(
                roots
                    .iter()
                    .map(|root| ureq::tls::Certificate::from_der(root).to_owned())
                    .collect(),
            )),
        };
        let tls = ureq::tls::TlsConfig::builder().root_certs(roots).build();
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .tls_config(tls)
            .build();
        ureq::Agent::new_with_config(config)
    }

    /// The configuration for `wss://` gateway connections.
    pub(crate) fn websocket(&self) -> Arc<rustls::ClientConfig> {
        self.websocket.clone()
    }
}
