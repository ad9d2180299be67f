//! `/bots` routes: owned bots, fetch, edit (owner only), public profile, invite.

use http::Method;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::{create_member, invites, lookup, Auth, Ctx, HandlerResult, Reject, Reply, Route};
use crate::server::errors::ApiError;
use crate::server::models;
use crate::server::permissions::{self, bits};
use crate::server::state::{ConnCommand, State};
use crate::server::wire;

pub(super) fn routes() -> Vec<Route> {
    vec![
        Route::new(Method::GET, "/bots/@me", Auth::User, fetch_owned),
        Route::new(Method::GET, "/bots/{}", Auth::User, fetch_bot),
        Route::new(Method::PATCH, "/bots/{}", Auth::User, edit_bot),
        Route::new(Method::GET, "/bots/{}/invite", Auth::None, fetch_public),
        Route::new(Method::POST, "/bots/{}/invite", Auth::User, invite_bot),
    ]
}

const FETCH_IS_BOT: &str = "crates/delta/src/routes/bots/fetch.rs:17:20";
const FETCH_NOT_OWNER: &str = "crates/delta/src/routes/bots/fetch.rs:22:20";
const EDIT: &str = "crates/delta/src/routes/bots/edit.rs:22:9";
const EDIT_NOT_OWNER: &str = "crates/delta/src/routes/bots/edit.rs:29:20";
const PUBLIC_NOT_FOUND: &str = "crates/delta/src/routes/bots/fetch_public.rs:20:20";
const INVITE_IS_BOT: &str = "crates/delta/src/routes/bots/invite.rs:27:20";
const INVITE_PRIVATE: &str = "crates/delta/src/routes/bots/invite.rs:32:20";

fn bot(state: &State, id: &str) -> Result<Value, ApiError> {
    state
        .bots
        .get(id)
        .cloned()
        .ok_or_else(|| ApiError::not_found(lookup::BOT_NOT_FOUND))
}

fn owner_of(bot: &Value) -> &str {
    wire::str_field(bot, "owner").unwrap_or_default()
}

/// The bot's user as its own session sees it (`into_self`).
fn bot_user(state: &State, id: &str) -> Result<Value, ApiError> {
    state
        .render_user(id, Some(id))
        .ok_or_else(|| ApiError::not_found(lookup::USER_NOT_FOUND))
}

fn fetch_owned(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let bots: Vec<Value> = ctx
        .state
        .bots
        .values()
        .filter(|b| owner_of(b) == me)
        .cloned()
        .collect();
    let users: Vec<Value> = bots
        .iter()
        .filter_map(|b| wire::str_field(b, "_id"))
        .filter_map(|id| ctx.state.render_user(id, Some(id)))
        .collect();
    Ok(Reply::Json(json!({"bots": bots, "users": users})))
}

fn fetch_bot(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let id = ctx.param(0);
    if ctx.is_bot() {
        return Err(ApiError::new("IsBot", FETCH_IS_BOT).into());
    }
    let bot = bot(ctx.state, &id)?;
    if owner_of(&bot) != me {
        return Err(ApiError::not_found(FETCH_NOT_OWNER).into());
    }
    // `User::into(db, None)`: a bot's relationship is always `None`.
    let user = ctx
        .state
        .render_user(&id, None)
        .ok_or_else(|| ApiError::not_found(lookup::USER_NOT_FOUND))?;
    Ok(Reply::Json(json!({"bot": bot, "user": user})))
}

/// `DataEditBot`.
#[derive(Debug, Deserialize)]
struct EditBot {
    name: Option<String>,
    public: Option<bool>,
    analytics: Option<bool>,
    interactions_url: Option<String>,
    #[serde(default)]
    remove: Vec<String>,
}

/// `RE_USERNAME`: letters, digits, `_`, `.` and `-`.
fn is_username(name: &str) -> bool {
    name.chars()
        .all(|c| c.is_alphabetic() || c.is_ascii_digit() || matches!(c, '_' | '.' | '-'))
}

fn with_user(bot: &Value, user: Value) -> Value {
    let mut map = match bot {
        Value::Object(map) => map.clone(),
        _ => Map::new(),
    };
    map.insert("user".into(), user);
    Value::Object(map)
}

