//! One typed request per API route (all 125 routes of the server), grouped as the API is.
//!
//! Each request type knows its [`Route`] (`ROUTE`: method and path template, exactly as
//! the server mounts it), builds its [`RequestParts`](super::RequestParts) in
//! [`to_parts`](Request::to_parts) after checking the server's input limits
//! ([`validate`]), and names the type its response decodes to (`()` for the 204 routes).
//! [`all`] lists every request type with its route.
//!
//! Conventions:
//!
//! * required inputs are constructor arguments, optional ones builder methods;
//! * edits use [`Edit`] for fields that can be cleared (sent in the body's `remove`
//!   list with the server's `Fields*` name);
//! * routes that accept `X-Audit-Log-Reason` have a `reason` field and a `.reason()`
//!   builder (at most 512 bytes);
//! * routes that need `X-MFA-Ticket` take the ticket as a [`Secret`](crate::auth::Secret);
//! * public routes (`GET /`, invites, emojis, account creation, login, webhook tokens, ...)
//!   send no token.
//!
//! | module | routes |
//! |---|---|
//! | root | `GET /` |
//! | users | `/users`: users, profiles, relationships, DMs |
//! | bots | `/bots` |
//! | channels | `/channels/{id}`: channels, groups, permissions, read state, voice; server channel creation |
//! | messages | `/channels/{id}/messages`, `/channels/{id}/search` |
//! | reactions | `/channels/{id}/messages/{msg}/reactions` |
//! | servers | `/servers/{id}`, default permissions, read state, audit log |
//! | members | `/servers/{id}/members`, `/servers/{id}/bans` |
//! | roles | `/servers/{id}/roles`, `/servers/{id}/permissions/{role}` |
//! | invites | `/invites`, channel and server invites |
//! | customisation | `/custom/emoji`, server emojis |
//! | safety | `/safety/report` |
//! | account, session, mfa | `/auth/account`, `/auth/session`, `/auth/mfa` |
//! | onboarding, policy, push, sync | `/onboard`, `/policy`, `/push`, `/sync` |
//! | webhooks | `/channels/{id}/webhooks`, `/webhooks` |

#[macro_use]
mod macros;

mod account;
mod bots;
mod channels;
#[cfg(test)]
mod completeness;
mod customisation;
mod edit;
mod invites;
mod members;
mod messages;
mod mfa;
mod onboarding;
mod policy;
mod push;
mod reactions;
mod roles;
mod root;
mod safety;
mod servers;
mod session;
mod sync;
mod users;
pub mod validate;
mod webhooks;

pub use account::{
    ChangeEmail, ChangePassword, ConfirmAccountDeletion, CreateAccount, DataEmail, DeleteAccount,
    DisableAccount, FetchAccount, ResendVerification, ResetPassword, ResponseVerify,
    SendPasswordReset, VerifyEmail,
};
pub use bots::{
    CreateBot, DeleteBot, EditBot, FetchBot, FetchOwnedBots, FetchPublicBot, InviteBot,
};
pub use channels::{
    AcknowledgeMessage, AddGroupMember, ChannelDefaultPermissions, CloseChannel, CreateGroup,
    CreateServerChannel, EditChannel, FetchChannel, FetchGroupMembers, JoinCall, RemoveGroupMember,
    ServerChannelType, SetChannelDefaultPermissions, SetChannelRolePermissions, StopRing,
};
pub use customisation::{CreateEmoji, DeleteEmoji, EditEmoji, FetchEmoji, FetchServerEmojis};
pub use edit::Edit;
pub use invites::{CreateInvite, DeleteInvite, FetchInvite, FetchServerInvites, JoinInvite};
pub use members::{
    BanUser, EditMember, FetchBans, FetchMember, FetchMembers, KickMember, MemberQueryResponse,
    QueryMembers, UnbanUser,
};
pub use messages::{
    BulkDeleteMessages, DataEditMessage, DataMessageSend, DeleteMessage, EditMessage, FetchMessage,
    FetchMessages, MessageSort, PinMessage, SearchMessages, SendMessage, UnpinMessage,
};
pub use mfa::{
    CreateMfaTicket, DisableTotp, EnableTotp, FetchMfaMethods, FetchMfaStatus, FetchRecoveryCodes,
    GenerateRecoveryCodes, GenerateTotpSecret,
};
pub use onboarding::{CompleteOnboarding, FetchOnboarding};
pub use policy::AcknowledgePolicyChanges;
pub use push::{PushSubscribe, PushUnsubscribe};
pub use reactions::{AddReaction, ClearReactions, RemoveReaction};
pub use roles::{
    CreateRole, DeleteRole, EditRole, EditRoleRanks, FetchRole, SetServerRolePermissions,
};
pub use root::FetchInstance;
pub use safety::ReportContent;
pub use servers::{
    CreateServer, EditServer, FetchServer, FetchServerResponse, LeaveServer, MarkServerAsRead,
    QueryAuditLogs, SetServerDefaultPermissions,
};
pub use session::{
    DataLogin, DeleteAllSessions, EditSession, FetchSessions, Login, Logout, RevokeSession,
};
pub use sync::{FetchSettings, FetchUnreads, SetSettings};
pub use users::{
    AcceptFriendRequest, BlockUser, ChangeUsername, EditUser, FetchDefaultAvatar,
    FetchDirectMessageChannels, FetchMutual, FetchSelf, FetchUser, FetchUserFlags,
    FetchUserProfile, OpenDirectMessage, PngImage, RemoveFriend, SendFriendRequest, UnblockUser,
};
pub use validate::{MAX_ATTACHMENTS, MAX_CONTENT_BYTES, MAX_EMBEDS, MAX_REPLIES};
pub use webhooks::{
    CreateWebhook, DataEditWebhook, DeleteWebhook, DeleteWebhookMessage, DeleteWebhookWithToken,
    EditWebhook, EditWebhookMessage, EditWebhookWithToken, ExecuteGithubWebhook, ExecuteWebhook,
    FetchChannelWebhooks, FetchWebhook, FetchWebhookWithToken,
};

