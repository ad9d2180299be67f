//! Conformance tooling for the Stoat client library: a local fake Stoat server.
//!
//! [`FakeServer`] speaks the real wire protocol on loopback, as recorded from the official
//! server (`stoatchat/stoatchat` 0.15.1): the REST API with its rate limiter, error bodies
//! and Rocket catcher pages, the WebSocket gateway in JSON and msgpack, and the autumn
//! file server. It is written independently of the client library: everything is
//! `serde_json::Value` and small local structs, so a bug in the client cannot hide in a
//! shared type.
//!
//! Tests script it synchronously (push events, drop connections, stop answering pings,
//! fail requests, delay responses) and observe what it saw (connections, pings, requests).
//! The same server runs as a binary, `stoat-fake-server`, for trying a bot offline.
//!
//! It starts with a fixed fixture (the one the captures were recorded with), see
//! [`fixture`].

mod server;

pub use server::fixture;
pub use server::{
    Failure, FakeConfig, FakeServer, RecordedRequest, Service, Stats, DEFAULT_BOT_TOKEN,
    DEFAULT_USER_TOKEN,
};
