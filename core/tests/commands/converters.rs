//! Every converter: valid words, invalid words, and what it asks for when the cache lacks
//! what the word names (and how it reads the answer).

use std::time::Duration;

use serde_json::json;
use stoat_core::cache::Cache;
use stoat_core::commands::{
    BadArgument, Colour, Conversion, Convert, ConvertContext, Fetched, Lookup, Ranged, TextChannel,
    VoiceChannel,
};
use stoat_core::http::parse_error;
use stoat_core::id::{ChannelId, EmojiId, InviteCode, MessageId, RoleId, ServerId, UserId};
use stoat_core::model::{
    Category, Channel, Emoji, InviteResponse, Member, Message, Role, Timestamp, User,
};

use crate::support::*;

fn run<T: Convert>(channel: &str, word: &str) -> Conversion<T> {
    let cache = world();
    let msg = message(channel, ALICE, "");
    let ctx = ConvertContext::new(&cache, &msg, Timestamp::from_millis(NOW_MS));
    T::convert(&ctx, word)
}

fn ok<T: Convert>(channel: &str, word: &str) -> T {
    match run::<T>(channel, word) {
        Conversion::Done(Ok(value)) => value,
        Conversion::Done(Err(error)) => panic!("{word:?} was rejected: {error}"),
        Conversion::Fetch(lookup) => panic!("{word:?} asked for {lookup:?}"),
    }
}

fn bad<T: Convert>(channel: &str, word: &str) -> BadArgument {
    match run::<T>(channel, word) {
        Conversion::Done(Err(error)) => error,
        Conversion::Done(Ok(_)) => panic!("{word:?} was accepted"),
        Conversion::Fetch(lookup) => panic!("{word:?} asked for {lookup:?}"),
    }
}

fn lookup<T: Convert>(channel: &str, word: &str) -> Lookup {
    match run::<T>(channel, word) {
        Conversion::Fetch(lookup) => lookup,
        Conversion::Done(Ok(_)) => panic!("{word:?} was accepted from the cache"),
        Conversion::Done(Err(error)) => panic!("{word:?} was rejected: {error}"),
    }
}

fn resume<T: Convert>(
    channel: &str,
    word: &str,
    fetched: Result<Fetched, stoat_core::http::Error>,
) -> Result<T, BadArgument> {
    let cache = world();
    let msg = message(channel, ALICE, "");
    let ctx = ConvertContext::new(&cache, &msg, Timestamp::from_millis(NOW_MS));
    match T::resume(&ctx, word, fetched) {
        Conversion::Done(result) => result,
        Conversion::Fetch(lookup) => panic!("asked again for {lookup:?}"),
    }
}

fn not_found() -> stoat_core::http::Error {
    parse_error(
        http::StatusCode::NOT_FOUND,
        br#"{"type":"NotFound","location":"x"}"#,
    )
}

fn server_error() -> stoat_core::http::Error {
    parse_error(
        http::StatusCode::INTERNAL_SERVER_ERROR,
        br#"{"type":"InternalError","location":"x"}"#,
    )
}

fn id<T: std::str::FromStr>(s: &str) -> T
where
    T::Err: std::fmt::Debug,
{
    s.parse().unwrap()
}

#[test]
fn integers_check_their_type_range() {
    assert_eq!(ok::<i64>(GENERAL, "-42"), -42);
    assert_eq!(ok::<u8>(GENERAL, "+255"), 255);
    assert!(
        matches!(bad::<u8>(GENERAL, "256"), BadArgument::OutOfRange { min, max, .. } if min == "0" && max == "255")
    );
    assert!(matches!(
        bad::<u8>(GENERAL, "-1"),
        BadArgument::NotAnInteger { .. } | BadArgument::OutOfRange { .. }
    ));
    assert!(matches!(
        bad::<i32>(GENERAL, "1.5"),
        BadArgument::NotAnInteger { .. }
    ));
    assert!(matches!(
        bad::<i32>(GENERAL, "ten"),
        BadArgument::NotAnInteger { .. }
    ));
    assert!(matches!(
        bad::<i32>(GENERAL, ""),
        BadArgument::NotAnInteger { .. }
    ));
}

