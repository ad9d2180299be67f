//! `/invites/{code}`: fetch (no auth), join, delete.

use http::Method;
use serde_json::{json, Map, Value};

use super::{create_member, lookup, Auth, Ctx, HandlerResult, Reject, Reply, Route};
use crate::server::errors::ApiError;
use crate::server::events::Topic;
use crate::server::permissions::{self, bits};
use crate::server::state::State;
use crate::server::wire;

pub(super) fn routes() -> Vec<Route> {
    vec![
        Route::new(Method::GET, "/invites/{}", Auth::None, fetch_invite),
        Route::new(Method::POST, "/invites/{}", Auth::User, join_invite),
        Route::new(Method::DELETE, "/invites/{}", Auth::User, delete_invite),
    ]
}

const NOT_DISCOVERABLE: &str = "crates/core/database/src/util/reference.rs:53:28";
const NO_CHANNEL: &str = "crates/core/database/src/util/reference.rs:64:28";
const JOIN_IS_BOT: &str = "crates/delta/src/routes/invites/invite_join.rs:18:20";
const ALREADY_IN_GROUP: &str = "crates/core/database/src/models/channels/model.rs:350:28";

/// `Reference::as_invite`: a stored invite, or for a ULID the implicit invite of a
/// discoverable server to its first channel.
fn find_invite(state: &State, code: &str) -> Result<Value, ApiError> {
    if wire::is_ulid(code) {
        let server = lookup::server(state, code)?;
        if server.get("discoverable").and_then(Value::as_bool) != Some(true) {
            return Err(ApiError::not_found(NOT_DISCOVERABLE));
        }
        let channel = state
            .server_channel_ids(code)
            .into_iter()
            .next()
            .ok_or_else(|| ApiError::not_found(NO_CHANNEL))?;
        return Ok(json!({
            "type": "Server",
            "_id": code,
            "server": code,
            "creator": server.get("owner").cloned().unwrap_or(Value::Null),
            "channel": channel
        }));
    }
    state
        .invites
        .get(code)
        .cloned()
        .ok_or_else(|| ApiError::not_found(lookup::INVITE_NOT_FOUND))
}

fn put(map: &mut Map<String, Value>, key: &str, value: Option<&Value>) {
    if let Some(value) = value {
        map.insert(key.to_owned(), value.clone());
    }
}

fn fetch_invite(ctx: &mut Ctx<'_>) -> HandlerResult {
    let code = ctx.param(0);
    let invite = find_invite(ctx.state, &code)?;
    let channel_id = wire::str_field(&invite, "channel").unwrap_or_default();
    let creator = wire::str_field(&invite, "creator").unwrap_or_default();
    let channel = lookup::channel(ctx.state, channel_id)?;
    lookup::user_exists(ctx.state, creator)?;
    let (user_name, user_avatar) = ctx
        .state
        .users
        .get(creator)
        .map(|u| (u.username.clone(), u.avatar.clone()))
        .unwrap_or_default();
    let mut response = Map::new();
    if wire::str_field(&invite, "type") == Some("Server") {
        let server_id = wire::str_field(&channel, "server").unwrap_or_default();
        let server = lookup::server(ctx.state, server_id)?;
        response.insert("type".into(), Value::from("Server"));
        response.insert("code".into(), Value::from(code));
        response.insert("server_id".into(), Value::from(server_id));
        put(&mut response, "server_name", server.get("name"));
        put(&mut response, "server_icon", server.get("icon"));
        put(&mut response, "server_banner", server.get("banner"));
        put(&mut response, "server_flags", server.get("flags"));
        response.insert("channel_id".into(), Value::from(channel_id));
        put(&mut response, "channel_name", channel.get("name"));
        put(
            &mut response,
            "channel_description",
            channel.get("description"),
        );
        response.insert("user_name".into(), Value::from(user_name));
        put(&mut response, "user_avatar", user_avatar.as_ref());
        response.insert(
            "member_count".into(),
            server
                .get("approximate_member_count")
                .cloned()
                .unwrap_or(Value::from(0)),
        );
    } else {
        response.insert("type".into(), Value::from("Group"));
        response.insert("code".into(), Value::from(code));
        response.insert("channel_id".into(), Value::from(channel_id));
        put(&mut response, "channel_name", channel.get("name"));
        put(
            &mut response,
            "channel_description",
            channel.get("description"),
        );
        response.insert("user_name".into(), Value::from(user_name));
        put(&mut response, "user_avatar", user_avatar.as_ref());
    }
    Ok(Reply::Json(Value::Object(response)))
}

