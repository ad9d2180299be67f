//! `/channels/{id}/messages…` routes: query, send, fetch, edit, delete, bulk delete,
//! reactions and pins, with the events the real server publishes for each.

use http::Method;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::channels::CHANNEL_NOT_FOUND;
use super::{Auth, Ctx, HandlerResult, Reject, Reply, Route};
use crate::server::errors::ApiError;
use crate::server::events::Topic;
use crate::server::permissions::{self, bits};
use crate::server::state::State;
use crate::server::wire::{self, SYSTEM_AUTHOR};

pub(super) fn routes() -> Vec<Route> {
    vec![
        Route::new(
            Method::GET,
            "/channels/{}/messages",
            Auth::User,
            query_messages,
        ),
        Route::new(Method::POST, "/channels/{}/messages", Auth::User, send),
        Route::new(
            Method::DELETE,
            "/channels/{}/messages/bulk",
            Auth::User,
            bulk_delete,
        ),
        Route::new(Method::GET, "/channels/{}/messages/{}", Auth::User, fetch),
        Route::new(Method::PATCH, "/channels/{}/messages/{}", Auth::User, edit),
        Route::new(
            Method::DELETE,
            "/channels/{}/messages/{}",
            Auth::User,
            delete,
        ),
        Route::new(
            Method::PUT,
            "/channels/{}/messages/{}/reactions/{}",
            Auth::User,
            react,
        ),
        Route::new(
            Method::DELETE,
            "/channels/{}/messages/{}/reactions/{}",
            Auth::User,
            unreact,
        ),
        Route::new(
            Method::DELETE,
            "/channels/{}/messages/{}/reactions",
            Auth::User,
            clear_reactions,
        ),
        Route::new(
            Method::POST,
            "/channels/{}/messages/{}/pin",
            Auth::User,
            pin,
        ),
        Route::new(
            Method::DELETE,
            "/channels/{}/messages/{}/pin",
            Auth::User,
            unpin,
        ),
    ]
}

const MESSAGE_NOT_FOUND: &str = "crates/core/database/src/models/messages/ops/reference.rs:33:28";
const EMPTY_MESSAGE: &str = "crates/core/database/src/models/messages/model.rs:300:24";
const PAYLOAD_TOO_LARGE: &str = "crates/core/database/src/models/messages/model.rs:994:17";
const MODEL: &str = "crates/core/database/src/models/messages/model.rs:310:21";
const QUERY_VALIDATION: &str = "crates/delta/src/routes/channels/message_query.rs:23:9";
const QUERY_SORT: &str = "crates/delta/src/routes/channels/message_query.rs:29:20";
const BULK_TOO_OLD: &str = "crates/delta/src/routes/channels/message_bulk_delete.rs:47:24";
const BULK_VALIDATION: &str = "crates/delta/src/routes/channels/message_bulk_delete.rs:25:9";
const EDIT: &str = "crates/delta/src/routes/channels/message_edit.rs:35:20";
const REACT: &str = "crates/delta/src/routes/channels/message_react.rs:33:13";
const PIN: &str = "crates/delta/src/routes/channels/message_pin.rs:30:20";

/// The server's `message_length` limit, in bytes.
const MESSAGE_LENGTH: usize = 2000;
const MAX_REPLIES: usize = 5;
const MAX_EMBEDS: usize = 5;
const MAX_ATTACHMENTS: usize = 5;
const MAX_REACTIONS: usize = 20;
const SEVEN_DAYS_MS: u64 = 7 * 24 * 60 * 60 * 1000;

/// Key order of `Message` (struct declaration order).
const MESSAGE_KEYS: &[&str] = &[
    "_id",
    "nonce",
    "channel",
    "author",
    "user",
    "member",
    "webhook",
    "content",
    "system",
    "attachments",
    "edited",
    "embeds",
    "mentions",
    "role_mentions",
    "replies",
    "reactions",
    "interactions",
    "masquerade",
    "pinned",
    "flags",
];

/// Key order of the channel variants that carry `last_message_id`.
const CHANNEL_KEYS: &[&str] = &[
    "channel_type",
    "_id",
    "server",
    "user",
    "name",
    "owner",
    "description",
    "active",
    "recipients",
    "icon",
    "last_message_id",
    "permissions",
    "default_permissions",
    "role_permissions",
    "nsfw",
    "voice",
    "slowmode",
];

/// `Reply` intent of `DataMessageSend`.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct ReplyIntent {
    id: String,
    mention: bool,
    fail_if_not_exists: Option<bool>,
}

