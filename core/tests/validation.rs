//! Client-side validation: each limit of the server is enforced before sending, at its
//! exact boundary, with an error that names the field.

use stoat_core::auth::Secret;
use stoat_core::http::routes::*;
use stoat_core::http::{Request, RequestParts, ValidationError};
use stoat_core::id::{ChannelId, MessageId, RoleId, ServerId, UserId, WebhookId};
use stoat_core::model::{Category, Interactions, Masquerade, MessageFlags, SendableEmbed};

fn ch() -> ChannelId {
    "01M7YSZ8V81AWBPFRM30NYSV34".parse().unwrap()
}
fn msg() -> MessageId {
    "01M7YT7CBWRVS33BBAYKMERZ5N".parse().unwrap()
}
fn srv() -> ServerId {
    "01M7YSZ8V8HNB362Z1HYDP0RXY".parse().unwrap()
}
fn user() -> UserId {
    "01M7YSZ8V6D4QNP163AMRA3ARS".parse().unwrap()
}
fn role() -> RoleId {
    "01M7YT8ZHYG2HDQRHAZ49Q93D5".parse().unwrap()
}
fn wh() -> WebhookId {
    "01M7YTB1B2C3D4E5F6G7H8J9KM".parse().unwrap()
}
fn x(n: usize) -> String {
    "x".repeat(n)
}

#[derive(Debug, PartialEq)]
enum Kind {
    TooLong(usize, usize),
    TooShort(usize, usize),
    TooMany(usize, usize),
    Empty,
    Invalid,
}

/// The field and kind of a validation error.
fn err(result: Result<RequestParts, ValidationError>) -> (String, Kind) {
    match result.expect_err("should have been rejected") {
        ValidationError::TooLong {
            field, len, max, ..
        } => (field.into(), Kind::TooLong(len, max)),
        ValidationError::TooShort { field, len, min } => (field.into(), Kind::TooShort(len, min)),
        ValidationError::TooMany { field, count, max } => (field.into(), Kind::TooMany(count, max)),
        ValidationError::Empty(_) => (String::new(), Kind::Empty),
        ValidationError::Invalid { field, .. } => (field.into(), Kind::Invalid),
        other => panic!("{other:?}"),
    }
}

fn ok(result: Result<RequestParts, ValidationError>) {
    result.expect("should have been accepted");
}

fn field(result: Result<RequestParts, ValidationError>) -> String {
    err(result).0
}

#[test]
fn message_content_counts_bytes_with_the_embed_descriptions() {
    ok(SendMessage::new(ch(), x(2000)).to_parts());
    assert_eq!(
        err(SendMessage::new(ch(), x(2001)).to_parts()),
        ("content".into(), Kind::TooLong(2001, 2000))
    );
    // 1000 × 'é' is 2000 bytes; 1001 is over.
    ok(SendMessage::new(ch(), "é".repeat(1000)).to_parts());
    assert_eq!(
        err(SendMessage::new(ch(), "é".repeat(1001)).to_parts()),
        ("content".into(), Kind::TooLong(2002, 2000))
    );
    let mut embed = SendableEmbed::default();
    embed.description = Some(x(1000));
    ok(SendMessage::new(ch(), x(1000))
        .embed(embed.clone())
        .to_parts());
    assert_eq!(
        err(SendMessage::new(ch(), x(1001)).embed(embed).to_parts()),
        ("content".into(), Kind::TooLong(2001, 2000))
    );
}

