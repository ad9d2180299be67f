//! Messages, system messages, replies, reactions and masquerades.

use compact_str::CompactString;
use std::collections::HashMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::user::{set, set_some};
use super::{Embed, File, Member, MessageFlags, Timestamp, UnknownVariant, User};
use crate::id::{ChannelId, FileId, MessageId, RoleId, UserId};

/// Name and avatar of the webhook that sent a message.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MessageWebhook {
    /// Webhook name.
    pub name: CompactString,
    /// Avatar file id (`null` if none).
    #[serde(default)]
    pub avatar: Option<FileId>,
}

/// Overrides the displayed author name, avatar and colour.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Masquerade {
    /// Displayed name (1–32 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<CompactString>,
    /// Displayed avatar URL (1–256 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar: Option<CompactString>,
    /// Displayed name colour (CSS, 1–128 characters; needs `ManageRole`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub colour: Option<CompactString>,
}

impl Masquerade {
    /// A masquerade with a display name.
    pub fn name(name: impl Into<CompactString>) -> Self {
        Self {
            name: Some(name.into()),
            ..Self::default()
        }
    }
}

/// A reply reference in a message being sent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Reply {
    /// The message replied to.
    pub id: MessageId,
    /// Whether to mention its author.
    pub mention: bool,
    /// Fail if the message does not exist (the server's default is `true`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fail_if_not_exists: Option<bool>,
}

impl Reply {
    /// A reply to `id`, mentioning its author or not.
    pub fn new(id: MessageId, mention: bool) -> Self {
        Self {
            id,
            mention,
            fail_if_not_exists: None,
        }
    }
}

fn is_false(value: &bool) -> bool {
    !*value
}

/// Reaction settings of a message.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Interactions {
    /// Reactions offered to readers (emoji ids or Unicode emoji).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reactions: Option<Vec<CompactString>>,
    /// Only the offered reactions may be used.
    #[serde(default, skip_serializing_if = "is_false")]
    pub restrict_reactions: bool,
}

impl Interactions {
    /// Offers these reactions under the message.
    pub fn reactions(reactions: impl IntoIterator<Item = impl Into<CompactString>>) -> Self {
        Self {
            reactions: Some(reactions.into_iter().map(Into::into).collect()),
            restrict_reactions: false,
        }
    }

    /// Allows only the offered reactions.
    pub fn restricted(mut self) -> Self {
        self.restrict_reactions = true;
        self
    }

    /// Whether this is the default (the server omits it then).
    pub fn is_default(&self) -> bool {
        self.reactions.is_none() && !self.restrict_reactions
    }
}

tagged_enum! {
    /// A system message, tagged by `type` (snake_case).
    #[derive(Clone, Debug, PartialEq)]
    #[non_exhaustive]
    pub enum SystemMessage (tag = "type", twin = SystemMessageByTag, remote = "SystemMessage", rename_all = "snake_case") {
        /// Plain text.
        Text {
            /// The text.
            content: CompactString,
        },
        /// A user was added to a group.
        UserAdded {
            /// The added user.
            id: UserId,
            /// Who added them.
            by: UserId,
        },
        /// A user was removed from a group.
        UserRemove {
            /// The removed user.
            id: UserId,
            /// Who removed them.
            by: UserId,
        },
        /// A user joined the server.
        UserJoined {
            /// The user.
            id: UserId,
        },
        /// A user left.
        UserLeft {
            /// The user.
            id: UserId,
        },
        /// A user was kicked.
        UserKicked {
            /// The user.
            id: UserId,
        },
        /// A user was banned.
        UserBanned {
            /// The user.
            id: UserId,
        },
        /// The channel was renamed.
        ChannelRenamed {
            /// The new name.
            name: CompactString,
            /// Who renamed it.
            by: UserId,
        },
        /// The channel description changed.
        ChannelDescriptionChanged {
            /// Who changed it.
            by: UserId,
        },
        /// The channel icon changed.
        ChannelIconChanged {
            /// Who changed it.
            by: UserId,
        },
        /// Group ownership was transferred.
        ChannelOwnershipChanged {
            /// The previous owner.
            from: UserId,
            /// The new owner.
            to: UserId,
        },
        /// A message was pinned.
        MessagePinned {
            /// The pinned message.
            id: MessageId,
            /// Who pinned it.
            by: UserId,
        },
        /// A message was unpinned.
        MessageUnpinned {
            /// The unpinned message.
            id: MessageId,
            /// Who unpinned it.
            by: UserId,
        },
        /// A call started.
        CallStarted {
            /// Who started it.
            by: UserId,
            /// When it ended (`null` while running).
            #[serde(default)]
            finished_at: Option<Timestamp>,
        },
    }
    /// A kind this version of the library does not know, kept verbatim.
    Unknown(UnknownVariant);
    known = ["text", "user_added", "user_remove", "user_joined", "user_left", "user_kicked", "user_banned", "channel_renamed", "channel_description_changed", "channel_icon_changed", "channel_ownership_changed", "message_pinned", "message_unpinned", "call_started"];
}

