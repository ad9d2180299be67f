//! `/servers/{id}/members` and `/servers/{id}/bans` routes: members, kicks and bans.

use http::Method;
use serde::{Deserialize, Serialize};

use super::edit::{Edit, JsonBody};
use super::validate;
use crate::http::{path, Body, Request, RequestParts, Route, ValidationError};
use crate::id::{ChannelId, FileId, RoleId, ServerId, UserId};
use crate::model::{
    AllMemberResponse, BanListResult, FieldsMember, Member, MemberResponse, ServerBan, Timestamp,
    User,
};

/// `GET /servers/{id}/members/{user}`: one member, optionally with the roles it holds.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct FetchMember {
    /// The server.
    pub server: ServerId,
    /// The member's user.
    pub user: UserId,
    /// Also return the member's roles (`?roles=true`).
    pub roles: bool,
}

builders! {
impl FetchMember {
    /// Fetches `user`'s membership of `server`.
    pub fn new(server: ServerId, user: UserId) -> Self {
        Self {
            server,
            user,
            roles: false,
        }
    }

    /// Also returns the roles the member holds.
    pub fn roles(mut self, roles: bool) -> Self {
        self.roles = roles;
        self
    }
}
}

impl Request for FetchMember {
    type Output = MemberResponse;
    const ROUTE: Route = Route::api(Method::GET, "/servers/{server_id}/members/{member_id}");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        let query = self.roles.then(|| ("roles", "true".to_owned()));
        Ok(Self::ROUTE
            .parts(path(&[
                "servers",
                &self.server.to_string(),
                "members",
                &self.user.to_string(),
            ]))
            .query(query))
    }
}

/// `GET /servers/{id}/members`: every member of a server, with their users.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct FetchMembers {
    /// The server.
    pub server: ServerId,
    /// Only online members (`?exclude_offline=true`).
    pub exclude_offline: bool,
}

builders! {
impl FetchMembers {
    /// Every member of `server`.
    pub fn new(server: ServerId) -> Self {
        Self {
            server,
            exclude_offline: false,
        }
    }

    /// Only online members.
    pub fn exclude_offline(mut self, exclude: bool) -> Self {
        self.exclude_offline = exclude;
        self
    }
}
}

impl Request for FetchMembers {
    type Output = AllMemberResponse;
    const ROUTE: Route = Route::api(Method::GET, "/servers/{target}/members");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        let query = self
            .exclude_offline
            .then(|| ("exclude_offline", "true".to_owned()));
        Ok(Self::ROUTE
            .parts(path(&["servers", &self.server.to_string(), "members"]))
            .query(query))
    }
}

/// What `GET /servers/{id}/members_experimental_query` returns.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MemberQueryResponse {
    /// The matching members.
    #[serde(default)]
    pub members: Vec<Member>,
    /// Their users.
    #[serde(default)]
    pub users: Vec<User>,
}

/// `GET /servers/{id}/members_experimental_query`: members whose name matches (an
/// experimental route; the request always sends `experimental_api=true`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct QueryMembers {
    /// The server.
    pub server: ServerId,
    /// The name to look for.
    pub query: String,
}

impl QueryMembers {
    /// Members of `server` whose name matches `query`.
    pub fn new(server: ServerId, query: impl Into<String>) -> Self {
        Self {
            server,
            query: query.into(),
        }
    }
}

impl Request for QueryMembers {
    type Output = MemberQueryResponse;
    const ROUTE: Route = Route::api(Method::GET, "/servers/{target}/members_experimental_query");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        if self.query.is_empty() {
            return Err(ValidationError::Empty("the member query is empty"));
        }
        Ok(Self::ROUTE
            .parts(path(&[
                "servers",
                &self.server.to_string(),
                "members_experimental_query",
            ]))
            .query([
                ("query", self.query.clone()),
                ("experimental_api", "true".to_owned()),
            ]))
    }
}

