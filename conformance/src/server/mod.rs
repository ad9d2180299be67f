//! The fake server: three loopback listeners (REST, gateway, autumn) on a tokio runtime
//! of their own, driven from tests through a synchronous control surface.

mod autumn;
mod canary;
mod config;
mod errors;
mod events;
pub mod fixture;
mod gateway;
mod http;
mod kit;
mod models;
mod multipart;
mod observe;
mod permissions;
mod png;
mod ratelimit;
mod ready;
mod rest;
mod state;
mod visibility;
mod wire;

use std::io;
use std::net::{SocketAddr, TcpListener as StdListener};
use std::sync::{mpsc, Arc};
use std::thread::JoinHandle;
use std::time::Duration;

use serde_json::Value;
use tokio::sync::oneshot;

pub use canary::OtherOrigin;
pub use config::{FakeConfig, GatewayFault, HttpFault, DEFAULT_BOT_TOKEN, DEFAULT_USER_TOKEN};
pub use kit::{Actor, FixtureIds, NotSent, Refused};
pub use observe::{Failure, RecordedRequest, Service, Stats};

use state::{ConnCommand, Shared, Urls};

/// A running fake Stoat server on 127.0.0.1: REST API (delta), WebSocket gateway
/// (bonfire) and file server (autumn), each on its own port like the real deployment.
///
/// It runs on a thread of its own with its own tokio runtime, so tests on any runtime
/// (tokio, async-std, smol, plain threads) can use it. Every method is synchronous and
/// returns quickly. Dropping the value (or [`shutdown`](Self::shutdown)) stops it.
///
/// ```no_run
/// use stoat_conformance::{FakeConfig, FakeServer};
///
/// let server = FakeServer::start(FakeConfig::default());
/// println!("REST at {}, gateway at {}", server.api_url(), server.ws_url());
/// let message = server.inject_user_message(server.channel_id(), "hello bot");
/// assert_eq!(message["content"], "hello bot");
/// ```
///
/// # Management routes
///
/// Besides messages, the REST API serves what bots use most, with the real bodies, events
/// (in the captured order), error bodies and rate-limit buckets:
///
/// * channels: `PATCH`/`DELETE /channels/{id}`, `PUT /channels/{id}/permissions/{role|default}`,
///   `POST /channels/{id}/invites`, `GET /channels/{id}/members`,
///   `POST`/`GET /channels/{id}/webhooks`;
/// * servers: `PATCH /servers/{id}`, `POST /servers/{id}/channels`,
///   `PUT /servers/{id}/permissions/{role|default}`, `GET /servers/{id}/invites`,
///   `GET /servers/{id}/emojis`; roles (`POST …/roles`, `GET`/`PATCH`/`DELETE …/roles/{id}`,
///   `PATCH …/roles/ranks`); members (`PATCH`/`DELETE …/members/{id}`); bans
///   (`PUT`/`DELETE …/bans/{id}`, `GET …/bans`);
/// * `GET`/`POST`/`DELETE /invites/{code}`; `PUT`/`GET`/`PATCH`/`DELETE /custom/emoji/{id}`;
/// * `GET /bots/@me`, `GET`/`PATCH /bots/{id}`, `GET`/`POST /bots/{id}/invite`;
/// * `PATCH /users/{id}`, `GET /users/{id}/profile|dm|flags|default_avatar`, `GET /users/dms`;
/// * every `/webhooks` route but the GitHub one (`webhooks_enabled` is on).
///
/// Permissions follow the real calculation: the owner may do everything, the bot has the
/// server's default permissions plus what its roles grant. Gateway visibility follows
/// bonfire: a `ChannelUpdate` that hides or shows a channel arrives as `ChannelDelete` or
/// `ChannelCreate`, and role or default-permission changes that flip channels arrive as
/// `Bulk` (only for roles the connection saw in its `Ready`, as captured).
///
/// Known differences: ownership transfer accepts any `X-MFA-Ticket`; voice, audit logs and
/// privileged fields are not modelled (`LiveKitUnavailable`, `NotPrivileged`); deleting a
/// role removes its overrides from every channel (the real server's MongoDB update touches
/// one); validation messages list length/range parameters in a fixed order.
pub struct FakeServer {
    shared: Arc<Shared>,
    bot_token: String,
    user_token: String,
    api: SocketAddr,
    ws: SocketAddr,
    autumn: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for FakeServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeServer")
            .field("api", &self.api)
            .field("ws", &self.ws)
            .field("autumn", &self.autumn)
            .finish_non_exhaustive()
    }
}

