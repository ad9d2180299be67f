//! Permission calculation, as the server does it (reference §4.13).
//!
//! Pure functions over cached objects. `now` is an argument (a member's timeout depends on
//! it); nothing here reads the clock.

use std::collections::HashMap;

use crate::id::{RoleId, UserId};
use crate::model::{
    Channel, Member, OverrideField, Permissions, RelationshipStatus, Server, Timestamp, User,
};

/// What a member may do server-wide.
///
/// The owner (and privileged staff) get everything safe to grant; everyone else starts from
/// the server's default permissions and applies each held role's override, lowest priority
/// (highest rank number) first. Voice mutes and timeouts restrict the result.
pub fn server_permissions(
    server: &Server,
    member: &Member,
    user: Option<&User>,
    now: Timestamp,
) -> Permissions {
    if member.id.user == server.owner || user.is_some_and(|u| u.privileged) {
        return Permissions::GRANT_ALL_SAFE;
    }
    let mut permissions = server.default_permissions;
    for role in held_roles_by_rank(server, &member.roles) {
        permissions = server.roles[&role].permissions.apply(permissions);
    }
    restrict_for_member(permissions, member, now)
}

/// What a user may do in a channel.
///
/// * `server` and `member` are needed for server channels (`None` for a non-member: nothing).
/// * `user` is the user whose permissions are computed, `other` the other party of a DM as
///   cached from the user's perspective (its `relationship` decides whether messages may be
///   sent).
pub fn channel_permissions(
    channel: &Channel,
    user: UserId,
    server: Option<&Server>,
    member: Option<&Member>,
    privileged: bool,
    other: Option<&User>,
    now: Timestamp,
) -> Permissions {
    if privileged {
        return Permissions::GRANT_ALL_SAFE;
    }
    match channel {
        Channel::SavedMessages { user: owner, .. } => {
            if *owner == user {
                Permissions::DEFAULT_SAVED_MESSAGES
            } else {
                Permissions::empty()
            }
        }
        Channel::DirectMessage { recipients, .. } => {
            if !recipients.contains(&user) {
                return Permissions::empty();
            }
            let may_message = other.is_some_and(|other| match other.relationship {
                RelationshipStatus::Friend => true,
                RelationshipStatus::Blocked | RelationshipStatus::BlockedOther => false,
                // A DM exists, so there is a mutual connection; bots may be messaged.
                _ => other.bot.is_some(),
            });
            if may_message {
                Permissions::DEFAULT_DIRECT_MESSAGE
            } else {
                Permissions::DEFAULT_VIEW_ONLY
            }
        }
        Channel::Group {
            owner,
            recipients,
            permissions,
            ..
        } => {
            if *owner == user {
                Permissions::GRANT_ALL_SAFE
            } else if recipients.contains(&user) {
                Permissions::DEFAULT_VIEW_ONLY
                    | permissions.unwrap_or(Permissions::DEFAULT_DIRECT_MESSAGE)
            } else {
                Permissions::empty()
            }
        }
        Channel::TextChannel {
            default_permissions,
            role_permissions,
            ..
        }
        | Channel::VoiceChannel {
            default_permissions,
            role_permissions,
            ..
        } => {
            let (Some(server), Some(member)) = (server, member) else {
                return Permissions::empty();
            };
            if member.id.user == server.owner {
                return Permissions::GRANT_ALL_SAFE;
            }
            server_channel_permissions(server, member, *default_permissions, role_permissions, now)
        }
        _ => Permissions::empty(),
    }
}

fn server_channel_permissions(
    server: &Server,
    member: &Member,
    default_override: Option<OverrideField>,
    role_overrides: &HashMap<RoleId, OverrideField>,
    now: Timestamp,
) -> Permissions {
    let roles = held_roles_by_rank(server, &member.roles);
    let mut permissions = server.default_permissions;
    if let Some(field) = default_override {
        permissions = field.apply(permissions);
    }
    for role in &roles {
        permissions = server.roles[role].permissions.apply(permissions);
    }
    for role in &roles {
        if let Some(field) = role_overrides.get(role) {
            permissions = field.apply(permissions);
        }
    }
    let permissions = restrict_for_member(permissions, member, now);
    if permissions.contains(Permissions::VIEW_CHANNEL) {
        permissions
    } else {
        Permissions::empty()
    }
}

/// The member's roles that the server knows, highest rank number first, so that the most
/// important role (rank 0) is applied last and wins.
fn held_roles_by_rank(server: &Server, held: &[RoleId]) -> Vec<RoleId> {
    let mut roles: Vec<(i64, RoleId)> = held
        .iter()
        .filter_map(|id| server.roles.get(id).map(|role| (role.rank, *id)))
        .collect();
    roles.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)));
    roles.into_iter().map(|(_, id)| id).collect()
}

fn restrict_for_member(
    mut permissions: Permissions,
    member: &Member,
    now: Timestamp,
) -> Permissions {
    if !member.can_publish {
        permissions.remove(Permissions::SPEAK | Permissions::VIDEO);
    }
    if !member.can_receive {
        permissions.remove(Permissions::LISTEN);
    }
    if member.timeout.is_some_and(|until| until > now) {
        permissions &= Permissions::ALLOW_IN_TIMEOUT;
    }
    permissions
}