#[test]
fn message_lists_and_parts_are_limited() {
    let five = |m: SendMessage| (0..5).fold(m, |m, _| m.reply_to(msg(), false));
    ok(five(SendMessage::new(ch(), "x")).to_parts());
    assert_eq!(
        err(five(SendMessage::new(ch(), "x"))
            .reply_to(msg(), true)
            .to_parts()),
        ("replies".into(), Kind::TooMany(6, 5))
    );
    let files = (0..6).fold(SendMessage::new(ch(), "x"), |m, i| {
        m.attachment(format!("f{i}"))
    });
    assert_eq!(
        err(files.to_parts()),
        ("attachments".into(), Kind::TooMany(6, 5))
    );
    let embeds = (0..6).fold(SendMessage::new(ch(), "x"), |m, _| {
        let mut e = SendableEmbed::default();
        e.title = Some("t".into());
        m.embed(e)
    });
    assert_eq!(
        err(embeds.to_parts()),
        ("embeds".into(), Kind::TooMany(6, 5))
    );

    let mut long_title = SendableEmbed::default();
    long_title.title = Some(x(101));
    assert_eq!(
        field(SendMessage::new(ch(), "x").embed(long_title).to_parts()),
        "embeds.title"
    );
    let mut empty_description = SendableEmbed::default();
    empty_description.description = Some(String::new());
    assert_eq!(
        err(SendMessage::new(ch(), "x")
            .embed(empty_description)
            .to_parts()),
        ("embeds.description".into(), Kind::TooShort(0, 1))
    );
    let mut long_url = SendableEmbed::default();
    long_url.icon_url = Some(x(257));
    assert_eq!(
        field(SendMessage::new(ch(), "x").embed(long_url).to_parts()),
        "embeds.icon_url"
    );
    let mut colour = SendableEmbed::default();
    colour.colour = Some(x(129));
    assert_eq!(
        field(SendMessage::new(ch(), "x").embed(colour).to_parts()),
        "embeds.colour"
    );

    assert_eq!(
        field(
            SendMessage::new(ch(), "x")
                .masquerade(Masquerade::name(x(33)))
                .to_parts()
        ),
        "masquerade.name"
    );
    assert_eq!(
        field(
            SendMessage::new(ch(), "x")
                .flags(MessageFlags::MENTIONS_ONLINE)
                .to_parts()
        ),
        "flags"
    );
    ok(SendMessage::new(ch(), "x")
        .flags(MessageFlags::SUPPRESS_NOTIFICATIONS | MessageFlags::MENTIONS_EVERYONE)
        .to_parts());
    let mut restrict = Interactions::default();
    restrict.restrict_reactions = true;
    assert_eq!(
        field(
            SendMessage::new(ch(), "x")
                .interactions(restrict)
                .to_parts()
        ),
        "interactions"
    );

    // Something must be sent: content, an attachment or an embed.
    assert_eq!(err(SendMessage::new(ch(), "").to_parts()).1, Kind::Empty);
    ok(SendMessage::with(ch(), DataMessageSend::default())
        .attachment("file")
        .to_parts());
    let mut only_embed = SendableEmbed::default();
    only_embed.title = Some("t".into());
    ok(SendMessage::with(ch(), DataMessageSend::default())
        .embed(only_embed)
        .to_parts());

    // Webhooks share the checks.
    let token = Secret::new("t");
    assert_eq!(
        err(ExecuteWebhook::new(wh(), token.clone(), x(2001)).to_parts()).0,
        "content"
    );
    assert_eq!(
        err(ExecuteWebhook::new(wh(), Secret::new(""), "hi").to_parts()).1,
        Kind::Empty
    );
}

#[test]
fn message_edits_are_checked() {
    assert_eq!(
        err(EditMessage::new(ch(), msg(), "").to_parts()),
        ("content".into(), Kind::TooShort(0, 1))
    );
    assert_eq!(
        err(EditMessage::new(ch(), msg(), x(2001)).to_parts()).0,
        "content"
    );
    let embeds = vec![SendableEmbed::default(); 11];
    assert_eq!(
        err(EditMessage::embeds_only(ch(), msg(), embeds).to_parts()),
        ("embeds".into(), Kind::TooMany(11, 10))
    );
    ok(EditMessage::embeds_only(ch(), msg(), vec![SendableEmbed::default(); 10]).to_parts());
    let mut nothing = EditMessage::new(ch(), msg(), "x");
    nothing.edit.content = None;
    assert_eq!(err(nothing.to_parts()).1, Kind::Empty);
}

#[test]
fn headers_are_limited() {
    ok(SendMessage::new(ch(), "x")
        .idempotency_key(x(64))
        .to_parts());
    assert_eq!(
        field(
            SendMessage::new(ch(), "x")
                .idempotency_key(x(65))
                .to_parts()
        ),
        "idempotency_key"
    );
    assert_eq!(
        field(SendMessage::new(ch(), "x").idempotency_key("").to_parts()),
        "idempotency_key"
    );
    ok(DeleteMessage::new(ch(), msg()).reason(x(512)).to_parts());
    assert_eq!(
        err(DeleteMessage::new(ch(), msg()).reason(x(513)).to_parts()),
        ("reason".into(), Kind::TooLong(513, 512))
    );
    // Non-ASCII is percent-encoded on the wire: 85 × 'é' is 510 bytes sent, 86 is 516.
    ok(KickMember::new(srv(), user())
        .reason("é".repeat(85))
        .to_parts());
    assert_eq!(
        err(KickMember::new(srv(), user())
            .reason("é".repeat(86))
            .to_parts()),
        ("reason".into(), Kind::TooLong(516, 512))
    );
    // Every audit-logged request checks it, whatever it is.
    assert_eq!(
        field(EditServer::new(srv()).reason(x(513)).to_parts()),
        "reason"
    );
    assert_eq!(
        field(
            BulkDeleteMessages::new(ch(), vec![msg()])
                .reason(x(513))
                .to_parts()
        ),
        "reason"
    );
    assert_eq!(
        field(DeleteWebhook::new(wh()).reason(x(513)).to_parts()),
        "reason"
    );
}

