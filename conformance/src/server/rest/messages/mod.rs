//! `/channels/{id}/messages…` routes: query, send, fetch, edit, delete, bulk delete,
//! reactions and pins, with the events the real server publishes for each. This module
//! holds the route table and what the areas share (lookups, storage, key order).

mod edit;
mod pins;
mod query;
mod reactions;
mod send;

use http::Method;
use serde_json::{json, Map, Value};

use super::channels::CHANNEL_NOT_FOUND;
use super::{Auth, Reject, Route};
use crate::server::errors::ApiError;
use crate::server::events::Topic;
use crate::server::permissions;
use crate::server::state::State;
use crate::server::wire;

use edit::{bulk_delete, delete, edit};
use pins::{pin, unpin};
use query::{fetch, query_messages};
use reactions::{clear_reactions, react, unreact};
use send::send;
pub(crate) use send::{
    payload_len, render_embed, send_message, send_message_as, MessageDraft, SendableEmbed, Sender,
};

pub(super) fn routes() -> Vec<Route> {
    vec![
        Route::new(
            Method::GET,
            "/channels/{}/messages",
            Auth::User,
            query_messages,
        ),
        Route::new(Method::POST, "/channels/{}/messages", Auth::User, send),
        Route::new(
            Method::DELETE,
            "/channels/{}/messages/bulk",
            Auth::User,
            bulk_delete,
        ),
        Route::new(Method::GET, "/channels/{}/messages/{}", Auth::User, fetch),
        Route::new(Method::PATCH, "/channels/{}/messages/{}", Auth::User, edit),
        Route::new(
            Method::DELETE,
            "/channels/{}/messages/{}",
            Auth::User,
            delete,
        ),
        Route::new(
            Method::PUT,
            "/channels/{}/messages/{}/reactions/{}",
            Auth::User,
            react,
        ),
        Route::new(
            Method::DELETE,
            "/channels/{}/messages/{}/reactions/{}",
            Auth::User,
            unreact,
        ),
        Route::new(
            Method::DELETE,
            "/channels/{}/messages/{}/reactions",
            Auth::User,
            clear_reactions,
        ),
        Route::new(
            Method::POST,
            "/channels/{}/messages/{}/pin",
            Auth::User,
            pin,
        ),
        Route::new(
            Method::DELETE,
            "/channels/{}/messages/{}/pin",
            Auth::User,
            unpin,
        ),
    ]
}

pub(super) const MESSAGE_NOT_FOUND: &str =
    "crates/core/database/src/models/messages/ops/reference.rs:33:28";

/// Key order of `Message` (struct declaration order).
pub(super) const MESSAGE_KEYS: &[&str] = &[
    "_id",
    "nonce",
    "channel",
    "author",
    "user",
    "member",
    "webhook",
    "content",
    "system",
    "attachments",
    "edited",
    "embeds",
    "mentions",
    "role_mentions",
    "replies",
    "reactions",
    "interactions",
    "masquerade",
    "pinned",
    "flags",
];

pub(super) fn put_opt(map: &mut Map<String, Value>, key: &str, value: Option<Value>) {
    if let Some(value) = value {
        map.insert(key.to_owned(), value);
    }
}

pub(super) fn ordered(map: Map<String, Value>) -> Value {
    Value::Object(wire::reorder(map, MESSAGE_KEYS))
}

/// Looks up a channel the user can see.
pub(super) fn channel(state: &State, id: &str, me: &str) -> Result<Value, Reject> {
    let channel = state
        .channels
        .get(id)
        .cloned()
        .ok_or_else(|| ApiError::not_found(CHANNEL_NOT_FOUND))?;
    if !permissions::can_view(state, id, me) {
        return Err(ApiError::missing_permission("ViewChannel").into());
    }
    Ok(channel)
}

pub(super) fn message(state: &State, channel: &str, id: &str) -> Result<Value, Reject> {
    state
        .message(channel, id)
        .cloned()
        .ok_or_else(|| ApiError::not_found(MESSAGE_NOT_FOUND).into())
}

/// A stored message with `user` and `member` added after `author`, as in send responses
/// and `Message` events (relationship `None`; bonfire rewrites it per receiver).
pub(crate) fn with_author(state: &State, message: &Value) -> Value {
    let Some(map) = message.as_object() else {
        return message.clone();
    };
    let author = wire::str_field(message, "author").unwrap_or_default();
    let channel = wire::str_field(message, "channel").unwrap_or_default();
    let mut extra = Vec::new();
    if let Some(user) = state.render_user(author, None) {
        extra.push(("user".to_owned(), user));
        if let Some(server) = state.channel_server(channel) {
            if let Some(member) = state.member(&server, author) {
                extra.push(("member".to_owned(), member.render()));
            }
        }
    }
    Value::Object(wire::insert_after(map, "author", extra))
}

pub(super) fn set_last_message_id(state: &mut State, channel: &str, id: Option<String>) {
    if let Some(Value::Object(map)) = state.channels.get_mut(channel) {
        match id {
            Some(id) => {
                map.insert("last_message_id".into(), Value::from(id));
            }
            None => {
                map.remove("last_message_id");
            }
        }
        let reordered = wire::reorder(std::mem::take(map), crate::server::models::CHANNEL_KEYS);
        *map = reordered;
    }
}

/// Stores a message, updates the channel's `last_message_id` and publishes `Message`.
pub(super) fn store_and_publish(state: &mut State, channel: &str, message: Value) {
    let id = wire::str_field(&message, "_id").map(str::to_owned);
    state.store_message(channel, message.clone());
    set_last_message_id(state, channel, id);
    let event = {
        let mut event = Map::new();
        event.insert("type".into(), Value::from("Message"));
        if let Value::Object(fields) = with_author(state, &message) {
            event.extend(fields);
        }
        Value::Object(event)
    };
    state.publish(&Topic::Channel(channel.to_owned()), &event);
}

/// Removes messages; if the channel's last message went, `last_message_id` moves back to
/// the newest remaining one (announced with `ChannelUpdate`).
pub(super) fn remove_messages(state: &mut State, channel_id: &str, ids: &[String]) {
    let last = state
        .channels
        .get(channel_id)
        .and_then(|c| wire::str_field(c, "last_message_id"))
        .map(str::to_owned);
    if let Some(messages) = state.messages.get_mut(channel_id) {
        for id in ids {
            messages.remove(id);
        }
    }
    if last.as_ref().is_some_and(|last| ids.contains(last)) {
        let previous = state
            .messages
            .get(channel_id)
            .and_then(|m| m.keys().next_back().cloned());
        if let Some(previous) = previous {
            set_last_message_id(state, channel_id, Some(previous.clone()));
            let event = json!({"type": "ChannelUpdate", "id": channel_id,
                "data": {"last_message_id": previous}, "clear": []});
            let topic = match state.channel_server(channel_id) {
                Some(server) => Topic::Server(server),
                None => Topic::Channel(channel_id.to_owned()),
            };
            state.publish(&topic, &event);
        }
    }
}

pub(super) fn update_message(
    state: &mut State,
    channel_id: &str,
    id: &str,
    change: impl FnOnce(&mut Map<String, Value>),
) {
    if let Some(Value::Object(map)) = state
        .messages
        .get_mut(channel_id)
        .and_then(|m| m.get_mut(id))
    {
        change(map);
        let reordered = wire::reorder(std::mem::take(map), MESSAGE_KEYS);
        *map = reordered;
    }
}
