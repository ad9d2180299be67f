//! Turning a word into a typed value: the [`Convert`] trait, and the REST lookups a
//! converter may ask for when the cache does not have what a word names.
//!
//! Conversion is sans-IO like the rest of core: [`Convert::convert`] reads the cache and
//! either answers, or returns [`Conversion::Fetch`] naming a [`Lookup`]; whoever drives the
//! framework performs it (through the runtime's handle: [`Lookup::run_async`],
//! [`Lookup::run_blocking`]) and hands the result to [`Convert::resume`]. So one converter
//! serves every runtime, and a test can check exactly what a converter would fetch.
//!
//! A custom converter:
//!
//! ```
//! use std::borrow::Cow;
//! use stoat_core::commands::{BadArgument, Conversion, Convert, ConvertContext};
//!
//! /// A dice roll like `2d6`.
//! struct Dice { count: u8, sides: u8 }
//!
//! impl Convert for Dice {
//!     fn describe() -> Cow<'static, str> {
//!         "dice (NdM)".into()
//!     }
//!     fn convert(_ctx: &ConvertContext<'_>, word: &str) -> Conversion<Self> {
//!         let parsed = word.split_once('d').and_then(|(n, m)| Some(Dice {
//!             count: n.parse().ok()?,
//!             sides: m.parse().ok()?,
//!         }));
//!         parsed.ok_or_else(|| BadArgument::invalid(word, "expected dice like 2d6")).into()
//!     }
//! }
//! ```

use std::borrow::Cow;
use std::fmt;

use crate::cache::Cache;
use crate::client::{AsyncExecutor, BlockingExecutor, BoxFuture};
use crate::http::routes::{
    FetchChannel, FetchEmoji, FetchInvite, FetchMember, FetchMessage, FetchRole, FetchServer,
    FetchServerEmojis, FetchUser,
};
use crate::http::Error as HttpError;
use crate::id::{ChannelId, EmojiId, InviteCode, MessageId, RoleId, ServerId, UserId};
use crate::model::{
    Channel, Emoji, InviteResponse, Member, MemberResponse, Message, Role, Server, Timestamp, User,
};

/// What a converter sees besides the word.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct ConvertContext<'a> {
    /// The cache.
    pub cache: &'a Cache,
    /// The message that invoked the command.
    pub message: &'a Message,
    /// The server of the message's channel (`None` in DMs and groups, or when the channel
    /// is not cached).
    pub server: Option<ServerId>,
    /// The wall-clock time of the invocation (from the runtime, never read by core).
    pub now: Timestamp,
}

impl<'a> ConvertContext<'a> {
    /// The context for `message`, finding its server through the cached channel.
    pub fn new(cache: &'a Cache, message: &'a Message, now: Timestamp) -> Self {
        Self {
            cache,
            message,
            server: cache.channel(message.channel).and_then(Channel::server),
            now,
        }
    }
}

/// A REST request a converter needs because the cache does not hold what a word names.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Lookup {
    /// `GET /users/{id}`.
    User(UserId),
    /// `GET /servers/{server}/members/{user}`.
    Member {
        /// The server.
        server: ServerId,
        /// The user.
        user: UserId,
    },
    /// `GET /channels/{id}`.
    Channel(ChannelId),
    /// `GET /channels/{channel}/messages/{message}`.
    Message {
        /// The channel.
        channel: ChannelId,
        /// The message.
        message: MessageId,
    },
    /// `GET /servers/{id}` (for its roles and categories).
    Server(ServerId),
    /// `GET /servers/{server}/roles/{role}`.
    Role {
        /// The server.
        server: ServerId,
        /// The role.
        role: RoleId,
    },
    /// `GET /custom/emoji/{id}`.
    Emoji(EmojiId),
    /// `GET /servers/{id}/emojis` (to find an emoji by name).
    ServerEmojis(ServerId),
    /// `GET /invites/{code}`.
    Invite(InviteCode),
}

/// The answer to a [`Lookup`].
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Fetched {
    /// A user.
    User(Box<User>),
    /// A member.
    Member(Box<Member>),
    /// A channel.
    Channel(Box<Channel>),
    /// A message.
    Message(Box<Message>),
    /// A server.
    Server(Box<Server>),
    /// A role.
    Role(Box<Role>),
    /// An emoji.
    Emoji(Box<Emoji>),
    /// A server's emojis.
    Emojis(Vec<Emoji>),
    /// What an invite leads to.
    Invite(Box<InviteResponse>),
}

fn member(response: MemberResponse) -> Fetched {
    Fetched::Member(Box::new(match response {
        MemberResponse::WithRoles { member, .. } | MemberResponse::Member(member) => member,
    }))
}

