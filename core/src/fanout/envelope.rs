//! The stream entry and the command entry.

use serde::{Deserialize, Serialize};

use super::{check_version, FormatError, FORMAT_VERSION};
use crate::gateway::{Command, Event};
use crate::id::{ChannelId, MessageId, ServerId};
use crate::model::Timestamp;

/// The one field of every entry of the event and command streams.
pub const ENTRY_FIELD: &str = "e";

/// One gateway event as the bridge appends it to the event stream.
///
/// Encoded as a JSON object (field `e` of the stream entry):
///
/// | field | type | meaning |
/// |---|---|---|
/// | `v` | integer | the format version ([`FORMAT_VERSION`](super::FORMAT_VERSION)); readers reject newer ones |
/// | `seq` | integer | the bridge's sequence number: 1 for the first event ever appended for this bot, one more for each event after it, continued across bridge restarts |
/// | `at` | integer | when the bridge received the event: milliseconds since the Unix epoch, by the bridge's clock |
/// | `event` | object | the event in the gateway's JSON shape (`{"type": "Message", ...}`) |
///
/// The cache [`Change`](crate::cache::Change) is not sent: a worker's cache holds the same
/// state as the bridge's at every entry (it starts from a [`Snapshot`](super::Snapshot) and
/// applies every later entry in order), so applying the event there yields the same change.
///
/// ```
/// use stoat_core::fanout::Envelope;
/// use stoat_core::gateway::Event;
/// use stoat_core::model::Timestamp;
///
/// let envelope = Envelope::new(7, Timestamp::from_millis(1_700_000_000_000), Event::Authenticated);
/// let bytes = envelope.encode();
/// assert_eq!(
///     std::str::from_utf8(&bytes).unwrap(),
///     r#"{"v":1,"seq":7,"at":1700000000000,"event":{"type":"Authenticated"}}"#
/// );
/// assert_eq!(Envelope::decode(&bytes).unwrap(), envelope);
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Envelope {
    /// The format version it was written with.
    pub version: u32,
    /// The bridge's sequence number.
    pub seq: u64,
    /// When the bridge received the event.
    pub received_at: Timestamp,
    /// The event.
    pub event: Event,
}

#[derive(Serialize)]
struct EnvelopeOut<'a> {
    v: u32,
    seq: u64,
    at: i64,
    event: &'a Event,
}

#[derive(Deserialize)]
struct VersionOnly {
    v: u32,
}

#[derive(Deserialize)]
struct EnvelopeIn {
    v: u32,
    seq: u64,
    at: i64,
    event: Event,
}

impl Envelope {
    /// An envelope of the current format version.
    pub fn new(seq: u64, received_at: Timestamp, event: Event) -> Self {
        Self {
            version: FORMAT_VERSION,
            seq,
            received_at,
            event,
        }
    }

    /// The JSON document.
    pub fn encode(&self) -> Vec<u8> {
        let out = EnvelopeOut {
            v: self.version,
            seq: self.seq,
            at: self.received_at.as_millis(),
            event: &self.event,
        };
        // Serializing plain data to a Vec cannot fail (no maps with non-string keys).
        serde_json::to_vec(&out).unwrap_or_default()
    }

    /// Reads a JSON document; a newer format version is an error, never a misreading.
    pub fn decode(bytes: &[u8]) -> Result<Self, FormatError> {
        check_version(serde_json::from_slice::<VersionOnly>(bytes)?.v)?;
        let parsed: EnvelopeIn = serde_json::from_slice(bytes)?;
        Ok(Self {
            version: parsed.v,
            seq: parsed.seq,
            received_at: Timestamp::from_millis(parsed.at),
            event: parsed.event,
        })
    }
}

/// A gateway command a worker asks the bridge to send, as an entry of the command stream.
///
/// Encoded as JSON (field `e`): `{"v": 1, "command": {"type": "BeginTyping", "channel":
/// "<id>"}}`, the command in the gateway's own shape (`BeginTyping`, `EndTyping`,
/// `Subscribe` with `server_id`, `BeginEditing`/`StopEditing` with `channel` and `message`).
///
/// ```
/// use stoat_core::fanout::CommandEnvelope;
/// use stoat_core::gateway::Command;
/// let channel = "01M7YSZ8V81AWBPFRM30NYSV34".parse().unwrap();
/// let bytes = CommandEnvelope::encode(&Command::BeginTyping { channel });
/// assert_eq!(
///     std::str::from_utf8(&bytes).unwrap(),
///     r#"{"v":1,"command":{"type":"BeginTyping","channel":"01M7YSZ8V81AWBPFRM30NYSV34"}}"#
/// );
/// assert_eq!(CommandEnvelope::decode(&bytes).unwrap(), Command::BeginTyping { channel });
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub struct CommandEnvelope;

