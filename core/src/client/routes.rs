//! [`Routes`]: every one of the server's 125 routes as a named method on a client handle.

use crate::auth::Secret;
use crate::http::routes::{ChannelDefaultPermissions, *};
use crate::http::{Pending, Route};
use crate::id::{
    BotId, ChannelId, EmojiId, FileId, InviteCode, MessageId, RoleId, ServerId, SessionId, UserId,
    WebhookId,
};
use crate::model::{InviteBotDestination, MfaResponse, Permissions, ReportedContent};

use super::CacheAccess;

/// One method of [`Routes`]: its name, the request type it builds and that type's route.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RouteMethod {
    /// The method's name, e.g. `send_message`.
    pub name: &'static str,
    /// The request type it builds, e.g. `SendMessage`.
    pub request: &'static str,
    /// The request type's route ([`Request::ROUTE`](crate::http::Request::ROUTE)).
    pub route: Route,
}

macro_rules! routes {
    ($(
        $(#[$doc:meta])*
        $route:literal
        fn $name:ident($($arg:ident: $argty:ty),* $(,)?) -> $request:ident = $build:expr;
    )*) => {
        /// Every one of the server's 125 routes as a named method, on every runtime's client
        /// handle.
        ///
        /// Each method takes the route's required inputs and returns the typed request bound
        /// to the handle, a [`Pending`]: chain the request's builders on it, then `.await` it
        /// on an async runtime or `.call()` it on the blocking one.
        ///
        /// ```
        /// use stoat_core::client::{AsyncExecutor, Routes};
        /// use stoat_core::http::Error;
        /// use stoat_core::id::ChannelId;
        ///
        /// async fn greet(handle: &impl AsyncExecutor, channel: ChannelId) -> Result<(), Error> {
        ///     let page = handle.fetch_messages(channel).limit(10).await?;
        ///     if page.messages().is_empty() {
        ///         handle.send_message(channel, "Hello!").idempotency_key("hello-1").await?;
        ///     }
        ///     Ok(())
        /// }
        /// ```
        ///
        /// Every type that implements [`CacheAccess`] (so every runtime's handle, and every
        /// [`AsyncExecutor`](super::AsyncExecutor) or
        /// [`BlockingExecutor`](super::BlockingExecutor)) has these methods, through a blanket
        /// implementation: the adapters need no code of their own (only `Routes` in their
        /// prelude), and a route added to core appears on every runtime.
        ///
        /// # Names
        ///
        /// * stoat.py's `HTTPClient` name for the route, with `get_` spelled `fetch_` (as
        ///   stoat.py's own `Client` does: `fetch_user` is its shortcut to
        ///   `HTTPClient.get_user`; `get_*` names are left to the cache);
        /// * where stoat.py has several methods on one route, the most general one
        ///   (`remove_friend` for `deny_friend_request`/`remove_friend`, `leave_server` for
        ///   `leave_server`/`delete_server`, `fetch_members` for `get_members`/`get_member_list`,
        ///   `report_content` for `report_message`/`report_server`/`report_user`, `invite_bot`
        ///   taking a server or a group, `create_mfa_ticket` for the three `create_*_ticket`);
        ///   the other forms are other constructors of the same request type, sent with
        ///   [`Pending::new`] (or `execute`), e.g. `Login::mfa` or `EditUser::user`;
        /// * GETs are `fetch_*` where stoat.py's name is a noun: `fetch_instance` (stoat.py
        ///   `query_node`), `fetch_mfa_status` (`mfa_status`), `fetch_onboarding_status`
        ///   (`onboarding_status`);
        /// * the token forms of the webhook routes add `_with_token` (stoat.py switches on an
        ///   optional argument), and `push_unsubscribe` keeps the `push_` of `push_subscribe`
        ///   (stoat.py `unsubscribe`);
        /// * routes stoat.py does not have are named like their request type:
        ///   `fetch_audit_logs`, `edit_emoji`, `edit_webhook_message`,
        ///   `delete_webhook_message`, `execute_github_webhook`.
        ///
        /// [`route_methods`] lists the methods with their routes; a test checks that they
        /// are exactly the 125 routes of [`routes::all`](crate::http::routes::all), one each.
        ///
        /// # The table
        ///
        /// | route | method | request |
        /// |---|---|---|
        $(
            #[doc = concat!(
                "| `", $route, "` | [`", stringify!($name), "`](Routes::", stringify!($name),
                ") | [`", stringify!($request), "`](crate::http::routes::", stringify!($request),
                ") |"
            )]
        )*
        pub trait Routes {
            $(
                $(#[$doc])*
                ///
                #[doc = concat!(
                    "`", $route, "` ([`", stringify!($request),
                    "`](crate::http::routes::", stringify!($request), ")): chain the request's \
                    builders on the [`Pending`], then `.await` it (async runtimes) or \
                    `.call()` it (blocking)."
                )]
                fn $name(&self $(, $arg: $argty)*) -> Pending<'_, Self, $request> {
                    Pending::new(self, $build)
                }
            )*
        }

        /// Every method of [`Routes`] with the request type it builds and its route, in
        /// the order of [`routes::all`](crate::http::routes::all) (for tooling and the
        /// route-table test).
        pub fn route_methods() -> Vec<RouteMethod> {
            vec![$(RouteMethod {
                name: stringify!($name),
                request: stringify!($request),
                route: <$request as crate::http::Request>::ROUTE,
            }),*]
        }

        /// Every route's response parser, by request type: whether a response parses as
        /// the route's output (for the fuzz targets, `crate::fuzz`).
        #[allow(clippy::type_complexity)]
        pub(crate) fn route_parsers(
        ) -> Vec<(&'static str, fn(&http::Response<bytes::Bytes>) -> bool)> {
            vec![$((
                stringify!($request),
                (|response| <$request as crate::http::Request>::parse(response).is_ok())
                    as fn(&http::Response<bytes::Bytes>) -> bool,
            )),*]
        }

        /// The route each method's documentation names, with the real one.
        #[cfg(test)]
        fn documented_routes() -> Vec<(&'static str, &'static str, Route)> {
            vec![$((
                stringify!($name),
                $route,
                <$request as crate::http::Request>::ROUTE,
            )),*]
        }
    };
}

