//! The blocking flavour: command bodies and hooks are plain functions; the framework runs
//! on the calling thread with any handle that implements [`BlockingExecutor`].

use std::fmt;
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
use crate::client::{BlockingExecutor, Update};
use crate::gateway::Event;
use crate::http::routes::validate::MAX_CONTENT_BYTES;
use crate::model::Message;

type Run<C, S> = dyn Fn(Context<C, S>, Values) -> Result<(), CommandError> + Send + Sync;

/// A blocking command body, with the gear state `S` it receives.
pub struct BlockingBody<C, S = ()> {
    run: Arc<Run<C, S>>,
}

impl<C, S> fmt::Debug for BlockingBody<C, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BlockingBody")
    }
}

impl<C, S> Body for BlockingBody<C, S>
where
    C: Send + Sync + 'static,
    S: Send + Sync + 'static,
{
    type State = S;
    type Bound = BlockingBody<C>;
    fn bind(self, state: Arc<S>) -> BlockingBody<C> {
        let run = self.run;
        BlockingBody {
            run: Arc::new(move |ctx: Context<C>, values| {
                run(ctx.with_state(state.clone()), values)
            }),
        }
    }
}

/// A command of the blocking flavour.
pub type BlockingCommand<C, S = ()> = Command<BlockingBody<C, S>>;

/// A gear of the blocking flavour, with state `S`.
pub type BlockingGear<C, S> = Gear<BlockingBody<C, S>>;

impl<C, S> Command<BlockingBody<C, S>>
where
    C: Send + Sync + 'static,
    S: Send + Sync + 'static,
{
    /// A command named `name` running `body` with the converted arguments `A`.
    pub fn new<A, F>(name: impl Into<String>, body: F) -> Self
    where
        A: Args,
        F: Fn(Context<C, S>, A) -> Result<(), CommandError> + Send + Sync + 'static,
    {
        let run =
            move |ctx: Context<C, S>, mut values: Values| body(ctx, A::from_values(&mut values)?);
        Command::from_parts(name, A::params(), Some(BlockingBody { run: Arc::new(run) }))
    }
}

type BeforeHook<C> = Arc<dyn Fn(&Context<C>) -> Result<(), CommandError> + Send + Sync>;
type AfterHook<C> = Arc<dyn Fn(&Context<C>, bool) + Send + Sync>;
type ErrorHook<C> = Arc<dyn Fn(Failure<C>) + Send + Sync>;

/// The hooks of a [`BlockingFramework`], set with its `before_invoke`, `after_invoke` and
/// `on_error`.
pub struct BlockingHooks<C> {
    before: Option<BeforeHook<C>>,
    after: Option<AfterHook<C>>,
    on_error: Option<ErrorHook<C>>,
}

impl<C> Clone for BlockingHooks<C> {
    fn clone(&self) -> Self {
        Self {
            before: self.before.clone(),
            after: self.after.clone(),
            on_error: self.on_error.clone(),
        }
    }
}

/// A commands framework for the blocking runtime (or any thread with a
/// [`BlockingExecutor`]). Cheap to clone (clones share commands, cooldowns and hooks);
/// safe to use from several threads; commands and gears can be added and removed while it
/// runs.
///
/// Feed it every update with the client's handle and the time:
/// `framework.process(&handle, &update, now)` runs the command on the calling thread.
pub type BlockingFramework<C> = Framework<BlockingBody<C>, BlockingHooks<C>>;

impl<C> fmt::Debug for BlockingHooks<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlockingHooks")
            .field("before", &self.before.is_some())
            .field("after", &self.after.is_some())
            .field("on_error", &self.on_error.is_some())
            .finish()
    }
}

impl<C> Default for BlockingFramework<C>
where
    C: BlockingExecutor + Clone + Send + Sync + 'static,
{
    fn default() -> Self {
        Self::new()
    }
}

/// The default help command of the blocking flavour.
pub fn blocking_help_command<C>() -> BlockingCommand<C>
where
    C: BlockingExecutor + Clone + Send + Sync + 'static,
{
    BlockingCommand::new("help", |ctx: Context<C>, args: HelpArgs| {
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
            ctx.handle.execute_owned(message)?;
        }
        Ok(())
    })
    .description("Shows the commands, or the details of one.")
}

