//! The codec's fast paths decode exactly what the general event decoder does.

use stoat_core::gateway::{decode, DecodeError, Decoder, Event, Format, WsMessage};

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/../conformance/fixtures/events/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

#[test]
fn ready_and_message_fast_paths_match_the_general_decoder() {
    let dir = format!(
        "{}/../conformance/fixtures/events",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut checked = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if !(name.starts_with("Ready") || name.starts_with("Message.")) {
            continue;
        }
        let text = fixture(&name);
        let general: Event = serde_json::from_str(&text).unwrap();
        let fast = decode(Format::Json, &WsMessage::Text(text.clone())).unwrap();
        assert_eq!(fast, general, "{name} (JSON)");
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        let packed = rmp_serde::to_vec_named(&value).unwrap();
        let general: Event = rmp_serde::from_slice(&packed).unwrap();
        let fast = decode(Format::Msgpack, &WsMessage::Binary(packed.into())).unwrap();
        assert_eq!(fast, general, "{name} (msgpack)");
        checked += 1;
    }
    assert!(checked >= 3, "only {checked} Ready/Message fixtures found");
}

#[test]
fn a_broken_message_is_still_reported_by_type() {
    let frame = r#"{"type":"Message","_id":"01M7YT8F8NBH98W6P4028C2GH8","channel":5}"#;
    match decode(Format::Json, &WsMessage::Text(frame.into())) {
        Err(stoat_core::gateway::DecodeError::Malformed { event_type, .. }) => {
            assert_eq!(event_type, "Message")
        }
        other => panic!("{other:?}"),
    }
}

/// Every JSON frame the tests know: the event fixtures, the malformed frames and the fuzz
/// seeds of the JSON frame target.
fn all_json_frames() -> Vec<(String, String)> {
    let root = env!("CARGO_MANIFEST_DIR");
    let mut frames = Vec::new();
    for dir in [
        "conformance/fixtures/events",
        "conformance/fixtures/malformed",
        "fuzz/corpus/frame_json",
    ] {
        let mut names: Vec<_> = std::fs::read_dir(format!("{root}/../{dir}"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        names.sort();
        for path in names {
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let frame = match dir {
                // A malformed case is a JSON object holding the frame.
                "conformance/fixtures/malformed" => {
                    match serde_json::from_str::<serde_json::Value>(&text) {
                        Ok(case) => case["frame"].as_str().unwrap_or_default().to_owned(),
                        Err(_) => continue,
                    }
                }
                _ => text,
            };
            frames.push((path.display().to_string(), frame));
        }
    }
    frames
}

fn same_outcome(a: &Result<Event, DecodeError>, b: &Result<Event, DecodeError>) -> bool {
    match (a, b) {
        (Ok(a), Ok(b)) => a == b,
        (
            Err(DecodeError::Malformed { event_type: a, .. }),
            Err(DecodeError::Malformed { event_type: b, .. }),
        ) => a == b,
        (Err(DecodeError::Syntax { .. }), Err(DecodeError::Syntax { .. })) => true,
        _ => false,
    }
}

#[test]
fn a_decoder_that_remembers_authors_decodes_exactly_like_decode() {
    let frames = all_json_frames();
    assert!(frames.len() > 150, "only {} frames", frames.len());
    let mut decoder = Decoder::new(Format::Json, 64);
    // Twice: the second pass finds every author remembered.
    for pass in 0..2 {
        for (name, frame) in &frames {
            let frame = WsMessage::Text(frame.clone());
            let plain = decode(Format::Json, &frame);
            let remembered = decoder.decode(&frame);
            assert!(
                same_outcome(&plain, &remembered),
                "pass {pass}, {name}:\n{plain:?}\n{remembered:?}"
            );
        }
    }
}

#[test]
fn a_bad_author_is_reported_with_the_position_in_the_frame() {
    let text = fixture("Message.json");
    let broken = text.replacen("\"username\"", "\"username\":1,\"x\"", 1);
    assert_ne!(broken, text, "the fixture has no author");
    let frame = WsMessage::Text(broken);
    let mut decoder = Decoder::new(Format::Json, 64);
    let Err(DecodeError::Malformed { event_type, reason }) = decoder.decode(&frame) else {
        panic!("decoded");
    };
    assert_eq!(event_type, "Message");
    assert!(reason.contains("invalid type: integer `1`"), "{reason}");
    // One position, the frame's (not the author's own as well).
    assert_eq!(reason.matches(" at line ").count(), 1, "{reason}");
}

#[test]
fn msgpack_decoders_remember_nothing_and_decode_as_ever() {
    let text = fixture("Message.json");
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let packed = WsMessage::Binary(rmp_serde::to_vec_named(&value).unwrap().into());
    let mut decoder = Decoder::new(Format::Msgpack, 64);
    let (Ok(Event::Message(a)), Ok(Event::Message(b))) =
        (decoder.decode(&packed), decoder.decode(&packed))
    else {
        panic!("not messages");
    };
    assert_eq!(a, b);
    assert_eq!(
        Ok(Event::Message(a.clone())),
        decode(Format::Msgpack, &packed)
    );
    if let (Some(x), Some(y)) = (&a.user, &b.user) {
        assert!(!std::sync::Arc::ptr_eq(x, y));
    }
}
