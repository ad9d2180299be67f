//! Uploaded files (attachments, avatars, icons, ...).

use compact_str::CompactString;
use std::fmt;

use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

use super::UnknownVariant;
use crate::id::{FileId, MessageId, ServerId, UserId};

/// A file stored on the file server (autumn), as embedded in other objects.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(from = "FileWire")]
#[non_exhaustive]
pub struct File {
    /// File id (a 42-character nanoid, or a ULID for emojis).
    #[serde(rename = "_id")]
    pub id: FileId,
    /// The tag (bucket) it was uploaded to: `attachments`, `avatars`, `backgrounds`,
    /// `icons`, `banners` or `emojis`.
    pub tag: CompactString,
    /// Original file name (`"unnamed-file"` if it had none).
    pub filename: CompactString,
    /// What kind of content it is.
    pub metadata: FileMetadata,
    /// MIME type.
    pub content_type: CompactString,
    /// Stored size in bytes.
    pub size: i64,
    /// Whether the file was deleted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deleted: Option<bool>,
    /// Whether the file was reported.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reported: Option<bool>,
    /// The legacy ownership fields, present on old files only (boxed: current servers
    /// never send them, so a file does not carry their space).
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub legacy: Option<Box<FileLegacy>>,
}

/// Legacy fields of a [`File`]: which object it belonged to.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FileLegacy {
    /// The message it was attached to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<MessageId>,
    /// The user it belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<UserId>,
    /// The server it belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_id: Option<ServerId>,
    /// The object it belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_id: Option<CompactString>,
}

/// The wire shape of a [`File`]: every field flat, so it decodes in one pass.
#[derive(Deserialize)]
struct FileWire {
    #[serde(rename = "_id")]
    id: FileId,
    tag: CompactString,
    filename: CompactString,
    metadata: FileMetadata,
    content_type: CompactString,
    size: i64,
    #[serde(default)]
    deleted: Option<bool>,
    #[serde(default)]
    reported: Option<bool>,
    #[serde(default)]
    message_id: Option<MessageId>,
    #[serde(default)]
    user_id: Option<UserId>,
    #[serde(default)]
    server_id: Option<ServerId>,
    #[serde(default)]
    object_id: Option<CompactString>,
}

impl From<FileWire> for File {
    fn from(wire: FileWire) -> Self {
        let legacy = FileLegacy {
            message_id: wire.message_id,
            user_id: wire.user_id,
            server_id: wire.server_id,
            object_id: wire.object_id,
        };
        let legacy = (legacy != FileLegacy::default()).then(|| Box::new(legacy));
        Self {
            id: wire.id,
            tag: wire.tag,
            filename: wire.filename,
            metadata: wire.metadata,
            content_type: wire.content_type,
            size: wire.size,
            deleted: wire.deleted,
            reported: wire.reported,
            legacy,
        }
    }
}

impl File {
    /// Whether the file is an image.
    pub fn is_image(&self) -> bool {
        matches!(self.metadata, FileMetadata::Image { .. })
    }
}

tagged_enum! {
    /// File metadata, tagged by `type`.
    #[derive(Clone, Debug, PartialEq)]
    #[non_exhaustive]
    pub enum FileMetadata (tag = "type", twin = FileMetadataByTag, remote = "FileMetadata") {
        /// A generic file.
        File,
        /// A text file.
        Text,
        /// An audio file.
        Audio,
        /// An image.
        Image {
            /// Width in pixels.
            width: u64,
            /// Height in pixels.
            height: u64,
            /// A thumbhash placeholder (`null` if none was computed).
            #[serde(default, deserialize_with = "exact_bytes")]
            thumbhash: Option<Vec<u8>>,
            /// Whether the image is animated (`null` if unknown).
            #[serde(default)]
            animated: Option<bool>,
        },
        /// A video.
        Video {
            /// Width in pixels.
            width: u64,
            /// Height in pixels.
            height: u64,
        },
    }
    /// A kind this version of the library does not know, kept verbatim.
    Unknown(UnknownVariant);
    known = ["File", "Text", "Audio", "Image", "Video"];
}

/// Reads an optional byte list (a JSON array of numbers, a msgpack array or bin) into a
/// vector allocated once at its exact length; serde's own `Vec` grows from nothing, which
/// for a thumbhash costs three allocations and two copies.
fn exact_bytes<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<u8>>, D::Error> {
    struct Bytes;
    impl<'de> Visitor<'de> for Bytes {
        type Value = Option<Vec<u8>>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a list of bytes or null")
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }
        fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Self::Value, E> {
            Ok(Some(v.to_vec()))
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            // Thumbhashes are at most a few dozen bytes: gather them on the stack first.
            let mut buf = [0u8; 64];
            let mut len = 0;
            while let Some(byte) = seq.next_element::<u8>()? {
                if len == buf.len() {
                    let mut long = buf.to_vec();
                    long.push(byte);
                    while let Some(byte) = seq.next_element::<u8>()? {
                        long.push(byte);
                    }
                    return Ok(Some(long));
                }
                buf[len] = byte;
                len += 1;
            }
            Ok(Some(buf[..len].to_vec()))
        }
    }
    d.deserialize_option(Bytes)
}
