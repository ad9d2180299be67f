//! The runtime-neutral client layer driven through test executors against the fake server:
//! the 125 named route methods ([`Routes`]), builder chaining on [`Pending`], the model
//! conveniences' wire shapes, the cache-first getters and the history paginator, on a
//! blocking executor (ureq) and an async one (the same calls behind futures that yield
//! once, polled by a tiny `block_on`).

use std::collections::HashSet;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use stoat_conformance::{FakeConfig, FakeServer, RecordedRequest};
use stoat_core::cache::Cache;
use stoat_core::cdn::default_avatar_url;
use stoat_core::client::{
    route_methods, AsyncExecutor, BlockingExecutor, BoxFuture, CacheAccess, History, HistoryOrder,
    Routes,
};
use stoat_core::gateway::Event;
use stoat_core::http::routes::{self, MessageSort, ServerChannelType};
use stoat_core::http::{Body, Error, Pending, Request, Rest, Step, TransportError};
use stoat_core::id::{ChannelId, MessageId, RoleId, ServerId, UserId};
use stoat_core::model::{
    BulkMessageResponse, ContentReportReason, Message, Permissions, Presence, ReportedContent,
    Timestamp,
};
use stoat_core::{Endpoints, Token};

// ---------------------------------------------------------------------------------------
// Test executors.

/// A blocking executor over ureq, with its own cache and a count of the requests it sent.
struct TestClient {
    rest: Rest,
    agent: ureq::Agent,
    cache: Mutex<Cache>,
    sent: AtomicUsize,
}

impl TestClient {
    fn new(server: &FakeServer, token: Token) -> Self {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build();
        Self {
            rest: Rest::new(server.api_url(), Some(token)).with_autumn_base(server.autumn_url()),
            agent: ureq::Agent::new_with_config(config),
            cache: Mutex::new(Cache::default()),
            sent: AtomicUsize::new(0),
        }
    }

    fn bot(server: &FakeServer) -> Self {
        Self::new(server, Token::bot(server.bot_token()))
    }

    fn owner(server: &FakeServer) -> Self {
        Self::new(server, Token::session(server.user_token()))
    }

    fn apply(&self, event: &str) {
        let event: Event = serde_json::from_str(event).unwrap();
        self.cache.lock().unwrap().apply(&event);
    }

    fn sent(&self) -> usize {
        self.sent.load(Ordering::SeqCst)
    }

    fn send(&self, request: http::Request<Bytes>) -> Result<http::Response<Bytes>, TransportError> {
        let (head, body) = request.into_parts();
        let request = http::Request::from_parts(head, body.to_vec());
        let response = self
            .agent
            .run(request)
            .map_err(|e| TransportError::connect(e.to_string()))?;
        let (head, mut body) = response.into_parts();
        let body = body
            .read_to_vec()
            .map_err(|e| TransportError::ambiguous(e.to_string()))?;
        Ok(http::Response::from_parts(head, Bytes::from(body)))
    }
}

impl CacheAccess for TestClient {
    fn with_cache<T>(&self, read: impl FnOnce(&Cache) -> T) -> T {
        read(&self.cache.lock().unwrap_or_else(PoisonError::into_inner))
    }

    fn wall_clock(&self) -> Timestamp {
        SystemTime::now().into()
    }
}

impl BlockingExecutor for TestClient {
    fn execute_owned<R: Request>(&self, request: R) -> Result<R::Output, Error> {
        let mut call = self.rest.call(&request)?;
        loop {
            match call.poll(Instant::now()) {
                Step::Wait(until) => {
                    std::thread::sleep(until.saturating_duration_since(Instant::now()))
                }
                Step::Send(http) => {
                    self.sent.fetch_add(1, Ordering::SeqCst);
                    match self.send(http) {
                        Ok(response) => call.handle_response(Instant::now(), response),
                        Err(error) => call.handle_transport_error(Instant::now(), error),
                    }
                }
                Step::Done(result) => return result,
            }
        }
    }
}

/// An async executor: the blocking client behind a future that is pending once first.
struct AsyncClient(TestClient);

impl CacheAccess for AsyncClient {
    fn with_cache<T>(&self, read: impl FnOnce(&Cache) -> T) -> T {
        self.0.with_cache(read)
    }

    fn wall_clock(&self) -> Timestamp {
        self.0.wall_clock()
    }
}

impl AsyncExecutor for AsyncClient {
    fn execute_owned<R>(&self, request: R) -> BoxFuture<'_, Result<R::Output, Error>>
    where
        R: Request + Send + 'static,
        R::Output: Send + 'static,
    {
        Box::pin(async move {
            YieldOnce(false).await;
            self.0.execute_owned(request)
        })
    }
}

