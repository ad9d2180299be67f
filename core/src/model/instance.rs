//! `GET /`: what an instance tells clients about itself.

use std::collections::HashMap;

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
    /// Build information.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build: Option<BuildInformation>,
}

/// The `features` object of [`InstanceInfo`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct InstanceFeatures {
    /// hCaptcha configuration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub captcha: Option<CaptchaFeature>,
    /// Whether email verification is on.
    #[serde(default)]
    pub email: bool,
    /// Whether registration requires an invite.
    #[serde(default)]
    pub invite_only: bool,
    /// The file server.
    pub autumn: AutumnFeature,
    /// The link-preview service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub january: Option<AutumnFeature>,
    /// Voice (LiveKit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub livekit: Option<LiveKitFeature>,
    /// Legacy voice server (older instances; replaced by `livekit`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voso: Option<VosoFeature>,
    /// Limits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limits: Option<InstanceLimits>,
    /// Legal links.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_links: Option<LegalLinks>,
}

/// hCaptcha configuration.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CaptchaFeature {
    /// Whether a captcha is required.
    pub enabled: bool,
    /// The site key.
    #[serde(default)]
    pub key: String,
}

/// Where a service (file server, link previews) lives.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AutumnFeature {
    /// Whether the service is enabled.
    pub enabled: bool,
    /// Its base URL.
    #[serde(default)]
    pub url: String,
}

/// Voice configuration.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LiveKitFeature {
    /// Whether voice is available.
    pub enabled: bool,
    /// Public voice nodes.
    #[serde(default)]
    pub nodes: Vec<VoiceNode>,
}

/// A public voice node.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct VoiceNode {
    /// Node name (used in `join_call`).
    pub name: String,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
    /// Public URL.
    pub public_url: String,
}

/// Legacy voice server configuration.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct VosoFeature {
    /// Whether voice is available.
    pub enabled: bool,
    /// HTTP URL.
    #[serde(default)]
    pub url: String,
    /// WebSocket URL.
    #[serde(default)]
    pub ws: String,
}

/// Instance limits.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct InstanceLimits {
    /// Limits for everyone.
    pub global: GlobalLimits,
    /// Limits for new accounts.
    pub new_user: UserLimits,
    /// Limits for established accounts.
    pub default: UserLimits,
}

/// Limits that apply to everyone.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GlobalLimits {
    /// Maximum group size.
    pub group_size: u64,
    /// Maximum embeds per message.
    pub message_embeds: u64,
    /// Maximum replies per message.
    pub message_replies: u64,
    /// Maximum distinct reactions per message.
    pub message_reactions: u64,
    /// Maximum emojis per server.
    pub server_emoji: u64,
    /// Maximum roles per server.
    pub server_roles: u64,
    /// Maximum channels per server.
    pub server_channels: u64,
    /// Maximum request body size, in bytes.
    pub body_limit_size: u64,
    /// Who may create servers (empty: anyone).
    #[serde(default)]
    pub restrict_server_creation: Vec<String>,
    /// How long an account counts as new, in hours.
    #[serde(default)]
    pub new_user_hours: u64,
}

/// Per-account limits.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UserLimits {
    /// Pending outgoing friend requests.
    pub outgoing_friend_requests: u64,
    /// Bots owned.
    pub bots: u64,
    /// Message length, in bytes.
    pub message_length: u64,
    /// Attachments per message.
    pub message_attachments: u64,
    /// Servers joined.
    pub servers: u64,
    /// Voice bitrate.
    #[serde(default)]
    pub voice_quality: u64,
    /// Whether video is allowed.
    #[serde(default)]
    pub video: bool,
    /// Maximum video resolution `[width, height]`.
    #[serde(default)]
    pub video_resolution: (u32, u32),
    /// Allowed video aspect ratios `[min, max]`.
    #[serde(default)]
    pub video_aspect_ratio: (f64, f64),
    /// Upload size limit per file tag, in bytes.
    #[serde(default)]
    pub file_upload_size_limits: HashMap<String, u64>,
}

/// Legal links.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LegalLinks {
    /// Terms of service.
    #[serde(default)]
    pub terms_of_service: String,
    /// Privacy policy.
    #[serde(default)]
    pub privacy_policy: String,
    /// Community guidelines.
    #[serde(default)]
    pub guidelines: String,
}

/// Build information.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BuildInformation {
    /// Commit hash.
    #[serde(default)]
    pub commit_sha: String,
    /// Commit time.
    #[serde(default)]
    pub commit_timestamp: String,
    /// Version.
    #[serde(default)]
    pub semver: String,
    /// Repository URL.
    #[serde(default)]
    pub origin_url: String,
    /// Build time.
    #[serde(default)]
    pub timestamp: String,
}
