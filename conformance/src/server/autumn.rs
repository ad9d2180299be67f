//! The file server (autumn, reference §5): uploads with per-tag size limits, and
//! downloads of what was uploaded.

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::{json, Value};

use super::errors::ApiError;
use super::http::{record, IncomingRequest, WireResponse};
use super::multipart;
use super::observe::Service;
use super::ratelimit::autumn_bucket;
use super::state::{Shared, State, StoredFile};
use super::wire;

/// `global.body_limit_size`: bigger bodies get a plain-text 413.
pub(crate) const BODY_LIMIT: usize = 20_000_000;

const TAGS: [(&str, usize); 6] = [
    ("attachments", 20_000_000),
    ("avatars", 4_000_000),
    ("backgrounds", 6_000_000),
    ("icons", 2_500_000),
    ("banners", 6_000_000),
    ("emojis", 500_000),
];

const LOCATION: &str = "crates/services/autumn/src/api.rs:185:27";
/// Everything but RFC 3986 unreserved characters is escaped in redirect locations.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');
const PLAIN: &str = "text/plain; charset=utf-8";
const CACHE_CONTROL: &str = "public, max-age=604800, must-revalidate";

fn size_limit(tag: &str) -> Option<usize> {
    TAGS.iter()
        .find(|(t, _)| *t == tag)
        .map(|(_, limit)| *limit)
}

/// Status, content type and body of a response.
type Answer = (u16, Option<String>, Vec<u8>);

fn error(error: &ApiError) -> Answer {
    (
        error.status,
        Some("application/json".to_owned()),
        serde_json::to_vec(&error.body).unwrap_or_default(),
    )
}

/// Answers one autumn request.
pub(crate) fn handle(shared: &Shared, request: &IncomingRequest, now_ms: u64) -> WireResponse {
    let mut state = shared.lock();
    let user = request
        .header("x-bot-token")
        .and_then(|t| state.bot_token(t))
        .or_else(|| {
            request
                .header("x-session-token")
                .and_then(|t| state.session_token(t))
        });
    let identifier = user
        .as_ref()
        .map_or_else(|| request.peer_ip.clone(), |u| u.user_id.clone());
    let bucket = autumn_bucket(&request.method, &request.path);
    let verdict = state.autumn_limiter.hit(&identifier, &bucket, now_ms);
    let response = if verdict.rejected {
        let body = json!({"retry_after": verdict.reset_after_ms}).to_string();
        WireResponse::axum(429, Some("application/json"), body, Some(&verdict))
    } else if request.too_large {
        WireResponse::axum(
            413,
            Some(PLAIN),
            "Failed to buffer the request body: length limit exceeded",
            Some(&verdict),
        )
    } else {
        let segments: Vec<String> = request
            .path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| percent_decode_str(s).decode_utf8_lossy().into_owned())
            .collect();
        let method = request.method.as_str();
        let (status, content_type, body, extra) = match (method, segments.as_slice()) {
            ("GET", []) => (
                200,
                Some("application/json".to_owned()),
                json!({"autumn": "Hello, I am a file server!", "version": "0.15.1"})
                    .to_string()
                    .into_bytes(),
                Vec::new(),
            ),
            ("POST", [tag]) => {
                let (status, content_type, body) = upload(&mut state, request, tag);
                (status, content_type, body, Vec::new())
            }
            ("OPTIONS", [_]) => (200, None, Vec::new(), Vec::new()),
            ("GET", [tag, id]) => download(&state, tag, id, None),
            ("GET", [tag, id, name]) => download(&state, tag, id, Some(name)),
            _ => (404, None, Vec::new(), Vec::new()),
        };
        let mut response =
            WireResponse::axum(status, content_type.as_deref(), body, Some(&verdict));
        for (name, value) in extra {
            response = response.with_header(name, value);
        }
        response
    };
    record(&mut state, Service::Autumn, request, response.status);
    response
}

