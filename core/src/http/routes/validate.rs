//! The server's input limits, checked before a request is sent.
//!
//! Every request type calls these from its `to_parts`, so a mistake is reported as a
//! [`ValidationError`] naming the field instead of a round trip and a 400. The limits are
//! the official server's (reference §2–§4); text lengths count **characters** (the
//! server's validator does) except where noted as bytes (message content, headers).
//!
//! The functions are public so that a user interface can check input as it is typed:
//!
//! ```
//! use stoat_core::http::routes::validate;
//! assert!(validate::username("username", "stoat_fan").is_ok());
//! assert!(validate::username("username", "a").is_err());
//! assert!(validate::emoji_name("party_parrot").is_ok());
//! assert!(validate::emoji_name("Party").is_err());
//! ```

use percent_encoding::{utf8_percent_encode, CONTROLS};

use crate::http::{LengthUnit, ValidationError};
use crate::model::{Masquerade, SendableEmbed};

/// Message content, in **bytes** (the server counts bytes, not characters).
pub const MAX_CONTENT_BYTES: usize = 2000;
/// Replies per message.
pub const MAX_REPLIES: usize = 5;
/// Attachments per message (the server's default limit).
pub const MAX_ATTACHMENTS: usize = 5;
/// Embeds per sent message (the server's default `message_embeds`).
pub const MAX_EMBEDS: usize = 5;
/// Embeds per message edit (the edit body's own limit).
pub const MAX_EDIT_EMBEDS: usize = 10;
/// `X-Audit-Log-Reason`, in bytes as sent (after percent-encoding).
pub const MAX_AUDIT_LOG_REASON_BYTES: usize = 512;
/// `Idempotency-Key`, in bytes.
pub const MAX_IDEMPOTENCY_KEY_BYTES: usize = 64;
/// Names of servers, channels, groups, roles, webhooks and categories (1–32 characters).
pub const MAX_NAME: usize = 32;
/// Descriptions of servers, channels and groups (characters).
pub const MAX_DESCRIPTION: usize = 1024;
/// Status text (characters).
pub const MAX_STATUS_TEXT: usize = 128;
/// Profile content (characters).
pub const MAX_PROFILE_CONTENT: usize = 2000;
/// Pronouns of users and members (1–24 characters).
pub const MAX_PRONOUNS: usize = 24;
/// Role colours and masquerade colours (1–128 characters).
pub const MAX_COLOUR: usize = 128;
/// Ban reasons (characters).
pub const MAX_BAN_REASON: usize = 1024;
/// How far back a ban deletes the user's messages, in seconds (7 days).
pub const MAX_BAN_DELETE_MESSAGE_SECONDS: u32 = 604_800;
/// Messages per bulk delete.
pub const MAX_BULK_DELETE: usize = 100;
/// Other users invited when creating a group.
pub const MAX_GROUP_USERS: usize = 49;
/// Channel slowmode, in seconds (6 hours).
pub const MAX_SLOWMODE_SECONDS: u64 = 21_600;
/// Uses of an invite.
pub const MAX_INVITE_USES: u64 = 100;
/// Extra context of a safety report (characters).
pub const MAX_REPORT_CONTEXT: usize = 1000;
/// Messages per page of a fetch or search.
pub const MAX_MESSAGE_PAGE: u8 = 100;

fn too_long(field: &'static str, len: usize, max: usize, unit: LengthUnit) -> ValidationError {
    ValidationError::TooLong {
        field,
        len,
        max,
        unit,
    }
}

fn too_short(field: &'static str, len: usize, min: usize) -> ValidationError {
    ValidationError::TooShort { field, len, min }
}

fn invalid(field: &'static str, reason: impl Into<String>) -> ValidationError {
    ValidationError::Invalid {
        field,
        reason: reason.into(),
    }
}

/// `value` has `min..=max` characters.
pub fn chars(
    field: &'static str,
    value: &str,
    min: usize,
    max: usize,
) -> Result<(), ValidationError> {
    let len = value.chars().count();
    if len < min {
        return Err(too_short(field, len, min));
    }
    if len > max {
        return Err(too_long(field, len, max, LengthUnit::Characters));
    }
    Ok(())
}

/// Like [`chars`] for an optional value (absent is fine).
pub fn opt_chars(
    field: &'static str,
    value: Option<&str>,
    min: usize,
    max: usize,
) -> Result<(), ValidationError> {
    value.map_or(Ok(()), |v| chars(field, v, min, max))
}

/// `value` has at most `max` bytes.
pub fn max_bytes(field: &'static str, value: &str, max: usize) -> Result<(), ValidationError> {
    if value.len() > max {
        return Err(too_long(field, value.len(), max, LengthUnit::Bytes));
    }
    Ok(())
}

/// A list has `min..=max` items.
pub fn count(
    field: &'static str,
    len: usize,
    min: usize,
    max: usize,
) -> Result<(), ValidationError> {
    if len < min {
        return Err(too_short(field, len, min));
    }
    if len > max {
        return Err(ValidationError::TooMany {
            field,
            count: len,
            max,
        });
    }
    Ok(())
}

/// A number lies in `min..=max`.
pub fn range<T: PartialOrd + std::fmt::Display>(
    field: &'static str,
    value: T,
    min: T,
    max: T,
) -> Result<(), ValidationError> {
    if value < min || value > max {
        return Err(invalid(field, format!("{value} is outside {min}..={max}")));
    }
    Ok(())
}

/// A name of a server, channel, group, role, webhook or category: 1–32 characters.
pub fn name(field: &'static str, value: &str) -> Result<(), ValidationError> {
    chars(field, value, 1, MAX_NAME)
}

