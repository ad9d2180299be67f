//! The async flavour: command bodies and hooks are async functions; the framework runs on
//! any async runtime whose handle implements [`AsyncExecutor`].

use std::fmt;
use std::future::{ready, Future};
use std::sync::Arc;
use std::time::Instant;

use super::args::{Args, Values};
use super::command::{Body, Command, Gear};
use super::context::{Context, Failure};
use super::engine::{Origin, Prepared, Step};
use super::error::CommandError;
use super::framework::Framework;
use super::help::{split_message, HelpArgs};
use super::Outcome;
use crate::client::{AsyncExecutor, BoxFuture, Update};
use crate::gateway::Event;
use crate::http::routes::validate::MAX_CONTENT_BYTES;
use crate::model::Message;

type Run<C, S> =
    dyn Fn(Context<C, S>, Values) -> BoxFuture<'static, Result<(), CommandError>> + Send + Sync;

/// An async command body, with the gear state `S` it receives.
pub struct AsyncBody<C, S = ()> {
    run: Arc<Run<C, S>>,
}

impl<C, S> fmt::Debug for AsyncBody<C, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AsyncBody")
    }
}

impl<C, S> Body for AsyncBody<C, S>
where
    C: Send + Sync + 'static,
    S: Send + Sync + 'static,
{
    type State = S;
    type Bound = AsyncBody<C>;
    fn bind(self, state: Arc<S>) -> AsyncBody<C> {
        let run = self.run;
        AsyncBody {
            run: Arc::new(move |ctx: Context<C>, values| {
                run(ctx.with_state(state.clone()), values)
            }),
        }
    }
}

/// A command of the async flavour.
pub type AsyncCommand<C, S = ()> = Command<AsyncBody<C, S>>;

/// A gear of the async flavour, with state `S`.
pub type AsyncGear<C, S> = Gear<AsyncBody<C, S>>;

impl<C, S> Command<AsyncBody<C, S>>
where
    C: Send + Sync + 'static,
    S: Send + Sync + 'static,
{
    /// A command named `name` running `body` with the converted arguments `A`.
    pub fn new<A, F, Fut>(name: impl Into<String>, body: F) -> Self
    where
        A: Args,
        F: Fn(Context<C, S>, A) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), CommandError>> + Send + 'static,
    {
        let run = move |ctx: Context<C, S>,
                        mut values: Values|
              -> BoxFuture<'static, Result<(), CommandError>> {
            match A::from_values(&mut values) {
                Ok(args) => Box::pin(body(ctx, args)),
                Err(error) => Box::pin(ready(Err(error))),
            }
        };
        Command::from_parts(name, A::params(), Some(AsyncBody { run: Arc::new(run) }))
    }
}

type BeforeHook<C> =
    Arc<dyn Fn(Context<C>) -> BoxFuture<'static, Result<(), CommandError>> + Send + Sync>;
type AfterHook<C> = Arc<dyn Fn(Context<C>, bool) -> BoxFuture<'static, ()> + Send + Sync>;
type ErrorHook<C> = Arc<dyn Fn(Failure<C>) -> BoxFuture<'static, ()> + Send + Sync>;

/// The hooks of an [`AsyncFramework`], set with its `before_invoke`, `after_invoke` and
/// `on_error`.
pub struct AsyncHooks<C> {
    before: Option<BeforeHook<C>>,
    after: Option<AfterHook<C>>,
    on_error: Option<ErrorHook<C>>,
}

impl<C> Clone for AsyncHooks<C> {
    fn clone(&self) -> Self {
        Self {
            before: self.before.clone(),
            after: self.after.clone(),
            on_error: self.on_error.clone(),
        }
    }
}

/// A commands framework for async runtimes. Cheap to clone (clones share commands,
/// cooldowns and hooks); commands and gears can be added and removed while it runs.
///
/// Feed it every update with the client's handle and the time:
/// `framework.process(&handle, &update, now)` returns the task to run (spawn it, or await
/// it). See the [module docs](super) for a whole bot.
pub type AsyncFramework<C> = Framework<AsyncBody<C>, AsyncHooks<C>>;

impl<C> fmt::Debug for AsyncHooks<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncHooks")
            .field("before", &self.before.is_some())
            .field("after", &self.after.is_some())
            .field("on_error", &self.on_error.is_some())
            .finish()
    }
}

impl<C> Default for AsyncFramework<C>
where
    C: AsyncExecutor + Clone + Send + Sync + 'static,
{
    fn default() -> Self {
        Self::new()
    }
}

/// The default help command of the async flavour.
pub fn async_help_command<C>() -> AsyncCommand<C>
where
    C: AsyncExecutor + Clone + Send + Sync + 'static,
{
    AsyncCommand::new("help", |ctx: Context<C>, args: HelpArgs| async move {
        let text = ctx.help_text(args.command.as_deref());
        // The first part answers the request (so the asker can tell it is theirs in a
        // busy channel); any further parts follow it.
        for (n, part) in split_message(&text, MAX_CONTENT_BYTES)
            .into_iter()
            .enumerate()
        {
            let message = if n == 0 {
                ctx.reply(part)
            } else {
                ctx.say(part)
            };
            ctx.handle.execute_owned(message).await?;
        }
        Ok(())
    })
    .description("Shows the commands, or the details of one.")
}