/// `SendableEmbed`.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct SendableEmbed {
    icon_url: Option<String>,
    url: Option<String>,
    title: Option<String>,
    description: Option<String>,
    media: Option<String>,
    colour: Option<String>,
}

/// `Masquerade`.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Masquerade {
    name: Option<String>,
    avatar: Option<String>,
    colour: Option<String>,
}

/// `Interactions`.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Interactions {
    reactions: Option<Vec<String>>,
    #[serde(default)]
    restrict_reactions: bool,
}

/// `DataMessageSend`: the body of `POST /channels/{id}/messages`.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct MessageDraft {
    pub(crate) nonce: Option<String>,
    pub(crate) content: Option<String>,
    pub(crate) attachments: Option<Vec<String>>,
    pub(crate) replies: Option<Vec<ReplyIntent>>,
    pub(crate) embeds: Option<Vec<SendableEmbed>>,
    pub(crate) masquerade: Option<Masquerade>,
    pub(crate) interactions: Option<Interactions>,
    pub(crate) flags: Option<u32>,
}

fn put_opt(map: &mut Map<String, Value>, key: &str, value: Option<Value>) {
    if let Some(value) = value {
        map.insert(key.to_owned(), value);
    }
}

fn ordered(map: Map<String, Value>) -> Value {
    Value::Object(wire::reorder(map, MESSAGE_KEYS))
}

/// Looks up a channel the user can see.
fn channel(state: &State, id: &str, me: &str) -> Result<Value, Reject> {
    let channel = state
        .channels
        .get(id)
        .cloned()
        .ok_or_else(|| ApiError::not_found(CHANNEL_NOT_FOUND))?;
    if !permissions::can_view(state, id, me) {
        return Err(ApiError::missing_permission("ViewChannel").into());
    }
    Ok(channel)
}

fn message(state: &State, channel: &str, id: &str) -> Result<Value, Reject> {
    state
        .message(channel, id)
        .cloned()
        .ok_or_else(|| ApiError::not_found(MESSAGE_NOT_FOUND).into())
}

/// A stored message with `user` and `member` added after `author`, as in send responses
/// and `Message` events (relationship `None`; bonfire rewrites it per receiver).
pub(crate) fn with_author(state: &State, message: &Value) -> Value {
    let Some(map) = message.as_object() else {
        return message.clone();
    };
    let author = wire::str_field(message, "author").unwrap_or_default();
    let channel = wire::str_field(message, "channel").unwrap_or_default();
    let mut extra = Vec::new();
    if let Some(user) = state.render_user(author, None) {
        extra.push(("user".to_owned(), user));
        if let Some(server) = state.channel_server(channel) {
            if let Some(member) = state.member(&server, author) {
                extra.push(("member".to_owned(), member.render()));
            }
        }
    }
    Value::Object(wire::insert_after(map, "author", extra))
}

fn set_last_message_id(state: &mut State, channel: &str, id: Option<String>) {
    if let Some(Value::Object(map)) = state.channels.get_mut(channel) {
        match id {
            Some(id) => {
                map.insert("last_message_id".into(), Value::from(id));
            }
            None => {
                map.remove("last_message_id");
            }
        }
        let reordered = wire::reorder(std::mem::take(map), CHANNEL_KEYS);
        *map = reordered;
    }
}

/// Stores a message, updates the channel's `last_message_id` and publishes `Message`.
fn store_and_publish(state: &mut State, channel: &str, message: Value) {
    let id = wire::str_field(&message, "_id").map(str::to_owned);
    state.store_message(channel, message.clone());
    set_last_message_id(state, channel, id);
    let event = {
        let mut event = Map::new();
        event.insert("type".into(), Value::from("Message"));
        if let Value::Object(fields) = with_author(state, &message) {
            event.extend(fields);
        }
        Value::Object(event)
    };
    state.publish(&Topic::Channel(channel.to_owned()), &event);
}

fn render_embed(state: &State, embed: &SendableEmbed) -> Result<Value, ApiError> {
    let mut map = Map::new();
    map.insert("type".into(), Value::from("Text"));
    put_opt(
        &mut map,
        "icon_url",
        embed.icon_url.clone().map(Value::from),
    );
    put_opt(&mut map, "url", embed.url.clone().map(Value::from));
    put_opt(&mut map, "title", embed.title.clone().map(Value::from));
    put_opt(
        &mut map,
        "description",
        embed.description.clone().map(Value::from),
    );
    if let Some(media) = &embed.media {
        let file = state
            .files
            .get(media)
            .filter(|f| f.tag == "attachments" && !f.used)
            .ok_or_else(|| ApiError::not_found(MODEL))?;
        map.insert("media".into(), file.render());
    }
    put_opt(&mut map, "colour", embed.colour.clone().map(Value::from));
    Ok(Value::Object(map))
}

