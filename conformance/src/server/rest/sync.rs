//! `/sync` routes: user settings (they feed the `Ready` `user_settings` quirk).

use std::collections::BTreeMap;

use http::Method;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::{Auth, Ctx, HandlerResult, Reject, Reply, Route};
use crate::server::events::Topic;
use crate::server::wire;

pub(super) fn routes() -> Vec<Route> {
    vec![
        Route::new(Method::POST, "/sync/settings/set", Auth::User, set_settings),
        Route::new(
            Method::POST,
            "/sync/settings/fetch",
            Auth::User,
            fetch_settings,
        ),
    ]
}

fn set_settings(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let now = wire::unix_now_ms();
    let timestamp = match ctx.query("timestamp") {
        None => now,
        Some(text) => text
            .parse::<u64>()
            .map_err(|_| Reject::Catcher(422))?
            .min(now),
    };
    let body: BTreeMap<String, String> = ctx.json()?;
    let mut update = Map::new();
    let stored = ctx.state.settings.entry(me.clone()).or_default();
    for (key, value) in body {
        let entry = json!([timestamp, value]);
        stored.insert(key.clone(), entry.clone());
        update.insert(key, entry);
    }
    let event = json!({"type": "UserSettingsUpdate", "id": me, "update": update});
    ctx.state.publish(&Topic::Private(me), &event);
    Ok(Reply::NoContent)
}

/// `OptionsFetchSettings`.
#[derive(Debug, Deserialize)]
struct FetchSettings {
    keys: Vec<String>,
}

fn fetch_settings(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let body: FetchSettings = ctx.json()?;
    let stored = ctx.state.settings.get(&me);
    let mut out = Map::new();
    for key in body.keys {
        if let Some(value) = stored.and_then(|s| s.get(&key)) {
            out.insert(key, value.clone());
        }
    }
    Ok(Reply::Json(Value::Object(out)))
}
