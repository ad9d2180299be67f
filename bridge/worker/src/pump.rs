//! The worker's reading thread.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use redis::streams::StreamReadReply;
use redis::streams::{StreamAutoClaimOptions, StreamAutoClaimReply, StreamId, StreamReadOptions};
use redis::{Commands, Connection};
use stoat_core::auth::Token;
use stoat_core::cache::Cache;
use stoat_core::client::standby::Deliver;
use stoat_core::client::ClientState;
use stoat_core::fanout::{ClaimSchedule, Delivery, EntryId, Keys, Snapshot, Tracker, ENTRY_FIELD};
use stoat_core::gateway::{CloseReason, Event, Session, SessionConfig, SessionState};

use crate::{WorkerError, WorkerOptions};

/// Entries read from the whole stream per `XREAD`.
const CACHE_BATCH: usize = 512;

/// What the pump hands to the runtime.
#[derive(Debug)]
#[non_exhaustive]
pub enum PumpEvent {
    /// An update of this worker's share, applied to the cache already.
    Update(Delivery),
    /// The pump stopped on an error (Redis went away); nothing follows.
    Failed(WorkerError),
}

/// The thread that moves a worker's share and the whole stream from Redis into its cache
/// and to its user. Dropping it stops the thread (after acknowledging what was handled).
#[derive(Debug)]
pub struct Pump<S: Deliver> {
    state: Arc<ClientState<S>>,
    events: async_channel::Receiver<PumpEvent>,
    acks: crossbeam_channel::Sender<EntryId>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    keys: Keys,
}

struct Reader<S: Deliver> {
    conn: Connection,
    options: WorkerOptions,
    events_key: String,
    snapshot_key: String,
    state: Arc<ClientState<S>>,
    tracker: Tracker,
    claims: ClaimSchedule,
    out: async_channel::Sender<PumpEvent>,
    acks: crossbeam_channel::Receiver<EntryId>,
    stop: Arc<AtomicBool>,
}

fn payload(entry: &StreamId) -> Option<Vec<u8>> {
    entry
        .map
        .get(ENTRY_FIELD)
        .and_then(|v| redis::from_redis_value::<Vec<u8>>(v).ok())
}

fn parse_id(entry: &StreamId) -> Option<EntryId> {
    entry.id.parse().ok()
}

fn load_snapshot(conn: &mut Connection, key: &str) -> Result<Option<Snapshot>, WorkerError> {
    let bytes: Option<Vec<u8>> = conn.get(key)?;
    match bytes {
        Some(bytes) => Ok(Some(Snapshot::decode(&bytes)?)),
        None => Ok(None),
    }
}

