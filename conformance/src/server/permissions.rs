//! Permission calculation (reference §4.13, `crates/core/permissions/src/impl.rs`): the one
//! place every route asks "may this user do that". Server permissions: the owner has
//! everything; a member starts from the server's `default_permissions` and applies each
//! held role's override, lowest priority first (rank descending); then voice and timeout
//! restrictions. Channel permissions add the channel's default and per-role overrides.

use std::collections::HashSet;

use serde_json::Value;

use super::errors::ApiError;
use super::state::State;
use super::wire;

/// `ChannelPermission` bits.
pub(crate) mod bits {
    pub(crate) const MANAGE_CHANNEL: u64 = 1;
    pub(crate) const MANAGE_SERVER: u64 = 1 << 1;
    pub(crate) const MANAGE_PERMISSIONS: u64 = 1 << 2;
    pub(crate) const MANAGE_ROLE: u64 = 1 << 3;
    pub(crate) const MANAGE_CUSTOMISATION: u64 = 1 << 4;
    pub(crate) const KICK_MEMBERS: u64 = 1 << 6;
    pub(crate) const BAN_MEMBERS: u64 = 1 << 7;
    pub(crate) const TIMEOUT_MEMBERS: u64 = 1 << 8;
    pub(crate) const ASSIGN_ROLES: u64 = 1 << 9;
    pub(crate) const CHANGE_NICKNAME: u64 = 1 << 10;
    pub(crate) const MANAGE_NICKNAMES: u64 = 1 << 11;
    pub(crate) const CHANGE_AVATAR: u64 = 1 << 12;
    pub(crate) const REMOVE_AVATARS: u64 = 1 << 13;
    pub(crate) const VIEW_CHANNEL: u64 = 1 << 20;
    pub(crate) const READ_MESSAGE_HISTORY: u64 = 1 << 21;
    pub(crate) const SEND_MESSAGE: u64 = 1 << 22;
    pub(crate) const MANAGE_MESSAGES: u64 = 1 << 23;
    pub(crate) const MANAGE_WEBHOOKS: u64 = 1 << 24;
    pub(crate) const INVITE_OTHERS: u64 = 1 << 25;
    pub(crate) const SEND_EMBEDS: u64 = 1 << 26;
    pub(crate) const UPLOAD_FILES: u64 = 1 << 27;
    pub(crate) const MASQUERADE: u64 = 1 << 28;
    pub(crate) const REACT: u64 = 1 << 29;
    pub(crate) const SPEAK: u64 = 1 << 31;
    pub(crate) const VIDEO: u64 = 1 << 32;
    pub(crate) const MUTE_MEMBERS: u64 = 1 << 33;
    pub(crate) const DEAFEN_MEMBERS: u64 = 1 << 34;
    pub(crate) const LISTEN: u64 = 1 << 36;
    pub(crate) const MENTION_ROLES: u64 = 1 << 38;
}

/// `UserPermission` bits (user → user).
pub(crate) mod user_bits {
    pub(crate) const ACCESS: u64 = 1;
    pub(crate) const VIEW_PROFILE: u64 = 2;
    pub(crate) const SEND_MESSAGE: u64 = 4;
}

/// `ChannelPermission::GrantAllSafe`.
pub(crate) const GRANT_ALL_SAFE: u64 = 0x000F_FFFF_FFFF_FFFF;
/// `ALLOW_IN_TIMEOUT` / `DEFAULT_PERMISSION_VIEW_ONLY`.
const ALLOW_IN_TIMEOUT: u64 = 3_145_728;
const DEFAULT_PERMISSION_DIRECT_MESSAGE: u64 = 77_283_196_929;
/// `DEFAULT_WEBHOOK_PERMISSIONS`: SendMessage, SendEmbeds, Masquerade, React.
pub(crate) const DEFAULT_WEBHOOK_PERMISSIONS: u64 = 876_609_536;

