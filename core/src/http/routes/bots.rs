//! `/bots` routes: creating, editing, fetching and inviting bots.

use http::Method;
use serde::Serialize;

use super::edit::{Edit, JsonBody};
use super::validate;
use crate::http::{path, Body, Request, RequestParts, Route, ValidationError};
use crate::id::{BotId, ChannelId, ServerId};
use crate::model::{
    BotWithUserResponse, FetchBotResponse, FieldsBot, InviteBotDestination, OwnedBotsResponse,
    Permissions, PublicBot,
};

/// `POST /bots/create`: creates a bot (user accounts only).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CreateBot {
    /// The bot's username (2–32 characters, the username rules).
    pub name: String,
}

impl CreateBot {
    /// Creates a bot called `name`.
    pub fn new(name: impl Into<String>) -> Self {
        Self { name: name.into() }
    }
}

impl Request for CreateBot {
    type Output = BotWithUserResponse;
    const ROUTE: Route = Route::api(Method::POST, "/bots/create");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        validate::username("name", &self.name)?;
        Ok(Self::ROUTE
            .parts("/bots/create".into())
            .body(Body::json(self)?))
    }
}

request! {
    /// `DELETE /bots/{id}`: deletes a bot you own.
    pub struct DeleteBot {
        /// The bot.
        bot: BotId,
    }
    DELETE "/bots/{bot_id}" ["bots", bot] => ();
}

request! {
    /// `GET /bots/{id}`: a bot you own, with its user.
    pub struct FetchBot {
        /// The bot.
        bot: BotId,
    }
    GET "/bots/{bot_id}" ["bots", bot] => FetchBotResponse;
}

request! {
    /// `GET /bots/@me`: the bots you own.
    pub struct FetchOwnedBots;
    GET "/bots/@me" => OwnedBotsResponse;
}

request! {
    /// `GET /bots/{id}/invite`: a public bot's profile, before inviting it.
    pub struct FetchPublicBot {
        /// The bot.
        bot: BotId,
    }
    GET "/bots/{target}/invite" ["bots", bot, "invite"] => PublicBot;
}

/// `POST /bots/{id}/invite`: adds a bot to a server or group you manage.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct InviteBot {
    /// The bot.
    pub bot: BotId,
    /// Where to add it.
    pub destination: InviteBotDestination,
}

impl InviteBot {
    /// Adds `bot` to `server`.
    pub fn to_server(bot: BotId, server: ServerId) -> Self {
        Self {
            bot,
            destination: InviteBotDestination::Server { server },
        }
    }

    /// Adds `bot` to the group `group`.
    pub fn to_group(bot: BotId, group: ChannelId) -> Self {
        Self {
            bot,
            destination: InviteBotDestination::Group { group },
        }
    }
}

impl Request for InviteBot {
    type Output = ();
    const ROUTE: Route = Route::api(Method::POST, "/bots/{target}/invite");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        Ok(Self::ROUTE
            .parts(path(&["bots", &self.bot.to_string(), "invite"]))
            .body(Body::json(&self.destination)?))
    }
}

/// `PATCH /bots/{id}`: edits a bot you own.
///
/// ```
/// use stoat_core::http::routes::EditBot;
/// use stoat_core::http::Request;
/// let bot = "01M7YSZ8V6D4QNP163AMRA3ARS".parse().unwrap();
/// // A new token: the old one stops working and the bot's sessions are logged out.
/// let parts = EditBot::new(bot).reset_token().to_parts().unwrap();
/// # let stoat_core::http::Body::Json(bytes) = parts.body else { panic!() };
/// assert_eq!(&bytes[..], br#"{"remove":["Token"]}"#);
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct EditBot {
    /// The bot.
    pub bot: BotId,
    /// New username (the username rules).
    pub name: Option<String>,
    /// Whether anyone may invite it.
    pub public: Option<bool>,
    /// Whether analytics are enabled.
    pub analytics: Option<bool>,
    /// Interactions endpoint URL (at most 2048 characters).
    pub interactions_url: Edit<String>,
    /// Generate a new token (sent as `remove: ["Token"]`).
    pub reset_token: bool,
    /// Permissions asked for when invited (revolt-models 0.16.2 servers).
    pub default_permissions: Option<Permissions>,
}

builders! {
impl EditBot {
    /// An edit of `bot` that changes nothing yet.
    pub fn new(bot: BotId) -> Self {
        Self {
            bot,
            name: None,
            public: None,
            analytics: None,
            interactions_url: Edit::Unchanged,
            reset_token: false,
            default_permissions: None,
        }
    }

    /// Renames the bot.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Makes the bot public (anyone may invite it) or private.
    pub fn public(mut self, public: bool) -> Self {
        self.public = Some(public);
        self
    }

    /// Turns analytics on or off.
    pub fn analytics(mut self, analytics: bool) -> Self {
        self.analytics = Some(analytics);
        self
    }

    /// Sets the interactions URL.
    pub fn interactions_url(mut self, url: impl Into<String>) -> Self {
        self.interactions_url = Edit::Set(url.into());
        self
    }

    /// Removes the interactions URL.
    pub fn clear_interactions_url(mut self) -> Self {
        self.interactions_url = Edit::Clear;
        self
    }

    /// Generates a new token; the bot's connections are logged out.
    pub fn reset_token(mut self) -> Self {
        self.reset_token = true;
        self
    }

    /// Sets the permissions asked for when the bot is invited.
    pub fn default_permissions(mut self, permissions: Permissions) -> Self {
        self.default_permissions = Some(permissions);
        self
    }
}
}

/// The server's limit on a bot's `interactions_url` (`DataEditBot`), in characters.
const MAX_INTERACTIONS_URL: usize = 2048;

impl Request for EditBot {
    type Output = BotWithUserResponse;
    const ROUTE: Route = Route::api(Method::PATCH, "/bots/{bot_id}");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        if let Some(name) = &self.name {
            validate::username("name", name)?;
        }
        if let Edit::Set(url) = &self.interactions_url {
            validate::chars("interactions_url", url, 0, MAX_INTERACTIONS_URL)?;
        }
        let mut body = JsonBody::<FieldsBot>::new();
        body.opt("name", &self.name)?
            .opt("public", &self.public)?
            .opt("analytics", &self.analytics)?
            .edit(
                "interactions_url",
                &self.interactions_url,
                FieldsBot::InteractionsUrl,
            )?
            .opt("default_permissions", &self.default_permissions)?
            .clear_if(self.reset_token, FieldsBot::Token);
        Ok(Self::ROUTE
            .parts(path(&["bots", &self.bot.to_string()]))
            .body(body.finish()?))
    }
}
