//! Invites: stored invites, public invite previews and join results.

use serde::{Deserialize, Serialize};

use super::{Channel, File, Server, ServerFlags, Timestamp, UnknownVariant, User};
use crate::id::{ChannelId, InviteCode, ServerId, UserId};

/// An invite as stored (`GET /servers/{id}/invites`, `POST /channels/{id}/invites`),
/// tagged by `type`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", remote = "Self")]
#[non_exhaustive]
pub enum Invite {
    /// An invite to a server channel.
    Server {
        /// The code.
        #[serde(rename = "_id")]
        code: InviteCode,
        /// The server.
        server: ServerId,
        /// Who made it.
        creator: UserId,
        /// The channel it leads to.
        channel: ChannelId,
        /// Use limit (revolt-models 0.16.2).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_uses: Option<u64>,
        /// Times used (revolt-models 0.16.2).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        uses: Option<u64>,
        /// Expiry (revolt-models 0.16.2).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        expires: Option<Timestamp>,
    },
    /// An invite to a group.
    Group {
        /// The code.
        #[serde(rename = "_id")]
        code: InviteCode,
        /// Who made it.
        creator: UserId,
        /// The group.
        channel: ChannelId,
        /// Use limit (revolt-models 0.16.2).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_uses: Option<u64>,
        /// Times used (revolt-models 0.16.2).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        uses: Option<u64>,
        /// Expiry (revolt-models 0.16.2).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        expires: Option<Timestamp>,
    },
    /// A kind this version of the library does not know, kept verbatim.
    #[serde(untagged)]
    Unknown(UnknownVariant),
}

checked_tagged_enum!(Invite, "type", UnknownVariant, ["Server", "Group"]);

impl Invite {
    /// The invite code.
    pub fn code(&self) -> Option<&InviteCode> {
        match self {
            Self::Server { code, .. } | Self::Group { code, .. } => Some(code),
            Self::Unknown(_) => None,
        }
    }

    /// The channel it leads to.
    pub fn channel(&self) -> Option<ChannelId> {
        match self {
            Self::Server { channel, .. } | Self::Group { channel, .. } => Some(*channel),
            Self::Unknown(_) => None,
        }
    }
}

/// What `GET /invites/{code}` shows about an invite before joining, tagged by `type`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", remote = "Self")]
#[non_exhaustive]
pub enum InviteResponse {
    /// A server invite.
    Server {
        /// The code.
        code: InviteCode,
        /// The server.
        server_id: ServerId,
        /// Server name.
        server_name: String,
        /// Server icon.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        server_icon: Option<Box<File>>,
        /// Server banner.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        server_banner: Option<Box<File>>,
        /// Server flags.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        server_flags: Option<ServerFlags>,
        /// The channel.
        channel_id: ChannelId,
        /// Channel name.
        channel_name: String,
        /// Channel description.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        channel_description: Option<String>,
        /// The inviter's name.
        user_name: String,
        /// The inviter's avatar.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        user_avatar: Option<Box<File>>,
        /// Member count.
        member_count: i64,
    },
    /// A group invite.
    Group {
        /// The code.
        code: InviteCode,
        /// The group.
        channel_id: ChannelId,
        /// Group name.
        channel_name: String,
        /// Group description.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        channel_description: Option<String>,
        /// The inviter's name.
        user_name: String,
        /// The inviter's avatar.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        user_avatar: Option<Box<File>>,
    },
    /// A kind this version of the library does not know, kept verbatim.
    #[serde(untagged)]
    Unknown(UnknownVariant),
}

checked_tagged_enum!(InviteResponse, "type", UnknownVariant, ["Server", "Group"]);

/// What `POST /invites/{code}` returns after joining, tagged by `type`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", remote = "Self")]
#[non_exhaustive]
pub enum InviteJoinResponse {
    /// Joined a server.
    Server {
        /// Its channels.
        channels: Vec<Channel>,
        /// The server.
        server: Box<Server>,
    },
    /// Joined a group.
    Group {
        /// The group.
        channel: Box<Channel>,
        /// Its members.
        users: Vec<User>,
    },
    /// A kind this version of the library does not know, kept verbatim.
    #[serde(untagged)]
    Unknown(UnknownVariant),
}

checked_tagged_enum!(
    InviteJoinResponse,
    "type",
    UnknownVariant,
    ["Server", "Group"]
);

/// Body of `POST /channels/{id}/invites` on revolt-models 0.16.2 servers.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DataCreateInvite {
    /// Use limit (1–100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_uses: Option<u64>,
    /// Expiry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<Timestamp>,
}
