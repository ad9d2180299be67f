//! The HTTP and TLS plumbing: `http::Request<Bytes>` out through ureq, `http::Response<Bytes>`
//! back, and the rustls configuration for the gateway socket. No protocol knowledge lives here.

use std::io;
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use stoat_core::http::{Error, Request, Rest, Step, TransportError};

/// Drives one core [`Call`](stoat_core::http::Call) to completion on the calling thread:
/// sleeps where core says, sends what core says (giving up at the call's send deadline),
/// reports what came back.
pub(crate) fn execute<R: Request + ?Sized>(
    rest: &Rest,
    agent: &ureq::Agent,
    request: &R,
) -> Result<R::Output, Error> {
    let mut call = rest.call(request)?;
    loop {
        match call.poll(Instant::now()) {
            Step::Wait(until) => {
                std::thread::sleep(until.saturating_duration_since(Instant::now()))
            }
            Step::Send(request) => match send(agent, request, call.send_deadline()) {
                Ok(response) => call.handle_response(Instant::now(), response),
                Err(error) => call.handle_transport_error(Instant::now(), error),
            },
            Step::Done(result) => return result,
        }
    }
}

/// Sends one request and reads the whole response, whatever its status. Everything, from
/// resolving the host to the last byte of the body, must be done by `deadline`.
fn send(
    agent: &ureq::Agent,
    request: http::Request<Bytes>,
    deadline: Option<Instant>,
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
    let (head, mut body) = response.into_parts();
    let body = body
        .with_config()
        .limit(u64::MAX)
        .read_to_vec()
        .map_err(|error| match error {
            ureq::Error::Timeout(ureq::Timeout::Global) => TransportError::timed_out(),
            error => TransportError::ambiguous(error.to_string()),
        })?;
    Ok(http::Response::from_parts(head, Bytes::from(body)))
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

/// The HTTP agent: connection reuse, rustls, and every status handed back as a response.
pub(crate) fn agent() -> ureq::Agent {
    let config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build();
    ureq::Agent::new_with_config(config)
}

/// The rustls configuration for `wss://` gateway connections: the ring provider (named
/// explicitly, so another crate enabling a second provider cannot make this ambiguous) and
/// the webpki roots.
pub(crate) fn websocket_tls() -> Result<Arc<rustls::ClientConfig>, String> {
    let roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|error| error.to_string())?
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(Arc::new(config))
}
