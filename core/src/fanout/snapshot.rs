//! The cache snapshot a starting worker loads.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::{check_version, EntryId, FormatError, FORMAT_VERSION};
use crate::cache::{Cache, CacheConfig};
use crate::gateway::{Event, Ready};
use crate::model::{Channel, Emoji, Member, Message, Server, User};

/// The bridge's cache as a versioned document, with the stream position it is current to.
///
/// A worker that starts loads the snapshot, [`restore`](Self::restore)s a cache from it and
/// reads the event stream from just after [`stream_id`](Self::stream_id): its cache is then
/// as complete as the bridge's, without a new `Ready`.
///
/// Encoded as JSON (the value of the `stoat:{bot}:snapshot` key):
///
/// | field | type | meaning |
/// |---|---|---|
/// | `v` | integer | the format version; readers reject newer ones |
/// | `seq` | integer | the sequence number of the last event applied (0: none yet) |
/// | `stream_id` | string or null | the id of that event's stream entry (null: none yet) |
/// | `users`, `servers`, `channels`, `members`, `emojis` | arrays | the cached objects, in the gateway's JSON shape, sorted by id |
/// | `current_user` | string or null | the id of the session's own user |
/// | `messages` | array | the cached messages, channel by channel, oldest first |
///
/// ```
/// use stoat_core::cache::Cache;
/// use stoat_core::fanout::Snapshot;
/// let snapshot = Snapshot::capture(&Cache::default(), 0, None);
/// let bytes = snapshot.encode();
/// let loaded = Snapshot::decode(&bytes).unwrap();
/// assert_eq!(loaded, snapshot);
/// assert!(loaded.restore(Default::default()).current_user().is_none());
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Snapshot {
    /// The format version.
    #[serde(rename = "v")]
    pub version: u32,
    /// The sequence number of the last event in the snapshot (0 if none).
    pub seq: u64,
    /// The stream entry of that event (`None` before the first).
    pub stream_id: Option<EntryId>,
    /// The session's own user.
    pub current_user: Option<crate::id::UserId>,
    /// Cached users.
    pub users: Vec<User>,
    /// Cached servers.
    pub servers: Vec<Server>,
    /// Cached channels.
    pub channels: Vec<Channel>,
    /// Cached members.
    pub members: Vec<Member>,
    /// Cached emojis.
    pub emojis: Vec<Emoji>,
    /// Cached messages, channel by channel, oldest first.
    pub messages: Vec<Message>,
}

impl Snapshot {
    /// The contents of `cache`, current to the event `seq` stored at `stream_id`.
    pub fn capture(cache: &Cache, seq: u64, stream_id: Option<EntryId>) -> Self {
        fn sorted<T: Clone, K: Ord>(
            items: impl Iterator<Item = T>,
            key: impl Fn(&T) -> K,
        ) -> Vec<T> {
            let mut items: Vec<T> = items.collect();
            items.sort_by_key(|item| key(item));
            items
        }
        let current_user = cache.current_user().map(|u| u.id);
        let mut messages: Vec<Message> = cache.messages().cloned().collect();
        // Channel by channel (sorted, so equal caches give equal snapshots), keeping each
        // channel's own order: a stable sort by channel only.
        messages.sort_by_key(|m| m.channel);
        Self {
            version: FORMAT_VERSION,
            seq,
            stream_id,
            current_user,
            users: sorted(cache.users().cloned(), |u| u.id),
            servers: sorted(cache.servers().cloned(), |s| s.id),
            channels: sorted(cache.channels().cloned(), |c| c.id()),
            members: sorted(cache.members().cloned(), |m| m.id),
            emojis: sorted(cache.emojis().cloned(), |e| e.id),
            messages,
        }
    }

    /// A cache (with `config`) holding what the snapshot holds.
    ///
    /// Rebuilt through [`Cache::apply`], so the cache's own rules (what `config` keeps, the
    /// message bound) hold as if the events had arrived.
    pub fn restore(&self, config: CacheConfig) -> Cache {
        let mut cache = Cache::new(config);
        // Messages first: no channel is cached yet, so replaying them leaves the channels'
        // `last_message_id` exactly as the snapshot has it.
        for message in &self.messages {
            cache.apply(&Event::Message(Arc::new(message.clone())));
        }
        let ready = self.ready();
        cache.apply(&Event::Ready(Box::new(ready)));
        cache
    }