fn payload_len(content: Option<&str>, embeds: &[SendableEmbed]) -> usize {
    content.map_or(0, str::len)
        + embeds
            .iter()
            .filter_map(|e| e.description.as_deref())
            .map(str::len)
            .sum::<usize>()
}

/// `<@id>` and `<%id>` mentions in the content, in order, without duplicates.
fn parse_mentions(content: &str, sigil: char) -> Vec<String> {
    let mut found = Vec::new();
    let opener = format!("<{sigil}");
    let mut rest = content;
    while let Some(start) = rest.find(&opener) {
        let after = &rest[start + opener.len()..];
        if let Some(end) = after.find('>') {
            let id = &after[..end];
            if wire::is_ulid(id) && !found.iter().any(|f| f == id) {
                found.push(id.to_owned());
            }
        }
        rest = after;
    }
    found
}

fn is_valid_emoji(state: &State, emoji: &str) -> bool {
    if wire::is_ulid(emoji) {
        // Custom emoji: the fake has none unless a test adds them.
        let _ = state;
        return false;
    }
    !emoji.is_empty() && !emoji.is_ascii()
}

/// Creates a message the way `POST /channels/{id}/messages` does: validation, storage and
/// the `Message` event. Returns the send response (with `user` and `member`).
pub(crate) fn send_message(
    state: &mut State,
    author: &str,
    channel_id: &str,
    draft: MessageDraft,
    idempotency_key: Option<String>,
) -> Result<Value, ApiError> {
    let channel = state
        .channels
        .get(channel_id)
        .cloned()
        .ok_or_else(|| ApiError::not_found(CHANNEL_NOT_FOUND))?;
    permissions::require_channel(state, channel_id, author, bits::VIEW_CHANNEL)?;
    permissions::require_channel(state, channel_id, author, bits::SEND_MESSAGE)?;
    if let Some(masquerade) = &draft.masquerade {
        permissions::require_channel(state, channel_id, author, bits::MASQUERADE)?;
        if masquerade.colour.is_some() {
            permissions::require_channel(state, channel_id, author, 1 << 3)
                .map_err(|_| ApiError::missing_permission("ManageRole"))?;
        }
    }
    let embeds = draft.embeds.clone().unwrap_or_default();
    if !embeds.is_empty() {
        permissions::require_channel(state, channel_id, author, bits::SEND_EMBEDS)?;
    }
    let attachments = draft.attachments.clone().unwrap_or_default();
    if !attachments.is_empty() {
        permissions::require_channel(state, channel_id, author, bits::UPLOAD_FILES)?;
    }
    let content = draft.content.clone().filter(|c| !c.is_empty());
    if content.is_none() && attachments.is_empty() && embeds.is_empty() {
        return Err(ApiError::new("EmptyMessage", EMPTY_MESSAGE));
    }

    let is_bot = state
        .users
        .get(author)
        .is_some_and(|u| u.bot_owner.is_some());
    let requested_flags = draft.flags.unwrap_or(0);
    if requested_flags > 7 {
        return Err(ApiError::new("InvalidProperty", MODEL));
    }
    let mut flags = requested_flags & 2;
    if requested_flags & 4 != 0 {
        if !is_bot {
            return Err(ApiError::new("IsNotBot", MODEL));
        }
        permissions::require_channel(state, channel_id, author, 1 << 37)
            .map_err(|_| ApiError::missing_permission("MentionEveryone"))?;
        flags |= 4;
    }

    let intents = draft.replies.clone().unwrap_or_default();
    if intents.len() > MAX_REPLIES {
        return Err(ApiError::with_fields(
            "TooManyReplies",
            vec![("max", Value::from(MAX_REPLIES))],
            MODEL,
        ));
    }
    if embeds.len() > MAX_EMBEDS {
        return Err(ApiError::with_fields(
            "TooManyEmbeds",
            vec![("max", Value::from(MAX_EMBEDS))],
            MODEL,
        ));
    }
    if payload_len(content.as_deref(), &embeds) > MESSAGE_LENGTH {
        return Err(ApiError::new("PayloadTooLarge", PAYLOAD_TOO_LARGE));
    }
    if attachments.len() > MAX_ATTACHMENTS {
        return Err(ApiError::with_fields(
            "TooManyAttachments",
            vec![("max", Value::from(MAX_ATTACHMENTS))],
            MODEL,
        ));
    }

    let server = state.channel_server(channel_id);
    let is_participant = |state: &State, user: &str| match &server {
        Some(server) => state.member(server, user).is_some(),
        None => channel
            .get("recipients")
            .and_then(Value::as_array)
            .is_some_and(|r| r.iter().any(|id| id.as_str() == Some(user))),
    };
    let mut mentions: Vec<String> = parse_mentions(content.as_deref().unwrap_or(""), '@')
        .into_iter()
        .filter(|id| is_participant(state, id))
        .collect();
    let mut replies = Vec::new();
    for intent in &intents {
        match state.message(channel_id, &intent.id) {
            Some(target) => {
                if !replies.contains(&intent.id) {
                    replies.push(intent.id.clone());
                }
                let target_author = wire::str_field(target, "author")
                    .unwrap_or_default()
                    .to_owned();
                if intent.mention
                    && target_author != SYSTEM_AUTHOR
                    && !mentions.contains(&target_author)
                    && is_participant(state, &target_author)
                {
                    mentions.push(target_author);
                }
            }
            None if intent.fail_if_not_exists.unwrap_or(true) => {
                return Err(ApiError::not_found(MESSAGE_NOT_FOUND));
            }
            None => {}
        }
    }
    let role_mentions: Vec<String> = match &server {
        Some(server)
            if permissions::channel_permissions(state, channel_id, author)
                & bits::MENTION_ROLES
                != 0 =>
        {
            parse_mentions(content.as_deref().unwrap_or(""), '%')
                .into_iter()
                .filter(|role| {
                    state
                        .servers
                        .get(server)
                        .and_then(|s| s.get("roles"))
                        .and_then(|r| r.get(role))
                        .is_some()
                })
                .collect()
        }
        _ => Vec::new(),
    };

    let mut rendered_embeds = Vec::new();
    for embed in &embeds {
        rendered_embeds.push(render_embed(state, embed)?);
    }
    let mut files = Vec::new();
    for id in &attachments {
        let file = state
            .files
            .get(id)
            .filter(|f| f.tag == "attachments" && !f.used)
            .ok_or_else(|| ApiError::not_found(MODEL))?;
        files.push(file.render());
    }
    let mut interactions = Map::new();
    if let Some(given) = &draft.interactions {
        if let Some(reactions) = &given.reactions {
            if reactions.iter().any(|e| !is_valid_emoji(state, e)) {
                return Err(ApiError::new("InvalidOperation", MODEL));
            }
            if !reactions.is_empty() {
                interactions.insert("reactions".into(), Value::from(reactions.clone()));
            }
        }
        if given.restrict_reactions {
            interactions.insert("restrict_reactions".into(), Value::from(true));
        }
    }

    let nonce = match (idempotency_key, draft.nonce.clone()) {
        (Some(key), _) => key,
        (None, Some(nonce)) => {
            let duplicate = state.messages.get(channel_id).is_some_and(|m| {
                m.values()
                    .any(|msg| wire::str_field(msg, "nonce") == Some(nonce.as_str()))
            });
            if duplicate {
                return Err(ApiError::new("InvalidOperation", MODEL));
            }
            nonce
        }
        (None, None) => state.new_id(),
    };

    for id in &attachments {
        if let Some(file) = state.files.get_mut(id) {
            file.used = true;
        }
    }
    for embed in &embeds {
        if let Some(file) = embed.media.as_ref().and_then(|m| state.files.get_mut(m)) {
            file.used = true;
        }
    }

    let mut message = Map::new();
    message.insert("_id".into(), Value::from(state.new_id()));
    message.insert("nonce".into(), Value::from(nonce));
    message.insert("channel".into(), Value::from(channel_id));
    message.insert("author".into(), Value::from(author));
    put_opt(&mut message, "content", content.map(Value::from));
    if !files.is_empty() {
        message.insert("attachments".into(), Value::from(files));
    }
    if !rendered_embeds.is_empty() {
        message.insert("embeds".into(), Value::from(rendered_embeds));
    }
    if !mentions.is_empty() {
        message.insert("mentions".into(), Value::from(mentions));
    }
    if !role_mentions.is_empty() {
        message.insert("role_mentions".into(), Value::from(role_mentions));
    }
    if !replies.is_empty() {
        message.insert("replies".into(), Value::from(replies));
    }
    if !interactions.is_empty() {
        message.insert("interactions".into(), Value::Object(interactions));
    }
    if let Some(masquerade) = &draft.masquerade {
        let mut map = Map::new();
        put_opt(&mut map, "name", masquerade.name.clone().map(Value::from));
        put_opt(
            &mut map,
            "avatar",
            masquerade.avatar.clone().map(Value::from),
        );
        put_opt(
            &mut map,
            "colour",
            masquerade.colour.clone().map(Value::from),
        );
        message.insert("masquerade".into(), Value::Object(map));
    }
    if flags != 0 {
        message.insert("flags".into(), Value::from(flags));
    }
    let message = ordered(message);
    store_and_publish(state, channel_id, message.clone());
    Ok(with_author(state, &message))
}

