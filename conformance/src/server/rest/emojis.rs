//! `/custom/emoji/{id}`: create (from an `emojis` upload), fetch, edit, delete.

use http::Method;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::servers::server_emojis;
use super::{lookup, Auth, Ctx, HandlerResult, Reply, Route};
use crate::server::errors::ApiError;
use crate::server::events::Topic;
use crate::server::models;
use crate::server::permissions::{self, bits};
use crate::server::state::State;
use crate::server::wire;

pub(super) fn routes() -> Vec<Route> {
    vec![
        Route::new(Method::PUT, "/custom/emoji/{}", Auth::User, create_emoji),
        Route::new(Method::GET, "/custom/emoji/{}", Auth::None, fetch_emoji),
        Route::new(Method::PATCH, "/custom/emoji/{}", Auth::User, edit_emoji),
        Route::new(Method::DELETE, "/custom/emoji/{}", Auth::User, delete_emoji),
    ]
}

const CREATE: &str = "crates/delta/src/routes/customisation/emoji_create.rs:28:9";
const TOO_MANY: &str = "crates/delta/src/routes/customisation/emoji_create.rs:47:28";
const CREATE_DETACHED: &str = "crates/delta/src/routes/customisation/emoji_create.rs:52:49";
const EDIT: &str = "crates/delta/src/routes/customisation/emoji_edit.rs:27:9";
const EDIT_DETACHED: &str = "crates/delta/src/routes/customisation/emoji_edit.rs:43:45";

/// `global.server_emoji`.
const MAX_EMOJI: usize = 100;

/// `EmojiParent`.
#[derive(Debug, Deserialize)]
#[serde(tag = "type")]
enum Parent {
    Server { id: String },
    Detached,
}

/// `DataCreateEmoji`.
#[derive(Debug, Deserialize)]
struct CreateEmoji {
    name: String,
    parent: Parent,
    #[serde(default)]
    nsfw: bool,
}

fn check_name(name: Option<&str>, location: &str) -> Result<(), ApiError> {
    models::check_length("name", name, 1, 32, location)?;
    match name {
        Some(name) if !models::is_emoji_name(name) => {
            Err(models::regex_error("name", name, location))
        }
        _ => Ok(()),
    }
}

fn emoji(state: &State, id: &str) -> Result<Value, ApiError> {
    state
        .emojis
        .get(id)
        .cloned()
        .ok_or_else(|| ApiError::not_found(lookup::EMOJI_NOT_FOUND))
}

/// The server an emoji belongs to (`None` once detached).
fn parent_server(emoji: &Value) -> Option<String> {
    let parent = emoji.get("parent")?;
    (wire::str_field(parent, "type") == Some("Server"))
        .then(|| wire::str_field(parent, "id").map(str::to_owned))
        .flatten()
}

fn create_emoji(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let id = ctx.param(0);
    ctx.audit_reason()?;
    let body: CreateEmoji = ctx.json()?;
    check_name(Some(&body.name), CREATE)?;
    let server = match &body.parent {
        Parent::Server { id: server } => {
            lookup::server(ctx.state, server)?;
            permissions::require_server(ctx.state, server, &me, bits::MANAGE_CUSTOMISATION)?;
            if server_emojis(ctx.state, server).len() >= MAX_EMOJI {
                return Err(ApiError::with_fields(
                    "TooManyEmoji",
                    vec![("max", Value::from(MAX_EMOJI))],
                    TOO_MANY,
                )
                .into());
            }
            server.clone()
        }
        Parent::Detached => {
            return Err(ApiError::new("InvalidOperation", CREATE_DETACHED).into());
        }
    };
    let file = lookup::use_file(ctx.state, &id, "emojis")?;
    let mut emoji = Map::new();
    emoji.insert("_id".into(), Value::from(id.clone()));
    emoji.insert("parent".into(), json!({"type": "Server", "id": server}));
    emoji.insert("creator_id".into(), Value::from(me));
    emoji.insert("name".into(), Value::from(body.name));
    if wire::str_field(&file, "content_type") == Some("image/gif") {
        emoji.insert("animated".into(), Value::from(true));
    }
    if body.nsfw {
        emoji.insert("nsfw".into(), Value::from(true));
    }
    let emoji = Value::Object(emoji);
    ctx.state.emojis.insert(id, emoji.clone());
    let mut event = Map::new();
    event.insert("type".into(), Value::from("EmojiCreate"));
    if let Value::Object(fields) = &emoji {
        event.extend(fields.clone());
    }
    ctx.state
        .publish(&Topic::Server(server), &Value::Object(event));
    Ok(Reply::Json(emoji))
}

fn fetch_emoji(ctx: &mut Ctx<'_>) -> HandlerResult {
    let id = ctx.param(0);
    Ok(Reply::Json(emoji(ctx.state, &id)?))
}

/// `DataEditEmoji`.
#[derive(Debug, Deserialize)]
struct EditEmoji {
    name: Option<String>,
}

fn edit_emoji(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let id = ctx.param(0);
    ctx.audit_reason()?;
    let body: EditEmoji = ctx.json()?;
    check_name(body.name.as_deref(), EDIT)?;
    let mut emoji = emoji(ctx.state, &id)?;
    let Some(server) = parent_server(&emoji) else {
        return Err(ApiError::new("NotAuthenticated", EDIT_DETACHED).into());
    };
    lookup::server(ctx.state, &server)?;
    permissions::require_server(ctx.state, &server, &me, bits::MANAGE_CUSTOMISATION)?;
    let Some(name) = body.name else {
        return Ok(Reply::Json(emoji));
    };
    if let Value::Object(map) = &mut emoji {
        map.insert("name".into(), Value::from(name.clone()));
    }
    ctx.state.emojis.insert(id.clone(), emoji.clone());
    let event = json!({"type": "EmojiUpdate", "id": id, "data": {"name": name}});
    ctx.state.publish(&Topic::Server(server), &event);
    Ok(Reply::Json(emoji))
}

fn delete_emoji(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let id = ctx.param(0);
    ctx.audit_reason()?;
    let mut emoji = emoji(ctx.state, &id)?;
    let server = parent_server(&emoji);
    if wire::str_field(&emoji, "creator_id") != Some(me.as_str()) {
        let Some(server) = &server else {
            return Ok(Reply::NoContent);
        };
        lookup::server(ctx.state, server)?;
        permissions::require_server(ctx.state, server, &me, bits::MANAGE_CUSTOMISATION)?;
    }
    let event = json!({"type": "EmojiDelete", "id": id});
    if let Some(server) = server {
        ctx.state.publish(&Topic::Server(server), &event);
    }
    // Deleted emojis are detached, not removed: `GET /custom/emoji/{id}` still answers.
    if let Value::Object(map) = &mut emoji {
        map.insert("parent".into(), json!({"type": "Detached"}));
    }
    ctx.state.emojis.insert(id, emoji);
    Ok(Reply::NoContent)
}
