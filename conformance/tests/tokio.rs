//! The scenario suite against `stoat-tokio`, twice: on a multi-threaded runtime, and on a
//! `current_thread` runtime whose one thread runs the gateway driver, every handler and every
//! request (where a cache guard held across an `.await` would deadlock the client).

use std::future::Future;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::{Duration, Instant};

use stoat_conformance::scenarios::{async_commands_bot, Harness, KeptHandle, Next, Waiting};
use stoat_core::cache::Cache;
use stoat_core::client::{ClientConfig, SessionEnded, Update};
use stoat_core::gateway::{CloseReason, Command, Event, EventKind};
use stoat_core::http::routes::SendMessage;
use stoat_core::http::{Error, Request};
use stoat_tokio::{Client, Handle, Handlers};

/// How the runtime is made and driven.
trait Flavor: 'static {
    const NAME: &'static str;
    fn start() -> Runtime;
}

/// A running tokio runtime: a handle to spawn on, and how to stop it.
struct Runtime {
    handle: tokio::runtime::Handle,
    stop: Option<Box<dyn FnOnce() + Send>>,
}

impl Runtime {
    /// Runs `future` as a task on the runtime and blocks until it is done.
    fn run<T: Send + 'static>(&self, future: impl Future<Output = T> + Send + 'static) -> T {
        let (done, result) = std::sync::mpsc::channel();
        self.handle.spawn(async move {
            let _ = done.send(future.await);
        });
        result.recv().expect("the runtime task finished")
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            stop();
        }
    }
}

struct MultiThread;

impl Flavor for MultiThread {
    const NAME: &'static str = "tokio";
    fn start() -> Runtime {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a tokio runtime");
        Runtime {
            handle: runtime.handle().clone(),
            stop: Some(Box::new(move || {
                runtime.shutdown_timeout(Duration::from_secs(1))
            })),
        }
    }
}

struct CurrentThread;

impl Flavor for CurrentThread {
    const NAME: &'static str = "tokio current_thread";
    fn start() -> Runtime {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime");
        let handle = runtime.handle().clone();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        // The runtime's one thread: everything spawned on it runs here.
        let thread = std::thread::spawn(move || {
            runtime.block_on(async {
                let _ = stopped.await;
            });
            runtime.shutdown_timeout(Duration::from_secs(1));
        });
        Runtime {
            handle,
            stop: Some(Box::new(move || {
                let _ = stop.send(());
                let _ = thread.join();
            })),
        }
    }
}

struct Tokio<F> {
    runtime: Runtime,
    /// Taken out while a task on the runtime waits for its next event.
    client: Option<Client>,
    flavor: PhantomData<F>,
}

impl<F> Tokio<F> {
    fn client(&self) -> &Client {
        self.client.as_ref().expect("the client is here")
    }
}

impl<F: Flavor> Harness for Tokio<F> {
    const RUNTIME: &'static str = F::NAME;

    fn connect(config: ClientConfig) -> Result<Self, String> {
        let runtime = F::start();
        let client = runtime
            .run(Client::connect(config))
            .map_err(|error| error.to_string())?;
        Ok(Self {
            runtime,
            client: Some(client),
            flavor: PhantomData,
        })
    }

    fn next(&mut self, timeout: Duration) -> Next {
        let mut client = self.client.take().expect("the client is here");
        let (client, next) = self.runtime.run(async move {
            let next = tokio::time::timeout(timeout, client.next_event()).await;
            (client, next)
        });
        self.client = Some(client);
        match next {
            Err(_elapsed) => Next::TimedOut,
            Ok(Some(Ok(update))) => Next::Update(Box::new(update)),
            Ok(Some(Err(ended))) => Next::Closed(Some(ended.reason)),
            Ok(None) => Next::Closed(None),
        }
    }

    fn execute<R>(&self, request: R) -> Result<R::Output, Error>
    where
        R: Request + Send + Sync + 'static,
        R::Output: Send + 'static,
    {
        let handle = self.client().handle();
        self.runtime
            .run(async move { handle.execute(&request).await })
    }

    fn command(&self, command: Command) {
        if let Err(error) = self.client().send_command(command) {
            panic!("[{}] command refused: {error}", F::NAME);
        }
    }

    fn shutdown(self) {
        let handle = self.client().handle();
        self.runtime.run(async move { handle.shutdown().await });
    }

    fn spawn_wait_for(
        &self,
        predicate: Box<dyn FnMut(&Update) -> bool + Send>,
        count: usize,
        timeout: Duration,
    ) -> Waiting {
        // Registered here, before anything else happens; waited for on the runtime.
        let waiting = self.client().wait_for_many(predicate, count, timeout);
        let (done, result) = std::sync::mpsc::channel();
        self.runtime.handle.spawn(async move {
            let _ = done.send(waiting.await);
        });
        Box::new(move || result.recv().expect("the waiting task finished"))
    }

    fn read_cache<T>(&self, read: impl FnOnce(&Cache) -> T) -> T {
        self.client().with_cache(read)
    }

    fn try_command(&self, command: Command) -> Result<(), SessionEnded> {
        self.client().send_command(command)
    }

    fn stop(&self) {
        let handle = self.client().handle();
        self.runtime.run(async move { handle.shutdown().await });
    }

    fn closed_reason(&self) -> Option<CloseReason> {
        self.client().closed_reason()
    }

    fn into_handle(mut self) -> KeptHandle {
        let handle = self.client().handle();
        drop(self.client.take());
        // The runtime must outlive the handle (it runs the gateway the handle keeps alive);
        // it stops on its own well after the scenario is over.
        let runtime = self.runtime;
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_secs(30));
            drop(runtime);
        });
        KeptHandle::new(move |read| handle.with_cache(|cache| read(cache)))
    }

    fn run_conversation_bot(mut self) -> Box<dyn FnOnce() + Send> {
        let client = self.client.take().expect("the client is here");
        let handle = client.handle();
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
        let (done, finished) = std::sync::mpsc::channel();
        self.runtime.handle.spawn(async move {
            let _ = done.send(client.run(handlers).await);
        });
        let runtime = self.runtime;
        Box::new(move || {
            runtime.run(async move { handle.shutdown().await });
            let ended = finished.recv().expect("run finished");
            assert_eq!(ended, Ok(()), "[{}] run ends cleanly on shutdown", F::NAME);
        })
    }

    fn run_commands_bot(mut self) -> Box<dyn FnOnce() + Send> {
        let client = self.client.take().expect("the client is here");
        let handle = client.handle();
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
        let (done, finished) = std::sync::mpsc::channel();
        self.runtime.handle.spawn(async move {
            let _ = done.send(client.run(handlers).await);
        });
        let runtime = self.runtime;
        Box::new(move || {
            runtime.run(async move { handle.shutdown().await });
            let ended = finished.recv().expect("run finished");
            assert_eq!(ended, Ok(()), "[{}] run ends cleanly on shutdown", F::NAME);
        })
    }
}

/// The conversation bot's one handler (see `Harness::run_conversation_bot`).
async fn converse(handle: Handle, update: Arc<Update>) -> Result<(), stoat_tokio::HandlerError> {
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

mod multi_thread {
    stoat_conformance::scenario_suite!(super::Tokio<super::MultiThread>);
}

mod current_thread {
    stoat_conformance::scenario_suite!(super::Tokio<super::CurrentThread>);
}
