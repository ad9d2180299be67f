//! The blocking flavour: command bodies and hooks are plain functions; the framework runs
//! on the calling thread with any handle that implements [`BlockingExecutor`].

use std::fmt;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Instant;

use super::args::{Args, Values};
use super::check::Check;
use super::command::{Body, Catalogue, Command, CommandInfo, Gear, RegistrationError};
use super::context::{Context, Failure};
use super::cooldown::BucketKey;
use super::engine::{Engine, Origin, Prepared, Step};
use super::error::CommandError;
use super::help::{split_message, HelpArgs};
use super::prefix::Prefixes;
use super::Outcome;
use crate::client::{BlockingExecutor, Update};
use crate::gateway::Event;
use crate::http::routes::validate::MAX_CONTENT_BYTES;
use crate::id::UserId;
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

struct Hooks<C> {
    before: Option<BeforeHook<C>>,
    after: Option<AfterHook<C>>,
    on_error: Option<ErrorHook<C>>,
}

impl<C> Clone for Hooks<C> {
    fn clone(&self) -> Self {
        Self {
            before: self.before.clone(),
            after: self.after.clone(),
            on_error: self.on_error.clone(),
        }
    }
}

struct Inner<C> {
    engine: Engine<BlockingBody<C>>,
    hooks: RwLock<Hooks<C>>,
}

/// A commands framework for the blocking runtime (or any thread with a
/// [`BlockingExecutor`]). Cheap to clone (clones share commands, cooldowns and hooks);
/// safe to use from several threads; commands and gears can be added and removed while it
/// runs.
///
/// Feed it every update with the client's handle and the time:
/// `framework.process(&handle, &update, now)` runs the command on the calling thread.
pub struct BlockingFramework<C> {
    inner: Arc<Inner<C>>,
}

impl<C> Clone for BlockingFramework<C> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
        }
    }
}

impl<C> fmt::Debug for BlockingFramework<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlockingFramework")
            .field("settings", &self.inner.engine.settings)
            .finish_non_exhaustive()
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
        let framework = Self {
            inner: Arc::new(Inner {
                engine: Engine::default(),
                hooks: RwLock::new(Hooks {
                    before: None,
                    after: None,
                    on_error: None,
                }),
            }),
        };
        // A fresh tree has no names yet: adding `help` cannot conflict.
        let _ = framework.add_command(blocking_help_command());
        framework
    }

    fn hooks(&self) -> Hooks<C> {
        self.inner
            .hooks
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn set_hooks(&self, f: impl FnOnce(&mut Hooks<C>)) {
        f(&mut self
            .inner
            .hooks
            .write()
            .unwrap_or_else(PoisonError::into_inner));
    }

    /// Adds a fixed prefix.
    pub fn prefix(self, prefix: impl Into<String>) -> Self {
        let prefix = prefix.into();
        self.inner
            .engine
            .update_settings(|s| s.prefixes = Arc::new((*s.prefixes).clone().prefix(prefix)));
        self
    }

    /// Replaces the prefixes (mentions, several, per-message).
    pub fn prefixes(self, prefixes: Prefixes) -> Self {
        self.inner
            .engine
            .update_settings(|s| s.prefixes = Arc::new(prefixes));
        self
    }

    /// Matches command names ignoring case.
    pub fn case_insensitive(self, case_insensitive: bool) -> Self {
        self.inner.engine.set_case_insensitive(case_insensitive);
        self
    }

    /// Whether messages of other bots are ignored (the default; the bot's own messages are
    /// always ignored).
    pub fn ignore_bots(self, ignore: bool) -> Self {
        self.inner
            .engine
            .update_settings(|s| s.ignore_bots = ignore);
        self
    }

    /// Adds an owner for [`Check::is_owner`] besides the bot account's owner.
    pub fn owner(self, owner: UserId) -> Self {
        self.inner.engine.update_settings(|s| {
            let mut owners = s.owners.to_vec();
            owners.push(owner);
            s.owners = owners.into();
        });
        self
    }

    /// Adds a check that every command must pass (before gear and command checks).
    pub fn check(self, check: Check) -> Self {
        self.inner.engine.update_settings(|s| {
            let mut checks = s.checks.to_vec();
            checks.push(check);
            s.checks = checks.into();
        });
        self
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

    /// Removes the default `help` command (to add your own, or have none).
    pub fn without_help(self) -> Self {
        let _ = self.remove_command("help");
        self
    }

    /// Adds a command.
    pub fn add_command(&self, command: BlockingCommand<C>) -> Result<(), RegistrationError> {
        self.inner.engine.add_command(command)
    }

    /// Removes a top-level command by name or alias, returning it.
    pub fn remove_command(&self, name: &str) -> Option<Arc<CommandInfo>> {
        self.inner.engine.remove_command(name)
    }

    /// Adds a gear and its commands (all or none).
    pub fn add_gear<S: Send + Sync + 'static>(
        &self,
        gear: BlockingGear<C, S>,
    ) -> Result<(), RegistrationError> {
        self.inner.engine.add_gear::<BlockingBody<C, S>>(gear)
    }

    /// Removes a gear and its commands; `false` if there is no gear called `name`.
    pub fn remove_gear(&self, name: &str) -> bool {
        self.inner.engine.remove_gear(name)
    }

    /// The registered commands and gears.
    pub fn catalogue(&self) -> Arc<Catalogue> {
        self.inner.engine.tree().catalogue().clone()
    }

    /// Forgets the cooldown of `command` in bucket `key` (e.g. from the error hook).
    pub fn reset_cooldown(&self, command: &CommandInfo, key: BucketKey) {
        self.inner.engine.reset_cooldown(command.key(), key);
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

fn fail<C>(handle: C, origin: Origin, error: CommandError, hooks: &Hooks<C>) -> Outcome
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
