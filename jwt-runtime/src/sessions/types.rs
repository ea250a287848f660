//! The data of the sessions API: per-login options and listed sessions.

use std::time::Duration;

use serde::Serialize;
use serde_json::{Map, Value};

/// What one login says about its session: what the app knows of it, and lifetimes of its
/// own ("remember me").
///
/// ```
/// # use std::time::Duration;
/// # use axum_jwt_extended_runtime::SessionOptions;
/// let options = SessionOptions::new()
///     .user_agent("Mozilla/5.0 (X11; Linux x86_64)")
///     .data("ip", "203.0.113.7")
///     .max_age(Duration::from_secs(90 * 24 * 3600)); // remember me
/// # let _ = options;
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SessionOptions {
    pub(crate) data: Map<String, Value>,
    pub(crate) max_age: Option<Duration>,
    pub(crate) idle_timeout: Option<Duration>,
}

/// The longest `User-Agent` kept, in characters.
const USER_AGENT_LIMIT: usize = 256;

impl SessionOptions {
    /// The manager's lifetimes, no data.
    pub fn new() -> Self {
        SessionOptions::default()
    }

    /// The login request's `User-Agent` (kept under `user_agent`, at most 256 characters).
    pub fn user_agent(self, user_agent: &str) -> Self {
        let kept: String = user_agent.chars().take(USER_AGENT_LIMIT).collect();
        self.data("user_agent", kept)
    }

    /// Anything else the app wants listed with the session.
    pub fn data(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.data.insert(key.to_owned(), value.into());
        self
    }

    /// This login's absolute lifetime, instead of the manager's (at least a second).
    pub fn max_age(mut self, max_age: Duration) -> Self {
        self.max_age = Some(max_age.max(Duration::from_secs(1)));
        self
    }

    /// This login's idle timeout, instead of the manager's (at least a second).
    pub fn idle_timeout(mut self, idle: Duration) -> Self {
        self.idle_timeout = Some(idle.max(Duration::from_secs(1)));
        self
    }
}

/// A live session of an identity, as [`JwtManager::sessions_of`](crate::JwtManager::sessions_of) lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Session {
    /// The session id.
    pub id: String,
    /// The login time (seconds since the epoch).
    pub created_at: u64,
    /// The time of the login or of its latest refresh.
    pub last_seen_at: u64,
    /// When it ends by its limits; `None` when none applies.
    pub expires_at: Option<u64>,
    /// What the app attached to it (`user_agent`, …).
    pub data: Map<String, Value>,
    /// Whether the token it was listed for belongs to it.
    pub current: bool,
}
