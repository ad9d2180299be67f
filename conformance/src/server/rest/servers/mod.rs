//! `/servers/{id}` routes: fetch and edit the server, create channels, server permissions,
//! invites and emojis; roles and members live in their own modules.

mod members;
mod roles;

use http::Method;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::{lookup, Auth, Ctx, HandlerResult, Reject, Reply, Route};
use crate::server::errors::ApiError;
use crate::server::events::Topic;
use crate::server::models::{self, Override};
use crate::server::permissions::{self, bits};
use crate::server::state::State;
use crate::server::visibility::{self, Recalc};
use crate::server::wire;

pub(crate) use members::{create_member, remove_member};

pub(super) fn routes() -> Vec<Route> {
    let mut all = vec![
        Route::new(Method::GET, "/servers/{}", Auth::User, fetch_server),
        Route::new(Method::PATCH, "/servers/{}", Auth::User, edit_server),
        Route::new(
            Method::POST,
            "/servers/{}/channels",
            Auth::User,
            create_channel,
        ),
        Route::new(
            Method::PUT,
            "/servers/{}/permissions/default",
            Auth::User,
            set_default_permissions,
        ),
        Route::new(
            Method::PUT,
            "/servers/{}/permissions/{}",
            Auth::User,
            set_role_permissions,
        ),
        Route::new(
            Method::GET,
            "/servers/{}/invites",
            Auth::User,
            fetch_invites,
        ),
        Route::new(Method::GET, "/servers/{}/emojis", Auth::User, fetch_emojis),
    ];
    all.extend(roles::routes());
    all.extend(members::routes());
    all
}

const FETCH_NOT_MEMBER: &str = "crates/delta/src/routes/servers/server_fetch.rs:24:20";
const EDIT: &str = "crates/delta/src/routes/servers/server_edit.rs:30:9";
const EDIT_NOT_OWNER: &str = "crates/delta/src/routes/servers/server_edit.rs:68:24";
const EDIT_NO_TICKET: &str = "crates/delta/src/routes/servers/server_edit.rs:72:24";
const EDIT_NOT_PRIVILEGED: &str = "crates/delta/src/routes/servers/server_edit.rs:80:20";
const EDIT_UNKNOWN_CHANNEL: &str = "crates/delta/src/routes/servers/server_edit.rs:133:28";
const EDIT_DUPLICATE: &str = "crates/delta/src/routes/servers/server_edit.rs:143:32";
const EDIT_BOT_OWNER: &str = "crates/delta/src/routes/servers/server_edit.rs:175:24";
const CREATE_CHANNEL: &str = "crates/delta/src/routes/servers/channel_create.rs:28:9";
const TOO_MANY_CHANNELS: &str = "crates/core/database/src/models/channels/model.rs:199:24";
const ROLE_PERMS_NOT_FOUND: &str = "crates/delta/src/routes/servers/permissions_set.rs:37:24";
const ROLE_PERMS_NOT_ELEVATED: &str = "crates/delta/src/routes/servers/permissions_set.rs:46:20";
const EMOJIS_NOT_MEMBER: &str = "crates/delta/src/routes/servers/emoji_list.rs:23:20";

/// `FieldsServer`.
const FIELDS_SERVER: &[&str] = &[
    "Description",
    "Categories",
    "SystemMessages",
    "Icon",
    "Banner",
];

/// `global.server_channels`.
const MAX_CHANNELS: usize = 200;

/// Stores a changed server in declaration order and returns it.
pub(crate) fn store_server(state: &mut State, id: &str, mut server: Value) -> Value {
    models::reorder_in_place(&mut server, models::SERVER_KEYS);
    state.servers.insert(id.to_owned(), server.clone());
    server
}

fn fetch_server(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let id = ctx.param(0);
    let include_channels = ctx.query_bool("include_channels")?;
    let server = lookup::server(ctx.state, &id)?;
    if ctx.state.member(&id, &me).is_none() {
        return Err(ApiError::not_found(FETCH_NOT_MEMBER).into());
    }
    if !include_channels {
        return Ok(Reply::Json(server));
    }
    // The untagged `ServerWithChannels` flattens the server and adds a second `channels`
    // key (objects) after the first one (ids): one object, two `channels` keys.
    let channels: Vec<Value> = ctx
        .state
        .server_channel_ids(&id)
        .iter()
        .filter(|c| permissions::can_view(ctx.state, c, &me))
        .filter_map(|c| ctx.state.channels.get(c).cloned())
        .collect();
    let mut body = serde_json::to_vec(&server).unwrap_or_default();
    if body.last() == Some(&b'}') {
        body.pop();
        body.extend_from_slice(b",\"channels\":");
        body.extend(serde_json::to_vec(&channels).unwrap_or_default());
        body.push(b'}');
    }
    Ok(Reply::RawJson(body))
}