/// Pending on its first poll (waking the task), ready on the second.
struct YieldOnce(bool);

impl Future for YieldOnce {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

/// Polls `future` to completion on this thread (the executors wake at once, so a busy
/// loop is enough).
fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
    }
}

/// Not an executor at all: enough to build `Pending` requests and look at them.
struct Dry;

impl CacheAccess for Dry {
    fn with_cache<T>(&self, read: impl FnOnce(&Cache) -> T) -> T {
        read(&Cache::default())
    }

    fn wall_clock(&self) -> Timestamp {
        Timestamp::from_millis(0)
    }
}

fn start() -> FakeServer {
    FakeServer::start(FakeConfig::default().ratelimit_window(Duration::from_millis(200)))
}

fn id<T: std::str::FromStr>(text: &str) -> T
where
    T::Err: std::fmt::Debug,
{
    text.parse().unwrap()
}

fn json_body(parts: &stoat_core::http::RequestParts) -> serde_json::Value {
    match &parts.body {
        Body::Json(bytes) => serde_json::from_slice(bytes).unwrap(),
        other => panic!("not JSON: {other:?}"),
    }
}

fn recorded_json(request: &RecordedRequest) -> serde_json::Value {
    serde_json::from_slice(&request.body).unwrap()
}

fn last_request(server: &FakeServer) -> RecordedRequest {
    server.requests().pop().expect("a request was recorded")
}

const SERVER: &str = "01M7YSZ8V8HNB362Z1HYDP0RXY";
const CHANNEL: &str = "01M7YSZ8V81AWBPFRM30NYSV34";
const BOT: &str = "01M7YSZ8V6D4QNP163AMRA3ARS";
const OWNER: &str = "01M7YSZ8H1XVFKYWFT7NKJHCGM";
const MESSAGE: &str = "01M7YT8F8NBH98W6P4028C2GH8";

// ---------------------------------------------------------------------------------------
// The method table.

#[test]
fn there_is_one_named_method_per_route_125_in_all() {
    let methods = route_methods();
    let all = routes::all();
    assert_eq!(methods.len(), 125);
    assert_eq!(all.len(), 125);

    // One to one, in the same order: each method builds the request type of its route.
    for (method, (request, route)) in methods.iter().zip(&all) {
        assert_eq!(method.request, *request, "{}", method.name);
        assert_eq!(&method.route, route, "{}", method.name);
    }

    let names: HashSet<_> = methods.iter().map(|m| m.name).collect();
    assert_eq!(names.len(), 125, "method names are unique");
    for name in &names {
        assert!(
            name.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
            "{name} is snake_case"
        );
        assert!(
            !name.starts_with("get_"),
            "{name}: get_ is left to the cache"
        );
    }

    // A few names fixed by stoat.py.
    let by_request = |request: &str| {
        methods
            .iter()
            .find(|m| m.request == request)
            .map(|m| m.name)
            .unwrap()
    };
    assert_eq!(by_request("SendMessage"), "send_message");
    assert_eq!(by_request("FetchMessages"), "fetch_messages");
    assert_eq!(by_request("AddReaction"), "add_reaction_to_message");
    assert_eq!(by_request("BanUser"), "ban");
    assert_eq!(by_request("JoinInvite"), "accept_invite");
    assert_eq!(by_request("CreateAccount"), "register");
    assert_eq!(by_request("OpenDirectMessage"), "open_dm");
}

// ---------------------------------------------------------------------------------------
// Builders on Pending, at least one from every route module that has builders.

