//! Custom emojis.

use compact_str::CompactString;
use serde::{Deserialize, Serialize};

use super::UnknownVariant;
use crate::id::{EmojiId, ServerId, UserId};

fn is_false(value: &bool) -> bool {
    !*value
}

tagged_enum! {
    /// What an emoji belongs to, tagged by `type`.
    #[derive(Clone, Debug, PartialEq)]
    #[non_exhaustive]
    pub enum EmojiParent (tag = "type", twin = EmojiParentByTag, remote = "EmojiParent") {
        /// A server's emoji.
        Server {
            /// The server.
            id: ServerId,
        },
        /// An emoji whose server is gone.
        Detached,
    }
    /// A kind this version of the library does not know, kept verbatim.
    Unknown(UnknownVariant);
    known = ["Server", "Detached"];
}

/// A custom emoji. Its image is at `{autumn}/emojis/{id}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Emoji {
    /// Emoji id (also its file id on the file server).
    #[serde(rename = "_id")]
    pub id: EmojiId,
    /// Owner.
    pub parent: EmojiParent,
    /// Who uploaded it.
    pub creator_id: UserId,
    /// Name (used as `:name:`).
    pub name: CompactString,
    /// Whether it is animated.
    #[serde(default, skip_serializing_if = "is_false")]
    pub animated: bool,
    /// Whether it is NSFW.
    #[serde(default, skip_serializing_if = "is_false")]
    pub nsfw: bool,
}

impl Emoji {
    /// The server it belongs to, unless detached.
    pub fn server(&self) -> Option<ServerId> {
        match self.parent {
            EmojiParent::Server { id } => Some(id),
            _ => None,
        }
    }

    /// Applies a partial update (`EmojiUpdate`).
    pub fn apply(&mut self, data: &PartialEmoji) {
        if let Some(name) = &data.name {
            self.name = name.clone();
        }
    }
}

/// The changed fields of an emoji (`EmojiUpdate.data`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PartialEmoji {
    /// New name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<CompactString>,
}
