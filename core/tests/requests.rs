//! Request building against wire shapes: every case of
//! `conformance/fixtures/http/requests.json` (copied from captures where one exists) is
//! built here by name and must match exactly: method, path, query, whether the token is
//! sent, the route-specific headers and the JSON body.

use std::collections::BTreeMap;

use serde_json::Value;
use stoat_core::auth::{Secret, Token};
use stoat_core::http::routes::*;
use stoat_core::http::{Error, PreparedRequest, Rest};
use stoat_core::id::{ChannelId, EmojiId, MessageId, RoleId, ServerId, UserId, WebhookId};
use stoat_core::model::{
    Category, ContentReportReason, Interactions, Masquerade, MessageFlags, MfaResponse,
    Permissions, Presence, SendableEmbed, ServerFlags, SystemMessageChannels, Timestamp,
    UserBadges, UserReportReason,
};

const CH: &str = "01M7YSZ8V81AWBPFRM30NYSV34";
const NCH: &str = "01M7YT8TV2Y5W4F97YBN29R66K";
const MSG: &str = "01M7YT7CBWRVS33BBAYKMERZ5N";
const M2: &str = "01M7YT7CYTJ1CBA1TYXJ22G6Q5";
const SRV: &str = "01M7YSZ8V8HNB362Z1HYDP0RXY";
const ROLE: &str = "01M7YT8ZHYG2HDQRHAZ49Q93D5";
const ROLE2: &str = "01M7YTE1B2C3D4E5F6G7H8J9KM";
const BOT: &str = "01M7YSZ8V6D4QNP163AMRA3ARS";
const OWNER: &str = "01M7YSZ8H1XVFKYWFT7NKJHCGM";
const WH: &str = "01M7YTB1B2C3D4E5F6G7H8J9KM";
const EMOJI: &str = "01M7YTA1B2C3D4E5F6G7H8J9KM";
const SESSION: &str = "01M7YTD1B2C3D4E5F6G7H8J9KM";
const AVATAR: &str = "Ab_cDeFgHiJkLmNoPqRsTuVwXyZ0123456789-abcd";

fn ch() -> ChannelId {
    CH.parse().unwrap()
}
fn nch() -> ChannelId {
    NCH.parse().unwrap()
}
fn msg() -> MessageId {
    MSG.parse().unwrap()
}
fn m2() -> MessageId {
    M2.parse().unwrap()
}
fn srv() -> ServerId {
    SRV.parse().unwrap()
}
fn role() -> RoleId {
    ROLE.parse().unwrap()
}
fn bot_user() -> UserId {
    BOT.parse().unwrap()
}
fn owner() -> UserId {
    OWNER.parse().unwrap()
}
fn wh() -> WebhookId {
    WH.parse().unwrap()
}
fn emoji() -> EmojiId {
    EMOJI.parse().unwrap()
}
fn ts(text: &str) -> Timestamp {
    Timestamp::parse(text).unwrap()
}
fn s(value: &str) -> Secret {
    Secret::new(value)
}
fn ticket() -> Secret {
    s("ticket-token")
}
fn token() -> Secret {
    s("webhook-token")
}

type Build = Box<dyn Fn(&Rest) -> Result<PreparedRequest, Error>>;

fn prep<R: stoat_core::http::Request + 'static>(request: R) -> Build {
    Box::new(move |rest| rest.prepare(&request))
}