#[test]
fn ranged_integers() {
    assert_eq!(ok::<Ranged<1, 100>>(GENERAL, "100").get(), 100);
    let error = bad::<Ranged<1, 100>>(GENERAL, "0");
    assert_eq!(error.to_string(), "0 is not between 1 and 100");
    assert!(matches!(
        bad::<Ranged<1, 100>>(GENERAL, "99999999999999999999"),
        BadArgument::OutOfRange { .. }
    ));
    assert!(matches!(
        bad::<Ranged<1, 100>>(GENERAL, "x"),
        BadArgument::NotAnInteger { .. }
    ));
    assert_eq!(
        <Ranged<1, 100> as Convert>::describe(),
        "integer from 1 to 100"
    );
}

#[test]
fn floats_are_finite() {
    assert_eq!(ok::<f64>(GENERAL, "2.5"), 2.5);
    assert_eq!(ok::<f32>(GENERAL, "-1e3"), -1000.0);
    for word in ["NaN", "inf", "-infinity", "1,5", "abc"] {
        assert!(
            matches!(bad::<f64>(GENERAL, word), BadArgument::NotANumber { .. }),
            "{word}"
        );
    }
}

#[test]
fn booleans() {
    for word in ["yes", "Y", "true", "t", "ON", "1", "enable", "enabled"] {
        assert!(ok::<bool>(GENERAL, word), "{word}");
    }
    for word in ["no", "N", "false", "f", "off", "0", "disable", "Disabled"] {
        assert!(!ok::<bool>(GENERAL, word), "{word}");
    }
    assert!(matches!(
        bad::<bool>(GENERAL, "maybe"),
        BadArgument::NotABool { .. }
    ));
}

#[test]
fn strings_take_the_word_as_is() {
    assert_eq!(ok::<String>(GENERAL, "héllo"), "héllo");
}

#[test]
fn typed_ids_from_mentions_or_ulids() {
    assert_eq!(ok::<UserId>(GENERAL, &format!("<@{ALICE}>")), id(ALICE));
    assert_eq!(ok::<UserId>(GENERAL, ALICE), id(ALICE));
    assert_eq!(
        ok::<ChannelId>(GENERAL, &format!("<#{GENERAL}>")),
        id(GENERAL)
    );
    assert_eq!(
        ok::<RoleId>(GENERAL, &format!("<%{MOD_ROLE}>")),
        id(MOD_ROLE)
    );
    assert_eq!(ok::<EmojiId>(GENERAL, &format!(":{EMOJI}:")), id(EMOJI));
    assert_eq!(ok::<MessageId>(GENERAL, CACHED_MESSAGE), id(CACHED_MESSAGE));
    assert_eq!(ok::<ServerId>(GENERAL, SERVER), id(SERVER));
    match bad::<UserId>(GENERAL, "<@nope>") {
        BadArgument::InvalidId {
            kind: "user",
            value,
        } => assert_eq!(value, "<@nope>"),
        other => panic!("{other:?}"),
    }
    // A mention of the wrong kind is not an id of this kind.
    assert!(matches!(
        bad::<UserId>(GENERAL, &format!("<#{GENERAL}>")),
        BadArgument::InvalidId { .. }
    ));
}

#[test]
fn users_by_mention_id_or_name() {
    assert_eq!(
        ok::<User>(GENERAL, &format!("<@{ALICE}>")).username,
        "alice"
    );
    assert_eq!(ok::<User>(DM, BOB).username, "bob");
    assert_eq!(ok::<User>(GENERAL, "alice").id, id(ALICE));
    assert_eq!(
        ok::<User>(GENERAL, "@ALICE").id,
        id(ALICE),
        "names ignore case when nothing matches exactly"
    );
    assert_eq!(
        ok::<User>(GENERAL, "Alice A.").id,
        id(ALICE),
        "display names match"
    );
    assert_eq!(ok::<User>(GENERAL, "twin#0002").id, id(TWIN_B));
    assert_eq!(ok::<User>(GENERAL, "TWIN#0002").id, id(TWIN_B));
    assert_eq!(ok::<Member>(GENERAL, "twin#0001").id.user, id(TWIN_A));
    for near in ["twin#00021", "twin#", "twin0002", "#0002"] {
        assert!(
            matches!(
                bad::<User>(GENERAL, near),
                BadArgument::NotFound { kind: "user", .. }
            ),
            "{near}"
        );
    }
    match bad::<User>(GENERAL, "twin") {
        BadArgument::Ambiguous {
            kind: "user",
            count: 2,
            ..
        } => {}
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        bad::<User>(GENERAL, "nobody"),
        BadArgument::NotFound { kind: "user", .. }
    ));
    // Not cached: fetched.
    assert_eq!(lookup::<User>(GENERAL, CAROL), Lookup::User(id(CAROL)));
    let carol: User =
        serde_json::from_value(json!({"_id": CAROL, "username": "carol", "discriminator": "0003"}))
            .unwrap();
    assert_eq!(
        resume::<User>(GENERAL, CAROL, Ok(Fetched::User(Box::new(carol))))
            .unwrap()
            .username,
        "carol"
    );
    assert!(matches!(
        resume::<User>(GENERAL, CAROL, Err(not_found())),
        Err(BadArgument::NotFound { kind: "user", .. })
    ));
    assert!(matches!(
        resume::<User>(GENERAL, CAROL, Err(server_error())),
        Err(BadArgument::Fetch { kind: "user", .. })
    ));
}