const CHANNEL_NAMES: &[(u64, &str)] = &[
    (1, "ManageChannel"),
    (1 << 1, "ManageServer"),
    (1 << 2, "ManagePermissions"),
    (1 << 3, "ManageRole"),
    (1 << 4, "ManageCustomisation"),
    (1 << 6, "KickMembers"),
    (1 << 7, "BanMembers"),
    (1 << 8, "TimeoutMembers"),
    (1 << 9, "AssignRoles"),
    (1 << 10, "ChangeNickname"),
    (1 << 11, "ManageNicknames"),
    (1 << 12, "ChangeAvatar"),
    (1 << 13, "RemoveAvatars"),
    (1 << 20, "ViewChannel"),
    (1 << 21, "ReadMessageHistory"),
    (1 << 22, "SendMessage"),
    (1 << 23, "ManageMessages"),
    (1 << 24, "ManageWebhooks"),
    (1 << 25, "InviteOthers"),
    (1 << 26, "SendEmbeds"),
    (1 << 27, "UploadFiles"),
    (1 << 28, "Masquerade"),
    (1 << 29, "React"),
    (1 << 30, "Connect"),
    (1 << 31, "Speak"),
    (1 << 32, "Video"),
    (1 << 33, "MuteMembers"),
    (1 << 34, "DeafenMembers"),
    (1 << 35, "MoveMembers"),
    (1 << 36, "Listen"),
    (1 << 37, "MentionEveryone"),
    (1 << 38, "MentionRoles"),
    (1 << 39, "BypassSlowmode"),
    (1 << 40, "ViewAuditLogs"),
    (GRANT_ALL_SAFE, "GrantAllSafe"),
];

/// The name the server puts in `MissingPermission.permission` for a channel permission.
pub(crate) fn name(bit: u64) -> &'static str {
    CHANNEL_NAMES
        .iter()
        .find(|(value, _)| *value == bit)
        .map_or("GrantAllSafe", |(_, name)| name)
}

/// The name of a user permission.
fn user_name(bit: u64) -> &'static str {
    match bit {
        user_bits::ACCESS => "Access",
        user_bits::VIEW_PROFILE => "ViewProfile",
        user_bits::SEND_MESSAGE => "SendMessage",
        _ => "Invite",
    }
}

fn as_u64(value: Option<&Value>) -> u64 {
    value
        .and_then(|v| v.as_u64().or_else(|| v.as_i64().map(|n| n as u64)))
        .unwrap_or(0)
}

/// An `Override` as `(allow, deny)`, from an `OverrideField` (`{"a","d"}`).
pub(crate) fn override_of(field: Option<&Value>) -> Option<(u64, u64)> {
    let field = field?;
    Some((as_u64(field.get("a")), as_u64(field.get("d"))))
}

fn apply(perms: u64, over: Option<&Value>) -> u64 {
    match override_of(over) {
        Some((allow, deny)) => (perms | allow) & !deny,
        None => perms,
    }
}

/// Which roles a calculation may use: all of them, or only those a bonfire cache knows.
pub(crate) type RoleFilter<'a> = Option<&'a HashSet<String>>;