fn bind(port: u16) -> io::Result<StdListener> {
    let listener = StdListener::bind(("127.0.0.1", port))?;
    listener.set_nonblocking(true)?;
    Ok(listener)
}

impl FakeServer {
    /// Starts a server and returns once all three listeners accept connections.
    ///
    /// # Panics
    ///
    /// If the listeners cannot be bound or the runtime cannot start; see
    /// [`try_start`](Self::try_start) for the fallible form.
    pub fn start(config: FakeConfig) -> FakeServer {
        match Self::try_start(config) {
            Ok(server) => server,
            Err(error) => panic!("failed to start the fake Stoat server: {error}"),
        }
    }

    /// Starts a server, reporting bind or runtime errors.
    pub fn try_start(config: FakeConfig) -> io::Result<FakeServer> {
        let ports = match config.port_base {
            Some(base) => [base, base.saturating_add(1), base.saturating_add(2)],
            None => [0, 0, 0],
        };
        let api = bind(ports[0])?;
        let ws = bind(ports[1])?;
        let autumn = bind(ports[2])?;
        let (api_addr, ws_addr, autumn_addr) =
            (api.local_addr()?, ws.local_addr()?, autumn.local_addr()?);
        let urls = Urls {
            api: format!("http://{api_addr}"),
            ws: format!("ws://{ws_addr}"),
            autumn: format!("http://{autumn_addr}"),
        };
        let shared = Arc::new(Shared::new(&config, urls));
        let (shutdown_tx, shutdown_rx) = oneshot::channel();
        let (ready_tx, ready_rx) = mpsc::channel::<io::Result<()>>();
        let thread_shared = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name("stoat-fake-server".into())
            .spawn(move || run(thread_shared, [api, ws, autumn], shutdown_rx, ready_tx))?;
        match ready_rx.recv() {
            Ok(Ok(())) => {}
            Ok(Err(error)) => return Err(error),
            Err(_) => return Err(io::Error::other("the fake server thread exited")),
        }
        Ok(FakeServer {
            shared,
            bot_token: config.bot_token,
            user_token: config.user_token,
            api: api_addr,
            ws: ws_addr,
            autumn: autumn_addr,
            shutdown: Some(shutdown_tx),
            thread: Some(thread),
        })
    }

