//! `/channels/{id}/messages` routes: sending, editing, fetching, searching, pinning and
//! deleting messages.

use http::Method;
use serde::Serialize;

use super::validate::{self, MAX_ATTACHMENTS, MAX_EDIT_EMBEDS, MAX_EMBEDS, MAX_REPLIES};
use crate::http::{path, Body, Request, RequestParts, Route, ValidationError};
use crate::id::{ChannelId, FileId, MessageId};
use crate::model::{
    BulkMessageResponse, Interactions, Masquerade, Message, MessageFlags, Reply, SendableEmbed,
};

/// The body of a new message (`DataMessageSend`), shared by [`SendMessage`] and
/// [`ExecuteWebhook`](super::ExecuteWebhook).
///
/// Checked before sending: not empty, content at most 2000 bytes (together with the embed
/// descriptions), at most 5 replies, 5 attachments and 5 embeds, embed and masquerade field
/// lengths, restricted reactions that offer some, and flags within the settable bits.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct DataMessageSend {
    /// Text content.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// Uploaded attachments (file ids of tag `attachments`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<FileId>,
    /// Messages replied to.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub replies: Vec<Reply>,
    /// Embeds (needs `SendEmbeds`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub embeds: Vec<SendableEmbed>,
    /// Masquerade (needs `Masquerade`; a colour also needs `ManageRole`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub masquerade: Option<Masquerade>,
    /// Reactions offered to readers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interactions: Option<Interactions>,
    /// Flags: [`MessageFlags::SUPPRESS_NOTIFICATIONS`], and for bots
    /// [`MessageFlags::MENTIONS_EVERYONE`] (`MENTIONS_ONLINE` cannot be requested this way).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flags: Option<MessageFlags>,
}

impl DataMessageSend {
    /// A text message.
    pub fn new(content: impl Into<String>) -> Self {
        Self {
            content: Some(content.into()),
            ..Self::default()
        }
    }

    /// Checks the limits the server enforces.
    pub fn validate(&self) -> Result<(), ValidationError> {
        let content = self.content.as_deref().unwrap_or_default();
        if content.is_empty() && self.attachments.is_empty() && self.embeds.is_empty() {
            return Err(ValidationError::Empty(
                "a message needs content, an attachment or an embed",
            ));
        }
        validate::count("replies", self.replies.len(), 0, MAX_REPLIES)?;
        validate::count("attachments", self.attachments.len(), 0, MAX_ATTACHMENTS)?;
        validate::count("embeds", self.embeds.len(), 0, MAX_EMBEDS)?;
        validate::content_and_embeds(self.content.as_deref(), &self.embeds)?;
        if let Some(masquerade) = &self.masquerade {
            validate::masquerade(masquerade)?;
        }
        if let Some(interactions) = &self.interactions {
            let offered = interactions.reactions.as_deref().unwrap_or_default();
            if interactions.restrict_reactions && offered.is_empty() {
                return Err(ValidationError::Invalid {
                    field: "interactions",
                    reason: "restricting reactions needs at least one offered reaction".into(),
                });
            }
        }
        if let Some(flags) = self.flags {
            if flags.bits() > 7 {
                return Err(ValidationError::Invalid {
                    field: "flags",
                    reason: format!(
                        "{:#x} sets bits the server does not accept (at most 0x7)",
                        flags.bits()
                    ),
                });
            }
        }
        Ok(())
    }
}

/// The builders of a request that sends a [`DataMessageSend`] in its `$field` field (with an
/// `idempotency_key`), declared through `builders!`.
macro_rules! message_builders {
    ($ty:ident, $field:ident) => {
        builders! {
        impl $ty {
        /// Replies to `message`, mentioning its author or not.
        pub fn reply_to(mut self, message: $crate::id::MessageId, mention: bool) -> Self {
            self.$field
                .replies
                .push($crate::model::Reply::new(message, mention));
            self
        }

        /// Adds a reply.
        pub fn reply(mut self, reply: $crate::model::Reply) -> Self {
            self.$field.replies.push(reply);
            self
        }

        /// Adds an uploaded attachment by its file id.
        pub fn attachment(mut self, id: impl Into<$crate::id::FileId>) -> Self {
            self.$field.attachments.push(id.into());
            self
        }

        /// Adds an embed.
        pub fn embed(mut self, embed: $crate::model::SendableEmbed) -> Self {
            self.$field.embeds.push(embed);
            self
        }

        /// Sets a masquerade.
        pub fn masquerade(mut self, masquerade: $crate::model::Masquerade) -> Self {
            self.$field.masquerade = Some(masquerade);
            self
        }

        /// Sets the reactions offered to readers.
        pub fn interactions(mut self, interactions: $crate::model::Interactions) -> Self {
            self.$field.interactions = Some(interactions);
            self
        }

        /// Sets the flags.
        pub fn flags(mut self, flags: $crate::model::MessageFlags) -> Self {
            self.$field.flags = Some(flags);
            self
        }

        /// Sets the idempotency key (1–64 bytes): a retry with the same key cannot post
        /// the message twice.
        pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
            self.idempotency_key = Some(key.into());
            self
        }
        }
        }
    };
}
pub(crate) use message_builders;

