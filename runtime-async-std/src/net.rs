//! Opening byte streams: TCP through `async-net`, TLS through `futures-rustls`.
//!
//! Both the gateway (WebSocket) and REST (HTTP/1.1) connections start here, so they share one
//! TLS configuration.

use std::fmt;
use std::io;
use std::sync::Arc;

use async_net::TcpStream;
use futures_io::{AsyncRead, AsyncWrite};
use futures_rustls::pki_types::{CertificateDer, ServerName};
use futures_rustls::rustls::{self, ClientConfig, RootCertStore};
use futures_rustls::TlsConnector;

/// Any connected byte stream (plain TCP or TLS over TCP).
pub(crate) trait Io: AsyncRead + AsyncWrite + Send + Unpin {}
impl<T: AsyncRead + AsyncWrite + Send + Unpin> Io for T {}

/// A connected stream, type-erased so plain and TLS connections share one type.
pub(crate) type BoxIo = Box<dyn Io>;

/// Where a connection goes: whether it is encrypted, the host and the port.
///
/// This is also the key of the HTTP connection pool.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Target {
    pub(crate) tls: bool,
    /// Host name or IP address (IPv6 without brackets).
    pub(crate) host: String,
    pub(crate) port: u16,
}

impl Target {
    /// The target of an `http`, `https`, `ws` or `wss` URI.
    pub(crate) fn from_uri(uri: &http::Uri) -> Result<Self, String> {
        let tls = match uri.scheme_str() {
            Some("https" | "wss") => true,
            Some("http" | "ws") => false,
            Some(other) => return Err(format!("unsupported URL scheme `{other}` in {uri}")),
            None => return Err(format!("URL without a scheme: {uri}")),
        };
        let host = uri
            .host()
            .filter(|host| !host.is_empty())
            .ok_or_else(|| format!("URL without a host: {uri}"))?;
        let host = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        let port = uri.port_u16().unwrap_or(if tls { 443 } else { 80 });
        Ok(Self { tls, host, port })
    }

    /// The target of a URL given as a string.
    pub(crate) fn parse(url: &str) -> Result<Self, String> {
        Self::from_uri(&parse_uri(url)?)
    }
}

/// Parses an absolute URL.
pub(crate) fn parse_uri(url: &str) -> Result<http::Uri, String> {
    url.parse()
        .map_err(|e: http::uri::InvalidUri| format!("invalid URL: {e}"))
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = if self.tls { "tls" } else { "tcp" };
        if self.host.contains(':') {
            write!(f, "{scheme}://[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{scheme}://{}:{}", self.host, self.port)
        }
    }
}

/// Opens TCP connections and, for `https`/`wss`, runs the TLS handshake.
#[derive(Clone)]
pub(crate) struct Connector {
    tls: TlsConnector,
}

impl fmt::Debug for Connector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Connector").finish_non_exhaustive()
    }
}

impl Connector {
    /// A connector trusting the Mozilla root certificates (`webpki-roots`), or exactly
    /// `roots` when given, with the `ring` provider.
    pub(crate) fn new(roots: Option<Vec<CertificateDer<'static>>>) -> Result<Self, String> {
        let config = tls_config(roots)?;
        Ok(Self {
            tls: TlsConnector::from(Arc::new(config)),
        })
    }

    /// Connects to `target`.
    pub(crate) async fn connect(&self, target: &Target) -> io::Result<BoxIo> {
        let tcp = TcpStream::connect((target.host.as_str(), target.port)).await?;
        tcp.set_nodelay(true)?;
        if !target.tls {
            return Ok(Box::new(tcp));
        }
        let name = ServerName::try_from(target.host.clone())
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
        Ok(Box::new(self.tls.connect(name, tcp).await?))
    }
}

fn tls_config(roots: Option<Vec<CertificateDer<'static>>>) -> Result<ClientConfig, String> {
    let store = match roots {
        None => RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        },
        Some(roots) => {
            let mut store = RootCertStore::empty();
            for root in roots {
                store
                    .add(root)
                    .map_err(|error| format!("unusable root certificate: {error}"))?;
            }
            store
        }
    };
    // An explicit provider: the process-wide default may be unset or ambiguous when the
    // application's dependency tree enables several rustls providers.
    Ok(
        ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .map_err(|error| error.to_string())?
            .with_root_certificates(store)
            .with_no_client_auth(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets() {
        let t = Target::parse("wss://events.stoat.chat/?version=1").unwrap();
        assert_eq!(
            (t.tls, t.host.as_str(), t.port),
            (true, "events.stoat.chat", 443)
        );
        let t = Target::parse("http://127.0.0.1:8000").unwrap();
        assert_eq!((t.tls, t.host.as_str(), t.port), (false, "127.0.0.1", 8000));
        let t = Target::parse("ws://[::1]:9/x").unwrap();
        assert_eq!((t.host.as_str(), t.port), ("::1", 9));
        assert_eq!(t.to_string(), "tcp://[::1]:9");
        assert!(Target::parse("ftp://example.com").is_err());
        assert!(Target::parse("/relative").is_err());
    }

    #[test]
    fn tls_config_builds_with_the_default_or_given_roots() {
        let config = tls_config(None).unwrap();
        assert!(config.alpn_protocols.is_empty());
        let refused = tls_config(Some(vec![CertificateDer::from(vec![1, 2, 3])]));
        assert!(refused.unwrap_err().contains("unusable root certificate"));
    }
}
