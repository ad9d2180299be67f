//! Server-to-client gateway events.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::close::Disconnection;
use super::codec::DecodeError;
use crate::auth::Secret;
use crate::id::{ChannelId, EmojiId, MessageId, RoleId, ServerId, SessionId, UserId, WebhookId};
use crate::model::{
    AppendMessage, AuthEvent, Channel, ChannelSlowmode, ChannelUnread, ChannelVoiceState, Emoji,
    FieldsChannel, FieldsMember, FieldsMessage, FieldsRole, FieldsServer, FieldsUser,
    FieldsWebhook, Member, MemberId, Message, PartialChannel, PartialEmoji, PartialMember,
    PartialMessage, PartialRole, PartialServer, PartialUser, PartialUserVoiceState, PartialWebhook,
    PolicyChange, RemovalIntention, Report, Server, Session, Timestamp, User, UserFlags,
    UserSettings, UserVoiceState, Webhook,
};

/// The payload of a `Ping`/`Pong`: a number or a byte array, echoed back exactly.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum PingData {
    /// A number (this library sends increasing nonces).
    Number(u64),
    /// A byte array.
    Binary(Vec<u8>),
}

/// The initial state sent after authentication.
///
/// Which fields are present depends on the `ready=` fields requested on connect.
///
/// The objects are behind `Arc`, shared with the [`Cache`](crate::cache::Cache) that
/// applies this event (filling it copies nothing); read them as plain references
/// (`for user in ready.users.iter().flatten() { user.username ... }`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Ready {
    /// Users you know (yourself included, usually last).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "arc_list"
    )]
    pub users: Option<Vec<Arc<User>>>,
    /// Servers you are in.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "arc_list"
    )]
    pub servers: Option<Vec<Arc<Server>>>,
    /// Channels you can see.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "arc_list"
    )]
    pub channels: Option<Vec<Arc<Channel>>>,
    /// Your own memberships (and those of voice participants).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "arc_list"
    )]
    pub members: Option<Vec<Arc<Member>>>,
    /// Emojis of your servers.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "arc_list"
    )]
    pub emojis: Option<Vec<Arc<Emoji>>>,
    /// Voice channels that currently have participants.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voice_states: Option<Vec<ChannelVoiceState>>,
    /// Synced settings (only when requested).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_settings: Option<UserSettings>,
    /// Read states (only with `ready=channel_unreads`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_unreads: Option<Vec<ChannelUnread>>,
    /// Policy changes you have not acknowledged (never for bots).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_changes: Option<Vec<PolicyChange>>,
}

impl Ready {
    /// Your own user: the one with relationship `User` (the server puts it last, but
    /// does not promise to), or the last user if none is marked.
    pub fn current_user(&self) -> Option<&User> {
        let users = self.users.as_ref()?;
        users
            .iter()
            .find(|u| u.is_self())
            .or_else(|| users.last())
            .map(Arc::as_ref)
    }
}

/// Decodes a list straight into `Arc`s (serde's own `Arc<T>` decodes a `Box<T>` and copies
/// it into a new allocation).
fn arc_list<'de, D, T>(deserializer: D) -> Result<Option<Vec<Arc<T>>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct ArcList<T>(Vec<Arc<T>>);

    impl<'de, T: Deserialize<'de>> Deserialize<'de> for ArcList<T> {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct Visitor<T>(std::marker::PhantomData<T>);
            impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for Visitor<T> {
                type Value = ArcList<T>;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("a list")
                }
                fn visit_seq<A: serde::de::SeqAccess<'de>>(
                    self,
                    mut seq: A,
                ) -> Result<ArcList<T>, A::Error> {
                    let mut list = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
                    while let Some(item) = seq.next_element::<T>()? {
                        list.push(Arc::new(item));
                    }
                    Ok(ArcList(list))
                }
            }
            d.deserialize_seq(Visitor(std::marker::PhantomData))
        }
    }

    Ok(Option::<ArcList<T>>::deserialize(deserializer)?.map(|list| list.0))
}

/// An error the gateway reports (only during authentication in practice).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GatewayError {
    /// The error type, e.g. `InvalidSession`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Where in the server it was raised (absent on newer servers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Any other fields the error carries.
    #[serde(flatten)]
    pub extra: Box<serde_json::Map<String, serde_json::Value>>,
}

