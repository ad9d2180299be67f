//! Handler-style dispatch (`@client.on` in stoat.py), shared by every runtime.
//!
//! Register handlers per [`EventKind`] (or for every event), plus one error hook, then hand the
//! set to your runtime's client (`client.run(handlers)`). Each update is offered to the
//! handlers of its kind; they run concurrently (each in its own task on the async runtimes, on
//! a pool of threads on the blocking one) and an `Err` a handler returns goes to the error
//! hook (by default, a `tracing` error). This is built on the same event stream as
//! `next_event`, and is optional.
//!
//! These types only hold and select the handlers; running them is the runtime's part.
//!
//! ```
//! use stoat_core::client::handlers::AsyncHandlers;
//! use stoat_core::gateway::{Event, EventKind};
//!
//! # #[derive(Clone)] struct MyHandle;
//! let mut handlers = AsyncHandlers::<MyHandle>::new();
//! handlers
//!     .on(EventKind::Message, |_handle, update| async move {
//!         if let Event::Message(message) = &update.event {
//!             println!("{:?} said {:?}", message.author, message.content);
//!         }
//!         Ok(())
//!     })
//!     .on_error(|_handle, failure| async move { eprintln!("{failure}") });
//! assert_eq!(handlers.len(), 1);
//! ```

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::sync::Arc;

use super::executor::BoxFuture;
use super::Update;
use crate::gateway::EventKind;

/// What a handler may fail with: any error.
pub type HandlerError = Box<dyn std::error::Error + Send + Sync>;

/// A handler's error, as the error hook receives it.
#[derive(Debug, thiserror::Error)]
#[error("the {kind:?} handler failed: {error}")]
#[non_exhaustive]
pub struct HandlerFailure {
    /// The kind of event the failing handler was given.
    pub kind: EventKind,
    /// The update it was given (to answer in the channel it came from, say).
    pub update: Arc<Update>,
    /// What it returned.
    pub error: HandlerError,
}

/// The result of one handler.
pub type HandlerResult = Result<(), HandlerError>;

type AsyncHandler<C> =
    Arc<dyn Fn(C, Arc<Update>) -> BoxFuture<'static, HandlerResult> + Send + Sync>;
type AsyncErrorHook<C> = Arc<dyn Fn(C, HandlerFailure) -> BoxFuture<'static, ()> + Send + Sync>;

/// Which handlers an update goes to: those of its kind, then those for every event.
#[derive(Clone)]
struct Registry<H> {
    by_kind: HashMap<EventKind, Vec<H>>,
    any: Vec<H>,
}

impl<H> Default for Registry<H> {
    fn default() -> Self {
        Self {
            by_kind: HashMap::new(),
            any: Vec::new(),
        }
    }
}

impl<H> Registry<H> {
    fn add(&mut self, kind: Option<EventKind>, handler: H) {
        match kind {
            Some(kind) => self.by_kind.entry(kind).or_default().push(handler),
            None => self.any.push(handler),
        }
    }

    fn select(&self, kind: EventKind) -> impl Iterator<Item = &H> {
        self.by_kind
            .get(&kind)
            .into_iter()
            .flatten()
            .chain(&self.any)
    }

    fn len(&self) -> usize {
        self.by_kind.values().map(Vec::len).sum::<usize>() + self.any.len()
    }
}

/// Async event handlers for a client whose handle type is `C`.
pub struct AsyncHandlers<C> {
    registry: Registry<AsyncHandler<C>>,
    on_error: Option<AsyncErrorHook<C>>,
}

impl<C> Default for AsyncHandlers<C> {
    fn default() -> Self {
        Self {
            registry: Registry::default(),
            on_error: None,
        }
    }
}

impl<C> Clone for AsyncHandlers<C> {
    fn clone(&self) -> Self {
        Self {
            registry: self.registry.clone(),
            on_error: self.on_error.clone(),
        }
    }
}

impl<C> fmt::Debug for AsyncHandlers<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncHandlers")
            .field("handlers", &self.registry.len())
            .field("error_hook", &self.on_error.is_some())
            .finish()
    }
}

