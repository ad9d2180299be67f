//! `/channels/{id}` routes (messages live in [`super::messages`]).

use http::Method;

use crate::http::{path, Request, RequestParts, Route, ValidationError};
use crate::id::ChannelId;
use crate::model::Channel;

/// `GET /channels/{id}`: a channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FetchChannel {
    /// The channel.
    pub channel: ChannelId,
}

impl FetchChannel {
    /// Fetches `channel`.
    pub fn new(channel: ChannelId) -> Self {
        Self { channel }
    }
}

impl Request for FetchChannel {
    type Output = Channel;
    const ROUTE: Route = Route::api(Method::GET, "/channels/{target}");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        Ok(Self::ROUTE.parts(path(&["channels", &self.channel.to_string()])))
    }
}