/// A message.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Message {
    /// Message id.
    #[serde(rename = "_id")]
    pub id: MessageId,
    /// Nonce (the idempotency key it was sent with; absent on system messages).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<CompactString>,
    /// Channel.
    pub channel: ChannelId,
    /// Author: a user id, a webhook id, or [`UserId::SYSTEM`] for system messages.
    pub author: UserId,
    /// The author, on events and send responses (shared: the cache keeps this same
    /// object as the user, and a session that remembers authors gives every message of an
    /// unchanged author the same one; see `SessionConfig::remembered_authors`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::interned::optional_user"
    )]
    pub user: Option<Arc<User>>,
    /// The author's membership, in server channels (shared with the cache like `user`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member: Option<Arc<Member>>,
    /// Webhook details, if sent by a webhook.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook: Option<MessageWebhook>,
    /// Text content.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<CompactString>,
    /// System message payload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<SystemMessage>,
    /// Attachments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachments: Option<Vec<File>>,
    /// When it was last edited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edited: Option<Timestamp>,
    /// Embeds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub embeds: Option<Vec<Embed>>,
    /// Mentioned users.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mentions: Option<Vec<UserId>>,
    /// Mentioned roles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_mentions: Option<Vec<RoleId>>,
    /// Messages replied to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replies: Option<Vec<MessageId>>,
    /// Reactions: emoji (a custom emoji id or a Unicode emoji) to the users who reacted.
    #[serde(default, skip_serializing_if = "HashMap::is_empty")]
    pub reactions: HashMap<CompactString, Vec<UserId>>,
    /// Reaction settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interactions: Option<Box<Interactions>>,
    /// Masquerade.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub masquerade: Option<Masquerade>,
    /// Whether it is pinned (the full message only ever carries `true`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pinned: Option<bool>,
    /// Flags.
    #[serde(default, skip_serializing_if = "MessageFlags::is_empty")]
    pub flags: MessageFlags,
}

impl Message {
    /// Whether this is a system message.
    pub fn is_system(&self) -> bool {
        self.system.is_some() || self.author.is_system()
    }

    /// Whether a webhook sent it.
    pub fn is_webhook(&self) -> bool {
        self.webhook.is_some()
    }

    /// Applies a partial update (`MessageUpdate`): clears first, then sets.
    ///
    /// Clearing `Pinned` unpins (`pinned` becomes `None`, as the server omits `false`).
    pub fn apply(&mut self, data: &PartialMessage, clear: &[FieldsMessage]) {
        for field in clear {
            match field {
                FieldsMessage::Pinned => self.pinned = None,
                FieldsMessage::Unknown(_) => {}
            }
        }
        let PartialMessage {
            id: _,
            nonce,
            channel,
            author,
            user,
            member,
            webhook,
            content,
            system,
            attachments,
            edited,
            embeds,
            mentions,
            role_mentions,
            replies,
            reactions,
            interactions,
            masquerade,
            pinned,
            flags,
        } = data;
        set_some(&mut self.nonce, nonce);
        set(&mut self.channel, channel);
        set(&mut self.author, author);
        set_some(&mut self.user, user);
        set_some(&mut self.member, member);
        set_some(&mut self.webhook, webhook);
        set_some(&mut self.content, content);
        set_some(&mut self.system, system);
        set_some(&mut self.attachments, attachments);
        set_some(&mut self.edited, edited);
        set_some(&mut self.embeds, embeds);
        set_some(&mut self.mentions, mentions);
        set_some(&mut self.role_mentions, role_mentions);
        set_some(&mut self.replies, replies);
        set(&mut self.reactions, reactions);
        set_some(&mut self.interactions, interactions);
        set_some(&mut self.masquerade, masquerade);
        set_some(&mut self.pinned, pinned);
        set(&mut self.flags, flags);
    }

