//! Bots.

use serde::{Deserialize, Serialize};

use super::{BotFlags, Permissions, User};
use crate::auth::Secret;
use crate::id::{BotId, ChannelId, FileId, ServerId, UserId};

fn is_false(value: &bool) -> bool {
    !*value
}

/// A bot, as its owner sees it. The `token` is redacted in `Debug`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Bot {
    /// Bot id (the same as its user's id).
    #[serde(rename = "_id")]
    pub id: BotId,
    /// Owner.
    pub owner: UserId,
    /// Token.
    #[serde(with = "super::secret")]
    pub token: Secret,
    /// Whether anyone may invite it.
    #[serde(default)]
    pub public: bool,
    /// Whether analytics are enabled.
    #[serde(default, skip_serializing_if = "is_false")]
    pub analytics: bool,
    /// Whether it is listed in discovery.
    #[serde(default, skip_serializing_if = "is_false")]
    pub discoverable: bool,
    /// Interactions endpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interactions_url: Option<String>,
    /// Terms of service URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terms_of_service_url: Option<String>,
    /// Privacy policy URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privacy_policy_url: Option<String>,
    /// Flags.
    #[serde(default, skip_serializing_if = "BotFlags::is_empty")]
    pub flags: BotFlags,
    /// Permissions requested when invited (revolt-models 0.16.2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_permissions: Option<Permissions>,
}

/// A public bot, as anyone may see it before inviting it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PublicBot {
    /// Bot id.
    #[serde(rename = "_id")]
    pub id: BotId,
    /// Username.
    pub username: String,
    /// Avatar file id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar: Option<FileId>,
    /// Profile description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Privacy policy URL (revolt-models 0.16.2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privacy_policy_url: Option<String>,
    /// Terms of service URL (revolt-models 0.16.2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terms_of_service_url: Option<String>,
    /// Permissions requested when invited (revolt-models 0.16.2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_permissions: Option<Permissions>,
}

/// `GET /bots/{id}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FetchBotResponse {
    /// The bot.
    pub bot: Bot,
    /// Its user.
    pub user: User,
}

/// `GET /bots/@me`: your bots and their users.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OwnedBotsResponse {
    /// The bots.
    pub bots: Vec<Bot>,
    /// Their users.
    pub users: Vec<User>,
}

/// `POST /bots/create` and `PATCH /bots/{id}`: the bot's fields with its user.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BotWithUserResponse {
    /// The bot.
    #[serde(flatten)]
    pub bot: Bot,
    /// Its user.
    pub user: User,
}

string_enum! {
    /// Bot fields that an edit can remove.
    pub enum FieldsBot {
        /// The token (removing it generates a new one and logs the bot out).
        Token = "Token",
        /// The interactions URL.
        InteractionsUrl = "InteractionsURL",
    }
}

/// Where to invite a bot (`POST /bots/{id}/invite`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum InviteBotDestination {
    /// Into a server.
    Server {
        /// The server.
        server: ServerId,
    },
    /// Into a group.
    Group {
        /// The group.
        group: ChannelId,
    },
}