impl<S: Deliver + Send + 'static> Pump<S> {
    /// Connects, loads the cache snapshot, joins the consumer group (creating it at the
    /// snapshot's position if it does not exist) and starts reading.
    pub fn start(options: WorkerOptions) -> Result<Self, WorkerError> {
        let client = redis::Client::open(options.redis_url.as_str())?;
        let mut conn = client.get_connection()?;
        let keys = options.keys();
        let snapshot = load_snapshot(&mut conn, &keys.snapshot())?;
        let (cache, stream_id, seq) = match &snapshot {
            Some(snapshot) => (
                snapshot.restore(options.cache),
                snapshot.stream_id,
                snapshot.seq,
            ),
            None => (Cache::new(options.cache), None, 0),
        };
        let start = stream_id.unwrap_or(EntryId::ZERO).to_string();
        match conn.xgroup_create_mkstream::<_, _, _, ()>(keys.events(), &options.group, start) {
            Ok(()) => {}
            Err(error) if error.code() == Some("BUSYGROUP") => {}
            Err(error) => return Err(error.into()),
        }
        let state = Arc::new(ClientState::new(cache, SessionState::Ready));
        let (out, events) = async_channel::unbounded();
        let (acks, acks_rx) = crossbeam_channel::unbounded();
        let stop = Arc::new(AtomicBool::new(false));
        let reader = Reader {
            conn,
            events_key: keys.events(),
            snapshot_key: keys.snapshot(),
            state: state.clone(),
            tracker: Tracker::new(stream_id, seq),
            claims: ClaimSchedule::new(options.claim),
            options,
            out,
            acks: acks_rx,
            stop: stop.clone(),
        };
        let thread = std::thread::Builder::new()
            .name("stoat-worker".to_owned())
            .spawn(move || reader.run())
            .map_err(|e| {
                WorkerError::Redis(redis::RedisError::from(std::io::Error::other(
                    e.to_string(),
                )))
            })?;
        Ok(Self {
            state,
            events,
            acks,
            stop,
            thread: Some(thread),
            keys,
        })
    }

    /// The cache and the `wait_for` registry (fed from the whole stream).
    pub fn state(&self) -> &Arc<ClientState<S>> {
        &self.state
    }

    /// The updates of this worker's share, in stream order (async `recv()` on any executor,
    /// `recv_blocking()` from a thread).
    pub fn events(&self) -> &async_channel::Receiver<PumpEvent> {
        &self.events
    }

    /// The handler of `id` returned: acknowledge it (`XACK`, done by the thread shortly).
    pub fn ack(&self, id: EntryId) {
        let _ = self.acks.send(id);
    }

    /// The bot's keys.
    pub fn keys(&self) -> &Keys {
        &self.keys
    }

    /// Stops the thread after it acknowledged every handled entry. Updates it had read but
    /// not handed over stay pending, for another worker to claim.
    pub fn stop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl<S: Deliver> Drop for Pump<S> {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl<S: Deliver> Reader<S> {
    fn run(mut self) {
        let result = self.pump();
        // Whatever happened, what was handled is acknowledged if Redis still answers.
        let _ = self.flush_acks();
        // The worker has no session of its own: this one only carries the close reason.
        let session = Session::new(SessionConfig::new("ws://fan-out.invalid", Token::bot("-")));
        self.state.finish(&session, CloseReason::Requested);
        if let Err(error) = result {
            tracing::warn!(%error, "worker stopped");
            let _ = self.out.try_send(PumpEvent::Failed(error));
        }
    }

    fn pump(&mut self) -> Result<(), WorkerError> {
        while !self.stop.load(Ordering::Relaxed) {
            if self.out.is_closed() {
                return Ok(());
            }
            self.flush_acks()?;
            let now = Instant::now();
            if self.claims.due(now) {
                self.claim(now)?;
            }
            let room = self.tracker.in_flight() < self.options.max_in_flight;
            if room && !self.tracker.behind() {
                self.read_share()?;
            } else if !room {
                // Wait for a handler to finish rather than for more work.
                if let Ok(id) = self.acks.recv_timeout(self.options.block) {
                    self.tracker.ack(id);
                }
            }
            self.read_whole_stream()?;
            while let Some(delivery) = self.tracker.take_ready() {
                if self.out.try_send(PumpEvent::Update(delivery)).is_err() {
                    return Ok(());
                }
            }
        }
        Ok(())
    }

    fn flush_acks(&mut self) -> Result<(), WorkerError> {
        for id in self.acks.try_iter() {
            self.tracker.ack(id);
        }
        let due = self.tracker.take_acks();
        if !due.is_empty() {
            let ids: Vec<String> = due.iter().map(EntryId::to_string).collect();
            self.conn
                .xack::<_, _, _, ()>(&self.events_key, &self.options.group, &ids)?;
        }
        Ok(())
    }

    fn claim(&mut self, now: Instant) -> Result<(), WorkerError> {
        let idle = u64::try_from(self.claims.policy().min_idle.as_millis()).unwrap_or(u64::MAX);
        let options = StreamAutoClaimOptions::default().count(self.claims.policy().count);
        let reply: StreamAutoClaimReply = self.conn.xautoclaim_options(
            &self.events_key,
            &self.options.group,
            &self.options.consumer,
            idle,
            self.claims.start().to_string(),
            options,
        )?;
        for entry in &reply.claimed {
            if let Some(id) = parse_id(entry) {
                tracing::debug!(%id, "claimed an abandoned entry");
                self.tracker.on_share_entry(id, payload(entry).as_deref());
            }
        }
        self.tracker
            .on_claimed_deleted(reply.deleted_ids.iter().filter_map(|id| id.parse().ok()));
        let next = reply.next_stream_id.parse().unwrap_or(EntryId::ZERO);
        self.claims.claimed(now, next);
        Ok(())
    }

    fn read_share(&mut self) -> Result<(), WorkerError> {
        let room = self.options.max_in_flight - self.tracker.in_flight();
        let options = StreamReadOptions::default()
            .group(&self.options.group, &self.options.consumer)
            .count(room)
            .block(block_ms(self.options.block));
        let reply: Option<StreamReadReply> =
            self.conn
                .xread_options(&[&self.events_key], &[">"], &options)?;
        for key in reply.into_iter().flat_map(|r| r.keys) {
            for entry in &key.ids {
                if let Some(id) = parse_id(entry) {
                    self.tracker.on_share_entry(id, payload(entry).as_deref());
                }
            }
        }
        Ok(())
    }

    fn read_whole_stream(&mut self) -> Result<(), WorkerError> {
        loop {
            let options = StreamReadOptions::default().count(CACHE_BATCH);
            let cursor = self.tracker.cursor().to_string();
            let reply: Option<StreamReadReply> =
                self.conn
                    .xread_options(&[&self.events_key], &[cursor], &options)?;
            let entries: Vec<StreamId> = reply
                .into_iter()
                .flat_map(|r| r.keys)
                .flat_map(|k| k.ids)
                .collect();
            let read = entries.len();
            for entry in &entries {
                let Some(id) = parse_id(entry) else { continue };
                let state = &self.state;
                let applied =
                    self.tracker
                        .on_stream_entry(id, payload(entry).as_deref(), |event| {
                            state.receive(event)
                        });
                if let Err(gap) = applied {
                    tracing::warn!(%gap, "reloading the cache snapshot");
                    self.reload()?;
                    break;
                }
            }
            if read < CACHE_BATCH && !self.tracker.behind() {
                return Ok(());
            }
            if read == 0 {
                // Behind, but the stream has nothing newer yet (the share read raced the
                // append): wait a moment for it.
                std::thread::sleep(Duration::from_millis(1));
            }
        }
    }

    fn reload(&mut self) -> Result<(), WorkerError> {
        let snapshot = load_snapshot(&mut self.conn, &self.snapshot_key)?;
        let (stream_id, seq) = match &snapshot {
            Some(snapshot) => {
                self.state.receive(Event::Ready(Box::new(snapshot.ready())));
                (snapshot.stream_id, snapshot.seq)
            }
            None => (None, 0),
        };
        self.tracker.reset(stream_id, seq);
        Ok(())
    }
}

fn block_ms(block: Duration) -> usize {
    usize::try_from(block.as_millis())
        .unwrap_or(usize::MAX)
        .max(1)
}
