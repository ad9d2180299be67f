//! `/servers/{id}/roles…`: create, fetch, edit, delete and reorder roles.

use http::Method;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::store_server;
use crate::server::errors::ApiError;
use crate::server::events::Topic;
use crate::server::models;
use crate::server::permissions::{self, bits};
use crate::server::rest::{lookup, Auth, Ctx, HandlerResult, Reject, Reply, Route};
use crate::server::visibility::{self, Recalc};

pub(super) fn routes() -> Vec<Route> {
    vec![
        Route::new(Method::POST, "/servers/{}/roles", Auth::User, create_role),
        Route::new(
            Method::PATCH,
            "/servers/{}/roles/ranks",
            Auth::User,
            edit_ranks,
        ),
        Route::new(Method::GET, "/servers/{}/roles/{}", Auth::User, fetch_role),
        Route::new(Method::PATCH, "/servers/{}/roles/{}", Auth::User, edit_role),
        Route::new(
            Method::DELETE,
            "/servers/{}/roles/{}",
            Auth::User,
            delete_role,
        ),
    ]
}

const CREATE: &str = "crates/delta/src/routes/servers/roles_create.rs:28:9";
const TOO_MANY: &str = "crates/delta/src/routes/servers/roles_create.rs:41:20";
const EDIT: &str = "crates/delta/src/routes/servers/roles_edit.rs:30:9";
const EDIT_NOT_ELEVATED: &str = "crates/delta/src/routes/servers/roles_edit.rs:46:24";
const EDIT_NOT_FOUND: &str = "crates/delta/src/routes/servers/roles_edit.rs:104:13";
const DELETE_NOT_FOUND: &str = "crates/delta/src/routes/servers/roles_delete.rs:37:24";
const DELETE_NOT_ELEVATED: &str = "crates/delta/src/routes/servers/roles_delete.rs:40:20";
const FETCH_NOT_MEMBER: &str = "crates/delta/src/routes/servers/roles_fetch.rs:24:20";
const FETCH_NOT_FOUND: &str = "crates/delta/src/routes/servers/roles_fetch.rs:32:13";
const RANKS_INVALID: &str = "crates/delta/src/routes/servers/roles_edit_positions.rs:46:20";
const RANKS_NOT_ELEVATED: &str = "crates/delta/src/routes/servers/roles_edit_positions.rs:72:24";

/// `global.server_roles`.
const MAX_ROLES: usize = 200;

fn rank_of(role: &Value) -> i64 {
    role.get("rank").and_then(Value::as_i64).unwrap_or(0)
}

/// `DataCreateRole`.
#[derive(Debug, Deserialize)]
struct CreateRole {
    name: String,
    #[allow(dead_code, reason = "accepted and ignored, like the server")]
    rank: Option<i64>,
}

fn create_role(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let id = ctx.param(0);
    ctx.audit_reason()?;
    let body: CreateRole = ctx.json()?;
    models::check_length("name", Some(&body.name), 1, 32, CREATE)?;
    let mut server = lookup::server(ctx.state, &id)?;
    permissions::require_server(ctx.state, &id, &me, bits::MANAGE_ROLE)?;
    let count = server
        .get("roles")
        .and_then(Value::as_object)
        .map_or(0, Map::len);
    if count >= MAX_ROLES {
        return Err(ApiError::with_fields(
            "TooManyRoles",
            vec![("max", Value::from(MAX_ROLES))],
            TOO_MANY,
        )
        .into());
    }
    let role_id = ctx.state.new_id();
    // A new role ranks below every existing one.
    let rank = i64::try_from(count).unwrap_or(i64::MAX);
    let role =
        json!({"_id": role_id, "name": body.name, "permissions": {"a": 0, "d": 0}, "rank": rank});
    if let Value::Object(map) = &mut server {
        let roles = map
            .entry("roles")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(roles) = roles {
            roles.insert(role_id.clone(), role.clone());
        }
    }
    store_server(ctx.state, &id, server);
    let event = json!({"type": "ServerRoleUpdate", "id": id, "role_id": role_id,
        "data": {"id": role_id, "name": body.name, "permissions": {"a": 0, "d": 0},
            "hoist": false, "rank": rank},
        "clear": []});
    ctx.state.publish(&Topic::Server(id), &event);
    Ok(Reply::Json(json!({"id": role_id, "role": role})))
}

