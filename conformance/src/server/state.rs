//! The fake's in-memory database and connection registry, shared behind one mutex.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use bytes::Bytes;
use serde_json::{Map, Value};
use tokio::sync::mpsc::UnboundedSender;

use super::config::FakeConfig;
use super::observe::{Failure, RecordedRequest, Stats};
use super::ratelimit::RateLimiter;
use super::{fixture, wire};

/// Everything the three listeners and the control surface share.
pub(crate) struct Shared {
    state: Mutex<State>,
    started: Instant,
    /// Public URLs of the listeners, for `GET /`.
    pub(crate) urls: Urls,
    /// Scripted HTTP faults (endless bodies, redirects).
    pub(crate) http_faults: super::http::HttpFaults,
}

/// Base URLs of the fake's listeners.
#[derive(Debug, Clone)]
pub(crate) struct Urls {
    pub(crate) api: String,
    pub(crate) ws: String,
    pub(crate) autumn: String,
}

impl Shared {
    pub(crate) fn new(config: &FakeConfig, urls: Urls) -> Self {
        Self {
            state: Mutex::new(State::new(config)),
            started: Instant::now(),
            urls,
            http_faults: Default::default(),
        }
    }

    /// Locks the state. A panic while it was held (a bug) does not poison it for good.
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Monotonic milliseconds since the fake started (the rate limiter's clock).
    pub(crate) fn now_ms(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX)
    }
}

/// Who a token belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Identity {
    pub(crate) user_id: String,
    /// The session id for session tokens; `None` for bots.
    pub(crate) session_id: Option<String>,
    pub(crate) is_bot: bool,
}

/// A user row. Rendered per perspective by [`State::render_user`].
#[derive(Debug, Clone)]
pub(crate) struct UserRecord {
    pub(crate) id: String,
    pub(crate) username: String,
    pub(crate) discriminator: String,
    pub(crate) display_name: Option<String>,
    pub(crate) pronouns: Option<String>,
    /// A `File` object.
    pub(crate) avatar: Option<Value>,
    /// `{"text"?, "presence"?}`.
    pub(crate) status: Option<Value>,
    /// `{"content"?, "background"?}` (the `UserProfile`).
    pub(crate) profile: Option<Value>,
    /// `(user id, RelationshipStatus)` pairs.
    pub(crate) relations: Vec<(String, String)>,
    pub(crate) badges: u32,
    pub(crate) flags: u32,
    pub(crate) bot_owner: Option<String>,
}

impl UserRecord {
    pub(crate) fn new(id: &str, username: &str, discriminator: &str) -> Self {
        Self {
            id: id.to_owned(),
            username: username.to_owned(),
            discriminator: discriminator.to_owned(),
            display_name: None,
            pronouns: None,
            avatar: None,
            status: None,
            profile: None,
            relations: Vec::new(),
            badges: 0,
            flags: 0,
            bot_owner: None,
        }
    }
}

/// A server member row.
#[derive(Debug, Clone)]
pub(crate) struct MemberRecord {
    pub(crate) server: String,
    pub(crate) user: String,
    pub(crate) joined_at: String,
    pub(crate) nickname: Option<String>,
    pub(crate) pronouns: Option<String>,
    /// A `File` object.
    pub(crate) avatar: Option<Value>,
    pub(crate) roles: Vec<String>,
    pub(crate) timeout: Option<String>,
    pub(crate) can_publish: bool,
    pub(crate) can_receive: bool,
}

impl MemberRecord {
    pub(crate) fn new(server: &str, user: &str, joined_at: &str) -> Self {
        Self {
            server: server.to_owned(),
            user: user.to_owned(),
            joined_at: joined_at.to_owned(),
            nickname: None,
            pronouns: None,
            avatar: None,
            roles: Vec::new(),
            timeout: None,
            can_publish: true,
            can_receive: true,
        }
    }

