//! Checks: conditions a command's invocation must meet before its arguments are converted.
//!
//! Checks are pure: they read the cache (with its permission math) and the invoking message,
//! and take the wall-clock time from the runtime (a member's timeout ends at a time). A
//! failing check names exactly what is missing. They run while the runtime holds its cache
//! lock, so a custom check must not call the client handle (it is given the cache).
//!
//! ```
//! use stoat_core::commands::Check;
//! use stoat_core::model::Permissions;
//!
//! let moderators = Check::any([
//!     Check::has_permissions(Permissions::KICK_MEMBERS),
//!     Check::has_role("Moderator"),
//! ]);
//! let _checks = [Check::server_only(), moderators, Check::bot_has_permissions(Permissions::KICK_MEMBERS)];
//! ```

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use crate::cache::{Cache, MissingFromCache};
use crate::id::{RoleId, ServerId, UserId};
use crate::model::{Channel, Message, Permissions, Timestamp};

/// What a check sees.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct CheckContext<'a> {
    /// The cache.
    pub cache: &'a Cache,
    /// The invoking message.
    pub message: &'a Message,
    /// The server of the message's channel (`None` in DMs and groups).
    pub server: Option<ServerId>,
    /// The bot's own user id (from `Ready`).
    pub bot: Option<UserId>,
    /// Owners configured on the framework besides the bot's owner.
    pub owners: &'a [UserId],
    /// The wall-clock time.
    pub now: Timestamp,
}

impl<'a> CheckContext<'a> {
    /// The context for `message`, with the server and the bot's id from the cache.
    pub fn new(
        cache: &'a Cache,
        message: &'a Message,
        owners: &'a [UserId],
        now: Timestamp,
    ) -> Self {
        Self {
            cache,
            message,
            server: cache.channel(message.channel).and_then(Channel::server),
            bot: cache.current_user().map(|u| u.id),
            owners,
            now,
        }
    }

    /// The message's author.
    pub fn author(&self) -> UserId {
        self.message.author
    }

    /// The message's channel, if cached.
    pub fn channel(&self) -> Option<&'a Channel> {
        self.cache.channel(self.message.channel)
    }

    /// Whether the author owns the bot: listed in the framework's owners, or the owner of
    /// the bot account (`user.bot.owner` of the bot's user from `Ready`).
    pub fn author_is_owner(&self) -> bool {
        let author = self.author();
        self.owners.contains(&author)
            || self
                .cache
                .current_user()
                .and_then(|me| me.bot.as_ref())
                .is_some_and(|bot| bot.owner == author)
    }
}

/// Where permissions are computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PermissionScope {
    /// In the invoking channel (role and channel overrides applied).
    Channel,
    /// Server-wide.
    Server,
}

impl fmt::Display for PermissionScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Channel => "in this channel",
            Self::Server => "in this server",
        })
    }
}

/// A role a check asks for: by id, or by name (exact).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RoleRef {
    /// A role id.
    Id(RoleId),
    /// A role name.
    Name(String),
}

impl From<RoleId> for RoleRef {
    fn from(id: RoleId) -> Self {
        Self::Id(id)
    }
}

impl From<&str> for RoleRef {
    fn from(name: &str) -> Self {
        Self::Name(name.to_owned())
    }
}

impl From<String> for RoleRef {
    fn from(name: String) -> Self {
        Self::Name(name)
    }
}

impl fmt::Display for RoleRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Id(id) => write!(f, "<%{id}>"),
            Self::Name(name) => write!(f, "{name:?}"),
        }
    }
}

