//! `/channels/{id}/messages` routes.

use http::Method;
use serde::{Deserialize, Serialize};

use crate::http::{path, Body, Request, RequestParts, Route, ValidationError};
use crate::id::{ChannelId, MessageId};
use crate::model::{Masquerade, Member, Message, Reply, User};

/// Message content limit, in bytes (the server counts bytes, not characters).
pub const MAX_CONTENT_BYTES: usize = 2000;
/// Replies per message.
pub const MAX_REPLIES: usize = 5;
/// Attachments per message (the server's default limit).
pub const MAX_ATTACHMENTS: usize = 5;

fn check_content(content: &str) -> Result<(), ValidationError> {
    if content.len() > MAX_CONTENT_BYTES {
        return Err(ValidationError::TooLong {
            field: "content",
            len: content.len(),
            max: MAX_CONTENT_BYTES,
        });
    }
    Ok(())
}

/// `POST /channels/{id}/messages`: sends a message.
///
/// ```
/// use stoat_core::http::{routes::SendMessage, Request};
/// let channel = "01M7YSZ8V81AWBPFRM30NYSV34".parse().unwrap();
/// assert!(SendMessage::new(channel, "x".repeat(2001)).to_parts().is_err());
/// assert!(SendMessage::new(channel, "hi").to_parts().is_ok());
/// ```
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct SendMessage {
    /// The channel.
    #[serde(skip)]
    pub channel: ChannelId,
    /// Sent as the `Idempotency-Key` header; the server stores it as the message nonce and
    /// rejects a repeat, which makes retrying the send safe.
    #[serde(skip)]
    pub idempotency_key: Option<String>,
    /// Text content.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// Autumn ids of uploaded attachments.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<String>,
    /// Messages replied to.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub replies: Vec<Reply>,
    /// Masquerade.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub masquerade: Option<Masquerade>,
    /// Flag bits (see the message flags).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flags: Option<u32>,
}

impl SendMessage {
    /// A text message.
    pub fn new(channel: ChannelId, content: impl Into<String>) -> Self {
        Self {
            channel,
            idempotency_key: None,
            content: Some(content.into()),
            attachments: Vec::new(),
            replies: Vec::new(),
            masquerade: None,
            flags: None,
        }
    }

    /// Replies to `message`, mentioning its author or not.
    pub fn reply_to(mut self, message: MessageId, mention: bool) -> Self {
        self.replies.push(Reply::new(message, mention));
        self
    }

    /// Adds an uploaded attachment by its autumn id.
    pub fn attachment(mut self, id: impl Into<String>) -> Self {
        self.attachments.push(id.into());
        self
    }

    /// Sets a masquerade.
    pub fn masquerade(mut self, masquerade: Masquerade) -> Self {
        self.masquerade = Some(masquerade);
        self
    }

    /// Sets the idempotency key (at most 64 characters).
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.idempotency_key = Some(key.into());
        self
    }
}

impl Request for SendMessage {
    type Output = Message;
    const ROUTE: Route = Route::api(Method::POST, "/channels/{target}/messages");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        let content = self.content.as_deref().unwrap_or_default();
        if content.is_empty() && self.attachments.is_empty() {
            return Err(ValidationError::Empty(
                "a message needs content or an attachment",
            ));
        }
        check_content(content)?;
        if self.replies.len() > MAX_REPLIES {
            return Err(ValidationError::TooMany {
                field: "replies",
                count: self.replies.len(),
                max: MAX_REPLIES,
            });
        }
        if self.attachments.len() > MAX_ATTACHMENTS {
            return Err(ValidationError::TooMany {
                field: "attachments",
                count: self.attachments.len(),
                max: MAX_ATTACHMENTS,
            });
        }
        if let Some(key) = &self.idempotency_key {
            if key.is_empty() || key.len() > 64 {
                return Err(ValidationError::Invalid {
                    field: "idempotency_key",
                    reason: "must be 1 to 64 characters".into(),
                });
            }
        }
        Ok(Self::ROUTE
            .parts(path(&["channels", &self.channel.to_string(), "messages"]))
            .body(Body::json(self)?)
            .idempotency_key(self.idempotency_key.clone()))
    }
}

