//! TLS with a private CA (`ClientBuilder::root_certificates`): discovery over `https://` and
//! the gateway over `wss://`, against loopback servers whose certificate comes from a test CA.
//! The servers are plain threads with blocking rustls (and tungstenite).

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use stoat_core::gateway::Event;
use tokio_tungstenite::tungstenite::{self, Message};

use crate::{Client, ClientConfig, Token};

const CA: &[u8] = include_bytes!("../tests/tls/ca.pem");
const LEAF: &[u8] = include_bytes!("../tests/tls/leaf.pem");
const KEY: &[u8] = include_bytes!("../tests/tls/leaf.pk8");

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn server_tls() -> Arc<rustls::ServerConfig> {
    let config = rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from_pem_slice(LEAF).unwrap()],
            PrivateKeyDer::from_pem_slice(KEY).unwrap(),
        )
        .unwrap();
    Arc::new(config)
}

/// Answers the first HTTPS request that gets through the handshake on `listener` with
/// `body` (enough for `GET /` discovery); returns the request head.
fn serve_one_https(listener: TcpListener, body: String) -> std::thread::JoinHandle<String> {
    use std::io::{Read, Write};
    std::thread::spawn(move || loop {
        let (tcp, _) = listener.accept().unwrap();
        let tls = rustls::ServerConnection::new(server_tls()).unwrap();
        let mut stream = rustls::StreamOwned::new(tls, tcp);
        let mut request = Vec::new();
        let mut byte = [0u8; 1];
        // A client that does not trust the certificate gives up during the handshake.
        while !request.ends_with(b"\r\n\r\n") && stream.read_exact(&mut byte).is_ok() {
            request.push(byte[0]);
        }
        if !request.ends_with(b"\r\n\r\n") {
            continue;
        }
        let response = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(response.as_bytes()).unwrap();
        stream.flush().unwrap();
        return String::from_utf8(request).unwrap();
    })
}

#[tokio::test]
async fn a_private_ca_is_trusted_for_discovery_and_the_gateway() {
    let gateway = TcpListener::bind("127.0.0.1:0").unwrap();
    let ws_port = gateway.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let (tcp, _) = gateway.accept().unwrap();
        let tls = rustls::ServerConnection::new(server_tls()).unwrap();
        let mut ws = tungstenite::accept(rustls::StreamOwned::new(tls, tcp)).unwrap();
        let auth = match ws.read().unwrap() {
            Message::Text(text) => text.to_string(),
            other => panic!("{other:?}"),
        };
        for event in [Event::Authenticated, Event::Ready(Box::default())] {
            let frame = serde_json::to_string(&event).unwrap();
            ws.send(Message::text(frame)).unwrap();
        }
        // Stay until the client leaves.
        while ws.read().is_ok() {}
        auth
    });
    let api = TcpListener::bind("127.0.0.1:0").unwrap();
    let api_port = api.local_addr().unwrap().port();
    let instance = serde_json::json!({
        "revolt": "0.15.1",
        "features": {"autumn": {"enabled": true, "url": "https://localhost:9/autumn"}},
        "ws": format!("wss://localhost:{ws_port}"),
    });
    let discovery = serve_one_https(api, instance.to_string());

    let config = ClientConfig::new(Token::bot("tls-token"))
        .discover(format!("https://localhost:{api_port}"));
    // The Mozilla roots do not know the test CA.
    let refused = Client::connect(config.clone()).await;
    assert!(
        matches!(refused, Err(crate::ConnectError::Discovery(_))),
        "{refused:?}"
    );
    let client = Client::builder(config)
        .root_certificates(vec![CertificateDer::from_pem_slice(CA).unwrap()])
        .connect()
        .await
        .unwrap();
    assert!(discovery.join().unwrap().starts_with("GET / HTTP/1.1"));
    let ready = client
        .wait_for(
            |u| matches!(u.event, Event::Ready(_)),
            Duration::from_secs(5),
        )
        .await;
    assert!(ready.is_ok(), "no Ready over TLS: {ready:?}");
    client.shutdown().await;
    let auth: serde_json::Value = serde_json::from_str(&server.join().unwrap()).unwrap();
    assert_eq!(auth["type"], "Authenticate");
    assert_eq!(auth["token"], "tls-token");
}