/// How many `Bulk` events may nest inside each other in one frame. The server nests them
/// one or two levels at most; a deeper frame is a decode error rather than a deep recursion.
pub const MAX_BULK_NESTING: u32 = 8;

thread_local! {
    /// How many `Bulk` payloads the current thread is decoding inside each other.
    static BULK_DEPTH: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

fn bulk_events<'de, D: serde::Deserializer<'de>>(de: D) -> Result<Vec<Event>, D::Error> {
    /// Leaves one level on every exit, errors and panics included.
    struct Level;
    impl Drop for Level {
        fn drop(&mut self) {
            BULK_DEPTH.with(|depth| depth.set(depth.get().saturating_sub(1)));
        }
    }
    let depth = BULK_DEPTH.with(|depth| {
        depth.set(depth.get() + 1);
        depth.get()
    });
    let _level = Level;
    if depth > MAX_BULK_NESTING {
        return Err(serde::de::Error::custom(format_args!(
            "Bulk nested deeper than {MAX_BULK_NESTING} levels"
        )));
    }
    Vec::<Event>::deserialize(de)
}

/// An event whose `type` this version of the library does not know, kept verbatim.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UnknownEvent {
    /// The `type` field.
    #[serde(rename = "type")]
    pub name: String,
    /// Every other field.
    #[serde(flatten)]
    pub payload: Box<serde_json::Map<String, serde_json::Value>>,
}