#[derive(Serialize, Deserialize)]
#[serde(tag = "type")]
enum WireCommand {
    BeginTyping {
        channel: ChannelId,
    },
    EndTyping {
        channel: ChannelId,
    },
    Subscribe {
        server_id: ServerId,
    },
    BeginEditing {
        channel: ChannelId,
        message: MessageId,
    },
    StopEditing {
        channel: ChannelId,
        message: MessageId,
    },
}

#[derive(Serialize, Deserialize)]
struct CommandDocument {
    v: u32,
    command: WireCommand,
}

impl CommandEnvelope {
    /// The JSON document for `command`.
    pub fn encode(command: &Command) -> Vec<u8> {
        let command = match command.clone() {
            Command::BeginTyping { channel } => WireCommand::BeginTyping { channel },
            Command::EndTyping { channel } => WireCommand::EndTyping { channel },
            Command::Subscribe { server_id } => WireCommand::Subscribe { server_id },
            Command::BeginEditing { channel, message } => {
                WireCommand::BeginEditing { channel, message }
            }
            Command::StopEditing { channel, message } => {
                WireCommand::StopEditing { channel, message }
            }
        };
        let document = CommandDocument {
            v: FORMAT_VERSION,
            command,
        };
        serde_json::to_vec(&document).unwrap_or_default()
    }

    /// Reads a command document.
    pub fn decode(bytes: &[u8]) -> Result<Command, FormatError> {
        check_version(serde_json::from_slice::<VersionOnly>(bytes)?.v)?;
        let document: CommandDocument = serde_json::from_slice(bytes)?;
        Ok(match document.command {
            WireCommand::BeginTyping { channel } => Command::BeginTyping { channel },
            WireCommand::EndTyping { channel } => Command::EndTyping { channel },
            WireCommand::Subscribe { server_id } => Command::Subscribe { server_id },
            WireCommand::BeginEditing { channel, message } => {
                Command::BeginEditing { channel, message }
            }
            WireCommand::StopEditing { channel, message } => {
                Command::StopEditing { channel, message }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newer_versions_are_rejected_not_misread() {
        let bytes = br#"{"v":2,"seq":1,"at":0,"event":{"type":"Authenticated"}}"#;
        assert!(matches!(
            Envelope::decode(bytes),
            Err(FormatError::UnsupportedVersion {
                found: 2,
                supported: 1
            })
        ));
        let bytes = br#"{"v":9,"command":{"type":"BeginTyping","channel":"x"}}"#;
        assert!(matches!(
            CommandEnvelope::decode(bytes),
            Err(FormatError::UnsupportedVersion { found: 9, .. })
        ));
    }

    #[test]
    fn garbage_is_an_error() {
        for bytes in [
            &b""[..],
            b"{",
            b"[]",
            br#"{"v":1}"#,
            br#"{"v":1,"seq":-1,"at":0,"event":{}}"#,
        ] {
            assert!(Envelope::decode(bytes).is_err(), "{bytes:?}");
        }
        assert!(CommandEnvelope::decode(br#"{"v":1,"command":{"type":"Nope"}}"#).is_err());
    }

    #[test]
    fn unknown_events_survive_the_trip() {
        let event: Event = serde_json::from_str(r#"{"type":"FutureThing","x":[1,2]}"#).unwrap();
        let envelope = Envelope::new(3, Timestamp::from_millis(5), event);
        assert_eq!(Envelope::decode(&envelope.encode()).unwrap(), envelope);
    }

    #[test]
    fn every_command_round_trips() {
        let channel: ChannelId = "01M7YSZ8V81AWBPFRM30NYSV34".parse().unwrap();
        let message: MessageId = "01M7YT8F8NBH98W6P4028C2GH8".parse().unwrap();
        let server_id: ServerId = "01M7YSZ8V6D4QNP163AMRA3ARS".parse().unwrap();
        for command in [
            Command::BeginTyping { channel },
            Command::EndTyping { channel },
            Command::Subscribe { server_id },
            Command::BeginEditing { channel, message },
            Command::StopEditing { channel, message },
        ] {
            let bytes = CommandEnvelope::encode(&command);
            assert_eq!(CommandEnvelope::decode(&bytes).unwrap(), command);
        }
    }
}
