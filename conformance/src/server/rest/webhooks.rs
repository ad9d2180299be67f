//! `/webhooks` (mounted with `features.webhooks_enabled`): manage a webhook as a user, or
//! through its token: fetch, edit, delete, execute, and edit or delete its messages.
//! Webhook tokens never appear in events.

use http::Method;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::messages::{send_message_as, MessageDraft, Sender};
use super::{lookup, Auth, Ctx, HandlerResult, Reject, Reply, Route};
use crate::server::errors::ApiError;
use crate::server::events::Topic;
use crate::server::models;
use crate::server::permissions::{self, bits};
use crate::server::state::State;
use crate::server::wire;

pub(super) fn routes() -> Vec<Route> {
    vec![
        Route::new(Method::GET, "/webhooks/{}", Auth::User, fetch_webhook),
        Route::new(Method::PATCH, "/webhooks/{}", Auth::User, edit_webhook),
        Route::new(Method::DELETE, "/webhooks/{}", Auth::User, delete_webhook),
        Route::new(Method::GET, "/webhooks/{}/{}", Auth::None, fetch_with_token),
        Route::new(
            Method::PATCH,
            "/webhooks/{}/{}",
            Auth::None,
            edit_with_token,
        ),
        Route::new(
            Method::DELETE,
            "/webhooks/{}/{}",
            Auth::None,
            delete_with_token,
        ),
        Route::new(Method::POST, "/webhooks/{}/{}", Auth::None, execute),
        Route::new(
            Method::PATCH,
            "/webhooks/{}/{}/{}",
            Auth::None,
            edit_message,
        ),
        Route::new(
            Method::DELETE,
            "/webhooks/{}/{}/{}",
            Auth::None,
            delete_message,
        ),
    ]
}

const EDIT: &str = "crates/delta/src/routes/webhooks/webhook_edit.rs:24:9";
const EDIT_TOKEN: &str = "crates/delta/src/routes/webhooks/webhook_edit_token.rs:21:9";
const BAD_TOKEN: &str = "crates/core/database/src/models/channel_webhooks/model.rs:77:17";
const EDIT_MESSAGE: &str = "crates/delta/src/routes/webhooks/webhook_edit_message.rs:25:9";
const EDIT_MESSAGE_NOT_OURS: &str =
    "crates/delta/src/routes/webhooks/webhook_edit_message.rs:41:20";
const DELETE_MESSAGE_NOT_OURS: &str =
    "crates/delta/src/routes/webhooks/webhook_delete_message.rs:23:20";
const PAYLOAD_TOO_LARGE: &str = "crates/core/database/src/models/messages/model.rs:994:17";

fn webhook(state: &State, id: &str) -> Result<Value, ApiError> {
    state
        .webhooks
        .get(id)
        .cloned()
        .ok_or_else(|| ApiError::not_found(lookup::WEBHOOK_NOT_FOUND))
}

fn channel_of(webhook: &Value) -> String {
    wire::str_field(webhook, "channel_id")
        .unwrap_or_default()
        .to_owned()
}

/// `Webhook::assert_token`.
fn with_token(state: &State, id: &str, token: &str) -> Result<Value, ApiError> {
    let webhook = webhook(state, id)?;
    if wire::str_field(&webhook, "token") == Some(token) {
        Ok(webhook)
    } else {
        Err(ApiError::new("NotAuthenticated", BAD_TOKEN))
    }
}

/// The webhook as a user sees it through `GET /webhooks/{id}` (`ResponseWebhook`).
fn response_webhook(webhook: &Value) -> Value {
    json!({
        "id": webhook.get("id"),
        "name": webhook.get("name"),
        "avatar": webhook.get("avatar").and_then(|a| a.get("_id")).cloned().unwrap_or(Value::Null),
        "channel_id": webhook.get("channel_id"),
        "permissions": webhook.get("permissions"),
    })
}

fn fetch_webhook(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let id = ctx.param(0);
    let webhook = webhook(ctx.state, &id)?;
    let channel = channel_of(&webhook);
    lookup::channel(ctx.state, &channel)?;
    permissions::require_channel(ctx.state, &channel, &me, bits::VIEW_CHANNEL)?;
    Ok(Reply::Json(response_webhook(&webhook)))
}

fn fetch_with_token(ctx: &mut Ctx<'_>) -> HandlerResult {
    let (id, token) = (ctx.param(0), ctx.param(1));
    Ok(Reply::Json(with_token(ctx.state, &id, &token)?))
}

/// `DataEditWebhook`.
#[derive(Debug, Deserialize)]
struct EditWebhook {
    name: Option<String>,
    avatar: Option<String>,
    permissions: Option<u64>,
    #[serde(default)]
    remove: Vec<String>,
}

