//! The runtime-neutral part of processing a message: prefix, routing, checks, concurrency,
//! cooldown and argument conversion. Pure: the cache and the time come in as arguments.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::Instant;

use super::args::{ArgParser, ArgStep, Values};
use super::check::{run_all, Check, CheckContext};
use super::command::{
    Body, Catalogue, Command, CommandInfo, Gear, Keys, Node, RegistrationError, Tree,
};
use super::convert::{shown, ConvertContext, Fetched, Lookup};
use super::cooldown::{BucketKey, ConcurrencyGuard, ConcurrencyLimiter, CooldownMap};
use super::error::CommandError;
use super::prefix::{PrefixContext, Prefixes};
use super::tokenizer::Tokenizer;
use crate::cache::Cache;
use crate::http::Error as HttpError;
use crate::id::{ServerId, UserId};
use crate::model::{Channel, Message, Timestamp, User};

/// Framework-wide settings (cheap to clone: read once per message).
#[derive(Clone, Debug)]
pub(crate) struct Settings {
    pub(crate) prefixes: Arc<Prefixes>,
    pub(crate) ignore_bots: bool,
    pub(crate) owners: Arc<[UserId]>,
    pub(crate) checks: Arc<[Check]>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            prefixes: Arc::new(Prefixes::new()),
            ignore_bots: true,
            owners: Arc::new([]),
            checks: Arc::new([]),
        }
    }
}

/// What an invocation's context carries besides the message: a snapshot of the framework
/// taken when the message arrived.
#[derive(Debug)]
pub(crate) struct Env {
    pub(crate) catalogue: Arc<Catalogue>,
    pub(crate) owners: Arc<[UserId]>,
    pub(crate) checks: Arc<[Check]>,
}

/// Where an invocation came from.
#[derive(Clone, Debug)]
pub(crate) struct Origin {
    pub(crate) message: Arc<Message>,
    pub(crate) prefix: String,
    pub(crate) invoked_with: String,
    pub(crate) server: Option<ServerId>,
    pub(crate) command: Option<Arc<CommandInfo>>,
    pub(crate) env: Arc<Env>,
    pub(crate) now: Instant,
    pub(crate) wall: Timestamp,
}

type Cooldowns = Arc<Mutex<HashMap<u64, CooldownMap>>>;

/// A use of a cooldown bucket, given back if the arguments turn out wrong.
struct Spent {
    cooldowns: Cooldowns,
    command: u64,
    key: BucketKey,
}

impl Spent {
    fn refund(self, now: Instant) {
        let mut cooldowns = self
            .cooldowns
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(map) = cooldowns.get_mut(&self.command) {
            map.refund(self.key, now);
        }
    }
}

/// An invocation that passed its checks, converting its arguments.
pub(crate) struct Invocation<B> {
    pub(crate) origin: Origin,
    pub(crate) node: Arc<Node<B>>,
    parser: ArgParser,
    guard: Option<ConcurrencyGuard>,
    spent: Option<Spent>,
}

pub(crate) enum Step {
    Fetch(Lookup),
    Ready(Values),
    Failed(CommandError),
}

impl<B> Invocation<B> {
    /// Converts arguments until done or a lookup is needed.
    pub(crate) fn step(
        &mut self,
        cache: &Cache,
        fetched: Option<Result<Fetched, HttpError>>,
    ) -> Step {
        let ctx = ConvertContext {
            cache,
            message: &self.origin.message,
            server: self.origin.server,
            now: self.origin.wall,
        };
        match self.parser.step(&ctx, fetched) {
            ArgStep::Fetch(lookup) => Step::Fetch(lookup),
            ArgStep::Done(values) => Step::Ready(values),
            ArgStep::Failed(error) => {
                if let Some(spent) = self.spent.take() {
                    spent.refund(self.origin.now);
                }
                Step::Failed(error)
            }
        }
    }

    /// Ends the invocation's hold on its concurrency slot when dropped; kept alive while
    /// the body runs.
    pub(crate) fn into_running(self) -> (Origin, Arc<Node<B>>, Option<ConcurrencyGuard>) {
        (self.origin, self.node, self.guard)
    }
}

// Returned once per message and matched at once: the size of a failure does not matter.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Prepared<B> {
    Ignored,
    Failed(Origin, CommandError),
    Ready(Box<Invocation<B>>),
}

