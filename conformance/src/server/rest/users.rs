//! `/users` routes.

use http::Method;

use super::{Auth, Ctx, HandlerResult, Reply, Route};
use crate::server::errors::ApiError;

pub(super) fn routes() -> Vec<Route> {
    vec![
        Route::new(Method::GET, "/users/@me", Auth::User, fetch_self),
        Route::new(Method::GET, "/users/{}", Auth::User, fetch_user),
    ]
}

const USER_NOT_FOUND: &str = "crates/core/database/src/models/users/ops/mongodb.rs:41:9";

fn fetch_self(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    ctx.state
        .render_user(&me, Some(&me))
        .map(Reply::Json)
        .ok_or_else(|| ApiError::not_found(USER_NOT_FOUND).into())
}

fn fetch_user(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let target = ctx.param(0);
    ctx.state
        .render_user(&target, Some(&me))
        .map(Reply::Json)
        .ok_or_else(|| ApiError::not_found(USER_NOT_FOUND).into())
}
