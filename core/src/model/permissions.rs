//! Permission bits, overrides and the default permission sets.

use serde::{Deserialize, Serialize};

wire_bitflags! {
    /// Channel and server permissions (the server's `ChannelPermission`, a `u64`).
    ///
    /// Bits 41–52 are free and bits 53–63 are never used (JavaScript number precision);
    /// unknown bits are kept on a round trip.
    ///
    /// ```
    /// use stoat_core::model::Permissions;
    /// assert_eq!(Permissions::DEFAULT_SERVER.bits(), 77_014_766_592);
    /// assert!(Permissions::DEFAULT.contains(Permissions::SEND_MESSAGE));
    /// ```
    pub struct Permissions: u64, i64 {
        /// Manage the channel, or create, edit and delete channels.
        const MANAGE_CHANNEL = 1 << 0;
        /// Manage the server.
        const MANAGE_SERVER = 1 << 1;
        /// Manage permissions on servers or channels.
        const MANAGE_PERMISSIONS = 1 << 2;
        /// Manage roles.
        const MANAGE_ROLE = 1 << 3;
        /// Manage emojis and other customisation.
        const MANAGE_CUSTOMISATION = 1 << 4;
        /// Kick members below your rank.
        const KICK_MEMBERS = 1 << 6;
        /// Ban members below your rank.
        const BAN_MEMBERS = 1 << 7;
        /// Time out members below your rank.
        const TIMEOUT_MEMBERS = 1 << 8;
        /// Assign roles below your rank.
        const ASSIGN_ROLES = 1 << 9;
        /// Change your own nickname.
        const CHANGE_NICKNAME = 1 << 10;
        /// Change or remove other members' nicknames.
        const MANAGE_NICKNAMES = 1 << 11;
        /// Change your own server avatar.
        const CHANGE_AVATAR = 1 << 12;
        /// Remove other members' server avatars.
        const REMOVE_AVATARS = 1 << 13;
        /// View a channel.
        const VIEW_CHANNEL = 1 << 20;
        /// Read a channel's past messages.
        const READ_MESSAGE_HISTORY = 1 << 21;
        /// Send messages.
        const SEND_MESSAGE = 1 << 22;
        /// Delete messages of others.
        const MANAGE_MESSAGES = 1 << 23;
        /// Manage webhooks.
        const MANAGE_WEBHOOKS = 1 << 24;
        /// Create invites.
        const INVITE_OTHERS = 1 << 25;
        /// Send embedded content.
        const SEND_EMBEDS = 1 << 26;
        /// Upload files.
        const UPLOAD_FILES = 1 << 27;
        /// Masquerade messages with a different name and avatar.
        const MASQUERADE = 1 << 28;
        /// React to messages.
        const REACT = 1 << 29;
        /// Connect to a voice channel.
        const CONNECT = 1 << 30;
        /// Speak in a voice call.
        const SPEAK = 1 << 31;
        /// Share video in a voice call.
        const VIDEO = 1 << 32;
        /// Mute other members.
        const MUTE_MEMBERS = 1 << 33;
        /// Deafen other members.
        const DEAFEN_MEMBERS = 1 << 34;
        /// Move members between voice channels.
        const MOVE_MEMBERS = 1 << 35;
        /// Listen in a voice call.
        const LISTEN = 1 << 36;
        /// Mention `@everyone` and `@online`.
        const MENTION_EVERYONE = 1 << 37;
        /// Mention roles.
        const MENTION_ROLES = 1 << 38;
        /// Not subject to slowmode.
        const BYPASS_SLOWMODE = 1 << 39;
        /// View the audit log.
        const VIEW_AUDIT_LOGS = 1 << 40;
        /// Use emojis of other servers (revolt-models 0.16.2).
        const USE_EXTERNAL_EMOJIS = 1 << 41;
    }
}

