//! An in-memory cache fed by gateway events.
//!
//! [`Cache::apply`] updates the cache from one event and returns a [`Change`] holding the
//! value that was replaced or removed, so an event handler can compare before and after.

mod apply;
mod change;
pub(crate) mod hash;
pub mod permissions;

use std::collections::VecDeque;
use std::sync::Arc;

use hash::IdMap;

use bitflags::bitflags;

pub use change::Change;

/// What a permission calculation needed that the cache does not hold (it may be disabled in
/// [`CacheConfig::resources`], not received yet, or outside what this session can see).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum MissingFromCache {
    /// The channel.
    #[error("channel {0} is not in the cache")]
    Channel(ChannelId),
    /// The server the channel belongs to.
    #[error("server {0} is not in the cache")]
    Server(ServerId),
    /// The user's membership of the server.
    #[error("the member {} of server {} is not in the cache", .0.user, .0.server)]
    Member(MemberId),
    /// A role the member holds (the cached server does not have it).
    #[error("role {role} of server {server} is not in the cache")]
    Role {
        /// The server.
        server: ServerId,
        /// The role.
        role: RoleId,
    },
    /// The other party of a direct message.
    #[error("user {0} is not in the cache")]
    User(UserId),
}

use crate::id::{ChannelId, EmojiId, MessageId, RoleId, ServerId, UserId};
use crate::model::{
    Channel, Emoji, Member, MemberId, Message, Permissions, Server, Timestamp, User,
};

bitflags! {
    /// Which kinds of object the cache keeps.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub struct CacheResources: u32 {
        /// Users.
        const USERS = 1 << 0;
        /// Servers.
        const SERVERS = 1 << 1;
        /// Channels.
        const CHANNELS = 1 << 2;
        /// Members.
        const MEMBERS = 1 << 3;
        /// Messages (bounded per channel).
        const MESSAGES = 1 << 4;
        /// Custom emojis.
        const EMOJIS = 1 << 5;
    }
}

/// Cache settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CacheConfig {
    /// What to keep.
    pub resources: CacheResources,
    /// Messages kept per channel; the oldest are evicted first.
    pub messages_per_channel: usize,
}

impl Default for CacheConfig {
    fn default() -> Self {
        Self {
            resources: CacheResources::all(),
            messages_per_channel: 100,
        }
    }
}

impl CacheConfig {
    /// Keeps only `resources`.
    pub fn resources(mut self, resources: CacheResources) -> Self {
        self.resources = resources;
        self
    }

    /// Sets the per-channel message history bound.
    pub fn messages_per_channel(mut self, count: usize) -> Self {
        self.messages_per_channel = count;
        self
    }
}

/// The cache.
///
/// ```
/// use stoat_core::cache::{Cache, Change};
/// use stoat_core::gateway::Event;
///
/// let mut cache = Cache::default();
/// let created: Event = serde_json::from_str(r#"{"type":"Message","_id":"01M7YT8F8NBH98W6P4028C2GH8",
///     "channel":"01M7YSZ8V81AWBPFRM30NYSV34","author":"01M7YSZ8V6D4QNP163AMRA3ARS","content":"hi"}"#).unwrap();
/// assert_eq!(cache.apply(&created), Change::MessageCreated);
/// let edited: Event = serde_json::from_str(r#"{"type":"MessageUpdate","id":"01M7YT8F8NBH98W6P4028C2GH8",
///     "channel":"01M7YSZ8V81AWBPFRM30NYSV34","data":{"content":"hello"},"clear":[]}"#).unwrap();
/// match cache.apply(&edited) {
///     Change::MessageUpdated { before: Some(old) } => assert_eq!(old.content.as_deref(), Some("hi")),
///     other => panic!("{other:?}"),
/// }
/// let id = "01M7YT8F8NBH98W6P4028C2GH8".parse().unwrap();
/// assert_eq!(cache.message(id).unwrap().content.as_deref(), Some("hello"));
/// ```
#[derive(Clone, Debug, Default)]
pub struct Cache {
    config: CacheConfig,
    current_user: Option<UserId>,
    // Values are behind `Arc`: a map's spare capacity costs a pointer per slot instead of
    // a whole object, and a message is shared with the event it came in.
    users: IdMap<UserId, Arc<User>>,
    servers: IdMap<ServerId, Arc<Server>>,
    channels: IdMap<ChannelId, Arc<Channel>>,
    members: IdMap<MemberId, Arc<Member>>,
    emojis: IdMap<EmojiId, Arc<Emoji>>,
    messages: IdMap<MessageId, Arc<Message>>,
    history: IdMap<ChannelId, VecDeque<MessageId>>,
}

