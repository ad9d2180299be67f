//! The built-in converters.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use super::convert::{shown, BadArgument, Conversion, Convert, ConvertContext, Fetched, Lookup};
use crate::http::Error as HttpError;
use crate::id::{CategoryId, ChannelId, EmojiId, InviteCode, MessageId, RoleId, ServerId, UserId};
use crate::model::{Category, Channel, Emoji, InviteResponse, Member, Message, Role, User};

// ----------------------------------------------------------------------------------------
// Numbers, booleans, strings.

macro_rules! integer {
    ($($ty:ty),*) => {$(
        impl Convert for $ty {
            fn describe() -> Cow<'static, str> {
                "integer".into()
            }
            fn convert(_ctx: &ConvertContext<'_>, word: &str) -> Conversion<Self> {
                parse_integer(word, <$ty>::MIN, <$ty>::MAX).into()
            }
        }
    )*};
}

fn parse_integer<T>(word: &str, min: T, max: T) -> Result<T, BadArgument>
where
    T: FromStr<Err = std::num::ParseIntError> + fmt::Display,
{
    use std::num::IntErrorKind;
    word.parse()
        .map_err(|e: std::num::ParseIntError| match e.kind() {
            IntErrorKind::PosOverflow | IntErrorKind::NegOverflow => BadArgument::OutOfRange {
                value: shown(word),
                min: min.to_string(),
                max: max.to_string(),
            },
            _ => BadArgument::NotAnInteger { value: shown(word) },
        })
}

integer!(i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize);

/// An integer from `MIN` to `MAX` inclusive: `purge(n: Ranged<1, 100>)`.
///
/// ```
/// use stoat_core::commands::Ranged;
/// let n = Ranged::<1, 100>::new(42).unwrap();
/// assert_eq!(n.get(), 42);
/// assert!(Ranged::<1, 100>::new(0).is_none());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ranged<const MIN: i64, const MAX: i64>(i64);

impl<const MIN: i64, const MAX: i64> Ranged<MIN, MAX> {
    /// `value`, if it is in range.
    pub fn new(value: i64) -> Option<Self> {
        (MIN..=MAX).contains(&value).then_some(Self(value))
    }

    /// The value.
    pub fn get(self) -> i64 {
        self.0
    }
}

impl<const MIN: i64, const MAX: i64> fmt::Display for Ranged<MIN, MAX> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<const MIN: i64, const MAX: i64> Convert for Ranged<MIN, MAX> {
    fn describe() -> Cow<'static, str> {
        format!("integer from {MIN} to {MAX}").into()
    }
    fn convert(_ctx: &ConvertContext<'_>, word: &str) -> Conversion<Self> {
        let out_of_range = || BadArgument::OutOfRange {
            value: shown(word),
            min: MIN.to_string(),
            max: MAX.to_string(),
        };
        match parse_integer(word, i64::MIN, i64::MAX) {
            Ok(value) => Self::new(value).ok_or_else(out_of_range).into(),
            Err(BadArgument::OutOfRange { .. }) => Conversion::err(out_of_range()),
            Err(error) => Conversion::err(error),
        }
    }
}

macro_rules! float {
    ($($ty:ty),*) => {$(
        impl Convert for $ty {
            fn describe() -> Cow<'static, str> {
                "number".into()
            }
            fn convert(_ctx: &ConvertContext<'_>, word: &str) -> Conversion<Self> {
                word.parse::<$ty>()
                    .ok()
                    .filter(|v| v.is_finite())
                    .ok_or_else(|| BadArgument::NotANumber { value: shown(word) })
                    .into()
            }
        }
    )*};
}

float!(f32, f64);

impl Convert for bool {
    fn describe() -> Cow<'static, str> {
        "yes/no".into()
    }
    fn convert(_ctx: &ConvertContext<'_>, word: &str) -> Conversion<Self> {
        match word.to_ascii_lowercase().as_str() {
            "yes" | "y" | "true" | "t" | "on" | "1" | "enable" | "enabled" => Conversion::ok(true),
            "no" | "n" | "false" | "f" | "off" | "0" | "disable" | "disabled" => {
                Conversion::ok(false)
            }
            _ => Conversion::err(BadArgument::NotABool { value: shown(word) }),
        }
    }
}

