//! `/safety` routes: reporting content to the platform's moderators.

use http::Method;

use super::validate;
use crate::http::{Body, Request, RequestParts, Route, ValidationError};
use crate::id::{MessageId, ServerId, UserId};
use crate::model::{ContentReportReason, DataReportContent, ReportedContent, UserReportReason};

/// `POST /safety/report`: reports a message, a server or a user (user accounts only).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ReportContent {
    /// The report.
    pub report: DataReportContent,
}

builders! {
impl ReportContent {
    /// Reports `content` ([`message`](Self::message), [`server`](Self::server) and
    /// [`user`](Self::user) build the usual shapes).
    pub fn new(content: ReportedContent) -> Self {
        Self {
            report: DataReportContent {
                content,
                additional_context: String::new(),
            },
        }
    }

    /// Reports a message.
    pub fn message(message: MessageId, reason: ContentReportReason) -> Self {
        Self::new(ReportedContent::Message {
            id: message,
            report_reason: reason,
        })
    }

    /// Reports a server.
    pub fn server(server: ServerId, reason: ContentReportReason) -> Self {
        Self::new(ReportedContent::Server {
            id: server,
            report_reason: reason,
        })
    }

    /// Reports a user, optionally pointing at a message that shows the problem.
    pub fn user(user: UserId, reason: UserReportReason, message: Option<MessageId>) -> Self {
        Self::new(ReportedContent::User {
            id: user,
            report_reason: reason,
            message_id: message,
        })
    }

    /// Adds context for the moderators (at most 1000 characters).
    pub fn context(mut self, context: impl Into<String>) -> Self {
        self.report.additional_context = context.into();
        self
    }
}
}

impl Request for ReportContent {
    type Output = ();
    const ROUTE: Route = Route::api(Method::POST, "/safety/report");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        validate::chars(
            "additional_context",
            &self.report.additional_context,
            0,
            validate::MAX_REPORT_CONTEXT,
        )?;
        Ok(Self::ROUTE
            .parts("/safety/report".into())
            .body(Body::json(&self.report)?))
    }
}