impl<C: Clone + Send + Sync + 'static> AsyncHandlers<C> {
    /// No handlers.
    pub fn new() -> Self {
        Self::default()
    }

    /// Runs `handler` for every event of `kind`.
    pub fn on<F, Fut>(&mut self, kind: EventKind, handler: F) -> &mut Self
    where
        F: Fn(C, Arc<Update>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = HandlerResult> + Send + 'static,
    {
        self.registry.add(Some(kind), box_async(handler));
        self
    }

    /// Runs `handler` for every event.
    pub fn on_any<F, Fut>(&mut self, handler: F) -> &mut Self
    where
        F: Fn(C, Arc<Update>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = HandlerResult> + Send + 'static,
    {
        self.registry.add(None, box_async(handler));
        self
    }

    /// Replaces the error hook, which receives every error a handler returns.
    pub fn on_error<F, Fut>(&mut self, hook: F) -> &mut Self
    where
        F: Fn(C, HandlerFailure) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        self.on_error = Some(Arc::new(move |client, failure| {
            Box::pin(hook(client, failure))
        }));
        self
    }

    /// How many handlers are registered.
    pub fn len(&self) -> usize {
        self.registry.len()
    }

    /// Whether no handler is registered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The tasks to run for `update`: one per handler it goes to, each reporting an error to
    /// the error hook. The runtime spawns them.
    pub fn dispatch(&self, client: &C, update: Update) -> Vec<BoxFuture<'static, ()>> {
        let kind = update.event.kind();
        let update = Arc::new(update);
        self.registry
            .select(kind)
            .map(|handler| {
                let run = handler(client.clone(), update.clone());
                let client = client.clone();
                let update = update.clone();
                let on_error = self.on_error.clone();
                Box::pin(async move {
                    if let Err(error) = run.await {
                        let failure = HandlerFailure {
                            kind,
                            update,
                            error,
                        };
                        match on_error {
                            Some(hook) => hook(client, failure).await,
                            None => tracing::error!(%failure, "event handler failed"),
                        }
                    }
                }) as BoxFuture<'static, ()>
            })
            .collect()
    }
}

fn box_async<C, F, Fut>(handler: F) -> AsyncHandler<C>
where
    F: Fn(C, Arc<Update>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = HandlerResult> + Send + 'static,
{
    Arc::new(move |client, update| Box::pin(handler(client, update)))
}

type BlockingHandler<C> = Arc<dyn Fn(C, Arc<Update>) -> HandlerResult + Send + Sync>;
type BlockingErrorHook<C> = Arc<dyn Fn(C, HandlerFailure) + Send + Sync>;

/// A unit of work for the blocking runtime's handler threads.
pub type Job = Box<dyn FnOnce() + Send>;

/// Blocking event handlers (plain functions) for a client whose handle type is `C`.
pub struct BlockingHandlers<C> {
    registry: Registry<BlockingHandler<C>>,
    on_error: Option<BlockingErrorHook<C>>,
}

impl<C> Default for BlockingHandlers<C> {
    fn default() -> Self {
        Self {
            registry: Registry::default(),
            on_error: None,
        }
    }
}

impl<C> Clone for BlockingHandlers<C> {
    fn clone(&self) -> Self {
        Self {
            registry: self.registry.clone(),
            on_error: self.on_error.clone(),
        }
    }
}

impl<C> fmt::Debug for BlockingHandlers<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlockingHandlers")
            .field("handlers", &self.registry.len())
            .field("error_hook", &self.on_error.is_some())
            .finish()
    }
}

impl<C: Clone + Send + Sync + 'static> BlockingHandlers<C> {
    /// No handlers.
    pub fn new() -> Self {
        Self::default()
    }

    /// Runs `handler` for every event of `kind`.
    pub fn on(
        &mut self,
        kind: EventKind,
        handler: impl Fn(C, Arc<Update>) -> HandlerResult + Send + Sync + 'static,
    ) -> &mut Self {
        self.registry.add(Some(kind), Arc::new(handler));
        self
    }

    /// Runs `handler` for every event.
    pub fn on_any(
        &mut self,
        handler: impl Fn(C, Arc<Update>) -> HandlerResult + Send + Sync + 'static,
    ) -> &mut Self {
        self.registry.add(None, Arc::new(handler));
        self
    }

    /// Replaces the error hook, which receives every error a handler returns.
    pub fn on_error(
        &mut self,
        hook: impl Fn(C, HandlerFailure) + Send + Sync + 'static,
    ) -> &mut Self {
        self.on_error = Some(Arc::new(hook));
        self
    }

    /// How many handlers are registered.
    pub fn len(&self) -> usize {
        self.registry.len()
    }

    /// Whether no handler is registered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The jobs to run for `update`: one per handler it goes to, each reporting an error to
    /// the error hook. The runtime runs them on its handler threads.
    pub fn dispatch(&self, client: &C, update: Update) -> Vec<Job> {
        let kind = update.event.kind();
        let update = Arc::new(update);
        self.registry
            .select(kind)
            .map(|handler| {
                let handler = handler.clone();
                let client = client.clone();
                let update = update.clone();
                let on_error = self.on_error.clone();
                Box::new(move || {
                    if let Err(error) = handler(client.clone(), update.clone()) {
                        let failure = HandlerFailure {
                            kind,
                            update,
                            error,
                        };
                        match on_error {
                            Some(hook) => hook(client, failure),
                            None => tracing::error!(%failure, "event handler failed"),
                        }
                    }
                }) as Job
            })
            .collect()
    }
}
