//! # stoat-bridge
//!
//! One Stoat gateway session, fanned out to any number of workers over Redis Streams.
//!
//! Stoat gives a bot one gateway connection. When the work outgrows one process, run one
//! bridge and many workers:
//!
//! ```text
//!                    ┌────────────── Redis ───────────────┐
//!  Stoat gateway ──▶ │ stoat:{bot}:events    (stream) ────┼──▶ worker a ─┐ group "bots":
//!       ▲            │ stoat:{bot}:snapshot  (string)     │    worker b ─┤ each event to
//!   [bridge] ──XADD──│ stoat:{bot}:commands  (stream) ◀───┼──  worker c ─┘ one of them;
//!       ▲            │ stoat:{bot}:ratelimit:* (hashes) ◀─┼── every worker: whole stream
//!       └─ commands ─│                                    │    for its cache, REST via
//!                    └────────────────────────────────────┘    the shared buckets
//! ```
//!
//! * The [`Bridge`] holds the session (on the tokio adapter), applies every event to its
//!   own cache, appends it to `stoat:{bot}:events` (`XADD MAXLEN ~`) in the versioned
//!   [`Envelope`](stoat_core::fanout::Envelope), keeps a cache
//!   [`Snapshot`](stoat_core::fanout::Snapshot) in `stoat:{bot}:snapshot` for starting
//!   workers, and sends the gateway commands workers append to `stoat:{bot}:commands`.
//! * Workers (`stoat_tokio::Worker`, `stoat_async_std::Worker`, `stoat_blocking::Worker`,
//!   each behind its crate's `redis` feature) give the same `Update` stream and handle as
//!   a gateway client.
//!
//! A restarted bridge continues the sequence numbers where the stream ends.
//!
//! The binary: `stoat-bridge --redis redis://127.0.0.1:6379/ --bot mybot` with the token in
//! `STOAT_TOKEN` (`--api`, `--ws`, `--autumn` for a self-hosted instance).

use std::time::{Duration, Instant, SystemTime};

use redis::aio::MultiplexedConnection;
use redis::streams::{StreamMaxlen, StreamRangeReply, StreamReadOptions, StreamReadReply};
use redis::AsyncCommands;
use stoat_core::cache::Cache;
use stoat_core::client::{dispatch, ClientConfig};
use stoat_core::fanout::{BridgeState, CommandEnvelope, EntryId, Keys, ENTRY_FIELD};
use stoat_tokio::{Client, Handle, SessionEnded};

pub use stoat_worker::testing;

