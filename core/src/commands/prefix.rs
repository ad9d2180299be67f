//! Which messages are commands: prefixes.

use std::fmt;
use std::sync::Arc;

use crate::cache::Cache;
use crate::id::{ServerId, UserId};
use crate::model::Message;

/// What a per-message prefix function sees.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct PrefixContext<'a> {
    /// The cache.
    pub cache: &'a Cache,
    /// The message.
    pub message: &'a Message,
    /// The server of the message's channel (`None` in DMs and groups).
    pub server: Option<ServerId>,
}

type PrefixFn = Arc<dyn Fn(&PrefixContext<'_>) -> Vec<String> + Send + Sync>;

/// The prefixes a message may start with to be a command.
///
/// Any number of fixed strings, the bot's mention (`<@bot id>`), and a function that
/// returns more prefixes for each message (per-server prefixes). The longest matching
/// prefix wins, so `!!` and `!` can coexist.
///
/// ```
/// use stoat_core::commands::Prefixes;
///
/// let prefixes = Prefixes::new()
///     .prefix("!")
///     .prefix("?")
///     .when_mentioned()
///     .dynamic(|ctx| match ctx.server {
///         Some(_) => vec!["s!".to_owned()],
///         None => Vec::new(),
///     });
/// assert_eq!(prefixes.fixed(), ["!", "?"]);
/// ```
#[derive(Clone, Default)]
pub struct Prefixes {
    fixed: Vec<String>,
    mention: bool,
    dynamic: Option<PrefixFn>,
    strip_whitespace: bool,
}

impl fmt::Debug for Prefixes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Prefixes")
            .field("fixed", &self.fixed)
            .field("mention", &self.mention)
            .field("dynamic", &self.dynamic.is_some())
            .field("strip_whitespace", &self.strip_whitespace)
            .finish()
    }
}

/// The prefix a message started with.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct MatchedPrefix {
    /// The prefix as typed (for a mention, `<@id>` and the whitespace after it).
    pub text: String,
    /// Whether it was the bot's mention.
    pub mention: bool,
}

impl Prefixes {
    /// No prefixes: nothing is a command until one is added.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a fixed prefix. An empty prefix makes every message a command candidate.
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        let prefix = prefix.into();
        if !self.fixed.contains(&prefix) {
            self.fixed.push(prefix);
        }
        self
    }

    /// Also accepts the bot's mention, `<@bot id>`, as a prefix (stoat.py's
    /// `when_mentioned`; with [`prefix`](Self::prefix), `when_mentioned_or`).
    pub fn when_mentioned(mut self) -> Self {
        self.mention = true;
        self
    }

    /// Adds prefixes computed for each message, e.g. per-server prefixes from your own
    /// settings. They are tried together with the fixed ones.
    ///
    /// The function runs while the runtime holds its cache lock (it is given the cache):
    /// it must not call the client handle.
    pub fn dynamic(
        mut self,
        prefixes: impl Fn(&PrefixContext<'_>) -> Vec<String> + Send + Sync + 'static,
    ) -> Self {
        self.dynamic = Some(Arc::new(prefixes));
        self
    }

    /// Allows whitespace between a fixed prefix and the command name (`! ping`). Off by
    /// default; after a mention whitespace is always allowed.
    pub fn strip_whitespace_after(mut self, strip: bool) -> Self {
        self.strip_whitespace = strip;
        self
    }

    /// The fixed prefixes.
    pub fn fixed(&self) -> &[String] {
        &self.fixed
    }

    /// Whether the bot's mention is a prefix.
    pub fn accepts_mention(&self) -> bool {
        self.mention
    }

    /// Finds the prefix `content` starts with: the mention of `bot` first (when enabled and
    /// known), then the longest fixed or dynamic prefix. Returns it and the text after it.
    pub fn find<'m>(
        &self,
        ctx: &PrefixContext<'_>,
        bot: Option<UserId>,
        content: &'m str,
    ) -> Option<(MatchedPrefix, &'m str)> {
        if self.mention {
            if let Some(bot) = bot {
                let mention = format!("<@{bot}>");
                if let Some(after) = content.strip_prefix(&mention) {
                    let rest = after.trim_start();
                    let text = content[..content.len() - rest.len()].to_owned();
                    return Some((
                        MatchedPrefix {
                            text,
                            mention: true,
                        },
                        rest,
                    ));
                }
            }
        }
        let dynamic = self.dynamic.as_ref().map(|f| f(ctx)).unwrap_or_default();
        let best = self
            .fixed
            .iter()
            .chain(&dynamic)
            .filter(|p| content.starts_with(p.as_str()))
            .max_by_key(|p| p.len())?;
        let mut rest = &content[best.len()..];
        if self.strip_whitespace {
            rest = rest.trim_start();
        } else if rest.starts_with(char::is_whitespace) {
            // `! ping` is not a command unless whitespace after the prefix is allowed.
            return None;
        }
        Some((
            MatchedPrefix {
                text: best.clone(),
                mention: false,
            },
            rest,
        ))
    }
}
