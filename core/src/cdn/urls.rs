//! Asset URLs.

use crate::http::path;
use crate::id::{EmojiId, UserId};
use crate::model::File;

/// The preview URL of a file: `{autumn}/{tag}/{id}`.
pub fn asset_url(autumn_base: &str, file: &File) -> String {
    format!(
        "{}{}",
        autumn_base.trim_end_matches('/'),
        path(&[&file.tag, file.id.as_str()])
    )
}

/// The original bytes with their file name: `{autumn}/{tag}/{id}/{filename}`.
pub fn original_url(autumn_base: &str, file: &File) -> String {
    format!(
        "{}{}",
        autumn_base.trim_end_matches('/'),
        path(&[&file.tag, file.id.as_str(), &file.filename])
    )
}

/// A custom emoji's image: `{autumn}/emojis/{id}`.
pub fn emoji_url(autumn_base: &str, emoji: EmojiId) -> String {
    format!(
        "{}{}",
        autumn_base.trim_end_matches('/'),
        path(&["emojis", &emoji.to_string()])
    )
}

/// The generated avatar of a user without one: `{api}/users/{id}/default_avatar`.
pub fn default_avatar_url(api_base: &str, user: UserId) -> String {
    format!(
        "{}{}",
        api_base.trim_end_matches('/'),
        path(&["users", &user.to_string(), "default_avatar"])
    )
}
