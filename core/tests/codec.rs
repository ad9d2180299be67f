//! The codec's fast paths decode exactly what the general event decoder does.

use stoat_core::gateway::{decode, Event, Format, WsMessage};

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
