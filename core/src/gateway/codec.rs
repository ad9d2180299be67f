//! Frame encoding and decoding for the two gateway formats.

use std::borrow::Cow;

use bytes::Bytes;

use super::command::ClientMessage;
use super::event::Event;
use crate::model::interned::Authors;
use crate::model::tagged::Str;

/// The gateway wire format, chosen with `?format=` on connect.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Format {
    /// JSON text frames (the default).
    #[default]
    Json,
    /// MessagePack binary frames (string-keyed maps; timestamps as u64 milliseconds).
    Msgpack,
}

impl Format {
    /// The value of the `format` query parameter.
    pub fn as_query_value(self) -> &'static str {
        match self {
            Self::Json => "json",
            Self::Msgpack => "msgpack",
        }
    }
}

/// A whole WebSocket data message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WsMessage {
    /// A text frame.
    Text(String),
    /// A binary frame.
    Binary(Bytes),
}

/// Why a frame could not be decoded. The session reports it and carries on.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The frame is not valid JSON / msgpack and no `type` could be read from it, or it
    /// has no `type`.
    #[error("undecodable {format:?} frame: {reason}")]
    Syntax {
        /// The format the frame was read as.
        format: Format,
        /// The parser's message.
        reason: String,
    },
    /// The frame names an event type but could not be decoded as it: a known type whose
    /// fields do not match, or a frame (of any type) that is cut short or not valid.
    #[error("malformed {event_type} event: {reason}")]
    Malformed {
        /// The event's `type`.
        event_type: String,
        /// What did not match.
        reason: String,
    },
    /// A text frame on a msgpack connection or a binary frame on a JSON one.
    #[error("{got} frame on a {format:?} connection")]
    WrongFrameType {
        /// The negotiated format.
        format: Format,
        /// `"text"` or `"binary"`.
        got: &'static str,
    },
}

/// How deeply arrays and maps may nest in a frame: the limit serde_json applies to JSON,
/// applied to msgpack too. A deeper frame is a [`DecodeError`], never a stack overflow.
pub const MAX_NESTING: usize = 128;

/// A msgpack deserializer with the same nesting limit as JSON ([`MAX_NESTING`]); rmp-serde's
/// own default (1024) is deeper than a debug build's stack allows.
fn msgpack(bytes: &[u8]) -> rmp_serde::Deserializer<rmp_serde::decode::ReadRefReader<'_, [u8]>> {
    let mut de = rmp_serde::Deserializer::from_read_ref(bytes);
    de.set_max_depth(MAX_NESTING);
    de
}

/// Decodes one frame into an event.
///
/// Unknown event types decode to [`Event::Unknown`]; a known type with a bad shape is a
/// [`DecodeError::Malformed`] naming the type. A frame that is not valid JSON / msgpack
/// (for example a truncated one) is a [`DecodeError::Malformed`] too when its `type`
/// could still be read, otherwise a [`DecodeError::Syntax`]. Decoding never panics.
///
/// Hostile shapes are errors too: arrays and maps nested deeper than [`MAX_NESTING`] (in
/// either format), and `Bulk` events nested deeper than [`MAX_BULK_NESTING`](super::MAX_BULK_NESTING).
///
/// ```
/// use stoat_core::gateway::{decode, DecodeError, Event, Format, WsMessage};
/// let frame = WsMessage::Text(r#"{"type":"Authenticated"}"#.into());
/// assert_eq!(decode(Format::Json, &frame).unwrap(), Event::Authenticated);
/// let bad = WsMessage::Text(r#"{"type":"Pong","data":"x"}"#.into());
/// assert!(decode(Format::Json, &bad).unwrap_err().to_string().contains("Pong"));
/// let truncated = WsMessage::Text(r#"{"type":"Message","_id":"01M7YT"#.into());
/// match decode(Format::Json, &truncated) {
///     Err(DecodeError::Malformed { event_type, .. }) => assert_eq!(event_type, "Message"),
///     other => panic!("{other:?}"),
/// }
/// ```
pub fn decode(format: Format, frame: &WsMessage) -> Result<Event, DecodeError> {
    match (format, frame) {
        (Format::Json, WsMessage::Text(_)) | (Format::Msgpack, WsMessage::Binary(_)) => {}
        (_, WsMessage::Text(_)) => {
            return Err(DecodeError::WrongFrameType {
                format,
                got: "text",
            })
        }
        (_, WsMessage::Binary(_)) => {
            return Err(DecodeError::WrongFrameType {
                format,
                got: "binary",
            })
        }
    }
    // The server writes `type` first, so reading it costs next to nothing; knowing it lets a
    // known event decode in one pass, straight into its variant.
    match sniff_type(format, frame) {
        Some(event_type) if Event::is_known_type(&event_type) => {
            let decoded = match frame {
                WsMessage::Text(text) => {
                    let mut de = serde_json::Deserializer::from_str(text);
                    decode_known(&event_type, &mut de)
                        .and_then(|event| de.end().map(|()| event))
                        .map_err(|e| e.to_string())
                }
                WsMessage::Binary(bytes) => {
                    let mut de = msgpack(bytes);
                    decode_known(&event_type, &mut de).map_err(|e| e.to_string())
                }
            };
            decoded.map_err(|reason| DecodeError::Malformed {
                event_type: event_type.into_owned(),
                reason,
            })
        }
        _ => decode_slow(format, frame),
    }
}

