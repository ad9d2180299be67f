//! The bodies of the fuzz targets in `fuzz/` (cargo-fuzz), kept here as plain functions so
//! that `core/tests/fuzz_corpus.rs` replays the committed corpus through exactly the same
//! code on the stable toolchain, in every `cargo test`.
//!
//! Each function takes arbitrary bytes and must neither panic, nor hang, nor allocate without
//! bound; where a property is cheap to state (a server-supplied wait is capped, a frame
//! decodes the same however it is reached) it is asserted, so breaking it is a finding too.
//! Core never reads the clock, so the targets that need a virtual clock take its origin
//! (`now`) from the caller. Not a stable API.

use std::time::{Duration, Instant};

use bytes::Bytes;

use crate::auth::Token;
use crate::cache::{Cache, CacheConfig};
use crate::gateway::{decode, CloseCode, Format, Output, Session, SessionConfig, WsMessage};
use crate::http::{Rest, RetryPolicy, Step};
use crate::ratelimit::{BucketKey, RateLimitHeaders, RateLimiter};

/// `frame_json`: one JSON text frame through [`decode`]. A frame that decodes must also
/// serialise again (nothing it produced is half-built).
pub fn frame_json(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(event) = decode(Format::Json, &WsMessage::Text(text.to_owned())) {
        let _ = serde_json::to_vec(&event);
    }
}

/// `frame_msgpack`: one msgpack binary frame through [`decode`].
pub fn frame_msgpack(data: &[u8]) {
    if let Ok(event) = decode(
        Format::Msgpack,
        &WsMessage::Binary(Bytes::copy_from_slice(data)),
    ) {
        let _ = serde_json::to_vec(&event);
    }
}

/// `session_cache`: a whole connection's worth of frames through a [`Session`], every event
/// it emits applied to a [`Cache`].
///
/// Input: the first byte picks the format (bit 0: msgpack) and the token kind (bit 1: user);
/// the rest is the frames. JSON frames are separated by newlines (so a capture's lines are a
/// seed as they are); msgpack frames are each preceded by a 2-byte big-endian length. A
/// frame that is exactly `!close <code>` / `!lost` / `!big` / `!tick` is a transport event
/// instead (a close frame, a lost connection, a refused oversized message, ten seconds
/// passing), so connection ends and reconnects are fuzzed together with the frames.
pub fn session_cache(now: Instant, data: &[u8]) {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let format = if flags & 1 == 0 {
        Format::Json
    } else {
        Format::Msgpack
    };
    let token = if flags & 2 == 0 {
        Token::bot("fuzz")
    } else {
        Token::session("fuzz")
    };
    let config = SessionConfig::new("ws://fuzz.invalid", token)
        .format(format)
        .invalid_frame_events(true)
        .max_reconnect_attempts(Some(64));
    let mut session = Session::new(config);
    let mut cache = Cache::new(CacheConfig::default().messages_per_channel(8));
    let mut now = now;
    session.start(now);
    session.handle_connected(now);
    drain(&mut session, &mut cache);
    for frame in split_frames(format, rest) {
        match frame {
            b"!lost" => session.handle_disconnected(now),
            b"!big" => session.handle_message_too_large(now, usize::MAX),
            b"!tick" => now += Duration::from_secs(10),
            _ if frame.starts_with(b"!close ") => {
                let code = std::str::from_utf8(&frame[7..])
                    .ok()
                    .and_then(|c| c.trim().parse::<u16>().ok());
                session.handle_closed(now, code.map(CloseCode), "fuzz");
            }
            _ => {
                let message = match format {
                    Format::Json => match std::str::from_utf8(frame) {
                        Ok(text) => WsMessage::Text(text.to_owned()),
                        Err(_) => WsMessage::Binary(Bytes::copy_from_slice(frame)),
                    },
                    _ => WsMessage::Binary(Bytes::copy_from_slice(frame)),
                };
                session.handle_message(now, message);
            }
        }
        drain(&mut session, &mut cache);
        // Keep the connection up: time passes, deadlines fire, reconnects happen.
        now += Duration::from_millis(250);
        if let Some(deadline) = session.poll_timeout() {
            assert!(
                deadline <= now + Duration::from_secs(3600),
                "a session deadline an hour away"
            );
            if deadline <= now {
                session.handle_timeout(now);
            }
        }
        if session.state() == crate::gateway::SessionState::Connecting {
            session.handle_connected(now);
        }
        drain(&mut session, &mut cache);
    }
}

