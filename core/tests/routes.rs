//! The route table: every server route (reference §2.5) has exactly one typed request, and
//! each request builds that route's path, auth, headers and rate-limit bucket, compared
//! with expectations written as data in `conformance/fixtures/http/route_table.tsv`.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use http::Method;
use stoat_core::auth::{Secret, Token};
use stoat_core::http::routes::{self, *};
use stoat_core::http::{Error, PreparedRequest, Request, Rest, Route};
use stoat_core::model::{ContentReportReason, MfaResponse, Permissions, Presence};

const CHANNEL: &str = "01M7YSZ8V81AWBPFRM30NYSV34";
const MESSAGE: &str = "01M7YT8F8NBH98W6P4028C2GH8";
const USER: &str = "01M7YSZ8V6D4QNP163AMRA3ARS";
const SERVER: &str = "01M7YSZ8V8HNB362Z1HYDP0RXY";
const ROLE: &str = "01M7YT8ZHYG2HDQRHAZ49Q93D5";
const EMOJI: &str = "01M7YTA1B2C3D4E5F6G7H8J9KM";
const WEBHOOK: &str = "01M7YTB1B2C3D4E5F6G7H8J9KM";
const BOT: &str = "01M7YTC1B2C3D4E5F6G7H8J9KM";

/// `(method, path template)` of every route the server mounts (reference §2.5).
fn server_routes() -> Vec<(String, String)> {
    include_str!("../../conformance/fixtures/http/routes.tsv")
        .lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty())
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            (fields[1].to_owned(), fields[2].to_owned())
        })
        .collect()
}

/// One row of `route_table.tsv`.
#[derive(Debug)]
struct Expected {
    number: u32,
    bucket: String,
    resource: Option<String>,
    auth: String,
    headers: BTreeSet<String>,
}

fn expectations() -> HashMap<(String, String), Expected> {
    include_str!("../../conformance/fixtures/http/route_table.tsv")
        .lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty())
        .map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            assert_eq!(f.len(), 7, "{line}");
            let expected = Expected {
                number: f[0].parse().unwrap(),
                bucket: f[3].to_owned(),
                resource: (f[4] != "-").then(|| f[4].to_owned()),
                auth: f[5].to_owned(),
                headers: f[6]
                    .split(',')
                    .filter(|h| *h != "-")
                    .map(str::to_owned)
                    .collect(),
            };
            ((f[1].to_owned(), f[2].to_owned()), expected)
        })
        .collect()
}

/// Builds the HTTP request of one typed request.
type Prepare = Box<dyn Fn(&Rest) -> Result<PreparedRequest, Error>>;

/// A request of some type, erased: its name, its route and how to build it.
struct Sample {
    name: &'static str,
    route: Route,
    prepare: Prepare,
}

fn sample<R: Request + 'static>(request: R) -> Sample {
    Sample {
        name: std::any::type_name::<R>().rsplit("::").next().unwrap(),
        route: R::ROUTE,
        prepare: Box::new(move |rest| rest.prepare(&request)),
    }
}

fn secret(value: &str) -> Secret {
    Secret::new(value)
}

