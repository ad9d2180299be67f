//! Invite routes: creating (`/channels/{id}/invites`), listing (`/servers/{id}/invites`),
//! viewing, joining and deleting (`/invites/{code}`).

use http::Method;

use super::validate;
use crate::http::{path, Body, Request, RequestParts, Route, ValidationError};
use crate::id::{ChannelId, InviteCode, ServerId};
use crate::model::{DataCreateInvite, Invite, InviteJoinResponse, InviteResponse, Timestamp};

/// `POST /channels/{id}/invites`: creates an invite to a server channel or group.
///
/// The body (`DataCreateInvite`, `{}` when nothing is set) is new in revolt-models 0.16.2;
/// older servers ignore it, so a use limit or an expiry only takes effect on newer ones.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct CreateInvite {
    /// The channel.
    pub channel: ChannelId,
    /// Use limit and expiry.
    pub options: DataCreateInvite,
    /// `X-Audit-Log-Reason`.
    pub reason: Option<String>,
}

builders! {
impl CreateInvite {
    /// An invite to `channel`.
    pub fn new(channel: ChannelId) -> Self {
        Self {
            channel,
            options: DataCreateInvite::default(),
            reason: None,
        }
    }

    /// At most `uses` uses (1–100).
    pub fn max_uses(mut self, uses: u64) -> Self {
        self.options.max_uses = Some(uses);
        self
    }

    /// Expires at `when`.
    pub fn expires(mut self, when: Timestamp) -> Self {
        self.options.expires = Some(when);
        self
    }

    /// Records a reason in the server's audit log.
    pub fn reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }
}
}

impl Request for CreateInvite {
    type Output = Invite;
    const ROUTE: Route = Route::api(Method::POST, "/channels/{target}/invites");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        if let Some(uses) = self.options.max_uses {
            validate::range("max_uses", uses, 1, validate::MAX_INVITE_USES)?;
        }
        validate::audit_log_reason(self.reason.as_deref())?;
        Ok(Self::ROUTE
            .parts(path(&["channels", &self.channel.to_string(), "invites"]))
            .body(Body::json(&self.options)?)
            .audit_log_reason(self.reason.clone()))
    }
}

request! {
    /// `GET /servers/{id}/invites`: a server's invites (needs `ManageServer`).
    pub struct FetchServerInvites {
        /// The server.
        server: ServerId,
    }
    GET "/servers/{target}/invites" ["servers", server, "invites"] => Vec<Invite>;
}

request! {
    /// `GET /invites/{code}`: what an invite leads to. Public.
    pub struct FetchInvite {
        /// The invite code.
        code: InviteCode,
    }
    GET "/invites/{target}" ["invites", code] => InviteResponse, public;
}

request! {
    /// `POST /invites/{code}`: joins the server or group an invite leads to (user accounts
    /// only; bots are added with [`InviteBot`](super::InviteBot)).
    pub struct JoinInvite {
        /// The invite code.
        code: InviteCode,
    }
    POST "/invites/{target}" ["invites", code] => InviteJoinResponse;
}

request! {
    /// `DELETE /invites/{code}`: deletes an invite.
    pub struct DeleteInvite {
        /// The invite code.
        code: InviteCode,
    }
    DELETE "/invites/{target}" ["invites", code] => (), audit_log_reason;
}
