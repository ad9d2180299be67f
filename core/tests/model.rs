//! Behaviour of the wire model beyond the fixtures: ids, flags, secrets, helpers.

use stoat_core::gateway::{decode, Event, Format, Ready, WsMessage};
use stoat_core::id::{CategoryId, ChannelId, FileId, MessageId, UserId};
use stoat_core::model::*;

const OWNER: &str = "01M7YSZ8H1XVFKYWFT7NKJHCGM";

#[test]
fn ulid_ids_are_typed_and_know_their_creation_time() {
    let id: UserId = OWNER.parse().unwrap();
    assert_eq!(id.to_string(), OWNER);
    assert_eq!(format!("{id:?}"), format!("UserId({OWNER})"));
    assert_eq!(
        id.created_at(),
        Timestamp::from_millis(id.ulid().timestamp_ms() as i64)
    );
    assert_eq!(id.created_at().to_iso8601(), "2026-11-21T10:20:59.809Z");
    assert!(UserId::SYSTEM.is_system());
    assert_eq!(UserId::SYSTEM.to_string(), "00000000000000000000000000");
    // Ordering is creation order.
    let later: UserId = "01M7YT7CBWRVS33BBAYKMERZ5N".parse().unwrap();
    assert!(id < later);
    assert!("01M7YSZ8H1XVFKYWFT7NKJHCG".parse::<UserId>().is_err());
    assert!(serde_json::from_str::<ChannelId>("\"nope\"").is_err());
}

#[test]
fn string_ids_accept_anything_on_the_wire_but_check_on_parse() {
    let category: CategoryId = serde_json::from_str("\"capcat\"").unwrap();
    assert_eq!(category.as_str(), "capcat");
    assert!("".parse::<CategoryId>().is_err());
    assert!("x".repeat(33).parse::<CategoryId>().is_err());
    assert!("x".repeat(32).parse::<CategoryId>().is_ok());
    let file: FileId =
        serde_json::from_str("\"jT4F3n1nq3a1xX2Ck0z9pR5vW8yB6dE7gH2kLmN0Pq\"").unwrap();
    assert_eq!(
        serde_json::to_string(&file).unwrap(),
        "\"jT4F3n1nq3a1xX2Ck0z9pR5vW8yB6dE7gH2kLmN0Pq\""
    );
}

#[test]
fn permission_constants_match_the_reference() {
    assert_eq!(Permissions::ALLOW_IN_TIMEOUT.bits(), 3_145_728);
    assert_eq!(Permissions::DEFAULT_VIEW_ONLY.bits(), 3_145_728);
    assert_eq!(Permissions::DEFAULT.bits(), 76_477_890_560);
    assert_eq!(Permissions::DEFAULT_SERVER.bits(), 77_014_766_592);
    assert_eq!(Permissions::DEFAULT_SERVER_0_16.bits(), 2_276_038_022_144);
    assert_eq!(Permissions::DEFAULT_DIRECT_MESSAGE.bits(), 77_283_196_929);
    assert_eq!(
        Permissions::DEFAULT_SAVED_MESSAGES.bits(),
        4_503_599_627_370_495
    );
    assert_eq!(Permissions::DEFAULT_WEBHOOK.bits(), 876_609_536);
    assert_eq!(Permissions::GRANT_ALL.bits(), u64::MAX);
    assert_eq!(Permissions::VIEW_AUDIT_LOGS.bits(), 1_099_511_627_776);
    assert_eq!(Permissions::SPEAK.bits(), 2_147_483_648);
    assert_eq!(UserPermissions::all().bits(), 15);
    let over = OverrideField::new(Permissions::MANAGE_MESSAGES, Permissions::VIEW_CHANNEL);
    let result = over.apply(Permissions::DEFAULT);
    assert!(result.contains(Permissions::MANAGE_MESSAGES));
    assert!(!result.contains(Permissions::VIEW_CHANNEL));
}

#[test]
fn flags_keep_unknown_bits_and_accept_signed_values() {
    let badges: UserBadges = serde_json::from_str("4097").unwrap();
    assert!(badges.contains(UserBadges::DEVELOPER));
    assert_eq!(serde_json::to_string(&badges).unwrap(), "4097");
    assert_eq!(
        format!("{badges:?}"),
        "UserBadges(0x1001: DEVELOPER | 0x1000)"
    );
    // `flags` is an i32 on some routes; a negative value keeps its bits.
    let flags: UserFlags = serde_json::from_str("-1").unwrap();
    assert_eq!(flags.bits(), u32::MAX);
    let perms: Permissions = serde_json::from_str("-1").unwrap();
    assert_eq!(perms, Permissions::GRANT_ALL);
    assert!(serde_json::from_str::<UserFlags>("4294967296").is_err());
    assert!(serde_json::from_str::<UserFlags>("\"Deleted\"").is_err());
    assert_eq!(MessageFlags::SUPPRESS_NOTIFICATIONS.bits(), 2);
    assert_eq!(MessageFlags::MENTIONS_EVERYONE.bits(), 4);
    assert_eq!(MessageFlags::MENTIONS_ONLINE.bits(), 8);
}

