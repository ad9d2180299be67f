//! Server-to-client gateway events.

use serde::{Deserialize, Serialize};

use crate::id::{ChannelId, MessageId, ServerId, UserId};
use crate::model::{
    Channel, FieldsChannel, FieldsMember, FieldsMessage, FieldsServer, FieldsUser, Member,
    MemberId, Message, PartialChannel, PartialMember, PartialMessage, PartialServer, PartialUser,
    Server, User,
};

/// The payload of a `Ping`/`Pong`: a number or a byte array, echoed back exactly.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum PingData {
    /// A number (this library sends increasing nonces).
    Number(u64),
    /// A byte array.
    Binary(Vec<u8>),
}

/// The initial state sent after authentication.
///
/// Which fields are present depends on the `ready=` fields requested on connect.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Ready {
    /// Users you know (yourself last).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub users: Option<Vec<User>>,
    /// Servers you are in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub servers: Option<Vec<Server>>,
    /// Channels you can see.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channels: Option<Vec<Channel>>,
    /// Your own memberships.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub members: Option<Vec<Member>>,
    /// Emojis of your servers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emojis: Option<Vec<serde_json::Value>>,
    /// Active voice channels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voice_states: Option<Vec<serde_json::Value>>,
}

impl Ready {
    /// Your own user: the server puts it last in `users`.
    pub fn current_user(&self) -> Option<&User> {
        self.users.as_ref()?.last()
    }
}

/// An error the gateway reports (only during authentication in practice).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GatewayError {
    /// The error type, e.g. `InvalidSession`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Where in the server it was raised (absent on newer servers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

/// An event whose `type` this version of the library does not know, kept verbatim.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UnknownEvent {
    /// The `type` field.
    #[serde(rename = "type")]
    pub name: String,
    /// Every other field.
    #[serde(flatten)]
    pub payload: serde_json::Map<String, serde_json::Value>,
}

/// A gateway event from the server.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
#[non_exhaustive]
pub enum Event {
    /// Several events at once. [`Session`](super::Session) flattens these, in order.
    Bulk {
        /// The events, the triggering one last.
        v: Vec<Event>,
    },
    /// Authentication failed (or another gateway error).
    Error {
        /// The error.
        data: GatewayError,
    },
    /// The token was accepted.
    Authenticated,
    /// The session was logged out; the server closes the socket next.
    Logout,
    /// Initial state.
    Ready(Box<Ready>),
    /// Answer to a `Ping`.
    Pong {
        /// The echoed payload.
        data: PingData,
    },
    /// A new message.
    Message(Box<Message>),
    /// A message was edited.
    MessageUpdate {
        /// Message id.
        id: MessageId,
        /// Channel id.
        channel: ChannelId,
        /// Changed fields.
        data: PartialMessage,
        /// Cleared fields.
        #[serde(default)]
        clear: Vec<FieldsMessage>,
    },
    /// A message was deleted.
    MessageDelete {
        /// Message id.
        id: MessageId,
        /// Channel id.
        channel: ChannelId,
    },
    /// Several messages were deleted.
    BulkMessageDelete {
        /// Channel id.
        channel: ChannelId,
        /// Message ids.
        ids: Vec<MessageId>,
    },
    /// A server was updated.
    ServerUpdate {
        /// Server id.
        id: ServerId,
        /// Changed fields.
        data: PartialServer,
        /// Cleared fields.
        #[serde(default)]
        clear: Vec<FieldsServer>,
    },
    /// A server was deleted (or you left it).
    ServerDelete {
        /// Server id.
        id: ServerId,
    },
    /// A member was updated.
    ServerMemberUpdate {
        /// Server and user.
        id: MemberId,
        /// Changed fields.
        data: PartialMember,
        /// Cleared fields.
        #[serde(default)]
        clear: Vec<FieldsMember>,
    },
    /// A user was updated.
    UserUpdate {
        /// User id.
        id: UserId,
        /// Changed fields.
        data: PartialUser,
        /// Cleared fields.
        #[serde(default)]
        clear: Vec<FieldsUser>,
    },
    /// A channel was created (or became visible).
    ChannelCreate(Box<Channel>),
    /// A channel was updated.
    ChannelUpdate {
        /// Channel id.
        id: ChannelId,
        /// Changed fields.
        data: PartialChannel,
        /// Cleared fields.
        #[serde(default)]
        clear: Vec<FieldsChannel>,
    },
    /// A channel was deleted (or became invisible).
    ChannelDelete {
        /// Channel id.
        id: ChannelId,
    },
    /// Someone started typing.
    ChannelStartTyping {
        /// Channel id.
        id: ChannelId,
        /// Who.
        user: UserId,
    },
    /// Someone stopped typing.
    ChannelStopTyping {
        /// Channel id.
        id: ChannelId,
        /// Who.
        user: UserId,
    },
    /// An event this version of the library does not know.
    #[serde(untagged)]
    Unknown(UnknownEvent),
}

impl Event {
    /// The wire `type` name of this event.
    pub fn type_name(&self) -> &str {
        match self {
            Self::Bulk { .. } => "Bulk",
            Self::Error { .. } => "Error",
            Self::Authenticated => "Authenticated",
            Self::Logout => "Logout",
            Self::Ready(_) => "Ready",
            Self::Pong { .. } => "Pong",
            Self::Message(_) => "Message",
            Self::MessageUpdate { .. } => "MessageUpdate",
            Self::MessageDelete { .. } => "MessageDelete",
            Self::BulkMessageDelete { .. } => "BulkMessageDelete",
            Self::ServerUpdate { .. } => "ServerUpdate",
            Self::ServerDelete { .. } => "ServerDelete",
            Self::ServerMemberUpdate { .. } => "ServerMemberUpdate",
            Self::UserUpdate { .. } => "UserUpdate",
            Self::ChannelCreate(_) => "ChannelCreate",
            Self::ChannelUpdate { .. } => "ChannelUpdate",
            Self::ChannelDelete { .. } => "ChannelDelete",
            Self::ChannelStartTyping { .. } => "ChannelStartTyping",
            Self::ChannelStopTyping { .. } => "ChannelStopTyping",
            Self::Unknown(u) => &u.name,
        }
    }

    /// Whether `name` is a `type` this library decodes into a typed variant.
    pub(crate) fn is_known_type(name: &str) -> bool {
        KNOWN_TYPES.contains(&name)
    }
}

const KNOWN_TYPES: &[&str] = &[
    "Bulk",
    "Error",
    "Authenticated",
    "Logout",
    "Ready",
    "Pong",
    "Message",
    "MessageUpdate",
    "MessageDelete",
    "BulkMessageDelete",
    "ServerUpdate",
    "ServerDelete",
    "ServerMemberUpdate",
    "UserUpdate",
    "ChannelCreate",
    "ChannelUpdate",
    "ChannelDelete",
    "ChannelStartTyping",
    "ChannelStopTyping",
];
