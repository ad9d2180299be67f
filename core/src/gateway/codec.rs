//! Frame encoding and decoding for the two gateway formats.

use bytes::Bytes;

use super::command::ClientMessage;
use super::event::Event;

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
    /// The frame is not valid JSON / msgpack, or has no `type`.
    #[error("undecodable {format:?} frame: {reason}")]
    Syntax {
        /// The format the frame was read as.
        format: Format,
        /// The parser's message.
        reason: String,
    },
    /// The frame names a known event type but its fields do not match it.
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

/// Decodes one frame into an event.
///
/// Unknown event types decode to [`Event::Unknown`]; a known type with a bad shape is a
/// [`DecodeError::Malformed`] naming the type.
///
/// ```
/// use stoat_core::gateway::{decode, Event, Format, WsMessage};
/// let frame = WsMessage::Text(r#"{"type":"Authenticated"}"#.into());
/// assert_eq!(decode(Format::Json, &frame).unwrap(), Event::Authenticated);
/// let bad = WsMessage::Text(r#"{"type":"Pong","data":"x"}"#.into());
/// assert!(decode(Format::Json, &bad).unwrap_err().to_string().contains("Pong"));
/// ```
pub fn decode(format: Format, frame: &WsMessage) -> Result<Event, DecodeError> {
    let event = match (format, frame) {
        (Format::Json, WsMessage::Text(text)) => {
            serde_json::from_str::<Event>(text).map_err(|e| DecodeError::Syntax {
                format,
                reason: e.to_string(),
            })?
        }
        (Format::Msgpack, WsMessage::Binary(bytes)) => rmp_serde::from_slice::<Event>(bytes)
            .map_err(|e| DecodeError::Syntax {
                format,
                reason: e.to_string(),
            })?,
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
    };
    reject_malformed(&event)?;
    Ok(event)
}

/// A known `type` only lands in `Unknown` when its fields failed to match.
fn reject_malformed(event: &Event) -> Result<(), DecodeError> {
    match event {
        Event::Unknown(unknown) if Event::is_known_type(&unknown.name) => {
            Err(DecodeError::Malformed {
                event_type: unknown.name.clone(),
                reason: "fields do not match the event's shape".into(),
            })
        }
        Event::Bulk { v } => v.iter().try_for_each(reject_malformed),
        _ => Ok(()),
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
