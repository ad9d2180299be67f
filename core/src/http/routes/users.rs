//! `/users` routes: users, profiles, relationships and direct messages.

use bytes::Bytes;
use http::Method;
use serde::{Deserialize, Deserializer, Serialize};

use super::edit::{Edit, JsonBody};
use super::validate;
use crate::auth::Secret;
use crate::http::{parse_error, path, Body, Error, Request, RequestParts, Route, ValidationError};
use crate::id::{FileId, UserId};
use crate::model::{
    Channel, FieldsUser, FlagResponse, MutualResponse, Presence, User, UserBadges, UserFlags,
    UserProfile,
};

request! {
    /// `GET /users/@me`: the authenticated user.
    pub struct FetchSelf;
    GET "/users/@me" => User;
}

request! {
    /// `GET /users/{id}`: a user.
    pub struct FetchUser {
        /// The user.
        user: UserId,
    }
    GET "/users/{target}" ["users", user] => User;
}

request! {
    /// `GET /users/{id}/profile`: a user's profile (needs the `ViewProfile` user permission).
    pub struct FetchUserProfile {
        /// The user.
        user: UserId,
    }
    GET "/users/{target}/profile" ["users", user, "profile"] => UserProfile;
}

request! {
    /// `GET /users/{id}/flags`: a user's flags (suspended, deleted, banned, spam). Public.
    pub struct FetchUserFlags {
        /// The user.
        user: UserId,
    }
    GET "/users/{target}/flags" ["users", user, "flags"] => FlagResponse, public;
}

request! {
    /// `GET /users/{id}/mutual`: the friends, servers and channels you share with a user.
    pub struct FetchMutual {
        /// The user.
        user: UserId,
    }
    GET "/users/{target}/mutual" ["users", user, "mutual"] => MutualResponse;
}

request! {
    /// `GET /users/dms`: your direct message and group channels (and saved messages).
    pub struct FetchDirectMessageChannels;
    GET "/users/dms" => Vec<Channel>;
}

request! {
    /// `GET /users/{id}/dm`: opens (or returns) the direct message channel with a user;
    /// your own id gives your saved messages channel.
    pub struct OpenDirectMessage {
        /// The user.
        user: UserId,
    }
    GET "/users/{target}/dm" ["users", user, "dm"] => Channel;
}

request! {
    /// `PUT /users/{id}/friend`: accepts a friend request (or sends one, if none is pending).
    pub struct AcceptFriendRequest {
        /// The user.
        user: UserId,
    }
    PUT "/users/{target}/friend" ["users", user, "friend"] => User;
}

request! {
    /// `DELETE /users/{id}/friend`: denies a friend request or removes a friend.
    pub struct RemoveFriend {
        /// The user.
        user: UserId,
    }
    DELETE "/users/{target}/friend" ["users", user, "friend"] => User;
}

request! {
    /// `PUT /users/{id}/block`: blocks a user.
    pub struct BlockUser {
        /// The user.
        user: UserId,
    }
    PUT "/users/{target}/block" ["users", user, "block"] => User;
}

request! {
    /// `DELETE /users/{id}/block`: unblocks a user.
    pub struct UnblockUser {
        /// The user.
        user: UserId,
    }
    DELETE "/users/{target}/block" ["users", user, "block"] => User;
}

/// A PNG image (the default avatar).
///
/// The route answers with `image/png` bytes, not JSON: [`FetchDefaultAvatar`] reads them
/// itself, so `execute` returns this. Decoding this type from JSON always fails.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PngImage(pub Bytes);

impl<'de> Deserialize<'de> for PngImage {
    fn deserialize<D: Deserializer<'de>>(_: D) -> Result<Self, D::Error> {
        Err(serde::de::Error::custom(
            "the default avatar is PNG bytes, not JSON; use FetchDefaultAvatar::parse",
        ))
    }
}

/// `GET /users/{id}/default_avatar`: the generated avatar of a user without one, as PNG
/// bytes (public, cacheable for a year). Its URL is also
/// [`default_avatar_url`](crate::cdn::default_avatar_url).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct FetchDefaultAvatar {
    /// The user.
    pub user: UserId,
}

impl FetchDefaultAvatar {
    /// The default avatar of `user`.
    pub fn new(user: UserId) -> Self {
        Self { user }
    }
}

