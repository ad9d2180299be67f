//! Every way an invocation can fail.

use std::error::Error as StdError;
use std::time::Duration;

use super::check::CheckFailure;
use super::convert::BadArgument;
use super::cooldown::{BucketType, Cooldown};
use super::tokenizer::TokenizeError;
use crate::http::Error as HttpError;

/// Why a command did not run, or what it failed with. The error hook receives every one.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CommandError {
    /// The message started with a prefix, but no command has that name.
    #[error("no command called {name:?}")]
    CommandNotFound {
        /// The name used (truncated).
        name: String,
    },
    /// A group without a body of its own was invoked without a known subcommand.
    #[error("{group} needs a subcommand")]
    MissingSubcommand {
        /// The group's qualified name.
        group: String,
        /// The word given where the subcommand was expected, if any.
        given: Option<String>,
    },
    /// The command is disabled.
    #[error("the command {command} is disabled")]
    Disabled {
        /// Its qualified name.
        command: String,
    },
    /// A required parameter had no word.
    #[error("missing the argument {param}")]
    MissingArgument {
        /// The parameter.
        param: String,
    },
    /// A parameter's word could not be converted.
    #[error("bad argument {param}: {error}")]
    BadArgument {
        /// The parameter.
        param: String,
        /// Why.
        #[source]
        error: BadArgument,
    },
    /// Words were left after the last parameter.
    #[error("too many arguments: {extra:?}")]
    TooManyArguments {
        /// What was left (truncated).
        extra: String,
    },
    /// The text has a quote that is never closed, or is followed by a letter.
    #[error("the arguments have a bad quote: {error}")]
    BadQuotes {
        /// The parameter being read, if any.
        param: Option<String>,
        /// The tokenizer's error.
        #[source]
        error: TokenizeError,
    },
    /// A check failed.
    #[error("check failed: {0}")]
    CheckFailed(#[from] CheckFailure),
    /// The command is on cooldown in this bucket.
    #[error("on cooldown for {retry_after:?}")]
    OnCooldown {
        /// How long until the bucket allows another use.
        retry_after: Duration,
        /// The cooldown.
        cooldown: Cooldown,
    },
    /// The command already runs as often as it may at once in this bucket.
    #[error("already running {limit} time(s) {bucket}")]
    MaxConcurrency {
        /// How many may run at once.
        limit: usize,
        /// What is counted separately.
        bucket: BucketType,
    },
    /// A REST call the command (or a hook) made failed.
    #[error("a request failed: {0}")]
    Http(#[from] HttpError),
    /// The command stopped with a message meant for the user (replied verbatim by the
    /// default error hook).
    #[error("{0}")]
    Reply(String),
    /// The command failed with its own error.
    #[error("the command failed: {0}")]
    Failed(Box<dyn StdError + Send + Sync>),
    /// An [`Args`](super::Args) implementation's `params` and `from_values` disagree (a
    /// bug in a hand-written implementation, never the user's input).
    #[error("the arguments type does not match its parameter list")]
    ArgumentsMismatch,
}

impl CommandError {
    /// Stops the command with a message for the user.
    pub fn reply(message: impl Into<String>) -> Self {
        Self::Reply(message.into())
    }

    /// Wraps the command's own error.
    pub fn failed(error: impl StdError + Send + Sync + 'static) -> Self {
        Self::Failed(Box::new(error))
    }

    /// Whether this is a problem with how the user invoked the command (not found, bad
    /// arguments, checks, cooldowns), as opposed to the command or the bot failing.
    pub fn is_user_error(&self) -> bool {
        !matches!(
            self,
            Self::Http(_) | Self::Failed(_) | Self::ArgumentsMismatch
        )
    }
}

impl From<Box<dyn StdError + Send + Sync>> for CommandError {
    fn from(error: Box<dyn StdError + Send + Sync>) -> Self {
        Self::Failed(error)
    }
}

/// Breaks mentions in text the bot echoes back (`<@id>`, `<%id>`, `@everyone`, `@online`),
/// so an error reply quoting the user's input never pings anyone.
pub fn escape_mentions(text: &str) -> String {
    text.replace("<@", "<@\u{200B}")
        .replace("<%", "<%\u{200B}")
        .replace("@everyone", "@\u{200B}everyone")
        .replace("@online", "@\u{200B}online")
}