#[test]
fn every_modules_builders_chain_on_pending() {
    let h = &Dry;
    let channel: ChannelId = id(CHANNEL);
    let server: ServerId = id(SERVER);
    let user: UserId = id(BOT);
    let message: MessageId = id(MESSAGE);
    let role: RoleId = id("01M7YT0000000000000000000A");
    let file = || stoat_core::id::FileId::new("01M7YT0000000000000000FILE");
    let secret = || stoat_core::auth::Secret::new("s3cret");

    // messages
    let fetch = h
        .fetch_messages(channel)
        .limit(50)
        .before(message)
        .sort(MessageSort::Oldest)
        .include_users(true)
        .into_request();
    assert_eq!(
        fetch.to_parts().unwrap().query.as_deref(),
        Some(format!("limit=50&before={MESSAGE}&sort=Oldest&include_users=true").as_str())
    );
    let send = h
        .send_message(channel, "hi")
        .reply_to(message, true)
        .flags(stoat_core::model::MessageFlags::SUPPRESS_NOTIFICATIONS)
        .idempotency_key("k-1");
    assert_eq!(send.request().idempotency_key.as_deref(), Some("k-1"));
    assert_eq!(
        json_body(&send.request().to_parts().unwrap()),
        serde_json::json!({"content":"hi","replies":[{"id":MESSAGE,"mention":true}],"flags":2})
    );
    let search = h
        .search_for_messages(channel, "cats")
        .limit(5)
        .sort(MessageSort::Latest);
    assert_eq!(search.request().limit, Some(5));
    assert_eq!(
        h.edit_message(channel, message, "x")
            .embeds(vec![])
            .request()
            .edit
            .embeds,
        Some(vec![])
    );
    // the `reason` builder of `request!`, and a hand-written one
    assert_eq!(
        h.delete_message(channel, message)
            .reason("spam")
            .request()
            .reason
            .as_deref(),
        Some("spam")
    );
    assert_eq!(
        h.delete_messages(channel, vec![message])
            .reason("spam")
            .request()
            .reason
            .as_deref(),
        Some("spam")
    );

    // reactions
    let remove = h
        .remove_reactions_from_message(channel, message, "👍")
        .user(user)
        .remove_all(false);
    assert_eq!(remove.request().user, Some(user));

    // channels
    let edit = h
        .edit_channel(channel)
        .name("general")
        .clear_description()
        .nsfw(false)
        .reason("tidy");
    assert_eq!(
        json_body(&edit.request().to_parts().unwrap()),
        serde_json::json!({"name":"general","nsfw":false,"remove":["Description"]})
    );
    let voice = h
        .create_server_channel(server, "Voice")
        .kind(ServerChannelType::Voice)
        .max_users(5);
    assert_eq!(voice.request().kind, ServerChannelType::Voice);
    assert!(h
        .create_group("friends")
        .description("d")
        .user(user)
        .request()
        .users
        .contains(&user));
    assert!(
        h.close_channel(channel)
            .leave_silently(true)
            .request()
            .leave_silently
    );
    assert_eq!(
        h.join_call(channel).node("n1").request().node.as_deref(),
        Some("n1")
    );
    assert_eq!(
        h.set_channel_permissions_for_role(
            channel,
            role,
            Permissions::SEND_MESSAGE,
            Permissions::empty()
        )
        .reason("r")
        .request()
        .reason
        .as_deref(),
        Some("r")
    );

    // servers
    assert!(
        h.fetch_server(server)
            .include_channels(true)
            .request()
            .include_channels
    );
    let edit_server = h
        .edit_server(server)
        .name("S")
        .clear_icon()
        .discoverable(false);
    assert_eq!(edit_server.request().name.as_deref(), Some("S"));
    assert_eq!(
        h.fetch_audit_logs(server)
            .user(user)
            .limit(10)
            .request()
            .limit,
        Some(10)
    );
    assert!(
        h.leave_server(server)
            .leave_silently(true)
            .request()
            .leave_silently
    );
    assert_eq!(h.create_server("S").nsfw(true).request().nsfw, Some(true));

    // members
    assert!(h.fetch_member(server, user).roles(true).request().roles);
    assert!(
        h.fetch_members(server)
            .exclude_offline(true)
            .request()
            .exclude_offline
    );
    let ban = h
        .ban(server, user)
        .ban_reason("spam")
        .delete_message_seconds(60)
        .reason("audit");
    assert_eq!(ban.request().delete_message_seconds, Some(60));
    let timeout = Timestamp::from_millis(1_800_000_000_000);
    assert_eq!(
        h.edit_member(server, user)
            .nickname("n")
            .timeout(timeout)
            .request()
            .timeout
            .as_set(),
        Some(&timeout)
    );
    assert_eq!(
        h.kick_member(server, user)
            .reason("bye")
            .request()
            .reason
            .as_deref(),
        Some("bye")
    );

    // roles
    let edit_role = h
        .edit_role(server, role)
        .name("mods")
        .colour("#ffffff")
        .hoist(true);
    assert_eq!(edit_role.request().hoist, Some(true));
    assert_eq!(
        h.create_role(server, "x")
            .reason("r")
            .request()
            .reason
            .as_deref(),
        Some("r")
    );
    assert_eq!(
        h.bulk_edit_role_ranks(server, vec![role])
            .reason("r")
            .request()
            .reason
            .as_deref(),
        Some("r")
    );

    // invites, customisation, bots, users
    assert_eq!(
        h.create_channel_invite(channel)
            .max_uses(3)
            .request()
            .options
            .max_uses,
        Some(3)
    );
    assert_eq!(
        h.create_server_emoji(file(), server, "e")
            .nsfw(true)
            .request()
            .nsfw,
        Some(true)
    );
    assert_eq!(
        h.edit_emoji(id("01M7YT0000000000000000000E"), "e2")
            .reason("r")
            .request()
            .reason
            .as_deref(),
        Some("r")
    );
    let edit_bot = h.edit_bot(id(BOT)).name("b").public(true).reset_token();
    assert_eq!(edit_bot.request().public, Some(true));
    let me = h
        .edit_my_user()
        .display_name("Cap")
        .presence(Presence::Idle)
        .clear_avatar();
    assert_eq!(me.request().to_parts().unwrap().path, "/users/@me");

    // webhooks
    let execute = h
        .execute_webhook(id("01M7YT0000000000000000000W"), secret(), "hi")
        .masquerade(stoat_core::model::Masquerade::name("Bot"))
        .idempotency_key("w-1");
    assert_eq!(execute.request().idempotency_key.as_deref(), Some("w-1"));
    assert!(h
        .edit_webhook(id("01M7YT0000000000000000000W"))
        .name("w")
        .clear_avatar()
        .request()
        .edit
        .avatar
        .is_clear());
    assert_eq!(
        h.edit_webhook_with_token(id("01M7YT0000000000000000000W"), secret())
            .permissions(Permissions::SEND_MESSAGE)
            .request()
            .edit
            .permissions,
        Some(Permissions::SEND_MESSAGE)
    );
    assert!(h
        .create_webhook(channel, "w")
        .avatar(file())
        .request()
        .avatar
        .is_some());
    assert_eq!(
        h.edit_webhook_message(id("01M7YT0000000000000000000W"), secret(), message, "x")
            .embeds(vec![])
            .request()
            .edit
            .embeds,
        Some(vec![])
    );

    // account, session, safety, sync
    let register = h.register("a@b.c", secret()).invite("inv").captcha("cap");
    assert_eq!(register.request().invite.as_deref(), Some("inv"));
    assert_eq!(
        h.resend_verification("a@b.c")
            .captcha("c")
            .request()
            .data
            .captcha
            .as_deref(),
        Some("c")
    );
    assert!(
        h.confirm_password_reset(secret(), secret())
            .remove_sessions(true)
            .request()
            .remove_sessions
    );
    assert!(h
        .change_email("a@b.c", secret())
        .mfa_ticket(secret())
        .request()
        .mfa_ticket
        .is_some());
    assert!(
        h.revoke_all_sessions()
            .revoke_self(true)
            .request()
            .revoke_self
    );
    let login = h
        .login_with_email("a@b.c", secret())
        .friendly_name("laptop");
    assert!(format!("{:?}", login.request()).contains("laptop"));
    let report = h
        .report_content(ReportedContent::Message {
            id: message,
            report_reason: ContentReportReason::SpamAbuse,
        })
        .context("repeated spam");
    assert_eq!(report.request().report.additional_context, "repeated spam");
    let settings = h.edit_user_settings().set("theme", "{}").timestamp(timeout);
    assert_eq!(settings.request().timestamp, Some(timeout));
}

