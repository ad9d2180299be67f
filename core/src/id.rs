//! Typed identifiers.
//!
//! Every entity kind has its own id type, so a [`ChannelId`] can never be passed where a
//! [`UserId`] is expected. ULID-based ids are 16 bytes, `Copy`, and know when they were made.
//!
//! ```
//! use stoat_core::id::UserId;
//! let id: UserId = "01M7YSZ8V6D4QNP163AMRA3ARS".parse().unwrap();
//! assert_eq!(id.to_string(), "01M7YSZ8V6D4QNP163AMRA3ARS");
//! assert!(id.created_at().as_millis() > 0);
//! assert!("not-a-ulid".parse::<UserId>().is_err());
//! ```

use std::fmt;
use std::str::FromStr;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use ulid::Ulid;

use crate::model::Timestamp;

/// An id string that is not a valid ULID.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {kind} id {value:?}: expected a 26-character ULID")]
pub struct IdParseError {
    /// Which id type was being parsed.
    pub kind: &'static str,
    /// The rejected input (truncated to 64 characters).
    pub value: String,
}

macro_rules! ulid_id {
    ($(#[$meta:meta])* $name:ident, $kind:literal) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(Ulid);

        impl $name {
            /// Wraps a raw ULID.
            pub const fn from_ulid(ulid: Ulid) -> Self {
                Self(ulid)
            }

            /// The raw ULID.
            pub const fn ulid(self) -> Ulid {
                self.0
            }

            /// When this id was generated (the ULID's millisecond timestamp).
            pub fn created_at(self) -> Timestamp {
                Timestamp::from_millis(self.0.timestamp_ms() as i64)
            }
        }

        impl FromStr for $name {
            type Err = IdParseError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ulid::from_string(s).map(Self).map_err(|_| IdParseError {
                    kind: $kind,
                    value: s.chars().take(64).collect(),
                })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let mut buf = [0u8; ulid::ULID_LEN];
                f.write_str(self.0.array_to_str(&mut buf))
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "({})"), self)
            }
        }

        impl From<Ulid> for $name {
            fn from(ulid: Ulid) -> Self {
                Self(ulid)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut buf = [0u8; ulid::ULID_LEN];
                serializer.serialize_str(self.0.array_to_str(&mut buf))
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct IdVisitor;
                impl<'de> Visitor<'de> for IdVisitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str(concat!("a ULID string (", $kind, " id)"))
                    }
                    fn visit_str<E: de::Error>(self, v: &str) -> Result<$name, E> {
                        v.parse().map_err(E::custom)
                    }
                }
                deserializer.deserialize_str(IdVisitor)
            }
        }
    };
}

ulid_id!(
    /// A user (or bot user) id.
    UserId, "user"
);
ulid_id!(
    /// A server id.
    ServerId, "server"
);
ulid_id!(
    /// A channel id (any channel kind).
    ChannelId, "channel"
);
ulid_id!(
    /// A message id.
    MessageId, "message"
);
ulid_id!(
    /// A role id.
    RoleId, "role"
);
ulid_id!(
    /// A custom emoji id.
    EmojiId, "emoji"
);
ulid_id!(
    /// A webhook id.
    WebhookId, "webhook"
);
ulid_id!(
    /// A bot id (the same ULID as the bot's user).
    BotId, "bot"
);

impl From<BotId> for UserId {
    fn from(id: BotId) -> Self {
        UserId(id.0)
    }
}

impl From<UserId> for BotId {
    fn from(id: UserId) -> Self {
        BotId(id.0)
    }
}
