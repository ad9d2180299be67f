//! `GET /channels/{id}/messages` and `GET /channels/{id}/messages/{id}`.

use serde_json::{Map, Value};

use super::{channel, message};
use crate::server::errors::ApiError;
use crate::server::permissions::{self, bits};
use crate::server::rest::{Ctx, HandlerResult, Reject, Reply};
use crate::server::wire;

const QUERY_VALIDATION: &str = "crates/delta/src/routes/channels/message_query.rs:23:9";
const QUERY_SORT: &str = "crates/delta/src/routes/channels/message_query.rs:29:20";

fn range_error(field: &str, value: i64) -> String {
    format!(
        "{field}: Validation error: range [{{\"max\": Number(100.0), \"value\": Number({value}), \"min\": Number(1.0)}}]"
    )
}

fn id_param(ctx: &Ctx<'_>, key: &str) -> Result<Option<String>, Reject> {
    match ctx.query(key) {
        None => Ok(None),
        Some(id) if id.chars().count() == 26 => Ok(Some(id.to_owned())),
        Some(id) => Err(ApiError::failed_validation(
            format!(
                "{key}: Validation error: length [{{\"min\": Number(26), \"max\": Number(26), \"value\": String({})}}]",
                Value::from(id)
            ),
            QUERY_VALIDATION,
        )
        .into()),
    }
}

pub(super) fn query_messages(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let channel_id = ctx.param(0);
    let limit = match ctx.query("limit") {
        None => 50,
        Some(text) => text.parse::<i64>().map_err(|_| Reject::Catcher(422))?,
    };
    let oldest_first = match ctx.query("sort") {
        None | Some("Latest") => false,
        Some("Oldest") => true,
        Some("Relevance") => false,
        Some(_) => return Err(Reject::Catcher(422)),
    };
    let include_users = ctx.query_bool("include_users")?;
    if !(1..=100).contains(&limit) {
        return Err(
            ApiError::failed_validation(range_error("limit", limit), QUERY_VALIDATION).into(),
        );
    }
    let before = id_param(ctx, "before")?;
    let after = id_param(ctx, "after")?;
    let nearby = id_param(ctx, "nearby")?;
    if ctx.query("sort") == Some("Relevance") {
        return Err(ApiError::new("InvalidOperation", QUERY_SORT).into());
    }
    channel(ctx.state, &channel_id, &me)?;
    permissions::require_channel(ctx.state, &channel_id, &me, bits::READ_MESSAGE_HISTORY)?;

    let limit = usize::try_from(limit).unwrap_or(50);
    let all: Vec<&Value> = ctx
        .state
        .messages
        .get(&channel_id)
        .map(|m| m.values().collect())
        .unwrap_or_default();
    let id_of = |m: &Value| wire::str_field(m, "_id").unwrap_or_default().to_owned();
    let mut page: Vec<Value> = if let Some(nearby) = nearby {
        let half = limit / 2 + 1;
        let older: Vec<&Value> = all.iter().copied().filter(|m| id_of(m) < nearby).collect();
        let newer = all
            .iter()
            .copied()
            .filter(|m| id_of(m) >= nearby)
            .take(half);
        older[older.len().saturating_sub(half)..]
            .iter()
            .copied()
            .chain(newer)
            .cloned()
            .collect()
    } else {
        all.iter()
            .copied()
            .filter(|m| before.as_ref().is_none_or(|b| id_of(m) < *b))
            .filter(|m| after.as_ref().is_none_or(|a| id_of(m) > *a))
            .cloned()
            .collect()
    };
    if !oldest_first {
        page.reverse();
    }
    page.truncate(limit);

    if !include_users {
        return Ok(Reply::Json(Value::from(page)));
    }
    let mut user_ids: Vec<String> = Vec::new();
    for message in &page {
        if let Some(author) = wire::str_field(message, "author") {
            if ctx.state.users.contains_key(author) && !user_ids.iter().any(|u| u == author) {
                user_ids.push(author.to_owned());
            }
        }
    }
    let users: Vec<Value> = user_ids
        .iter()
        .filter_map(|id| ctx.state.render_user(id, Some(&me)))
        .collect();
    let mut response = Map::new();
    response.insert("messages".into(), Value::from(page));
    response.insert("users".into(), Value::from(users));
    if let Some(server) = ctx.state.channel_server(&channel_id) {
        let members: Vec<Value> = user_ids
            .iter()
            .filter_map(|id| ctx.state.member(&server, id).map(|m| m.render()))
            .collect();
        response.insert("members".into(), Value::from(members));
    }
    Ok(Reply::Json(Value::Object(response)))
}

pub(super) fn fetch(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let (channel_id, id) = (ctx.param(0), ctx.param(1));
    channel(ctx.state, &channel_id, &me)?;
    permissions::require_channel(ctx.state, &channel_id, &me, bits::READ_MESSAGE_HISTORY)?;
    Ok(Reply::Json(message(ctx.state, &channel_id, &id)?))
}
