//! `/onboard` routes: picking a username for a new account.

use http::Method;
use serde::Serialize;

use super::validate;
use crate::http::{Body, Request, RequestParts, Route, ValidationError};
use crate::model::{OnboardingStatus, User};

request! {
    /// `GET /onboard/hello`: whether the account still has to pick a username.
    pub struct FetchOnboarding;
    GET "/onboard/hello" => OnboardingStatus;
}

/// `POST /onboard/complete`: picks the username of a new account, which creates its user.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[non_exhaustive]
pub struct CompleteOnboarding {
    /// The username (2–32 characters, see [`validate::username`]).
    pub username: String,
}

impl CompleteOnboarding {
    /// Picks `username`.
    pub fn new(username: impl Into<String>) -> Self {
        Self {
            username: username.into(),
        }
    }
}

impl Request for CompleteOnboarding {
    type Output = User;
    const ROUTE: Route = Route::api(Method::POST, "/onboard/complete");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        validate::username("username", &self.username)?;
        Ok(Self::ROUTE
            .parts("/onboard/complete".into())
            .body(Body::json(self)?))
    }
}