#[test]
fn usernames_and_bot_names() {
    for good in ["ab", "stoat_fan", "a.b-c_d", "ボット", "user2000", &x(32)] {
        ok(CreateBot::new(good).to_parts());
        ok(CompleteOnboarding::new(good).to_parts());
        ok(ChangeUsername::new(good, Secret::new("pw")).to_parts());
    }
    assert_eq!(
        err(CreateBot::new("a").to_parts()),
        ("name".into(), Kind::TooShort(1, 2))
    );
    assert_eq!(
        err(CreateBot::new(x(33)).to_parts()),
        ("name".into(), Kind::TooLong(33, 32))
    );
    for bad in [
        "has space",
        "tab\there",
        "at@sign",
        "emoji🦦",
        "Admin",
        "stoat",
        "mydiscord.gg",
    ] {
        assert_eq!(
            err(CreateBot::new(bad).to_parts()),
            ("name".into(), Kind::Invalid),
            "{bad}"
        );
        assert_eq!(
            field(CompleteOnboarding::new(bad).to_parts()),
            "username",
            "{bad}"
        );
    }
    assert_eq!(
        field(EditBot::new(user().into()).name("a b").to_parts()),
        "name"
    );
    ok(EditBot::new(user().into()).name("new_name").to_parts());
    assert_eq!(
        field(SendFriendRequest::new("name", "12").to_parts()),
        "username"
    );
    let mut no_tag = SendFriendRequest::new("name", "1234");
    no_tag.username = "name".into();
    assert_eq!(field(no_tag.to_parts()), "username");
}

#[test]
fn profile_fields() {
    ok(EditUser::me().display_name("Al").to_parts());
    assert_eq!(
        err(EditUser::me().display_name("A").to_parts()),
        ("display_name".into(), Kind::TooShort(1, 2))
    );
    assert_eq!(
        err(EditUser::me().display_name(x(33)).to_parts()),
        ("display_name".into(), Kind::TooLong(33, 32))
    );
    for bad in ["two\nlines", "cr\rhere", "zero\u{200B}width"] {
        assert_eq!(
            err(EditUser::me().display_name(bad).to_parts()),
            ("display_name".into(), Kind::Invalid)
        );
    }
    assert_eq!(
        err(EditUser::me().pronouns(x(25)).to_parts()),
        ("pronouns".into(), Kind::TooLong(25, 24))
    );
    assert_eq!(
        err(EditUser::me().pronouns("").to_parts()),
        ("pronouns".into(), Kind::TooShort(0, 1))
    );
    ok(EditUser::me().status_text(x(128)).to_parts());
    assert_eq!(
        err(EditUser::me().status_text(x(129)).to_parts()),
        ("status.text".into(), Kind::TooLong(129, 128))
    );
    assert_eq!(
        field(EditUser::me().profile_content(x(2001)).to_parts()),
        "profile.content"
    );
    // Clearing needs no value to check.
    ok(EditUser::me()
        .clear_display_name()
        .clear_pronouns()
        .to_parts());
}

