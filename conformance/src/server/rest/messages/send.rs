//! `POST /channels/{id}/messages`: validation, mentions, replies, embeds, attachments.

use serde::Deserialize;
use serde_json::{Map, Value};

use super::{ordered, put_opt, store_and_publish, with_author, MESSAGE_NOT_FOUND};
use crate::server::errors::ApiError;
use crate::server::permissions::{self, bits};
use crate::server::rest::channels::CHANNEL_NOT_FOUND;
use crate::server::rest::{lookup, Ctx, HandlerResult, Reply};
use crate::server::state::State;
use crate::server::wire::{self, SYSTEM_AUTHOR};

const EMPTY_MESSAGE: &str = "crates/core/database/src/models/messages/model.rs:300:24";
pub(super) const PAYLOAD_TOO_LARGE: &str =
    "crates/core/database/src/models/messages/model.rs:994:17";
pub(super) const MODEL: &str = "crates/core/database/src/models/messages/model.rs:310:21";

/// The server's `message_length` limit, in bytes.
pub(super) const MESSAGE_LENGTH: usize = 2000;
const MAX_REPLIES: usize = 5;
const MAX_EMBEDS: usize = 5;
const MAX_ATTACHMENTS: usize = 5;

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

pub(crate) fn render_embed(state: &State, embed: &SendableEmbed) -> Result<Value, ApiError> {
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

pub(crate) fn payload_len(content: Option<&str>, embeds: &[SendableEmbed]) -> usize {
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

/// `Emoji::can_use`: a ULID must name an existing custom emoji (even a detached one),
/// else `NotFound`; anything else must be a Unicode emoji (approximated as non-ASCII).
pub(super) fn is_valid_emoji(state: &State, emoji: &str) -> Result<bool, ApiError> {
    if wire::is_ulid(emoji) {
        return if state.emojis.contains_key(emoji) {
            Ok(true)
        } else {
            Err(ApiError::not_found(lookup::EMOJI_NOT_FOUND))
        };
    }
    Ok(!emoji.is_empty() && !emoji.is_ascii())
}

/// Who sends a message.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Sender<'a> {
    /// A user (or bot): channel permissions apply.
    User(&'a str),
    /// A webhook (the stored `Webhook`): its own permissions were checked by the route.
    Webhook(&'a Value),
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
    send_message_as(
        state,
        Sender::User(author),
        channel_id,
        draft,
        idempotency_key,
    )
}

/// [`send_message`] for any [`Sender`]. Webhook messages carry `webhook: {name, avatar}`
/// and no `user`/`member`.
pub(crate) fn send_message_as(
    state: &mut State,
    sender: Sender<'_>,
    channel_id: &str,
    draft: MessageDraft,
    idempotency_key: Option<String>,
) -> Result<Value, ApiError> {
    let (author, webhook) = match sender {
        Sender::User(user) => (user.to_owned(), None),
        Sender::Webhook(hook) => {
            let avatar = hook
                .get("avatar")
                .and_then(|a| a.get("_id"))
                .cloned()
                .unwrap_or(Value::Null);
            let name = hook.get("name").cloned().unwrap_or(Value::Null);
            (
                wire::str_field(hook, "id").unwrap_or_default().to_owned(),
                Some(serde_json::json!({"name": name, "avatar": avatar})),
            )
        }
    };
    let author = author.as_str();
    let is_user = webhook.is_none();
    let channel = state
        .channels
        .get(channel_id)
        .cloned()
        .ok_or_else(|| ApiError::not_found(CHANNEL_NOT_FOUND))?;
    let embeds = draft.embeds.clone().unwrap_or_default();
    let attachments = draft.attachments.clone().unwrap_or_default();
    if is_user {
        permissions::require_channel(state, channel_id, author, bits::VIEW_CHANNEL)?;
        permissions::require_channel(state, channel_id, author, bits::SEND_MESSAGE)?;
        if let Some(masquerade) = &draft.masquerade {
            permissions::require_channel(state, channel_id, author, bits::MASQUERADE)?;
            if masquerade.colour.is_some() {
                permissions::require_channel(state, channel_id, author, bits::MANAGE_ROLE)?;
            }
        }
        if !embeds.is_empty() {
            permissions::require_channel(state, channel_id, author, bits::SEND_EMBEDS)?;
        }
        if !attachments.is_empty() {
            permissions::require_channel(state, channel_id, author, bits::UPLOAD_FILES)?;
        }
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
        if is_user {
            if !is_bot {
                return Err(ApiError::new("IsNotBot", MODEL));
            }
            permissions::require_channel(state, channel_id, author, 1 << 37)
                .map_err(|_| ApiError::missing_permission("MentionEveryone"))?;
        }
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
            if !is_user
                || permissions::channel_permissions(state, channel_id, author)
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
    for id in &attachments {
        lookup::check_file(state, id, "attachments")?;
    }
    let mut interactions = Map::new();
    if let Some(given) = &draft.interactions {
        if let Some(reactions) = &given.reactions {
            for emoji in reactions {
                if !is_valid_emoji(state, emoji)? {
                    return Err(ApiError::new("InvalidOperation", MODEL));
                }
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

    let mut files = Vec::new();
    for id in &attachments {
        files.push(lookup::use_file(state, id, "attachments")?);
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
    put_opt(&mut message, "webhook", webhook);
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

pub(super) fn send(ctx: &mut Ctx<'_>) -> HandlerResult {
    let me = ctx.me()?;
    let channel_id = ctx.param(0);
    let key = ctx.idempotency_key()?;
    let draft: MessageDraft = ctx.json()?;
    Ok(Reply::Json(send_message(
        ctx.state,
        &me,
        &channel_id,
        draft,
        key,
    )?))
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