impl Lookup {
    /// Performs the lookup on an async runtime.
    pub fn run_async<C: AsyncExecutor>(
        self,
        handle: &C,
    ) -> BoxFuture<'_, Result<Fetched, HttpError>> {
        Box::pin(async move {
            Ok(match self {
                Lookup::User(id) => {
                    Fetched::User(Box::new(handle.execute_owned(FetchUser::new(id)).await?))
                }
                Lookup::Member { server, user } => {
                    member(handle.execute_owned(FetchMember::new(server, user)).await?)
                }
                Lookup::Channel(id) => {
                    Fetched::Channel(Box::new(handle.execute_owned(FetchChannel::new(id)).await?))
                }
                Lookup::Message { channel, message } => Fetched::Message(Box::new(
                    handle
                        .execute_owned(FetchMessage::new(channel, message))
                        .await?,
                )),
                Lookup::Server(id) => Fetched::Server(Box::new(
                    handle
                        .execute_owned(FetchServer::new(id))
                        .await?
                        .server()
                        .clone(),
                )),
                Lookup::Role { server, role } => Fetched::Role(Box::new(
                    handle.execute_owned(FetchRole::new(server, role)).await?,
                )),
                Lookup::Emoji(id) => {
                    Fetched::Emoji(Box::new(handle.execute_owned(FetchEmoji::new(id)).await?))
                }
                Lookup::ServerEmojis(server) => {
                    Fetched::Emojis(handle.execute_owned(FetchServerEmojis::new(server)).await?)
                }
                Lookup::Invite(code) => Fetched::Invite(Box::new(
                    handle.execute_owned(FetchInvite::new(code)).await?,
                )),
            })
        })
    }

    /// Performs the lookup, blocking the calling thread.
    pub fn run_blocking<C: BlockingExecutor>(self, handle: &C) -> Result<Fetched, HttpError> {
        Ok(match self {
            Lookup::User(id) => Fetched::User(Box::new(handle.execute_owned(FetchUser::new(id))?)),
            Lookup::Member { server, user } => {
                member(handle.execute_owned(FetchMember::new(server, user))?)
            }
            Lookup::Channel(id) => {
                Fetched::Channel(Box::new(handle.execute_owned(FetchChannel::new(id))?))
            }
            Lookup::Message { channel, message } => Fetched::Message(Box::new(
                handle.execute_owned(FetchMessage::new(channel, message))?,
            )),
            Lookup::Server(id) => Fetched::Server(Box::new(
                handle.execute_owned(FetchServer::new(id))?.server().clone(),
            )),
            Lookup::Role { server, role } => Fetched::Role(Box::new(
                handle.execute_owned(FetchRole::new(server, role))?,
            )),
            Lookup::Emoji(id) => {
                Fetched::Emoji(Box::new(handle.execute_owned(FetchEmoji::new(id))?))
            }
            Lookup::ServerEmojis(server) => {
                Fetched::Emojis(handle.execute_owned(FetchServerEmojis::new(server))?)
            }
            Lookup::Invite(code) => {
                Fetched::Invite(Box::new(handle.execute_owned(FetchInvite::new(code))?))
            }
        })
    }
}

/// The result of one conversion step.
#[derive(Debug)]
#[must_use]
pub enum Conversion<T> {
    /// The answer.
    Done(Result<T, BadArgument>),
    /// The converter needs this looked up first; its answer goes to [`Convert::resume`].
    Fetch(Lookup),
}

impl<T> Conversion<T> {
    /// A converted value.
    pub fn ok(value: T) -> Self {
        Self::Done(Ok(value))
    }

    /// A rejected word.
    pub fn err(error: BadArgument) -> Self {
        Self::Done(Err(error))
    }

    /// Maps the converted value.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Conversion<U> {
        match self {
            Self::Done(result) => Conversion::Done(result.map(f)),
            Self::Fetch(lookup) => Conversion::Fetch(lookup),
        }
    }
}

impl<T> From<Result<T, BadArgument>> for Conversion<T> {
    fn from(result: Result<T, BadArgument>) -> Self {
        Self::Done(result)
    }
}

/// A type a command argument can be converted to.
///
/// Implemented for integers, floats, `bool`, `String`, typed ids, users, members,
/// channels, roles, emojis, messages, invites, colours and durations (see the
/// [module docs](super) for the syntax each accepts). Implement it for your own types;
/// they then work as `T`, `Option<T>` and `Vec<T>` parameters.
pub trait Convert: Sized + Send + 'static {
    /// What the argument is, for usage strings and errors (`"member"`, `"integer"`).
    fn describe() -> Cow<'static, str>;

    /// Converts `word` (already unquoted), or asks for a lookup.
    fn convert(ctx: &ConvertContext<'_>, word: &str) -> Conversion<Self>;

    /// Continues after the lookup the last step asked for. The default rejects the word:
    /// converters that never fetch need not implement it.
    fn resume(
        ctx: &ConvertContext<'_>,
        word: &str,
        fetched: Result<Fetched, HttpError>,
    ) -> Conversion<Self> {
        let _ = (ctx, fetched);
        Conversion::err(BadArgument::invalid(
            word,
            "the converter did not expect a lookup",
        ))
    }
}

