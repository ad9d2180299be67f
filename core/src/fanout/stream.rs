//! Stream entry ids, a worker's share/cache/ack decisions, and the claim schedule.

use std::collections::{BTreeMap, VecDeque};
use std::fmt;
use std::str::FromStr;
use std::time::{Duration, Instant};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{Envelope, FormatError};
use crate::cache::Change;
use crate::client::Update;
use crate::gateway::Event;

/// A Redis stream entry id: `<milliseconds>-<sequence>`, ordered as Redis orders them.
///
/// ```
/// use stoat_core::fanout::EntryId;
/// let id: EntryId = "1700000000000-3".parse().unwrap();
/// assert_eq!(id.to_string(), "1700000000000-3");
/// assert!(id < "1700000000001-0".parse().unwrap());
/// assert_eq!(EntryId::ZERO.to_string(), "0-0");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct EntryId {
    /// The milliseconds part.
    pub millis: u64,
    /// The sequence part.
    pub seq: u64,
}

impl EntryId {
    /// `0-0`: before every entry.
    pub const ZERO: EntryId = EntryId { millis: 0, seq: 0 };
}

impl FromStr for EntryId {
    type Err = FormatError;

    fn from_str(text: &str) -> Result<Self, FormatError> {
        let invalid = || FormatError::InvalidId(text.chars().take(64).collect());
        let (millis, seq) = text.split_once('-').unwrap_or((text, "0"));
        Ok(Self {
            millis: millis.parse().map_err(|_| invalid())?,
            seq: seq.parse().map_err(|_| invalid())?,
        })
    }
}

impl fmt::Display for EntryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.millis, self.seq)
    }
}

impl Serialize for EntryId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for EntryId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// An update handed to a worker's user, with the stream entry it came from.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Delivery {
    /// The stream entry (what is acknowledged).
    pub id: EntryId,
    /// The event and its cache change.
    pub update: Update,
}

/// The event stream skipped entries the worker never applied (they were trimmed by
/// `MAXLEN` while it was behind): its cache must be reloaded from the snapshot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("event stream gap: expected sequence {expected}, found {found}")]
pub struct Gap {
    /// The sequence number that should have come next.
    pub expected: u64,
    /// The one that did.
    pub found: u64,
}

/// How many applied updates a worker remembers, so an entry claimed soon after it was
/// applied is handed over with its real cache change.
const RECENT: usize = 1024;

/// A worker's bookkeeping between its two reads of the event stream.
///
/// A worker reads the stream twice: its *share* through the consumer group
/// (`XREADGROUP ... >`, and entries it claims), and the *whole* stream (`XREAD` from
/// [`cursor`](Self::cursor)) to keep its cache current. The tracker joins them:
///
/// * every entry of the whole stream is applied to the cache once, in order
///   ([`on_stream_entry`](Self::on_stream_entry));
/// * an entry of the share is handed to the user once the cache has applied it, with the
///   change that applying it made ([`on_share_entry`](Self::on_share_entry),
///   [`next_delivery`](Self::next_delivery)); while a share entry is ahead of the cache,
///   [`behind`](Self::behind) says to read the whole stream further first;
/// * an entry is acknowledged after its handler returned: when the user asks for the next
///   update (or explicitly, [`ack`](Self::ack)); entries that cannot be decoded are
///   acknowledged at once, as nobody could ever handle them ([`take_acks`](Self::take_acks)).
///
/// A share entry older than the cache (one claimed from a dead worker) is handed over with
/// the change remembered from applying it, or, if that is too long ago, with
/// [`Change::None`]: the event is exact, the "before" is no longer known.
#[derive(Debug)]
pub struct Tracker {
    cursor: EntryId,
    last_seq: Option<u64>,
    owned: BTreeMap<EntryId, Option<Envelope>>,
    recent: VecDeque<(EntryId, Update)>,
    ready: VecDeque<Delivery>,
    handed_out: Vec<EntryId>,
    due: Vec<EntryId>,
}

impl Tracker {
    /// A tracker whose cache holds everything up to `stream_id` (the snapshot's position,
    /// `None` for an empty cache that must read the stream from its start), the event with
    /// sequence number `seq` last.
    pub fn new(stream_id: Option<EntryId>, seq: u64) -> Self {
        Self {
            cursor: stream_id.unwrap_or(EntryId::ZERO),
            last_seq: stream_id.map(|_| seq),
            owned: BTreeMap::new(),
            recent: VecDeque::new(),
            ready: VecDeque::new(),
            handed_out: Vec::new(),
            due: Vec::new(),
        }
    }

