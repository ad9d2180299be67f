//! The well-known fixture every fake server starts with. It is the one the captures were
//! recorded with: user `capowner`, bot `capbot` (owned by `capowner`), and the server
//! `Capture Server` with its default channel `General`; the bot is a member.

use serde_json::json;

use super::config::FakeConfig;
use super::state::{MemberRecord, State, UserRecord};

/// Id of the owner (a normal user who owns the server), `capowner#1990`.
pub const OWNER_ID: &str = "01M7YSZ8H1XVFKYWFT7NKJHCGM";
/// Id of the bot user, `capbot#1643`, owned by [`OWNER_ID`].
pub const BOT_ID: &str = "01M7YSZ8V6D4QNP163AMRA3ARS";
/// Id of the server `Capture Server`, owned by [`OWNER_ID`].
pub const SERVER_ID: &str = "01M7YSZ8V8HNB362Z1HYDP0RXY";
/// Id of the server's default text channel `General`.
pub const CHANNEL_ID: &str = "01M7YSZ8V81AWBPFRM30NYSV34";
/// Session id behind the owner's session token (the rate-limit identifier for it).
pub const OWNER_SESSION_ID: &str = "01M7YSZ8H2Q4XK0V5S5E6N7P8R";

/// `DEFAULT_PERMISSION_SERVER`, the `default_permissions` of a new server.
pub(crate) const DEFAULT_SERVER_PERMISSIONS: u64 = 77_014_766_592;

/// Fills a fresh state with the fixture.
pub(crate) fn populate(state: &mut State, config: &FakeConfig) {
    state.users.insert(
        OWNER_ID.to_owned(),
        UserRecord::new(OWNER_ID, "capowner", "1990"),
    );
    let mut bot = UserRecord::new(BOT_ID, "capbot", "1643");
    bot.bot_owner = Some(OWNER_ID.to_owned());
    state.users.insert(BOT_ID.to_owned(), bot);

    state.sessions.insert(
        config.user_token.clone(),
        (OWNER_SESSION_ID.to_owned(), OWNER_ID.to_owned()),
    );
    state
        .bot_tokens
        .insert(config.bot_token.clone(), BOT_ID.to_owned());
    state.bots.insert(
        BOT_ID.to_owned(),
        json!({"_id": BOT_ID, "owner": OWNER_ID, "token": config.bot_token, "public": false}),
    );

    state.servers.insert(
        SERVER_ID.to_owned(),
        json!({
            "_id": SERVER_ID,
            "owner": OWNER_ID,
            "name": "Capture Server",
            "channels": [CHANNEL_ID],
            "default_permissions": DEFAULT_SERVER_PERMISSIONS,
            // Redis-cached on the real server; the capture shows 1 with 2 members.
            "approximate_member_count": 1
        }),
    );
    state.channels.insert(
        CHANNEL_ID.to_owned(),
        json!({
            "channel_type": "TextChannel",
            "_id": CHANNEL_ID,
            "server": SERVER_ID,
            "name": "General"
        }),
    );
    state.members.push(MemberRecord::new(
        SERVER_ID,
        OWNER_ID,
        "2026-11-21T10:21:00.136Z",
    ));
    state.members.push(MemberRecord::new(
        SERVER_ID,
        BOT_ID,
        "2026-11-21T10:21:00.440Z",
    ));
}
