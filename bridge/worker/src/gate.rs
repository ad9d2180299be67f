//! The shared rate limit and the command stream.

use std::time::Duration;

use bytes::Bytes;
use redis::streams::StreamMaxlen;
use redis::Commands;
use stoat_core::fanout::ratelimit::{self, ScriptCall, ScriptReply, SharedAcquire};
use stoat_core::fanout::{CommandEnvelope, Keys, ENTRY_FIELD};
use stoat_core::gateway::Command;
use stoat_core::ratelimit::BucketKey;

use crate::WorkerError;

/// Commands kept in the command stream (the bridge reads them at once; this bounds it if
/// no bridge runs).
const COMMANDS_MAXLEN: usize = 1000;

enum Job {
    Script(
        String,
        ScriptCall,
        async_channel::Sender<Result<ScriptReply, WorkerError>>,
    ),
    Command(Vec<u8>, async_channel::Sender<Result<(), WorkerError>>),
}

/// A thread with its own Redis connection for the worker's short requests: the shared
/// rate-limit script before and after each REST attempt, and gateway commands.
///
/// Every method returns a future that completes on any executor, and has a `_blocking`
/// twin for threads. Cloning shares the thread; it stops when the last clone is dropped.
#[derive(Clone, Debug)]
pub struct Gate {
    jobs: crossbeam_channel::Sender<JobBox>,
    keys: Keys,
}

struct JobBox(Job);

impl std::fmt::Debug for JobBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Job")
    }
}

impl Gate {
    /// Connects to `redis_url` for the bot whose keys are `keys`.
    pub fn connect(redis_url: &str, keys: Keys) -> Result<Self, WorkerError> {
        let client = redis::Client::open(redis_url)?;
        let mut conn = client.get_connection()?;
        let (jobs, rx) = crossbeam_channel::unbounded::<JobBox>();
        let commands_key = keys.commands();
        std::thread::Builder::new()
            .name("stoat-worker-gate".to_owned())
            .spawn(move || {
                let script = redis::Script::new(ratelimit::SCRIPT);
                for JobBox(job) in rx {
                    match job {
                        Job::Script(key, call, reply) => {
                            let mut invocation = script.key(key);
                            for arg in call.args() {
                                invocation.arg(arg);
                            }
                            let result = invocation
                                .invoke::<Vec<i64>>(&mut conn)
                                .map_err(WorkerError::from)
                                .and_then(|values| {
                                    ScriptReply::parse(&values).ok_or_else(|| {
                                        WorkerError::Redis(redis::RedisError::from((
                                            redis::ErrorKind::TypeError,
                                            "unexpected rate-limit script reply",
                                        )))
                                    })
                                });
                            let _ = reply.try_send(result);
                        }
                        Job::Command(bytes, reply) => {
                            let result = conn
                                .xadd_maxlen::<_, _, _, _, String>(
                                    &commands_key,
                                    StreamMaxlen::Approx(COMMANDS_MAXLEN),
                                    "*",
                                    &[(ENTRY_FIELD, bytes)],
                                )
                                .map(drop)
                                .map_err(WorkerError::from);
                            let _ = reply.try_send(result);
                        }
                    }
                }
            })
            .map_err(|e| WorkerError::Redis(std::io::Error::other(e.to_string()).into()))?;
        Ok(Self { jobs, keys })
    }

    fn script(
        &self,
        call: ScriptCall,
        key: &BucketKey,
    ) -> async_channel::Receiver<Result<ScriptReply, WorkerError>> {
        let (reply, rx) = async_channel::bounded(1);
        let _ = self
            .jobs
            .send(JobBox(Job::Script(self.keys.ratelimit(key), call, reply)));
        rx
    }

    fn settle(
        result: Result<Result<ScriptReply, WorkerError>, async_channel::RecvError>,
    ) -> SharedAcquire {
        match result {
            Ok(Ok(reply)) => reply.decision,
            Ok(Err(error)) => {
                // Redis is unreachable: this worker's own limiter still holds; the request is
                // not failed for want of the shared one.
                tracing::warn!(%error, "shared rate limit unavailable; sending on the local limit");
                SharedAcquire::Ready
            }
            Err(_) => SharedAcquire::Ready,
        }
    }

    /// Spends one unit of `bucket` in Redis, or says how long to wait before asking again.
    /// If Redis cannot be reached the answer is `Ready` (the worker's own limiter still
    /// applies) and a warning is logged.
    pub async fn acquire(&self, bucket: &BucketKey) -> SharedAcquire {
        if !ratelimit::gated(bucket) {
            return SharedAcquire::Ready;
        }
        Self::settle(
            self.script(ScriptCall::acquire(bucket), bucket)
                .recv()
                .await,
        )
    }

    /// [`acquire`](Self::acquire), blocking the thread.
    pub fn acquire_blocking(&self, bucket: &BucketKey) -> SharedAcquire {
        if !ratelimit::gated(bucket) {
            return SharedAcquire::Ready;
        }
        Self::settle(
            self.script(ScriptCall::acquire(bucket), bucket)
                .recv_blocking(),
        )
    }

    /// Tells the shared bucket what a response said about it (its headers, a 429).
    pub async fn report(&self, bucket: &BucketKey, response: &http::Response<Bytes>) {
        if !ratelimit::gated(bucket) {
            return;
        }
        for call in ratelimit::after_response(bucket, response) {
            let _ = self.script(call, bucket).recv().await;
        }
    }

    /// [`report`](Self::report), blocking the thread.
    pub fn report_blocking(&self, bucket: &BucketKey, response: &http::Response<Bytes>) {
        if !ratelimit::gated(bucket) {
            return;
        }
        for call in ratelimit::after_response(bucket, response) {
            let _ = self.script(call, bucket).recv_blocking();
        }
    }

    fn command(&self, command: &Command) -> async_channel::Receiver<Result<(), WorkerError>> {
        let (reply, rx) = async_channel::bounded(1);
        let _ = self.jobs.send(JobBox(Job::Command(
            CommandEnvelope::encode(command),
            reply,
        )));
        rx
    }

    /// Appends `command` to the command stream, for the bridge to send on its session.
    pub async fn send_command(&self, command: &Command) -> Result<(), WorkerError> {
        self.command(command)
            .recv()
            .await
            .unwrap_or(Err(WorkerError::Stopped))
    }

    /// [`send_command`](Self::send_command), blocking the thread.
    pub fn send_command_blocking(&self, command: &Command) -> Result<(), WorkerError> {
        self.command(command)
            .recv_blocking()
            .unwrap_or(Err(WorkerError::Stopped))
    }

    /// A wait the shared bucket named, bounded so a wrong answer cannot stall a request
    /// for long.
    pub fn bounded_wait(wait: Duration) -> Duration {
        wait.min(stoat_core::ratelimit::WINDOW)
    }
}
