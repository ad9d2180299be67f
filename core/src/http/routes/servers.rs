//! `/servers` routes: servers themselves, their default permissions, read state and audit
//! log (members, roles, channels, emojis and invites have their own modules).

use std::fmt;

use http::Method;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};

use super::edit::{Edit, JsonBody};
use super::validate;
use crate::auth::Secret;
use crate::http::{path, Body, Request, RequestParts, Route, ValidationError};
use crate::id::{AuditLogEntryId, FileId, ServerId, UserId};
use crate::model::{
    AuditLogQueryResponse, Category, Channel, CreateServerLegacyResponse, FieldsServer,
    Permissions, Server, ServerFlags, SystemMessageChannels,
};

/// `GET /servers/{id}`: a server, optionally with its channels.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct FetchServer {
    /// The server.
    pub server: ServerId,
    /// Also return the channels (`?include_channels=true`).
    pub include_channels: bool,
}

builders! {
impl FetchServer {
    /// Fetches `server`.
    pub fn new(server: ServerId) -> Self {
        Self {
            server,
            include_channels: false,
        }
    }

    /// Also returns the server's channels.
    pub fn include_channels(mut self, include: bool) -> Self {
        self.include_channels = include;
        self
    }
}
}

impl Request for FetchServer {
    type Output = FetchServerResponse;
    const ROUTE: Route = Route::api(Method::GET, "/servers/{target}");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        let query = self
            .include_channels
            .then(|| ("include_channels", "true".to_owned()));
        Ok(Self::ROUTE
            .parts(path(&["servers", &self.server.to_string()]))
            .query(query))
    }
}

/// What `GET /servers/{id}` returns: the server, or with `include_channels` the server and
/// its channels.
///
/// The server builds the second shape by flattening the server and adding a `channels`
/// list, so the object has **two `channels` keys**: the server's channel ids first, then
/// the channel objects. A derived decoder rejects that as a duplicate field; this one
/// reads both.
///
/// ```
/// use stoat_core::http::routes::FetchServerResponse;
/// let json = r#"{"_id":"01M7YSZ8V8HNB362Z1HYDP0RXY","owner":"01M7YSZ8H1XVFKYWFT7NKJHCGM",
///   "name":"S","channels":["01M7YSZ8V81AWBPFRM30NYSV34"],"default_permissions":0,
///   "channels":[{"channel_type":"TextChannel","_id":"01M7YSZ8V81AWBPFRM30NYSV34",
///   "server":"01M7YSZ8V8HNB362Z1HYDP0RXY","name":"General"}]}"#;
/// let response: FetchServerResponse = serde_json::from_str(json).unwrap();
/// assert_eq!(response.server().channels.len(), 1);
/// assert_eq!(response.channels().map(<[_]>::len), Some(1));
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum FetchServerResponse {
    /// Just the server.
    Server(Box<Server>),
    /// The server and its channels.
    WithChannels {
        /// The server (its `channels` are the ids).
        server: Box<Server>,
        /// The channel objects.
        channels: Vec<Channel>,
    },
}

impl FetchServerResponse {
    /// The server, either way.
    pub fn server(&self) -> &Server {
        match self {
            Self::Server(server) | Self::WithChannels { server, .. } => server,
        }
    }

    /// The channels, if they were asked for.
    pub fn channels(&self) -> Option<&[Channel]> {
        match self {
            Self::Server(_) => None,
            Self::WithChannels { channels, .. } => Some(channels),
        }
    }

    /// The server and the channels (empty unless they were asked for).
    pub fn into_parts(self) -> (Server, Vec<Channel>) {
        match self {
            Self::Server(server) => (*server, Vec::new()),
            Self::WithChannels { server, channels } => (*server, channels),
        }
    }
}

impl<'de> Deserialize<'de> for FetchServerResponse {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ResponseVisitor;