/// Declares [`Event`] and its externally tagged twin `EventByTag`, which decodes a known
/// event from the rest of a frame whose `type` was already read (see `model::tagged`).
macro_rules! event_enum {
    ($(#[$meta:meta])* pub enum Event { $($body:tt)* }) => {
        $(#[$meta])*
        // Decoding is the `Deserialize` impl below (through the twin): no inherent
        // `Event::deserialize` shadows it.
        #[derive(Clone, Debug, PartialEq, Serialize)]
        #[serde(tag = "type", remote = "Self")]
        #[non_exhaustive]
        pub enum Event {
            $($body)*
            /// **Synthetic** (never read from the wire): a gateway connection ended. The
            /// session emits one for every end (a close frame and its code, a lost socket, a
            /// refused oversized message, a timeout, a failed attempt), saying why and when
            /// it reconnects. See [`Disconnection`] and [`CloseCode`](super::CloseCode) for
            /// what each end means.
            #[serde(skip)]
            Disconnected(Box<Disconnection>),
            /// **Synthetic** (never read from the wire): a frame that could not be decoded
            /// and was skipped. Emitted only when
            /// [`SessionConfig::invalid_frame_events`](super::SessionConfig::invalid_frame_events)
            /// is on; [`Session::invalid_frames`](super::Session::invalid_frames) counts them
            /// either way.
            #[serde(skip)]
            InvalidFrame(Box<DecodeError>),
            /// An event this version of the library does not know, kept verbatim.
            #[serde(skip)]
            Unknown(UnknownEvent),
        }

        /// The externally tagged twin used by the unbuffered decoder.
        #[derive(Deserialize)]
        #[serde(remote = "Event")]
        #[allow(dead_code, clippy::large_enum_variant)]
        enum EventByTag {
            $($body)*
        }
    };
}

event_enum! {
    /// A gateway event from the server.
    ///
    /// Every `type` of the current server (revolt 0.15.1 / revolt-models 0.16.2) has a
    /// variant, plus what older servers send (`Auth`, `MessageStartEditing`,
    /// `MessageStopEditing`). Anything else becomes [`Event::Unknown`], never an error.
    pub enum Event {
        /// Several events at once. [`Session`](super::Session) flattens these, in order.
        Bulk {
            /// The events, the triggering one last. A `Bulk` inside a `Bulk` is allowed down
            /// to [`MAX_BULK_NESTING`] levels; deeper is a decode error.
            #[serde(deserialize_with = "bulk_events")]
            v: Vec<Event>,
        },
        /// Authentication failed (or another gateway error).
        Error {
            /// The error.
            data: GatewayError,
        },
        /// The token was accepted.
        Authenticated,
        /// The session was logged out; the server closes the socket next.
        Logout,
        /// Initial state.
        Ready(Box<Ready>),
        /// Answer to a `Ping`.
        Pong {
            /// The echoed payload.
            data: PingData,
        },
        /// Never sent (a joke variant of the server).
        Bees,
        /// A new message.
        Message(Arc<Message>),
        /// A message was edited (also pins, unpins and reaction clears).
        MessageUpdate {
            /// Message id.
            id: MessageId,
            /// Channel id.
            channel: ChannelId,
            /// Changed fields.
            data: Box<PartialMessage>,
            /// Cleared fields.
            #[serde(default)]
            clear: Vec<FieldsMessage>,
        },
        /// Data was appended to a message (link previews).
        MessageAppend {
            /// Message id.
            id: MessageId,
            /// Channel id.
            channel: ChannelId,
            /// What was appended.
            append: AppendMessage,
        },
        /// A message was deleted.
        MessageDelete {
            /// Message id.
            id: MessageId,
            /// Channel id.
            channel: ChannelId,
        },
        /// Someone reacted to a message.
        MessageReact {
            /// Message id.
            id: MessageId,
            /// Channel id.
            channel_id: ChannelId,
            /// Who reacted.
            user_id: UserId,
            /// The emoji: a custom emoji id or a Unicode emoji.
            emoji_id: String,
        },
        /// Someone removed their reaction.
        MessageUnreact {
            /// Message id.
            id: MessageId,
            /// Channel id.
            channel_id: ChannelId,
            /// Whose reaction.
            user_id: UserId,
            /// The emoji.
            emoji_id: String,
        },
        /// An emoji was removed from a message for everyone.
        MessageRemoveReaction {
            /// Message id.
            id: MessageId,
            /// Channel id.
            channel_id: ChannelId,
            /// The emoji.
            emoji_id: String,
        },
        /// Several messages were deleted.
        BulkMessageDelete {
            /// Channel id.
            channel: ChannelId,
            /// Message ids.
            ids: Vec<MessageId>,
        },
        /// Someone started editing a message (older servers).
        MessageStartEditing {
            /// Message id.
            id: MessageId,
            /// Channel id.
            channel: ChannelId,
            /// Who.
            user: UserId,
        },
        /// Someone stopped editing a message (older servers).
        MessageStopEditing {
            /// Message id.
            id: MessageId,
            /// Channel id.
            channel: ChannelId,
            /// Who.
            user: UserId,
        },
        /// You joined a server.
        ServerCreate {
            /// Server id.
            id: ServerId,
            /// The server.
            server: Box<Server>,
            /// Its channels you can see.
            #[serde(default)]
            channels: Vec<Channel>,
            /// Its emojis.
            #[serde(default)]
            emojis: Vec<Emoji>,
            /// Its active voice channels.
            #[serde(default)]
            voice_states: Vec<ChannelVoiceState>,
        },
        /// A server was updated.
        ServerUpdate {
            /// Server id.
            id: ServerId,
            /// Changed fields.
            data: Box<PartialServer>,
            /// Cleared fields.
            #[serde(default)]
            clear: Vec<FieldsServer>,
        },
        /// A server was deleted (or you left it).
        ServerDelete {
            /// Server id.
            id: ServerId,
        },
        /// A member was updated.
        ServerMemberUpdate {
            /// Server and user.
            id: MemberId,
            /// Changed fields.
            data: Box<PartialMember>,
            /// Cleared fields.
            #[serde(default)]
            clear: Vec<FieldsMember>,
        },
        /// Someone joined a server.
        ServerMemberJoin {
            /// Server id.
            id: ServerId,
            /// The user (deprecated by the server in favour of `member`).
            user: UserId,
            /// The new member (absent on older servers).
            #[serde(default, skip_serializing_if = "Option::is_none")]
            member: Option<Arc<Member>>,
        },
        /// Someone left a server.
        ServerMemberLeave {
            /// Server id.
            id: ServerId,
            /// The user.
            user: UserId,
            /// Why (older servers omit it: `Leave`).
            #[serde(default)]
            reason: RemovalIntention,
        },
        /// A role was created or updated.
        ServerRoleUpdate {
            /// Server id.
            id: ServerId,
            /// Role id.
            role_id: RoleId,
            /// Changed fields (every field, for a new role).
            data: Box<PartialRole>,
            /// Cleared fields.
            #[serde(default)]
            clear: Vec<FieldsRole>,
        },
        /// A role was deleted.
        ServerRoleDelete {
            /// Server id.
            id: ServerId,
            /// Role id.
            role_id: RoleId,
        },
        /// Roles were reordered.
        ServerRoleRanksUpdate {
            /// Server id.
            id: ServerId,
            /// Every role, highest first: the index is the new rank.
            ranks: Vec<RoleId>,
        },
        /// A user was updated (including presence).
        UserUpdate {
            /// User id.
            id: UserId,
            /// Changed fields.
            data: Box<PartialUser>,
            /// Cleared fields.
            #[serde(default)]
            clear: Vec<FieldsUser>,
            /// Always `null` on the wire (the server de-duplicates with it).
            #[serde(default)]
            event_id: Option<String>,
        },
        /// Your relationship with a user changed.
        UserRelationship {
            /// Your id.
            id: UserId,
            /// The user; `relationship` holds the new status.
            user: Arc<User>,
        },
        /// Your synced settings changed.
        UserSettingsUpdate {
            /// Your id.
            id: UserId,
            /// The changed keys.
            update: UserSettings,
        },
        /// A user was wiped from the platform.
        UserPlatformWipe {
            /// The user.
            user_id: UserId,
            /// Their new flags.
            flags: UserFlags,
        },
        /// An emoji was created.
        EmojiCreate(Box<Emoji>),
        /// An emoji was renamed.
        EmojiUpdate {
            /// Emoji id.
            id: EmojiId,
            /// Changed fields.
            data: PartialEmoji,
        },
        /// An emoji was deleted.
        EmojiDelete {
            /// Emoji id.
            id: EmojiId,
        },
        /// A report was filed (moderation topic only).
        ReportCreate(Box<Report>),
        /// A channel was created (or became visible).
        ChannelCreate(Box<Channel>),
        /// A channel was updated.
        ChannelUpdate {
            /// Channel id.
            id: ChannelId,
            /// Changed fields.
            data: Box<PartialChannel>,
            /// Cleared fields.
            #[serde(default)]
            clear: Vec<FieldsChannel>,
        },
        /// A channel was deleted (or became invisible).
        ChannelDelete {
            /// Channel id.
            id: ChannelId,
        },
        /// Someone joined a group.
        ChannelGroupJoin {
            /// Group id.
            id: ChannelId,
            /// Who.
            user: UserId,
        },
        /// Someone left a group.
        ChannelGroupLeave {
            /// Group id.
            id: ChannelId,
            /// Who.
            user: UserId,
        },
        /// Someone started typing.
        ChannelStartTyping {
            /// Channel id.
            id: ChannelId,
            /// Who.
            user: UserId,
        },
        /// Someone stopped typing.
        ChannelStopTyping {
            /// Channel id.
            id: ChannelId,
            /// Who.
            user: UserId,
        },
        /// You acknowledged (read) a channel up to a message.
        ChannelAck {
            /// Channel id.
            id: ChannelId,
            /// You.
            user: UserId,
            /// The last read message.
            message_id: MessageId,
        },
        /// A webhook was created (its token is `null`).
        WebhookCreate(Box<Webhook>),
        /// A webhook was updated. Note the key is `remove`, not `clear`.
        WebhookUpdate {
            /// Webhook id.
            id: WebhookId,
            /// Changed fields.
            data: Box<PartialWebhook>,
            /// Removed fields.
            #[serde(default)]
            remove: Vec<FieldsWebhook>,
        },
        /// A webhook was deleted.
        WebhookDelete {
            /// Webhook id.
            id: WebhookId,
        },
        /// An account was created (internal topic only; the payload is the server's database
        /// record, kept raw).
        CreateAccount {
            /// The account record.
            account: serde_json::Value,
        },
        /// A session was created (internal topic only).
        CreateSession {
            /// The session.
            session: Box<Session>,
        },
        /// Another of your sessions was deleted.
        DeleteSession {
            /// You.
            user_id: UserId,
            /// The deleted session.
            session_id: SessionId,
        },
        /// All your other sessions were deleted.
        DeleteAllSessions {
            /// You.
            user_id: UserId,
            /// The session that was kept (`null`: none).
            #[serde(default)]
            exclude_session_id: Option<SessionId>,
        },
        /// Session events in the legacy envelope of older servers.
        Auth(AuthEvent),
        /// Someone joined a voice channel.
        VoiceChannelJoin {
            /// Channel id.
            id: ChannelId,
            /// Their voice state.
            state: UserVoiceState,
        },
        /// Someone left a voice channel.
        VoiceChannelLeave {
            /// Channel id.
            id: ChannelId,
            /// Who.
            user: UserId,
        },
        /// Someone moved between voice channels.
        VoiceChannelMove {
            /// Who.
            user: UserId,
            /// The channel they left.
            from: ChannelId,
            /// The channel they joined.
            to: ChannelId,
            /// Their voice state.
            state: UserVoiceState,
        },
        /// A voice state changed.
        UserVoiceStateUpdate {
            /// The user.
            id: UserId,
            /// The channel.
            channel_id: ChannelId,
            /// Changed fields.
            data: PartialUserVoiceState,
        },
        /// You were moved to another voice channel (or node): reconnect with the new token.
        UserMoveVoiceChannel {
            /// The voice node.
            node: String,
            /// The channel you left.
            from: ChannelId,
            /// The channel you are in now.
            to: ChannelId,
            /// A new LiveKit token (redacted in `Debug`).
            #[serde(with = "crate::model::secret")]
            token: Secret,
        },
        /// Your active slowmodes (sent after `Ready`).
        UserSlowmodes {
            /// Slowmodes by channel.
            slowmodes: Vec<ChannelSlowmode>,
        },
        /// A DM or group call is ringing, or ended.
        VoiceCallUpdate {
            /// Who started it.
            initiator_id: UserId,
            /// The channel.
            channel_id: ChannelId,
            /// When it started (`null` once ended).
            #[serde(default)]
            started_at: Option<Timestamp>,
            /// Whether it ended.
            #[serde(default)]
            ended: bool,
        },
    }
}

impl Serialize for Event {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            // Written as it came: its own `type` and fields.
            Event::Unknown(unknown) => unknown.serialize(serializer),
            known => Event::serialize(known, serializer),
        }
    }
}