    /// The last entry the cache applied: read the whole stream after it (`XREAD ... <cursor>`).
    pub fn cursor(&self) -> EntryId {
        self.cursor
    }

    /// Whether a share entry waits for the cache to catch up: read the whole stream now.
    pub fn behind(&self) -> bool {
        !self.owned.is_empty()
    }

    /// An entry of the whole stream. Entries at or before the cursor were applied already
    /// and are ignored; an undecodable one is skipped (and acknowledged if it is this
    /// worker's share). `apply` is called with the event of each new entry and must apply
    /// it to the cache, returning the update.
    ///
    /// Fails with [`Gap`] when entries are missing between the cursor and this one: reload
    /// the snapshot ([`reset`](Self::reset)) and read on from there.
    pub fn on_stream_entry(
        &mut self,
        id: EntryId,
        payload: Option<&[u8]>,
        apply: impl FnOnce(Event) -> Update,
    ) -> Result<(), Gap> {
        if id <= self.cursor {
            return Ok(());
        }
        let envelope = match payload.map(Envelope::decode) {
            Some(Ok(envelope)) => envelope,
            Some(Err(error)) => {
                tracing::warn!(%id, %error, "skipping an unreadable event stream entry");
                return self.skip(id);
            }
            None => {
                tracing::warn!(%id, "skipping an event stream entry without its field");
                return self.skip(id);
            }
        };
        if let Some(last) = self.last_seq {
            // A sequence number at or below the last one means the bridge started over
            // (its Redis state was lost): nothing is missing from what it sends now.
            if envelope.seq > last + 1 {
                return Err(Gap {
                    expected: last + 1,
                    found: envelope.seq,
                });
            }
        }
        self.cursor = id;
        self.last_seq = Some(envelope.seq);
        let update = apply(envelope.event);
        if self.owned.remove(&id).is_some() {
            self.ready.push_back(Delivery {
                id,
                update: update.clone(),
            });
        }
        self.recent.push_back((id, update));
        while self.recent.len() > RECENT {
            self.recent.pop_front();
        }
        Ok(())
    }

    fn skip(&mut self, id: EntryId) -> Result<(), Gap> {
        self.cursor = id;
        if self.owned.remove(&id).is_some() {
            self.due.push(id);
        }
        Ok(())
    }

    /// An entry of this worker's share (read through the group, or claimed).
    pub fn on_share_entry(&mut self, id: EntryId, payload: Option<&[u8]>) {
        if self.handed_out.contains(&id) || self.ready.iter().any(|d| d.id == id) {
            return;
        }
        let envelope = payload.and_then(|bytes| Envelope::decode(bytes).ok());
        if id > self.cursor {
            self.owned.insert(id, envelope);
            return;
        }
        self.hand_over_applied(id, envelope);
    }

    fn hand_over_applied(&mut self, id: EntryId, envelope: Option<Envelope>) {
        if let Some((_, update)) = self.recent.iter().find(|(seen, _)| *seen == id) {
            let update = update.clone();
            self.ready.push_back(Delivery { id, update });
            return;
        }
        match envelope {
            Some(envelope) => self.ready.push_back(Delivery {
                id,
                update: Update {
                    event: envelope.event,
                    change: Change::None,
                },
            }),
            // Nobody can ever handle it: acknowledge it so it stops being claimed.
            None => self.due.push(id),
        }
    }

    /// Entries `XAUTOCLAIM` reported as deleted from the stream while pending: they are
    /// acknowledged, as there is nothing left to handle.
    pub fn on_claimed_deleted(&mut self, ids: impl IntoIterator<Item = EntryId>) {
        self.due.extend(ids);
    }

    /// The cache was reloaded from a snapshot current to `stream_id` (event `seq`).
    ///
    /// Share entries the snapshot already covers are handed over with [`Change::None`].
    pub fn reset(&mut self, stream_id: Option<EntryId>, seq: u64) {
        self.cursor = stream_id.unwrap_or(EntryId::ZERO);
        self.last_seq = stream_id.map(|_| seq);
        self.recent.clear();
        let covered: Vec<EntryId> = self
            .owned
            .range(..=self.cursor)
            .map(|(id, _)| *id)
            .collect();
        for id in covered {
            let envelope = self.owned.remove(&id).flatten();
            self.hand_over_applied(id, envelope);
        }
    }

