//! Server members.

use compact_str::CompactString;
use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::user::{set, set_some};
use super::{File, Role, Timestamp, User};
use crate::id::{RoleId, ServerId, UserId};

/// Identifies a member: the pair of server and user.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct MemberId {
    /// The server.
    pub server: ServerId,
    /// The user.
    pub user: UserId,
}

impl MemberId {
    /// The member id of `user` in `server`.
    pub const fn new(server: ServerId, user: UserId) -> Self {
        Self { server, user }
    }
}

fn is_true(value: &bool) -> bool {
    *value
}

fn default_true() -> bool {
    true
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
    pub nickname: Option<CompactString>,
    /// Server-specific pronouns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pronouns: Option<CompactString>,
    /// Server avatar.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar: Option<Box<File>>,
    /// Roles held.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<RoleId>,
    /// Timed out until.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<Timestamp>,
    /// Whether the member may speak in voice (false: server-wide voice mute). Omitted on
    /// the wire when true.
    #[serde(default = "default_true", skip_serializing_if = "is_true")]
    pub can_publish: bool,
    /// Whether the member may listen in voice (false: server-wide deafen). Omitted on the
    /// wire when true.
    #[serde(default = "default_true", skip_serializing_if = "is_true")]
    pub can_receive: bool,
}

impl Member {
    /// A member with no nickname, avatar, roles or timeout, as a fresh join looks.
    pub fn new(id: MemberId, joined_at: Timestamp) -> Self {
        Self {
            id,
            joined_at,
            nickname: None,
            pronouns: None,
            avatar: None,
            roles: Vec::new(),
            timeout: None,
            can_publish: true,
            can_receive: true,
        }
    }

    /// Whether the member is timed out at `now` (a time the caller supplies).
    pub fn is_timed_out(&self, now: Timestamp) -> bool {
        self.timeout.is_some_and(|until| until > now)
    }

    /// Applies a partial update (`ServerMemberUpdate`): clears first, then sets.
    ///
    /// Clearing `CanPublish`/`CanReceive` sets them back to `true`; `JoinedAt` and
    /// `VoiceChannel` have no effect on the object. An explicit value in `data`
    /// (including `can_publish: true`) always counts as set.
    pub fn apply(&mut self, data: &PartialMember, clear: &[FieldsMember]) {
        for field in clear {
            match field {
                FieldsMember::Nickname => self.nickname = None,
                FieldsMember::Pronouns => self.pronouns = None,
                FieldsMember::Avatar => self.avatar = None,
                FieldsMember::Roles => self.roles.clear(),
                FieldsMember::Timeout => self.timeout = None,
                FieldsMember::CanReceive => self.can_receive = true,
                FieldsMember::CanPublish => self.can_publish = true,
                FieldsMember::JoinedAt | FieldsMember::VoiceChannel | FieldsMember::Unknown(_) => {}
            }
        }
        let PartialMember {
            id: _,
            joined_at,
            nickname,
            pronouns,
            avatar,
            roles,
            timeout,
            can_publish,
            can_receive,
        } = data;
        set(&mut self.joined_at, joined_at);
        set_some(&mut self.nickname, nickname);
        set_some(&mut self.pronouns, pronouns);
        set_some(&mut self.avatar, avatar);
        set(&mut self.roles, roles);
        set_some(&mut self.timeout, timeout);
        set(&mut self.can_publish, can_publish);
        set(&mut self.can_receive, can_receive);
    }
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
        /// Voice receive permission (cleared means `true`).
        CanReceive = "CanReceive",
        /// Voice publish permission (cleared means `true`).
        CanPublish = "CanPublish",
        /// Join time (no effect on the object).
        JoinedAt = "JoinedAt",
        /// Voice channel (no effect on the object; in a member edit it disconnects voice).
        VoiceChannel = "VoiceChannel",
    }
}

/// The changed fields of a member (`ServerMemberUpdate.data`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PartialMember {
    /// Server and user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<MemberId>,
    /// New join time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub joined_at: Option<Timestamp>,
    /// New nickname.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nickname: Option<CompactString>,
    /// New pronouns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pronouns: Option<CompactString>,
    /// New avatar.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar: Option<Box<File>>,
    /// New roles (the whole list).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roles: Option<Vec<RoleId>>,
    /// New timeout.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<Timestamp>,
    /// New voice publish permission (sent explicitly, even when `true`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub can_publish: Option<bool>,
    /// New voice receive permission (sent explicitly, even when `true`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub can_receive: Option<bool>,
}

string_enum! {
    /// Why a member left a server (`ServerMemberLeave.reason`). The default, `Leave`, is
    /// what servers that predate the field meant.
    #[derive(Default)]
    pub enum RemovalIntention {
        /// They left.
        #[default]
        Leave = "Leave",
        /// They were kicked.
        Kick = "Kick",
        /// They were banned.
        Ban = "Ban",
    }
}

/// `GET /servers/{id}/members/{user}`: the member, optionally with the server's roles.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum MemberResponse {
    /// With `?roles=true`: the member and the roles it holds.
    WithRoles {
        /// The member.
        member: Member,
        /// Its roles.
        roles: HashMap<RoleId, Role>,
    },
    /// The member alone.
    Member(Member),
}

/// `GET /servers/{id}/members`: every member and their users.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AllMemberResponse {
    /// Members.
    pub members: Vec<Member>,
    /// Their users.
    pub users: Vec<User>,
}
