//! `/users` routes.

use http::Method;

use crate::http::{path, Request, RequestParts, ValidationError};
use crate::id::UserId;
use crate::model::User;

/// `GET /users/@me`: the authenticated user.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FetchSelf;

impl Request for FetchSelf {
    type Output = User;
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        Ok(RequestParts::new(Method::GET, "/users/@me"))
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
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        Ok(RequestParts::new(
            Method::GET,
            path(&["users", &self.user.to_string()]),
        ))
    }
}
