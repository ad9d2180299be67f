//! `/channels/{id}` routes: channels, groups, permissions, read state and voice
//! (messages live in [`super::messages`], reactions in [`super::reactions`], invites in
//! [`super::invites`], webhooks in [`super::webhooks`]).

use http::Method;
use serde::Serialize;

use super::edit::{Edit, JsonBody};
use super::validate;
use crate::http::{path, Body, Request, RequestParts, Route, ValidationError};
use crate::id::{ChannelId, FileId, MessageId, RoleId, ServerId, UserId};
use crate::model::{
    Channel, CreateVoiceUserResponse, FieldsChannel, Override, Permissions, User, VoiceInformation,
};

request! {
    /// `GET /channels/{id}`: a channel.
    pub struct FetchChannel {
        /// The channel.
        channel: ChannelId,
    }
    GET "/channels/{target}" ["channels", channel] => Channel;
}

/// `DELETE /channels/{id}`: closes a DM, leaves a group (deleting it if you own it), or
/// deletes a server channel.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CloseChannel {
    /// The channel.
    pub channel: ChannelId,
    /// Leave a group without the "user left" system message.
    pub leave_silently: bool,
    /// `X-Audit-Log-Reason` (server channels).
    pub reason: Option<String>,
}

builders! {
impl CloseChannel {
    /// Closes, leaves or deletes `channel`.
    pub fn new(channel: ChannelId) -> Self {
        Self {
            channel,
            leave_silently: false,
            reason: None,
        }
    }

    /// Leaves a group silently (`?leave_silently=true`).
    pub fn leave_silently(mut self, silently: bool) -> Self {
        self.leave_silently = silently;
        self
    }

    /// Records a reason in the server's audit log.
    pub fn reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }
}
}

impl Request for CloseChannel {
    type Output = ();
    const ROUTE: Route = Route::api(Method::DELETE, "/channels/{target}");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        validate::audit_log_reason(self.reason.as_deref())?;
        let query = self
            .leave_silently
            .then(|| ("leave_silently", "true".to_owned()));
        Ok(Self::ROUTE
            .parts(path(&["channels", &self.channel.to_string()]))
            .query(query)
            .audit_log_reason(self.reason.clone()))
    }
}

/// `PATCH /channels/{id}`: edits a channel or group.
///
/// Fields that can be removed are [`Edit`]s; the channel's default permission override
/// can only be removed here (set it with [`SetChannelDefaultPermissions`]).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct EditChannel {
    /// The channel.
    pub channel: ChannelId,
    /// New name (1–32 characters).
    pub name: Option<String>,
    /// Description (at most 1024 characters).
    pub description: Edit<String>,
    /// New owner (groups).
    pub owner: Option<UserId>,
    /// Icon: an uploaded file id (tag `icons`).
    pub icon: Edit<FileId>,
    /// NSFW flag.
    pub nsfw: Option<bool>,
    /// Archived flag (unused by the server).
    pub archived: Option<bool>,
    /// Voice settings (setting them makes a text channel voice-capable).
    pub voice: Edit<VoiceInformation>,
    /// Slowmode in seconds (0–21600).
    pub slowmode: Edit<u64>,
    /// Remove the default permission override (sent as `remove: ["DefaultPermissions"]`).
    pub clear_default_permissions: bool,
    /// `X-Audit-Log-Reason`.
    pub reason: Option<String>,
}

