//! Fan-out over Redis Streams, as pure code: what a bridge writes and a worker reads.
//!
//! One process (the *bridge*) holds the gateway session and appends every event to a Redis
//! Stream; any number of *workers* read it. Work is split by a consumer group, while every
//! worker also reads the whole stream to keep its cache as complete as the bridge's. This
//! module holds every decision of that arrangement and performs no IO; the Redis commands
//! are issued by `stoat-bridge` and by the runtime crates' `worker` modules.
//!
//! | item | what it decides |
//! |---|---|
//! | [`Envelope`] | the versioned stream entry: format version, bridge sequence number, time received, the event |
//! | [`CommandEnvelope`] | a gateway command (typing, subscribe) a worker sends to the bridge |
//! | [`Snapshot`] | the cache as a versioned document, so a starting worker needs no new `Ready` |
//! | [`Keys`] | the Redis key names of one bot |
//! | [`EntryId`] | a stream entry id, parsed and ordered |
//! | [`Tracker`] | a worker's view: which entries are its share, which only feed its cache, when to ack |
//! | [`ClaimSchedule`] | when to `XAUTOCLAIM` entries a dead worker left pending, and from where |
//! | [`BridgeState`] | the bridge's sequence numbers, resuming after a restart, when to refresh the snapshot |
//! | [`ratelimit`] | the shared rate-limit bucket: a pure model and the Lua script that runs it atomically in Redis |
//!
//! ## The stream entry
//!
//! Each entry of `stoat:{bot}:events` has one field, `e`, whose value is an [`Envelope`]
//! encoded as JSON (see [`Envelope`] for every field). The event inside is the gateway's own
//! JSON shape, so `redis-cli XRANGE` shows readable events, and a worker of another language
//! can read the stream.
//!
//! ## Delivery
//!
//! Delivery is at least once. A worker acknowledges (`XACK`) an entry only after its handler
//! returned (the [`Tracker`] says which ids are due). An entry its consumer never
//! acknowledged stays pending; once it has been idle longer than
//! [`ClaimPolicy::min_idle`], another worker takes it over with `XAUTOCLAIM` and handles it.

mod bridge;
mod envelope;
mod keys;
pub mod ratelimit;
mod snapshot;
mod stream;

pub use bridge::BridgeState;
pub use envelope::{CommandEnvelope, Envelope, ENTRY_FIELD};
pub use keys::Keys;
pub use snapshot::Snapshot;
pub use stream::{ClaimPolicy, ClaimSchedule, Delivery, EntryId, Gap, Tracker};

/// The envelope and snapshot format this library writes, and the newest it reads.
///
/// Readers reject documents with a newer version (they may mean something this version does
/// not know) and accept every older one.
pub const FORMAT_VERSION: u32 = 1;

/// Why a stream entry, command or snapshot could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FormatError {
    /// The document is not valid JSON of the expected shape.
    #[error("malformed fan-out document: {0}")]
    Malformed(#[from] serde_json::Error),
    /// The document was written by a newer version of the format.
    #[error("fan-out format version {found} is newer than the {supported} this library reads")]
    UnsupportedVersion {
        /// The version in the document.
        found: u32,
        /// [`FORMAT_VERSION`].
        supported: u32,
    },
    /// The stream entry has no `e` field.
    #[error("stream entry has no `{ENTRY_FIELD}` field")]
    MissingField,
    /// An id is not of the form `<milliseconds>-<sequence>`.
    #[error("invalid stream entry id {0:?}")]
    InvalidId(String),
}

fn check_version(found: u32) -> Result<(), FormatError> {
    if found > FORMAT_VERSION {
        Err(FormatError::UnsupportedVersion {
            found,
            supported: FORMAT_VERSION,
        })
    } else {
        Ok(())
    }
}
