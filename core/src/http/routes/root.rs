//! `GET /`.

use http::Method;

use crate::http::{Request, RequestParts, ValidationError};
use crate::model::InstanceInfo;

/// `GET /`: the instance's version, features and service URLs. Needs no token.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FetchInstance;

impl Request for FetchInstance {
    type Output = InstanceInfo;
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        Ok(RequestParts::new(Method::GET, "/").unauthenticated())
    }
}
