//! Uploaded files (attachments, avatars, icons, ...).

use serde::{Deserialize, Serialize};

use super::UnknownVariant;
use crate::id::{FileId, MessageId, ServerId, UserId};

/// A file stored on the file server (autumn), as embedded in other objects.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct File {
    /// File id (a 42-character nanoid, or a ULID for emojis).
    #[serde(rename = "_id")]
    pub id: FileId,
    /// The tag (bucket) it was uploaded to: `attachments`, `avatars`, `backgrounds`,
    /// `icons`, `banners` or `emojis`.
    pub tag: String,
    /// Original file name (`"unnamed-file"` if it had none).
    pub filename: String,
    /// What kind of content it is.
    pub metadata: FileMetadata,
    /// MIME type.
    pub content_type: String,
    /// Stored size in bytes.
    pub size: i64,
    /// Whether the file was deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted: Option<bool>,
    /// Whether the file was reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reported: Option<bool>,
    /// Legacy: the message it was attached to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<MessageId>,
    /// Legacy: the user it belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<UserId>,
    /// Legacy: the server it belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_id: Option<ServerId>,
    /// Legacy: the object it belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_id: Option<String>,
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
            #[serde(default)]
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
