//! The file server (autumn): uploads and asset URLs.
//!
//! Model values know their asset URLs: `user.avatar_url(&endpoints)`,
//! `server.icon_url(&endpoints)`, `emoji.url(&endpoints)`, `file.url(&endpoints)`, ...
//!
//! Files are uploaded to a tag (bucket) first; the returned id then goes into a REST body
//! (message `attachments`, an `avatar`, an emoji's path, ...).
//!
//! ```
//! use stoat_core::cdn::{Tag, Upload};
//! use stoat_core::http::Rest;
//! use stoat_core::Token;
//!
//! let rest = Rest::new("https://api.stoat.chat", Some(Token::bot("t")))
//!     .with_autumn_base("https://cdn.stoatusercontent.com");
//! let upload = Upload::new(Tag::Attachments, "notes.txt", "text/plain", b"hello".to_vec()).unwrap();
//! let request = rest.prepare(&upload).unwrap().to_http();
//! assert_eq!(request.uri(), "https://cdn.stoatusercontent.com/attachments");
//! assert!(request.headers()["content-type"].to_str().unwrap().starts_with("multipart/form-data; boundary="));
//!
//! // Too large for the tag: rejected before anything is sent.
//! assert!(Upload::new(Tag::Emojis, "big.png", "image/png", vec![0; 500_001]).is_err());
//! ```

mod assets;
mod multipart;
mod upload;
mod urls;

pub use upload::{Tag, Upload, UploadedFile};
pub use urls::{asset_url, default_avatar_url, emoji_url, original_url};