impl<T: CacheAccess + ?Sized> Routes for T {}

routes! {
    /// Fetches the instance's version, features and service URLs. Needs no token.
    "GET /"
    fn fetch_instance() -> FetchInstance = FetchInstance;

    /// Accepts a friend request (or sends one, if none is pending).
    "PUT /users/{id}/friend"
    fn accept_friend_request(user: UserId) -> AcceptFriendRequest = AcceptFriendRequest::new(user);

    /// Blocks a user.
    "PUT /users/{id}/block"
    fn block_user(user: UserId) -> BlockUser = BlockUser::new(user);

    /// Changes your username (user accounts only; at most one discriminator change a day).
    "PATCH /users/@me/username"
    fn change_username(username: impl Into<String>, password: Secret) -> ChangeUsername
        = ChangeUsername::new(username, password);

    /// Edits your user. To edit a bot you own, send
    /// [`EditUser::user`](crate::http::routes::EditUser::user) with
    /// [`Pending::new`] (or `execute`).
    "PATCH /users/{target}"
    fn edit_my_user() -> EditUser = EditUser::me();

    /// Fetches your direct message and group channels (and saved messages).
    "GET /users/dms"
    fn fetch_private_channels() -> FetchDirectMessageChannels = FetchDirectMessageChannels;

    /// Fetches a user's profile (needs the `ViewProfile` user permission).
    "GET /users/{id}/profile"
    fn fetch_user_profile(user: UserId) -> FetchUserProfile = FetchUserProfile::new(user);

    /// Fetches the authenticated user.
    "GET /users/@me"
    fn fetch_me() -> FetchSelf = FetchSelf;

    /// Fetches a user.
    "GET /users/{id}"
    fn fetch_user(user: UserId) -> FetchUser = FetchUser::new(user);

    /// Fetches a user's flags (suspended, deleted, banned, spam). Public.
    "GET /users/{id}/flags"
    fn fetch_user_flags(user: UserId) -> FetchUserFlags = FetchUserFlags::new(user);

    /// Fetches the friends, servers and channels you share with a user.
    "GET /users/{id}/mutual"
    fn fetch_mutuals_with(user: UserId) -> FetchMutual = FetchMutual::new(user);

    /// Fetches the generated avatar of a user without one, as PNG bytes (public, cacheable for
    /// a year). Its URL is also [`default_avatar_url`](crate::cdn::default_avatar_url).
    "GET /users/{id}/default_avatar"
    fn fetch_default_avatar(user: UserId) -> FetchDefaultAvatar = FetchDefaultAvatar::new(user);

    /// Opens (or returns) the direct message channel with a user; your own id gives your saved
    /// messages channel.
    "GET /users/{id}/dm"
    fn open_dm(user: UserId) -> OpenDirectMessage = OpenDirectMessage::new(user);

    /// Denies a friend request or removes a friend.
    "DELETE /users/{id}/friend"
    fn remove_friend(user: UserId) -> RemoveFriend = RemoveFriend::new(user);

    /// Sends a friend request by `username#discriminator`.
    "POST /users/friend"
    fn send_friend_request(
        username: impl Into<String>,
        discriminator: impl AsRef<str>,
    ) -> SendFriendRequest
        = SendFriendRequest::new(username, discriminator);

    /// Unblocks a user.
    "DELETE /users/{id}/block"
    fn unblock_user(user: UserId) -> UnblockUser = UnblockUser::new(user);

    /// Creates a bot (user accounts only).
    "POST /bots/create"
    fn create_bot(name: impl Into<String>) -> CreateBot = CreateBot::new(name);

    /// Deletes a bot you own.
    "DELETE /bots/{id}"
    fn delete_bot(bot: BotId) -> DeleteBot = DeleteBot::new(bot);

    /// Edits a bot you own.
    "PATCH /bots/{id}"
    fn edit_bot(bot: BotId) -> EditBot = EditBot::new(bot);

    /// Fetches a bot you own, with its user.
    "GET /bots/{id}"
    fn fetch_bot(bot: BotId) -> FetchBot = FetchBot::new(bot);

    /// Fetches the bots you own.
    "GET /bots/@me"
    fn fetch_owned_bots() -> FetchOwnedBots = FetchOwnedBots;

    /// Fetches a public bot's profile, before inviting it.
    "GET /bots/{id}/invite"
    fn fetch_public_bot(bot: BotId) -> FetchPublicBot = FetchPublicBot::new(bot);

    /// Adds a bot to a server ([`ServerId`]) or group ([`ChannelId`]) you manage.
    "POST /bots/{id}/invite"
    fn invite_bot(bot: BotId, destination: impl Into<InviteBotDestination>) -> InviteBot
        = InviteBot::new(bot, destination);

    /// Marks a channel as read up to a message (user accounts only).
    "PUT /channels/{id}/ack/{message}"
    fn acknowledge_message(channel: ChannelId, message: MessageId) -> AcknowledgeMessage
        = AcknowledgeMessage::new(channel, message);

    /// Closes a DM, leaves a group (deleting it if you own it), or deletes a server channel.
    "DELETE /channels/{id}"
    fn close_channel(channel: ChannelId) -> CloseChannel = CloseChannel::new(channel);

    /// Edits a channel or group.
    "PATCH /channels/{id}"
    fn edit_channel(channel: ChannelId) -> EditChannel = EditChannel::new(channel);

    /// Fetches a channel.
    "GET /channels/{id}"
    fn fetch_channel(channel: ChannelId) -> FetchChannel = FetchChannel::new(channel);

    /// Adds a friend to a group.
    "PUT /channels/{group}/recipients/{user}"
    fn add_group_recipient(group: ChannelId, user: UserId) -> AddGroupMember
        = AddGroupMember::new(group, user);

    /// Creates a group with friends of yours.
    "POST /channels/create"
    fn create_group(name: impl Into<String>) -> CreateGroup = CreateGroup::new(name);

    /// Removes someone from a group you own.
    "DELETE /channels/{group}/recipients/{user}"
    fn remove_group_recipient(group: ChannelId, user: UserId) -> RemoveGroupMember
        = RemoveGroupMember::new(group, user);

    /// Creates an invite to a server channel or group.
    "POST /channels/{id}/invites"
    fn create_channel_invite(channel: ChannelId) -> CreateInvite = CreateInvite::new(channel);

    /// Fetches the members of a group.
    "GET /channels/{id}/members"
    fn fetch_group_recipients(group: ChannelId) -> FetchGroupMembers
        = FetchGroupMembers::new(group);

    /// Deletes 1 to 100 messages younger than a week.
    "DELETE /channels/{id}/messages/bulk"
    fn delete_messages(channel: ChannelId, messages: Vec<MessageId>) -> BulkDeleteMessages
        = BulkDeleteMessages::new(channel, messages);

    /// Removes every reaction from a message (needs `ManageMessages`).
    "DELETE /channels/{id}/messages/{msg}/reactions"
    fn clear_reactions(channel: ChannelId, message: MessageId) -> ClearReactions
        = ClearReactions::new(channel, message);

    /// Deletes a message.
    "DELETE /channels/{id}/messages/{msg}"
    fn delete_message(channel: ChannelId, message: MessageId) -> DeleteMessage
        = DeleteMessage::new(channel, message);

    /// Edits a message's content or embeds.
    "PATCH /channels/{id}/messages/{msg}"
    fn edit_message(
        channel: ChannelId,
        message: MessageId,
        content: impl Into<String>,
    ) -> EditMessage
        = EditMessage::new(channel, message, content);

    /// Fetches one message.
    "GET /channels/{id}/messages/{msg}"
    fn fetch_message(channel: ChannelId, message: MessageId) -> FetchMessage
        = FetchMessage::new(channel, message);

    /// Pins a message (counts in the `messaging` rate-limit bucket).
    "POST /channels/{id}/messages/{msg}/pin"
    fn pin_message(channel: ChannelId, message: MessageId) -> PinMessage
        = PinMessage::new(channel, message);

    /// Fetches a page of messages.
    "GET /channels/{id}/messages"
    fn fetch_messages(channel: ChannelId) -> FetchMessages = FetchMessages::new(channel);

    /// Reacts to a message.
    "PUT /channels/{id}/messages/{msg}/reactions/{emoji}"
    fn add_reaction_to_message(
        channel: ChannelId,
        message: MessageId,
        emoji: impl Into<String>,
    ) -> AddReaction
        = AddReaction::new(channel, message, emoji);

    /// Searches a channel's messages by text (user accounts only; the pinned messages are
    /// [`SearchMessages::pinned`](crate::http::routes::SearchMessages::pinned)).
    "POST /channels/{id}/search"
    fn search_for_messages(channel: ChannelId, query: impl Into<String>) -> SearchMessages
        = SearchMessages::new(channel, query);

    /// Sends a message.
    "POST /channels/{id}/messages"
    fn send_message(channel: ChannelId, content: impl Into<String>) -> SendMessage
        = SendMessage::new(channel, content);

    /// Unpins a message.
    "DELETE /channels/{id}/messages/{msg}/pin"
    fn unpin_message(channel: ChannelId, message: MessageId) -> UnpinMessage
        = UnpinMessage::new(channel, message);

    /// Removes your reaction, or another user's, or everyone's (those two need
    /// `ManageMessages`).
    "DELETE /channels/{id}/messages/{msg}/reactions/{emoji}"
    fn remove_reactions_from_message(
        channel: ChannelId,
        message: MessageId,
        emoji: impl Into<String>,
    ) -> RemoveReaction
        = RemoveReaction::new(channel, message, emoji);

    /// Sets a role's permission override in a server channel.
    "PUT /channels/{id}/permissions/{role}"
    fn set_channel_permissions_for_role(
        channel: ChannelId,
        role: RoleId,
        allow: Permissions,
        deny: Permissions,
    ) -> SetChannelRolePermissions
        = SetChannelRolePermissions::new(channel, role, allow, deny);

    /// Sets a channel's default permissions: an [`Override`](crate::model::Override) for a
    /// server channel, plain [`Permissions`] for a group.
    "PUT /channels/{id}/permissions/default"
    fn set_default_channel_permissions(
        channel: ChannelId,
        permissions: impl Into<ChannelDefaultPermissions>,
    ) -> SetChannelDefaultPermissions
        = SetChannelDefaultPermissions::new(channel, permissions);

    /// Fetches a token to join a voice channel, DM or group call.
    "POST /channels/{id}/join_call"
    fn join_call(channel: ChannelId) -> JoinCall = JoinCall::new(channel);

    /// Stops ringing a user in a DM or group call.
    "PUT /channels/{id}/end_ring/{user}"
    fn stop_ringing(channel: ChannelId, user: UserId) -> StopRing = StopRing::new(channel, user);

    /// Creates a webhook (needs `ManageWebhooks`).
    "POST /channels/{id}/webhooks"
    fn create_webhook(channel: ChannelId, name: impl Into<String>) -> CreateWebhook
        = CreateWebhook::new(channel, name);

    /// Fetches a channel's webhooks (needs `ManageWebhooks`).
    "GET /channels/{id}/webhooks"
    fn fetch_channel_webhooks(channel: ChannelId) -> FetchChannelWebhooks
        = FetchChannelWebhooks::new(channel);

    /// Fetches a page of the audit log (needs `ViewAuditLogs`).
    "GET /servers/{id}/audit_logs"
    fn fetch_audit_logs(server: ServerId) -> QueryAuditLogs = QueryAuditLogs::new(server);

    /// Bans a user (kicking them if they are a member).
    "PUT /servers/{id}/bans/{user}"
    fn ban(server: ServerId, user: UserId) -> BanUser = BanUser::new(server, user);

    /// Fetches the server's bans and the banned users.
    "GET /servers/{id}/bans"
    fn fetch_bans(server: ServerId) -> FetchBans = FetchBans::new(server);

    /// Lifts a ban.
    "DELETE /servers/{id}/bans/{user}"
    fn unban(server: ServerId, user: UserId) -> UnbanUser = UnbanUser::new(server, user);

    /// Creates a text channel in a server (`.kind(ServerChannelType::Voice)` for a voice
    /// channel).
    "POST /servers/{id}/channels"
    fn create_server_channel(server: ServerId, name: impl Into<String>) -> CreateServerChannel
        = CreateServerChannel::text(server, name);

    /// Fetches a server's emojis.
    "GET /servers/{id}/emojis"
    fn fetch_server_emojis(server: ServerId) -> FetchServerEmojis = FetchServerEmojis::new(server);

    /// Fetches a server's invites (needs `ManageServer`).
    "GET /servers/{id}/invites"
    fn fetch_server_invites(server: ServerId) -> FetchServerInvites
        = FetchServerInvites::new(server);

    /// Edits a member: nickname, avatar, roles, timeout, voice mute/deafen, voice channel.
    "PATCH /servers/{id}/members/{user}"
    fn edit_member(server: ServerId, user: UserId) -> EditMember = EditMember::new(server, user);

    /// Queries the members whose name matches (an experimental route; the request always
    /// sends `experimental_api=true`).
    "GET /servers/{id}/members_experimental_query"
    fn query_members_by_name(server: ServerId, query: impl Into<String>) -> QueryMembers
        = QueryMembers::new(server, query);

    /// Fetches one member, optionally with the roles it holds.
    "GET /servers/{id}/members/{user}"
    fn fetch_member(server: ServerId, user: UserId) -> FetchMember = FetchMember::new(server, user);

    /// Fetches every member of a server, with their users.
    "GET /servers/{id}/members"
    fn fetch_members(server: ServerId) -> FetchMembers = FetchMembers::new(server);

    /// Kicks a member.
    "DELETE /servers/{id}/members/{user}"
    fn kick_member(server: ServerId, user: UserId) -> KickMember = KickMember::new(server, user);

    /// Sets a role's server-wide permissions.
    "PUT /servers/{id}/permissions/{role}"
    fn set_server_permissions_for_role(
        server: ServerId,
        role: RoleId,
        allow: Permissions,
        deny: Permissions,
    ) -> SetServerRolePermissions
        = SetServerRolePermissions::new(server, role, allow, deny);

    /// Sets the permissions every member has.
    "PUT /servers/{id}/permissions/default"
    fn set_default_server_permissions(
        server: ServerId,
        permissions: Permissions,
    ) -> SetServerDefaultPermissions
        = SetServerDefaultPermissions::new(server, permissions);

    /// Creates a role (ranked below every existing role).
    "POST /servers/{id}/roles"
    fn create_role(server: ServerId, name: impl Into<String>) -> CreateRole
        = CreateRole::new(server, name);

    /// Deletes a role.
    "DELETE /servers/{id}/roles/{role}"
    fn delete_role(server: ServerId, role: RoleId) -> DeleteRole = DeleteRole::new(server, role);

    /// Edits a role (reorder roles with [`EditRoleRanks`](crate::http::routes::EditRoleRanks)).
    "PATCH /servers/{id}/roles/{role}"
    fn edit_role(server: ServerId, role: RoleId) -> EditRole = EditRole::new(server, role);

    /// Reorders the roles. List **every** role, highest first (index 0 is rank 0, the top).
    "PATCH /servers/{id}/roles/ranks"
    fn bulk_edit_role_ranks(server: ServerId, ranks: Vec<RoleId>) -> EditRoleRanks
        = EditRoleRanks::new(server, ranks);

    /// Fetches a role.
    "GET /servers/{id}/roles/{role}"
    fn fetch_role(server: ServerId, role: RoleId) -> FetchRole = FetchRole::new(server, role);

    /// Marks every channel of a server as read (user accounts only).
    "PUT /servers/{id}/ack"
    fn mark_server_as_read(server: ServerId) -> MarkServerAsRead = MarkServerAsRead::new(server);

    /// Creates a server with a `General` channel (user accounts only).
    "POST /servers/create"
    fn create_server(name: impl Into<String>) -> CreateServer = CreateServer::new(name);

    /// Leaves a server; **the owner deletes it**.
    "DELETE /servers/{id}"
    fn leave_server(server: ServerId) -> LeaveServer = LeaveServer::new(server);

    /// Edits a server.
    "PATCH /servers/{id}"
    fn edit_server(server: ServerId) -> EditServer = EditServer::new(server);

    /// Fetches a server, optionally with its channels.
    "GET /servers/{id}"
    fn fetch_server(server: ServerId) -> FetchServer = FetchServer::new(server);

    /// Deletes an invite.
    "DELETE /invites/{code}"
    fn delete_invite(code: InviteCode) -> DeleteInvite = DeleteInvite::new(code);

    /// Fetches what an invite leads to. Public.
    "GET /invites/{code}"
    fn fetch_invite(code: InviteCode) -> FetchInvite = FetchInvite::new(code);

    /// Joins the server or group an invite leads to (user accounts only; bots are added with
    /// [`InviteBot`](crate::http::routes::InviteBot)).
    "POST /invites/{code}"
    fn accept_invite(code: InviteCode) -> JoinInvite = JoinInvite::new(code);

    /// Turns an uploaded image (tag `emojis`) into a server emoji. The emoji's id is the
    /// upload's id.
    "PUT /custom/emoji/{id}"
    fn create_server_emoji(file: FileId, server: ServerId, name: impl Into<String>) -> CreateEmoji
        = CreateEmoji::new(file, server, name);

    /// Deletes an emoji.
    "DELETE /custom/emoji/{id}"
    fn delete_emoji(emoji: EmojiId) -> DeleteEmoji = DeleteEmoji::new(emoji);

    /// Renames an emoji.
    "PATCH /custom/emoji/{id}"
    fn edit_emoji(emoji: EmojiId, name: impl Into<String>) -> EditEmoji
        = EditEmoji::new(emoji, name);

    /// Fetches an emoji. Public.
    "GET /custom/emoji/{id}"
    fn fetch_emoji(emoji: EmojiId) -> FetchEmoji = FetchEmoji::new(emoji);

    /// Reports a message, a server or a user (user accounts only); see
    /// [`ReportContent::message`](crate::http::routes::ReportContent::message) and its siblings
    /// for the usual shapes.
    "POST /safety/report"
    fn report_content(content: ReportedContent) -> ReportContent = ReportContent::new(content);

    /// Changes your email address.
    "PATCH /auth/account/change/email"
    fn change_email(email: impl Into<String>, current_password: Secret) -> ChangeEmail
        = ChangeEmail::new(email, current_password);

    /// Changes your password.
    "PATCH /auth/account/change/password"
    fn change_password(password: Secret, current_password: Secret) -> ChangePassword
        = ChangePassword::new(password, current_password);

    /// Confirms an account deletion with the emailed token. Public.
    "PUT /auth/account/delete"
    fn confirm_account_deletion(token: Secret) -> ConfirmAccountDeletion
        = ConfirmAccountDeletion::new(token);

    /// Registers an account; a verification email follows when the instance sends email.
    /// Public.
    "POST /auth/account/create"
    fn register(email: impl Into<String>, password: Secret) -> CreateAccount
        = CreateAccount::new(email, password);

    /// Asks to delete your account; a confirmation email follows
    /// ([`ConfirmAccountDeletion`](crate::http::routes::ConfirmAccountDeletion)). Needs a
    /// validated MFA ticket.
    "POST /auth/account/delete"
    fn delete_account(mfa_ticket: Secret) -> DeleteAccount = DeleteAccount::new(mfa_ticket);

    /// Disables your account and logs every session out. Needs a validated MFA ticket.
    "POST /auth/account/disable"
    fn disable_account(mfa_ticket: Secret) -> DisableAccount = DisableAccount::new(mfa_ticket);

    /// Fetches your account's id and email.
    "GET /auth/account/"
    fn fetch_account() -> FetchAccount = FetchAccount;

    /// Sets a new password with the emailed token. Public.
    "PATCH /auth/account/reset_password"
    fn confirm_password_reset(token: Secret, password: Secret) -> ResetPassword
        = ResetPassword::new(token, password);

    /// Sends the verification email again. Public.
    "POST /auth/account/reverify"
    fn resend_verification(email: impl Into<String>) -> ResendVerification
        = ResendVerification::new(email);

    /// Emails a password reset link. Public.
    "POST /auth/account/reset_password"
    fn send_password_reset(email: impl Into<String>) -> SendPasswordReset
        = SendPasswordReset::new(email);

    /// Confirms an email address with the emailed code. Public.
    "POST /auth/account/verify/{code}"
    fn verify_email(code: Secret) -> VerifyEmail = VerifyEmail::new(code);

    /// Renames a session.
    "PATCH /auth/session/{id}"
    fn edit_session(session: SessionId, name: impl Into<String>) -> EditSession
        = EditSession::new(session, name);

    /// Fetches your sessions.
    "GET /auth/session/all"
    fn fetch_sessions() -> FetchSessions = FetchSessions;

    /// Logs in with email and password. Public. The second step of an MFA login is
    /// [`Login::mfa`](crate::http::routes::Login::mfa), sent with [`Pending::new`] (or
    /// `execute`).
    "POST /auth/session/login"
    fn login_with_email(email: impl Into<String>, password: Secret) -> Login
        = Login::email(email, password);

    /// Ends the current session.
    "POST /auth/session/logout"
    fn logout() -> Logout = Logout;

    /// Logs a session out.
    "DELETE /auth/session/{id}"
    fn revoke_session(session: SessionId) -> RevokeSession = RevokeSession::new(session);

    /// Logs every other session out (and this one too with `revoke_self`).
    "DELETE /auth/session/all"
    fn revoke_all_sessions() -> DeleteAllSessions = DeleteAllSessions::new();

    /// Exchanges a second factor for an MFA ticket.
    "PUT /auth/mfa/ticket"
    fn create_mfa_ticket(response: MfaResponse) -> CreateMfaTicket = CreateMfaTicket::new(response);

    /// Fetches your recovery codes. Needs a validated MFA ticket.
    "POST /auth/mfa/recovery"
    fn fetch_recovery_codes(mfa_ticket: Secret) -> FetchRecoveryCodes
        = FetchRecoveryCodes::new(mfa_ticket);

    /// Fetches which second factors are set up.
    "GET /auth/mfa/"
    fn fetch_mfa_status() -> FetchMfaStatus = FetchMfaStatus;

    /// Replaces your recovery codes. Needs a validated MFA ticket.
    "PATCH /auth/mfa/recovery"
    fn generate_recovery_codes(mfa_ticket: Secret) -> GenerateRecoveryCodes
        = GenerateRecoveryCodes::new(mfa_ticket);

    /// Fetches the second factors you can answer with.
    "GET /auth/mfa/methods"
    fn fetch_mfa_methods() -> FetchMfaMethods = FetchMfaMethods;

    /// Turns TOTP off. Needs a validated MFA ticket.
    "DELETE /auth/mfa/totp"
    fn disable_totp_mfa(mfa_ticket: Secret) -> DisableTotp = DisableTotp::new(mfa_ticket);

    /// Turns TOTP on by answering with a code from the new secret.
    "PUT /auth/mfa/totp"
    fn enable_totp_mfa(response: MfaResponse) -> EnableTotp = EnableTotp::new(response);

    /// Generates a new TOTP secret to enrol (confirm it with
    /// [`EnableTotp`](crate::http::routes::EnableTotp)). Needs a validated MFA ticket.
    "POST /auth/mfa/totp"
    fn generate_totp_secret(mfa_ticket: Secret) -> GenerateTotpSecret
        = GenerateTotpSecret::new(mfa_ticket);

    /// Picks the username of a new account, which creates its user.
    "POST /onboard/complete"
    fn complete_onboarding(username: impl Into<String>) -> CompleteOnboarding
        = CompleteOnboarding::new(username);

    /// Fetches whether the account still has to pick a username.
    "GET /onboard/hello"
    fn fetch_onboarding_status() -> FetchOnboarding = FetchOnboarding;

    /// Acknowledges the policy changes announced in `Ready`.
    "POST /policy/acknowledge"
    fn acknowledge_policy_changes() -> AcknowledgePolicyChanges = AcknowledgePolicyChanges;

    /// Attaches a Web Push subscription to the current session (the instance's VAPID key is
    /// `GET /` → `vapid`).
    "POST /push/subscribe"
    fn push_subscribe(
        endpoint: impl Into<String>,
        p256dh: impl Into<String>,
        auth: impl Into<String>,
    ) -> PushSubscribe
        = PushSubscribe::new(endpoint, p256dh, auth);

    /// Removes the current session's Web Push subscription.
    "POST /push/unsubscribe"
    fn push_unsubscribe() -> PushUnsubscribe = PushUnsubscribe;

    /// Fetches synced settings by key.
    "POST /sync/settings/fetch"
    fn fetch_user_settings(keys: impl IntoIterator<Item = impl Into<String>>) -> FetchSettings
        = FetchSettings::new(keys);

    /// Fetches your read state in every channel.
    "GET /sync/unreads"
    fn fetch_read_states() -> FetchUnreads = FetchUnreads;

    /// Stores synced settings (opaque strings, usually JSON).
    "POST /sync/settings/set"
    fn edit_user_settings() -> SetSettings = SetSettings::new();

    /// Deletes a webhook (needs `ManageWebhooks`).
    "DELETE /webhooks/{id}"
    fn delete_webhook(webhook: WebhookId) -> DeleteWebhook = DeleteWebhook::new(webhook);

    /// Deletes a message the webhook posted.
    "DELETE /webhooks/{id}/{token}/{message}"
    fn delete_webhook_message(
        webhook: WebhookId,
        token: Secret,
        message: MessageId,
    ) -> DeleteWebhookMessage
        = DeleteWebhookMessage::new(webhook, token, message);

    /// Deletes a webhook by its token.
    "DELETE /webhooks/{id}/{token}"
    fn delete_webhook_with_token(webhook: WebhookId, token: Secret) -> DeleteWebhookWithToken
        = DeleteWebhookWithToken::new(webhook, token);

    /// Edits a webhook with your token (needs `ManageWebhooks`).
    "PATCH /webhooks/{id}"
    fn edit_webhook(webhook: WebhookId) -> EditWebhook = EditWebhook::new(webhook);

    /// Edits a message the webhook posted.
    "PATCH /webhooks/{id}/{token}/{message}"
    fn edit_webhook_message(
        webhook: WebhookId,
        token: Secret,
        message: MessageId,
        content: impl Into<String>,
    ) -> EditWebhookMessage
        = EditWebhookMessage::new(webhook, token, message, content);

    /// Edits a webhook by its token.
    "PATCH /webhooks/{id}/{token}"
    fn edit_webhook_with_token(webhook: WebhookId, token: Secret) -> EditWebhookWithToken
        = EditWebhookWithToken::new(webhook, token);

    /// Posts a message as the webhook.
    "POST /webhooks/{id}/{token}"
    fn execute_webhook(
        webhook: WebhookId,
        token: Secret,
        content: impl Into<String>,
    ) -> ExecuteWebhook
        = ExecuteWebhook::new(webhook, token, content);

    /// Forwards a GitHub webhook delivery, which the server turns into a message.
    "POST /webhooks/{id}/{token}/github"
    fn execute_github_webhook(
        webhook: WebhookId,
        token: Secret,
        event: impl Into<String>,
        payload: serde_json::Value,
    ) -> ExecuteGithubWebhook
        = ExecuteGithubWebhook::new(webhook, token, event, payload);

    /// Fetches a webhook, as a user with `ManageWebhooks` sees it (no token).
    "GET /webhooks/{id}"
    fn fetch_webhook(webhook: WebhookId) -> FetchWebhook = FetchWebhook::new(webhook);

    /// Fetches a webhook, by its token (no account needed).
    "GET /webhooks/{id}/{token}"
    fn fetch_webhook_with_token(webhook: WebhookId, token: Secret) -> FetchWebhookWithToken
        = FetchWebhookWithToken::new(webhook, token);
}

#[cfg(test)]
mod tests {
    use super::documented_routes;

    /// `/channels/{id}/messages` and `/channels/{target}/messages` name the same route.
    fn normalise(path: &str) -> String {
        let mut out = String::new();
        let mut in_placeholder = false;
        for c in path.chars() {
            match c {
                '{' => {
                    in_placeholder = true;
                    out.push_str("{}");
                }
                '}' => in_placeholder = false,
                c if !in_placeholder => out.push(c),
                _ => {}
            }
        }
        out
    }

    #[test]
    fn every_method_documents_its_real_route() {
        for (name, documented, route) in documented_routes() {
            assert_eq!(
                normalise(documented),
                normalise(&format!("{} {}", route.method, route.path)),
                "{name}"
            );
        }
    }
}