/// A description: at most 1024 characters.
pub fn description(field: &'static str, value: &str) -> Result<(), ValidationError> {
    chars(field, value, 0, MAX_DESCRIPTION)
}

/// A username (reference §4.1): 2–32 characters, each a letter, a digit, `_`, `.` or `-`;
/// not `admin`, `revolt` or `stoat`, and not containing an invite or instance domain.
///
/// Bot names follow the same rules. Letters and digits are Unicode letters and numbers, as
/// in the server's `^(\p{L}|[\d_.-])+$`; blocked names are compared case-insensitively.
pub fn username(field: &'static str, value: &str) -> Result<(), ValidationError> {
    chars(field, value, 2, 32)?;
    if let Some(bad) = value
        .chars()
        .find(|c| !(c.is_alphabetic() || c.is_numeric() || matches!(c, '_' | '.' | '-')))
    {
        return Err(invalid(
            field,
            format!("{bad:?} is not allowed; use letters, digits, '_', '.' and '-'"),
        ));
    }
    let lower = value.to_lowercase();
    if matches!(lower.as_str(), "admin" | "revolt" | "stoat") {
        return Err(invalid(field, format!("{value:?} is reserved")));
    }
    const BLOCKED: [&str; 6] = [
        "discord.gg",
        "rvlt.gg",
        "guilded.gg",
        "stt.gg",
        "revolt.chat",
        "stoat.chat",
    ];
    if let Some(domain) = BLOCKED.iter().find(|d| lower.contains(*d)) {
        return Err(invalid(field, format!("must not contain {domain:?}")));
    }
    Ok(())
}

/// A display name: 2–32 characters, without zero-width spaces or line breaks.
pub fn display_name(value: &str) -> Result<(), ValidationError> {
    chars("display_name", value, 2, 32)?;
    if value.contains(['\u{200B}', '\n', '\r']) {
        return Err(invalid(
            "display_name",
            "must not contain zero-width spaces or line breaks",
        ));
    }
    Ok(())
}

/// A custom emoji name: `^[a-z0-9_]{1,32}$`.
pub fn emoji_name(value: &str) -> Result<(), ValidationError> {
    chars("name", value, 1, 32)?;
    if !value
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        return Err(invalid(
            "name",
            "emoji names use only lowercase letters a-z, digits and '_'",
        ));
    }
    Ok(())
}

/// A CSS colour (role or masquerade): 1–128 characters. The server's colour grammar is
/// not re-checked here.
pub fn colour(field: &'static str, value: &str) -> Result<(), ValidationError> {
    chars(field, value, 1, MAX_COLOUR)
}

/// The `X-Audit-Log-Reason` header: at most 512 bytes as sent. Non-ASCII characters and
/// control characters are percent-encoded on the wire, so they count three bytes per byte.
pub fn audit_log_reason(reason: Option<&str>) -> Result<(), ValidationError> {
    if let Some(reason) = reason {
        let len: usize = utf8_percent_encode(reason, CONTROLS).map(str::len).sum();
        if len > MAX_AUDIT_LOG_REASON_BYTES {
            return Err(too_long(
                "reason",
                len,
                MAX_AUDIT_LOG_REASON_BYTES,
                LengthUnit::Bytes,
            ));
        }
    }
    Ok(())
}

/// The `Idempotency-Key` header: 1–64 bytes.
pub fn idempotency_key(key: Option<&str>) -> Result<(), ValidationError> {
    if let Some(key) = key {
        if key.is_empty() || key.len() > MAX_IDEMPOTENCY_KEY_BYTES {
            return Err(invalid(
                "idempotency_key",
                format!(
                    "must be 1 to {MAX_IDEMPOTENCY_KEY_BYTES} bytes, not {}",
                    key.len()
                ),
            ));
        }
    }
    Ok(())
}

/// A masquerade: name 1–32 characters, avatar URL 1–256, colour 1–128.
pub fn masquerade(masquerade: &Masquerade) -> Result<(), ValidationError> {
    opt_chars("masquerade.name", masquerade.name.as_deref(), 1, 32)?;
    opt_chars("masquerade.avatar", masquerade.avatar.as_deref(), 1, 256)?;
    opt_chars(
        "masquerade.colour",
        masquerade.colour.as_deref(),
        1,
        MAX_COLOUR,
    )
}

/// An embed to send: icon URL and URL 1–256 characters, title 1–100, description 1–2000,
/// colour 1–128.
pub fn sendable_embed(embed: &SendableEmbed) -> Result<(), ValidationError> {
    opt_chars("embeds.icon_url", embed.icon_url.as_deref(), 1, 256)?;
    opt_chars("embeds.url", embed.url.as_deref(), 1, 256)?;
    opt_chars("embeds.title", embed.title.as_deref(), 1, 100)?;
    opt_chars("embeds.description", embed.description.as_deref(), 1, 2000)?;
    opt_chars("embeds.colour", embed.colour.as_deref(), 1, MAX_COLOUR)
}

/// Message content plus embed descriptions: at most 2000 bytes together (the server
/// rejects more with `PayloadTooLarge`).
pub fn content_and_embeds(
    content: Option<&str>,
    embeds: &[SendableEmbed],
) -> Result<(), ValidationError> {
    let content_len = content.map_or(0, str::len);
    max_bytes("content", content.unwrap_or_default(), MAX_CONTENT_BYTES)?;
    let total = embeds
        .iter()
        .filter_map(|e| e.description.as_deref())
        .map(str::len)
        .fold(content_len, usize::saturating_add);
    if total > MAX_CONTENT_BYTES {
        return Err(too_long(
            "content",
            total,
            MAX_CONTENT_BYTES,
            LengthUnit::Bytes,
        ));
    }
    embeds.iter().try_for_each(sendable_embed)
}