        impl<'de> Visitor<'de> for ResponseVisitor {
            type Value = FetchServerResponse;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a server object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut fields = Map::new();
                // Every `channels` value, in order: ids first, objects last.
                let mut lists: Vec<Value> = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    let value: Value = map.next_value()?;
                    if key == "channels" {
                        lists.push(value);
                    } else {
                        fields.insert(key, value);
                    }
                }
                let is_objects = |v: &Value| {
                    v.as_array()
                        .is_some_and(|a| !a.is_empty() && a.iter().all(Value::is_object))
                };
                let (ids, objects) = match lists.len() {
                    0 => (None, None),
                    1 => {
                        let list = lists.pop();
                        if list.as_ref().is_some_and(is_objects) {
                            (None, list)
                        } else {
                            (list, None)
                        }
                    }
                    _ => {
                        let objects = lists.pop();
                        (lists.into_iter().next(), objects)
                    }
                };
                let channels: Option<Vec<Channel>> = objects
                    .map(|v| serde_json::from_value(v).map_err(de::Error::custom))
                    .transpose()?;
                let ids = match (ids, &channels) {
                    (Some(ids), _) => ids,
                    // Only channel objects: the ids are theirs.
                    (None, Some(channels)) => {
                        Value::Array(channels.iter().map(|c| c.id().to_string().into()).collect())
                    }
                    (None, None) => Value::Array(Vec::new()),
                };
                fields.insert("channels".to_owned(), ids);
                let server: Server =
                    serde_json::from_value(Value::Object(fields)).map_err(de::Error::custom)?;
                Ok(match channels {
                    Some(channels) => FetchServerResponse::WithChannels {
                        server: Box::new(server),
                        channels,
                    },
                    None => FetchServerResponse::Server(Box::new(server)),
                })
            }
        }

        deserializer.deserialize_map(ResponseVisitor)
    }
}

/// Writes the server's shape, including the second `channels` key.
impl Serialize for FetchServerResponse {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct WithChannels<'a> {
            #[serde(flatten)]
            server: &'a Server,
            channels: &'a [Channel],
        }
        match self {
            Self::Server(server) => server.serialize(serializer),
            Self::WithChannels { server, channels } => {
                WithChannels { server, channels }.serialize(serializer)
            }
        }
    }
}

/// `POST /servers/create`: creates a server with a `General` channel (user accounts only).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CreateServer {
    /// Name (1–32 characters).
    pub name: String,
    /// Description (at most 1024 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// NSFW flag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nsfw: Option<bool>,
}

builders! {
impl CreateServer {
    /// A server called `name`.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            description: None,
            nsfw: None,
        }
    }

    /// Sets the description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Marks the server NSFW or not.
    pub fn nsfw(mut self, nsfw: bool) -> Self {
        self.nsfw = Some(nsfw);
        self
    }
}
}

impl Request for CreateServer {
    type Output = CreateServerLegacyResponse;
    const ROUTE: Route = Route::api(Method::POST, "/servers/create");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        validate::name("name", &self.name)?;
        if let Some(description) = &self.description {
            validate::description("description", description)?;
        }
        Ok(Self::ROUTE
            .parts("/servers/create".into())
            .body(Body::json(self)?))
    }
}

/// `PATCH /servers/{id}`: edits a server.
///
/// Transferring ownership (`owner`) may need an MFA ticket (`X-MFA-Ticket`).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct EditServer {
    /// The server.
    pub server: ServerId,
    /// New name (1–32 characters).
    pub name: Option<String>,
    /// Description (at most 1024 characters).
    pub description: Edit<String>,
    /// Icon: an uploaded file id (tag `icons`).
    pub icon: Edit<FileId>,
    /// Banner: an uploaded file id (tag `banners`).
    pub banner: Edit<FileId>,
    /// Categories (the whole list).
    pub categories: Edit<Vec<Category>>,
    /// System message channels.
    pub system_messages: Edit<SystemMessageChannels>,
    /// Flags (privileged accounts only).
    pub flags: Option<ServerFlags>,
    /// Whether the server is listed in discovery (privileged accounts only).
    pub discoverable: Option<bool>,
    /// Whether analytics are enabled.
    pub analytics: Option<bool>,
    /// New owner (ownership transfer).
    pub owner: Option<UserId>,
    /// `X-MFA-Ticket`, for an ownership transfer.
    pub mfa_ticket: Option<Secret>,
    /// `X-Audit-Log-Reason`.
    pub reason: Option<String>,
}

