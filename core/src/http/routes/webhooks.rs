//! Webhook routes: managing webhooks (`/channels/{id}/webhooks`, `/webhooks/{id}` with
//! your token) and using them (`/webhooks/{id}/{token}`, no account needed).
//!
//! The `/webhooks/*` routes are only mounted when the instance enables webhooks. The token
//! routes put the webhook token in the path: it is a [`Secret`] here (redacted in `Debug`),
//! but it necessarily appears in the request URI.

use http::Method;
use serde::Serialize;

use super::edit::{Edit, JsonBody};
use super::messages::{message_builders, DataEditMessage, DataMessageSend};
use super::validate;
use crate::auth::Secret;
use crate::http::{path, Body, Request, RequestParts, Route, ValidationError};
use crate::id::{ChannelId, FileId, MessageId, WebhookId};
use crate::model::{FieldsWebhook, Message, Permissions, ResponseWebhook, SendableEmbed, Webhook};

/// `POST /channels/{id}/webhooks`: creates a webhook (needs `ManageWebhooks`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CreateWebhook {
    /// The channel it posts to.
    #[serde(skip)]
    pub channel: ChannelId,
    /// Name (1–32 characters).
    pub name: String,
    /// Avatar: an uploaded file id (tag `avatars`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub avatar: Option<FileId>,
    /// `X-Audit-Log-Reason`.
    #[serde(skip)]
    pub reason: Option<String>,
}

builders! {
impl CreateWebhook {
    /// A webhook called `name` posting to `channel`.
    pub fn new(channel: ChannelId, name: impl Into<String>) -> Self {
        Self {
            channel,
            name: name.into(),
            avatar: None,
            reason: None,
        }
    }

    /// Sets the avatar to an uploaded file.
    pub fn avatar(mut self, file: FileId) -> Self {
        self.avatar = Some(file);
        self
    }

    /// Records a reason in the server's audit log.
    pub fn reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }
}
}

impl Request for CreateWebhook {
    type Output = Webhook;
    const ROUTE: Route = Route::api(Method::POST, "/channels/{channel_id}/webhooks");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        validate::name("name", &self.name)?;
        if let Some(avatar) = &self.avatar {
            validate::chars("avatar", avatar.as_str(), 1, 128)?;
        }
        validate::audit_log_reason(self.reason.as_deref())?;
        Ok(Self::ROUTE
            .parts(path(&["channels", &self.channel.to_string(), "webhooks"]))
            .body(Body::json(self)?)
            .audit_log_reason(self.reason.clone()))
    }
}

request! {
    /// `GET /channels/{id}/webhooks`: a channel's webhooks (needs `ManageWebhooks`).
    pub struct FetchChannelWebhooks {
        /// The channel.
        channel: ChannelId,
    }
    GET "/channels/{channel_id}/webhooks" ["channels", channel, "webhooks"] => Vec<Webhook>;
}

request! {
    /// `GET /webhooks/{id}`: a webhook, as a user with `ManageWebhooks` sees it (no
    /// token).
    pub struct FetchWebhook {
        /// The webhook.
        webhook: WebhookId,
    }
    GET "/webhooks/{webhook_id}" ["webhooks", webhook] => ResponseWebhook;
}

request! {
    /// `DELETE /webhooks/{id}`: deletes a webhook (needs `ManageWebhooks`).
    pub struct DeleteWebhook {
        /// The webhook.
        webhook: WebhookId,
    }
    DELETE "/webhooks/{webhook_id}" ["webhooks", webhook] => (), audit_log_reason;
}

/// The changes of a webhook edit (`DataEditWebhook`), shared by [`EditWebhook`] and
/// [`EditWebhookWithToken`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct DataEditWebhook {
    /// New name (1–32 characters).
    pub name: Option<String>,
    /// Avatar: an uploaded file id (tag `avatars`).
    pub avatar: Edit<FileId>,
    /// What the webhook may do.
    pub permissions: Option<Permissions>,
}

impl DataEditWebhook {
    fn to_body(&self) -> Result<Body, ValidationError> {
        if let Some(name) = &self.name {
            validate::name("name", name)?;
        }
        let mut body = JsonBody::<FieldsWebhook>::new();
        body.opt("name", &self.name)?
            .edit("avatar", &self.avatar, FieldsWebhook::Avatar)?
            .opt("permissions", &self.permissions)?;
        body.finish()
    }
}

/// The builders of a request that carries a [`DataEditWebhook`] in its `edit` field,
/// declared through `builders!`.
macro_rules! webhook_edit_builders {
    ($ty:ident) => {
        builders! {
        impl $ty {
        /// Renames the webhook.
        pub fn name(mut self, name: impl Into<String>) -> Self {
            self.edit.name = Some(name.into());
            self
        }

        /// Sets the avatar to an uploaded file.
        pub fn avatar(mut self, file: FileId) -> Self {
            self.edit.avatar = Edit::Set(file);
            self
        }

        /// Removes the avatar.
        pub fn clear_avatar(mut self) -> Self {
            self.edit.avatar = Edit::Clear;
            self
        }

        /// Sets what the webhook may do.
        pub fn permissions(mut self, permissions: Permissions) -> Self {
            self.edit.permissions = Some(permissions);
            self
        }
        }
        }
    };
}