/// Roles held by `user` in `server`, as `(rank, role id)` sorted by rank descending (the
/// order overrides are applied in, so the lowest rank number wins).
fn held_roles(
    state: &State,
    server: &Value,
    server_id: &str,
    user: &str,
    filter: RoleFilter<'_>,
) -> Vec<(i64, String)> {
    let Some(member) = state.member(server_id, user) else {
        return Vec::new();
    };
    let mut roles: Vec<(i64, String)> = member
        .roles
        .iter()
        .filter(|id| filter.is_none_or(|known| known.contains(*id)))
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

/// Voice and timeout restrictions applied last, for members.
fn restrict(state: &State, server_id: &str, user: &str, mut perms: u64) -> u64 {
    if let Some(member) = state.member(server_id, user) {
        if !member.can_publish {
            perms &= !(bits::SPEAK | bits::VIDEO);
        }
        if !member.can_receive {
            perms &= !bits::LISTEN;
        }
    }
    if timed_out(state, server_id, user) {
        perms &= ALLOW_IN_TIMEOUT;
    }
    perms
}

/// Whether `user` owns the server.
pub(crate) fn is_owner(state: &State, server_id: &str, user: &str) -> bool {
    state
        .servers
        .get(server_id)
        .is_some_and(|s| wire::str_field(s, "owner") == Some(user))
}

/// Server-level permissions of `user` (`calculate_server_permissions`).
pub(crate) fn server_permissions(state: &State, server_id: &str, user: &str) -> u64 {
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
    for (_, role) in held_roles(state, server, server_id, user, None) {
        perms = apply(
            perms,
            server
                .get("roles")
                .and_then(|r| r.get(&role))
                .and_then(|r| r.get("permissions")),
        );
    }
    restrict(state, server_id, user, perms)
}

/// Channel-level permissions of `user`.
pub(crate) fn channel_permissions(state: &State, channel_id: &str, user: &str) -> u64 {
    channel_permissions_with(state, channel_id, user, None)
}

/// Channel-level permissions of `user`, using only the roles `filter` lets through.
pub(crate) fn channel_permissions_with(
    state: &State,
    channel_id: &str,
    user: &str,
    filter: RoleFilter<'_>,
) -> u64 {
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
            let roles = held_roles(state, server, server_id, user, filter);
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
            perms = restrict(state, server_id, user, perms);
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
        Some("DirectMessage") if is_recipient(channel, user) => {
            let other = channel
                .get("recipients")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .find(|r| *r != user)
                .unwrap_or(user);
            if user_permissions(state, user, other) & user_bits::SEND_MESSAGE != 0 {
                DEFAULT_PERMISSION_DIRECT_MESSAGE
            } else {
                ALLOW_IN_TIMEOUT
            }
        }
        _ => 0,
    }
}

fn is_recipient(channel: &Value, user: &str) -> bool {
    channel
        .get("recipients")
        .and_then(Value::as_array)
        .is_some_and(|r| r.iter().any(|id| id.as_str() == Some(user)))
}

fn is_bot(state: &State, user: &str) -> bool {
    state.users.get(user).is_some_and(|u| u.bot_owner.is_some())
}

/// User-to-user permissions of `user` towards `target` (`calculate_user_permissions`).
pub(crate) fn user_permissions(state: &State, user: &str, target: &str) -> u64 {
    if user == target {
        return u64::MAX;
    }
    let mut perms = 0;
    match state.relationship(user, target).as_str() {
        "Friend" => return u64::MAX,
        "Blocked" | "BlockedOther" => return user_bits::ACCESS,
        "Incoming" | "Outgoing" => perms = user_bits::ACCESS,
        _ => {}
    }
    let mutual_server = state
        .servers
        .keys()
        .any(|s| state.member(s, user).is_some() && state.member(s, target).is_some());
    let mutual_channel = state.channels.values().any(|c| {
        matches!(
            wire::str_field(c, "channel_type"),
            Some("Group" | "DirectMessage")
        ) && is_recipient(c, user)
            && is_recipient(c, target)
    });
    if mutual_server || mutual_channel {
        perms = user_bits::ACCESS | user_bits::VIEW_PROFILE;
        if is_bot(state, user) || is_bot(state, target) {
            perms |= user_bits::SEND_MESSAGE;
        }
    }
    perms
}

/// Whether `user` can see `channel` at all.
pub(crate) fn can_view(state: &State, channel_id: &str, user: &str) -> bool {
    channel_permissions(state, channel_id, user) & bits::VIEW_CHANNEL != 0
}

fn check(perms: u64, bit: u64) -> Result<(), ApiError> {
    if perms & bit == bit {
        Ok(())
    } else {
        Err(ApiError::missing_permission(name(bit)))
    }
}

