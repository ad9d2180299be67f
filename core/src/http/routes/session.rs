//! `/auth/session` routes: logging in and out, listing and revoking sessions.

use http::Method;
use serde::Serialize;

use crate::auth::Secret;
use crate::http::{path, Body, Request, RequestParts, Route, ValidationError};
use crate::id::SessionId;
use crate::model::{MfaResponse, ResponseLogin, SessionInfo};

/// The body of a login (`DataLogin`): with email and password, or completing a login that
/// asked for a second factor.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum DataLogin {
    /// Email and password.
    Email {
        /// Email address.
        email: String,
        /// Password.
        #[serde(with = "crate::model::secret")]
        password: Secret,
        /// A name for the session (e.g. the device).
        #[serde(skip_serializing_if = "Option::is_none")]
        friendly_name: Option<String>,
    },
    /// The ticket of a [`ResponseLogin::Mfa`] answer and the second factor.
    Mfa {
        /// The ticket from the first step.
        #[serde(with = "crate::model::secret")]
        mfa_ticket: Secret,
        /// The second factor.
        #[serde(skip_serializing_if = "Option::is_none")]
        mfa_response: Option<MfaResponse>,
        /// A name for the session.
        #[serde(skip_serializing_if = "Option::is_none")]
        friendly_name: Option<String>,
    },
}

/// `POST /auth/session/login`: logs in. Public.
///
/// The answer is a session, a request for a second factor (log in again with
/// [`Login::mfa`]), or a note that the account is disabled.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Login {
    /// The credentials.
    pub data: DataLogin,
}

builders! {
impl Login {
    /// Logs in with email and password.
    pub fn email(email: impl Into<String>, password: Secret) -> Self {
        Self {
            data: DataLogin::Email {
                email: email.into(),
                password,
                friendly_name: None,
            },
        }
    }

    /// Completes a login with the MFA ticket it returned and a second factor.
    pub fn mfa(ticket: Secret, response: MfaResponse) -> Self {
        Self {
            data: DataLogin::Mfa {
                mfa_ticket: ticket,
                mfa_response: Some(response),
                friendly_name: None,
            },
        }
    }

    /// Names the new session (e.g. after the device).
    pub fn friendly_name(mut self, name: impl Into<String>) -> Self {
        match &mut self.data {
            DataLogin::Email { friendly_name, .. } | DataLogin::Mfa { friendly_name, .. } => {
                *friendly_name = Some(name.into());
            }
        }
        self
    }
}
}

impl Request for Login {
    type Output = ResponseLogin;
    const ROUTE: Route = Route::api(Method::POST, "/auth/session/login");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        Ok(Self::ROUTE
            .parts("/auth/session/login".into())
            .body(Body::json(&self.data)?)
            .unauthenticated())
    }
}

request! {
    /// `POST /auth/session/logout`: ends the current session.
    pub struct Logout;
    POST "/auth/session/logout" => ();
}

request! {
    /// `GET /auth/session/all`: your sessions.
    pub struct FetchSessions;
    GET "/auth/session/all" => Vec<SessionInfo>;
}

/// `PATCH /auth/session/{id}`: renames a session.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[non_exhaustive]
pub struct EditSession {
    /// The session.
    #[serde(skip)]
    pub session: SessionId,
    /// Its new name.
    pub friendly_name: String,
}

impl EditSession {
    /// Renames `session` to `name`.
    pub fn new(session: SessionId, name: impl Into<String>) -> Self {
        Self {
            session,
            friendly_name: name.into(),
        }
    }
}

impl Request for EditSession {
    type Output = SessionInfo;
    const ROUTE: Route = Route::api(Method::PATCH, "/auth/session/{id}");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        if self.session.as_str().is_empty() {
            return Err(ValidationError::Empty("the session id is empty"));
        }
        Ok(Self::ROUTE
            .parts(path(&["auth", "session", self.session.as_str()]))
            .body(Body::json(self)?))
    }
}

/// `DELETE /auth/session/{id}`: logs a session out.
///
/// The reference server asks for a validated MFA ticket (`X-MFA-Ticket`) here.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct RevokeSession {
    /// The session.
    pub session: SessionId,
    /// `X-MFA-Ticket`.
    pub mfa_ticket: Option<Secret>,
}

builders! {
impl RevokeSession {
    /// Logs `session` out.
    pub fn new(session: SessionId) -> Self {
        Self {
            session,
            mfa_ticket: None,
        }
    }

    /// Sends a validated MFA ticket along.
    pub fn mfa_ticket(mut self, ticket: Secret) -> Self {
        self.mfa_ticket = Some(ticket);
        self
    }
}
}

impl Request for RevokeSession {
    type Output = ();
    const ROUTE: Route = Route::api(Method::DELETE, "/auth/session/{id}");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        if self.session.as_str().is_empty() {
            return Err(ValidationError::Empty("the session id is empty"));
        }
        let mut parts = Self::ROUTE.parts(path(&["auth", "session", self.session.as_str()]));
        parts.mfa_ticket = self.mfa_ticket.clone();
        Ok(parts)
    }
}

/// `DELETE /auth/session/all`: logs every other session out (and this one too with
/// `revoke_self`).
///
/// The reference server asks for a validated MFA ticket (`X-MFA-Ticket`) here.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct DeleteAllSessions {
    /// Also log this session out (`?revoke_self=true`).
    pub revoke_self: bool,
    /// `X-MFA-Ticket`.
    pub mfa_ticket: Option<Secret>,
}

builders! {
impl DeleteAllSessions {
    /// Logs every other session out.
    pub fn new() -> Self {
        Self::default()
    }

    /// Also logs this session out.
    pub fn revoke_self(mut self, revoke: bool) -> Self {
        self.revoke_self = revoke;
        self
    }

    /// Sends a validated MFA ticket along.
    pub fn mfa_ticket(mut self, ticket: Secret) -> Self {
        self.mfa_ticket = Some(ticket);
        self
    }
}
}

impl Request for DeleteAllSessions {
    type Output = ();
    const ROUTE: Route = Route::api(Method::DELETE, "/auth/session/all");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        let query = self.revoke_self.then(|| ("revoke_self", "true".to_owned()));
        let mut parts = Self::ROUTE.parts("/auth/session/all".into()).query(query);
        parts.mfa_ticket = self.mfa_ticket.clone();
        Ok(parts)
    }
}
