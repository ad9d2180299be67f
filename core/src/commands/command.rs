//! Commands, groups and gears, and the tree they are routed through.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use super::args::Param;
use super::check::Check;
use super::cooldown::{Cooldown, MaxConcurrency};

/// A command's body, as the framework of one runtime flavour stores it
/// ([`AsyncBody`](super::AsyncBody) or [`BlockingBody`](super::BlockingBody)). `State` is
/// the shared state of the [`Gear`] the command belongs to (`()` outside gears).
pub trait Body: Send + Sync + 'static {
    /// The gear state the body receives.
    type State: Send + Sync + 'static;
    /// The body with its state bound.
    type Bound: Body<State = ()>;
    /// Binds the gear's state.
    fn bind(self, state: Arc<Self::State>) -> Self::Bound;
}

#[derive(Clone, Debug)]
struct Meta {
    name: String,
    aliases: Vec<String>,
    description: Option<String>,
    usage: Option<String>,
    hidden: bool,
    enabled: bool,
    checks: Vec<Check>,
    cooldown: Option<Cooldown>,
    concurrency: Option<MaxConcurrency>,
    ignore_extra: bool,
}

/// A command (or a group of subcommands) before it is added to a framework.
///
/// Made by the flavour's constructor (`AsyncCommand::new(name, body)`,
/// `BlockingCommand::new(name, body)`), or by [`Command::group`] for a group with no body
/// of its own; configured with the builder methods below.
pub struct Command<B> {
    meta: Meta,
    params: Arc<[Param]>,
    body: Option<B>,
    subcommands: Vec<Command<B>>,
}

impl<B> fmt::Debug for Command<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Command")
            .field("name", &self.meta.name)
            .field("aliases", &self.meta.aliases)
            .field("params", &self.params)
            .field("subcommands", &self.subcommands)
            .finish_non_exhaustive()
    }
}

impl<B> Command<B> {
    /// A command named `name` with `params`, running `body`. The flavours' constructors
    /// build `body` from a typed function; this is for custom flavours.
    pub fn from_parts(name: impl Into<String>, params: Vec<Param>, body: Option<B>) -> Self {
        Self {
            meta: Meta {
                name: name.into(),
                aliases: Vec::new(),
                description: None,
                usage: None,
                hidden: false,
                enabled: true,
                checks: Vec::new(),
                cooldown: None,
                concurrency: None,
                ignore_extra: false,
            },
            params: params.into(),
            body,
            subcommands: Vec::new(),
        }
    }

    /// A group with no body: invoking it without a known subcommand is a
    /// [`MissingSubcommand`](super::CommandError::MissingSubcommand) error (the default
    /// error hook answers with the group's help). Any command can have subcommands; this is
    /// for groups that do nothing on their own.
    pub fn group(name: impl Into<String>) -> Self {
        Self::from_parts(name, Vec::new(), None)
    }

    /// The name.
    pub fn name(&self) -> &str {
        &self.meta.name
    }

    /// Adds another name.
    pub fn alias(mut self, alias: impl Into<String>) -> Self {
        self.meta.aliases.push(alias.into());
        self
    }

    /// Adds other names.
    pub fn aliases<S: Into<String>>(mut self, aliases: impl IntoIterator<Item = S>) -> Self {
        self.meta
            .aliases
            .extend(aliases.into_iter().map(Into::into));
        self
    }