/// Why the bridge stopped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BridgeError {
    /// Redis refused or failed a command.
    #[error("redis: {0}")]
    Redis(#[from] redis::RedisError),
    /// The gateway session ended (the reason says why).
    #[error(transparent)]
    Session(#[from] SessionEnded),
    /// Connecting to Stoat failed.
    #[error("connect: {0}")]
    Connect(#[from] stoat_tokio::ConnectError),
}

/// Where and how the bridge writes.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct BridgeOptions {
    /// The Redis URL.
    pub redis_url: String,
    /// The bot name (keys are `stoat:{bot}:...`); workers use the same.
    pub bot: String,
    /// The stream is trimmed to about this many entries (`MAXLEN ~`).
    pub max_len: usize,
    /// Snapshot after this many events at most.
    pub snapshot_every: u64,
    /// Snapshot this long after the last one at most, while events arrive.
    pub snapshot_interval: Duration,
}

impl BridgeOptions {
    /// Bot `default`, 100 000 entries kept, a snapshot every 1000 events or 5 s.
    pub fn new(redis_url: impl Into<String>) -> Self {
        Self {
            redis_url: redis_url.into(),
            bot: "default".to_owned(),
            max_len: 100_000,
            snapshot_every: 1000,
            snapshot_interval: Duration::from_secs(5),
        }
    }

    /// Sets the bot name.
    pub fn bot(mut self, bot: impl Into<String>) -> Self {
        self.bot = bot.into();
        self
    }

    /// Sets the approximate stream length kept.
    pub fn max_len(mut self, entries: usize) -> Self {
        self.max_len = entries;
        self
    }

    /// Sets how often the snapshot is refreshed.
    pub fn snapshot(mut self, every: u64, interval: Duration) -> Self {
        self.snapshot_every = every;
        self.snapshot_interval = interval;
        self
    }
}

/// The bridge: a gateway client whose events go to Redis.
#[derive(Debug)]
pub struct Bridge {
    client: Client,
    options: BridgeOptions,
    keys: Keys,
    conn: MultiplexedConnection,
    state: BridgeState,
    cache: Cache,
    commands: tokio::task::JoinHandle<()>,
}

impl Bridge {
    /// Connects the gateway with `config` and Redis with `options`, and resumes the
    /// stream's numbering. Events flow once [`run`](Self::run) is awaited.
    pub async fn connect(
        config: ClientConfig,
        options: BridgeOptions,
    ) -> Result<Self, BridgeError> {
        let cache = config.new_cache();
        let client = Client::connect(config).await?;
        Self::with_client(client, cache, options).await
    }

    /// A bridge around a connected `client` (whose events it takes from now on); `cache` is
    /// the bridge's own copy, fed in stream order (so snapshots match stream positions).
    pub async fn with_client(
        client: Client,
        cache: Cache,
        options: BridgeOptions,
    ) -> Result<Self, BridgeError> {
        let redis = redis::Client::open(options.redis_url.as_str())?;
        let mut conn = redis.get_multiplexed_async_connection().await?;
        let keys = Keys::new(&options.bot);
        let mut state = BridgeState::new()
            .snapshot_every(options.snapshot_every)
            .snapshot_interval(options.snapshot_interval);
        let last: StreamRangeReply = conn.xrevrange_count(keys.events(), "+", "-", 1).await?;
        let last_payload = last
            .ids
            .first()
            .and_then(|entry| entry.map.get(ENTRY_FIELD))
            .and_then(|v| redis::from_redis_value::<Vec<u8>>(v).ok());
        state.resume(last_payload.as_deref());
        // Commands get their own connection: a blocking read would hold up the appends.
        let command_conn = redis.get_multiplexed_async_connection().await?;
        let commands = tokio::spawn(relay_commands(
            command_conn,
            keys.commands(),
            client.handle(),
        ));
        Ok(Self {
            client,
            options,
            keys,
            conn,
            state,
            cache,
            commands,
        })
    }

    /// A handle to the bridge's own gateway client.
    pub fn handle(&self) -> Handle {
        self.client.handle()
    }

    /// The sequence number of the last event appended.
    pub fn seq(&self) -> u64 {
        self.state.seq()
    }

    /// Appends every event until the session ends (`Ok` after a shutdown of the client).
    pub async fn run(mut self) -> Result<(), BridgeError> {
        let result = self.pump().await;
        self.commands.abort();
        // Whatever was appended last is in the snapshot too.
        if self.state.last_id().is_some() {
            let _ = self.write_snapshot().await;
        }
        result
    }

    async fn pump(&mut self) -> Result<(), BridgeError> {
        loop {
            let timeout = self.state.poll_timeout();
            let next = match timeout {
                Some(at) => {
                    tokio::select! {
                        next = self.client.next_event() => Some(next),
                        () = tokio::time::sleep_until(at.into()) => None,
                    }
                }
                None => Some(self.client.next_event().await),
            };
            match next {
                Some(None) => return Ok(()),
                Some(Some(update)) => self.append(update?.event).await?,
                None => {}
            }
            if self.state.snapshot_due(Instant::now()) {
                self.write_snapshot().await?;
            }
        }
    }

    async fn append(&mut self, event: stoat_core::gateway::Event) -> Result<(), BridgeError> {
        let received = SystemTime::now().into();
        let envelope = self.state.envelope(event, received);
        let bytes = envelope.encode();
        let id: String = self
            .conn
            .xadd_maxlen(
                self.keys.events(),
                StreamMaxlen::Approx(self.options.max_len),
                "*",
                &[(ENTRY_FIELD, bytes)],
            )
            .await?;
        let event = envelope.event;
        self.state
            .appended(id.parse().unwrap_or(EntryId::ZERO), &event, Instant::now());
        dispatch(&mut self.cache, event);
        Ok(())
    }

    async fn write_snapshot(&mut self) -> Result<(), BridgeError> {
        let snapshot = self.state.snapshot(&self.cache);
        let () = self
            .conn
            .set(self.keys.snapshot(), snapshot.encode())
            .await?;
        self.state.snapshot_written(Instant::now());
        Ok(())
    }
}

/// Reads the command stream from its end and sends each command on the session.
async fn relay_commands(mut conn: MultiplexedConnection, key: String, handle: Handle) {
    let mut cursor = "$".to_owned();
    loop {
        let options = StreamReadOptions::default().count(64).block(1000);
        let reply: Result<Option<StreamReadReply>, _> =
            conn.xread_options(&[&key], &[&cursor], &options).await;
        let reply = match reply {
            Ok(reply) => reply,
            Err(error) => {
                tracing::warn!(%error, "reading the command stream");
                tokio::time::sleep(Duration::from_millis(500)).await;
                continue;
            }
        };
        for entry in reply.into_iter().flat_map(|r| r.keys).flat_map(|k| k.ids) {
            cursor = entry.id.clone();
            let Some(bytes) = entry
                .map
                .get(ENTRY_FIELD)
                .and_then(|v| redis::from_redis_value::<Vec<u8>>(v).ok())
            else {
                continue;
            };
            match CommandEnvelope::decode(&bytes) {
                Ok(command) => {
                    if handle.send_command(command).is_err() {
                        return;
                    }
                }
                Err(error) => tracing::warn!(%error, id = %entry.id, "skipping a command"),
            }
        }
    }
}