#[test]
fn pending_maps_and_hands_the_request_back() {
    let channel: ChannelId = id(CHANNEL);
    let pending = Dry.fetch_messages(channel).limit(10);
    let cloned = pending.clone();
    assert_eq!(cloned.request(), pending.request());
    assert!(format!("{pending:?}").contains("FetchMessages"));
    let mapped = pending.map(|request| request.after(id(MESSAGE)));
    assert_eq!(mapped.request().after, Some(id(MESSAGE)));
    let request = Pending::new(&Dry, routes::FetchChannel::new(channel)).into_request();
    assert_eq!(request.channel, channel);
}

// ---------------------------------------------------------------------------------------
// Named methods and conveniences against the fake server.

#[test]
fn named_methods_send_on_blocking_and_async_executors() {
    let server = start();
    let client = TestClient::bot(&server);
    let channel: ChannelId = id(server.channel_id());

    let me = client.fetch_me().call().unwrap();
    assert_eq!(me.username, "capbot");
    let sent = client
        .send_message(channel, "hello")
        .idempotency_key("nonce-1")
        .call()
        .unwrap();
    assert_eq!(sent.content.as_deref(), Some("hello"));
    let request = last_request(&server);
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        ("POST", &*format!("/channels/{CHANNEL}/messages"))
    );
    assert_eq!(request.header("idempotency-key"), Some("nonce-1"));

    let handle = AsyncClient(TestClient::bot(&server));
    let page = block_on(async { handle.fetch_messages(channel).limit(1).await }).unwrap();
    assert_eq!(page.messages()[0].id, sent.id);
    assert_eq!(last_request(&server).query.as_deref(), Some("limit=1"));
    let echoed = block_on(handle.send_message(channel, "async hello").into_future()).unwrap();
    assert_eq!(echoed.content.as_deref(), Some("async hello"));

    // Validation happens before anything is sent.
    let before = client.sent();
    assert!(matches!(
        client.fetch_messages(channel).limit(0).call(),
        Err(Error::Validation(_))
    ));
    assert_eq!(client.sent(), before);
}

