//! Bit flags on users, servers, bots and messages.
//!
//! Each type is an integer on the wire. Bits this library does not know are kept, so a
//! value always re-serialises to the number it was read from.
//!
//! ```
//! use stoat_core::model::MessageFlags;
//! // The server's enum holds bit *positions*; the wire masks are 2, 4 and 8.
//! let flags: MessageFlags = serde_json::from_str("6").unwrap();
//! assert!(flags.contains(MessageFlags::SUPPRESS_NOTIFICATIONS | MessageFlags::MENTIONS_EVERYONE));
//! let unknown: MessageFlags = serde_json::from_str("1025").unwrap();
//! assert_eq!(serde_json::to_string(&unknown).unwrap(), "1025");
//! ```

wire_bitflags! {
    /// Badges shown on a user's profile (`User.badges`).
    pub struct UserBadges: u32, i32 {
        /// Stoat developer.
        const DEVELOPER = 1;
        /// Helped translate.
        const TRANSLATOR = 2;
        /// Monetarily supported the project.
        const SUPPORTER = 4;
        /// Responsibly disclosed a security issue.
        const RESPONSIBLE_DISCLOSURE = 8;
        /// Founder.
        const FOUNDER = 16;
        /// Platform moderator.
        const PLATFORM_MODERATION = 32;
        /// Active monetary supporter.
        const ACTIVE_SUPPORTER = 64;
        /// 🦊🦝
        const PAW = 128;
        /// Joined as one of the first 1000 users (2021).
        const EARLY_ADOPTER = 256;
        /// Reserved joke badge.
        const RESERVED_RELEVANT_JOKE_BADGE_1 = 512;
        /// Reserved joke badge.
        const RESERVED_RELEVANT_JOKE_BADGE_2 = 1024;
    }
}

wire_bitflags! {
    /// Account state flags (`User.flags`, `UserPlatformWipe.flags`).
    pub struct UserFlags: u32, i32 {
        /// Suspended (temporarily).
        const SUSPENDED = 1;
        /// Deleted.
        const DELETED = 2;
        /// Banned.
        const BANNED = 4;
        /// Marked as spam.
        const SPAM = 8;
    }
}

wire_bitflags! {
    /// Server flags (`Server.flags`). The backend defines no enum; these are the values
    /// the official clients use.
    pub struct ServerFlags: u32, i32 {
        /// Verified server.
        const VERIFIED = 1;
        /// Official server.
        const OFFICIAL = 2;
    }
}

wire_bitflags! {
    /// Bot flags (`Bot.flags`).
    pub struct BotFlags: u32, i32 {
        /// Verified bot.
        const VERIFIED = 1;
        /// Official bot.
        const OFFICIAL = 2;
    }
}

wire_bitflags! {
    /// Message flags (`Message.flags`).
    ///
    /// The server's `MessageFlags` enum lists bit *positions* (1, 2, 3); the masks on the
    /// wire are therefore 2, 4 and 8, and bit 0 means nothing.
    pub struct MessageFlags: u32, i32 {
        /// Don't notify anyone (`1 << 1`).
        const SUPPRESS_NOTIFICATIONS = 1 << 1;
        /// Mentions everyone (`1 << 2`; `@everyone`).
        const MENTIONS_EVERYONE = 1 << 2;
        /// Mentions everyone online (`1 << 3`; `@online`, cannot be requested via `flags`).
        const MENTIONS_ONLINE = 1 << 3;
    }
}
