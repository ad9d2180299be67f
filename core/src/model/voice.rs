//! Voice: participants' states and call tokens.

use serde::{Deserialize, Serialize};

use super::user::set;
use super::Timestamp;
use crate::auth::Secret;
use crate::id::{ChannelId, UserId};

/// One participant of a voice call.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UserVoiceState {
    /// The user (the key is `id`).
    pub id: UserId,
    /// When they joined.
    pub joined_at: Timestamp,
    /// Whether they are receiving audio (older servers: `can_receive`).
    #[serde(default, alias = "can_receive")]
    pub is_receiving: bool,
    /// Whether they are sending audio (older servers: `can_publish`).
    #[serde(default, alias = "can_publish")]
    pub is_publishing: bool,
    /// Whether they share their screen.
    #[serde(default)]
    pub screensharing: bool,
    /// Whether their camera is on.
    #[serde(default)]
    pub camera: bool,
}

impl UserVoiceState {
    /// Applies a partial update (`UserVoiceStateUpdate`).
    pub fn apply(&mut self, data: &PartialUserVoiceState) {
        let PartialUserVoiceState {
            id,
            joined_at,
            is_receiving,
            is_publishing,
            screensharing,
            camera,
        } = data;
        set(&mut self.id, id);
        set(&mut self.joined_at, joined_at);
        set(&mut self.is_receiving, is_receiving);
        set(&mut self.is_publishing, is_publishing);
        set(&mut self.screensharing, screensharing);
        set(&mut self.camera, camera);
    }
}

/// The changed fields of a voice state (`UserVoiceStateUpdate.data`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PartialUserVoiceState {
    /// The user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<UserId>,
    /// New join time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub joined_at: Option<Timestamp>,
    /// New receiving state.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "can_receive"
    )]
    pub is_receiving: Option<bool>,
    /// New publishing state.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "can_publish"
    )]
    pub is_publishing: Option<bool>,
    /// New screen-share state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub screensharing: Option<bool>,
    /// New camera state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub camera: Option<bool>,
}

/// Everyone in one voice channel (`Ready.voice_states`, `ServerCreate.voice_states`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ChannelVoiceState {
    /// The channel (the key is `id`).
    pub id: ChannelId,
    /// Its participants.
    #[serde(default)]
    pub participants: Vec<UserVoiceState>,
}

/// `POST /channels/{id}/join_call`: where and how to connect to the call. The token is
/// redacted in `Debug`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CreateVoiceUserResponse {
    /// LiveKit access token.
    #[serde(with = "super::secret")]
    pub token: Secret,
    /// LiveKit URL.
    pub url: String,
}
