//! Server roles.

use compact_str::CompactString;
use serde::{Deserialize, Serialize};

use super::user::{set, set_some};
use super::{File, OverrideField};
use crate::id::{RoleId, UserId};

fn is_false(value: &bool) -> bool {
    !*value
}

/// A server role.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Role {
    /// Role id.
    #[serde(rename = "_id")]
    pub id: RoleId,
    /// Name.
    pub name: CompactString,
    /// Permission override applied to holders.
    pub permissions: OverrideField,
    /// Name colour (any CSS colour, including gradients).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub colour: Option<CompactString>,
    /// Whether holders are shown separately in the member list.
    #[serde(default, skip_serializing_if = "is_false")]
    pub hoist: bool,
    /// Rank: **lower is higher** (0 is the top role).
    #[serde(default)]
    pub rank: i64,
    /// Role icon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<Box<File>>,
    /// The bot that manages this role (revolt-models 0.16.2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<UserId>,
}

impl Role {
    /// Builds a role from a `ServerRoleUpdate` that creates it: `None` unless `data`
    /// carries at least a name and permissions.
    pub fn from_partial(id: RoleId, data: &PartialRole) -> Option<Self> {
        Some(Self {
            id,
            name: data.name.clone()?,
            permissions: data.permissions?,
            colour: data.colour.clone(),
            hoist: data.hoist.unwrap_or(false),
            rank: data.rank.unwrap_or(0),
            icon: data.icon.clone(),
            owner: data.owner,
        })
    }

    /// Applies a partial update (`ServerRoleUpdate`): clears first, then sets.
    pub fn apply(&mut self, data: &PartialRole, clear: &[FieldsRole]) {
        for field in clear {
            match field {
                FieldsRole::Colour => self.colour = None,
                FieldsRole::Icon => self.icon = None,
                FieldsRole::Unknown(_) => {}
            }
        }
        let PartialRole {
            id: _,
            name,
            permissions,
            colour,
            hoist,
            rank,
            icon,
            owner,
        } = data;
        set(&mut self.name, name);
        set(&mut self.permissions, permissions);
        set_some(&mut self.colour, colour);
        set(&mut self.hoist, hoist);
        set(&mut self.rank, rank);
        set_some(&mut self.icon, icon);
        set_some(&mut self.owner, owner);
    }
}

string_enum! {
    /// Role fields that an update can clear.
    pub enum FieldsRole {
        /// Colour.
        Colour = "Colour",
        /// Icon.
        Icon = "Icon",
    }
}

/// The changed fields of a role (`ServerRoleUpdate.data`). A role creation sends every
/// field of the new role here.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PartialRole {
    /// Role id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<RoleId>,
    /// New name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<CompactString>,
    /// New permissions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions: Option<OverrideField>,
    /// New colour.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub colour: Option<CompactString>,
    /// New hoist flag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hoist: Option<bool>,
    /// New rank.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rank: Option<i64>,
    /// New icon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<Box<File>>,
    /// New managing bot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<UserId>,
}

/// `POST /servers/{id}/roles`: the new role and its id.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NewRoleResponse {
    /// Role id.
    pub id: RoleId,
    /// The role.
    pub role: Role,
}
