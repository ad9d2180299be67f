//! `/channels/{id}` routes other than messages: fetch, edit, delete, permission overrides,
//! invites, group members and channel webhooks.

use http::Method;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::{lookup, Auth, Ctx, HandlerResult, Reject, Reply, Route};
use crate::server::errors::ApiError;
use crate::server::events::Topic;
use crate::server::models::{self, Override};
use crate::server::permissions::{self, bits};
use crate::server::state::State;
use crate::server::visibility::Recalc;
use crate::server::wire;

pub(crate) use super::lookup::CHANNEL_NOT_FOUND;

pub(super) fn routes() -> Vec<Route> {
    vec![
        Route::new(Method::GET, "/channels/{}", Auth::User, fetch_channel),
        Route::new(Method::PATCH, "/channels/{}", Auth::User, edit_channel),
        Route::new(Method::DELETE, "/channels/{}", Auth::User, delete_channel),
        Route::new(
            Method::PUT,
            "/channels/{}/permissions/default",
            Auth::User,
            set_default_permissions,
        ),
        Route::new(
            Method::PUT,
            "/channels/{}/permissions/{}",
            Auth::User,
            set_role_permissions,
        ),
        Route::new(
            Method::POST,
            "/channels/{}/invites",
            Auth::User,
            create_invite,
        ),
        Route::new(
            Method::GET,
            "/channels/{}/members",
            Auth::User,
            fetch_members,
        ),
        Route::new(
            Method::POST,
            "/channels/{}/webhooks",
            Auth::User,
            create_webhook,
        ),
        Route::new(
            Method::GET,
            "/channels/{}/webhooks",
            Auth::User,
            fetch_webhooks,
        ),
    ]
}

const EDIT: &str = "crates/delta/src/routes/channels/channel_edit.rs:31:9";
const EDIT_NOT_OWNER: &str = "crates/delta/src/routes/channels/channel_edit.rs:64:28";
const EDIT_NOT_IN_GROUP: &str = "crates/delta/src/routes/channels/channel_edit.rs:69:28";
const EDIT_OWNER_INVALID: &str = "crates/delta/src/routes/channels/channel_edit.rs:82:24";
const EDIT_INVALID: &str = "crates/delta/src/routes/channels/channel_edit.rs:267:25";
const DELETE_NO_EFFECT: &str = "crates/delta/src/routes/channels/channel_delete.rs:39:46";
const ROLE_NOT_ELEVATED: &str = "crates/delta/src/routes/channels/permissions_set.rs:43:28";
const ROLE_NOT_FOUND: &str = "crates/delta/src/routes/channels/permissions_set.rs:72:17";
const ROLE_INVALID: &str = "crates/delta/src/routes/channels/permissions_set.rs:75:13";
const DEFAULT_GROUP_INVALID: &str =
    "crates/delta/src/routes/channels/permissions_set_default.rs:50:28";
const DEFAULT_TEXT_INVALID: &str =
    "crates/delta/src/routes/channels/permissions_set_default.rs:84:28";
const DEFAULT_INVALID: &str = "crates/delta/src/routes/channels/permissions_set_default.rs:87:25";
const INVITE_IS_BOT: &str = "crates/delta/src/routes/channels/invite_create.rs:27:20";
const INVITE_INVALID: &str = "crates/core/database/src/models/channel_invites/model.rs:80:22";
const MEMBERS_INVALID: &str = "crates/delta/src/routes/channels/members_fetch.rs:33:13";
const WEBHOOK_VALIDATION: &str = "crates/delta/src/routes/channels/webhook_create.rs:30:9";
const WEBHOOK_INVALID: &str = "crates/delta/src/routes/channels/webhook_create.rs:38:20";

/// `FieldsChannel`.
const FIELDS_CHANNEL: &[&str] = &[
    "Description",
    "Icon",
    "DefaultPermissions",
    "Voice",
    "Slowmode",
];

/// Invite codes: `nanoid!(8)` over 54 unambiguous characters.
const INVITE_ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZabcdefghjkmnpqrstvwxyz";

fn channel_type(channel: &Value) -> &str {
    wire::str_field(channel, "channel_type").unwrap_or_default()
}

/// The topic channel events go to: the server for server channels, else the channel.
fn channel_topic(state: &State, channel: &str) -> Topic {
    match state.channel_server(channel) {
        Some(server) => Topic::Server(server),
        None => Topic::Channel(channel.to_owned()),
    }
}

