//! Test support: run a scenario under both executors, and tiny loopback fakes (a WebSocket
//! acceptor and a scripted HTTP/1.1 responder). The real fake server lives in
//! stoat-conformance; these only do what the adapter tests need.

#![allow(dead_code)]

use std::future::Future;
use std::time::Duration;

use async_net::TcpListener;
use async_tungstenite::tungstenite::Message;
use async_tungstenite::WebSocketStream;
use futures_io::{AsyncRead, AsyncWrite};
use futures_lite::io::BufReader;
use futures_lite::{future, AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, StreamExt};
use futures_rustls::TlsAcceptor;
use serde_json::Value;
use stoat_async_std::{Client, ClientBuilder, ClientConfig, Token};
use stoat_core::Endpoints;

/// Every await in a test is bounded by this, so a bug fails instead of hanging.
pub const LIMIT: Duration = Duration::from_secs(5);

/// The executor a scenario runs under.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rt {
    AsyncStd,
    Smol,
}

impl Rt {
    pub fn block_on<F: Future>(self, future: F) -> F::Output {
        // Boxed: async-std's block_on moves the future through many stack frames, which
        // overflows the 2 MiB test-thread stack with a large scenario in debug builds.
        let future = Box::pin(future);
        match self {
            Rt::AsyncStd => async_std::task::block_on(future),
            Rt::Smol => smol::block_on(future),
        }
    }

    /// A client builder whose gateway driver runs on this executor.
    pub fn builder(self, config: ClientConfig) -> ClientBuilder {
        let builder = Client::builder(config);
        match self {
            Rt::AsyncStd => builder.spawn_with(|driver| {
                async_std::task::spawn(driver);
            }),
            Rt::Smol => builder.spawn_with(|driver| smol::spawn(driver).detach()),
        }
    }
}

/// Generates one `#[test]` per executor for `async fn $name(rt: Rt)`.
#[macro_export]
macro_rules! on_both_executors {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[test]
                fn async_std() {
                    let rt = $crate::common::Rt::AsyncStd;
                    rt.block_on(super::$name(rt));
                }
                #[test]
                fn smol() {
                    let rt = $crate::common::Rt::Smol;
                    rt.block_on(super::$name(rt));
                }
            }
        )*
    };
}

/// Awaits `future`, panicking with `what` after [`LIMIT`].
pub async fn within<F: Future>(what: &str, future: F) -> F::Output {
    future::or(async { Some(future.await) }, async {
        async_io::Timer::after(LIMIT).await;
        None
    })
    .await
    .unwrap_or_else(|| panic!("timed out: {what}"))
}

/// `true` if `future` is still pending after `wait`.
pub async fn stays_pending<F: Future>(wait: Duration, future: F) -> bool {
    future::or(
        async {
            future.await;
            false
        },
        async {
            async_io::Timer::after(wait).await;
            true
        },
    )
    .await
}

pub const TOKEN: &str = "test-token";
pub const USER_ID: &str = "01M7YSZ8V6D4QNP163AMRA3ARS";
pub const CHANNEL_ID: &str = "01M7YSZ8V81AWBPFRM30NYSV34";

/// A config pointing at the fakes, with a 200 ms heartbeat and fast, jitter-free reconnects.
pub fn config(api: &str, ws: &str) -> ClientConfig {
    ClientConfig::new(Token::bot(TOKEN))
        .endpoints(Endpoints::new(api, ws, "http://127.0.0.1:9"))
        .session(|session| {
            session
                .heartbeat(Duration::from_millis(200), Duration::from_millis(200))
                .backoff(stoat_core::gateway::Backoff {
                    initial: Duration::from_millis(50),
                    max: Duration::from_millis(100),
                    multiplier: 2,
                    jitter: 0.0,
                })
        })
}

/// An accepted connection, plain or TLS.
pub trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}
pub type BoxIo = Box<dyn Io>;

/// A loopback listener, optionally speaking TLS as `localhost`.
struct Listener {
    tcp: TcpListener,
    tls: Option<TlsAcceptor>,
}

impl Listener {
    async fn bind(tls: Option<TlsAcceptor>) -> (Self, String) {
        let tcp = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = tcp.local_addr().unwrap().port();
        let authority = match tls {
            Some(_) => format!("localhost:{port}"),
            None => format!("127.0.0.1:{port}"),
        };
        (Self { tcp, tls }, authority)
    }

    async fn accept(&self, what: &str) -> BoxIo {
        let (stream, _) = within(what, self.tcp.accept()).await.unwrap();
        match &self.tls {
            None => Box::new(stream),
            Some(acceptor) => Box::new(within(what, acceptor.accept(stream)).await.unwrap()),
        }
    }
}

/// A fake gateway: accepts WebSocket connections on loopback.
pub struct FakeGateway {
    listener: Listener,
    pub url: String,
}

impl FakeGateway {
    pub async fn bind() -> Self {
        let (listener, authority) = Listener::bind(None).await;
        let url = format!("ws://{authority}");
        Self { listener, url }
    }

    /// A `wss://localhost:port` gateway.
    pub async fn bind_tls(acceptor: TlsAcceptor) -> Self {
        let (listener, authority) = Listener::bind(Some(acceptor)).await;
        let url = format!("wss://{authority}");
        Self { listener, url }
    }

    pub async fn accept(&self) -> GatewayConn {
        let stream = self.listener.accept("gateway accept").await;
        let ws = within("gateway handshake", async_tungstenite::accept_async(stream))
            .await
            .unwrap();
        GatewayConn { ws }
    }