    /// What it does (the first line is the summary in the command list).
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.meta.description = Some(description.into());
        self
    }

    /// Replaces the usage string made from the parameters (`<member> [reason...]`).
    pub fn usage(mut self, usage: impl Into<String>) -> Self {
        self.meta.usage = Some(usage.into());
        self
    }

    /// Hides it from the command list of `help` (it still works, and `help <name>` shows it).
    pub fn hidden(mut self) -> Self {
        self.meta.hidden = true;
        self
    }

    /// Enables or disables it (a disabled command fails with
    /// [`Disabled`](super::CommandError::Disabled)).
    pub fn enabled(mut self, enabled: bool) -> Self {
        self.meta.enabled = enabled;
        self
    }

    /// Adds a check (checks run in order, before the arguments are converted).
    pub fn check(mut self, check: Check) -> Self {
        self.meta.checks.push(check);
        self
    }

    /// Limits how often it can be used.
    pub fn cooldown(mut self, cooldown: Cooldown) -> Self {
        self.meta.cooldown = Some(cooldown);
        self
    }

    /// Limits how many invocations may run at once.
    pub fn max_concurrency(mut self, limit: MaxConcurrency) -> Self {
        self.meta.concurrency = Some(limit);
        self
    }

    /// Ignores words left after the last parameter instead of failing with
    /// [`TooManyArguments`](super::CommandError::TooManyArguments).
    pub fn ignore_extra(mut self, ignore: bool) -> Self {
        self.meta.ignore_extra = ignore;
        self
    }

    /// Adds a subcommand (`role add`): the word after this command's name is looked up
    /// among its subcommands first.
    pub fn subcommand(mut self, command: Command<B>) -> Self {
        self.subcommands.push(command);
        self
    }

    fn map_body<B2>(self, f: &impl Fn(B) -> B2) -> Command<B2> {
        Command {
            meta: self.meta,
            params: self.params,
            body: self.body.map(f),
            subcommands: self
                .subcommands
                .into_iter()
                .map(|c| c.map_body(f))
                .collect(),
        }
    }
}

/// What a framework knows about a gear.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct GearInfo {
    /// Its name.
    pub name: String,
    /// What it is for.
    pub description: Option<String>,
    /// Checks that apply to each of its commands.
    pub checks: Vec<Check>,
}

/// Commands grouped with shared state and their own checks (stoat.py's `Gear`), added to
/// and removed from a framework as a unit, at any time.
///
/// The state is given to each of the gear's command bodies as `ctx.state`.
pub struct Gear<B: Body> {
    info: GearInfo,
    state: Arc<B::State>,
    commands: Vec<Command<B>>,
}

impl<B: Body> fmt::Debug for Gear<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Gear")
            .field("info", &self.info)
            .field("commands", &self.commands)
            .finish_non_exhaustive()
    }
}

impl<B: Body> Gear<B> {
    /// A gear named `name` holding `state`.
    pub fn new(name: impl Into<String>, state: B::State) -> Self {
        Self::with_shared_state(name, Arc::new(state))
    }

    /// A gear whose state is shared with something else.
    pub fn with_shared_state(name: impl Into<String>, state: Arc<B::State>) -> Self {
        Self {
            info: GearInfo {
                name: name.into(),
                description: None,
                checks: Vec::new(),
            },
            state,
            commands: Vec::new(),
        }
    }

    /// What it is for (shown by `help`).
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.info.description = Some(description.into());
        self
    }

    /// A check for every command of the gear (run before the commands' own checks).
    pub fn check(mut self, check: Check) -> Self {
        self.info.checks.push(check);
        self
    }

    /// Adds a command.
    pub fn command(mut self, command: Command<B>) -> Self {
        self.commands.push(command);
        self
    }

    /// The name.
    pub fn name(&self) -> &str {
        &self.info.name
    }

    /// The shared state.
    pub fn state(&self) -> &Arc<B::State> {
        &self.state
    }

    pub(crate) fn into_parts(self) -> (GearInfo, Vec<Command<B::Bound>>) {
        let state = self.state;
        let commands = self
            .commands
            .into_iter()
            .map(|c| c.map_body(&|body: B| body.bind(state.clone())))
            .collect();
        (self.info, commands)
    }
}

/// Everything about a registered command except its body: what `help`, checks, cooldowns
/// and error replies need.
#[derive(Debug)]
pub struct CommandInfo {
    key: u64,
    name: String,
    qualified_name: String,
    aliases: Vec<String>,
    description: Option<String>,
    usage: Option<String>,
    hidden: bool,
    enabled: bool,
    checks: Vec<Check>,
    cooldown: Option<Cooldown>,
    concurrency: Option<MaxConcurrency>,
    ignore_extra: bool,
    params: Arc<[Param]>,
    gear: Option<Arc<GearInfo>>,
    subcommands: Vec<Arc<CommandInfo>>,
    has_body: bool,
}