    /// The snapshot's objects as a `Ready` (without its messages): what a worker whose cache
    /// fell behind the stream applies to catch up, as if the session had reconnected.
    pub fn ready(&self) -> Ready {
        // Ready names the current user as the one marked as yourself, else the last one.
        let mut users = self.users.clone();
        if let Some(me) = self.current_user {
            if let Some(at) = users.iter().position(|u| u.id == me) {
                let user = users.remove(at);
                users.push(user);
            }
        }
        Ready {
            users: Some(shared(users)),
            servers: Some(shared(self.servers.clone())),
            channels: Some(shared(self.channels.clone())),
            members: Some(shared(self.members.clone())),
            emojis: Some(shared(self.emojis.clone())),
            ..Ready::default()
        }
    }

    /// The JSON document.
    pub fn encode(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// Reads a JSON document; a newer format version is an error.
    pub fn decode(bytes: &[u8]) -> Result<Self, FormatError> {
        #[derive(Deserialize)]
        struct VersionOnly {
            v: u32,
        }
        check_version(serde_json::from_slice::<VersionOnly>(bytes)?.v)?;
        Ok(serde_json::from_slice(bytes)?)
    }
}

/// `Ready` holds its objects shared (the cache keeps the same allocations).
fn shared<T>(values: Vec<T>) -> Vec<Arc<T>> {
    values.into_iter().map(Arc::new).collect()
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::fanout::Envelope;
    use crate::model::Timestamp;

    fn fixtures() -> Vec<(String, Event)> {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../conformance/fixtures/events");
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "json") {
                let text = std::fs::read_to_string(&path).unwrap();
                let event: Event = serde_json::from_str(&text).unwrap();
                out.push((path.display().to_string(), event));
            }
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }

    #[test]
    fn every_fixture_event_survives_the_envelope() {
        let events = fixtures();
        assert!(events.len() > 50, "fixtures found: {}", events.len());
        for (name, event) in events {
            let envelope = Envelope::new(1, Timestamp::from_millis(2), event);
            let decoded = Envelope::decode(&envelope.encode()).unwrap();
            assert_eq!(decoded, envelope, "{name}");
        }
    }

    #[test]
    fn a_restored_cache_is_the_cache() {
        let mut cache = Cache::default();
        let mut replayed = 0;
        for (name, event) in fixtures() {
            // Ready first, then everything else, as a session sees them.
            if name.contains("Ready.full") {
                cache.apply(&event);
            }
        }
        for (name, event) in fixtures() {
            // Messages, edits and joins: what fills a cache beyond its Ready.
            let keep = [
                "/Message.",
                "/MessageUpdate.",
                "/MessageReact.",
                "/ServerMemberJoin.",
            ];
            if keep.iter().any(|k| name.contains(k)) {
                cache.apply(&event);
                replayed += 1;
            }
        }
        assert!(replayed > 5);
        assert!(cache.messages().count() > 1);
        let snapshot = Snapshot::capture(&cache, 99, Some("5-1".parse().unwrap()));
        assert!(!snapshot.users.is_empty() && !snapshot.channels.is_empty());
        assert!(!snapshot.servers.is_empty() && !snapshot.members.is_empty());
        let loaded = Snapshot::decode(&snapshot.encode()).unwrap();
        assert_eq!(loaded, snapshot);
        let restored = loaded.restore(cache.config());
        assert_eq!(Snapshot::capture(&restored, 99, loaded.stream_id), snapshot);
        assert_eq!(
            restored.current_user().map(|u| u.id),
            cache.current_user().map(|u| u.id)
        );
    }

    #[test]
    fn snapshots_of_a_newer_format_are_rejected() {
        let mut document: serde_json::Value =
            serde_json::from_slice(&Snapshot::capture(&Cache::default(), 0, None).encode())
                .unwrap();
        document["v"] = 2.into();
        let bytes = serde_json::to_vec(&document).unwrap();
        assert!(matches!(
            Snapshot::decode(&bytes),
            Err(FormatError::UnsupportedVersion { found: 2, .. })
        ));
        assert!(Snapshot::decode(b"[1]").is_err());
    }
}
