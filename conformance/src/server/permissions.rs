//! Permission calculation for server channels (reference §4.13), enough for the routes the
//! fake serves.

use serde_json::Value;

use super::errors::ApiError;
use super::state::State;
use super::wire;

/// `ChannelPermission` bits the fake checks.
pub(crate) mod bits {
    pub(crate) const MANAGE_CHANNEL: u64 = 1;
    pub(crate) const MANAGE_SERVER: u64 = 1 << 1;
    pub(crate) const VIEW_CHANNEL: u64 = 1 << 20;
    pub(crate) const READ_MESSAGE_HISTORY: u64 = 1 << 21;
    pub(crate) const SEND_MESSAGE: u64 = 1 << 22;
    pub(crate) const MANAGE_MESSAGES: u64 = 1 << 23;
    pub(crate) const SEND_EMBEDS: u64 = 1 << 26;
    pub(crate) const UPLOAD_FILES: u64 = 1 << 27;
    pub(crate) const MASQUERADE: u64 = 1 << 28;
    pub(crate) const REACT: u64 = 1 << 29;
    pub(crate) const MENTION_ROLES: u64 = 1 << 38;
}

const GRANT_ALL_SAFE: u64 = 0x000F_FFFF_FFFF_FFFF;
const ALLOW_IN_TIMEOUT: u64 = 3_145_728;
const DEFAULT_PERMISSION_DIRECT_MESSAGE: u64 = 77_283_196_929;

/// The name the server puts in `MissingPermission.permission`.
pub(crate) fn name(bit: u64) -> &'static str {
    match bit {
        bits::MANAGE_CHANNEL => "ManageChannel",
        bits::MANAGE_SERVER => "ManageServer",
        bits::VIEW_CHANNEL => "ViewChannel",
        bits::READ_MESSAGE_HISTORY => "ReadMessageHistory",
        bits::SEND_MESSAGE => "SendMessage",
        bits::MANAGE_MESSAGES => "ManageMessages",
        bits::SEND_EMBEDS => "SendEmbeds",
        bits::UPLOAD_FILES => "UploadFiles",
        bits::MASQUERADE => "Masquerade",
        bits::REACT => "React",
        bits::MENTION_ROLES => "MentionRoles",
        _ => "GrantAllSafe",
    }
}

fn as_u64(value: Option<&Value>) -> u64 {
    value
        .and_then(|v| v.as_u64().or_else(|| v.as_i64().map(|n| n as u64)))
        .unwrap_or(0)
}

fn apply(perms: u64, over: Option<&Value>) -> u64 {
    match over {
        Some(over) => (perms | as_u64(over.get("a"))) & !as_u64(over.get("d")),
        None => perms,
    }
}

/// Roles held by `user` in `server`, as `(rank, role id)` sorted by rank descending (the
/// order overrides are applied in, so the lowest rank number wins).
fn held_roles(state: &State, server: &Value, server_id: &str, user: &str) -> Vec<(i64, String)> {
    let Some(member) = state.member(server_id, user) else {
        return Vec::new();
    };
    let mut roles: Vec<(i64, String)> = member
        .roles
        .iter()
        .filter_map(|id| {
            let role = server.get("roles")?.get(id)?;
            Some((
                role.get("rank").and_then(Value::as_i64).unwrap_or(0),
                id.clone(),
            ))
        })
        .collect();
    roles.sort_by_key(|role| std::cmp::Reverse(role.0));
    roles
}

fn timed_out(state: &State, server_id: &str, user: &str) -> bool {
    state
        .member(server_id, user)
        .and_then(|m| m.timeout.as_deref())
        .and_then(wire::parse_timestamp_ms)
        .is_some_and(|until| until > wire::unix_now_ms())
}

/// Channel-level permissions of `user`.
pub(crate) fn channel_permissions(state: &State, channel_id: &str, user: &str) -> u64 {
    let Some(channel) = state.channels.get(channel_id) else {
        return 0;
    };
    match wire::str_field(channel, "channel_type") {
        Some("TextChannel") => {
            let Some(server_id) = wire::str_field(channel, "server") else {
                return 0;
            };
            let Some(server) = state.servers.get(server_id) else {
                return 0;
            };
            if wire::str_field(server, "owner") == Some(user) {
                return GRANT_ALL_SAFE;
            }
            if state.member(server_id, user).is_none() {
                return 0;
            }
            let mut perms = as_u64(server.get("default_permissions"));
            perms = apply(perms, channel.get("default_permissions"));
            let roles = held_roles(state, server, server_id, user);
            for (_, role) in &roles {
                perms = apply(
                    perms,
                    server
                        .get("roles")
                        .and_then(|r| r.get(role))
                        .and_then(|r| r.get("permissions")),
                );
            }
            for (_, role) in &roles {
                perms = apply(
                    perms,
                    channel.get("role_permissions").and_then(|r| r.get(role)),
                );
            }
            if timed_out(state, server_id, user) {
                perms &= ALLOW_IN_TIMEOUT;
            }
            if perms & bits::VIEW_CHANNEL == 0 {
                0
            } else {
                perms
            }
        }
        Some("SavedMessages") if wire::str_field(channel, "user") == Some(user) => GRANT_ALL_SAFE,
        Some("Group") => {
            if wire::str_field(channel, "owner") == Some(user) {
                GRANT_ALL_SAFE
            } else if is_recipient(channel, user) {
                ALLOW_IN_TIMEOUT
                    | channel
                        .get("permissions")
                        .and_then(Value::as_u64)
                        .unwrap_or(DEFAULT_PERMISSION_DIRECT_MESSAGE)
            } else {
                0
            }
        }
        Some("DirectMessage") if is_recipient(channel, user) => DEFAULT_PERMISSION_DIRECT_MESSAGE,
        _ => 0,
    }
}

fn is_recipient(channel: &Value, user: &str) -> bool {
    channel
        .get("recipients")
        .and_then(Value::as_array)
        .is_some_and(|r| r.iter().any(|id| id.as_str() == Some(user)))
}

/// Whether `user` can see `channel` at all.
pub(crate) fn can_view(state: &State, channel_id: &str, user: &str) -> bool {
    channel_permissions(state, channel_id, user) & bits::VIEW_CHANNEL != 0
}

/// `Ok` if `user` holds `bit` in the channel, else `MissingPermission`.
pub(crate) fn require_channel(
    state: &State,
    channel_id: &str,
    user: &str,
    bit: u64,
) -> Result<(), ApiError> {
    if channel_permissions(state, channel_id, user) & bit == bit {
        Ok(())
    } else {
        Err(ApiError::missing_permission(name(bit)))
    }
}
