//! Pinning and unpinning: a `MessageUpdate` first, then the system message.

use serde_json::{json, Value};

use super::{channel, message, store_and_publish, update_message};
use crate::server::errors::ApiError;
use crate::server::events::Topic;
use crate::server::permissions::{self, bits};
use crate::server::rest::{Ctx, HandlerResult, Reply};
use crate::server::state::State;
use crate::server::wire::SYSTEM_AUTHOR;

const PIN: &str = "crates/delta/src/routes/channels/message_pin.rs:30:20";

fn system_message(state: &mut State, channel_id: &str, kind: &str, target: &str, by: &str) {
    let message = json!({
        "_id": state.new_id(),
        "channel": channel_id,
        "author": SYSTEM_AUTHOR,
        "system": {"type": kind, "id": target, "by": by}
    });
    store_and_publish(state, channel_id, message);
}

fn set_pinned(ctx: &mut Ctx<'_>, pinned: bool) -> HandlerResult {
    let me = ctx.me()?;
    let (channel_id, id) = (ctx.param(0), ctx.param(1));
    channel(ctx.state, &channel_id, &me)?;
    permissions::require_channel(ctx.state, &channel_id, &me, bits::MANAGE_MESSAGES)?;
    let stored = message(ctx.state, &channel_id, &id)?;
    let is_pinned = stored
        .get("pinned")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if pinned && is_pinned {
        return Err(ApiError::new("AlreadyPinned", PIN).into());
    }
    if !pinned && !is_pinned {
        return Err(ApiError::new("NotPinned", PIN).into());
    }
    update_message(ctx.state, &channel_id, &id, |map| {
        if pinned {
            map.insert("pinned".into(), Value::from(true));
        } else {
            map.remove("pinned");
        }
    });
    let (event, kind) = if pinned {
        (
            json!({"type": "MessageUpdate", "id": id, "channel": channel_id,
                "data": {"pinned": true}, "clear": []}),
            "message_pinned",
        )
    } else {
        (
            json!({"type": "MessageUpdate", "id": id, "channel": channel_id,
                "data": {}, "clear": ["Pinned"]}),
            "message_unpinned",
        )
    };
    ctx.state
        .publish(&Topic::Channel(channel_id.clone()), &event);
    system_message(ctx.state, &channel_id, kind, &id, &me);
    Ok(Reply::NoContent)
}

pub(super) fn pin(ctx: &mut Ctx<'_>) -> HandlerResult {
    set_pinned(ctx, true)
}

pub(super) fn unpin(ctx: &mut Ctx<'_>) -> HandlerResult {
    set_pinned(ctx, false)
}