impl Convert for String {
    fn describe() -> Cow<'static, str> {
        "text".into()
    }
    fn convert(_ctx: &ConvertContext<'_>, word: &str) -> Conversion<Self> {
        Conversion::ok(word.to_owned())
    }
}

// ----------------------------------------------------------------------------------------
// Ids and mentions.

/// The id inside `<open id close>`, or the word itself.
fn unwrap_mention<'w>(word: &'w str, open: &str, close: &str) -> &'w str {
    word.strip_prefix(open)
        .and_then(|w| w.strip_suffix(close))
        .unwrap_or(word)
}

/// The id a mention (`<@id>`) or a bare id names, if the word is one.
fn mentioned<T: FromStr>(word: &str, open: &str, close: &str) -> Option<T> {
    unwrap_mention(word, open, close).parse().ok()
}

macro_rules! id {
    ($($ty:ty, $kind:literal, $open:literal, $close:literal;)*) => {$(
        impl Convert for $ty {
            fn describe() -> Cow<'static, str> {
                concat!($kind, " id").into()
            }
            fn convert(_ctx: &ConvertContext<'_>, word: &str) -> Conversion<Self> {
                mentioned(word, $open, $close)
                    .ok_or_else(|| BadArgument::InvalidId { kind: $kind, value: shown(word) })
                    .into()
            }
        }
    )*};
}

id! {
    UserId, "user", "<@", ">";
    ChannelId, "channel", "<#", ">";
    RoleId, "role", "<%", ">";
    EmojiId, "emoji", ":", ":";
    MessageId, "message", "", "";
    ServerId, "server", "", "";
}

// ----------------------------------------------------------------------------------------
// Finding things by name.

/// A name something can be found by; with a `tag` (a user's discriminator) it also
/// matches as `name#tag`.
#[derive(Clone, Copy)]
struct Name<'a> {
    text: &'a str,
    tag: Option<&'a str>,
}

/// Up to three names of one item (a member: nickname, username, display name).
type Names<'a> = [Option<Name<'a>>; 3];

fn one_name(text: &str) -> Names<'_> {
    [Some(Name { text, tag: None }), None, None]
}

/// Whether the concatenated `parts` equal `value`, or equal it ignoring case with `fold`.
/// Compares character by character: nothing is allocated, which matters as every cached
/// member is tried.
fn same(parts: &[&str], value: &str, fold: bool) -> bool {
    if fold {
        parts
            .iter()
            .flat_map(|p| p.chars())
            .flat_map(char::to_lowercase)
            .eq(value.chars().flat_map(char::to_lowercase))
    } else {
        parts.iter().map(|p| p.len()).sum::<usize>() == value.len()
            && parts.iter().flat_map(|p| p.bytes()).eq(value.bytes())
    }
}

impl Name<'_> {
    fn matches(self, value: &str, fold: bool) -> bool {
        same(&[self.text], value, fold)
            || self
                .tag
                .is_some_and(|tag| same(&[self.text, "#", tag], value, fold))
    }
}

/// The one item whose names match `value`: exactly first, then ignoring case. Several
/// matches are an error rather than an arbitrary pick (the cache has no stable order).
/// `items` lists the candidates (called once per pass).
fn unique_by_name<'a, T: 'a, I>(
    kind: &'static str,
    value: &str,
    items: impl Fn() -> I,
    names: impl Fn(&'a T) -> Names<'a>,
) -> Result<&'a T, BadArgument>
where
    I: Iterator<Item = &'a T>,
{
    let find = |fold: bool| {
        let mut first = None;
        let mut count = 0;
        for item in items() {
            if names(item).iter().flatten().any(|n| n.matches(value, fold)) {
                count += 1;
                first.get_or_insert(item);
            }
        }
        (first, count)
    };
    let (first, count) = match find(false) {
        (None, _) => find(true),
        exact => exact,
    };
    match (first, count) {
        (Some(one), 1) => Ok(one),
        (None, _) => Err(BadArgument::not_found(kind, value)),
        (Some(_), many) => Err(BadArgument::Ambiguous {
            kind,
            value: shown(value),
            count: many,
        }),
    }
}

fn user_names(user: &User) -> Names<'_> {
    [
        Some(Name {
            text: &user.username,
            tag: Some(&user.discriminator),
        }),
        user.display_name
            .as_deref()
            .map(|text| Name { text, tag: None }),
        None,
    ]
}

