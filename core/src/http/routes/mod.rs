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

use super::{Request, Route};

macro_rules! registry {
    ($($ty:ty),* $(,)?) => {
        /// Every typed request with its route, for tooling and the route-table test.
        pub fn all() -> Vec<(&'static str, Route)> {
            vec![$((stringify!($ty), <$ty as Request>::ROUTE)),*]
        }
    };
}

registry![
    FetchInstance,
    FetchSelf,
    FetchUser,
    FetchChannel,
    FetchMessages,
    SendMessage,
    EditMessage,
    DeleteMessage,
];
