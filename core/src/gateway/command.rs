//! Client-to-server gateway messages.

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use super::event::PingData;
use crate::auth::Token;
use crate::id::{ChannelId, MessageId, ServerId};

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
    /// Show that you are editing a message (older servers relay it as
    /// `MessageStartEditing`; current servers ignore it).
    BeginEditing {
        /// The channel.
        channel: ChannelId,
        /// The message.
        message: MessageId,
    },
    /// Stop showing that you are editing a message.
    StopEditing {
        /// The channel.
        channel: ChannelId,
        /// The message.
        message: MessageId,
    },
}

impl Command {
    /// The wire `type` of this command.
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::BeginTyping { .. } => "BeginTyping",
            Self::EndTyping { .. } => "EndTyping",
            Self::Subscribe { .. } => "Subscribe",
            Self::BeginEditing { .. } => "BeginEditing",
            Self::StopEditing { .. } => "StopEditing",
        }
    }
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

impl ClientMessage {
    /// The wire `type` of this message.
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::Authenticate { .. } => "Authenticate",
            Self::Command(command) => command.type_name(),
            Self::Ping { .. } => "Ping",
        }
    }
}

impl Serialize for ClientMessage {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let len = match self {
            Self::Command(Command::BeginEditing { .. } | Command::StopEditing { .. }) => 3,
            _ => 2,
        };
        let mut s = serializer.serialize_struct("ClientMessage", len)?;
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
            Self::Command(Command::BeginEditing { channel, message }) => {
                s.serialize_field("type", "BeginEditing")?;
                s.serialize_field("channel", channel)?;
                s.serialize_field("message", message)?;
            }
            Self::Command(Command::StopEditing { channel, message }) => {
                s.serialize_field("type", "StopEditing")?;
                s.serialize_field("channel", channel)?;
                s.serialize_field("message", message)?;
            }
            Self::Ping { data } => {
                s.serialize_field("type", "Ping")?;
                s.serialize_field("data", data)?;
            }
        }
        s.end()
    }
}
