//! Error responses: the JSON `revolt_result::Error` shape and Rocket's default catcher.

use serde_json::{Map, Value};

/// A handler error rendered as `{"type":…, …extra, "location":…}`.
#[derive(Debug, Clone)]
pub(crate) struct ApiError {
    pub(crate) status: u16,
    pub(crate) body: Value,
}

impl ApiError {
    /// An error of the given `ErrorType` variant, with its real HTTP status.
    pub(crate) fn new(kind: &str, location: &str) -> Self {
        Self::with_fields(kind, Vec::new(), location)
    }

    /// An error carrying extra fields (e.g. `permission`, `max`, `error`).
    pub(crate) fn with_fields(kind: &str, fields: Vec<(&str, Value)>, location: &str) -> Self {
        let mut body = Map::new();
        body.insert("type".into(), Value::from(kind));
        for (key, value) in fields {
            body.insert(key.into(), value);
        }
        body.insert("location".into(), Value::from(location));
        Self {
            status: status_of(kind),
            body: Value::Object(body),
        }
    }

    /// `NotFound` (404), the error almost every failed lookup gives.
    pub(crate) fn not_found(location: &str) -> Self {
        Self::new("NotFound", location)
    }

    /// `MissingPermission{permission}` (403).
    pub(crate) fn missing_permission(permission: &str) -> Self {
        Self::with_fields(
            "MissingPermission",
            vec![("permission", Value::from(permission))],
            "crates/core/permissions/src/models/mod.rs:80:17",
        )
    }

    /// `MissingPermission{permission}` (403) for a user-to-user permission.
    pub(crate) fn missing_user_permission(permission: &str) -> Self {
        Self::with_fields(
            "MissingPermission",
            vec![("permission", Value::from(permission))],
            "crates/core/permissions/src/models/mod.rs:69:17",
        )
    }

    /// `FailedValidation{error}` (400).
    pub(crate) fn failed_validation(error: String, location: &str) -> Self {
        Self::with_fields(
            "FailedValidation",
            vec![("error", Value::from(error))],
            location,
        )
    }
}

/// The HTTP status of each `ErrorType` variant (identical in the Rocket and axum mappings).
pub(crate) fn status_of(kind: &str) -> u16 {
    match kind {
        "LabelMe"
        | "DatabaseError"
        | "InternalError"
        | "OperationFailed"
        | "ImageProcessingFailed"
        | "RenderFail"
        | "EmailFailed" => 500,
        "AlreadyOnboarded"
        | "BlockedByOther"
        | "NotFriends"
        | "CannotDeleteMessage"
        | "CannotEditMessage"
        | "GroupTooLarge"
        | "CantCreateServers"
        | "Banned"
        | "BotIsPrivate"
        | "MissingPermission"
        | "MissingUserPermission"
        | "NotElevated"
        | "NotPrivileged"
        | "CannotGiveMissingPermissions"
        | "NotOwner"
        | "IsElevated"
        | "UnverifiedAccount"
        | "LockedOut" => 403,
        "UsernameTaken" | "AlreadyFriends" | "AlreadySentRequest" | "Blocked"
        | "AlreadyInGroup" | "AlreadyInServer" | "DuplicateNonce" => 409,
        "DiscriminatorChangeRatelimited" | "InSlowmode" => 429,
        // The official server sends this one with 200 OK (its status table says `Status::Ok`).
        "NoEffect" => 200,
        "UnknownUser" | "UnknownChannel" | "UnknownMessage" | "NotInGroup" | "UnknownServer"
        | "InvalidRole" | "NotFound" => 404,
        "EmptyMessage" | "PayloadTooLarge" | "FileTooSmall" | "FileTooLarge" => 422,
        "InvalidCredentials" | "InvalidSession" | "NotAuthenticated" | "InvalidToken"
        | "Blacklisted" => 401,
        _ => 400,
    }
}