    /// The `Member` wire object.
    pub(crate) fn render(&self) -> Value {
        let mut map = Map::new();
        map.insert(
            "_id".into(),
            serde_json::json!({"server": self.server, "user": self.user}),
        );
        map.insert("joined_at".into(), Value::from(self.joined_at.clone()));
        if let Some(nickname) = &self.nickname {
            map.insert("nickname".into(), Value::from(nickname.clone()));
        }
        if let Some(pronouns) = &self.pronouns {
            map.insert("pronouns".into(), Value::from(pronouns.clone()));
        }
        if let Some(avatar) = &self.avatar {
            map.insert("avatar".into(), avatar.clone());
        }
        if !self.roles.is_empty() {
            map.insert("roles".into(), Value::from(self.roles.clone()));
        }
        if let Some(timeout) = &self.timeout {
            map.insert("timeout".into(), Value::from(timeout.clone()));
        }
        if !self.can_publish {
            map.insert("can_publish".into(), Value::from(false));
        }
        if !self.can_receive {
            map.insert("can_receive".into(), Value::from(false));
        }
        Value::Object(map)
    }
}

/// A file uploaded to autumn.
#[derive(Debug, Clone)]
pub(crate) struct StoredFile {
    pub(crate) id: String,
    pub(crate) tag: String,
    pub(crate) filename: String,
    pub(crate) content_type: String,
    pub(crate) metadata: Value,
    pub(crate) bytes: Bytes,
    pub(crate) used: bool,
}

impl StoredFile {
    /// The `File` wire object.
    pub(crate) fn render(&self) -> Value {
        serde_json::json!({
            "_id": self.id,
            "tag": self.tag,
            "filename": self.filename,
            "metadata": self.metadata,
            "content_type": self.content_type,
            "size": self.bytes.len(),
        })
    }
}

/// Encoding of a gateway connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Json,
    Msgpack,
}

/// What the control surface or the event bus asks a gateway connection task to do.
#[derive(Debug)]
pub(crate) enum ConnCommand {
    /// Send this event (already rewritten for the receiver).
    Event(Value),
    /// Drop the TCP connection without a close frame.
    Drop,
    /// Send `{"type":"Logout"}`, then drop.
    Logout,
}

/// A gateway connection, registered from its WebSocket upgrade until it ends.
#[derive(Debug)]
pub(crate) struct Connection {
    pub(crate) identity: Option<Identity>,
    pub(crate) tx: UnboundedSender<ConnCommand>,
    /// Roles bonfire's per-connection cache knows (those in `Ready` or a later
    /// `ServerCreate`); roles created afterwards are ignored by its visibility checks.
    pub(crate) known_roles: HashSet<String>,
    /// Server channels bonfire considers visible for this connection.
    pub(crate) visible: BTreeSet<String>,
    /// Servers this connection `Subscribe`d to (bonfire keeps at most 5).
    pub(crate) subscriptions: VecDeque<String>,
}

/// The whole mutable state of one fake server.
pub(crate) struct State {
    pub(crate) users: BTreeMap<String, UserRecord>,
    /// session token → (session id, user id)
    pub(crate) sessions: HashMap<String, (String, String)>,
    /// bot token → bot user id
    pub(crate) bot_tokens: HashMap<String, String>,
    pub(crate) servers: BTreeMap<String, Value>,
    pub(crate) channels: BTreeMap<String, Value>,
    pub(crate) members: Vec<MemberRecord>,
    /// channel id → message id → stored message (no `user`/`member`)
    pub(crate) messages: HashMap<String, BTreeMap<String, Value>>,
    pub(crate) files: HashMap<String, StoredFile>,
    /// emoji id → `Emoji` (deleted emojis stay, detached)
    pub(crate) emojis: BTreeMap<String, Value>,
    /// invite code → `Invite`
    pub(crate) invites: BTreeMap<String, Value>,
    /// webhook id → `Webhook`, token included
    pub(crate) webhooks: BTreeMap<String, Value>,
    /// (server id, user id) → ban reason
    pub(crate) bans: BTreeMap<(String, String), Option<String>>,
    /// bot id → `Bot`, token included
    pub(crate) bots: BTreeMap<String, Value>,
    /// user id → settings key → `[timestamp, value]`
    pub(crate) settings: HashMap<String, Map<String, Value>>,
    pub(crate) connections: BTreeMap<u64, Connection>,
    next_connection: u64,
    idempotency_keys: VecDeque<String>,
    pub(crate) delta_limiter: RateLimiter,
    pub(crate) autumn_limiter: RateLimiter,
    pub(crate) ratelimit_window: Duration,
    pub(crate) stats: Stats,
    pub(crate) requests: Vec<RecordedRequest>,
    pub(crate) failures: VecDeque<Failure>,
    pub(crate) response_delay: Duration,
    pub(crate) answer_pings: bool,
    /// A scripted gateway misbehaviour (`FakeServer::set_gateway_fault`).
    pub(crate) gateway_fault: Option<super::config::GatewayFault>,
    /// When each gateway connection was accepted.
    pub(crate) connection_times: Vec<std::time::Instant>,
    /// Bytes of fault messages written so far.
    pub(crate) fault_bytes_sent: u64,
    ids: ulid::Generator,
}

