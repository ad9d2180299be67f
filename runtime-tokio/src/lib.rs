//! # stoat-tokio
//!
//! A [Stoat](https://stoat.chat) (formerly Revolt) client for the tokio runtime.
//!
//! This crate is a thin driver: every protocol decision (authentication, heartbeats, reconnect
//! backoff, rate limits, retries, the cache, `wait_for` matching) is made by [`stoat_core`].
//! The driver opens the sockets, moves whole WebSocket messages and HTTP requests, sleeps
//! until the deadlines core names, and hands you the results as tokio-friendly types.
//!
//! The same API, with the same names, exists on every runtime: `stoat-async-std` (smol and
//! async-std) and `stoat-blocking` (plain threads) differ only in being async or not.
//!
//! * [`Client::connect`] resolves the service URLs, starts the gateway in a background task and
//!   returns at once. The first event you receive is normally `Ready`.
//! * [`Client::next_event`] (or the [`Stream`](futures_core::Stream) impl) yields every gateway
//!   event as an [`Update`]: the event plus what it changed in the cache. Or hand
//!   [`Handlers`] to [`Client::run`] to have handlers called per event kind.
//! * A [`Handle`] (from [`Client::handle`]; `Client` also dereferences to one) does everything
//!   else, from any task: every route as a named method (`handle.send_message(channel,
//!   "hi").await`, with the [`prelude`] imported), [`Handle::execute`] for any typed request,
//!   [`Handle::wait_for`], [`Handle::with_cache`], gateway commands and shutdown.
//!
//! ## Example
//!
//! ```no_run
//! use stoat_tokio::prelude::*;
//! use stoat_tokio::{Client, ClientConfig, Event, Token};
//!
//! #[tokio::main(flavor = "current_thread")]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let mut client = Client::connect(ClientConfig::new(Token::bot("my-bot-token"))).await?;
//!     while let Some(update) = client.next_event().await {
//!         let update = update?; // the session ended for good: the error says why
//!         if let Event::Message(message) = &update.event {
//!             if message.content.as_deref() == Some("!ping") {
//!                 // Requests run concurrently with the event loop.
//!                 let handle = client.handle();
//!                 let channel = message.channel;
//!                 tokio::spawn(async move {
//!                     if let Err(error) = handle.send_message(channel, "pong").await {
//!                         eprintln!("could not answer: {error}");
//!                     }
//!                 });
//!             }
//!         }
//!     }
//!     Ok(())
//! }
//! ```
//!
//! ## Waiting for an event without losing the others
//!
//! [`Handle::wait_for`] registers a waiter that sees every event after it was registered,
//! *in addition to* the event stream: nothing is taken from the main loop, and any number of
//! tasks may wait at once.
//!
//! ```no_run
//! # async fn demo(handle: stoat_tokio::Handle, channel: stoat_tokio::core::id::ChannelId,
//! #     author: stoat_tokio::core::id::UserId) -> Result<(), Box<dyn std::error::Error>> {
//! use std::time::Duration;
//! use stoat_tokio::prelude::*;
//! use stoat_tokio::Event;
//!
//! // Registered now, so even a very quick answer is not missed.
//! let answer = handle.wait_for(
//!     move |update| matches!(&update.event, Event::Message(m) if m.author == author),
//!     Duration::from_secs(30),
//! );
//! handle.send_message(channel, "What is your name?").await?;
//! let reply = answer.await?;
//! # Ok(()) }
//! ```
//!
//! ## Lifecycle
//!
//! The gateway keeps running while the [`Client`] or any [`Handle`] exists; when the last of
//! them is dropped it closes the connection and stops. [`Handle::shutdown`] stops it at once.
//!
//! * After `shutdown` (or once every `Client` and `Handle` is dropped) the stream yields what
//!   is still queued, then `None`.
//! * If the session ends on its own (the token was rejected, the server logged the session
//!   out, or the configured reconnect attempts ran out) the stream yields the events that led
//!   there, then one `Err(`[`SessionEnded`]`)` whose message says why and what to check,
//!   then `None`. [`Handle::send_command`] and [`Handle::wait_for`] fail the same way from
//!   then on.
//!
//! ## TLS
//!
//! Both the HTTP client (reqwest) and the gateway socket (tokio-tungstenite) use rustls with the
//! ring provider and the webpki root certificates; there is no OpenSSL in the dependency tree.
//! [`ClientBuilder::root_certificates`] trusts a private CA instead (a self-hosted instance).
//! `http://` and `ws://` URLs work too (for local servers and tests).
//!
//! ## Credentials, logs, redirects and response sizes
//!
//! * **Logs.** The library's own `tracing` output never contains a token. Its dependencies
//!   log through the `log` crate, and not as carefully: tungstenite (through tokio-tungstenite) writes every frame it sends at trace level, the gateway's `Authenticate` frame with your token included, and reqwest writes request URLs (a webhook token is part of the URL) at debug level. The default feature
//!   `safe-logs` therefore sets the `log` crate's static maximum level to `Info`
//!   (`log/max_level_info` and `log/release_max_level_info`), which compiles those debug and
//!   trace records out of the whole program, whatever logger (or `tracing-log` bridge) is
//!   installed. It applies to every crate's `log` records, your own included. To get them
//!   back, depend on this crate with `default-features = false`, and keep such logs as
//!   secret as the token itself. (If your program sets another `log/max_level_*` feature,
//!   the `log` crate refuses to build with two of them: turn `safe-logs` off then.)
//! * **Redirects.** The API never redirects, so no redirect is followed, and credentials
//!   never go to another origin: a 3xx answer comes back as [`Error::Redirected`](stoat_core::http::Error::Redirected) (reqwest is built with its redirect policy set to none), with only the origin of its `Location`.
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

/// The README's Rust examples, compiled as doctests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeExamples;

pub use client::{Client, ClientBuilder, Handle, Handlers, Waiter};
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
/// permission checks: `use stoat_tokio::prelude::*;`.
pub mod prelude {
    pub use stoat_core::client::{AsyncExecutor, CacheAccess, Routes};
}
