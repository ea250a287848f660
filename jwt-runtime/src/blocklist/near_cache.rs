//! A near cache in front of a shared store: repeated checks of a token are answered from
//! memory, and revocation stays strict.
//!
//! How it stays strict:
//! - **Invalidation from the store.** A heartbeat asks the store's [`ChangeFeed`] every
//!   [`heartbeat`](NearCacheOptions::heartbeat) what changed since the last ask, and drops
//!   the cached answers of every identity named.
//! - **A lease.** Cached answers are used only while the latest answered heartbeat was
//!   *sent* less than one [`lease`](NearCacheOptions::lease) ago. A store that stops
//!   answering stops the cache within a lease: requests go to the store and fail closed.
//!   After a lapse, the whole cache is dropped.
//! - **A revocation waits out the lease.** A revoking call returns one lease after the
//!   store recorded it. By then, an instance still using its cache has sent a heartbeat
//!   after the record, so has dropped the revoked answers.
//! - **No stale insert.** A check's answer is cached only when no invalidation ran while
//!   it was asked.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock, Weak};
use std::time::{Duration, Instant};

use super::{BlocklistStore, ChangeFeed, SessionRecord, StoreError, TokenKeys, Verdict};
use crate::loaders::BoxFuture;

/// How a [`NearCache`] keeps its promise: its lease, heartbeat and size.
///
/// ```
/// # use std::time::Duration;
/// # use axum_jwt_extended_runtime::NearCacheOptions;
/// let options = NearCacheOptions::new()
///     .lease(Duration::from_millis(1500))
///     .heartbeat(Duration::from_millis(500))
///     .capacity(50_000);
/// # let _ = options;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NearCacheOptions {
    lease: Duration,
    heartbeat: Duration,
    capacity: usize,
}

impl Default for NearCacheOptions {
    fn default() -> Self {
        NearCacheOptions::new()
    }
}

impl NearCacheOptions {
    /// A lease of 1 s, a heartbeat every 400 ms, and up to 100,000 cached tokens.
    pub fn new() -> Self {
        NearCacheOptions {
            lease: Duration::from_secs(1),
            heartbeat: Duration::from_millis(400),
            capacity: 100_000,
        }
    }

    /// How long an answered heartbeat lets the cache answer, counted from when it was sent;
    /// also how long every revoking call waits before it returns. Every instance that
    /// shares the store must use the same lease (or a longer one on the revoking side).
    /// At least 50 ms.
    pub fn lease(mut self, lease: Duration) -> Self {
        self.lease = lease.max(Duration::from_millis(50));
        self
    }

    /// How often the store is asked what changed, while the cache is in use; kept under
    /// the lease (at most half of it) so that a slow answer does not lapse the lease.
    pub fn heartbeat(mut self, every: Duration) -> Self {
        self.heartbeat = every.max(Duration::from_millis(10));
        self
    }

    /// The most tokens cached; past it the cache starts again empty. At least 1.
    pub fn capacity(mut self, tokens: usize) -> Self {
        self.capacity = tokens.max(1);
        self
    }

    fn heartbeat_every(&self) -> Duration {
        self.heartbeat.min(self.lease / 2)
    }
}

/// Cached answers, by identity (`""`: none), then by `jti`.
type Answers = HashMap<Box<str>, HashMap<Box<str>, Verdict>>;

struct Shared<S> {
    store: S,
    options: NearCacheOptions,
    answers: RwLock<Answers>,
    len: AtomicU64,
    /// Bumped by every invalidation: an answer asked across one is not cached.
    generation: AtomicU64,
    /// When the latest answered heartbeat was sent (nanoseconds since `start`; 0: never).
    lease_from: AtomicU64,
    /// When the cache was last asked (nanoseconds since `start`).
    last_used: AtomicU64,
    heartbeat_started: AtomicBool,
    start: Instant,
}

