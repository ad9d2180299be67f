//! # stoat-async-std
//!
//! A [Stoat](https://stoat.chat) (formerly Revolt) client for the **smol** and **async-std**
//! executors, driving the sans-IO protocol core [`stoat_core`].
//!
//! ## async-std is discontinued: prefer smol
//!
//! async-std itself is no longer maintained (advisory
//! [RUSTSEC-2025-0052](https://rustsec.org/advisories/RUSTSEC-2025-0052)); its authors point
//! users to [smol](https://docs.rs/smol). This crate therefore does **not** depend on
//! async-std. It is built on the runtime-neutral smol-rs pieces (`async-io` for sockets and
//! timers, `async-net`, `futures-lite`, `async-channel`, `async-lock`) that both executors
//! share, so it works unchanged under `smol` (recommended for new code) and under existing
//! async-std applications. Its tests run every scenario under both.
//!
//! ## What it does, and what it leaves to core
//!
//! Every protocol decision (authentication, heartbeats, reconnect backoff, rate limits,
//! retries, cache updates) is made by `stoat-core`. This crate only
//!
//! * opens TCP connections (`async-net`) with TLS from `futures-rustls` and the Mozilla
//!   roots of `webpki-roots` (no OpenSSL),
//! * runs the gateway WebSocket with `async-tungstenite`,
//! * sends REST requests with hyper's HTTP/1.1 client, keeping connections alive in a small
//!   pool per host,
//! * sleeps with `async-io` timers until the deadlines core names.
//!
//! ## Where the gateway runs
//!
//! The gateway needs a task that keeps polling it (heartbeats must go out even while your
//! code is busy). [`Client::connect`] runs that [`Driver`] on a thread of its own, which
//! works under any executor. To run it on your executor instead, pass a spawner:
//! [`ClientBuilder::spawn_with`]`(|driver| smol::spawn(driver).detach())` or
//! `(|driver| { async_std::task::spawn(driver); })`.
//!
//! ## Lifecycle
//!
//! The gateway keeps running while the [`Client`] or any [`Handle`] exists; when the last of
//! them is dropped it closes the connection and stops. [`Handle::shutdown`] stops it at once.
//! If the session ends on its own (a refused token, a logout, reconnects exhausted) the event
//! stream's last item is `Err(`[`SessionEnded`]`)`, whose message says why and what to check;
//! [`Handle::send_command`] and [`Handle::wait_for`] fail the same way from then on.
//!
//! The same API, with the same names, exists on every runtime: `stoat-tokio`, and
//! `stoat-blocking` for plain threads.
//!
//! ## Example
//!
//! ```no_run
//! use stoat_async_std::prelude::*;
//! use stoat_async_std::{Client, ClientConfig, Event, Token};
//!
//! fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     smol::block_on(async {
//!         let config = ClientConfig::new(Token::bot(std::env::var("STOAT_TOKEN")?));
//!         let mut client = Client::connect(config).await?;
//!         while let Some(update) = client.next_event().await {
//!             let update = update?; // Err: the session ended (e.g. the token was rejected)
//!             if let Event::Message(message) = &update.event {
//!                 if message.content.as_deref() == Some("!ping") {
//!                     client.send_message(message.channel, "pong").await?;
//!                 }
//!             }
//!         }
//!         Ok(())
//!     })
//! }
//! ```
//!
//! ## Credentials, logs, redirects and response sizes
//!
//! * **Logs.** The library's own `tracing` output never contains a token. Its dependencies
//!   log through the `log` crate, and not as carefully: tungstenite (through async-tungstenite) writes every frame it sends at trace level, the gateway's `Authenticate` frame with your token included. The default feature
//!   `safe-logs` therefore sets the `log` crate's static maximum level to `Info`
//!   (`log/max_level_info` and `log/release_max_level_info`), which compiles those debug and
//!   trace records out of the whole program, whatever logger (or `tracing-log` bridge) is
//!   installed. It applies to every crate's `log` records, your own included. To get them
//!   back, depend on this crate with `default-features = false`, and keep such logs as
//!   secret as the token itself. (If your program sets another `log/max_level_*` feature,
//!   the `log` crate refuses to build with two of them: turn `safe-logs` off then.)
//! * **Redirects.** The API never redirects, so no redirect is followed, and credentials
//!   never go to another origin: a 3xx answer comes back as [`Error::Redirected`](stoat_core::http::Error::Redirected) (the HTTP client never follows one), with only the origin of its `Location`.
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
mod gateway;
mod http;
mod net;
#[cfg(feature = "redis")]
mod worker;

pub use client::{Client, ClientBuilder, Driver, Handle, Handlers, Waiter};
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
/// permission checks: `use stoat_async_std::prelude::*;`.
pub mod prelude {
    pub use stoat_core::client::{AsyncExecutor, CacheAccess, Routes};
}
