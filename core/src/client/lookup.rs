//! The cache-first getters behind `get_or_fetch_*`: read the cache, fetch on a miss.

use crate::cache::Cache;
use crate::http::routes::{
    FetchChannel, FetchEmoji, FetchMember, FetchMessage, FetchServer, FetchUser,
};
use crate::http::{Error, Request};
use crate::id::{ChannelId, EmojiId, MessageId, ServerId, UserId};
use crate::model::{Channel, Emoji, Member, MemberResponse, Message, Server, User};

use super::{AsyncExecutor, BlockingExecutor};

/// Something the cache may hold, and the request that fetches it when it does not.
pub(super) trait Lookup {
    /// What is looked up.
    type Value;
    /// The request that fetches it.
    type Request: Request;
    /// A copy of the cached value, if the cache has it.
    fn cached(&self, cache: &Cache) -> Option<Self::Value>;
    /// The request for a miss.
    fn request(&self) -> Self::Request;
    /// The value in the request's answer.
    fn value(output: <Self::Request as Request>::Output) -> Self::Value;
}

pub(super) struct UserLookup(pub UserId);
pub(super) struct ChannelLookup(pub ChannelId);
pub(super) struct ServerLookup(pub ServerId);
pub(super) struct MemberLookup(pub ServerId, pub UserId);
pub(super) struct MessageLookup(pub ChannelId, pub MessageId);
pub(super) struct EmojiLookup(pub EmojiId);

impl Lookup for UserLookup {
    type Value = User;
    type Request = FetchUser;
    fn cached(&self, cache: &Cache) -> Option<User> {
        cache.user(self.0).cloned()
    }
    fn request(&self) -> FetchUser {
        FetchUser::new(self.0)
    }
    fn value(output: User) -> User {
        output
    }
}

impl Lookup for ChannelLookup {
    type Value = Channel;
    type Request = FetchChannel;
    fn cached(&self, cache: &Cache) -> Option<Channel> {
        cache.channel(self.0).cloned()
    }
    fn request(&self) -> FetchChannel {
        FetchChannel::new(self.0)
    }
    fn value(output: Channel) -> Channel {
        output
    }
}

impl Lookup for ServerLookup {
    type Value = Server;
    type Request = FetchServer;
    fn cached(&self, cache: &Cache) -> Option<Server> {
        cache.server(self.0).cloned()
    }
    fn request(&self) -> FetchServer {
        FetchServer::new(self.0)
    }
    fn value(output: <FetchServer as Request>::Output) -> Server {
        output.into_parts().0
    }
}

impl Lookup for MemberLookup {
    type Value = Member;
    type Request = FetchMember;
    fn cached(&self, cache: &Cache) -> Option<Member> {
        cache.member(self.0, self.1).cloned()
    }
    fn request(&self) -> FetchMember {
        FetchMember::new(self.0, self.1)
    }
    fn value(output: MemberResponse) -> Member {
        match output {
            MemberResponse::WithRoles { member, .. } | MemberResponse::Member(member) => member,
        }
    }
}

impl Lookup for MessageLookup {
    type Value = Message;
    type Request = FetchMessage;
    fn cached(&self, cache: &Cache) -> Option<Message> {
        cache
            .message(self.1)
            .filter(|message| message.channel == self.0)
            .cloned()
    }
    fn request(&self) -> FetchMessage {
        FetchMessage::new(self.0, self.1)
    }
    fn value(output: Message) -> Message {
        output
    }
}

impl Lookup for EmojiLookup {
    type Value = Emoji;
    type Request = FetchEmoji;
    fn cached(&self, cache: &Cache) -> Option<Emoji> {
        cache.emoji(self.0).cloned()
    }
    fn request(&self) -> FetchEmoji {
        FetchEmoji::new(self.0)
    }
    fn value(output: Emoji) -> Emoji {
        output
    }
}

/// The cached value, or the fetched one (blocking).
pub(super) fn blocking<X, L>(executor: &X, lookup: L) -> Result<L::Value, Error>
where
    X: BlockingExecutor + ?Sized,
    L: Lookup,
{
    match executor.with_cache(|cache| lookup.cached(cache)) {
        Some(value) => Ok(value),
        None => executor.execute_owned(lookup.request()).map(L::value),
    }
}

/// The cached value, or the fetched one (async). The cache is read in a plain closure, so
/// nothing is locked across the `.await`.
pub(super) async fn asynchronous<X, L>(executor: &X, lookup: L) -> Result<L::Value, Error>
where
    X: AsyncExecutor + ?Sized,
    L: Lookup,
    L::Request: Send + 'static,
    <L::Request as Request>::Output: Send + 'static,
{
    match executor.with_cache(|cache| lookup.cached(cache)) {
        Some(value) => Ok(value),
        None => executor.execute_owned(lookup.request()).await.map(L::value),
    }
}