/// `Ok` if `user` holds `bit` in the channel, else `MissingPermission`.
pub(crate) fn require_channel(
    state: &State,
    channel_id: &str,
    user: &str,
    bit: u64,
) -> Result<(), ApiError> {
    check(channel_permissions(state, channel_id, user), bit)
}

/// `Ok` if `user` holds `bit` in the server, else `MissingPermission`.
pub(crate) fn require_server(
    state: &State,
    server_id: &str,
    user: &str,
    bit: u64,
) -> Result<(), ApiError> {
    check(server_permissions(state, server_id, user), bit)
}

/// `Ok` if a permission value holds `bit` (webhook permissions, precomputed values).
pub(crate) fn require_value(perms: u64, bit: u64) -> Result<(), ApiError> {
    check(perms, bit)
}

/// `Ok` if `user` holds the user permission `bit` towards `target`.
pub(crate) fn require_user(
    state: &State,
    user: &str,
    target: &str,
    bit: u64,
) -> Result<(), ApiError> {
    if user_permissions(state, user, target) & bit == bit {
        Ok(())
    } else {
        Err(ApiError::missing_user_permission(user_name(bit)))
    }
}

/// A member's ranking: the lowest `rank` among its roles, `i64::MAX` without roles.
pub(crate) fn ranking(state: &State, server_id: &str, user: &str) -> i64 {
    let Some(server) = state.servers.get(server_id) else {
        return i64::MAX;
    };
    state
        .member(server_id, user)
        .map(|m| {
            m.roles
                .iter()
                .filter_map(|id| server.get("roles")?.get(id)?.get("rank")?.as_i64())
                .min()
                .unwrap_or(i64::MAX)
        })
        .unwrap_or(i64::MAX)
}

/// The acting user's rank as the routes see it (`query.get_member_rank()`): the owner's
/// member row is never loaded, so the owner outranks everything (`i64::MIN`).
pub(crate) fn acting_rank(state: &State, server_id: &str, user: &str) -> i64 {
    if is_owner(state, server_id, user) || state.member(server_id, user).is_none() {
        i64::MIN
    } else {
        ranking(state, server_id, user)
    }
}

const OVERRIDE: &str = "crates/core/permissions/src/models/mod.rs:106:28";
const OVERRIDE_NEW: &str = "crates/core/permissions/src/models/mod.rs:109:24";

/// `throw_permission_override`: one may only grant, or stop denying, what one holds.
pub(crate) fn check_override(
    perms: u64,
    current: Option<(u64, u64)>,
    next: (u64, u64),
) -> Result<(), ApiError> {
    let (allow, deny) = next;
    match current {
        Some((current_allow, current_deny)) => {
            let added = !current_allow & allow;
            let undenied = current_deny & !deny;
            if perms & added != added || perms & undenied != undenied {
                return Err(ApiError::new("CannotGiveMissingPermissions", OVERRIDE));
            }
        }
        None => {
            if perms & allow != allow {
                return Err(ApiError::new("CannotGiveMissingPermissions", OVERRIDE_NEW));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_overrides() {
        assert_eq!(name(bits::MANAGE_WEBHOOKS), "ManageWebhooks");
        assert_eq!(name(bits::MANAGE_CUSTOMISATION), "ManageCustomisation");
        assert_eq!(name(bits::KICK_MEMBERS), "KickMembers");
        assert!(check_override(GRANT_ALL_SAFE, None, (8, 0)).is_ok());
        let err = check_override(0, None, (8, 0)).unwrap_err();
        assert_eq!(err.body["type"], "CannotGiveMissingPermissions");
        // Removing a deny one does not hold is also a grant.
        assert!(check_override(0, Some((0, 8)), (0, 0)).is_err());
        assert!(check_override(0, Some((8, 0)), (0, 8)).is_ok());
    }
}
