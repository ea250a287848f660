//! An in-process blocklist, compact and bounded.
//!
//! Each revoked `jti` is kept as a 128-bit keyed hash (SipHash-1-3) and a 4-byte expiry, not
//! as a string: about 25 bytes a slot, so a million revocations fit in about 52 MB. Two
//! different `jti`s share a hash with a chance of about n²/2¹²⁹ — never, in practice — and
//! the key is random per store. The maps sit behind sharded read-write locks, so a check
//! only takes a read lock on one shard. Expired entries are purged on every insert that finds
//! the shard grown to twice its size after the last purge, and at least once a minute; a
//! store at its capacity purges, and if it is still full a revocation fails (503) rather than
//! being dropped.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use siphasher::sip128::{Hasher128, SipHasher13};

use super::{BlocklistStore, SessionRecord, StoreError, TokenKeys, Verdict};
use crate::loaders::BoxFuture;

const SHARDS: usize = 16;
const PURGE_EVERY: Duration = Duration::from_secs(60);
/// The expiry of an entry kept forever.
const FOREVER: u32 = u32::MAX;

/// What a key stands for: the kinds live apart, whatever their text.
const JTI: u8 = 0;
const IDENTITY: u8 = 1;
const FAMILY: u8 = 2;

/// A 128-bit keyed hash of a `jti`, identity or family.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Key(u64, u64);

impl Hash for Key {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.0);
    }
}

/// The keys are already uniform hashes: the map uses their first word as is.
#[derive(Clone, Copy, Default)]
struct Prehashed;

struct PrehashedHasher(u64);

impl Hasher for PrehashedHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // Not reached: a `Key` hashes through `write_u64`. Kept total all the same.
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

impl BuildHasher for Prehashed {
    type Hasher = PrehashedHasher;
    fn build_hasher(&self) -> PrehashedHasher {
        PrehashedHasher(0)
    }
}

#[derive(Default)]
struct Shard {
    /// `jti` hash → expiry (seconds since the store's start; [`FOREVER`]).
    jtis: HashMap<Key, u32, Prehashed>,
    /// Identity hash → cut-off (seconds since the epoch). Kept forever.
    identities: HashMap<Key, u64, Prehashed>,
    /// Purge when `jtis` reaches this size…
    purge_at_len: usize,
    /// …or on the first insert after this moment (seconds since the store's start).
    purge_at_time: u32,
}

struct Inner {
    shards: Vec<RwLock<Shard>>,
    keys: (u64, u64),
    started: Instant,
    capacity: usize,
    len: AtomicUsize,
    /// Whether any identity cut-off was ever recorded (most apps never record one).
    any_identity: AtomicBool,
    /// Sessions by identity; they count against the capacity.
    sessions: std::sync::Mutex<HashMap<String, Vec<SessionRecord>>>,
    /// Session saves so far (every 1024th sweeps outlived sessions).
    session_saves: AtomicUsize,
}

/// In-memory blocklist: entries expire when the token would have. Shared by clones; not
/// shared across processes (use a Redis or SQL store for that).
///
/// ```
/// # use axum_jwt_extended_runtime::{BlocklistStore, MemoryBlocklist};
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let store = MemoryBlocklist::new();
/// store.revoke("jti-1", None).await.unwrap();
/// assert!(store.check("jti-1", None).await.unwrap().jti_revoked);
/// assert!(!store.check("jti-2", None).await.unwrap().jti_revoked);
/// # }
/// ```
#[derive(Clone)]
pub struct MemoryBlocklist(Arc<Inner>);

impl Default for MemoryBlocklist {
    fn default() -> Self {
        MemoryBlocklist::new()
    }
}

impl std::fmt::Debug for MemoryBlocklist {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryBlocklist")
            .field("len", &self.len())
            .field("capacity", &self.0.capacity)
            .finish()
    }
}

fn read(lock: &RwLock<Shard>) -> std::sync::RwLockReadGuard<'_, Shard> {
    lock.read().unwrap_or_else(|p| p.into_inner())
}

fn write(lock: &RwLock<Shard>) -> std::sync::RwLockWriteGuard<'_, Shard> {
    lock.write().unwrap_or_else(|p| p.into_inner())
}

