//! A prefix-commands framework (stoat.py's `ext.commands`), written once for every runtime.
//!
//! Prefix matching, tokenizing, routing through commands, groups and aliases, argument
//! conversion, checks, cooldowns, concurrency limits and help are pure core code: they read
//! the cache, take the time as an argument (`now`), and describe the REST lookups they need
//! instead of performing them. The two flavours run that core with any runtime's client
//! handle:
//!
//! * [`AsyncFramework<C>`] for `C: AsyncExecutor` (tokio, async-std, smol): bodies and hooks
//!   are async; `framework.process(&handle, &update, now)` returns the task to spawn;
//! * [`BlockingFramework<C>`] for `C: BlockingExecutor`: bodies and hooks are plain
//!   functions; `framework.process(&handle, &update, now)` runs on the calling thread.
//!
//! A bot written against `C: AsyncExecutor` runs unchanged on every async runtime:
//!
//! ```
//! use std::time::Duration;
//! use stoat_core::client::AsyncExecutor;
//! use stoat_core::commands::{
//!     Args, AsyncCommand, AsyncFramework, AsyncGear, BucketType, Check, CommandError, Context,
//!     Cooldown, Prefixes, Ranged, Rest,
//! };
//! use stoat_core::http::routes::{EditMember, KickMember};
//! use stoat_core::model::{Member, Permissions, Role};
//!
//! /// `!kick <member> [reason...]`
//! #[derive(Args)]
//! struct Kick {
//!     /// Who to kick.
//!     member: Member,
//!     /// Why (kept in the audit log).
//!     reason: Option<Rest>,
//! }
//!
//! async fn kick<C: AsyncExecutor>(ctx: Context<C>, args: Kick) -> Result<(), CommandError> {
//!     let mut request = KickMember::new(args.member.id.server, args.member.id.user);
//!     if let Some(reason) = args.reason {
//!         request = request.reason(reason.into_string());
//!     }
//!     ctx.handle.execute_owned(request).await?;
//!     ctx.handle.execute_owned(ctx.reply("Kicked.")).await?;
//!     Ok(())
//! }
//!
//! /// `!roll [sides]`: a number from 2 to 1000.
//! #[derive(Args)]
//! struct Roll {
//!     sides: Option<Ranged<2, 1000>>,
//! }
//!
//! /// `!role add <member> <role>`, in a gear that counts what it did.
//! #[derive(Args)]
//! struct RoleAdd {
//!     member: Member,
//!     role: Role,
//! }
//!
//! #[derive(Default)]
//! struct Roles {
//!     given: std::sync::atomic::AtomicU64,
//! }
//!
//! async fn role_add<C: AsyncExecutor>(ctx: Context<C, Roles>, args: RoleAdd) -> Result<(), CommandError> {
//!     let mut roles = args.member.roles.clone();
//!     roles.push(args.role.id);
//!     ctx.handle
//!         .execute_owned(EditMember::new(args.member.id.server, args.member.id.user).roles(roles))
//!         .await?;
//!     ctx.state.given.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
//!     Ok(())
//! }
//!
//! fn bot<C: AsyncExecutor + Clone + Send + Sync + 'static>() -> AsyncFramework<C> {
//!     let framework = AsyncFramework::new()
//!         .prefixes(Prefixes::new().prefix("!").when_mentioned())
//!         .case_insensitive(true);
//!     framework
//!         .add_command(
//!             AsyncCommand::new("kick", kick::<C>)
//!                 .description("Kicks a member.")
//!                 .check(Check::server_only())
//!                 .check(Check::has_permissions(Permissions::KICK_MEMBERS))
//!                 .check(Check::bot_has_permissions(Permissions::KICK_MEMBERS)),
//!         )
//!         .unwrap();
//!     framework
//!         .add_command(
//!             AsyncCommand::new("roll", |ctx: Context<C>, args: Roll| async move {
//!                 let sides = args.sides.map_or(6, |s| s.get());
//!                 // A real bot would roll; the framework leaves randomness to you.
//!                 ctx.handle.execute_owned(ctx.say(format!("1d{sides}: {}", sides / 2))).await?;
//!                 Ok(())
//!             })
//!             .alias("dice")
//!             .cooldown(Cooldown::new(1, Duration::from_secs(5), BucketType::User)),
//!         )
//!         .unwrap();
//!     framework
//!         .add_gear(
//!             AsyncGear::new("Roles", Roles::default())
//!                 .check(Check::server_only())
//!                 .command(AsyncCommand::group("role").subcommand(
//!                     AsyncCommand::new("add", role_add::<C>)
//!                         .check(Check::has_permissions(Permissions::ASSIGN_ROLES)),
//!                 )),
//!         )
//!         .unwrap();
//!     framework
//! }
//! # struct NoHandle;
//! # impl stoat_core::client::CacheAccess for NoHandle {
//! #     fn with_cache<T>(&self, read: impl FnOnce(&stoat_core::Cache) -> T) -> T { read(&stoat_core::Cache::default()) }
//! #     fn wall_clock(&self) -> stoat_core::model::Timestamp { stoat_core::model::Timestamp::from_millis(0) }
//! # }
//! # impl AsyncExecutor for NoHandle {
//! #     fn execute_owned<R>(&self, _: R) -> stoat_core::client::BoxFuture<'_, Result<R::Output, stoat_core::http::Error>>
//! #     where R: stoat_core::http::Request + Send + 'static, R::Output: Send + 'static {
//! #         Box::pin(async { Err(stoat_core::http::Error::Usage("offline")) })
//! #     }
//! # }
//! # #[derive(Clone)] struct Handle(std::sync::Arc<NoHandle>);
//! # impl stoat_core::client::CacheAccess for Handle {
//! #     fn with_cache<T>(&self, read: impl FnOnce(&stoat_core::Cache) -> T) -> T { self.0.with_cache(read) }
//! #     fn wall_clock(&self) -> stoat_core::model::Timestamp { self.0.wall_clock() }
//! # }
//! # impl AsyncExecutor for Handle {
//! #     fn execute_owned<R>(&self, r: R) -> stoat_core::client::BoxFuture<'_, Result<R::Output, stoat_core::http::Error>>
//! #     where R: stoat_core::http::Request + Send + 'static, R::Output: Send + 'static { self.0.execute_owned(r) }
//! # }
//! let commands = bot::<Handle>();
//! let help = commands.catalogue();
//! assert_eq!(help.find("role add").unwrap().usage_line("!"), "!role add <member> <role>");
//! assert_eq!(help.find("dice").unwrap().name(), "roll");
//! ```
//!
//! In the runtime's event loop, one line hands each update to the framework, with the
//! runtime's clock reading as `now` (core never reads the clock):
//!
//! ```text
//! // async: spawn the task it returns on your executor (or await it)
//! spawn(commands.process(&handle, &update, now));
//! // blocking: runs the command on this thread
//! commands.process(&handle, &update, now);
//! ```
//!
//! # Arguments
//!
//! A command's arguments are a struct deriving [`Args`] (from the `stoat-commands-derive`
//! crate, re-exported here): fields are parameters in order, the field type picks the
//! converter and how many words it takes (`T`, `Option<T>`, `Vec<T>`, [`Rest`]; see
//! [`args`]), the field name is what errors and usage strings call
//! it, and its doc comment is its description in `help`. A bad word fails with
//! [`CommandError::BadArgument`] naming the parameter. Tuples of parameters work too,
//! and `()` for no arguments.
//!
//! Why a derive rather than a typed builder: the struct is the declaration, so the
//! compiler checks that the body gets exactly the types declared, the names cannot drift
//! from the fields, and nothing is looked up by string at run time (a builder would hand
//! the body a bag of values to fetch by name and downcast). The macro only writes the two
//! functions of [`Args`], which can also be written by hand.
//!
//! Built-in converters ([`Convert`]):
//!
//! | type | accepts |
//! |---|---|
//! | integers (`i8`–`u128`), [`Ranged<MIN, MAX>`] | decimal whole numbers, checked against the type's range or `MIN..=MAX` |
//! | `f32`, `f64` | finite numbers |
//! | `bool` | yes/no, y/n, true/false, t/f, on/off, 1/0, enable(d)/disable(d) |
//! | `String` | one word (quotes group words) |
//! | [`Rest`] | the rest of the message, raw |
//! | `UserId`, `ChannelId`, `RoleId`, `EmojiId` | a mention (`<@id>`, `<#id>`, `<%id>`, `:id:`) or the ULID |
//! | `MessageId`, `ServerId` | the ULID |
//! | [`User`](crate::model::User) | `<@id>`, an id (cache, else `GET /users/{id}`), or a name (`name`, `name#0001`, display name) among cached users |
//! | [`Member`](crate::model::Member) | `<@id>`, an id (cache, else `GET /servers/{id}/members/{user}`), or a nickname or name among the server's cached members |
//! | [`Channel`](crate::model::Channel), [`TextChannel`], [`VoiceChannel`] | `<#id>`, an id (cache, else `GET /channels/{id}`; must be in the server), or a name in the server |
//! | [`Category`](crate::model::Category) | a category id or title of the server |
//! | [`Role`](crate::model::Role) | `<%id>`, an id or a name among the server's roles |
//! | [`Emoji`](crate::model::Emoji) | `:id:`, an id (cache, else `GET /custom/emoji/{id}`), or `:name:`/a name among the server's emojis |
//! | [`Message`](crate::model::Message) | an id in the channel, `channel-message`, `channel/message`, or a message link |
//! | [`InviteResponse`](crate::model::InviteResponse) | a code or an invite link (`GET /invites/{code}`) |
//! | [`Colour`] | `#rrggbb`, `#rgb`, `0xrrggbb`, `rrggbb`, `rgb(r,g,b)`, basic names |
//! | `Duration` | `10m`, `1h30m`, `2d`, `1w 2d`, `500ms` ([`parse_duration`]) |
//!
//! Names match exactly first, then ignoring case; several matches are an
//! [`Ambiguous`](BadArgument::Ambiguous) error rather than an arbitrary pick.
//!
//! # Failures
//!
//! Every way an invocation fails is a [`CommandError`] given to the error hook with a
//! [`Failure`]: unknown command, missing subcommand, disabled, missing argument, bad
//! argument, too many arguments, bad quotes, a failed [`Check`] ([`CheckFailure`] names the
//! missing permission or role), [`OnCooldown`](CommandError::OnCooldown) and
//! [`MaxConcurrency`](CommandError::MaxConcurrency) (with the retry delay and the bucket),
//! REST errors and the command's own errors. The default hook replies with
//! [`Failure::default_reply`] (and nothing for unknown commands) and logs.
//!
//! Order of work for a message: ignore the bot itself, other bots (unless
//! [`ignore_bots(false)`](AsyncFramework::ignore_bots)), system and webhook messages; match a
//! prefix; route (name, aliases, subcommands); the framework's, gear's and commands'
//! checks; concurrency; cooldown; arguments (a use of the cooldown is given back when they
//! are wrong); the before-invoke hook; the body; the after-invoke hook.