fn send(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let channel_id = ctx.param(0);
    let key = match ctx.request.header("idempotency-key") {
        Some(key) if key.len() > 64 => return Err(Reject::Catcher(400)),
        Some(key) => {
            if !ctx.state.remember_idempotency_key(key) {
                return Err(Reject::Catcher(409));
            }
            Some(key.to_owned())
        }
        None => None,
    };
    let draft: MessageDraft = ctx.json()?;
    Ok(Reply::Json(send_message(
        ctx.state,
        &me,
        &channel_id,
        draft,
        key,
    )?))
}

fn range_error(field: &str, value: i64) -> String {
    format!(
        "{field}: Validation error: range [{{\"max\": Number(100.0), \"value\": Number({value}), \"min\": Number(1.0)}}]"
    )
}

fn id_param(ctx: &Ctx<'_>, key: &str) -> Result<Option<String>, Reject> {
    match ctx.query(key) {
        None => Ok(None),
        Some(id) if id.chars().count() == 26 => Ok(Some(id.to_owned())),
        Some(id) => Err(ApiError::failed_validation(
            format!(
                "{key}: Validation error: length [{{\"min\": Number(26), \"max\": Number(26), \"value\": String({})}}]",
                Value::from(id)
            ),
            QUERY_VALIDATION,
        )
        .into()),
    }
}

