//! `/servers/{id}/members…` and `/servers/{id}/bans…`: fetch and edit members, kick,
//! ban, unban, list bans.

use http::Method;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::server::errors::ApiError;
use crate::server::events::Topic;
use crate::server::models;
use crate::server::permissions::{self, bits};
use crate::server::rest::{lookup, Auth, Ctx, HandlerResult, Reject, Reply, Route};
use crate::server::state::{MemberRecord, State};
use crate::server::visibility::Recalc;
use crate::server::wire;

pub(super) fn routes() -> Vec<Route> {
    vec![
        Route::new(
            Method::GET,
            "/servers/{}/members",
            Auth::User,
            fetch_members,
        ),
        Route::new(
            Method::GET,
            "/servers/{}/members/{}",
            Auth::User,
            fetch_member,
        ),
        Route::new(
            Method::PATCH,
            "/servers/{}/members/{}",
            Auth::User,
            edit_member,
        ),
        Route::new(
            Method::DELETE,
            "/servers/{}/members/{}",
            Auth::User,
            kick_member,
        ),
        Route::new(Method::GET, "/servers/{}/bans", Auth::User, fetch_bans),
        Route::new(Method::PUT, "/servers/{}/bans/{}", Auth::User, ban),
        Route::new(Method::DELETE, "/servers/{}/bans/{}", Auth::User, unban),
    ]
}

const FETCH_NOT_MEMBER: &str = "crates/delta/src/routes/servers/member_fetch.rs:25:20";
const FETCH_ALL_NOT_MEMBER: &str = "crates/delta/src/routes/servers/member_fetch_all.rs:24:20";
const EDIT: &str = "crates/delta/src/routes/servers/member_edit.rs:43:9";
const EDIT_PRONOUNS: &str = "crates/delta/src/routes/servers/member_edit.rs:74:24";
const EDIT_AVATAR: &str = "crates/delta/src/routes/servers/member_edit.rs:84:24";
const EDIT_TIMEOUT_SELF: &str = "crates/delta/src/routes/servers/member_edit.rs:95:28";
const EDIT_ELEVATED: &str = "crates/delta/src/routes/servers/member_edit.rs:99:28";
const EDIT_VOICE: &str = "crates/delta/src/routes/servers/member_edit.rs:115:20";
const EDIT_NO_LIVEKIT: &str = "crates/delta/src/routes/servers/member_edit.rs:120:24";
const EDIT_NOT_ELEVATED: &str = "crates/delta/src/routes/servers/member_edit.rs:163:20";
const EDIT_ROLE_NOT_ELEVATED: &str = "crates/delta/src/routes/servers/member_edit.rs:176:32";
const EDIT_INVALID_ROLE: &str = "crates/delta/src/routes/servers/member_edit.rs:179:28";
const KICK_SELF: &str = "crates/delta/src/routes/servers/member_remove.rs:32:20";
const KICK_OWNER: &str = "crates/delta/src/routes/servers/member_remove.rs:36:20";
const KICK_NOT_ELEVATED: &str = "crates/delta/src/routes/servers/member_remove.rs:48:20";
const BAN: &str = "crates/delta/src/routes/servers/ban_create.rs:37:9";
const BAN_SELF: &str = "crates/delta/src/routes/servers/ban_create.rs:45:20";
const BAN_OWNER: &str = "crates/delta/src/routes/servers/ban_create.rs:49:20";
const BAN_NOT_ELEVATED: &str = "crates/delta/src/routes/servers/ban_create.rs:62:24";

/// `FieldsMember`.
const FIELDS_MEMBER: &[&str] = &[
    "Nickname",
    "Pronouns",
    "Avatar",
    "Roles",
    "Timeout",
    "CanReceive",
    "CanPublish",
    "JoinedAt",
    "VoiceChannel",
];

