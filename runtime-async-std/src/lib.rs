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
//! ## Example
//!
//! ```no_run
//! use stoat_async_std::{Client, ClientConfig, Token};
//! use stoat_core::gateway::Event;
//! use stoat_core::http::routes::SendMessage;
//!
//! fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     smol::block_on(async {
//!         let config = ClientConfig::new(Token::bot(std::env::var("STOAT_TOKEN")?));
//!         let mut client = Client::connect(config).await?;
//!         while let Some(update) = client.next_event().await {
//!             let update = update?; // Err: the session ended (e.g. the token was rejected)
//!             if let Event::Message(message) = &update.event {
//!                 if message.content.as_deref() == Some("!ping") {
//!                     client
//!                         .execute(&SendMessage::new(message.channel, "pong"))
//!                         .await?;
//!                 }
//!             }
//!         }
//!         Ok(())
//!     })
//! }
//! ```

mod client;
mod gateway;
mod http;
mod net;

pub use client::{CacheRef, Client, ClientBuilder, Driver, Handle};
pub use stoat_core;
pub use stoat_core::client::{ClientConfig, Update};
pub use stoat_core::Token;

use stoat_core::gateway::CloseReason;

/// Errors of this crate. REST calls return core's [`stoat_core::http::Error`] directly.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// `GET /` of the API (instance discovery) failed.
    #[error("instance discovery failed: {0}")]
    Discovery(#[source] stoat_core::http::Error),
    /// A configured or discovered URL cannot be connected to.
    #[error("invalid URL: {0}")]
    InvalidUrl(String),
    /// The configuration asks for a kind of discovery this version does not know.
    #[error("unsupported discovery: {0}")]
    UnsupportedDiscovery(String),
    /// The gateway driver thread could not be started.
    #[error("could not start the gateway thread: {0}")]
    Spawn(#[source] std::io::Error),
    /// The gateway session ended for good: the last item of the event stream.
    #[error("gateway session ended: {0:?}")]
    Closed(CloseReason),
    /// The gateway driver is no longer running.
    #[error("the gateway driver has stopped")]
    Stopped,
}