#[test]
fn secrets_are_redacted_in_debug() {
    let bot: Bot = serde_json::from_str(
        r#"{"_id":"01M7YSZ8V6D4QNP163AMRA3ARS","owner":"01M7YSZ8H1XVFKYWFT7NKJHCGM","token":"SUPERSECRET","public":false}"#,
    )
    .unwrap();
    assert!(!format!("{bot:?}").contains("SUPERSECRET"));
    assert_eq!(bot.token.expose(), "SUPERSECRET");
    assert!(serde_json::to_string(&bot).unwrap().contains("SUPERSECRET"));

    let frames = [
        r#"{"type":"UserMoveVoiceChannel","node":"n","from":"01M7YSZ8V81AWBPFRM30NYSV34","to":"01M7YSZ8V81AWBPFRM30NYSV34","token":"SUPERSECRET"}"#,
        r#"{"type":"WebhookCreate","id":"01M7YTE0WEBH00K00000000000","name":"CI","creator_id":"01M7YSZ8H1XVFKYWFT7NKJHCGM","channel_id":"01M7YSZ8V81AWBPFRM30NYSV34","permissions":0,"token":"SUPERSECRET"}"#,
        r#"{"type":"CreateSession","session":{"_id":"s","user_id":"01M7YSZ8H1XVFKYWFT7NKJHCGM","token":"SUPERSECRET","name":"x"}}"#,
    ];
    for frame in frames {
        let event = decode(Format::Json, &WsMessage::Text(frame.into())).unwrap();
        assert!(!format!("{event:?}").contains("SUPERSECRET"), "{event:?}");
    }
}

#[test]
fn ready_finds_the_current_user_wherever_it_is() {
    let ready = decode(
        Format::Json,
        &WsMessage::Text(format!(
            r#"{{"type":"Ready","users":[
            {{"_id":"{OWNER}","username":"me","discriminator":"0001","relationship":"User","online":true}},
            {{"_id":"01M7YSZ8V6D4QNP163AMRA3ARS","username":"other","discriminator":"0002","relationship":"Friend","online":true}}]}}"#
        )),
    )
    .unwrap();
    let Event::Ready(ready) = ready else { panic!() };
    assert_eq!(ready.current_user().unwrap().username, "me");
    assert!(Ready::default().current_user().is_none());
}

fn message() -> Message {
    serde_json::from_str(&format!(
        r#"{{"_id":"01M7YT7CBWRVS33BBAYKMERZ5N","channel":"01M7YSZ8V81AWBPFRM30NYSV34","author":"{OWNER}"}}"#
    ))
    .unwrap()
}

#[test]
fn reactions_are_tracked_like_the_server_does() {
    let mut m = message();
    let me: UserId = OWNER.parse().unwrap();
    m.add_reaction("👍", me);
    m.add_reaction("👍", me);
    assert_eq!(m.reactions["👍"], vec![me]);
    m.remove_reaction("👍", me);
    assert!(m.reactions.is_empty());
    m.add_reaction("👍", me);
    m.clear_reaction("👍");
    assert!(m.reactions.is_empty());
}