impl MemoryBlocklist {
    /// The capacity of [`MemoryBlocklist::new`]: a million revocations, about 52 MB.
    pub const DEFAULT_CAPACITY: usize = 1_000_000;

    /// An empty store holding at most [`DEFAULT_CAPACITY`](Self::DEFAULT_CAPACITY)
    /// revocations.
    pub fn new() -> Self {
        MemoryBlocklist::with_capacity(Self::DEFAULT_CAPACITY)
    }

    /// An empty store holding at most `capacity` live revocations (`jti`s and identity
    /// cut-offs). When it is full, expired entries are purged; if none are, a revocation fails
    /// with a [`StoreError`] (503), never silently.
    pub fn with_capacity(capacity: usize) -> Self {
        let random = std::collections::hash_map::RandomState::new();
        let keys = (random.hash_one(1u8), random.hash_one(2u8));
        MemoryBlocklist(Arc::new(Inner {
            shards: (0..SHARDS).map(|_| RwLock::default()).collect(),
            keys,
            started: Instant::now(),
            capacity,
            len: AtomicUsize::new(0),
            any_identity: AtomicBool::new(false),
            sessions: std::sync::Mutex::new(HashMap::new()),
            session_saves: AtomicUsize::new(0),
        }))
    }

    /// How many entries are kept (expired ones not yet purged included).
    pub fn len(&self) -> usize {
        self.0.len.load(Ordering::Relaxed)
    }

