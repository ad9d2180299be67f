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
//! It runs on its own thread and tokio runtime, so tests on any runtime can use it.
//!
//! ```no_run
//! use std::time::Duration;
//! use stoat_conformance::{FakeConfig, FakeServer};
//!
//! let server = FakeServer::start(FakeConfig::default().ratelimit_window(Duration::from_secs(1)));
//! // Connect a client to server.api_url() / server.ws_url() with server.bot_token()…
//! server.inject_user_message(server.channel_id(), "hello");
//! server.fail_next_requests(429, 1);
//! assert_eq!(server.stats().readies_sent, 0);
//! ```
//!
//! # Running it
//!
//! `cargo run -p stoat-conformance --bin stoat-fake-server -- --port-base 14702` serves REST
//! on 14702, the gateway on 14703 and autumn on 14704 (without `--port-base`, ephemeral
//! ports), prints the URLs, tokens and ids, and runs until Ctrl-C.
//!
//! # The fixture
//!
//! The data the captures were recorded with, with the same ids (see [`fixture`]): the user
//! `capowner` (session token [`FakeServer::user_token`]) owns the server `Capture Server`
//! and the bot `capbot` (bot token [`FakeServer::bot_token`]); the server has one text
//! channel, `General`, and both are members. The bot has the server's default
//! permissions (no `ManageMessages`, `Masquerade`, `MentionEveryone`); the owner has all.
//!
//! # What is served
//!
//! * Gateway: any path; `version`, `format` (`json`/`msgpack`), `token` and repeated `ready`
//!   query keys read literally; Authenticate → Authenticated → Ready; `InvalidSession`
//!   then a TCP drop; Ping/Pong echo; typing; `Subscribe` (accepted, no effect); presence
//!   `UserUpdate`s; per-receiver `Message.user.relationship`.
//! * REST: `GET /`, `GET /ratelimit`, `GET /users/@me`, `GET /users/{id}`,
//!   `GET /channels/{id}`, the message routes (query, send, fetch, edit, delete, bulk
//!   delete, reactions, pins), `GET /servers/{id}` (with `include_channels`),
//!   `GET /servers/{id}/members[/{id}]`, `POST /sync/settings/set|fetch`. Every other
//!   route answers Rocket's 404 catcher.
//! * Autumn: `GET /`, `POST /{tag}` (multipart field `file`, per-tag limits), downloads.
//!
//! # Known differences from the real server
//!
//! * Rate-limit keys use the client's IP (always `127.0.0.1` here), which reproduces the
//!   captured `x-ratelimit-bucket` values exactly; session requests are keyed by session.
//! * Autumn serves files before they are attached to anything, and an image "preview" is
//!   the original bytes (no WebP thumbnails); metadata has no thumbhash.
//! * No custom emojis, webhooks, DMs or groups in the fixture; `@everyone`/`@online` in
//!   content are plain text; Markdown code spans are not skipped when parsing mentions.
//! * `features.january` is disabled (there is no embed proxy).

pub mod scenarios;
mod server;

pub use server::fixture;
pub use server::{
    Failure, FakeConfig, FakeServer, RecordedRequest, Service, Stats, DEFAULT_BOT_TOKEN,
    DEFAULT_USER_TOKEN,
};
