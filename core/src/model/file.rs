//! Uploaded files (attachments, avatars, icons, ...).

use std::fmt;

use compact_str::CompactString;
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

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"{"_id":"f","tag":"avatars","filename":"a.png","metadata":{"type":"Image","width":1,"height":2,"thumbhash":[1, 2,255],"animated":false},"content_type":"image/png","size":3}"#;

    fn thumbhash(file: &File) -> Option<Vec<u8>> {
        match &file.metadata {
            FileMetadata::Image { thumbhash, .. } => thumbhash.clone(),
            other => panic!("not an image: {other:?}"),
        }
    }

    #[test]
    fn thumbhashes_decode_from_json_msgpack_and_buffered_values() {
        let direct: File = serde_json::from_str(FILE).unwrap();
        assert_eq!(thumbhash(&direct), Some(vec![1, 2, 255]));
        let value: serde_json::Value = serde_json::from_str(FILE).unwrap();
        assert_eq!(
            serde_json::from_value::<File>(value.clone()).unwrap(),
            direct
        );
        let packed = rmp_serde::to_vec_named(&value).unwrap();
        assert_eq!(rmp_serde::from_slice::<File>(&packed).unwrap(), direct);
        // msgpack may also carry the bytes as `bin`.
        let mut map = value.as_object().unwrap().clone();
        map.remove("metadata");
        #[derive(Serialize)]
        struct Meta<'a> {
            r#type: &'a str,
            width: u64,
            height: u64,
            #[serde(with = "serde_bytes_compat")]
            thumbhash: &'a [u8],
        }
        mod serde_bytes_compat {
            pub fn serialize<S: serde::Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
                s.serialize_bytes(v)
            }
        }
        #[derive(Serialize)]
        struct WithBin<'a> {
            #[serde(flatten)]
            rest: &'a serde_json::Map<String, serde_json::Value>,
            metadata: Meta<'a>,
        }
        let bin = rmp_serde::to_vec_named(&WithBin {
            rest: &map,
            metadata: Meta {
                r#type: "Image",
                width: 1,
                height: 2,
                thumbhash: &[9, 8],
            },
        })
        .unwrap();
        let from_bin: File = rmp_serde::from_slice(&bin).unwrap();
        assert_eq!(thumbhash(&from_bin), Some(vec![9, 8]));

        let long: Vec<u8> = (0..=255).collect();
        let long_json = FILE.replace("[1, 2,255]", &format!("{long:?}"));
        assert_eq!(
            thumbhash(&serde_json::from_str(&long_json).unwrap()),
            Some(long)
        );
        let null = FILE.replace("[1, 2,255]", "null");
        assert_eq!(thumbhash(&serde_json::from_str(&null).unwrap()), None);
        let absent = FILE.replace(r#","thumbhash":[1, 2,255]"#, "");
        assert_eq!(thumbhash(&serde_json::from_str(&absent).unwrap()), None);
        for bad in ["[256]", "[-1]", "[1.5]", r#""x""#, "{}"] {
            let frame = FILE.replace("[1, 2,255]", bad);
            assert!(serde_json::from_str::<File>(&frame).is_err(), "{bad}");
        }
    }

    #[test]
    fn legacy_fields_are_boxed_only_when_present_and_round_trip() {
        let current: File = serde_json::from_str(FILE).unwrap();
        assert_eq!(current.legacy, None);
        let json = serde_json::to_value(&current).unwrap();
        assert!(json.get("message_id").is_none() && json.get("object_id").is_none());

        let old = FILE.replace(
            r#""size":3"#,
            r#""size":3,"message_id":"01M7YT8F8NBH98W6P4028C2GH8","object_id":"o1""#,
        );
        let old_file: File = serde_json::from_str(&old).unwrap();
        let legacy = old_file.legacy.as_deref().unwrap();
        assert_eq!(
            legacy.message_id.map(|id| id.to_string()).as_deref(),
            Some("01M7YT8F8NBH98W6P4028C2GH8")
        );
        assert_eq!(legacy.object_id.as_deref(), Some("o1"));
        assert_eq!(legacy.user_id, None);
        let round: File = serde_json::from_value(serde_json::to_value(&old_file).unwrap()).unwrap();
        assert_eq!(round, old_file);
        let packed = rmp_serde::to_vec_named(&old_file).unwrap();
        assert_eq!(rmp_serde::from_slice::<File>(&packed).unwrap(), old_file);
    }
}
