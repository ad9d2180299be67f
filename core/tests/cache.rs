//! The cache: filled from Ready, updated by events, reporting what each event replaced.

use stoat_core::cache::{Cache, CacheConfig, CacheResources, Change};
use stoat_core::gateway::Event;

const SERVER: &str = "01M7YSZ8V8HNB362Z1HYDP0RXY";
const CHANNEL: &str = "01M7YSZ8V81AWBPFRM30NYSV34";
const BOT: &str = "01M7YSZ8V6D4QNP163AMRA3ARS";

fn event(json: &str) -> Event {
    serde_json::from_str(json).unwrap()
}

/// The bot's Ready as captured from the real server.
fn ready() -> Event {
    event(
        r#"{"type":"Ready","users":[{"_id":"01M7YSZ8V6D4QNP163AMRA3ARS","username":"capbot","discriminator":"1643","bot":{"owner":"01M7YSZ8H1XVFKYWFT7NKJHCGM"},"relationship":"User","online":true}],"servers":[{"_id":"01M7YSZ8V8HNB362Z1HYDP0RXY","owner":"01M7YSZ8H1XVFKYWFT7NKJHCGM","name":"Capture Server","channels":["01M7YSZ8V81AWBPFRM30NYSV34"],"default_permissions":77014766592,"approximate_member_count":1}],"channels":[{"channel_type":"TextChannel","_id":"01M7YSZ8V81AWBPFRM30NYSV34","server":"01M7YSZ8V8HNB362Z1HYDP0RXY","name":"General"}],"members":[{"_id":{"server":"01M7YSZ8V8HNB362Z1HYDP0RXY","user":"01M7YSZ8V6D4QNP163AMRA3ARS"},"joined_at":"2026-11-21T10:21:00.440Z"}],"emojis":[],"voice_states":[]}"#,
    )
}

fn message(id: &str, content: &str) -> Event {
    event(&format!(
        r#"{{"type":"Message","_id":"{id}","channel":"{CHANNEL}","author":"{BOT}","content":"{content}"}}"#
    ))
}

fn msg_id(n: u32) -> String {
    format!("01M7YT8F8NBH98W6P4028C{n:04}")
}

#[test]
fn ready_fills_users_servers_channels_and_members() {
    let mut cache = Cache::default();
    assert_eq!(cache.apply(&ready()), Change::Ready);
    assert_eq!(cache.current_user().unwrap().username, "capbot");
    let server = cache.server(SERVER.parse().unwrap()).unwrap();
    assert_eq!(server.name, "Capture Server");
    assert_eq!(
        cache.channel(CHANNEL.parse().unwrap()).unwrap().name(),
        Some("General")
    );
    assert!(cache
        .member(SERVER.parse().unwrap(), BOT.parse().unwrap())
        .is_some());
}

#[test]
fn message_edits_and_deletes_report_the_previous_value() {
    let mut cache = Cache::default();
    cache.apply(&ready());
    let id = msg_id(1);
    assert_eq!(cache.apply(&message(&id, "hello")), Change::MessageCreated);
    let update = event(&format!(
        r#"{{"type":"MessageUpdate","id":"{id}","channel":"{CHANNEL}","data":{{"content":"edited","edited":"2026-11-21T10:25:00.000Z","embeds":[]}},"clear":[]}}"#
    ));
    match cache.apply(&update) {
        Change::MessageUpdated {
            before: Some(before),
        } => {
            assert_eq!(before.content.as_deref(), Some("hello"));
            assert!(before.edited.is_none());
        }
        other => panic!("{other:?}"),
    }
    let now = cache.message(id.parse().unwrap()).unwrap();
    assert_eq!(now.content.as_deref(), Some("edited"));
    assert!(now.edited.is_some());

    // Pin, then the unpin's `clear`.
    cache.apply(&event(&format!(
        r#"{{"type":"MessageUpdate","id":"{id}","channel":"{CHANNEL}","data":{{"pinned":true}},"clear":[]}}"#
    )));
    assert_eq!(
        cache.message(id.parse().unwrap()).unwrap().pinned,
        Some(true)
    );
    cache.apply(&event(&format!(
        r#"{{"type":"MessageUpdate","id":"{id}","channel":"{CHANNEL}","data":{{}},"clear":["Pinned"]}}"#
    )));
    assert_eq!(cache.message(id.parse().unwrap()).unwrap().pinned, None);

    let delete = event(&format!(
        r#"{{"type":"MessageDelete","id":"{id}","channel":"{CHANNEL}"}}"#
    ));
    match cache.apply(&delete) {
        Change::MessageDeleted {
            before: Some(before),
        } => {
            assert_eq!(before.content.as_deref(), Some("edited"))
        }
        other => panic!("{other:?}"),
    }
    assert!(cache.message(id.parse().unwrap()).is_none());
    // Deleting what is not cached is reported as such.
    assert_eq!(
        cache.apply(&delete),
        Change::MessageDeleted { before: None }
    );
}

