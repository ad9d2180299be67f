//! Requests built from the model values a handler holds: `message.reply("hi")`,
//! `member.kick()`, `server.create_role("mods")`, ...
//!
//! Each method returns the typed request (with its builders), to send with any runtime's
//! `execute` (or [`Pending::new`](super::Pending::new) to chain builders and `.await`):
//!
//! ```
//! use stoat_core::client::AsyncExecutor;
//! use stoat_core::http::Error;
//! use stoat_core::model::Message;
//!
//! async fn on_message(handle: &impl AsyncExecutor, message: &Message) -> Result<(), Error> {
//!     if message.content.as_deref() == Some("!ping") {
//!         handle.execute_owned(message.reply("Pong!")).await?;
//!         handle.execute_owned(message.react("🏓")).await?;
//!     }
//!     Ok(())
//! }
//! ```
//!
//! The conveniences read only the value they are called on: a request computed from a
//! value (like [`Member::add_role`], which sends the whole role list) is only as current as
//! that value.

use std::time::Duration;

use super::routes::{
    AcknowledgeMessage, AddReaction, BanUser, ChannelDefaultPermissions, CloseChannel,
    CreateInvite, CreateRole, CreateServerChannel, DeleteMessage, EditChannel, EditMember,
    EditMessage, EditServer, FetchMessages, InviteBot, KickMember, LeaveServer, OpenDirectMessage,
    PinMessage, RemoveReaction, SendMessage, SetChannelDefaultPermissions, UnpinMessage,
};
use crate::id::{BotId, ChannelId, RoleId, ServerId};
use crate::model::{
    Channel, InviteBotDestination, Member, Message, Override, Permissions, Server, Timestamp, User,
};

impl Message {
    /// A reply to this message in its channel, without mentioning its author.
    ///
    /// The reply is a [`SendMessage`]: add to it with its builders (`.embed(..)`,
    /// `.attachment(..)`, ...).
    ///
    /// ```
    /// # use stoat_core::http::Request;
    /// # let message: stoat_core::model::Message = serde_json::from_value(serde_json::json!({
    /// #     "_id": "01M7YT8F8NBH98W6P4028C2GH8", "channel": "01M7YSZ8V81AWBPFRM30NYSV34",
    /// #     "author": "01M7YSZ8H1XVFKYWFT7NKJHCGM", "content": "!ping"})).unwrap();
    /// let parts = message.reply("pong").to_parts().unwrap();
    /// assert_eq!(parts.path, "/channels/01M7YSZ8V81AWBPFRM30NYSV34/messages");
    /// # let stoat_core::http::Body::Json(body) = parts.body else { panic!() };
    /// assert_eq!(
    ///     &body[..],
    ///     br#"{"content":"pong","replies":[{"id":"01M7YT8F8NBH98W6P4028C2GH8","mention":false}]}"#
    /// );
    /// ```
    pub fn reply(&self, content: impl Into<String>) -> SendMessage {
        SendMessage::new(self.channel, content).reply_to(self.id, false)
    }

    /// A reply to this message in its channel that mentions (notifies) its author.
    pub fn reply_with_mention(&self, content: impl Into<String>) -> SendMessage {
        SendMessage::new(self.channel, content).reply_to(self.id, true)
    }

    /// Reacts to this message with `emoji` (a Unicode emoji or a custom emoji id).
    pub fn react(&self, emoji: impl Into<String>) -> AddReaction {
        AddReaction::new(self.channel, self.id, emoji)
    }

    /// Removes your `emoji` reaction from this message (builders remove another user's or
    /// everyone's).
    pub fn unreact(&self, emoji: impl Into<String>) -> RemoveReaction {
        RemoveReaction::new(self.channel, self.id, emoji)
    }

    /// Replaces this message's content.
    pub fn edit(&self, content: impl Into<String>) -> EditMessage {
        EditMessage::new(self.channel, self.id, content)
    }