fn upload(state: &mut State, request: &IncomingRequest, tag: &str) -> Answer {
    let Some(limit) = size_limit(tag) else {
        let text = format!(
            "Invalid URL: unknown variant `{tag}`, expected one of `attachments`, `avatars`, `backgrounds`, `icons`, `banners`, `emojis`"
        );
        return (400, Some(PLAIN.to_owned()), text.into_bytes());
    };
    let user = if let Some(token) = request.header("x-bot-token") {
        match state.bot_token(token) {
            Some(user) => user,
            None => return error(&ApiError::not_found(LOCATION)),
        }
    } else if let Some(token) = request.header("x-session-token") {
        match state.session_token(token) {
            Some(user) => user,
            None => return error(&ApiError::new("InvalidSession", LOCATION)),
        }
    } else {
        return error(&ApiError::new("NotAuthenticated", LOCATION));
    };
    let _ = user;
    let parts = request
        .header("content-type")
        .and_then(|ct| multipart::parse(ct, &request.body));
    let Some(parts) = parts else {
        return (
            400,
            Some(PLAIN.to_owned()),
            b"Invalid `boundary` for `multipart/form-data` request".to_vec(),
        );
    };
    let Some(part) = parts
        .into_iter()
        .find(|p| p.name.as_deref() == Some("file"))
    else {
        return (
            400,
            Some(PLAIN.to_owned()),
            b"field 'file' is required".to_vec(),
        );
    };
    if part.data.is_empty() {
        return error(&ApiError::new("FileTooSmall", LOCATION));
    }
    if part.data.len() > limit {
        return error(&ApiError::with_fields(
            "FileTooLarge",
            vec![("max", Value::from(limit))],
            LOCATION,
        ));
    }
    let filename = part
        .filename
        .clone()
        .filter(|f| !f.is_empty())
        .unwrap_or_else(|| "unnamed-file".to_owned());
    let (content_type, metadata) = sniff(&part.data, &filename);
    if tag != "attachments" && metadata.get("type").and_then(Value::as_str) != Some("Image") {
        return error(&ApiError::new("FileTypeNotAllowed", LOCATION));
    }
    let id = if tag == "emojis" {
        state.new_id()
    } else {
        wire::nanoid(42)
    };
    state.files.insert(
        id.clone(),
        StoredFile {
            id: id.clone(),
            tag: tag.to_owned(),
            filename,
            content_type,
            metadata,
            bytes: part.data,
            used: false,
        },
    );
    (
        200,
        Some("application/json".to_owned()),
        json!({"id": id}).to_string().into_bytes(),
    )
}

type Download = (u16, Option<String>, Vec<u8>, Vec<(&'static str, String)>);

/// Serves an uploaded file. Unlike the real autumn, files are served before they are used
/// in a message, and the "preview" of an image is the original bytes.
fn download(state: &State, tag: &str, id: &str, name: Option<&String>) -> Download {
    let Some(file) = state.files.get(id).filter(|f| f.tag == tag) else {
        let (status, content_type, body) = error(&ApiError::not_found(LOCATION));
        return (status, content_type, body, Vec::new());
    };
    let is_image = file.metadata.get("type").and_then(Value::as_str) == Some("Image");
    let original = match name {
        None if is_image => false,
        None => return redirect(tag, id, &file.filename),
        Some(name) if *name == file.filename || name == "original" => true,
        Some(_) => return redirect(tag, id, &file.filename),
    };
    let disposition = if original {
        format!(
            "attachment; filename=\"{}\"",
            file.filename.replace('"', "")
        )
    } else {
        "inline".to_owned()
    };
    (
        200,
        Some(file.content_type.clone()),
        file.bytes.to_vec(),
        vec![
            ("content-disposition", disposition),
            ("cache-control", CACHE_CONTROL.to_owned()),
        ],
    )
}

fn redirect(tag: &str, id: &str, filename: &str) -> Download {
    let location = format!(
        "/{tag}/{id}/{}",
        utf8_percent_encode(filename, PATH_SEGMENT)
    );
    (308, None, Vec::new(), vec![("location", location)])
}

/// Content type and `Metadata` of an upload, from its magic bytes.
fn sniff(data: &[u8], filename: &str) -> (String, Value) {
    let image = |mime: &str, size: Option<(u32, u32)>| {
        let (width, height) = size.unwrap_or((0, 0));
        (
            mime.to_owned(),
            json!({"type": "Image", "width": width, "height": height, "thumbhash": null, "animated": false}),
        )
    };
    if data.starts_with(b"\x89PNG\r\n\x1a\n") {
        return image("image/png", png_size(data));
    }
    if data.starts_with(b"GIF87a") || data.starts_with(b"GIF89a") {
        return image("image/gif", gif_size(data));
    }
    if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return image("image/jpeg", jpeg_size(data));
    }
    if data.len() >= 12 && &data[..4] == b"RIFF" && &data[8..12] == b"WEBP" {
        return image("image/webp", webp_size(data));
    }
    if data.len() >= 12 && &data[4..8] == b"ftyp" {
        return (
            "video/mp4".to_owned(),
            json!({"type": "Video", "width": 0, "height": 0}),
        );
    }
    if data.starts_with(b"ID3") || data.starts_with(&[0xFF, 0xFB]) {
        return ("audio/mpeg".to_owned(), json!({"type": "Audio"}));
    }
    if data.starts_with(b"OggS") {
        return ("audio/ogg".to_owned(), json!({"type": "Audio"}));
    }
    if data.starts_with(b"%PDF") {
        return ("application/pdf".to_owned(), json!({"type": "File"}));
    }
    if std::str::from_utf8(data).is_ok() && !data.contains(&0) {
        if filename.to_ascii_lowercase().ends_with(".svg") {
            return ("image/svg+xml".to_owned(), json!({"type": "File"}));
        }
        return ("plain/text".to_owned(), json!({"type": "Text"}));
    }
    (
        "application/octet-stream".to_owned(),
        json!({"type": "File"}),
    )
}

fn be_u32(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(data.get(at..at + 4)?.try_into().ok()?))
}

