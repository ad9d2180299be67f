//! Hostile and unusual server behaviour (issue 11): what a user sees when the server answers
//! oddly, closes the gateway with a code, repeats a fault, or sends too much.

use stoat_core::http::routes::{CloseChannel, OpenDirectMessage};
use stoat_core::model::Channel;
use stoat_core::Token;

use super::{config, connect, server, Harness};

/// `NoEffect` comes with HTTP 200 (as the official server sends it) and the client reads it
/// as the success it is: closing your Saved Messages does nothing and fails nothing.
pub fn no_effect_is_a_success<H: Harness>() {
    let server = server();
    let client: H = connect(config(&server, Token::bot(server.bot_token())));
    let me = server.bot_id().parse().unwrap();
    let saved = client
        .execute(OpenDirectMessage::new(me))
        .unwrap_or_else(|e| panic!("[{}] open saved messages: {e}", H::RUNTIME));
    assert!(
        matches!(saved, Channel::SavedMessages { .. }),
        "[{}] {saved:?}",
        H::RUNTIME
    );
    client
        .execute(CloseChannel::new(saved.id()))
        .unwrap_or_else(|e| panic!("[{}] NoEffect must be a success: {e}", H::RUNTIME));
    // Nothing changed on the server: the channel is still there.
    let again = client
        .execute(OpenDirectMessage::new(me))
        .unwrap_or_else(|e| panic!("[{}] reopen: {e}", H::RUNTIME));
    assert_eq!(again.id(), saved.id());
    client.shutdown();
}