impl Convert for User {
    fn describe() -> Cow<'static, str> {
        "user".into()
    }
    fn convert(ctx: &ConvertContext<'_>, word: &str) -> Conversion<Self> {
        if let Some(id) = mentioned::<UserId>(word, "<@", ">") {
            return match ctx.cache.user(id) {
                Some(user) => Conversion::ok(user.clone()),
                None => Conversion::Fetch(Lookup::User(id)),
            };
        }
        let name = word.strip_prefix('@').unwrap_or(word);
        unique_by_name("user", name, || ctx.cache.users(), user_names)
            .cloned()
            .into()
    }
    fn resume(
        _ctx: &ConvertContext<'_>,
        word: &str,
        fetched: Result<Fetched, HttpError>,
    ) -> Conversion<Self> {
        match fetched {
            Ok(Fetched::User(user)) => Conversion::ok(*user),
            Ok(_) => Conversion::err(BadArgument::not_found("user", word)),
            Err(error) => Conversion::err(BadArgument::from_fetch("user", word, error)),
        }
    }
}

impl Convert for Member {
    fn describe() -> Cow<'static, str> {
        "member".into()
    }
    fn convert(ctx: &ConvertContext<'_>, word: &str) -> Conversion<Self> {
        let Some(server) = ctx.server else {
            return Conversion::err(BadArgument::NotInServer { kind: "member" });
        };
        if let Some(user) = mentioned::<UserId>(word, "<@", ">") {
            return match ctx.cache.member(server, user) {
                Some(member) => Conversion::ok(member.clone()),
                None => Conversion::Fetch(Lookup::Member { server, user }),
            };
        }
        let name = word.strip_prefix('@').unwrap_or(word);
        unique_by_name(
            "member",
            name,
            || ctx.cache.server_members(server),
            |member| {
                let [username, display, _] =
                    ctx.cache.user(member.id.user).map_or([None; 3], user_names);
                let nickname = member
                    .nickname
                    .as_deref()
                    .map(|text| Name { text, tag: None });
                [nickname, username, display]
            },
        )
        .cloned()
        .into()
    }
    fn resume(
        ctx: &ConvertContext<'_>,
        word: &str,
        fetched: Result<Fetched, HttpError>,
    ) -> Conversion<Self> {
        match fetched {
            Ok(Fetched::Member(member)) if Some(member.id.server) == ctx.server => {
                Conversion::ok(*member)
            }
            Ok(_) => Conversion::err(BadArgument::not_found("member", word)),
            Err(error) => Conversion::err(BadArgument::from_fetch("member", word, error)),
        }
    }
}

// ----------------------------------------------------------------------------------------
// Channels.

/// Which channels a channel parameter accepts.
#[derive(Clone, Copy)]
struct ChannelFilter {
    kind: &'static str,
    accepts: fn(&Channel) -> bool,
}

const ANY_CHANNEL: ChannelFilter = ChannelFilter {
    kind: "channel",
    accepts: |_| true,
};

const TEXT_CHANNEL: ChannelFilter = ChannelFilter {
    kind: "text channel",
    accepts: |c| matches!(c, Channel::TextChannel { .. }),
};

const VOICE_CHANNEL: ChannelFilter = ChannelFilter {
    kind: "voice channel",
    accepts: |c| c.server().is_some() && c.is_voice_capable(),
};

