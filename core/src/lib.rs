//! # stoat-core
//!
//! The sans-IO protocol core of the Stoat (formerly Revolt) client library.
//!
//! This crate makes every protocol decision and performs no IO: it never opens a socket,
//! never reads the clock and never spawns a thread. Time enters as a `now: Instant`
//! argument, randomness as a seed, bytes as whole WebSocket messages and HTTP responses.
//! Runtime adapters (`stoat-tokio`, `stoat-async-std`, `stoat-blocking`) drive it; it can
//! equally be driven by a hand-written event loop or by a test with a virtual clock.
//!
//! | module | what it owns |
//! |---|---|
//! | [`gateway`] | the WebSocket session: URL, authentication, heartbeat, zombie detection, reconnect with backoff, event decoding |
//! | [`http`] | typed requests, the request/response pipeline, typed API errors, the retrying [`http::Call`] |
//! | [`ratelimit`] | the server's bucket table and a pre-emptive, header-refined limiter |
//! | [`cache`] | an in-memory cache that reports what each event replaced |
//! | [`cdn`] | file server uploads (checked against each tag's size limit) and asset URLs |
//! | [`commands`] | a prefix-commands framework: typed arguments, checks, cooldowns, help, on every runtime |
//! | [`model`] | the wire objects (users, servers, channels, members, messages, ...) |
//! | [`id`] | typed ULID identifiers |
//!
//! Time is an argument: whoever drives the core passes `now`, so a test can pass a virtual
//! clock and an event loop its own.
//!
//! ```
//! use std::time::Instant;
//! use stoat_core::auth::Token;
//! use stoat_core::gateway::{Output, Session, SessionConfig};
//!
//! fn begin(now: Instant) -> Session {
//!     let mut session = Session::new(SessionConfig::new(
//!         "wss://events.stoat.chat",
//!         Token::bot("my-bot-token"),
//!     ));
//!     session.start(now);
//!     // The session asks its driver to open a connection; the token is not in the URL.
//!     match session.poll_output() {
//!         Some(Output::Connect { url }) => assert!(!url.contains("my-bot-token")),
//!         other => panic!("unexpected {other:?}"),
//!     }
//!     session
//! }
//! # let _ = begin;
//! ```
//!
//! `core/examples/custom_event_loop.rs` drives a whole client this way, and
//! `core/tests/session.rs` runs the session on a virtual clock.

pub mod auth;
pub mod cache;
pub mod cdn;
pub mod client;
pub mod commands;
pub mod endpoints;
pub mod fanout;
#[doc(hidden)]
pub mod fuzz;
pub mod gateway;
pub mod http;
pub mod id;
pub mod model;
pub mod ratelimit;

pub use auth::Token;
pub use cache::{Cache, Change};
pub use endpoints::Endpoints;
pub use gateway::{Event, Session, SessionConfig};
