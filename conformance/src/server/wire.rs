//! Wire helpers shared by every service: ids, timestamps, key ordering and the
//! msgpack encoding used by the gateway.

use serde_json::{Map, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Author id of system messages.
pub(crate) const SYSTEM_AUTHOR: &str = "00000000000000000000000000";

/// Keys whose string values are `Timestamp`s on the real server. In msgpack these
/// become u64 milliseconds since the Unix epoch (the serializer is not human readable).
const TIMESTAMP_KEYS: &[&str] = &[
    "joined_at",
    "timeout",
    "edited",
    "started_at",
    "finished_at",
    "created_time",
    "effective_time",
    "last_seen",
    "expires",
];

/// The current time as the server formats it: `2026-11-21T10:21:00.440Z`.
pub(crate) fn iso_now() -> String {
    iso_from_datetime(OffsetDateTime::now_utc())
}

/// Formats a date-time with millisecond precision and a `Z` suffix.
pub(crate) fn iso_from_datetime(dt: OffsetDateTime) -> String {
    let dt = dt.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        dt.year(),
        u8::from(dt.month()),
        dt.day(),
        dt.hour(),
        dt.minute(),
        dt.second(),
        dt.millisecond()
    )
}

/// Parses an RFC 3339 timestamp into milliseconds since the Unix epoch.
pub(crate) fn parse_timestamp_ms(text: &str) -> Option<u64> {
    let dt = OffsetDateTime::parse(text, &Rfc3339).ok()?;
    u64::try_from(dt.unix_timestamp_nanos() / 1_000_000).ok()
}

/// Milliseconds since the Unix epoch encoded in a ULID, if `id` is one.
pub(crate) fn ulid_timestamp_ms(id: &str) -> Option<u64> {
    ulid::Ulid::from_string(id).ok().map(|u| u.timestamp_ms())
}

/// Milliseconds since the Unix epoch, now.
pub(crate) fn unix_now_ms() -> u64 {
    u64::try_from(OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000).unwrap_or(0)
}

/// A random id from nanoid's default alphabet (`A-Za-z0-9_-`).
pub(crate) fn nanoid(len: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
    (0..len)
        .map(|_| char::from(ALPHABET[fastrand::usize(..ALPHABET.len())]))
        .collect()
}

/// Whether `id` looks like a ULID (26 Crockford base32 characters).
pub(crate) fn is_ulid(id: &str) -> bool {
    id.len() == 26 && ulid::Ulid::from_string(id).is_ok()
}

/// Encodes a gateway event for a msgpack connection (`rmp_serde::to_vec_named`, timestamps
/// as u64 milliseconds).
pub(crate) fn to_msgpack(value: &Value) -> Vec<u8> {
    rmp_serde::to_vec_named(&msgpack_timestamps(value.clone())).unwrap_or_default()
}

fn msgpack_timestamps(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(key, value)| {
                    let value = match value {
                        Value::String(text) if TIMESTAMP_KEYS.contains(&key.as_str()) => {
                            match parse_timestamp_ms(&text) {
                                Some(ms) => Value::from(ms),
                                None => Value::String(text),
                            }
                        }
                        other => msgpack_timestamps(other),
                    };
                    (key, value)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(msgpack_timestamps).collect()),
        other => other,
    }
}

/// Rebuilds `map` so that the keys listed in `order` come first, in that order (the
/// declaration order of the server's structs); other keys follow in their current order.
pub(crate) fn reorder(map: Map<String, Value>, order: &[&str]) -> Map<String, Value> {
    let mut rest = map;
    let mut out = Map::new();
    for key in order {
        if let Some(value) = rest.remove(*key) {
            out.insert((*key).to_owned(), value);
        }
    }
    out.extend(rest);
    out
}

/// Inserts `entries` right after `anchor` (or at the end if `anchor` is missing).
pub(crate) fn insert_after(
    map: &Map<String, Value>,
    anchor: &str,
    entries: Vec<(String, Value)>,
) -> Map<String, Value> {
    let mut out = Map::new();
    let mut pending = Some(entries);
    for (key, value) in map {
        out.insert(key.clone(), value.clone());
        if key == anchor {
            if let Some(entries) = pending.take() {
                out.extend(entries);
            }
        }
    }
    if let Some(entries) = pending {
        out.extend(entries);
    }
    out
}

/// Reads a string field of a JSON object.
pub(crate) fn str_field<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value.get(key).and_then(Value::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses_timestamps() {
        let ms = parse_timestamp_ms("2026-11-21T10:21:00.440Z").unwrap();
        assert_eq!(ms, 1_795_256_460_440);
        let dt = OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).unwrap();
        assert_eq!(iso_from_datetime(dt), "2026-11-21T10:21:00.440Z");
    }

    #[test]
    fn msgpack_converts_only_timestamp_keys() {
        let value = serde_json::json!({"type":"X","joined_at":"2026-11-21T10:21:00.136Z",
            "content":"2026-11-21T10:21:00.136Z","edited":"not a time"});
        let bytes = to_msgpack(&value);
        let back: Value = rmp_serde::from_slice(&bytes).unwrap();
        assert_eq!(back["joined_at"], 1_795_256_460_136_u64);
        assert_eq!(back["content"], "2026-11-21T10:21:00.136Z");
        assert_eq!(back["edited"], "not a time");
    }

    #[test]
    fn reorder_puts_known_keys_first() {
        let map = serde_json::json!({"b":1,"z":2,"a":3});
        let Value::Object(map) = map else {
            unreachable!()
        };
        let out = reorder(map, &["a", "b"]);
        assert_eq!(out.keys().collect::<Vec<_>>(), ["a", "b", "z"]);
    }
}