fn fetch_role(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let (id, role_id) = (ctx.param(0), ctx.param(1));
    let server = lookup::server(ctx.state, &id)?;
    if ctx.state.member(&id, &me).is_none() {
        return Err(ApiError::not_found(FETCH_NOT_MEMBER).into());
    }
    server
        .get("roles")
        .and_then(|r| r.get(&role_id))
        .cloned()
        .map(Reply::Json)
        .ok_or_else(|| ApiError::not_found(FETCH_NOT_FOUND).into())
}

/// `DataEditRole`.
#[derive(Debug, Deserialize)]
struct EditRole {
    name: Option<String>,
    colour: Option<String>,
    hoist: Option<bool>,
    #[allow(dead_code, reason = "accepted and ignored, like the server")]
    rank: Option<i64>,
    icon: Option<String>,
    #[serde(default)]
    remove: Vec<String>,
}

fn edit_role(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let (id, role_id) = (ctx.param(0), ctx.param(1));
    ctx.audit_reason()?;
    let body: EditRole = ctx.json()?;
    if !models::check_fields(&body.remove, &["Colour", "Icon"]) {
        return Err(Reject::Catcher(422));
    }
    models::check_length("name", body.name.as_deref(), 1, 32, EDIT)?;
    models::check_length("colour", body.colour.as_deref(), 1, 128, EDIT)?;
    if let Some(colour) = &body.colour {
        if !models::is_colour(colour) {
            return Err(models::regex_error("colour", colour, EDIT).into());
        }
    }
    models::check_length("icon", body.icon.as_deref(), 1, 128, EDIT)?;
    let mut server = lookup::server(ctx.state, &id)?;
    permissions::require_server(ctx.state, &id, &me, bits::MANAGE_ROLE)?;
    let member_rank = permissions::acting_rank(ctx.state, &id, &me);
    let Some(role) = server.get("roles").and_then(|r| r.get(&role_id)).cloned() else {
        return Err(ApiError::not_found(EDIT_NOT_FOUND).into());
    };
    if rank_of(&role) <= member_rank {
        return Err(ApiError::new("NotElevated", EDIT_NOT_ELEVATED).into());
    }
    let icon = match &body.icon {
        Some(file) => Some(lookup::use_file(ctx.state, file, "icons")?),
        None => None,
    };
    let mut partial = Map::new();
    if let Some(name) = &body.name {
        partial.insert("name".into(), Value::from(name.clone()));
    }
    if let Some(colour) = &body.colour {
        partial.insert("colour".into(), Value::from(colour.clone()));
    }
    if let Some(hoist) = body.hoist {
        partial.insert("hoist".into(), Value::from(hoist));
    }
    if let Some(icon) = icon {
        partial.insert("icon".into(), icon);
    }
    let mut role = role;
    if let Value::Object(map) = &mut role {
        for field in &body.remove {
            map.remove(if field == "Colour" { "colour" } else { "icon" });
        }
        for (key, value) in &partial {
            if *value == Value::Bool(false) {
                map.remove(key);
            } else {
                map.insert(key.clone(), value.clone());
            }
        }
    }
    let role = models::ordered(role, models::ROLE_KEYS);
    if let Some(Value::Object(roles)) = server.get_mut("roles") {
        roles.insert(role_id.clone(), role.clone());
    }
    store_server(ctx.state, &id, server);
    let event = json!({"type": "ServerRoleUpdate", "id": id, "role_id": role_id,
        "data": models::object(partial, models::ROLE_KEYS), "clear": body.remove});
    ctx.state.publish(&Topic::Server(id), &event);
    Ok(Reply::Json(role))
}