impl Permissions {
    /// Every safe bit: what owners and privileged users get (`0x000F_FFFF_FFFF_FFFF`).
    pub const GRANT_ALL_SAFE: Self = Self::from_bits_retain(0x000F_FFFF_FFFF_FFFF);
    /// Every bit.
    pub const GRANT_ALL: Self = Self::from_bits_retain(u64::MAX);
    /// What a timed-out member keeps: view and read history (3145728).
    pub const ALLOW_IN_TIMEOUT: Self =
        Self::from_bits_retain(Self::VIEW_CHANNEL.bits() | Self::READ_MESSAGE_HISTORY.bits());
    /// `DEFAULT_PERMISSION_VIEW_ONLY`: the same bits as [`ALLOW_IN_TIMEOUT`](Self::ALLOW_IN_TIMEOUT).
    pub const DEFAULT_VIEW_ONLY: Self = Self::ALLOW_IN_TIMEOUT;
    /// `DEFAULT_PERMISSION` (76477890560).
    pub const DEFAULT: Self = Self::from_bits_retain(
        Self::DEFAULT_VIEW_ONLY.bits()
            | Self::SEND_MESSAGE.bits()
            | Self::INVITE_OTHERS.bits()
            | Self::SEND_EMBEDS.bits()
            | Self::UPLOAD_FILES.bits()
            | Self::CONNECT.bits()
            | Self::SPEAK.bits()
            | Self::LISTEN.bits()
            | Self::VIDEO.bits(),
    );
    /// `DEFAULT_PERMISSION_SERVER`, a new server's `default_permissions` (77014766592).
    pub const DEFAULT_SERVER: Self = Self::from_bits_retain(
        Self::DEFAULT.bits()
            | Self::REACT.bits()
            | Self::CHANGE_NICKNAME.bits()
            | Self::CHANGE_AVATAR.bits(),
    );
    /// A new server's `default_permissions` on revolt-models 0.16.2, which adds
    /// [`USE_EXTERNAL_EMOJIS`](Self::USE_EXTERNAL_EMOJIS) (2276038022144).
    pub const DEFAULT_SERVER_0_16: Self =
        Self::from_bits_retain(Self::DEFAULT_SERVER.bits() | Self::USE_EXTERNAL_EMOJIS.bits());
    /// `DEFAULT_PERMISSION_DIRECT_MESSAGE`: DMs, and groups whose `permissions` is unset
    /// (77283196929).
    pub const DEFAULT_DIRECT_MESSAGE: Self = Self::from_bits_retain(
        Self::DEFAULT.bits()
            | Self::MANAGE_CHANNEL.bits()
            | Self::REACT.bits()
            | Self::MASQUERADE.bits(),
    );
    /// `DEFAULT_PERMISSION_SAVED_MESSAGES`: [`GRANT_ALL_SAFE`](Self::GRANT_ALL_SAFE).
    pub const DEFAULT_SAVED_MESSAGES: Self = Self::GRANT_ALL_SAFE;
    /// `DEFAULT_WEBHOOK_PERMISSIONS` (876609536).
    pub const DEFAULT_WEBHOOK: Self = Self::from_bits_retain(
        Self::SEND_MESSAGE.bits()
            | Self::SEND_EMBEDS.bits()
            | Self::MASQUERADE.bits()
            | Self::REACT.bits(),
    );
}

wire_bitflags! {
    /// What one user may do to another (the server's `UserPermission`, a `u32`).
    pub struct UserPermissions: u32, i32 {
        /// See the user at all.
        const ACCESS = 1;
        /// View their profile.
        const VIEW_PROFILE = 2;
        /// Send them a direct message.
        const SEND_MESSAGE = 4;
        /// Invite them to things.
        const INVITE = 8;
    }
}

/// An allow/deny pair as stored on roles and channels (`{"a": allow, "d": deny}`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OverrideField {
    /// Allowed bits.
    pub a: Permissions,
    /// Denied bits.
    pub d: Permissions,
}

impl OverrideField {
    /// An override allowing `allow` and denying `deny`.
    pub const fn new(allow: Permissions, deny: Permissions) -> Self {
        Self { a: allow, d: deny }
    }

    /// Applies the override to `base`: allowed bits are added, then denied bits removed.
    pub fn apply(self, base: Permissions) -> Permissions {
        (base | self.a) & !self.d
    }
}

/// An allow/deny pair as requests send it (`{"allow": …, "deny": …}`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Override {
    /// Allowed bits.
    pub allow: Permissions,
    /// Denied bits.
    pub deny: Permissions,
}

impl From<Override> for OverrideField {
    fn from(o: Override) -> Self {
        Self {
            a: o.allow,
            d: o.deny,
        }
    }
}

impl From<OverrideField> for Override {
    fn from(o: OverrideField) -> Self {
        Self {
            allow: o.a,
            deny: o.d,
        }
    }
}