/// Reason phrase and description of Rocket 0.5's default catcher for `status`.
fn catcher_text(status: u16) -> (&'static str, &'static str) {
    match status {
        400 => (
            "Bad Request",
            "The request could not be understood by the server due to malformed syntax.",
        ),
        401 => ("Unauthorized", "The request requires user authentication."),
        403 => ("Forbidden", "The server refused to authorize the request."),
        404 => ("Not Found", "The requested resource could not be found."),
        405 => (
            "Method Not Allowed",
            "The request method is not supported for the requested resource.",
        ),
        409 => (
            "Conflict",
            "The request could not be processed because of a conflict in the request.",
        ),
        413 => (
            "Payload Too Large",
            "The request is larger than the server is willing or able to process.",
        ),
        415 => (
            "Unsupported Media Type",
            "The request entity has a media type which the server or resource does not support.",
        ),
        422 => (
            "Unprocessable Entity",
            "The request was well-formed but was unable to be followed due to semantic errors.",
        ),
        429 => ("Too Many Requests", "Too many requests have been received recently."),
        500 => (
            "Internal Server Error",
            "The server encountered an internal error while processing this request.",
        ),
        501 => (
            "Not Implemented",
            "The server either does not recognize the request method, or it lacks the ability to fulfill the request.",
        ),
        502 => (
            "Bad Gateway",
            "Received an invalid response from an inbound server it accessed while attempting to fulfill the request.",
        ),
        503 => ("Service Unavailable", "The server is currently unavailable."),
        504 => (
            "Gateway Timeout",
            "The server did not receive a timely response from an upstream server.",
        ),
        _ => ("Unknown Error", "An unknown error has occurred."),
    }
}

/// The body of Rocket's default catcher: `(content_type, body)`. JSON (pretty printed,
/// two-space indent) only when the request's preferred media type is JSON, else HTML.
pub(crate) fn catcher_body(status: u16, wants_json: bool) -> (&'static str, String) {
    let (reason, description) = catcher_text(status);
    if wants_json {
        let body = format!(
            "{{\n  \"error\": {{\n    \"code\": {status},\n    \"reason\": {},\n    \"description\": {}\n  }}\n}}",
            Value::from(reason),
            Value::from(description)
        );
        ("application/json", body)
    } else {
        let body = format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n    <meta charset=\"utf-8\">\n    <meta name=\"color-scheme\" content=\"light dark\">\n    <title>{status} {reason}</title>\n</head>\n<body align=\"center\">\n    <div role=\"main\" align=\"center\">\n        <h1>{status}: {reason}</h1>\n        <p>{description}</p>\n        <hr />\n    </div>\n    <div role=\"contentinfo\" align=\"center\">\n        <small>Rocket</small>\n    </div>\n</body>\n</html>"
        );
        ("text/html; charset=utf-8", body)
    }
}

/// Whether an `Accept` header value prefers JSON the way Rocket decides it: the media
/// range with the highest `q` wins (the first one on ties), and it must be
/// `application/json`. `*/*` and a missing header give HTML.
pub(crate) fn prefers_json(accept: Option<&str>) -> bool {
    let Some(accept) = accept else {
        return false;
    };
    let mut best: Option<(f32, String)> = None;
    for range in accept.split(',') {
        let mut parts = range.split(';');
        let media = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        if media.is_empty() {
            continue;
        }
        let mut q = 1.0_f32;
        for param in parts {
            if let Some((key, value)) = param.split_once('=') {
                if key.trim().eq_ignore_ascii_case("q") {
                    q = value.trim().parse().unwrap_or(0.0);
                }
            }
        }
        if best.as_ref().is_none_or(|(best_q, _)| q > *best_q) {
            best = Some((q, media));
        }
    }
    best.is_some_and(|(_, media)| media == "application/json")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catcher_json_matches_capture() {
        let (ct, body) = catcher_body(401, true);
        assert_eq!(ct, "application/json");
        assert_eq!(
            body,
            "{\n  \"error\": {\n    \"code\": 401,\n    \"reason\": \"Unauthorized\",\n    \"description\": \"The request requires user authentication.\"\n  }\n}"
        );
        assert_eq!(catcher_body(401, false).1.len(), 440);
        assert_eq!(catcher_body(422, false).1.len(), 496);
        assert_eq!(catcher_body(400, false).1.len(), 471);
        assert_eq!(catcher_body(404, true).1.len(), 128);
        assert_eq!(catcher_body(400, true).1.len(), 162);
    }

    #[test]
    fn accept_preference() {
        assert!(!prefers_json(None));
        assert!(!prefers_json(Some("*/*")));
        assert!(prefers_json(Some("application/json")));
        assert!(prefers_json(Some("application/json, text/html")));
        assert!(!prefers_json(Some("text/html, application/json")));
        assert!(prefers_json(Some("text/html;q=0.5, application/json")));
    }

    #[test]
    fn error_body_shape() {
        let err = ApiError::missing_permission("ManageServer");
        assert_eq!(err.status, 403);
        assert_eq!(
            serde_json::to_string(&err.body).unwrap(),
            "{\"type\":\"MissingPermission\",\"permission\":\"ManageServer\",\"location\":\"crates/core/permissions/src/models/mod.rs:80:17\"}"
        );
    }
}