impl Request for FetchDefaultAvatar {
    type Output = PngImage;
    const ROUTE: Route = Route::api(Method::GET, "/users/{target}/default_avatar");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        Ok(Self::ROUTE
            .parts(path(&["users", &self.user.to_string(), "default_avatar"]))
            .unauthenticated())
    }

    /// The PNG bytes on success, the typed error otherwise.
    fn parse(response: &http::Response<Bytes>) -> Result<PngImage, Error> {
        if response.status().is_success() {
            Ok(PngImage(response.body().clone()))
        } else {
            Err(parse_error(response.status(), response.body()))
        }
    }
}

/// `PATCH /users/@me/username`: changes your username (user accounts only; at most one
/// discriminator change a day).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ChangeUsername {
    /// The new username (2–32 characters, see [`validate::username`]).
    pub username: String,
    /// Your current password.
    #[serde(with = "crate::model::secret")]
    pub password: Secret,
}

impl ChangeUsername {
    /// Changes your username to `username`, confirmed with your password.
    pub fn new(username: impl Into<String>, password: Secret) -> Self {
        Self {
            username: username.into(),
            password,
        }
    }
}

impl Request for ChangeUsername {
    type Output = User;
    const ROUTE: Route = Route::api(Method::PATCH, "/users/@me/username");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        validate::username("username", &self.username)?;
        Ok(Self::ROUTE
            .parts("/users/@me/username".into())
            .body(Body::json(self)?))
    }
}

/// `POST /users/friend`: sends a friend request by `username#discriminator`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SendFriendRequest {
    /// `username#1234`.
    pub username: String,
}

impl SendFriendRequest {
    /// Sends a friend request to `username#discriminator`.
    pub fn new(username: impl Into<String>, discriminator: impl AsRef<str>) -> Self {
        Self {
            username: format!("{}#{}", username.into(), discriminator.as_ref()),
        }
    }
}

impl Request for SendFriendRequest {
    type Output = User;
    const ROUTE: Route = Route::api(Method::POST, "/users/friend");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        let Some((name, discriminator)) = self.username.rsplit_once('#') else {
            return Err(ValidationError::Invalid {
                field: "username",
                reason: "must be username#discriminator".into(),
            });
        };
        if name.is_empty() {
            return Err(ValidationError::Empty("the username before '#' is empty"));
        }
        if discriminator.len() != 4 || !discriminator.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ValidationError::Invalid {
                field: "username",
                reason: format!("{discriminator:?} is not a 4-digit discriminator"),
            });
        }
        Ok(Self::ROUTE
            .parts("/users/friend".into())
            .body(Body::json(self)?))
    }
}

/// `PATCH /users/{target}`: edits your user (or a bot you own).
///
/// Every field is an [`Edit`]: unchanged, cleared (sent in `remove`) or set.
/// Badges and flags need a privileged account.
///
/// ```
/// use stoat_core::http::routes::EditUser;
/// use stoat_core::http::Request;
/// use stoat_core::model::Presence;
/// let parts = EditUser::me()
///     .status_text("on a break")
///     .presence(Presence::Idle)
///     .clear_avatar()
///     .to_parts()
///     .unwrap();
/// assert_eq!(parts.path, "/users/@me");
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct EditUser {
    /// The user: `None` for yourself (`@me`), or the id of a bot you own.
    pub user: Option<UserId>,
    /// Display name (2–32 characters).
    pub display_name: Edit<String>,
    /// Pronouns (1–24 characters).
    pub pronouns: Edit<String>,
    /// Avatar: an uploaded file id (tag `avatars`).
    pub avatar: Edit<FileId>,
    /// Status text (at most 128 characters).
    pub status_text: Edit<String>,
    /// Presence.
    pub presence: Edit<Presence>,
    /// Profile text (at most 2000 characters).
    pub profile_content: Edit<String>,
    /// Profile background: an uploaded file id (tag `backgrounds`).
    pub profile_background: Edit<FileId>,
    /// Badges (privileged accounts only).
    pub badges: Option<UserBadges>,
    /// Flags (privileged accounts only).
    pub flags: Option<UserFlags>,
}

