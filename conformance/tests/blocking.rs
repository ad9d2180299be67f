//! The scenario suite against `stoat-blocking`: its client is blocking already.

use std::time::{Duration, Instant};

use std::sync::Arc;

use stoat_blocking::{Client, Handle, Handlers, TimedOut};
use stoat_conformance::scenarios::{blocking_commands_bot, Harness, KeptHandle, Next, Waiting};
use stoat_core::cache::Cache;
use stoat_core::client::{ClientConfig, SessionEnded, Update};
use stoat_core::gateway::{CloseReason, Command, Event, EventKind};
use stoat_core::http::routes::SendMessage;
use stoat_core::http::{Error, Request};

struct Blocking {
    client: Client,
}

impl Harness for Blocking {
    const RUNTIME: &'static str = "blocking";

    fn connect(config: ClientConfig) -> Result<Self, String> {
        let client = Client::connect(config).map_err(|error| error.to_string())?;
        Ok(Self { client })
    }

    fn next(&mut self, timeout: Duration) -> Next {
        match self.client.next_event_timeout(timeout) {
            Err(TimedOut) => Next::TimedOut,
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
        self.client.execute(&request)
    }

    fn command(&self, command: Command) {
        if let Err(error) = self.client.send_command(command) {
            panic!("[blocking] command refused: {error}");
        }
    }

    fn shutdown(self) {
        self.client.shutdown();
    }

    fn spawn_wait_for(
        &self,
        predicate: Box<dyn FnMut(&Update) -> bool + Send>,
        count: usize,
        timeout: Duration,
    ) -> Waiting {
        // Registered here, before anything else happens; waited for on a thread of its own.
        let waiter = self.client.waiter(predicate, count);
        let thread = std::thread::spawn(move || waiter?.wait(timeout));
        Box::new(move || thread.join().expect("the waiting thread"))
    }

    fn read_cache<T>(&self, read: impl FnOnce(&Cache) -> T) -> T {
        self.client.with_cache(read)
    }

    fn try_command(&self, command: Command) -> Result<(), SessionEnded> {
        self.client.send_command(command)
    }

    fn stop(&self) {
        self.client.shutdown();
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
            .on_error(|handle: Handle, failure| {
                if let Event::Message(message) = &failure.update.event {
                    let text = format!("handler failed: {}", failure.error);
                    let _ = handle.execute(&SendMessage::new(message.channel, text));
                }
            });
        let client = self.client;
        let running = std::thread::spawn(move || client.run(handlers));
        Box::new(move || {
            handle.shutdown();
            let ended = running.join().expect("the bot's thread");
            assert_eq!(ended, Ok(()), "[blocking] run ends cleanly on shutdown");
        })
    }

    fn run_commands_bot(self) -> Box<dyn FnOnce() + Send> {
        let handle = self.client.handle();
        let commands = blocking_commands_bot::<Handle>();
        let mut handlers = Handlers::new();
        handlers.on(
            EventKind::Message,
            move |handle: Handle, update: Arc<Update>| {
                commands.process(&handle, &update, Instant::now());
                Ok(())
            },
        );
        let client = self.client;
        let running = std::thread::spawn(move || client.run(handlers));
        Box::new(move || {
            handle.shutdown();
            let ended = running.join().expect("the bot's thread");
            assert_eq!(ended, Ok(()), "[blocking] run ends cleanly on shutdown");
        })
    }
}

/// The conversation bot's one handler (see `Harness::run_conversation_bot`).
fn converse(handle: Handle, update: Arc<Update>) -> Result<(), stoat_blocking::HandlerError> {
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
            let answer = handle.waiter(
                move |u| matches!(&u.event, Event::Message(m) if m.author == author && m.channel == channel),
                1,
            )?;
            let question = format!("What is your name? (asked in #{name})");
            handle.execute(&SendMessage::new(channel, question))?;
            let answer = answer.wait(Duration::from_secs(10))?;
            if let Event::Message(reply) = &answer[0].event {
                let hello = format!("Hello, {}!", reply.content.as_deref().unwrap_or_default());
                handle.execute(&SendMessage::new(channel, hello))?;
            }
            Ok(())
        }
        Some("!fail") => Err("asked to fail".into()),
        _ => Ok(()),
    }
}

stoat_conformance::scenario_suite!(Blocking);