/// `PATCH /webhooks/{id}`: edits a webhook with your token (needs `ManageWebhooks`).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct EditWebhook {
    /// The webhook.
    pub webhook: WebhookId,
    /// The changes.
    pub edit: DataEditWebhook,
}

impl EditWebhook {
    /// An edit of `webhook` that changes nothing yet.
    pub fn new(webhook: WebhookId) -> Self {
        Self {
            webhook,
            edit: DataEditWebhook::default(),
        }
    }
}

webhook_edit_builders!(EditWebhook);

impl Request for EditWebhook {
    type Output = Webhook;
    const ROUTE: Route = Route::api(Method::PATCH, "/webhooks/{webhook_id}");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        Ok(Self::ROUTE
            .parts(path(&["webhooks", &self.webhook.to_string()]))
            .body(self.edit.to_body()?))
    }
}

/// The parts of a token route: the token is in the path, so it is marked as a path secret.
fn token_parts(route: Route, webhook: WebhookId, token: &Secret, rest: &[&str]) -> RequestParts {
    let id = webhook.to_string();
    let mut segments = vec!["webhooks", id.as_str(), token.expose()];
    segments.extend_from_slice(rest);
    route.parts(path(&segments)).path_secret(token.clone())
}

fn check_token(token: &Secret) -> Result<(), ValidationError> {
    if token.expose().is_empty() {
        return Err(ValidationError::Empty("the webhook token is empty"));
    }
    Ok(())
}

/// `GET /webhooks/{id}/{token}`: a webhook, by its token (no account needed).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct FetchWebhookWithToken {
    /// The webhook.
    pub webhook: WebhookId,
    /// Its token.
    pub token: Secret,
}

impl FetchWebhookWithToken {
    /// Fetches `webhook` with its `token`.
    pub fn new(webhook: WebhookId, token: Secret) -> Self {
        Self { webhook, token }
    }
}

impl Request for FetchWebhookWithToken {
    type Output = Webhook;
    const ROUTE: Route = Route::api(Method::GET, "/webhooks/{webhook_id}/{token}");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        check_token(&self.token)?;
        Ok(token_parts(Self::ROUTE, self.webhook, &self.token, &[]).unauthenticated())
    }
}

/// `PATCH /webhooks/{id}/{token}`: edits a webhook by its token.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct EditWebhookWithToken {
    /// The webhook.
    pub webhook: WebhookId,
    /// Its token.
    pub token: Secret,
    /// The changes.
    pub edit: DataEditWebhook,
}

impl EditWebhookWithToken {
    /// An edit of `webhook` that changes nothing yet.
    pub fn new(webhook: WebhookId, token: Secret) -> Self {
        Self {
            webhook,
            token,
            edit: DataEditWebhook::default(),
        }
    }
}

webhook_edit_builders!(EditWebhookWithToken);

impl Request for EditWebhookWithToken {
    type Output = Webhook;
    const ROUTE: Route = Route::api(Method::PATCH, "/webhooks/{webhook_id}/{token}");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        check_token(&self.token)?;
        Ok(token_parts(Self::ROUTE, self.webhook, &self.token, &[])
            .body(self.edit.to_body()?)
            .unauthenticated())
    }
}

/// `DELETE /webhooks/{id}/{token}`: deletes a webhook by its token.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct DeleteWebhookWithToken {
    /// The webhook.
    pub webhook: WebhookId,
    /// Its token.
    pub token: Secret,
}

impl DeleteWebhookWithToken {
    /// Deletes `webhook` with its `token`.
    pub fn new(webhook: WebhookId, token: Secret) -> Self {
        Self { webhook, token }
    }
}

impl Request for DeleteWebhookWithToken {
    type Output = ();
    const ROUTE: Route = Route::api(Method::DELETE, "/webhooks/{webhook_id}/{token}");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        check_token(&self.token)?;
        Ok(token_parts(Self::ROUTE, self.webhook, &self.token, &[]).unauthenticated())
    }
}

/// `POST /webhooks/{id}/{token}`: posts a message as the webhook.
///
/// The body is the same as [`SendMessage`](super::SendMessage)'s, with the same checks;
/// an idempotency key makes a retry safe.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ExecuteWebhook {
    /// The webhook.
    pub webhook: WebhookId,
    /// Its token.
    pub token: Secret,
    /// `Idempotency-Key` (stored as the message nonce).
    pub idempotency_key: Option<String>,
    /// The message.
    pub message: DataMessageSend,
}

