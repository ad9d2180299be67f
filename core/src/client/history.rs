//! Walking a channel's message history page by page: the cursor logic ([`History`]), a
//! [`Stream`] over it on async runtimes ([`HistoryStream`]) and an [`Iterator`] on the
//! blocking one ([`HistoryIter`]).
//!
//! ```
//! use stoat_core::client::{AsyncExecutor, BlockingExecutor};
//! use stoat_core::http::Error;
//! use stoat_core::id::ChannelId;
//!
//! // Async: the 200 latest messages, newest first.
//! async fn recent(handle: &impl AsyncExecutor, channel: ChannelId) -> Result<usize, Error> {
//!     let mut history = handle.history(channel).limit(200);
//!     let mut count = 0;
//!     while let Some(message) = history.next().await {
//!         let _message = message?;
//!         count += 1;
//!     }
//!     Ok(count)
//! }
//!
//! // Blocking: every message from the start of the channel, oldest first.
//! fn archive(client: &impl BlockingExecutor, channel: ChannelId) -> Result<Vec<String>, Error> {
//!     client
//!         .history(channel)
//!         .oldest_first()
//!         .map(|message| Ok(message?.content.unwrap_or_default().into()))
//!         .collect()
//! }
//! ```

use std::collections::{HashMap, VecDeque};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures_core::Stream;

use super::{AsyncExecutor, BlockingExecutor, BoxFuture};
use crate::http::routes::{FetchMessages, MessageSort};
use crate::http::Error;
use crate::id::{ChannelId, MessageId};
use crate::model::{BulkMessageResponse, Member, Message, User};

/// The largest page the server serves (and the default page size).
pub const MAX_PAGE_SIZE: u8 = 100;

/// The order a [`History`] walks in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HistoryOrder {
    /// From the newest message to the oldest, with a `before` cursor.
    NewestFirst,
    /// From the oldest message to the newest, with an `after` cursor.
    OldestFirst,
}

/// The cursor logic of a walk through a channel's messages, without IO.
///
/// [`next_request`](Self::next_request) names the page to fetch next (or `None` when the
/// walk is over), [`handle_page`](Self::handle_page) takes the server's answer and returns
/// the messages to hand out, in order. The executors' `history(channel)` drive it; a custom
/// event loop can drive it the same way.
///
/// * **Order**: newest to oldest by default, walking a `before` cursor; oldest to newest
///   ([`oldest_first`](Self::oldest_first), or by default when only
///   [`after`](Self::after) is set) walks an `after` cursor with `sort=Oldest`.
/// * **Bounds**: [`before`](Self::before) and [`after`](Self::after) exclude everything from
///   that message on; both may be set (the messages between them).
/// * **Pages** of [`page_size`](Self::page_size) messages (1–100, default 100; a smaller
///   last page when a [`limit`](Self::limit) is near).
/// * **Stops** when a page comes back shorter than asked (the channel has no more), when
///   the limit is reached, or when a page brings nothing new (a server ignoring the
///   cursor cannot make the walk loop forever).
/// * **Each message once**: messages at or beyond the cursor, or outside the bounds, are
///   dropped, and a page is sorted into the walk's order whatever order it arrived in.
/// * With [`include_users`](Self::include_users), each message's `user` (and, in server
///   channels, `member`) is filled in from the page's users and members.
///
/// ```
/// use stoat_core::client::History;
///
/// let channel = "01M7YSZ8V81AWBPFRM30NYSV34".parse().unwrap();
/// let mut history = History::new(channel).limit(150);
/// let first = history.next_request().unwrap();
/// assert_eq!((first.limit, first.before), (Some(100), None));
/// // An empty channel: the first page is short, so the walk is over.
/// let messages = history.handle_page(stoat_core::model::BulkMessageResponse::Messages(vec![]));
/// assert!(messages.is_empty());
/// assert!(history.next_request().is_none());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct History {
    channel: ChannelId,
    before: Option<MessageId>,
    after: Option<MessageId>,
    order: Option<HistoryOrder>,
    page_size: u8,
    limit: Option<usize>,
    include_users: bool,
    cursor: Option<MessageId>,
    yielded: usize,
    done: bool,
}

impl History {
    /// The whole history of `channel`, newest first, in pages of 100.
    pub fn new(channel: ChannelId) -> Self {
        Self {
            channel,
            before: None,
            after: None,
            order: None,
            page_size: MAX_PAGE_SIZE,
            limit: None,
            include_users: false,
            cursor: None,
            yielded: 0,
            done: false,
        }
    }

    /// Only messages older than `message` (it is not included).
    pub fn before(mut self, message: MessageId) -> Self {
        self.before = Some(message);
        self
    }

    /// Only messages newer than `message` (it is not included). Unless an order is chosen,
    /// setting `after` without `before` walks oldest first, from `message` on.
    pub fn after(mut self, message: MessageId) -> Self {
        self.after = Some(message);
        self
    }

    /// Walks from the oldest message to the newest.
    pub fn oldest_first(mut self) -> Self {
        self.order = Some(HistoryOrder::OldestFirst);
        self
    }

