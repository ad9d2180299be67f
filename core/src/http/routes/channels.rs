//! `/channels/{id}` routes (messages live in [`super::messages`]).

use http::Method;

use crate::http::{path, Request, RequestParts, ValidationError};
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
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        Ok(RequestParts::new(
            Method::GET,
            path(&["channels", &self.channel.to_string()]),
        ))
    }
}