impl CommandInfo {
    /// A number unique to this registration (cooldowns and concurrency are kept per key).
    pub fn key(&self) -> u64 {
        self.key
    }

    /// The name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The name with its parents' (`role add`).
    pub fn qualified_name(&self) -> &str {
        &self.qualified_name
    }

    /// The other names.
    pub fn aliases(&self) -> &[String] {
        &self.aliases
    }

    /// The description.
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }

    /// The first line of the description.
    pub fn summary(&self) -> Option<&str> {
        self.description.as_deref().and_then(|d| d.lines().next())
    }

    /// Whether `help` leaves it out of the list.
    pub fn is_hidden(&self) -> bool {
        self.hidden
    }

    /// Whether it may run.
    pub fn is_enabled(&self) -> bool {
        self.enabled
    }

    /// Its own checks.
    pub fn checks(&self) -> &[Check] {
        &self.checks
    }

    /// Its cooldown.
    pub fn cooldown(&self) -> Option<Cooldown> {
        self.cooldown
    }

    /// Its concurrency limit.
    pub fn max_concurrency(&self) -> Option<MaxConcurrency> {
        self.concurrency
    }

    /// Whether extra words are ignored.
    pub fn ignores_extra(&self) -> bool {
        self.ignore_extra
    }

    /// Its parameters.
    pub fn params(&self) -> &Arc<[Param]> {
        &self.params
    }

    /// The gear it belongs to.
    pub fn gear(&self) -> Option<&Arc<GearInfo>> {
        self.gear.as_ref()
    }

    /// Its subcommands.
    pub fn subcommands(&self) -> &[Arc<CommandInfo>] {
        &self.subcommands
    }

    /// Whether it runs something itself (groups made with [`Command::group`] do not).
    pub fn has_body(&self) -> bool {
        self.has_body
    }

    /// The parameters' usage (`<member> [reason...]`), or the usage string set on it; for
    /// a group without a body, `<subcommand>`.
    pub fn signature(&self) -> String {
        if let Some(usage) = &self.usage {
            return usage.clone();
        }
        if !self.has_body && !self.subcommands.is_empty() {
            return "<subcommand>".to_owned();
        }
        self.params
            .iter()
            .map(Param::signature)
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// How to invoke it: `!role add <member> <role>`.
    pub fn usage_line(&self, prefix: &str) -> String {
        let signature = self.signature();
        if signature.is_empty() {
            format!("{prefix}{}", self.qualified_name)
        } else {
            format!("{prefix}{} {signature}", self.qualified_name)
        }
    }

    fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str()).chain(self.aliases.iter().map(String::as_str))
    }

    /// Whether `word` is its name or an alias.
    pub fn is_called(&self, word: &str, case_insensitive: bool) -> bool {
        if case_insensitive {
            let lower = word.to_lowercase();
            self.names().any(|n| n.to_lowercase() == lower)
        } else {
            self.names().any(|n| n == word)
        }
    }
}

/// Why a command or gear could not be added.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RegistrationError {
    /// A name or alias is empty or contains whitespace.
    #[error("invalid command name {0:?}: names must be non-empty and without whitespace")]
    InvalidName(String),
    /// A name or alias is already used (names are compared ignoring case).
    #[error("the name {name:?} is already used by {existing}")]
    NameTaken {
        /// The name.
        name: String,
        /// The command that has it (qualified name).
        existing: String,
    },
    /// A gear with that name is already added.
    #[error("a gear named {0:?} is already added")]
    GearExists(String),
}

/// A registered command with its body.
pub(crate) struct Node<B> {
    pub(crate) info: Arc<CommandInfo>,
    pub(crate) body: Option<B>,
    pub(crate) children: Vec<Arc<Node<B>>>,
}

impl<B> Node<B> {
    pub(crate) fn child(&self, word: &str, case_insensitive: bool) -> Option<&Arc<Node<B>>> {
        self.children
            .iter()
            .find(|c| c.info.is_called(word, case_insensitive))
    }
}

fn check_name(name: &str) -> Result<(), RegistrationError> {
    if name.is_empty() || name.chars().any(char::is_whitespace) {
        return Err(RegistrationError::InvalidName(name.to_owned()));
    }
    Ok(())
}