pub mod args;
mod asynchronous;
mod blocking;
mod check;
mod command;
mod context;
mod convert;
mod converters;
mod cooldown;
mod engine;
mod error;
mod framework;
pub mod help;
mod prefix;
mod tokenizer;

pub use args::{Args, Param, Parameter, Rest, Shape, Values};
pub use asynchronous::{
    async_help_command, AsyncBody, AsyncCommand, AsyncFramework, AsyncGear, AsyncHooks,
};
pub use blocking::{
    blocking_help_command, BlockingBody, BlockingCommand, BlockingFramework, BlockingGear,
    BlockingHooks,
};
pub use check::{permission_names, Check, CheckContext, CheckFailure, PermissionScope, RoleRef};
pub use command::{Body, Catalogue, Command, CommandInfo, Gear, GearInfo, RegistrationError};
pub use context::{Context, Failure};
pub use convert::{BadArgument, Conversion, Convert, ConvertContext, Fetched, Lookup};
pub use converters::{parse_duration, Colour, ColourParseError, Ranged, TextChannel, VoiceChannel};
pub use cooldown::{
    BucketKey, BucketType, ConcurrencyGuard, ConcurrencyLimiter, Cooldown, CooldownMap,
    MaxConcurrency,
};
pub use error::{escape_mentions, CommandError};
pub use framework::Framework;
pub use prefix::{MatchedPrefix, PrefixContext, Prefixes};
pub use tokenizer::{TokenizeError, Tokenizer, Word};

/// `#[derive(Args)]`: see [`Args`] and the `stoat-commands-derive` crate.
pub use stoat_commands_derive::Args;

/// What processing an update came to.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// Not a command (another event, no prefix, the bot's own message, ...).
    Ignored,
    /// The command ran and succeeded.
    Completed {
        /// Its qualified name.
        command: String,
    },
    /// The invocation failed; the error hook has handled it.
    Failed {
        /// The command's qualified name, if one was found.
        command: Option<String>,
    },
}
