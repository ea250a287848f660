//! Token revocation: the [`BlocklistStore`] interface and its stores.
//!
//! With a store configured (`JwtManagerBuilder::blocklist`), every protected request checks
//! the token's `jti` (unless `skip_revocation_check`), and
//! `JwtManager::revoke_token` revokes one. Entries live as long as the token would have. A store that fails or times out
//! denies the request with 503: fail closed.

mod memory;
mod near_cache;
#[cfg(feature = "redis")]
mod redis_store;
mod session;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod sql;

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

pub use memory::MemoryBlocklist;
pub use near_cache::{NearCache, NearCacheOptions};
#[cfg(feature = "redis")]
pub use redis_store::{RedisBlocklist, RedisTimeouts};
pub use session::SessionRecord;
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

/// What a store knows about one token: whether its `jti` is revoked, the moment before
/// which every token of its identity is revoked, and whether its login family is revoked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Verdict {
    /// The `jti` was revoked.
    pub jti_revoked: bool,
    /// Tokens of this identity issued at or before this time (seconds since the epoch) are
    /// revoked.
    pub identity_revoked_before: Option<u64>,
    /// The token's login family (claim `fam`) was revoked as a whole.
    pub family_revoked: bool,
}

/// One token as a store sees it: the keys a check reads and a revocation writes.
///
/// A store that spreads keys over nodes (a Redis Cluster) keeps all of a token's keys
/// together by its identity, so that one check is one command to one node.
///
/// ```
/// # use axum_jwt_extended_runtime::TokenKeys;
/// let token = TokenKeys { jti: "8f2c…", identity: Some("\"alice\""), family: None };
/// # let _ = token;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenKeys<'a> {
    /// The token's `jti`.
    pub jti: &'a str,
    /// The canonical form of its identity (the identity claim's JSON text), if it has one.
    pub identity: Option<&'a str>,
    /// Its login family (claim `fam`), if it belongs to one.
    pub family: Option<&'a str>,
}

impl<'a> TokenKeys<'a> {
    /// A token of no login family: what the `jti`-level methods of [`BlocklistStore`] mean.
    pub fn of(jti: &'a str, identity: Option<&'a str>) -> Self {
        TokenKeys {
            jti,
            identity,
            family: None,
        }
    }
}