/// Hands out command keys.
#[derive(Debug, Default)]
pub(crate) struct Keys(AtomicU64);

impl Keys {
    fn next(&self) -> u64 {
        self.0.fetch_add(1, Ordering::Relaxed)
    }
}

fn build<B>(
    command: Command<B>,
    parent: Option<&str>,
    gear: &Option<Arc<GearInfo>>,
    keys: &Keys,
) -> Result<Arc<Node<B>>, RegistrationError> {
    let Command {
        meta,
        params,
        body,
        subcommands,
    } = command;
    check_name(&meta.name)?;
    for alias in &meta.aliases {
        check_name(alias)?;
    }
    let qualified_name = match parent {
        Some(parent) => format!("{parent} {}", meta.name),
        None => meta.name.clone(),
    };
    let mut children: Vec<Arc<Node<B>>> = Vec::with_capacity(subcommands.len());
    let mut seen: HashMap<String, String> = HashMap::new();
    for sub in subcommands {
        let node = build(sub, Some(&qualified_name), gear, keys)?;
        for name in node.info.names() {
            if let Some(existing) =
                seen.insert(name.to_lowercase(), node.info.qualified_name.clone())
            {
                return Err(RegistrationError::NameTaken {
                    name: name.to_owned(),
                    existing,
                });
            }
        }
        children.push(node);
    }
    let info = CommandInfo {
        key: keys.next(),
        name: meta.name,
        qualified_name,
        aliases: meta.aliases,
        description: meta.description,
        usage: meta.usage,
        hidden: meta.hidden,
        enabled: meta.enabled,
        checks: meta.checks,
        cooldown: meta.cooldown,
        concurrency: meta.concurrency,
        ignore_extra: meta.ignore_extra,
        params,
        gear: gear.clone(),
        subcommands: children.iter().map(|c| c.info.clone()).collect(),
        has_body: body.is_some(),
    };
    Ok(Arc::new(Node {
        info: Arc::new(info),
        body,
        children,
    }))
}

/// The registered commands and gears, for `help` and your own listings.
#[derive(Debug, Default)]
pub struct Catalogue {
    commands: Vec<Arc<CommandInfo>>,
    gears: Vec<Arc<GearInfo>>,
    case_insensitive: bool,
}

impl Catalogue {
    /// The top-level commands, in the order they were added.
    pub fn commands(&self) -> &[Arc<CommandInfo>] {
        &self.commands
    }

    /// The gears, in the order they were added.
    pub fn gears(&self) -> &[Arc<GearInfo>] {
        &self.gears
    }

    /// Whether command names ignore case.
    pub fn case_insensitive(&self) -> bool {
        self.case_insensitive
    }

    /// The command a space-separated path names (`role add`), by names or aliases.
    pub fn find(&self, path: &str) -> Option<&Arc<CommandInfo>> {
        let mut words = path.split_whitespace();
        let first = words.next()?;
        let mut found = self
            .commands
            .iter()
            .find(|c| c.is_called(first, self.case_insensitive))?;
        for word in words {
            found = found
                .subcommands
                .iter()
                .find(|c| c.is_called(word, self.case_insensitive))?;
        }
        Some(found)
    }
}

/// The command tree of a framework; replaced as a whole when commands change, so an
/// invocation keeps the tree it started with.
pub(crate) struct Tree<B> {
    roots: Vec<Arc<Node<B>>>,
    index: HashMap<String, Vec<usize>>,
    gears: Vec<Arc<GearInfo>>,
    case_insensitive: bool,
    catalogue: Arc<Catalogue>,
}

impl<B> Default for Tree<B> {
    fn default() -> Self {
        Self {
            roots: Vec::new(),
            index: HashMap::new(),
            gears: Vec::new(),
            case_insensitive: false,
            catalogue: Arc::default(),
        }
    }
}

