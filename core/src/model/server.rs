//! Servers.

use serde::{Deserialize, Serialize};

use super::File;
use crate::id::{ChannelId, ServerId, UserId};

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
    pub name: String,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Channel ids, in order.
    #[serde(default)]
    pub channels: Vec<ChannelId>,
    /// Default permission bits for members.
    #[serde(default)]
    pub default_permissions: i64,
    /// Icon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<File>,
    /// Banner.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub banner: Option<File>,
    /// Approximate member count (cached by the server).
    #[serde(default)]
    pub approximate_member_count: u64,
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
    /// New owner.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<UserId>,
    /// New name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// New description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// New channel list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channels: Option<Vec<ChannelId>>,
    /// New default permissions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_permissions: Option<i64>,
    /// New icon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<File>,
    /// New banner.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub banner: Option<File>,
}

impl Server {
    /// Applies a partial update.
    pub fn apply(&mut self, data: &PartialServer, clear: &[FieldsServer]) {
        for field in clear {
            match field {
                FieldsServer::Description => self.description = None,
                FieldsServer::Icon => self.icon = None,
                FieldsServer::Banner => self.banner = None,
                _ => {}
            }
        }
        if let Some(v) = data.owner {
            self.owner = v;
        }
        if let Some(v) = &data.name {
            self.name = v.clone();
        }
        if let Some(v) = &data.description {
            self.description = Some(v.clone());
        }
        if let Some(v) = &data.channels {
            self.channels = v.clone();
        }
        if let Some(v) = data.default_permissions {
            self.default_permissions = v;
        }
        if let Some(v) = &data.icon {
            self.icon = Some(v.clone());
        }
        if let Some(v) = &data.banner {
            self.banner = Some(v.clone());
        }
    }
}
