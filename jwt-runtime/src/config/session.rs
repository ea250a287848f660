//! The lifetimes of sessions: configuration, as the token lifetimes are.

use std::time::Duration;

/// The lifetimes of a manager's sessions (`JwtManagerBuilder::sessions`).
///
/// ```
/// # use std::time::Duration;
/// # use axum_jwt_extended_runtime::SessionPolicy;
/// let policy = SessionPolicy::new()
///     .max_age(Duration::from_secs(30 * 24 * 3600))
///     .idle_timeout(Duration::from_secs(7 * 24 * 3600));
/// # let _ = policy;
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SessionPolicy {
    pub(crate) max_age: Option<Duration>,
    pub(crate) idle_timeout: Option<Duration>,
}

impl SessionPolicy {
    /// No absolute lifetime and no idle timeout: a session ends when it is ended, or with
    /// its latest refresh token.
    pub fn new() -> Self {
        SessionPolicy::default()
    }

    /// The absolute lifetime: a session ends this long after its login, whatever its use
    /// (at least a second).
    pub fn max_age(mut self, max_age: Duration) -> Self {
        self.max_age = Some(max_age.max(Duration::from_secs(1)));
        self
    }

    /// The idle timeout: a session ends this long after its login or latest refresh (at
    /// least a second).
    pub fn idle_timeout(mut self, idle: Duration) -> Self {
        self.idle_timeout = Some(idle.max(Duration::from_secs(1)));
        self
    }
}
