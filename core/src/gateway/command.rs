//! Client-to-server gateway messages.

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use super::event::PingData;
use crate::auth::Token;
use crate::id::{ChannelId, ServerId};

/// What a user of the library may ask the gateway to do at any time.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Command {
    /// Show "typing..." in a channel.
    BeginTyping {
        /// The channel.
        channel: ChannelId,
    },
    /// Stop showing "typing...".
    EndTyping {
        /// The channel.
        channel: ChannelId,
    },
    /// Ask for member presence updates of a server (users only; at most 5 servers are
    /// kept, each for 15 minutes).
    Subscribe {
        /// The server.
        server_id: ServerId,
    },
}

/// A frame the client sends, as it goes on the wire.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ClientMessage {
    /// Authenticate with a token.
    Authenticate {
        /// The token (redacted in `Debug`).
        token: Token,
    },
    /// A user command.
    Command(Command),
    /// Heartbeat.
    Ping {
        /// Echoed back in the `Pong`.
        data: PingData,
    },
}

impl Serialize for ClientMessage {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("ClientMessage", 2)?;
        match self {
            Self::Authenticate { token } => {
                s.serialize_field("type", "Authenticate")?;
                s.serialize_field("token", token.secret())?;
            }
            Self::Command(Command::BeginTyping { channel }) => {
                s.serialize_field("type", "BeginTyping")?;
                s.serialize_field("channel", channel)?;
            }
            Self::Command(Command::EndTyping { channel }) => {
                s.serialize_field("type", "EndTyping")?;
                s.serialize_field("channel", channel)?;
            }
            Self::Command(Command::Subscribe { server_id }) => {
                s.serialize_field("type", "Subscribe")?;
                s.serialize_field("server_id", server_id)?;
            }
            Self::Ping { data } => {
                s.serialize_field("type", "Ping")?;
                s.serialize_field("data", data)?;
            }
        }
        s.end()
    }
}
