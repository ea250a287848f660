//! An in-process blocklist. Readers never wait on each other: the maps sit behind sharded
//! read-write locks and a check only takes a read lock on one shard.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use super::{BlocklistStore, StoreError};
use crate::loaders::BoxFuture;

const SHARDS: usize = 16;

type Shard<V> = RwLock<HashMap<String, (V, Option<Instant>)>>;

#[derive(Default)]
struct Maps {
    jtis: Vec<Shard<()>>,
    identities: Vec<Shard<u64>>,
    /// Whether any identity cut-off was ever recorded (most apps never record one).
    any_identity: AtomicBool,
}

/// In-memory blocklist: entries expire when the token would have. Shared by clones; not
/// shared across processes (use the Redis store for that).
///
/// ```
/// # use axum_jwt_extended_runtime::{BlocklistStore, MemoryBlocklist};
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let store = MemoryBlocklist::new();
/// store.revoke("jti-1", None).await.unwrap();
/// assert!(store.is_revoked("jti-1").await.unwrap());
/// assert!(!store.is_revoked("jti-2").await.unwrap());
/// # }
/// ```
#[derive(Clone)]
pub struct MemoryBlocklist(Arc<Maps>);

impl Default for MemoryBlocklist {
    fn default() -> Self {
        MemoryBlocklist::new()
    }
}

impl std::fmt::Debug for MemoryBlocklist {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MemoryBlocklist")
    }
}

/// FNV-1a: only spreads keys over shards (the maps themselves keep std's DoS-resistant hash).
fn shard_of(key: &str) -> usize {
    let h = key.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    (h as usize) % SHARDS
}

fn get<V: Copy>(shards: &[Shard<V>], key: &str) -> Option<V> {
    let shard = shards[shard_of(key)]
        .read()
        .unwrap_or_else(|p| p.into_inner());
    match shard.get(key) {
        Some((v, None)) => Some(*v),
        Some((v, Some(until))) if *until > Instant::now() => Some(*v),
        _ => None,
    }
}

fn put<V>(shards: &[Shard<V>], key: &str, value: V, ttl: Option<Duration>) {
    let now = Instant::now();
    let mut shard = shards[shard_of(key)]
        .write()
        .unwrap_or_else(|p| p.into_inner());
    // Drop expired entries of this shard now and then, so the map stays bounded.
    if shard.len() >= 64 && shard.len().is_power_of_two() {
        shard.retain(|_, (_, until)| until.is_none_or(|u| u > now));
    }
    // A lifetime past what an `Instant` can count is kept forever.
    shard.insert(
        key.to_owned(),
        (value, ttl.and_then(|t| now.checked_add(t))),
    );
}

impl MemoryBlocklist {
    /// An empty store.
    pub fn new() -> Self {
        MemoryBlocklist(Arc::new(Maps {
            jtis: (0..SHARDS).map(|_| RwLock::default()).collect(),
            identities: (0..SHARDS).map(|_| RwLock::default()).collect(),
            any_identity: AtomicBool::new(false),
        }))
    }
}

impl MemoryBlocklist {
    fn cutoff(&self, identity: &str) -> Option<u64> {
        if self.0.any_identity.load(Ordering::Acquire) {
            get(&self.0.identities, identity)
        } else {
            None
        }
    }
}

impl BlocklistStore for MemoryBlocklist {
    fn lookup_now(
        &self,
        jti: &str,
        identity: Option<&str>,
    ) -> Option<Result<(bool, Option<u64>), StoreError>> {
        let revoked = get(&self.0.jtis, jti).is_some();
        Some(Ok((revoked, identity.and_then(|i| self.cutoff(i)))))
    }

    fn is_revoked<'a>(&'a self, jti: &'a str) -> BoxFuture<'a, Result<bool, StoreError>> {
        let r = get(&self.0.jtis, jti).is_some();
        Box::pin(std::future::ready(Ok(r)))
    }

    fn revoke<'a>(
        &'a self,
        jti: &'a str,
        ttl: Option<Duration>,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        put(&self.0.jtis, jti, (), ttl);
        Box::pin(std::future::ready(Ok(())))
    }

    fn revoke_identity_before<'a>(
        &'a self,
        identity: &'a str,
        issued_before: u64,
        ttl: Option<Duration>,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        let before =
            get(&self.0.identities, identity).map_or(issued_before, |b| b.max(issued_before));
        put(&self.0.identities, identity, before, ttl);
        self.0.any_identity.store(true, Ordering::Release);
        Box::pin(std::future::ready(Ok(())))
    }

    fn identity_revoked_before<'a>(
        &'a self,
        identity: &'a str,
    ) -> BoxFuture<'a, Result<Option<u64>, StoreError>> {
        Box::pin(std::future::ready(Ok(self.cutoff(identity))))
    }
}