impl State {
    fn new(config: &FakeConfig) -> Self {
        let mut state = Self {
            users: BTreeMap::new(),
            sessions: HashMap::new(),
            bot_tokens: HashMap::new(),
            servers: BTreeMap::new(),
            channels: BTreeMap::new(),
            members: Vec::new(),
            messages: HashMap::new(),
            files: HashMap::new(),
            emojis: BTreeMap::new(),
            invites: BTreeMap::new(),
            webhooks: BTreeMap::new(),
            bans: BTreeMap::new(),
            bots: BTreeMap::new(),
            settings: HashMap::new(),
            connections: BTreeMap::new(),
            next_connection: 1,
            idempotency_keys: VecDeque::new(),
            delta_limiter: RateLimiter::new(config.ratelimit_window, config.ratelimits_enabled),
            autumn_limiter: RateLimiter::new(config.ratelimit_window, config.ratelimits_enabled),
            ratelimit_window: config.ratelimit_window,
            stats: Stats::default(),
            requests: Vec::new(),
            failures: VecDeque::new(),
            response_delay: config.response_delay,
            answer_pings: true,
            gateway_fault: None,
            connection_times: Vec::new(),
            fault_bytes_sent: 0,
            ids: ulid::Generator::new(),
        };
        fixture::populate(&mut state, config);
        state
    }

    /// A new ULID, monotonic within this server.
    pub(crate) fn new_id(&mut self) -> String {
        match self.ids.generate() {
            Ok(id) => id.to_string(),
            Err(overflow) => overflow.commit_overflow_random().to_string(),
        }
    }

    /// Resolves a gateway token: first as a session token, then as a bot token.
    pub(crate) fn identify(&self, token: &str) -> Option<Identity> {
        if let Some((session, user)) = self.sessions.get(token) {
            return Some(Identity {
                user_id: user.clone(),
                session_id: Some(session.clone()),
                is_bot: false,
            });
        }
        self.bot_token(token)
    }

    /// Resolves a bot token.
    pub(crate) fn bot_token(&self, token: &str) -> Option<Identity> {
        self.bot_tokens.get(token).map(|user| Identity {
            user_id: user.clone(),
            session_id: None,
            is_bot: true,
        })
    }

    /// Resolves a session token.
    pub(crate) fn session_token(&self, token: &str) -> Option<Identity> {
        self.sessions.get(token).map(|(session, user)| Identity {
            user_id: user.clone(),
            session_id: Some(session.clone()),
            is_bot: false,
        })
    }

    /// Registers a new gateway connection and returns its id.
    pub(crate) fn add_connection(&mut self, tx: UnboundedSender<ConnCommand>) -> u64 {
        let id = self.next_connection;
        self.next_connection += 1;
        self.connections.insert(
            id,
            Connection {
                identity: None,
                tx,
                known_roles: HashSet::new(),
                visible: BTreeSet::new(),
                subscriptions: VecDeque::new(),
            },
        );
        self.stats.gateway_connections += 1;
        self.connection_times.push(std::time::Instant::now());
        id
    }

    /// Whether the user has at least one open, authenticated gateway connection.
    pub(crate) fn is_online(&self, user_id: &str) -> bool {
        self.connections
            .values()
            .any(|c| c.identity.as_ref().is_some_and(|i| i.user_id == user_id))
    }

    /// Remembers an `Idempotency-Key`; `false` if it was already used (LRU of 1000).
    pub(crate) fn remember_idempotency_key(&mut self, key: &str) -> bool {
        if self.idempotency_keys.iter().any(|k| k == key) {
            return false;
        }
        if self.idempotency_keys.len() >= 1000 {
            self.idempotency_keys.pop_front();
        }
        self.idempotency_keys.push_back(key.to_owned());
        true
    }

