//! Data-driven wire conformance: every file under `conformance/fixtures/` is a test case.
//!
//! * `events/<Type>[.<case>].json`: one server frame. It must decode (JSON) into the typed
//!   variant named by the file, with no `Unknown` anywhere inside, re-serialise to an
//!   equivalent document, and survive a msgpack round trip with timestamps as integers.
//! * `models/<model>[.<case>].json`: one object of the model registered under `<model>`
//!   below; same checks.
//! * `apply/<model>.<case>.json`: `{before, data, clear, after}`: a partial update applied
//!   to a full object must give `after`.
//! * `unknown/*.json`: frames with values this library does not know: they must decode
//!   (keeping the unknown part verbatim) and round-trip exactly.
//! * `malformed/*.json`: `{frame, event_type}`: decoding must fail (never panic) and name
//!   `event_type` when it is not null.
//! * `commands/<Type>[.<case>].json`: the exact wire form of a client message.
//! * `captures/*.jsonl`: every frame a real server sent (text and msgpack) decodes into a
//!   typed event.

use std::fmt::Debug;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use stoat_core::auth::Token;
use stoat_core::gateway::{decode, ClientMessage, Command, DecodeError, Event, Format, PingData};
use stoat_core::gateway::{encode, WsMessage};
use stoat_core::model::*;

fn fixture_dir(sub: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../conformance/fixtures")
        .join(sub)
}

fn files(sub: &str, ext: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(fixture_dir(sub))
        .unwrap_or_else(|e| panic!("fixture directory {sub}: {e}"))
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    out.sort();
    assert!(!out.is_empty(), "no fixtures in {sub}");
    out
}

/// The part of the file name before the first dot.
fn kind(path: &Path) -> String {
    let name = path.file_name().unwrap().to_str().unwrap();
    name.split('.').next().unwrap().to_owned()
}