    /// The next update for the user, if one is ready.
    ///
    /// Asking for the next update means the handler of every update handed out before it
    /// returned: their entries become due for acknowledgement. (Handle updates one at a
    /// time with this, or keep them and [`ack`](Self::ack) each explicitly, never both.)
    pub fn next_delivery(&mut self) -> Option<Delivery> {
        self.due.append(&mut self.handed_out);
        let delivery = self.ready.pop_front()?;
        self.handed_out.push(delivery.id);
        Some(delivery)
    }

    /// The next update for the user, if one is ready, without acknowledging anything: for a
    /// driver that hands updates to another thread and learns through [`ack`](Self::ack)
    /// when each handler returned.
    pub fn take_ready(&mut self) -> Option<Delivery> {
        let delivery = self.ready.pop_front()?;
        self.handed_out.push(delivery.id);
        Some(delivery)
    }

    /// Entries handed out or ready whose handlers have not returned: a worker reads more of
    /// its share only while this is below its limit, so the group spreads the work.
    pub fn in_flight(&self) -> usize {
        self.handed_out.len() + self.ready.len() + self.owned.len()
    }

    /// Marks one handed-out entry as handled (due for acknowledgement) without asking for
    /// the next update. Unknown ids are ignored.
    pub fn ack(&mut self, id: EntryId) {
        if let Some(at) = self.handed_out.iter().position(|seen| *seen == id) {
            self.handed_out.remove(at);
            self.due.push(id);
        }
    }

    /// The entries to `XACK` now (each is returned once).
    pub fn take_acks(&mut self) -> Vec<EntryId> {
        std::mem::take(&mut self.due)
    }

    /// Whether an update is ready to hand over.
    pub fn has_ready(&self) -> bool {
        !self.ready.is_empty()
    }
}

/// How a worker takes over entries that another consumer left pending.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ClaimPolicy {
    /// An entry pending for longer than this is presumed abandoned (its worker died) and
    /// claimed. Longer than your slowest handler, or a slow handler's entry is handled twice.
    pub min_idle: Duration,
    /// How often to look for abandoned entries.
    pub every: Duration,
    /// Entries claimed per `XAUTOCLAIM` call.
    pub count: usize,
}

impl Default for ClaimPolicy {
    fn default() -> Self {
        Self {
            min_idle: Duration::from_secs(30),
            every: Duration::from_secs(5),
            count: 64,
        }
    }
}

impl ClaimPolicy {
    /// Sets the idle time after which an entry is claimed.
    pub fn min_idle(mut self, idle: Duration) -> Self {
        self.min_idle = idle;
        self
    }

    /// Sets how often to look for abandoned entries.
    pub fn every(mut self, every: Duration) -> Self {
        self.every = every;
        self
    }
}

/// When to call `XAUTOCLAIM`, and from which id.
///
/// A pass walks the pending entries from `0-0` in steps of [`ClaimPolicy::count`]; while
/// Redis answers with a next start other than `0-0`, the pass goes on at once, and after it
/// the next pass is due [`ClaimPolicy::every`] later.
///
/// ```
/// use std::time::{Duration, Instant};
/// use stoat_core::fanout::{ClaimPolicy, ClaimSchedule, EntryId};
/// // `start` is whatever instant the driver (or a test's virtual clock) says it is.
/// fn walk(start: Instant) {
/// let mut schedule = ClaimSchedule::new(ClaimPolicy::default().every(Duration::from_secs(5)));
/// assert!(schedule.due(start));
/// schedule.claimed(start, "5-0".parse().unwrap()); // more to walk
/// assert!(schedule.due(start));
/// assert_eq!(schedule.start(), "5-0".parse().unwrap());
/// schedule.claimed(start, EntryId::ZERO); // pass complete
/// assert!(!schedule.due(start + Duration::from_secs(4)));
/// assert!(schedule.due(start + Duration::from_secs(5)));
/// }
/// # let _ = walk;
/// ```
#[derive(Clone, Debug)]
pub struct ClaimSchedule {
    policy: ClaimPolicy,
    start: EntryId,
    next_at: Option<Instant>,
}

impl ClaimSchedule {
    /// A schedule whose first pass is due at once.
    pub fn new(policy: ClaimPolicy) -> Self {
        Self {
            policy,
            start: EntryId::ZERO,
            next_at: None,
        }
    }

    /// The policy.
    pub fn policy(&self) -> &ClaimPolicy {
        &self.policy
    }

    /// Whether to call `XAUTOCLAIM` now.
    pub fn due(&self, now: Instant) -> bool {
        self.next_at.is_none_or(|at| now >= at)
    }

