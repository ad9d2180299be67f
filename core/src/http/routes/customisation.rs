//! `/custom/emoji` routes (and `GET /servers/{id}/emojis`): custom emojis.

use http::Method;
use serde::Serialize;

use super::validate;
use crate::http::{path, Body, Request, RequestParts, Route, ValidationError};
use crate::id::{EmojiId, FileId, ServerId};
use crate::model::{Emoji, EmojiParent};

/// `PUT /custom/emoji/{id}`: turns an uploaded image (tag `emojis`) into a server emoji.
/// The emoji's id is the upload's id.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct CreateEmoji {
    /// The uploaded image (tag `emojis`).
    #[serde(skip)]
    pub file: FileId,
    /// Name: `^[a-z0-9_]{1,32}$`.
    pub name: String,
    /// The server it belongs to.
    pub parent: EmojiParent,
    /// NSFW flag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nsfw: Option<bool>,
    /// `X-Audit-Log-Reason`.
    #[serde(skip)]
    pub reason: Option<String>,
}

builders! {
impl CreateEmoji {
    /// A `server` emoji called `name` from the uploaded `file`.
    pub fn new(file: FileId, server: ServerId, name: impl Into<String>) -> Self {
        Self {
            file,
            name: name.into(),
            parent: EmojiParent::Server { id: server },
            nsfw: None,
            reason: None,
        }
    }

    /// Marks the emoji NSFW or not.
    pub fn nsfw(mut self, nsfw: bool) -> Self {
        self.nsfw = Some(nsfw);
        self
    }

    /// Records a reason in the server's audit log.
    pub fn reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }
}
}

impl Request for CreateEmoji {
    type Output = Emoji;
    const ROUTE: Route = Route::api(Method::PUT, "/custom/emoji/{emoji_id}");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        validate::emoji_name(&self.name)?;
        validate::audit_log_reason(self.reason.as_deref())?;
        Ok(Self::ROUTE
            .parts(path(&["custom", "emoji", self.file.as_str()]))
            .body(Body::json(self)?)
            .audit_log_reason(self.reason.clone()))
    }
}

/// `PATCH /custom/emoji/{id}`: renames an emoji.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct EditEmoji {
    /// The emoji.
    #[serde(skip)]
    pub emoji: EmojiId,
    /// New name: `^[a-z0-9_]{1,32}$`.
    pub name: String,
    /// `X-Audit-Log-Reason`.
    #[serde(skip)]
    pub reason: Option<String>,
}

builders! {
impl EditEmoji {
    /// Renames `emoji` to `name`.
    pub fn new(emoji: EmojiId, name: impl Into<String>) -> Self {
        Self {
            emoji,
            name: name.into(),
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

impl Request for EditEmoji {
    type Output = Emoji;
    const ROUTE: Route = Route::api(Method::PATCH, "/custom/emoji/{emoji_id}");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        validate::emoji_name(&self.name)?;
        validate::audit_log_reason(self.reason.as_deref())?;
        Ok(Self::ROUTE
            .parts(path(&["custom", "emoji", &self.emoji.to_string()]))
            .body(Body::json(self)?)
            .audit_log_reason(self.reason.clone()))
    }
}

request! {
    /// `GET /custom/emoji/{id}`: an emoji. Public.
    pub struct FetchEmoji {
        /// The emoji.
        emoji: EmojiId,
    }
    GET "/custom/emoji/{emoji_id}" ["custom", "emoji", emoji] => Emoji, public;
}

request! {
    /// `DELETE /custom/emoji/{id}`: deletes an emoji.
    pub struct DeleteEmoji {
        /// The emoji.
        emoji: EmojiId,
    }
    DELETE "/custom/emoji/{emoji_id}" ["custom", "emoji", emoji] => (), audit_log_reason;
}

request! {
    /// `GET /servers/{id}/emojis`: a server's emojis.
    pub struct FetchServerEmojis {
        /// The server.
        server: ServerId,
    }
    GET "/servers/{target}/emojis" ["servers", server, "emojis"] => Vec<Emoji>;
}