/// Decoding reads `type` first (the server writes it first) and streams the rest of the
/// frame straight into that variant, without buffering; a frame whose `type` is not first is
/// read into a document first. A known type with a bad shape is an error that says what is
/// wrong (e.g. a missing field); anything else becomes [`Event::Unknown`].
impl<'de> Deserialize<'de> for Event {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::model::tagged::deserialize_tagged(deserializer)
    }
}

impl crate::model::tagged::Tagged for Event {
    const TAG: &'static str = "type";
    const EXPECTING: &'static str = "an event object";

    fn is_known(tag: &str) -> bool {
        Event::is_known_type(tag)
    }

    fn known<'de, A: serde::de::MapAccess<'de>>(tag: &str, rest: A) -> Result<Self, A::Error> {
        // The decoder's error names the event type already (`DecodeError::Malformed`).
        EventByTag::deserialize(crate::model::tagged::TaggedRest::new(tag, rest))
    }

    fn unknown(name: String, payload: serde_json::Map<String, serde_json::Value>) -> Self {
        Event::Unknown(UnknownEvent {
            name,
            payload: Box::new(payload),
        })
    }

    fn buffered(
        document: serde_json::Map<String, serde_json::Value>,
    ) -> Result<Self, serde_json::Error> {
        use serde::de::Error;
        let name = match document.get("type") {
            Some(serde_json::Value::String(name)) => name.clone(),
            Some(_) => {
                return Err(serde_json::Error::custom(
                    "the event `type` is not a string",
                ))
            }
            None => return Err(serde_json::Error::missing_field("type")),
        };
        if Event::is_known_type(&name) {
            let mut document = document;
            document.remove("type");
            let rest = serde::de::value::MapDeserializer::<_, serde_json::Error>::new(
                document.into_iter(),
            );
            EventByTag::deserialize(crate::model::tagged::TaggedRest::new(&name, rest))
                .map_err(|e| serde_json::Error::custom(format!("{name}: {e}")))
        } else {
            // Kept as it is: going through `UnknownEvent`'s derived (flattened) decoder would
            // copy the whole document twice more, the costliest part of a large unknown frame.
            let mut payload = document;
            payload.remove("type");
            Ok(Event::Unknown(UnknownEvent {
                name,
                payload: Box::new(payload),
            }))
        }
    }
}

