//! What every runtime's client handle offers to runtime-neutral code.
//!
//! The runtime adapters implement these traits on their handles; everything built on top of
//! them (the named route methods, cache-first getters, history pagination, the commands
//! framework) is written once, here in core, and works on every runtime:
//!
//! * [`CacheAccess`]: closure-based reads of the cache (no guard can be held across an
//!   `.await`) and the wall clock, for permission checks;
//! * [`AsyncExecutor`]: sends a typed request on an async runtime;
//! * [`BlockingExecutor`]: sends a typed request, blocking the calling thread.
//!
//! Both executors also have cache-first getters (`get_or_fetch_user`, `_channel`,
//! `_server`, `_member`, `_message`, `_emoji`: a copy of the cached value, or the value
//! fetched on a miss) and `history(channel)`, a walk through a channel's messages (a
//! [`Stream`](futures_core::Stream) on async runtimes, an [`Iterator`] on the blocking one).
//! A fetched value is returned, not stored: the cache is fed by gateway events only, so it
//! stays the server's view as the session received it.

use std::future::Future;
use std::pin::Pin;
use std::time::SystemTime;

use super::history::{History, HistoryIter, HistoryStream};
use super::lookup::{self, ChannelLookup, EmojiLookup, MemberLookup, MessageLookup};
use super::lookup::{ServerLookup, UserLookup};
use crate::cache::{Cache, MissingFromCache};
use crate::http::{Error, Request};
use crate::id::{ChannelId, EmojiId, MessageId, ServerId, UserId};
use crate::model::{Channel, Emoji, Member, Message, Permissions, Server, Timestamp, User};

/// A boxed, `Send` future: what the async runtimes hand to runtime-neutral code.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Reading the cache, and the wall clock, without holding a lock guard.
pub trait CacheAccess {
    /// Runs `read` with the cache and returns what it returns.
    ///
    /// The cache is locked only while `read` runs, and `read` is a plain closure, so the lock
    /// can never be held across an `.await`: copy out what you need.
    fn with_cache<T>(&self, read: impl FnOnce(&Cache) -> T) -> T;

    /// The current wall-clock time (runtimes pass the system clock; tests may pass another).
    fn wall_clock(&self) -> Timestamp;

    /// What `user` may do in `channel` now, from the cache (see [`Cache::permissions_in`]).
    fn permissions_in(
        &self,
        channel: ChannelId,
        user: UserId,
    ) -> Result<Permissions, MissingFromCache> {
        let now = self.wall_clock();
        self.with_cache(|cache| cache.permissions_in(channel, user, now))
    }

    /// What `user` may do server-wide now, from the cache (see [`Cache::server_permissions`]).
    fn server_permissions(
        &self,
        server: ServerId,
        user: UserId,
    ) -> Result<Permissions, MissingFromCache> {
        let now = self.wall_clock();
        self.with_cache(|cache| cache.server_permissions(server, user, now))
    }
}

/// Sending typed requests on an async runtime: implemented by the async runtimes' handles.
pub trait AsyncExecutor: CacheAccess + Sync {
    /// Sends `request` through the client's rate limiter and retry policy.
    fn execute_owned<R>(&self, request: R) -> BoxFuture<'_, Result<R::Output, Error>>
    where
        R: Request + Send + 'static,
        R::Output: Send + 'static;