#[test]
fn message_and_channel_conveniences_have_the_wire_shapes() {
    let server = start();
    let client = TestClient::bot(&server);
    let channel: ChannelId = id(server.channel_id());
    let original: Message =
        serde_json::from_value(server.inject_user_message(server.channel_id(), "!ping")).unwrap();

    let reply = client.execute_owned(original.reply("pong")).unwrap();
    let request = last_request(&server);
    assert_eq!(
        recorded_json(&request),
        serde_json::json!({"content":"pong","replies":[{"id":original.id.to_string(),"mention":false}]})
    );
    assert_eq!(reply.replies, Some(vec![original.id]));
    client
        .execute_owned(original.reply_with_mention("pong!"))
        .unwrap();
    assert_eq!(
        recorded_json(&last_request(&server))["replies"][0]["mention"],
        serde_json::json!(true)
    );

    client.execute_owned(original.react("👍")).unwrap();
    let request = last_request(&server);
    assert_eq!(request.method, "PUT");
    assert_eq!(
        request.path,
        format!(
            "/channels/{CHANNEL}/messages/{}/reactions/%F0%9F%91%8D",
            original.id
        )
    );
    let reacted = &server
        .channel_messages(CHANNEL)
        .into_iter()
        .find(|m| m["_id"] == original.id.to_string())
        .unwrap();
    assert_eq!(reacted["reactions"]["👍"], serde_json::json!([BOT]));

    // The bot edits and deletes its own message.
    let edited = client.execute_owned(reply.edit("pong (edited)")).unwrap();
    assert_eq!(edited.content.as_deref(), Some("pong (edited)"));
    assert_eq!(last_request(&server).method, "PATCH");
    client.execute_owned(reply.delete()).unwrap();
    let request = last_request(&server);
    assert_eq!((request.method.as_str(), request.status), ("DELETE", 204));
    assert!(!server
        .channel_messages(CHANNEL)
        .iter()
        .any(|m| m["_id"] == reply.id.to_string()));

    let general = client.get_or_fetch_channel(channel).unwrap();
    let sent = client
        .execute_owned(general.send("to the channel"))
        .unwrap();
    assert_eq!(sent.channel, channel);

    // A DM with the owner, through the user value.
    let owner = client.get_or_fetch_user(id(OWNER)).unwrap();
    let dm = client.execute_owned(owner.open_dm()).unwrap();
    assert_eq!(last_request(&server).path, format!("/users/{OWNER}/dm"));
    assert!(dm.recipients().contains(&id(OWNER)));
}

#[test]
fn member_and_server_conveniences_moderate_and_create() {
    let server = start();
    let owner = TestClient::owner(&server);
    let server_id: ServerId = id(SERVER);

    let guild = owner.get_or_fetch_server(server_id).unwrap();
    let role = owner.execute_owned(guild.create_role("mods")).unwrap();
    let created = owner.execute_owned(guild.create_channel("news")).unwrap();
    assert_eq!(created.name(), Some("news"));
    assert_eq!(created.server(), Some(server_id));

    // Roles: the whole list, computed from the member value.
    let bot = owner.get_or_fetch_member(server_id, id(BOT)).unwrap();
    let with_role = owner.execute_owned(bot.add_role(role.id)).unwrap();
    assert_eq!(with_role.roles, vec![role.id]);
    assert_eq!(
        recorded_json(&last_request(&server)),
        serde_json::json!({"roles":[role.id.to_string()]})
    );
    let without = owner.execute_owned(with_role.remove_role(role.id)).unwrap();
    assert!(without.roles.is_empty());

    // Timeout for ten minutes from the executor's wall clock.
    let now = owner.wall_clock();
    let timed_out = owner
        .execute_owned(without.timeout_for(Duration::from_secs(600), now))
        .unwrap();
    let until = timed_out.timeout.expect("timed out");
    assert_eq!(until.as_millis(), now.as_millis() + 600_000);
    assert!(timed_out.is_timed_out(now));
    let lifted = owner.execute_owned(timed_out.clear_timeout()).unwrap();
    assert_eq!(lifted.timeout, None);

    // Kick and ban two new members.
    let (kicked, _) = server.add_user("kicked");
    server.add_member(SERVER, &kicked);
    let member = owner.get_or_fetch_member(server_id, id(&kicked)).unwrap();
    owner.execute_owned(member.kick().reason("bye")).unwrap();
    assert_eq!(
        last_request(&server).header("x-audit-log-reason"),
        Some("bye")
    );
    assert!(!server
        .members(SERVER)
        .iter()
        .any(|m| m["_id"]["user"] == kicked.as_str()));

    let (banned, _) = server.add_user("banned");
    server.add_member(SERVER, &banned);
    let member = owner.get_or_fetch_member(server_id, id(&banned)).unwrap();
    let ban = owner
        .execute_owned(member.ban().ban_reason("spam"))
        .unwrap();
    assert_eq!(ban.reason.as_deref(), Some("spam"));
    assert!(server
        .bans(SERVER)
        .iter()
        .any(|b| b["_id"]["user"] == banned.as_str()));
}

