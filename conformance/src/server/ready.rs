//! The `Ready` event (reference §1.4) with `ready=` field selection and its quirks.

use serde_json::{Map, Value};

use super::permissions;
use super::state::{Identity, State};
use super::wire;

/// Which `Ready` fields a connection asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ReadyFields {
    users: bool,
    servers: bool,
    channels: bool,
    members: bool,
    emojis: bool,
    voice_states: bool,
    user_settings: Vec<String>,
    channel_unreads: bool,
    policy_changes: bool,
}

impl Default for ReadyFields {
    fn default() -> Self {
        Self {
            users: true,
            servers: true,
            channels: true,
            members: true,
            emojis: true,
            voice_states: true,
            user_settings: Vec::new(),
            channel_unreads: false,
            policy_changes: true,
        }
    }
}

impl ReadyFields {
    /// From the values of the repeated `ready` query key. No key at all gives the
    /// defaults; any key starts from nothing. The server matches the *whole* regex match,
    /// so `user_settings[ordering]` is ignored and `user_settings` asks for a setting
    /// literally named `user_settings`.
    pub(crate) fn from_query(values: &[String]) -> Self {
        if values.is_empty() {
            return Self::default();
        }
        let mut fields = Self {
            users: false,
            servers: false,
            channels: false,
            members: false,
            emojis: false,
            voice_states: false,
            user_settings: Vec::new(),
            channel_unreads: false,
            policy_changes: false,
        };
        for value in values {
            match value.as_str() {
                "users" => fields.users = true,
                "servers" => fields.servers = true,
                "channels" => fields.channels = true,
                "members" => fields.members = true,
                "emojis" => fields.emojis = true,
                "voice_states" => fields.voice_states = true,
                "channel_unreads" => fields.channel_unreads = true,
                "policy_changes" => fields.policy_changes = true,
                "user_settings" => fields.user_settings.push("user_settings".to_owned()),
                _ => {}
            }
        }
        fields
    }
}

fn is_private_member(channel: &Value, user: &str) -> bool {
    match wire::str_field(channel, "channel_type") {
        Some("SavedMessages") => wire::str_field(channel, "user") == Some(user),
        Some("DirectMessage" | "Group") => channel
            .get("recipients")
            .and_then(Value::as_array)
            .is_some_and(|r| r.iter().any(|id| id.as_str() == Some(user))),
        _ => false,
    }
}

/// Builds the `Ready` payload for `identity`.
pub(crate) fn build(state: &State, identity: &Identity, fields: &ReadyFields) -> Value {
    let me = identity.user_id.as_str();
    let mut ready = Map::new();
    ready.insert("type".into(), Value::from("Ready"));

    let private_channels: Vec<&Value> = state
        .channels
        .values()
        .filter(|c| is_private_member(c, me))
        .collect();

    if fields.users {
        let mut ids: Vec<String> = Vec::new();
        if let Some(user) = state.users.get(me) {
            ids.extend(user.relations.iter().map(|(id, _)| id.clone()));
        }
        for channel in &private_channels {
            for id in channel
                .get("recipients")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                ids.push(id.to_owned());
            }
        }
        let mut users = Vec::new();
        for id in ids {
            if id != me
                && !users
                    .iter()
                    .any(|u: &Value| wire::str_field(u, "_id") == Some(id.as_str()))
            {
                users.extend(state.render_user(&id, Some(me)));
            }
        }
        if let Some(mut own) = state.render_user(me, Some(me)) {
            if let Some(map) = own.as_object_mut() {
                map.insert("online".into(), Value::from(true));
            }
            users.push(own);
        }
        ready.insert("users".into(), Value::from(users));
    }

    let servers = state.servers_of(me);
    if fields.servers {
        let list: Vec<Value> = servers
            .iter()
            .filter_map(|id| state.servers.get(id).cloned())
            .collect();
        ready.insert("servers".into(), Value::from(list));
    }
    if fields.channels {
        let mut list: Vec<Value> = private_channels.iter().map(|c| (*c).clone()).collect();
        for server in &servers {
            let ids = state
                .servers
                .get(server)
                .and_then(|s| s.get("channels"))
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            for id in ids.iter().filter_map(Value::as_str) {
                if let Some(channel) = state.channels.get(id) {
                    if permissions::can_view(state, id, me) {
                        list.push(channel.clone());
                    }
                }
            }
        }
        ready.insert("channels".into(), Value::from(list));
    }
    if fields.members {
        let list: Vec<Value> = servers
            .iter()
            .filter_map(|server| state.member(server, me).map(|m| m.render()))
            .collect();
        ready.insert("members".into(), Value::from(list));
    }
    if fields.emojis {
        let emojis: Vec<Value> = state
            .emojis
            .values()
            .filter(|e| {
                e.get("parent")
                    .and_then(|p| p.get("id"))
                    .and_then(Value::as_str)
                    .is_some_and(|p| servers.iter().any(|s| s == p))
            })
            .cloned()
            .collect();
        ready.insert("emojis".into(), Value::from(emojis));
    }
    if fields.voice_states {
        ready.insert("voice_states".into(), Value::Array(Vec::new()));
    }
    if !fields.user_settings.is_empty() {
        let stored = state.settings.get(me);
        let mut settings = Map::new();
        for key in &fields.user_settings {
            if let Some(value) = stored.and_then(|s| s.get(key)) {
                settings.insert(key.clone(), value.clone());
            }
        }
        ready.insert("user_settings".into(), Value::Object(settings));
    }
    if fields.channel_unreads {
        ready.insert("channel_unreads".into(), Value::Array(Vec::new()));
    }
    if fields.policy_changes && !identity.is_bot {
        ready.insert("policy_changes".into(), Value::Array(Vec::new()));
    }
    Value::Object(ready)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owned(values: &[&str]) -> Vec<String> {
        values.iter().map(|v| (*v).to_owned()).collect()
    }

    #[test]
    fn field_selection() {
        assert_eq!(ReadyFields::from_query(&[]), ReadyFields::default());
        let f = ReadyFields::from_query(&owned(&["users", "servers"]));
        assert!(f.users && f.servers && !f.channels && !f.policy_changes);
        let f = ReadyFields::from_query(&owned(&["user_settings[ordering]"]));
        assert!(f.user_settings.is_empty() && !f.users);
        let f = ReadyFields::from_query(&owned(&["user_settings"]));
        assert_eq!(f.user_settings, ["user_settings"]);
    }
}