/// A decoder for one connection: decodes frames exactly like [`decode`], and remembers the
/// authors of recent messages by their JSON text so that one who writes again is not decoded
/// again (see [`SessionConfig::remembered_authors`](super::SessionConfig::remembered_authors)).
/// A [`Session`](super::Session) has one; use it directly when you drive frames yourself.
///
/// ```
/// use stoat_core::gateway::{Decoder, Event, Format, WsMessage};
/// let mut decoder = Decoder::new(Format::Json, 1024);
/// let frame = |id: &str| WsMessage::Text(format!(
///     r#"{{"type":"Message","_id":"{id}","channel":"01M7YSZ8V81AWBPFRM30NYSV34",
///     "author":"01M7YSZ8V6D4QNP163AMRA3ARS","content":"hi","user":{{"_id":
///     "01M7YSZ8V6D4QNP163AMRA3ARS","username":"ann","discriminator":"0001"}}}}"#));
/// let (Ok(Event::Message(first)), Ok(Event::Message(second))) = (
///     decoder.decode(&frame("01M7YT8F8NBH98W6P4028C2GH8")),
///     decoder.decode(&frame("01M7YT8F8NBH98W6P4028C2GH9")),
/// ) else { panic!() };
/// // The same author, decoded once and shared.
/// assert!(std::sync::Arc::ptr_eq(first.user.as_ref().unwrap(), second.user.as_ref().unwrap()));
/// ```
#[derive(Debug)]
pub struct Decoder {
    format: Format,
    authors: Authors,
}

impl Decoder {
    /// A decoder for `format` that remembers up to `remembered_authors` message authors
    /// (0: none; it then decodes exactly like [`decode`]).
    pub fn new(format: Format, remembered_authors: usize) -> Self {
        Self {
            format,
            authors: Authors::new(remembered_authors),
        }
    }

    /// Decodes one frame; see [`decode`] for what it returns.
    pub fn decode(&mut self, frame: &WsMessage) -> Result<Event, DecodeError> {
        let format = self.format;
        match frame {
            // Raw text (what the table is keyed by) exists only for JSON.
            WsMessage::Text(_) if format == Format::Json => {
                self.authors.install(|| decode(format, frame))
            }
            _ => decode(format, frame),
        }
    }
}

/// Decodes an event whose `type` is known. The two big, frequent events go straight into
/// their payload types (their structs ignore the `type` key), which spares serde from
/// buffering the whole frame the way an internally tagged enum must.
fn decode_known<'de, D: serde::Deserializer<'de>>(
    event_type: &str,
    de: D,
) -> Result<Event, D::Error> {
    use serde::Deserialize;
    match event_type {
        "Ready" => crate::gateway::Ready::deserialize(de).map(|r| Event::Ready(Box::new(r))),
        "Message" => crate::model::Message::deserialize(de).map(|m| Event::Message(m.into())),
        _ => Event::deserialize(de),
    }
}

/// Unknown types, frames whose `type` is not first, and undecodable frames.
fn decode_slow(format: Format, frame: &WsMessage) -> Result<Event, DecodeError> {
    let result = match frame {
        WsMessage::Text(text) => serde_json::from_str::<Event>(text).map_err(|e| e.to_string()),
        WsMessage::Binary(bytes) => serde::Deserialize::deserialize(&mut msgpack(bytes))
            .map_err(|e: rmp_serde::decode::Error| e.to_string()),
    };
    result.map_err(|reason| match sniff_type(format, frame) {
        Some(event_type) => {
            // Known types report "<Type>: <what is wrong>"; don't repeat the type.
            let reason = match reason.strip_prefix(&*event_type) {
                Some(rest) if rest.starts_with(": ") => rest[2..].to_owned(),
                _ => reason,
            };
            DecodeError::Malformed {
                event_type: event_type.into_owned(),
                reason,
            }
        }
        None => DecodeError::Syntax { format, reason },
    })
}