/// A channel found by id must be in the invoking server (when used in one).
fn channel_in_scope(
    ctx: &ConvertContext<'_>,
    word: &str,
    channel: &Channel,
    filter: ChannelFilter,
) -> Result<Channel, BadArgument> {
    if ctx.server.is_some() && channel.server() != ctx.server {
        return Err(BadArgument::not_found(filter.kind, word));
    }
    if !(filter.accepts)(channel) {
        return Err(BadArgument::WrongChannelKind {
            expected: filter.kind,
            value: shown(word),
        });
    }
    Ok(channel.clone())
}

fn convert_channel(
    ctx: &ConvertContext<'_>,
    word: &str,
    filter: ChannelFilter,
) -> Conversion<Channel> {
    if let Some(id) = mentioned::<ChannelId>(word, "<#", ">") {
        return match ctx.cache.channel(id) {
            Some(channel) => channel_in_scope(ctx, word, channel, filter).into(),
            None => Conversion::Fetch(Lookup::Channel(id)),
        };
    }
    let Some(server) = ctx.server else {
        return Conversion::err(BadArgument::NotInServer { kind: filter.kind });
    };
    let name = word.strip_prefix('#').unwrap_or(word);
    let channels = || {
        ctx.cache
            .channels()
            .filter(move |c| c.server() == Some(server) && (filter.accepts)(c))
    };
    unique_by_name(filter.kind, name, channels, |c| {
        [c.name().map(|text| Name { text, tag: None }), None, None]
    })
    .cloned()
    .into()
}

fn resume_channel(
    ctx: &ConvertContext<'_>,
    word: &str,
    fetched: Result<Fetched, HttpError>,
    filter: ChannelFilter,
) -> Conversion<Channel> {
    match fetched {
        Ok(Fetched::Channel(channel)) => channel_in_scope(ctx, word, &channel, filter).into(),
        Ok(_) => Conversion::err(BadArgument::not_found(filter.kind, word)),
        Err(error) => Conversion::err(BadArgument::from_fetch(filter.kind, word, error)),
    }
}

impl Convert for Channel {
    fn describe() -> Cow<'static, str> {
        "channel".into()
    }
    fn convert(ctx: &ConvertContext<'_>, word: &str) -> Conversion<Self> {
        convert_channel(ctx, word, ANY_CHANNEL)
    }
    fn resume(
        ctx: &ConvertContext<'_>,
        word: &str,
        fetched: Result<Fetched, HttpError>,
    ) -> Conversion<Self> {
        resume_channel(ctx, word, fetched, ANY_CHANNEL)
    }
}

macro_rules! channel_kind {
    ($(#[$meta:meta])* $name:ident, $filter:ident, $describe:literal) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq)]
        pub struct $name(pub Channel);

        impl std::ops::Deref for $name {
            type Target = Channel;
            fn deref(&self) -> &Channel {
                &self.0
            }
        }

        impl Convert for $name {
            fn describe() -> Cow<'static, str> {
                $describe.into()
            }
            fn convert(ctx: &ConvertContext<'_>, word: &str) -> Conversion<Self> {
                convert_channel(ctx, word, $filter).map($name)
            }
            fn resume(
                ctx: &ConvertContext<'_>,
                word: &str,
                fetched: Result<Fetched, HttpError>,
            ) -> Conversion<Self> {
                resume_channel(ctx, word, fetched, $filter).map($name)
            }
        }
    };
}

channel_kind!(
    /// A server text channel (voice-capable or not), from `<#id>`, an id or its name.
    TextChannel,
    TEXT_CHANNEL,
    "text channel"
);
channel_kind!(
    /// A voice-capable server channel (a text channel with voice, or a legacy voice
    /// channel), from `<#id>`, an id or its name.
    VoiceChannel,
    VOICE_CHANNEL,
    "voice channel"
);

fn find_category(server: &crate::model::Server, word: &str) -> Result<Category, BadArgument> {
    let categories = server.categories.as_deref().unwrap_or(&[]);
    if let Some(category) = categories.iter().find(|c| c.id.as_str() == word) {
        return Ok(category.clone());
    }
    unique_by_name(
        "category",
        word,
        || categories.iter(),
        |c| one_name(&c.title),
    )
    .cloned()
}