fn parse_edit(ctx: &Ctx<'_>, location: &str) -> Result<EditWebhook, Reject> {
    let body: EditWebhook = ctx.json()?;
    if !models::check_fields(&body.remove, &["Avatar"]) {
        return Err(Reject::Catcher(422));
    }
    models::check_length("name", body.name.as_deref(), 1, 32, location)?;
    models::check_length("avatar", body.avatar.as_deref(), 1, 128, location)?;
    Ok(body)
}

/// `Webhook::update`: the stored webhook changes, `WebhookUpdate{id, data, remove}` (no
/// token in `data`) goes to the channel. Like the server, a body with only `permissions`
/// changes nothing.
fn apply_edit(state: &mut State, webhook: Value, body: EditWebhook) -> Result<Value, ApiError> {
    if body.name.is_none() && body.avatar.is_none() && body.remove.is_empty() {
        return Ok(webhook);
    }
    let id = wire::str_field(&webhook, "id")
        .unwrap_or_default()
        .to_owned();
    let avatar = match &body.avatar {
        Some(file) => Some(lookup::use_file(state, file, "avatars")?),
        None => None,
    };
    let mut partial = Map::new();
    if let Some(name) = &body.name {
        partial.insert("name".into(), Value::from(name.clone()));
    }
    if let Some(avatar) = avatar {
        partial.insert("avatar".into(), avatar);
    }
    if let Some(permissions) = body.permissions {
        partial.insert("permissions".into(), Value::from(permissions));
    }
    let mut webhook = webhook;
    if let Value::Object(map) = &mut webhook {
        if !body.remove.is_empty() {
            map.remove("avatar");
        }
        for (key, value) in &partial {
            map.insert(key.clone(), value.clone());
        }
    }
    let webhook = models::ordered(webhook, models::WEBHOOK_KEYS);
    state.webhooks.insert(id.clone(), webhook.clone());
    let event = json!({
        "type": "WebhookUpdate",
        "id": id,
        "data": models::object(partial, models::WEBHOOK_KEYS),
        "remove": body.remove,
    });
    state.publish(&Topic::Channel(channel_of(&webhook)), &event);
    Ok(webhook)
}

fn edit_webhook(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let id = ctx.param(0);
    let body = parse_edit(ctx, EDIT)?;
    let webhook = webhook(ctx.state, &id)?;
    let channel = channel_of(&webhook);
    lookup::channel(ctx.state, &channel)?;
    permissions::require_channel(ctx.state, &channel, &me, bits::MANAGE_WEBHOOKS)?;
    Ok(Reply::Json(apply_edit(ctx.state, webhook, body)?))
}

fn edit_with_token(ctx: &mut Ctx<'_>) -> HandlerResult {
    let (id, token) = (ctx.param(0), ctx.param(1));
    let body = parse_edit(ctx, EDIT_TOKEN)?;
    let webhook = with_token(ctx.state, &id, &token)?;
    Ok(Reply::Json(apply_edit(ctx.state, webhook, body)?))
}

fn remove_webhook(state: &mut State, webhook: &Value) {
    let id = wire::str_field(webhook, "id")
        .unwrap_or_default()
        .to_owned();
    state.webhooks.remove(&id);
    let event = json!({"type": "WebhookDelete", "id": id});
    state.publish(&Topic::Channel(channel_of(webhook)), &event);
}

fn delete_webhook(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let id = ctx.param(0);
    ctx.audit_reason()?;
    let webhook = webhook(ctx.state, &id)?;
    let channel = channel_of(&webhook);
    lookup::channel(ctx.state, &channel)?;
    permissions::require_channel(ctx.state, &channel, &me, bits::MANAGE_WEBHOOKS)?;
    remove_webhook(ctx.state, &webhook);
    Ok(Reply::NoContent)
}

fn delete_with_token(ctx: &mut Ctx<'_>) -> HandlerResult {
    let (id, token) = (ctx.param(0), ctx.param(1));
    let webhook = with_token(ctx.state, &id, &token)?;
    remove_webhook(ctx.state, &webhook);
    Ok(Reply::NoContent)
}

