//! One typed request per API route, grouped as the API is.

mod channels;
mod messages;
mod root;
mod users;

pub use channels::FetchChannel;
pub use messages::{
    BulkMessages, DeleteMessage, EditMessage, FetchMessages, MessageSort, SendMessage,
    MAX_CONTENT_BYTES, MAX_REPLIES,
};
pub use root::FetchInstance;
pub use users::{FetchSelf, FetchUser};
