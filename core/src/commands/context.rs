//! What command bodies, hooks and the error hook receive.

use std::fmt;
use std::sync::Arc;
use std::time::Instant;

use super::check::{run_all, CheckContext};
use super::command::{Catalogue, CommandInfo};
use super::engine::Origin;
use super::error::{escape_mentions, CommandError};
use super::help;
use crate::cache::Cache;
use crate::client::CacheAccess;
use crate::http::routes::validate::MAX_CONTENT_BYTES;
use crate::http::routes::SendMessage;
use crate::http::Pending;
use crate::id::{ChannelId, ServerId, UserId};
use crate::model::{Message, Timestamp};

/// An invocation of a command: the handle to act with, the message, and how the command
/// was called. `S` is the shared state of the command's gear (`()` outside gears).
#[non_exhaustive]
pub struct Context<C, S = ()> {
    /// The runtime's client handle: `ctx.handle.execute_owned(request)`.
    pub handle: C,
    /// The invoking message.
    pub message: Arc<Message>,
    /// The prefix used, as people would type it (a mention shows as `@name `).
    pub prefix: String,
    /// The names used to invoke the command (`role add`, or an alias).
    pub invoked_with: String,
    /// The command.
    pub command: Arc<CommandInfo>,
    /// The server of the channel, if any.
    pub server: Option<ServerId>,
    /// The monotonic time the message was processed at (as the runtime passed it).
    pub now: Instant,
    /// The wall-clock time the message was processed at.
    pub wall_clock: Timestamp,
    /// The gear's shared state.
    pub state: Arc<S>,
    origin: Arc<super::engine::Env>,
}

impl<C: Clone, S> Clone for Context<C, S> {
    fn clone(&self) -> Self {
        Self {
            handle: self.handle.clone(),
            message: self.message.clone(),
            prefix: self.prefix.clone(),
            invoked_with: self.invoked_with.clone(),
            command: self.command.clone(),
            server: self.server,
            now: self.now,
            wall_clock: self.wall_clock,
            state: self.state.clone(),
            origin: self.origin.clone(),
        }
    }
}

impl<C, S> fmt::Debug for Context<C, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Context")
            .field("message", &self.message.id)
            .field("prefix", &self.prefix)
            .field("invoked_with", &self.invoked_with)
            .field("command", &self.command.qualified_name())
            .finish_non_exhaustive()
    }
}

impl<C> Context<C, ()> {
    pub(crate) fn new(handle: C, origin: Origin, command: Arc<CommandInfo>) -> Self {
        Self {
            handle,
            message: origin.message,
            prefix: origin.prefix,
            invoked_with: origin.invoked_with,
            command,
            server: origin.server,
            now: origin.now,
            wall_clock: origin.wall,
            state: Arc::new(()),
            origin: origin.env,
        }
    }

    /// The same invocation with a gear's state.
    pub(crate) fn with_state<S>(self, state: Arc<S>) -> Context<C, S> {
        Context {
            handle: self.handle,
            message: self.message,
            prefix: self.prefix,
            invoked_with: self.invoked_with,
            command: self.command,
            server: self.server,
            now: self.now,
            wall_clock: self.wall_clock,
            state,
            origin: self.origin,
        }
    }
}

impl<C, S> Context<C, S> {
    /// Who invoked the command.
    pub fn author(&self) -> UserId {
        self.message.author
    }

    /// Where.
    pub fn channel(&self) -> ChannelId {
        self.message.channel
    }

    /// A message to the invoking channel (send it with `ctx.handle.execute_owned(..)`, or
    /// use [`send`](Self::send)).
    pub fn say(&self, content: impl Into<String>) -> SendMessage {
        SendMessage::new(self.message.channel, content)
    }

    /// A reply to the invoking message, without mentioning its author (send it with
    /// `ctx.handle.execute_owned(..)`, or use [`respond`](Self::respond)).
    pub fn reply(&self, content: impl Into<String>) -> SendMessage {
        SendMessage::new(self.message.channel, content).reply_to(self.message.id, false)
    }

    /// [`reply`](Self::reply), bound to the handle: `ctx.respond("Done.").await?` on an
    /// async runtime, `ctx.respond("Done.").call()?` on the blocking one. The message's
    /// builders chain on it (`.embed(..)`, `.idempotency_key(..)` ...) before it is sent.
    pub fn respond(&self, content: impl Into<String>) -> Pending<'_, C, SendMessage> {
        Pending::new(&self.handle, self.reply(content))
    }

    /// [`say`](Self::say), bound to the handle: `ctx.send("Hello").await?` (async) or
    /// `ctx.send("Hello").call()?` (blocking).
    pub fn send(&self, content: impl Into<String>) -> Pending<'_, C, SendMessage> {
        Pending::new(&self.handle, self.say(content))
    }

    /// The registered commands and gears (as of when the message arrived).
    pub fn catalogue(&self) -> &Arc<Catalogue> {
        &self.origin.catalogue
    }

    /// Whether the author passes the checks of `command` (the framework's, its gear's and
    /// its own), from `cache`.
    pub fn can_run(&self, cache: &Cache, command: &CommandInfo) -> bool {
        let ctx = CheckContext {
            cache,
            message: &self.message,
            server: self.server,
            bot: cache.current_user().map(|u| u.id),
            owners: &self.origin.owners,
            now: self.wall_clock,
        };
        can_run(&ctx, &self.origin.checks, command)
    }
}

