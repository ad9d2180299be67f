//! # stoat-blocking
//!
//! A [Stoat](https://stoat.chat) (formerly Revolt) client for plain threads: no async runtime
//! anywhere in its dependency tree.
//!
//! This crate is a thin driver: every protocol decision (authentication, heartbeats, reconnect
//! backoff, rate limits, retries, the cache) is made by [`stoat_core`]. One background thread
//! owns the gateway socket (a `std::net::TcpStream` with tungstenite on top); REST requests
//! run on the calling thread through a shared [`ureq`] agent.
//!
//! * [`Client::connect`] resolves the service URLs, starts the gateway thread and returns at
//!   once. The first event you receive is normally `Ready`.
//! * [`Client::next_event`], [`Client::next_event_timeout`] and [`Client::events`] yield every
//!   gateway event as an [`Update`]: the event plus what it changed in the cache.
//!   Or hand [`Handlers`] to [`Client::run`] to have handlers called per event kind, on a
//!   pool of threads.
//! * A [`Handle`] (from [`Client::handle`]; `Client` also dereferences to one) does everything
//!   else, from any thread: [`Handle::execute`] sends any typed request from
//!   [`stoat_core::http::routes`] through the shared rate limiter and retry policy, blocking
//!   the calling thread until it is done; [`Handle::wait_for`], [`Handle::with_cache`],
//!   gateway commands and shutdown. `Handle` is cheap to clone and `Send + Sync`.
//!
//! The same API, with the same names, exists on every runtime: `stoat-tokio` and
//! `stoat-async-std` (smol, async-std) differ only in being async.
//!
//! ## How the event stream ends
//!
//! The gateway keeps running while the [`Client`] or any [`Handle`] exists; when the last of
//! them is dropped it closes the connection and stops. [`Handle::shutdown`] stops it at once.
//!
//! * After `shutdown` (or once the `Client` and every `Handle` are dropped) the stream
//!   yields what is still queued, then `None`.
//! * If the session ends on its own — the token was rejected
//!   ([`CloseReason::AuthenticationFailed`]), the server logged the session out, or the
//!   configured reconnect attempts ran out — the stream yields the events that led there (for a
//!   rejected token, the gateway's `Error` event), then one `Err(`[`SessionEnded`]`)` whose
//!   message says why and what to check, then `None`. [`Handle::send_command`] and
//!   [`Handle::wait_for`] fail the same way from then on.
//!
//! [`Handle::closed_reason`] tells the reason afterwards in both cases.
//!
//! ## Example
//!
//! ```no_run
//! use stoat_blocking::prelude::*;
//! use stoat_blocking::{Client, ClientConfig, Event, Token};
//!
//! fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let client = Client::connect(ClientConfig::new(Token::bot("my-bot-token")))?;
//!     for update in client.events() {
//!         let update = update?; // the session ended for good: say why
//!         match &update.event {
//!             Event::Ready(_) => println!("ready"),
//!             Event::Message(message) if message.content.as_deref() == Some("!ping") => {
//!                 // Requests block only the thread that makes them.
//!                 let handle = client.handle();
//!                 let channel = message.channel;
//!                 std::thread::spawn(move || {
//!                     if let Err(error) = handle.send_message(channel, "pong").call() {
//!                         eprintln!("could not answer: {error}");
//!                     }
//!                 });
//!             }
//!             _ => {}
//!         }
//!     }
//!     Ok(())
//! }
//! ```
//!
//! ## Timing
//!
//! The gateway thread blocks in socket reads of at most 50 ms, so commands and
//! [`shutdown`](Handle::shutdown) are picked up within that time while a connection is open;
//! heartbeats and reconnects follow the session's deadlines exactly. Two steps of opening a
//! connection cannot be interrupted: resolving the gateway's host name (the system resolver)
//! and the TCP connect itself (bounded by the session's handshake timeout), so a `shutdown`
//! that arrives during them waits for them.
//!
//! ## TLS
//!
//! Both ureq and the gateway socket use rustls with the ring provider and the webpki root
//! certificates; there is no OpenSSL in the dependency tree.
//! [`ClientBuilder::root_certificates`] trusts a private CA instead (a self-hosted instance).
//! `http://` and `ws://` URLs work too (for local servers and tests).

mod client;
mod driver;
mod transport;
#[cfg(feature = "redis")]
mod worker;

#[cfg(test)]
mod tests;

pub use client::{Client, ClientBuilder, Events, Handle, Handlers, TimedOut, Waiter};
#[cfg(feature = "redis")]
pub use worker::{Worker, WorkerError, WorkerHandle, WorkerOptions, WorkerSink};

/// The protocol core this client drives, re-exported so that one dependency is enough.
pub use stoat_core as core;
pub use stoat_core::client::{
    ClientConfig, ConnectError, HandlerError, HandlerFailure, SessionEnded, Update, WaitError,
};
pub use stoat_core::gateway::{CloseReason, Command, Event, EventKind, SessionState};
pub use stoat_core::{Cache, Change, Endpoints, Token};

/// The traits that give a [`Handle`] its named route methods, cache-first getters and
/// permission checks: `use stoat_blocking::prelude::*;`.
pub mod prelude {
    pub use stoat_core::client::{BlockingExecutor, CacheAccess, Routes};
}