use super::{Request, Route};

macro_rules! registry {
    ($($ty:ty),* $(,)?) => {
        /// Every typed request with its route, in the order of the reference's route table
        /// (for tooling and the route-table test).
        pub fn all() -> Vec<(&'static str, Route)> {
            vec![$((stringify!($ty), <$ty as Request>::ROUTE)),*]
        }
    };
}

registry![
    // Root.
    FetchInstance,
    // Users.
    AcceptFriendRequest,
    BlockUser,
    ChangeUsername,
    EditUser,
    FetchDirectMessageChannels,
    FetchUserProfile,
    FetchSelf,
    FetchUser,
    FetchUserFlags,
    FetchMutual,
    FetchDefaultAvatar,
    OpenDirectMessage,
    RemoveFriend,
    SendFriendRequest,
    UnblockUser,
    // Bots.
    CreateBot,
    DeleteBot,
    EditBot,
    FetchBot,
    FetchOwnedBots,
    FetchPublicBot,
    InviteBot,
    // Channels.
    AcknowledgeMessage,
    CloseChannel,
    EditChannel,
    FetchChannel,
    AddGroupMember,
    CreateGroup,
    RemoveGroupMember,
    CreateInvite,
    FetchGroupMembers,
    BulkDeleteMessages,
    ClearReactions,
    DeleteMessage,
    EditMessage,
    FetchMessage,
    PinMessage,
    FetchMessages,
    AddReaction,
    SearchMessages,
    SendMessage,
    UnpinMessage,
    RemoveReaction,
    SetChannelRolePermissions,
    SetChannelDefaultPermissions,
    JoinCall,
    StopRing,
    CreateWebhook,
    FetchChannelWebhooks,
    // Servers.
    QueryAuditLogs,
    BanUser,
    FetchBans,
    UnbanUser,
    CreateServerChannel,
    FetchServerEmojis,
    FetchServerInvites,
    EditMember,
    QueryMembers,
    FetchMember,
    FetchMembers,
    KickMember,
    SetServerRolePermissions,
    SetServerDefaultPermissions,
    CreateRole,
    DeleteRole,
    EditRole,
    EditRoleRanks,
    FetchRole,
    MarkServerAsRead,
    CreateServer,
    LeaveServer,
    EditServer,
    FetchServer,
    // Invites.
    DeleteInvite,
    FetchInvite,
    JoinInvite,
    // Customisation.
    CreateEmoji,
    DeleteEmoji,
    EditEmoji,
    FetchEmoji,
    // Safety.
    ReportContent,
    // Account.
    ChangeEmail,
    ChangePassword,
    ConfirmAccountDeletion,
    CreateAccount,
    DeleteAccount,
    DisableAccount,
    FetchAccount,
    ResetPassword,
    ResendVerification,
    SendPasswordReset,
    VerifyEmail,
    // Session.
    EditSession,
    FetchSessions,
    Login,
    Logout,
    RevokeSession,
    DeleteAllSessions,
    // MFA.
    CreateMfaTicket,
    FetchRecoveryCodes,
    FetchMfaStatus,
    GenerateRecoveryCodes,
    FetchMfaMethods,
    DisableTotp,
    EnableTotp,
    GenerateTotpSecret,
    // Onboarding.
    CompleteOnboarding,
    FetchOnboarding,
    // Policy.
    AcknowledgePolicyChanges,
    // Web Push.
    PushSubscribe,
    PushUnsubscribe,
    // Sync.
    FetchSettings,
    FetchUnreads,
    SetSettings,
    // Webhooks.
    DeleteWebhook,
    DeleteWebhookMessage,
    DeleteWebhookWithToken,
    EditWebhook,
    EditWebhookMessage,
    EditWebhookWithToken,
    ExecuteWebhook,
    ExecuteGithubWebhook,
    FetchWebhook,
    FetchWebhookWithToken,
];
