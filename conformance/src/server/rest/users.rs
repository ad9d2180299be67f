//! `/users` routes: fetch and edit users, profiles, flags, default avatars and DMs.

use http::Method;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::{lookup, Auth, Ctx, HandlerResult, Reject, Reply, Route};
use crate::server::errors::ApiError;
use crate::server::events::Topic;
use crate::server::models;
use crate::server::permissions::{self, user_bits};
use crate::server::png;
use crate::server::wire;

pub(super) fn routes() -> Vec<Route> {
    vec![
        Route::new(Method::GET, "/users/@me", Auth::User, fetch_self),
        Route::new(Method::GET, "/users/dms", Auth::User, fetch_dms),
        Route::new(Method::GET, "/users/{}", Auth::User, fetch_user),
        Route::new(Method::PATCH, "/users/{}", Auth::User, edit_user),
        Route::new(Method::GET, "/users/{}/profile", Auth::User, fetch_profile),
        Route::new(Method::GET, "/users/{}/dm", Auth::User, open_dm),
        Route::new(Method::GET, "/users/{}/flags", Auth::None, fetch_flags),
        Route::new(
            Method::GET,
            "/users/{}/default_avatar",
            Auth::None,
            default_avatar,
        ),
    ]
}

const EDIT: &str = "crates/delta/src/routes/users/edit_user.rs:22:9";
const EDIT_NOT_PRIVILEGED: &str = "crates/delta/src/routes/users/edit_user.rs:29:20";
const EDIT_OTHER: &str = "crates/delta/src/routes/users/edit_user.rs:43:24";

/// `FieldsUser`.
const FIELDS_USER: &[&str] = &[
    "Avatar",
    "StatusText",
    "StatusPresence",
    "ProfileContent",
    "ProfileBackground",
    "DisplayName",
    "Pronouns",
    "Internal",
];

/// `Presence`.
const PRESENCES: &[&str] = &["Online", "Idle", "Focus", "Busy", "Invisible"];

fn fetch_self(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    ctx.state
        .render_user(&me, Some(&me))
        .map(Reply::Json)
        .ok_or_else(|| ApiError::not_found(lookup::USER_NOT_FOUND).into())
}

fn fetch_user(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let target = ctx.param(0);
    ctx.state
        .render_user(&target, Some(&me))
        .map(Reply::Json)
        .ok_or_else(|| ApiError::not_found(lookup::USER_NOT_FOUND).into())
}

/// `UserStatus` in requests.
#[derive(Debug, Deserialize)]
struct Status {
    text: Option<String>,
    presence: Option<String>,
}

/// `DataUserProfile`.
#[derive(Debug, Deserialize)]
struct Profile {
    content: Option<String>,
    background: Option<String>,
}

/// `DataEditUser`.
#[derive(Debug, Deserialize)]
struct EditUser {
    display_name: Option<String>,
    pronouns: Option<String>,
    avatar: Option<String>,
    status: Option<Status>,
    profile: Option<Profile>,
    badges: Option<i32>,
    flags: Option<i32>,
    #[serde(default)]
    remove: Vec<String>,
}