    /// Applies a `MessageAppend`: the embeds are added after the existing ones.
    pub fn append(&mut self, append: &AppendMessage) {
        if let Some(embeds) = &append.embeds {
            self.embeds
                .get_or_insert_with(Vec::new)
                .extend(embeds.iter().cloned());
        }
    }

    /// Records a reaction (`MessageReact`); a user is listed once per emoji.
    pub fn add_reaction(&mut self, emoji: &str, user: UserId) {
        let users = self
            .reactions
            .entry(CompactString::from(emoji))
            .or_default();
        if !users.contains(&user) {
            users.push(user);
        }
    }

    /// Removes one user's reaction (`MessageUnreact`); an emoji nobody uses any more is
    /// removed, as the server does.
    pub fn remove_reaction(&mut self, emoji: &str, user: UserId) {
        if let Some(users) = self.reactions.get_mut(emoji) {
            users.retain(|u| *u != user);
            if users.is_empty() {
                self.reactions.remove(emoji);
            }
        }
    }

    /// Removes an emoji for everyone (`MessageRemoveReaction`).
    pub fn clear_reaction(&mut self, emoji: &str) {
        self.reactions.remove(emoji);
    }
}

string_enum! {
    /// Message fields that an update can clear.
    pub enum FieldsMessage {
        /// The pinned flag.
        Pinned = "Pinned",
    }
}

/// The changed fields of a message (`MessageUpdate.data`).
///
/// An explicit value is a change even when it equals the default (`pinned: false` unpins).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PartialMessage {
    /// Message id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<MessageId>,
    /// New nonce.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<CompactString>,
    /// New channel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<ChannelId>,
    /// New author.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<UserId>,
    /// New author object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<Arc<User>>,
    /// New member object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member: Option<Arc<Member>>,
    /// New webhook details.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook: Option<MessageWebhook>,
    /// New content.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<CompactString>,
    /// New system payload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<SystemMessage>,
    /// New attachments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachments: Option<Vec<File>>,
    /// Edit time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edited: Option<Timestamp>,
    /// New embeds (the whole list).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub embeds: Option<Vec<Embed>>,
    /// New user mentions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mentions: Option<Vec<UserId>>,
    /// New role mentions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_mentions: Option<Vec<RoleId>>,
    /// New replies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replies: Option<Vec<MessageId>>,
    /// New reactions (the whole map; `{}` after all reactions were removed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reactions: Option<HashMap<CompactString, Vec<UserId>>>,
    /// New reaction settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interactions: Option<Box<Interactions>>,
    /// New masquerade.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub masquerade: Option<Masquerade>,
    /// New pinned flag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pinned: Option<bool>,
    /// New flags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flags: Option<MessageFlags>,
}

/// Data appended to a message (`MessageAppend.append`), e.g. link previews generated
/// after it was sent.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AppendMessage {
    /// Embeds to add.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub embeds: Option<Vec<Embed>>,
}

/// `GET /channels/{id}/messages`: a bare list, or with `include_users=true` the list
/// with the users and members it mentions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum BulkMessageResponse {
    /// Just the messages.
    Messages(Vec<Message>),
    /// Messages with their authors.
    MessagesAndUsers {
        /// The messages.
        messages: Vec<Message>,
        /// Their authors.
        users: Vec<User>,
        /// Their authors' memberships (server channels).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        members: Option<Vec<Member>>,
    },
}

impl BulkMessageResponse {
    /// The messages, whichever shape the server sent.
    pub fn messages(&self) -> &[Message] {
        match self {
            Self::Messages(messages) | Self::MessagesAndUsers { messages, .. } => messages,
        }
    }

    /// The messages, taken out.
    pub fn into_messages(self) -> Vec<Message> {
        match self {
            Self::Messages(messages) | Self::MessagesAndUsers { messages, .. } => messages,
        }
    }
}