fn join_invite(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let code = ctx.param(0);
    if ctx.is_bot() {
        return Err(ApiError::new("IsBot", JOIN_IS_BOT).into());
    }
    let invite = find_invite(ctx.state, &code)?;
    let channel_id = wire::str_field(&invite, "channel")
        .unwrap_or_default()
        .to_owned();
    if wire::str_field(&invite, "type") == Some("Server") {
        let server_id = wire::str_field(&invite, "server")
            .unwrap_or_default()
            .to_owned();
        lookup::server(ctx.state, &server_id)?;
        let channels = create_member(ctx.state, &server_id, &me)?;
        let server = lookup::server(ctx.state, &server_id)?;
        return Ok(Reply::Json(
            json!({"type": "Server", "channels": channels, "server": server}),
        ));
    }
    let creator = wire::str_field(&invite, "creator")
        .unwrap_or_default()
        .to_owned();
    let channel = add_to_group(ctx.state, &channel_id, &me, &creator)?;
    let users: Vec<Value> = channel
        .get("recipients")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .filter_map(|u| ctx.state.render_user(u, Some(&me)))
        .collect();
    Ok(Reply::Json(
        json!({"type": "Group", "channel": channel, "users": users}),
    ))
}

/// `Channel::add_user_to_group`: `ChannelGroupJoin` to the group, `ChannelCreate` to the
/// new recipient, then the `user_added` system message.
pub(crate) fn add_to_group(
    state: &mut State,
    channel_id: &str,
    user: &str,
    by: &str,
) -> Result<Value, ApiError> {
    let mut channel = lookup::channel(state, channel_id)?;
    let Some(Value::Array(recipients)) = channel.get_mut("recipients") else {
        return Err(ApiError::new(
            "InvalidOperation",
            "crates/core/database/src/models/channels/model.rs:400:22",
        ));
    };
    if recipients.iter().any(|r| r.as_str() == Some(user)) {
        return Err(ApiError::new("AlreadyInGroup", ALREADY_IN_GROUP));
    }
    recipients.push(Value::from(user));
    state
        .channels
        .insert(channel_id.to_owned(), channel.clone());
    let join = json!({"type": "ChannelGroupJoin", "id": channel_id, "user": user});
    state.publish(&Topic::Channel(channel_id.to_owned()), &join);
    if let Some(event) = state.channel_create_event(channel_id) {
        state.publish(&Topic::Private(user.to_owned()), &event);
    }
    let message = json!({
        "_id": state.new_id(),
        "channel": channel_id,
        "author": wire::SYSTEM_AUTHOR,
        "system": {"type": "user_added", "id": user, "by": by}
    });
    super::messages::store_and_publish(state, channel_id, message);
    Ok(channel)
}

fn delete_invite(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let code = ctx.param(0);
    ctx.audit_reason()?;
    let invite = find_invite(ctx.state, &code)?;
    if wire::str_field(&invite, "creator") != Some(me.as_str()) {
        if wire::str_field(&invite, "type") != Some("Server") {
            // `unreachable!()` on the real server: the request task panics.
            return Err(Reject::Catcher(500));
        }
        let server = wire::str_field(&invite, "server")
            .unwrap_or_default()
            .to_owned();
        lookup::server(ctx.state, &server)?;
        permissions::require_server(ctx.state, &server, &me, bits::MANAGE_SERVER)?;
    }
    if ctx.state.invites.remove(&code).is_none() {
        return Err(ApiError::not_found(
            "crates/core/database/src/models/channel_invites/ops/reference.rs:49:17",
        )
        .into());
    }
    Ok(Reply::NoContent)
}