impl ExecuteWebhook {
    /// Posts the text `content` through `webhook`.
    pub fn new(webhook: WebhookId, token: Secret, content: impl Into<String>) -> Self {
        Self::with(webhook, token, DataMessageSend::new(content))
    }

    /// Posts `message` through `webhook`.
    pub fn with(webhook: WebhookId, token: Secret, message: DataMessageSend) -> Self {
        Self {
            webhook,
            token,
            idempotency_key: None,
            message,
        }
    }
}

message_builders!(ExecuteWebhook, message);

impl Request for ExecuteWebhook {
    type Output = Message;
    const ROUTE: Route = Route::api(Method::POST, "/webhooks/{webhook_id}/{token}");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        check_token(&self.token)?;
        self.message.validate()?;
        validate::idempotency_key(self.idempotency_key.as_deref())?;
        Ok(token_parts(Self::ROUTE, self.webhook, &self.token, &[])
            .body(Body::json(&self.message)?)
            .idempotency_key(self.idempotency_key.clone())
            .unauthenticated())
    }
}

/// `POST /webhooks/{id}/{token}/github`: forwards a GitHub webhook delivery, which the
/// server turns into a message.
///
/// The event name goes in the `X-GitHub-Event` header, as GitHub sends it.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ExecuteGithubWebhook {
    /// The webhook.
    pub webhook: WebhookId,
    /// Its token.
    pub token: Secret,
    /// The GitHub event name (`X-GitHub-Event`, e.g. `"push"`).
    pub event: String,
    /// GitHub's JSON payload, forwarded as is.
    pub payload: serde_json::Value,
}

impl ExecuteGithubWebhook {
    /// Forwards the GitHub `event` with its `payload`.
    pub fn new(
        webhook: WebhookId,
        token: Secret,
        event: impl Into<String>,
        payload: serde_json::Value,
    ) -> Self {
        Self {
            webhook,
            token,
            event: event.into(),
            payload,
        }
    }
}

impl Request for ExecuteGithubWebhook {
    type Output = ();
    const ROUTE: Route = Route::api(Method::POST, "/webhooks/{webhook_id}/{token}/github");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        check_token(&self.token)?;
        if self.event.is_empty() {
            return Err(ValidationError::Empty("the GitHub event name is empty"));
        }
        let event =
            http::HeaderValue::from_str(&self.event).map_err(|_| ValidationError::Invalid {
                field: "event",
                reason: "not a valid header value".into(),
            })?;
        Ok(
            token_parts(Self::ROUTE, self.webhook, &self.token, &["github"])
                .header(http::HeaderName::from_static("x-github-event"), event)
                .body(Body::json(&self.payload)?)
                .unauthenticated(),
        )
    }
}

/// `PATCH /webhooks/{id}/{token}/{message}`: edits a message the webhook posted.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct EditWebhookMessage {
    /// The webhook.
    pub webhook: WebhookId,
    /// Its token.
    pub token: Secret,
    /// The message.
    pub message: MessageId,
    /// The edit.
    pub edit: DataEditMessage,
}

builders! {
impl EditWebhookMessage {
    /// Replaces the content of `message`.
    pub fn new(
        webhook: WebhookId,
        token: Secret,
        message: MessageId,
        content: impl Into<String>,
    ) -> Self {
        Self {
            webhook,
            token,
            message,
            edit: DataEditMessage {
                content: Some(content.into()),
                embeds: None,
            },
        }
    }

    /// Also replaces the embeds (an empty list removes them).
    pub fn embeds(mut self, embeds: Vec<SendableEmbed>) -> Self {
        self.edit.embeds = Some(embeds);
        self
    }
}
}

impl Request for EditWebhookMessage {
    type Output = Message;
    const ROUTE: Route = Route::api(Method::PATCH, "/webhooks/{webhook_id}/{token}/{message_id}");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        check_token(&self.token)?;
        self.edit.validate()?;
        Ok(token_parts(
            Self::ROUTE,
            self.webhook,
            &self.token,
            &[&self.message.to_string()],
        )
        .body(Body::json(&self.edit)?)
        .unauthenticated())
    }
}

/// `DELETE /webhooks/{id}/{token}/{message}`: deletes a message the webhook posted.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct DeleteWebhookMessage {
    /// The webhook.
    pub webhook: WebhookId,
    /// Its token.
    pub token: Secret,
    /// The message.
    pub message: MessageId,
}

impl DeleteWebhookMessage {
    /// Deletes `message`.
    pub fn new(webhook: WebhookId, token: Secret, message: MessageId) -> Self {
        Self {
            webhook,
            token,
            message,
        }
    }
}

impl Request for DeleteWebhookMessage {
    type Output = ();
    const ROUTE: Route = Route::api(
        Method::DELETE,
        "/webhooks/{webhook_id}/{token}/{message_id}",
    );
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        check_token(&self.token)?;
        Ok(token_parts(
            Self::ROUTE,
            self.webhook,
            &self.token,
            &[&self.message.to_string()],
        )
        .unauthenticated())
    }
}