    /// The user from the cache, or fetched (`GET /users/{id}`) if the cache does not have
    /// it. The fetched user is not stored: the cache is fed by gateway events only.
    fn get_or_fetch_user(
        &self,
        user: UserId,
    ) -> impl Future<Output = Result<User, Error>> + Send + '_ {
        lookup::asynchronous(self, UserLookup(user))
    }

    /// The channel from the cache, or fetched (`GET /channels/{id}`) on a miss (not stored).
    fn get_or_fetch_channel(
        &self,
        channel: ChannelId,
    ) -> impl Future<Output = Result<Channel, Error>> + Send + '_ {
        lookup::asynchronous(self, ChannelLookup(channel))
    }

    /// The server from the cache, or fetched (`GET /servers/{id}`) on a miss (not stored).
    fn get_or_fetch_server(
        &self,
        server: ServerId,
    ) -> impl Future<Output = Result<Server, Error>> + Send + '_ {
        lookup::asynchronous(self, ServerLookup(server))
    }

    /// The member from the cache, or fetched (`GET /servers/{id}/members/{user}`) on a
    /// miss (not stored).
    fn get_or_fetch_member(
        &self,
        server: ServerId,
        user: UserId,
    ) -> impl Future<Output = Result<Member, Error>> + Send + '_ {
        lookup::asynchronous(self, MemberLookup(server, user))
    }

    /// The message from the cache (if it is there, in `channel`), or fetched
    /// (`GET /channels/{id}/messages/{msg}`) on a miss (not stored).
    fn get_or_fetch_message(
        &self,
        channel: ChannelId,
        message: MessageId,
    ) -> impl Future<Output = Result<Message, Error>> + Send + '_ {
        lookup::asynchronous(self, MessageLookup(channel, message))
    }

    /// The emoji from the cache, or fetched (`GET /custom/emoji/{id}`) on a miss (not
    /// stored).
    fn get_or_fetch_emoji(
        &self,
        emoji: EmojiId,
    ) -> impl Future<Output = Result<Emoji, Error>> + Send + '_ {
        lookup::asynchronous(self, EmojiLookup(emoji))
    }

    /// The messages of `channel`, newest first, as a [`Stream`](futures_core::Stream) that
    /// fetches a page at a time; its builders choose the order, bounds, page size and a
    /// limit (see [`History`]).
    fn history(&self, channel: ChannelId) -> HistoryStream<'_, Self> {
        HistoryStream::new(self, History::new(channel))
    }
}

/// Sending typed requests from a thread: implemented by the blocking runtime's handle.
pub trait BlockingExecutor: CacheAccess {
    /// Sends `request` through the client's rate limiter and retry policy, blocking until it
    /// is done.
    fn execute_owned<R: Request>(&self, request: R) -> Result<R::Output, Error>;

    /// The user from the cache, or fetched (`GET /users/{id}`) if the cache does not have
    /// it. The fetched user is not stored: the cache is fed by gateway events only.
    fn get_or_fetch_user(&self, user: UserId) -> Result<User, Error> {
        lookup::blocking(self, UserLookup(user))
    }

    /// The channel from the cache, or fetched (`GET /channels/{id}`) on a miss (not stored).
    fn get_or_fetch_channel(&self, channel: ChannelId) -> Result<Channel, Error> {
        lookup::blocking(self, ChannelLookup(channel))
    }

    /// The server from the cache, or fetched (`GET /servers/{id}`) on a miss (not stored).
    fn get_or_fetch_server(&self, server: ServerId) -> Result<Server, Error> {
        lookup::blocking(self, ServerLookup(server))
    }

    /// The member from the cache, or fetched (`GET /servers/{id}/members/{user}`) on a
    /// miss (not stored).
    fn get_or_fetch_member(&self, server: ServerId, user: UserId) -> Result<Member, Error> {
        lookup::blocking(self, MemberLookup(server, user))
    }

    /// The message from the cache (if it is there, in `channel`), or fetched
    /// (`GET /channels/{id}/messages/{msg}`) on a miss (not stored).
    fn get_or_fetch_message(
        &self,
        channel: ChannelId,
        message: MessageId,
    ) -> Result<Message, Error> {
        lookup::blocking(self, MessageLookup(channel, message))
    }

    /// The emoji from the cache, or fetched (`GET /custom/emoji/{id}`) on a miss (not
    /// stored).
    fn get_or_fetch_emoji(&self, emoji: EmojiId) -> Result<Emoji, Error> {
        lookup::blocking(self, EmojiLookup(emoji))
    }

    /// The messages of `channel`, newest first, as an [`Iterator`] that fetches a page at a
    /// time; its builders choose the order, bounds, page size and a limit (see
    /// [`History`]).
    fn history(&self, channel: ChannelId) -> HistoryIter<'_, Self> {
        HistoryIter::new(self, History::new(channel))
    }
}

impl From<SystemTime> for Timestamp {
    /// The time as milliseconds since the Unix epoch (negative before it, saturating far
    /// outside the calendar).
    fn from(time: SystemTime) -> Self {
        let millis = match time.duration_since(SystemTime::UNIX_EPOCH) {
            Ok(after) => i64::try_from(after.as_millis()).unwrap_or(i64::MAX),
            Err(before) => i64::try_from(before.duration().as_millis())
                .map(|m| -m)
                .unwrap_or(i64::MIN),
        };
        Timestamp::from_millis(millis)
    }
}