fn fetch_member(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let (id, target) = (ctx.param(0), ctx.param(1));
    let with_roles = ctx.query_bool("roles")?;
    let server = lookup::server(ctx.state, &id)?;
    if ctx.state.member(&id, &me).is_none() {
        return Err(ApiError::not_found(FETCH_NOT_MEMBER).into());
    }
    let member = lookup::member(ctx.state, &id, &target)?;
    if !with_roles {
        return Ok(Reply::Json(member.render()));
    }
    let mut roles = Map::new();
    for role in &member.roles {
        if let Some(value) = server.get("roles").and_then(|r| r.get(role)) {
            roles.insert(role.clone(), value.clone());
        }
    }
    Ok(Reply::Json(
        json!({"member": member.render(), "roles": roles}),
    ))
}

fn fetch_members(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let id = ctx.param(0);
    let exclude_offline = ctx.query_bool("exclude_offline")?;
    lookup::server(ctx.state, &id)?;
    if ctx.state.member(&id, &me).is_none() {
        return Err(ApiError::not_found(FETCH_ALL_NOT_MEMBER).into());
    }
    let members: Vec<_> = ctx
        .state
        .members
        .iter()
        .filter(|m| m.server == id)
        .filter(|m| !exclude_offline || ctx.state.is_online(&m.user))
        .cloned()
        .collect();
    let users: Vec<Value> = members
        .iter()
        .filter_map(|m| ctx.state.render_user(&m.user, Some(&me)))
        .collect();
    let members: Vec<Value> = members.iter().map(|m| m.render()).collect();
    Ok(Reply::Json(json!({"members": members, "users": users})))
}

/// `DataMemberEdit`.
#[derive(Debug, Deserialize)]
struct EditMember {
    nickname: Option<String>,
    pronouns: Option<String>,
    avatar: Option<String>,
    roles: Option<Vec<String>>,
    timeout: Option<String>,
    can_publish: Option<bool>,
    can_receive: Option<bool>,
    voice_channel: Option<String>,
    #[serde(default)]
    remove: Vec<String>,
}

