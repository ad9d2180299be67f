//! Conformance tooling for the Stoat client library: a local fake Stoat server.
//!
//! [`FakeServer`] speaks the real wire protocol on loopback, as recorded from the official
//! server (`stoatchat/stoatchat` 0.15.1): the REST API with its rate limiter, error bodies
//! and Rocket catcher pages, the WebSocket gateway in JSON and msgpack, and the autumn
//! file server. It is written independently of the client library: everything is
//! `serde_json::Value` and small local structs, so a bug in the client cannot hide in a
//! shared type.
//!
//! Tests script it synchronously (push events, inject messages, add users and members, drop
//! connections, stop answering pings, fail requests, delay responses, answer with an endless
//! body or a redirect to another origin) and observe what it
//! saw and holds (connections, pings, requests; messages, channels, roles, members, emojis,
//! webhooks, invites, bans).
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
//! # Testing your bot
//!
//! Start a server with [`FakeConfig::for_tests`] (short rate-limit windows), connect your
//! bot to it, act as users ([`FakeServer::owner`], [`FakeServer::new_member`]: send, edit,
//! delete, react, join, leave, through the server's real routes) and check what the bot did
//! with typed helpers ([`FakeServer::ids`], [`FakeServer::messages`],
//! [`FakeServer::wait_for_bot_reply`], [`FakeServer::wait_for_bot_message`]):
//!
//! ```
//! use std::time::Duration;
//! use stoat_blocking::core::http::routes::SendMessage;
//! use stoat_blocking::{Client, ClientConfig, Endpoints, Event, Token};
//! use stoat_conformance::{FakeConfig, FakeServer};
//!
//! /// The bot under test: answers `!ping` with `pong`.
//! fn run_bot(client: Client) {
//!     for update in client.events() {
//!         let Ok(update) = update else { break };
//!         if let Event::Message(message) = &update.event {
//!             if message.content.as_deref() == Some("!ping") {
//!                 client.execute(&SendMessage::new(message.channel, "pong")).unwrap();
//!             }
//!         }
//!     }
//! }
//!
//! let server = FakeServer::start(FakeConfig::for_tests());
//! let endpoints = Endpoints::new(server.api_url(), server.ws_url(), server.autumn_url());
//! let client = Client::connect(ClientConfig::new(Token::bot(server.bot_token())).endpoints(endpoints))?;
//! let handle = client.handle();
//! let bot = std::thread::spawn(move || run_bot(client));
//!
//! // Wait until the bot is in, then talk to it as a member of the server.
//! while handle.with_cache(|cache| cache.current_user().is_none()) {
//!     std::thread::sleep(Duration::from_millis(10));
//! }
//! let channel = server.ids().channel;
//! let alice = server.new_member("alice");
//! alice.send(channel, "!ping")?;
//! let reply = server.wait_for_bot_reply(channel, "pong", Duration::from_secs(5))?;
//! assert_eq!(reply.channel, channel);
//!
//! handle.shutdown();
//! bot.join().unwrap();
//! # Ok::<(), Box<dyn std::error::Error>>(())
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
//! permissions (view, history, send, embeds, uploads, react, invite, nickname, avatar and
//! voice: nothing that manages or moderates, no `Masquerade`, no `MentionEveryone`); the
//! owner has all. [`FakeServer::add_user`] and [`FakeServer::add_member`] add more users.
//!
//! # What is served
//!
//! * Gateway: any path; `version`, `format` (`json`/`msgpack`), `token` and repeated `ready`
//!   query keys read literally; Authenticate → Authenticated → Ready (with the connection's
//!   own memberships only, as bonfire sends them); `InvalidSession` then a TCP drop;
//!   Ping/Pong echo; typing; `Subscribe` (members only, at most 5 servers per connection;
//!   bots get their servers' user updates anyway); presence `UserUpdate`s; per-receiver
//!   `Message.user.relationship`; bonfire's visibility recalculation (a `ChannelUpdate`
//!   that hides or shows a channel arrives as `ChannelDelete`/`ChannelCreate`, permission
//!   changes that flip channels as `Bulk`, for roles the connection saw in its `Ready`).
//! * REST, with the real bodies, events (in the captured order), error bodies and
//!   rate-limit buckets, and the real permission calculation:
//!   * `GET /`, `GET /ratelimit`;
//!   * users: `@me`, users, profiles, flags, default avatars, DMs (`GET /users/dms`,
//!     `GET /users/{id}/dm`), `PATCH /users/{id}`; bots: `@me`, fetch, edit, invites;
//!   * channels: fetch, edit, delete, role and default permissions, invites, group
//!     members, webhooks; messages: query, send, fetch, edit, delete, bulk delete,
//!     reactions, pins;
//!   * servers: fetch (with `include_channels`), edit, channel creation, role and default
//!     permissions, invites, emojis; roles (create, fetch, edit, delete, ranks); members
//!     (list, fetch, edit, kick); bans (ban, unban, list);
//!   * `/invites/{code}` (fetch, join, delete); `/custom/emoji/{id}` (create, fetch, edit,
//!     delete); every `/webhooks` route but the GitHub one;
//!   * `POST /sync/settings/set|fetch`.
//!
//!   The rest answers Rocket's 404 catcher: accounts, sessions and MFA (`/auth`),
//!   onboarding, policy, push, safety reports, relationships and username changes, group
//!   creation and recipients, search, read state (`ack`, unreads), voice calls, server
//!   creation and deletion, bot creation and deletion, audit logs, the member query and
//!   GitHub webhooks.
//! * Autumn: `GET /`, `POST /{tag}` (multipart field `file`, per-tag limits, images only
//!   outside `attachments`), downloads. The REST routes that take a file id use each
//!   upload once (a second use is `NotFound`, as on the real server).
//!
//! # Known differences from the real server
//!
//! * Rate-limit keys use the client's IP (always `127.0.0.1` here), which reproduces the
//!   captured `x-ratelimit-bucket` values exactly; session requests are keyed by session.
//! * Autumn serves files before they are attached to anything, and an image "preview" is
//!   the original bytes (no WebP thumbnails); metadata has no thumbhash.
//! * The fixture starts without custom emojis, webhooks, invites, DMs or groups (all but
//!   groups can be made through the routes); `@everyone`/`@online` in content are plain
//!   text; Markdown code spans are not skipped when parsing mentions.
//! * `features.january` is disabled (there is no embed proxy); voice (`features.livekit`
//!   is disabled: `LiveKitUnavailable`), audit logs and privileged fields (`NotPrivileged`)
//!   are not modelled.
//! * Ownership transfer accepts any `X-MFA-Ticket`.
//! * Deleting a role removes its overrides from every channel (the real server's MongoDB
//!   update touches one).
//! * Validation messages list length/range parameters in a fixed order.

mod capture;
pub mod leak;
pub mod scenarios;
mod server;

pub use capture::LogCapture;

pub use server::fixture;
pub use server::{
    Actor, Failure, FakeConfig, FakeServer, FixtureIds, GatewayFault, HttpFault, NotSent,
    OtherOrigin, RecordedRequest, Refused, Service, Stats, DEFAULT_BOT_TOKEN, DEFAULT_USER_TOKEN,
};
