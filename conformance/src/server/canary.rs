//! [`OtherOrigin`]: a second loopback listener that records whether anybody talked to it,
//! the target of [`HttpFault::Redirect`](super::HttpFault::Redirect) in tests.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

/// An HTTP origin that should never be contacted: it accepts connections on 127.0.0.1,
/// records every byte it is sent, and answers each request with `200 {}`.
///
/// Point an [`HttpFault::Redirect`](super::HttpFault::Redirect) at it to check that a client
/// does not follow redirects to another origin (and so never hands it a token):
///
/// ```
/// use stoat_conformance::{FakeConfig, FakeServer, HttpFault, OtherOrigin};
/// let server = FakeServer::start(FakeConfig::for_tests());
/// let other = OtherOrigin::start();
/// server.fault_next_http_requests(HttpFault::redirect_to(other.url()), 1);
/// // ... make a request with the client under test, expect a redirect error ...
/// assert_eq!(other.connections(), 0);
/// ```
pub struct OtherOrigin {
    addr: SocketAddr,
    seen: Arc<Seen>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

#[derive(Default)]
struct Seen {
    connections: Mutex<usize>,
    bytes: Mutex<Vec<u8>>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl std::fmt::Debug for OtherOrigin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OtherOrigin")
            .field("addr", &self.addr)
            .field("connections", &self.connections())
            .finish_non_exhaustive()
    }
}

impl OtherOrigin {
    /// Starts listening on an ephemeral loopback port.
    ///
    /// # Panics
    ///
    /// If no loopback port can be bound.
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let addr = listener.local_addr().expect("a bound address");
        let seen = Arc::new(Seen::default());
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (seen, stop) = (Arc::clone(&seen), Arc::clone(&stop));
            std::thread::Builder::new()
                .name("stoat-other-origin".into())
                .spawn(move || {
                    for stream in listener.incoming() {
                        if stop.load(Ordering::SeqCst) {
                            break;
                        }
                        let Ok(stream) = stream else { continue };
                        *lock(&seen.connections) += 1;
                        let seen = Arc::clone(&seen);
                        std::thread::spawn(move || {
                            let _ = answer(stream, &seen);
                        });
                    }
                })
                .expect("spawn the listener thread")
        };
        Self {
            addr,
            seen,
            stop,
            thread: Some(thread),
        }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        *lock(&self.seen.connections)
    }

    /// Every byte received so far, all connections together.
    pub fn received(&self) -> Vec<u8> {
        lock(&self.seen.bytes).clone()
    }
}

/// Reads one request head (recording it), answers `200 {}`, closes.
fn answer(mut stream: TcpStream, seen: &Seen) -> io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(2)))?;
    let mut head = Vec::new();
    let mut buf = [0; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let read = stream.read(&mut buf)?;
        if read == 0 {
            break;
        }
        head.extend_from_slice(&buf[..read]);
        lock(&seen.bytes).extend_from_slice(&buf[..read]);
    }
    stream.write_all(
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}",
    )
}

impl Drop for OtherOrigin {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop so it sees the flag (this connection is not counted).
        if TcpStream::connect(self.addr).is_ok() {
            if let Some(thread) = self.thread.take() {
                let _ = thread.join();
            }
        }
    }
}