/// The `jti`-entry under which [`BlocklistStore`]'s default methods keep a family's
/// revocation (no `jti` this crate makes has this form).
pub fn family_entry(family: &str) -> String {
    format!("family:{family}")
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

    /// Connects now, so that the first requests do not pay for it (and a store that cannot
    /// be reached is known at start-up). The default does nothing; the stores of this crate
    /// connect, and a [`NearCache`](crate::NearCache) also waits for its first lease.
    fn connect(&self) -> BoxFuture<'_, Result<(), StoreError>> {
        Box::pin(std::future::ready(Ok(())))
    }

    /// How long a revocation through this store waits on purpose before it returns (a
    /// [`NearCache`](crate::NearCache) waits out its lease); the manager allows a revoking
    /// call that much longer than its usual 2 s. Zero by default.
    fn revocation_delay(&self) -> Duration {
        Duration::ZERO
    }

    /// Keeps a session of `identity` (a new one, or a newer state of one): sessions live
    /// beside the revocations. The default keeps none (an error: sessions need a store of
    /// this crate, or your own that implements these three methods).
    fn save_session<'a>(
        &'a self,
        identity: &'a str,
        session: &'a SessionRecord,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        let _ = (identity, session);
        Box::pin(std::future::ready(Err(no_sessions())))
    }

    /// Saves a newer state of a session only if it is still kept (a refresh): a session
    /// ended meanwhile is not brought back. Whether it was kept. The default lists, then
    /// saves (not atomic); the stores of this crate do it in one step.
    fn update_session<'a>(
        &'a self,
        identity: &'a str,
        session: &'a SessionRecord,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(async move {
            if !self
                .sessions(identity)
                .await?
                .iter()
                .any(|s| s.id == session.id)
            {
                return Ok(false);
            }
            self.save_session(identity, session).await?;
            Ok(true)
        })
    }

    /// The sessions kept for `identity`, in one round trip (ended ones may be among them: the
    /// manager filters by [`SessionRecord::ends_at`]).
    fn sessions<'a>(
        &'a self,
        identity: &'a str,
    ) -> BoxFuture<'a, Result<Vec<SessionRecord>, StoreError>> {
        let _ = identity;
        Box::pin(std::future::ready(Err(no_sessions())))
    }

    /// Forgets the session `id` of `identity`; whether it was kept.
    fn remove_session<'a>(
        &'a self,
        identity: &'a str,
        id: &'a str,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        let _ = (identity, id);
        Box::pin(std::future::ready(Err(no_sessions())))
    }

    /// Everything about one token, in one round trip: the manager calls this for every
    /// protected request. The default asks [`check`](Self::check), then, for a token of a
    /// family, `check` again for [`family_entry`]; the stores of this crate answer all of it
    /// in one command or query.
    fn check_token<'a>(
        &'a self,
        token: TokenKeys<'a>,
    ) -> BoxFuture<'a, Result<Verdict, StoreError>> {
        Box::pin(async move {
            let mut verdict = self.check(token.jti, token.identity).await?;
            if let Some(family) = token.family {
                verdict.family_revoked = self.check(&family_entry(family), None).await?.jti_revoked;
            }
            Ok(verdict)
        })
    }

    /// Revokes one token for `ttl`: the manager calls this. The default is
    /// [`revoke`](Self::revoke) of its `jti`; a store that keeps keys by identity uses the
    /// rest.
    fn revoke_token<'a>(
        &'a self,
        token: TokenKeys<'a>,
        ttl: Option<Duration>,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        self.revoke(token.jti, ttl)
    }

    /// [`revoke_if_new`](Self::revoke_if_new) for one token: the manager calls this.
    fn revoke_token_if_new<'a>(
        &'a self,
        token: TokenKeys<'a>,
        ttl: Option<Duration>,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        self.revoke_if_new(token.jti, ttl)
    }

    /// Revokes every token of a login family for `ttl`; `identity` is the family's (its
    /// tokens'). The default revokes [`family_entry`] as a `jti`.
    fn revoke_family<'a>(
        &'a self,
        identity: Option<&'a str>,
        family: &'a str,
        ttl: Option<Duration>,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        let _ = identity;
        Box::pin(async move { self.revoke(&family_entry(family), ttl).await })
    }
}

/// A store that can say what changed in it: the feed a [`NearCache`](crate::NearCache)
/// invalidates from. Every revocation the store records is in the feed, by identity, for at
/// least a minute.
pub trait ChangeFeed: BlocklistStore {
    /// The identities whose revocations changed after `cursor`, and the cursor to ask from
    /// next; with no cursor, no identities and the current cursor. Identities are in their
    /// canonical form, as the store was given them.
    fn changes_after<'a>(
        &'a self,
        cursor: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Changes, StoreError>>;
}

/// What a [`ChangeFeed`] answers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// Where to ask from next.
    pub cursor: String,
    /// The identities whose revocations changed (repeats allowed); the empty string
    /// stands for tokens without an identity.
    pub identities: Vec<String>,
}

fn no_sessions() -> StoreError {
    StoreError::new(
        "this store keeps no sessions (implement save_session, sessions and remove_session)",
    )
}

/// How long a store must wait for an answer before the request fails closed.
pub(crate) const STORE_TIMEOUT: Duration = Duration::from_secs(2);

/// Runs a revoking store call with [`STORE_TIMEOUT`] plus the store's own
/// [`revocation_delay`](BlocklistStore::revocation_delay).
pub(crate) async fn bounded_revocation<T>(
    store: &dyn BlocklistStore,
    fut: impl std::future::Future<Output = Result<T, StoreError>>,
) -> Result<T, StoreError> {
    let limit = STORE_TIMEOUT.saturating_add(store.revocation_delay());
    match tokio::time::timeout(limit, fut).await {
        Ok(out) => out,
        Err(_) => Err(StoreError::new("timed out")),
    }
}

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