pub(crate) fn can_run(
    ctx: &CheckContext<'_>,
    global: &[super::Check],
    command: &CommandInfo,
) -> bool {
    let gear = command.gear().map(|g| g.checks.as_slice()).unwrap_or(&[]);
    run_all(global.iter().chain(gear).chain(command.checks()), ctx).is_ok()
}

impl<C: CacheAccess, S> Context<C, S> {
    /// The default help text for `query` (`None`: the command list; otherwise a command's
    /// path, `role add`), listing only commands the author passes the checks of. Custom
    /// help commands can build their own from [`catalogue`](Self::catalogue).
    pub fn help_text(&self, query: Option<&str>) -> String {
        self.handle.with_cache(|cache| {
            help::render(self.catalogue(), &self.prefix, query, |command| {
                self.can_run(cache, command)
            })
        })
    }
}

/// A failed invocation, as the error hook receives it.
#[non_exhaustive]
pub struct Failure<C> {
    /// The runtime's client handle.
    pub handle: C,
    /// The invoking message.
    pub message: Arc<Message>,
    /// The prefix used, as people would type it.
    pub prefix: String,
    /// The name(s) used.
    pub invoked_with: String,
    /// The command, if one was found.
    pub command: Option<Arc<CommandInfo>>,
    /// What went wrong.
    pub error: CommandError,
}

impl<C> fmt::Debug for Failure<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Failure")
            .field("message", &self.message.id)
            .field("invoked_with", &self.invoked_with)
            .field(
                "command",
                &self.command.as_ref().map(|c| c.qualified_name().to_owned()),
            )
            .field("error", &self.error)
            .finish_non_exhaustive()
    }
}

impl<C> Failure<C> {
    pub(crate) fn new(handle: C, origin: Origin, error: CommandError) -> Self {
        Self {
            handle,
            message: origin.message,
            prefix: origin.prefix,
            invoked_with: origin.invoked_with,
            command: origin.command,
            error,
        }
    }

    /// What the default error hook tells the user (`None`: nothing, for an unknown command).
    /// Mentions in what the user typed are broken, so the reply never pings anyone.
    pub fn default_reply(&self) -> Option<String> {
        let usage = self
            .command
            .as_ref()
            .map(|c| format!(" Usage: `{}`", c.usage_line(&self.prefix)))
            .unwrap_or_default();
        let text = match &self.error {
            CommandError::CommandNotFound { .. } => return None,
            CommandError::MissingSubcommand { group, given } => {
                let subcommands = self
                    .command
                    .as_ref()
                    .map(|c| {
                        c.subcommands()
                            .iter()
                            .filter(|s| !s.is_hidden())
                            .map(|s| format!("`{}`", s.name()))
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                    .unwrap_or_default();
                match given {
                    Some(given) => format!(
                        "`{}{group}` has no subcommand `{given}`. Try one of: {subcommands}.",
                        self.prefix
                    ),
                    None => format!("`{}{group}` needs a subcommand: {subcommands}.", self.prefix),
                }
            }
            CommandError::Disabled { command } => format!("`{}{command}` is disabled.", self.prefix),
            CommandError::MissingArgument { param } => format!("Missing argument `{param}`.{usage}"),
            CommandError::BadArgument { param, error } => format!("Bad argument `{param}`: {error}."),
            CommandError::TooManyArguments { .. } => format!("Too many arguments.{usage}"),
            CommandError::BadQuotes { error, .. } => format!("I couldn't read that: {error}."),
            CommandError::CheckFailed(failure) => {
                let text = failure.to_string();
                let mut chars = text.chars();
                match chars.next() {
                    Some(first) => format!("{}{}.", first.to_uppercase(), chars.as_str()),
                    None => return None,
                }
            }
            CommandError::OnCooldown { retry_after, .. } => format!(
                "This command is on cooldown; try again in {:.1}s.",
                retry_after.as_secs_f64()
            ),
            CommandError::MaxConcurrency { limit, bucket } => format!(
                "This command is already running (at most {limit} at once {bucket}); try again when it is done."
            ),
            CommandError::Reply(text) => text.clone(),
            CommandError::Http(_) | CommandError::Failed(_) | CommandError::ArgumentsMismatch => {
                "Something went wrong running that command.".to_owned()
            }
        };
        Some(escape_mentions(&text))
    }

    /// The default reply as a request (a reply to the invoking message, no mention),
    /// cut to the message size limit.
    pub fn default_reply_request(&self) -> Option<SendMessage> {
        let text = help::split_message(&self.default_reply()?, MAX_CONTENT_BYTES)
            .into_iter()
            .next()?;
        Some(SendMessage::new(self.message.channel, text).reply_to(self.message.id, false))
    }

    /// Logs the failure with `tracing`: errors of the bot at error level, the user's
    /// mistakes at debug level.
    pub fn log(&self) {
        let command = self
            .command
            .as_ref()
            .map(|c| c.qualified_name())
            .unwrap_or("");
        if self.error.is_user_error() {
            tracing::debug!(command, error = %self.error, "command not run");
        } else {
            tracing::error!(command, error = %self.error, "command failed");
        }
    }
}