    /// Walks from the newest message to the oldest (the default).
    pub fn newest_first(mut self) -> Self {
        self.order = Some(HistoryOrder::NewestFirst);
        self
    }

    /// Fetches `size` messages a page (1–100; out of range, the first request fails
    /// validation).
    pub fn page_size(mut self, size: u8) -> Self {
        self.page_size = size;
        self
    }

    /// Hands out at most `limit` messages in all.
    pub fn limit(mut self, limit: usize) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Also fetches the authors (and members), filled into each message's `user` and
    /// `member`.
    pub fn include_users(mut self, include: bool) -> Self {
        self.include_users = include;
        self
    }

    /// The channel walked.
    pub fn channel(&self) -> ChannelId {
        self.channel
    }

    /// The order of the walk.
    pub fn order(&self) -> HistoryOrder {
        self.order
            .unwrap_or(if self.after.is_some() && self.before.is_none() {
                HistoryOrder::OldestFirst
            } else {
                HistoryOrder::NewestFirst
            })
    }

    /// How many messages have been handed out.
    pub fn yielded(&self) -> usize {
        self.yielded
    }

    /// Whether the walk is over (no request is left to send).
    pub fn is_done(&self) -> bool {
        self.done || self.remaining() == Some(0)
    }

    /// Ends the walk (the executors do this after an error: the request was already
    /// retried as far as the client's retry policy allows).
    pub fn finish(&mut self) {
        self.done = true;
    }

    fn remaining(&self) -> Option<usize> {
        self.limit.map(|limit| limit.saturating_sub(self.yielded))
    }

    /// The size of the next page.
    fn page_len(&self) -> u8 {
        match self.remaining() {
            Some(remaining) => u8::try_from(remaining)
                .map_or(self.page_size, |remaining| remaining.min(self.page_size)),
            None => self.page_size,
        }
    }

    /// The page to fetch next, or `None` when the walk is over. It changes only in
    /// [`handle_page`](Self::handle_page) and [`finish`](Self::finish).
    pub fn next_request(&self) -> Option<FetchMessages> {
        if self.is_done() {
            return None;
        }
        let mut request = FetchMessages::new(self.channel)
            .limit(self.page_len())
            .include_users(self.include_users);
        let (before, after) = match self.order() {
            HistoryOrder::NewestFirst => {
                request = request.sort(MessageSort::Latest);
                (self.cursor.or(self.before), self.after)
            }
            HistoryOrder::OldestFirst => {
                request = request.sort(MessageSort::Oldest);
                (self.before, self.cursor.or(self.after))
            }
        };
        request.before = before;
        request.after = after;
        Some(request)
    }

    /// Takes the answer to the last [`next_request`](Self::next_request) and returns its
    /// messages to hand out, in the walk's order.
    pub fn handle_page(&mut self, page: BulkMessageResponse) -> Vec<Message> {
        if self.is_done() {
            return Vec::new();
        }
        let asked = usize::from(self.page_len());
        let (mut messages, users, members) = match page {
            BulkMessageResponse::Messages(messages) => (messages, Vec::new(), None),
            BulkMessageResponse::MessagesAndUsers {
                messages,
                users,
                members,
            } => (messages, users, members),
        };
        let received = messages.len();

        let order = self.order();
        let (lower, upper) = match order {
            HistoryOrder::NewestFirst => (self.after, self.cursor.or(self.before)),
            HistoryOrder::OldestFirst => (self.cursor.or(self.after), self.before),
        };
        messages.retain(|message| {
            lower.is_none_or(|lower| message.id > lower)
                && upper.is_none_or(|upper| message.id < upper)
        });
        match order {
            HistoryOrder::NewestFirst => {
                messages.sort_by_key(|message| std::cmp::Reverse(message.id))
            }
            HistoryOrder::OldestFirst => messages.sort_by_key(|message| message.id),
        }
        messages.dedup_by_key(|message| message.id);
        if let Some(remaining) = self.remaining() {
            messages.truncate(remaining);
        }
        if !users.is_empty() || members.is_some() {
            attach_authors(&mut messages, users, members.unwrap_or_default());
        }

        match messages.last() {
            Some(last) => self.cursor = Some(last.id),
            None => self.done = true,
        }
        self.yielded += messages.len();
        if received < asked {
            self.done = true;
        }
        messages
    }
}

/// Fills each message's `user` and `member` from a page's authors (one shared copy per
/// author).
fn attach_authors(messages: &mut [Message], users: Vec<User>, members: Vec<Member>) {
    let users: HashMap<_, _> = users
        .into_iter()
        .map(|user| (user.id, Arc::new(user)))
        .collect();
    let members: HashMap<_, _> = members
        .into_iter()
        .map(|member| (member.id.user, Arc::new(member)))
        .collect();
    for message in messages {
        if message.user.is_none() {
            message.user = users.get(&message.author).cloned();
        }
        if message.member.is_none() {
            message.member = members.get(&message.author).cloned();
        }
    }
}