builders! {
impl EditChannel {
    /// An edit of `channel` that changes nothing yet.
    pub fn new(channel: ChannelId) -> Self {
        Self {
            channel,
            name: None,
            description: Edit::Unchanged,
            owner: None,
            icon: Edit::Unchanged,
            nsfw: None,
            archived: None,
            voice: Edit::Unchanged,
            slowmode: Edit::Unchanged,
            clear_default_permissions: false,
            reason: None,
        }
    }

    /// Renames the channel.
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

    /// Hands a group to another member.
    pub fn owner(mut self, owner: UserId) -> Self {
        self.owner = Some(owner);
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

    /// Marks the channel NSFW or not.
    pub fn nsfw(mut self, nsfw: bool) -> Self {
        self.nsfw = Some(nsfw);
        self
    }

    /// Sets the archived flag.
    pub fn archived(mut self, archived: bool) -> Self {
        self.archived = Some(archived);
        self
    }

    /// Sets the voice settings.
    pub fn voice(mut self, voice: VoiceInformation) -> Self {
        self.voice = Edit::Set(voice);
        self
    }

    /// Removes the voice settings.
    pub fn clear_voice(mut self) -> Self {
        self.voice = Edit::Clear;
        self
    }

    /// Sets the slowmode, in seconds.
    pub fn slowmode(mut self, seconds: u64) -> Self {
        self.slowmode = Edit::Set(seconds);
        self
    }

    /// Removes the slowmode.
    pub fn clear_slowmode(mut self) -> Self {
        self.slowmode = Edit::Clear;
        self
    }

    /// Removes the default permission override.
    pub fn clear_default_permissions(mut self) -> Self {
        self.clear_default_permissions = true;
        self
    }

    /// Records a reason in the server's audit log.
    pub fn reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }
}
}

impl Request for EditChannel {
    type Output = Channel;
    const ROUTE: Route = Route::api(Method::PATCH, "/channels/{target}");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        if let Some(name) = &self.name {
            validate::name("name", name)?;
        }
        if let Some(description) = self.description.as_set() {
            validate::description("description", description)?;
        }
        if let Some(&slowmode) = self.slowmode.as_set() {
            validate::range("slowmode", slowmode, 0, validate::MAX_SLOWMODE_SECONDS)?;
        }
        validate::audit_log_reason(self.reason.as_deref())?;
        let mut body = JsonBody::<FieldsChannel>::new();
        body.opt("name", &self.name)?
            .edit("description", &self.description, FieldsChannel::Description)?
            .opt("owner", &self.owner)?
            .edit("icon", &self.icon, FieldsChannel::Icon)?
            .opt("nsfw", &self.nsfw)?
            .opt("archived", &self.archived)?
            .edit("voice", &self.voice, FieldsChannel::Voice)?
            .edit("slowmode", &self.slowmode, FieldsChannel::Slowmode)?
            .clear_if(
                self.clear_default_permissions,
                FieldsChannel::DefaultPermissions,
            );
        Ok(Self::ROUTE
            .parts(path(&["channels", &self.channel.to_string()]))
            .body(body.finish()?)
            .audit_log_reason(self.reason.clone()))
    }
}

/// `POST /channels/create`: creates a group with friends of yours.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CreateGroup {
    /// Name (1–32 characters).
    pub name: String,
    /// Description (at most 1024 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Icon: an uploaded file id (tag `icons`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub icon: Option<FileId>,
    /// Friends to add (at most 49).
    pub users: Vec<UserId>,
    /// NSFW flag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nsfw: Option<bool>,
}

builders! {
impl CreateGroup {
    /// A group called `name` with only you in it.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            description: None,
            icon: None,
            users: Vec::new(),
            nsfw: None,
        }
    }

    /// Sets the description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Sets the icon to an uploaded file.
    pub fn icon(mut self, file: FileId) -> Self {
        self.icon = Some(file);
        self
    }

    /// Adds a friend.
    pub fn user(mut self, user: UserId) -> Self {
        self.users.push(user);
        self
    }

    /// Marks the group NSFW or not.
    pub fn nsfw(mut self, nsfw: bool) -> Self {
        self.nsfw = Some(nsfw);
        self
    }
}
}

impl Request for CreateGroup {
    type Output = Channel;
    const ROUTE: Route = Route::api(Method::POST, "/channels/create");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        validate::name("name", &self.name)?;
        if let Some(description) = &self.description {
            validate::description("description", description)?;
        }
        validate::count("users", self.users.len(), 0, validate::MAX_GROUP_USERS)?;
        Ok(Self::ROUTE
            .parts("/channels/create".into())
            .body(Body::json(self)?))
    }
}

request! {
    /// `PUT /channels/{group}/recipients/{user}`: adds a friend to a group.
    pub struct AddGroupMember {
        /// The group.
        group: ChannelId,
        /// The user to add.
        user: UserId,
    }
    PUT "/channels/{group_id}/recipients/{member_id}" ["channels", group, "recipients", user] => ();
}