#[test]
fn appended_embeds_extend_the_message() {
    let mut m = message();
    let append: AppendMessage =
        serde_json::from_str(r#"{"embeds":[{"type":"None"},{"type":"Website","title":"t"}]}"#)
            .unwrap();
    m.append(&append);
    m.append(&append);
    assert_eq!(m.embeds.as_ref().unwrap().len(), 4);
}

#[test]
fn roles_are_created_ranked_and_updated_on_the_server() {
    let mut server: Server = serde_json::from_str(&format!(
        r#"{{"_id":"01M7YSZ8V8HNB362Z1HYDP0RXY","owner":"{OWNER}","name":"s","channels":[],"default_permissions":0,"approximate_member_count":1}}"#
    ))
    .unwrap();
    let a = "01M7YT8ZHYG2HDQRHAZ49Q93D5".parse().unwrap();
    let b = "01M7YTA0R0KE2000000000000A".parse().unwrap();
    let create: PartialRole =
        serde_json::from_str(r#"{"name":"A","permissions":{"a":0,"d":0},"hoist":false,"rank":0}"#)
            .unwrap();
    assert!(server.apply_role(a, &create, &[]).is_none());
    assert!(server.apply_role(b, &create, &[]).is_none());
    // A partial that is not a whole role does not invent one.
    let partial: PartialRole = serde_json::from_str(r#"{"colour":"red"}"#).unwrap();
    let c = "01M7YTA0R0KE2000000000000B".parse().unwrap();
    assert!(server.apply_role(c, &partial, &[]).is_none());
    assert_eq!(server.roles.len(), 2);
    let before = server.apply_role(a, &partial, &[]).unwrap();
    assert_eq!(before.colour, None);
    assert_eq!(server.roles[&a].colour.as_deref(), Some("red"));
    server.apply_role_ranks(&[b, a]);
    assert_eq!(server.roles[&b].rank, 0);
    assert_eq!(server.roles[&a].rank, 1);
}

#[test]
fn channel_helpers() {
    let group: Channel = serde_json::from_str(&format!(
        r#"{{"channel_type":"Group","_id":"01M7YTC1GR0VP000000000000G","name":"g","owner":"{OWNER}","recipients":["{OWNER}"]}}"#
    ))
    .unwrap();
    let mut group2 = group.clone();
    let other: UserId = "01M7YSZ8V6D4QNP163AMRA3ARS".parse().unwrap();
    group2.add_recipient(other);
    group2.add_recipient(other);
    assert_eq!(group2.recipients().len(), 2);
    group2.remove_recipient(other);
    assert_eq!(group2, group);
    let msg: MessageId = "01M7YT7CBWRVS33BBAYKMERZ5N".parse().unwrap();
    group2.set_last_message_id(msg);
    assert_eq!(group2.last_message_id(), Some(msg));
    assert!(group.is_voice_capable());
    assert_eq!(group.channel_type(), "Group");

    let unknown: Channel = serde_json::from_str(
        r#"{"channel_type":"ForumChannel","_id":"01M7YT8TV2Y5W4F97YBN29R66K","server":"01M7YSZ8V8HNB362Z1HYDP0RXY","name":"f"}"#,
    )
    .unwrap();
    assert_eq!(unknown.channel_type(), "ForumChannel");
    assert_eq!(unknown.id().to_string(), "01M7YT8TV2Y5W4F97YBN29R66K");
    assert_eq!(
        unknown.server().unwrap().to_string(),
        "01M7YSZ8V8HNB362Z1HYDP0RXY"
    );
    assert_eq!(unknown.name(), Some("f"));
    // A known channel type with a bad shape is an error, not an Unknown channel.
    assert!(serde_json::from_str::<Channel>(
        r#"{"channel_type":"TextChannel","_id":"01M7YT8TV2Y5W4F97YBN29R66K"}"#
    )
    .is_err());
}

#[test]
fn checked_enums_list_their_tags() {
    // Every known tag decodes into a typed variant or fails; it never lands in Unknown.
    fn check<T: serde::de::DeserializeOwned + std::fmt::Debug>(tag_key: &str, tags: &[&str]) {
        for tag in tags {
            let json = format!(r#"{{"{tag_key}":"{tag}"}}"#);
            if let Ok(value) = serde_json::from_str::<T>(&json) {
                assert!(
                    !format!("{value:?}").starts_with("Unknown"),
                    "{tag} -> {value:?}"
                );
            }
        }
    }
    check::<Channel>("channel_type", Channel::KNOWN_TAGS);
    check::<Embed>("type", Embed::KNOWN_TAGS);
    check::<Special>("type", Special::KNOWN_TAGS);
    check::<SystemMessage>("type", SystemMessage::KNOWN_TAGS);
    check::<FileMetadata>("type", FileMetadata::KNOWN_TAGS);
    check::<EmojiParent>("type", EmojiParent::KNOWN_TAGS);
    check::<Invite>("type", Invite::KNOWN_TAGS);
    check::<InviteResponse>("type", InviteResponse::KNOWN_TAGS);
    check::<InviteJoinResponse>("type", InviteJoinResponse::KNOWN_TAGS);
    check::<ReportedContent>("type", ReportedContent::KNOWN_TAGS);
    check::<AuditLogAction>("type", AuditLogAction::KNOWN_TAGS);
}

#[test]
fn member_voice_flags_default_to_true() {
    let member: Member = serde_json::from_str(&format!(
        r#"{{"_id":{{"server":"01M7YSZ8V8HNB362Z1HYDP0RXY","user":"{OWNER}"}},"joined_at":"2026-11-21T10:21:00.136Z"}}"#
    ))
    .unwrap();
    assert!(member.can_publish && member.can_receive);
    assert!(!member.is_timed_out(Timestamp::from_millis(0)));
}

#[test]
fn malformed_events_say_what_is_wrong() {
    let frame = r#"{"type":"MessageUpdate","id":"01M7YT7CBWRVS33BBAYKMERZ5N","data":{}}"#;
    let error = decode(Format::Json, &WsMessage::Text(frame.into())).unwrap_err();
    // Streaming decoders add where in the frame it went wrong.
    let message = error.to_string();
    assert!(
        message.starts_with("malformed MessageUpdate event: missing field `channel`"),
        "{message}"
    );
}