fn query_messages(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let channel_id = ctx.param(0);
    let limit = match ctx.query("limit") {
        None => 50,
        Some(text) => text.parse::<i64>().map_err(|_| Reject::Catcher(422))?,
    };
    let oldest_first = match ctx.query("sort") {
        None | Some("Latest") => false,
        Some("Oldest") => true,
        Some("Relevance") => false,
        Some(_) => return Err(Reject::Catcher(422)),
    };
    let include_users = ctx.query_bool("include_users")?;
    if !(1..=100).contains(&limit) {
        return Err(
            ApiError::failed_validation(range_error("limit", limit), QUERY_VALIDATION).into(),
        );
    }
    let before = id_param(ctx, "before")?;
    let after = id_param(ctx, "after")?;
    let nearby = id_param(ctx, "nearby")?;
    if ctx.query("sort") == Some("Relevance") {
        return Err(ApiError::new("InvalidOperation", QUERY_SORT).into());
    }
    channel(ctx.state, &channel_id, &me)?;
    permissions::require_channel(ctx.state, &channel_id, &me, bits::READ_MESSAGE_HISTORY)?;

    let limit = usize::try_from(limit).unwrap_or(50);
    let all: Vec<&Value> = ctx
        .state
        .messages
        .get(&channel_id)
        .map(|m| m.values().collect())
        .unwrap_or_default();
    let id_of = |m: &Value| wire::str_field(m, "_id").unwrap_or_default().to_owned();
    let mut page: Vec<Value> = if let Some(nearby) = nearby {
        let half = limit / 2 + 1;
        let older: Vec<&Value> = all.iter().copied().filter(|m| id_of(m) < nearby).collect();
        let newer = all
            .iter()
            .copied()
            .filter(|m| id_of(m) >= nearby)
            .take(half);
        older[older.len().saturating_sub(half)..]
            .iter()
            .copied()
            .chain(newer)
            .cloned()
            .collect()
    } else {
        all.iter()
            .copied()
            .filter(|m| before.as_ref().is_none_or(|b| id_of(m) < *b))
            .filter(|m| after.as_ref().is_none_or(|a| id_of(m) > *a))
            .cloned()
            .collect()
    };
    if !oldest_first {
        page.reverse();
    }
    page.truncate(limit);

    if !include_users {
        return Ok(Reply::Json(Value::from(page)));
    }
    let mut user_ids: Vec<String> = Vec::new();
    for message in &page {
        if let Some(author) = wire::str_field(message, "author") {
            if ctx.state.users.contains_key(author) && !user_ids.iter().any(|u| u == author) {
                user_ids.push(author.to_owned());
            }
        }
    }
    let users: Vec<Value> = user_ids
        .iter()
        .filter_map(|id| ctx.state.render_user(id, Some(&me)))
        .collect();
    let mut response = Map::new();
    response.insert("messages".into(), Value::from(page));
    response.insert("users".into(), Value::from(users));
    if let Some(server) = ctx.state.channel_server(&channel_id) {
        let members: Vec<Value> = user_ids
            .iter()
            .filter_map(|id| ctx.state.member(&server, id).map(|m| m.render()))
            .collect();
        response.insert("members".into(), Value::from(members));
    }
    Ok(Reply::Json(Value::Object(response)))
}

