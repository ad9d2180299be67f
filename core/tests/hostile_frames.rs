//! Hostile frames: nesting that would overflow the stack is an invalid-frame error in both
//! formats, in debug and release builds alike (issue 11).
//!
//! Every case runs on a thread with a 2 MiB stack: the size of a tokio worker's and of the
//! test harness's own threads, so a recursion the limits do not stop would abort here.

use std::time::Instant;

use stoat_core::auth::Token;
use stoat_core::gateway::{
    decode, DecodeError, Event, Format, Output, Session, SessionConfig, WsMessage,
    MAX_BULK_NESTING, MAX_NESTING,
};

fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(f)
        .unwrap()
        .join()
        .expect("decoding must not overflow a 2 MiB stack")
}

/// msgpack writing by hand, so the frames can be shaped freely.
mod mp {
    pub fn str(out: &mut Vec<u8>, s: &str) {
        assert!(s.len() < 32);
        out.push(0xa0 | s.len() as u8);
        out.extend_from_slice(s.as_bytes());
    }
    pub fn map(out: &mut Vec<u8>, len: u8) {
        out.push(0x80 | len);
    }
    pub fn array(out: &mut Vec<u8>, len: u8) {
        out.push(0x90 | len);
    }
    /// `depth` arrays inside each other around a nil.
    pub fn nested_arrays(out: &mut Vec<u8>, depth: usize) {
        for _ in 0..depth {
            array(out, 1);
        }
        out.push(0xc0);
    }
    /// `depth` single-key maps inside each other around a nil.
    pub fn nested_maps(out: &mut Vec<u8>, depth: usize) {
        for _ in 0..depth {
            map(out, 1);
            str(out, "k");
        }
        out.push(0xc0);
    }
    /// `{"type": <type>, "x": <depth arrays>}` with `type` first or last.
    pub fn event_with_deep_field(event_type: &str, depth: usize, type_first: bool) -> Vec<u8> {
        let mut out = Vec::new();
        map(&mut out, 2);
        if type_first {
            str(&mut out, "type");
            str(&mut out, event_type);
        }
        str(&mut out, "x");
        nested_arrays(&mut out, depth);
        if !type_first {
            str(&mut out, "type");
            str(&mut out, event_type);
        }
        out
    }
    /// `depth` Bulk events inside each other around an `Authenticated`.
    pub fn nested_bulk(depth: usize) -> Vec<u8> {
        let mut out = Vec::new();
        for _ in 0..depth {
            map(&mut out, 2);
            str(&mut out, "type");
            str(&mut out, "Bulk");
            str(&mut out, "v");
            array(&mut out, 1);
        }
        map(&mut out, 1);
        str(&mut out, "type");
        str(&mut out, "Authenticated");
        out
    }
}

