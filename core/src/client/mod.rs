//! What every runtime adapter's client shares: its configuration, the update it hands to
//! users, its errors, and the runtime-neutral layer built on top of it.
//!
//! Adapters resolve the endpoints ([`ClientConfig::discovery_request`],
//! [`ClientConfig::resolved_endpoints`]), then build a [`Session`](crate::gateway::Session)
//! with [`ClientConfig::session_config`], a [`Rest`](crate::http::Rest) with
//! [`ClientConfig::rest_for`], and a [`Cache`] with [`ClientConfig::new_cache`]; every event
//! the session emits goes through [`dispatch`], then to the [`Standby`](standby::Standby)
//! registry of `wait_for` waiters, then to the user's event stream.
//!
//! | module | what it holds |
//! |---|---|
//! | [`standby`] | the `wait_for` registry: waiters see every event without taking it from the stream |
//! | [`handlers`] | handler-style dispatch per event kind (`@client.on`) |
//! | [`ClientState`] | the cache, status and waiters a runtime's driver and handles share |
//! | [`executor`] | the traits every runtime's handle implements ([`CacheAccess`], [`AsyncExecutor`], [`BlockingExecutor`]) |
//! | [`history`] | walking a channel's messages page by page ([`History`], and the executors' `history(channel)`) |
//! | [`Routes`] | every route as a named method on those handles (`handle.send_message(channel, "hi").await`) |

mod config;
mod error;
pub mod executor;
pub mod handlers;
pub mod history;
mod lookup;
mod routes;
pub mod standby;
mod state;

pub use config::{ClientConfig, Discovery, SessionAdjust};
pub use error::{ConnectError, SessionEnded, WaitError};
pub use executor::{AsyncExecutor, BlockingExecutor, BoxFuture, CacheAccess};
pub use handlers::{AsyncHandlers, BlockingHandlers, HandlerError, HandlerFailure, HandlerResult};
pub use history::{History, HistoryIter, HistoryOrder, HistoryStream};
pub(crate) use routes::route_parsers;
pub use routes::{route_methods, RouteMethod, Routes};
pub use state::{ClientState, Status};

use crate::cache::{Cache, Change};
use crate::gateway::Event;

/// An event together with what it changed in the cache.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Update {
    /// The event.
    pub event: Event,
    /// The cache change, holding the value from before the event.
    pub change: Change,
}

/// Applies `event` to the cache and pairs it with the change.
pub fn dispatch(cache: &mut Cache, event: Event) -> Update {
    let change = cache.apply(&event);
    Update { event, change }
}
