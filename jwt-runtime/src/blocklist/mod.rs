//! Token revocation: the [`BlocklistStore`] interface and its stores.
//!
//! With a store configured (`JwtManagerBuilder::blocklist`), every protected request checks
//! the token's `jti` (unless `skip_revocation_check`), and
//! `JwtManager::revoke_token` revokes one. Entries live as long as the token would have. A store that fails or times out
//! denies the request with 503: fail closed.

mod memory;
#[cfg(feature = "redis")]
mod redis_store;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod sql;

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

pub use memory::MemoryBlocklist;
#[cfg(feature = "redis")]
pub use redis_store::{RedisBlocklist, RedisTimeouts};
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub use sql::{SqlBlocklist, SqlBlocklistOptions};

use crate::loaders::BoxFuture;

/// A store failure: connection refused, a timeout, a full in-memory store. Requests fail
/// closed with 503; the cause is logged and given by `source()`, never sent to the client.
#[derive(Debug, Clone)]
pub struct StoreError {
    message: Cow<'static, str>,
    source: Option<Arc<dyn std::error::Error + Send + Sync>>,
}

impl StoreError {
    /// A failure described by `message`.
    pub fn new(message: impl Into<Cow<'static, str>>) -> Self {
        StoreError {
            message: message.into(),
            source: None,
        }
    }

    /// A failure caused by `source` (a client library's error).
    pub fn with_source(
        message: impl Into<Cow<'static, str>>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        StoreError {
            message: message.into(),
            source: Some(Arc::new(source)),
        }
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// What a store knows about one token: whether its `jti` is revoked, and the moment before
/// which every token of its identity is revoked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Verdict {
    /// The `jti` was revoked.
    pub jti_revoked: bool,
    /// Tokens of this identity issued at or before this time (seconds since the epoch) are
    /// revoked.
    pub identity_revoked_before: Option<u64>,
}

/// Where revocations are kept: the `jti`s of revoked tokens, and per-identity cut-offs.
///
/// Implement it for your own store; `test-util`'s conformance suite checks an implementation.
/// Every method may fail; a failure denies the request (503).
pub trait BlocklistStore: Send + Sync + 'static {
    /// Answers both questions about a token, in one round trip where the store allows it.
    /// `identity` is the canonical form of the token's identity (its JSON text).
    fn check<'a>(
        &'a self,
        jti: &'a str,
        identity: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Verdict, StoreError>>;

    /// Revokes `jti` for `ttl` (the token's remaining lifetime; `None` = forever).
    fn revoke<'a>(
        &'a self,
        jti: &'a str,
        ttl: Option<Duration>,
    ) -> BoxFuture<'a, Result<(), StoreError>>;

    /// Revokes `jti` like [`revoke`](Self::revoke) and says whether it was not revoked
    /// before: of several concurrent calls with one `jti`, exactly one gets `true`. Refresh
    /// token rotation relies on it to let one of two concurrent refreshes win.
    ///
    /// The default checks, then revokes: not atomic. Override it with the store's own
    /// atomic operation (the stores of this crate do: a map entry under a lock, Redis
    /// `SET NX`, SQL `INSERT … ON CONFLICT DO NOTHING`).
    fn revoke_if_new<'a>(
        &'a self,
        jti: &'a str,
        ttl: Option<Duration>,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(async move {
            if self.check(jti, None).await?.jti_revoked {
                return Ok(false);
            }
            self.revoke(jti, ttl).await?;
            Ok(true)
        })
    }

    /// Tokens of `identity` issued at or before `issued_before` (seconds since the epoch) are
    /// revoked. The cut-off only moves forward: a call with an earlier time than the one kept
    /// changes nothing, and concurrent calls keep the latest. Kept for `ttl` (`None` = forever).
    fn revoke_identity_before<'a>(
        &'a self,
        identity: &'a str,
        issued_before: u64,
        ttl: Option<Duration>,
    ) -> BoxFuture<'a, Result<(), StoreError>>;
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
        Err(_) => Err(StoreError::new("timed out")),
    }
}
