//! Editing and deleting messages, one at a time or in bulk.

use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::send::{payload_len, render_embed, SendableEmbed, MESSAGE_LENGTH, PAYLOAD_TOO_LARGE};
use super::{channel, message, ordered, put_opt, remove_messages};
use crate::server::errors::ApiError;
use crate::server::events::Topic;
use crate::server::permissions::{self, bits};
use crate::server::rest::{Ctx, HandlerResult, Reply};
use crate::server::wire;

const BULK_TOO_OLD: &str = "crates/delta/src/routes/channels/message_bulk_delete.rs:47:24";
const BULK_VALIDATION: &str = "crates/delta/src/routes/channels/message_bulk_delete.rs:25:9";
const EDIT: &str = "crates/delta/src/routes/channels/message_edit.rs:35:20";

const SEVEN_DAYS_MS: u64 = 7 * 24 * 60 * 60 * 1000;

/// `DataEditMessage`.
#[derive(Debug, Deserialize)]
struct EditMessage {
    content: Option<String>,
    embeds: Option<Vec<SendableEmbed>>,
}

pub(super) fn edit(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let (channel_id, id) = (ctx.param(0), ctx.param(1));
    let body: EditMessage = ctx.json()?;
    if body.content.as_deref() == Some("") {
        return Err(ApiError::failed_validation(
            "content: Validation error: length [{\"min\": Number(1), \"value\": String(\"\")}]"
                .into(),
            EDIT,
        )
        .into());
    }
    let embeds = body.embeds.unwrap_or_default();
    if embeds.len() > 10 {
        return Err(ApiError::failed_validation(
            "embeds: Validation error: length [{\"max\": Number(10)}]".into(),
            EDIT,
        )
        .into());
    }
    channel(ctx.state, &channel_id, &me)?;
    let mut stored = message(ctx.state, &channel_id, &id)?;
    if wire::str_field(&stored, "author") != Some(me.as_str()) {
        return Err(ApiError::new("CannotEditMessage", EDIT).into());
    }
    if !embeds.is_empty() {
        permissions::require_channel(ctx.state, &channel_id, &me, bits::SEND_EMBEDS)?;
    }
    let content = body
        .content
        .clone()
        .or_else(|| wire::str_field(&stored, "content").map(str::to_owned));
    if payload_len(content.as_deref(), &embeds) > MESSAGE_LENGTH {
        return Err(ApiError::new("PayloadTooLarge", PAYLOAD_TOO_LARGE).into());
    }
    let mut rendered = Vec::new();
    for embed in &embeds {
        rendered.push(render_embed(ctx.state, embed)?);
    }
    let edited = wire::iso_now();
    let mut data = Map::new();
    put_opt(&mut data, "content", body.content.clone().map(Value::from));
    data.insert("edited".into(), Value::from(edited));
    data.insert("embeds".into(), Value::from(rendered));
    if let Value::Object(map) = &mut stored {
        for (key, value) in &data {
            map.insert(key.clone(), value.clone());
        }
        stored = ordered(std::mem::take(map));
    }
    ctx.state.store_message(&channel_id, stored.clone());
    let event = json!({"type": "MessageUpdate", "id": id, "channel": channel_id, "data": data, "clear": []});
    ctx.state
        .publish(&Topic::Channel(channel_id.clone()), &event);
    Ok(Reply::Json(stored))
}

pub(super) fn delete(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let (channel_id, id) = (ctx.param(0), ctx.param(1));
    channel(ctx.state, &channel_id, &me)?;
    let stored = message(ctx.state, &channel_id, &id)?;
    if wire::str_field(&stored, "author") != Some(me.as_str()) {
        permissions::require_channel(ctx.state, &channel_id, &me, bits::MANAGE_MESSAGES)?;
    }
    remove_messages(ctx.state, &channel_id, std::slice::from_ref(&id));
    let event = json!({"type": "MessageDelete", "id": id, "channel": channel_id});
    ctx.state
        .publish(&Topic::Channel(channel_id.clone()), &event);
    Ok(Reply::NoContent)
}

/// `OptionsBulkDelete`.
#[derive(Debug, Deserialize)]
struct BulkDelete {
    ids: Vec<String>,
}

pub(super) fn bulk_delete(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let channel_id = ctx.param(0);
    let body: BulkDelete = ctx.json()?;
    if body.ids.is_empty() || body.ids.len() > 100 {
        return Err(ApiError::failed_validation(
            format!(
                "ids: Validation error: length [{{\"min\": Number(1), \"max\": Number(100), \"value\": Array({})}}]",
                body.ids.len()
            ),
            BULK_VALIDATION,
        )
        .into());
    }
    channel(ctx.state, &channel_id, &me)?;
    let cutoff = wire::unix_now_ms().saturating_sub(SEVEN_DAYS_MS);
    if body
        .ids
        .iter()
        .any(|id| wire::ulid_timestamp_ms(id).is_none_or(|ms| ms < cutoff))
    {
        return Err(ApiError::new("InvalidOperation", BULK_TOO_OLD).into());
    }
    permissions::require_channel(ctx.state, &channel_id, &me, bits::MANAGE_MESSAGES)?;
    remove_messages(ctx.state, &channel_id, &body.ids);
    let event = json!({"type": "BulkMessageDelete", "channel": channel_id, "ids": body.ids});
    ctx.state
        .publish(&Topic::Channel(channel_id.clone()), &event);
    Ok(Reply::NoContent)
}