builders! {
impl EditServer {
    /// An edit of `server` that changes nothing yet.
    pub fn new(server: ServerId) -> Self {
        Self {
            server,
            name: None,
            description: Edit::Unchanged,
            icon: Edit::Unchanged,
            banner: Edit::Unchanged,
            categories: Edit::Unchanged,
            system_messages: Edit::Unchanged,
            flags: None,
            discoverable: None,
            analytics: None,
            owner: None,
            mfa_ticket: None,
            reason: None,
        }
    }

    /// Renames the server.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Sets the description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Edit::Set(description.into());
        self
    }

    /// Removes the description.
    pub fn clear_description(mut self) -> Self {
        self.description = Edit::Clear;
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

    /// Sets the banner to an uploaded file.
    pub fn banner(mut self, file: FileId) -> Self {
        self.banner = Edit::Set(file);
        self
    }

    /// Removes the banner.
    pub fn clear_banner(mut self) -> Self {
        self.banner = Edit::Clear;
        self
    }

    /// Replaces the categories.
    pub fn categories(mut self, categories: Vec<Category>) -> Self {
        self.categories = Edit::Set(categories);
        self
    }

    /// Removes every category.
    pub fn clear_categories(mut self) -> Self {
        self.categories = Edit::Clear;
        self
    }

    /// Sets the system message channels.
    pub fn system_messages(mut self, channels: SystemMessageChannels) -> Self {
        self.system_messages = Edit::Set(channels);
        self
    }

    /// Turns system messages off.
    pub fn clear_system_messages(mut self) -> Self {
        self.system_messages = Edit::Clear;
        self
    }

    /// Sets the flags (privileged accounts only).
    pub fn flags(mut self, flags: ServerFlags) -> Self {
        self.flags = Some(flags);
        self
    }

    /// Lists the server in discovery or not (privileged accounts only).
    pub fn discoverable(mut self, discoverable: bool) -> Self {
        self.discoverable = Some(discoverable);
        self
    }

    /// Turns analytics on or off.
    pub fn analytics(mut self, analytics: bool) -> Self {
        self.analytics = Some(analytics);
        self
    }

    /// Transfers ownership to `owner`, confirmed with an MFA ticket.
    pub fn transfer_ownership(mut self, owner: UserId, mfa_ticket: Secret) -> Self {
        self.owner = Some(owner);
        self.mfa_ticket = Some(mfa_ticket);
        self
    }

    /// Records a reason in the server's audit log.
    pub fn reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }
}
}

impl Request for EditServer {
    type Output = Server;
    const ROUTE: Route = Route::api(Method::PATCH, "/servers/{target}");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        if let Some(name) = &self.name {
            validate::name("name", name)?;
        }
        if let Some(description) = self.description.as_set() {
            validate::description("description", description)?;
        }
        for category in self.categories.as_set().into_iter().flatten() {
            validate::chars("categories.id", category.id.as_str(), 1, validate::MAX_NAME)?;
            validate::name("categories.title", &category.title)?;
        }
        validate::audit_log_reason(self.reason.as_deref())?;
        let mut body = JsonBody::<FieldsServer>::new();
        body.opt("name", &self.name)?
            .edit("description", &self.description, FieldsServer::Description)?
            .edit("icon", &self.icon, FieldsServer::Icon)?
            .edit("banner", &self.banner, FieldsServer::Banner)?
            .edit("categories", &self.categories, FieldsServer::Categories)?
            .edit(
                "system_messages",
                &self.system_messages,
                FieldsServer::SystemMessages,
            )?
            .opt("flags", &self.flags)?
            .opt("discoverable", &self.discoverable)?
            .opt("analytics", &self.analytics)?
            .opt("owner", &self.owner)?;
        let mut parts = Self::ROUTE
            .parts(path(&["servers", &self.server.to_string()]))
            .body(body.finish()?)
            .audit_log_reason(self.reason.clone());
        parts.mfa_ticket = self.mfa_ticket.clone();
        Ok(parts)
    }
}

/// `DELETE /servers/{id}`: leaves a server; **the owner deletes it**.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct LeaveServer {
    /// The server.
    pub server: ServerId,
    /// Leave without the "user left" system message (`?leave_silently=true`).
    pub leave_silently: bool,
}

builders! {
impl LeaveServer {
    /// Leaves (or, as its owner, deletes) `server`.
    pub fn new(server: ServerId) -> Self {
        Self {
            server,
            leave_silently: false,
        }
    }

    /// Leaves without a system message.
    pub fn leave_silently(mut self, silently: bool) -> Self {
        self.leave_silently = silently;
        self
    }
}
}

impl Request for LeaveServer {
    type Output = ();
    const ROUTE: Route = Route::api(Method::DELETE, "/servers/{target}");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        let query = self
            .leave_silently
            .then(|| ("leave_silently", "true".to_owned()));
        Ok(Self::ROUTE
            .parts(path(&["servers", &self.server.to_string()]))
            .query(query))
    }
}