/// One request of every type, with every optional header it takes set.
fn samples() -> Vec<Sample> {
    let channel = CHANNEL.parse().unwrap();
    let message = MESSAGE.parse().unwrap();
    let user = USER.parse().unwrap();
    let server = SERVER.parse().unwrap();
    let role = ROLE.parse().unwrap();
    let emoji = EMOJI.parse().unwrap();
    let webhook = WEBHOOK.parse().unwrap();
    let bot = BOT.parse().unwrap();
    let ticket = || secret("mfa-ticket");
    let token = || secret("webhook-token");
    let password = MfaResponse::Password {
        password: secret("hunter22"),
    };
    let github = ExecuteGithubWebhook::new(webhook, token(), "push", serde_json::json!({}));
    vec![
        sample(FetchInstance),
        // Users.
        sample(AcceptFriendRequest::new(user)),
        sample(BlockUser::new(user)),
        sample(ChangeUsername::new("new_name", secret("pw"))),
        sample(EditUser::user(user).presence(Presence::Busy)),
        sample(FetchDirectMessageChannels),
        sample(FetchUserProfile::new(user)),
        sample(FetchSelf),
        sample(FetchUser::new(user)),
        sample(FetchUserFlags::new(user)),
        sample(FetchMutual::new(user)),
        sample(FetchDefaultAvatar::new(user)),
        sample(OpenDirectMessage::new(user)),
        sample(RemoveFriend::new(user)),
        sample(SendFriendRequest::new("friend", "1234")),
        sample(UnblockUser::new(user)),
        // Bots.
        sample(CreateBot::new("my_bot")),
        sample(DeleteBot::new(bot)),
        sample(EditBot::new(bot).public(true)),
        sample(FetchBot::new(bot)),
        sample(FetchOwnedBots),
        sample(FetchPublicBot::new(bot)),
        sample(InviteBot::to_server(bot, server)),
        // Channels.
        sample(AcknowledgeMessage::new(channel, message)),
        sample(CloseChannel::new(channel).reason("r")),
        sample(EditChannel::new(channel).name("n").reason("r")),
        sample(FetchChannel::new(channel)),
        sample(AddGroupMember::new(channel, user)),
        sample(CreateGroup::new("group")),
        sample(RemoveGroupMember::new(channel, user)),
        sample(CreateInvite::new(channel).reason("r")),
        sample(FetchGroupMembers::new(channel)),
        sample(BulkDeleteMessages::new(channel, vec![message]).reason("r")),
        sample(ClearReactions::new(channel, message)),
        sample(DeleteMessage::new(channel, message).reason("r")),
        sample(EditMessage::new(channel, message, "edited")),
        sample(FetchMessage::new(channel, message)),
        sample(PinMessage::new(channel, message).reason("r")),
        sample(FetchMessages::new(channel)),
        sample(AddReaction::new(channel, message, "👍")),
        sample(SearchMessages::new(channel, "needle")),
        sample(SendMessage::new(channel, "hi").idempotency_key("key")),
        sample(UnpinMessage::new(channel, message).reason("r")),
        sample(RemoveReaction::new(channel, message, "👍")),
        sample(
            SetChannelRolePermissions::new(
                channel,
                role,
                Permissions::empty(),
                Permissions::empty(),
            )
            .reason("r"),
        ),
        sample(
            SetChannelDefaultPermissions::server_channel(
                channel,
                Permissions::empty(),
                Permissions::VIEW_CHANNEL,
            )
            .reason("r"),
        ),
        sample(JoinCall::new(channel)),
        sample(StopRing::new(channel, user)),
        sample(CreateWebhook::new(channel, "hook").reason("r")),
        sample(FetchChannelWebhooks::new(channel)),
        // Servers.
        sample(QueryAuditLogs::new(server)),
        sample(BanUser::new(server, user).reason("r")),
        sample(FetchBans::new(server)),
        sample(UnbanUser::new(server, user).reason("r")),
        sample(CreateServerChannel::text(server, "general").reason("r")),
        sample(FetchServerEmojis::new(server)),
        sample(FetchServerInvites::new(server)),
        sample(EditMember::new(server, user).nickname("nick").reason("r")),
        sample(QueryMembers::new(server, "al")),
        sample(FetchMember::new(server, user)),
        sample(FetchMembers::new(server)),
        sample(KickMember::new(server, user).reason("r")),
        sample(
            SetServerRolePermissions::new(server, role, Permissions::empty(), Permissions::empty())
                .reason("r"),
        ),
        sample(SetServerDefaultPermissions::new(server, Permissions::DEFAULT).reason("r")),
        sample(CreateRole::new(server, "role").reason("r")),
        sample(DeleteRole::new(server, role).reason("r")),
        sample(EditRole::new(server, role).hoist(true).reason("r")),
        sample(EditRoleRanks::new(server, vec![role]).reason("r")),
        sample(FetchRole::new(server, role)),
        sample(MarkServerAsRead::new(server)),
        sample(CreateServer::new("server")),
        sample(LeaveServer::new(server)),
        sample(
            EditServer::new(server)
                .transfer_ownership(user, ticket())
                .reason("r"),
        ),
        sample(FetchServer::new(server)),
        // Invites.
        sample(DeleteInvite::new("GssTRZRK".into()).reason("r")),
        sample(FetchInvite::new("GssTRZRK".into())),
        sample(JoinInvite::new("GssTRZRK".into())),
        // Customisation.
        sample(CreateEmoji::new(EMOJI.into(), server, "party").reason("r")),
        sample(DeleteEmoji::new(emoji).reason("r")),
        sample(EditEmoji::new(emoji, "party").reason("r")),
        sample(FetchEmoji::new(emoji)),
        // Safety.
        sample(ReportContent::message(
            message,
            ContentReportReason::SpamAbuse,
        )),
        // Account.
        sample(ChangeEmail::new("a@b.c", secret("pw")).mfa_ticket(ticket())),
        sample(ChangePassword::new(secret("new"), secret("old")).mfa_ticket(ticket())),
        sample(ConfirmAccountDeletion::new(secret("t"))),
        sample(CreateAccount::new("a@b.c", secret("pw"))),
        sample(DeleteAccount::new(ticket())),
        sample(DisableAccount::new(ticket())),
        sample(FetchAccount),
        sample(ResetPassword::new(secret("t"), secret("pw"))),
        sample(ResendVerification::new("a@b.c")),
        sample(SendPasswordReset::new("a@b.c")),
        sample(VerifyEmail::new(secret("code"))),
        // Session.
        sample(EditSession::new(
            "01M7YTD1B2C3D4E5F6G7H8J9KM".into(),
            "laptop",
        )),
        sample(FetchSessions),
        sample(Login::email("a@b.c", secret("pw"))),
        sample(Logout),
        sample(RevokeSession::new("01M7YTD1B2C3D4E5F6G7H8J9KM".into()).mfa_ticket(ticket())),
        sample(DeleteAllSessions::new().mfa_ticket(ticket())),
        // MFA.
        sample(CreateMfaTicket::validate(ticket(), password.clone())),
        sample(FetchRecoveryCodes::new(ticket())),
        sample(FetchMfaStatus),
        sample(GenerateRecoveryCodes::new(ticket())),
        sample(FetchMfaMethods),
        sample(DisableTotp::new(ticket())),
        sample(EnableTotp::new(password)),
        sample(GenerateTotpSecret::new(ticket())),
        // Onboarding, policy, push, sync.
        sample(CompleteOnboarding::new("newbie")),
        sample(FetchOnboarding),
        sample(AcknowledgePolicyChanges),
        sample(PushSubscribe::new("https://push.example/1", "key", "auth")),
        sample(PushUnsubscribe),
        sample(FetchSettings::new(["ordering"])),
        sample(FetchUnreads),
        sample(SetSettings::new().set("ordering", "{}")),
        // Webhooks.
        sample(DeleteWebhook::new(webhook).reason("r")),
        sample(DeleteWebhookMessage::new(webhook, token(), message)),
        sample(DeleteWebhookWithToken::new(webhook, token())),
        sample(EditWebhook::new(webhook).name("hook")),
        sample(EditWebhookMessage::new(webhook, token(), message, "edited")),
        sample(EditWebhookWithToken::new(webhook, token()).clear_avatar()),
        sample(ExecuteWebhook::new(webhook, token(), "hi").idempotency_key("key")),
        Sample {
            name: "ExecuteGithubWebhook",
            route: <ExecuteGithubWebhook as Request>::ROUTE,
            prepare: Box::new(move |rest| rest.prepare(&github)),
        },
        sample(FetchWebhook::new(webhook)),
        sample(FetchWebhookWithToken::new(webhook, token())),
    ]
}