fn run_all(sub: &str, ext: &str, mut check: impl FnMut(&Path) -> Result<(), String>) -> usize {
    let paths = files(sub, ext);
    let mut failures = Vec::new();
    for p in &paths {
        if let Err(e) = check(p) {
            failures.push(format!("{}: {e}", p.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} fixtures failed:\n{}",
        failures.len(),
        paths.len(),
        failures.join("\n")
    );
    paths.len()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

/// Replaces every ISO-8601 timestamp string with its milliseconds, as msgpack carries them.
fn timestamps_to_millis(value: &Value) -> Value {
    match value {
        Value::String(s) if s.len() == 24 && s.ends_with('Z') => match Timestamp::parse(s) {
            Some(ts) => Value::from(ts.as_millis()),
            None => value.clone(),
        },
        Value::Array(items) => Value::Array(items.iter().map(timestamps_to_millis).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), timestamps_to_millis(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn diff(expected: &Value, got: &Value) -> String {
    format!("re-serialised document differs\n expected: {expected}\n      got: {got}")
}

/// The common checks on a typed value read from `text`.
fn round_trip<T>(text: &str, allow_unknown: bool) -> Result<T, String>
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let original: Value = serde_json::from_str(text).map_err(|e| format!("invalid JSON: {e}"))?;
    let typed: T = serde_json::from_str(text).map_err(|e| format!("does not decode: {e}"))?;
    if !allow_unknown && format!("{typed:?}").contains("Unknown") {
        return Err(format!("decoded into an Unknown value: {typed:?}"));
    }
    let back = serde_json::to_value(&typed).map_err(|e| e.to_string())?;
    if back != original {
        return Err(diff(&original, &back));
    }
    let packed = rmp_serde::to_vec_named(&typed).map_err(|e| format!("msgpack encode: {e}"))?;
    let unpacked: T = rmp_serde::from_slice(&packed).map_err(|e| format!("msgpack decode: {e}"))?;
    if unpacked != typed {
        return Err(format!("msgpack round trip differs: {unpacked:?}"));
    }
    let as_value: Value =
        rmp_serde::from_slice(&packed).map_err(|e| format!("msgpack as a document: {e}"))?;
    let expected = timestamps_to_millis(&original);
    if as_value != expected {
        return Err(format!(
            "msgpack document differs\n expected: {expected}\n      got: {as_value}"
        ));
    }
    Ok(typed)
}

fn check_event(path: &Path, allow_unknown: bool) -> Result<Event, String> {
    let text = read(path);
    let event = decode(Format::Json, &WsMessage::Text(text.clone()))
        .map_err(|e| format!("decode error: {e}"))?;
    let again = round_trip::<Event>(&text, allow_unknown)?;
    if again != event {
        return Err("serde_json and decode() disagree".into());
    }
    let packed = rmp_serde::to_vec_named(&event).unwrap();
    let unpacked = decode(Format::Msgpack, &WsMessage::Binary(packed.into()))
        .map_err(|e| format!("msgpack decode error: {e}"))?;
    if unpacked != event {
        return Err("msgpack decode() differs".into());
    }
    Ok(event)
}

#[test]
fn events() {
    let count = run_all("events", "json", |path| {
        let event = check_event(path, false)?;
        let expected = kind(path);
        if event.type_name() != expected {
            return Err(format!("decoded as {}", event.type_name()));
        }
        Ok(())
    });
    println!("{count} event fixtures");
}

#[test]
fn every_event_type_has_a_fixture() {
    let covered: Vec<String> = files("events", "json").iter().map(|p| kind(p)).collect();
    let missing: Vec<&&str> = Event::known_types()
        .iter()
        .filter(|t| !covered.iter().any(|c| c == *t))
        .collect();
    assert!(
        missing.is_empty(),
        "event types without a fixture: {missing:?}"
    );
    for c in &covered {
        assert!(
            Event::is_known_type(c),
            "fixture for unknown event type {c}"
        );
    }
}

#[test]
fn unknown_values_are_kept() {
    run_all("unknown", "json", |path| {
        let event = check_event(path, true)?;
        if !format!("{event:?}").contains("Unknown") {
            return Err(format!("expected an Unknown value somewhere: {event:?}"));
        }
        Ok(())
    });
}

#[test]
fn malformed_frames_are_errors() {
    run_all("malformed", "json", |path| {
        let case: Value = serde_json::from_str(&read(path)).unwrap();
        let frame = case["frame"].as_str().unwrap().to_owned();
        let expected = case["event_type"].as_str();
        let check = |result: Result<Event, DecodeError>| -> Result<(), String> {
            match (result, expected) {
                (Ok(event), _) => Err(format!("decoded: {event:?}")),
                (Err(DecodeError::Malformed { event_type, .. }), Some(t)) if event_type == t => {
                    Ok(())
                }
                (Err(DecodeError::Syntax { .. }), None) => Ok(()),
                (Err(e), _) => Err(format!("wrong error: {e:?}")),
            }
        };
        check(decode(Format::Json, &WsMessage::Text(frame.clone())))?;
        // The same frame as msgpack, where it is a document at all.
        if let Ok(value) = serde_json::from_str::<Value>(&frame) {
            let packed = rmp_serde::to_vec_named(&value).unwrap();
            check(decode(Format::Msgpack, &WsMessage::Binary(packed.into())))?;
        }
        Ok(())
    });
}

#[test]
fn truncated_msgpack_frames_are_errors() {
    for path in files("events", "json") {
        let event = check_event(&path, false).unwrap();
        let packed = rmp_serde::to_vec_named(&event).unwrap();
        for cut in [1, packed.len() / 2, packed.len() - 1] {
            let result = decode(
                Format::Msgpack,
                &WsMessage::Binary(packed[..cut].to_vec().into()),
            );
            match result {
                Err(DecodeError::Malformed { event_type, .. }) => {
                    assert_eq!(event_type, event.type_name(), "{}", path.display())
                }
                Err(DecodeError::Syntax { .. }) => {}
                other => panic!("{}: cut at {cut}: {other:?}", path.display()),
            }
        }
    }
}

macro_rules! models {
    ($name:expr, $text:expr, $allow:expr; $($model:literal => $ty:ty),* $(,)?) => {
        match $name {
            $( $model => round_trip::<$ty>($text, $allow).map(|_| ()), )*
            other => Err(format!("no model registered as {other:?} in core/tests/fixtures.rs")),
        }
    };
}

fn check_model(name: &str, text: &str, allow_unknown: bool) -> Result<(), String> {
    models!(name, text, allow_unknown;
        "account_info" => AccountInfo,
        "all_member_response" => AllMemberResponse,
        "audit_log_entry" => AuditLogEntry,
        "audit_log_query_response" => AuditLogQueryResponse,
        "ban_list_result" => BanListResult,
        "bot" => Bot,
        "bot_with_user_response" => BotWithUserResponse,
        "bulk_message_response" => BulkMessageResponse,
        "category" => Category,
        "channel" => Channel,
        "channel_slowmode" => ChannelSlowmode,
        "channel_unread" => ChannelUnread,
        "channel_voice_state" => ChannelVoiceState,
        "create_server_legacy_response" => CreateServerLegacyResponse,
        "create_voice_user_response" => CreateVoiceUserResponse,
        "data_create_invite" => DataCreateInvite,
        "data_report_content" => DataReportContent,
        "embed" => Embed,
        "emoji" => Emoji,
        "fetch_bot_response" => FetchBotResponse,
        "file" => File,
        "flag_response" => FlagResponse,
        "instance_info" => InstanceInfo,
        "interactions" => Interactions,
        "invite" => Invite,
        "invite_bot_destination" => InviteBotDestination,
        "invite_join_response" => InviteJoinResponse,
        "invite_response" => InviteResponse,
        "masquerade" => Masquerade,
        "member" => Member,
        "member_response" => MemberResponse,
        "message" => Message,
        "mfa_response" => MfaResponse,
        "mfa_ticket" => MfaTicket,
        "multi_factor_status" => MultiFactorStatus,
        "mutual_response" => MutualResponse,
        "new_role_response" => NewRoleResponse,
        "onboarding_status" => OnboardingStatus,
        "override" => Override,
        "override_field" => OverrideField,
        "owned_bots_response" => OwnedBotsResponse,
        "policy_change" => PolicyChange,
        "public_bot" => PublicBot,
        "reply" => Reply,
        "report" => Report,
        "response_login" => ResponseLogin,
        "response_totp_secret" => ResponseTotpSecret,
        "response_webhook" => ResponseWebhook,
        "role" => Role,
        "sendable_embed" => SendableEmbed,
        "server" => Server,
        "session" => Session,
        "session_info" => SessionInfo,
        "special" => Special,
        "system_message" => SystemMessage,
        "system_message_channels" => SystemMessageChannels,
        "user" => User,
        "user_profile" => UserProfile,
        "user_settings" => UserSettings,
        "user_status" => UserStatus,
        "user_voice_state" => UserVoiceState,
        "webhook" => Webhook,
    )
}

#[test]
fn models() {
    let count = run_all("models", "json", |path| {
        let name = path.file_name().unwrap().to_str().unwrap();
        check_model(&kind(path), &read(path), name.contains("unknown"))
    });
    println!("{count} model fixtures");
}

fn apply_case<T, P, F>(case: &Value, apply: impl Fn(&mut T, &P, &[F])) -> Result<(), String>
where
    T: Serialize + DeserializeOwned,
    P: DeserializeOwned,
    F: DeserializeOwned,
{
    let mut before: T =
        serde_json::from_value(case["before"].clone()).map_err(|e| format!("before: {e}"))?;
    let data: P = serde_json::from_value(case["data"].clone()).map_err(|e| format!("data: {e}"))?;
    let clear: Vec<F> = serde_json::from_value(
        case.get("clear")
            .or_else(|| case.get("remove"))
            .cloned()
            .unwrap_or(Value::Array(vec![])),
    )
    .map_err(|e| format!("clear: {e}"))?;
    apply(&mut before, &data, &clear);
    let got = serde_json::to_value(&before).unwrap();
    if got != case["after"] {
        return Err(diff(&case["after"], &got));
    }
    Ok(())
}

#[test]
fn partial_updates_apply() {
    let count = run_all("apply", "json", |path| {
        let case: Value = serde_json::from_str(&read(path)).map_err(|e| e.to_string())?;
        match kind(path).as_str() {
            "user" => apply_case::<User, PartialUser, FieldsUser>(&case, User::apply),
            "server" => apply_case::<Server, PartialServer, FieldsServer>(&case, Server::apply),
            "role" => apply_case::<Role, PartialRole, FieldsRole>(&case, Role::apply),
            "member" => apply_case::<Member, PartialMember, FieldsMember>(&case, Member::apply),
            "channel" => {
                apply_case::<Channel, PartialChannel, FieldsChannel>(&case, Channel::apply)
            }
            "message" => {
                apply_case::<Message, PartialMessage, FieldsMessage>(&case, Message::apply)
            }
            "webhook" => {
                apply_case::<Webhook, PartialWebhook, FieldsWebhook>(&case, Webhook::apply)
            }
            "emoji" => apply_case::<Emoji, PartialEmoji, FieldsUser>(&case, |e, d, _| e.apply(d)),
            "user_voice_state" => {
                apply_case::<UserVoiceState, PartialUserVoiceState, FieldsUser>(&case, |s, d, _| {
                    s.apply(d)
                })
            }
            "user_profile" => {
                apply_case::<UserProfile, Value, FieldsUser>(&case, |p, _, c| p.apply(c))
            }
            other => Err(format!("no apply runner for {other:?}")),
        }
    });
    println!("{count} apply fixtures");
}

fn command_for(name: &str) -> Option<ClientMessage> {
    let channel = "01M7YSZ8V81AWBPFRM30NYSV34".parse().unwrap();
    let message = "01M7YT7CBWRVS33BBAYKMERZ5N".parse().unwrap();
    Some(match name {
        "Authenticate" => ClientMessage::Authenticate {
            token: Token::bot("<BOT_TOKEN>"),
        },
        "BeginTyping" => ClientMessage::Command(Command::BeginTyping { channel }),
        "EndTyping" => ClientMessage::Command(Command::EndTyping { channel }),
        "Subscribe" => ClientMessage::Command(Command::Subscribe {
            server_id: "01M7YSZ8V8HNB362Z1HYDP0RXY".parse().unwrap(),
        }),
        "Ping.number" => ClientMessage::Ping {
            data: PingData::Number(1),
        },
        "Ping.binary" => ClientMessage::Ping {
            data: PingData::Binary(vec![1, 2, 3]),
        },
        "BeginEditing" => ClientMessage::Command(Command::BeginEditing { channel, message }),
        "StopEditing" => ClientMessage::Command(Command::StopEditing { channel, message }),
        _ => return None,
    })
}

#[test]
fn client_messages() {
    run_all("commands", "json", |path| {
        let stem = path.file_stem().unwrap().to_str().unwrap();
        let message = command_for(stem).ok_or("no client message for this fixture")?;
        if message.type_name() != kind(path) {
            return Err(format!("type_name() is {}", message.type_name()));
        }
        if format!("{message:?}").contains("BOT_TOKEN") {
            return Err("token visible in Debug".into());
        }
        let expected: Value = serde_json::from_str(&read(path)).unwrap();
        let WsMessage::Text(text) = encode(Format::Json, &message) else {
            return Err("JSON must be a text frame".into());
        };
        let got: Value = serde_json::from_str(&text).unwrap();
        if got != expected {
            return Err(diff(&expected, &got));
        }
        let WsMessage::Binary(bytes) = encode(Format::Msgpack, &message) else {
            return Err("msgpack must be a binary frame".into());
        };
        let got: Value = rmp_serde::from_slice(&bytes).map_err(|e| e.to_string())?;
        if got != expected {
            return Err(diff(&expected, &got));
        }
        Ok(())
    });
}

fn base64_decode(text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for c in text.bytes().filter(|c| *c != b'=') {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => panic!("bad base64 {c}"),
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

#[test]
fn captured_frames_decode() {
    let mut frames = 0;
    run_all("captures", "jsonl", |path| {
        for (line_no, line) in read(path).lines().enumerate() {
            let record: Value = serde_json::from_str(line).map_err(|e| e.to_string())?;
            if record["dir"] != "ws-recv" {
                continue;
            }
            let where_ = format!("line {}", line_no + 1);
            let event = match record["opcode"].as_str() {
                Some("text") => {
                    let text = record["text"].as_str().unwrap().to_owned();
                    let event = decode(Format::Json, &WsMessage::Text(text.clone()))
                        .map_err(|e| format!("{where_}: {e}"))?;
                    let back = serde_json::to_value(&event).unwrap();
                    let original: Value = serde_json::from_str(&text).unwrap();
                    if back != original {
                        return Err(format!("{where_}: {}", diff(&original, &back)));
                    }
                    event
                }
                Some("binary") => {
                    let bytes = base64_decode(record["binary_b64"].as_str().unwrap());
                    let event = decode(Format::Msgpack, &WsMessage::Binary(bytes.clone().into()))
                        .map_err(|e| format!("{where_}: {e}"))?;
                    // The capture's JSON rendering (timestamps as integers) decodes alike.
                    let rendered: Event = serde_json::from_value(record["decoded"].clone())
                        .map_err(|e| format!("{where_}: decoded: {e}"))?;
                    if rendered != event {
                        return Err(format!("{where_}: msgpack and its rendering differ"));
                    }
                    // Re-encoding gives the same document as the server's bytes.
                    let ours: Value =
                        rmp_serde::from_slice(&rmp_serde::to_vec_named(&event).unwrap()).unwrap();
                    let theirs: Value = rmp_serde::from_slice(&bytes).unwrap();
                    if ours != theirs {
                        return Err(format!("{where_}: {}", diff(&theirs, &ours)));
                    }
                    event
                }
                other => return Err(format!("{where_}: opcode {other:?}")),
            };
            if format!("{event:?}").contains("Unknown") {
                return Err(format!("{where_}: Unknown in {event:?}"));
            }
            frames += 1;
        }
        Ok(())
    });
    println!("{frames} captured frames");
}

#[test]
fn truncated_and_corrupted_frames_never_panic() {
    for path in files("events", "json") {
        let value: Value = serde_json::from_str(&read(&path)).unwrap();
        let text = serde_json::to_string(&value).unwrap();
        let event = check_event(&path, false).unwrap();
        let step = if text.len() > 2000 { 7 } else { 1 };
        // Every prefix is an error; once the `type` is readable, the error names it.
        let type_end =
            text.find(&format!("\"{}\"", event.type_name())).unwrap() + event.type_name().len() + 2;
        for cut in (0..text.len())
            .step_by(step)
            .filter(|c| text.is_char_boundary(*c))
        {
            match decode(Format::Json, &WsMessage::Text(text[..cut].to_owned())) {
                Err(DecodeError::Malformed { event_type, .. }) => {
                    assert_eq!(
                        event_type,
                        event.type_name(),
                        "{} cut {cut}",
                        path.display()
                    )
                }
                Err(DecodeError::Syntax { .. }) => assert!(
                    cut < type_end,
                    "{} cut {cut}: type not named",
                    path.display()
                ),
                other => panic!("{} cut {cut}: {other:?}", path.display()),
            }
        }
        // Flipping bytes of the msgpack form gives a value or an error, never a panic.
        let packed = rmp_serde::to_vec_named(&event).unwrap();
        for i in (0..packed.len()).step_by(step) {
            for flip in [0x01u8, 0x80, 0xff] {
                let mut bytes = packed.clone();
                bytes[i] ^= flip;
                let _ = decode(Format::Msgpack, &WsMessage::Binary(bytes.into()));
            }
        }
    }
}

#[test]
fn frames_of_the_wrong_kind_are_errors() {
    let text = WsMessage::Text(r#"{"type":"Authenticated"}"#.into());
    assert!(matches!(
        decode(Format::Msgpack, &text),
        Err(DecodeError::WrongFrameType { got: "text", .. })
    ));
    let binary = WsMessage::Binary(
        rmp_serde::to_vec_named(&Event::Authenticated)
            .unwrap()
            .into(),
    );
    assert!(matches!(
        decode(Format::Json, &binary),
        Err(DecodeError::WrongFrameType { got: "binary", .. })
    ));
    // `{"type":"Authenticated"}` is `81 a4 "type" ad "Authenticated"` in msgpack.
    let mut expected = vec![0x81, 0xa4];
    expected.extend_from_slice(b"type");
    expected.push(0xad);
    expected.extend_from_slice(b"Authenticated");
    assert_eq!(
        rmp_serde::to_vec_named(&Event::Authenticated).unwrap(),
        expected
    );
}
