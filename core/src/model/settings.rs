//! Synced user settings.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// One synced setting: when it was set and its (opaque, usually JSON) value.
///
/// On the wire it is a pair `[timestamp_ms, "value"]`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "(i64, String)", into = "(i64, String)")]
#[non_exhaustive]
pub struct UserSetting {
    /// When it was set, in milliseconds since the Unix epoch.
    pub timestamp: i64,
    /// The value.
    pub value: String,
}

impl UserSetting {
    /// A setting.
    pub fn new(timestamp: i64, value: impl Into<String>) -> Self {
        Self {
            timestamp,
            value: value.into(),
        }
    }
}

impl From<(i64, String)> for UserSetting {
    fn from((timestamp, value): (i64, String)) -> Self {
        Self { timestamp, value }
    }
}

impl From<UserSetting> for (i64, String) {
    fn from(setting: UserSetting) -> Self {
        (setting.timestamp, setting.value)
    }
}

/// Synced settings by key (`{"key": [timestamp_ms, "value"]}`).
pub type UserSettings = HashMap<String, UserSetting>;
