//! `/auth/account` routes: creating, verifying, securing and deleting an account (session
//! tokens only; bots have no account).

use http::Method;
use serde::{Deserialize, Serialize};

use crate::auth::Secret;
use crate::http::{path, Body, Request, RequestParts, Route, ValidationError};
use crate::model::{AccountInfo, MfaTicket};

fn check_email(email: &str) -> Result<(), ValidationError> {
    match email.split_once('@') {
        Some((local, domain)) if !local.is_empty() && !domain.is_empty() => Ok(()),
        _ => Err(ValidationError::Invalid {
            field: "email",
            reason: "not an email address".into(),
        }),
    }
}

/// `POST /auth/account/create`: registers an account; a verification email follows when
/// the instance sends email. Public.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CreateAccount {
    /// Email address.
    pub email: String,
    /// Password.
    #[serde(with = "crate::model::secret")]
    pub password: Secret,
    /// Invite code (instances that are invite-only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invite: Option<String>,
    /// hCaptcha answer (instances with a captcha).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub captcha: Option<String>,
}

builders! {
impl CreateAccount {
    /// An account for `email` with `password`.
    pub fn new(email: impl Into<String>, password: Secret) -> Self {
        Self {
            email: email.into(),
            password,
            invite: None,
            captcha: None,
        }
    }

    /// Sets the invite code.
    pub fn invite(mut self, invite: impl Into<String>) -> Self {
        self.invite = Some(invite.into());
        self
    }

    /// Sets the captcha answer.
    pub fn captcha(mut self, captcha: impl Into<String>) -> Self {
        self.captcha = Some(captcha.into());
        self
    }
}
}

impl Request for CreateAccount {
    type Output = ();
    const ROUTE: Route = Route::api(Method::POST, "/auth/account/create");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        check_email(&self.email)?;
        Ok(Self::ROUTE
            .parts("/auth/account/create".into())
            .body(Body::json(self)?)
            .unauthenticated())
    }
}

/// An email address and an optional captcha answer (resending the verification, asking
/// for a password reset).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct DataEmail {
    /// Email address.
    pub email: String,
    /// hCaptcha answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub captcha: Option<String>,
}

/// `POST /auth/account/reverify`: sends the verification email again. Public.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ResendVerification {
    /// The address and captcha.
    pub data: DataEmail,
}

builders! {
impl ResendVerification {
    /// Resends the verification email to `email`.
    pub fn new(email: impl Into<String>) -> Self {
        Self {
            data: DataEmail {
                email: email.into(),
                captcha: None,
            },
        }
    }

    /// Sets the captcha answer.
    pub fn captcha(mut self, captcha: impl Into<String>) -> Self {
        self.data.captcha = Some(captcha.into());
        self
    }
}
}

impl Request for ResendVerification {
    type Output = ();
    const ROUTE: Route = Route::api(Method::POST, "/auth/account/reverify");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        check_email(&self.data.email)?;
        Ok(Self::ROUTE
            .parts("/auth/account/reverify".into())
            .body(Body::json(&self.data)?)
            .unauthenticated())
    }
}

/// `POST /auth/account/reset_password`: emails a password reset link. Public.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SendPasswordReset {
    /// The address and captcha.
    pub data: DataEmail,
}

builders! {
impl SendPasswordReset {
    /// Sends a reset link to `email`.
    pub fn new(email: impl Into<String>) -> Self {
        Self {
            data: DataEmail {
                email: email.into(),
                captcha: None,
            },
        }
    }

    /// Sets the captcha answer.
    pub fn captcha(mut self, captcha: impl Into<String>) -> Self {
        self.data.captcha = Some(captcha.into());
        self
    }
}
}

impl Request for SendPasswordReset {
    type Output = ();
    const ROUTE: Route = Route::api(Method::POST, "/auth/account/reset_password");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        check_email(&self.data.email)?;
        Ok(Self::ROUTE
            .parts("/auth/account/reset_password".into())
            .body(Body::json(&self.data)?)
            .unauthenticated())
    }
}

/// `PATCH /auth/account/reset_password`: sets a new password with the emailed token.
/// Public.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ResetPassword {
    /// The token from the email.
    #[serde(with = "crate::model::secret")]
    pub token: Secret,
    /// The new password.
    #[serde(with = "crate::model::secret")]
    pub password: Secret,
    /// Also log out every session.
    pub remove_sessions: bool,
}

builders! {
impl ResetPassword {
    /// Sets `password` using the emailed `token`.
    pub fn new(token: Secret, password: Secret) -> Self {
        Self {
            token,
            password,
            remove_sessions: false,
        }
    }

    /// Also logs out every session.
    pub fn remove_sessions(mut self, remove: bool) -> Self {
        self.remove_sessions = remove;
        self
    }
}
}

impl Request for ResetPassword {
    type Output = ();
    const ROUTE: Route = Route::api(Method::PATCH, "/auth/account/reset_password");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        Ok(Self::ROUTE
            .parts("/auth/account/reset_password".into())
            .body(Body::json(self)?)
            .unauthenticated())
    }
}