impl<B> Tree<B> {
    fn rebuilt(
        roots: Vec<Arc<Node<B>>>,
        gears: Vec<Arc<GearInfo>>,
        case_insensitive: bool,
    ) -> Self {
        let mut index: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, root) in roots.iter().enumerate() {
            for name in root.info.names() {
                index.entry(name.to_lowercase()).or_default().push(i);
            }
        }
        let catalogue = Arc::new(Catalogue {
            commands: roots.iter().map(|r| r.info.clone()).collect(),
            gears: gears.clone(),
            case_insensitive,
        });
        Self {
            roots,
            index,
            gears,
            case_insensitive,
            catalogue,
        }
    }

    pub(crate) fn case_insensitive(&self) -> bool {
        self.case_insensitive
    }

    pub(crate) fn catalogue(&self) -> &Arc<Catalogue> {
        &self.catalogue
    }

    pub(crate) fn with_case_insensitive(&self, case_insensitive: bool) -> Self {
        Self::rebuilt(self.roots.clone(), self.gears.clone(), case_insensitive)
    }

    pub(crate) fn find(&self, word: &str) -> Option<&Arc<Node<B>>> {
        self.index
            .get(&word.to_lowercase())?
            .iter()
            .map(|&i| &self.roots[i])
            .find(|node| node.info.is_called(word, self.case_insensitive))
    }

    fn conflict(&self, node: &Node<B>) -> Result<(), RegistrationError> {
        for name in node.info.names() {
            if let Some(&i) = self.index.get(&name.to_lowercase()).and_then(|v| v.first()) {
                return Err(RegistrationError::NameTaken {
                    name: name.to_owned(),
                    existing: self.roots[i].info.qualified_name.clone(),
                });
            }
        }
        Ok(())
    }

    pub(crate) fn with_commands(
        &self,
        commands: Vec<Command<B>>,
        gear: Option<GearInfo>,
        keys: &Keys,
    ) -> Result<Self, RegistrationError> {
        let gear = gear.map(Arc::new);
        if let Some(gear) = &gear {
            if self.gears.iter().any(|g| g.name == gear.name) {
                return Err(RegistrationError::GearExists(gear.name.clone()));
            }
        }
        let mut tree = Self::rebuilt(
            self.roots.clone(),
            self.gears.clone(),
            self.case_insensitive,
        );
        for command in commands {
            let node = build(command, None, &gear, keys)?;
            tree.conflict(&node)?;
            let mut roots = std::mem::take(&mut tree.roots);
            roots.push(node);
            tree = Self::rebuilt(
                roots,
                std::mem::take(&mut tree.gears),
                self.case_insensitive,
            );
        }
        if let Some(gear) = gear {
            tree.gears.push(gear);
            tree = Self::rebuilt(
                std::mem::take(&mut tree.roots),
                std::mem::take(&mut tree.gears),
                self.case_insensitive,
            );
        }
        Ok(tree)
    }

    /// Without the top-level command called `name` (or an alias); `None` if there is none.
    pub(crate) fn without_command(&self, name: &str) -> Option<(Self, Arc<CommandInfo>)> {
        let removed = self.find(name)?.clone();
        let roots = self
            .roots
            .iter()
            .filter(|r| !Arc::ptr_eq(r, &removed))
            .cloned()
            .collect();
        Some((
            Self::rebuilt(roots, self.gears.clone(), self.case_insensitive),
            removed.info.clone(),
        ))
    }

    /// Without the gear called `name` and its commands (returned).
    pub(crate) fn without_gear(&self, name: &str) -> Option<(Self, Vec<Arc<CommandInfo>>)> {
        let gear = self.gears.iter().find(|g| g.name == name)?.clone();
        let in_gear =
            |r: &Arc<Node<B>>| r.info.gear.as_ref().is_some_and(|g| Arc::ptr_eq(g, &gear));
        let removed = self
            .roots
            .iter()
            .filter(|r| in_gear(r))
            .map(|r| r.info.clone())
            .collect();
        let roots = self.roots.iter().filter(|r| !in_gear(r)).cloned().collect();
        let gears = self
            .gears
            .iter()
            .filter(|g| !Arc::ptr_eq(g, &gear))
            .cloned()
            .collect();
        Some((Self::rebuilt(roots, gears, self.case_insensitive), removed))
    }
}