/// Stores a changed channel in declaration order.
fn store_channel(state: &mut State, id: &str, mut channel: Value) -> Value {
    models::reorder_in_place(&mut channel, models::CHANNEL_KEYS);
    state.channels.insert(id.to_owned(), channel.clone());
    channel
}

fn fetch_channel(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let id = ctx.param(0);
    let channel = lookup::channel(ctx.state, &id)?;
    if !permissions::can_view(ctx.state, &id, &me) {
        return Err(ApiError::missing_permission("ViewChannel").into());
    }
    Ok(Reply::Json(channel))
}

/// `VoiceInformation`.
#[derive(Debug, Deserialize)]
struct Voice {
    max_users: Option<u64>,
}

/// `DataEditChannel`.
#[derive(Debug, Deserialize)]
struct EditChannel {
    name: Option<String>,
    description: Option<String>,
    owner: Option<String>,
    icon: Option<String>,
    nsfw: Option<bool>,
    #[allow(dead_code, reason = "accepted and unused, like the server")]
    archived: Option<bool>,
    voice: Option<Voice>,
    slowmode: Option<u64>,
    #[serde(default)]
    remove: Vec<String>,
}

fn edit_channel(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let id = ctx.param(0);
    ctx.audit_reason()?;
    let body: EditChannel = ctx.json()?;
    if !models::check_fields(&body.remove, FIELDS_CHANNEL) {
        return Err(Reject::Catcher(422));
    }
    models::check_length("name", body.name.as_deref(), 1, 32, EDIT)?;
    models::check_length("description", body.description.as_deref(), 0, 1024, EDIT)?;
    models::check_length("icon", body.icon.as_deref(), 1, 128, EDIT)?;
    models::check_range(
        "slowmode",
        body.slowmode.map(|s| i64::try_from(s).unwrap_or(i64::MAX)),
        0,
        21600,
        EDIT,
    )?;
    let mut channel = lookup::channel(ctx.state, &id)?;
    permissions::require_channel(ctx.state, &id, &me, bits::MANAGE_CHANNEL)?;
    if body.name.is_none()
        && body.description.is_none()
        && body.icon.is_none()
        && body.nsfw.is_none()
        && body.owner.is_none()
        && body.voice.is_none()
        && body.slowmode.is_none()
        && body.remove.is_empty()
    {
        return Ok(Reply::Json(channel));
    }
    let kind = channel_type(&channel).to_owned();
    let mut partial = Map::new();
    if let Some(owner) = &body.owner {
        if kind != "Group" {
            return Err(ApiError::new("InvalidOperation", EDIT_OWNER_INVALID).into());
        }
        if wire::str_field(&channel, "owner") != Some(me.as_str()) {
            return Err(ApiError::new("NotOwner", EDIT_NOT_OWNER).into());
        }
        let recipients = channel.get("recipients").and_then(Value::as_array);
        if !recipients.is_some_and(|r| r.iter().any(|u| u.as_str() == Some(owner))) {
            return Err(ApiError::new("NotInGroup", EDIT_NOT_IN_GROUP).into());
        }
        partial.insert("owner".into(), Value::from(owner.clone()));
    }
    if kind != "Group" && kind != "TextChannel" {
        return Err(ApiError::new("InvalidOperation", EDIT_INVALID).into());
    }
    let icon = match &body.icon {
        Some(file) => Some(lookup::use_file(ctx.state, file, "icons")?),
        None => None,
    };
    let Value::Object(map) = &mut channel else {
        return Err(Reject::Catcher(500));
    };
    for field in &body.remove {
        let key = match field.as_str() {
            "Description" => "description",
            "Icon" => "icon",
            "DefaultPermissions" if kind == "TextChannel" => "default_permissions",
            "Voice" if kind == "TextChannel" => "voice",
            "Slowmode" if kind == "TextChannel" => "slowmode",
            _ => continue,
        };
        map.remove(key);
    }
    if let Some(owner) = partial.get("owner") {
        map.insert("owner".into(), owner.clone());
    }
    let mut set = |key: &str, value: Option<Value>| {
        if let Some(value) = value {
            map.insert(key.to_owned(), value.clone());
            partial.insert(key.to_owned(), value);
        }
    };
    set("name", body.name.clone().map(Value::from));
    set("description", body.description.clone().map(Value::from));
    set("icon", icon);
    if kind == "TextChannel" {
        set(
            "voice",
            body.voice.as_ref().map(|v| match v.max_users {
                Some(max) => json!({"max_users": max}),
                None => json!({}),
            }),
        );
        set("slowmode", body.slowmode.map(Value::from));
    }
    if let Some(nsfw) = body.nsfw {
        if nsfw {
            map.insert("nsfw".into(), Value::from(true));
        } else {
            map.remove("nsfw");
        }
        partial.insert("nsfw".into(), Value::from(nsfw));
    }
    let channel = store_channel(ctx.state, &id, channel);
    let event = json!({
        "type": "ChannelUpdate",
        "id": id,
        "data": models::object(partial, models::PARTIAL_CHANNEL_KEYS),
        "clear": body.remove,
    });
    let topic = channel_topic(ctx.state, &id);
    ctx.state
        .publish_recalculating(&[topic], &event, &Recalc::Channel(id.clone()));
    Ok(Reply::Json(channel))
}