#[test]
fn asset_urls_point_at_the_instance() {
    let server = start();
    let client = TestClient::bot(&server);
    let endpoints = Endpoints::new(server.api_url(), server.ws_url(), server.autumn_url());
    let bot = client.get_or_fetch_user(id(BOT)).unwrap();
    assert!(bot.avatar.is_none());
    let url = bot.avatar_url(&endpoints);
    assert_eq!(url, default_avatar_url(&server.api_url(), id(BOT)));
    // The URL serves the same PNG the route does.
    let response = ureq::get(&url).call().unwrap();
    assert_eq!(response.headers()["content-type"], "image/png");
    let bytes = response.into_body().read_to_vec().unwrap();
    assert_eq!(
        bytes,
        client
            .fetch_default_avatar(id(BOT))
            .call()
            .unwrap()
            .0
            .to_vec()
    );

    let guild = client.get_or_fetch_server(id(SERVER)).unwrap();
    assert_eq!(guild.icon_url(&endpoints), None);
    assert_eq!(guild.banner_url(&endpoints), None);
}

// ---------------------------------------------------------------------------------------
// Cache-first getters.

fn ready_with_renamed_bot() -> String {
    format!(
        r#"{{"type":"Ready","users":[{{"_id":"{BOT}","username":"cached-name","discriminator":"1643","relationship":"User","online":true}}],"servers":[{{"_id":"{SERVER}","owner":"{OWNER}","name":"Cached Server","channels":["{CHANNEL}"],"default_permissions":0}}],"channels":[{{"channel_type":"TextChannel","_id":"{CHANNEL}","server":"{SERVER}","name":"cached-general"}}],"members":[{{"_id":{{"server":"{SERVER}","user":"{BOT}"}},"joined_at":"2026-11-21T10:21:00.440Z","nickname":"cached-nick"}}],"emojis":[]}}"#
    )
}

#[test]
fn get_or_fetch_reads_the_cache_and_fetches_on_a_miss() {
    let server = start();
    let client = TestClient::bot(&server);
    client.apply(&ready_with_renamed_bot());

    // Hits: the cached copies, nothing sent.
    assert_eq!(
        client.get_or_fetch_user(id(BOT)).unwrap().username,
        "cached-name"
    );
    assert_eq!(
        client.get_or_fetch_server(id(SERVER)).unwrap().name,
        "Cached Server"
    );
    assert_eq!(
        client.get_or_fetch_channel(id(CHANNEL)).unwrap().name(),
        Some("cached-general")
    );
    assert_eq!(
        client
            .get_or_fetch_member(id(SERVER), id(BOT))
            .unwrap()
            .nickname
            .as_deref(),
        Some("cached-nick")
    );
    assert_eq!(client.sent(), 0);

    // Misses: fetched and returned, and the cache is left to the gateway.
    let owner = client.get_or_fetch_user(id(OWNER)).unwrap();
    assert_eq!(owner.username, "capowner");
    assert_eq!(last_request(&server).path, format!("/users/{OWNER}"));
    let member = client.get_or_fetch_member(id(SERVER), id(OWNER)).unwrap();
    assert_eq!(member.id.user, id(OWNER));
    assert_eq!(client.sent(), 2);
    assert!(client.with_cache(|cache| cache.user(id(OWNER)).is_none()));

    // A message the cache has, and one it does not.
    let injected: Message =
        serde_json::from_value(server.inject_user_message(CHANNEL, "fetched")).unwrap();
    let fetched = client
        .get_or_fetch_message(id(CHANNEL), injected.id)
        .unwrap();
    assert_eq!(fetched.content.as_deref(), Some("fetched"));
    assert_eq!(client.sent(), 3);

    // A miss the server cannot answer is its error.
    let unknown: UserId = id("01M7YT0000000000000000000Z");
    assert!(matches!(
        client.get_or_fetch_user(unknown),
        Err(Error::Api(_))
    ));

    // The same on the async executor.
    let handle = AsyncClient(TestClient::bot(&server));
    handle.0.apply(&ready_with_renamed_bot());
    assert_eq!(
        block_on(handle.get_or_fetch_user(id(BOT)))
            .unwrap()
            .username,
        "cached-name"
    );
    assert_eq!(
        block_on(handle.get_or_fetch_channel(id(CHANNEL)))
            .unwrap()
            .name(),
        Some("cached-general")
    );
    assert_eq!(handle.0.sent(), 0);
    assert_eq!(
        block_on(handle.get_or_fetch_user(id(OWNER)))
            .unwrap()
            .username,
        "capowner"
    );
    assert_eq!(
        block_on(handle.get_or_fetch_server(id(SERVER)))
            .unwrap()
            .name,
        "Cached Server"
    );
    assert_eq!(
        block_on(handle.get_or_fetch_member(id(SERVER), id(OWNER)))
            .unwrap()
            .id
            .user,
        id(OWNER)
    );
    assert_eq!(handle.0.sent(), 2);
}

