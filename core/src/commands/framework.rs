//! What both flavours of the framework share: the commands, the settings and the hooks'
//! storage. [`AsyncFramework`](super::AsyncFramework) and
//! [`BlockingFramework`](super::BlockingFramework) are this type with their own body and
//! hooks; each adds its constructor, its hook setters and `process`.

use std::fmt;
use std::sync::{Arc, PoisonError, RwLock};

use super::check::Check;
use super::command::{Body, Catalogue, Command, CommandInfo, Gear, RegistrationError};
use super::cooldown::BucketKey;
use super::engine::Engine;
use super::prefix::Prefixes;
use crate::id::UserId;

pub(super) struct Inner<B, H> {
    pub(super) engine: Engine<B>,
    hooks: RwLock<H>,
}

/// A commands framework; use it as [`AsyncFramework`](super::AsyncFramework) on async
/// runtimes or [`BlockingFramework`](super::BlockingFramework) on threads. `B` is the
/// flavour's command body, `H` its hooks.
///
/// Cheap to clone (clones share commands, cooldowns and hooks); commands and gears can be
/// added and removed while it runs.
pub struct Framework<B, H> {
    pub(super) inner: Arc<Inner<B, H>>,
}

impl<B, H> Clone for Framework<B, H> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
        }
    }
}

impl<B, H> fmt::Debug for Framework<B, H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Framework")
            .field("settings", &self.inner.engine.settings)
            .finish_non_exhaustive()
    }
}

impl<B: Body<State = ()>, H: Clone> Framework<B, H> {
    /// A framework with no commands and these hooks.
    pub(super) fn with_hooks(hooks: H) -> Self {
        Self {
            inner: Arc::new(Inner {
                engine: Engine::default(),
                hooks: RwLock::new(hooks),
            }),
        }
    }

    pub(super) fn hooks(&self) -> H {
        self.inner
            .hooks
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    pub(super) fn set_hooks(&self, f: impl FnOnce(&mut H)) {
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

    /// Removes the default `help` command (to add your own, or have none).
    pub fn without_help(self) -> Self {
        let _ = self.remove_command("help");
        self
    }

    /// Adds a command.
    pub fn add_command(&self, command: Command<B>) -> Result<(), RegistrationError> {
        self.inner.engine.add_command(command)
    }

    /// Removes a top-level command by name or alias, returning it.
    pub fn remove_command(&self, name: &str) -> Option<Arc<CommandInfo>> {
        self.inner.engine.remove_command(name)
    }

    /// Adds a gear and its commands (all or none).
    pub fn add_gear<G: Body<Bound = B>>(&self, gear: Gear<G>) -> Result<(), RegistrationError> {
        self.inner.engine.add_gear(gear)
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
}