request! {
    /// `DELETE /channels/{group}/recipients/{user}`: removes someone from a group you own.
    pub struct RemoveGroupMember {
        /// The group.
        group: ChannelId,
        /// The user to remove.
        user: UserId,
    }
    DELETE "/channels/{group_id}/recipients/{member_id}" ["channels", group, "recipients", user] => ();
}

request! {
    /// `GET /channels/{id}/members`: the members of a group.
    pub struct FetchGroupMembers {
        /// The group.
        group: ChannelId,
    }
    GET "/channels/{target}/members" ["channels", group, "members"] => Vec<User>;
}

request! {
    /// `PUT /channels/{id}/ack/{message}`: marks a channel as read up to a message (user
    /// accounts only).
    pub struct AcknowledgeMessage {
        /// The channel.
        channel: ChannelId,
        /// The last message read.
        message: MessageId,
    }
    PUT "/channels/{target}/ack/{message}" ["channels", channel, "ack", message] => ();
}

/// `PUT /channels/{id}/permissions/{role}`: sets a role's permission override in a server
/// channel.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SetChannelRolePermissions {
    /// The channel.
    pub channel: ChannelId,
    /// The role.
    pub role: RoleId,
    /// Allowed and denied permissions.
    pub permissions: Override,
    /// `X-Audit-Log-Reason`.
    pub reason: Option<String>,
}

