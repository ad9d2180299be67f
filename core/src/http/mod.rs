//! REST: typed requests, the request pipeline, typed errors, and the retrying [`Call`].
//!
//! ```
//! use stoat_core::auth::Token;
//! use stoat_core::http::{routes::SendMessage, Rest};
//!
//! let rest = Rest::new("https://api.stoat.chat", Some(Token::bot("t")));
//! let channel = "01M7YSZ8V81AWBPFRM30NYSV34".parse().unwrap();
//! let request = rest.prepare(&SendMessage::new(channel, "hello")).unwrap().to_http();
//! assert_eq!(request.method(), "POST");
//! assert_eq!(request.uri().path(), "/channels/01M7YSZ8V81AWBPFRM30NYSV34/messages");
//! assert_eq!(request.body().as_ref(), br#"{"content":"hello"}"#);
//! ```

mod actions;
mod body;
mod call;
mod error;
mod pending;
mod request;
mod rest;
pub mod routes;

pub use body::{ResponseBody, ResponseLimits, DEFAULT_MAX_RESPONSE_BODY};
pub use call::{Call, RetryPolicy, Step};
pub use error::{
    ApiError, BodySnippet, Error, ErrorType, LengthUnit, TransportError, TransportErrorKind,
    UnknownErrorType, ValidationError,
};
pub use pending::Pending;
pub use request::{path, Body, Request, RequestParts, Route, Service};
pub use rest::{parse_error, parse_response, PreparedRequest, Rest, DEFAULT_USER_AGENT};