    /// Deletes this message.
    pub fn delete(&self) -> DeleteMessage {
        DeleteMessage::new(self.channel, self.id)
    }

    /// Pins this message.
    pub fn pin(&self) -> PinMessage {
        PinMessage::new(self.channel, self.id)
    }

    /// Unpins this message.
    pub fn unpin(&self) -> UnpinMessage {
        UnpinMessage::new(self.channel, self.id)
    }

    /// Marks its channel as read up to this message (user accounts only).
    pub fn acknowledge(&self) -> AcknowledgeMessage {
        AcknowledgeMessage::new(self.channel, self.id)
    }
}

impl Channel {
    /// A text message to this channel (any kind of channel: server channel, DM, group or
    /// saved messages).
    ///
    /// ```
    /// use stoat_core::client::BlockingExecutor;
    /// use stoat_core::http::Error;
    /// use stoat_core::model::Channel;
    ///
    /// fn announce(client: &impl BlockingExecutor, channel: &Channel) -> Result<(), Error> {
    ///     client.execute_owned(channel.send("Maintenance at noon").idempotency_key("maint-1"))?;
    ///     Ok(())
    /// }
    /// ```
    pub fn send(&self, content: impl Into<String>) -> SendMessage {
        SendMessage::new(self.id(), content)
    }

    /// The latest messages of this channel (one page; the executors' `history` walks them
    /// all).
    pub fn fetch_messages(&self) -> FetchMessages {
        FetchMessages::new(self.id())
    }

    /// An edit of this channel that changes nothing yet.
    pub fn edit(&self) -> EditChannel {
        EditChannel::new(self.id())
    }

    /// Closes a DM, leaves a group, or deletes a server channel.
    pub fn close(&self) -> CloseChannel {
        CloseChannel::new(self.id())
    }

    /// Creates an invite to this server channel or group.
    pub fn create_invite(&self) -> CreateInvite {
        CreateInvite::new(self.id())
    }
}

impl Member {
    /// Kicks this member from the server.
    pub fn kick(&self) -> KickMember {
        KickMember::new(self.id.server, self.id.user)
    }

    /// Bans this member's user from the server (builders add the reason shown in the ban
    /// list, the messages to delete and the audit log reason).
    pub fn ban(&self) -> BanUser {
        BanUser::new(self.id.server, self.id.user)
    }

    /// An edit of this member that changes nothing yet.
    pub fn edit(&self) -> EditMember {
        EditMember::new(self.id.server, self.id.user)
    }

    /// Times this member out until `until`.
    pub fn timeout(&self, until: Timestamp) -> EditMember {
        self.edit().timeout(until)
    }

    /// Times this member out for `duration` from `now` (core reads no clock: pass the
    /// wall-clock time, e.g. [`CacheAccess::wall_clock`](crate::client::CacheAccess::wall_clock)).
    ///
    /// ```
    /// use std::time::Duration;
    /// use stoat_core::model::{Member, MemberId, Timestamp};
    ///
    /// let member = Member::new(
    ///     MemberId::new("01M7YSZ8V8HNB362Z1HYDP0RXY".parse().unwrap(), "01M7YSZ8H1XVFKYWFT7NKJHCGM".parse().unwrap()),
    ///     Timestamp::from_millis(0),
    /// );
    /// let now = Timestamp::from_millis(1_800_000_000_000);
    /// let edit = member.timeout_for(Duration::from_secs(600), now);
    /// assert_eq!(edit.timeout.as_set(), Some(&Timestamp::from_millis(1_800_000_600_000)));
    /// ```
    pub fn timeout_for(&self, duration: Duration, now: Timestamp) -> EditMember {
        let millis = i64::try_from(duration.as_millis()).unwrap_or(i64::MAX);
        self.timeout(Timestamp::from_millis(
            now.as_millis().saturating_add(millis),
        ))
    }

    /// Lifts this member's timeout.
    pub fn clear_timeout(&self) -> EditMember {
        self.edit().clear_timeout()
    }