/// Removes a server channel and what hangs off it (messages, invites, webhooks; its id in
/// the server's `channels` and `system_messages`). No `ServerUpdate` is published.
fn remove_server_channel(state: &mut State, id: &str) {
    state.channels.remove(id);
    state.messages.remove(id);
    state
        .invites
        .retain(|_, invite| wire::str_field(invite, "channel") != Some(id));
    state
        .webhooks
        .retain(|_, hook| wire::str_field(hook, "channel_id") != Some(id));
    for server in state.servers.values_mut() {
        if let Some(Value::Array(channels)) = server.get_mut("channels") {
            channels.retain(|c| c.as_str() != Some(id));
        }
        if let Some(Value::Object(system)) = server.get_mut("system_messages") {
            system.retain(|_, c| c.as_str() != Some(id));
        }
    }
    state.resync_channel(id);
}

fn delete_channel(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let id = ctx.param(0);
    ctx.audit_reason()?;
    let silent = ctx.query_bool("leave_silently")?;
    let channel = lookup::channel(ctx.state, &id)?;
    permissions::require_channel(ctx.state, &id, &me, bits::VIEW_CHANNEL)?;
    match channel_type(&channel) {
        "SavedMessages" => Err(ApiError::new("NoEffect", DELETE_NO_EFFECT).into()),
        "DirectMessage" => {
            let mut channel = channel;
            if let Value::Object(map) = &mut channel {
                map.insert("active".into(), Value::from(false));
            }
            store_channel(ctx.state, &id, channel);
            let event = json!({"type": "ChannelUpdate", "id": id,
                "data": {"active": false}, "clear": []});
            ctx.state.publish(&Topic::Channel(id.clone()), &event);
            Ok(Reply::NoContent)
        }
        "Group" => {
            leave_group(ctx.state, &id, &me, silent);
            Ok(Reply::NoContent)
        }
        _ => {
            permissions::require_channel(ctx.state, &id, &me, bits::MANAGE_CHANNEL)?;
            let event = json!({"type": "ChannelDelete", "id": id});
            ctx.state.publish(&Topic::Channel(id.clone()), &event);
            remove_server_channel(ctx.state, &id);
            Ok(Reply::NoContent)
        }
    }
}

/// A user leaves a group: `ChannelGroupLeave` to the group, `ChannelDelete` to the user;
/// the last one out deletes it.
fn leave_group(state: &mut State, id: &str, user: &str, silent: bool) {
    let mut remaining = Vec::new();
    if let Some(Value::Object(map)) = state.channels.get_mut(id) {
        if let Some(Value::Array(recipients)) = map.get_mut("recipients") {
            recipients.retain(|r| r.as_str() != Some(user));
            remaining = recipients.clone();
        }
        if map.get("owner").and_then(Value::as_str) == Some(user) {
            if let Some(next) = remaining.first().cloned() {
                map.insert("owner".into(), next);
            }
        }
    }
    let leave = json!({"type": "ChannelGroupLeave", "id": id, "user": user});
    state.publish(&Topic::Channel(id.to_owned()), &leave);
    let delete = json!({"type": "ChannelDelete", "id": id});
    state.publish(&Topic::Private(user.to_owned()), &delete);
    if remaining.is_empty() {
        state.channels.remove(id);
        state.messages.remove(id);
    } else if !silent {
        let message = json!({
            "_id": state.new_id(),
            "channel": id,
            "author": wire::SYSTEM_AUTHOR,
            "system": {"type": "user_left", "id": user}
        });
        super::messages::store_and_publish(state, id, message);
    }
}

