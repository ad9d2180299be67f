//! The gateway over TLS, against a loopback `wss://` endpoint whose certificate comes from a
//! test CA (the public client trusts only the webpki roots, so this goes in through
//! `Client::start`). The server is a plain thread with blocking tungstenite over rustls.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use stoat_core::gateway::Event;
use tokio_tungstenite::tungstenite::{self, Message};

use crate::{Client, ClientConfig, Endpoints, Token};

const CA: &[u8] = include_bytes!("../tests/tls/ca.pem");
const LEAF: &[u8] = include_bytes!("../tests/tls/leaf.pem");
const KEY: &[u8] = include_bytes!("../tests/tls/leaf.pk8");

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn client_tls() -> Arc<rustls::ClientConfig> {
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(CertificateDer::from_pem_slice(CA).unwrap())
        .unwrap();
    let config = rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    Arc::new(config)
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

#[tokio::test]
async fn wss_gateway_authenticates_and_delivers_ready() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let (tcp, _) = listener.accept().unwrap();
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

    let config = ClientConfig::new(Token::bot("tls-token")).endpoints(Endpoints::new(
        "https://localhost:9",
        format!("wss://localhost:{port}"),
        "https://localhost:9",
    ));
    let mut client = Client::start(config, client_tls()).await.unwrap();
    let ready = client
        .wait_for(
            |u| matches!(u.event, Event::Ready(_)),
            Duration::from_secs(5),
        )
        .await;
    assert!(ready.is_some(), "no Ready over TLS");
    client.shutdown().await;
    let auth: serde_json::Value = serde_json::from_str(&server.join().unwrap()).unwrap();
    assert_eq!(auth["type"], "Authenticate");
    assert_eq!(auth["token"], "tls-token");
}
