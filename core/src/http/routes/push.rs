//! `/push` routes: Web Push subscriptions of the current session.

use http::Method;

use crate::http::{Body, Request, RequestParts, Route, ValidationError};
use crate::model::WebPushSubscription;

/// `POST /push/subscribe`: attaches a Web Push subscription to the current session (the
/// instance's VAPID key is `GET /` → `vapid`).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PushSubscribe {
    /// The subscription.
    pub subscription: WebPushSubscription,
}

impl PushSubscribe {
    /// Subscribes the push service `endpoint` with the browser's `p256dh` key and `auth`
    /// secret.
    pub fn new(
        endpoint: impl Into<String>,
        p256dh: impl Into<String>,
        auth: impl Into<String>,
    ) -> Self {
        Self::with(WebPushSubscription::new(endpoint, p256dh, auth))
    }

    /// Subscribes with `subscription`.
    pub fn with(subscription: WebPushSubscription) -> Self {
        Self { subscription }
    }
}

impl Request for PushSubscribe {
    type Output = ();
    const ROUTE: Route = Route::api(Method::POST, "/push/subscribe");
    fn to_parts(&self) -> Result<RequestParts, ValidationError> {
        if self.subscription.endpoint.is_empty() {
            return Err(ValidationError::Empty("the push endpoint is empty"));
        }
        Ok(Self::ROUTE
            .parts("/push/subscribe".into())
            .body(Body::json(&self.subscription)?))
    }
}

request! {
    /// `POST /push/unsubscribe`: removes the current session's Web Push subscription.
    pub struct PushUnsubscribe;
    POST "/push/unsubscribe" => ();
}