#[test]
fn bulk_delete_returns_every_cached_message() {
    let mut cache = Cache::default();
    for n in 0..3 {
        cache.apply(&message(&msg_id(n), "x"));
    }
    let bulk = event(&format!(
        r#"{{"type":"BulkMessageDelete","channel":"{CHANNEL}","ids":["{}","{}","01M7YT8F8NBH98W6P4028C9999"]}}"#,
        msg_id(0),
        msg_id(1)
    ));
    match cache.apply(&bulk) {
        Change::MessagesDeleted { before } => assert_eq!(before.len(), 2),
        other => panic!("{other:?}"),
    }
    assert_eq!(cache.channel_messages(CHANNEL.parse().unwrap()).count(), 1);
}

#[test]
fn message_history_is_bounded_per_channel() {
    let mut cache = Cache::new(CacheConfig::default().messages_per_channel(3));
    for n in 0..5 {
        cache.apply(&message(&msg_id(n), &format!("m{n}")));
    }
    let kept: Vec<_> = cache
        .channel_messages(CHANNEL.parse().unwrap())
        .map(|m| m.content.clone().unwrap())
        .collect();
    assert_eq!(kept, ["m2", "m3", "m4"]);
    assert!(cache.message(msg_id(0).parse().unwrap()).is_none());
}