fn delete_role(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let (id, role_id) = (ctx.param(0), ctx.param(1));
    ctx.audit_reason()?;
    let mut server = lookup::server(ctx.state, &id)?;
    permissions::require_server(ctx.state, &id, &me, bits::MANAGE_ROLE)?;
    let member_rank = permissions::acting_rank(ctx.state, &id, &me);
    let Some(role) = server.get("roles").and_then(|r| r.get(&role_id)).cloned() else {
        return Err(ApiError::not_found(DELETE_NOT_FOUND).into());
    };
    if rank_of(&role) <= member_rank {
        return Err(ApiError::new("NotElevated", DELETE_NOT_ELEVATED).into());
    }
    let holders = visibility::holders(ctx.state, &id, &role_id);
    if let Value::Object(map) = &mut server {
        let empty = match map.get_mut("roles") {
            Some(Value::Object(roles)) => {
                roles.remove(&role_id);
                roles.is_empty()
            }
            _ => true,
        };
        if empty {
            map.remove("roles");
        }
    }
    store_server(ctx.state, &id, server);
    for member in ctx.state.members.iter_mut().filter(|m| m.server == id) {
        member.roles.retain(|r| *r != role_id);
    }
    for channel in ctx.state.channels.values_mut() {
        if channel.get("server").and_then(Value::as_str) != Some(id.as_str()) {
            continue;
        }
        if let Some(Value::Object(overrides)) = channel.get_mut("role_permissions") {
            overrides.remove(&role_id);
            if overrides.is_empty() {
                if let Value::Object(map) = channel {
                    map.remove("role_permissions");
                }
            }
        }
    }
    let event = json!({"type": "ServerRoleDelete", "id": id, "role_id": role_id});
    ctx.state.publish_recalculating(
        &[Topic::Server(id)],
        &event,
        &Recalc::Role {
            role: role_id,
            holders,
        },
    );
    Ok(Reply::NoContent)
}

/// `DataEditRoleRanks`.
#[derive(Debug, Deserialize)]
struct EditRanks {
    ranks: Vec<String>,
}

fn edit_ranks(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let id = ctx.param(0);
    ctx.audit_reason()?;
    let body: EditRanks = ctx.json()?;
    let mut server = lookup::server(ctx.state, &id)?;
    permissions::require_server(ctx.state, &id, &me, bits::MANAGE_ROLE)?;
    let roles: Map<String, Value> = server
        .get("roles")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let mut existing: Vec<(&String, i64)> = roles.iter().map(|(id, r)| (id, rank_of(r))).collect();
    existing.sort_by_key(|(_, rank)| *rank);
    let existing: Vec<&String> = existing.into_iter().map(|(id, _)| id).collect();
    if body.ranks.len() != roles.len() || !roles.keys().all(|r| body.ranks.contains(r)) {
        return Err(ApiError::new("InvalidOperation", RANKS_INVALID).into());
    }
    if !permissions::is_owner(ctx.state, &id, &me) {
        let top = permissions::ranking(ctx.state, &id, &me);
        let moved_above = roles
            .iter()
            .filter(|(_, r)| rank_of(r) <= top)
            .any(|(r, _)| {
                existing.iter().position(|e| *e == r) != body.ranks.iter().position(|n| n == r)
            });
        if moved_above {
            return Err(ApiError::new("NotElevated", RANKS_NOT_ELEVATED).into());
        }
    }
    if let Some(Value::Object(roles)) = server.get_mut("roles") {
        for (rank, role_id) in body.ranks.iter().enumerate() {
            if let Some(Value::Object(role)) = roles.get_mut(role_id) {
                role.insert(
                    "rank".into(),
                    Value::from(i64::try_from(rank).unwrap_or(i64::MAX)),
                );
            }
        }
    }
    let server = store_server(ctx.state, &id, server);
    let event = json!({"type": "ServerRoleRanksUpdate", "id": id, "ranks": body.ranks});
    ctx.state.publish(&Topic::Server(id), &event);
    Ok(Reply::Json(server))
}