/// The [`History`] builders, forwarded by the stream and the iterator (before the first
/// message is taken).
macro_rules! history_builders {
    () => {
        /// Only messages older than `message` (see [`History::before`]).
        pub fn before(mut self, message: MessageId) -> Self {
            self.history = self.history.before(message);
            self
        }

        /// Only messages newer than `message` (see [`History::after`]).
        pub fn after(mut self, message: MessageId) -> Self {
            self.history = self.history.after(message);
            self
        }

        /// Walks from the oldest message to the newest.
        pub fn oldest_first(mut self) -> Self {
            self.history = self.history.oldest_first();
            self
        }

        /// Walks from the newest message to the oldest (the default).
        pub fn newest_first(mut self) -> Self {
            self.history = self.history.newest_first();
            self
        }

        /// Fetches `size` messages a page (1–100, default 100).
        pub fn page_size(mut self, size: u8) -> Self {
            self.history = self.history.page_size(size);
            self
        }

        /// Hands out at most `limit` messages in all.
        pub fn limit(mut self, limit: usize) -> Self {
            self.history = self.history.limit(limit);
            self
        }

        /// Also fills in each message's author (`user`, and `member` in servers).
        pub fn include_users(mut self, include: bool) -> Self {
            self.history = self.history.include_users(include);
            self
        }

        /// The walk's cursor state.
        pub fn history(&self) -> &History {
            &self.history
        }
    };
}

/// A channel's messages, page by page, as a [`Stream`] on an async runtime: made by
/// [`AsyncExecutor::history`].
///
/// Pages are fetched one at a time as the stream is polled, through the client's rate
/// limiter and retry policy. An error is handed out once and ends the stream. Besides
/// [`Stream`], [`next`](Self::next) reads the next message without a stream extension
/// trait.
#[must_use = "a history stream fetches nothing until it is polled"]
pub struct HistoryStream<'h, X: ?Sized> {
    executor: &'h X,
    history: History,
    buffer: VecDeque<Message>,
    in_flight: Option<BoxFuture<'h, Result<BulkMessageResponse, Error>>>,
}

impl<'h, X: AsyncExecutor + ?Sized> HistoryStream<'h, X> {
    /// Walks `history` with `executor`.
    pub fn new(executor: &'h X, history: History) -> Self {
        Self {
            executor,
            history,
            buffer: VecDeque::new(),
            in_flight: None,
        }
    }

    history_builders!();

    /// The next message, `None` at the end.
    pub async fn next(&mut self) -> Option<Result<Message, Error>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }
}

impl<X: AsyncExecutor + ?Sized> Stream for HistoryStream<'_, X> {
    type Item = Result<Message, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(message) = this.buffer.pop_front() {
                return Poll::Ready(Some(Ok(message)));
            }
            if let Some(page) = &mut this.in_flight {
                let page = match page.as_mut().poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(page) => page,
                };
                this.in_flight = None;
                match page {
                    Ok(page) => this.buffer.extend(this.history.handle_page(page)),
                    Err(error) => {
                        this.history.finish();
                        return Poll::Ready(Some(Err(error)));
                    }
                }
                continue;
            }
            match this.history.next_request() {
                Some(request) => this.in_flight = Some(this.executor.execute_owned(request)),
                None => return Poll::Ready(None),
            }
        }
    }
}

impl<X: ?Sized> std::fmt::Debug for HistoryStream<'_, X> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HistoryStream")
            .field("history", &self.history)
            .field("buffered", &self.buffer.len())
            .field("fetching", &self.in_flight.is_some())
            .finish_non_exhaustive()
    }
}

/// A channel's messages, page by page, as an [`Iterator`] on the blocking runtime: made by
/// [`BlockingExecutor::history`].
///
/// Each page is fetched when the previous one is used up, blocking the calling thread. An
/// error is handed out once and ends the iteration.
#[must_use = "a history iterator fetches nothing until it is iterated"]
pub struct HistoryIter<'h, X: ?Sized> {
    executor: &'h X,
    history: History,
    buffer: VecDeque<Message>,
}

impl<'h, X: BlockingExecutor + ?Sized> HistoryIter<'h, X> {
    /// Walks `history` with `executor`.
    pub fn new(executor: &'h X, history: History) -> Self {
        Self {
            executor,
            history,
            buffer: VecDeque::new(),
        }
    }

    history_builders!();
}

impl<X: BlockingExecutor + ?Sized> Iterator for HistoryIter<'_, X> {
    type Item = Result<Message, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(message) = self.buffer.pop_front() {
                return Some(Ok(message));
            }
            let request = self.history.next_request()?;
            match self.executor.execute_owned(request) {
                Ok(page) => self.buffer.extend(self.history.handle_page(page)),
                Err(error) => {
                    self.history.finish();
                    return Some(Err(error));
                }
            }
        }
    }
}

impl<X: ?Sized> std::fmt::Debug for HistoryIter<'_, X> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HistoryIter")
            .field("history", &self.history)
            .field("buffered", &self.buffer.len())
            .finish_non_exhaustive()
    }
}
