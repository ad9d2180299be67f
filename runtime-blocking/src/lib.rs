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
//!
//! ## Credentials, logs, redirects and response sizes
//!
//! * **Logs.** The library's own `tracing` output never contains a token. Its dependencies
//!   log through the `log` crate, and not as carefully: tungstenite writes every frame it sends at trace level, the gateway's `Authenticate` frame with your token included, and ureq writes request URLs (a webhook token is part of the URL) at debug level and the request headers, `X-Bot-Token` included, at trace level. The default feature
//!   `safe-logs` therefore sets the `log` crate's static maximum level to `Info`
//!   (`log/max_level_info` and `log/release_max_level_info`), which compiles those debug and
//!   trace records out of the whole program, whatever logger (or `tracing-log` bridge) is
//!   installed. It applies to every crate's `log` records, your own included. To get them
//!   back, depend on this crate with `default-features = false`, and keep such logs as
//!   secret as the token itself. (If your program sets another `log/max_level_*` feature,
//!   the `log` crate refuses to build with two of them: turn `safe-logs` off then.)
//! * **Redirects.** The API never redirects, so no redirect is followed, and credentials
//!   never go to another origin: a 3xx answer comes back as [`Error::Redirected`](stoat_core::http::Error::Redirected) (ureq is built with `max_redirects(0)`), with only the origin of its `Location`.
//! * **Response sizes.** A response body is read up to the limit of
//!   [`ClientConfig::response_limits`](stoat_core::client::ClientConfig::response_limits)
//!   (32 MiB by default, set separately for the file server); a longer one ends the call
//!   with [`Error::BodyTooLarge`](stoat_core::http::Error::BodyTooLarge) and its connection
//!   is closed, so an endless body costs at most the limit in memory.
//! * **Errors.** Transport error messages are scrubbed of the request's token and webhook
//!   token before they reach you (HTTP libraries like to quote the URL).

// `safe-logs` is only worth its name if the `log` crate really compiles debug and trace out.
#[cfg(feature = "safe-logs")]
const _: () = assert!(
    log::STATIC_MAX_LEVEL as usize <= log::LevelFilter::Info as usize,
    "safe-logs: the log crate's static max level must be Info or lower"
);

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
    ClientConfig, ConnectError, HandlerError, HandlerFailure, HandlerResult, SessionEnded, Update,
    WaitError,
};
pub use stoat_core::gateway::{CloseReason, Command, Event, EventKind, SessionState};
pub use stoat_core::{Cache, Change, Endpoints, Token};

/// The traits that give a [`Handle`] its named route methods, cache-first getters and
/// permission checks: `use stoat_blocking::prelude::*;`.
pub mod prelude {
    pub use stoat_core::client::{BlockingExecutor, CacheAccess, Routes};
}
