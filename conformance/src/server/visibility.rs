//! bonfire's per-connection channel visibility (reference §1.7): each connection keeps a
//! cache of what it can see, and some events make bonfire recalculate it. A `ChannelUpdate`
//! that flips the receiver's view of that channel is replaced by `ChannelCreate` (the
//! full channel) or `ChannelDelete{id}`; other permission changes that flip channels become
//! `{"type":"Bulk","v":[ChannelDelete…, ChannelCreate…, <the event>]}`.
//!
//! The cache only knows the roles it saw in `Ready` (or a later `ServerCreate`): a role
//! created after the connection authenticated is ignored by its calculations, as captured
//! (`server_events.jsonl`: no `Bulk` until the bot reconnected).

use std::collections::{BTreeSet, HashSet};

use serde_json::{json, Map, Value};

use super::events::Topic;
use super::permissions::{self, bits};
use super::state::{ConnCommand, State};

/// Which receivers of an event bonfire recalculates visibility for.
#[derive(Debug, Clone)]
pub(crate) enum Recalc {
    /// Every receiver (e.g. the server's default permissions changed).
    All,
    /// Receivers whose user is one of these (their own roles changed).
    Users(Vec<String>),
    /// Receivers holding `role` (before the change), if their cache knows the role.
    Role {
        /// The role whose permissions or existence changed.
        role: String,
        /// Users who held it.
        holders: Vec<String>,
    },
    /// The overrides of this channel changed: a flip replaces the `ChannelUpdate`.
    Channel(String),
}

impl State {
    /// Server channels, in server order, that a cache knowing `known` roles shows `user`.
    fn cached_visible(&self, user: &str, known: &HashSet<String>) -> Vec<String> {
        let mut visible = Vec::new();
        for server in self.servers_of(user) {
            for channel in self.server_channel_ids(&server) {
                let perms =
                    permissions::channel_permissions_with(self, &channel, user, Some(known));
                if perms & bits::VIEW_CHANNEL != 0 {
                    visible.push(channel);
                }
            }
        }
        visible
    }

    /// Whether `channel` is a server channel (an id in some server's `channels`).
    fn is_server_channel(&self, channel: &str) -> bool {
        self.channel_server(channel).is_some()
            || self
                .servers
                .keys()
                .any(|s| self.server_channel_ids(s).iter().any(|c| c == channel))
    }