/// `Category`.
#[derive(Debug, Clone, Deserialize)]
struct Category {
    id: String,
    title: String,
    channels: Vec<String>,
}

/// `SystemMessageChannels`.
#[derive(Debug, Clone, Deserialize)]
struct SystemMessages {
    user_joined: Option<String>,
    user_left: Option<String>,
    user_kicked: Option<String>,
    user_banned: Option<String>,
}

impl SystemMessages {
    fn render(&self) -> Value {
        let mut map = Map::new();
        for (key, value) in [
            ("user_joined", &self.user_joined),
            ("user_left", &self.user_left),
            ("user_kicked", &self.user_kicked),
            ("user_banned", &self.user_banned),
        ] {
            if let Some(value) = value {
                map.insert(key.into(), Value::from(value.clone()));
            }
        }
        Value::Object(map)
    }

    fn ids(&self) -> impl Iterator<Item = &String> {
        [
            &self.user_joined,
            &self.user_left,
            &self.user_kicked,
            &self.user_banned,
        ]
        .into_iter()
        .flatten()
    }
}

/// `DataEditServer`.
#[derive(Debug, Deserialize)]
struct EditServer {
    name: Option<String>,
    description: Option<String>,
    icon: Option<String>,
    banner: Option<String>,
    categories: Option<Vec<Category>>,
    system_messages: Option<SystemMessages>,
    flags: Option<i32>,
    discoverable: Option<bool>,
    analytics: Option<bool>,
    owner: Option<String>,
    #[serde(default)]
    remove: Vec<String>,
}

fn edit_server(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let id = ctx.param(0);
    ctx.audit_reason()?;
    let body: EditServer = ctx.json()?;
    if !models::check_fields(&body.remove, FIELDS_SERVER) {
        return Err(Reject::Catcher(422));
    }
    models::check_length("name", body.name.as_deref(), 1, 32, EDIT)?;
    models::check_length("description", body.description.as_deref(), 0, 1024, EDIT)?;
    for category in body.categories.iter().flatten() {
        models::check_length("id", Some(&category.id), 1, 32, EDIT)?;
        models::check_length("title", Some(&category.title), 1, 32, EDIT)?;
    }
    let server = lookup::server(ctx.state, &id)?;
    let perms = permissions::server_permissions(ctx.state, &id, &me);
    if body.name.is_none()
        && body.description.is_none()
        && body.icon.is_none()
        && body.banner.is_none()
        && body.system_messages.is_none()
        && body.categories.is_none()
        && body.flags.is_none()
        && body.analytics.is_none()
        && body.discoverable.is_none()
        && body.owner.is_none()
        && body.remove.is_empty()
    {
        return Ok(Reply::Json(server));
    }
    if body.name.is_some()
        || body.description.is_some()
        || body.icon.is_some()
        || body.banner.is_some()
        || body.system_messages.is_some()
        || body.analytics.is_some()
        || !body.remove.is_empty()
    {
        permissions::require_value(perms, bits::MANAGE_SERVER)?;
    }
    if body.owner.is_some() {
        if wire::str_field(&server, "owner") != Some(me.as_str()) {
            return Err(ApiError::new("NotOwner", EDIT_NOT_OWNER).into());
        }
        // The fake has no MFA: any `X-MFA-Ticket` counts as a validated ticket.
        if ctx.request.header("x-mfa-ticket").is_none() {
            return Err(ApiError::new("InvalidCredentials", EDIT_NO_TICKET).into());
        }
    }
    if body.flags.is_some() || body.discoverable.is_some() {
        return Err(ApiError::new("NotPrivileged", EDIT_NOT_PRIVILEGED).into());
    }
    if body.categories.is_some() {
        permissions::require_value(perms, bits::MANAGE_CHANNEL)?;
    }
    let channels = ctx.state.server_channel_ids(&id);
    if let Some(system) = &body.system_messages {
        if system.ids().any(|c| !channels.contains(c)) {
            return Err(ApiError::not_found(EDIT_UNKNOWN_CHANNEL).into());
        }
    }
    let mut categories = body.categories.clone();
    if let Some(categories) = &mut categories {
        let mut seen = Vec::new();
        for category in categories.iter_mut() {
            for channel in &category.channels {
                if seen.contains(channel) {
                    return Err(ApiError::new("InvalidOperation", EDIT_DUPLICATE).into());
                }
                seen.push(channel.clone());
            }
            category.channels.retain(|c| channels.contains(c));
        }
    }
    let icon = match &body.icon {
        Some(file) => Some(lookup::use_file(ctx.state, file, "icons")?),
        None => None,
    };
    let banner = match &body.banner {
        Some(file) => Some(lookup::use_file(ctx.state, file, "banners")?),
        None => None,
    };
    if let Some(owner) = &body.owner {
        lookup::member(ctx.state, &id, owner)?;
        lookup::user_exists(ctx.state, owner)?;
        if ctx
            .state
            .users
            .get(owner)
            .is_some_and(|u| u.bot_owner.is_some())
        {
            return Err(ApiError::new("InvalidOperation", EDIT_BOT_OWNER).into());
        }
    }

    let mut partial = Map::new();
    let mut put = |key: &str, value: Option<Value>| {
        if let Some(value) = value {
            partial.insert(key.to_owned(), value);
        }
    };
    put("owner", body.owner.clone().map(Value::from));
    put("name", body.name.clone().map(Value::from));
    put("description", body.description.clone().map(Value::from));
    put(
        "categories",
        categories.map(|cats| {
            Value::from(
                cats.iter()
                    .map(|c| json!({"id": c.id, "title": c.title, "channels": c.channels}))
                    .collect::<Vec<_>>(),
            )
        }),
    );
    put(
        "system_messages",
        body.system_messages.as_ref().map(SystemMessages::render),
    );
    put("icon", icon);
    put("banner", banner);
    put("flags", body.flags.map(Value::from));
    put("analytics", body.analytics.map(Value::from));

    let mut server = server;
    if let Value::Object(map) = &mut server {
        for field in &body.remove {
            let key = match field.as_str() {
                "Description" => "description",
                "Categories" => "categories",
                "SystemMessages" => "system_messages",
                "Icon" => "icon",
                _ => "banner",
            };
            map.remove(key);
        }
        for (key, value) in &partial {
            match value {
                Value::Bool(false) => {
                    map.remove(key);
                }
                value => {
                    map.insert(key.clone(), value.clone());
                }
            }
        }
    }
    let server = store_server(ctx.state, &id, server);
    let event = json!({
        "type": "ServerUpdate",
        "id": id,
        "data": models::object(partial, models::PARTIAL_SERVER_KEYS),
        "clear": body.remove,
    });
    ctx.state.publish(&Topic::Server(id.clone()), &event);
    Ok(Reply::Json(server))
}

