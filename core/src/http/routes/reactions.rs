//! `/channels/{id}/messages/{msg}/reactions` routes.

use http::Method;

use crate::http::{path, Request, RequestParts, Route, ValidationError};
use crate::id::{ChannelId, MessageId, UserId};

fn check_emoji(emoji: &str) -> Result<(), ValidationError> {
    if emoji.is_empty() {
        return Err(ValidationError::Empty(
            "the emoji is empty (use a Unicode emoji or a custom emoji id)",
        ));
    }
    Ok(())
}

/// `PUT /channels/{id}/messages/{msg}/reactions/{emoji}`: reacts to a message.
///
/// The emoji is a Unicode emoji (`"👍"`) or a custom emoji id; it is percent-encoded in
/// the path.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct AddReaction {
    /// The channel.
    pub channel: ChannelId,
    /// The message.
    pub message: MessageId,
    /// A Unicode emoji or a custom emoji id.
    pub emoji: String,
}

impl AddReaction {
    /// Reacts to `message` with `emoji`.
    pub fn new(channel: ChannelId, message: MessageId, emoji: impl Into<String>) -> Self {
        Self {
            channel,
            message,
            emoji: emoji.into(),
        }
    }
}

impl Request for AddReaction {
    type Output = ();
    const ROUTE: Route = Route::api(
        Method::PUT,
        "/channels/{target}/messages/{msg}/reactions/{emoji}",
    );
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        check_emoji(&self.emoji)?;
        Ok(Self::ROUTE.parts(path(&[
            "channels",
            &self.channel.to_string(),
            "messages",
            &self.message.to_string(),
            "reactions",
            &self.emoji,
        ])))
    }
}

/// `DELETE /channels/{id}/messages/{msg}/reactions/{emoji}`: removes your reaction, or
/// another user's, or everyone's (those two need `ManageMessages`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct RemoveReaction {
    /// The channel.
    pub channel: ChannelId,
    /// The message.
    pub message: MessageId,
    /// A Unicode emoji or a custom emoji id.
    pub emoji: String,
    /// Remove this user's reaction instead of yours (`?user_id=`).
    pub user: Option<UserId>,
    /// Remove the emoji for everyone (`?remove_all=true`).
    pub remove_all: bool,
}

builders! {
impl RemoveReaction {
    /// Removes your `emoji` reaction from `message`.
    pub fn new(channel: ChannelId, message: MessageId, emoji: impl Into<String>) -> Self {
        Self {
            channel,
            message,
            emoji: emoji.into(),
            user: None,
            remove_all: false,
        }
    }

    /// Removes `user`'s reaction instead of yours.
    pub fn user(mut self, user: UserId) -> Self {
        self.user = Some(user);
        self
    }

    /// Removes the emoji for everyone.
    pub fn remove_all(mut self, all: bool) -> Self {
        self.remove_all = all;
        self
    }
}
}

impl Request for RemoveReaction {
    type Output = ();
    const ROUTE: Route = Route::api(
        Method::DELETE,
        "/channels/{target}/messages/{msg}/reactions/{emoji}",
    );
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        check_emoji(&self.emoji)?;
        let mut query = Vec::new();
        if let Some(user) = self.user {
            query.push(("user_id", user.to_string()));
        }
        if self.remove_all {
            query.push(("remove_all", "true".to_owned()));
        }
        Ok(Self::ROUTE
            .parts(path(&[
                "channels",
                &self.channel.to_string(),
                "messages",
                &self.message.to_string(),
                "reactions",
                &self.emoji,
            ]))
            .query(query))
    }
}

request! {
    /// `DELETE /channels/{id}/messages/{msg}/reactions`: removes every reaction from a
    /// message (needs `ManageMessages`).
    pub struct ClearReactions {
        /// The channel.
        channel: ChannelId,
        /// The message.
        message: MessageId,
    }
    DELETE "/channels/{target}/messages/{msg}/reactions"
        ["channels", channel, "messages", message, "reactions"] => ();
}