#[test]
fn names_and_descriptions() {
    // 1–32 characters (characters, not bytes: 32 × 'é' is fine).
    ok(CreateServer::new("é".repeat(32)).to_parts());
    assert_eq!(
        err(CreateServer::new("").to_parts()),
        ("name".into(), Kind::TooShort(0, 1))
    );
    assert_eq!(
        err(CreateServer::new(x(33)).to_parts()),
        ("name".into(), Kind::TooLong(33, 32))
    );
    assert_eq!(field(CreateGroup::new(x(33)).to_parts()), "name");
    assert_eq!(field(CreateRole::new(srv(), "").to_parts()), "name");
    assert_eq!(
        field(EditRole::new(srv(), role()).name(x(33)).to_parts()),
        "name"
    );
    assert_eq!(field(EditChannel::new(ch()).name("").to_parts()), "name");
    assert_eq!(field(EditServer::new(srv()).name(x(33)).to_parts()), "name");
    assert_eq!(
        field(CreateServerChannel::text(srv(), x(33)).to_parts()),
        "name"
    );
    assert_eq!(field(CreateWebhook::new(ch(), "").to_parts()), "name");
    assert_eq!(field(EditWebhook::new(wh()).name(x(33)).to_parts()), "name");
    // Descriptions: at most 1024.
    ok(CreateServer::new("s").description(x(1024)).to_parts());
    assert_eq!(
        err(CreateServer::new("s").description(x(1025)).to_parts()),
        ("description".into(), Kind::TooLong(1025, 1024))
    );
    assert_eq!(
        field(EditServer::new(srv()).description(x(1025)).to_parts()),
        "description"
    );
    assert_eq!(
        field(EditChannel::new(ch()).description(x(1025)).to_parts()),
        "description"
    );
    assert_eq!(
        field(CreateGroup::new("g").description(x(1025)).to_parts()),
        "description"
    );
    assert_eq!(
        field(
            CreateServerChannel::text(srv(), "c")
                .description(x(1025))
                .to_parts()
        ),
        "description"
    );
    // Categories: id and title 1–32.
    assert_eq!(
        field(
            EditServer::new(srv())
                .categories(vec![Category::new("c".into(), x(33), Vec::new())])
                .to_parts()
        ),
        "categories.title"
    );
    assert_eq!(
        field(
            EditServer::new(srv())
                .categories(vec![Category::new(x(33).into(), "t", Vec::new())])
                .to_parts()
        ),
        "categories.id"
    );
}

#[test]
fn emoji_names() {
    for good in ["a", "party_parrot", "x2", &"a".repeat(32)] {
        ok(EditEmoji::new("01M7YTA1B2C3D4E5F6G7H8J9KM".parse().unwrap(), good).to_parts());
    }
    for bad in [
        "",
        "Party",
        "with space",
        "dash-ed",
        "émoji",
        &"a".repeat(33),
    ] {
        assert_eq!(
            field(CreateEmoji::new("file".into(), srv(), bad).to_parts()),
            "name",
            "{bad:?}"
        );
    }
}

#[test]
fn member_fields() {
    ok(EditMember::new(srv(), user()).nickname(x(32)).to_parts());
    assert_eq!(
        err(EditMember::new(srv(), user()).nickname(x(33)).to_parts()),
        ("nickname".into(), Kind::TooLong(33, 32))
    );
    assert_eq!(
        err(EditMember::new(srv(), user()).nickname("").to_parts()),
        ("nickname".into(), Kind::TooShort(0, 1))
    );
    assert_eq!(
        field(EditMember::new(srv(), user()).pronouns(x(25)).to_parts()),
        "pronouns"
    );
    ok(BanUser::new(srv(), user()).ban_reason(x(1024)).to_parts());
    assert_eq!(
        err(BanUser::new(srv(), user()).ban_reason(x(1025)).to_parts()),
        ("ban_reason".into(), Kind::TooLong(1025, 1024))
    );
    ok(BanUser::new(srv(), user())
        .delete_message_seconds(604_800)
        .to_parts());
    assert_eq!(
        err(BanUser::new(srv(), user())
            .delete_message_seconds(604_801)
            .to_parts()),
        ("delete_message_seconds".into(), Kind::Invalid)
    );
}