/// `DataCreateServerChannel`.
#[derive(Debug, Deserialize)]
struct CreateChannel {
    #[serde(rename = "type", default)]
    kind: ChannelKind,
    name: String,
    description: Option<String>,
    nsfw: Option<bool>,
    voice: Option<VoiceInfo>,
}

/// `LegacyServerChannelType`.
#[derive(Debug, Default, Deserialize)]
enum ChannelKind {
    #[default]
    Text,
    Voice,
}

/// `VoiceInformation`.
#[derive(Debug, Deserialize)]
struct VoiceInfo {
    max_users: Option<u64>,
}

fn create_channel(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let id = ctx.param(0);
    ctx.audit_reason()?;
    let body: CreateChannel = ctx.json()?;
    models::check_length("name", Some(&body.name), 1, 32, CREATE_CHANNEL)?;
    models::check_length(
        "description",
        body.description.as_deref(),
        0,
        1024,
        CREATE_CHANNEL,
    )?;
    let mut server = lookup::server(ctx.state, &id)?;
    permissions::require_server(ctx.state, &id, &me, bits::MANAGE_CHANNEL)?;
    let mut channels = ctx.state.server_channel_ids(&id);
    if channels.len() > MAX_CHANNELS {
        return Err(ApiError::with_fields(
            "TooManyChannels",
            vec![("max", Value::from(MAX_CHANNELS))],
            TOO_MANY_CHANNELS,
        )
        .into());
    }
    let channel_id = ctx.state.new_id();
    let mut channel = Map::new();
    channel.insert("channel_type".into(), Value::from("TextChannel"));
    channel.insert("_id".into(), Value::from(channel_id.clone()));
    channel.insert("server".into(), Value::from(id.clone()));
    channel.insert("name".into(), Value::from(body.name));
    if let Some(description) = body.description {
        channel.insert("description".into(), Value::from(description));
    }
    if body.nsfw == Some(true) {
        channel.insert("nsfw".into(), Value::from(true));
    }
    let voice = match (body.kind, body.voice) {
        (_, Some(voice)) => Some(voice),
        (ChannelKind::Voice, None) => Some(VoiceInfo { max_users: None }),
        (ChannelKind::Text, None) => None,
    };
    if let Some(voice) = voice {
        let value = match voice.max_users {
            Some(max) => json!({"max_users": max}),
            None => json!({}),
        };
        channel.insert("voice".into(), value);
    }
    let channel = Value::Object(channel);
    ctx.state
        .channels
        .insert(channel_id.clone(), channel.clone());
    channels.push(channel_id.clone());
    if let Value::Object(map) = &mut server {
        map.insert("channels".into(), Value::from(channels.clone()));
    }
    store_server(ctx.state, &id, server);
    let update = json!({"type": "ServerUpdate", "id": id,
        "data": {"channels": channels}, "clear": []});
    ctx.state.publish(&Topic::Server(id.clone()), &update);
    if let Some(event) = ctx.state.channel_create_event(&channel_id) {
        ctx.state.publish(&Topic::Server(id.clone()), &event);
    }
    ctx.state.resync_channel(&channel_id);
    Ok(Reply::Json(channel))
}

