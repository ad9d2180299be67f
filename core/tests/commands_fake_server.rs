//! The commands framework against the fake Stoat server, over real HTTP: a blocking client
//! handle made of core's `Rest` and ureq (what a runtime adapter provides), a cache filled
//! from the server's state, and commands whose requests the server really carries out.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use bytes::Bytes;
use serde_json::{json, Value};
use stoat_conformance::{FakeConfig, FakeServer};
use stoat_core::cache::Cache;
use stoat_core::client::{dispatch, BlockingExecutor, CacheAccess, Update};
use stoat_core::commands::{
    Args, BlockingCommand, BlockingFramework, Check, CommandError, Context, Outcome, Rest,
};
use stoat_core::gateway::Event;
use stoat_core::http::routes::{
    CreateRole, EditMember, FetchUser, KickMember, SetServerRolePermissions,
};
use stoat_core::http::{Error, Request, Rest as RestClient, Step, TransportError};
use stoat_core::model::{Member, Permissions, Timestamp};
use stoat_core::Token;

#[derive(Clone)]
struct UreqHandle {
    rest: Arc<RestClient>,
    http: ureq::Agent,
    cache: Arc<Mutex<Cache>>,
}

impl UreqHandle {
    fn new(server: &FakeServer) -> Self {
        Self::with_token(server, Token::bot(server.bot_token()))
    }

    fn with_token(server: &FakeServer, token: Token) -> Self {
        Self {
            rest: Arc::new(RestClient::new(server.api_url(), Some(token))),
            http: ureq::Agent::new_with_config(
                ureq::Agent::config_builder()
                    .http_status_as_error(false)
                    .build(),
            ),
            cache: Arc::default(),
        }
    }

    fn apply(&self, event: Event) -> Update {
        dispatch(&mut self.cache.lock().unwrap(), event)
    }
}

impl CacheAccess for UreqHandle {
    fn with_cache<T>(&self, read: impl FnOnce(&Cache) -> T) -> T {
        read(&self.cache.lock().unwrap())
    }

    fn wall_clock(&self) -> Timestamp {
        std::time::SystemTime::now().into()
    }
}

impl BlockingExecutor for UreqHandle {
    fn execute_owned<R: Request>(&self, request: R) -> Result<R::Output, Error> {
        let mut call = self.rest.call(&request)?;
        loop {
            match call.poll(Instant::now()) {
                Step::Wait(until) => {
                    std::thread::sleep(until.saturating_duration_since(Instant::now()))
                }
                Step::Send(prepared) => {
                    let (head, body) = prepared.into_parts();
                    let result = self
                        .http
                        .run(http::Request::from_parts(head, &body[..]))
                        .map_err(|e| TransportError::ambiguous(e.to_string()))
                        .and_then(|response| {
                            let (head, mut body) = response.into_parts();
                            let bytes = body
                                .read_to_vec()
                                .map_err(|e| TransportError::ambiguous(e.to_string()))?;
                            Ok(http::Response::from_parts(head, Bytes::from(bytes)))
                        });
                    match result {
                        Ok(response) => call.handle_response(Instant::now(), response),
                        Err(error) => call.handle_transport_error(Instant::now(), error),
                    }
                }
                Step::Done(result) => return result,
            }
        }
    }
}

#[derive(Args)]
struct Kick {
    member: Member,
    reason: Option<Rest>,
}

fn bot() -> BlockingFramework<UreqHandle> {
    let framework = BlockingFramework::new().prefix("!");
    framework
        .add_command(
            BlockingCommand::new("kick", |ctx: Context<UreqHandle>, args: Kick| {
                let mut request = KickMember::new(args.member.id.server, args.member.id.user);
                if let Some(reason) = args.reason {
                    request = request.reason(reason.into_string());
                }
                ctx.handle.execute_owned(request)?;
                ctx.handle.execute_owned(ctx.reply("Kicked."))?;
                Ok::<(), CommandError>(())
            })
            .check(Check::server_only())
            .check(Check::has_permissions(Permissions::KICK_MEMBERS))
            .check(Check::bot_has_permissions(Permissions::KICK_MEMBERS)),
        )
        .unwrap();
    framework
}

/// The server's owner gives the bot a role that may kick (as one would when inviting it).
fn grant_bot_kick(server: &FakeServer) {
    let owner = UreqHandle::with_token(server, Token::session(server.user_token()));
    let id = server.server_id().parse().unwrap();
    let role = owner.execute_owned(CreateRole::new(id, "Bot")).unwrap().id;
    owner
        .execute_owned(SetServerRolePermissions::new(
            id,
            role,
            Permissions::KICK_MEMBERS,
            Permissions::empty(),
        ))
        .unwrap();
    owner
        .execute_owned(EditMember::new(id, server.bot_id().parse().unwrap()).roles(vec![role]))
        .unwrap();
}

