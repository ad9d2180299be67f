//! Safety reports.

use serde::{Deserialize, Serialize};

use super::{Timestamp, UnknownVariant};
use crate::id::{MessageId, ReportId, ServerId, UserId};

string_enum! {
    /// Why a message or server was reported.
    pub enum ContentReportReason {
        /// No reason given.
        NoneSpecified = "NoneSpecified",
        /// Illegal content.
        Illegal = "Illegal",
        /// Illegal goods or services.
        IllegalGoods = "IllegalGoods",
        /// Extortion or blackmail.
        IllegalExtortion = "IllegalExtortion",
        /// Illegal pornography.
        IllegalPornography = "IllegalPornography",
        /// Illegal hacking.
        IllegalHacking = "IllegalHacking",
        /// Extreme violence.
        ExtremeViolence = "ExtremeViolence",
        /// Promotes harm.
        PromotesHarm = "PromotesHarm",
        /// Unsolicited spam.
        UnsolicitedSpam = "UnsolicitedSpam",
        /// A raid.
        Raid = "Raid",
        /// Spam or platform abuse.
        SpamAbuse = "SpamAbuse",
        /// Scams or fraud.
        ScamsFraud = "ScamsFraud",
        /// Malware.
        Malware = "Malware",
        /// Harassment.
        Harassment = "Harassment",
    }
}

string_enum! {
    /// Why a user was reported.
    pub enum UserReportReason {
        /// No reason given.
        NoneSpecified = "NoneSpecified",
        /// Unsolicited spam.
        UnsolicitedSpam = "UnsolicitedSpam",
        /// Spam or platform abuse.
        SpamAbuse = "SpamAbuse",
        /// Inappropriate profile.
        InappropriateProfile = "InappropriateProfile",
        /// Impersonation.
        Impersonation = "Impersonation",
        /// Ban evasion.
        BanEvasion = "BanEvasion",
        /// Under the minimum age.
        Underage = "Underage",
    }
}

/// What was reported, tagged by `type`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", remote = "Self")]
#[non_exhaustive]
pub enum ReportedContent {
    /// A message.
    Message {
        /// The message.
        id: MessageId,
        /// Why.
        report_reason: ContentReportReason,
    },
    /// A server.
    Server {
        /// The server.
        id: ServerId,
        /// Why.
        report_reason: ContentReportReason,
    },
    /// A user.
    User {
        /// The user.
        id: UserId,
        /// Why.
        report_reason: UserReportReason,
        /// A message that shows the problem (`null` if none).
        #[serde(default)]
        message_id: Option<MessageId>,
    },
    /// A kind this version of the library does not know, kept verbatim.
    #[serde(untagged)]
    Unknown(UnknownVariant),
}

checked_tagged_enum!(
    ReportedContent,
    "type",
    UnknownVariant,
    ["Message", "Server", "User"]
);

/// Where a report stands, tagged by `status` (flattened into [`Report`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status")]
#[non_exhaustive]
pub enum ReportStatus {
    /// Open.
    Created {},
    /// Rejected by moderators.
    Rejected {
        /// Why.
        rejection_reason: String,
        /// When it was closed.
        #[serde(default)]
        closed_at: Option<Timestamp>,
    },
    /// Acted upon.
    Resolved {
        /// When it was closed.
        #[serde(default)]
        closed_at: Option<Timestamp>,
    },
    /// A status this version of the library does not know.
    #[serde(other)]
    Unknown,
}

/// A safety report (`ReportCreate`, sent only to the platform's moderation topic).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Report {
    /// Report id.
    #[serde(rename = "_id")]
    pub id: ReportId,
    /// Who reported it.
    pub author_id: UserId,
    /// What was reported.
    pub content: ReportedContent,
    /// Extra context from the reporter.
    #[serde(default)]
    pub additional_context: String,
    /// Where it stands.
    #[serde(flatten)]
    pub status: ReportStatus,
    /// Moderator notes.
    #[serde(default)]
    pub notes: String,
}

/// Body of `POST /safety/report`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DataReportContent {
    /// What to report.
    pub content: ReportedContent,
    /// Extra context (at most 1000 characters).
    #[serde(default)]
    pub additional_context: String,
}