#[test]
fn members_of_the_server() {
    let ally = ok::<Member>(GENERAL, &format!("<@{ALICE}>"));
    assert_eq!(ally.nickname.as_deref(), Some("Ally"));
    assert_eq!(
        ok::<Member>(GENERAL, "Ally").id.user,
        id(ALICE),
        "nicknames match"
    );
    assert_eq!(
        ok::<Member>(GENERAL, "bob").id.user,
        id(BOB),
        "usernames match"
    );
    assert!(matches!(
        bad::<Member>(GENERAL, "twin"),
        BadArgument::Ambiguous { count: 2, .. }
    ));
    assert!(matches!(
        bad::<Member>(GENERAL, "otherbot"),
        BadArgument::NotFound { kind: "member", .. }
    ));
    assert!(matches!(
        bad::<Member>(DM, "bob"),
        BadArgument::NotInServer { kind: "member" }
    ));
    assert_eq!(
        lookup::<Member>(GENERAL, &format!("<@{CAROL}>")),
        Lookup::Member {
            server: id(SERVER),
            user: id(CAROL)
        }
    );
    let carol: Member = serde_json::from_value(
        json!({"_id": {"server": SERVER, "user": CAROL}, "joined_at": "2026-11-21T10:21:00.440Z"}),
    )
    .unwrap();
    assert_eq!(
        resume::<Member>(GENERAL, CAROL, Ok(Fetched::Member(Box::new(carol.clone()))))
            .unwrap()
            .id
            .user,
        id(CAROL)
    );
    let mut elsewhere = carol;
    elsewhere.id.server = id(OTHER_SERVER);
    assert!(
        resume::<Member>(GENERAL, CAROL, Ok(Fetched::Member(Box::new(elsewhere)))).is_err(),
        "a member of another server is not one of this"
    );
    assert!(matches!(
        resume::<Member>(GENERAL, CAROL, Err(not_found())),
        Err(BadArgument::NotFound { .. })
    ));
}

