//! Tiny loopback fakes for the adapter's own tests, on std threads: a WebSocket endpoint the
//! test scripts frame by frame, and an HTTP/1.1 responder that plays back canned responses.
//! The shared scenario suite runs against the real fake server in stoat-conformance.

#![allow(dead_code)]

use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;
use stoat_blocking::{ClientConfig, Endpoints, Token};
use tungstenite::{Message, WebSocket};

pub const TOKEN: &str = "test-bot-token";
pub const WAIT: Duration = Duration::from_secs(5);
pub const SELF_ID: &str = "01M7YSZ8V6D4QNP163AMRA3ARS";

/// A gateway endpoint: every accepted WebSocket is handed to the test.
pub struct FakeGateway {
    pub url: String,
    accepted: mpsc::Receiver<Conn>,
}

impl FakeGateway {
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("ws://{}", listener.local_addr().unwrap());
        let (tx, accepted) = mpsc::channel();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { return };
                if let Ok(ws) = tungstenite::accept(stream) {
                    if tx.send(Conn { ws }).is_err() {
                        return;
                    }
                }
            }
        });
        Self { url, accepted }
    }

    /// The next connection the client opens.
    pub fn accept(&mut self) -> Conn {
        self.accepted
            .recv_timeout(WAIT)
            .expect("the client did not connect in time")
    }
}

/// One accepted gateway connection.
pub struct Conn {
    pub ws: WebSocket<TcpStream>,
}

impl Conn {
    /// The next data frame from the client as JSON, or `None` if the connection closed.
    pub fn recv(&mut self) -> Option<Value> {
        self.recv_within(WAIT)
    }

    pub fn recv_within(&mut self, wait: Duration) -> Option<Value> {
        let deadline = Instant::now() + wait;
        self.ws
            .get_mut()
            .set_read_timeout(Some(Duration::from_millis(20)))
            .unwrap();
        loop {
            match self.ws.read() {
                Ok(Message::Text(text)) => return Some(serde_json::from_str(&text).unwrap()),
                Ok(Message::Binary(bytes)) => return Some(rmp_serde::from_slice(&bytes).unwrap()),
                Ok(Message::Close(_)) => return None,
                Ok(_) => {}
                Err(tungstenite::Error::Io(e))
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                    ) =>
                {
                    assert!(
                        Instant::now() < deadline,
                        "no frame from the client in time"
                    );
                }
                Err(_) => return None,
            }
        }
    }

    /// Sends a msgpack frame.
    pub fn send_binary(&mut self, frame: Value) {
        let bytes = rmp_serde::to_vec_named(&frame).unwrap();
        self.ws.send(Message::binary(bytes)).unwrap();
    }

    pub fn send(&mut self, frame: Value) {
        self.ws.send(Message::text(frame.to_string())).unwrap();
    }

    /// Expects `Authenticate` with the test token, answers `Authenticated` and `Ready`.
    pub fn handshake(&mut self) {
        let auth = self.recv().expect("connection closed before Authenticate");
        assert_eq!(auth["type"], "Authenticate");
        assert_eq!(auth["token"], TOKEN);
        self.send(serde_json::json!({"type": "Authenticated"}));
        self.send(ready());
    }
}

/// A small `Ready`: one user (ourselves), nothing else.
pub fn ready() -> Value {
    serde_json::json!({
        "type": "Ready",
        "users": [{
            "_id": SELF_ID,
            "username": "testbot",
            "discriminator": "0001",
            "bot": {"owner": "01M7YSZ8H1XVFKYWFT7NKJHCGM"},
            "relationship": "User",
            "online": true
        }],
        "servers": [],
        "channels": [],
        "members": [],
        "emojis": []
    })
}

/// A canned HTTP response.
#[derive(Clone)]
pub struct Canned {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
}

impl Canned {
    pub fn json(status: u16, body: Value) -> Self {
        Self {
            status,
            headers: vec![("content-type", "application/json".into())],
            body: body.to_string(),
        }
    }
}

/// What the fake HTTP server saw.
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// An HTTP/1.1 responder on loopback: answers each request with the next canned response
/// (404 once they run out) and records what it saw. One request per connection.
pub struct FakeHttp {
    pub url: String,
    pub seen: Arc<Mutex<Vec<Seen>>>,
}

impl FakeHttp {
    pub fn start(responses: Vec<Canned>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let queue = Arc::new(Mutex::new(VecDeque::from(responses)));
        let log = seen.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { return };
                let (log, queue) = (log.clone(), queue.clone());
                std::thread::spawn(move || serve(stream, log, queue));
            }
        });
        Self { url, seen }
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

fn serve(mut stream: TcpStream, log: Arc<Mutex<Vec<Seen>>>, queue: Arc<Mutex<VecDeque<Canned>>>) {
    let mut buffer = Vec::new();
    let head_end = loop {
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        let mut chunk = [0u8; 4096];
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next().unwrap().split(' ');
    let method = request_line.next().unwrap().to_owned();
    let path = request_line.next().unwrap().to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .map(|(_, v)| v.parse().unwrap())
        .unwrap_or(0);
    while buffer.len() < head_end + length {
        let mut chunk = [0u8; 4096];
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
        }
    }
    let body = buffer[head_end..head_end + length].to_vec();
    log.lock().unwrap().push(Seen {
        method,
        path,
        headers,
        body,
    });
    let canned = queue.lock().unwrap().pop_front().unwrap_or(Canned {
        status: 404,
        headers: vec![],
        body: String::new(),
    });
    let mut response = format!(
        "HTTP/1.1 {} X\r\ncontent-length: {}\r\nconnection: close\r\n",
        canned.status,
        canned.body.len()
    );
    for (name, value) in &canned.headers {
        response.push_str(&format!("{name}: {value}\r\n"));
    }
    response.push_str("\r\n");
    response.push_str(&canned.body);
    let _ = stream.write_all(response.as_bytes());
    let _ = stream.shutdown(std::net::Shutdown::Write);
}

/// A configuration for the fakes with short heartbeats and quick reconnects.
pub fn config(api: &str, ws: &str) -> ClientConfig {
    ClientConfig::new(Token::bot(TOKEN))
        .endpoints(Endpoints::new(api, ws, "http://127.0.0.1:9"))
        .session(|session| {
            session
                .heartbeat(Duration::from_millis(200), Duration::from_millis(200))
                .backoff(stoat_blocking::core::gateway::Backoff {
                    initial: Duration::from_millis(20),
                    max: Duration::from_millis(100),
                    multiplier: 2,
                    jitter: 0.0,
                })
        })
}