impl Cache {
    /// An empty cache.
    pub fn new(config: CacheConfig) -> Self {
        Self {
            config,
            ..Self::default()
        }
    }

    /// The user the session is logged in as (known after `Ready`).
    pub fn current_user(&self) -> Option<&User> {
        self.users.get(self.current_user.as_ref()?).map(Arc::as_ref)
    }

    /// A user.
    pub fn user(&self, id: UserId) -> Option<&User> {
        self.users.get(&id).map(Arc::as_ref)
    }

    /// A server.
    pub fn server(&self, id: ServerId) -> Option<&Server> {
        self.servers.get(&id).map(Arc::as_ref)
    }

    /// A channel.
    pub fn channel(&self, id: ChannelId) -> Option<&Channel> {
        self.channels.get(&id).map(Arc::as_ref)
    }

    /// A member.
    pub fn member(&self, server: ServerId, user: UserId) -> Option<&Member> {
        self.members
            .get(&MemberId { server, user })
            .map(Arc::as_ref)
    }

    /// A custom emoji.
    pub fn emoji(&self, id: EmojiId) -> Option<&Emoji> {
        self.emojis.get(&id).map(Arc::as_ref)
    }

    /// The cached members of a server.
    pub fn server_members(&self, server: ServerId) -> impl Iterator<Item = &Member> {
        self.members
            .values()
            .map(Arc::as_ref)
            .filter(move |m| m.id.server == server)
    }

    /// What `user` may do in `channel`, from what is cached (see [`permissions`]).
    /// `now` decides whether a timeout is still running (the runtime clients' own
    /// `permissions_in` pass the current time for you).
    ///
    /// Fails, naming it, when something the calculation needs is not cached: the channel; for
    /// a server channel its server, the user's membership and every role the member holds;
    /// for a DM the other party.
    pub fn permissions_in(
        &self,
        channel: ChannelId,
        user: UserId,
        now: Timestamp,
    ) -> Result<Permissions, MissingFromCache> {
        let channel = self
            .channels
            .get(&channel)
            .ok_or(MissingFromCache::Channel(channel))?
            .as_ref();
        let privileged = self.users.get(&user).is_some_and(|u| u.privileged);
        let (server, member) = match channel.server() {
            Some(server_id) => {
                let server = self
                    .servers
                    .get(&server_id)
                    .ok_or(MissingFromCache::Server(server_id))?
                    .as_ref();
                let member = self.cached_member(server, user)?;
                (Some(server), Some(member))
            }
            None => (None, None),
        };
        let other = match channel {
            Channel::DirectMessage { recipients, .. } if recipients.contains(&user) => {
                match recipients.iter().find(|id| **id != user) {
                    Some(id) => Some(
                        self.users
                            .get(id)
                            .map(Arc::as_ref)
                            .ok_or(MissingFromCache::User(*id))?,
                    ),
                    None => None,
                }
            }
            _ => None,
        };
        Ok(permissions::channel_permissions(
            channel, user, server, member, privileged, other, now,
        ))
    }

    /// What `user` may do server-wide, from what is cached. Fails, naming it, when the server,
    /// the membership or one of the member's roles is not cached.
    pub fn server_permissions(
        &self,
        server: ServerId,
        user: UserId,
        now: Timestamp,
    ) -> Result<Permissions, MissingFromCache> {
        let server = self
            .servers
            .get(&server)
            .ok_or(MissingFromCache::Server(server))?
            .as_ref();
        let member = self.cached_member(server, user)?;
        Ok(permissions::server_permissions(
            server,
            member,
            self.users.get(&user).map(Arc::as_ref),
            now,
        ))
    }

