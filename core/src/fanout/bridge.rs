//! The bridge's decisions: sequence numbers, resuming, when to refresh the snapshot.

use std::time::{Duration, Instant};

use super::{EntryId, Envelope, Snapshot};
use crate::cache::Cache;
use crate::gateway::Event;
use crate::model::Timestamp;

/// What the bridge keeps between appends.
///
/// On start, [`resume`](Self::resume) continues the sequence numbers of the stream's last
/// entry, so a restarted bridge appends where the last one stopped. For each event,
/// [`envelope`](Self::envelope) numbers it; after the append, [`appended`](Self::appended)
/// records the entry id. [`snapshot_due`](Self::snapshot_due) says when to write a new
/// [`Snapshot`]: after a `Ready` (the cache was refilled), every
/// [`snapshot_every`](Self::snapshot_every) events, and at least every
/// [`snapshot_interval`](Self::snapshot_interval) while events arrive.
///
/// ```
/// use std::time::Instant;
/// use stoat_core::fanout::{BridgeState, Envelope};
/// use stoat_core::gateway::Event;
/// use stoat_core::model::Timestamp;
///
/// fn demo(now: Instant) {
/// let last = Envelope::new(41, Timestamp::from_millis(0), Event::Authenticated).encode();
/// let mut bridge = BridgeState::new();
/// bridge.resume(Some(&last));
/// let envelope = bridge.envelope(Event::Authenticated, Timestamp::from_millis(1));
/// assert_eq!(envelope.seq, 42);
/// bridge.appended("9-0".parse().unwrap(), &envelope.event, now);
/// }
/// # let _ = demo;
/// ```
#[derive(Clone, Debug)]
pub struct BridgeState {
    seq: u64,
    last_id: Option<EntryId>,
    since_snapshot: u64,
    snapshot_every: u64,
    snapshot_interval: Duration,
    ready_pending: bool,
    last_snapshot: Option<Instant>,
}

impl Default for BridgeState {
    fn default() -> Self {
        Self::new()
    }
}

impl BridgeState {
    /// A bridge that snapshots every 1000 events or 5 seconds, whichever comes first.
    pub fn new() -> Self {
        Self {
            seq: 0,
            last_id: None,
            since_snapshot: 0,
            snapshot_every: 1000,
            snapshot_interval: Duration::from_secs(5),
            ready_pending: false,
            last_snapshot: None,
        }
    }

    /// Snapshot after this many events at most.
    pub fn snapshot_every(mut self, events: u64) -> Self {
        self.snapshot_every = events.max(1);
        self
    }

    /// Snapshot this long after the last one at most, if events arrived since.
    pub fn snapshot_interval(mut self, interval: Duration) -> Self {
        self.snapshot_interval = interval;
        self
    }

    /// Continues after the stream's last entry (its `e` field), if there is one. An entry
    /// that cannot be read leaves the numbering where it was.
    pub fn resume(&mut self, last_entry: Option<&[u8]>) {
        if let Some(envelope) = last_entry.and_then(|bytes| Envelope::decode(bytes).ok()) {
            self.seq = self.seq.max(envelope.seq);
        }
    }

    /// The sequence number of the last event numbered.
    pub fn seq(&self) -> u64 {
        self.seq
    }

    /// The entry id of the last event appended.
    pub fn last_id(&self) -> Option<EntryId> {
        self.last_id
    }

    /// Numbers `event`, received at `received_at`.
    pub fn envelope(&mut self, event: Event, received_at: Timestamp) -> Envelope {
        self.seq += 1;
        Envelope::new(self.seq, received_at, event)
    }

    /// The envelope numbered last was appended as entry `id`.
    pub fn appended(&mut self, id: EntryId, event: &Event, _now: Instant) {
        self.last_id = Some(id);
        self.since_snapshot += 1;
        if matches!(event, Event::Ready(_)) {
            self.ready_pending = true;
        }
    }

    /// Whether to write a snapshot now.
    pub fn snapshot_due(&self, now: Instant) -> bool {
        if self.since_snapshot == 0 {
            return false;
        }
        self.ready_pending
            || self.since_snapshot >= self.snapshot_every
            || self
                .last_snapshot
                .is_none_or(|at| now >= at + self.snapshot_interval)
    }

    /// When a snapshot will be due without further events (`None`: none is pending).
    pub fn poll_timeout(&self) -> Option<Instant> {
        if self.since_snapshot == 0 {
            return None;
        }
        self.last_snapshot.map(|at| at + self.snapshot_interval)
    }

    /// The snapshot of `cache` as of the last append; call
    /// [`snapshot_written`](Self::snapshot_written) once it is stored.
    pub fn snapshot(&self, cache: &Cache) -> Snapshot {
        Snapshot::capture(cache, self.seq, self.last_id)
    }

    /// The snapshot was stored.
    pub fn snapshot_written(&mut self, now: Instant) {
        self.since_snapshot = 0;
        self.ready_pending = false;
        self.last_snapshot = Some(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resume_ignores_garbage_and_never_goes_back() {
        let mut bridge = BridgeState::new();
        bridge.resume(Some(b"nope"));
        assert_eq!(bridge.seq(), 0);
        bridge.resume(None);
        let last = Envelope::new(9, Timestamp::from_millis(0), Event::Logout).encode();
        bridge.resume(Some(&last));
        assert_eq!(
            bridge
                .envelope(Event::Logout, Timestamp::from_millis(0))
                .seq,
            10
        );
        let older = Envelope::new(3, Timestamp::from_millis(0), Event::Logout).encode();
        bridge.resume(Some(&older));
        assert_eq!(bridge.seq(), 10);
    }
}
