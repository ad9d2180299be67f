//! `/servers/{id}/roles` and `/servers/{id}/permissions/{role}` routes.

use http::Method;
use serde::Serialize;

use super::edit::{Edit, JsonBody};
use super::validate;
use crate::http::{path, Body, Request, RequestParts, Route, ValidationError};
use crate::id::{FileId, RoleId, ServerId};
use crate::model::{FieldsRole, NewRoleResponse, Override, Permissions, Role, Server};

/// `POST /servers/{id}/roles`: creates a role (ranked below every existing role).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CreateRole {
    /// The server.
    #[serde(skip)]
    pub server: ServerId,
    /// Name (1–32 characters).
    pub name: String,
    /// `X-Audit-Log-Reason`.
    #[serde(skip)]
    pub reason: Option<String>,
}

builders! {
impl CreateRole {
    /// A role called `name` in `server`.
    pub fn new(server: ServerId, name: impl Into<String>) -> Self {
        Self {
            server,
            name: name.into(),
            reason: None,
        }
    }

    /// Records a reason in the server's audit log.
    pub fn reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }
}
}

impl Request for CreateRole {
    type Output = NewRoleResponse;
    const ROUTE: Route = Route::api(Method::POST, "/servers/{target}/roles");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        validate::name("name", &self.name)?;
        validate::audit_log_reason(self.reason.as_deref())?;
        Ok(Self::ROUTE
            .parts(path(&["servers", &self.server.to_string(), "roles"]))
            .body(Body::json(self)?)
            .audit_log_reason(self.reason.clone()))
    }
}

request! {
    /// `GET /servers/{id}/roles/{role}`: a role.
    pub struct FetchRole {
        /// The server.
        server: ServerId,
        /// The role.
        role: RoleId,
    }
    GET "/servers/{target}/roles/{role_id}" ["servers", server, "roles", role] => Role;
}

request! {
    /// `DELETE /servers/{id}/roles/{role}`: deletes a role.
    pub struct DeleteRole {
        /// The server.
        server: ServerId,
        /// The role.
        role: RoleId,
    }
    DELETE "/servers/{target}/roles/{role_id}" ["servers", server, "roles", role] => (),
        audit_log_reason;
}

/// `PATCH /servers/{id}/roles/{role}`: edits a role (reorder roles with
/// [`EditRoleRanks`]).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct EditRole {
    /// The server.
    pub server: ServerId,
    /// The role.
    pub role: RoleId,
    /// New name (1–32 characters).
    pub name: Option<String>,
    /// Colour: any CSS colour, 1–128 characters.
    pub colour: Edit<String>,
    /// Whether holders are listed separately.
    pub hoist: Option<bool>,
    /// Icon: an uploaded file id (tag `icons`).
    pub icon: Edit<FileId>,
    /// `X-Audit-Log-Reason`.
    pub reason: Option<String>,
}

builders! {
impl EditRole {
    /// An edit of `role` that changes nothing yet.
    pub fn new(server: ServerId, role: RoleId) -> Self {
        Self {
            server,
            role,
            name: None,
            colour: Edit::Unchanged,
            hoist: None,
            icon: Edit::Unchanged,
            reason: None,
        }
    }

    /// Renames the role.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Sets the colour.
    pub fn colour(mut self, colour: impl Into<String>) -> Self {
        self.colour = Edit::Set(colour.into());
        self
    }

    /// Removes the colour.
    pub fn clear_colour(mut self) -> Self {
        self.colour = Edit::Clear;
        self
    }

    /// Lists holders separately or not.
    pub fn hoist(mut self, hoist: bool) -> Self {
        self.hoist = Some(hoist);
        self
    }

    /// Sets the icon to an uploaded file.
    pub fn icon(mut self, file: FileId) -> Self {
        self.icon = Edit::Set(file);
        self
    }

    /// Removes the icon.
    pub fn clear_icon(mut self) -> Self {
        self.icon = Edit::Clear;
        self
    }

    /// Records a reason in the server's audit log.
    pub fn reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }
}
}

impl Request for EditRole {
    type Output = Role;
    const ROUTE: Route = Route::api(Method::PATCH, "/servers/{target}/roles/{role_id}");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        if let Some(name) = &self.name {
            validate::name("name", name)?;
        }
        if let Some(colour) = self.colour.as_set() {
            validate::colour("colour", colour)?;
        }
        validate::audit_log_reason(self.reason.as_deref())?;
        let mut body = JsonBody::<FieldsRole>::new();
        body.opt("name", &self.name)?
            .edit("colour", &self.colour, FieldsRole::Colour)?
            .opt("hoist", &self.hoist)?
            .edit("icon", &self.icon, FieldsRole::Icon)?;
        Ok(Self::ROUTE
            .parts(path(&[
                "servers",
                &self.server.to_string(),
                "roles",
                &self.role.to_string(),
            ]))
            .body(body.finish()?)
            .audit_log_reason(self.reason.clone()))
    }
}

/// `PATCH /servers/{id}/roles/ranks`: reorders the roles. List **every** role, highest
/// first (index 0 is rank 0, the top).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct EditRoleRanks {
    /// The server.
    #[serde(skip)]
    pub server: ServerId,
    /// Every role id, highest first.
    pub ranks: Vec<RoleId>,
    /// `X-Audit-Log-Reason`.
    #[serde(skip)]
    pub reason: Option<String>,
}

builders! {
impl EditRoleRanks {
    /// Orders `server`'s roles as `ranks` (highest first).
    pub fn new(server: ServerId, ranks: Vec<RoleId>) -> Self {
        Self {
            server,
            ranks,
            reason: None,
        }
    }

    /// Records a reason in the server's audit log.
    pub fn reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }
}
}

impl Request for EditRoleRanks {
    type Output = Server;
    const ROUTE: Route = Route::api(Method::PATCH, "/servers/{target}/roles/ranks");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        if self.ranks.is_empty() {
            return Err(ValidationError::Empty("list every role of the server"));
        }
        validate::audit_log_reason(self.reason.as_deref())?;
        Ok(Self::ROUTE
            .parts(path(&[
                "servers",
                &self.server.to_string(),
                "roles",
                "ranks",
            ]))
            .body(Body::json(self)?)
            .audit_log_reason(self.reason.clone()))
    }
}

/// `PUT /servers/{id}/permissions/{role}`: sets a role's server-wide permissions.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SetServerRolePermissions {
    /// The server.
    pub server: ServerId,
    /// The role.
    pub role: RoleId,
    /// Allowed and denied permissions.
    pub permissions: Override,
    /// `X-Audit-Log-Reason`.
    pub reason: Option<String>,
}

builders! {
impl SetServerRolePermissions {
    /// Allows `allow` and denies `deny` for `role`.
    pub fn new(server: ServerId, role: RoleId, allow: Permissions, deny: Permissions) -> Self {
        Self {
            server,
            role,
            permissions: Override { allow, deny },
            reason: None,
        }
    }

    /// Records a reason in the server's audit log.
    pub fn reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }
}
}

impl Request for SetServerRolePermissions {
    type Output = Server;
    const ROUTE: Route = Route::api(Method::PUT, "/servers/{target}/permissions/{role_id}");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        #[derive(Serialize)]
        struct Wire {
            permissions: Override,
        }
        validate::audit_log_reason(self.reason.as_deref())?;
        Ok(Self::ROUTE
            .parts(path(&[
                "servers",
                &self.server.to_string(),
                "permissions",
                &self.role.to_string(),
            ]))
            .body(Body::json(&Wire {
                permissions: self.permissions,
            })?)
            .audit_log_reason(self.reason.clone()))
    }
}