fn edit_user(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let target = ctx.param(0);
    let body: EditUser = ctx.json()?;
    if !models::check_fields(&body.remove, FIELDS_USER)
        || body
            .status
            .as_ref()
            .and_then(|s| s.presence.as_deref())
            .is_some_and(|p| !PRESENCES.contains(&p))
    {
        return Err(Reject::Catcher(422));
    }
    models::check_length("display_name", body.display_name.as_deref(), 2, 32, EDIT)?;
    if let Some(name) = body
        .display_name
        .as_deref()
        .filter(|n| n.contains(['\u{200B}', '\n', '\r']))
    {
        return Err(models::regex_error("display_name", name, EDIT).into());
    }
    models::check_length("pronouns", body.pronouns.as_deref(), 1, 24, EDIT)?;
    models::check_length("avatar", body.avatar.as_deref(), 1, 128, EDIT)?;
    if let Some(status) = &body.status {
        models::check_length("text", status.text.as_deref(), 0, 128, EDIT)?;
    }
    if let Some(profile) = &body.profile {
        models::check_length("content", profile.content.as_deref(), 0, 2000, EDIT)?;
        models::check_length("background", profile.background.as_deref(), 1, 128, EDIT)?;
    }
    if body.badges.is_some() || body.flags.is_some() {
        return Err(ApiError::new("NotPrivileged", EDIT_NOT_PRIVILEGED).into());
    }
    let user_id = if target == "@me" || target == me {
        me.clone()
    } else {
        lookup::user_exists(ctx.state, &target)?;
        let owns_bot = ctx
            .state
            .users
            .get(&target)
            .and_then(|u| u.bot_owner.as_deref())
            == Some(me.as_str());
        if !owns_bot {
            return Err(ApiError::new("NotPrivileged", EDIT_OTHER).into());
        }
        target.clone()
    };
    let render = |ctx: &Ctx<'_>| {
        ctx.state
            .render_user(&user_id, Some(&user_id))
            .ok_or_else(|| Reject::from(ApiError::not_found(lookup::USER_NOT_FOUND)))
    };
    if body.display_name.is_none()
        && body.pronouns.is_none()
        && body.status.is_none()
        && body.profile.is_none()
        && body.avatar.is_none()
        && body.remove.is_empty()
    {
        return Ok(Reply::Json(render(ctx)?));
    }
    let avatar = match &body.avatar {
        Some(file) => Some(lookup::use_file(ctx.state, file, "avatars")?),
        None => None,
    };
    let background = match body.profile.as_ref().and_then(|p| p.background.as_ref()) {
        Some(file) => Some(lookup::use_file(ctx.state, file, "backgrounds")?),
        None => None,
    };
    let Some(user) = ctx.state.users.get_mut(&user_id) else {
        return Err(ApiError::not_found(lookup::USER_NOT_FOUND).into());
    };
    let mut status = match user.status.take() {
        Some(Value::Object(map)) => map,
        _ => Map::new(),
    };
    let mut profile = match user.profile.take() {
        Some(Value::Object(map)) => map,
        _ => Map::new(),
    };
    for field in &body.remove {
        match field.as_str() {
            "Avatar" => user.avatar = None,
            "StatusText" => {
                status.remove("text");
            }
            "StatusPresence" => {
                status.remove("presence");
            }
            "ProfileContent" => {
                profile.remove("content");
            }
            "ProfileBackground" => {
                profile.remove("background");
            }
            "DisplayName" => user.display_name = None,
            "Pronouns" => user.pronouns = None,
            _ => {}
        }
    }
    let mut partial = Map::new();
    if let Some(name) = &body.display_name {
        user.display_name = Some(name.clone());
        partial.insert("display_name".into(), Value::from(name.clone()));
    }
    if let Some(pronouns) = &body.pronouns {
        user.pronouns = Some(pronouns.clone());
        partial.insert("pronouns".into(), Value::from(pronouns.clone()));
    }
    if let Some(avatar) = avatar {
        user.avatar = Some(avatar.clone());
        partial.insert("avatar".into(), avatar);
    }
    if let Some(new) = &body.status {
        if let Some(text) = &new.text {
            status.insert("text".into(), Value::from(text.clone()));
        }
        if let Some(presence) = &new.presence {
            status.insert("presence".into(), Value::from(presence.clone()));
        }
        partial.insert("status".into(), Value::Object(status.clone()));
    }
    if let Some(new) = &body.profile {
        if let Some(content) = &new.content {
            profile.insert("content".into(), Value::from(content.clone()));
        }
        if let Some(background) = background {
            profile.insert("background".into(), background);
        }
    }
    user.status = (!status.is_empty()).then_some(Value::Object(status));
    user.profile = (!profile.is_empty()).then_some(Value::Object(profile));
    // `profile` is not part of `PartialUser` v0: profile edits only show in `clear`.
    let event = json!({
        "type": "UserUpdate",
        "id": user_id,
        "data": models::object(partial, models::PARTIAL_USER_KEYS),
        "clear": body.remove,
        "event_id": null,
    });
    ctx.state.publish_user(&user_id, &event);
    Ok(Reply::Json(render(ctx)?))
}

