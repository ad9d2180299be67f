//! Channels: saved messages, direct messages, groups and server text/voice channels.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::File;
use crate::id::{ChannelId, MessageId, RoleId, ServerId, UserId};

/// An allow/deny pair of permission bits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverrideField {
    /// Allowed bits.
    pub a: i64,
    /// Denied bits.
    pub d: i64,
}

/// Voice settings of a voice-capable text channel.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct VoiceInformation {
    /// Maximum participants.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_users: Option<u64>,
}

/// A channel, tagged by `channel_type`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "channel_type")]
#[non_exhaustive]
pub enum Channel {
    /// Your personal notes channel.
    SavedMessages {
        /// Channel id.
        #[serde(rename = "_id")]
        id: ChannelId,
        /// Owner.
        user: UserId,
    },
    /// A direct message channel between two users.
    DirectMessage {
        /// Channel id.
        #[serde(rename = "_id")]
        id: ChannelId,
        /// Whether the DM is open.
        active: bool,
        /// The two participants.
        recipients: Vec<UserId>,
        /// Last message sent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        last_message_id: Option<MessageId>,
    },
    /// A group DM.
    Group {
        /// Channel id.
        #[serde(rename = "_id")]
        id: ChannelId,
        /// Name.
        name: String,
        /// Owner.
        owner: UserId,
        /// Description.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        description: Option<String>,
        /// Participants.
        recipients: Vec<UserId>,
        /// Icon.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        icon: Option<File>,
        /// Last message sent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        last_message_id: Option<MessageId>,
        /// Permission bits for members.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        permissions: Option<i64>,
        /// Whether the group is NSFW.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        nsfw: bool,
    },
    /// A server channel (voice-capable when `voice` is set).
    TextChannel {
        /// Channel id.
        #[serde(rename = "_id")]
        id: ChannelId,
        /// The server it belongs to.
        server: ServerId,
        /// Name.
        name: String,
        /// Description.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        description: Option<String>,
        /// Icon.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        icon: Option<File>,
        /// Last message sent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        last_message_id: Option<MessageId>,
        /// Default permission override.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        default_permissions: Option<OverrideField>,
        /// Per-role permission overrides.
        #[serde(default, skip_serializing_if = "HashMap::is_empty")]
        role_permissions: HashMap<RoleId, OverrideField>,
        /// Whether the channel is NSFW.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        nsfw: bool,
        /// Voice settings, if voice-capable.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        voice: Option<VoiceInformation>,
        /// Slowmode in seconds.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        slowmode: Option<u64>,
    },
}

impl Channel {
    /// The channel id.
    pub fn id(&self) -> ChannelId {
        match self {
            Self::SavedMessages { id, .. }
            | Self::DirectMessage { id, .. }
            | Self::Group { id, .. }
            | Self::TextChannel { id, .. } => *id,
        }
    }

    /// The server, for server channels.
    pub fn server(&self) -> Option<ServerId> {
        match self {
            Self::TextChannel { server, .. } => Some(*server),
            _ => None,
        }
    }

    /// The channel name, where it has one.
    pub fn name(&self) -> Option<&str> {
        match self {
            Self::Group { name, .. } | Self::TextChannel { name, .. } => Some(name),
            _ => None,
        }
    }

    /// Applies a partial update.
    pub fn apply(&mut self, data: &PartialChannel, clear: &[FieldsChannel]) {
        match self {
            Self::SavedMessages { .. } => {}
            Self::DirectMessage {
                active,
                last_message_id,
                ..
            } => {
                if let Some(v) = data.active {
                    *active = v;
                }
                if let Some(v) = data.last_message_id {
                    *last_message_id = Some(v);
                }
            }
            Self::Group {
                name,
                owner,
                description,
                icon,
                last_message_id,
                permissions,
                nsfw,
                ..
            } => {
                for field in clear {
                    match field {
                        FieldsChannel::Description => *description = None,
                        FieldsChannel::Icon => *icon = None,
                        _ => {}
                    }
                }
                set(name, &data.name);
                set(owner, &data.owner);
                set_opt(description, &data.description);
                set_opt(icon, &data.icon);
                set_opt(last_message_id, &data.last_message_id);
                set_opt(permissions, &data.permissions);
                set(nsfw, &data.nsfw);
            }
            Self::TextChannel {
                name,
                description,
                icon,
                last_message_id,
                default_permissions,
                role_permissions,
                nsfw,
                voice,
                slowmode,
                ..
            } => {
                for field in clear {
                    match field {
                        FieldsChannel::Description => *description = None,
                        FieldsChannel::Icon => *icon = None,
                        FieldsChannel::DefaultPermissions => *default_permissions = None,
                        FieldsChannel::Voice => *voice = None,
                        FieldsChannel::Slowmode => *slowmode = None,
                        FieldsChannel::Unknown(_) => {}
                    }
                }
                set(name, &data.name);
                set_opt(description, &data.description);
                set_opt(icon, &data.icon);
                set_opt(last_message_id, &data.last_message_id);
                set_opt(default_permissions, &data.default_permissions);
                set(role_permissions, &data.role_permissions);
                set(nsfw, &data.nsfw);
                set_opt(voice, &data.voice);
                set_opt(slowmode, &data.slowmode);
            }
        }
    }
}

fn set<T: Clone>(field: &mut T, value: &Option<T>) {
    if let Some(v) = value {
        *field = v.clone();
    }
}

fn set_opt<T: Clone>(field: &mut Option<T>, value: &Option<T>) {
    if let Some(v) = value {
        *field = Some(v.clone());
    }
}

string_enum! {
    /// Channel fields that an update can clear.
    pub enum FieldsChannel {
        /// Description.
        Description = "Description",
        /// Icon.
        Icon = "Icon",
        /// Default permissions.
        DefaultPermissions = "DefaultPermissions",
        /// Voice settings.
        Voice = "Voice",
        /// Slowmode.
        Slowmode = "Slowmode",
    }
}

/// The changed fields of a channel (`ChannelUpdate.data`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PartialChannel {
    /// New name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// New owner (groups).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<UserId>,
    /// New description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// New icon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<File>,
    /// New NSFW flag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nsfw: Option<bool>,
    /// New active flag (DMs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    /// New permissions (groups).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions: Option<i64>,
    /// New role overrides (the whole map).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_permissions: Option<HashMap<RoleId, OverrideField>>,
    /// New default override.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_permissions: Option<OverrideField>,
    /// New last message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_message_id: Option<MessageId>,
    /// New voice settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voice: Option<VoiceInformation>,
    /// New slowmode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slowmode: Option<u64>,
}