fn edit_member(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let (id, target) = (ctx.param(0), ctx.param(1));
    ctx.audit_reason()?;
    let body: EditMember = ctx.json()?;
    if !models::check_fields(&body.remove, FIELDS_MEMBER) {
        return Err(Reject::Catcher(422));
    }
    let timeout = match &body.timeout {
        Some(text) => {
            let ms = wire::parse_timestamp_ms(text).ok_or(Reject::Catcher(422))?;
            let nanos = i128::from(ms) * 1_000_000;
            let at = time::OffsetDateTime::from_unix_timestamp_nanos(nanos)
                .map_err(|_| Reject::Catcher(422))?;
            Some(wire::iso_from_datetime(at))
        }
        None => None,
    };
    models::check_length("nickname", body.nickname.as_deref(), 1, 32, EDIT)?;
    models::check_length("pronouns", body.pronouns.as_deref(), 1, 24, EDIT)?;
    let removes = |field: &str| body.remove.iter().any(|f| f == field);
    let server = lookup::server(ctx.state, &id)?;
    lookup::user_exists(ctx.state, &target)?;
    let mut member = lookup::member(ctx.state, &id, &target)?;
    let perms = permissions::server_permissions(ctx.state, &id, &me);
    let target_perms = permissions::server_permissions(ctx.state, &id, &target);
    let is_self = me == target;
    if body.nickname.is_some() || removes("Nickname") {
        let bit = if is_self {
            bits::CHANGE_NICKNAME
        } else {
            bits::MANAGE_NICKNAMES
        };
        permissions::require_value(perms, bit)?;
    }
    if (body.pronouns.is_some() || removes("Pronouns")) && !is_self {
        return Err(ApiError::new("InvalidOperation", EDIT_PRONOUNS).into());
    }
    if body.avatar.is_some() || removes("Avatar") {
        if is_self {
            permissions::require_value(perms, bits::CHANGE_AVATAR)?;
        } else if removes("Avatar") {
            permissions::require_value(perms, bits::REMOVE_AVATARS)?;
        } else {
            return Err(ApiError::new("InvalidOperation", EDIT_AVATAR).into());
        }
    }
    if body.roles.is_some() || removes("Roles") {
        permissions::require_value(perms, bits::ASSIGN_ROLES)?;
    }
    if body.timeout.is_some() || removes("Timeout") {
        if body.timeout.is_some() {
            if is_self {
                return Err(ApiError::new("CannotTimeoutYourself", EDIT_TIMEOUT_SELF).into());
            }
            if target_perms & bits::TIMEOUT_MEMBERS != 0 {
                return Err(ApiError::new("IsElevated", EDIT_ELEVATED).into());
            }
        }
        permissions::require_value(perms, bits::TIMEOUT_MEMBERS)?;
    }
    if body.can_publish.is_some() {
        permissions::require_value(perms, bits::MUTE_MEMBERS)?;
    }
    if body.can_receive.is_some() {
        permissions::require_value(perms, bits::DEAFEN_MEMBERS)?;
    }
    if body.voice_channel.is_some() && removes("VoiceChannel") {
        return Err(ApiError::new("InvalidOperation", EDIT_VOICE).into());
    }
    if body.voice_channel.is_some() || removes("VoiceChannel") {
        return Err(ApiError::new("LiveKitUnavailable", EDIT_NO_LIVEKIT).into());
    }
    let ours = permissions::acting_rank(ctx.state, &id, &me);
    if !is_self && permissions::ranking(ctx.state, &id, &target) <= ours {
        return Err(ApiError::new("NotElevated", EDIT_NOT_ELEVATED).into());
    }
    if let Some(roles) = &body.roles {
        for role in roles.iter().filter(|r| !member.roles.contains(r)) {
            let Some(rank) = server
                .get("roles")
                .and_then(|r| r.get(role))
                .map(|r| r.get("rank").and_then(Value::as_i64).unwrap_or(0))
            else {
                return Err(ApiError::new("InvalidRole", EDIT_INVALID_ROLE).into());
            };
            if rank <= ours {
                return Err(ApiError::new("NotElevated", EDIT_ROLE_NOT_ELEVATED).into());
            }
        }
    }
    let avatar = match &body.avatar {
        Some(file) => Some(lookup::use_file(ctx.state, file, "avatars")?),
        None => None,
    };

    for field in &body.remove {
        match field.as_str() {
            "Nickname" => member.nickname = None,
            "Pronouns" => member.pronouns = None,
            "Avatar" => member.avatar = None,
            "Roles" => member.roles.clear(),
            "Timeout" => member.timeout = None,
            "CanReceive" => member.can_receive = true,
            "CanPublish" => member.can_publish = true,
            _ => {}
        }
    }
    let mut partial = Map::new();
    if let Some(nickname) = &body.nickname {
        member.nickname = Some(nickname.clone());
        partial.insert("nickname".into(), Value::from(nickname.clone()));
    }
    if let Some(pronouns) = &body.pronouns {
        member.pronouns = Some(pronouns.clone());
        partial.insert("pronouns".into(), Value::from(pronouns.clone()));
    }
    if let Some(avatar) = avatar {
        member.avatar = Some(avatar.clone());
        partial.insert("avatar".into(), avatar);
    }
    if let Some(roles) = &body.roles {
        member.roles = roles.clone();
        partial.insert("roles".into(), Value::from(roles.clone()));
    }
    if let Some(timeout) = &timeout {
        member.timeout = Some(timeout.clone());
        partial.insert("timeout".into(), Value::from(timeout.clone()));
    }
    if let Some(can_publish) = body.can_publish {
        member.can_publish = can_publish;
        partial.insert("can_publish".into(), Value::from(can_publish));
    }
    if let Some(can_receive) = body.can_receive {
        member.can_receive = can_receive;
        partial.insert("can_receive".into(), Value::from(can_receive));
    }
    if let Some(row) = ctx
        .state
        .members
        .iter_mut()
        .find(|m| m.server == id && m.user == target)
    {
        *row = member.clone();
    }
    let event = json!({
        "type": "ServerMemberUpdate",
        "id": {"server": id, "user": target},
        "data": models::object(partial, models::PARTIAL_MEMBER_KEYS),
        "clear": body.remove,
    });
    let topics = [Topic::Server(id.clone())];
    if body.roles.is_some() || removes("Roles") {
        ctx.state
            .publish_recalculating(&topics, &event, &Recalc::Users(vec![target.clone()]));
    } else {
        ctx.state.publish_many(&topics, &event);
    }
    Ok(Reply::Json(member.render()))
}

