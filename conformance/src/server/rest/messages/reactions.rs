//! Reactions: add, remove (own, someone else's, or an emoji for everyone), clear all.

use serde_json::{json, Map, Value};

use super::send::is_valid_emoji;
use super::{channel, message, update_message};
use crate::server::errors::ApiError;
use crate::server::events::Topic;
use crate::server::permissions::{self, bits};
use crate::server::rest::{Ctx, HandlerResult, Reply};

const REACT: &str = "crates/delta/src/routes/channels/message_react.rs:33:13";

const MAX_REACTIONS: usize = 20;

pub(super) fn react(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let (channel_id, id, emoji) = (ctx.param(0), ctx.param(1), ctx.param(2));
    channel(ctx.state, &channel_id, &me)?;
    permissions::require_channel(ctx.state, &channel_id, &me, bits::REACT)?;
    let stored = message(ctx.state, &channel_id, &id)?;
    let reactions = stored
        .get("reactions")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let interactions = stored.get("interactions");
    let restricted = interactions
        .and_then(|i| i.get("restrict_reactions"))
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let allowed = interactions
        .and_then(|i| i.get("reactions"))
        .and_then(Value::as_array)
        .is_some_and(|list| list.iter().any(|e| e.as_str() == Some(emoji.as_str())));
    if (restricted && !allowed)
        || (!reactions.contains_key(&emoji) && reactions.len() >= MAX_REACTIONS)
        || !is_valid_emoji(ctx.state, &emoji)?
    {
        return Err(ApiError::new("InvalidOperation", REACT).into());
    }
    let already = reactions
        .get(&emoji)
        .and_then(Value::as_array)
        .is_some_and(|users| users.iter().any(|u| u.as_str() == Some(me.as_str())));
    if !already {
        update_message(ctx.state, &channel_id, &id, |map| {
            let reactions = map
                .entry("reactions")
                .or_insert_with(|| Value::Object(Map::new()));
            if let Some(reactions) = reactions.as_object_mut() {
                if let Some(users) = reactions
                    .entry(emoji.clone())
                    .or_insert_with(|| Value::Array(Vec::new()))
                    .as_array_mut()
                {
                    users.push(Value::from(me.clone()));
                }
            }
        });
        let event = json!({"type": "MessageReact", "id": id, "channel_id": channel_id,
            "user_id": me, "emoji_id": emoji});
        ctx.state
            .publish(&Topic::Channel(channel_id.clone()), &event);
    }
    Ok(Reply::NoContent)
}

pub(super) fn unreact(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let (channel_id, id, emoji) = (ctx.param(0), ctx.param(1), ctx.param(2));
    let remove_all = ctx.query_bool("remove_all")?;
    let user = ctx.query("user_id").unwrap_or(&me).to_owned();
    channel(ctx.state, &channel_id, &me)?;
    if remove_all || user != me {
        permissions::require_channel(ctx.state, &channel_id, &me, bits::MANAGE_MESSAGES)?;
    }
    message(ctx.state, &channel_id, &id)?;
    let mut changed = false;
    update_message(ctx.state, &channel_id, &id, |map| {
        if let Some(reactions) = map.get_mut("reactions").and_then(Value::as_object_mut) {
            if remove_all {
                changed = reactions.remove(&emoji).is_some();
            } else if let Some(users) = reactions.get_mut(&emoji).and_then(Value::as_array_mut) {
                let before = users.len();
                users.retain(|u| u.as_str() != Some(user.as_str()));
                changed = users.len() != before;
                if users.is_empty() {
                    reactions.remove(&emoji);
                }
            }
            if reactions.is_empty() {
                map.remove("reactions");
            }
        }
    });
    if changed {
        let event = if remove_all {
            json!({"type": "MessageRemoveReaction", "id": id, "channel_id": channel_id, "emoji_id": emoji})
        } else {
            json!({"type": "MessageUnreact", "id": id, "channel_id": channel_id,
                "user_id": user, "emoji_id": emoji})
        };
        ctx.state
            .publish(&Topic::Channel(channel_id.clone()), &event);
    }
    Ok(Reply::NoContent)
}

pub(super) fn clear_reactions(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let (channel_id, id) = (ctx.param(0), ctx.param(1));
    channel(ctx.state, &channel_id, &me)?;
    permissions::require_channel(ctx.state, &channel_id, &me, bits::MANAGE_MESSAGES)?;
    message(ctx.state, &channel_id, &id)?;
    update_message(ctx.state, &channel_id, &id, |map| {
        map.remove("reactions");
    });
    let event = json!({"type": "MessageUpdate", "id": id, "channel": channel_id,
        "data": {"reactions": {}}, "clear": []});
    ctx.state
        .publish(&Topic::Channel(channel_id.clone()), &event);
    Ok(Reply::NoContent)
}
