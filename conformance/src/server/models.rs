//! Shapes shared by the REST areas: the declaration order of the server's structs (serde
//! keeps it, so the fake does too), `validator`-style error messages, and small request
//! pieces every area parses the same way.

use serde::Deserialize;
use serde_json::{Map, Value};

use super::errors::ApiError;
use super::wire;

/// `Server`.
pub(crate) const SERVER_KEYS: &[&str] = &[
    "_id",
    "owner",
    "name",
    "description",
    "channels",
    "categories",
    "system_messages",
    "roles",
    "default_permissions",
    "icon",
    "banner",
    "flags",
    "nsfw",
    "analytics",
    "discoverable",
    "approximate_member_count",
];

/// Every `Channel` variant (each has a subset, in this order).
pub(crate) const CHANNEL_KEYS: &[&str] = &[
    "channel_type",
    "_id",
    "server",
    "user",
    "name",
    "owner",
    "description",
    "active",
    "recipients",
    "icon",
    "last_message_id",
    "permissions",
    "default_permissions",
    "role_permissions",
    "nsfw",
    "voice",
    "slowmode",
];

/// `Role`.
pub(crate) const ROLE_KEYS: &[&str] = &[
    "_id",
    "name",
    "permissions",
    "colour",
    "hoist",
    "rank",
    "icon",
];

/// `PartialChannel` (hand-written, so not the `Channel` order).
pub(crate) const PARTIAL_CHANNEL_KEYS: &[&str] = &[
    "name",
    "owner",
    "description",
    "icon",
    "nsfw",
    "active",
    "permissions",
    "role_permissions",
    "default_permissions",
    "last_message_id",
    "voice",
    "slowmode",
];

/// `PartialServer`.
pub(crate) const PARTIAL_SERVER_KEYS: &[&str] = &[
    "id",
    "owner",
    "name",
    "description",
    "channels",
    "categories",
    "system_messages",
    "roles",
    "default_permissions",
    "icon",
    "banner",
    "flags",
    "nsfw",
    "analytics",
    "discoverable",
];

/// `PartialMember`.
pub(crate) const PARTIAL_MEMBER_KEYS: &[&str] = &[
    "id",
    "joined_at",
    "nickname",
    "pronouns",
    "avatar",
    "roles",
    "timeout",
    "can_publish",
    "can_receive",
];

/// `PartialUser`.
pub(crate) const PARTIAL_USER_KEYS: &[&str] = &[
    "id",
    "username",
    "discriminator",
    "display_name",
    "pronouns",
    "avatar",
    "relations",
    "badges",
    "status",
    "flags",
    "privileged",
    "bot",
    "relationship",
    "online",
];

/// `Webhook` (note: `id`, not `_id`).
pub(crate) const WEBHOOK_KEYS: &[&str] = &[
    "id",
    "name",
    "avatar",
    "creator_id",
    "channel_id",
    "permissions",
    "token",
];

/// `Bot`.
pub(crate) const BOT_KEYS: &[&str] = &[
    "_id",
    "owner",
    "token",
    "public",
    "analytics",
    "discoverable",
    "interactions_url",
    "terms_of_service_url",
    "privacy_policy_url",
    "flags",
];

/// Puts an object's keys in `order` (other keys keep their place after them).
pub(crate) fn ordered(value: Value, order: &[&str]) -> Value {
    match value {
        Value::Object(map) => Value::Object(wire::reorder(map, order)),
        other => other,
    }
}

/// Re-sorts a stored object in place.
pub(crate) fn reorder_in_place(value: &mut Value, order: &[&str]) {
    if let Value::Object(map) = value {
        let sorted = wire::reorder(std::mem::take(map), order);
        *map = sorted;
    }
}

/// A map built in any order, returned in `order`.
pub(crate) fn object(map: Map<String, Value>, order: &[&str]) -> Value {
    Value::Object(wire::reorder(map, order))
}

/// `Override` in request bodies: `{"allow": u64, "deny": u64}`.
#[derive(Debug, Clone, Copy, Deserialize)]
pub(crate) struct Override {
    pub(crate) allow: u64,
    pub(crate) deny: u64,
}

