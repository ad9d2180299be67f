//! Uploaded files (attachments, avatars, icons, ...).

use serde::{Deserialize, Serialize};

/// A file stored on the file server (autumn), as embedded in other objects.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct File {
    /// File id (a 42-character nanoid, or a ULID for emojis).
    #[serde(rename = "_id")]
    pub id: String,
    /// The tag (bucket) it was uploaded to, e.g. `attachments`.
    pub tag: String,
    /// Original file name.
    pub filename: String,
    /// What kind of content it is.
    pub metadata: FileMetadata,
    /// MIME type.
    pub content_type: String,
    /// Size in bytes.
    pub size: i64,
    /// Whether the file was deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted: Option<bool>,
    /// Whether the file was reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reported: Option<bool>,
}

/// File metadata, tagged by `type`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
#[non_exhaustive]
pub enum FileMetadata {
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
    },
    /// A video.
    Video {
        /// Width in pixels.
        width: u64,
        /// Height in pixels.
        height: u64,
    },
    /// A kind this version of the library does not know.
    #[serde(other)]
    Unknown,
}