/// Removes a member (`Member::remove`): `ServerMemberLeave` (the leaving user gets it
/// too), then the row goes, then the system message if the server has a channel for it.
pub(crate) fn remove_member(state: &mut State, server: &str, user: &str, reason: &str) {
    let event = json!({"type": "ServerMemberLeave", "id": server, "user": user, "reason": reason});
    state.publish_many(
        &[
            Topic::Server(server.to_owned()),
            Topic::Private(user.to_owned()),
        ],
        &event,
    );
    state
        .members
        .retain(|m| !(m.server == server && m.user == user));
    state.resync_user(user, None);
    let (key, kind) = match reason {
        "Kick" => ("user_kicked", "user_kicked"),
        "Ban" => ("user_banned", "user_banned"),
        _ => ("user_left", "user_left"),
    };
    let channel = state
        .servers
        .get(server)
        .and_then(|s| s.get("system_messages"))
        .and_then(|s| s.get(key))
        .and_then(Value::as_str)
        .map(str::to_owned);
    if let Some(channel) = channel {
        if state.channels.contains_key(&channel) {
            let message = json!({
                "_id": state.new_id(),
                "channel": channel,
                "author": wire::SYSTEM_AUTHOR,
                "system": {"type": kind, "id": user}
            });
            crate::server::rest::messages::store_and_publish(state, &channel, message);
        }
    }
}

const BANNED: &str = "crates/core/database/src/models/server_members/model.rs:115:24";
const ALREADY_IN_SERVER: &str = "crates/core/database/src/models/server_members/model.rs:119:24";