#[test]
fn channels_of_each_kind() {
    assert_eq!(ok::<Channel>(GENERAL, &format!("<#{NSFW}>")).id(), id(NSFW));
    assert_eq!(ok::<Channel>(GENERAL, "#lounge").id(), id(LOUNGE));
    assert_eq!(
        ok::<Channel>(GENERAL, "GENERAL").id(),
        id(GENERAL),
        "only this server's general"
    );
    assert_eq!(
        ok::<TextChannel>(GENERAL, "lounge").id(),
        id(LOUNGE),
        "voice-capable text channels are text channels"
    );
    assert_eq!(ok::<VoiceChannel>(GENERAL, "lounge").id(), id(LOUNGE));
    assert_eq!(
        ok::<VoiceChannel>(GENERAL, LEGACY_VOICE).id(),
        id(LEGACY_VOICE)
    );
    match bad::<VoiceChannel>(GENERAL, "general") {
        BadArgument::NotFound {
            kind: "voice channel",
            ..
        } => {}
        other => panic!("{other:?}"),
    }
    match bad::<VoiceChannel>(GENERAL, &format!("<#{GENERAL}>")) {
        BadArgument::WrongChannelKind {
            expected: "voice channel",
            ..
        } => {}
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        bad::<TextChannel>(GENERAL, "old voice"),
        BadArgument::NotFound { .. }
    ));
    // By id, a channel of another server is not found from here.
    assert!(matches!(
        bad::<Channel>(GENERAL, ELSEWHERE),
        BadArgument::NotFound { .. }
    ));
    // In a DM, any channel by id; names need a server.
    assert_eq!(ok::<Channel>(DM, ELSEWHERE).id(), id(ELSEWHERE));
    assert!(matches!(
        bad::<Channel>(DM, "general"),
        BadArgument::NotInServer { .. }
    ));
    assert_eq!(
        lookup::<Channel>(GENERAL, UNCACHED_CHANNEL),
        Lookup::Channel(id(UNCACHED_CHANNEL))
    );
    let fetched: Channel = serde_json::from_value(json!({"channel_type": "TextChannel", "_id": UNCACHED_CHANNEL, "server": SERVER, "name": "new"})).unwrap();
    assert_eq!(
        resume::<TextChannel>(
            GENERAL,
            UNCACHED_CHANNEL,
            Ok(Fetched::Channel(Box::new(fetched.clone())))
        )
        .unwrap()
        .0,
        fetched
    );
    assert!(matches!(
        resume::<VoiceChannel>(
            GENERAL,
            UNCACHED_CHANNEL,
            Ok(Fetched::Channel(Box::new(fetched)))
        ),
        Err(BadArgument::WrongChannelKind { .. })
    ));
}

#[test]
fn categories() {
    assert_eq!(ok::<Category>(GENERAL, "info").title, "Information");
    assert_eq!(ok::<Category>(GENERAL, "information").id.as_str(), "info");
    assert!(matches!(
        bad::<Category>(GENERAL, "nope"),
        BadArgument::NotFound { .. }
    ));
    assert!(matches!(
        bad::<Category>(DM, "info"),
        BadArgument::NotInServer { .. }
    ));
}

#[test]
fn roles_by_mention_id_or_name() {
    assert_eq!(
        ok::<Role>(GENERAL, &format!("<%{MOD_ROLE}>")).name,
        "Moderator"
    );
    assert_eq!(ok::<Role>(GENERAL, MEMBER_ROLE).name, "Member");
    assert_eq!(ok::<Role>(GENERAL, "moderator").id, id(MOD_ROLE));
    assert!(matches!(
        bad::<Role>(GENERAL, "Twin"),
        BadArgument::Ambiguous { count: 2, .. }
    ));
    assert!(matches!(
        bad::<Role>(GENERAL, "Admin"),
        BadArgument::NotFound { kind: "role", .. }
    ));
    assert!(matches!(
        bad::<Role>(DM, "Moderator"),
        BadArgument::NotInServer { kind: "role" }
    ));
}

#[test]
fn roles_of_an_uncached_server_are_fetched() {
    let mut cache = Cache::default();
    cache.apply(&ready());
    // A channel of a server the cache does not have.
    cache.apply(&serde_json::from_value(json!({"type": "ChannelCreate", "channel_type": "TextChannel", "_id": UNCACHED_CHANNEL, "server": OTHER_SERVER, "name": "x"})).unwrap());
    let msg = message(UNCACHED_CHANNEL, ALICE, "");
    let ctx = ConvertContext::new(&cache, &msg, Timestamp::from_millis(NOW_MS));
    match Role::convert(&ctx, MOD_ROLE) {
        Conversion::Fetch(Lookup::Role { server, role }) => {
            assert_eq!((server, role), (id(OTHER_SERVER), id(MOD_ROLE)));
        }
        other => panic!("{other:?}"),
    }
    match Role::convert(&ctx, "Moderator") {
        Conversion::Fetch(Lookup::Server(server)) => assert_eq!(server, id(OTHER_SERVER)),
        other => panic!("{other:?}"),
    }
    let server: stoat_core::model::Server = serde_json::from_value(json!({
        "_id": OTHER_SERVER, "owner": OWNER, "name": "Other",
        "roles": {MOD_ROLE: role(MOD_ROLE, "Moderator", 0, 0)},
    }))
    .unwrap();
    match Role::resume(&ctx, "Moderator", Ok(Fetched::Server(Box::new(server)))) {
        Conversion::Done(Ok(role)) => assert_eq!(role.id, id(MOD_ROLE)),
        other => panic!("{other:?}"),
    }
}

