//! Servers, categories, system message channels and bans.

use compact_str::CompactString;
use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::user::{set, set_some};
use super::{Channel, FieldsRole, File, MemberId, PartialRole, Permissions, Role, ServerFlags};
use crate::id::{CategoryId, ChannelId, RoleId, ServerId, UserId};

fn is_false(value: &bool) -> bool {
    !*value
}

/// A channel category of a server.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Category {
    /// Category id (1–32 characters, chosen by the client).
    pub id: CategoryId,
    /// Title (1–32 characters).
    pub title: CompactString,
    /// Channels in the category, in order.
    #[serde(default)]
    pub channels: Vec<ChannelId>,
}

impl Category {
    /// A category.
    pub fn new(id: CategoryId, title: impl Into<CompactString>, channels: Vec<ChannelId>) -> Self {
        Self {
            id,
            title: title.into(),
            channels,
        }
    }
}

/// Where the server posts its system messages.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SystemMessageChannels {
    /// Channel for "user joined".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_joined: Option<ChannelId>,
    /// Channel for "user left".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_left: Option<ChannelId>,
    /// Channel for "user kicked".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_kicked: Option<ChannelId>,
    /// Channel for "user banned".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_banned: Option<ChannelId>,
}

impl SystemMessageChannels {
    /// No system messages anywhere; enable them with the builders below.
    pub fn new() -> Self {
        Self::default()
    }

    /// Posts "user joined" to `channel`.
    pub fn user_joined(mut self, channel: ChannelId) -> Self {
        self.user_joined = Some(channel);
        self
    }

    /// Posts "user left" to `channel`.
    pub fn user_left(mut self, channel: ChannelId) -> Self {
        self.user_left = Some(channel);
        self
    }

    /// Posts "user kicked" to `channel`.
    pub fn user_kicked(mut self, channel: ChannelId) -> Self {
        self.user_kicked = Some(channel);
        self
    }

    /// Posts "user banned" to `channel`.
    pub fn user_banned(mut self, channel: ChannelId) -> Self {
        self.user_banned = Some(channel);
        self
    }
}

/// A server (a "guild" elsewhere).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Server {
    /// Server id.
    #[serde(rename = "_id")]
    pub id: ServerId,
    /// Owner.
    pub owner: UserId,
    /// Name.
    pub name: CompactString,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<CompactString>,
    /// Channel ids, in order.
    #[serde(default)]
    pub channels: Vec<ChannelId>,
    /// Categories.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub categories: Option<Vec<Category>>,
    /// System message channels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_messages: Option<Box<SystemMessageChannels>>,
    /// Roles by id.
    #[serde(default, skip_serializing_if = "HashMap::is_empty")]
    pub roles: HashMap<RoleId, Role>,
    /// Default permissions of every member.
    #[serde(default)]
    pub default_permissions: Permissions,
    /// Icon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<Box<File>>,
    /// Banner.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub banner: Option<Box<File>>,
    /// Flags.
    #[serde(default, skip_serializing_if = "ServerFlags::is_empty")]
    pub flags: ServerFlags,
    /// Whether the server is NSFW.
    #[serde(default, skip_serializing_if = "is_false")]
    pub nsfw: bool,
    /// Whether analytics are enabled.
    #[serde(default, skip_serializing_if = "is_false")]
    pub analytics: bool,
    /// Whether the server is listed in discovery.
    #[serde(default, skip_serializing_if = "is_false")]
    pub discoverable: bool,
    /// Approximate member count (cached by the server for an hour).
    #[serde(default)]
    pub approximate_member_count: u64,
}