macro_rules! event_type_names {
    ($($variant:ident),* $(,)?) => {
        impl Event {
            /// The wire `type` name of this event (synthetic events, which never come from
            /// the wire, answer their variant name).
            pub fn type_name(&self) -> &str {
                match self {
                    $( Self::$variant { .. } => stringify!($variant), )*
                    Self::Disconnected(_) => "Disconnected",
                    Self::InvalidFrame(_) => "InvalidFrame",
                    Self::Unknown(u) => &u.name,
                }
            }

            /// Which kind of event this is, without its payload (for registering handlers
            /// per kind).
            pub fn kind(&self) -> EventKind {
                match self {
                    $( Self::$variant { .. } => EventKind::$variant, )*
                    Self::Disconnected(_) => EventKind::Disconnected,
                    Self::InvalidFrame(_) => EventKind::InvalidFrame,
                    Self::Unknown(_) => EventKind::Unknown,
                }
            }

            /// Whether the session made this event up rather than reading it from the wire
            /// ([`Event::Disconnected`], [`Event::InvalidFrame`]).
            pub fn is_synthetic(&self) -> bool {
                matches!(self, Self::Disconnected(_) | Self::InvalidFrame(_))
            }
        }

        /// The kind of an [`Event`]: one variant per event variant, without the payload.
        ///
        /// ```
        /// use stoat_core::gateway::{Event, EventKind};
        /// assert_eq!(Event::Authenticated.kind(), EventKind::Authenticated);
        /// assert_eq!(EventKind::Message.type_name(), Some("Message"));
        /// ```
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum EventKind {
            $(
                #[doc = concat!("[`Event::", stringify!($variant), "`].")]
                $variant,
            )*
            /// [`Event::Disconnected`] (synthetic: a connection ended).
            Disconnected,
            /// [`Event::InvalidFrame`] (synthetic: an undecodable frame, when opted in).
            InvalidFrame,
            /// [`Event::Unknown`]: any event type this library does not know.
            Unknown,
        }

        impl EventKind {
            /// The wire `type` name (`None` for [`EventKind::Unknown`] and the synthetic
            /// kinds).
            pub fn type_name(self) -> Option<&'static str> {
                match self {
                    $( Self::$variant => Some(stringify!($variant)), )*
                    Self::Disconnected | Self::InvalidFrame | Self::Unknown => None,
                }
            }
        }

        /// Every `type` this library decodes into a typed variant.
        const KNOWN_TYPES: &[&str] = &[$(stringify!($variant)),*];
    };
}

