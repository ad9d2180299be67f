//! `/servers/{id}` routes: fetch server, fetch member(s).

use http::Method;
use serde_json::{json, Map, Value};

use super::{Auth, Ctx, HandlerResult, Reject, Reply, Route};
use crate::server::errors::ApiError;
use crate::server::permissions;

pub(super) fn routes() -> Vec<Route> {
    vec![
        Route::new(Method::GET, "/servers/{}", Auth::User, fetch_server),
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
    ]
}

const SERVER_NOT_FOUND: &str = "crates/core/database/src/models/servers/ops/reference.rs:29:28";
const MEMBER_NOT_FOUND: &str =
    "crates/core/database/src/models/server_members/ops/reference.rs:41:28";

/// The server, if `me` is a member (not being one is reported as `NotFound`).
fn server(ctx: &Ctx<'_>, id: &str, me: &str) -> Result<Value, Reject> {
    match ctx.state.servers.get(id) {
        Some(server) if ctx.state.member(id, me).is_some() => Ok(server.clone()),
        _ => Err(ApiError::not_found(SERVER_NOT_FOUND).into()),
    }
}

fn fetch_server(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let id = ctx.param(0);
    let include_channels = ctx.query_bool("include_channels")?;
    let server = server(ctx, &id, &me)?;
    if !include_channels {
        return Ok(Reply::Json(server));
    }
    // The untagged `ServerWithChannels` flattens the server and adds a second `channels`
    // key (objects) after the first one (ids): one object, two `channels` keys.
    let channels: Vec<Value> = server
        .get("channels")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
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

fn fetch_member(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let (id, target) = (ctx.param(0), ctx.param(1));
    let with_roles = ctx.query_bool("roles")?;
    let server = server(ctx, &id, &me)?;
    let member = ctx
        .state
        .member(&id, &target)
        .cloned()
        .ok_or_else(|| ApiError::not_found(MEMBER_NOT_FOUND))?;
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
    server(ctx, &id, &me)?;
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
