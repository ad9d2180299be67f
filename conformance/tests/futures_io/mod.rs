//! The harness for `stoat-async-std`, shared by the async-std and smol test files: the same
//! client, driven by whichever executor [`Executor`] names.

use std::future::Future;
use std::marker::PhantomData;
use std::time::{Duration, Instant};

use std::sync::Arc;

use stoat_async_std::{Client, Driver, Handle, Handlers};
use stoat_conformance::scenarios::{async_commands_bot, Harness, KeptHandle, Next, Waiting};
use stoat_core::cache::Cache;
use stoat_core::client::{ClientConfig, SessionEnded, Update};
use stoat_core::gateway::{CloseReason, Command, Event, EventKind};
use stoat_core::http::routes::SendMessage;
use stoat_core::http::{Error, Request};

/// What differs between executors.
pub trait Executor: 'static {
    /// The executor's name, for messages.
    const NAME: &'static str;

    /// Runs `future` to completion on the calling thread.
    fn block_on<F: Future>(future: F) -> F::Output;

    /// Runs the gateway driver in the background.
    fn spawn(driver: Driver);

    /// `future`'s output, or `None` if `timeout` passes first.
    fn timeout<F: Future>(timeout: Duration, future: F) -> impl Future<Output = Option<F::Output>>;
}

/// A `stoat-async-std` client whose gateway driver runs on `E`.
pub struct FuturesIo<E> {
    client: Client,
    _executor: PhantomData<fn() -> E>,
}

/// Blocks on `future`, boxed: async-std's `block_on` moves the future through many stack
/// frames, which can overflow a test thread's stack in debug builds.
fn block_on<E: Executor, F: Future>(future: F) -> F::Output {
    E::block_on(Box::pin(future))
}

impl<E: Executor> Harness for FuturesIo<E> {
    const RUNTIME: &'static str = E::NAME;

    fn connect(config: ClientConfig) -> Result<Self, String> {
        let connect = Client::builder(config).spawn_with(E::spawn).connect();
        let client = block_on::<E, _>(connect).map_err(|error| error.to_string())?;
        Ok(Self {
            client,
            _executor: PhantomData,
        })
    }

    fn next(&mut self, timeout: Duration) -> Next {
        let next = self.client.next_event();
        match block_on::<E, _>(E::timeout(timeout, next)) {
            None => Next::TimedOut,
            Some(Some(Ok(update))) => Next::Update(Box::new(update)),
            Some(Some(Err(ended))) => Next::Closed(Some(ended.reason)),
            Some(None) => Next::Closed(None),
        }
    }

    fn execute<R>(&self, request: R) -> Result<R::Output, Error>
    where
        R: Request + Send + Sync + 'static,
        R::Output: Send + 'static,
    {
        block_on::<E, _>(self.client.execute(&request))
    }

    fn command(&self, command: Command) {
        if let Err(error) = self.client.send_command(command) {
            panic!("[{}] command refused: {error}", E::NAME);
        }
    }

    fn shutdown(self) {
        block_on::<E, _>(self.client.shutdown());
    }

    fn spawn_wait_for(
        &self,
        predicate: Box<dyn FnMut(&Update) -> bool + Send>,
        count: usize,
        timeout: Duration,
    ) -> Waiting {
        // Registered here, before anything else happens; waited for on a thread of its own.
        let waiting = self.client.wait_for_many(predicate, count, timeout);
        let thread = std::thread::spawn(move || block_on::<E, _>(waiting));
        Box::new(move || thread.join().expect("the waiting thread"))
    }

    fn read_cache<T>(&self, read: impl FnOnce(&Cache) -> T) -> T {
        self.client.with_cache(read)
    }

    fn try_command(&self, command: Command) -> Result<(), SessionEnded> {
        self.client.send_command(command)
    }

    fn stop(&self) {
        block_on::<E, _>(self.client.shutdown());
    }

    fn closed_reason(&self) -> Option<CloseReason> {
        self.client.closed_reason()
    }

    fn into_handle(self) -> KeptHandle {
        let handle = self.client.handle();
        drop(self.client);
        KeptHandle::new(move |read| handle.with_cache(|cache| read(cache)))
    }

    fn run_conversation_bot(self) -> Box<dyn FnOnce() + Send> {
        let handle = self.client.handle();
        let mut handlers = Handlers::new();
        handlers
            .on(EventKind::Message, converse)
            .on_error(|handle: Handle, failure| async move {
                if let Event::Message(message) = &failure.update.event {
                    let text = format!("handler failed: {}", failure.error);
                    let _ = handle
                        .execute(&SendMessage::new(message.channel, text))
                        .await;
                }
            });
        let client = self.client;
        let running = std::thread::spawn(move || block_on::<E, _>(client.run(handlers)));
        Box::new(move || {
            block_on::<E, _>(handle.shutdown());
            let ended = running.join().expect("the bot's thread");
            assert_eq!(ended, Ok(()), "[{}] run ends cleanly on shutdown", E::NAME);
        })
    }

    fn run_commands_bot(self) -> Box<dyn FnOnce() + Send> {
        let handle = self.client.handle();
        let commands = async_commands_bot::<Handle>();
        let mut handlers = Handlers::new();
        handlers.on(
            EventKind::Message,
            move |handle: Handle, update: Arc<Update>| {
                // Routing, checks and cooldowns are decided now, in the order messages arrive.
                let task = commands.process(&handle, &update, Instant::now());
                async move {
                    task.await;
                    Ok(())
                }
            },
        );
        let client = self.client;
        let running = std::thread::spawn(move || block_on::<E, _>(client.run(handlers)));
        Box::new(move || {
            block_on::<E, _>(handle.shutdown());
            let ended = running.join().expect("the bot's thread");
            assert_eq!(ended, Ok(()), "[{}] run ends cleanly on shutdown", E::NAME);
        })
    }
}

/// The conversation bot's one handler (see `Harness::run_conversation_bot`).
async fn converse(
    handle: Handle,
    update: Arc<Update>,
) -> Result<(), stoat_async_std::HandlerError> {
    let Event::Message(message) = &update.event else {
        return Ok(());
    };
    match message.content.as_deref() {
        Some("!name") => {
            let channel = message.channel;
            let name = handle
                .with_cache(|cache| cache.channel(channel)?.name().map(str::to_owned))
                .unwrap_or_default();
            let author = message.author;
            let answer = handle.wait_for(
                move |u| matches!(&u.event, Event::Message(m) if m.author == author && m.channel == channel),
                Duration::from_secs(10),
            );
            let question = format!("What is your name? (asked in #{name})");
            handle.execute(&SendMessage::new(channel, question)).await?;
            let answer = answer.await?;
            if let Event::Message(reply) = &answer.event {
                let hello = format!("Hello, {}!", reply.content.as_deref().unwrap_or_default());
                handle.execute(&SendMessage::new(channel, hello)).await?;
            }
            Ok(())
        }
        Some("!fail") => Err("asked to fail".into()),
        _ => Ok(()),
    }
}