/// Adds a member (`Member::create`): `ServerMemberJoin` to the server, `ServerCreate` to
/// the new member, then the `user_joined` system message. Returns the channels the new
/// member can see.
pub(crate) fn create_member(
    state: &mut State,
    server: &str,
    user: &str,
) -> Result<Vec<Value>, ApiError> {
    if state
        .bans
        .contains_key(&(server.to_owned(), user.to_owned()))
    {
        return Err(ApiError::new("Banned", BANNED));
    }
    if state.member(server, user).is_some() {
        return Err(ApiError::new("AlreadyInServer", ALREADY_IN_SERVER));
    }
    let member = MemberRecord::new(server, user, &wire::iso_now());
    state.members.push(member.clone());
    let channels: Vec<Value> = state
        .server_channel_ids(server)
        .iter()
        .filter(|c| permissions::can_view(state, c, user))
        .filter_map(|c| state.channels.get(c).cloned())
        .collect();
    let join = json!({"type": "ServerMemberJoin", "id": server, "user": user,
        "member": member.render()});
    state.publish(&Topic::Server(server.to_owned()), &join);
    let create = json!({
        "type": "ServerCreate",
        "id": server,
        "server": state.servers.get(server).cloned().unwrap_or(Value::Null),
        "channels": channels,
        "emojis": super::server_emojis(state, server),
        "voice_states": [],
    });
    state.publish(&Topic::Private(user.to_owned()), &create);
    state.resync_user(user, Some(server));
    let channel = state
        .servers
        .get(server)
        .and_then(|s| s.get("system_messages"))
        .and_then(|s| s.get("user_joined"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    if let Some(channel) = channel.filter(|c| state.channels.contains_key(c)) {
        let message = json!({
            "_id": state.new_id(),
            "channel": channel,
            "author": wire::SYSTEM_AUTHOR,
            "system": {"type": "user_joined", "id": user}
        });
        crate::server::rest::messages::store_and_publish(state, &channel, message);
    }
    Ok(channels)
}

fn kick_member(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let (id, target) = (ctx.param(0), ctx.param(1));
    ctx.audit_reason()?;
    let server = lookup::server(ctx.state, &id)?;
    if target == me {
        return Err(ApiError::new("CannotRemoveYourself", KICK_SELF).into());
    }
    if wire::str_field(&server, "owner") == Some(target.as_str()) {
        return Err(ApiError::new("InvalidOperation", KICK_OWNER).into());
    }
    permissions::require_server(ctx.state, &id, &me, bits::KICK_MEMBERS)?;
    lookup::member(ctx.state, &id, &target)?;
    if permissions::ranking(ctx.state, &id, &target)
        <= permissions::acting_rank(ctx.state, &id, &me)
    {
        return Err(ApiError::new("NotElevated", KICK_NOT_ELEVATED).into());
    }
    remove_member(ctx.state, &id, &target, "Kick");
    Ok(Reply::NoContent)
}

/// `DataBanCreate`.
#[derive(Debug, Deserialize)]
struct BanCreate {
    reason: Option<String>,
    delete_message_seconds: Option<i64>,
}

fn ban(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let (id, target) = (ctx.param(0), ctx.param(1));
    ctx.audit_reason()?;
    let body: BanCreate = ctx.json()?;
    models::check_length("reason", body.reason.as_deref(), 0, 1024, BAN)?;
    models::check_range(
        "delete_message_seconds",
        body.delete_message_seconds,
        0,
        604_800,
        BAN,
    )?;
    let server = lookup::server(ctx.state, &id)?;
    if target == me {
        return Err(ApiError::new("CannotRemoveYourself", BAN_SELF).into());
    }
    if wire::str_field(&server, "owner") == Some(target.as_str()) {
        return Err(ApiError::new("InvalidOperation", BAN_OWNER).into());
    }
    permissions::require_server(ctx.state, &id, &me, bits::BAN_MEMBERS)?;
    if ctx.state.member(&id, &target).is_some() {
        if permissions::ranking(ctx.state, &id, &target)
            <= permissions::acting_rank(ctx.state, &id, &me)
        {
            return Err(ApiError::new("NotElevated", BAN_NOT_ELEVATED).into());
        }
        remove_member(ctx.state, &id, &target, "Ban");
    }
    if let Some(seconds) = body.delete_message_seconds.filter(|s| *s > 0) {
        let seconds = u64::try_from(seconds).unwrap_or(0);
        let since = wire::unix_now_ms().saturating_sub(seconds * 1000);
        for channel in ctx.state.server_channel_ids(&id) {
            let ids: Vec<String> = ctx
                .state
                .messages
                .get(&channel)
                .into_iter()
                .flat_map(|m| m.values())
                .filter(|m| wire::str_field(m, "author") == Some(target.as_str()))
                .filter_map(|m| wire::str_field(m, "_id"))
                .filter(|m| wire::ulid_timestamp_ms(m).is_some_and(|t| t >= since))
                .map(str::to_owned)
                .collect();
            if ids.is_empty() {
                continue;
            }
            if let Some(messages) = ctx.state.messages.get_mut(&channel) {
                for message in &ids {
                    messages.remove(message);
                }
            }
            let event = json!({"type": "BulkMessageDelete", "channel": channel, "ids": ids});
            ctx.state.publish(&Topic::Channel(channel), &event);
        }
    }
    ctx.state
        .bans
        .insert((id.clone(), target.clone()), body.reason.clone());
    Ok(Reply::Json(
        json!({"_id": {"server": id, "user": target}, "reason": body.reason}),
    ))
}

fn fetch_bans(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let id = ctx.param(0);
    lookup::server(ctx.state, &id)?;
    permissions::require_server(ctx.state, &id, &me, bits::BAN_MEMBERS)?;
    let mut users = Vec::new();
    let mut bans = Vec::new();
    for ((server, user), reason) in &ctx.state.bans {
        if *server != id {
            continue;
        }
        bans.push(json!({"_id": {"server": server, "user": user}, "reason": reason}));
        if let Some(record) = ctx.state.users.get(user) {
            users.push(json!({
                "_id": record.id,
                "username": record.username,
                "discriminator": record.discriminator,
                "avatar": record.avatar.clone().unwrap_or(Value::Null),
            }));
        }
    }
    Ok(Reply::Json(json!({"users": users, "bans": bans})))
}

fn unban(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let (id, target) = (ctx.param(0), ctx.param(1));
    ctx.audit_reason()?;
    lookup::server(ctx.state, &id)?;
    permissions::require_server(ctx.state, &id, &me, bits::BAN_MEMBERS)?;
    if ctx
        .state
        .bans
        .remove(&(id.clone(), target.clone()))
        .is_none()
    {
        return Err(ApiError::not_found(lookup::BAN_NOT_FOUND).into());
    }
    Ok(Reply::NoContent)
}
