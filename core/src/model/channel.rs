//! Channels: saved messages, direct messages, groups and server channels.

use compact_str::CompactString;
use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::user::{set, set_some};
use super::{File, OverrideField, Permissions};
use crate::id::{ChannelId, MessageId, RoleId, ServerId, UserId};

fn is_false(value: &bool) -> bool {
    !*value
}

/// Voice settings of a voice-capable text channel.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct VoiceInformation {
    /// Maximum participants.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_users: Option<u64>,
}

impl VoiceInformation {
    /// Voice settings with a participant limit (or none).
    pub fn new(max_users: Option<u64>) -> Self {
        Self { max_users }
    }
}

unknown_object!(
    /// A channel whose `channel_type` this library does not know, kept verbatim.
    UnknownChannel, "channel_type"
);

tagged_enum! {
    /// A channel, tagged by `channel_type`.
    ///
    /// There is no separate voice channel on current servers: a [`Channel::TextChannel`] with
    /// `voice` set is voice-capable. [`Channel::VoiceChannel`] is what servers before 2025
    /// sent.
    #[derive(Clone, Debug, PartialEq)]
    #[non_exhaustive]
    pub enum Channel (tag = "channel_type", twin = ChannelByTag, remote = "Channel") {
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
            #[serde(default)]
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
            name: CompactString,
            /// Owner.
            owner: UserId,
            /// Description.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            description: Option<CompactString>,
            /// Participants.
            recipients: Vec<UserId>,
            /// Icon.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            icon: Option<Box<File>>,
            /// Last message sent.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            last_message_id: Option<MessageId>,
            /// Permissions of members (unset: [`Permissions::DEFAULT_DIRECT_MESSAGE`]).
            #[serde(default, skip_serializing_if = "Option::is_none")]
            permissions: Option<Permissions>,
            /// Whether the group is NSFW.
            #[serde(default, skip_serializing_if = "is_false")]
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
            name: CompactString,
            /// Description.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            description: Option<CompactString>,
            /// Icon.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            icon: Option<Box<File>>,
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
            #[serde(default, skip_serializing_if = "is_false")]
            nsfw: bool,
            /// Voice settings, if voice-capable.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            voice: Option<VoiceInformation>,
            /// Slowmode in seconds.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            slowmode: Option<u64>,
        },
        /// A voice channel, as servers before the 2025 migration sent it.
        VoiceChannel {
            /// Channel id.
            #[serde(rename = "_id")]
            id: ChannelId,
            /// The server it belongs to.
            server: ServerId,
            /// Name.
            name: CompactString,
            /// Description.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            description: Option<CompactString>,
            /// Icon.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            icon: Option<Box<File>>,
            /// Default permission override.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            default_permissions: Option<OverrideField>,
            /// Per-role permission overrides.
            #[serde(default, skip_serializing_if = "HashMap::is_empty")]
            role_permissions: HashMap<RoleId, OverrideField>,
            /// Whether the channel is NSFW.
            #[serde(default, skip_serializing_if = "is_false")]
            nsfw: bool,
        },
    }
    /// A channel type this version of the library does not know, kept verbatim.
    Unknown(UnknownChannel);
    known = ["SavedMessages", "DirectMessage", "Group", "TextChannel", "VoiceChannel"];
}

impl Channel {
    /// The channel id.
    ///
    /// For an [`Unknown`](Self::Unknown) channel this is its `_id`, or the nil id if it
    /// has none.
    pub fn id(&self) -> ChannelId {
        match self {
            Self::SavedMessages { id, .. }
            | Self::DirectMessage { id, .. }
            | Self::Group { id, .. }
            | Self::TextChannel { id, .. }
            | Self::VoiceChannel { id, .. } => *id,
            Self::Unknown(unknown) => unknown_field(unknown, "_id")
                .unwrap_or_else(|| ChannelId::from_ulid(ulid::Ulid::nil())),
        }
    }

    /// The wire `channel_type`.
    pub fn channel_type(&self) -> &str {
        match self {
            Self::SavedMessages { .. } => "SavedMessages",
            Self::DirectMessage { .. } => "DirectMessage",
            Self::Group { .. } => "Group",
            Self::TextChannel { .. } => "TextChannel",
            Self::VoiceChannel { .. } => "VoiceChannel",
            Self::Unknown(unknown) => &unknown.kind,
        }
    }

    /// The server, for server channels.
    pub fn server(&self) -> Option<ServerId> {
        match self {
            Self::TextChannel { server, .. } | Self::VoiceChannel { server, .. } => Some(*server),
            Self::Unknown(unknown) => unknown_field(unknown, "server"),
            _ => None,
        }
    }

    /// The channel name, where it has one.
    pub fn name(&self) -> Option<&str> {
        match self {
            Self::Group { name, .. }
            | Self::TextChannel { name, .. }
            | Self::VoiceChannel { name, .. } => Some(name),
            Self::Unknown(unknown) => unknown.fields.get("name").and_then(|v| v.as_str()),
            _ => None,
        }
    }