impl Convert for Category {
    fn describe() -> Cow<'static, str> {
        "category".into()
    }
    fn convert(ctx: &ConvertContext<'_>, word: &str) -> Conversion<Self> {
        let Some(server) = ctx.server else {
            return Conversion::err(BadArgument::NotInServer { kind: "category" });
        };
        if CategoryId::from_str(word).is_err() {
            return Conversion::err(BadArgument::not_found("category", word));
        }
        match ctx.cache.server(server) {
            Some(server) => find_category(server, word).into(),
            None => Conversion::Fetch(Lookup::Server(server)),
        }
    }
    fn resume(
        _ctx: &ConvertContext<'_>,
        word: &str,
        fetched: Result<Fetched, HttpError>,
    ) -> Conversion<Self> {
        match fetched {
            Ok(Fetched::Server(server)) => find_category(&server, word).into(),
            Ok(_) => Conversion::err(BadArgument::not_found("category", word)),
            Err(error) => Conversion::err(BadArgument::from_fetch("category", word, error)),
        }
    }
}

// ----------------------------------------------------------------------------------------
// Roles and emojis.

fn find_role(server: &crate::model::Server, word: &str) -> Result<Role, BadArgument> {
    if let Some(id) = mentioned::<RoleId>(word, "<%", ">") {
        return server
            .roles
            .get(&id)
            .cloned()
            .ok_or_else(|| BadArgument::not_found("role", word));
    }
    unique_by_name(
        "role",
        word,
        || server.roles.values(),
        |r| one_name(&r.name),
    )
    .cloned()
}

impl Convert for Role {
    fn describe() -> Cow<'static, str> {
        "role".into()
    }
    fn convert(ctx: &ConvertContext<'_>, word: &str) -> Conversion<Self> {
        let Some(server_id) = ctx.server else {
            return Conversion::err(BadArgument::NotInServer { kind: "role" });
        };
        match ctx.cache.server(server_id) {
            Some(server) => find_role(server, word).into(),
            None => match mentioned::<RoleId>(word, "<%", ">") {
                Some(role) => Conversion::Fetch(Lookup::Role {
                    server: server_id,
                    role,
                }),
                None => Conversion::Fetch(Lookup::Server(server_id)),
            },
        }
    }
    fn resume(
        _ctx: &ConvertContext<'_>,
        word: &str,
        fetched: Result<Fetched, HttpError>,
    ) -> Conversion<Self> {
        match fetched {
            Ok(Fetched::Role(role)) => Conversion::ok(*role),
            Ok(Fetched::Server(server)) => find_role(&server, word).into(),
            Ok(_) => Conversion::err(BadArgument::not_found("role", word)),
            Err(error) => Conversion::err(BadArgument::from_fetch("role", word, error)),
        }
    }
}

impl Convert for Emoji {
    fn describe() -> Cow<'static, str> {
        "emoji".into()
    }
    fn convert(ctx: &ConvertContext<'_>, word: &str) -> Conversion<Self> {
        if let Some(id) = mentioned::<EmojiId>(word, ":", ":") {
            return match ctx.cache.emoji(id) {
                Some(emoji) => Conversion::ok(emoji.clone()),
                None => Conversion::Fetch(Lookup::Emoji(id)),
            };
        }
        match ctx.server {
            // The cache has no index of emojis by name: ask the server for its list.
            Some(server) => Conversion::Fetch(Lookup::ServerEmojis(server)),
            None => Conversion::err(BadArgument::NotInServer { kind: "emoji" }),
        }
    }
    fn resume(
        _ctx: &ConvertContext<'_>,
        word: &str,
        fetched: Result<Fetched, HttpError>,
    ) -> Conversion<Self> {
        match fetched {
            Ok(Fetched::Emoji(emoji)) => Conversion::ok(*emoji),
            Ok(Fetched::Emojis(emojis)) => {
                let name = unwrap_mention(word, ":", ":");
                unique_by_name("emoji", name, || emojis.iter(), |e| one_name(&e.name))
                    .cloned()
                    .into()
            }
            Ok(_) => Conversion::err(BadArgument::not_found("emoji", word)),
            Err(error) => Conversion::err(BadArgument::from_fetch("emoji", word, error)),
        }
    }
}

