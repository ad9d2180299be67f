//! Wire objects, exact to the server's JSON (and msgpack) shapes.
//!
//! Conventions (reference §0): most objects carry their id under `_id`; partial objects
//! (`Partial*`, the `data` of update events) use plain field names and every field is
//! optional; unknown fields are ignored and unknown enum values are kept as `Unknown`.

#[macro_use]
mod string_enum;
mod channel;
mod file;
mod instance;
mod member;
mod message;
mod server;
mod timestamp;
mod user;

pub use channel::{Channel, FieldsChannel, OverrideField, PartialChannel, VoiceInformation};
pub use file::{File, FileMetadata};
pub use instance::{AutumnFeature, InstanceFeatures, InstanceInfo};
pub use member::{FieldsMember, Member, MemberId, PartialMember};
pub use message::{
    FieldsMessage, Masquerade, Message, MessageWebhook, PartialMessage, Reply, SystemMessage,
};
pub use server::{FieldsServer, PartialServer, Server};
pub use timestamp::Timestamp;
pub use user::{
    BotInformation, FieldsUser, PartialUser, Presence, RelationshipStatus, User, UserStatus,
};