// ---------------------------------------------------------------------------------------
// History.

/// Injects `count` messages (`m0`, `m1`, ...) by the owner and returns their ids in order.
fn inject(server: &FakeServer, count: usize) -> Vec<MessageId> {
    (0..count)
        .map(|n| {
            let message = server.inject_user_message(CHANNEL, &format!("m{n}"));
            id(message["_id"].as_str().unwrap())
        })
        .collect()
}

fn message_queries(server: &FakeServer) -> Vec<String> {
    server
        .requests()
        .into_iter()
        .filter(|r| r.path == format!("/channels/{CHANNEL}/messages") && r.method == "GET")
        .map(|r| r.query.unwrap_or_default())
        .collect()
}

#[test]
fn history_walks_every_page_newest_first_then_stops_on_a_short_page() {
    let server = start();
    let ids = inject(&server, 250);
    let client = TestClient::bot(&server);
    server.clear_requests();

    let walked: Vec<MessageId> = client.history(id(CHANNEL)).map(|m| m.unwrap().id).collect();
    let mut expected = ids.clone();
    expected.reverse();
    assert_eq!(walked, expected);
    let queries = message_queries(&server);
    assert_eq!(
        queries,
        [
            "limit=100&sort=Latest".to_owned(),
            format!("limit=100&before={}&sort=Latest", ids[150]),
            format!("limit=100&before={}&sort=Latest", ids[50]),
        ]
    );
}

#[test]
fn history_limits_bounds_and_orders() {
    let server = start();
    let ids = inject(&server, 120);
    let client = TestClient::bot(&server);

    // A total limit: the last page asks only for what is left.
    server.clear_requests();
    let limited: Vec<MessageId> = client
        .history(id(CHANNEL))
        .page_size(50)
        .limit(70)
        .map(|m| m.unwrap().id)
        .collect();
    assert_eq!(limited.len(), 70);
    assert_eq!(limited[0], ids[119]);
    assert_eq!(limited[69], ids[50]);
    let queries = message_queries(&server);
    assert_eq!(queries.len(), 2);
    assert!(queries[1].starts_with("limit=20&before="), "{queries:?}");

    // Oldest first from `after`.
    let after: Vec<MessageId> = client
        .history(id(CHANNEL))
        .after(ids[99])
        .page_size(7)
        .map(|m| m.unwrap().id)
        .collect();
    assert_eq!(after, ids[100..]);

    // Oldest first from the start of the channel.
    let first: Vec<MessageId> = client
        .history(id(CHANNEL))
        .oldest_first()
        .limit(3)
        .map(|m| m.unwrap().id)
        .collect();
    assert_eq!(first, ids[..3]);

    // Between two messages, newest first (the default with both bounds).
    let between: Vec<MessageId> = client
        .history(id(CHANNEL))
        .before(ids[60])
        .after(ids[40])
        .page_size(8)
        .map(|m| m.unwrap().id)
        .collect();
    let mut expected = ids[41..60].to_vec();
    expected.reverse();
    assert_eq!(between, expected);

    // ... and oldest first when asked.
    let between: Vec<MessageId> = client
        .history(id(CHANNEL))
        .before(ids[60])
        .after(ids[40])
        .oldest_first()
        .page_size(8)
        .map(|m| m.unwrap().id)
        .collect();
    assert_eq!(between, ids[41..60]);
}