#[test]
fn emojis_by_id_or_name() {
    assert_eq!(ok::<Emoji>(GENERAL, &format!(":{EMOJI}:")).name, "party");
    assert_eq!(ok::<Emoji>(GENERAL, EMOJI).name, "party");
    let other = "01M7YSZ8VAEEEEEEEEEEEEEEE2";
    assert_eq!(
        lookup::<Emoji>(GENERAL, &format!(":{other}:")),
        Lookup::Emoji(id(other))
    );
    // Names need the server's list.
    assert_eq!(
        lookup::<Emoji>(GENERAL, ":party:"),
        Lookup::ServerEmojis(id(SERVER))
    );
    let list: Vec<Emoji> = serde_json::from_value(json!([
        {"_id": EMOJI, "parent": {"type": "Server", "id": SERVER}, "creator_id": OWNER, "name": "party"},
        {"_id": other, "parent": {"type": "Server", "id": SERVER}, "creator_id": OWNER, "name": "cake"},
    ]))
    .unwrap();
    assert_eq!(
        resume::<Emoji>(GENERAL, ":cake:", Ok(Fetched::Emojis(list.clone())))
            .unwrap()
            .id,
        id(other)
    );
    assert!(matches!(
        resume::<Emoji>(GENERAL, "pie", Ok(Fetched::Emojis(list))),
        Err(BadArgument::NotFound { .. })
    ));
    assert!(matches!(
        bad::<Emoji>(DM, "party"),
        BadArgument::NotInServer { .. }
    ));
}

#[test]
fn messages_by_id_or_link() {
    assert_eq!(
        ok::<Message>(GENERAL, CACHED_MESSAGE).content.as_deref(),
        Some("an old message")
    );
    // The same id in another channel is fetched there.
    assert_eq!(
        lookup::<Message>(GENERAL, &format!("{NSFW}-{CACHED_MESSAGE}")),
        Lookup::Message {
            channel: id(NSFW),
            message: id(CACHED_MESSAGE)
        }
    );
    let unknown = "01M7YT8F8NBH98W6P4028C0002";
    assert_eq!(
        lookup::<Message>(
            GENERAL,
            &format!("https://stoat.chat/server/{SERVER}/channel/{GENERAL}/{unknown}")
        ),
        Lookup::Message {
            channel: id(GENERAL),
            message: id(unknown)
        }
    );
    assert!(matches!(
        bad::<Message>(GENERAL, "hello"),
        BadArgument::InvalidId {
            kind: "message",
            ..
        }
    ));
    assert!(matches!(
        resume::<Message>(GENERAL, unknown, Err(not_found())),
        Err(BadArgument::NotFound {
            kind: "message",
            ..
        })
    ));
}

#[test]
fn invites_are_always_fetched() {
    let code: InviteCode = "ABCD1234".parse().unwrap();
    assert_eq!(
        lookup::<InviteResponse>(GENERAL, "https://stt.gg/ABCD1234"),
        Lookup::Invite(code.clone())
    );
    assert_eq!(
        lookup::<InviteResponse>(GENERAL, "ABCD1234"),
        Lookup::Invite(code)
    );
    assert!(matches!(
        bad::<InviteResponse>(GENERAL, "not an invite!"),
        BadArgument::InvalidInvite { .. }
    ));
    assert!(matches!(
        resume::<InviteResponse>(GENERAL, "ABCD1234", Err(not_found())),
        Err(BadArgument::NotFound { kind: "invite", .. })
    ));
}

#[test]
fn colours_and_durations() {
    assert_eq!(ok::<Colour>(GENERAL, "#ff8800"), Colour(0xff8800));
    assert!(matches!(
        bad::<Colour>(GENERAL, "ultraviolet"),
        BadArgument::InvalidColour { .. }
    ));
    assert_eq!(ok::<Duration>(GENERAL, "1h30m"), Duration::from_secs(5400));
    assert!(matches!(
        bad::<Duration>(GENERAL, "soon"),
        BadArgument::InvalidDuration { .. }
    ));
}

#[test]
fn long_words_are_truncated_in_errors() {
    let word = "x".repeat(5000);
    let error = bad::<i64>(GENERAL, &word);
    assert!(error.to_string().len() < 200, "{}", error.to_string().len());
}