/// The names of the permissions in `permissions`, as people read them
/// (`KICK_MEMBERS` is "Kick Members").
pub fn permission_names(permissions: Permissions) -> Vec<String> {
    let mut names: Vec<String> = permissions
        .iter_names()
        .map(|(name, _)| {
            name.split('_')
                .map(|word| {
                    let mut chars = word.chars();
                    match chars.next() {
                        Some(first) => first.to_string() + &chars.as_str().to_lowercase(),
                        None => String::new(),
                    }
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    let unknown = permissions.bits() & !Permissions::all().bits();
    for bit in 0..64 {
        if unknown & (1 << bit) != 0 {
            names.push(format!("bit {bit}"));
        }
    }
    names
}

fn list(permissions: Permissions) -> String {
    let names = permission_names(permissions);
    let plural = if names.len() == 1 { "" } else { "s" };
    format!("{} permission{plural}", names.join(", "))
}

/// Why a check failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CheckFailure {
    /// The author lacks permissions.
    #[error("you need the {} {scope}", list(*missing))]
    MissingPermissions {
        /// The permissions missing.
        missing: Permissions,
        /// Where they were computed.
        scope: PermissionScope,
    },
    /// The bot lacks permissions.
    #[error("I need the {} {scope}", list(*missing))]
    BotMissingPermissions {
        /// The permissions missing.
        missing: Permissions,
        /// Where they were computed.
        scope: PermissionScope,
    },
    /// The command only works in a server.
    #[error("this command only works in a server")]
    NotInServer,
    /// The command only works in direct messages.
    #[error("this command only works in direct messages")]
    NotInDirectMessage,
    /// Only the bot's owner may use the command.
    #[error("only the bot's owner can use this command")]
    NotOwner,
    /// The command only works in NSFW channels.
    #[error("this command only works in NSFW channels")]
    NotNsfw,
    /// The author does not have a role.
    #[error("you need the role {role}")]
    MissingRole {
        /// The role.
        role: RoleRef,
    },
    /// The author has none of the roles.
    #[error("you need one of the roles {}", roles.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "))]
    MissingAnyRole {
        /// The roles.
        roles: Vec<RoleRef>,
    },
    /// A custom check failed.
    #[error("{}", reason.as_deref().map(Cow::Borrowed).unwrap_or_else(|| Cow::Owned(format!("the check {name:?} failed"))))]
    Predicate {
        /// The check's name.
        name: Cow<'static, str>,
        /// What to tell the user, if the check said.
        reason: Option<String>,
    },
    /// Every alternative of [`Check::any`] failed.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join(", or "))]
    NoneSucceeded(Vec<CheckFailure>),
    /// The cache does not hold what the check needs (so it cannot pass).
    #[error("I can't check that right now ({0})")]
    Uncached(#[from] MissingFromCache),
    /// The bot's own user is not known yet (before `Ready`).
    #[error("I don't know who I am yet")]
    BotUnknown,
}

type CheckFn = dyn Fn(&CheckContext<'_>) -> Result<(), CheckFailure> + Send + Sync;

#[derive(Clone)]
enum Kind {
    Permissions {
        bot: bool,
        scope: PermissionScope,
        needed: Permissions,
    },
    ServerOnly,
    DmOnly,
    Owner,
    Nsfw,
    Roles {
        roles: Vec<RoleRef>,
        any: bool,
    },
    Custom {
        name: Cow<'static, str>,
        check: Arc<CheckFn>,
    },
    Any(Vec<Check>),
}

/// A condition on an invocation. Cheap to clone.
#[derive(Clone)]
pub struct Check(Arc<Kind>);

impl fmt::Debug for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.0 {
            Kind::Permissions { bot, scope, needed } => f
                .debug_struct("Permissions")
                .field("bot", bot)
                .field("scope", scope)
                .field("needed", needed)
                .finish(),
            Kind::ServerOnly => f.write_str("ServerOnly"),
            Kind::DmOnly => f.write_str("DmOnly"),
            Kind::Owner => f.write_str("Owner"),
            Kind::Nsfw => f.write_str("Nsfw"),
            Kind::Roles { roles, any } => f
                .debug_struct("Roles")
                .field("roles", roles)
                .field("any", any)
                .finish(),
            Kind::Custom { name, .. } => f.debug_tuple("Custom").field(name).finish(),
            Kind::Any(checks) => f.debug_tuple("Any").field(checks).finish(),
        }
    }
}

impl Check {
    fn new(kind: Kind) -> Self {
        Self(Arc::new(kind))
    }

    /// The author has `permissions` in the invoking channel (DMs and groups included).
    pub fn has_permissions(permissions: Permissions) -> Self {
        Self::new(Kind::Permissions {
            bot: false,
            scope: PermissionScope::Channel,
            needed: permissions,
        })
    }

    /// The author has `permissions` server-wide (fails outside servers).
    pub fn has_server_permissions(permissions: Permissions) -> Self {
        Self::new(Kind::Permissions {
            bot: false,
            scope: PermissionScope::Server,
            needed: permissions,
        })
    }

    /// The bot has `permissions` in the invoking channel.
    pub fn bot_has_permissions(permissions: Permissions) -> Self {
        Self::new(Kind::Permissions {
            bot: true,
            scope: PermissionScope::Channel,
            needed: permissions,
        })
    }

    /// The bot has `permissions` server-wide (fails outside servers).
    pub fn bot_has_server_permissions(permissions: Permissions) -> Self {
        Self::new(Kind::Permissions {
            bot: true,
            scope: PermissionScope::Server,
            needed: permissions,
        })
    }

    /// Only in server channels.
    pub fn server_only() -> Self {
        Self::new(Kind::ServerOnly)
    }

    /// Only in direct messages (and groups).
    pub fn dm_only() -> Self {
        Self::new(Kind::DmOnly)
    }

    /// Only the bot's owner (the owner of the bot account, from `Ready`, or an owner
    /// configured on the framework).
    pub fn is_owner() -> Self {
        Self::new(Kind::Owner)
    }

    /// Only in NSFW channels (direct messages count as NSFW, as in stoat.py).
    pub fn nsfw() -> Self {
        Self::new(Kind::Nsfw)
    }

    /// The author has the role (by id, or by exact name).
    pub fn has_role(role: impl Into<RoleRef>) -> Self {
        Self::new(Kind::Roles {
            roles: vec![role.into()],
            any: false,
        })
    }

    /// The author has at least one of the roles.
    pub fn has_any_role<R: Into<RoleRef>>(roles: impl IntoIterator<Item = R>) -> Self {
        Self::new(Kind::Roles {
            roles: roles.into_iter().map(Into::into).collect(),
            any: true,
        })
    }

    /// A custom condition; `name` appears in the failure.
    pub fn predicate(
        name: impl Into<Cow<'static, str>>,
        predicate: impl Fn(&CheckContext<'_>) -> bool + Send + Sync + 'static,
    ) -> Self {
        let name = name.into();
        let failure = name.clone();
        Self::custom(name, move |ctx| {
            if predicate(ctx) {
                Ok(())
            } else {
                Err(CheckFailure::Predicate {
                    name: failure.clone(),
                    reason: None,
                })
            }
        })
    }

    /// A custom check that explains its failure.
    pub fn custom(
        name: impl Into<Cow<'static, str>>,
        check: impl Fn(&CheckContext<'_>) -> Result<(), CheckFailure> + Send + Sync + 'static,
    ) -> Self {
        Self::new(Kind::Custom {
            name: name.into(),
            check: Arc::new(check),
        })
    }

    /// Passes if any of `checks` passes (stoat.py's `check_any`); fails with every failure.
    pub fn any(checks: impl IntoIterator<Item = Check>) -> Self {
        Self::new(Kind::Any(checks.into_iter().collect()))
    }

    /// Runs the check.
    pub fn run(&self, ctx: &CheckContext<'_>) -> Result<(), CheckFailure> {
        match &*self.0 {
            Kind::Permissions { bot, scope, needed } => {
                let user = if *bot {
                    ctx.bot.ok_or(CheckFailure::BotUnknown)?
                } else {
                    ctx.author()
                };
                let have = match scope {
                    PermissionScope::Channel => {
                        ctx.cache
                            .permissions_in(ctx.message.channel, user, ctx.now)?
                    }
                    PermissionScope::Server => {
                        let server = ctx.server.ok_or(CheckFailure::NotInServer)?;
                        ctx.cache.server_permissions(server, user, ctx.now)?
                    }
                };
                let missing = needed.difference(have);
                if missing.is_empty() {
                    Ok(())
                } else if *bot {
                    Err(CheckFailure::BotMissingPermissions {
                        missing,
                        scope: *scope,
                    })
                } else {
                    Err(CheckFailure::MissingPermissions {
                        missing,
                        scope: *scope,
                    })
                }
            }
            Kind::ServerOnly => match ctx.server {
                Some(_) => Ok(()),
                None => Err(CheckFailure::NotInServer),
            },
            Kind::DmOnly => match ctx.channel() {
                Some(Channel::DirectMessage { .. } | Channel::Group { .. }) => Ok(()),
                Some(_) => Err(CheckFailure::NotInDirectMessage),
                None => Err(MissingFromCache::Channel(ctx.message.channel).into()),
            },
            Kind::Owner => {
                if ctx.author_is_owner() {
                    Ok(())
                } else {
                    Err(CheckFailure::NotOwner)
                }
            }
            Kind::Nsfw => match ctx.channel() {
                Some(Channel::DirectMessage { .. }) => Ok(()),
                Some(
                    Channel::Group { nsfw, .. }
                    | Channel::TextChannel { nsfw, .. }
                    | Channel::VoiceChannel { nsfw, .. },
                ) if *nsfw => Ok(()),
                Some(_) => Err(CheckFailure::NotNsfw),
                None => Err(MissingFromCache::Channel(ctx.message.channel).into()),
            },
            Kind::Roles { roles, any } => {
                let server_id = ctx.server.ok_or(CheckFailure::NotInServer)?;
                let server = ctx
                    .cache
                    .server(server_id)
                    .ok_or(MissingFromCache::Server(server_id))?;
                let member_id = crate::model::MemberId::new(server_id, ctx.author());
                let member = ctx
                    .cache
                    .member(server_id, ctx.author())
                    .ok_or(MissingFromCache::Member(member_id))?;
                let holds = |role: &RoleRef| match role {
                    RoleRef::Id(id) => member.roles.contains(id),
                    RoleRef::Name(name) => member
                        .roles
                        .iter()
                        .any(|id| server.roles.get(id).is_some_and(|r| r.name == *name)),
                };
                if *any {
                    if roles.iter().any(holds) {
                        Ok(())
                    } else {
                        Err(CheckFailure::MissingAnyRole {
                            roles: roles.clone(),
                        })
                    }
                } else {
                    match roles.iter().find(|r| !holds(r)) {
                        Some(role) => Err(CheckFailure::MissingRole { role: role.clone() }),
                        None => Ok(()),
                    }
                }
            }
            Kind::Custom { check, .. } => check(ctx),
            Kind::Any(checks) => {
                let mut failures = Vec::new();
                for check in checks {
                    match check.run(ctx) {
                        Ok(()) => return Ok(()),
                        Err(failure) => failures.push(failure),
                    }
                }
                Err(CheckFailure::NoneSucceeded(failures))
            }
        }
    }
}

/// Runs `checks` in order; the first failure wins.
pub fn run_all<'c>(
    checks: impl IntoIterator<Item = &'c Check>,
    ctx: &CheckContext<'_>,
) -> Result<(), CheckFailure> {
    checks.into_iter().try_for_each(|check| check.run(ctx))
}
