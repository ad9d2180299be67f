//! Asset URLs of model values (`user.avatar_url(&endpoints)`, `server.icon_url(..)`, ...),
//! built with the functions of [`urls`](super::urls).
//!
//! Every method takes the instance's [`Endpoints`] (files live on its file server, default
//! avatars on its API), so the same value gives the right URL on any instance.

use super::urls::{asset_url, default_avatar_url, emoji_url, original_url};
use crate::endpoints::Endpoints;
use crate::model::{Channel, Emoji, File, Member, Role, Server, User, Webhook};

impl File {
    /// The file's URL on the file server (`{autumn}/{tag}/{id}`; a preview for images).
    pub fn url(&self, endpoints: &Endpoints) -> String {
        asset_url(&endpoints.autumn, self)
    }

    /// The original bytes, with the file name (`{autumn}/{tag}/{id}/{filename}`).
    pub fn original_url(&self, endpoints: &Endpoints) -> String {
        original_url(&endpoints.autumn, self)
    }
}

impl User {
    /// The user's avatar, or the generated default avatar when they have none
    /// (`{api}/users/{id}/default_avatar`).
    ///
    /// ```
    /// use stoat_core::model::User;
    /// use stoat_core::Endpoints;
    /// # let user: User = serde_json::from_value(serde_json::json!({
    /// #     "_id": "01M7YSZ8H1XVFKYWFT7NKJHCGM", "username": "capowner", "discriminator": "0001"})).unwrap();
    /// assert_eq!(
    ///     user.avatar_url(&Endpoints::stoat_chat()),
    ///     "https://api.stoat.chat/users/01M7YSZ8H1XVFKYWFT7NKJHCGM/default_avatar"
    /// );
    /// ```
    pub fn avatar_url(&self, endpoints: &Endpoints) -> String {
        match &self.avatar {
            Some(file) => file.url(endpoints),
            None => default_avatar_url(&endpoints.api, self.id),
        }
    }
}

impl Member {
    /// The member's server avatar, if it has one (otherwise the user's avatar applies:
    /// [`User::avatar_url`]).
    pub fn avatar_url(&self, endpoints: &Endpoints) -> Option<String> {
        self.avatar.as_ref().map(|file| file.url(endpoints))
    }
}

impl Server {
    /// The server's icon, if it has one.
    pub fn icon_url(&self, endpoints: &Endpoints) -> Option<String> {
        self.icon.as_ref().map(|file| file.url(endpoints))
    }

    /// The server's banner, if it has one.
    pub fn banner_url(&self, endpoints: &Endpoints) -> Option<String> {
        self.banner.as_ref().map(|file| file.url(endpoints))
    }
}

impl Channel {
    /// The channel's icon, for groups and server channels that have one.
    pub fn icon_url(&self, endpoints: &Endpoints) -> Option<String> {
        match self {
            Self::Group { icon, .. }
            | Self::TextChannel { icon, .. }
            | Self::VoiceChannel { icon, .. } => icon.as_ref().map(|file| file.url(endpoints)),
            _ => None,
        }
    }
}

impl Role {
    /// The role's icon, if it has one.
    pub fn icon_url(&self, endpoints: &Endpoints) -> Option<String> {
        self.icon.as_ref().map(|file| file.url(endpoints))
    }
}

impl Webhook {
    /// The webhook's avatar, if it has one.
    pub fn avatar_url(&self, endpoints: &Endpoints) -> Option<String> {
        self.avatar.as_ref().map(|file| file.url(endpoints))
    }
}

impl Emoji {
    /// The emoji's image (`{autumn}/emojis/{id}`).
    pub fn url(&self, endpoints: &Endpoints) -> String {
        emoji_url(&endpoints.autumn, self.id)
    }
}