#[test]
fn counts_and_ranges() {
    assert_eq!(
        err(BulkDeleteMessages::new(ch(), Vec::new()).to_parts()),
        ("ids".into(), Kind::TooShort(0, 1))
    );
    ok(BulkDeleteMessages::new(ch(), vec![msg(); 100]).to_parts());
    assert_eq!(
        err(BulkDeleteMessages::new(ch(), vec![msg(); 101]).to_parts()),
        ("ids".into(), Kind::TooMany(101, 100))
    );
    let group = |n| (0..n).fold(CreateGroup::new("g"), |g, _| g.user(user()));
    ok(group(49).to_parts());
    assert_eq!(
        err(group(50).to_parts()),
        ("users".into(), Kind::TooMany(50, 49))
    );
    ok(EditChannel::new(ch()).slowmode(21_600).to_parts());
    assert_eq!(
        err(EditChannel::new(ch()).slowmode(21_601).to_parts()),
        ("slowmode".into(), Kind::Invalid)
    );
    ok(CreateInvite::new(ch()).max_uses(100).to_parts());
    for bad in [0, 101] {
        assert_eq!(
            field(CreateInvite::new(ch()).max_uses(bad).to_parts()),
            "max_uses"
        );
    }
    for bad in [0, 101] {
        assert_eq!(
            field(FetchMessages::new(ch()).limit(bad).to_parts()),
            "limit"
        );
        assert_eq!(
            field(SearchMessages::new(ch(), "q").limit(bad).to_parts()),
            "limit"
        );
    }
    assert_eq!(
        field(
            FetchMessages::new(ch())
                .sort(MessageSort::Relevance)
                .to_parts()
        ),
        "sort"
    );
    ok(SearchMessages::new(ch(), "q")
        .sort(MessageSort::Relevance)
        .to_parts());
    assert_eq!(field(SearchMessages::new(ch(), x(65)).to_parts()), "query");
    let mut both = SearchMessages::new(ch(), "q");
    both.pinned = Some(true);
    assert_eq!(field(both.to_parts()), "pinned");
    assert_eq!(
        field(
            CreateServerChannel::voice(srv(), "v")
                .max_users(0)
                .to_parts()
        ),
        "voice.max_users"
    );
    assert_eq!(
        field(EditRole::new(srv(), role()).colour("").to_parts()),
        "colour"
    );
    assert_eq!(
        field(EditRole::new(srv(), role()).colour(x(129)).to_parts()),
        "colour"
    );
    assert_eq!(
        field(
            ReportContent::user(user(), stoat_core::model::UserReportReason::Underage, None)
                .context(x(1001))
                .to_parts()
        ),
        "additional_context"
    );
}

#[test]
fn other_empty_inputs() {
    assert_eq!(
        err(AddReaction::new(ch(), msg(), "").to_parts()).1,
        Kind::Empty
    );
    assert_eq!(
        err(RemoveReaction::new(ch(), msg(), "").to_parts()).1,
        Kind::Empty
    );
    assert_eq!(
        err(EditRoleRanks::new(srv(), Vec::new()).to_parts()).1,
        Kind::Empty
    );
    assert_eq!(err(SetSettings::new().to_parts()).1, Kind::Empty);
    assert_eq!(err(QueryMembers::new(srv(), "").to_parts()).1, Kind::Empty);
    assert_eq!(
        field(CreateAccount::new("not-an-email", Secret::new("pw")).to_parts()),
        "email"
    );
    assert_eq!(field(SendPasswordReset::new("@x").to_parts()), "email");
    assert_eq!(
        err(FetchWebhookWithToken::new(wh(), Secret::new("")).to_parts()).1,
        Kind::Empty
    );
    assert_eq!(
        err(
            ExecuteGithubWebhook::new(wh(), Secret::new("t"), "", serde_json::json!({})).to_parts()
        )
        .1,
        Kind::Empty
    );
}

#[test]
fn errors_read_well() {
    let e = SendMessage::new(ch(), x(2001)).to_parts().unwrap_err();
    assert_eq!(
        e.to_string(),
        "content is 2001 bytes long; the limit is 2000"
    );
    let e = CreateBot::new("a b").to_parts().unwrap_err();
    assert!(e.to_string().starts_with("invalid name: ' '"), "{e}");
    let e = validate::emoji_name("Party").unwrap_err();
    assert!(e.to_string().contains("lowercase"), "{e}");
}

#[test]
fn audit_log_pages_hold_1_to_100_entries() {
    for good in [1, 50, 100] {
        ok(QueryAuditLogs::new(srv()).limit(good).to_parts());
    }
    ok(QueryAuditLogs::new(srv()).to_parts());
    for bad in [0, 101, u32::MAX] {
        assert_eq!(
            err(QueryAuditLogs::new(srv()).limit(bad).to_parts()),
            ("limit".into(), Kind::Invalid),
            "{bad}"
        );
    }
}

#[test]
fn a_bot_interactions_url_is_at_most_2048_characters() {
    let url = |n: usize| format!("https://{}", x(n - "https://".len()));
    ok(EditBot::new(user().into())
        .interactions_url(url(2048))
        .to_parts());
    // Characters, not bytes: 2048 two-byte characters are fine.
    ok(EditBot::new(user().into())
        .interactions_url("é".repeat(2048))
        .to_parts());
    assert_eq!(
        err(EditBot::new(user().into())
            .interactions_url(url(2049))
            .to_parts()),
        ("interactions_url".into(), Kind::TooLong(2049, 2048))
    );
    ok(EditBot::new(user().into())
        .clear_interactions_url()
        .to_parts());
}
