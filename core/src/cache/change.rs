//! What applying an event did.

use crate::model::{Channel, Emoji, Member, Message, Role, Server, User};

/// What an event did to the cache. `before` is the value as it was before the event
/// (`None` if it was not cached).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Change {
    /// The event does not touch the cache.
    None,
    /// The cache was (re)filled from `Ready`.
    Ready,
    /// A message was added.
    MessageCreated,
    /// A message was edited.
    MessageUpdated {
        /// The message before the edit.
        before: Option<Box<Message>>,
    },
    /// A message was deleted.
    MessageDeleted {
        /// The deleted message.
        before: Option<Box<Message>>,
    },
    /// Several messages were deleted.
    MessagesDeleted {
        /// The deleted messages that were cached.
        before: Vec<Message>,
    },
    /// A channel appeared (`before` is set if it was already known).
    ChannelCreated {
        /// The previous copy.
        before: Option<Box<Channel>>,
    },
    /// A channel changed.
    ChannelUpdated {
        /// The channel before the change.
        before: Option<Box<Channel>>,
    },
    /// A channel was deleted (its cached messages went with it).
    ChannelDeleted {
        /// The deleted channel.
        before: Option<Box<Channel>>,
    },
    /// A server changed.
    ServerUpdated {
        /// The server before the change.
        before: Option<Box<Server>>,
    },
    /// A server was deleted or left (its channels and members went with it).
    ServerDeleted {
        /// The deleted server.
        before: Option<Box<Server>>,
    },
    /// A member changed.
    MemberUpdated {
        /// The member before the change.
        before: Option<Box<Member>>,
    },
    /// A user changed.
    UserUpdated {
        /// The user before the change.
        before: Option<Box<User>>,
    },
    /// You joined a server (`before` is set if it was already known).
    ServerCreated {
        /// The previous copy.
        before: Option<Box<Server>>,
    },
    /// Someone joined a server.
    MemberJoined,
    /// Someone left a server (when it was you, the server went from the cache).
    MemberLeft {
        /// The membership that ended.
        before: Option<Box<Member>>,
    },
    /// A role was created (`before: None`) or changed.
    RoleUpdated {
        /// The role before the change.
        before: Option<Box<Role>>,
    },
    /// A role was deleted (and taken off every cached member).
    RoleDeleted {
        /// The deleted role.
        before: Option<Box<Role>>,
    },
    /// An emoji was created.
    EmojiCreated,
    /// An emoji was renamed.
    EmojiUpdated {
        /// The emoji before the change.
        before: Option<Box<Emoji>>,
    },
    /// An emoji was deleted.
    EmojiDeleted {
        /// The deleted emoji.
        before: Option<Box<Emoji>>,
    },
}
