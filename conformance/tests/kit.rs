//! The test kit: typed ids and messages, users to act as, waiting for the bot.

use std::time::{Duration, Instant};

use stoat_conformance::{FakeConfig, FakeServer};
use stoat_core::model::Message;

#[test]
fn ids_are_the_fixtures_typed() {
    let server = FakeServer::start(FakeConfig::for_tests());
    let ids = server.ids();
    assert_eq!(ids.bot.to_string(), server.bot_id());
    assert_eq!(ids.owner.to_string(), server.owner_id());
    assert_eq!(ids.server.to_string(), server.server_id());
    assert_eq!(ids.channel.to_string(), server.channel_id());
}

#[test]
fn users_act_through_the_real_routes() {
    let server = FakeServer::start(FakeConfig::for_tests());
    let channel = server.ids().channel;
    let alice = server.new_member("alice");
    let bob = server.new_member("bob");
    assert_ne!(alice.id(), bob.id());

    let sent: Message = alice.send(channel, "hello").unwrap();
    assert_eq!(sent.author, alice.id());
    assert_eq!(sent.content.as_deref(), Some("hello"));
    let edited = alice.edit(channel, sent.id, "hello again").unwrap();
    assert_eq!(edited.content.as_deref(), Some("hello again"));
    bob.react(channel, sent.id, "👍").unwrap();
    let stored = server.messages(channel);
    let stored = stored.iter().find(|m| m.id == sent.id).unwrap();
    assert_eq!(stored.content.as_deref(), Some("hello again"));
    assert_eq!(
        stored
            .reactions
            .get("👍")
            .map(|users| users.contains(&bob.id())),
        Some(true)
    );
    bob.unreact(channel, sent.id, "👍").unwrap();

    // Permissions are the server's: a member cannot delete someone else's message...
    let refused = bob.delete(channel, sent.id).unwrap_err();
    assert_eq!(refused.status, 403);
    assert_eq!(refused.kind(), Some("MissingPermission"));
    // ...the owner can.
    server.owner().delete(channel, sent.id).unwrap();
    assert!(server.messages(channel).iter().all(|m| m.id != sent.id));

    // Leaving and joining again are seen by the server's member list.
    let member_ids = |server: &FakeServer| -> Vec<String> {
        server
            .members(server.server_id())
            .iter()
            .map(|m| m["_id"]["user"].as_str().unwrap().to_owned())
            .collect()
    };
    bob.leave(server.ids().server);
    assert!(!member_ids(&server).contains(&bob.id().to_string()));
    assert!(
        bob.send(channel, "still here?").is_err(),
        "a former member cannot post"
    );
    bob.join(server.ids().server).unwrap();
    assert!(member_ids(&server).contains(&bob.id().to_string()));
    // Kit requests are not the client's: nothing recorded.
    assert!(server.requests().is_empty());
}

#[test]
fn waiting_for_the_bot_says_what_it_sent_instead() {
    let server = FakeServer::start(FakeConfig::for_tests());
    let channel = server.ids().channel;
    server.inject_message(server.bot_id(), server.channel_id(), "not this");
    let found = server
        .wait_for_bot_reply(channel, "not this", Duration::from_secs(1))
        .unwrap();
    assert_eq!(found.author, server.ids().bot);
    let started = Instant::now();
    let missing = server
        .wait_for_bot_reply(channel, "something else", Duration::from_millis(200))
        .unwrap_err();
    assert!(started.elapsed() >= Duration::from_millis(200));
    assert_eq!(missing.sent.len(), 1);
    let message = missing.to_string();
    assert!(message.contains("\"not this\""), "{message}");
}

#[test]
fn a_new_user_is_a_member_only_after_joining() {
    let server = FakeServer::start(FakeConfig::for_tests());
    let carol = server.new_user("carol");
    let is_member = |server: &FakeServer| {
        server
            .members(server.server_id())
            .iter()
            .any(|m| m["_id"]["user"].as_str() == Some(&carol.id().to_string()))
    };
    assert!(!is_member(&server));
    assert!(carol.send(server.ids().channel, "hi").is_err());
    carol.join(server.ids().server).unwrap();
    assert!(is_member(&server));
    // The same user, found again by id, acts with their own session.
    let again = server.actor(carol.id()).unwrap();
    let sent = again.send(server.ids().channel, "hi").unwrap();
    assert_eq!(sent.author, carol.id());
    assert_eq!(
        server.actor(server.ids().owner).unwrap().id(),
        server.ids().owner
    );
    assert!(server.actor(server.ids().bot).is_none());
}