    /// The member row of `user` in `server`.
    pub(crate) fn member(&self, server: &str, user: &str) -> Option<&MemberRecord> {
        self.members
            .iter()
            .find(|m| m.server == server && m.user == user)
    }

    /// The server a channel belongs to (server channels only).
    pub(crate) fn channel_server(&self, channel: &str) -> Option<String> {
        self.channels
            .get(channel)
            .and_then(|c| wire::str_field(c, "server"))
            .map(str::to_owned)
    }

    /// Servers the user is a member of, in id order.
    pub(crate) fn servers_of(&self, user: &str) -> Vec<String> {
        self.servers
            .keys()
            .filter(|server| self.member(server, user).is_some())
            .cloned()
            .collect()
    }

    /// The relationship of `viewer` towards `target` (`"User"` for oneself).
    pub(crate) fn relationship(&self, viewer: &str, target: &str) -> String {
        if viewer == target {
            return "User".into();
        }
        self.users
            .get(viewer)
            .and_then(|u| u.relations.iter().find(|(id, _)| id == target))
            .map_or_else(|| "None".into(), |(_, status)| status.clone())
    }

    /// A `User` object. `viewer: None` renders it the way a send response does
    /// (relationship `None`); `Some(id)` renders it as seen by that user.
    pub(crate) fn render_user(&self, user_id: &str, viewer: Option<&str>) -> Option<Value> {
        let user = self.users.get(user_id)?;
        let is_self = viewer == Some(user_id);
        let relationship =
            viewer.map_or_else(|| "None".to_owned(), |v| self.relationship(v, user_id));
        let invisible = user
            .status
            .as_ref()
            .and_then(|s| s.get("presence"))
            .and_then(Value::as_str)
            == Some("Invisible");
        let online = relationship != "BlockedOther" && !invisible && self.is_online(user_id);
        let mut map = Map::new();
        map.insert("_id".into(), Value::from(user.id.clone()));
        map.insert("username".into(), Value::from(user.username.clone()));
        map.insert(
            "discriminator".into(),
            Value::from(user.discriminator.clone()),
        );
        if let Some(name) = &user.display_name {
            map.insert("display_name".into(), Value::from(name.clone()));
        }
        if let Some(pronouns) = &user.pronouns {
            map.insert("pronouns".into(), Value::from(pronouns.clone()));
        }
        if let Some(avatar) = &user.avatar {
            map.insert("avatar".into(), avatar.clone());
        }
        if is_self && !user.relations.is_empty() {
            let relations: Vec<Value> = user
                .relations
                .iter()
                .map(|(id, status)| serde_json::json!({"_id": id, "status": status}))
                .collect();
            map.insert("relations".into(), Value::from(relations));
        }
        if user.badges != 0 {
            map.insert("badges".into(), Value::from(user.badges));
        }
        if let Some(Value::Object(status)) = &user.status {
            // Invisible is never shown, not even to the user.
            let mut status = status.clone();
            if status.get("presence").and_then(Value::as_str) == Some("Invisible") {
                status.remove("presence");
            }
            if !status.is_empty() {
                map.insert("status".into(), Value::Object(status));
            }
        }
        if user.flags != 0 {
            map.insert("flags".into(), Value::from(user.flags));
        }
        if let Some(owner) = &user.bot_owner {
            map.insert("bot".into(), serde_json::json!({"owner": owner}));
        }
        map.insert("relationship".into(), Value::from(relationship));
        map.insert("online".into(), Value::from(online));
        Some(Value::Object(map))
    }

    /// Stores a message (in id order) in its channel.
    pub(crate) fn store_message(&mut self, channel: &str, message: Value) {
        if let Some(id) = wire::str_field(&message, "_id").map(str::to_owned) {
            self.messages
                .entry(channel.to_owned())
                .or_default()
                .insert(id, message);
        }
    }

    /// A stored message.
    pub(crate) fn message(&self, channel: &str, id: &str) -> Option<&Value> {
        self.messages.get(channel).and_then(|m| m.get(id))
    }
}