fn rest() -> Rest {
    Rest::new(
        "https://api.stoat.chat",
        Some(Token::session("session-token")),
    )
}

#[test]
fn the_reference_lists_125_routes() {
    let routes = server_routes();
    assert_eq!(routes.len(), 125);
    assert_eq!(routes.iter().collect::<BTreeSet<_>>().len(), 125);
    assert_eq!(expectations().len(), 125);
}

#[test]
fn the_request_types_are_exactly_the_server_routes() {
    let server: BTreeSet<(String, String)> = server_routes().into_iter().collect();
    let mut typed = BTreeMap::new();
    for (name, route) in routes::all() {
        let key = (route.method.to_string(), route.path.to_owned());
        assert!(
            server.contains(&key),
            "{name}: {key:?} is not a server route"
        );
        if let Some(other) = typed.insert(key.clone(), name) {
            panic!("{key:?} has two request types: {other} and {name}");
        }
    }
    let missing: Vec<_> = server.iter().filter(|k| !typed.contains_key(*k)).collect();
    assert!(
        missing.is_empty(),
        "routes without a request type: {missing:?}"
    );
    assert_eq!(routes::all().len(), 125);
}

#[test]
fn there_is_one_sample_per_request_type() {
    let registered: BTreeMap<String, &str> = routes::all()
        .into_iter()
        .map(|(name, route)| (format!("{} {}", route.method, route.path), name))
        .collect();
    let mut sampled = BTreeMap::new();
    for s in samples() {
        let key = format!("{} {}", s.route.method, s.route.path);
        assert_eq!(registered.get(&key), Some(&s.name), "{key}");
        assert!(
            sampled.insert(key.clone(), s.name).is_none(),
            "{key} sampled twice"
        );
    }
    assert_eq!(sampled, registered);
}

