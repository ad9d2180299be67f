//! Accounts, sessions and multi-factor authentication. Tokens and secrets are redacted in
//! `Debug`.

use serde::{Deserialize, Serialize};

use super::Timestamp;
use crate::auth::Secret;
use crate::id::{AccountId, SessionId, UserId};

/// A web push subscription attached to a session.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct WebPushSubscription {
    /// Push endpoint URL.
    pub endpoint: String,
    /// P-256 public key.
    pub p256dh: String,
    /// Auth secret.
    pub auth: String,
}

impl WebPushSubscription {
    /// A subscription from the browser's push manager values.
    pub fn new(
        endpoint: impl Into<String>,
        p256dh: impl Into<String>,
        auth: impl Into<String>,
    ) -> Self {
        Self {
            endpoint: endpoint.into(),
            p256dh: p256dh.into(),
            auth: auth.into(),
        }
    }
}

/// A login session (`CreateSession` events, `ResponseLogin::Success`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Session {
    /// Session id.
    #[serde(rename = "_id")]
    pub id: SessionId,
    /// The user (account) it belongs to.
    pub user_id: UserId,
    /// Session token.
    #[serde(with = "super::secret")]
    pub token: Secret,
    /// Friendly name, e.g. the device.
    pub name: String,
    /// When it was last used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_seen: Option<Timestamp>,
    /// Where it was created from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
    /// Web push subscription.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscription: Option<WebPushSubscription>,
}

/// A session as `GET /auth/session/all` lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SessionInfo {
    /// Session id.
    #[serde(rename = "_id")]
    pub id: SessionId,
    /// Friendly name.
    pub name: String,
}

/// `GET /auth/account/`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AccountInfo {
    /// Account id.
    #[serde(rename = "_id")]
    pub id: AccountId,
    /// Email address.
    pub email: String,
}

string_enum! {
    /// A second factor.
    pub enum MfaMethod {
        /// The account password.
        Password = "Password",
        /// A recovery code.
        Recovery = "Recovery",
        /// A TOTP code.
        Totp = "Totp",
    }
}

/// `POST /auth/session/login`, tagged by `result`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "result")]
#[non_exhaustive]
pub enum ResponseLogin {
    /// Logged in.
    Success(Session),
    /// A second factor is needed.
    #[serde(rename = "MFA")]
    Mfa {
        /// The MFA ticket to continue with.
        #[serde(with = "super::secret")]
        ticket: Secret,
        /// Accepted factors.
        allowed_methods: Vec<MfaMethod>,
    },
    /// The account is disabled.
    Disabled {
        /// The account's user.
        user_id: UserId,
    },
}

/// A second-factor answer, e.g. in a login or to get an MFA ticket.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum MfaResponse {
    /// The password.
    Password {
        /// The password.
        #[serde(with = "super::secret")]
        password: Secret,
    },
    /// A recovery code.
    Recovery {
        /// The code.
        #[serde(with = "super::secret")]
        recovery_code: Secret,
    },
    /// A TOTP code.
    Totp {
        /// The code.
        #[serde(with = "super::secret")]
        totp_code: Secret,
    },
}

/// An MFA ticket (`PUT /auth/mfa/ticket`): proof of a recent second factor.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MfaTicket {
    /// Ticket id.
    #[serde(rename = "_id")]
    pub id: String,
    /// The account.
    pub account_id: AccountId,
    /// The ticket token (sent as `X-MFA-Ticket`).
    #[serde(with = "super::secret")]
    pub token: Secret,
    /// Whether it was validated.
    pub validated: bool,
    /// Whether it authorises an action.
    pub authorised: bool,
    /// The last TOTP code used (`null` if none).
    #[serde(default, with = "super::secret::option")]
    pub last_totp_code: Option<Secret>,
}

fn is_false(value: &bool) -> bool {
    !*value
}

/// `GET /auth/mfa/`: which factors are set up.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MultiFactorStatus {
    /// Email one-time passwords.
    #[serde(default, skip_serializing_if = "is_false")]
    pub email_otp: bool,
    /// Trusted handover.
    #[serde(default, skip_serializing_if = "is_false")]
    pub trusted_handover: bool,
    /// Email MFA.
    #[serde(default, skip_serializing_if = "is_false")]
    pub email_mfa: bool,
    /// TOTP MFA.
    #[serde(default, skip_serializing_if = "is_false")]
    pub totp_mfa: bool,
    /// Security key MFA.
    #[serde(default, skip_serializing_if = "is_false")]
    pub security_key_mfa: bool,
    /// Recovery codes are active.
    #[serde(default, skip_serializing_if = "is_false")]
    pub recovery_active: bool,
}

/// `POST /auth/mfa/totp`: a new TOTP secret.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ResponseTotpSecret {
    /// The secret.
    #[serde(with = "super::secret")]
    pub secret: Secret,
}

/// `GET /onboard/hello`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OnboardingStatus {
    /// Whether the account still has to pick a username.
    pub onboarding: bool,
}

unknown_object!(
    /// A legacy `Auth` event whose `event_type` this library does not know, kept verbatim.
    UnknownAuthEvent, "event_type"
);

/// The legacy `Auth` envelope (`{"type":"Auth","event_type":…}`) that older servers use for
/// session events; current servers send `CreateSession`,
/// `DeleteSession` and `DeleteAllSessions` events instead.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event_type", remote = "Self")]
#[non_exhaustive]
pub enum AuthEvent {
    /// A session was created.
    CreateSession {
        /// The session.
        session: Box<Session>,
    },
    /// One of your sessions was deleted.
    DeleteSession {
        /// You.
        user_id: UserId,
        /// The deleted session.
        session_id: SessionId,
    },
    /// All your sessions (but one) were deleted.
    DeleteAllSessions {
        /// You.
        user_id: UserId,
        /// The session that was kept.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        exclude_session_id: Option<SessionId>,
    },
    /// An `event_type` this version of the library does not know, kept verbatim.
    #[serde(untagged)]
    Unknown(UnknownAuthEvent),
}

checked_tagged_enum!(
    AuthEvent,
    "event_type",
    UnknownAuthEvent,
    ["CreateSession", "DeleteSession", "DeleteAllSessions"]
);