// ----------------------------------------------------------------------------------------
// Messages and invites.

/// `(channel, message)` from a message link (`…/channel/{channel}/{message}`), from
/// `{channel}/{message}` or `{channel}-{message}`, or a bare message id in `default`.
fn message_reference(word: &str, default: ChannelId) -> Option<(ChannelId, MessageId)> {
    let trimmed = word.trim_start_matches('<').trim_end_matches('>');
    let path = trimmed.split(['?', '#']).next().unwrap_or(trimmed);
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    if let Some(at) = segments.iter().position(|s| *s == "channel") {
        if let [channel, message] = segments.get(at + 1..at + 3)? {
            return Some((channel.parse().ok()?, message.parse().ok()?));
        }
        return None;
    }
    if let [channel, message] = segments.as_slice() {
        return Some((channel.parse().ok()?, message.parse().ok()?));
    }
    if let Some((channel, message)) = word.split_once('-') {
        return Some((channel.parse().ok()?, message.parse().ok()?));
    }
    Some((default, word.parse().ok()?))
}

impl Convert for Message {
    fn describe() -> Cow<'static, str> {
        "message".into()
    }
    fn convert(ctx: &ConvertContext<'_>, word: &str) -> Conversion<Self> {
        let Some((channel, message)) = message_reference(word, ctx.message.channel) else {
            return Conversion::err(BadArgument::InvalidId {
                kind: "message",
                value: shown(word),
            });
        };
        match ctx.cache.message(message) {
            Some(found) if found.channel == channel => Conversion::ok(found.clone()),
            _ => Conversion::Fetch(Lookup::Message { channel, message }),
        }
    }
    fn resume(
        _ctx: &ConvertContext<'_>,
        word: &str,
        fetched: Result<Fetched, HttpError>,
    ) -> Conversion<Self> {
        match fetched {
            Ok(Fetched::Message(message)) => Conversion::ok(*message),
            Ok(_) => Conversion::err(BadArgument::not_found("message", word)),
            Err(error) => Conversion::err(BadArgument::from_fetch("message", word, error)),
        }
    }
}

/// The code of an invite link (`https://stt.gg/ABCD1234`, `…/invite/ABCD1234`) or a code.
fn invite_code(word: &str) -> Option<InviteCode> {
    let trimmed = word.trim_start_matches('<').trim_end_matches('>');
    let path = trimmed.split(['?', '#']).next().unwrap_or(trimmed);
    let code = path.rsplit('/').find(|s| !s.is_empty())?;
    if !code.chars().all(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    code.parse().ok()
}

impl Convert for InviteResponse {
    fn describe() -> Cow<'static, str> {
        "invite".into()
    }
    fn convert(_ctx: &ConvertContext<'_>, word: &str) -> Conversion<Self> {
        match invite_code(word) {
            // Invites are not cached: always ask the server.
            Some(code) => Conversion::Fetch(Lookup::Invite(code)),
            None => Conversion::err(BadArgument::InvalidInvite { value: shown(word) }),
        }
    }
    fn resume(
        _ctx: &ConvertContext<'_>,
        word: &str,
        fetched: Result<Fetched, HttpError>,
    ) -> Conversion<Self> {
        match fetched {
            Ok(Fetched::Invite(invite)) => Conversion::ok(*invite),
            Ok(_) => Conversion::err(BadArgument::not_found("invite", word)),
            Err(error) => Conversion::err(BadArgument::from_fetch("invite", word, error)),
        }
    }
}

// ----------------------------------------------------------------------------------------
// Colours and durations.

/// A 24-bit RGB colour, from `#ff8800`, `#f80`, `0xff8800`, `ff8800`, `rgb(255,136,0)` or a
/// basic colour name (`red`, `orange`, ...).
///
/// ```
/// use stoat_core::commands::Colour;
/// let orange = Colour::from_rgb(255, 136, 0);
/// assert_eq!(orange.to_css(), "#ff8800");
/// assert_eq!("#f80".parse::<Colour>().unwrap(), orange);
/// assert_eq!("rgb(255, 136, 0)".parse::<Colour>().unwrap(), orange);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Colour(pub u32);