fn edit_bot(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let id = ctx.param(0);
    let body: EditBot = ctx.json()?;
    if !models::check_fields(&body.remove, &["Token", "InteractionsURL"]) {
        return Err(Reject::Catcher(422));
    }
    models::check_length("name", body.name.as_deref(), 2, 32, EDIT)?;
    if let Some(name) = body.name.as_deref().filter(|n| !is_username(n)) {
        return Err(models::regex_error("name", name, EDIT).into());
    }
    models::check_length(
        "interactions_url",
        body.interactions_url.as_deref(),
        1,
        2048,
        EDIT,
    )?;
    let mut bot = bot(ctx.state, &id)?;
    if owner_of(&bot) != me {
        return Err(ApiError::not_found(EDIT_NOT_OWNER).into());
    }
    lookup::user_exists(ctx.state, &id)?;
    if let Some(name) = &body.name {
        if let Some(user) = ctx.state.users.get_mut(&id) {
            user.username = name.clone();
        }
        let event = json!({"type": "UserUpdate", "id": id, "data": {"username": name},
            "clear": [], "event_id": null});
        ctx.state.publish_user(&id, &event);
    }
    if body.public.is_none()
        && body.analytics.is_none()
        && body.interactions_url.is_none()
        && body.remove.is_empty()
    {
        return Ok(Reply::Json(with_user(&bot, bot_user(ctx.state, &id)?)));
    }
    let mut new_token = None;
    if let Value::Object(map) = &mut bot {
        for field in &body.remove {
            if field == "Token" {
                let token = wire::nanoid(64);
                map.insert("token".into(), Value::from(token.clone()));
                new_token = Some(token);
            } else {
                map.remove("interactions_url");
            }
        }
        if let Some(public) = body.public {
            map.insert("public".into(), Value::from(public));
        }
        if let Some(analytics) = body.analytics {
            if analytics {
                map.insert("analytics".into(), Value::from(true));
            } else {
                map.remove("analytics");
            }
        }
        if let Some(url) = &body.interactions_url {
            map.insert("interactions_url".into(), Value::from(url.clone()));
        }
    }
    let bot = models::ordered(bot, models::BOT_KEYS);
    ctx.state.bots.insert(id.clone(), bot.clone());
    if let Some(token) = new_token {
        // The old token stops working and the bot's sessions are logged out.
        ctx.state.bot_tokens.retain(|_, user| *user != id);
        ctx.state.bot_tokens.insert(token, id.clone());
        for connection in ctx.state.connections.values() {
            if connection
                .identity
                .as_ref()
                .is_some_and(|i| i.user_id == id)
            {
                let _ = connection.tx.send(ConnCommand::Logout);
            }
        }
    }
    Ok(Reply::Json(with_user(&bot, bot_user(ctx.state, &id)?)))
}

fn fetch_public(ctx: &mut Ctx<'_>) -> HandlerResult {
    let id = ctx.param(0);
    let bot = bot(ctx.state, &id)?;
    let public = bot.get("public").and_then(Value::as_bool) == Some(true);
    let is_owner = ctx
        .identity
        .as_ref()
        .is_some_and(|i| i.user_id == owner_of(&bot));
    if !public && !is_owner {
        return Err(ApiError::not_found(PUBLIC_NOT_FOUND).into());
    }
    let user = ctx
        .state
        .users
        .get(&id)
        .ok_or_else(|| ApiError::not_found(lookup::USER_NOT_FOUND))?;
    let mut response = Map::new();
    response.insert("_id".into(), Value::from(id.clone()));
    response.insert("username".into(), Value::from(user.username.clone()));
    if let Some(avatar) = user.avatar.as_ref().and_then(|a| a.get("_id")) {
        response.insert("avatar".into(), avatar.clone());
    }
    if let Some(content) = user
        .profile
        .as_ref()
        .and_then(|p| p.get("content"))
        .filter(|c| c.as_str().is_some_and(|c| !c.is_empty()))
    {
        response.insert("description".into(), content.clone());
    }
    Ok(Reply::Json(Value::Object(response)))
}

/// `InviteBotDestination` (untagged).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Destination {
    Server { server: String },
    Group { group: String },
}

fn invite_bot(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let id = ctx.param(0);
    let destination: Destination = ctx.json()?;
    if ctx.is_bot() {
        return Err(ApiError::new("IsBot", INVITE_IS_BOT).into());
    }
    let bot = bot(ctx.state, &id)?;
    if bot.get("public").and_then(Value::as_bool) != Some(true) && owner_of(&bot) != me {
        return Err(ApiError::new("BotIsPrivate", INVITE_PRIVATE).into());
    }
    lookup::user_exists(ctx.state, &id)?;
    match destination {
        Destination::Server { server } => {
            lookup::server(ctx.state, &server)?;
            permissions::require_server(ctx.state, &server, &me, bits::MANAGE_SERVER)?;
            create_member(ctx.state, &server, &id)?;
        }
        Destination::Group { group } => {
            lookup::channel(ctx.state, &group)?;
            permissions::require_channel(ctx.state, &group, &me, bits::INVITE_OTHERS)?;
            invites::add_to_group(ctx.state, &group, &id, &me)?;
        }
    }
    Ok(Reply::NoContent)
}