mod js {
    pub fn nested_arrays(depth: usize) -> String {
        format!("{}null{}", "[".repeat(depth), "]".repeat(depth))
    }
    pub fn event_with_deep_field(event_type: &str, depth: usize, type_first: bool) -> String {
        let deep = nested_arrays(depth);
        if type_first {
            format!(r#"{{"type":"{event_type}","x":{deep}}}"#)
        } else {
            format!(r#"{{"x":{deep},"type":"{event_type}"}}"#)
        }
    }
    pub fn nested_bulk(depth: usize) -> String {
        let mut out = String::new();
        for _ in 0..depth {
            out.push_str(r#"{"type":"Bulk","v":["#);
        }
        out.push_str(r#"{"type":"Authenticated"}"#);
        for _ in 0..depth {
            out.push_str("]}");
        }
        out
    }
}

/// Every hostile shape, in both formats.
fn hostile_frames(depth: usize) -> Vec<(String, Format, WsMessage)> {
    let mut frames = Vec::new();
    for event_type in ["Message", "Ready", "ServerCreate", "NotAType"] {
        for type_first in [true, false] {
            let name = format!("{event_type} with a {depth}-deep field, type first: {type_first}");
            frames.push((
                format!("msgpack {name}"),
                Format::Msgpack,
                WsMessage::Binary(mp::event_with_deep_field(event_type, depth, type_first).into()),
            ));
            frames.push((
                format!("JSON {name}"),
                Format::Json,
                WsMessage::Text(js::event_with_deep_field(event_type, depth, type_first)),
            ));
        }
    }
    let mut arrays = Vec::new();
    mp::nested_arrays(&mut arrays, depth);
    frames.push((
        "msgpack bare arrays".into(),
        Format::Msgpack,
        WsMessage::Binary(arrays.into()),
    ));
    let mut maps = Vec::new();
    mp::nested_maps(&mut maps, depth);
    frames.push((
        "msgpack bare maps".into(),
        Format::Msgpack,
        WsMessage::Binary(maps.into()),
    ));
    frames.push((
        "JSON bare arrays".into(),
        Format::Json,
        WsMessage::Text(js::nested_arrays(depth)),
    ));
    frames
}

#[test]
fn frames_nested_a_thousand_deep_are_invalid_frames_in_both_formats() {
    on_small_stack(|| {
        for depth in [MAX_NESTING, 1000, 100_000] {
            for (name, format, frame) in hostile_frames(depth) {
                let result = decode(format, &frame);
                // serde_json skips a field a known struct ignores without recursing (and
                // without a depth limit); everything else must be refused.
                if let (Format::Json, Ok(event)) = (format, &result) {
                    if !name.contains("NotAType") {
                        assert!(!event.is_unknown(), "{name}");
                        continue;
                    }
                }
                let error = result.expect_err(&name);
                assert!(
                    matches!(
                        error,
                        DecodeError::Syntax { .. } | DecodeError::Malformed { .. }
                    ),
                    "{name}: {error:?}"
                );
            }
        }
    });
}

#[test]
fn nesting_below_the_limit_still_decodes() {
    on_small_stack(|| {
        // An unknown event keeps its payload however it is shaped, as long as it fits.
        let depth = MAX_NESTING - 2;
        let json = js::event_with_deep_field("NotAType", depth, true);
        let event = decode(Format::Json, &WsMessage::Text(json)).unwrap();
        assert!(event.is_unknown());
        let packed = mp::event_with_deep_field("NotAType", depth, true);
        let event = decode(Format::Msgpack, &WsMessage::Binary(packed.into())).unwrap();
        assert!(event.is_unknown());
    });
}

#[test]
fn bulk_nested_500_deep_is_an_invalid_frame_in_both_formats() {
    on_small_stack(|| {
        for depth in [MAX_BULK_NESTING as usize + 1, 40, 63, 500] {
            let error = decode(
                Format::Msgpack,
                &WsMessage::Binary(mp::nested_bulk(depth).into()),
            )
            .expect_err("msgpack");
            assert!(
                matches!(error, DecodeError::Malformed { ref event_type, .. } if event_type == "Bulk"),
                "{depth}: {error:?}"
            );
            let error =
                decode(Format::Json, &WsMessage::Text(js::nested_bulk(depth))).expect_err("JSON");
            assert!(
                matches!(error, DecodeError::Malformed { ref event_type, .. } if event_type == "Bulk"),
                "{depth}: {error:?}"
            );
        }
    });
}

#[test]
fn bulk_nested_as_deep_as_allowed_decodes_and_flattens() {
    on_small_stack(|| {
        let depth = MAX_BULK_NESTING as usize;
        for (format, frame) in [
            (
                Format::Msgpack,
                WsMessage::Binary(mp::nested_bulk(depth).into()),
            ),
            (Format::Json, WsMessage::Text(js::nested_bulk(depth))),
        ] {
            let mut event = decode(format, &frame).unwrap();
            for _ in 0..depth {
                event = match event {
                    Event::Bulk { mut v } => v.pop().unwrap(),
                    other => panic!("{other:?}"),
                };
            }
            assert_eq!(event, Event::Authenticated);
        }
    });
}

#[test]
fn a_session_skips_hostile_frames_and_counts_them() {
    on_small_stack(|| {
        for format in [Format::Json, Format::Msgpack] {
            let t0 = Instant::now();
            let mut session = Session::new(
                SessionConfig::new("ws://gateway.test", Token::bot("t")).format(format),
            );
            session.start(t0);
            session.handle_connected(t0);
            while session.poll_output().is_some() {}
            let frames: Vec<_> = hostile_frames(1000)
                .into_iter()
                .filter(|(_, f, _)| *f == format)
                .filter(|(_, _, frame)| decode(format, frame).is_err())
                .map(|(_, _, frame)| frame)
                .chain([match format {
                    Format::Json => WsMessage::Text(js::nested_bulk(500)),
                    _ => WsMessage::Binary(mp::nested_bulk(500).into()),
                }])
                .collect();
            let sent = frames.len();
            for frame in frames {
                session.handle_message(t0, frame);
            }
            let mut invalid = 0;
            while let Some(output) = session.poll_output() {
                match output {
                    Output::InvalidFrame(_) => invalid += 1,
                    other => panic!("{format:?}: {other:?}"),
                }
            }
            assert!(sent >= 6, "{format:?}: only {sent} hostile frames");
            assert_eq!(invalid, sent, "{format:?}");
            assert_eq!(session.invalid_frames(), sent as u64, "{format:?}");
        }
    });
}