/// What `POST /auth/account/verify/{code}` returns: nothing, or an MFA ticket when the
/// verification was for a new account (it can log in with it right away).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum ResponseVerify {
    /// A ticket to log in with.
    WithTicket {
        /// The ticket.
        ticket: MfaTicket,
    },
    /// No ticket (the body is `null`).
    NoTicket,
}

impl ResponseVerify {
    /// The ticket, if there is one.
    pub fn ticket(&self) -> Option<&MfaTicket> {
        match self {
            Self::WithTicket { ticket } => Some(ticket),
            Self::NoTicket => None,
        }
    }
}

/// `POST /auth/account/verify/{code}`: confirms an email address with the emailed code.
/// Public.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct VerifyEmail {
    /// The code from the email.
    pub code: Secret,
}

impl VerifyEmail {
    /// Verifies with `code`.
    pub fn new(code: Secret) -> Self {
        Self { code }
    }
}

impl Request for VerifyEmail {
    type Output = ResponseVerify;
    const ROUTE: Route = Route::api(Method::POST, "/auth/account/verify/{code}");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        Ok(Self::ROUTE
            .parts(path(&["auth", "account", "verify", self.code.expose()]))
            .unauthenticated())
    }
}

request! {
    /// `GET /auth/account/`: your account's id and email.
    pub struct FetchAccount;
    GET "/auth/account/" => AccountInfo;
}

/// `PATCH /auth/account/change/email`: changes your email address.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ChangeEmail {
    /// The new address.
    pub email: String,
    /// Your current password.
    #[serde(with = "crate::model::secret")]
    pub current_password: Secret,
    /// `X-MFA-Ticket`, if your account asks for one.
    #[serde(skip)]
    pub mfa_ticket: Option<Secret>,
}

builders! {
impl ChangeEmail {
    /// Changes your address to `email`, confirmed with your password.
    pub fn new(email: impl Into<String>, current_password: Secret) -> Self {
        Self {
            email: email.into(),
            current_password,
            mfa_ticket: None,
        }
    }

    /// Sends an MFA ticket along.
    pub fn mfa_ticket(mut self, ticket: Secret) -> Self {
        self.mfa_ticket = Some(ticket);
        self
    }
}
}

impl Request for ChangeEmail {
    type Output = ();
    const ROUTE: Route = Route::api(Method::PATCH, "/auth/account/change/email");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        check_email(&self.email)?;
        let mut parts = Self::ROUTE
            .parts("/auth/account/change/email".into())
            .body(Body::json(self)?);
        parts.mfa_ticket = self.mfa_ticket.clone();
        Ok(parts)
    }
}

/// `PATCH /auth/account/change/password`: changes your password.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ChangePassword {
    /// The new password.
    #[serde(with = "crate::model::secret")]
    pub password: Secret,
    /// Your current password.
    #[serde(with = "crate::model::secret")]
    pub current_password: Secret,
    /// `X-MFA-Ticket`, if your account asks for one.
    #[serde(skip)]
    pub mfa_ticket: Option<Secret>,
}

builders! {
impl ChangePassword {
    /// Changes your password to `password`, confirmed with the current one.
    pub fn new(password: Secret, current_password: Secret) -> Self {
        Self {
            password,
            current_password,
            mfa_ticket: None,
        }
    }

    /// Sends an MFA ticket along.
    pub fn mfa_ticket(mut self, ticket: Secret) -> Self {
        self.mfa_ticket = Some(ticket);
        self
    }
}
}

impl Request for ChangePassword {
    type Output = ();
    const ROUTE: Route = Route::api(Method::PATCH, "/auth/account/change/password");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        let mut parts = Self::ROUTE
            .parts("/auth/account/change/password".into())
            .body(Body::json(self)?);
        parts.mfa_ticket = self.mfa_ticket.clone();
        Ok(parts)
    }
}

request! {
    /// `POST /auth/account/delete`: asks to delete your account; a confirmation email
    /// follows ([`ConfirmAccountDeletion`]). Needs a validated MFA ticket.
    pub struct DeleteAccount {
        /// A validated MFA ticket (`X-MFA-Ticket`).
        mfa_ticket: Secret,
    }
    POST "/auth/account/delete" ["auth", "account", "delete"] => (), mfa_ticket;
}

/// `PUT /auth/account/delete`: confirms an account deletion with the emailed token.
/// Public.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[non_exhaustive]
pub struct ConfirmAccountDeletion {
    /// The token from the email.
    #[serde(with = "crate::model::secret")]
    pub token: Secret,
}

impl ConfirmAccountDeletion {
    /// Confirms with `token`.
    pub fn new(token: Secret) -> Self {
        Self { token }
    }
}

impl Request for ConfirmAccountDeletion {
    type Output = ();
    const ROUTE: Route = Route::api(Method::PUT, "/auth/account/delete");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        Ok(Self::ROUTE
            .parts("/auth/account/delete".into())
            .body(Body::json(self)?)
            .unauthenticated())
    }
}

request! {
    /// `POST /auth/account/disable`: disables your account and logs every session out.
    /// Needs a validated MFA ticket.
    pub struct DisableAccount {
        /// A validated MFA ticket (`X-MFA-Ticket`).
        mfa_ticket: Secret,
    }
    POST "/auth/account/disable" ["auth", "account", "disable"] => (), mfa_ticket;
}
