//! Server audit log.

use serde::{Deserialize, Serialize};

use super::{
    Member, Override, PartialChannel, PartialEmoji, PartialMember, PartialRole, PartialServer,
    UnknownVariant, User,
};
use crate::id::{
    AuditLogEntryId, ChannelId, EmojiId, InviteCode, MessageId, RoleId, ServerId, UserId, WebhookId,
};

/// What an audit log entry records, tagged by `type`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", remote = "Self")]
#[non_exhaustive]
#[allow(missing_docs)] // the field names say it all; each variant is documented
pub enum AuditLogAction {
    /// A message was deleted.
    MessageDelete { author: UserId, channel: ChannelId },
    /// Messages were bulk-deleted.
    MessageBulkDelete { channel: ChannelId, count: u64 },
    /// A message was pinned.
    MessagePin {
        message: MessageId,
        author: UserId,
        channel: ChannelId,
    },
    /// A message was unpinned.
    MessageUnpin {
        message: MessageId,
        author: UserId,
        channel: ChannelId,
    },
    /// A user was banned.
    BanCreate { user: UserId },
    /// A ban was lifted.
    BanDelete { user: UserId },
    /// A channel was created.
    ChannelCreate { channel: ChannelId, name: String },
    /// A channel was edited.
    ChannelEdit {
        channel: ChannelId,
        before: Box<PartialChannel>,
        after: Box<PartialChannel>,
    },
    /// A channel's role override was changed.
    ChannelRolePermissionsEdit {
        channel: ChannelId,
        role: RoleId,
        permissions: Override,
    },
    /// A channel was deleted.
    ChannelDelete { channel: ChannelId, name: String },
    /// A member was edited.
    MemberEdit {
        user: UserId,
        before: Box<PartialMember>,
        after: Box<PartialMember>,
    },
    /// A member was kicked.
    MemberKick { user: UserId },
    /// The server was edited.
    ServerEdit {
        before: Box<PartialServer>,
        after: Box<PartialServer>,
    },
    /// A role was edited.
    RoleEdit {
        role: RoleId,
        before: Box<PartialRole>,
        after: Box<PartialRole>,
    },
    /// A role was created.
    RoleCreate { role: RoleId, name: String },
    /// A role was deleted.
    RoleDelete { role: RoleId, name: String },
    /// Roles were reordered.
    RolesReorder {
        before: Vec<RoleId>,
        after: Vec<RoleId>,
    },
    /// An invite was created.
    InviteCreate {
        invite: InviteCode,
        channel: ChannelId,
    },
    /// An invite was deleted.
    InviteDelete {
        invite: InviteCode,
        channel: ChannelId,
    },
    /// A webhook was created.
    WebhookCreate {
        webhook: WebhookId,
        name: String,
        channel: ChannelId,
    },
    /// A webhook was deleted.
    WebhookDelete {
        webhook: WebhookId,
        name: String,
        channel: ChannelId,
    },
    /// An emoji was created.
    EmojiCreate { emoji: EmojiId, name: String },
    /// An emoji was renamed.
    EmojiUpdate {
        emoji: EmojiId,
        before: PartialEmoji,
        after: PartialEmoji,
    },
    /// An emoji was deleted.
    EmojiDelete { emoji: EmojiId, name: String },
    /// A kind this version of the library does not know, kept verbatim.
    #[serde(untagged)]
    Unknown(UnknownVariant),
}

checked_tagged_enum!(
    AuditLogAction,
    "type",
    UnknownVariant,
    [
        "MessageDelete",
        "MessageBulkDelete",
        "MessagePin",
        "MessageUnpin",
        "BanCreate",
        "BanDelete",
        "ChannelCreate",
        "ChannelEdit",
        "ChannelRolePermissionsEdit",
        "ChannelDelete",
        "MemberEdit",
        "MemberKick",
        "ServerEdit",
        "RoleEdit",
        "RoleCreate",
        "RoleDelete",
        "RolesReorder",
        "InviteCreate",
        "InviteDelete",
        "WebhookCreate",
        "WebhookDelete",
        "EmojiCreate",
        "EmojiUpdate",
        "EmojiDelete"
    ]
);

/// One audit log entry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AuditLogEntry {
    /// Entry id.
    #[serde(rename = "_id")]
    pub id: AuditLogEntryId,
    /// The server.
    pub server: ServerId,
    /// The reason given (`X-Audit-Log-Reason`; `null` if none).
    #[serde(default)]
    pub reason: Option<String>,
    /// Who acted.
    pub user: UserId,
    /// The id of what was acted on (`null` if nothing).
    #[serde(default)]
    pub target: Option<String>,
    /// What happened.
    pub action: AuditLogAction,
}

/// `GET /servers/{id}/audit_logs`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AuditLogQueryResponse {
    /// Entries.
    pub audit_logs: Vec<AuditLogEntry>,
    /// Users involved.
    #[serde(default)]
    pub users: Vec<User>,
    /// Members involved.
    #[serde(default)]
    pub members: Vec<Member>,
}