fn fetch_profile(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let target = ctx.param(0);
    if target != me {
        lookup::user_exists(ctx.state, &target)?;
        permissions::require_user(ctx.state, &me, &target, user_bits::VIEW_PROFILE)?;
    }
    let profile = ctx
        .state
        .users
        .get(&target)
        .and_then(|u| u.profile.clone())
        .unwrap_or_else(|| json!({}));
    Ok(Reply::Json(profile))
}

fn fetch_dms(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let channels: Vec<Value> = ctx
        .state
        .channels
        .values()
        .filter(|c| match wire::str_field(c, "channel_type") {
            Some("DirectMessage" | "Group") => c
                .get("recipients")
                .and_then(Value::as_array)
                .is_some_and(|r| r.iter().any(|u| u.as_str() == Some(me.as_str()))),
            Some("SavedMessages") => wire::str_field(c, "user") == Some(me.as_str()),
            _ => false,
        })
        .cloned()
        .collect();
    Ok(Reply::Json(Value::from(channels)))
}

fn open_dm(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let target = ctx.param(0);
    lookup::user_exists(ctx.state, &target)?;
    permissions::require_user(ctx.state, &me, &target, user_bits::SEND_MESSAGE)?;
    let existing = ctx.state.channels.values().find(|c| {
        if target == me {
            wire::str_field(c, "channel_type") == Some("SavedMessages")
                && wire::str_field(c, "user") == Some(me.as_str())
        } else {
            wire::str_field(c, "channel_type") == Some("DirectMessage")
                && [&me, &target].iter().all(|u| {
                    c.get("recipients")
                        .and_then(Value::as_array)
                        .is_some_and(|r| r.iter().any(|v| v.as_str() == Some(u.as_str())))
                })
        }
    });
    if let Some(channel) = existing {
        return Ok(Reply::Json(channel.clone()));
    }
    let id = ctx.state.new_id();
    let channel = if target == me {
        json!({"channel_type": "SavedMessages", "_id": id, "user": me})
    } else {
        json!({"channel_type": "DirectMessage", "_id": id, "active": true,
            "recipients": [me, target]})
    };
    ctx.state.channels.insert(id.clone(), channel.clone());
    if target != me {
        if let Some(event) = ctx.state.channel_create_event(&id) {
            ctx.state.publish(&Topic::Private(me.clone()), &event);
            ctx.state.publish(&Topic::Private(target.clone()), &event);
        }
    }
    Ok(Reply::Json(channel))
}

fn fetch_flags(ctx: &mut Ctx<'_>) -> HandlerResult {
    let target = ctx.param(0);
    let flags = ctx.state.users.get(&target).map_or(0, |u| u.flags);
    Ok(Reply::Json(json!({"flags": flags})))
}

/// The seven default avatar colours, picked by the id's last character like the server.
fn default_colour(target: &str) -> [u8; 3] {
    match target.chars().last() {
        Some('0' | '1' | '2' | '3' | 'S' | 'Z') => [0xE8, 0x4C, 0x3D],
        Some('4' | '5' | '6' | '7' | 'T') => [0xF1, 0xC4, 0x0F],
        Some('8' | '9' | 'A' | 'B') => [0x2E, 0xCC, 0x71],
        Some('C' | 'D' | 'E' | 'F' | 'V') => [0x34, 0x98, 0xDB],
        Some('G' | 'H' | 'J' | 'K' | 'W') => [0x9B, 0x59, 0xB6],
        Some('M' | 'N' | 'P' | 'Q' | 'X') => [0xE6, 0x7E, 0x22],
        _ => [0x95, 0xA5, 0xA6],
    }
}

fn default_avatar(ctx: &mut Ctx<'_>) -> HandlerResult {
    let target = ctx.param(0);
    Ok(Reply::Bytes {
        content_type: "image/png",
        headers: vec![(
            "cache-control",
            "public, max-age=31536000, immutable".to_owned(),
        )],
        body: png::solid(64, default_colour(&target)),
    })
}
