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

use crate::error::{ErrorKind, JwtError};
use crate::loaders::BoxFuture;
use crate::token::Claims;
use crate::JwtManager;

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
async fn bounded<T>(
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

fn unavailable(e: impl fmt::Display) -> JwtError {
    JwtError::new(ErrorKind::StoreUnavailable(format!(
        "Token revocation store unavailable: {e}"
    )))
}

impl JwtManager {
    /// Whether a blocklist store is configured.
    pub fn has_blocklist(&self) -> bool {
        self.0.blocklist.is_some()
    }

    fn store(&self) -> Result<&dyn BlocklistStore, JwtError> {
        self.0.blocklist.as_deref().ok_or_else(|| {
            JwtError::new(ErrorKind::StoreUnavailable(
                "No blocklist store is configured".into(),
            ))
            .with_manager(self)
        })
    }

    fn remaining(&self, claims: &Claims) -> Option<Duration> {
        let exp = claims.exp()?;
        let now = self.now_f64();
        // A lifetime too long for a Duration is kept forever (no TTL).
        Duration::try_from_secs_f64((exp - now).max(1.0)).ok()
    }

    /// Revokes a verified token (its `jti`) until it would have expired.
    ///
    /// ```
    /// # use axum_jwt_extended_runtime::*;
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let jwt = JwtManager::builder(JwtConfig::with_secret("a-very-long-secret-of-at-least-32-bytes!"))
    ///     .blocklist(MemoryBlocklist::new())
    ///     .build().unwrap();
    /// let token = jwt.create_access_token("alice").unwrap();
    /// let claims = jwt.decode_token(&token).unwrap();
    /// jwt.revoke_token(&claims).await.unwrap();
    /// assert!(jwt.is_token_revoked(&claims).await.unwrap());
    /// # }
    /// ```
    pub async fn revoke_token(&self, claims: &Claims) -> Result<(), JwtError> {
        let jti = claims.jti().ok_or_else(|| {
            JwtError::new(ErrorKind::InvalidToken("Token has no jti to revoke".into()))
                .with_manager(self)
        })?;
        let store = self.store()?;
        let ttl = self.remaining(claims);
        bounded(store.revoke(jti, ttl))
            .await
            .map_err(|e| unavailable(e).with_manager(self))
    }

    /// Revokes every token of `identity` issued at or before `issued_before` (seconds since
    /// the epoch; use [`JwtManager::now`] for "everything issued so far"). Kept for the
    /// refresh-token lifetime.
    pub async fn revoke_all_tokens_of(
        &self,
        identity: &str,
        issued_before: u64,
    ) -> Result<(), JwtError> {
        let store = self.store()?;
        let ttl = match self.0.config.refresh_token_expires {
            crate::config::Expiry::Never => None,
            crate::config::Expiry::After(d) => {
                Some(d.max(match self.0.config.access_token_expires {
                    crate::config::Expiry::After(a) => a,
                    crate::config::Expiry::Never => d,
                }))
            }
        };
        bounded(store.revoke_identity_before(identity, issued_before, ttl))
            .await
            .map_err(|e| unavailable(e).with_manager(self))
    }

    /// Whether the store says these claims are revoked (by `jti`, or by identity and `iat`).
    /// A token without a string `jti` counts as revoked when a store is configured.
    pub async fn is_token_revoked(&self, claims: &Claims) -> Result<bool, JwtError> {
        let store = self.store()?;
        let Some(jti) = claims.jti() else {
            return Ok(true);
        };
        let identity = claims
            .identity_ref(&self.0.config.identity_claim)
            .and_then(serde_json::Value::as_str);
        let revoked_by = |jti_revoked: bool, before: Option<u64>| {
            jti_revoked || before.is_some_and(|b| claims.iat().unwrap_or(0.0) <= b as f64)
        };
        if let Some(answer) = store.lookup_now(jti, identity) {
            return answer
                .map(|(jti_revoked, before)| revoked_by(jti_revoked, before))
                .map_err(|e| unavailable(e).with_manager(self));
        }
        let check = async {
            if store.is_revoked(jti).await? {
                return Ok(true);
            }
            if let Some(identity) = identity {
                let before = store.identity_revoked_before(identity).await?;
                return Ok(revoked_by(false, before));
            }
            Ok::<bool, StoreError>(false)
        };
        bounded(check)
            .await
            .map_err(|e| unavailable(e).with_manager(self))
    }
}