    /// The description, where it has one.
    pub fn description(&self) -> Option<&str> {
        match self {
            Self::Group { description, .. }
            | Self::TextChannel { description, .. }
            | Self::VoiceChannel { description, .. } => description.as_deref(),
            _ => None,
        }
    }

    /// The last message sent, where tracked.
    pub fn last_message_id(&self) -> Option<MessageId> {
        match self {
            Self::DirectMessage {
                last_message_id, ..
            }
            | Self::Group {
                last_message_id, ..
            }
            | Self::TextChannel {
                last_message_id, ..
            } => *last_message_id,
            _ => None,
        }
    }

    /// The recipients of a DM or group.
    pub fn recipients(&self) -> &[UserId] {
        match self {
            Self::DirectMessage { recipients, .. } | Self::Group { recipients, .. } => recipients,
            _ => &[],
        }
    }

    /// Whether voice calls are possible here: DMs, groups, text channels with `voice`
    /// and legacy voice channels.
    pub fn is_voice_capable(&self) -> bool {
        match self {
            Self::DirectMessage { .. } | Self::Group { .. } | Self::VoiceChannel { .. } => true,
            Self::TextChannel { voice, .. } => voice.is_some(),
            _ => false,
        }
    }

    /// Records a new message as the channel's last one (for `Message` events).
    pub fn set_last_message_id(&mut self, id: MessageId) {
        if let Self::DirectMessage {
            last_message_id, ..
        }
        | Self::Group {
            last_message_id, ..
        }
        | Self::TextChannel {
            last_message_id, ..
        } = self
        {
            *last_message_id = Some(id);
        }
    }

    /// Adds a group recipient (`ChannelGroupJoin`); no duplicates.
    pub fn add_recipient(&mut self, user: UserId) {
        if let Self::Group { recipients, .. } = self {
            if !recipients.contains(&user) {
                recipients.push(user);
            }
        }
    }

    /// Removes a group recipient (`ChannelGroupLeave`).
    pub fn remove_recipient(&mut self, user: UserId) {
        if let Self::Group { recipients, .. } = self {
            recipients.retain(|r| *r != user);
        }
    }

    /// Applies a partial update (`ChannelUpdate`): clears first, then sets. Fields that
    /// do not exist on this kind of channel are ignored.
    pub fn apply(&mut self, data: &PartialChannel, clear: &[FieldsChannel]) {
        match self {
            Self::SavedMessages { .. } | Self::Unknown(_) => {}
            Self::DirectMessage {
                active,
                last_message_id,
                ..
            } => {
                set(active, &data.active);
                set_some(last_message_id, &data.last_message_id);
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
                set_some(description, &data.description);
                set_some(icon, &data.icon);
                set_some(last_message_id, &data.last_message_id);
                set_some(permissions, &data.permissions);
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
                set_some(description, &data.description);
                set_some(icon, &data.icon);
                set_some(last_message_id, &data.last_message_id);
                set_some(default_permissions, &data.default_permissions);
                set(role_permissions, &data.role_permissions);
                set(nsfw, &data.nsfw);
                set_some(voice, &data.voice);
                set_some(slowmode, &data.slowmode);
            }
            Self::VoiceChannel {
                name,
                description,
                icon,
                default_permissions,
                role_permissions,
                nsfw,
                ..
            } => {
                for field in clear {
                    match field {
                        FieldsChannel::Description => *description = None,
                        FieldsChannel::Icon => *icon = None,
                        FieldsChannel::DefaultPermissions => *default_permissions = None,
                        _ => {}
                    }
                }
                set(name, &data.name);
                set_some(description, &data.description);
                set_some(icon, &data.icon);
                set_some(default_permissions, &data.default_permissions);
                set(role_permissions, &data.role_permissions);
                set(nsfw, &data.nsfw);
            }
        }
    }
}

fn unknown_field<T: std::str::FromStr>(unknown: &UnknownChannel, key: &str) -> Option<T> {
    unknown.fields.get(key)?.as_str()?.parse().ok()
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
    pub name: Option<CompactString>,
    /// New owner (groups).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<UserId>,
    /// New description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<CompactString>,
    /// New icon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<Box<File>>,
    /// New NSFW flag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nsfw: Option<bool>,
    /// New active flag (DMs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    /// New permissions (groups).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions: Option<Permissions>,
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
    /// New slowmode, in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slowmode: Option<u64>,
}

/// Identifies a read state: your user in one channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ChannelUnreadId {
    /// The channel.
    pub channel: ChannelId,
    /// The user.
    pub user: UserId,
}

/// Your read state in a channel (`Ready.channel_unreads`, `GET /sync/unreads`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ChannelUnread {
    /// Channel and user.
    #[serde(rename = "_id")]
    pub id: ChannelUnreadId,
    /// The last message you acknowledged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_id: Option<MessageId>,
    /// Unacknowledged messages that mention you.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mentions: Vec<MessageId>,
}

/// An active slowmode on you in a channel (`UserSlowmodes`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ChannelSlowmode {
    /// The channel.
    pub channel_id: ChannelId,
    /// Remaining slowmode, in seconds.
    pub duration: u64,
    /// Seconds until you may send again.
    pub retry_after: u64,
}