fn fetch(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let (channel_id, id) = (ctx.param(0), ctx.param(1));
    channel(ctx.state, &channel_id, &me)?;
    permissions::require_channel(ctx.state, &channel_id, &me, bits::READ_MESSAGE_HISTORY)?;
    Ok(Reply::Json(message(ctx.state, &channel_id, &id)?))
}

/// `DataEditMessage`.
#[derive(Debug, Deserialize)]
struct EditMessage {
    content: Option<String>,
    embeds: Option<Vec<SendableEmbed>>,
}

fn edit(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let (channel_id, id) = (ctx.param(0), ctx.param(1));
    let body: EditMessage = ctx.json()?;
    if body.content.as_deref() == Some("") {
        return Err(ApiError::failed_validation(
            "content: Validation error: length [{\"min\": Number(1), \"value\": String(\"\")}]"
                .into(),
            EDIT,
        )
        .into());
    }
    let embeds = body.embeds.unwrap_or_default();
    if embeds.len() > 10 {
        return Err(ApiError::failed_validation(
            "embeds: Validation error: length [{\"max\": Number(10)}]".into(),
            EDIT,
        )
        .into());
    }
    channel(ctx.state, &channel_id, &me)?;
    let mut stored = message(ctx.state, &channel_id, &id)?;
    if wire::str_field(&stored, "author") != Some(me.as_str()) {
        return Err(ApiError::new("CannotEditMessage", EDIT).into());
    }
    if !embeds.is_empty() {
        permissions::require_channel(ctx.state, &channel_id, &me, bits::SEND_EMBEDS)?;
    }
    let content = body
        .content
        .clone()
        .or_else(|| wire::str_field(&stored, "content").map(str::to_owned));
    if payload_len(content.as_deref(), &embeds) > MESSAGE_LENGTH {
        return Err(ApiError::new("PayloadTooLarge", PAYLOAD_TOO_LARGE).into());
    }
    let mut rendered = Vec::new();
    for embed in &embeds {
        rendered.push(render_embed(ctx.state, embed)?);
    }
    let edited = wire::iso_now();
    let mut data = Map::new();
    put_opt(&mut data, "content", body.content.clone().map(Value::from));
    data.insert("edited".into(), Value::from(edited));
    data.insert("embeds".into(), Value::from(rendered));
    if let Value::Object(map) = &mut stored {
        for (key, value) in &data {
            map.insert(key.clone(), value.clone());
        }
        stored = ordered(std::mem::take(map));
    }
    ctx.state.store_message(&channel_id, stored.clone());
    let event = json!({"type": "MessageUpdate", "id": id, "channel": channel_id, "data": data, "clear": []});
    ctx.state
        .publish(&Topic::Channel(channel_id.clone()), &event);
    Ok(Reply::Json(stored))
}

fn delete(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let (channel_id, id) = (ctx.param(0), ctx.param(1));
    channel(ctx.state, &channel_id, &me)?;
    let stored = message(ctx.state, &channel_id, &id)?;
    if wire::str_field(&stored, "author") != Some(me.as_str()) {
        permissions::require_channel(ctx.state, &channel_id, &me, bits::MANAGE_MESSAGES)?;
    }
    remove_messages(ctx.state, &channel_id, std::slice::from_ref(&id));
    let event = json!({"type": "MessageDelete", "id": id, "channel": channel_id});
    ctx.state
        .publish(&Topic::Channel(channel_id.clone()), &event);
    Ok(Reply::NoContent)
}

/// Removes messages; if the channel's last message went, `last_message_id` moves back to
/// the newest remaining one (announced with `ChannelUpdate`).
fn remove_messages(state: &mut State, channel_id: &str, ids: &[String]) {
    let last = state
        .channels
        .get(channel_id)
        .and_then(|c| wire::str_field(c, "last_message_id"))
        .map(str::to_owned);
    if let Some(messages) = state.messages.get_mut(channel_id) {
        for id in ids {
            messages.remove(id);
        }
    }
    if last.as_ref().is_some_and(|last| ids.contains(last)) {
        let previous = state
            .messages
            .get(channel_id)
            .and_then(|m| m.keys().next_back().cloned());
        if let Some(previous) = previous {
            set_last_message_id(state, channel_id, Some(previous.clone()));
            let event = json!({"type": "ChannelUpdate", "id": channel_id,
                "data": {"last_message_id": previous}, "clear": []});
            let topic = match state.channel_server(channel_id) {
                Some(server) => Topic::Server(server),
                None => Topic::Channel(channel_id.to_owned()),
            };
            state.publish(&topic, &event);
        }
    }
}

