//! The test kit: typed views of the fake server and users to act as, for testing a bot.
//!
//! Everything here speaks `stoat_core` types (ids, [`Message`]) instead of JSON. Users act
//! through the server's real routes (permission checks, stored state and gateway events
//! included), without HTTP: their requests are not rate limited, not recorded in
//! [`FakeServer::requests`] and not subject to scripted failures, which are all for the
//! client under test.

use std::fmt;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method};
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use serde_json::{json, Value};
use stoat_core::id::{ChannelId, MessageId, ServerId, UserId};
use stoat_core::model::Message;

use super::http::IncomingRequest;
use super::{fixture, rest, FakeServer};

/// The fixture's ids, typed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct FixtureIds {
    /// The bot `capbot` (log in with [`FakeServer::bot_token`]).
    pub bot: UserId,
    /// The user `capowner`, who owns the server and the bot.
    pub owner: UserId,
    /// The server `Capture Server`.
    pub server: ServerId,
    /// Its text channel `General`.
    pub channel: ChannelId,
}

/// The server refused something a user tried.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("the server answered {status}: {body}")]
#[non_exhaustive]
pub struct Refused {
    /// The HTTP status.
    pub status: u16,
    /// The error body (`{"type": "MissingPermission", ...}`, say).
    pub body: Value,
}

impl Refused {
    /// The error body's `type`, e.g. `MissingPermission`.
    pub fn kind(&self) -> Option<&str> {
        self.body.get("type").and_then(Value::as_str)
    }
}

/// Nothing matching arrived in time; says what did.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub struct NotSent {
    /// How long was waited.
    pub waited: Duration,
    /// What the bot did send in the channel meanwhile (and before), oldest first.
    pub sent: Vec<Message>,
}

impl fmt::Display for NotSent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the bot sent no matching message within {:?}; it sent {} message(s)",
            self.waited,
            self.sent.len()
        )?;
        for message in &self.sent {
            write!(
                f,
                "\n  {:?}",
                message.content.as_deref().unwrap_or("<no content>")
            )?;
        }
        Ok(())
    }
}

/// A user of the fake server to act as: sends, reacts, edits, joins and leaves through the
/// server's real routes. From [`FakeServer::owner`] or [`FakeServer::new_member`].
pub struct Actor<'s> {
    server: &'s FakeServer,
    id: UserId,
    token: String,
}

impl fmt::Debug for Actor<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Actor")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl Actor<'_> {
    /// The user's id.
    pub fn id(&self) -> UserId {
        self.id
    }

    /// The user's session token (to connect a client as this user).
    pub fn token(&self) -> &str {
        &self.token
    }

    /// Sends a message (`POST /channels/{id}/messages`).
    pub fn send(&self, channel: ChannelId, content: &str) -> Result<Message, Refused> {
        let path = format!("/channels/{channel}/messages");
        typed(self.call(Method::POST, &path, Some(json!({ "content": content })))?)
    }

    /// Edits one of the user's messages.
    pub fn edit(
        &self,
        channel: ChannelId,
        message: MessageId,
        content: &str,
    ) -> Result<Message, Refused> {
        let path = format!("/channels/{channel}/messages/{message}");
        typed(self.call(Method::PATCH, &path, Some(json!({ "content": content })))?)
    }

    /// Deletes a message.
    pub fn delete(&self, channel: ChannelId, message: MessageId) -> Result<(), Refused> {
        let path = format!("/channels/{channel}/messages/{message}");
        self.call(Method::DELETE, &path, None).map(drop)
    }

    /// Reacts to a message with `emoji` (a Unicode emoji or a custom emoji's id).
    pub fn react(
        &self,
        channel: ChannelId,
        message: MessageId,
        emoji: &str,
    ) -> Result<(), Refused> {
        self.call(Method::PUT, &reaction_path(channel, message, emoji), None)
            .map(drop)
    }

    /// Removes the user's reaction.
    pub fn unreact(
        &self,
        channel: ChannelId,
        message: MessageId,
        emoji: &str,
    ) -> Result<(), Refused> {
        self.call(
            Method::DELETE,
            &reaction_path(channel, message, emoji),
            None,
        )
        .map(drop)
    }

    /// Joins `server` the way accepting an invite does (`ServerMemberJoin` to the server,
    /// `ServerCreate` to the user).
    pub fn join(&self, server: ServerId) -> Result<(), Refused> {
        let mut state = self.server.shared.lock();
        rest::create_member(&mut state, &server.to_string(), &self.id.to_string())
            .map(drop)
            .map_err(|error| Refused {
                status: error.status,
                body: error.body,
            })
    }

    /// Leaves `server` (`ServerMemberLeave`, as `DELETE /servers/{id}` by a member does).
    pub fn leave(&self, server: ServerId) {
        let mut state = self.server.shared.lock();
        rest::remove_member(
            &mut state,
            &server.to_string(),
            &self.id.to_string(),
            "Leave",
        );
    }

    fn call(&self, method: Method, path: &str, body: Option<Value>) -> Result<Value, Refused> {
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-session-token",
            HeaderValue::from_str(&self.token).expect("a token is a valid header"),
        );
        let body = match body {
            Some(body) => {
                headers.insert("content-type", HeaderValue::from_static("application/json"));
                Bytes::from(body.to_string())
            }
            None => Bytes::new(),
        };
        let request = IncomingRequest {
            method,
            path: path.to_owned(),
            query: None,
            headers,
            body,
            too_large: false,
            peer_ip: "127.0.0.2".to_owned(),
        };
        let response = rest::handle_for_kit(&self.server.shared, &request);
        let body = if response.body.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&response.body).unwrap_or(Value::Null)
        };
        if (200..300).contains(&response.status) {
            Ok(body)
        } else {
            Err(Refused {
                status: response.status,
                body,
            })
        }
    }
}