/// `DataSetServerRolePermission`.
#[derive(Debug, Deserialize)]
struct RolePermissions {
    permissions: Override,
}

fn set_role_permissions(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let (id, role_id) = (ctx.param(0), ctx.param(1));
    ctx.audit_reason()?;
    let body: RolePermissions = ctx.json()?;
    let mut server = lookup::server(ctx.state, &id)?;
    let Some(role) = server.get("roles").and_then(|r| r.get(&role_id)).cloned() else {
        return Err(ApiError::not_found(ROLE_PERMS_NOT_FOUND).into());
    };
    let perms = permissions::server_permissions(ctx.state, &id, &me);
    permissions::require_value(perms, bits::MANAGE_PERMISSIONS)?;
    let rank = role.get("rank").and_then(Value::as_i64).unwrap_or(0);
    if rank <= permissions::acting_rank(ctx.state, &id, &me) {
        return Err(ApiError::new("NotElevated", ROLE_PERMS_NOT_ELEVATED).into());
    }
    let current = permissions::override_of(role.get("permissions"));
    permissions::check_override(perms, current, body.permissions.pair())?;
    let holders = visibility::holders(ctx.state, &id, &role_id);
    if let Some(Value::Object(role)) = server.get_mut("roles").and_then(|r| r.get_mut(&role_id)) {
        role.insert("permissions".into(), body.permissions.field());
    }
    let server = store_server(ctx.state, &id, server);
    let event = json!({"type": "ServerRoleUpdate", "id": id, "role_id": role_id,
        "data": {"permissions": body.permissions.field()}, "clear": []});
    ctx.state.publish_recalculating(
        &[Topic::Server(id.clone())],
        &event,
        &Recalc::Role {
            role: role_id,
            holders,
        },
    );
    Ok(Reply::Json(server))
}

/// `DataPermissionsValue`.
#[derive(Debug, Deserialize)]
struct PermissionsValue {
    permissions: u64,
}

fn set_default_permissions(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let id = ctx.param(0);
    ctx.audit_reason()?;
    let body: PermissionsValue = ctx.json()?;
    let mut server = lookup::server(ctx.state, &id)?;
    let perms = permissions::server_permissions(ctx.state, &id, &me);
    permissions::require_value(perms, bits::MANAGE_PERMISSIONS)?;
    permissions::check_override(perms, None, (body.permissions, 0))?;
    if let Value::Object(map) = &mut server {
        map.insert(
            "default_permissions".into(),
            Value::from(body.permissions as i64),
        );
    }
    let server = store_server(ctx.state, &id, server);
    let event = json!({"type": "ServerUpdate", "id": id,
        "data": {"default_permissions": body.permissions as i64}, "clear": []});
    ctx.state
        .publish_recalculating(&[Topic::Server(id.clone())], &event, &Recalc::All);
    Ok(Reply::Json(server))
}

fn fetch_invites(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let id = ctx.param(0);
    lookup::server(ctx.state, &id)?;
    permissions::require_server(ctx.state, &id, &me, bits::MANAGE_SERVER)?;
    let invites: Vec<Value> = ctx
        .state
        .invites
        .values()
        .filter(|i| wire::str_field(i, "server") == Some(id.as_str()))
        .cloned()
        .collect();
    Ok(Reply::Json(Value::from(invites)))
}

/// The emojis whose parent is `server`, as `GET /servers/{id}/emojis` lists them.
pub(crate) fn server_emojis(state: &State, server: &str) -> Vec<Value> {
    state
        .emojis
        .values()
        .filter(|e| {
            e.get("parent")
                .and_then(|p| p.get("id"))
                .and_then(Value::as_str)
                == Some(server)
        })
        .cloned()
        .collect()
}

fn fetch_emojis(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let id = ctx.param(0);
    lookup::server(ctx.state, &id)?;
    if ctx.state.member(&id, &me).is_none() {
        return Err(ApiError::not_found(EMOJIS_NOT_MEMBER).into());
    }
    Ok(Reply::Json(Value::from(server_emojis(ctx.state, &id))))
}
