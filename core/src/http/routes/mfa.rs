//! `/auth/mfa` routes: MFA tickets, recovery codes and TOTP.
//!
//! Sensitive account actions need a *validated MFA ticket*: get one with
//! [`CreateMfaTicket`] (answering with the password, a TOTP code or a recovery code) and
//! pass its [`token`](crate::model::MfaTicket::token) to the request, which sends it as
//! `X-MFA-Ticket`.

use http::Method;

use crate::auth::Secret;
use crate::http::{Body, Request, RequestParts, Route, ValidationError};
use crate::model::{MfaMethod, MfaResponse, MfaTicket, MultiFactorStatus, ResponseTotpSecret};

/// `PUT /auth/mfa/ticket`: exchanges a second factor for an MFA ticket.
///
/// With your session ([`new`](Self::new)) this proves a recent second factor. With an
/// unvalidated ticket from a login ([`validate`](Self::validate)) the session token is not
/// sent and the ticket goes in `X-MFA-Ticket`.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct CreateMfaTicket {
    /// The second factor.
    pub response: MfaResponse,
    /// An unvalidated ticket to validate (`X-MFA-Ticket`; no session token is sent).
    pub ticket: Option<Secret>,
}

impl CreateMfaTicket {
    /// A ticket for the logged-in session.
    pub fn new(response: MfaResponse) -> Self {
        Self {
            response,
            ticket: None,
        }
    }

    /// Validates `ticket` with `response`.
    pub fn validate(ticket: Secret, response: MfaResponse) -> Self {
        Self {
            response,
            ticket: Some(ticket),
        }
    }
}

impl Request for CreateMfaTicket {
    type Output = MfaTicket;
    const ROUTE: Route = Route::api(Method::PUT, "/auth/mfa/ticket");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        let mut parts = Self::ROUTE
            .parts("/auth/mfa/ticket".into())
            .body(Body::json(&self.response)?);
        if let Some(ticket) = &self.ticket {
            parts = parts.unauthenticated();
            parts.mfa_ticket = Some(ticket.clone());
        }
        Ok(parts)
    }
}

request! {
    /// `GET /auth/mfa/`: which second factors are set up.
    pub struct FetchMfaStatus;
    GET "/auth/mfa/" => MultiFactorStatus;
}

request! {
    /// `GET /auth/mfa/methods`: the second factors you can answer with.
    pub struct FetchMfaMethods;
    GET "/auth/mfa/methods" => Vec<MfaMethod>;
}

request! {
    /// `POST /auth/mfa/recovery`: your recovery codes. Needs a validated MFA ticket.
    pub struct FetchRecoveryCodes {
        /// A validated MFA ticket (`X-MFA-Ticket`).
        mfa_ticket: Secret,
    }
    POST "/auth/mfa/recovery" ["auth", "mfa", "recovery"] => Vec<String>, mfa_ticket;
}

request! {
    /// `PATCH /auth/mfa/recovery`: replaces your recovery codes. Needs a validated MFA
    /// ticket.
    pub struct GenerateRecoveryCodes {
        /// A validated MFA ticket (`X-MFA-Ticket`).
        mfa_ticket: Secret,
    }
    PATCH "/auth/mfa/recovery" ["auth", "mfa", "recovery"] => Vec<String>, mfa_ticket;
}

request! {
    /// `POST /auth/mfa/totp`: a new TOTP secret to enrol (confirm it with
    /// [`EnableTotp`]). Needs a validated MFA ticket.
    pub struct GenerateTotpSecret {
        /// A validated MFA ticket (`X-MFA-Ticket`).
        mfa_ticket: Secret,
    }
    POST "/auth/mfa/totp" ["auth", "mfa", "totp"] => ResponseTotpSecret, mfa_ticket;
}

/// `PUT /auth/mfa/totp`: turns TOTP on by answering with a code from the new secret.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct EnableTotp {
    /// A TOTP code (`{"totp_code": …}`).
    pub response: MfaResponse,
}

impl EnableTotp {
    /// Enables TOTP, confirmed with `response`.
    pub fn new(response: MfaResponse) -> Self {
        Self { response }
    }
}

impl Request for EnableTotp {
    type Output = ();
    const ROUTE: Route = Route::api(Method::PUT, "/auth/mfa/totp");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        Ok(Self::ROUTE
            .parts("/auth/mfa/totp".into())
            .body(Body::json(&self.response)?))
    }
}

request! {
    /// `DELETE /auth/mfa/totp`: turns TOTP off. Needs a validated MFA ticket.
    pub struct DisableTotp {
        /// A validated MFA ticket (`X-MFA-Ticket`).
        mfa_ticket: Secret,
    }
    DELETE "/auth/mfa/totp" ["auth", "mfa", "totp"] => (), mfa_ticket;
}