fn reaction_path(channel: ChannelId, message: MessageId, emoji: &str) -> String {
    let emoji = utf8_percent_encode(emoji, NON_ALPHANUMERIC);
    format!("/channels/{channel}/messages/{message}/reactions/{emoji}")
}

fn typed(value: Value) -> Result<Message, Refused> {
    serde_json::from_value(value.clone()).map_err(|error| Refused {
        status: 200,
        body: json!({ "type": "UndecodableResponse", "error": error.to_string(), "body": value }),
    })
}

impl FakeServer {
    /// The fixture's ids, typed.
    pub fn ids(&self) -> FixtureIds {
        FixtureIds {
            bot: parse(fixture::BOT_ID),
            owner: parse(fixture::OWNER_ID),
            server: parse(fixture::SERVER_ID),
            channel: parse(fixture::CHANNEL_ID),
        }
    }

    /// The fixture's owner (`capowner`, who may do everything in the server), to act as.
    pub fn owner(&self) -> Actor<'_> {
        Actor {
            server: self,
            id: parse(fixture::OWNER_ID),
            token: self.user_token.clone(),
        }
    }

    /// A new user who has joined the fixture's server (with its default permissions), to act
    /// as.
    pub fn new_member(&self, username: &str) -> Actor<'_> {
        let (id, token) = self.add_user(username);
        self.add_member(fixture::SERVER_ID, &id);
        Actor {
            server: self,
            id: parse(&id),
            token,
        }
    }

    /// A new user who is in no server yet, to act as: [`Actor::join`] makes them a member
    /// (with the `ServerMemberJoin` a bot sees).
    pub fn new_user(&self, username: &str) -> Actor<'_> {
        let (id, token) = self.add_user(username);
        Actor {
            server: self,
            id: parse(&id),
            token,
        }
    }

    /// The user `user` (one from [`new_user`](Self::new_user), [`new_member`](Self::new_member)
    /// or [`add_user`](Self::add_user), or the owner) to act as again, e.g. on another thread
    /// than the one that created them. `None` for a user without a session (the bot).
    pub fn actor(&self, user: UserId) -> Option<Actor<'_>> {
        let id = user.to_string();
        let token = self
            .shared
            .lock()
            .sessions
            .iter()
            .find(|(_, (_, owner))| *owner == id)
            .map(|(token, _)| token.clone())?;
        Some(Actor {
            server: self,
            id: user,
            token,
        })
    }

    /// A channel's stored messages, typed, oldest first.
    pub fn messages(&self, channel: ChannelId) -> Vec<Message> {
        self.channel_messages(&channel.to_string())
            .into_iter()
            .filter_map(|message| serde_json::from_value(message).ok())
            .collect()
    }

    /// The messages the bot has sent in `channel`, oldest first.
    pub fn bot_messages(&self, channel: ChannelId) -> Vec<Message> {
        let bot = self.ids().bot;
        self.messages(channel)
            .into_iter()
            .filter(|message| message.author == bot)
            .collect()
    }

    /// Waits up to `timeout` until the bot has sent a message in `channel` that `want`
    /// accepts (one sent before the call counts too), and returns it.
    pub fn wait_for_bot_message(
        &self,
        channel: ChannelId,
        want: impl Fn(&Message) -> bool,
        timeout: Duration,
    ) -> Result<Message, NotSent> {
        let started = Instant::now();
        loop {
            let sent = self.bot_messages(channel);
            if let Some(found) = sent.iter().find(|message| want(message)) {
                return Ok(found.clone());
            }
            if started.elapsed() >= timeout {
                return Err(NotSent {
                    waited: started.elapsed(),
                    sent,
                });
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// [`wait_for_bot_message`](Self::wait_for_bot_message) for a message with exactly
    /// `content`.
    pub fn wait_for_bot_reply(
        &self,
        channel: ChannelId,
        content: &str,
        timeout: Duration,
    ) -> Result<Message, NotSent> {
        self.wait_for_bot_message(
            channel,
            |message| message.content.as_deref() == Some(content),
            timeout,
        )
    }
}

fn parse<T: std::str::FromStr>(id: &str) -> T
where
    T::Err: fmt::Debug,
{
    id.parse().expect("the fixture's ids are valid")
}