/// A `Ready` made from the fake server's state and the users it serves over REST.
fn fill_cache(server: &FakeServer, handle: &UreqHandle) {
    let members = server.members(server.server_id());
    let mut users: Vec<Value> = Vec::new();
    for member in &members {
        let id = member["_id"]["user"].as_str().unwrap().parse().unwrap();
        let user = handle.execute_owned(FetchUser::new(id)).unwrap();
        users.push(serde_json::to_value(user).unwrap());
    }
    // The bot last, marked as itself.
    users.sort_by_key(|u| u["_id"] == json!(server.bot_id()));
    if let Some(me) = users.last_mut() {
        me["relationship"] = json!("User");
    }
    let ready = json!({
        "type": "Ready",
        "users": users,
        "servers": [server.server(server.server_id()).unwrap()],
        "channels": [server.channel(server.channel_id()).unwrap()],
        "members": members,
        "emojis": [],
    });
    handle.apply(serde_json::from_value(ready).unwrap());
}

fn say(server: &FakeServer, handle: &UreqHandle, author: &str, content: &str) -> Update {
    let mut message = server.inject_message(author, server.channel_id(), content);
    message["type"] = json!("Message");
    handle.apply(serde_json::from_value(message).unwrap())
}

fn last_message(server: &FakeServer) -> String {
    let messages = server.channel_messages(server.channel_id());
    let last = messages.last().unwrap();
    last["content"].as_str().unwrap_or_default().to_owned()
}

fn is_member(server: &FakeServer, user: &str) -> bool {
    server
        .members(server.server_id())
        .iter()
        .any(|m| m["_id"]["user"] == json!(user))
}

#[test]
fn kick_denied_bad_argument_and_success_through_the_fake_server() {
    let server = FakeServer::start(FakeConfig::default());
    let handle = UreqHandle::new(&server);
    let (victim, _) = server.add_user("victim");
    server.add_member(server.server_id(), &victim);
    grant_bot_kick(&server);
    fill_cache(&server, &handle);
    let commands = bot();
    let now = Instant::now();

    // Before the bot may kick, the command says so.
    let bare = FakeServer::start(FakeConfig::default());
    let bare_handle = UreqHandle::new(&bare);
    fill_cache(&bare, &bare_handle);
    let update = say(
        &bare,
        &bare_handle,
        bare.owner_id(),
        &format!("!kick <@{}>", bare.bot_id()),
    );
    assert!(matches!(
        commands.process(&bare_handle, &update, now),
        Outcome::Failed { .. }
    ));
    assert_eq!(
        last_message(&bare),
        "I need the Kick Members permission in this channel."
    );

    // A plain member may not kick.
    let update = say(
        &server,
        &handle,
        &victim,
        &format!("!kick <@{}>", server.owner_id()),
    );
    assert!(matches!(
        commands.process(&handle, &update, now),
        Outcome::Failed { .. }
    ));
    assert_eq!(
        last_message(&server),
        "You need the Kick Members permission in this channel."
    );

    // The owner names nobody.
    let update = say(&server, &handle, server.owner_id(), "!kick nobody");
    assert!(matches!(
        commands.process(&handle, &update, now),
        Outcome::Failed { .. }
    ));
    assert_eq!(
        last_message(&server),
        "Bad argument `member`: no member \"nobody\" found."
    );

    // The owner kicks the victim: the server removes the member.
    let update = say(
        &server,
        &handle,
        server.owner_id(),
        &format!("!kick <@{victim}> testing"),
    );
    let outcome = commands.process(&handle, &update, now);
    assert_eq!(
        outcome,
        Outcome::Completed {
            command: "kick".into()
        },
        "{:?}",
        server.channel_messages(server.channel_id())
    );
    assert!(!is_member(&server, &victim));
    assert_eq!(last_message(&server), "Kicked.");
}

#[test]
fn a_member_the_cache_has_not_seen_is_fetched_from_the_server() {
    let server = FakeServer::start(FakeConfig::default());
    let handle = UreqHandle::new(&server);
    grant_bot_kick(&server);
    fill_cache(&server, &handle);
    // Joins after the cache was filled (and the event is not applied).
    let (late, _) = server.add_user("late");
    server.add_member(server.server_id(), &late);
    let update = say(
        &server,
        &handle,
        server.owner_id(),
        &format!("!kick {late}"),
    );
    assert!(matches!(
        bot().process(&handle, &update, Instant::now()),
        Outcome::Completed { .. }
    ));
    assert!(!is_member(&server, &late));
    let paths: Vec<String> = server
        .requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert!(
        paths
            .iter()
            .any(|p| p == &format!("GET /servers/{}/members/{late}", server.server_id())),
        "{paths:?}"
    );
}

#[test]
fn help_is_sent_as_a_message() {
    let server = FakeServer::start(FakeConfig::default());
    let handle = UreqHandle::new(&server);
    grant_bot_kick(&server);
    fill_cache(&server, &handle);
    let update = say(&server, &handle, server.owner_id(), "!help");
    assert!(matches!(
        bot().process(&handle, &update, Instant::now()),
        Outcome::Completed { .. }
    ));
    let help = last_message(&server);
    assert!(help.contains("`!kick <member> [reason...]`"), "{help}");
}