    /// Stops the server: every listener and connection is closed when this returns.
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }

    /// Base URL of the REST API, e.g. `http://127.0.0.1:41234` (no trailing slash).
    pub fn api_url(&self) -> String {
        format!("http://{}", self.api)
    }

    /// URL of the gateway, e.g. `ws://127.0.0.1:41235`. Any path is accepted.
    pub fn ws_url(&self) -> String {
        format!("ws://{}", self.ws)
    }

    /// Base URL of the file server, e.g. `http://127.0.0.1:41236`.
    pub fn autumn_url(&self) -> String {
        format!("http://{}", self.autumn)
    }

    /// The bot token of the fixture's bot (send it as `X-Bot-Token`).
    pub fn bot_token(&self) -> &str {
        &self.bot_token
    }

    /// The session token of the fixture's owner (send it as `X-Session-Token`).
    pub fn user_token(&self) -> &str {
        &self.user_token
    }

    /// Id of the fixture's bot user.
    pub fn bot_id(&self) -> &'static str {
        fixture::BOT_ID
    }

    /// Id of the fixture's owner: a normal user who owns the server and the bot.
    pub fn owner_id(&self) -> &'static str {
        fixture::OWNER_ID
    }

    /// Id of the fixture's server.
    pub fn server_id(&self) -> &'static str {
        fixture::SERVER_ID
    }

    /// Id of the fixture's text channel `General`.
    pub fn channel_id(&self) -> &'static str {
        fixture::CHANNEL_ID
    }

    /// Sends `event` unchanged to every authenticated gateway connection (encoded as JSON
    /// or msgpack per connection; timestamp fields become integers in msgpack).
    pub fn push_event(&self, event: Value) {
        self.shared.lock().push_to_all(&event);
    }

    /// The owner sends a message with `content` in `channel`, as if through
    /// `POST /channels/{channel}/messages` (not rate limited, not recorded). The message is
    /// stored and published as a `Message` event. Returns the send response.
    ///
    /// # Panics
    ///
    /// If the server rejects it (unknown channel, empty or too long content…).
    pub fn inject_user_message(&self, channel: &str, content: &str) -> Value {
        self.inject_message(fixture::OWNER_ID, channel, content)
    }

    /// Like [`inject_user_message`](Self::inject_user_message) with any author id.
    ///
    /// # Panics
    ///
    /// If the server rejects it (unknown channel or author, missing permission…).
    pub fn inject_message(&self, author: &str, channel: &str, content: &str) -> Value {
        let mut state = self.shared.lock();
        let draft = rest::MessageDraft {
            content: Some(content.to_owned()),
            ..Default::default()
        };
        match rest::send_message(&mut state, author, channel, draft, None) {
            Ok(message) => message,
            Err(error) => panic!("inject_message rejected: {} {}", error.status, error.body),
        }
    }

    /// Drops every gateway connection's TCP stream without a close frame (clients see an
    /// abnormal closure, 1006).
    pub fn drop_connections(&self) {
        for connection in self.shared.lock().connections.values() {
            let _ = connection.tx.send(ConnCommand::Drop);
        }
    }

    /// Sends `{"type":"Logout"}` to every authenticated gateway connection, then drops it
    /// (what bonfire does when a session is deleted or a bot token reset).
    pub fn logout_connections(&self) {
        for connection in self.shared.lock().connections.values() {
            if connection.identity.is_some() {
                let _ = connection.tx.send(ConnCommand::Logout);
            }
        }
    }

    /// Whether gateway `Ping`s get a `Pong` (default `true`). Turn it off to simulate a
    /// zombie connection; pings are still counted.
    pub fn set_answer_pings(&self, answer: bool) {
        self.shared.lock().answer_pings = answer;
    }

    /// Makes the gateway misbehave on every connection from now on (`None`: behave again).
    /// See [`GatewayFault`].
    pub fn set_gateway_fault(&self, fault: Option<GatewayFault>) {
        self.shared.lock().gateway_fault = fault;
    }

    /// When each gateway connection was accepted, oldest first: lets a test see how a client
    /// spaces its reconnects.
    pub fn gateway_connection_times(&self) -> Vec<std::time::Instant> {
        self.shared.lock().connection_times.clone()
    }

    /// Bytes of [`GatewayFault::HugeMessageAfterReady`] messages written to clients so far
    /// (all connections together). A client that refuses such a message early makes the
    /// writes fail long before the whole message is out.
    pub fn fault_bytes_sent(&self) -> u64 {
        self.shared.lock().fault_bytes_sent
    }

    /// Answers the next `count` REST requests with `status` instead of handling them. See
    /// [`Failure`] for what each status looks like (429 is the real limiter's answer with
    /// `retry_after` = the configured window; 502/503/504 look like a reverse proxy).
    pub fn fail_next_requests(&self, status: u16, count: usize) {
        self.fail_next_requests_with(Failure::status(status), count);
    }

    /// Answers the next `count` REST requests with a scripted [`Failure`].
    pub fn fail_next_requests_with(&self, failure: Failure, count: usize) {
        let mut state = self.shared.lock();
        for _ in 0..count {
            state.failures.push_back(failure.clone());
        }
    }

    /// Answers the next `count` HTTP requests (REST API or file server, whichever comes
    /// first) with a hostile [`HttpFault`] instead of handling them: an endless body, or a
    /// redirect to another origin. They are recorded with the fault's status.
    pub fn fault_next_http_requests(&self, fault: HttpFault, count: usize) {
        self.shared.http_faults.push(fault, count);
    }

    /// Bytes of [`HttpFault::EndlessBody`] bodies written to clients so far: once a client
    /// gives up on such a body, this stops growing.
    pub fn endless_body_bytes_sent(&self) -> u64 {
        self.shared.http_faults.endless_body_bytes_sent()
    }

    /// Delays every HTTP response (REST and autumn) by `delay`; zero turns it off.
    pub fn set_response_delay(&self, delay: Duration) {
        self.shared.lock().response_delay = delay;
    }

    /// Counters of what the server has seen so far.
    pub fn stats(&self) -> Stats {
        let state = self.shared.lock();
        let mut stats = state.stats;
        stats.open_sessions = state
            .connections
            .values()
            .filter(|c| c.identity.is_some())
            .count();
        stats
    }

    /// Gateway connections accepted (completed WebSocket upgrades).
    pub fn gateway_connections(&self) -> usize {
        self.stats().gateway_connections
    }

    /// Successful gateway authentications.
    pub fn authentications(&self) -> usize {
        self.stats().authentications
    }

    /// `Ready` events sent.
    pub fn readies_sent(&self) -> usize {
        self.stats().readies_sent
    }

    /// Gateway `Ping` frames received.
    pub fn pings_received(&self) -> usize {
        self.stats().pings_received
    }

    /// Every HTTP request received so far (REST and autumn), oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.lock().requests.clone()
    }

    /// Forgets the recorded requests (counters are kept).
    pub fn clear_requests(&self) {
        self.shared.lock().requests.clear();
    }

    /// HTTP requests answered with 429 (real rate limiting and scripted failures).
    pub fn rate_limited_count(&self) -> usize {
        self.stats().rate_limited
    }

    /// Messages stored in a channel, oldest first, as `GET …/messages/{id}` returns them.
    pub fn channel_messages(&self, channel: &str) -> Vec<Value> {
        self.shared
            .lock()
            .messages
            .get(channel)
            .map(|m| m.values().cloned().collect())
            .unwrap_or_default()
    }

    /// A server as stored (what `GET /servers/{id}` returns), if it exists.
    pub fn server(&self, id: &str) -> Option<Value> {
        self.shared.lock().servers.get(id).cloned()
    }

    /// A channel as stored (what `GET /channels/{id}` returns), if it exists.
    pub fn channel(&self, id: &str) -> Option<Value> {
        self.shared.lock().channels.get(id).cloned()
    }

    /// The roles of a server: `{"<role id>": Role, …}` (an empty object without roles or
    /// for an unknown server).
    pub fn roles(&self, server: &str) -> Value {
        self.shared
            .lock()
            .servers
            .get(server)
            .and_then(|s| s.get("roles"))
            .cloned()
            .unwrap_or_else(|| Value::Object(serde_json::Map::new()))
    }

    /// The members of a server as `Member` objects, in join order.
    pub fn members(&self, server: &str) -> Vec<Value> {
        self.shared
            .lock()
            .members
            .iter()
            .filter(|m| m.server == server)
            .map(state::MemberRecord::render)
            .collect()
    }

    /// The custom emojis of a server (`Emoji` objects; deleted ones are detached and left
    /// out).
    pub fn emojis(&self, server: &str) -> Vec<Value> {
        let state = self.shared.lock();
        rest::server_emojis(&state, server)
    }

    /// The webhooks of a channel (`Webhook` objects, tokens included).
    pub fn webhooks(&self, channel: &str) -> Vec<Value> {
        self.shared
            .lock()
            .webhooks
            .values()
            .filter(|w| w.get("channel_id").and_then(Value::as_str) == Some(channel))
            .cloned()
            .collect()
    }

    /// The invites to a server's channels (`Invite` objects).
    pub fn invites(&self, server: &str) -> Vec<Value> {
        self.shared
            .lock()
            .invites
            .values()
            .filter(|i| i.get("server").and_then(Value::as_str) == Some(server))
            .cloned()
            .collect()
    }

    /// The bans of a server (`ServerBan` objects).
    pub fn bans(&self, server: &str) -> Vec<Value> {
        self.shared
            .lock()
            .bans
            .iter()
            .filter(|((s, _), _)| s == server)
            .map(|((s, u), reason)| {
                serde_json::json!({"_id": {"server": s, "user": u}, "reason": reason})
            })
            .collect()
    }

    /// A bot (`Bot`, token included; after `PATCH /bots/{id}` with `remove: ["Token"]`
    /// the token here is the new one, while [`bot_token`](Self::bot_token) keeps the
    /// configured one).
    pub fn bot(&self, id: &str) -> Option<Value> {
        self.shared.lock().bots.get(id).cloned()
    }

    /// Adds a normal user with a session of its own and returns `(user id, session
    /// token)`. The user belongs to no server; see [`add_member`](Self::add_member).
    pub fn add_user(&self, username: &str) -> (String, String) {
        let mut state = self.shared.lock();
        let id = state.new_id();
        let session = state.new_id();
        let token = wire::nanoid(64);
        let discriminator = format!("{:04}", fastrand::u16(2..9999));
        state.users.insert(
            id.clone(),
            state::UserRecord::new(&id, username, &discriminator),
        );
        state.sessions.insert(token.clone(), (session, id.clone()));
        (id, token)
    }

    /// Makes `user` join `server` the way `POST /invites/{code}` does (`ServerMemberJoin`
    /// to the server, `ServerCreate` to the user).
    ///
    /// # Panics
    ///
    /// If the server or user is unknown, or the server refuses (already a member, banned).
    pub fn add_member(&self, server: &str, user: &str) {
        let mut state = self.shared.lock();
        assert!(
            state.servers.contains_key(server),
            "add_member: no server {server}"
        );
        assert!(state.users.contains_key(user), "add_member: no user {user}");
        if let Err(error) = rest::create_member(&mut state, server, user) {
            panic!("add_member rejected: {} {}", error.status, error.body);
        }
    }

    /// The `GET /` document this server serves.
    pub fn node_info(&self) -> Value {
        rest::node_info(&self.api_url(), &self.ws_url(), &self.autumn_url())
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        self.stop();
    }
}

fn run(
    shared: Arc<Shared>,
    listeners: [StdListener; 3],
    shutdown: oneshot::Receiver<()>,
    ready: mpsc::Sender<io::Result<()>>,
) {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            let _ = ready.send(Err(error));
            return;
        }
    };
    runtime.block_on(async move {
        let [api, ws, autumn] = listeners;
        let converted = (|| {
            Ok::<_, io::Error>((
                tokio::net::TcpListener::from_std(api)?,
                tokio::net::TcpListener::from_std(ws)?,
                tokio::net::TcpListener::from_std(autumn)?,
            ))
        })();
        let (api, ws, autumn) = match converted {
            Ok(listeners) => listeners,
            Err(error) => {
                let _ = ready.send(Err(error));
                return;
            }
        };
        tokio::spawn(http::serve(api, Arc::clone(&shared), Service::Api));
        tokio::spawn(gateway::serve(ws, Arc::clone(&shared)));
        tokio::spawn(http::serve(autumn, Arc::clone(&shared), Service::Autumn));
        let _ = ready.send(Ok(()));
        let _ = shutdown.await;
    });
    runtime.shutdown_timeout(Duration::from_millis(200));
}
