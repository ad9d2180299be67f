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
        ///
        /// Stored as the ULID's 16 big-endian bytes (byte-aligned, so an `Option` of it
        /// takes 17 bytes); ordering is creation order.
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name([u8; 16]);

        impl $name {
            /// Wraps a raw ULID.
            pub const fn from_ulid(ulid: Ulid) -> Self {
                Self(ulid.to_bytes())
            }

            /// The raw ULID.
            pub const fn ulid(self) -> Ulid {
                Ulid::from_bytes(self.0)
            }

            /// When this id was generated (the ULID's millisecond timestamp).
            pub fn created_at(self) -> Timestamp {
                Timestamp::from_millis(self.ulid().timestamp_ms() as i64)
            }
        }

        impl FromStr for $name {
            type Err = IdParseError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ulid::from_string(s).map(Self::from_ulid).map_err(|_| IdParseError {
                    kind: $kind,
                    value: s.chars().take(64).collect(),
                })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let mut buf = [0u8; ulid::ULID_LEN];
                f.write_str(self.ulid().array_to_str(&mut buf))
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "({})"), self)
            }
        }

        impl From<Ulid> for $name {
            fn from(ulid: Ulid) -> Self {
                Self::from_ulid(ulid)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut buf = [0u8; ulid::ULID_LEN];
                serializer.serialize_str(self.ulid().array_to_str(&mut buf))
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

ulid_id!(
    /// A safety report id.
    ReportId, "report"
);
ulid_id!(
    /// An account id (the same ULID as the account's user).
    AccountId, "account"
);
ulid_id!(
    /// An audit log entry id.
    AuditLogEntryId, "audit log entry"
);

impl UserId {
    /// The author of system messages: 26 zeros.
    pub const SYSTEM: UserId = UserId([0; 16]);

    /// Whether this is the system-message author ([`UserId::SYSTEM`]).
    pub fn is_system(self) -> bool {
        self == Self::SYSTEM
    }
}

impl From<AccountId> for UserId {
    fn from(id: AccountId) -> Self {
        UserId(id.0)
    }
}

impl From<UserId> for AccountId {
    fn from(id: UserId) -> Self {
        AccountId(id.0)
    }
}

/// A string id that is not valid for its kind (empty or too long).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {kind} {value:?}: expected 1 to {max} characters")]
pub struct StringIdError {
    /// Which id type was being parsed.
    pub kind: &'static str,
    /// The longest accepted length, in characters.
    pub max: usize,
    /// The rejected input (truncated to 64 characters).
    pub value: String,
}

macro_rules! string_id {
    ($(#[$meta:meta])* $name:ident, $kind:literal, $max:expr) => {
        $(#[$meta])*
        ///
        /// Stored inline up to 46 bytes (48 bytes in all, no heap allocation for the ids
        /// the server issues), boxed beyond. Decoding accepts any string, so an unusual
        /// value from the server never fails; [`FromStr`] checks the length.
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(ShortStr);

        impl $name {
            /// The longest valid value, in characters.
            pub const MAX_LEN: usize = $max;

            /// Wraps a value without checking it.
            pub fn new(value: impl AsRef<str>) -> Self {
                Self(ShortStr::new(value.as_ref()))
            }

            /// The id as a string.
            pub fn as_str(&self) -> &str {
                self.0.as_str()
            }
        }

        impl FromStr for $name {
            type Err = StringIdError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let len = s.chars().count();
                if len == 0 || len > $max {
                    return Err(StringIdError {
                        kind: $kind,
                        max: $max,
                        value: s.chars().take(64).collect(),
                    });
                }
                Ok(Self::new(s))
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                self.0.as_str()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.0.as_str())
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "({:?})"), self.0.as_str())
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                Self::new(value)
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self::new(value)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.0.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                crate::model::tagged::Str::deserialize(deserializer).map(|s| Self::new(&*s.0))
            }
        }
    };
}

/// The storage of string ids: inline when short (every id the server issues), else boxed.
#[derive(Clone)]
enum ShortStr {
    Inline {
        len: u8,
        bytes: [u8; SHORT_STR_INLINE],
    },
    Boxed(Box<str>),
}

const SHORT_STR_INLINE: usize = 46;

impl ShortStr {
    fn new(value: &str) -> Self {
        if value.len() <= SHORT_STR_INLINE {
            let mut bytes = [0; SHORT_STR_INLINE];
            bytes[..value.len()].copy_from_slice(value.as_bytes());
            Self::Inline {
                len: value.len() as u8,
                bytes,
            }
        } else {
            Self::Boxed(value.into())
        }
    }

    fn as_str(&self) -> &str {
        match self {
            // Always the bytes of a `str` (copied whole from one in `new`), so this never
            // falls back.
            Self::Inline { len, bytes } => {
                std::str::from_utf8(&bytes[..usize::from(*len)]).unwrap_or_default()
            }
            Self::Boxed(value) => value,
        }
    }
}

impl PartialEq for ShortStr {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for ShortStr {}

impl std::hash::Hash for ShortStr {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl PartialOrd for ShortStr {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for ShortStr {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

string_id!(
    /// A file id on the file server (autumn): a 42-character nanoid, or a ULID for emojis.
    FileId, "file id", 128
);
string_id!(
    /// An invite code: 8 characters from a 54-letter alphabet on current servers
    /// (older invites and custom vanity codes may differ).
    InviteCode, "invite code", 64
);
string_id!(
    /// A server category id: a client-chosen string of 1 to 32 characters.
    CategoryId, "category id", 32
);
string_id!(
    /// A login session id. A ULID for user sessions; bots have the empty session id, so
    /// this is kept as a string.
    SessionId, "session id", 64
);