impl Colour {
    /// A colour from its components.
    pub const fn from_rgb(r: u8, g: u8, b: u8) -> Self {
        Self(((r as u32) << 16) | ((g as u32) << 8) | b as u32)
    }

    /// The red, green and blue components.
    pub const fn rgb(self) -> (u8, u8, u8) {
        ((self.0 >> 16) as u8, (self.0 >> 8) as u8, self.0 as u8)
    }

    /// As CSS (`#rrggbb`), the form role colours take.
    pub fn to_css(self) -> String {
        format!("#{:06x}", self.0 & 0xff_ffff)
    }
}

impl fmt::Display for Colour {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_css())
    }
}

/// A word that is not a colour.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("not a colour")]
pub struct ColourParseError;

impl FromStr for Colour {
    type Err = ColourParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let lower = s.to_ascii_lowercase();
        let named = match lower.as_str() {
            "black" => Some(0x000000),
            "white" => Some(0xffffff),
            "red" => Some(0xff0000),
            "green" => Some(0x008000),
            "lime" => Some(0x00ff00),
            "blue" => Some(0x0000ff),
            "yellow" => Some(0xffff00),
            "orange" => Some(0xffa500),
            "purple" => Some(0x800080),
            "pink" => Some(0xffc0cb),
            "cyan" => Some(0x00ffff),
            "magenta" => Some(0xff00ff),
            "gray" | "grey" => Some(0x808080),
            _ => None,
        };
        if let Some(value) = named {
            return Ok(Self(value));
        }
        if let Some(inner) = lower.strip_prefix("rgb(").and_then(|r| r.strip_suffix(')')) {
            let parts: Vec<u8> = inner
                .split(',')
                .map(|p| p.trim().parse::<u8>())
                .collect::<Result<_, _>>()
                .map_err(|_| ColourParseError)?;
            return match parts.as_slice() {
                [r, g, b] => Ok(Self::from_rgb(*r, *g, *b)),
                _ => Err(ColourParseError),
            };
        }
        let hex = lower
            .strip_prefix('#')
            .or_else(|| lower.strip_prefix("0x"))
            .unwrap_or(&lower);
        if !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(ColourParseError);
        }
        match hex.len() {
            6 => u32::from_str_radix(hex, 16)
                .map(Self)
                .map_err(|_| ColourParseError),
            3 => {
                let expanded: String = hex.chars().flat_map(|c| [c, c]).collect();
                u32::from_str_radix(&expanded, 16)
                    .map(Self)
                    .map_err(|_| ColourParseError)
            }
            _ => Err(ColourParseError),
        }
    }
}

impl Convert for Colour {
    fn describe() -> Cow<'static, str> {
        "colour".into()
    }
    fn convert(_ctx: &ConvertContext<'_>, word: &str) -> Conversion<Self> {
        word.parse()
            .map_err(|_| BadArgument::InvalidColour { value: shown(word) })
            .into()
    }
}

/// Parses a duration like `10m`, `1h30m`, `2d`, `1w 2d`, `90s` or `500ms` (units: `ms`,
/// `s`/`sec`/`second(s)`, `m`/`min`/`minute(s)`, `h`/`hr`/`hour(s)`, `d`/`day(s)`,
/// `w`/`week(s)`; whole numbers only; a unit is required).
///
/// ```
/// use std::time::Duration;
/// use stoat_core::commands::parse_duration;
/// assert_eq!(parse_duration("1h30m"), Some(Duration::from_secs(5400)));
/// assert_eq!(parse_duration("10"), None);
/// ```
pub fn parse_duration(text: &str) -> Option<Duration> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let mut total_ms: u64 = 0;
    let mut rest = text;
    while !rest.is_empty() {
        rest = rest.trim_start();
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        if digits == 0 {
            return None;
        }
        let number: u64 = rest[..digits].parse().ok()?;
        rest = rest[digits..].trim_start();
        let unit_len = rest
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(rest.len());
        let unit = rest[..unit_len].to_ascii_lowercase();
        rest = &rest[unit_len..];
        let per_unit_ms: u64 = match unit.as_str() {
            "ms" | "msec" | "millisecond" | "milliseconds" => 1,
            "s" | "sec" | "secs" | "second" | "seconds" => 1_000,
            "m" | "min" | "mins" | "minute" | "minutes" => 60_000,
            "h" | "hr" | "hrs" | "hour" | "hours" => 3_600_000,
            "d" | "day" | "days" => 86_400_000,
            "w" | "week" | "weeks" => 604_800_000,
            _ => return None,
        };
        total_ms = total_ms.checked_add(number.checked_mul(per_unit_ms)?)?;
        rest = rest.trim_start_matches([',', ' ']);
    }
    Some(Duration::from_millis(total_ms))
}