/// `POST /channels/{id}/messages`: sends a message.
///
/// ```
/// use stoat_core::http::{routes::SendMessage, Request};
/// let channel = "01M7YSZ8V81AWBPFRM30NYSV34".parse().unwrap();
/// assert!(SendMessage::new(channel, "x".repeat(2001)).to_parts().is_err());
/// assert!(SendMessage::new(channel, "hi").to_parts().is_ok());
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct SendMessage {
    /// The channel.
    pub channel: ChannelId,
    /// Sent as the `Idempotency-Key` header; the server stores it as the message nonce and
    /// rejects a repeat, which makes retrying the send safe.
    pub idempotency_key: Option<String>,
    /// The message.
    pub message: DataMessageSend,
}

impl SendMessage {
    /// A text message.
    pub fn new(channel: ChannelId, content: impl Into<String>) -> Self {
        Self::with(channel, DataMessageSend::new(content))
    }

    /// Sends `message`.
    pub fn with(channel: ChannelId, message: DataMessageSend) -> Self {
        Self {
            channel,
            idempotency_key: None,
            message,
        }
    }
}

message_builders!(SendMessage, message);

impl Request for SendMessage {
    type Output = Message;
    const ROUTE: Route = Route::api(Method::POST, "/channels/{target}/messages");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        self.message.validate()?;
        validate::idempotency_key(self.idempotency_key.as_deref())?;
        Ok(Self::ROUTE
            .parts(path(&["channels", &self.channel.to_string(), "messages"]))
            .body(Body::json(&self.message)?)
            .idempotency_key(self.idempotency_key.clone()))
    }
}

/// The body of a message edit (`DataEditMessage`), shared with
/// [`EditWebhookMessage`](super::EditWebhookMessage).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct DataEditMessage {
    /// New content (at least 1 character; at most 2000 bytes with the embed descriptions).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// New embeds, replacing all of them (at most 10; an empty list removes them).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub embeds: Option<Vec<SendableEmbed>>,
}

impl DataEditMessage {
    /// Checks the limits the server enforces.
    pub fn validate(&self) -> Result<(), ValidationError> {
        if self.content.is_none() && self.embeds.is_none() {
            return Err(ValidationError::Empty(
                "an edit needs new content or new embeds",
            ));
        }
        if let Some(content) = &self.content {
            if content.is_empty() {
                return Err(ValidationError::TooShort {
                    field: "content",
                    len: 0,
                    min: 1,
                });
            }
        }
        let embeds = self.embeds.as_deref().unwrap_or_default();
        validate::count("embeds", embeds.len(), 0, MAX_EDIT_EMBEDS)?;
        validate::content_and_embeds(self.content.as_deref(), embeds)
    }
}

/// `PATCH /channels/{id}/messages/{msg}`: edits a message's content or embeds.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct EditMessage {
    /// The channel.
    pub channel: ChannelId,
    /// The message.
    pub message: MessageId,
    /// The edit.
    pub edit: DataEditMessage,
}

builders! {
impl EditMessage {
    /// Replaces the content of `message`.
    pub fn new(channel: ChannelId, message: MessageId, content: impl Into<String>) -> Self {
        Self {
            channel,
            message,
            edit: DataEditMessage {
                content: Some(content.into()),
                embeds: None,
            },
        }
    }

    /// Replaces only the embeds of `message` (an empty list removes them).
    pub fn embeds_only(channel: ChannelId, message: MessageId, embeds: Vec<SendableEmbed>) -> Self {
        Self {
            channel,
            message,
            edit: DataEditMessage {
                content: None,
                embeds: Some(embeds),
            },
        }
    }

    /// Also replaces the embeds (an empty list removes them).
    pub fn embeds(mut self, embeds: Vec<SendableEmbed>) -> Self {
        self.edit.embeds = Some(embeds);
        self
    }
}
}

