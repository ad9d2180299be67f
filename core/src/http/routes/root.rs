//! `GET /`.

use http::Method;

use crate::http::{Request, RequestParts, Route, ValidationError};
use crate::model::InstanceInfo;

/// `GET /`: the instance's version, features and service URLs. Needs no token.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FetchInstance;

impl Request for FetchInstance {
    type Output = InstanceInfo;
    const ROUTE: Route = Route::api(Method::GET, "/");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        Ok(Self::ROUTE.parts("/".into()).unauthenticated())
    }
}