fn drain(session: &mut Session, cache: &mut Cache) {
    while let Some(output) = session.poll_output() {
        if let Output::Event(event) = output {
            let _ = cache.apply(&event);
        }
    }
}

fn split_frames(format: Format, data: &[u8]) -> Vec<&[u8]> {
    match format {
        Format::Json => data
            .split(|&b| b == b'\n')
            .filter(|line| !line.is_empty())
            .collect(),
        _ => {
            let mut frames = Vec::new();
            let mut rest = data;
            while rest.len() >= 2 {
                let len = usize::from(u16::from_be_bytes([rest[0], rest[1]]));
                rest = &rest[2..];
                let len = len.min(rest.len());
                frames.push(&rest[..len]);
                rest = &rest[len..];
            }
            frames
        }
    }
}

/// The statuses [`rest_response`] picks from with its first byte.
const STATUSES: [u16; 12] = [200, 201, 204, 400, 401, 403, 404, 409, 422, 429, 500, 502];

/// `rest_response`: one HTTP response through the parser of every route.
///
/// Input: the first byte picks the status (from a list of the server's), the rest is the
/// body.
pub fn rest_response(data: &[u8]) {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let status = STATUSES[usize::from(selector) % STATUSES.len()];
    let mut response = http::Response::new(Bytes::copy_from_slice(body));
    *response.status_mut() = http::StatusCode::from_u16(status).unwrap_or_default();
    for (_, parse) in crate::client::route_parsers() {
        let ok = parse(&response);
        // An error status never parses as a success.
        assert!(
            !ok || status < 300,
            "HTTP {status} parsed as a success: {body:?}"
        );
    }
    let _ = crate::http::parse_error(response.status(), body);
}

/// `ratelimit_headers`: arbitrary `X-RateLimit-*` headers (and a 429 body) through the
/// limiter and a [`Call`](crate::http::Call), asserting that no wait ever exceeds the cap.
///
/// Input: lines of text. The first line is the status (`429`, `200`, ...); then `name: value`
/// header lines up to an empty line; what follows is the body.
pub fn ratelimit_headers(now: Instant, data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (head, body) = text.split_once("\n\n").unwrap_or((text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.trim().parse::<u16>().ok())
        .and_then(|s| http::StatusCode::from_u16(s).ok())
        .unwrap_or(http::StatusCode::TOO_MANY_REQUESTS);
    let mut headers = http::HeaderMap::new();
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        if let (Ok(name), Ok(value)) = (
            http::HeaderName::from_bytes(name.trim().as_bytes()),
            http::HeaderValue::from_str(value.trim()),
        ) {
            headers.append(name, value);
        }
    }
    let max_wait = Duration::from_secs(60);

    // The limiter alone.
    let key = BucketKey::resolve(&http::Method::GET, "/users/@me");
    let mut limiter = RateLimiter::new();
    if let Some(parsed) = RateLimitHeaders::from_headers(&headers) {
        limiter.on_response(&key, parsed, now);
        limiter.on_rate_limited(&key, parsed.reset_after, now);
    }
    let ticket = limiter.enqueue(key);
    if let crate::ratelimit::Acquire::Wait(until) = limiter.acquire(&ticket, now) {
        assert!(until <= now + max_wait, "the limiter waits past its cap");
    }

    // A call answered with this response every time, until it finishes.
    let rest = Rest::new("http://fuzz.invalid", Some(Token::bot("fuzz")))
        .with_retry_policy(RetryPolicy::default().max_rate_limit_wait(max_wait));
    let Ok(mut call) = rest.call(&crate::http::routes::FetchSelf) else {
        return;
    };
    let mut clock = now;
    for _ in 0..64 {
        match call.poll(clock) {
            Step::Wait(until) => {
                assert!(until >= clock, "a wait in the past");
                assert!(until <= clock + max_wait, "a call waits past the cap");
                clock = until;
            }
            Step::Send(_) => {
                let mut response = http::Response::new(Bytes::from(body.as_bytes().to_vec()));
                *response.status_mut() = status;
                *response.headers_mut() = headers.clone();
                call.handle_response(clock, response);
            }
            Step::Done(_) => return,
        }
    }
    panic!("a call neither finished nor gave up after 64 steps");
}