impl Request for EditMessage {
    type Output = Message;
    const ROUTE: Route = Route::api(Method::PATCH, "/channels/{target}/messages/{msg}");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        self.edit.validate()?;
        Ok(Self::ROUTE
            .parts(path(&[
                "channels",
                &self.channel.to_string(),
                "messages",
                &self.message.to_string(),
            ]))
            .body(Body::json(&self.edit)?))
    }
}

request! {
    /// `DELETE /channels/{id}/messages/{msg}`: deletes a message.
    pub struct DeleteMessage {
        /// The channel.
        channel: ChannelId,
        /// The message.
        message: MessageId,
    }
    DELETE "/channels/{target}/messages/{msg}" ["channels", channel, "messages", message] => (),
        audit_log_reason;
}

request! {
    /// `GET /channels/{id}/messages/{msg}`: one message.
    pub struct FetchMessage {
        /// The channel.
        channel: ChannelId,
        /// The message.
        message: MessageId,
    }
    GET "/channels/{target}/messages/{msg}" ["channels", channel, "messages", message] => Message;
}

request! {
    /// `POST /channels/{id}/messages/{msg}/pin`: pins a message (counts in the `messaging`
    /// rate-limit bucket).
    pub struct PinMessage {
        /// The channel.
        channel: ChannelId,
        /// The message.
        message: MessageId,
    }
    POST "/channels/{target}/messages/{msg}/pin" ["channels", channel, "messages", message, "pin"] => (),
        audit_log_reason;
}

request! {
    /// `DELETE /channels/{id}/messages/{msg}/pin`: unpins a message.
    pub struct UnpinMessage {
        /// The channel.
        channel: ChannelId,
        /// The message.
        message: MessageId,
    }
    DELETE "/channels/{target}/messages/{msg}/pin" ["channels", channel, "messages", message, "pin"] => (),
        audit_log_reason;
}

/// `DELETE /channels/{id}/messages/bulk`: deletes 1 to 100 messages younger than a week.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct BulkDeleteMessages {
    /// The channel.
    #[serde(skip)]
    pub channel: ChannelId,
    /// The messages (1–100).
    pub ids: Vec<MessageId>,
    /// `X-Audit-Log-Reason`.
    #[serde(skip)]
    pub reason: Option<String>,
}

builders! {
impl BulkDeleteMessages {
    /// Deletes `ids` from `channel`.
    pub fn new(channel: ChannelId, ids: Vec<MessageId>) -> Self {
        Self {
            channel,
            ids,
            reason: None,
        }
    }

    /// Records a reason in the server's audit log.
    pub fn reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }
}
}

impl Request for BulkDeleteMessages {
    type Output = ();
    const ROUTE: Route = Route::api(Method::DELETE, "/channels/{target}/messages/bulk");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        validate::count("ids", self.ids.len(), 1, validate::MAX_BULK_DELETE)?;
        validate::audit_log_reason(self.reason.as_deref())?;
        Ok(Self::ROUTE
            .parts(path(&[
                "channels",
                &self.channel.to_string(),
                "messages",
                "bulk",
            ]))
            .body(Body::json(self)?)
            .audit_log_reason(self.reason.clone()))
    }
}

/// Message ordering for [`FetchMessages`] and [`SearchMessages`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub enum MessageSort {
    /// Newest first (the default of a fetch).
    Latest,
    /// Oldest first.
    Oldest,
    /// By relevance (search only; the default of a search).
    Relevance,
}

impl MessageSort {
    fn as_str(self) -> &'static str {
        match self {
            Self::Latest => "Latest",
            Self::Oldest => "Oldest",
            Self::Relevance => "Relevance",
        }
    }
}

fn check_limit(limit: Option<u8>) -> Result<(), ValidationError> {
    if let Some(limit) = limit {
        validate::range("limit", limit, 1, validate::MAX_MESSAGE_PAGE)?;
    }
    Ok(())
}

/// `GET /channels/{id}/messages`: a page of messages.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct FetchMessages {
    /// The channel.
    pub channel: ChannelId,
    /// 1–100 messages (the server's default is 50).
    pub limit: Option<u8>,
    /// Older than this message.
    pub before: Option<MessageId>,
    /// Newer than this message.
    pub after: Option<MessageId>,
    /// Ordering ([`MessageSort::Relevance`] is for searches only).
    pub sort: Option<MessageSort>,
    /// Messages around this one (`before`, `after` and `sort` are then ignored).
    pub nearby: Option<MessageId>,
    /// Also return the authors (and members).
    pub include_users: bool,
}

