//! How each event changes the cache.

use std::hash::Hash;
use std::sync::Arc;

use super::hash::IdMap;

use super::{Cache, CacheResources, Change};
use crate::gateway::Event;
use crate::id::{ChannelId, ServerId};
use crate::model::{Channel, MemberId, Server, User};

/// Applies `f` to the cached value under `key`, returning a copy of it from before.
fn update<K: Eq + Hash, V: Clone>(
    map: &mut IdMap<K, Arc<V>>,
    key: &K,
    f: impl FnOnce(&mut V),
) -> Option<Box<V>> {
    map.get_mut(key).map(|value| {
        let before = Box::new(V::clone(value));
        f(Arc::make_mut(value));
        before
    })
}

fn len<T>(list: &Option<Vec<T>>) -> usize {
    list.as_ref().map_or(0, Vec::len)
}

/// Takes a value out of the cache (copying it only if something else still shares it).
fn unshare<V: Clone>(value: Arc<V>) -> Box<V> {
    Box::new(Arc::unwrap_or_clone(value))
}

impl Cache {
    /// Applies one event and reports what it replaced.
    pub fn apply(&mut self, event: &Event) -> Change {
        match event {
            Event::Ready(ready) => {
                self.users.clear();
                self.servers.clear();
                self.channels.clear();
                self.members.clear();
                self.emojis.clear();
                self.current_user = ready.current_user().map(|u| u.id);
                // Sized once, from what Ready holds.
                let keep_users = self.keeps(CacheResources::USERS);
                if keep_users {
                    self.users.reserve(len(&ready.users));
                }
                if self.keeps(CacheResources::SERVERS) {
                    self.servers.reserve(len(&ready.servers));
                }
                if self.keeps(CacheResources::CHANNELS) {
                    self.channels.reserve(len(&ready.channels));
                }
                if self.keeps(CacheResources::MEMBERS) {
                    self.members.reserve(len(&ready.members));
                }
                if self.keeps(CacheResources::EMOJIS) {
                    self.emojis.reserve(len(&ready.emojis));
                }
                for user in ready.users.iter().flatten() {
                    if keep_users || Some(user.id) == self.current_user {
                        self.users.insert(user.id, Arc::clone(user));
                    }
                }
                for server in ready.servers.iter().flatten() {
                    if self.keeps(CacheResources::SERVERS) {
                        self.servers.insert(server.id, Arc::clone(server));
                    }
                }
                if self.keeps(CacheResources::CHANNELS) {
                    for channel in ready.channels.iter().flatten() {
                        self.channels.insert(channel.id(), Arc::clone(channel));
                    }
                }
                if self.keeps(CacheResources::MEMBERS) {
                    for member in ready.members.iter().flatten() {
                        self.members.insert(member.id, Arc::clone(member));
                    }
                }
                for emoji in ready.emojis.iter().flatten() {
                    if self.keeps(CacheResources::EMOJIS) {
                        self.emojis.insert(emoji.id, Arc::clone(emoji));
                    }
                }
                self.forget_messages_of_invisible_channels();
                Change::Ready
            }

            Event::Message(message) => {
                if let Some(user) = &message.user {
                    self.put_user(user);
                }
                if let Some(member) = &message.member {
                    self.put_member(member);
                }
                if let Some(channel) = self.channels.get_mut(&message.channel) {
                    if channel.last_message_id() != Some(message.id) {
                        Arc::make_mut(channel).set_last_message_id(message.id);
                    }
                }
                self.put_message(message);
                Change::MessageCreated
            }
            Event::MessageUpdate {
                id, data, clear, ..
            } => Change::MessageUpdated {
                before: update(&mut self.messages, id, |m| m.apply(data, clear)),
            },
            Event::MessageAppend { id, append, .. } => Change::MessageUpdated {
                before: update(&mut self.messages, id, |m| m.append(append)),
            },
            Event::MessageReact {
                id,
                user_id,
                emoji_id,
                ..
            } => Change::MessageUpdated {
                before: update(&mut self.messages, id, |m| {
                    m.add_reaction(emoji_id, *user_id)
                }),
            },
            Event::MessageUnreact {
                id,
                user_id,
                emoji_id,
                ..
            } => Change::MessageUpdated {
                before: update(&mut self.messages, id, |m| {
                    m.remove_reaction(emoji_id, *user_id)
                }),
            },
            Event::MessageRemoveReaction { id, emoji_id, .. } => Change::MessageUpdated {
                before: update(&mut self.messages, id, |m| m.clear_reaction(emoji_id)),
            },
            Event::MessageDelete { id, channel } => Change::MessageDeleted {
                before: self.remove_message(*channel, *id).map(Box::new),
            },
            Event::BulkMessageDelete { channel, ids } => Change::MessagesDeleted {
                before: ids
                    .iter()
                    .filter_map(|id| self.remove_message(*channel, *id))
                    .collect(),
            },

            Event::ChannelCreate(channel) => Change::ChannelCreated {
                before: self.put_channel(channel).map(Box::new),
            },
            Event::ChannelUpdate { id, data, clear } => Change::ChannelUpdated {
                before: update(&mut self.channels, id, |c| c.apply(data, clear)),
            },
            Event::ChannelDelete { id } => {
                self.forget_channel_messages(*id);
                Change::ChannelDeleted {
                    before: self.channels.remove(id).map(unshare),
                }
            }
            Event::ChannelGroupJoin { id, user } => Change::ChannelUpdated {
                before: update(&mut self.channels, id, |c| c.add_recipient(*user)),
            },
            Event::ChannelGroupLeave { id, user } => Change::ChannelUpdated {
                before: update(&mut self.channels, id, |c| c.remove_recipient(*user)),
            },

            Event::ServerCreate {
                server,
                channels,
                emojis,
                ..
            } => {
                for channel in channels {
                    self.put_channel(channel);
                }
                if self.keeps(CacheResources::EMOJIS) {
                    for emoji in emojis {
                        self.emojis.insert(emoji.id, Arc::new(emoji.clone()));
                    }
                }
                let before = if self.keeps(CacheResources::SERVERS) {
                    self.servers
                        .insert(server.id, Arc::new((**server).clone()))
                        .map(unshare)
                } else {
                    None
                };
                Change::ServerCreated { before }
            }
            Event::ServerUpdate { id, data, clear } => Change::ServerUpdated {
                before: update(&mut self.servers, id, |s| s.apply(data, clear)),
            },
            Event::ServerDelete { id } => Change::ServerDeleted {
                before: self.forget_server(*id).map(Box::new),
            },
            Event::ServerMemberJoin { member, .. } => {
                if let Some(member) = member {
                    self.put_member(member);
                }
                Change::MemberJoined
            }
            Event::ServerMemberLeave { id, user, .. } => {
                let key = MemberId {
                    server: *id,
                    user: *user,
                };
                let before = self.members.remove(&key).map(unshare);
                if Some(*user) == self.current_user {
                    self.forget_server(*id);
                }
                Change::MemberLeft { before }
            }
            Event::ServerMemberUpdate { id, data, clear } => Change::MemberUpdated {
                before: update(&mut self.members, id, |m| m.apply(data, clear)),
            },
            Event::ServerRoleUpdate {
                id,
                role_id,
                data,
                clear,
            } => Change::RoleUpdated {
                before: self
                    .servers
                    .get_mut(id)
                    .and_then(|s| Arc::make_mut(s).apply_role(*role_id, data, clear))
                    .map(Box::new),
            },
            Event::ServerRoleDelete { id, role_id } => {
                let before = self
                    .servers
                    .get_mut(id)
                    .and_then(|s| Arc::make_mut(s).roles.remove(role_id))
                    .map(Box::new);
                for member in self.members.values_mut() {
                    if member.id.server == *id && member.roles.contains(role_id) {
                        Arc::make_mut(member).roles.retain(|r| r != role_id);
                    }
                }
                Change::RoleDeleted { before }
            }
            Event::ServerRoleRanksUpdate { id, ranks } => Change::ServerUpdated {
                before: update(&mut self.servers, id, |s| s.apply_role_ranks(ranks)),
            },

            Event::UserUpdate {
                id, data, clear, ..
            } => Change::UserUpdated {
                before: update(&mut self.users, id, |u| u.apply(data, clear)),
            },
            Event::UserRelationship { user, .. } => {
                let before = self.users.get(&user.id).map(|u| Box::new(User::clone(u)));
                self.put_user(user);
                Change::UserUpdated { before }
            }

            Event::EmojiCreate(emoji) => {
                if self.keeps(CacheResources::EMOJIS) {
                    self.emojis.insert(emoji.id, Arc::new((**emoji).clone()));
                }
                Change::EmojiCreated
            }
            Event::EmojiUpdate { id, data } => Change::EmojiUpdated {
                before: update(&mut self.emojis, id, |e| e.apply(data)),
            },
            Event::EmojiDelete { id } => Change::EmojiDeleted {
                before: self.emojis.remove(id).map(unshare),
            },

            _ => Change::None,
        }
    }