fn png_size(data: &[u8]) -> Option<(u32, u32)> {
    Some((be_u32(data, 16)?, be_u32(data, 20)?))
}

fn gif_size(data: &[u8]) -> Option<(u32, u32)> {
    let w = u16::from_le_bytes(data.get(6..8)?.try_into().ok()?);
    let h = u16::from_le_bytes(data.get(8..10)?.try_into().ok()?);
    Some((u32::from(w), u32::from(h)))
}

fn jpeg_size(data: &[u8]) -> Option<(u32, u32)> {
    let mut at = 2;
    while at + 9 < data.len() {
        if data[at] != 0xFF {
            at += 1;
            continue;
        }
        let marker = data[at + 1];
        let length = usize::from(u16::from_be_bytes([data[at + 2], data[at + 3]]));
        if matches!(marker, 0xC0..=0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF) {
            let h = u16::from_be_bytes([data[at + 5], data[at + 6]]);
            let w = u16::from_be_bytes([data[at + 7], data[at + 8]]);
            return Some((u32::from(w), u32::from(h)));
        }
        at += 2 + length;
    }
    None
}

fn webp_size(data: &[u8]) -> Option<(u32, u32)> {
    let le24 = |at: usize| -> Option<u32> {
        let b = data.get(at..at + 3)?;
        Some(u32::from(b[0]) | u32::from(b[1]) << 8 | u32::from(b[2]) << 16)
    };
    match data.get(12..16)? {
        b"VP8X" => Some((le24(24)? + 1, le24(27)? + 1)),
        b"VP8 " => {
            let w = u16::from_le_bytes(data.get(26..28)?.try_into().ok()?) & 0x3FFF;
            let h = u16::from_le_bytes(data.get(28..30)?.try_into().ok()?) & 0x3FFF;
            Some((u32::from(w), u32::from(h)))
        }
        b"VP8L" => {
            let bits = u32::from_le_bytes(data.get(21..25)?.try_into().ok()?);
            Some(((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_png_and_text() {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        png.extend_from_slice(&3_u32.to_be_bytes());
        png.extend_from_slice(&2_u32.to_be_bytes());
        let (mime, meta) = sniff(&png, "a.png");
        assert_eq!(mime, "image/png");
        assert_eq!(meta["width"], 3);
        assert_eq!(meta["height"], 2);
        assert_eq!(sniff(b"hello", "a.txt").0, "plain/text");
        assert_eq!(sniff(&[0, 1, 2, 255], "x").0, "application/octet-stream");
        assert_eq!(jpeg_size(&[0xFF, 0xD8, 0xFF]), None);
        assert_eq!(webp_size(b"RIFF"), None);
    }
}