#[test]
fn channel_events_report_before_and_deletes_cascade_to_messages() {
    let mut cache = Cache::default();
    cache.apply(&ready());
    cache.apply(&message(&msg_id(1), "x"));
    let update = event(&format!(
        r#"{{"type":"ChannelUpdate","id":"{CHANNEL}","data":{{"name":"renamed","description":"d"}},"clear":[]}}"#
    ));
    match cache.apply(&update) {
        Change::ChannelUpdated {
            before: Some(before),
        } => {
            assert_eq!(before.name(), Some("General"))
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        cache.channel(CHANNEL.parse().unwrap()).unwrap().name(),
        Some("renamed")
    );
    let clear = event(&format!(
        r#"{{"type":"ChannelUpdate","id":"{CHANNEL}","data":{{}},"clear":["Description"]}}"#
    ));
    cache.apply(&clear);
    match cache.channel(CHANNEL.parse().unwrap()).unwrap() {
        stoat_core::model::Channel::TextChannel { description, .. } => {
            assert!(description.is_none())
        }
        other => panic!("{other:?}"),
    }

    let delete = event(&format!(r#"{{"type":"ChannelDelete","id":"{CHANNEL}"}}"#));
    match cache.apply(&delete) {
        Change::ChannelDeleted {
            before: Some(before),
        } => {
            assert_eq!(before.name(), Some("renamed"))
        }
        other => panic!("{other:?}"),
    }
    assert!(cache.message(msg_id(1).parse().unwrap()).is_none());

    let create = event(&format!(
        r#"{{"type":"ChannelCreate","channel_type":"TextChannel","_id":"{CHANNEL}","server":"{SERVER}","name":"back"}}"#
    ));
    assert_eq!(
        cache.apply(&create),
        Change::ChannelCreated { before: None }
    );
}

#[test]
fn server_delete_cascades_to_channels_and_members() {
    let mut cache = Cache::default();
    cache.apply(&ready());
    let delete = event(&format!(r#"{{"type":"ServerDelete","id":"{SERVER}"}}"#));
    assert!(matches!(
        cache.apply(&delete),
        Change::ServerDeleted { before: Some(_) }
    ));
    assert!(cache.channel(CHANNEL.parse().unwrap()).is_none());
    assert!(cache
        .member(SERVER.parse().unwrap(), BOT.parse().unwrap())
        .is_none());
}

#[test]
fn resources_can_be_switched_off() {
    let mut cache = Cache::new(CacheConfig::default().resources(CacheResources::CHANNELS));
    cache.apply(&ready());
    cache.apply(&message(&msg_id(1), "x"));
    assert!(cache.server(SERVER.parse().unwrap()).is_none());
    assert!(cache.message(msg_id(1).parse().unwrap()).is_none());
    assert!(cache.channel(CHANNEL.parse().unwrap()).is_some());
    // Your own user is always kept.
    assert!(cache.current_user().is_some());
}

#[test]
fn user_updates_apply_presence_changes() {
    let mut cache = Cache::default();
    cache.apply(&ready());
    let offline = event(&format!(
        r#"{{"type":"UserUpdate","id":"{BOT}","data":{{"online":false}},"clear":[],"event_id":null}}"#
    ));
    match cache.apply(&offline) {
        Change::UserUpdated {
            before: Some(before),
        } => assert!(before.online),
        other => panic!("{other:?}"),
    }
    assert!(!cache.user(BOT.parse().unwrap()).unwrap().online);
}

const OWNER: &str = "01M7YSZ8H1XVFKYWFT7NKJHCGM";
const ROLE: &str = "01M7YT8ZHYG2HDQRHAZ49Q93D5";

#[test]
fn reactions_update_the_cached_message() {
    let mut cache = Cache::default();
    let id = msg_id(7);
    cache.apply(&message(&id, "react to me"));
    let react = |kind: &str, user: &str| {
        event(&format!(
            r#"{{"type":"{kind}","id":"{id}","channel_id":"{CHANNEL}","user_id":"{user}","emoji_id":"👍"}}"#
        ))
    };
    assert!(matches!(
        cache.apply(&react("MessageReact", OWNER)),
        Change::MessageUpdated { before: Some(_) }
    ));
    cache.apply(&react("MessageReact", BOT));
    let reactions = |cache: &Cache| {
        cache
            .message(id.parse().unwrap())
            .unwrap()
            .reactions
            .get("👍")
            .map(|u| u.len())
    };
    assert_eq!(reactions(&cache), Some(2));
    match cache.apply(&react("MessageUnreact", BOT)) {
        Change::MessageUpdated {
            before: Some(before),
        } => {
            assert_eq!(before.reactions["👍"].len(), 2)
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(reactions(&cache), Some(1));
    cache.apply(&event(&format!(
        r#"{{"type":"MessageRemoveReaction","id":"{id}","channel_id":"{CHANNEL}","emoji_id":"👍"}}"#
    )));
    assert_eq!(reactions(&cache), None);
}

#[test]
fn roles_are_created_updated_and_deleted_from_members_too() {
    let mut cache = Cache::default();
    cache.apply(&ready());
    let created = event(&format!(
        r#"{{"type":"ServerRoleUpdate","id":"{SERVER}","role_id":"{ROLE}","data":{{"id":"{ROLE}","name":"Mods","permissions":{{"a":0,"d":0}},"hoist":false,"rank":0}},"clear":[]}}"#
    ));
    assert_eq!(cache.apply(&created), Change::RoleUpdated { before: None });
    let server = cache.server(SERVER.parse().unwrap()).unwrap();
    assert_eq!(server.roles[&ROLE.parse().unwrap()].name, "Mods");

    let renamed = event(&format!(
        r#"{{"type":"ServerRoleUpdate","id":"{SERVER}","role_id":"{ROLE}","data":{{"name":"Moderators"}},"clear":[]}}"#
    ));
    match cache.apply(&renamed) {
        Change::RoleUpdated {
            before: Some(before),
        } => assert_eq!(before.name, "Mods"),
        other => panic!("{other:?}"),
    }

    cache.apply(&event(&format!(
        r#"{{"type":"ServerMemberUpdate","id":{{"server":"{SERVER}","user":"{BOT}"}},"data":{{"roles":["{ROLE}"]}},"clear":[]}}"#
    )));
    let member = |cache: &Cache| {
        cache
            .member(SERVER.parse().unwrap(), BOT.parse().unwrap())
            .unwrap()
            .roles
            .len()
    };
    assert_eq!(member(&cache), 1);
    let deleted = event(&format!(
        r#"{{"type":"ServerRoleDelete","id":"{SERVER}","role_id":"{ROLE}"}}"#
    ));
    match cache.apply(&deleted) {
        Change::RoleDeleted {
            before: Some(before),
        } => assert_eq!(before.name, "Moderators"),
        other => panic!("{other:?}"),
    }
    assert_eq!(member(&cache), 0, "a deleted role leaves every member");
}

#[test]
fn members_join_and_leave_and_leaving_yourself_forgets_the_server() {
    let mut cache = Cache::default();
    cache.apply(&ready());
    let join = event(&format!(
        r#"{{"type":"ServerMemberJoin","id":"{SERVER}","user":"{OWNER}","member":{{"_id":{{"server":"{SERVER}","user":"{OWNER}"}},"joined_at":"2026-11-21T10:30:00.000Z"}}}}"#
    ));
    assert_eq!(cache.apply(&join), Change::MemberJoined);
    assert_eq!(cache.server_members(SERVER.parse().unwrap()).count(), 2);
    let leave = |user: &str| {
        event(&format!(
            r#"{{"type":"ServerMemberLeave","id":"{SERVER}","user":"{user}","reason":"Kick"}}"#
        ))
    };
    assert!(matches!(
        cache.apply(&leave(OWNER)),
        Change::MemberLeft { before: Some(_) }
    ));
    assert!(cache.server(SERVER.parse().unwrap()).is_some());
    cache.apply(&leave(BOT));
    assert!(cache.server(SERVER.parse().unwrap()).is_none());
    assert!(cache.channel(CHANNEL.parse().unwrap()).is_none());
}

#[test]
fn emojis_and_joined_servers_are_cached() {
    let mut cache = Cache::default();
    let fixture = |name: &str| {
        event(
            &std::fs::read_to_string(format!(
                "{}/../conformance/fixtures/events/{name}.json",
                env!("CARGO_MANIFEST_DIR")
            ))
            .unwrap(),
        )
    };
    assert!(matches!(
        cache.apply(&fixture("ServerCreate")),
        Change::ServerCreated { before: None }
    ));
    assert!(cache.server(SERVER.parse().unwrap()).is_some());
    assert_eq!(cache.apply(&fixture("EmojiCreate")), Change::EmojiCreated);
    let emoji = "01M7YTD0EM0J1000000000000E".parse().unwrap();
    assert_eq!(cache.emoji(emoji).unwrap().name, "party");
    let rename = event(
        r#"{"type":"EmojiUpdate","id":"01M7YTD0EM0J1000000000000E","data":{"name":"fiesta"}}"#,
    );
    match cache.apply(&rename) {
        Change::EmojiUpdated {
            before: Some(before),
        } => assert_eq!(before.name, "party"),
        other => panic!("{other:?}"),
    }
    let delete = event(r#"{"type":"EmojiDelete","id":"01M7YTD0EM0J1000000000000E"}"#);
    assert!(matches!(
        cache.apply(&delete),
        Change::EmojiDeleted { before: Some(_) }
    ));
    assert!(cache.emoji(emoji).is_none());
}

#[test]
fn a_new_message_moves_the_channels_last_message() {
    let mut cache = Cache::default();
    cache.apply(&ready());
    cache.apply(&message(&msg_id(9), "latest"));
    assert_eq!(
        cache
            .channel(CHANNEL.parse().unwrap())
            .unwrap()
            .last_message_id()
            .map(|m| m.to_string()),
        Some(msg_id(9))
    );
}