/// Why a word could not be converted. Values are truncated to 100 characters.
#[derive(Clone, Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BadArgument {
    /// Not a whole number.
    #[error("{value:?} is not a whole number")]
    NotAnInteger {
        /// The word.
        value: String,
    },
    /// Not a (finite) number.
    #[error("{value:?} is not a number")]
    NotANumber {
        /// The word.
        value: String,
    },
    /// A number outside the accepted range.
    #[error("{value} is not between {min} and {max}")]
    OutOfRange {
        /// The word.
        value: String,
        /// The smallest accepted value.
        min: String,
        /// The largest accepted value.
        max: String,
    },
    /// Not yes/no.
    #[error("{value:?} is not yes or no")]
    NotABool {
        /// The word.
        value: String,
    },
    /// Not a valid id (or mention) of the kind expected.
    #[error("{value:?} is not a valid {kind} id")]
    InvalidId {
        /// What kind of id.
        kind: &'static str,
        /// The word.
        value: String,
    },
    /// Nothing of that kind matches the word.
    #[error("no {kind} {value:?} found")]
    NotFound {
        /// What was looked for (`"member"`).
        kind: &'static str,
        /// The word.
        value: String,
    },
    /// Several things of that kind have the name; use a mention or an id.
    #[error("{count} {kind}s are called {value:?}; use a mention or an id")]
    Ambiguous {
        /// What was looked for.
        kind: &'static str,
        /// The word.
        value: String,
        /// How many matched.
        count: usize,
    },
    /// The channel exists but is not of the kind the parameter wants.
    #[error("{value:?} is not a {expected}")]
    WrongChannelKind {
        /// The kind wanted (`"text channel"`).
        expected: &'static str,
        /// The word.
        value: String,
    },
    /// Things of this kind only exist in a server, and the command was used outside one.
    #[error("a {kind} can only be given in a server")]
    NotInServer {
        /// What was looked for.
        kind: &'static str,
    },
    /// Not a colour.
    #[error("{value:?} is not a colour (try #ff8800)")]
    InvalidColour {
        /// The word.
        value: String,
    },
    /// Not a duration.
    #[error("{value:?} is not a duration (try 10m or 1h30m)")]
    InvalidDuration {
        /// The word.
        value: String,
    },
    /// Not an invite code or link.
    #[error("{value:?} is not an invite code or link")]
    InvalidInvite {
        /// The word.
        value: String,
    },
    /// Looking the word up over REST failed (for a reason other than "not found").
    #[error("looking up the {kind} {value:?} failed: {error}")]
    Fetch {
        /// What was looked up.
        kind: &'static str,
        /// The word.
        value: String,
        /// The REST error.
        #[source]
        error: HttpError,
    },
    /// The arguments needed more REST lookups than one invocation may make.
    #[error("the arguments need too many lookups")]
    TooManyLookups,
    /// Any other reason (custom converters).
    #[error("{value:?}: {reason}")]
    Invalid {
        /// The word.
        value: String,
        /// What is wrong.
        reason: String,
    },
}

/// At most 100 characters of a user's word, for errors.
pub(crate) fn shown(value: &str) -> String {
    const MAX: usize = 100;
    match value.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &value[..cut]),
        None => value.to_owned(),
    }
}

impl BadArgument {
    /// A custom rejection of `value`.
    pub fn invalid(value: &str, reason: impl fmt::Display) -> Self {
        Self::Invalid {
            value: shown(value),
            reason: reason.to_string(),
        }
    }

    /// Nothing of `kind` matches `value`.
    pub fn not_found(kind: &'static str, value: &str) -> Self {
        Self::NotFound {
            kind,
            value: shown(value),
        }
    }

    /// The REST lookup of `value` failed: "not found" for 404 (and 403: not visible to the
    /// bot), otherwise a [`Fetch`](Self::Fetch) error carrying the REST error.
    pub fn from_fetch(kind: &'static str, value: &str, error: HttpError) -> Self {
        match error.status().map(|s| s.as_u16()) {
            Some(403 | 404) => Self::not_found(kind, value),
            _ => Self::Fetch {
                kind,
                value: shown(value),
                error,
            },
        }
    }
}