/// Matches a concrete path against a template; returns the placeholder values.
fn match_template(template: &str, path: &str) -> Option<HashMap<String, String>> {
    let t: Vec<&str> = template.split('/').collect();
    let p: Vec<&str> = path.split('/').collect();
    if t.len() != p.len() {
        return None;
    }
    let mut values = HashMap::new();
    for (t, p) in t.iter().zip(&p) {
        if t.starts_with('{') && t.ends_with('}') {
            if p.is_empty() {
                return None;
            }
            values.insert((*t).to_owned(), (*p).to_owned());
        } else if t != p {
            return None;
        }
    }
    Some(values)
}

#[test]
fn every_request_builds_its_route_with_the_expected_auth_headers_and_bucket() {
    let expected = expectations();
    let rest = rest();
    let mut checked = BTreeSet::new();
    for s in samples() {
        let key = (s.route.method.to_string(), s.route.path.to_owned());
        let row = expected
            .get(&key)
            .unwrap_or_else(|| panic!("{}: no expectation for {key:?}", s.name));
        let prepared = (s.prepare)(&rest).unwrap_or_else(|e| panic!("{}: {e}", s.name));
        let context = format!("#{} {} ({})", row.number, s.route.path, s.name);

        assert_eq!(prepared.method, s.route.method, "{context}");
        assert_eq!(prepared.uri.host(), Some("api.stoat.chat"), "{context}");
        let values = match_template(s.route.path, prepared.uri.path())
            .unwrap_or_else(|| panic!("{context}: {} does not fit", prepared.uri.path()));

        // Auth.
        let sends_token = prepared.headers.contains_key("x-session-token");
        match row.auth.as_str() {
            "user" => assert!(sends_token, "{context}: no token sent"),
            "none" => assert!(!sends_token, "{context}: a public route got the token"),
            "optional" => {}
            other => panic!("{context}: bad auth column {other}"),
        }

        // Route-specific headers: exactly the ones the route takes (all set in the sample).
        let special: BTreeSet<String> = prepared
            .headers
            .keys()
            .map(|h| h.as_str().to_owned())
            .filter(|h| {
                [
                    "x-audit-log-reason",
                    "x-mfa-ticket",
                    "idempotency-key",
                    "x-github-event",
                ]
                .contains(&h.as_str())
            })
            .collect();
        assert_eq!(special, row.headers, "{context}");

        // Rate-limit bucket and resource, as the server resolves the concrete path.
        assert_eq!(prepared.bucket.bucket.name(), row.bucket, "{context}");
        let resource = row
            .resource
            .as_ref()
            .map(|r| values.get(r).cloned().unwrap_or_else(|| r.clone()));
        assert_eq!(prepared.bucket.resource, resource, "{context}");

        // A body goes with its content type; bodiless requests send none.
        let has_body = !prepared.body.is_empty();
        assert_eq!(
            prepared.headers.contains_key("content-type"),
            has_body,
            "{context}"
        );
        assert!(checked.insert(row.number), "{context}: checked twice");
    }
    assert_eq!(checked.len(), 125);
}

#[test]
fn bodies_are_json_objects_for_every_route_that_sends_one() {
    let rest = rest();
    for s in samples() {
        let prepared = (s.prepare)(&rest).unwrap();
        if prepared.body.is_empty() {
            continue;
        }
        assert_eq!(
            prepared.headers["content-type"], "application/json",
            "{}",
            s.name
        );
        let body: serde_json::Value = serde_json::from_slice(&prepared.body).unwrap();
        assert!(body.is_object(), "{}: {body}", s.name);
    }
}

#[test]
fn get_and_delete_routes_send_no_body_except_bulk_delete() {
    let rest = rest();
    for s in samples() {
        let prepared = (s.prepare)(&rest).unwrap();
        if s.route.method == Method::GET
            || (s.route.method == Method::DELETE && s.name != "BulkDeleteMessages")
        {
            assert!(prepared.body.is_empty(), "{}", s.name);
        }
    }
}