#[allow(clippy::too_many_lines)]
fn cases() -> BTreeMap<&'static str, Build> {
    let mut c: BTreeMap<&'static str, Build> = BTreeMap::new();

    // Messages.
    c.insert(
        "send_message.reply",
        prep(SendMessage::new(ch(), "Hi owner, this is the bot replying").reply_to(msg(), true)),
    );
    let mut embed = SendableEmbed::default();
    embed.title = Some("Title".into());
    embed.description = Some("Body".into());
    embed.colour = Some("#ff0000".into());
    let mut interactions = Interactions::default();
    interactions.reactions = Some(vec!["👍".into()]);
    interactions.restrict_reactions = true;
    c.insert(
        "send_message.full",
        prep(
            SendMessage::new(ch(), "look")
                .attachment(AVATAR)
                .reply_to(msg(), false)
                .embed(embed)
                .masquerade(Masquerade::name("Alias"))
                .interactions(interactions)
                .flags(MessageFlags::SUPPRESS_NOTIFICATIONS)
                .idempotency_key("01NONCE"),
        ),
    );
    c.insert(
        "edit_message.content",
        prep(EditMessage::new(
            ch(),
            msg(),
            "Hello, capture test message (edited)",
        )),
    );
    c.insert(
        "edit_message.remove_embeds",
        prep(EditMessage::embeds_only(ch(), msg(), Vec::new())),
    );
    c.insert(
        "add_reaction.unicode",
        prep(AddReaction::new(ch(), msg(), "👍")),
    );
    c.insert(
        "remove_reaction.remove_all",
        prep(RemoveReaction::new(ch(), msg(), "👍").remove_all(true)),
    );
    c.insert(
        "remove_reaction.user",
        prep(RemoveReaction::new(ch(), msg(), EMOJI).user(owner())),
    );
    c.insert(
        "fetch_messages.include_users",
        prep(FetchMessages::new(ch()).limit(5).include_users(true)),
    );
    c.insert(
        "fetch_messages.nearby",
        prep(FetchMessages::new(ch()).limit(10).nearby(msg())),
    );
    c.insert(
        "fetch_messages.all",
        prep(
            FetchMessages::new(ch())
                .limit(100)
                .before(msg())
                .after(m2())
                .sort(MessageSort::Oldest)
                .include_users(true),
        ),
    );
    c.insert(
        "search_messages.query",
        prep(
            SearchMessages::new(ch(), "needle")
                .limit(10)
                .sort(MessageSort::Latest)
                .include_users(true),
        ),
    );
    c.insert("search_messages.pinned", prep(SearchMessages::pinned(ch())));
    let captured_ids = [
        "01M7YT7CYTJ1CBA1TYXJ22G6Q5",
        "01M7YT7GWT9EEJJ8Z6TSHAY5N3",
        "01M7YT7HW7XEEGNYCXDXRY1GPD",
        "01M7YT7KEKQAC0DGYJM745HFHF",
        "01M7YT7M1FR1EJJWBGHS7GZ10Y",
    ];
    c.insert(
        "bulk_delete_messages",
        prep(BulkDeleteMessages::new(
            ch(),
            captured_ids.iter().map(|id| id.parse().unwrap()).collect(),
        )),
    );
    c.insert(
        "bulk_delete_messages.reason",
        prep(BulkDeleteMessages::new(ch(), vec![m2(), msg()]).reason("spam wave")),
    );
    c.insert(
        "pin_message",
        prep(PinMessage::new(ch(), msg()).reason("important")),
    );
    c.insert(
        "delete_message.reason",
        prep(DeleteMessage::new(ch(), msg()).reason("spam ünd more")),
    );

    // Channels.
    c.insert(
        "create_server_channel.text",
        prep(
            CreateServerChannel::text(srv(), "capture-channel")
                .description("created by the capture"),
        ),
    );
    c.insert(
        "create_server_channel.voice",
        prep(
            CreateServerChannel::voice(srv(), "Lounge")
                .max_users(8)
                .reason("r"),
        ),
    );
    c.insert(
        "edit_channel.set",
        prep(
            EditChannel::new(nch())
                .name("capture-renamed")
                .description("new description"),
        ),
    );
    c.insert(
        "edit_channel.clear_description",
        prep(EditChannel::new(nch()).clear_description()),
    );
    c.insert(
        "edit_channel.set_all",
        prep(
            EditChannel::new(nch())
                .name("n")
                .description("d")
                .owner(owner())
                .icon(AVATAR.into())
                .nsfw(false)
                .archived(false)
                .voice(stoat_core::model::VoiceInformation::new(Some(4)))
                .slowmode(21600)
                .reason("tidy"),
        ),
    );
    c.insert(
        "edit_channel.clear_all",
        prep(
            EditChannel::new(nch())
                .clear_description()
                .clear_icon()
                .clear_voice()
                .clear_slowmode()
                .clear_default_permissions(),
        ),
    );
    c.insert(
        "close_channel.silently",
        prep(CloseChannel::new(ch()).leave_silently(true).reason("bye")),
    );
    c.insert(
        "create_group",
        prep(
            CreateGroup::new("Friends")
                .description("us")
                .user(owner())
                .nsfw(false),
        ),
    );
    c.insert(
        "set_channel_default_permissions.server",
        prep(SetChannelDefaultPermissions::server_channel(
            nch(),
            Permissions::empty(),
            Permissions::VIEW_CHANNEL,
        )),
    );
    c.insert(
        "set_channel_default_permissions.group",
        prep(SetChannelDefaultPermissions::group(
            ch(),
            Permissions::VIEW_CHANNEL,
        )),
    );
    c.insert(
        "set_channel_role_permissions",
        prep(SetChannelRolePermissions::new(
            nch(),
            role(),
            Permissions::empty(),
            Permissions::VIEW_CHANNEL,
        )),
    );
    c.insert("join_call.default", prep(JoinCall::new(ch())));
    c.insert(
        "join_call.ring",
        prep(
            JoinCall::new(ch())
                .node("worldwide")
                .force_disconnect(true)
                .recipients(vec![owner()]),
        ),
    );
    c.insert("create_invite", prep(CreateInvite::new(nch())));
    c.insert(
        "create_invite.limited",
        prep(
            CreateInvite::new(nch())
                .max_uses(10)
                .expires(ts("2026-11-22T10:00:00.000Z"))
                .reason("event"),
        ),
    );

    // Servers.
    c.insert(
        "fetch_server.include_channels",
        prep(FetchServer::new(srv()).include_channels(true)),
    );
    c.insert(
        "create_server",
        prep(
            CreateServer::new("Capture Server")
                .description("d")
                .nsfw(false),
        ),
    );
    c.insert(
        "edit_server.set",
        prep(
            EditServer::new(srv())
                .name("Capture Server (edited)")
                .description("server description from capture"),
        ),
    );
    c.insert(
        "edit_server.categories",
        prep(EditServer::new(srv()).categories(vec![Category::new(
            "capcat".into(),
            "Capture Category",
            vec![ch(), nch()],
        )])),
    );
    c.insert(
        "edit_server.restore",
        prep(
            EditServer::new(srv())
                .name("Capture Server")
                .clear_description()
                .clear_categories(),
        ),
    );
    let mut system = SystemMessageChannels::default();
    system.user_joined = Some(ch());
    c.insert(
        "edit_server.set_all",
        prep(
            EditServer::new(srv())
                .icon(AVATAR.into())
                .banner(AVATAR.into())
                .system_messages(system)
                .flags(ServerFlags::VERIFIED)
                .discoverable(true)
                .analytics(false),
        ),
    );
    c.insert(
        "edit_server.clear_all",
        prep(
            EditServer::new(srv())
                .clear_description()
                .clear_icon()
                .clear_banner()
                .clear_categories()
                .clear_system_messages(),
        ),
    );
    c.insert(
        "edit_server.transfer",
        prep(
            EditServer::new(srv())
                .transfer_ownership(owner(), ticket())
                .reason("handover"),
        ),
    );
    c.insert(
        "leave_server.silently",
        prep(LeaveServer::new(srv()).leave_silently(true)),
    );
    c.insert(
        "set_server_default_permissions",
        prep(SetServerDefaultPermissions::new(
            srv(),
            Permissions::DEFAULT_SERVER,
        )),
    );
    c.insert(
        "query_audit_logs.all",
        prep(
            QueryAuditLogs::new(srv())
                .user(owner())
                .target(ch())
                .action("MessageDelete")
                .before(M2.parse().unwrap())
                .after(MSG.parse().unwrap())
                .limit(50),
        ),
    );

    // Roles.
    c.insert("create_role", prep(CreateRole::new(srv(), "CaptureRole")));
    c.insert(
        "edit_role.set",
        prep(
            EditRole::new(srv(), role())
                .name("CaptureRole2")
                .colour("#ff8800")
                .hoist(true),
        ),
    );
    c.insert(
        "edit_role.clear",
        prep(
            EditRole::new(srv(), role())
                .clear_colour()
                .clear_icon()
                .reason("plain"),
        ),
    );
    c.insert(
        "edit_role.icon",
        prep(
            EditRole::new(srv(), role())
                .icon(AVATAR.into())
                .hoist(false),
        ),
    );
    c.insert(
        "edit_role_ranks",
        prep(EditRoleRanks::new(
            srv(),
            vec![role(), ROLE2.parse().unwrap()],
        )),
    );
    c.insert(
        "set_server_role_permissions",
        prep(SetServerRolePermissions::new(
            srv(),
            role(),
            Permissions::MANAGE_MESSAGES,
            Permissions::empty(),
        )),
    );

    // Members.
    c.insert(
        "edit_member.roles",
        prep(EditMember::new(srv(), bot_user()).roles(vec![role()])),
    );
    c.insert(
        "edit_member.clear_roles",
        prep(EditMember::new(srv(), bot_user()).clear_roles()),
    );
    c.insert(
        "edit_member.set_all",
        prep(
            EditMember::new(srv(), bot_user())
                .nickname("Al")
                .pronouns("they/them")
                .avatar(AVATAR.into())
                .roles(Vec::new())
                .timeout(ts("2026-11-21T11:00:00.000Z"))
                .can_publish(false)
                .can_receive(true)
                .voice_channel(nch())
                .reason("moderation"),
        ),
    );
    c.insert(
        "edit_member.clear_all",
        prep(
            EditMember::new(srv(), bot_user())
                .clear_nickname()
                .clear_pronouns()
                .clear_avatar()
                .clear_roles()
                .clear_timeout()
                .clear_can_publish()
                .clear_can_receive()
                .disconnect_voice(),
        ),
    );
    c.insert(
        "fetch_member.roles",
        prep(FetchMember::new(srv(), bot_user()).roles(true)),
    );
    c.insert(
        "fetch_members.exclude_offline",
        prep(FetchMembers::new(srv()).exclude_offline(true)),
    );
    c.insert("query_members", prep(QueryMembers::new(srv(), "al ice")));
    c.insert(
        "ban_user",
        prep(
            BanUser::new(srv(), bot_user())
                .ban_reason("spam bot")
                .delete_message_seconds(86_400)
                .reason("réason"),
        ),
    );
    c.insert("ban_user.plain", prep(BanUser::new(srv(), bot_user())));
    c.insert(
        "kick_member",
        prep(KickMember::new(srv(), bot_user()).reason("rules")),
    );

    // Users.
    c.insert(
        "edit_user.set",
        prep(
            EditUser::me()
                .display_name("Capture Owner")
                .pronouns("she/her")
                .avatar(AVATAR.into())
                .status_text("on a break")
                .presence(Presence::Idle)
                .profile_content("hello")
                .profile_background(AVATAR.into()),
        ),
    );
    c.insert(
        "edit_user.clear",
        prep(
            EditUser::me()
                .clear_display_name()
                .clear_pronouns()
                .clear_avatar()
                .clear_status_text()
                .clear_presence()
                .clear_profile_content()
                .clear_profile_background(),
        ),
    );
    c.insert(
        "edit_user.mixed_bot",
        prep(
            EditUser::user(bot_user())
                .presence(Presence::Busy)
                .clear_status_text()
                .badges(UserBadges::DEVELOPER),
        ),
    );
    c.insert(
        "change_username",
        prep(ChangeUsername::new("capowner2", s("hunter22"))),
    );
    c.insert(
        "send_friend_request",
        prep(SendFriendRequest::new("capbot", "1643")),
    );
    c.insert("fetch_user_flags", prep(FetchUserFlags::new(bot_user())));

    // Bots.
    c.insert("create_bot", prep(CreateBot::new("capbot")));
    c.insert(
        "edit_bot.set",
        prep(
            EditBot::new(bot_user().into())
                .name("capbot2")
                .public(true)
                .analytics(false)
                .interactions_url("https://example.com/i"),
        ),
    );
    c.insert(
        "edit_bot.clear",
        prep(
            EditBot::new(bot_user().into())
                .clear_interactions_url()
                .reset_token(),
        ),
    );
    c.insert(
        "invite_bot.server",
        prep(InviteBot::to_server(bot_user().into(), srv())),
    );
    c.insert(
        "invite_bot.group",
        prep(InviteBot::to_group(bot_user().into(), ch())),
    );

    // Invites, emojis, safety.
    c.insert("fetch_invite", prep(FetchInvite::new("GssTRZRK".into())));
    c.insert("delete_invite", prep(DeleteInvite::new("GssTRZRK".into())));
    c.insert(
        "create_emoji",
        prep(CreateEmoji::new(EMOJI.into(), srv(), "party_parrot").nsfw(false)),
    );
    c.insert(
        "edit_emoji",
        prep(EditEmoji::new(emoji(), "parrot").reason("rename")),
    );
    c.insert("fetch_emoji", prep(FetchEmoji::new(emoji())));
    c.insert(
        "report_message",
        prep(ReportContent::message(msg(), ContentReportReason::SpamAbuse).context("flooding")),
    );
    c.insert(
        "report_user",
        prep(ReportContent::user(
            bot_user(),
            UserReportReason::Impersonation,
            Some(msg()),
        )),
    );

    // Account, session, MFA.
    c.insert(
        "create_account",
        prep(CreateAccount::new("a@example.com", s("hunter22")).invite("INV")),
    );
    c.insert(
        "resend_verification",
        prep(ResendVerification::new("a@example.com").captcha("cap")),
    );
    c.insert(
        "send_password_reset",
        prep(SendPasswordReset::new("a@example.com")),
    );
    c.insert(
        "reset_password",
        prep(ResetPassword::new(s("reset-token"), s("hunter33")).remove_sessions(true)),
    );
    c.insert("verify_email", prep(VerifyEmail::new(s("code123"))));
    c.insert("fetch_account", prep(FetchAccount));
    c.insert(
        "change_email",
        prep(ChangeEmail::new("b@example.com", s("hunter22"))),
    );
    c.insert(
        "change_password.mfa",
        prep(ChangePassword::new(s("hunter33"), s("hunter22")).mfa_ticket(ticket())),
    );
    c.insert("delete_account", prep(DeleteAccount::new(ticket())));
    c.insert(
        "confirm_account_deletion",
        prep(ConfirmAccountDeletion::new(s("delete-token"))),
    );
    c.insert(
        "login.email",
        prep(Login::email("a@example.com", s("hunter22")).friendly_name("laptop")),
    );
    c.insert(
        "login.mfa",
        prep(Login::mfa(
            ticket(),
            MfaResponse::Totp {
                totp_code: s("123456"),
            },
        )),
    );
    c.insert(
        "edit_session",
        prep(EditSession::new(SESSION.into(), "desktop")),
    );
    c.insert(
        "revoke_session",
        prep(RevokeSession::new(SESSION.into()).mfa_ticket(ticket())),
    );
    c.insert(
        "delete_all_sessions.revoke_self",
        prep(
            DeleteAllSessions::new()
                .revoke_self(true)
                .mfa_ticket(ticket()),
        ),
    );
    c.insert(
        "create_mfa_ticket.session",
        prep(CreateMfaTicket::new(MfaResponse::Password {
            password: s("hunter22"),
        })),
    );
    c.insert(
        "create_mfa_ticket.validate",
        prep(CreateMfaTicket::validate(
            s("login-ticket"),
            MfaResponse::Recovery {
                recovery_code: s("abcd-efgh"),
            },
        )),
    );
    c.insert(
        "enable_totp",
        prep(EnableTotp::new(MfaResponse::Totp {
            totp_code: s("123456"),
        })),
    );
    c.insert("disable_totp", prep(DisableTotp::new(ticket())));
    c.insert(
        "generate_recovery_codes",
        prep(GenerateRecoveryCodes::new(ticket())),
    );

    // Onboarding, push, sync.
    c.insert(
        "complete_onboarding",
        prep(CompleteOnboarding::new("newbie")),
    );
    c.insert(
        "push_subscribe",
        prep(PushSubscribe::new(
            "https://push.example/1",
            "key",
            "secret",
        )),
    );
    c.insert(
        "fetch_settings",
        prep(FetchSettings::new(["ordering", "notifications"])),
    );
    c.insert(
        "set_settings",
        prep(
            SetSettings::new()
                .set("ordering", r#"{"servers":[]}"#)
                .timestamp(Timestamp::from_millis(1_795_253_630_090)),
        ),
    );

    // Webhooks.
    c.insert(
        "create_webhook",
        prep(
            CreateWebhook::new(ch(), "CI")
                .avatar(AVATAR.into())
                .reason("ci"),
        ),
    );
    c.insert(
        "edit_webhook.set",
        prep(
            EditWebhook::new(wh())
                .name("CI")
                .avatar(AVATAR.into())
                .permissions(Permissions::DEFAULT_WEBHOOK),
        ),
    );
    c.insert(
        "edit_webhook.clear",
        prep(EditWebhookWithToken::new(wh(), token()).clear_avatar()),
    );
    let mut masquerade = Masquerade::name("CI");
    masquerade.avatar = Some("https://example.com/ci.png".into());
    c.insert(
        "execute_webhook",
        prep(
            ExecuteWebhook::new(wh(), token(), "build passed")
                .masquerade(masquerade)
                .idempotency_key("build-42"),
        ),
    );
    c.insert(
        "edit_webhook_message",
        prep(EditWebhookMessage::new(wh(), token(), msg(), "build fixed")),
    );
    c.insert(
        "delete_webhook_message",
        prep(DeleteWebhookMessage::new(wh(), token(), msg())),
    );
    let github = ExecuteGithubWebhook::new(
        wh(),
        token(),
        "ping",
        serde_json::json!({"zen": "Keep it logically awesome."}),
    );
    c.insert("execute_github_webhook", prep(github));
    c.insert(
        "delete_webhook",
        prep(DeleteWebhook::new(wh()).reason("unused")),
    );
    c
}