    /// Caches a channel (if channels are kept) and returns the copy it replaced.
    fn put_channel(&mut self, channel: &Channel) -> Option<Channel> {
        if self.keeps(CacheResources::CHANNELS) {
            self.channels
                .insert(channel.id(), Arc::new(channel.clone()))
                .map(Arc::unwrap_or_clone)
        } else {
            None
        }
    }

    /// Removes a server with its channels, their messages, its members and its emojis.
    fn forget_server(&mut self, id: ServerId) -> Option<Server> {
        let gone: Vec<ChannelId> = self
            .channels
            .values()
            .filter(|c| c.server() == Some(id))
            .map(|c| c.id())
            .collect();
        for channel in gone {
            self.channels.remove(&channel);
            self.forget_channel_messages(channel);
        }
        self.members.retain(|member, _| member.server != id);
        self.emojis.retain(|_, emoji| emoji.server() != Some(id));
        self.servers.remove(&id).map(Arc::unwrap_or_clone)
    }

    /// After a `Ready`, messages of channels that are no longer visible go.
    fn forget_messages_of_invisible_channels(&mut self) {
        if !self.keeps(CacheResources::CHANNELS) {
            return;
        }
        let channels = &self.channels;
        let messages = &mut self.messages;
        self.history.retain(|channel, ids| {
            let keep = channels.contains_key(channel);
            if !keep {
                for id in ids.iter() {
                    messages.remove(id);
                }
            }
            keep
        });
    }
}
