//! `GET /`: what an instance tells clients about itself.

use serde::{Deserialize, Serialize};

/// The node information served at `GET /`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct InstanceInfo {
    /// Server version, e.g. `"0.15.1"`.
    pub revolt: String,
    /// Feature configuration.
    pub features: InstanceFeatures,
    /// The gateway WebSocket URL.
    pub ws: String,
    /// The web app URL.
    #[serde(default)]
    pub app: String,
    /// VAPID public key for web push.
    #[serde(default)]
    pub vapid: String,
}

/// The `features` object of [`InstanceInfo`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct InstanceFeatures {
    /// Whether registration requires an invite.
    #[serde(default)]
    pub invite_only: bool,
    /// Whether email verification is on.
    #[serde(default)]
    pub email: bool,
    /// The file server.
    pub autumn: AutumnFeature,
}

/// Where the file server lives.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AutumnFeature {
    /// Whether the file server is enabled.
    pub enabled: bool,
    /// Its base URL.
    pub url: String,
}