impl<C> BlockingFramework<C>
where
    C: BlockingExecutor + Clone + Send + Sync + 'static,
{
    /// A framework with no prefix yet, the default `help` command and the default error
    /// hook (a reply explaining the error; see [`Failure::default_reply`]).
    pub fn new() -> Self {
        let framework = Self::with_hooks(BlockingHooks {
            before: None,
            after: None,
            on_error: None,
        });
        // A fresh tree has no names yet: adding `help` cannot conflict.
        let _ = framework.add_command(blocking_help_command());
        framework
    }

    /// Runs `hook` before each command body; an error skips the body and goes to the error
    /// hook.
    pub fn before_invoke(
        self,
        hook: impl Fn(&Context<C>) -> Result<(), CommandError> + Send + Sync + 'static,
    ) -> Self {
        self.set_hooks(|h| h.before = Some(Arc::new(hook)));
        self
    }

    /// Runs `hook` after each command body (also when it or the before hook failed; the
    /// flag says whether it succeeded).
    pub fn after_invoke(self, hook: impl Fn(&Context<C>, bool) + Send + Sync + 'static) -> Self {
        self.set_hooks(|h| h.after = Some(Arc::new(hook)));
        self
    }

    /// Replaces the error hook, which receives every failure: unknown command, bad
    /// arguments, checks, cooldowns, the command's own errors.
    /// [`default_on_error`](Self::default_on_error) is what it does by default.
    pub fn on_error(self, hook: impl Fn(Failure<C>) + Send + Sync + 'static) -> Self {
        self.set_hooks(|h| h.on_error = Some(Arc::new(hook)));
        self
    }

    /// The default error hook: logs the failure and replies with
    /// [`Failure::default_reply`] (nothing for an unknown command).
    pub fn default_on_error(failure: Failure<C>) {
        failure.log();
        if let Some(reply) = failure.default_reply_request() {
            if let Err(error) = failure.handle.execute_owned(reply) {
                tracing::warn!(%error, "could not send the error reply");
            }
        }
    }

    /// Processes one update on the calling thread: for a `Message` that invokes a command,
    /// converts the arguments (fetching over REST what the cache lacks), runs the hooks and
    /// the body, and reports any failure to the error hook. For anything else it does
    /// nothing. `now` is the runtime's monotonic clock, used by cooldowns.
    pub fn process(&self, handle: &C, update: &Update, now: Instant) -> Outcome {
        match &update.event {
            Event::Message(message) => self.process_message(handle, message, now),
            _ => Outcome::Ignored,
        }
    }

    /// [`process`](Self::process) for a message.
    pub fn process_message(&self, handle: &C, message: &Message, now: Instant) -> Outcome {
        let wall = handle.wall_clock();
        let prepared =
            handle.with_cache(|cache| self.inner.engine.prepare(cache, message, wall, now));
        if let Prepared::Ignored = prepared {
            return Outcome::Ignored;
        }
        let hooks = self.hooks();
        let mut invocation = match prepared {
            Prepared::Ignored => return Outcome::Ignored,
            Prepared::Failed(origin, error) => return fail(handle.clone(), origin, error, &hooks),
            Prepared::Ready(invocation) => invocation,
        };
        let mut fetched = None;
        let values = loop {
            match handle.with_cache(|cache| invocation.step(cache, fetched.take())) {
                Step::Fetch(lookup) => fetched = Some(lookup.run_blocking(handle)),
                Step::Ready(values) => break values,
                Step::Failed(error) => {
                    return fail(handle.clone(), invocation.origin, error, &hooks)
                }
            }
        };
        let (origin, node, guard) = invocation.into_running();
        let ctx = Context::new(handle.clone(), origin.clone(), node.info.clone());
        let result = match &hooks.before {
            Some(before) => before(&ctx),
            None => Ok(()),
        };
        let result = match (result, &node.body) {
            (Ok(()), Some(body)) => (body.run)(ctx.clone(), values),
            (Ok(()), None) => Err(CommandError::ArgumentsMismatch),
            (Err(error), _) => Err(error),
        };
        if let Some(after) = &hooks.after {
            after(&ctx, result.is_ok());
        }
        drop(guard);
        match result {
            Ok(()) => Outcome::Completed {
                command: node.info.qualified_name().to_owned(),
            },
            Err(error) => fail(handle.clone(), origin, error, &hooks),
        }
    }
}

fn fail<C>(handle: C, origin: Origin, error: CommandError, hooks: &BlockingHooks<C>) -> Outcome
where
    C: BlockingExecutor + Clone + Send + Sync + 'static,
{
    let command = origin
        .command
        .as_ref()
        .map(|c| c.qualified_name().to_owned());
    let failure = Failure::new(handle, origin, error);
    match &hooks.on_error {
        Some(hook) => hook(failure),
        None => BlockingFramework::default_on_error(failure),
    }
    Outcome::Failed { command }
}
