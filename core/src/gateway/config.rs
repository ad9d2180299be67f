//! Gateway session configuration.

use std::time::Duration;

use super::backoff::Backoff;
use super::codec::Format;
use crate::auth::Token;

/// A field of the `Ready` event, requested with `?ready=` on connect.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ReadyField {
    /// `users`
    Users,
    /// `servers`
    Servers,
    /// `channels`
    Channels,
    /// `members`
    Members,
    /// `emojis`
    Emojis,
    /// `voice_states`
    VoiceStates,
    /// `channel_unreads` (off unless requested)
    ChannelUnreads,
    /// `policy_changes`
    PolicyChanges,
    /// `user_settings`
    UserSettings,
}

impl ReadyField {
    /// The query value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Users => "users",
            Self::Servers => "servers",
            Self::Channels => "channels",
            Self::Members => "members",
            Self::Emojis => "emojis",
            Self::VoiceStates => "voice_states",
            Self::ChannelUnreads => "channel_unreads",
            Self::PolicyChanges => "policy_changes",
            Self::UserSettings => "user_settings",
        }
    }
}

/// How a [`Session`](super::Session) connects and keeps its connection healthy.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct SessionConfig {
    /// Gateway WebSocket URL (from `GET /` → `ws`), e.g. `wss://events.stoat.chat`.
    pub url: String,
    /// The credential sent in `Authenticate`.
    pub token: Token,
    /// Wire format.
    pub format: Format,
    /// `Ready` fields to request; `None` takes the server's defaults.
    pub ready_fields: Option<Vec<ReadyField>>,
    /// Put the token in the URL (`&token=`) instead of sending `Authenticate`.
    /// Off by default: URLs end up in logs.
    pub token_in_url: bool,
    /// Time between heartbeat pings (the server docs ask for 10–30 s).
    pub heartbeat_interval: Duration,
    /// How long to wait for a `Pong` before the connection is declared dead.
    pub heartbeat_timeout: Duration,
    /// How long connecting plus authenticating may take before it is retried.
    pub handshake_timeout: Duration,
    /// Reconnect delays.
    pub backoff: Backoff,
    /// Give up after this many consecutive failed reconnects (`None`: never).
    pub max_reconnect_attempts: Option<u32>,
    /// Seed for the jitter generator (fixed seeds make tests reproducible).
    pub seed: u64,
    /// Commands kept while not connected; the oldest are dropped beyond this.
    pub max_queued_commands: usize,
    /// The largest gateway message (and frame) the driver accepts, in bytes
    /// ([`DEFAULT_MAX_MESSAGE_SIZE`], 16 MiB, unless set). Every adapter passes it to
    /// tungstenite's `WebSocketConfig` as both `max_message_size` and `max_frame_size`, so a
    /// larger message is refused while it arrives, fragmented or not, without being
    /// assembled; the driver then reports [`Session::handle_message_too_large`] and the
    /// session reconnects with growing backoff.
    ///
    /// The limit also bounds decoding time, which grows linearly with the frame. Measured
    /// by `core/benches/frame_size.rs` (release build, criterion medians, on a 2-core machine
    /// shared with other builds, so upper figures): a JSON `Bulk` of `Message` events costs
    /// about **55 ms per MiB** (68 ms at 1 MiB, 0.89 s at 16 MiB), msgpack about **45 ms per
    /// MiB** (0.74 s at 16 MiB); an event type this library does not know, kept as a generic
    /// document, about **45 ms per MiB** (23 ms at 1 MiB, 0.72 s at 16 MiB). So one frame at
    /// the default limit costs **under a second** of CPU, whatever its shape. Lower the limit
    /// to bound what a hostile server can cost per message; raise it only for a `Ready`
    /// larger than 16 MiB.
    ///
    /// [`Session::handle_message_too_large`]: super::Session::handle_message_too_large
    pub max_message_size: usize,
    /// How long a connection must stay ready before its end counts as a fresh start: the
    /// reconnect backoff is reset only for a connection that lasted this long after `Ready`
    /// and did not end with a fault (60 s unless set). A server that closes right after
    /// authenticating therefore meets a growing backoff, not a reconnect loop.
    pub stable_connection: Duration,
    /// Also emit every undecodable frame as an [`Event::InvalidFrame`](super::Event::InvalidFrame)
    /// on the event stream (off by default; [`Session::invalid_frames`](super::Session::invalid_frames)
    /// counts them either way).
    pub invalid_frame_events: bool,
    /// How many authors (the `user` object every `Message` event carries) the session
    /// remembers by their JSON text, so that an author who writes again with an unchanged
    /// profile costs no decoding: the event gets the object decoded the first time, shared
    /// (an `Arc`, also with the cache and every cached message of theirs). 4096 unless set;
    /// 0 turns it off. Each remembered author keeps its text (a few hundred bytes) and one
    /// reference to the object. Only JSON sessions remember; msgpack ones decode each time.
    pub remembered_authors: usize,
}

/// The default [`SessionConfig::remembered_authors`].
pub const DEFAULT_REMEMBERED_AUTHORS: usize = 4096;