    /// When the next call is due (`None`: now).
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.next_at
    }

    /// The start id of the next call.
    pub fn start(&self) -> EntryId {
        self.start
    }

    /// `XAUTOCLAIM` answered `next_start` (`0-0` when the pass is complete).
    pub fn claimed(&mut self, now: Instant, next_start: EntryId) {
        self.start = next_start;
        self.next_at = if next_start == EntryId::ZERO {
            Some(now + self.policy.every)
        } else {
            None
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Timestamp;

    fn id(n: u64) -> EntryId {
        EntryId { millis: n, seq: 0 }
    }

    fn entry(seq: u64) -> Vec<u8> {
        let event: Event = serde_json::from_value(serde_json::json!({
            "type": "ChannelStartTyping", "id": "01M7YSZ8V81AWBPFRM30NYSV34",
            "user": format!("01M7YSZ8V6D4QNP163AMRA3A{:02}", seq % 100),
        }))
        .unwrap();
        Envelope::new(seq, Timestamp::from_millis(0), event).encode()
    }

    fn apply_counting(count: &mut usize) -> impl FnOnce(Event) -> Update + '_ {
        move |event| {
            *count += 1;
            Update {
                event,
                change: Change::None,
            }
        }
    }

    #[test]
    fn ids_parse_and_reject_garbage() {
        assert_eq!("5".parse::<EntryId>().unwrap(), id(5));
        for bad in ["", "-", "a-1", "1-b", "1-2-3", "-1-0"] {
            assert!(bad.parse::<EntryId>().is_err(), "{bad}");
        }
        let json = serde_json::to_string(&id(3)).unwrap();
        assert_eq!(json, r#""3-0""#);
        assert_eq!(serde_json::from_str::<EntryId>(&json).unwrap(), id(3));
    }

    #[test]
    fn every_entry_is_applied_once_and_only_the_share_is_handed_over() {
        let mut tracker = Tracker::new(None, 0);
        let mut applied = 0;
        tracker.on_share_entry(id(2), Some(&entry(2)));
        assert!(tracker.behind(), "share entry 2 is ahead of the cache");
        assert!(
            tracker.next_delivery().is_none(),
            "not before the cache has it"
        );
        for n in 1..=3 {
            tracker
                .on_stream_entry(id(n), Some(&entry(n)), apply_counting(&mut applied))
                .unwrap();
        }
        // Reading the same entries again changes nothing.
        for n in 1..=3 {
            tracker
                .on_stream_entry(id(n), Some(&entry(n)), apply_counting(&mut applied))
                .unwrap();
        }
        assert_eq!(applied, 3);
        assert!(!tracker.behind());
        assert_eq!(tracker.cursor(), id(3));
        let delivery = tracker.next_delivery().unwrap();
        assert_eq!(delivery.id, id(2));
        assert!(tracker.next_delivery().is_none());
        assert_eq!(
            tracker.take_acks(),
            vec![id(2)],
            "acked once the next is asked for"
        );
        assert!(tracker.take_acks().is_empty(), "and only once");
    }

    #[test]
    fn ack_happens_after_the_handler_not_at_delivery() {
        let mut tracker = Tracker::new(None, 0);
        let mut applied = 0;
        for n in 1..=2 {
            tracker.on_share_entry(id(n), Some(&entry(n)));
            tracker
                .on_stream_entry(id(n), Some(&entry(n)), apply_counting(&mut applied))
                .unwrap();
        }
        let first = tracker.next_delivery().unwrap();
        assert!(tracker.take_acks().is_empty(), "handler of 1 still running");
        let second = tracker.next_delivery().unwrap();
        assert_eq!(tracker.take_acks(), vec![first.id]);
        tracker.ack(second.id);
        tracker.ack(second.id);
        assert_eq!(tracker.take_acks(), vec![second.id]);
    }

    #[test]
    fn claimed_entries_get_their_remembered_change_or_none() {
        let mut tracker = Tracker::new(None, 0);
        let applied = |event| Update {
            event,
            change: Change::MessageCreated,
        };
        tracker
            .on_stream_entry(id(1), Some(&entry(1)), applied)
            .unwrap();
        // Claimed after the cache applied it: the change from then.
        tracker.on_share_entry(id(1), Some(&entry(1)));
        assert_eq!(
            tracker.next_delivery().unwrap().update.change,
            Change::MessageCreated
        );
        // Claimed after a snapshot reload: the event, with no "before".
        let mut tracker = Tracker::new(Some(id(10)), 10);
        tracker.on_share_entry(id(4), Some(&entry(4)));
        let delivery = tracker.next_delivery().unwrap();
        assert_eq!(delivery.id, id(4));
        assert_eq!(delivery.update.change, Change::None);
        // Claimed but unreadable: acknowledged, never handed over.
        tracker.on_share_entry(id(5), Some(b"garbage"));
        assert!(tracker.next_delivery().is_none());
        let mut acks = tracker.take_acks();
        acks.sort();
        assert_eq!(acks, vec![id(4), id(5)]);
    }

    #[test]
    fn unreadable_stream_entries_are_skipped_and_acked_if_owned() {
        let mut tracker = Tracker::new(None, 0);
        let mut applied = 0;
        tracker.on_share_entry(id(1), Some(b"{"));
        tracker
            .on_stream_entry(id(1), Some(b"{"), apply_counting(&mut applied))
            .unwrap();
        tracker
            .on_stream_entry(id(2), None, apply_counting(&mut applied))
            .unwrap();
        assert_eq!(applied, 0);
        assert_eq!(tracker.cursor(), id(2));
        assert!(!tracker.behind());
        assert_eq!(tracker.take_acks(), vec![id(1)]);
    }

    #[test]
    fn a_trimmed_stream_is_a_gap_and_a_reset_recovers() {
        let mut tracker = Tracker::new(Some(id(1)), 1);
        let mut applied = 0;
        tracker.on_share_entry(id(5), Some(&entry(5)));
        tracker.on_share_entry(id(9), Some(&entry(9)));
        let gap = tracker
            .on_stream_entry(id(5), Some(&entry(5)), apply_counting(&mut applied))
            .unwrap_err();
        assert_eq!(
            gap,
            Gap {
                expected: 2,
                found: 5
            }
        );
        assert_eq!(applied, 0);
        // The snapshot is at seq 6: entry 5 is covered, entry 9 is still ahead.
        tracker.reset(Some(id(6)), 6);
        assert_eq!(tracker.next_delivery().unwrap().id, id(5));
        assert!(tracker.behind());
        tracker
            .on_stream_entry(id(9), Some(&entry(7)), apply_counting(&mut applied))
            .unwrap();
        assert_eq!(tracker.next_delivery().unwrap().id, id(9));
    }

    #[test]
    fn a_bridge_that_started_over_is_not_a_gap() {
        let mut tracker = Tracker::new(Some(id(1)), 50);
        let mut applied = 0;
        tracker
            .on_stream_entry(id(2), Some(&entry(1)), apply_counting(&mut applied))
            .unwrap();
        assert_eq!(applied, 1);
    }

    #[test]
    fn duplicates_of_the_share_are_not_handed_over_twice() {
        let mut tracker = Tracker::new(None, 0);
        let mut applied = 0;
        tracker.on_share_entry(id(1), Some(&entry(1)));
        tracker
            .on_stream_entry(id(1), Some(&entry(1)), apply_counting(&mut applied))
            .unwrap();
        tracker.on_share_entry(id(1), Some(&entry(1)));
        assert!(tracker.next_delivery().is_some());
        tracker.on_share_entry(id(1), Some(&entry(1)));
        assert!(tracker.next_delivery().is_none());
    }

    #[test]
    fn take_ready_leaves_the_ack_to_the_caller() {
        let mut tracker = Tracker::new(None, 0);
        let mut applied = 0;
        for n in 1..=2 {
            tracker.on_share_entry(id(n), Some(&entry(n)));
        }
        assert_eq!(tracker.in_flight(), 2);
        for n in 1..=2 {
            tracker
                .on_stream_entry(id(n), Some(&entry(n)), apply_counting(&mut applied))
                .unwrap();
        }
        let first = tracker.take_ready().unwrap();
        let second = tracker.take_ready().unwrap();
        assert!(tracker.take_acks().is_empty());
        assert_eq!(tracker.in_flight(), 2);
        tracker.ack(second.id);
        assert_eq!(tracker.take_acks(), vec![second.id]);
        assert_eq!(tracker.in_flight(), 1);
        tracker.ack(first.id);
        assert_eq!(tracker.in_flight(), 0);
    }

    #[test]
    fn deleted_pending_entries_are_acked() {
        let mut tracker = Tracker::new(None, 0);
        tracker.on_claimed_deleted([id(3), id(4)]);
        assert_eq!(tracker.take_acks(), vec![id(3), id(4)]);
    }
}