const SPECIAL_HEADERS: [&str; 4] = [
    "x-audit-log-reason",
    "x-mfa-ticket",
    "idempotency-key",
    "x-github-event",
];

#[test]
fn every_case_matches_its_wire_shape() {
    let fixture: Value = serde_json::from_str(include_str!(
        "../../conformance/fixtures/http/requests.json"
    ))
    .unwrap();
    let expected = fixture["cases"].as_object().unwrap();
    let cases = cases();
    let built: Vec<&str> = cases.keys().copied().collect();
    let listed: Vec<&str> = expected.keys().map(String::as_str).collect();
    assert_eq!(
        built, listed,
        "the test and the fixture name the same cases"
    );

    let rest = Rest::new(
        "https://api.stoat.chat",
        Some(Token::session("session-token")),
    );
    let mut failures = Vec::new();
    for (name, build) in &cases {
        let want = &expected[*name];
        let got = match build(&rest) {
            Ok(prepared) => prepared,
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        let mut problems = Vec::new();
        if got.method.as_str() != want["method"] {
            problems.push(format!("method {} != {}", got.method, want["method"]));
        }
        if got.uri.path() != want["path"] {
            problems.push(format!("path {} != {}", got.uri.path(), want["path"]));
        }
        if got.uri.query() != want["query"].as_str() {
            problems.push(format!("query {:?} != {}", got.uri.query(), want["query"]));
        }
        let sends_token = got.headers.contains_key("x-session-token");
        if Value::Bool(sends_token) != want["auth"] {
            problems.push(format!("token sent: {sends_token}"));
        }
        let headers: serde_json::Map<String, Value> = SPECIAL_HEADERS
            .iter()
            .filter_map(|h| {
                let value = got.headers.get(*h)?.to_str().ok()?.to_owned();
                Some(((*h).to_owned(), Value::String(value)))
            })
            .collect();
        if Value::Object(headers.clone()) != want["headers"] {
            problems.push(format!("headers {headers:?} != {}", want["headers"]));
        }
        let body = if got.body.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&got.body).unwrap()
        };
        if body != want["body"] {
            problems.push(format!("body {body} != {}", want["body"]));
        }
        if !problems.is_empty() {
            failures.push(format!("{name}: {}", problems.join("; ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn captured_request_bodies_are_reproduced() {
    // Every request in the capture files whose shape the fixture copied (its `source`)
    // really was sent like that: same method, path and body.
    let fixture: Value = serde_json::from_str(include_str!(
        "../../conformance/fixtures/http/requests.json"
    ))
    .unwrap();
    let sent: Vec<(String, String, Value, Value)> =
        include_str!("../../conformance/fixtures/http/captured_rest.jsonl")
            .lines()
            .map(|line| serde_json::from_str::<Value>(line).unwrap())
            .filter(|r| r["dir"] == "http-request")
            .map(|r| {
                (
                    r["method"].as_str().unwrap().to_owned(),
                    r["path"].as_str().unwrap().to_owned(),
                    r["query"].clone(),
                    r["body"].clone(),
                )
            })
            .collect();
    let mut checked = 0;
    for (name, case) in fixture["cases"].as_object().unwrap() {
        if case.get("source").is_none() {
            continue;
        }
        let found = sent.iter().any(|(method, path, query, body)| {
            case["method"] == method.as_str()
                && case["path"] == path.as_str()
                && case["query"] == *query
                // Invite creation was captured without a body; we always send `{}`.
                && (case["body"] == *body || (body.is_null() && case["body"] == serde_json::json!({})))
        });
        assert!(found, "{name}: not in the captures");
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} captured shapes");
}

#[test]
fn secrets_stay_out_of_debug_output() {
    let debug = [
        format!("{:?}", ExecuteWebhook::new(wh(), s("hook-secret"), "hi")),
        format!("{:?}", ChangeUsername::new("name", s("hook-secret"))),
        format!("{:?}", Login::email("a@example.com", s("hook-secret"))),
        format!("{:?}", DeleteAccount::new(s("hook-secret"))),
        format!(
            "{:?}",
            EditServer::new(srv()).transfer_ownership(owner(), s("hook-secret"))
        ),
    ];
    for text in debug {
        assert!(!text.contains("hook-secret"), "{text}");
    }
}

#[test]
fn edit_fields_convert_from_options() {
    assert_eq!(Edit::from(Some(3)), Edit::Set(3));
    assert_eq!(Edit::<u8>::from(None), Edit::Clear);
    assert!(Edit::<u8>::default().is_unchanged());
    assert_eq!(Edit::Set("x").as_set(), Some(&"x"));
    assert!(Edit::<u8>::Clear.is_clear());
    // A field set to its "empty" value is still a set, not a clear.
    let body = Rest::new("https://api.stoat.chat", None)
        .prepare(&EditMember::new(srv(), bot_user()).roles(Vec::new()))
        .unwrap()
        .body;
    assert_eq!(&body[..], br#"{"roles":[]}"#);
}