/// `DataSetRolePermissions`.
#[derive(Debug, Deserialize)]
struct RolePermissions {
    permissions: Override,
}

fn set_role_permissions(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let (id, role_id) = (ctx.param(0), ctx.param(1));
    ctx.audit_reason()?;
    let body: RolePermissions = ctx.json()?;
    let channel = lookup::channel(ctx.state, &id)?;
    let perms = permissions::channel_permissions(ctx.state, &id, &me);
    let server_id = match channel_type(&channel) {
        "TextChannel" => wire::str_field(&channel, "server").map(str::to_owned),
        _ => None,
    };
    permissions::require_value(perms, bits::MANAGE_PERMISSIONS)?;
    let Some(server_id) = server_id else {
        return Err(ApiError::new("InvalidOperation", ROLE_INVALID).into());
    };
    let server = lookup::server(ctx.state, &server_id)?;
    let Some(role) = server.get("roles").and_then(|r| r.get(&role_id)) else {
        return Err(ApiError::not_found(ROLE_NOT_FOUND).into());
    };
    let rank = role.get("rank").and_then(Value::as_i64).unwrap_or(0);
    if !permissions::is_owner(ctx.state, &server_id, &me)
        && rank <= permissions::acting_rank(ctx.state, &server_id, &me)
    {
        return Err(ApiError::new("NotElevated", ROLE_NOT_ELEVATED).into());
    }
    let current = permissions::override_of(role.get("permissions"));
    permissions::check_override(perms, current, body.permissions.pair())?;
    let mut channel = channel;
    let mut overrides = Map::new();
    if let Value::Object(map) = &mut channel {
        if let Some(Value::Object(existing)) = map.get("role_permissions") {
            overrides = existing.clone();
        }
        overrides.insert(role_id.clone(), body.permissions.field());
        map.insert("role_permissions".into(), Value::Object(overrides.clone()));
    }
    let channel = store_channel(ctx.state, &id, channel);
    let event = json!({"type": "ChannelUpdate", "id": id,
        "data": {"role_permissions": overrides}, "clear": []});
    ctx.state.publish_recalculating(
        &[Topic::Server(server_id)],
        &event,
        &Recalc::Channel(id.clone()),
    );
    Ok(Reply::Json(channel))
}

fn set_default_permissions(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let id = ctx.param(0);
    ctx.audit_reason()?;
    // Untagged `DataDefaultChannelPermissions`: `{"permissions": u64}` or an `Override`.
    let body: Value = ctx.json()?;
    let value = body.get("permissions").and_then(Value::as_u64);
    let field = body
        .get("permissions")
        .and_then(|p| serde_json::from_value::<Override>(p.clone()).ok());
    if value.is_none() && field.is_none() {
        return Err(Reject::Catcher(422));
    }
    let mut channel = lookup::channel(ctx.state, &id)?;
    let perms = permissions::channel_permissions(ctx.state, &id, &me);
    permissions::require_value(perms, bits::MANAGE_PERMISSIONS)?;
    match channel_type(&channel) {
        "Group" => {
            let Some(value) = value else {
                return Err(ApiError::new("InvalidOperation", DEFAULT_GROUP_INVALID).into());
            };
            if let Value::Object(map) = &mut channel {
                map.insert("permissions".into(), Value::from(value));
            }
            let channel = store_channel(ctx.state, &id, channel);
            let event = json!({"type": "ChannelUpdate", "id": id,
                "data": {"permissions": value}, "clear": []});
            ctx.state.publish(&Topic::Channel(id.clone()), &event);
            Ok(Reply::Json(channel))
        }
        "TextChannel" => {
            let Some(field) = field else {
                return Err(ApiError::new("InvalidOperation", DEFAULT_TEXT_INVALID).into());
            };
            let current = permissions::override_of(channel.get("default_permissions"));
            permissions::check_override(perms, current, field.pair())?;
            if let Value::Object(map) = &mut channel {
                map.insert("default_permissions".into(), field.field());
            }
            let channel = store_channel(ctx.state, &id, channel);
            let event = json!({"type": "ChannelUpdate", "id": id,
                "data": {"default_permissions": field.field()}, "clear": []});
            let topic = channel_topic(ctx.state, &id);
            ctx.state
                .publish_recalculating(&[topic], &event, &Recalc::Channel(id.clone()));
            Ok(Reply::Json(channel))
        }
        _ => Err(ApiError::new("InvalidOperation", DEFAULT_INVALID).into()),
    }
}