    /// Gives this member `role`, keeping the roles it has.
    ///
    /// The server takes the whole role list, so the list sent is this value's roles plus
    /// `role`: the member value must be current (from the cache, or just fetched), or roles
    /// given or taken since are undone.
    ///
    /// ```
    /// use stoat_core::id::RoleId;
    /// use stoat_core::model::{Member, MemberId, Timestamp};
    ///
    /// let (a, b): (RoleId, RoleId) = ("01M7YT0000000000000000000A".parse().unwrap(), "01M7YT0000000000000000000B".parse().unwrap());
    /// let mut member = Member::new(
    ///     MemberId::new("01M7YSZ8V8HNB362Z1HYDP0RXY".parse().unwrap(), "01M7YSZ8H1XVFKYWFT7NKJHCGM".parse().unwrap()),
    ///     Timestamp::from_millis(0),
    /// );
    /// member.roles = vec![a];
    /// assert_eq!(member.add_role(b).roles.as_set(), Some(&vec![a, b]));
    /// assert_eq!(member.add_role(a).roles.as_set(), Some(&vec![a]));
    /// assert_eq!(member.remove_role(a).roles.as_set(), Some(&vec![]));
    /// ```
    pub fn add_role(&self, role: RoleId) -> EditMember {
        let mut roles = self.roles.clone();
        if !roles.contains(&role) {
            roles.push(role);
        }
        self.edit().roles(roles)
    }

    /// Takes `role` from this member, keeping its other roles (the member value must be
    /// current: see [`add_role`](Self::add_role)).
    pub fn remove_role(&self, role: RoleId) -> EditMember {
        let roles = self.roles.iter().copied().filter(|r| *r != role).collect();
        self.edit().roles(roles)
    }
}

impl User {
    /// Opens (or returns) the direct message channel with this user.
    pub fn open_dm(&self) -> OpenDirectMessage {
        OpenDirectMessage::new(self.id)
    }
}

impl Server {
    /// Creates a text channel called `name` in this server (`.kind(..)` makes it a voice
    /// channel).
    pub fn create_channel(&self, name: impl Into<String>) -> CreateServerChannel {
        CreateServerChannel::text(self.id, name)
    }

    /// Creates a role called `name` in this server.
    pub fn create_role(&self, name: impl Into<String>) -> CreateRole {
        CreateRole::new(self.id, name)
    }

    /// An edit of this server that changes nothing yet.
    pub fn edit(&self) -> EditServer {
        EditServer::new(self.id)
    }

    /// Leaves this server (**deletes it** if you own it).
    pub fn leave(&self) -> LeaveServer {
        LeaveServer::new(self.id)
    }
}

impl InviteBot {
    /// Adds `bot` to `destination`: a [`ServerId`] or a group's [`ChannelId`].
    pub fn new(bot: BotId, destination: impl Into<InviteBotDestination>) -> Self {
        Self {
            bot,
            destination: destination.into(),
        }
    }
}

impl From<ServerId> for InviteBotDestination {
    /// Into the server.
    fn from(server: ServerId) -> Self {
        Self::Server { server }
    }
}

impl From<ChannelId> for InviteBotDestination {
    /// Into the group with this channel id.
    fn from(group: ChannelId) -> Self {
        Self::Group { group }
    }
}

impl SetChannelDefaultPermissions {
    /// Sets the default permissions of `channel`: an [`Override`] for a server channel,
    /// plain [`Permissions`] for a group.
    pub fn new(channel: ChannelId, permissions: impl Into<ChannelDefaultPermissions>) -> Self {
        Self {
            channel,
            permissions: permissions.into(),
            reason: None,
        }
    }
}

impl From<Permissions> for ChannelDefaultPermissions {
    /// A group's member permissions.
    fn from(permissions: Permissions) -> Self {
        Self::Group(permissions)
    }
}

impl From<Override> for ChannelDefaultPermissions {
    /// A server channel's override.
    fn from(permissions: Override) -> Self {
        Self::Server(permissions)
    }
}