builders! {
impl EditUser {
    /// Edits yourself (`PATCH /users/@me`).
    pub fn me() -> Self {
        Self::default()
    }

    /// Edits `user` (a bot you own, or yourself by id).
    pub fn user(user: UserId) -> Self {
        Self {
            user: Some(user),
            ..Self::default()
        }
    }

    /// Sets the display name.
    pub fn display_name(mut self, name: impl Into<String>) -> Self {
        self.display_name = Edit::Set(name.into());
        self
    }

    /// Removes the display name.
    pub fn clear_display_name(mut self) -> Self {
        self.display_name = Edit::Clear;
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

    /// Sets the avatar to an uploaded file.
    pub fn avatar(mut self, file: FileId) -> Self {
        self.avatar = Edit::Set(file);
        self
    }

    /// Removes the avatar.
    pub fn clear_avatar(mut self) -> Self {
        self.avatar = Edit::Clear;
        self
    }

    /// Sets the status text.
    pub fn status_text(mut self, text: impl Into<String>) -> Self {
        self.status_text = Edit::Set(text.into());
        self
    }

    /// Removes the status text.
    pub fn clear_status_text(mut self) -> Self {
        self.status_text = Edit::Clear;
        self
    }

    /// Sets the presence.
    pub fn presence(mut self, presence: Presence) -> Self {
        self.presence = Edit::Set(presence);
        self
    }

    /// Removes the presence (back to the default).
    pub fn clear_presence(mut self) -> Self {
        self.presence = Edit::Clear;
        self
    }

    /// Sets the profile text.
    pub fn profile_content(mut self, content: impl Into<String>) -> Self {
        self.profile_content = Edit::Set(content.into());
        self
    }

    /// Removes the profile text.
    pub fn clear_profile_content(mut self) -> Self {
        self.profile_content = Edit::Clear;
        self
    }

    /// Sets the profile background to an uploaded file.
    pub fn profile_background(mut self, file: FileId) -> Self {
        self.profile_background = Edit::Set(file);
        self
    }

    /// Removes the profile background.
    pub fn clear_profile_background(mut self) -> Self {
        self.profile_background = Edit::Clear;
        self
    }

    /// Sets the badges (privileged accounts only).
    pub fn badges(mut self, badges: UserBadges) -> Self {
        self.badges = Some(badges);
        self
    }

    /// Sets the flags (privileged accounts only).
    pub fn flags(mut self, flags: UserFlags) -> Self {
        self.flags = Some(flags);
        self
    }
}
}

impl Request for EditUser {
    type Output = User;
    const ROUTE: Route = Route::api(Method::PATCH, "/users/{target}");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        if let Some(name) = self.display_name.as_set() {
            validate::display_name(name)?;
        }
        if let Some(pronouns) = self.pronouns.as_set() {
            validate::chars("pronouns", pronouns, 1, validate::MAX_PRONOUNS)?;
        }
        if let Some(text) = self.status_text.as_set() {
            validate::chars("status.text", text, 0, validate::MAX_STATUS_TEXT)?;
        }
        if let Some(content) = self.profile_content.as_set() {
            validate::chars("profile.content", content, 0, validate::MAX_PROFILE_CONTENT)?;
        }

        let mut status = JsonBody::<FieldsUser>::new();
        status
            .edit("text", &self.status_text, FieldsUser::StatusText)?
            .edit("presence", &self.presence, FieldsUser::StatusPresence)?;
        let mut profile = JsonBody::<FieldsUser>::new();
        profile
            .edit("content", &self.profile_content, FieldsUser::ProfileContent)?
            .edit(
                "background",
                &self.profile_background,
                FieldsUser::ProfileBackground,
            )?;

        let mut body = JsonBody::<FieldsUser>::new();
        body.edit("display_name", &self.display_name, FieldsUser::DisplayName)?
            .edit("pronouns", &self.pronouns, FieldsUser::Pronouns)?
            .edit("avatar", &self.avatar, FieldsUser::Avatar)?
            .opt("badges", &self.badges)?
            .opt("flags", &self.flags)?;
        body.nest("status", status)?.nest("profile", profile)?;

        let target = self.user.map(|u| u.to_string());
        Ok(Self::ROUTE
            .parts(path(&["users", target.as_deref().unwrap_or("@me")]))
            .body(body.finish()?))
    }
}