/// A near cache in front of a shared store ([`ChangeFeed`]: [`RedisBlocklist`] standalone or
/// cluster, [`SqlBlocklist`] on PostgreSQL or SQLite): repeated checks of a token are answered from
/// memory, with no weaker guarantee than the store's.
///
/// **The guarantee.** Once a revocation through any instance's `NearCache` has returned,
/// the next check of that token on any instance refuses it. When the store stops answering,
/// cached answers stop being used within one lease and checks fail closed (503).
///
/// **Its assumptions.** Every instance sharing the store puts a `NearCache` with the same
/// lease in front of it (a revocation through a store without one does not wait out the
/// lease); instances' clocks run at the same rate (they need not agree on the time); and the
/// store's change feed keeps at least a minute of changes.
///
/// **Its costs.** One small command every heartbeat while the cache is in use (none when
/// idle), and every revoking call (logout, rotation) takes one lease longer.
///
/// [`RedisBlocklist`]: crate::RedisBlocklist
/// [`SqlBlocklist`]: crate::SqlBlocklist
///
/// ```no_run
/// # use axum_jwt_extended_runtime::{JwtConfig, JwtManager, NearCache, RedisBlocklist};
/// let store = NearCache::new(RedisBlocklist::new("redis://127.0.0.1:6379/0").unwrap());
/// let jwt = JwtManager::builder(JwtConfig::with_secret("a-very-long-secret-of-at-least-32-bytes!"))
///     .blocklist(store)
///     .build()
///     .unwrap();
/// # let _ = jwt;
/// ```
pub struct NearCache<S>(Arc<Shared<S>>);

impl<S> Clone for NearCache<S> {
    fn clone(&self) -> Self {
        NearCache(self.0.clone())
    }
}

impl<S: std::fmt::Debug> std::fmt::Debug for NearCache<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NearCache")
            .field("store", &self.0.store)
            .field("options", &self.0.options)
            .field("cached", &self.0.len.load(Ordering::Relaxed))
            .finish()
    }
}

impl<S: ChangeFeed> NearCache<S> {
    /// A near cache with the default [options](NearCacheOptions::new).
    pub fn new(store: S) -> Self {
        NearCache::with_options(store, NearCacheOptions::new())
    }

    /// A near cache with these options.
    pub fn with_options(store: S, options: NearCacheOptions) -> Self {
        NearCache(Arc::new(Shared {
            store,
            options,
            answers: RwLock::new(HashMap::new()),
            len: AtomicU64::new(0),
            generation: AtomicU64::new(0),
            lease_from: AtomicU64::new(0),
            last_used: AtomicU64::new(0),
            heartbeat_started: AtomicBool::new(false),
            start: Instant::now(),
        }))
    }

    /// The store behind the cache.
    pub fn store(&self) -> &S {
        &self.0.store
    }

    /// How many tokens' answers are cached.
    pub fn len(&self) -> usize {
        usize::try_from(self.0.len.load(Ordering::Relaxed)).unwrap_or(usize::MAX)
    }

    /// Whether no answer is cached.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether cached answers may be used now: the lease holds.
    pub fn lease_holds(&self) -> bool {
        self.0.lease_holds()
    }
}

impl<S> Shared<S> {
    fn nanos(&self) -> u64 {
        u64::try_from(self.start.elapsed().as_nanos()).unwrap_or(u64::MAX)
    }

