//! An in-memory cache fed by gateway events.
//!
//! [`Cache::apply`] updates the cache from one event and returns a [`Change`] holding the
//! value that was replaced or removed, so an event handler can compare before and after.

use std::collections::{HashMap, VecDeque};

use bitflags::bitflags;

use crate::gateway::Event;
use crate::id::{ChannelId, MessageId, ServerId, UserId};
use crate::model::{Channel, Member, MemberId, Message, Server, User};

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

/// What an event did to the cache. `before` is the value as it was before the event
/// (`None` if it was not cached).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Change {
    /// The event does not touch the cache.
    None,
    /// The cache was (re)filled from `Ready`.
    Ready,
    /// A message was added.
    MessageCreated,
    /// A message was edited.
    MessageUpdated {
        /// The message before the edit.
        before: Option<Box<Message>>,
    },
    /// A message was deleted.
    MessageDeleted {
        /// The deleted message.
        before: Option<Box<Message>>,
    },
    /// Several messages were deleted.
    MessagesDeleted {
        /// The deleted messages that were cached.
        before: Vec<Message>,
    },
    /// A channel appeared (`before` is set if it was already known).
    ChannelCreated {
        /// The previous copy.
        before: Option<Box<Channel>>,
    },
    /// A channel changed.
    ChannelUpdated {
        /// The channel before the change.
        before: Option<Box<Channel>>,
    },
    /// A channel was deleted (its cached messages went with it).
    ChannelDeleted {
        /// The deleted channel.
        before: Option<Box<Channel>>,
    },
    /// A server changed.
    ServerUpdated {
        /// The server before the change.
        before: Option<Box<Server>>,
    },
    /// A server was deleted or left (its channels and members went with it).
    ServerDeleted {
        /// The deleted server.
        before: Option<Box<Server>>,
    },
    /// A member changed.
    MemberUpdated {
        /// The member before the change.
        before: Option<Box<Member>>,
    },
    /// A user changed.
    UserUpdated {
        /// The user before the change.
        before: Option<Box<User>>,
    },
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
    users: HashMap<UserId, User>,
    servers: HashMap<ServerId, Server>,
    channels: HashMap<ChannelId, Channel>,
    members: HashMap<MemberId, Member>,
    messages: HashMap<MessageId, Message>,
    history: HashMap<ChannelId, VecDeque<MessageId>>,
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
        self.users.get(self.current_user.as_ref()?)
    }

    /// A user.
    pub fn user(&self, id: UserId) -> Option<&User> {
        self.users.get(&id)
    }

    /// A server.
    pub fn server(&self, id: ServerId) -> Option<&Server> {
        self.servers.get(&id)
    }

    /// A channel.
    pub fn channel(&self, id: ChannelId) -> Option<&Channel> {
        self.channels.get(&id)
    }

    /// A member.
    pub fn member(&self, server: ServerId, user: UserId) -> Option<&Member> {
        self.members.get(&MemberId { server, user })
    }

    /// A message.
    pub fn message(&self, id: MessageId) -> Option<&Message> {
        self.messages.get(&id)
    }

    /// The cached messages of a channel, oldest first.
    pub fn channel_messages(&self, channel: ChannelId) -> impl Iterator<Item = &Message> {
        self.history
            .get(&channel)
            .into_iter()
            .flatten()
            .filter_map(|id| self.messages.get(id))
    }

    /// All cached users.
    pub fn users(&self) -> impl Iterator<Item = &User> {
        self.users.values()
    }

    /// All cached servers.
    pub fn servers(&self) -> impl Iterator<Item = &Server> {
        self.servers.values()
    }

    /// All cached channels.
    pub fn channels(&self) -> impl Iterator<Item = &Channel> {
        self.channels.values()
    }

    fn keeps(&self, resource: CacheResources) -> bool {
        self.config.resources.contains(resource)
    }

    /// Applies one event and reports what it replaced.
    pub fn apply(&mut self, event: &Event) -> Change {
        match event {
            Event::Ready(ready) => {
                self.users.clear();
                self.servers.clear();
                self.channels.clear();
                self.members.clear();
                self.current_user = ready.current_user().map(|u| u.id);
                for user in ready.users.iter().flatten() {
                    self.put_user(user);
                }
                if self.keeps(CacheResources::SERVERS) {
                    for server in ready.servers.iter().flatten() {
                        self.servers.insert(server.id, server.clone());
                    }
                }
                if self.keeps(CacheResources::CHANNELS) {
                    for channel in ready.channels.iter().flatten() {
                        self.channels.insert(channel.id(), channel.clone());
                    }
                }
                if self.keeps(CacheResources::MEMBERS) {
                    for member in ready.members.iter().flatten() {
                        self.members.insert(member.id, member.clone());
                    }
                }
                // Messages of channels that are no longer visible go.
                let channels = &self.channels;
                let keep_all = !self.config.resources.contains(CacheResources::CHANNELS);
                let messages = &mut self.messages;
                self.history.retain(|channel, ids| {
                    let keep = keep_all || channels.contains_key(channel);
                    if !keep {
                        for id in ids.iter() {
                            messages.remove(id);
                        }
                    }
                    keep
                });
                Change::Ready
            }
            Event::Message(message) => {
                if let Some(user) = &message.user {
                    self.put_user(user);
                }
                if let Some(member) = &message.member {
                    if self.keeps(CacheResources::MEMBERS) {
                        self.members.insert(member.id, (**member).clone());
                    }
                }
                self.put_message(message);
                Change::MessageCreated
            }
            Event::MessageUpdate {
                id, data, clear, ..
            } => {
                let before = self.messages.get_mut(id).map(|message| {
                    let before = Box::new(message.clone());
                    message.apply(data, clear);
                    before
                });
                Change::MessageUpdated { before }
            }
            Event::MessageDelete { id, channel } => Change::MessageDeleted {
                before: self.remove_message(*channel, *id).map(Box::new),
            },
            Event::BulkMessageDelete { channel, ids } => Change::MessagesDeleted {
                before: ids
                    .iter()
                    .filter_map(|id| self.remove_message(*channel, *id))
                    .collect(),
            },
            Event::ChannelCreate(channel) => {
                let before = if self.keeps(CacheResources::CHANNELS) {
                    self.channels.insert(channel.id(), (**channel).clone())
                } else {
                    None
                };
                Change::ChannelCreated {
                    before: before.map(Box::new),
                }
            }
            Event::ChannelUpdate { id, data, clear } => {
                let before = self.channels.get_mut(id).map(|channel| {
                    let before = Box::new(channel.clone());
                    channel.apply(data, clear);
                    before
                });
                Change::ChannelUpdated { before }
            }
            Event::ChannelDelete { id } => {
                self.forget_channel_messages(*id);
                Change::ChannelDeleted {
                    before: self.channels.remove(id).map(Box::new),
                }
            }
            Event::ServerUpdate { id, data, clear } => {
                let before = self.servers.get_mut(id).map(|server| {
                    let before = Box::new(server.clone());
                    server.apply(data, clear);
                    before
                });
                Change::ServerUpdated { before }
            }
            Event::ServerDelete { id } => {
                let gone: Vec<ChannelId> = self
                    .channels
                    .values()
                    .filter(|c| c.server() == Some(*id))
                    .map(Channel::id)
                    .collect();
                for channel in gone {
                    self.channels.remove(&channel);
                    self.forget_channel_messages(channel);
                }
                self.members.retain(|member, _| member.server != *id);
                Change::ServerDeleted {
                    before: self.servers.remove(id).map(Box::new),
                }
            }
            Event::ServerMemberUpdate { id, data, clear } => {
                let before = self.members.get_mut(id).map(|member| {
                    let before = Box::new(member.clone());
                    member.apply(data, clear);
                    before
                });
                Change::MemberUpdated { before }
            }
            Event::UserUpdate {
                id, data, clear, ..
            } => {
                let before = self.users.get_mut(id).map(|user| {
                    let before = Box::new(user.clone());
                    user.apply(data, clear);
                    before
                });
                Change::UserUpdated { before }
            }
            _ => Change::None,
        }
    }

    fn put_user(&mut self, user: &User) {
        if self.keeps(CacheResources::USERS) || Some(user.id) == self.current_user {
            self.users.insert(user.id, user.clone());
        }
    }

    fn put_message(&mut self, message: &Message) {
        if !self.keeps(CacheResources::MESSAGES) || self.config.messages_per_channel == 0 {
            return;
        }
        let mut stored = message.clone();
        // The author and member are cached on their own; don't keep second copies.
        stored.user = None;
        stored.member = None;
        let history = self.history.entry(message.channel).or_default();
        if self.messages.insert(message.id, stored).is_none() {
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
        Some(removed)
    }

    fn forget_channel_messages(&mut self, channel: ChannelId) {
        for id in self.history.remove(&channel).into_iter().flatten() {
            self.messages.remove(&id);
        }
    }
}
