//! `POST /{tag}` on the file server.

use bytes::Bytes;
use http::Method;
use serde::{Deserialize, Serialize};

use super::multipart::encode_file;
use crate::http::{path, Body, LengthUnit, Request, RequestParts, Route, ValidationError};

/// The file server's tags, each with its own size limit and use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Tag {
    /// Message attachments (any file type), 20 MB.
    Attachments,
    /// User and member avatars (images), 4 MB.
    Avatars,
    /// Profile backgrounds (images), 6 MB.
    Backgrounds,
    /// Server, channel and role icons (images), 2.5 MB.
    Icons,
    /// Server banners (images), 6 MB.
    Banners,
    /// Custom emojis (images), 500 KB.
    Emojis,
}

impl Tag {
    /// Every tag.
    pub const ALL: [Tag; 6] = [
        Tag::Attachments,
        Tag::Avatars,
        Tag::Backgrounds,
        Tag::Icons,
        Tag::Banners,
        Tag::Emojis,
    ];

    /// The tag's name in URLs.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Attachments => "attachments",
            Self::Avatars => "avatars",
            Self::Backgrounds => "backgrounds",
            Self::Icons => "icons",
            Self::Banners => "banners",
            Self::Emojis => "emojis",
        }
    }

    /// The default upload size limit in bytes (instances may configure their own; see
    /// `GET /` → `features.limits.*.file_upload_size_limits`).
    pub const fn max_size(self) -> usize {
        match self {
            Self::Attachments => 20_000_000,
            Self::Avatars => 4_000_000,
            Self::Backgrounds => 6_000_000,
            Self::Icons => 2_500_000,
            Self::Banners => 6_000_000,
            Self::Emojis => 500_000,
        }
    }
}

/// A file to upload to one tag. Sizes are checked when it is built.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Upload {
    tag: Tag,
    filename: String,
    content_type: String,
    content: Bytes,
}

impl Upload {
    /// A file for `tag`, checked against the tag's default size limit.
    pub fn new(
        tag: Tag,
        filename: impl Into<String>,
        content_type: impl Into<String>,
        content: impl Into<Bytes>,
    ) -> Result<Self, ValidationError> {
        Self::with_limit(tag, filename, content_type, content, tag.max_size())
    }

    /// A file for `tag`, checked against an instance-specific limit.
    pub fn with_limit(
        tag: Tag,
        filename: impl Into<String>,
        content_type: impl Into<String>,
        content: impl Into<Bytes>,
        max_size: usize,
    ) -> Result<Self, ValidationError> {
        let content = content.into();
        if content.is_empty() {
            return Err(ValidationError::Empty("an upload needs at least one byte"));
        }
        if content.len() > max_size {
            return Err(ValidationError::TooLong {
                field: "file",
                len: content.len(),
                max: max_size,
                unit: LengthUnit::Bytes,
            });
        }
        let filename = filename.into();
        if filename.is_empty() {
            return Err(ValidationError::Empty("an upload needs a file name"));
        }
        Ok(Self {
            tag,
            filename,
            content_type: content_type.into(),
            content,
        })
    }

    /// The tag it goes to.
    pub fn tag(&self) -> Tag {
        self.tag
    }
}

impl Request for Upload {
    type Output = UploadedFile;
    const ROUTE: Route = Route::autumn(Method::POST, "/{tag}");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        let (content_type, bytes) =
            encode_file("file", &self.filename, &self.content_type, &self.content);
        Ok(Self::ROUTE
            .parts(path(&[self.tag.as_str()]))
            .body(Body::Multipart {
                content_type,
                bytes,
            }))
    }
}

/// The file server's answer to an upload: the id to use in a REST body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UploadedFile {
    /// The file id.
    pub id: String,
}