impl Override {
    /// As `(allow, deny)`.
    pub(crate) fn pair(self) -> (u64, u64) {
        (self.allow, self.deny)
    }

    /// The stored form, `OverrideField` `{"a": i64, "d": i64}`.
    pub(crate) fn field(self) -> Value {
        // Stored as i64 on the server; bit 63 never appears in valid permissions.
        serde_json::json!({"a": self.allow as i64, "d": self.deny as i64})
    }
}

/// A string in a `validator` message (`String("…")`, Rust debug escaping).
fn debug_string(value: &str) -> String {
    format!("String({value:?})")
}

/// `length(min, max)` on an optional string field (chars, like `validator`).
pub(crate) fn check_length(
    field: &str,
    value: Option<&str>,
    min: usize,
    max: usize,
    location: &str,
) -> Result<(), ApiError> {
    let Some(value) = value else {
        return Ok(());
    };
    let length = value.chars().count();
    if (min..=max).contains(&length) {
        return Ok(());
    }
    Err(ApiError::failed_validation(
        format!(
            "{field}: Validation error: length [{{\"min\": Number({min}), \"max\": Number({max}), \"value\": {}}}]",
            debug_string(value)
        ),
        location,
    ))
}

/// A failed `regex` rule on a string field.
pub(crate) fn regex_error(field: &str, value: &str, location: &str) -> ApiError {
    ApiError::failed_validation(
        format!(
            "{field}: Validation error: regex [{{\"value\": {}}}]",
            debug_string(value)
        ),
        location,
    )
}

/// `range(min, max)` on an optional integer field.
pub(crate) fn check_range(
    field: &str,
    value: Option<i64>,
    min: i64,
    max: i64,
    location: &str,
) -> Result<(), ApiError> {
    match value {
        Some(value) if !(min..=max).contains(&value) => Err(ApiError::failed_validation(
            format!(
                "{field}: Validation error: range [{{\"min\": Number({min}.0), \"max\": Number({max}.0), \"value\": Number({value})}}]"
            ),
            location,
        )),
        _ => Ok(()),
    }
}

/// `RE_EMOJI`: `^[a-z0-9_]+$`.
pub(crate) fn is_emoji_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// A permissive stand-in for `RE_COLOUR`: a CSS colour name, `#hex`, `var(--x)`,
/// `rgb[a](…)` or a gradient.
pub(crate) fn is_colour(colour: &str) -> bool {
    let lower = colour.to_ascii_lowercase();
    let hex = lower
        .strip_prefix('#')
        .is_some_and(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_hexdigit()));
    let named = lower.bytes().all(|b| b.is_ascii_lowercase() || b == b' ');
    let function = [
        "var(--",
        "rgb(",
        "rgba(",
        "linear-gradient(",
        "radial-gradient(",
        "conic-gradient(",
        "repeating-",
    ]
    .iter()
    .any(|p| lower.starts_with(p))
        && lower.ends_with(')');
    !lower.is_empty() && (hex || named || function)
}

/// The `Fields*` enums are plain strings on the wire; unknown variants fail the body (422).
pub(crate) fn check_fields(fields: &[String], allowed: &[&str]) -> bool {
    fields.iter().all(|f| allowed.contains(&f.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_messages() {
        let err = check_length("display_name", Some("x"), 2, 32, "here").unwrap_err();
        assert_eq!(
            err.body["error"],
            "display_name: Validation error: length [{\"min\": Number(2), \"max\": Number(32), \"value\": String(\"x\")}]"
        );
        assert!(check_length("name", Some("é"), 1, 1, "here").is_ok());
        assert!(check_length("name", None, 1, 1, "here").is_ok());
        assert!(is_emoji_name("party_parrot2"));
        assert!(!is_emoji_name("Party"));
        assert!(!is_emoji_name(""));
        assert!(is_colour("#ff8800"));
        assert!(is_colour("red"));
        assert!(is_colour("var(--accent)"));
        assert!(!is_colour("#"));
        assert!(!is_colour("<script>"));
    }
}
