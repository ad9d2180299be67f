//! Webhooks.

use serde::{Deserialize, Serialize};

use super::user::{set, set_some};
use super::{File, Permissions};
use crate::auth::Secret;
use crate::id::{ChannelId, FileId, UserId, WebhookId};

/// A webhook. Its `token` is redacted in `Debug`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Webhook {
    /// Webhook id (the key is `id`, not `_id`).
    pub id: WebhookId,
    /// Name.
    pub name: String,
    /// Avatar.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar: Option<Box<File>>,
    /// Who created it.
    pub creator_id: UserId,
    /// The channel it posts to.
    pub channel_id: ChannelId,
    /// What it may do.
    pub permissions: Permissions,
    /// Its token (`null` in events and some views).
    #[serde(default, with = "super::secret::option")]
    pub token: Option<Secret>,
}

impl Webhook {
    /// Applies a partial update (`WebhookUpdate`); note the event's key is `remove`.
    pub fn apply(&mut self, data: &PartialWebhook, remove: &[FieldsWebhook]) {
        for field in remove {
            match field {
                FieldsWebhook::Avatar => self.avatar = None,
                FieldsWebhook::Unknown(_) => {}
            }
        }
        let PartialWebhook {
            id: _,
            name,
            avatar,
            creator_id,
            channel_id,
            permissions,
            token,
        } = data;
        set(&mut self.name, name);
        set_some(&mut self.avatar, avatar);
        set(&mut self.creator_id, creator_id);
        set(&mut self.channel_id, channel_id);
        set(&mut self.permissions, permissions);
        set_some(&mut self.token, token);
    }
}

string_enum! {
    /// Webhook fields that an update can remove.
    pub enum FieldsWebhook {
        /// Avatar.
        Avatar = "Avatar",
    }
}

/// The changed fields of a webhook (`WebhookUpdate.data`; `token` is never sent).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PartialWebhook {
    /// Webhook id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<WebhookId>,
    /// New name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// New avatar.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar: Option<Box<File>>,
    /// New creator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creator_id: Option<UserId>,
    /// New channel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_id: Option<ChannelId>,
    /// New permissions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions: Option<Permissions>,
    /// New token.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "super::secret::option"
    )]
    pub token: Option<Secret>,
}

/// A webhook as `GET /webhooks/{id}` shows it to a user (no token, no creator).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ResponseWebhook {
    /// Webhook id.
    pub id: WebhookId,
    /// Name.
    pub name: String,
    /// Avatar file id (`null` if none).
    #[serde(default)]
    pub avatar: Option<FileId>,
    /// The channel it posts to.
    pub channel_id: ChannelId,
    /// What it may do.
    pub permissions: Permissions,
}