    /// Whether the store keeps no entry.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn key(&self, kind: u8, value: &str) -> (usize, Key) {
        let mut h = SipHasher13::new_with_keys(self.0.keys.0, self.0.keys.1);
        h.write_u8(kind);
        value.hash(&mut h);
        let hash = h.finish128();
        // The shard from the high bits, the map's buckets from the low ones.
        (((hash.h1 >> 60) as usize) % SHARDS, Key(hash.h1, hash.h2))
    }

    /// Seconds since the store's start, saturating.
    fn now(&self) -> u32 {
        u32::try_from(self.0.started.elapsed().as_secs()).unwrap_or(FOREVER - 1)
    }

    /// Whether this store holds any identity cut-off (when it holds none, a check need not
    /// compute the token's identity).
    pub(crate) fn has_identity_cutoffs(&self) -> bool {
        self.0.any_identity.load(Ordering::Acquire)
    }

    /// The answer for one token, without waiting.
    pub(crate) fn check_now(&self, token: TokenKeys<'_>) -> Verdict {
        let now = self.now();
        let live = |kind: u8, value: &str| {
            let (shard, key) = self.key(kind, value);
            read(&self.0.shards[shard])
                .jtis
                .get(&key)
                .is_some_and(|until| *until > now)
        };
        let jti_revoked = live(JTI, token.jti);
        let family_revoked = token.family.is_some_and(|family| live(FAMILY, family));
        let identity_revoked_before = match token.identity {
            Some(identity) if self.has_identity_cutoffs() => {
                let (shard, key) = self.key(IDENTITY, identity);
                read(&self.0.shards[shard]).identities.get(&key).copied()
            }
            _ => None,
        };
        Verdict {
            jti_revoked,
            identity_revoked_before,
            family_revoked,
        }
    }

    /// Drops the expired entries of a shard.
    fn purge(&self, shard: &mut Shard, now: u32) {
        let before = shard.jtis.len();
        shard.jtis.retain(|_, until| *until > now);
        let removed = before - shard.jtis.len();
        self.0.len.fetch_sub(removed, Ordering::Relaxed);
        shard.purge_at_len = (shard.jtis.len() * 2).max(64);
        shard.purge_at_time = now.saturating_add(PURGE_EVERY.as_secs() as u32);
    }

    /// Makes room for one more entry in `shard`, or says the store is full.
    fn reserve(&self, shard: &mut Shard, now: u32) -> Result<(), StoreError> {
        if shard.jtis.len() >= shard.purge_at_len || now >= shard.purge_at_time {
            self.purge(shard, now);
        }
        if self.len() >= self.0.capacity {
            self.purge(shard, now);
            if self.len() >= self.0.capacity {
                return Err(StoreError::new(format!(
                    "the in-memory blocklist is full ({} revocations); raise its capacity or \
                     use a shared store",
                    self.0.capacity
                )));
            }
        }
        Ok(())
    }

    /// Revokes a `jti` (or, `kind` [`FAMILY`], a family); `true` when it had no live entry
    /// (under the shard's lock: atomic).
    fn revoke_now(
        &self,
        kind: u8,
        jti: &str,
        ttl: Option<Duration>,
        first_only: bool,
    ) -> Result<bool, StoreError> {
        let elapsed = self.0.started.elapsed();
        let now = u32::try_from(elapsed.as_secs()).unwrap_or(FOREVER - 1);
        // Rounded up, at least a second: an entry never ends before its `ttl` (rounding
        // `now` and `ttl` down each could end it almost two seconds early).
        let until = match ttl {
            None => FOREVER,
            Some(t) => elapsed
                .checked_add(t.max(Duration::from_secs(1)))
                .and_then(|u| u.as_secs().checked_add(u64::from(u.subsec_nanos() > 0)))
                .and_then(|u| u32::try_from(u).ok())
                .filter(|u| *u < FOREVER)
                .unwrap_or(FOREVER),
        };
        let (shard, key) = self.key(kind, jti);
        let mut shard = write(&self.0.shards[shard]);
        if let Some(kept) = shard.jtis.get_mut(&key) {
            let was_live = *kept > now;
            // A revocation keeps the later expiry; a first revocation (`revoke_if_new`) of a
            // live entry changes nothing, as Redis `SET NX` and the SQL store do.
            if !(first_only && was_live) {
                *kept = (*kept).max(until);
            }
            return Ok(!was_live);
        }
        self.reserve(&mut shard, now)?;
        shard.jtis.insert(key, until);
        self.0.len.fetch_add(1, Ordering::Relaxed);
        Ok(true)
    }

    fn revoke_identity_now(&self, identity: &str, issued_before: u64) -> Result<(), StoreError> {
        let (shard, key) = self.key(IDENTITY, identity);
        // Read and write under one lock: concurrent calls keep the latest cut-off.
        let mut shard = write(&self.0.shards[shard]);
        match shard.identities.get_mut(&key) {
            Some(kept) => *kept = (*kept).max(issued_before),
            None => {
                if self.len() >= self.0.capacity {
                    return Err(StoreError::new("the in-memory blocklist is full"));
                }
                shard.identities.insert(key, issued_before);
                self.0.len.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.0.any_identity.store(true, Ordering::Release);
        Ok(())
    }
}

/// Seconds since the epoch.
fn epoch_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl MemoryBlocklist {
    fn sessions_lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Vec<SessionRecord>>> {
        self.0.sessions.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Keeps `session` (`only_if_kept`: only when it is kept already); whether it was.
    fn save_session_now(
        &self,
        identity: &str,
        session: &SessionRecord,
        only_if_kept: bool,
    ) -> Result<bool, StoreError> {
        let mut all = self.sessions_lock();
        let now = epoch_secs();
        let outlived = |s: &SessionRecord| s.keep_until().is_some_and(|t| now >= t);
        // Now and then, every identity's outlived sessions go: none is kept for ever unused.
        if self.0.session_saves.fetch_add(1, Ordering::Relaxed) % 1024 == 1023 {
            let mut removed = 0;
            all.retain(|_, kept| {
                let before = kept.len();
                kept.retain(|s| !outlived(s));
                removed += before - kept.len();
                !kept.is_empty()
            });
            self.0.len.fetch_sub(removed, Ordering::Relaxed);
        }
        let was_kept = all
            .get(identity)
            .is_some_and(|kept| kept.iter().any(|s| s.id == session.id));
        if only_if_kept && !was_kept {
            return Ok(false);
        }
        let kept = all.entry(identity.to_owned()).or_default();
        let before = kept.len();
        kept.retain(|s| s.id != session.id && !outlived(s));
        let removed = before - kept.len();
        self.0.len.fetch_sub(removed, Ordering::Relaxed);
        if self.len() >= self.0.capacity {
            return Err(StoreError::new("the in-memory blocklist is full"));
        }
        kept.push(session.clone());
        self.0.len.fetch_add(1, Ordering::Relaxed);
        Ok(was_kept)
    }

    fn remove_session_now(&self, identity: &str, id: &str) -> bool {
        let mut all = self.sessions_lock();
        let Some(kept) = all.get_mut(identity) else {
            return false;
        };
        let before = kept.len();
        kept.retain(|s| s.id != id);
        let removed = before - kept.len();
        self.0.len.fetch_sub(removed, Ordering::Relaxed);
        if kept.is_empty() {
            all.remove(identity);
        }
        removed > 0
    }
}

impl BlocklistStore for MemoryBlocklist {
    fn save_session<'a>(
        &'a self,
        identity: &'a str,
        session: &'a SessionRecord,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(std::future::ready(
            self.save_session_now(identity, session, false).map(drop),
        ))
    }

    fn update_session<'a>(
        &'a self,
        identity: &'a str,
        session: &'a SessionRecord,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(std::future::ready(
            self.save_session_now(identity, session, true),
        ))
    }

    fn sessions<'a>(
        &'a self,
        identity: &'a str,
    ) -> BoxFuture<'a, Result<Vec<SessionRecord>, StoreError>> {
        let kept = self
            .sessions_lock()
            .get(identity)
            .cloned()
            .unwrap_or_default();
        Box::pin(std::future::ready(Ok(kept)))
    }

    fn remove_session<'a>(
        &'a self,
        identity: &'a str,
        id: &'a str,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(std::future::ready(
            Ok(self.remove_session_now(identity, id)),
        ))
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
        Box::pin(std::future::ready(Ok(self.check_now(token))))
    }

    fn revoke_family<'a>(
        &'a self,
        _identity: Option<&'a str>,
        family: &'a str,
        ttl: Option<Duration>,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(std::future::ready(
            self.revoke_now(FAMILY, family, ttl, false).map(|_| ()),
        ))
    }

    fn revoke<'a>(
        &'a self,
        jti: &'a str,
        ttl: Option<Duration>,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(std::future::ready(
            self.revoke_now(JTI, jti, ttl, false).map(|_| ()),
        ))
    }

    fn revoke_if_new<'a>(
        &'a self,
        jti: &'a str,
        ttl: Option<Duration>,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(std::future::ready(self.revoke_now(JTI, jti, ttl, true)))
    }

    /// Kept forever whatever `ttl` says: one entry per identity.
    fn revoke_identity_before<'a>(
        &'a self,
        identity: &'a str,
        issued_before: u64,
        _ttl: Option<Duration>,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(std::future::ready(
            self.revoke_identity_now(identity, issued_before),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tok<'a>(jti: &'a str, identity: Option<&'a str>) -> TokenKeys<'a> {
        TokenKeys::of(jti, identity)
    }

    #[test]
    fn full_store_refuses_then_purges_expired() {
        let store = MemoryBlocklist::with_capacity(3);
        for jti in ["a", "b", "c"] {
            store.revoke_now(JTI, jti, None, false).unwrap();
        }
        assert!(store.revoke_now(JTI, "d", None, false).is_err());
        // Revoking a kept jti again needs no room.
        store.revoke_now(JTI, "a", None, false).unwrap();
        assert_eq!(store.len(), 3);
        assert!(store.check_now(tok("a", None)).jti_revoked);
        assert!(!store.check_now(tok("d", None)).jti_revoked);
    }

    #[test]
    fn huge_lifetimes_are_kept_forever() {
        let store = MemoryBlocklist::new();
        store
            .revoke_now(JTI, "x", Some(Duration::MAX), false)
            .unwrap();
        store
            .revoke_now(
                JTI,
                "y",
                Some(Duration::from_secs(u64::from(u32::MAX) + 5)),
                false,
            )
            .unwrap();
        assert!(store.check_now(tok("x", None)).jti_revoked);
        assert!(store.check_now(tok("y", None)).jti_revoked);
    }

    #[test]
    fn identity_cutoff_only_moves_forward() {
        let store = MemoryBlocklist::new();
        store.revoke_identity_now("\"alice\"", 100).unwrap();
        store.revoke_identity_now("\"alice\"", 50).unwrap();
        assert_eq!(
            store
                .check_now(tok("j", Some("\"alice\"")))
                .identity_revoked_before,
            Some(100)
        );
        assert_eq!(
            store.check_now(tok("j", Some("5"))).identity_revoked_before,
            None
        );
    }
}