request! {
    /// `PUT /servers/{id}/ack`: marks every channel of a server as read (user accounts
    /// only).
    pub struct MarkServerAsRead {
        /// The server.
        server: ServerId,
    }
    PUT "/servers/{target}/ack" ["servers", server, "ack"] => ();
}

/// `PUT /servers/{id}/permissions/default`: sets the permissions every member has.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SetServerDefaultPermissions {
    /// The server.
    #[serde(skip)]
    pub server: ServerId,
    /// The permissions.
    pub permissions: Permissions,
    /// `X-Audit-Log-Reason`.
    #[serde(skip)]
    pub reason: Option<String>,
}

builders! {
impl SetServerDefaultPermissions {
    /// Gives every member of `server` `permissions`.
    pub fn new(server: ServerId, permissions: Permissions) -> Self {
        Self {
            server,
            permissions,
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

impl Request for SetServerDefaultPermissions {
    type Output = Server;
    const ROUTE: Route = Route::api(Method::PUT, "/servers/{target}/permissions/default");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        validate::audit_log_reason(self.reason.as_deref())?;
        Ok(Self::ROUTE
            .parts(path(&[
                "servers",
                &self.server.to_string(),
                "permissions",
                "default",
            ]))
            .body(Body::json(self)?)
            .audit_log_reason(self.reason.clone()))
    }
}

/// `GET /servers/{id}/audit_logs`: a page of the audit log (needs `ViewAuditLogs`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct QueryAuditLogs {
    /// The server.
    pub server: ServerId,
    /// Only actions by this user (`?user=`).
    pub user: Option<UserId>,
    /// Only actions on this object (`?target=`: a user, channel, role, message, ... id).
    pub target: Option<String>,
    /// Only this kind of action (`?type=`, e.g. `"MessageDelete"`, `"BanCreate"`).
    pub action: Option<String>,
    /// Entries older than this one (`?before=`).
    pub before: Option<AuditLogEntryId>,
    /// Entries newer than this one (`?after=`).
    pub after: Option<AuditLogEntryId>,
    /// At most this many entries (`?limit=`, 1–100).
    pub limit: Option<u32>,
}

builders! {
impl QueryAuditLogs {
    /// The latest entries of `server`'s audit log.
    pub fn new(server: ServerId) -> Self {
        Self {
            server,
            user: None,
            target: None,
            action: None,
            before: None,
            after: None,
            limit: None,
        }
    }

    /// Only actions by `user`.
    pub fn user(mut self, user: UserId) -> Self {
        self.user = Some(user);
        self
    }

    /// Only actions on `target` (any id).
    pub fn target(mut self, target: impl fmt::Display) -> Self {
        self.target = Some(target.to_string());
        self
    }

    /// Only actions of this kind (the action's `type`, e.g. `"MessageDelete"`).
    pub fn action(mut self, action: impl Into<String>) -> Self {
        self.action = Some(action.into());
        self
    }

    /// Entries before the entry `id`.
    pub fn before(mut self, id: AuditLogEntryId) -> Self {
        self.before = Some(id);
        self
    }

    /// Entries after the entry `id`.
    pub fn after(mut self, id: AuditLogEntryId) -> Self {
        self.after = Some(id);
        self
    }

    /// At most `limit` entries (1–100; checked when the request is built).
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }
}
}

impl Request for QueryAuditLogs {
    type Output = AuditLogQueryResponse;
    const ROUTE: Route = Route::api(Method::GET, "/servers/{target}/audit_logs");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        if let Some(limit) = self.limit {
            // The server's page size: 1..=100 (OptionsAuditLogQuery).
            validate::range("limit", limit, 1, 100)?;
        }
        let mut query = Vec::new();
        if let Some(user) = self.user {
            query.push(("user", user.to_string()));
        }
        if let Some(target) = &self.target {
            query.push(("target", target.clone()));
        }
        if let Some(action) = &self.action {
            query.push(("type", action.clone()));
        }
        if let Some(id) = self.before {
            query.push(("before", id.to_string()));
        }
        if let Some(id) = self.after {
            query.push(("after", id.to_string()));
        }
        if let Some(limit) = self.limit {
            query.push(("limit", limit.to_string()));
        }
        Ok(Self::ROUTE
            .parts(path(&["servers", &self.server.to_string(), "audit_logs"]))
            .query(query))
    }
}