/// The state shared by a framework's clones.
pub(crate) struct Engine<B> {
    pub(crate) settings: RwLock<Settings>,
    tree: RwLock<Arc<Tree<B>>>,
    keys: Keys,
    cooldowns: Cooldowns,
    concurrency: ConcurrencyLimiter,
}

impl<B> Default for Engine<B> {
    fn default() -> Self {
        Self {
            settings: RwLock::default(),
            tree: RwLock::default(),
            keys: Keys::default(),
            cooldowns: Arc::default(),
            concurrency: ConcurrencyLimiter::new(),
        }
    }
}

fn is_bot(cache: &Cache, message: &Message) -> bool {
    message
        .user
        .as_deref()
        .or_else(|| cache.user(message.author))
        .is_some_and(User::is_bot)
}

impl<B: Body<State = ()>> Engine<B> {
    pub(crate) fn settings(&self) -> Settings {
        self.settings
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    pub(crate) fn update_settings(&self, f: impl FnOnce(&mut Settings)) {
        f(&mut self
            .settings
            .write()
            .unwrap_or_else(PoisonError::into_inner));
    }

    pub(crate) fn tree(&self) -> Arc<Tree<B>> {
        self.tree
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn replace_tree<T>(
        &self,
        f: impl FnOnce(&Tree<B>) -> Result<(Tree<B>, T), RegistrationError>,
    ) -> Result<T, RegistrationError> {
        let mut tree = self.tree.write().unwrap_or_else(PoisonError::into_inner);
        let (new, out) = f(&tree)?;
        *tree = Arc::new(new);
        Ok(out)
    }

    pub(crate) fn set_case_insensitive(&self, case_insensitive: bool) {
        let _ = self.replace_tree(|tree| Ok((tree.with_case_insensitive(case_insensitive), ())));
    }

    pub(crate) fn add_command(&self, command: Command<B>) -> Result<(), RegistrationError> {
        self.replace_tree(|tree| Ok((tree.with_commands(vec![command], None, &self.keys)?, ())))
    }

    pub(crate) fn remove_command(&self, name: &str) -> Option<Arc<CommandInfo>> {
        let mut tree = self.tree.write().unwrap_or_else(PoisonError::into_inner);
        let (new, removed) = tree.without_command(name)?;
        *tree = Arc::new(new);
        drop(tree);
        self.forget_cooldowns(std::slice::from_ref(&removed));
        Some(removed)
    }

    /// Drops the cooldown state of removed commands (and their subcommands).
    fn forget_cooldowns(&self, removed: &[Arc<CommandInfo>]) {
        fn keys(info: &CommandInfo, out: &mut Vec<u64>) {
            out.push(info.key());
            for sub in info.subcommands() {
                keys(sub, out);
            }
        }
        let mut gone = Vec::new();
        for info in removed {
            keys(info, &mut gone);
        }
        let mut cooldowns = self
            .cooldowns
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        for key in gone {
            cooldowns.remove(&key);
        }
    }

    pub(crate) fn add_gear<G: Body<Bound = B>>(
        &self,
        gear: Gear<G>,
    ) -> Result<(), RegistrationError> {
        let (info, commands) = gear.into_parts();
        self.replace_tree(|tree| Ok((tree.with_commands(commands, Some(info), &self.keys)?, ())))
    }

    pub(crate) fn remove_gear(&self, name: &str) -> bool {
        let mut tree = self.tree.write().unwrap_or_else(PoisonError::into_inner);
        let Some((new, removed)) = tree.without_gear(name) else {
            return false;
        };
        *tree = Arc::new(new);
        drop(tree);
        self.forget_cooldowns(&removed);
        true
    }

    /// Everything up to argument conversion, in one pass over the cache.
    pub(crate) fn prepare(
        &self,
        cache: &Cache,
        message: &Message,
        wall: Timestamp,
        now: Instant,
    ) -> Prepared<B> {
        let Some(content) = message.content.as_deref() else {
            return Prepared::Ignored;
        };
        let bot = cache.current_user();
        let bot_id = bot.map(|b| b.id);
        let settings = self.settings();
        if message.is_system()
            || message.is_webhook()
            || Some(message.author) == bot_id
            || (settings.ignore_bots && is_bot(cache, message))
        {
            return Prepared::Ignored;
        }
        let server = cache.channel(message.channel).and_then(Channel::server);
        let prefix_ctx = PrefixContext {
            cache,
            message,
            server,
        };
        let Some((prefix, rest)) = settings.prefixes.find(&prefix_ctx, bot_id, content) else {
            return Prepared::Ignored;
        };
        let mut words = Tokenizer::new(rest);
        let Some(name) = words.next_plain_word() else {
            return Prepared::Ignored;
        };
        let tree = self.tree();
        let display_prefix = match (prefix.mention, bot) {
            (true, Some(bot)) => format!("@{} ", bot.username),
            _ => prefix.text.clone(),
        };
        let mut origin = Origin {
            message: Arc::new(message.clone()),
            prefix: display_prefix,
            invoked_with: name.to_owned(),
            server,
            command: None,
            env: Arc::new(Env {
                catalogue: tree.catalogue().clone(),
                owners: settings.owners.clone(),
                checks: settings.checks.clone(),
            }),
            now,
            wall,
        };
        let Some(mut node) = tree.find(name).cloned() else {
            return Prepared::Failed(origin, CommandError::CommandNotFound { name: shown(name) });
        };
        let mut path = vec![node.clone()];
        while !node.children.is_empty() {
            let Some(word) = words.peek_plain_word() else {
                break;
            };
            let Some(child) = node.child(word, tree.case_insensitive()).cloned() else {
                break;
            };
            words.next_plain_word();
            origin.invoked_with = format!("{} {word}", origin.invoked_with);
            path.push(child.clone());
            node = child;
        }
        origin.command = Some(node.info.clone());
        if node.body.is_none() {
            let given = words.peek_plain_word().map(shown);
            let group = node.info.qualified_name().to_owned();
            return Prepared::Failed(origin, CommandError::MissingSubcommand { group, given });
        }
        if let Some(disabled) = path.iter().find(|n| !n.info.is_enabled()) {
            let command = disabled.info.qualified_name().to_owned();
            return Prepared::Failed(origin, CommandError::Disabled { command });
        }

        let check_ctx = CheckContext {
            cache,
            message,
            server,
            bot: bot_id,
            owners: &settings.owners,
            now: wall,
        };
        let gear_checks = node.info.gear().map(|g| g.checks.as_slice()).unwrap_or(&[]);
        let checks = settings
            .checks
            .iter()
            .chain(gear_checks)
            .chain(path.iter().flat_map(|n| n.info.checks()));
        if let Err(failure) = run_all(checks, &check_ctx) {
            return Prepared::Failed(origin, failure.into());
        }

        let key = node.info.key();
        let guard = match node.info.max_concurrency() {
            Some(limit) => {
                let bucket = limit.bucket.key(message, server);
                match self.concurrency.acquire(key, bucket, limit.limit) {
                    Some(guard) => Some(guard),
                    None => {
                        return Prepared::Failed(
                            origin,
                            CommandError::MaxConcurrency {
                                limit: limit.limit,
                                bucket: limit.bucket,
                            },
                        )
                    }
                }
            }
            None => None,
        };
        let spent = match node.info.cooldown() {
            Some(cooldown) => {
                let bucket = cooldown.bucket.key(message, server);
                let mut cooldowns = self
                    .cooldowns
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner);
                let map = cooldowns
                    .entry(key)
                    .or_insert_with(|| CooldownMap::new(cooldown));
                if let Err(retry_after) = map.hit(bucket, now) {
                    return Prepared::Failed(
                        origin,
                        CommandError::OnCooldown {
                            retry_after,
                            cooldown,
                        },
                    );
                }
                Some(Spent {
                    cooldowns: self.cooldowns.clone(),
                    command: key,
                    key: bucket,
                })
            }
            None => None,
        };

        let parser = ArgParser::new(
            node.info.params().clone(),
            words.remaining(),
            node.info.ignores_extra(),
        );
        Prepared::Ready(Box::new(Invocation {
            origin,
            node,
            parser,
            guard,
            spent,
        }))
    }

    /// Forgets the cooldown of `command` for `key`.
    pub(crate) fn reset_cooldown(&self, command: u64, key: BucketKey) {
        let mut cooldowns = self
            .cooldowns
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(map) = cooldowns.get_mut(&command) {
            map.reset(key);
        }
    }
}