#[test]
fn history_fills_in_authors_with_include_users() {
    let server = start();
    inject(&server, 3);
    let client = TestClient::bot(&server);
    let messages: Vec<Message> = client
        .history(id(CHANNEL))
        .include_users(true)
        .map(Result::unwrap)
        .collect();
    assert_eq!(messages.len(), 3);
    for message in &messages {
        assert_eq!(message.user.as_ref().unwrap().id, id(OWNER));
        assert_eq!(message.member.as_ref().unwrap().id.user, id(OWNER));
    }
}

#[test]
fn history_ends_after_an_error() {
    let server = start();
    let client = TestClient::bot(&server);
    let mut unknown = client.history(id("01M7YT0000000000000000000C"));
    assert!(matches!(unknown.next(), Some(Err(Error::Api(_)))));
    assert!(unknown.next().is_none());

    let mut invalid = client.history(id(CHANNEL)).page_size(0);
    assert!(matches!(invalid.next(), Some(Err(Error::Validation(_)))));
    assert!(invalid.next().is_none());
}

#[test]
fn history_is_a_stream_on_async_executors() {
    use futures_core::Stream;

    let server = start();
    let ids = inject(&server, 130);
    let handle = AsyncClient(TestClient::bot(&server));

    // Through the inherent `next`.
    let walked = block_on(async {
        let mut history = handle.history(id(CHANNEL)).page_size(60);
        let mut walked = Vec::new();
        while let Some(message) = history.next().await {
            walked.push(message.unwrap().id);
        }
        walked
    });
    let mut expected = ids.clone();
    expected.reverse();
    assert_eq!(walked, expected);

    // Through `Stream::poll_next`, counting the times the stream was pending.
    let mut stream = handle
        .history(id(CHANNEL))
        .oldest_first()
        .limit(25)
        .page_size(10);
    let mut cx = Context::from_waker(Waker::noop());
    let (mut got, mut pending) = (Vec::new(), 0);
    loop {
        match Pin::new(&mut stream).poll_next(&mut cx) {
            Poll::Ready(Some(message)) => got.push(message.unwrap().id),
            Poll::Ready(None) => break,
            Poll::Pending => pending += 1,
        }
    }
    assert_eq!(got, ids[..25]);
    assert_eq!(pending, 3, "one pending poll per page");
    assert_eq!(stream.history().yielded(), 25);
}

// ---------------------------------------------------------------------------------------
// The cursor logic alone.

fn message(id_text: &str) -> Message {
    serde_json::from_value(serde_json::json!({
        "_id": id_text, "channel": CHANNEL, "author": OWNER, "content": id_text,
    }))
    .unwrap()
}

fn nth(n: u32) -> String {
    format!("01M7YT8F8NBH98W6P40280{n:04}")
}

#[test]
fn the_cursor_drops_the_boundary_message_sorts_pages_and_stops_without_progress() {
    let mut history = History::new(id(CHANNEL)).page_size(3);
    assert_eq!(history.order(), HistoryOrder::NewestFirst);
    let page =
        BulkMessageResponse::Messages(vec![message(&nth(8)), message(&nth(9)), message(&nth(7))]);
    let out: Vec<_> = history
        .handle_page(page)
        .into_iter()
        .map(|m| m.id)
        .collect();
    assert_eq!(out, [id(&nth(9)), id(&nth(8)), id(&nth(7))]);
    let next = history.next_request().unwrap();
    assert_eq!(next.before, Some(id(&nth(7))));

    // A server that repeats the boundary message (and one from the page before).
    let page =
        BulkMessageResponse::Messages(vec![message(&nth(7)), message(&nth(8)), message(&nth(6))]);
    let out: Vec<_> = history
        .handle_page(page)
        .into_iter()
        .map(|m| m.id)
        .collect();
    assert_eq!(out, [id(&nth(6))]);
    assert!(!history.is_done(), "a full page: there may be more");

    // A server that ignores the cursor: nothing new, so the walk ends.
    let page =
        BulkMessageResponse::Messages(vec![message(&nth(9)), message(&nth(8)), message(&nth(7))]);
    assert!(history.handle_page(page).is_empty());
    assert!(history.next_request().is_none());
    assert_eq!(history.yielded(), 4);
}

#[test]
fn after_alone_walks_oldest_first_and_limit_zero_sends_nothing() {
    let history = History::new(id(CHANNEL)).after(id(&nth(1)));
    assert_eq!(history.order(), HistoryOrder::OldestFirst);
    let request = history.next_request().unwrap();
    assert_eq!(
        (request.after, request.sort),
        (Some(id(&nth(1))), Some(MessageSort::Oldest))
    );
    assert_eq!(
        History::new(id(CHANNEL))
            .after(id(&nth(1)))
            .newest_first()
            .order(),
        HistoryOrder::NewestFirst
    );
    assert!(History::new(id(CHANNEL)).limit(0).next_request().is_none());
}