    /// Accepts a connection and answers its `Authenticate` with `Authenticated` and a
    /// `Ready` that holds one user.
    pub async fn accept_ready(&self) -> GatewayConn {
        let mut conn = self.accept().await;
        let auth = conn.recv_json().await;
        assert_eq!(auth["type"], "Authenticate");
        assert_eq!(auth["token"], TOKEN);
        conn.send_json(serde_json::json!({"type": "Authenticated"}))
            .await;
        conn.send_json(ready()).await;
        conn
    }
}

pub fn ready() -> Value {
    serde_json::json!({
        "type": "Ready",
        "users": [{"_id": USER_ID, "username": "bot", "discriminator": "0001"}],
        "servers": [],
        "channels": [],
    })
}

/// One accepted gateway connection.
pub struct GatewayConn {
    pub ws: WebSocketStream<BoxIo>,
}

impl GatewayConn {
    /// The next message from the client: a JSON text frame, or `None` for a close frame or
    /// the end of the connection.
    pub async fn recv(&mut self) -> Option<Value> {
        loop {
            match within("gateway frame", self.ws.next()).await {
                Some(Ok(Message::Text(text))) => {
                    return Some(serde_json::from_str(text.as_str()).unwrap())
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return None,
                Some(Ok(_)) => {}
            }
        }
    }

    pub async fn recv_json(&mut self) -> Value {
        self.recv().await.expect("the client closed the connection")
    }

    pub async fn send_json(&mut self, value: Value) {
        self.ws
            .send(Message::text(value.to_string()))
            .await
            .unwrap();
    }
}

/// A scripted HTTP/1.1 origin on loopback (test-only; the client side is hyper).
pub struct FakeHttp {
    listener: Listener,
    pub url: String,
}

/// A request as the fake saw it.
#[derive(Debug)]
pub struct SeenRequest {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
}

impl SeenRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

impl FakeHttp {
    pub async fn bind() -> Self {
        let (listener, authority) = Listener::bind(None).await;
        let url = format!("http://{authority}");
        Self { listener, url }
    }

    /// An `https://localhost:port` origin.
    pub async fn bind_tls(acceptor: TlsAcceptor) -> Self {
        let (listener, authority) = Listener::bind(Some(acceptor)).await;
        let url = format!("https://{authority}");
        Self { listener, url }
    }

    pub async fn accept(&self) -> HttpConn {
        let stream = self.listener.accept("http accept").await;
        HttpConn {
            reader: BufReader::new(stream),
        }
    }

    /// Whether a new connection arrives within `wait`.
    pub async fn connection_within(&self, wait: Duration) -> bool {
        !stays_pending(wait, self.listener.tcp.accept()).await
    }
}

/// One accepted HTTP connection.
pub struct HttpConn {
    reader: BufReader<BoxIo>,
}

impl HttpConn {
    /// Reads one request (head and `Content-Length` body).
    pub async fn request(&mut self) -> SeenRequest {
        within("http request", async {
            let mut line = String::new();
            self.reader.read_line(&mut line).await.unwrap();
            let mut parts = line.split_whitespace();
            let method = parts.next().expect("request line").to_owned();
            let target = parts.next().expect("request target").to_owned();
            let mut headers = Vec::new();
            loop {
                let mut line = String::new();
                self.reader.read_line(&mut line).await.unwrap();
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                let (name, value) = line.split_once(':').unwrap();
                headers.push((name.trim().to_owned(), value.trim().to_owned()));
            }
            let request = SeenRequest {
                method,
                target,
                headers,
            };
            let length: usize = request
                .header("content-length")
                .map_or(0, |v| v.parse().unwrap());
            let mut body = vec![0; length];
            self.reader.read_exact(&mut body).await.unwrap();
            request
        })
        .await
    }

    /// Writes a JSON response, keeping the connection open.
    pub async fn respond(&mut self, status: u16, body: &str) {
        self.respond_with(status, &[], body).await;
    }

    /// Writes a JSON response with extra headers, keeping the connection open.
    pub async fn respond_with(&mut self, status: u16, headers: &[(&str, &str)], body: &str) {
        let headers: String = headers
            .iter()
            .map(|(name, value)| format!("{name}: {value}\r\n"))
            .collect();
        let reason = match status {
            200 => "OK",
            429 => "Too Many Requests",
            _ => "Other",
        };
        let response = format!(
            "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\n{headers}content-length: {}\r\n\r\n{body}",
            body.len()
        );
        let stream = self.reader.get_mut();
        stream.write_all(response.as_bytes()).await.unwrap();
        stream.flush().await.unwrap();
    }
}

/// An instance description whose gateway is `ws`.
pub fn instance(ws: &str) -> String {
    serde_json::json!({
        "revolt": "0.8.0",
        "features": {"autumn": {"enabled": true, "url": "http://127.0.0.1:9/autumn"}},
        "ws": ws,
    })
    .to_string()
}

/// A self-signed certificate for `localhost`: the server side, and the certificate for a
/// client to trust.
pub fn localhost_tls() -> (
    TlsAcceptor,
    futures_rustls::pki_types::CertificateDer<'static>,
) {
    use futures_rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
    use futures_rustls::rustls;
    use std::sync::Arc;

    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let cert = certified.cert.der().clone();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
        certified.signing_key.serialize_der(),
    ));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let server = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert.clone()], key)
        .unwrap();
    (TlsAcceptor::from(Arc::new(server)), cert)
}