    /// The ids in a server's `channels` list.
    pub(crate) fn server_channel_ids(&self, server: &str) -> Vec<String> {
        self.servers
            .get(server)
            .and_then(|s| s.get("channels"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect()
    }

    /// Roles of every server `user` belongs to.
    fn roles_of_servers(&self, user: &str) -> HashSet<String> {
        self.servers_of(user)
            .iter()
            .filter_map(|s| self.servers.get(s))
            .filter_map(|s| s.get("roles").and_then(Value::as_object))
            .flat_map(|roles| roles.keys().cloned())
            .collect()
    }

    /// Fills a connection's cache when its `Ready` is sent.
    pub(crate) fn prime_connection(&mut self, id: u64) {
        let Some(user) = self
            .connections
            .get(&id)
            .and_then(|c| c.identity.as_ref())
            .map(|i| i.user_id.clone())
        else {
            return;
        };
        let known = self.roles_of_servers(&user);
        let visible = self.cached_visible(&user, &known);
        if let Some(connection) = self.connections.get_mut(&id) {
            connection.known_roles = known;
            connection.visible = visible.into_iter().collect();
        }
    }

    /// Re-reads the caches of `user`'s connections without sending anything (after a
    /// `ServerCreate` the cache learns that server's roles; after leaving it, forgets).
    pub(crate) fn resync_user(&mut self, user: &str, learn_server: Option<&str>) {
        let learned: HashSet<String> = learn_server
            .and_then(|s| self.servers.get(s))
            .and_then(|s| s.get("roles").and_then(Value::as_object))
            .map(|roles| roles.keys().cloned().collect())
            .unwrap_or_default();
        let ids: Vec<u64> = self
            .connections
            .iter()
            .filter(|(_, c)| c.identity.as_ref().is_some_and(|i| i.user_id == user))
            .map(|(id, _)| *id)
            .collect();
        for id in ids {
            let mut known = self
                .connections
                .get(&id)
                .map(|c| c.known_roles.clone())
                .unwrap_or_default();
            known.extend(learned.iter().cloned());
            let visible = self.cached_visible(user, &known);
            if let Some(connection) = self.connections.get_mut(&id) {
                connection.known_roles = known;
                connection.visible = visible.into_iter().collect();
            }
        }
    }

    /// Re-reads one channel in every cache (after it was created or deleted).
    pub(crate) fn resync_channel(&mut self, channel: &str) {
        let exists = self.channels.contains_key(channel);
        let updates: Vec<(u64, bool)> = self
            .connections
            .iter()
            .filter_map(|(id, c)| {
                let user = &c.identity.as_ref()?.user_id;
                let visible = exists
                    && permissions::channel_permissions_with(
                        self,
                        channel,
                        user,
                        Some(&c.known_roles),
                    ) & bits::VIEW_CHANNEL
                        != 0;
                Some((*id, visible))
            })
            .collect();
        for (id, visible) in updates {
            if let Some(connection) = self.connections.get_mut(&id) {
                if visible {
                    connection.visible.insert(channel.to_owned());
                } else {
                    connection.visible.remove(channel);
                }
            }
        }
    }

    /// A `ChannelCreate` event for a stored channel.
    pub(crate) fn channel_create_event(&self, channel: &str) -> Option<Value> {
        let Value::Object(fields) = self.channels.get(channel)? else {
            return None;
        };
        let mut event = Map::new();
        event.insert("type".into(), Value::from("ChannelCreate"));
        event.extend(fields.clone());
        Some(Value::Object(event))
    }

    /// Publishes an event that can change what receivers see, applying bonfire's
    /// recalculation per connection (see the module docs).
    pub(crate) fn publish_recalculating(
        &mut self,
        topics: &[Topic],
        event: &Value,
        recalc: &Recalc,
    ) {
        let mut updates: Vec<(u64, BTreeSet<String>)> = Vec::new();
        for (id, connection) in &self.connections {
            let Some(identity) = &connection.identity else {
                continue;
            };
            if !topics.iter().any(|topic| self.receives(connection, topic)) {
                continue;
            }
            let user = identity.user_id.as_str();
            let known = &connection.known_roles;
            let outgoing = match recalc {
                // Only server channels are tracked; groups and DMs never flip here.
                Recalc::Channel(channel) if !self.is_server_channel(channel) => {
                    self.rewrite_for(identity, event)
                }
                Recalc::Channel(channel) => {
                    let now = self.channels.contains_key(channel)
                        && permissions::channel_permissions_with(self, channel, user, Some(known))
                            & bits::VIEW_CHANNEL
                            != 0;
                    let before = connection.visible.contains(channel);
                    let mut visible = connection.visible.clone();
                    let replacement = match (before, now) {
                        (true, false) => {
                            visible.remove(channel);
                            Some(json!({"type": "ChannelDelete", "id": channel}))
                        }
                        (false, true) => {
                            visible.insert(channel.clone());
                            self.channel_create_event(channel)
                        }
                        _ => None,
                    };
                    if replacement.is_some() {
                        updates.push((*id, visible));
                    }
                    replacement.unwrap_or_else(|| self.rewrite_for(identity, event))
                }
                other => {
                    let applies = match other {
                        Recalc::All => true,
                        Recalc::Users(users) => users.iter().any(|u| u == user),
                        Recalc::Role { role, holders } => {
                            known.contains(role) && holders.iter().any(|u| u == user)
                        }
                        Recalc::Channel(_) => false,
                    };
                    let event = self.rewrite_for(identity, event);
                    if applies {
                        let after = self.cached_visible(user, known);
                        let after_set: BTreeSet<String> = after.iter().cloned().collect();
                        let mut lost: Vec<String> =
                            connection.visible.difference(&after_set).cloned().collect();
                        let order = |id: &String| {
                            self.servers_of(user)
                                .iter()
                                .flat_map(|s| self.server_channel_ids(s))
                                .position(|c| c == *id)
                                .unwrap_or(usize::MAX)
                        };
                        lost.sort_by_key(|id| (order(id), id.clone()));
                        let gained: Vec<&String> = after
                            .iter()
                            .filter(|c| !connection.visible.contains(*c))
                            .collect();
                        updates.push((*id, after_set));
                        if lost.is_empty() && gained.is_empty() {
                            event
                        } else {
                            let mut v: Vec<Value> = lost
                                .iter()
                                .map(|id| json!({"type": "ChannelDelete", "id": id}))
                                .collect();
                            v.extend(gained.iter().filter_map(|id| self.channel_create_event(id)));
                            v.push(event);
                            json!({"type": "Bulk", "v": v})
                        }
                    } else {
                        event
                    }
                }
            };
            let _ = connection.tx.send(ConnCommand::Event(outgoing));
        }
        for (id, visible) in updates {
            if let Some(connection) = self.connections.get_mut(&id) {
                connection.visible = visible;
            }
        }
    }
}

/// The users holding `role` in `server`.
pub(crate) fn holders(state: &State, server: &str, role: &str) -> Vec<String> {
    state
        .members
        .iter()
        .filter(|m| m.server == server && m.roles.iter().any(|r| r == role))
        .map(|m| m.user.clone())
        .collect()
}
