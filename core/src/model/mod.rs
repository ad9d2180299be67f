//! Wire objects, exact to the server's JSON (and msgpack) shapes.
//!
//! Conventions (reference §0): most objects carry their id under `_id`; partial objects
//! (`Partial*`, the `data` of update events) use plain field names and every field is
//! optional; unknown fields are ignored and unknown enum values are kept as `Unknown`.
//!
//! Partial updates are tri-state: a field absent from `data` and not in `clear` is
//! unchanged, a field named in `clear` (`remove` for webhooks) is cleared, and a field
//! present in `data` is set, whatever its value. Every full type has an
//! `apply(&mut self, data, clear)` that does exactly that (clears first, like the server).
//!
//! Sizes of the main cached types on a 64-bit target (checked by a test in
//! `core/tests/sizes.rs`; ids are 16-byte ULIDs, text is a [`CompactString`] (24 bytes, inline up to 24), rarely-present files are boxed):
//!
//! | type | bytes |
//! |---|---|
//! | ULID ids (`UserId`, `ChannelId`, ...) | 16 |
//! | string ids (`FileId`, ..., inline up to 46 bytes) | 48 |
//! | [`Timestamp`] | 8 |
//! | [`Permissions`] | 8 |
//! | [`User`] | 248 |
//! | [`Member`] | 144 |
//! | [`Server`] | 224 |
//! | [`Role`] | 120 |
//! | [`Channel`] | 216 |
//! | [`Message`] | 496 |
//! | [`Emoji`] | 96 |
//! | [`Webhook`] | 112 |
//! | [`File`] | 192 |
//! | [`UserVoiceState`] | 32 |
//! | [`crate::gateway::Event`] | 96 |
//!
//! Files in users, members, servers, roles, channels and webhooks are boxed, and a file's
//! rare legacy fields are boxed in it. The author (`user`, `member`) a message carries is
//! an `Arc`, shared with the cache.

#[macro_use]
mod string_enum;
#[macro_use]
mod bits;
#[macro_use]
mod unknown;
mod audit;
mod auth;
mod bot;
mod channel;
mod embed;
mod emoji;
mod file;
mod flags;
mod instance;
pub(crate) mod interned;
mod invite;
mod member;
mod message;
mod permissions;
mod policy;
mod report;
mod role;
pub(crate) mod secret;
mod server;
mod settings;
pub(crate) mod tagged;
mod timestamp;
mod user;
mod voice;
mod webhook;

pub use audit::{AuditLogAction, AuditLogEntry, AuditLogQueryResponse};
pub use auth::{
    AccountInfo, AuthEvent, MfaMethod, MfaResponse, MfaTicket, MultiFactorStatus, OnboardingStatus,
    ResponseLogin, ResponseTotpSecret, Session, SessionInfo, UnknownAuthEvent, WebPushSubscription,
};
pub use bot::{
    Bot, BotWithUserResponse, FetchBotResponse, FieldsBot, InviteBotDestination, OwnedBotsResponse,
    PublicBot,
};
pub use channel::{
    Channel, ChannelSlowmode, ChannelUnread, ChannelUnreadId, FieldsChannel, PartialChannel,
    UnknownChannel, VoiceInformation,
};
/// Text fields of received objects (names, file names, content, ...): a string stored inline
/// up to 24 bytes, so short text costs no heap allocation. It derefs to `str`, compares with
/// `&str` and `String`, and converts with `.into()` either way.
pub use compact_str::CompactString;
pub use embed::{
    BandcampType, Embed, EmbedImage, EmbedVideo, ImageSize, LightspeedType, SendableEmbed, Special,
    TextEmbed, TwitchType, WebsiteEmbed, XAppPost,
};
pub use emoji::{Emoji, EmojiParent, PartialEmoji};
pub use file::{File, FileLegacy, FileMetadata};
pub use flags::{BotFlags, MessageFlags, ServerFlags, UserBadges, UserFlags};
pub use instance::{
    AutumnFeature, BuildInformation, CaptchaFeature, GlobalLimits, InstanceFeatures, InstanceInfo,
    InstanceLimits, LegalLinks, LiveKitFeature, UserLimits, VoiceNode, VosoFeature,
};
pub use invite::{DataCreateInvite, Invite, InviteJoinResponse, InviteResponse};
pub use member::{
    AllMemberResponse, FieldsMember, Member, MemberId, MemberResponse, PartialMember,
    RemovalIntention,
};
pub use message::{
    AppendMessage, BulkMessageResponse, FieldsMessage, Interactions, Masquerade, Message,
    MessageWebhook, PartialMessage, Reply, SystemMessage,
};
pub use permissions::{Override, OverrideField, Permissions, UserPermissions};
pub use policy::PolicyChange;
pub use report::{
    ContentReportReason, DataReportContent, Report, ReportStatus, ReportedContent, UserReportReason,
};
pub use role::{FieldsRole, NewRoleResponse, PartialRole, Role};
pub use server::{
    BanListResult, BannedUser, Category, CreateServerLegacyResponse, FieldsServer, PartialServer,
    Server, ServerBan, SystemMessageChannels,
};
pub use settings::{UserSetting, UserSettings};
pub use timestamp::Timestamp;
pub use unknown::UnknownVariant;
pub use user::{
    BotInformation, FieldsUser, FlagResponse, MutualResponse, PartialUser, Presence, Relationship,
    RelationshipStatus, User, UserProfile, UserStatus,
};
pub use voice::{
    ChannelVoiceState, CreateVoiceUserResponse, PartialUserVoiceState, UserVoiceState,
};
pub use webhook::{FieldsWebhook, PartialWebhook, ResponseWebhook, Webhook};
