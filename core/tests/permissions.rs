//! Permission calculation (reference §4.13) over cached objects.

use stoat_core::cache::permissions::{channel_permissions, server_permissions};
use stoat_core::cache::Cache;
use stoat_core::gateway::Event;
use stoat_core::model::{Channel, Member, Permissions, Server, Timestamp, User};

const SERVER: &str = "01M7YSZ8V8HNB362Z1HYDP0RXY";
const CHANNEL: &str = "01M7YSZ8V81AWBPFRM30NYSV34";
const OWNER: &str = "01M7YSZ8H1XVFKYWFT7NKJHCGM";
const BOT: &str = "01M7YSZ8V6D4QNP163AMRA3ARS";
const MODS: &str = "01M7YT8ZHYG2HDQRHAZ49Q93D5"; // rank 0: most important
const HELPERS: &str = "01M7YT8ZHYG2HDQRHAZ49Q93D6"; // rank 1

const SEND: u64 = 1 << 22;
const VIEW: u64 = 1 << 20;

fn now() -> Timestamp {
    Timestamp::parse("2026-11-21T12:00:00.000Z").unwrap()
}

fn server() -> Server {
    serde_json::from_str(&format!(
        r#"{{"_id":"{SERVER}","owner":"{OWNER}","name":"S","channels":["{CHANNEL}"],"default_permissions":77014766592,
        "roles":{{
          "{MODS}":{{"_id":"{MODS}","name":"Mods","permissions":{{"a":0,"d":{SEND}}},"rank":0}},
          "{HELPERS}":{{"_id":"{HELPERS}","name":"Helpers","permissions":{{"a":{SEND},"d":0}},"rank":1}}
        }},"approximate_member_count":2}}"#
    ))
    .unwrap()
}

fn member(user: &str, roles: &[&str], extra: &str) -> Member {
    let roles: Vec<String> = roles.iter().map(|r| format!("\"{r}\"")).collect();
    serde_json::from_str(&format!(
        r#"{{"_id":{{"server":"{SERVER}","user":"{user}"}},"joined_at":"2026-11-21T10:21:00.440Z","roles":[{}]{extra}}}"#,
        roles.join(",")
    ))
    .unwrap()
}

fn text_channel(extra: &str) -> Channel {
    serde_json::from_str(&format!(
        r#"{{"channel_type":"TextChannel","_id":"{CHANNEL}","server":"{SERVER}","name":"General"{extra}}}"#
    ))
    .unwrap()
}

fn in_channel(channel: &Channel, member: &Member) -> Permissions {
    channel_permissions(
        channel,
        member.id.user,
        Some(&server()),
        Some(member),
        false,
        None,
        now(),
    )
}

#[test]
fn the_owner_gets_everything_safe() {
    let owner = member(OWNER, &[], "");
    assert_eq!(
        server_permissions(&server(), &owner, None, now()),
        Permissions::GRANT_ALL_SAFE
    );
    assert_eq!(
        in_channel(&text_channel(""), &owner),
        Permissions::GRANT_ALL_SAFE
    );
}

#[test]
fn members_start_from_the_server_defaults() {
    let bot = member(BOT, &[], "");
    assert_eq!(
        server_permissions(&server(), &bot, None, now()),
        Permissions::DEFAULT_SERVER
    );
    assert_eq!(
        in_channel(&text_channel(""), &bot),
        Permissions::DEFAULT_SERVER
    );
}

#[test]
fn the_most_important_role_is_applied_last_and_wins() {
    // Helpers (rank 1) allow sending, Mods (rank 0) deny it: Mods win.
    let both = member(BOT, &[HELPERS, MODS], "");
    let perms = server_permissions(&server(), &both, None, now());
    assert!(!perms.contains(Permissions::SEND_MESSAGE));
    let helper = member(BOT, &[HELPERS], "");
    assert!(server_permissions(&server(), &helper, None, now()).contains(Permissions::SEND_MESSAGE));
}