    fn lease_holds(&self) -> bool {
        let from = self.lease_from.load(Ordering::Acquire);
        from != 0 && self.nanos().saturating_sub(from) <= nanos(self.options.lease)
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Answers> {
        self.answers.read().unwrap_or_else(|p| p.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Answers> {
        self.answers.write().unwrap_or_else(|p| p.into_inner())
    }

    fn cached(&self, token: &TokenKeys<'_>) -> Option<Verdict> {
        self.read()
            .get(token.identity.unwrap_or(""))?
            .get(token.jti)
            .copied()
    }

    fn insert(&self, token: &TokenKeys<'_>, verdict: Verdict, asked_at: u64) {
        let mut answers = self.write();
        // An invalidation ran while the store was asked, or the lease lapsed: the answer
        // may be older than what the cache was told since.
        if self.generation.load(Ordering::Acquire) != asked_at || !self.lease_holds() {
            return;
        }
        if self.len.load(Ordering::Relaxed) >= self.options.capacity as u64 {
            answers.clear();
            self.len.store(0, Ordering::Relaxed);
        }
        let tokens = answers
            .entry(token.identity.unwrap_or("").into())
            .or_default();
        if tokens.insert(token.jti.into(), verdict).is_none() {
            self.len.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Drops the answers of these identities.
    fn invalidate<'i>(&self, identities: impl IntoIterator<Item = &'i str>) {
        let mut answers = self.write();
        self.generation.fetch_add(1, Ordering::AcqRel);
        for identity in identities {
            if let Some(tokens) = answers.remove(identity) {
                self.len.fetch_sub(tokens.len() as u64, Ordering::Relaxed);
            }
        }
    }

    fn clear(&self) {
        let mut answers = self.write();
        self.generation.fetch_add(1, Ordering::AcqRel);
        answers.clear();
        self.len.store(0, Ordering::Relaxed);
    }
}

fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

/// The heartbeat: asks the feed what changed, drops those answers, renews the lease. Ends
/// when the cache is dropped; sleeps (sending nothing) while the cache is not used.
async fn heartbeat<S: ChangeFeed>(shared: Weak<Shared<S>>) {
    let mut cursor: Option<String> = None;
    let mut failing = false;
    loop {
        let Some(s) = shared.upgrade() else { return };
        let every = s.options.heartbeat_every();
        let idle = s
            .nanos()
            .saturating_sub(s.last_used.load(Ordering::Relaxed))
            > nanos(s.options.lease.saturating_mul(10));
        if !idle {
            let sent = s.nanos();
            let lapsed = !s.lease_holds();
            let asked = tokio::time::timeout(
                s.options.lease,
                s.store
                    .changes_after(if lapsed { None } else { cursor.as_deref() }),
            );
            match asked.await {
                Ok(Ok(changes)) => {
                    if lapsed {
                        // Changes may have been missed while the lease was down.
                        s.clear();
                    } else if !changes.identities.is_empty() {
                        s.invalidate(changes.identities.iter().map(String::as_str));
                    }
                    cursor = Some(changes.cursor);
                    s.lease_from.fetch_max(sent.max(1), Ordering::AcqRel);
                    if std::mem::take(&mut failing) {
                        crate::log::near_cache_lease(true);
                    }
                }
                Ok(Err(_)) | Err(_) => {
                    if !std::mem::replace(&mut failing, true) {
                        crate::log::near_cache_lease(false);
                    }
                }
            }
        }
        drop(s);
        tokio::time::sleep(every).await;
    }
}

impl<S: ChangeFeed> NearCache<S> {
    /// Starts the heartbeat on the current runtime, once.
    fn ensure_heartbeat(&self) {
        if self.0.heartbeat_started.load(Ordering::Relaxed) {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        if !self.0.heartbeat_started.swap(true, Ordering::AcqRel) {
            runtime.spawn(heartbeat(Arc::downgrade(&self.0)));
        }
    }

    async fn check_cached(&self, token: TokenKeys<'_>) -> Result<Verdict, StoreError> {
        let s = &self.0;
        s.last_used.store(s.nanos(), Ordering::Relaxed);
        self.ensure_heartbeat();
        if s.lease_holds() {
            if let Some(verdict) = s.cached(&token) {
                return Ok(verdict);
            }
        }
        let asked_at = s.generation.load(Ordering::Acquire);
        let verdict = s.store.check_token(token).await?;
        // Only answers that can change by a revocation alone are kept: a revoked entry
        // expires in the store, which the feed does not say.
        if !verdict.jti_revoked && !verdict.family_revoked {
            s.insert(&token, verdict, asked_at);
        }
        Ok(verdict)
    }

    /// After a revocation: drops this instance's answers for `identity` at once, then waits
    /// out the lease, so that every other instance's cache has heard of it.
    async fn settle(&self, identity: Option<&str>) {
        self.0.invalidate([identity.unwrap_or("")]);
        tokio::time::sleep(self.0.options.lease).await;
    }
}

impl<S: ChangeFeed> BlocklistStore for NearCache<S> {
    /// Connects the store, starts the heartbeat and waits (up to 2 s) for the first lease.
    fn connect(&self) -> BoxFuture<'_, Result<(), StoreError>> {
        Box::pin(async move {
            self.0.store.connect().await?;
            self.0.last_used.store(self.0.nanos(), Ordering::Relaxed);
            self.ensure_heartbeat();
            let deadline = Instant::now() + Duration::from_secs(2);
            while !self.0.lease_holds() {
                if Instant::now() >= deadline {
                    return Err(StoreError::new(
                        "near cache: the change feed does not answer",
                    ));
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            Ok(())
        })
    }

    fn save_session<'a>(
        &'a self,
        identity: &'a str,
        session: &'a SessionRecord,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        self.0.store.save_session(identity, session)
    }

    fn sessions<'a>(
        &'a self,
        identity: &'a str,
    ) -> BoxFuture<'a, Result<Vec<SessionRecord>, StoreError>> {
        self.0.store.sessions(identity)
    }

    fn update_session<'a>(
        &'a self,
        identity: &'a str,
        session: &'a SessionRecord,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        self.0.store.update_session(identity, session)
    }

    fn remove_session<'a>(
        &'a self,
        identity: &'a str,
        id: &'a str,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        self.0.store.remove_session(identity, id)
    }

    /// The lease: every revocation waits it out.
    fn revocation_delay(&self) -> Duration {
        self.0.options.lease
    }

    fn check<'a>(
        &'a self,
        jti: &'a str,
        identity: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Verdict, StoreError>> {
        self.check_token(TokenKeys::of(jti, identity))
    }

    fn check_token<'a>(
        &'a self,
        token: TokenKeys<'a>,
    ) -> BoxFuture<'a, Result<Verdict, StoreError>> {
        Box::pin(self.check_cached(token))
    }

    fn revoke<'a>(
        &'a self,
        jti: &'a str,
        ttl: Option<Duration>,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        self.revoke_token(TokenKeys::of(jti, None), ttl)
    }

    fn revoke_token<'a>(
        &'a self,
        token: TokenKeys<'a>,
        ttl: Option<Duration>,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            self.0.store.revoke_token(token, ttl).await?;
            self.settle(token.identity).await;
            Ok(())
        })
    }

    fn revoke_if_new<'a>(
        &'a self,
        jti: &'a str,
        ttl: Option<Duration>,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        self.revoke_token_if_new(TokenKeys::of(jti, None), ttl)
    }

    fn revoke_token_if_new<'a>(
        &'a self,
        token: TokenKeys<'a>,
        ttl: Option<Duration>,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(async move {
            let new = self.0.store.revoke_token_if_new(token, ttl).await?;
            self.settle(token.identity).await;
            Ok(new)
        })
    }

    fn revoke_identity_before<'a>(
        &'a self,
        identity: &'a str,
        issued_before: u64,
        ttl: Option<Duration>,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            self.0
                .store
                .revoke_identity_before(identity, issued_before, ttl)
                .await?;
            self.settle(Some(identity)).await;
            Ok(())
        })
    }

    fn revoke_family<'a>(
        &'a self,
        identity: Option<&'a str>,
        family: &'a str,
        ttl: Option<Duration>,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            self.0.store.revoke_family(identity, family, ttl).await?;
            self.settle(identity).await;
            Ok(())
        })
    }
}
