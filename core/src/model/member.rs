//! Server members.

use serde::{Deserialize, Serialize};

use super::{File, Timestamp};
use crate::id::{RoleId, ServerId, UserId};

/// Identifies a member: the pair of server and user.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct MemberId {
    /// The server.
    pub server: ServerId,
    /// The user.
    pub user: UserId,
}

/// A user's membership of a server.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Member {
    /// Server and user.
    #[serde(rename = "_id")]
    pub id: MemberId,
    /// When the user joined.
    pub joined_at: Timestamp,
    /// Server nickname.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nickname: Option<String>,
    /// Server avatar.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar: Option<File>,
    /// Roles held.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<RoleId>,
    /// Timed out until.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<Timestamp>,
}

string_enum! {
    /// Member fields that an update can clear.
    pub enum FieldsMember {
        /// Nickname.
        Nickname = "Nickname",
        /// Pronouns.
        Pronouns = "Pronouns",
        /// Avatar.
        Avatar = "Avatar",
        /// Roles.
        Roles = "Roles",
        /// Timeout.
        Timeout = "Timeout",
        /// Voice receive permission.
        CanReceive = "CanReceive",
        /// Voice publish permission.
        CanPublish = "CanPublish",
        /// Join time (no effect on the object).
        JoinedAt = "JoinedAt",
        /// Voice channel (no effect on the object).
        VoiceChannel = "VoiceChannel",
    }
}

/// The changed fields of a member (`ServerMemberUpdate.data`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PartialMember {
    /// New nickname.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nickname: Option<String>,
    /// New avatar.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar: Option<File>,
    /// New roles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roles: Option<Vec<RoleId>>,
    /// New timeout.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<Timestamp>,
}

impl Member {
    /// Applies a partial update.
    pub fn apply(&mut self, data: &PartialMember, clear: &[FieldsMember]) {
        for field in clear {
            match field {
                FieldsMember::Nickname => self.nickname = None,
                FieldsMember::Avatar => self.avatar = None,
                FieldsMember::Roles => self.roles.clear(),
                FieldsMember::Timeout => self.timeout = None,
                _ => {}
            }
        }
        if let Some(v) = &data.nickname {
            self.nickname = Some(v.clone());
        }
        if let Some(v) = &data.avatar {
            self.avatar = Some(v.clone());
        }
        if let Some(v) = &data.roles {
            self.roles = v.clone();
        }
        if let Some(v) = data.timeout {
            self.timeout = Some(v);
        }
    }
}
