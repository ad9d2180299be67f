//! Where an instance's services live.

use crate::model::InstanceInfo;

/// The base URLs of an instance's API, gateway and file server.
///
/// ```
/// use stoat_core::Endpoints;
/// let official = Endpoints::stoat_chat();
/// assert_eq!(official.api, "https://api.stoat.chat");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Endpoints {
    /// REST API base URL.
    pub api: String,
    /// Gateway WebSocket URL.
    pub ws: String,
    /// File server (autumn) base URL.
    pub autumn: String,
}

impl Endpoints {
    /// The official instance.
    pub fn stoat_chat() -> Self {
        Self {
            api: "https://api.stoat.chat".into(),
            ws: "wss://events.stoat.chat".into(),
            autumn: "https://cdn.stoatusercontent.com".into(),
        }
    }

    /// Explicit URLs (for tests and self-hosted instances with known URLs).
    pub fn new(api: impl Into<String>, ws: impl Into<String>, autumn: impl Into<String>) -> Self {
        Self {
            api: api.into(),
            ws: ws.into(),
            autumn: autumn.into(),
        }
    }

    /// The URLs an instance announces at `GET /` (fetched from `api`).
    pub fn from_instance(api: impl Into<String>, info: &InstanceInfo) -> Self {
        Self {
            api: api.into(),
            ws: info.ws.clone(),
            autumn: info.features.autumn.url.clone(),
        }
    }
}

impl Default for Endpoints {
    fn default() -> Self {
        Self::stoat_chat()
    }
}