builders! {
impl SetChannelRolePermissions {
    /// Allows `allow` and denies `deny` for `role` in `channel`.
    pub fn new(channel: ChannelId, role: RoleId, allow: Permissions, deny: Permissions) -> Self {
        Self {
            channel,
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

#[derive(Serialize)]
struct PermissionsBody<T> {
    permissions: T,
}

impl Request for SetChannelRolePermissions {
    type Output = Channel;
    const ROUTE: Route = Route::api(Method::PUT, "/channels/{target}/permissions/{role_id}");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        validate::audit_log_reason(self.reason.as_deref())?;
        Ok(Self::ROUTE
            .parts(path(&[
                "channels",
                &self.channel.to_string(),
                "permissions",
                &self.role.to_string(),
            ]))
            .body(Body::json(&PermissionsBody {
                permissions: self.permissions,
            })?)
            .audit_log_reason(self.reason.clone()))
    }
}

/// The default permissions of a channel: a plain value for groups, an override for server
/// channels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum ChannelDefaultPermissions {
    /// A group's member permissions (`{"permissions": 123}`).
    Group(Permissions),
    /// A server channel's override of the server defaults
    /// (`{"permissions": {"allow": …, "deny": …}}`).
    Server(Override),
}

/// `PUT /channels/{id}/permissions/default`: sets a channel's default permissions.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SetChannelDefaultPermissions {
    /// The channel.
    pub channel: ChannelId,
    /// The permissions.
    pub permissions: ChannelDefaultPermissions,
    /// `X-Audit-Log-Reason`.
    pub reason: Option<String>,
}

builders! {
impl SetChannelDefaultPermissions {
    /// Sets the override of a server channel.
    pub fn server_channel(channel: ChannelId, allow: Permissions, deny: Permissions) -> Self {
        Self {
            channel,
            permissions: ChannelDefaultPermissions::Server(Override { allow, deny }),
            reason: None,
        }
    }

    /// Sets the member permissions of a group.
    pub fn group(channel: ChannelId, permissions: Permissions) -> Self {
        Self {
            channel,
            permissions: ChannelDefaultPermissions::Group(permissions),
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

impl Request for SetChannelDefaultPermissions {
    type Output = Channel;
    const ROUTE: Route = Route::api(Method::PUT, "/channels/{target}/permissions/default");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        validate::audit_log_reason(self.reason.as_deref())?;
        Ok(Self::ROUTE
            .parts(path(&[
                "channels",
                &self.channel.to_string(),
                "permissions",
                "default",
            ]))
            .body(Body::json(&PermissionsBody {
                permissions: self.permissions,
            })?)
            .audit_log_reason(self.reason.clone()))
    }
}

/// `POST /channels/{id}/join_call`: a token to join a voice channel, DM or group call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct JoinCall {
    /// The channel.
    #[serde(skip)]
    pub channel: ChannelId,
    /// The voice node to use (a name from `GET /` → `features.livekit.nodes`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node: Option<String>,
    /// Disconnect your other voice sessions first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub force_disconnect: Option<bool>,
    /// Who to ring (DMs and groups).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recipients: Option<Vec<UserId>>,
}

builders! {
impl JoinCall {
    /// Joins the call in `channel`.
    pub fn new(channel: ChannelId) -> Self {
        Self {
            channel,
            node: None,
            force_disconnect: None,
            recipients: None,
        }
    }

    /// Uses the voice node `node`.
    pub fn node(mut self, node: impl Into<String>) -> Self {
        self.node = Some(node.into());
        self
    }

    /// Disconnects your other voice sessions first.
    pub fn force_disconnect(mut self, force: bool) -> Self {
        self.force_disconnect = Some(force);
        self
    }

    /// Rings these users.
    pub fn recipients(mut self, users: Vec<UserId>) -> Self {
        self.recipients = Some(users);
        self
    }
}
}

impl Request for JoinCall {
    type Output = CreateVoiceUserResponse;
    const ROUTE: Route = Route::api(Method::POST, "/channels/{target}/join_call");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        Ok(Self::ROUTE
            .parts(path(&["channels", &self.channel.to_string(), "join_call"]))
            .body(Body::json(self)?))
    }
}

request! {
    /// `PUT /channels/{id}/end_ring/{user}`: stops ringing a user in a DM or group call.
    pub struct StopRing {
        /// The channel.
        channel: ChannelId,
        /// The user being rung.
        user: UserId,
    }
    PUT "/channels/{target}/end_ring/{target_user}" ["channels", channel, "end_ring", user] => ();
}

/// The kind of a new server channel.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[non_exhaustive]
pub enum ServerChannelType {
    /// A text channel (the default).
    #[default]
    Text,
    /// A voice-capable channel (a text channel with `voice` settings).
    Voice,
}

/// `POST /servers/{id}/channels`: creates a channel in a server.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct CreateServerChannel {
    /// The server.
    #[serde(skip)]
    pub server: ServerId,
    /// Text or voice.
    #[serde(rename = "type")]
    pub kind: ServerChannelType,
    /// Name (1–32 characters).
    pub name: String,
    /// Description (at most 1024 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// NSFW flag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nsfw: Option<bool>,
    /// Voice settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub voice: Option<VoiceInformation>,
    /// `X-Audit-Log-Reason`.
    #[serde(skip)]
    pub reason: Option<String>,
}

builders! {
impl CreateServerChannel {
    /// A text channel called `name` in `server`.
    pub fn text(server: ServerId, name: impl Into<String>) -> Self {
        Self {
            server,
            kind: ServerChannelType::Text,
            name: name.into(),
            description: None,
            nsfw: None,
            voice: None,
            reason: None,
        }
    }

    /// A voice channel called `name` in `server`.
    pub fn voice(server: ServerId, name: impl Into<String>) -> Self {
        Self {
            kind: ServerChannelType::Voice,
            ..Self::text(server, name)
        }
    }

    /// Makes it a text or a voice channel.
    pub fn kind(mut self, kind: ServerChannelType) -> Self {
        self.kind = kind;
        self
    }

    /// Sets the description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Marks the channel NSFW or not.
    pub fn nsfw(mut self, nsfw: bool) -> Self {
        self.nsfw = Some(nsfw);
        self
    }

    /// Limits the number of voice participants.
    pub fn max_users(mut self, max_users: u64) -> Self {
        self.voice = Some(VoiceInformation::new(Some(max_users)));
        self
    }

    /// Records a reason in the server's audit log.
    pub fn reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }
}
}

impl Request for CreateServerChannel {
    type Output = Channel;
    const ROUTE: Route = Route::api(Method::POST, "/servers/{server}/channels");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        validate::name("name", &self.name)?;
        if let Some(description) = &self.description {
            validate::description("description", description)?;
        }
        if let Some(max_users) = self.voice.as_ref().and_then(|v| v.max_users) {
            validate::range("voice.max_users", max_users, 1, u64::MAX)?;
        }
        validate::audit_log_reason(self.reason.as_deref())?;
        Ok(Self::ROUTE
            .parts(path(&["servers", &self.server.to_string(), "channels"]))
            .body(Body::json(self)?)
            .audit_log_reason(self.reason.clone()))
    }
}
