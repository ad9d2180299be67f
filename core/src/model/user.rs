//! Users.

use serde::{Deserialize, Serialize};

use super::File;
use crate::id::UserId;

string_enum! {
    /// Your relationship with a user.
    #[derive(Default)]
    pub enum RelationshipStatus {
        /// No relationship.
        #[default]
        None = "None",
        /// This is you.
        User = "User",
        /// Friends.
        Friend = "Friend",
        /// You sent a friend request.
        Outgoing = "Outgoing",
        /// They sent you a friend request.
        Incoming = "Incoming",
        /// You blocked them.
        Blocked = "Blocked",
        /// They blocked you.
        BlockedOther = "BlockedOther",
    }
}

string_enum! {
    /// A user's chosen presence.
    pub enum Presence {
        /// Online.
        Online = "Online",
        /// Idle.
        Idle = "Idle",
        /// Focusing.
        Focus = "Focus",
        /// Busy.
        Busy = "Busy",
        /// Invisible (only ever visible on yourself).
        Invisible = "Invisible",
    }
}

/// A user's status text and presence.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UserStatus {
    /// Custom status text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Presence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub presence: Option<Presence>,
}

/// Marks a user as a bot.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BotInformation {
    /// The bot's owner.
    pub owner: UserId,
}

/// A user as the server shows it to you.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct User {
    /// User id.
    #[serde(rename = "_id")]
    pub id: UserId,
    /// Username.
    pub username: String,
    /// Four-digit discriminator, e.g. `"0001"`.
    pub discriminator: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Avatar.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar: Option<File>,
    /// Badge bits.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub badges: u32,
    /// Status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<UserStatus>,
    /// User flag bits.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub flags: u32,
    /// Whether the user is privileged (platform staff).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub privileged: bool,
    /// Present if the user is a bot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bot: Option<BotInformation>,
    /// Your relationship with this user.
    #[serde(default)]
    pub relationship: RelationshipStatus,
    /// Whether the user is online.
    #[serde(default)]
    pub online: bool,
}

fn is_zero(v: &u32) -> bool {
    *v == 0
}

string_enum! {
    /// User fields that an update can clear.
    pub enum FieldsUser {
        /// The avatar.
        Avatar = "Avatar",
        /// The status text.
        StatusText = "StatusText",
        /// The status presence.
        StatusPresence = "StatusPresence",
        /// The profile content.
        ProfileContent = "ProfileContent",
        /// The profile background.
        ProfileBackground = "ProfileBackground",
        /// The display name.
        DisplayName = "DisplayName",
        /// The pronouns.
        Pronouns = "Pronouns",
        /// Server-internal fields.
        Internal = "Internal",
    }
}

/// The changed fields of a user (`UserUpdate.data`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PartialUser {
    /// New username.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// New discriminator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discriminator: Option<String>,
    /// New display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// New avatar.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar: Option<File>,
    /// New badges.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub badges: Option<u32>,
    /// New status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<UserStatus>,
    /// New flags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flags: Option<u32>,
    /// New online state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub online: Option<bool>,
    /// New relationship.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relationship: Option<RelationshipStatus>,
}

impl User {
    /// Applies a partial update: fields in `clear` are removed, set fields replace the old ones.
    pub fn apply(&mut self, data: &PartialUser, clear: &[FieldsUser]) {
        for field in clear {
            match field {
                FieldsUser::Avatar => self.avatar = None,
                FieldsUser::DisplayName => self.display_name = None,
                FieldsUser::StatusText => {
                    if let Some(status) = &mut self.status {
                        status.text = None;
                    }
                }
                FieldsUser::StatusPresence => {
                    if let Some(status) = &mut self.status {
                        status.presence = None;
                    }
                }
                _ => {}
            }
        }
        macro_rules! set {
            ($($f:ident),*) => { $( if let Some(v) = &data.$f { self.$f = v.clone(); } )* };
        }
        set!(username, discriminator, badges, flags, online, relationship);
        if let Some(v) = &data.display_name {
            self.display_name = Some(v.clone());
        }
        if let Some(v) = &data.avatar {
            self.avatar = Some(v.clone());
        }
        if let Some(v) = &data.status {
            self.status = Some(v.clone());
        }
    }
}