fn execute(ctx: &mut Ctx<'_>) -> HandlerResult {
    let (id, token) = (ctx.param(0), ctx.param(1));
    let key = ctx.idempotency_key()?;
    let draft: MessageDraft = ctx.json()?;
    let webhook = with_token(ctx.state, &id, &token)?;
    let perms = webhook
        .get("permissions")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    permissions::require_value(perms, bits::SEND_MESSAGE)?;
    if draft.attachments.as_ref().is_some_and(|a| !a.is_empty()) {
        permissions::require_value(perms, bits::UPLOAD_FILES)?;
    }
    if draft.embeds.as_ref().is_some_and(|e| !e.is_empty()) {
        permissions::require_value(perms, bits::SEND_EMBEDS)?;
    }
    if draft.masquerade.is_some() {
        permissions::require_value(perms, bits::MASQUERADE)?;
    }
    if draft.interactions.is_some() {
        permissions::require_value(perms, bits::REACT)?;
    }
    let channel = channel_of(&webhook);
    let message = send_message_as(ctx.state, Sender::Webhook(&webhook), &channel, draft, key)?;
    Ok(Reply::Json(message))
}

/// A message by id, in any channel (`Reference::as_message`).
fn find_message(state: &State, id: &str) -> Result<(String, Value), ApiError> {
    state
        .messages
        .iter()
        .find_map(|(channel, messages)| Some((channel.clone(), messages.get(id)?.clone())))
        .ok_or_else(|| ApiError::not_found(lookup::MESSAGE_NOT_FOUND))
}

/// `DataEditMessage`.
#[derive(Debug, Deserialize)]
struct EditMessage {
    content: Option<String>,
    embeds: Option<Vec<super::messages::SendableEmbed>>,
}

fn edit_message(ctx: &mut Ctx<'_>) -> HandlerResult {
    let (id, token, message_id) = (ctx.param(0), ctx.param(1), ctx.param(2));
    let body: EditMessage = ctx.json()?;
    if body.content.as_deref() == Some("") {
        return Err(ApiError::failed_validation(
            "content: Validation error: length [{\"min\": Number(1), \"value\": String(\"\")}]"
                .into(),
            EDIT_MESSAGE,
        )
        .into());
    }
    let embeds = body.embeds.unwrap_or_default();
    if embeds.len() > 10 {
        return Err(ApiError::failed_validation(
            "embeds: Validation error: length [{\"max\": Number(10)}]".into(),
            EDIT_MESSAGE,
        )
        .into());
    }
    if super::messages::payload_len(body.content.as_deref(), &embeds) > 2000 {
        return Err(ApiError::new("PayloadTooLarge", PAYLOAD_TOO_LARGE).into());
    }
    let webhook = with_token(ctx.state, &id, &token)?;
    let (channel, stored) = find_message(ctx.state, &message_id)?;
    if wire::str_field(&stored, "author") != Some(id.as_str()) {
        return Err(ApiError::new("CannotEditMessage", EDIT_MESSAGE_NOT_OURS).into());
    }
    let _ = webhook;
    let mut rendered = Vec::new();
    if body.content.is_none() && embeds.is_empty() {
        // Only the text embeds are kept when nothing replaces them.
        rendered.extend(
            stored
                .get("embeds")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter(|e| wire::str_field(e, "type") == Some("Text"))
                .cloned(),
        );
    } else {
        for embed in &embeds {
            rendered.push(super::messages::render_embed(ctx.state, embed)?);
        }
    }
    let mut data = Map::new();
    data.insert("edited".into(), Value::from(wire::iso_now()));
    if let Some(content) = &body.content {
        data.insert("content".into(), Value::from(content.clone()));
    }
    data.insert("embeds".into(), Value::from(rendered));
    let data = models::object(data, super::messages::MESSAGE_KEYS);
    super::messages::update_message(ctx.state, &channel, &message_id, |map| {
        if let Value::Object(fields) = &data {
            for (key, value) in fields {
                map.insert(key.clone(), value.clone());
            }
        }
    });
    let event = json!({"type": "MessageUpdate", "id": message_id, "channel": channel,
        "data": data, "clear": []});
    ctx.state.publish(&Topic::Channel(channel.clone()), &event);
    let (_, message) = find_message(ctx.state, &message_id)?;
    Ok(Reply::Json(message))
}

fn delete_message(ctx: &mut Ctx<'_>) -> HandlerResult {
    let (id, token, message_id) = (ctx.param(0), ctx.param(1), ctx.param(2));
    with_token(ctx.state, &id, &token)?;
    let (channel, stored) = find_message(ctx.state, &message_id)?;
    if wire::str_field(&stored, "author") != Some(id.as_str()) {
        return Err(ApiError::new("CannotDeleteMessage", DELETE_MESSAGE_NOT_OURS).into());
    }
    super::messages::remove_messages(ctx.state, &channel, std::slice::from_ref(&message_id));
    let event = json!({"type": "MessageDelete", "id": message_id, "channel": channel});
    ctx.state.publish(&Topic::Channel(channel.clone()), &event);
    Ok(Reply::NoContent)
}