impl Convert for Duration {
    fn describe() -> Cow<'static, str> {
        "duration".into()
    }
    fn convert(_ctx: &ConvertContext<'_>, word: &str) -> Conversion<Self> {
        parse_duration(word)
            .ok_or_else(|| BadArgument::InvalidDuration { value: shown(word) })
            .into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_references() {
        let here: ChannelId = "01M7YSZ8V81AWBPFRM30NYSV34".parse().unwrap();
        let other = "01M7YSZ8V81AWBPFRM30NYSV35";
        let msg = "01M7YT8F8NBH98W6P4028C2GH8";
        let expect = (other.parse().unwrap(), msg.parse().unwrap());
        assert_eq!(
            message_reference(msg, here),
            Some((here, msg.parse().unwrap()))
        );
        assert_eq!(
            message_reference(
                &format!(
                    "https://stoat.chat/server/01M7YSZ8V8HNB362Z1HYDP0RXY/channel/{other}/{msg}"
                ),
                here
            ),
            Some(expect)
        );
        assert_eq!(
            message_reference(&format!("{other}-{msg}"), here),
            Some(expect)
        );
        assert_eq!(
            message_reference(&format!("{other}/{msg}"), here),
            Some(expect)
        );
        assert_eq!(message_reference("https://x/channel/", here), None);
        assert_eq!(message_reference("nope", here), None);
    }

    #[test]
    fn invite_codes() {
        assert_eq!(invite_code("ABCD1234").unwrap().as_str(), "ABCD1234");
        assert_eq!(
            invite_code("https://stt.gg/ABCD1234").unwrap().as_str(),
            "ABCD1234"
        );
        assert_eq!(
            invite_code("<https://stoat.chat/invite/ABCD1234/?x=1>")
                .unwrap()
                .as_str(),
            "ABCD1234"
        );
        assert!(invite_code("https://").is_none());
        assert!(invite_code("a b").is_none());
        assert!(invite_code("").is_none());
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("10m"), Some(Duration::from_secs(600)));
        assert_eq!(parse_duration("1h 30m"), Some(Duration::from_secs(5400)));
        assert_eq!(
            parse_duration("1w2d"),
            Some(Duration::from_secs(9 * 86_400))
        );
        assert_eq!(parse_duration("500ms"), Some(Duration::from_millis(500)));
        assert_eq!(
            parse_duration("2 hours, 5 minutes"),
            Some(Duration::from_secs(7500))
        );
        for bad in [
            "",
            "m",
            "10",
            "10x",
            "1.5h",
            "-1m",
            "99999999999999999999w",
            "30000000000000w",
        ] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
    }

    #[test]
    fn colours() {
        assert_eq!("#FF8800".parse(), Ok(Colour(0xff8800)));
        assert_eq!("0xff8800".parse(), Ok(Colour(0xff8800)));
        assert_eq!("ff8800".parse(), Ok(Colour(0xff8800)));
        assert_eq!("Orange".parse(), Ok(Colour(0xffa500)));
        assert_eq!(Colour(0x0a0b0c).rgb(), (10, 11, 12));
        for bad in ["#ff88", "rgb(1,2)", "rgb(256,0,0)", "#gggggg", "", "+12345"] {
            assert_eq!(bad.parse::<Colour>(), Err(ColourParseError), "{bad}");
        }
    }
}