/// `PATCH /servers/{id}/members/{user}`: edits a member: nickname, avatar, roles,
/// timeout, voice mute/deafen, voice channel.
///
/// ```
/// use stoat_core::http::routes::EditMember;
/// use stoat_core::http::Request;
/// let server = "01M7YSZ8V8HNB362Z1HYDP0RXY".parse().unwrap();
/// let user = "01M7YSZ8V6D4QNP163AMRA3ARS".parse().unwrap();
/// // Lift a timeout and take every role away.
/// let parts = EditMember::new(server, user).clear_timeout().clear_roles().to_parts().unwrap();
/// # let stoat_core::http::Body::Json(bytes) = parts.body else { panic!() };
/// assert_eq!(&bytes[..], br#"{"remove":["Roles","Timeout"]}"#);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct EditMember {
    /// The server.
    pub server: ServerId,
    /// The member's user.
    pub user: UserId,
    /// Nickname (1–32 characters).
    pub nickname: Edit<String>,
    /// Server-specific pronouns (1–24 characters).
    pub pronouns: Edit<String>,
    /// Server avatar: an uploaded file id (tag `avatars`).
    pub avatar: Edit<FileId>,
    /// Roles (the whole list).
    pub roles: Edit<Vec<RoleId>>,
    /// Timed out until.
    pub timeout: Edit<Timestamp>,
    /// Whether the member may speak in voice (clearing means `true`).
    pub can_publish: Edit<bool>,
    /// Whether the member may listen in voice (clearing means `true`).
    pub can_receive: Edit<bool>,
    /// Move to this voice channel; clearing disconnects the member from voice.
    pub voice_channel: Edit<ChannelId>,
    /// `X-Audit-Log-Reason`.
    pub reason: Option<String>,
}

builders! {
impl EditMember {
    /// An edit of `user`'s membership of `server` that changes nothing yet.
    pub fn new(server: ServerId, user: UserId) -> Self {
        Self {
            server,
            user,
            nickname: Edit::Unchanged,
            pronouns: Edit::Unchanged,
            avatar: Edit::Unchanged,
            roles: Edit::Unchanged,
            timeout: Edit::Unchanged,
            can_publish: Edit::Unchanged,
            can_receive: Edit::Unchanged,
            voice_channel: Edit::Unchanged,
            reason: None,
        }
    }

    /// Sets the nickname.
    pub fn nickname(mut self, nickname: impl Into<String>) -> Self {
        self.nickname = Edit::Set(nickname.into());
        self
    }

    /// Removes the nickname.
    pub fn clear_nickname(mut self) -> Self {
        self.nickname = Edit::Clear;
        self
    }

    /// Sets the pronouns.
    pub fn pronouns(mut self, pronouns: impl Into<String>) -> Self {
        self.pronouns = Edit::Set(pronouns.into());
        self
    }

    /// Removes the pronouns.
    pub fn clear_pronouns(mut self) -> Self {
        self.pronouns = Edit::Clear;
        self
    }

    /// Sets the server avatar to an uploaded file.
    pub fn avatar(mut self, file: FileId) -> Self {
        self.avatar = Edit::Set(file);
        self
    }

    /// Removes the server avatar.
    pub fn clear_avatar(mut self) -> Self {
        self.avatar = Edit::Clear;
        self
    }

    /// Replaces the roles.
    pub fn roles(mut self, roles: Vec<RoleId>) -> Self {
        self.roles = Edit::Set(roles);
        self
    }

    /// Removes every role.
    pub fn clear_roles(mut self) -> Self {
        self.roles = Edit::Clear;
        self
    }

    /// Times the member out until `until`.
    pub fn timeout(mut self, until: Timestamp) -> Self {
        self.timeout = Edit::Set(until);
        self
    }

    /// Lifts the timeout.
    pub fn clear_timeout(mut self) -> Self {
        self.timeout = Edit::Clear;
        self
    }

    /// Lets the member speak in voice, or mutes them server-wide.
    pub fn can_publish(mut self, can: bool) -> Self {
        self.can_publish = Edit::Set(can);
        self
    }

    /// Lets the member listen in voice, or deafens them server-wide.
    pub fn can_receive(mut self, can: bool) -> Self {
        self.can_receive = Edit::Set(can);
        self
    }

    /// Removes the voice mute (the server resets it to `true`).
    pub fn clear_can_publish(mut self) -> Self {
        self.can_publish = Edit::Clear;
        self
    }

    /// Removes the voice deafen (the server resets it to `true`).
    pub fn clear_can_receive(mut self) -> Self {
        self.can_receive = Edit::Clear;
        self
    }

    /// Moves the member to the voice channel `channel`.
    pub fn voice_channel(mut self, channel: ChannelId) -> Self {
        self.voice_channel = Edit::Set(channel);
        self
    }

    /// Disconnects the member from voice.
    pub fn disconnect_voice(mut self) -> Self {
        self.voice_channel = Edit::Clear;
        self
    }

    /// Records a reason in the server's audit log.
    pub fn reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }
}
}