#[test]
fn channel_overrides_apply_after_server_roles_and_hiding_revokes_everything() {
    let bot = member(BOT, &[HELPERS], "");
    let hidden = text_channel(&format!(r#","default_permissions":{{"a":0,"d":{VIEW}}}"#));
    assert_eq!(in_channel(&hidden, &bot), Permissions::empty());
    let shown_to_helpers = text_channel(&format!(
        r#","default_permissions":{{"a":0,"d":{VIEW}}},"role_permissions":{{"{HELPERS}":{{"a":{VIEW},"d":0}}}}"#
    ));
    let perms = in_channel(&shown_to_helpers, &bot);
    assert!(perms.contains(Permissions::VIEW_CHANNEL | Permissions::SEND_MESSAGE));
    // Not a member: nothing.
    assert_eq!(
        channel_permissions(
            &shown_to_helpers,
            bot.id.user,
            Some(&server()),
            None,
            false,
            None,
            now()
        ),
        Permissions::empty()
    );
}

#[test]
fn timeouts_and_voice_mutes_restrict() {
    let timed_out = member(BOT, &[], r#","timeout":"2026-11-21T13:00:00.000Z""#);
    assert_eq!(
        server_permissions(&server(), &timed_out, None, now()),
        Permissions::ALLOW_IN_TIMEOUT
    );
    let expired = member(BOT, &[], r#","timeout":"2026-11-21T11:00:00.000Z""#);
    assert_eq!(
        server_permissions(&server(), &expired, None, now()),
        Permissions::DEFAULT_SERVER
    );
    let muted = member(BOT, &[], r#","can_publish":false,"can_receive":false"#);
    let perms = server_permissions(&server(), &muted, None, now());
    assert!(!perms.intersects(Permissions::SPEAK | Permissions::VIDEO | Permissions::LISTEN));
}

#[test]
fn private_channels() {
    let me = BOT.parse().unwrap();
    let other_id = OWNER;
    let saved: Channel = serde_json::from_str(&format!(
        r#"{{"channel_type":"SavedMessages","_id":"{CHANNEL}","user":"{BOT}"}}"#
    ))
    .unwrap();
    assert_eq!(
        channel_permissions(&saved, me, None, None, false, None, now()),
        Permissions::DEFAULT_SAVED_MESSAGES
    );
    let dm: Channel = serde_json::from_str(&format!(
        r#"{{"channel_type":"DirectMessage","_id":"{CHANNEL}","active":true,"recipients":["{BOT}","{other_id}"]}}"#
    ))
    .unwrap();
    let user = |relationship: &str, bot: bool| -> User {
        let bot = if bot {
            format!(r#","bot":{{"owner":"{BOT}"}}"#)
        } else {
            String::new()
        };
        serde_json::from_str(&format!(
            r#"{{"_id":"{other_id}","username":"o","discriminator":"0001","relationship":"{relationship}","online":true{bot}}}"#
        ))
        .unwrap()
    };
    let dm_perms =
        |other: &User| channel_permissions(&dm, me, None, None, false, Some(other), now());
    assert_eq!(
        dm_perms(&user("Friend", false)),
        Permissions::DEFAULT_DIRECT_MESSAGE
    );
    assert_eq!(
        dm_perms(&user("None", false)),
        Permissions::DEFAULT_VIEW_ONLY
    );
    assert_eq!(
        dm_perms(&user("None", true)),
        Permissions::DEFAULT_DIRECT_MESSAGE
    );
    assert_eq!(
        dm_perms(&user("Blocked", true)),
        Permissions::DEFAULT_VIEW_ONLY
    );

    let group: Channel = serde_json::from_str(&format!(
        r#"{{"channel_type":"Group","_id":"{CHANNEL}","name":"g","owner":"{OWNER}","recipients":["{BOT}","{OWNER}"],"permissions":{SEND}}}"#
    ))
    .unwrap();
    assert_eq!(
        channel_permissions(&group, me, None, None, false, None, now()),
        Permissions::DEFAULT_VIEW_ONLY | Permissions::SEND_MESSAGE
    );
    assert_eq!(
        channel_permissions(
            &group,
            OWNER.parse().unwrap(),
            None,
            None,
            false,
            None,
            now()
        ),
        Permissions::GRANT_ALL_SAFE
    );
}

#[test]
fn the_cache_answers_from_what_it_holds() {
    let mut cache = Cache::default();
    let ready: Event = serde_json::from_str(
        r#"{"type":"Ready","users":[{"_id":"01M7YSZ8V6D4QNP163AMRA3ARS","username":"capbot","discriminator":"1643","bot":{"owner":"01M7YSZ8H1XVFKYWFT7NKJHCGM"},"relationship":"User","online":true}],"servers":[{"_id":"01M7YSZ8V8HNB362Z1HYDP0RXY","owner":"01M7YSZ8H1XVFKYWFT7NKJHCGM","name":"Capture Server","channels":["01M7YSZ8V81AWBPFRM30NYSV34"],"default_permissions":77014766592,"approximate_member_count":1}],"channels":[{"channel_type":"TextChannel","_id":"01M7YSZ8V81AWBPFRM30NYSV34","server":"01M7YSZ8V8HNB362Z1HYDP0RXY","name":"General"}],"members":[{"_id":{"server":"01M7YSZ8V8HNB362Z1HYDP0RXY","user":"01M7YSZ8V6D4QNP163AMRA3ARS"},"joined_at":"2026-11-21T10:21:00.440Z"}],"emojis":[],"voice_states":[]}"#,
    )
    .unwrap();
    cache.apply(&ready);
    let perms = cache
        .permissions_in(CHANNEL.parse().unwrap(), BOT.parse().unwrap(), now())
        .unwrap();
    assert!(perms.contains(Permissions::SEND_MESSAGE));
    assert!(!perms.contains(Permissions::MANAGE_MESSAGES));
    assert_eq!(
        cache.server_permissions(SERVER.parse().unwrap(), BOT.parse().unwrap(), now()),
        Ok(Permissions::DEFAULT_SERVER)
    );
}

#[test]
fn the_cache_names_what_a_permission_check_is_missing() {
    use stoat_core::cache::MissingFromCache;
    use stoat_core::id::ChannelId;
    use stoat_core::model::MemberId;

    let mut cache = Cache::default();
    let (channel, server, bot) = (
        CHANNEL.parse().unwrap(),
        SERVER.parse().unwrap(),
        BOT.parse().unwrap(),
    );
    assert_eq!(
        cache.permissions_in(channel, bot, now()),
        Err(MissingFromCache::Channel(channel))
    );
    let channel_only: Event = serde_json::from_str(
        r#"{"type":"ChannelCreate","channel_type":"TextChannel","_id":"01M7YSZ8V81AWBPFRM30NYSV34","server":"01M7YSZ8V8HNB362Z1HYDP0RXY","name":"General"}"#,
    )
    .unwrap();
    cache.apply(&channel_only);
    assert_eq!(
        cache.permissions_in(channel, bot, now()),
        Err(MissingFromCache::Server(server))
    );
    let server_only: Event = serde_json::from_str(
        r#"{"type":"ServerCreate","id":"01M7YSZ8V8HNB362Z1HYDP0RXY","server":{"_id":"01M7YSZ8V8HNB362Z1HYDP0RXY","owner":"01M7YSZ8H1XVFKYWFT7NKJHCGM","name":"Capture Server","channels":["01M7YSZ8V81AWBPFRM30NYSV34"],"default_permissions":77014766592},"channels":[],"emojis":[],"voice_states":[]}"#,
    )
    .unwrap();
    cache.apply(&server_only);
    let member = MemberId { server, user: bot };
    assert_eq!(
        cache.permissions_in(channel, bot, now()),
        Err(MissingFromCache::Member(member))
    );
    assert_eq!(
        cache.server_permissions(server, bot, now()),
        Err(MissingFromCache::Member(member))
    );
    let join: Event = serde_json::from_str(
        r#"{"type":"ServerMemberJoin","id":"01M7YSZ8V8HNB362Z1HYDP0RXY","user":"01M7YSZ8V6D4QNP163AMRA3ARS","member":{"_id":{"server":"01M7YSZ8V8HNB362Z1HYDP0RXY","user":"01M7YSZ8V6D4QNP163AMRA3ARS"},"joined_at":"2026-11-21T10:21:00.440Z","roles":["01M7YT000000000000000000RK"]}}"#,
    )
    .unwrap();
    cache.apply(&join);
    let role = "01M7YT000000000000000000RK".parse().unwrap();
    assert_eq!(
        cache.permissions_in(channel, bot, now()),
        Err(MissingFromCache::Role { server, role })
    );
    let unknown: ChannelId = "01M7YT00000000000000000000".parse().unwrap();
    assert_eq!(
        cache
            .permissions_in(unknown, bot, now())
            .unwrap_err()
            .to_string(),
        "channel 01M7YT00000000000000000000 is not in the cache"
    );
}
