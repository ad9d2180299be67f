//! The gateway: a WebSocket session that authenticates, keeps itself alive and reconnects.
//!
//! [`Session`] is a sans-IO state machine. The driver (a runtime adapter, your own event loop,
//! or a test) feeds it what happened — a connection opened, a frame arrived, a deadline passed —
//! and pulls what to do next from [`Session::poll_output`].

mod backoff;
mod close;
mod codec;
mod command;
mod config;
mod event;
mod session;

pub use crate::model::AuthEvent;
pub use backoff::Backoff;
pub use close::{CloseCode, DisconnectCause, Disconnection};
pub use codec::{decode, encode, DecodeError, Decoder, Format, WsMessage, MAX_NESTING};
pub use command::{ClientMessage, Command};
pub use config::{ReadyField, SessionConfig, DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_REMEMBERED_AUTHORS};
pub use event::{Event, EventKind, GatewayError, PingData, Ready, UnknownEvent, MAX_BULK_NESTING};
pub use session::{CloseReason, Output, Session, SessionState};