/// `OptionsBulkDelete`.
#[derive(Debug, Deserialize)]
struct BulkDelete {
    ids: Vec<String>,
}

fn bulk_delete(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let channel_id = ctx.param(0);
    let body: BulkDelete = ctx.json()?;
    if body.ids.is_empty() || body.ids.len() > 100 {
        return Err(ApiError::failed_validation(
            format!(
                "ids: Validation error: length [{{\"min\": Number(1), \"max\": Number(100), \"value\": Array({})}}]",
                body.ids.len()
            ),
            BULK_VALIDATION,
        )
        .into());
    }
    channel(ctx.state, &channel_id, &me)?;
    let cutoff = wire::unix_now_ms().saturating_sub(SEVEN_DAYS_MS);
    if body
        .ids
        .iter()
        .any(|id| wire::ulid_timestamp_ms(id).is_none_or(|ms| ms < cutoff))
    {
        return Err(ApiError::new("InvalidOperation", BULK_TOO_OLD).into());
    }
    permissions::require_channel(ctx.state, &channel_id, &me, bits::MANAGE_MESSAGES)?;
    remove_messages(ctx.state, &channel_id, &body.ids);
    let event = json!({"type": "BulkMessageDelete", "channel": channel_id, "ids": body.ids});
    ctx.state
        .publish(&Topic::Channel(channel_id.clone()), &event);
    Ok(Reply::NoContent)
}

fn update_message(
    state: &mut State,
    channel_id: &str,
    id: &str,
    change: impl FnOnce(&mut Map<String, Value>),
) {
    if let Some(Value::Object(map)) = state
        .messages
        .get_mut(channel_id)
        .and_then(|m| m.get_mut(id))
    {
        change(map);
        let reordered = wire::reorder(std::mem::take(map), MESSAGE_KEYS);
        *map = reordered;
    }
}

fn react(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let (channel_id, id, emoji) = (ctx.param(0), ctx.param(1), ctx.param(2));
    channel(ctx.state, &channel_id, &me)?;
    permissions::require_channel(ctx.state, &channel_id, &me, bits::REACT)?;
    let stored = message(ctx.state, &channel_id, &id)?;
    let reactions = stored
        .get("reactions")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let interactions = stored.get("interactions");
    let restricted = interactions
        .and_then(|i| i.get("restrict_reactions"))
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let allowed = interactions
        .and_then(|i| i.get("reactions"))
        .and_then(Value::as_array)
        .is_some_and(|list| list.iter().any(|e| e.as_str() == Some(emoji.as_str())));
    if !is_valid_emoji(ctx.state, &emoji)
        || (restricted && !allowed)
        || (!reactions.contains_key(&emoji) && reactions.len() >= MAX_REACTIONS)
    {
        return Err(ApiError::new("InvalidOperation", REACT).into());
    }
    let already = reactions
        .get(&emoji)
        .and_then(Value::as_array)
        .is_some_and(|users| users.iter().any(|u| u.as_str() == Some(me.as_str())));
    if !already {
        update_message(ctx.state, &channel_id, &id, |map| {
            let reactions = map
                .entry("reactions")
                .or_insert_with(|| Value::Object(Map::new()));
            if let Some(reactions) = reactions.as_object_mut() {
                if let Some(users) = reactions
                    .entry(emoji.clone())
                    .or_insert_with(|| Value::Array(Vec::new()))
                    .as_array_mut()
                {
                    users.push(Value::from(me.clone()));
                }
            }
        });
        let event = json!({"type": "MessageReact", "id": id, "channel_id": channel_id,
            "user_id": me, "emoji_id": emoji});
        ctx.state
            .publish(&Topic::Channel(channel_id.clone()), &event);
    }
    Ok(Reply::NoContent)
}