/// The default [`SessionConfig::max_message_size`]: 16 MiB (tungstenite's own default frame
/// limit; its message limit is 64 MiB).
pub const DEFAULT_MAX_MESSAGE_SIZE: usize = 16 << 20;

impl SessionConfig {
    /// A configuration with the defaults: JSON, server-default Ready fields, a ping every
    /// 15 s with a 10 s timeout, 30 s handshake timeout, 1 s to 60 s backoff.
    pub fn new(url: impl Into<String>, token: Token) -> Self {
        Self {
            url: url.into(),
            token,
            format: Format::Json,
            ready_fields: None,
            token_in_url: false,
            heartbeat_interval: Duration::from_secs(15),
            heartbeat_timeout: Duration::from_secs(10),
            handshake_timeout: Duration::from_secs(30),
            backoff: Backoff::default(),
            max_reconnect_attempts: None,
            seed: 0x5704_7C0D_E5EE_D5ED,
            max_queued_commands: 64,
            max_message_size: DEFAULT_MAX_MESSAGE_SIZE,
            stable_connection: Duration::from_secs(60),
            invalid_frame_events: false,
            remembered_authors: DEFAULT_REMEMBERED_AUTHORS,
        }
    }

    /// Sets how many authors are remembered (see
    /// [`remembered_authors`](Self::remembered_authors)); 0 turns it off. A client sets it
    /// through [`ClientConfig::session`](crate::client::ClientConfig::session):
    ///
    /// ```
    /// use stoat_core::client::ClientConfig;
    /// use stoat_core::Token;
    ///
    /// // A bot in one huge server, whose authors rarely repeat within a few thousand.
    /// let config = ClientConfig::new(Token::bot("secret")).session(|s| s.remembered_authors(16_384));
    /// assert_eq!(config.session_config("wss://events.stoat.chat").remembered_authors, 16_384);
    /// ```
    pub fn remembered_authors(mut self, count: usize) -> Self {
        self.remembered_authors = count;
        self
    }

    /// Sets the largest message accepted (see [`max_message_size`](Self::max_message_size)).
    pub fn max_message_size(mut self, bytes: usize) -> Self {
        self.max_message_size = bytes;
        self
    }

    /// Sets how long a connection must stay ready to reset the backoff (see
    /// [`stable_connection`](Self::stable_connection)).
    pub fn stable_connection(mut self, after: Duration) -> Self {
        self.stable_connection = after;
        self
    }

    /// Emits undecodable frames as [`Event::InvalidFrame`](super::Event::InvalidFrame) too.
    pub fn invalid_frame_events(mut self, enabled: bool) -> Self {
        self.invalid_frame_events = enabled;
        self
    }

    /// Sets the wire format.
    pub fn format(mut self, format: Format) -> Self {
        self.format = format;
        self
    }

    /// Sets the heartbeat interval and pong timeout.
    pub fn heartbeat(mut self, interval: Duration, timeout: Duration) -> Self {
        self.heartbeat_interval = interval;
        self.heartbeat_timeout = timeout;
        self
    }

    /// Sets the reconnect backoff.
    pub fn backoff(mut self, backoff: Backoff) -> Self {
        self.backoff = backoff;
        self
    }

    /// Sets the jitter seed.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Requests only these `Ready` fields.
    pub fn ready_fields(mut self, fields: impl IntoIterator<Item = ReadyField>) -> Self {
        self.ready_fields = Some(fields.into_iter().collect());
        self
    }

    /// Sets the handshake timeout.
    pub fn handshake_timeout(mut self, timeout: Duration) -> Self {
        self.handshake_timeout = timeout;
        self
    }

    /// Limits consecutive reconnect attempts.
    pub fn max_reconnect_attempts(mut self, attempts: Option<u32>) -> Self {
        self.max_reconnect_attempts = attempts;
        self
    }

    /// Sends the token in the URL instead of an `Authenticate` frame.
    pub fn token_in_url(mut self, enabled: bool) -> Self {
        self.token_in_url = enabled;
        self
    }

    /// The URL to connect to: `version=1`, `format`, `ready` fields, and the token only if
    /// [`token_in_url`](Self::token_in_url) is set.
    pub fn connect_url(&self) -> String {
        let mut url = self.url.clone();
        // `wss://host?query` is not a valid request target; the path must be at least `/`.
        let authority = url.find("://").map_or(0, |at| at + 3);
        let path_end = url[authority..]
            .find(['?', '#'])
            .map_or(url.len(), |at| authority + at);
        if !url[authority..path_end].contains('/') {
            url.insert(path_end, '/');
        }
        url.push(if url.contains('?') { '&' } else { '?' });
        url.push_str("version=1&format=");
        url.push_str(self.format.as_query_value());
        for field in self.ready_fields.iter().flatten() {
            url.push_str("&ready=");
            url.push_str(field.as_str());
        }
        if self.token_in_url {
            url.push_str("&token=");
            // The server does no percent-decoding of query values; tokens are URL-safe
            // nanoids, so they go in verbatim.
            url.push_str(self.token.secret());
        }
        url
    }
}
