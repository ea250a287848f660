//! A session as a store keeps it: the data type the store interface and the sessions API
//! share.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A session as a store keeps it (as JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionRecord {
    /// The session id (the tokens' `fam`).
    pub id: String,
    /// The login time (seconds since the epoch; the tokens' `auth_time`).
    pub created_at: u64,
    /// The time of the login or of its latest refresh.
    pub last_seen_at: u64,
    /// The absolute lifetime, in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_age: Option<u64>,
    /// The idle timeout, in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_timeout: Option<u64>,
    /// When the latest refresh token of the session expires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_expires_at: Option<u64>,
    /// What the app attached to it.
    #[serde(default)]
    pub data: Map<String, Value>,
}

impl SessionRecord {
    /// When the session ends by its limits (`None`: none applies).
    pub fn ends_at(&self) -> Option<u64> {
        [
            self.max_age.map(|m| self.created_at.saturating_add(m)),
            self.idle_timeout
                .map(|i| self.last_seen_at.saturating_add(i)),
            self.refresh_expires_at,
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// When the session ends at the latest, whatever its use: `created_at` + its maximum
    /// age.
    pub fn absolute_end(&self) -> Option<u64> {
        self.max_age.map(|m| self.created_at.saturating_add(m))
    }

    /// How long a store keeps the record: as long as a token of the session may still be
    /// presented (its latest refresh token, or its absolute end, plus a minute), so that a
    /// refresh after the end finds it and answers `Session expired`; `None`: for ever.
    pub fn keep_until(&self) -> Option<u64> {
        self.refresh_expires_at
            .or_else(|| self.absolute_end())
            .map(|t| t.saturating_add(60))
    }

    /// Whether it has ended by its limits at `now`.
    pub fn has_ended(&self, now: u64) -> bool {
        self.ends_at().is_some_and(|end| now >= end)
    }
}
