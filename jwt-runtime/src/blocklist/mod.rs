//! Token revocation: the [`BlocklistStore`] interface and its stores.
//!
//! With a store configured (`JwtManagerBuilder::blocklist`), every protected request checks
//! the token's `jti` (unless `skip_revocation_check`), and [`JwtManager::revoke_token`]
//! revokes one. Entries live as long as the token would have. A store that fails or times out
//! denies the request with 503: fail closed.

mod memory;
#[cfg(feature = "redis")]
mod redis_store;

use std::fmt;
use std::time::Duration;

pub use memory::MemoryBlocklist;
#[cfg(feature = "redis")]
pub use redis_store::RedisBlocklist;

use crate::loaders::BoxFuture;

/// A store failure (connection refused, timeout…). Requests fail closed with 503.
#[derive(Debug, Clone)]
pub struct StoreError(pub String);

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StoreError {}

/// Where revoked `jti`s are kept.
pub trait BlocklistStore: Send + Sync + 'static {
    /// Whether `jti` is revoked.
    fn is_revoked<'a>(&'a self, jti: &'a str) -> BoxFuture<'a, Result<bool, StoreError>>;

    /// Revokes `jti` for `ttl` (the token's remaining lifetime; `None` = forever).
    fn revoke<'a>(
        &'a self,
        jti: &'a str,
        ttl: Option<Duration>,
    ) -> BoxFuture<'a, Result<(), StoreError>>;

    /// Tokens of `identity` issued at or before `issued_before` (seconds since the epoch) are
    /// revoked; kept for `ttl`.
    fn revoke_identity_before<'a>(
        &'a self,
        identity: &'a str,
        issued_before: u64,
        ttl: Option<Duration>,
    ) -> BoxFuture<'a, Result<(), StoreError>>;

    /// Answers both questions at once without waiting, when the store can (an in-process
    /// store): whether `jti` is revoked, and the cut-off of `identity`. `None` (the default)
    /// means "ask the async methods".
    fn lookup_now(
        &self,
        _jti: &str,
        _identity: Option<&str>,
    ) -> Option<Result<(bool, Option<u64>), StoreError>> {
        None
    }

    /// The moment before which tokens of `identity` are revoked, if any.
    fn identity_revoked_before<'a>(
        &'a self,
        identity: &'a str,
    ) -> BoxFuture<'a, Result<Option<u64>, StoreError>>;
}

/// How long a store must wait for an answer before the request fails closed.
pub(crate) const STORE_TIMEOUT: Duration = Duration::from_secs(2);

/// Runs a store call with [`STORE_TIMEOUT`]. A call that is ready at once (the in-memory
/// store) costs no timer.
pub(crate) async fn bounded<T>(
    fut: impl std::future::Future<Output = Result<T, StoreError>>,
) -> Result<T, StoreError> {
    let mut fut = std::pin::pin!(fut);
    let first = std::future::poll_fn(|cx| std::task::Poll::Ready(fut.as_mut().poll(cx))).await;
    if let std::task::Poll::Ready(out) = first {
        return out;
    }
    match tokio::time::timeout(STORE_TIMEOUT, fut).await {
        Ok(out) => out,
        Err(_) => Err(StoreError("timed out".into())),
    }
}
