//! Event fan-out: who receives what (bonfire's topics, reference §1.5) and the
//! per-connection rewriting bonfire does before sending (§1.7).

use serde_json::{json, Value};

use super::permissions;
use super::state::{ConnCommand, Connection, Identity, State};

/// A pub/sub topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Topic {
    /// `{user}` and `{user}!`: the user's own and private topics (plus everyone who
    /// knows the user through a relationship).
    User(String),
    /// `{user}!`: the user's private topic (only the user's own sessions).
    Private(String),
    /// `{server}`: every member.
    Server(String),
    /// `{channel}`: everyone who can see the channel.
    Channel(String),
    /// `{server}u`: user updates of a server's members; bots of the server get them
    /// automatically, users after a gateway `Subscribe`.
    ServerUsers(String),
}

impl State {
    /// Whether an authenticated connection is subscribed to `topic`.
    pub(crate) fn receives(&self, connection: &Connection, topic: &Topic) -> bool {
        let Some(identity) = &connection.identity else {
            return false;
        };
        let me = identity.user_id.as_str();
        match topic {
            Topic::User(user) => {
                user == me
                    || self
                        .users
                        .get(me)
                        .is_some_and(|u| u.relations.iter().any(|(id, _)| id == user))
            }
            Topic::Private(user) => user == me,
            Topic::Server(server) => self.member(server, me).is_some(),
            Topic::Channel(channel) => permissions::can_view(self, channel, me),
            Topic::ServerUsers(server) => {
                self.member(server, me).is_some()
                    && (identity.is_bot || connection.subscriptions.iter().any(|s| s == server))
            }
        }
    }

    /// Publishes an event to a topic: every authenticated connection subscribed to it gets
    /// its own rewritten copy.
    pub(crate) fn publish(&self, topic: &Topic, event: &Value) {
        self.publish_many(std::slice::from_ref(topic), event);
    }

    /// Publishes one event to several topics; a connection subscribed to more than one of
    /// them still gets it once (bonfire de-duplicates).
    pub(crate) fn publish_many(&self, topics: &[Topic], event: &Value) {
        for connection in self.connections.values() {
            let Some(identity) = &connection.identity else {
                continue;
            };
            if topics.iter().any(|topic| self.receives(connection, topic)) {
                let event = self.rewrite_for(identity, event);
                let _ = connection.tx.send(ConnCommand::Event(event));
            }
        }
    }

    /// Sends an event, unchanged, to every authenticated connection.
    pub(crate) fn push_to_all(&self, event: &Value) {
        for connection in self.connections.values() {
            if connection.identity.is_some() {
                let _ = connection.tx.send(ConnCommand::Event(event.clone()));
            }
        }
    }

    /// bonfire's per-receiver rewriting: `Message.user.relationship` becomes the receiver's
    /// relationship with the author, and `UserUpdate.event_id` is always `null`.
    pub(crate) fn rewrite_for(&self, identity: &Identity, event: &Value) -> Value {
        let mut event = event.clone();
        match event.get("type").and_then(Value::as_str) {
            Some("Message") => {
                let author = event
                    .get("user")
                    .and_then(|u| u.get("_id"))
                    .and_then(Value::as_str)
                    .map(str::to_owned);
                if let (Some(author), Some(user)) = (author, event.get_mut("user")) {
                    if let Some(user) = user.as_object_mut() {
                        let relationship = self.relationship(&identity.user_id, &author);
                        user.insert("relationship".into(), Value::from(relationship));
                    }
                }
            }
            Some("UserUpdate") => {
                if let Some(map) = event.as_object_mut() {
                    map.insert("event_id".into(), Value::Null);
                }
            }
            _ => {}
        }
        event
    }

    /// `EventV1::p_user`: a user's own topic plus `{server}u` of each of their servers.
    pub(crate) fn publish_user(&self, user: &str, event: &Value) {
        let mut topics: Vec<Topic> = self
            .servers_of(user)
            .into_iter()
            .map(Topic::ServerUsers)
            .collect();
        topics.push(Topic::User(user.to_owned()));
        self.publish_many(&topics, event);
    }

    /// Presence: `UserUpdate{online}` to the user's servers and own topic.
    pub(crate) fn publish_presence(&self, user: &str, online: bool) {
        let event = json!({
            "type": "UserUpdate",
            "id": user,
            "data": {"online": online},
            "clear": [],
            "event_id": null
        });
        let mut topics: Vec<Topic> = self
            .servers_of(user)
            .into_iter()
            .map(Topic::Server)
            .collect();
        topics.push(Topic::User(user.to_owned()));
        self.publish_many(&topics, &event);
    }
}