builders! {
impl FetchMessages {
    /// The latest messages of `channel`.
    pub fn new(channel: ChannelId) -> Self {
        Self {
            channel,
            limit: None,
            before: None,
            after: None,
            sort: None,
            nearby: None,
            include_users: false,
        }
    }

    /// At most `limit` messages (1–100).
    pub fn limit(mut self, limit: u8) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Only messages before `message`.
    pub fn before(mut self, message: MessageId) -> Self {
        self.before = Some(message);
        self
    }

    /// Only messages after `message`.
    pub fn after(mut self, message: MessageId) -> Self {
        self.after = Some(message);
        self
    }

    /// Sets the ordering.
    pub fn sort(mut self, sort: MessageSort) -> Self {
        self.sort = Some(sort);
        self
    }

    /// Messages around `message`.
    pub fn nearby(mut self, message: MessageId) -> Self {
        self.nearby = Some(message);
        self
    }

    /// Also returns authors and members.
    pub fn include_users(mut self, include: bool) -> Self {
        self.include_users = include;
        self
    }
}
}

impl Request for FetchMessages {
    type Output = BulkMessageResponse;
    const ROUTE: Route = Route::api(Method::GET, "/channels/{target}/messages");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        check_limit(self.limit)?;
        if self.sort == Some(MessageSort::Relevance) {
            return Err(ValidationError::Invalid {
                field: "sort",
                reason: "Relevance only applies to searches".into(),
            });
        }
        let mut query = Vec::new();
        if let Some(limit) = self.limit {
            query.push(("limit", limit.to_string()));
        }
        if let Some(id) = self.before {
            query.push(("before", id.to_string()));
        }
        if let Some(id) = self.after {
            query.push(("after", id.to_string()));
        }
        if let Some(sort) = self.sort {
            query.push(("sort", sort.as_str().to_owned()));
        }
        if let Some(id) = self.nearby {
            query.push(("nearby", id.to_string()));
        }
        if self.include_users {
            query.push(("include_users", "true".to_owned()));
        }
        Ok(Self::ROUTE
            .parts(path(&["channels", &self.channel.to_string(), "messages"]))
            .query(query))
    }
}

/// `POST /channels/{id}/search`: searches a channel's messages by text, or lists its
/// pinned messages (user accounts only).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SearchMessages {
    /// The channel.
    #[serde(skip)]
    pub channel: ChannelId,
    /// Full-text query (1–64 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// Only pinned messages (instead of a query).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pinned: Option<bool>,
    /// 1–100 messages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u8>,
    /// Older than this message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<MessageId>,
    /// Newer than this message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<MessageId>,
    /// Ordering (the server's default is [`MessageSort::Relevance`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sort: Option<MessageSort>,
    /// Also return the authors (and members).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub include_users: Option<bool>,
}

builders! {
impl SearchMessages {
    /// Messages of `channel` matching `query`.
    pub fn new(channel: ChannelId, query: impl Into<String>) -> Self {
        Self {
            channel,
            query: Some(query.into()),
            pinned: None,
            limit: None,
            before: None,
            after: None,
            sort: None,
            include_users: None,
        }
    }

    /// The pinned messages of `channel`.
    pub fn pinned(channel: ChannelId) -> Self {
        Self {
            query: None,
            pinned: Some(true),
            ..Self::new(channel, "")
        }
    }

    /// At most `limit` messages (1–100).
    pub fn limit(mut self, limit: u8) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Only messages before `message`.
    pub fn before(mut self, message: MessageId) -> Self {
        self.before = Some(message);
        self
    }

    /// Only messages after `message`.
    pub fn after(mut self, message: MessageId) -> Self {
        self.after = Some(message);
        self
    }

    /// Sets the ordering.
    pub fn sort(mut self, sort: MessageSort) -> Self {
        self.sort = Some(sort);
        self
    }

    /// Also returns authors and members.
    pub fn include_users(mut self, include: bool) -> Self {
        self.include_users = Some(include);
        self
    }
}
}

impl Request for SearchMessages {
    type Output = BulkMessageResponse;
    const ROUTE: Route = Route::api(Method::POST, "/channels/{target}/search");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        if let Some(query) = &self.query {
            validate::chars("query", query, 1, 64)?;
            if self.pinned.is_some() {
                return Err(ValidationError::Invalid {
                    field: "pinned",
                    reason: "a search has either a query or `pinned`, not both".into(),
                });
            }
        }
        check_limit(self.limit)?;
        Ok(Self::ROUTE
            .parts(path(&["channels", &self.channel.to_string(), "search"]))
            .body(Body::json(self)?))
    }
}