/// Reads the top-level `type` of a frame, as far as the frame goes (borrowed from the frame
/// unless it holds escapes).
fn sniff_type(format: Format, frame: &WsMessage) -> Option<Cow<'_, str>> {
    if let (Format::Json, WsMessage::Text(text)) = (format, frame) {
        if let Some(event_type) = leading_json_type(text) {
            return Some(Cow::Borrowed(event_type));
        }
    }
    let mut found = None;
    let sniffer = TypeSniffer(&mut found);
    // The result is irrelevant: the visitor records `type` as soon as it has read it.
    match (format, frame) {
        (Format::Json, WsMessage::Text(text)) => {
            let mut de = serde_json::Deserializer::from_str(text);
            let _ = serde::Deserializer::deserialize_map(&mut de, sniffer);
        }
        (Format::Msgpack, WsMessage::Binary(bytes)) => {
            let mut de = msgpack(bytes);
            let _ = serde::Deserializer::deserialize_map(&mut de, sniffer);
        }
        _ => {}
    }
    found
}

/// The `type` of a JSON frame that starts `{"type":"<name>"` (what the server writes), read
/// without a parser: serde_json, stopped after the first entry, would build an error for
/// the unfinished object on every frame. Anything else (a name with escapes, another key
/// first) is left to the parser.
fn leading_json_type(text: &str) -> Option<&str> {
    let rest = text.trim_start_matches(JSON_SPACE).strip_prefix('{')?;
    let rest = rest
        .trim_start_matches(JSON_SPACE)
        .strip_prefix("\"type\"")?;
    let rest = rest.trim_start_matches(JSON_SPACE).strip_prefix(':')?;
    let rest = rest.trim_start_matches(JSON_SPACE).strip_prefix('"')?;
    let end = rest.find(['"', '\\'])?;
    (rest.as_bytes()[end] == b'"').then(|| &rest[..end])
}

const JSON_SPACE: [char; 4] = [' ', '\t', '\n', '\r'];

struct TypeSniffer<'a, 'de>(&'a mut Option<Cow<'de, str>>);

impl<'de> serde::de::Visitor<'de> for TypeSniffer<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an event object")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(Str(key)) = map.next_key::<Str<'de>>()? {
            if key == "type" {
                if let Ok(Str(name)) = map.next_value::<Str<'de>>() {
                    *self.0 = Some(name);
                }
                return Ok(());
            }
            map.next_value::<serde::de::IgnoredAny>()?;
        }
        Ok(())
    }
}

/// Encodes a client frame in the given format.
pub fn encode(format: Format, message: &ClientMessage) -> WsMessage {
    match format {
        Format::Json => WsMessage::Text(
            serde_json::to_string(message).expect("client messages always serialise to JSON"),
        ),
        Format::Msgpack => WsMessage::Binary(Bytes::from(
            rmp_serde::to_vec_named(message).expect("client messages always serialise to msgpack"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_leading_type_is_read_without_a_parser_and_anything_else_falls_back() {
        assert_eq!(
            leading_json_type(r#"{"type":"Message","_id":"x"}"#),
            Some("Message")
        );
        assert_eq!(leading_json_type(" {\n \"type\" : \"Bulk\"}"), Some("Bulk"));
        assert_eq!(leading_json_type(r#"{"_id":"x","type":"Message"}"#), None);
        assert_eq!(leading_json_type(r#"{"type":"Mess\u0061ge"}"#), None);
        assert_eq!(leading_json_type(r#"{"type":1}"#), None);
        assert_eq!(leading_json_type(r#"{"type":"Message"#), None);
        assert_eq!(leading_json_type(""), None);
        // The parser still finds a type that is not first, or has escapes.
        let late = WsMessage::Text(r#"{"_id":"x","type":"Pong","data":0}"#.into());
        assert_eq!(sniff_type(Format::Json, &late).as_deref(), Some("Pong"));
        let escaped = WsMessage::Text(r#"{"type":"P\u006fng","data":0}"#.into());
        assert_eq!(sniff_type(Format::Json, &escaped).as_deref(), Some("Pong"));
    }
}