/// `PATCH /channels/{id}/messages/{msg}`: edits a message's content.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct EditMessage {
    /// The channel.
    #[serde(skip)]
    pub channel: ChannelId,
    /// The message.
    #[serde(skip)]
    pub message: MessageId,
    /// New content.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
}

impl EditMessage {
    /// Replaces the content of `message`.
    pub fn new(channel: ChannelId, message: MessageId, content: impl Into<String>) -> Self {
        Self {
            channel,
            message,
            content: Some(content.into()),
        }
    }
}

impl Request for EditMessage {
    type Output = Message;
    const ROUTE: Route = Route::api(Method::PATCH, "/channels/{target}/messages/{msg}");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        if let Some(content) = &self.content {
            if content.is_empty() {
                return Err(ValidationError::TooShort {
                    field: "content",
                    len: 0,
                    min: 1,
                });
            }
            check_content(content)?;
        }
        Ok(Self::ROUTE
            .parts(path(&[
                "channels",
                &self.channel.to_string(),
                "messages",
                &self.message.to_string(),
            ]))
            .body(Body::json(self)?))
    }
}

/// `DELETE /channels/{id}/messages/{msg}`: deletes a message.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeleteMessage {
    /// The channel.
    pub channel: ChannelId,
    /// The message.
    pub message: MessageId,
    /// `X-Audit-Log-Reason`.
    pub reason: Option<String>,
}

impl DeleteMessage {
    /// Deletes `message`.
    pub fn new(channel: ChannelId, message: MessageId) -> Self {
        Self {
            channel,
            message,
            reason: None,
        }
    }

    /// Records a reason in the server's audit log.
    pub fn reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }
}

impl Request for DeleteMessage {
    type Output = ();
    const ROUTE: Route = Route::api(Method::DELETE, "/channels/{target}/messages/{msg}");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        if let Some(reason) = &self.reason {
            if reason.len() > 512 {
                return Err(ValidationError::TooLong {
                    field: "reason",
                    len: reason.len(),
                    max: 512,
                });
            }
        }
        Ok(Self::ROUTE
            .parts(path(&[
                "channels",
                &self.channel.to_string(),
                "messages",
                &self.message.to_string(),
            ]))
            .audit_log_reason(self.reason.clone()))
    }
}

/// Message ordering for [`FetchMessages`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum MessageSort {
    /// Newest first (the default).
    Latest,
    /// Oldest first.
    Oldest,
    /// By relevance (search only).
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

/// `GET /channels/{id}/messages`: a page of messages.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct FetchMessages {
    /// The channel.
    pub channel: ChannelId,
    /// 1–100 messages.
    pub limit: Option<u8>,
    /// Older than this message.
    pub before: Option<MessageId>,
    /// Newer than this message.
    pub after: Option<MessageId>,
    /// Ordering.
    pub sort: Option<MessageSort>,
    /// Messages around this one.
    pub nearby: Option<MessageId>,
    /// Also return the authors (and members).
    pub include_users: bool,
}

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

impl Request for FetchMessages {
    type Output = BulkMessages;
    const ROUTE: Route = Route::api(Method::GET, "/channels/{target}/messages");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        if let Some(limit) = self.limit {
            if !(1..=100).contains(&limit) {
                return Err(ValidationError::Invalid {
                    field: "limit",
                    reason: format!("{limit} is outside 1..=100"),
                });
            }
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

/// A page of messages: a bare list, or with the authors when `include_users` was set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum BulkMessages {
    /// Just the messages.
    Messages(Vec<Message>),
    /// Messages with their authors and (in servers) members.
    WithUsers {
        /// The messages.
        messages: Vec<Message>,
        /// Their authors.
        users: Vec<User>,
        /// The authors' memberships.
        #[serde(default)]
        members: Vec<Member>,
    },
}

impl BulkMessages {
    /// The messages, either way.
    pub fn messages(&self) -> &[Message] {
        match self {
            Self::Messages(messages) | Self::WithUsers { messages, .. } => messages,
        }
    }
}