impl Server {
    /// Applies a partial update (`ServerUpdate`): clears first, then sets.
    pub fn apply(&mut self, data: &PartialServer, clear: &[FieldsServer]) {
        for field in clear {
            match field {
                FieldsServer::Description => self.description = None,
                FieldsServer::Categories => self.categories = None,
                FieldsServer::SystemMessages => self.system_messages = None,
                FieldsServer::Icon => self.icon = None,
                FieldsServer::Banner => self.banner = None,
                FieldsServer::Unknown(_) => {}
            }
        }
        let PartialServer {
            id: _,
            owner,
            name,
            description,
            channels,
            categories,
            system_messages,
            roles,
            default_permissions,
            icon,
            banner,
            flags,
            nsfw,
            analytics,
            discoverable,
            approximate_member_count,
        } = data;
        set(&mut self.owner, owner);
        set(&mut self.name, name);
        set_some(&mut self.description, description);
        set(&mut self.channels, channels);
        set_some(&mut self.categories, categories);
        set_some(&mut self.system_messages, system_messages);
        set(&mut self.roles, roles);
        set(&mut self.default_permissions, default_permissions);
        set_some(&mut self.icon, icon);
        set_some(&mut self.banner, banner);
        set(&mut self.flags, flags);
        set(&mut self.nsfw, nsfw);
        set(&mut self.analytics, analytics);
        set(&mut self.discoverable, discoverable);
        set(&mut self.approximate_member_count, approximate_member_count);
    }

    /// Applies a `ServerRoleUpdate`: updates the role if known, otherwise creates it when
    /// `data` is complete enough ([`Role::from_partial`]). Returns the role as it was.
    pub fn apply_role(
        &mut self,
        role_id: RoleId,
        data: &PartialRole,
        clear: &[FieldsRole],
    ) -> Option<Role> {
        match self.roles.get_mut(&role_id) {
            Some(role) => {
                let before = role.clone();
                role.apply(data, clear);
                Some(before)
            }
            None => {
                if let Some(mut role) = Role::from_partial(role_id, data) {
                    role.apply(&PartialRole::default(), clear);
                    self.roles.insert(role_id, role);
                }
                None
            }
        }
    }

    /// Applies a `ServerRoleRanksUpdate`: each role's rank becomes its index in `ranks`.
    pub fn apply_role_ranks(&mut self, ranks: &[RoleId]) {
        for (rank, id) in ranks.iter().enumerate() {
            if let Some(role) = self.roles.get_mut(id) {
                role.rank = rank as i64;
            }
        }
    }
}

string_enum! {
    /// Server fields that an update can clear.
    pub enum FieldsServer {
        /// Description.
        Description = "Description",
        /// Categories.
        Categories = "Categories",
        /// System message channels.
        SystemMessages = "SystemMessages",
        /// Icon.
        Icon = "Icon",
        /// Banner.
        Banner = "Banner",
    }
}

/// The changed fields of a server (`ServerUpdate.data`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PartialServer {
    /// Server id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<ServerId>,
    /// New owner.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<UserId>,
    /// New name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<CompactString>,
    /// New description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<CompactString>,
    /// New channel list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channels: Option<Vec<ChannelId>>,
    /// New categories.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub categories: Option<Vec<Category>>,
    /// New system message channels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_messages: Option<Box<SystemMessageChannels>>,
    /// New roles (the whole map).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roles: Option<HashMap<RoleId, Role>>,
    /// New default permissions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_permissions: Option<Permissions>,
    /// New icon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<Box<File>>,
    /// New banner.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub banner: Option<Box<File>>,
    /// New flags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flags: Option<ServerFlags>,
    /// New NSFW flag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nsfw: Option<bool>,
    /// New analytics flag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub analytics: Option<bool>,
    /// New discoverable flag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discoverable: Option<bool>,
    /// New member count (never sent in events).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approximate_member_count: Option<u64>,
}

/// A ban (`GET /servers/{id}/bans`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ServerBan {
    /// Server and banned user.
    #[serde(rename = "_id")]
    pub id: MemberId,
    /// Reason given (`null` if none).
    #[serde(default)]
    pub reason: Option<CompactString>,
}

/// A banned user as the ban list shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BannedUser {
    /// User id.
    #[serde(rename = "_id")]
    pub id: UserId,
    /// Username.
    pub username: CompactString,
    /// Discriminator.
    pub discriminator: CompactString,
    /// Avatar (`null` if none).
    #[serde(default)]
    pub avatar: Option<File>,
}

/// `GET /servers/{id}/bans`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BanListResult {
    /// The banned users.
    pub users: Vec<BannedUser>,
    /// The bans.
    pub bans: Vec<ServerBan>,
}

/// `POST /servers/create`: the new server and its channels.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CreateServerLegacyResponse {
    /// The server.
    pub server: Server,
    /// Its channels.
    pub channels: Vec<Channel>,
}