impl Request for EditMember {
    type Output = Member;
    const ROUTE: Route = Route::api(Method::PATCH, "/servers/{server_id}/members/{member_id}");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        if let Some(nickname) = self.nickname.as_set() {
            validate::chars("nickname", nickname, 1, validate::MAX_NAME)?;
        }
        if let Some(pronouns) = self.pronouns.as_set() {
            validate::chars("pronouns", pronouns, 1, validate::MAX_PRONOUNS)?;
        }
        validate::audit_log_reason(self.reason.as_deref())?;
        let mut body = JsonBody::<FieldsMember>::new();
        body.edit("nickname", &self.nickname, FieldsMember::Nickname)?
            .edit("pronouns", &self.pronouns, FieldsMember::Pronouns)?
            .edit("avatar", &self.avatar, FieldsMember::Avatar)?
            .edit("roles", &self.roles, FieldsMember::Roles)?
            .edit("timeout", &self.timeout, FieldsMember::Timeout)?
            .edit("can_publish", &self.can_publish, FieldsMember::CanPublish)?
            .edit("can_receive", &self.can_receive, FieldsMember::CanReceive)?
            .edit(
                "voice_channel",
                &self.voice_channel,
                FieldsMember::VoiceChannel,
            )?;
        Ok(Self::ROUTE
            .parts(path(&[
                "servers",
                &self.server.to_string(),
                "members",
                &self.user.to_string(),
            ]))
            .body(body.finish()?)
            .audit_log_reason(self.reason.clone()))
    }
}

request! {
    /// `DELETE /servers/{id}/members/{user}`: kicks a member.
    pub struct KickMember {
        /// The server.
        server: ServerId,
        /// The member's user.
        user: UserId,
    }
    DELETE "/servers/{server_id}/members/{member_id}" ["servers", server, "members", user] => (),
        audit_log_reason;
}

/// `PUT /servers/{id}/bans/{user}`: bans a user (kicking them if they are a member).
///
/// The ban's own reason ([`ban_reason`](Self::ban_reason), stored with the ban) is
/// separate from the audit log reason ([`reason`](Self::reason)).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct BanUser {
    /// The server.
    #[serde(skip)]
    pub server: ServerId,
    /// The user.
    #[serde(skip)]
    pub user: UserId,
    /// Stored with the ban (at most 1024 characters).
    #[serde(rename = "reason", skip_serializing_if = "Option::is_none")]
    pub ban_reason: Option<String>,
    /// Also delete the user's messages of the last this many seconds (at most 7 days).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delete_message_seconds: Option<u32>,
    /// `X-Audit-Log-Reason`.
    #[serde(skip)]
    pub reason: Option<String>,
}

builders! {
impl BanUser {
    /// Bans `user` from `server`.
    pub fn new(server: ServerId, user: UserId) -> Self {
        Self {
            server,
            user,
            ban_reason: None,
            delete_message_seconds: None,
            reason: None,
        }
    }

    /// The reason stored with the ban.
    pub fn ban_reason(mut self, reason: impl Into<String>) -> Self {
        self.ban_reason = Some(reason.into());
        self
    }

    /// Also deletes the user's messages of the last `seconds` seconds.
    pub fn delete_message_seconds(mut self, seconds: u32) -> Self {
        self.delete_message_seconds = Some(seconds);
        self
    }

    /// Records a reason in the server's audit log.
    pub fn reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }
}
}

impl Request for BanUser {
    type Output = ServerBan;
    const ROUTE: Route = Route::api(Method::PUT, "/servers/{server}/bans/{target}");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        validate::opt_chars(
            "ban_reason",
            self.ban_reason.as_deref(),
            0,
            validate::MAX_BAN_REASON,
        )?;
        if let Some(seconds) = self.delete_message_seconds {
            validate::range(
                "delete_message_seconds",
                seconds,
                0,
                validate::MAX_BAN_DELETE_MESSAGE_SECONDS,
            )?;
        }
        validate::audit_log_reason(self.reason.as_deref())?;
        Ok(Self::ROUTE
            .parts(path(&[
                "servers",
                &self.server.to_string(),
                "bans",
                &self.user.to_string(),
            ]))
            .body(Body::json(self)?)
            .audit_log_reason(self.reason.clone()))
    }
}

request! {
    /// `DELETE /servers/{id}/bans/{user}`: lifts a ban.
    pub struct UnbanUser {
        /// The server.
        server: ServerId,
        /// The user.
        user: UserId,
    }
    DELETE "/servers/{server}/bans/{target}" ["servers", server, "bans", user] => (),
        audit_log_reason;
}

request! {
    /// `GET /servers/{id}/bans`: the server's bans and the banned users.
    pub struct FetchBans {
        /// The server.
        server: ServerId,
    }
    GET "/servers/{target}/bans" ["servers", server, "bans"] => BanListResult;
}