impl<C> AsyncFramework<C>
where
    C: AsyncExecutor + Clone + Send + Sync + 'static,
{
    /// A framework with no prefix yet, the default `help` command and the default error
    /// hook (a reply explaining the error; see [`Failure::default_reply`]).
    pub fn new() -> Self {
        let framework = Self::with_hooks(AsyncHooks {
            before: None,
            after: None,
            on_error: None,
        });
        // A fresh tree has no names yet: adding `help` cannot conflict.
        let _ = framework.add_command(async_help_command());
        framework
    }

    /// Runs `hook` before each command body; an error skips the body and goes to the error
    /// hook.
    pub fn before_invoke<F, Fut>(self, hook: F) -> Self
    where
        F: Fn(Context<C>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), CommandError>> + Send + 'static,
    {
        self.set_hooks(|h| h.before = Some(Arc::new(move |ctx| Box::pin(hook(ctx)))));
        self
    }

    /// Runs `hook` after each command body (also when it or the before hook failed; the
    /// flag says whether it succeeded).
    pub fn after_invoke<F, Fut>(self, hook: F) -> Self
    where
        F: Fn(Context<C>, bool) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        self.set_hooks(|h| h.after = Some(Arc::new(move |ctx, ok| Box::pin(hook(ctx, ok)))));
        self
    }

    /// Replaces the error hook, which receives every failure: unknown command, bad
    /// arguments, checks, cooldowns, the command's own errors.
    /// [`default_on_error`](Self::default_on_error) is what it does by default.
    pub fn on_error<F, Fut>(self, hook: F) -> Self
    where
        F: Fn(Failure<C>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        self.set_hooks(|h| h.on_error = Some(Arc::new(move |failure| Box::pin(hook(failure)))));
        self
    }

    /// The default error hook: logs the failure and replies with
    /// [`Failure::default_reply`] (nothing for an unknown command).
    pub fn default_on_error(failure: Failure<C>) -> BoxFuture<'static, ()> {
        Box::pin(async move {
            failure.log();
            if let Some(reply) = failure.default_reply_request() {
                if let Err(error) = failure.handle.execute_owned(reply).await {
                    tracing::warn!(%error, "could not send the error reply");
                }
            }
        })
    }

    /// Processes one update: for a `Message` that invokes a command, the returned task
    /// converts the arguments (fetching over REST what the cache lacks), runs the hooks and
    /// the body, and reports any failure to the error hook. For anything else it does
    /// nothing. `now` is the runtime's monotonic clock, used by cooldowns.
    ///
    /// The prefix, routing, checks, concurrency and cooldown are decided before this
    /// returns, in the order updates arrive; the task can be spawned or awaited.
    pub fn process(
        &self,
        handle: &C,
        update: &Update,
        now: Instant,
    ) -> BoxFuture<'static, Outcome> {
        match &update.event {
            Event::Message(message) => self.process_message(handle, message, now),
            _ => Box::pin(ready(Outcome::Ignored)),
        }
    }

    /// [`process`](Self::process) for a message.
    pub fn process_message(
        &self,
        handle: &C,
        message: &Message,
        now: Instant,
    ) -> BoxFuture<'static, Outcome> {
        let wall = handle.wall_clock();
        let prepared =
            handle.with_cache(|cache| self.inner.engine.prepare(cache, message, wall, now));
        let handle = handle.clone();
        match prepared {
            Prepared::Ignored => Box::pin(ready(Outcome::Ignored)),
            Prepared::Failed(origin, error) => Box::pin(fail(handle, origin, error, self.hooks())),
            Prepared::Ready(mut invocation) => {
                let hooks = self.hooks();
                Box::pin(async move {
                    let mut fetched = None;
                    let values = loop {
                        let step =
                            handle.with_cache(|cache| invocation.step(cache, fetched.take()));
                        match step {
                            Step::Fetch(lookup) => fetched = Some(lookup.run_async(&handle).await),
                            Step::Ready(values) => break values,
                            Step::Failed(error) => {
                                return fail(handle, invocation.origin, error, hooks).await
                            }
                        }
                    };
                    let (origin, node, guard) = invocation.into_running();
                    let ctx = Context::new(handle.clone(), origin.clone(), node.info.clone());
                    let result = match &hooks.before {
                        Some(before) => before(ctx.clone()).await,
                        None => Ok(()),
                    };
                    let result = match (result, &node.body) {
                        (Ok(()), Some(body)) => (body.run)(ctx.clone(), values).await,
                        (Ok(()), None) => Err(CommandError::ArgumentsMismatch),
                        (Err(error), _) => Err(error),
                    };
                    if let Some(after) = &hooks.after {
                        after(ctx, result.is_ok()).await;
                    }
                    drop(guard);
                    match result {
                        Ok(()) => Outcome::Completed {
                            command: node.info.qualified_name().to_owned(),
                        },
                        Err(error) => fail(handle, origin, error, hooks).await,
                    }
                })
            }
        }
    }
}

async fn fail<C>(handle: C, origin: Origin, error: CommandError, hooks: AsyncHooks<C>) -> Outcome
where
    C: AsyncExecutor + Clone + Send + Sync + 'static,
{
    let command = origin
        .command
        .as_ref()
        .map(|c| c.qualified_name().to_owned());
    let failure = Failure::new(handle, origin, error);
    match &hooks.on_error {
        Some(hook) => hook(failure).await,
        None => AsyncFramework::default_on_error(failure).await,
    }
    Outcome::Failed { command }
}