    /// The member `user` of `server`, with every role it holds known to the cached server.
    fn cached_member(&self, server: &Server, user: UserId) -> Result<&Member, MissingFromCache> {
        let id = MemberId {
            server: server.id,
            user,
        };
        let member = self
            .members
            .get(&id)
            .map(Arc::as_ref)
            .ok_or(MissingFromCache::Member(id))?;
        match member
            .roles
            .iter()
            .find(|role| !server.roles.contains_key(role))
        {
            Some(role) => Err(MissingFromCache::Role {
                server: server.id,
                role: *role,
            }),
            None => Ok(member),
        }
    }

    /// A message.
    pub fn message(&self, id: MessageId) -> Option<&Message> {
        self.messages.get(&id).map(Arc::as_ref)
    }

    /// The cached messages of a channel, oldest first.
    pub fn channel_messages(&self, channel: ChannelId) -> impl Iterator<Item = &Message> {
        self.history
            .get(&channel)
            .into_iter()
            .flatten()
            .filter_map(|id| self.messages.get(id).map(Arc::as_ref))
    }

    /// All cached users.
    pub fn users(&self) -> impl Iterator<Item = &User> {
        self.users.values().map(Arc::as_ref)
    }

    /// All cached servers.
    pub fn servers(&self) -> impl Iterator<Item = &Server> {
        self.servers.values().map(Arc::as_ref)
    }

    /// All cached channels.
    pub fn channels(&self) -> impl Iterator<Item = &Channel> {
        self.channels.values().map(Arc::as_ref)
    }

    /// All cached members.
    pub fn members(&self) -> impl Iterator<Item = &Member> {
        self.members.values().map(Arc::as_ref)
    }

    /// All cached custom emojis.
    pub fn emojis(&self) -> impl Iterator<Item = &Emoji> {
        self.emojis.values().map(Arc::as_ref)
    }

    /// All cached messages, channel by channel, each channel's oldest first.
    pub fn messages(&self) -> impl Iterator<Item = &Message> {
        self.history
            .values()
            .flatten()
            .filter_map(|id| self.messages.get(id).map(Arc::as_ref))
    }

    /// The settings this cache was made with.
    pub fn config(&self) -> CacheConfig {
        self.config
    }

    fn keeps(&self, resource: CacheResources) -> bool {
        self.config.resources.contains(resource)
    }

    /// Caches a user: the event's own copy, shared, so nothing is copied or compared (a
    /// session that remembers authors hands out the same copy every time, which is then
    /// already the cached one).
    fn put_user(&mut self, user: &Arc<User>) {
        if self.keeps(CacheResources::USERS) || Some(user.id) == self.current_user {
            put_shared(&mut self.users, user.id, user);
        }
    }

    /// Caches a member, shared like a user.
    fn put_member(&mut self, member: &Arc<Member>) {
        if self.keeps(CacheResources::MEMBERS) {
            put_shared(&mut self.members, member.id, member);
        }
    }

    fn put_message(&mut self, message: &Arc<Message>) {
        if !self.keeps(CacheResources::MESSAGES) || self.config.messages_per_channel == 0 {
            return;
        }
        // Shared with the event: no copy. (The author and member copies it carries are
        // cached on their own too; they go with the message when it is evicted.)
        let history = self.history.entry(message.channel).or_default();
        if self
            .messages
            .insert(message.id, Arc::clone(message))
            .is_none()
        {
            history.push_back(message.id);
        }
        while history.len() > self.config.messages_per_channel {
            if let Some(oldest) = history.pop_front() {
                self.messages.remove(&oldest);
            }
        }
    }

    fn remove_message(&mut self, channel: ChannelId, id: MessageId) -> Option<Message> {
        let removed = self.messages.remove(&id)?;
        if let Some(history) = self.history.get_mut(&channel) {
            history.retain(|m| *m != id);
        }
        Some(Arc::unwrap_or_clone(removed))
    }

    fn forget_channel_messages(&mut self, channel: ChannelId) {
        for id in self.history.remove(&channel).into_iter().flatten() {
            self.messages.remove(&id);
        }
    }
}

/// Caches `value`, shared with whoever else holds it (not copied).
fn put_shared<K: Eq + std::hash::Hash, V>(map: &mut IdMap<K, Arc<V>>, key: K, value: &Arc<V>) {
    match map.get_mut(&key) {
        Some(cached) if Arc::ptr_eq(cached, value) => {}
        Some(cached) => *cached = Arc::clone(value),
        None => {
            map.insert(key, Arc::clone(value));
        }
    }
}
