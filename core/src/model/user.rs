//! Users, relationships, presence and profiles.

use compact_str::CompactString;
use serde::{Deserialize, Serialize};

use super::{File, UserBadges, UserFlags};
use crate::id::{ChannelId, ServerId, UserId};

string_enum! {
    /// Your relationship with a user (default: `None`).
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

/// One entry of your own user's `relations`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Relationship {
    /// The other user.
    #[serde(rename = "_id")]
    pub user: UserId,
    /// Your relationship with them.
    pub status: RelationshipStatus,
}

impl Relationship {
    /// A relationship with `user`.
    pub fn new(user: UserId, status: RelationshipStatus) -> Self {
        Self { user, status }
    }
}

/// A user's status text and presence.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UserStatus {
    /// Custom status text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<CompactString>,
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
    pub username: CompactString,
    /// Four-digit discriminator, e.g. `"0001"`.
    pub discriminator: CompactString,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<CompactString>,
    /// Pronouns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pronouns: Option<CompactString>,
    /// Avatar.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar: Option<Box<File>>,
    /// Your relationships (only present on your own user).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub relations: Vec<Relationship>,
    /// Badges.
    #[serde(default, skip_serializing_if = "UserBadges::is_empty")]
    pub badges: UserBadges,
    /// Status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<UserStatus>,
    /// Account flags.
    #[serde(default, skip_serializing_if = "UserFlags::is_empty")]
    pub flags: UserFlags,
    /// Whether the user is privileged (platform staff).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub privileged: bool,
    /// Present if the user is a bot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bot: Option<BotInformation>,
    /// Your relationship with this user (`User` means this is you).
    #[serde(default)]
    pub relationship: RelationshipStatus,
    /// Whether the user is online.
    #[serde(default)]
    pub online: bool,
}

impl User {
    /// Whether this is a bot account.
    pub fn is_bot(&self) -> bool {
        self.bot.is_some()
    }

    /// Whether this user is you (the server marks yourself with relationship `User`).
    pub fn is_self(&self) -> bool {
        self.relationship == RelationshipStatus::User
    }

    /// The name to show: the display name if set, else the username.
    pub fn name(&self) -> &str {
        self.display_name.as_deref().unwrap_or(&self.username)
    }

    /// `username#discriminator`.
    pub fn tag(&self) -> String {
        format!("{}#{}", self.username, self.discriminator)
    }

    /// Applies a partial update (`UserUpdate`): the fields in `clear` are removed first,
    /// then every field present in `data` replaces the old value.
    ///
    /// `ProfileContent`/`ProfileBackground` clear the profile, which is not part of
    /// [`User`] (see [`UserProfile::apply`]); `Internal` has no visible effect.
    pub fn apply(&mut self, data: &PartialUser, clear: &[FieldsUser]) {
        for field in clear {
            match field {
                FieldsUser::Avatar => self.avatar = None,
                FieldsUser::DisplayName => self.display_name = None,
                FieldsUser::Pronouns => self.pronouns = None,
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
                FieldsUser::ProfileContent
                | FieldsUser::ProfileBackground
                | FieldsUser::Internal
                | FieldsUser::Unknown(_) => {}
            }
        }
        let PartialUser {
            id: _,
            username,
            discriminator,
            display_name,
            pronouns,
            avatar,
            relations,
            badges,
            status,
            flags,
            privileged,
            bot,
            relationship,
            online,
        } = data;
        set(&mut self.username, username);
        set(&mut self.discriminator, discriminator);
        set_some(&mut self.display_name, display_name);
        set_some(&mut self.pronouns, pronouns);
        set_some(&mut self.avatar, avatar);
        set(&mut self.relations, relations);
        set(&mut self.badges, badges);
        set_some(&mut self.status, status);
        set(&mut self.flags, flags);
        set(&mut self.privileged, privileged);
        set_some(&mut self.bot, bot);
        set(&mut self.relationship, relationship);
        set(&mut self.online, online);
    }
}

/// Replaces `field` when `value` is set.
pub(crate) fn set<T: Clone>(field: &mut T, value: &Option<T>) {
    if let Some(v) = value {
        *field = v.clone();
    }
}

/// Replaces an optional `field` when `value` is set.
pub(crate) fn set_some<T: Clone>(field: &mut Option<T>, value: &Option<T>) {
    if let Some(v) = value {
        *field = Some(v.clone());
    }
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
        /// Server-internal fields (suspension); nothing visible.
        Internal = "Internal",
    }
}

/// The changed fields of a user (`UserUpdate.data`). Every field is optional; a present
/// field is a new value (partials use plain field names, so the id is `id`, not `_id`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PartialUser {
    /// User id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<UserId>,
    /// New username.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<CompactString>,
    /// New discriminator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discriminator: Option<CompactString>,
    /// New display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<CompactString>,
    /// New pronouns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pronouns: Option<CompactString>,
    /// New avatar.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar: Option<Box<File>>,
    /// New relationships.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relations: Option<Vec<Relationship>>,
    /// New badges.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub badges: Option<UserBadges>,
    /// New status (an `Invisible` presence is included here).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<UserStatus>,
    /// New flags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flags: Option<UserFlags>,
    /// New privileged state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privileged: Option<bool>,
    /// New bot information.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bot: Option<BotInformation>,
    /// New relationship.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relationship: Option<RelationshipStatus>,
    /// New online state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub online: Option<bool>,
}

/// A user's profile (`GET /users/{id}/profile`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UserProfile {
    /// Profile text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<CompactString>,
    /// Profile background.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub background: Option<File>,
}

impl UserProfile {
    /// Applies the profile part of a `UserUpdate` clear list.
    pub fn apply(&mut self, clear: &[FieldsUser]) {
        for field in clear {
            match field {
                FieldsUser::ProfileContent => self.content = None,
                FieldsUser::ProfileBackground => self.background = None,
                _ => {}
            }
        }
    }
}

/// `GET /users/{id}/flags`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FlagResponse {
    /// The user's flags.
    pub flags: UserFlags,
}

/// `GET /users/{id}/mutual`: what you share with a user.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MutualResponse {
    /// Mutual friends.
    #[serde(default)]
    pub users: Vec<UserId>,
    /// Mutual servers.
    #[serde(default)]
    pub servers: Vec<ServerId>,
    /// Mutual group and DM channels.
    #[serde(default)]
    pub channels: Vec<ChannelId>,
}
