//! Database lookups every area does (`Reference::as_*`), each with the `NotFound` location
//! of the reference database the captures were recorded against.

use serde_json::Value;

use crate::server::errors::ApiError;
use crate::server::state::{MemberRecord, State};

pub(crate) const SERVER_NOT_FOUND: &str =
    "crates/core/database/src/models/servers/ops/reference.rs:27:28";
pub(crate) const CHANNEL_NOT_FOUND: &str =
    "crates/core/database/src/models/channels/ops/reference.rs:29:28";
pub(crate) const MEMBER_NOT_FOUND: &str =
    "crates/core/database/src/models/server_members/ops/reference.rs:30:28";
pub(crate) const USER_NOT_FOUND: &str =
    "crates/core/database/src/models/users/ops/reference.rs:27:28";
pub(crate) const EMOJI_NOT_FOUND: &str =
    "crates/core/database/src/models/emojis/ops/reference.rs:28:28";
pub(crate) const INVITE_NOT_FOUND: &str =
    "crates/core/database/src/models/channel_invites/ops/reference.rs:27:28";
pub(crate) const WEBHOOK_NOT_FOUND: &str =
    "crates/core/database/src/models/channel_webhooks/ops/reference.rs:27:28";
pub(crate) const BOT_NOT_FOUND: &str =
    "crates/core/database/src/models/bots/ops/reference.rs:24:45";
pub(crate) const BAN_NOT_FOUND: &str =
    "crates/core/database/src/models/server_bans/ops/reference.rs:30:28";
pub(crate) const MESSAGE_NOT_FOUND: &str =
    "crates/core/database/src/models/messages/ops/reference.rs:33:28";
/// `find_and_use_attachment`: a file of another tag (or, here, one already used).
pub(crate) const FILE_UNUSABLE: &str =
    "crates/core/database/src/models/files/ops/reference.rs:87:21";
/// `find_and_use_attachment`: no such file.
pub(crate) const FILE_NOT_FOUND: &str =
    "crates/core/database/src/models/files/ops/reference.rs:90:17";

/// A server by id (membership is not checked).
pub(crate) fn server(state: &State, id: &str) -> Result<Value, ApiError> {
    state
        .servers
        .get(id)
        .cloned()
        .ok_or_else(|| ApiError::not_found(SERVER_NOT_FOUND))
}

/// A channel by id (visibility is not checked).
pub(crate) fn channel(state: &State, id: &str) -> Result<Value, ApiError> {
    state
        .channels
        .get(id)
        .cloned()
        .ok_or_else(|| ApiError::not_found(CHANNEL_NOT_FOUND))
}

/// A member row.
pub(crate) fn member(state: &State, server: &str, user: &str) -> Result<MemberRecord, ApiError> {
    state
        .member(server, user)
        .cloned()
        .ok_or_else(|| ApiError::not_found(MEMBER_NOT_FOUND))
}

/// That a user exists.
pub(crate) fn user_exists(state: &State, id: &str) -> Result<(), ApiError> {
    if state.users.contains_key(id) {
        Ok(())
    } else {
        Err(ApiError::not_found(USER_NOT_FOUND))
    }
}

/// Uses an uploaded file once for `tag` (`find_and_use_attachment`): unknown, of another
/// tag or already used → `NotFound`. Returns the `File` object.
pub(crate) fn use_file(state: &mut State, id: &str, tag: &str) -> Result<Value, ApiError> {
    let Some(file) = state.files.get_mut(id) else {
        return Err(ApiError::not_found(FILE_NOT_FOUND));
    };
    if file.tag != tag || file.used {
        return Err(ApiError::not_found(FILE_UNUSABLE));
    }
    file.used = true;
    Ok(file.render())
}

/// Checks that a file could be used for `tag`, without using it.
pub(crate) fn check_file(state: &State, id: &str, tag: &str) -> Result<(), ApiError> {
    match state.files.get(id) {
        None => Err(ApiError::not_found(FILE_NOT_FOUND)),
        Some(file) if file.tag != tag || file.used => Err(ApiError::not_found(FILE_UNUSABLE)),
        Some(_) => Ok(()),
    }
}
