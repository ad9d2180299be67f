//! Messages.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::{File, Member, Timestamp, User};
use crate::id::{ChannelId, MessageId, RoleId, UserId};

/// Name and avatar of the webhook that sent a message.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MessageWebhook {
    /// Webhook name.
    pub name: String,
    /// Avatar file id.
    #[serde(default)]
    pub avatar: Option<String>,
}

/// Overrides the displayed author name, avatar and colour.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Masquerade {
    /// Displayed name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Displayed avatar URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar: Option<String>,
    /// Displayed name colour (CSS).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub colour: Option<String>,
}

impl Masquerade {
    /// A masquerade with a display name.
    pub fn name(name: impl Into<String>) -> Self {
        Self {
            name: Some(name.into()),
            ..Self::default()
        }
    }
}

/// A reply reference in a message being sent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Reply {
    /// The message replied to.
    pub id: MessageId,
    /// Whether to mention its author.
    pub mention: bool,
}

impl Reply {
    /// A reply to `id`, mentioning its author or not.
    pub fn new(id: MessageId, mention: bool) -> Self {
        Self { id, mention }
    }
}

/// A system message, tagged by `type`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum SystemMessage {
    /// Plain text.
    Text {
        /// The text.
        content: String,
    },
    /// A message was pinned.
    MessagePinned {
        /// The pinned message.
        id: MessageId,
        /// Who pinned it.
        by: UserId,
    },
    /// A message was unpinned.
    MessageUnpinned {
        /// The unpinned message.
        id: MessageId,
        /// Who unpinned it.
        by: UserId,
    },
    /// A kind this version of the library does not know.
    #[serde(other)]
    Unknown,
}

/// A message.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Message {
    /// Message id.
    #[serde(rename = "_id")]
    pub id: MessageId,
    /// Nonce (the idempotency key it was sent with).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    /// Channel.
    pub channel: ChannelId,
    /// Author: a user id, a webhook id, or all zeros for system messages.
    pub author: UserId,
    /// The author, on events and send responses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<User>,
    /// The author's membership, in server channels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member: Option<Member>,
    /// Webhook details, if sent by a webhook.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook: Option<MessageWebhook>,
    /// Text content.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// System message payload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<SystemMessage>,
    /// Attachments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachments: Option<Vec<File>>,
    /// When it was last edited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edited: Option<Timestamp>,
    /// Embeds (raw JSON until typed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub embeds: Option<Vec<serde_json::Value>>,
    /// Mentioned users.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mentions: Option<Vec<UserId>>,
    /// Mentioned roles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_mentions: Option<Vec<RoleId>>,
    /// Messages replied to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replies: Option<Vec<MessageId>>,
    /// Reactions: emoji to the users who reacted.
    #[serde(default, skip_serializing_if = "HashMap::is_empty")]
    pub reactions: HashMap<String, Vec<UserId>>,
    /// Masquerade.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub masquerade: Option<Masquerade>,
    /// Whether it is pinned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pinned: Option<bool>,
    /// Flag bits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flags: Option<u32>,
}

string_enum! {
    /// Message fields that an update can clear.
    pub enum FieldsMessage {
        /// The pinned flag.
        Pinned = "Pinned",
    }
}

/// The changed fields of a message (`MessageUpdate.data`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PartialMessage {
    /// New content.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// Edit time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edited: Option<Timestamp>,
    /// New embeds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub embeds: Option<Vec<serde_json::Value>>,
    /// New reactions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reactions: Option<HashMap<String, Vec<UserId>>>,
    /// New pinned flag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pinned: Option<bool>,
    /// New flags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flags: Option<u32>,
}

impl Message {
    /// Applies a partial update.
    pub fn apply(&mut self, data: &PartialMessage, clear: &[FieldsMessage]) {
        for field in clear {
            if let FieldsMessage::Pinned = field {
                self.pinned = None;
            }
        }
        if let Some(v) = &data.content {
            self.content = Some(v.clone());
        }
        if let Some(v) = data.edited {
            self.edited = Some(v);
        }
        if let Some(v) = &data.embeds {
            self.embeds = Some(v.clone());
        }
        if let Some(v) = &data.reactions {
            self.reactions = v.clone();
        }
        if let Some(v) = data.pinned {
            self.pinned = Some(v);
        }
        if let Some(v) = data.flags {
            self.flags = Some(v);
        }
    }
}