fn unreact(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let (channel_id, id, emoji) = (ctx.param(0), ctx.param(1), ctx.param(2));
    let remove_all = ctx.query_bool("remove_all")?;
    let user = ctx.query("user_id").unwrap_or(&me).to_owned();
    channel(ctx.state, &channel_id, &me)?;
    if remove_all || user != me {
        permissions::require_channel(ctx.state, &channel_id, &me, bits::MANAGE_MESSAGES)?;
    }
    message(ctx.state, &channel_id, &id)?;
    let mut changed = false;
    update_message(ctx.state, &channel_id, &id, |map| {
        if let Some(reactions) = map.get_mut("reactions").and_then(Value::as_object_mut) {
            if remove_all {
                changed = reactions.remove(&emoji).is_some();
            } else if let Some(users) = reactions.get_mut(&emoji).and_then(Value::as_array_mut) {
                let before = users.len();
                users.retain(|u| u.as_str() != Some(user.as_str()));
                changed = users.len() != before;
                if users.is_empty() {
                    reactions.remove(&emoji);
                }
            }
            if reactions.is_empty() {
                map.remove("reactions");
            }
        }
    });
    if changed {
        let event = if remove_all {
            json!({"type": "MessageRemoveReaction", "id": id, "channel_id": channel_id, "emoji_id": emoji})
        } else {
            json!({"type": "MessageUnreact", "id": id, "channel_id": channel_id,
                "user_id": user, "emoji_id": emoji})
        };
        ctx.state
            .publish(&Topic::Channel(channel_id.clone()), &event);
    }
    Ok(Reply::NoContent)
}

fn clear_reactions(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let (channel_id, id) = (ctx.param(0), ctx.param(1));
    channel(ctx.state, &channel_id, &me)?;
    permissions::require_channel(ctx.state, &channel_id, &me, bits::MANAGE_MESSAGES)?;
    message(ctx.state, &channel_id, &id)?;
    update_message(ctx.state, &channel_id, &id, |map| {
        map.remove("reactions");
    });
    let event = json!({"type": "MessageUpdate", "id": id, "channel": channel_id,
        "data": {"reactions": {}}, "clear": []});
    ctx.state
        .publish(&Topic::Channel(channel_id.clone()), &event);
    Ok(Reply::NoContent)
}

fn system_message(state: &mut State, channel_id: &str, kind: &str, target: &str, by: &str) {
    let message = json!({
        "_id": state.new_id(),
        "channel": channel_id,
        "author": SYSTEM_AUTHOR,
        "system": {"type": kind, "id": target, "by": by}
    });
    store_and_publish(state, channel_id, message);
}

fn set_pinned(ctx: &mut Ctx<'_>, pinned: bool) -> HandlerResult {
    let me = ctx.me()?;
    let (channel_id, id) = (ctx.param(0), ctx.param(1));
    channel(ctx.state, &channel_id, &me)?;
    permissions::require_channel(ctx.state, &channel_id, &me, bits::MANAGE_MESSAGES)?;
    let stored = message(ctx.state, &channel_id, &id)?;
    let is_pinned = stored
        .get("pinned")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if pinned && is_pinned {
        return Err(ApiError::new("AlreadyPinned", PIN).into());
    }
    if !pinned && !is_pinned {
        return Err(ApiError::new("NotPinned", PIN).into());
    }
    update_message(ctx.state, &channel_id, &id, |map| {
        if pinned {
            map.insert("pinned".into(), Value::from(true));
        } else {
            map.remove("pinned");
        }
    });
    let (event, kind) = if pinned {
        (
            json!({"type": "MessageUpdate", "id": id, "channel": channel_id,
                "data": {"pinned": true}, "clear": []}),
            "message_pinned",
        )
    } else {
        (
            json!({"type": "MessageUpdate", "id": id, "channel": channel_id,
                "data": {}, "clear": ["Pinned"]}),
            "message_unpinned",
        )
    };
    ctx.state
        .publish(&Topic::Channel(channel_id.clone()), &event);
    system_message(ctx.state, &channel_id, kind, &id, &me);
    Ok(Reply::NoContent)
}

fn pin(ctx: &mut Ctx<'_>) -> HandlerResult {
    set_pinned(ctx, true)
}

fn unpin(ctx: &mut Ctx<'_>) -> HandlerResult {
    set_pinned(ctx, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mention_parsing() {
        let content = "Hello <@01M7YSZ8V6D4QNP163AMRA3ARS>, <@01M7YSZ8V6D4QNP163AMRA3ARS> <@nope> <%01M7YSZ8V6D4QNP163AMRA3ARS>";
        assert_eq!(parse_mentions(content, '@'), ["01M7YSZ8V6D4QNP163AMRA3ARS"]);
        assert_eq!(parse_mentions(content, '%'), ["01M7YSZ8V6D4QNP163AMRA3ARS"]);
        assert!(parse_mentions("<@", '@').is_empty());
    }

    #[test]
    fn payload_counts_bytes() {
        assert_eq!(payload_len(Some(&"é".repeat(1001)), &[]), 2002);
    }
}