fn create_invite(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let id = ctx.param(0);
    ctx.audit_reason()?;
    if ctx.is_bot() {
        return Err(ApiError::new("IsBot", INVITE_IS_BOT).into());
    }
    let channel = lookup::channel(ctx.state, &id)?;
    permissions::require_channel(ctx.state, &id, &me, bits::INVITE_OTHERS)?;
    let code: String = (0..8)
        .map(|_| char::from(INVITE_ALPHABET[fastrand::usize(..INVITE_ALPHABET.len())]))
        .collect();
    let invite = match channel_type(&channel) {
        "Group" => json!({"type": "Group", "_id": code, "creator": me, "channel": id}),
        "TextChannel" => json!({
            "type": "Server",
            "_id": code,
            "server": wire::str_field(&channel, "server").unwrap_or_default(),
            "creator": me,
            "channel": id
        }),
        _ => return Err(ApiError::new("InvalidOperation", INVITE_INVALID).into()),
    };
    ctx.state.invites.insert(code, invite.clone());
    Ok(Reply::Json(invite))
}

fn fetch_members(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let id = ctx.param(0);
    let channel = lookup::channel(ctx.state, &id)?;
    permissions::require_channel(ctx.state, &id, &me, bits::VIEW_CHANNEL)?;
    if channel_type(&channel) != "Group" {
        return Err(ApiError::new("InvalidOperation", MEMBERS_INVALID).into());
    }
    let users: Vec<Value> = channel
        .get("recipients")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .filter_map(|user| ctx.state.render_user(user, Some(&me)))
        .collect();
    Ok(Reply::Json(Value::from(users)))
}

/// `CreateWebhookBody`.
#[derive(Debug, Deserialize)]
struct CreateWebhook {
    name: String,
    avatar: Option<String>,
}

fn create_webhook(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let id = ctx.param(0);
    ctx.audit_reason()?;
    let body: CreateWebhook = ctx.json()?;
    models::check_length("name", Some(&body.name), 1, 32, WEBHOOK_VALIDATION)?;
    models::check_length("avatar", body.avatar.as_deref(), 1, 128, WEBHOOK_VALIDATION)?;
    let channel = lookup::channel(ctx.state, &id)?;
    if !matches!(channel_type(&channel), "TextChannel" | "Group") {
        return Err(ApiError::new("InvalidOperation", WEBHOOK_INVALID).into());
    }
    permissions::require_channel(ctx.state, &id, &me, bits::MANAGE_WEBHOOKS)?;
    let webhook_id = ctx.state.new_id();
    let avatar = match &body.avatar {
        Some(file) => Some(lookup::use_file(ctx.state, file, "avatars")?),
        None => None,
    };
    let mut webhook = Map::new();
    webhook.insert("id".into(), Value::from(webhook_id.clone()));
    webhook.insert("name".into(), Value::from(body.name));
    if let Some(avatar) = avatar {
        webhook.insert("avatar".into(), avatar);
    }
    webhook.insert("creator_id".into(), Value::from(me));
    webhook.insert("channel_id".into(), Value::from(id.clone()));
    webhook.insert(
        "permissions".into(),
        Value::from(permissions::DEFAULT_WEBHOOK_PERMISSIONS),
    );
    webhook.insert("token".into(), Value::from(wire::nanoid(64)));
    let webhook = Value::Object(webhook);
    ctx.state.webhooks.insert(webhook_id, webhook.clone());
    let mut event = Map::new();
    event.insert("type".into(), Value::from("WebhookCreate"));
    if let Value::Object(fields) = &webhook {
        event.extend(fields.clone());
    }
    event.insert("token".into(), Value::Null);
    ctx.state
        .publish(&Topic::Channel(id), &Value::Object(event));
    Ok(Reply::Json(webhook))
}

fn fetch_webhooks(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let id = ctx.param(0);
    lookup::channel(ctx.state, &id)?;
    permissions::require_channel(ctx.state, &id, &me, bits::MANAGE_WEBHOOKS)?;
    let hooks: Vec<Value> = ctx
        .state
        .webhooks
        .values()
        .filter(|w| wire::str_field(w, "channel_id") == Some(id.as_str()))
        .cloned()
        .collect();
    Ok(Reply::Json(Value::from(hooks)))
}
