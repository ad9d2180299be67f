//! Platform policy changes.

use serde::{Deserialize, Serialize};

use super::Timestamp;

/// A change to the platform's policies that a user has not acknowledged yet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PolicyChange {
    /// When it was announced.
    pub created_time: Timestamp,
    /// When it takes effect.
    pub effective_time: Timestamp,
    /// What changed.
    pub description: String,
    /// Where to read it.
    pub url: String,
}
