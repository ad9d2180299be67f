//! `/users` routes.

use http::Method;

use crate::http::{path, Request, RequestParts, Route, ValidationError};
use crate::id::UserId;
use crate::model::User;

/// `GET /users/@me`: the authenticated user.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FetchSelf;

impl Request for FetchSelf {
    type Output = User;
    const ROUTE: Route = Route::api(Method::GET, "/users/@me");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        Ok(Self::ROUTE.parts("/users/@me".into()))
    }
}

/// `GET /users/{id}`: a user.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FetchUser {
    /// The user.
    pub user: UserId,
}

impl FetchUser {
    /// Fetches `user`.
    pub fn new(user: UserId) -> Self {
        Self { user }
    }
}

impl Request for FetchUser {
    type Output = User;
    const ROUTE: Route = Route::api(Method::GET, "/users/{target}");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        Ok(Self::ROUTE.parts(path(&["users", &self.user.to_string()])))
    }
}