event_type_names!(
    Bulk,
    Error,
    Authenticated,
    Logout,
    Ready,
    Pong,
    Bees,
    Message,
    MessageUpdate,
    MessageAppend,
    MessageDelete,
    MessageReact,
    MessageUnreact,
    MessageRemoveReaction,
    BulkMessageDelete,
    MessageStartEditing,
    MessageStopEditing,
    ServerCreate,
    ServerUpdate,
    ServerDelete,
    ServerMemberUpdate,
    ServerMemberJoin,
    ServerMemberLeave,
    ServerRoleUpdate,
    ServerRoleDelete,
    ServerRoleRanksUpdate,
    UserUpdate,
    UserRelationship,
    UserSettingsUpdate,
    UserPlatformWipe,
    EmojiCreate,
    EmojiUpdate,
    EmojiDelete,
    ReportCreate,
    ChannelCreate,
    ChannelUpdate,
    ChannelDelete,
    ChannelGroupJoin,
    ChannelGroupLeave,
    ChannelStartTyping,
    ChannelStopTyping,
    ChannelAck,
    WebhookCreate,
    WebhookUpdate,
    WebhookDelete,
    CreateAccount,
    CreateSession,
    DeleteSession,
    DeleteAllSessions,
    Auth,
    VoiceChannelJoin,
    VoiceChannelLeave,
    VoiceChannelMove,
    UserVoiceStateUpdate,
    UserMoveVoiceChannel,
    UserSlowmodes,
    VoiceCallUpdate,
);

impl Event {
    /// Every `type` this library decodes into a typed variant.
    pub fn known_types() -> &'static [&'static str] {
        KNOWN_TYPES
    }

    /// Whether `name` is a `type` this library decodes into a typed variant.
    pub fn is_known_type(name: &str) -> bool {
        KNOWN_TYPES.contains(&name)
    }

    /// Whether this is an event this library does not know.
    pub fn is_unknown(&self) -> bool {
        matches!(self, Self::Unknown(_))
    }
}
