//! `/channels/{id}` routes other than messages.

use http::Method;

use super::{Auth, Ctx, HandlerResult, Reply, Route};
use crate::server::errors::ApiError;
use crate::server::permissions;

pub(super) fn routes() -> Vec<Route> {
    vec![Route::new(
        Method::GET,
        "/channels/{}",
        Auth::User,
        fetch_channel,
    )]
}

/// Location of the "unknown channel" error in the captures.
pub(crate) const CHANNEL_NOT_FOUND: &str =
    "crates/core/database/src/models/channels/ops/reference.rs:29:28";

fn fetch_channel(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let id = ctx.param(0);
    let channel = ctx
        .state
        .channels
        .get(&id)
        .cloned()
        .ok_or_else(|| ApiError::not_found(CHANNEL_NOT_FOUND))?;
    if !permissions::can_view(ctx.state, &id, &me) {
        return Err(ApiError::missing_permission("ViewChannel").into());
    }
    Ok(Reply::Json(channel))
}
