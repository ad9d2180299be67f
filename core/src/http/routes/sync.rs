//! `/sync` routes: synced settings and unread state.

use std::collections::BTreeMap;

use http::Method;
use serde::Serialize;

use crate::http::{Body, Request, RequestParts, Route, ValidationError};
use crate::model::{ChannelUnread, Timestamp, UserSettings};

/// `POST /sync/settings/fetch`: synced settings by key.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[non_exhaustive]
pub struct FetchSettings {
    /// The keys (every stored key if empty).
    pub keys: Vec<String>,
}

impl FetchSettings {
    /// The settings named `keys`.
    pub fn new<K: Into<String>>(keys: impl IntoIterator<Item = K>) -> Self {
        Self {
            keys: keys.into_iter().map(Into::into).collect(),
        }
    }
}

impl Request for FetchSettings {
    type Output = UserSettings;
    const ROUTE: Route = Route::api(Method::POST, "/sync/settings/fetch");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        Ok(Self::ROUTE
            .parts("/sync/settings/fetch".into())
            .body(Body::json(self)?))
    }
}

/// `POST /sync/settings/set`: stores synced settings (opaque strings, usually JSON).
///
/// The server stores each as `[timestamp, value]`; the timestamp is `?timestamp=` (the
/// caller's clock, clamped to the server's) or the server's time.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct SetSettings {
    /// Values by key.
    pub settings: BTreeMap<String, String>,
    /// When they were changed (`?timestamp=`, milliseconds).
    pub timestamp: Option<Timestamp>,
}

builders! {
impl SetSettings {
    /// No settings yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `key` to `value`.
    pub fn set(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.settings.insert(key.into(), value.into());
        self
    }

    /// Stamps the change with `timestamp`.
    pub fn timestamp(mut self, timestamp: Timestamp) -> Self {
        self.timestamp = Some(timestamp);
        self
    }
}
}

impl Request for SetSettings {
    type Output = ();
    const ROUTE: Route = Route::api(Method::POST, "/sync/settings/set");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        if self.settings.is_empty() {
            return Err(ValidationError::Empty("no settings to store"));
        }
        let query = self
            .timestamp
            .map(|t| ("timestamp", t.as_millis().to_string()));
        Ok(Self::ROUTE
            .parts("/sync/settings/set".into())
            .query(query)
            .body(Body::json(&self.settings)?))
    }
}

request! {
    /// `GET /sync/unreads`: your read state in every channel.
    pub struct FetchUnreads;
    GET "/sync/unreads" => Vec<ChannelUnread>;
}
