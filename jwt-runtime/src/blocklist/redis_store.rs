//! A Redis blocklist (cargo feature `redis`): revocations shared by every process that uses
//! the same Redis, standalone or a Redis Cluster.
//!
//! Key layout: every key of one identity carries the same hash tag, so that a token's keys
//! share a cluster slot and a check is one `MGET` to one node:
//!
//! | key | what |
//! |---|---|
//! | `<prefix>{<tag>}:jti:<jti>` | a revoked `jti`, with a TTL of the token's remaining lifetime |
//! | `<prefix>{<tag>}:cut` | the identity's cut-off (seconds since the epoch), kept forever |
//! | `<prefix>{<tag>}:fam:<family>` | a revoked login family |
//! | `<prefix>{<tag>}:sessions` | the identity's sessions: a hash of session id to its record (JSON), expiring with the last of them |
//! | `<prefix>changes` | a stream of the identities whose revocations changed (a minute of them), which [`NearCache`](crate::NearCache) reads |
//!
//! `<tag>` is the first 16 hex digits of the SHA-256 of the identity's canonical form
//! (`-` for a token without one).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::cluster::ClusterClient;
use redis::cluster_async::ClusterConnection;
use sha2::{Digest, Sha256};
use tokio::sync::OnceCell;

use super::{BlocklistStore, ChangeFeed, Changes, SessionRecord, StoreError, TokenKeys, Verdict};
use crate::loaders::BoxFuture;

/// Revocations in Redis, standalone or a Redis Cluster; the key layout is in the module
/// docs of this store (every key of an identity in one hash slot).
///
/// The connection is made on first use and re-made after an outage; while Redis (or the
/// master holding a token's slot) is down, requests that need it fail closed with 503. On a
/// cluster, `MOVED` and `ASK` redirections are followed, so a resharding loses nothing.
///
/// ```no_run
/// # use axum_jwt_extended_runtime::{JwtConfig, JwtManager, RedisBlocklist};
/// let store = RedisBlocklist::new("redis://127.0.0.1:6379/0").unwrap();
/// // or, on a cluster: RedisBlocklist::cluster(["redis://127.0.0.1:7001", "redis://127.0.0.1:7002"])
/// let jwt = JwtManager::builder(JwtConfig::with_secret("a-very-long-secret-of-at-least-32-bytes!"))
///     .blocklist(store)
///     .build()
///     .unwrap();
/// # let _ = jwt;
/// ```
#[derive(Clone)]
pub struct RedisBlocklist {
    /// How to connect; `None` when the store was given a connection.
    source: Option<Source>,
    conn: std::sync::Arc<OnceCell<Conn>>,
    prefix: String,
    timeouts: RedisTimeouts,
}

#[derive(Clone)]
enum Source {
    Standalone(Box<redis::Client>),
    Cluster(Box<ClusterClient>),
}

/// A connection to a standalone Redis or to a cluster; both are multiplexed and reconnect.
#[derive(Clone)]
enum Conn {
    Standalone(ConnectionManager),
    Cluster(ClusterConnection),
}

/// How long the store waits for Redis: to connect, and for each answer. The manager also
/// bounds every store call to 2 s; a request that meets a slower Redis fails closed (503).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RedisTimeouts {
    /// Connecting (default 500 ms).
    pub connect: Duration,
    /// One command's answer (default 1 s).
    pub response: Duration,
}

impl Default for RedisTimeouts {
    fn default() -> Self {
        RedisTimeouts {
            connect: Duration::from_millis(500),
            response: Duration::from_millis(1000),
        }
    }
}

impl std::fmt::Debug for RedisBlocklist {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mode = match &self.source {
            Some(Source::Cluster(_)) => "cluster",
            Some(Source::Standalone(_)) => "standalone",
            None => "given connection",
        };
        f.debug_struct("RedisBlocklist")
            .field("mode", &mode)
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

fn err(e: redis::RedisError) -> StoreError {
    StoreError::with_source(format!("redis: {}", e.category()), e)
}

/// Longer than this, a key is kept without expiry: a thousand years.
const FOREVER_AFTER: Duration = Duration::from_secs(1000 * 365 * 24 * 3600);

/// How long the change stream keeps an entry (it is trimmed on every addition).
const CHANGES_KEPT: Duration = Duration::from_secs(120);

/// Sets the identity cut-off to the larger of the kept one and `ARGV[1]`, atomically.
const KEEP_MAX: &str = r"
local kept = tonumber(redis.call('GET', KEYS[1]))
if kept == nil or kept < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], ARGV[1])
end
return 1
";

/// Keeps a session in the identity's hash (`ARGV[1]` its id, `ARGV[2]` its record, `ARGV[3]`
/// milliseconds to keep it, 0: for ever; `ARGV[4]` `1`: only if it is kept already), and keeps
/// the hash as long as its last session. Answers 1 when saved.
const SAVE_SESSION: &str = r"
if ARGV[4] == '1' and redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then
  return 0
end
local fresh = redis.call('EXISTS', KEYS[1]) == 0
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
local ttl = tonumber(ARGV[3])
if ttl == 0 then
  redis.call('PERSIST', KEYS[1])
  return 1
end
local kept = redis.call('PTTL', KEYS[1])
if fresh or (kept >= 0 and kept < ttl) then
  redis.call('PEXPIRE', KEYS[1], ttl)
end
return 1
";

const DEFAULT_PREFIX: &str = "axum-jwt-extended:";

/// Runs one command on a connection.
async fn run<T: redis::FromRedisValue>(conn: Conn, cmd: &redis::Cmd) -> redis::RedisResult<T> {
    match conn {
        Conn::Standalone(mut c) => cmd.query_async(&mut c).await,
        Conn::Cluster(mut c) => cmd.query_async(&mut c).await,
    }
}

/// The hash tag of an identity: 16 hex digits of its SHA-256.
fn tag(identity: Option<&str>) -> String {
    // Not empty: Redis hashes a key with an empty `{}` whole.
    let Some(identity) = identity else {
        return "-".to_owned();
    };
    let digest = Sha256::digest(identity.as_bytes());
    let mut out = String::with_capacity(16);
    for b in &digest[..8] {
        use std::fmt::Write;
        let _ = write!(out, "{b:02x}");
    }
    out
}

impl RedisBlocklist {
    /// A store for this Redis URL: `redis://host:port/db`, or `rediss://host:port/db` for TLS
    /// (cargo feature `redis-tls`; the server's certificate is checked against the Mozilla
    /// roots — for a private CA, build the client with `redis::Client::build_with_tls` and
    /// use [`from_client`](Self::from_client)). Does not connect yet.
    pub fn new(url: &str) -> Result<Self, StoreError> {
        let client = redis::Client::open(url).map_err(err)?;
        Ok(Self::from_client(client))
    }

    /// A store on a Redis Cluster, from seed nodes' URLs (`redis://host:port`; one reachable
    /// master is enough to find the rest). Does not connect yet.
    ///
    /// ```no_run
    /// # use axum_jwt_extended_runtime::RedisBlocklist;
    /// let store = RedisBlocklist::cluster(["redis://10.0.0.1:6379", "redis://10.0.0.2:6379"]).unwrap();
    /// # let _ = store;
    /// ```
    pub fn cluster<I, U>(seeds: I) -> Result<Self, StoreError>
    where
        I: IntoIterator<Item = U>,
        U: AsRef<str>,
    {
        let seeds: Vec<String> = seeds.into_iter().map(|u| u.as_ref().to_owned()).collect();
        if seeds.is_empty() {
            return Err(StoreError::new(
                "redis: a cluster needs at least one seed URL",
            ));
        }
        let timeouts = RedisTimeouts::default();
        let client = ClusterClient::builder(seeds)
            .connection_timeout(timeouts.connect)
            .response_timeout(timeouts.response)
            // Retries (after MOVED, TRYAGAIN, a lost connection) wait 10 to 100 ms, not the
            // client's default of over a second: the manager gives a call 2 s in all.
            .retries(3)
            .min_retry_wait(10)
            .max_retry_wait(100)
            .overall_response_timeout(Some(Duration::from_millis(1500)))
            .build()
            .map_err(err)?;
        Ok(Self::from_cluster_client(client))
    }

    /// A store over a client of your own (TLS with your certificates, a Unix socket, …). Does
    /// not connect yet.
    pub fn from_client(client: redis::Client) -> Self {
        Self::assemble(Some(Source::Standalone(Box::new(client))), OnceCell::new())
    }

    /// A store over a cluster client of your own (its TLS, credentials, timeouts and
    /// retries apply). Does not connect yet.
    pub fn from_cluster_client(client: ClusterClient) -> Self {
        Self::assemble(Some(Source::Cluster(Box::new(client))), OnceCell::new())
    }

    /// A store over a connection manager of your own (shared with the rest of your app; its
    /// own timeouts and reconnection apply).
    pub fn from_connection_manager(conn: ConnectionManager) -> Self {
        Self::assemble(None, OnceCell::new_with(Some(Conn::Standalone(conn))))
    }

    /// A store over a cluster connection of your own (shared with the rest of your app).
    pub fn from_cluster_connection(conn: ClusterConnection) -> Self {
        Self::assemble(None, OnceCell::new_with(Some(Conn::Cluster(conn))))
    }

    fn assemble(source: Option<Source>, conn: OnceCell<Conn>) -> Self {
        RedisBlocklist {
            source,
            conn: std::sync::Arc::new(conn),
            prefix: DEFAULT_PREFIX.to_owned(),
            timeouts: RedisTimeouts::default(),
        }
    }

    /// Sets the connect and response timeouts of the connection this store makes to a
    /// standalone Redis (not of a connection or cluster client you gave it).
    pub fn with_timeouts(mut self, timeouts: RedisTimeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// Uses another key prefix (default `axum-jwt-extended:`). Braces are dropped from it:
    /// they would move the hash tag, and with it a token's keys, apart.
    pub fn with_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into().replace(['{', '}'], "");
        self
    }

    /// Whether this store talks to a cluster.
    pub fn is_cluster(&self) -> bool {
        matches!(self.conn.get(), Some(Conn::Cluster(_)))
            || matches!(self.source, Some(Source::Cluster(_)))
    }

    async fn conn(&self) -> Result<Conn, StoreError> {
        let conn = self
            .conn
            .get_or_try_init(|| async {
                match self.source.clone() {
                    Some(Source::Standalone(client)) => {
                        let config = ConnectionManagerConfig::new()
                            .set_connection_timeout(Some(self.timeouts.connect))
                            .set_response_timeout(Some(self.timeouts.response))
                            .set_number_of_retries(1)
                            .set_max_delay(Duration::from_millis(200));
                        ConnectionManager::new_with_config(*client, config)
                            .await
                            .map(Conn::Standalone)
                            .map_err(err)
                    }
                    Some(Source::Cluster(client)) => client
                        .get_async_connection()
                        .await
                        .map(Conn::Cluster)
                        .map_err(err),
                    None => Err(StoreError::new("redis: no client")),
                }
            })
            .await?;
        Ok(conn.clone())
    }

    async fn query<T: redis::FromRedisValue>(&self, cmd: &redis::Cmd) -> Result<T, StoreError> {
        run(self.conn().await?, cmd).await.map_err(err)
    }

    fn key(&self, identity: Option<&str>, rest: std::fmt::Arguments<'_>) -> String {
        format!("{}{{{}}}:{rest}", self.prefix, tag(identity))
    }

    fn jti_key(&self, token: &TokenKeys<'_>) -> String {
        self.key(token.identity, format_args!("jti:{}", token.jti))
    }

    fn cut_key(&self, identity: Option<&str>) -> String {
        self.key(identity, format_args!("cut"))
    }

    fn family_key(&self, identity: Option<&str>, family: &str) -> String {
        self.key(identity, format_args!("fam:{family}"))
    }

    /// The identity's sessions: the hash tag puts them in its slot, the full digest keeps
    /// two identities whose tags collide apart.
    fn sessions_key(&self, identity: &str) -> String {
        let digest = Sha256::digest(identity.as_bytes());
        let mut full = String::with_capacity(64);
        for b in digest.iter() {
            use std::fmt::Write;
            let _ = write!(full, "{b:02x}");
        }
        self.key(Some(identity), format_args!("sessions:{full}"))
    }

    /// Runs [`SAVE_SESSION`]; whether it saved.
    async fn save_session_script(
        &self,
        identity: &str,
        session: &SessionRecord,
        only_if_kept: bool,
    ) -> Result<bool, StoreError> {
        let record = serde_json::to_string(session)
            .map_err(|e| StoreError::with_source("redis: the session does not serialize", e))?;
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs();
        // 0: for ever (no end, or one Redis could not count to).
        let ttl_ms = session.keep_until().map_or(0, |until| {
            let secs = until.saturating_sub(now).max(1);
            if Duration::from_secs(secs) > FOREVER_AFTER {
                0
            } else {
                secs.saturating_mul(1000)
            }
        });
        let script = redis::Script::new(SAVE_SESSION);
        let mut call = script.key(self.sessions_key(identity));
        call.arg(&session.id)
            .arg(record)
            .arg(ttl_ms)
            .arg(if only_if_kept { "1" } else { "0" });
        let saved = match self.conn().await? {
            Conn::Standalone(mut c) => call.invoke_async::<i64>(&mut c).await,
            Conn::Cluster(mut c) => call.invoke_async::<i64>(&mut c).await,
        }
        .map_err(err)?;
        Ok(saved == 1)
    }

    fn changes_key(&self) -> String {
        format!("{}changes", self.prefix)
    }

    /// The key's TTL in milliseconds, rounded up (never shorter than `ttl`, at least a
    /// second); `None` (no expiry) for no `ttl` or one over [`FOREVER_AFTER`], which Redis
    /// would refuse as an invalid expire time.
    fn ttl_millis(ttl: Option<Duration>) -> Option<u64> {
        let ttl = ttl?.max(Duration::from_secs(1));
        if ttl > FOREVER_AFTER {
            return None;
        }
        let millis = ttl.as_millis() + u128::from(ttl.subsec_nanos() % 1_000_000 > 0);
        u64::try_from(millis).ok()
    }

    /// `SET key 1 [NX] [PX ttl]`; whether it was set.
    async fn set(&self, key: String, ttl: Option<Duration>, nx: bool) -> Result<bool, StoreError> {
        let mut cmd = redis::cmd("SET");
        cmd.arg(key).arg(1);
        if nx {
            cmd.arg("NX");
        }
        if let Some(millis) = Self::ttl_millis(ttl) {
            cmd.arg("PX").arg(millis);
        }
        let set: Option<String> = self.query(&cmd).await?;
        Ok(set.is_some())
    }

    /// Records in the change stream that `identity`'s revocations changed, trimming entries
    /// older than [`CHANGES_KEPT`].
    async fn record_change(&self, identity: Option<&str>) -> Result<(), StoreError> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        let oldest = now.saturating_sub(CHANGES_KEPT).as_millis();
        let mut cmd = redis::cmd("XADD");
        cmd.arg(self.changes_key())
            .arg("MINID")
            .arg("~")
            .arg(oldest.to_string())
            .arg("*")
            .arg("i")
            .arg(identity.unwrap_or(""));
        self.query::<String>(&cmd).await.map(drop)
    }
}

impl BlocklistStore for RedisBlocklist {
    /// A Lua script: `HSET` of the record in the identity's hash, whose TTL follows the last
    /// session to end.
    fn save_session<'a>(
        &'a self,
        identity: &'a str,
        session: &'a SessionRecord,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            self.save_session_script(identity, session, false)
                .await
                .map(drop)
        })
    }

    /// The same script, saving only a session the hash still holds (`HEXISTS`).
    fn update_session<'a>(
        &'a self,
        identity: &'a str,
        session: &'a SessionRecord,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(self.save_session_script(identity, session, true))
    }

    /// One `HGETALL`.
    fn sessions<'a>(
        &'a self,
        identity: &'a str,
    ) -> BoxFuture<'a, Result<Vec<SessionRecord>, StoreError>> {
        Box::pin(async move {
            let all: std::collections::HashMap<String, String> = self
                .query(redis::cmd("HGETALL").arg(self.sessions_key(identity)))
                .await?;
            // A record that does not parse is not ours to list.
            Ok(all
                .into_values()
                .filter_map(|r| serde_json::from_str(&r).ok())
                .collect())
        })
    }

    /// One `HDEL`.
    fn remove_session<'a>(
        &'a self,
        identity: &'a str,
        id: &'a str,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(async move {
            let removed: i64 = self
                .query(redis::cmd("HDEL").arg(self.sessions_key(identity)).arg(id))
                .await?;
            Ok(removed > 0)
        })
    }

    /// Connects (to every master, on a cluster) and checks that Redis answers.
    fn connect(&self) -> BoxFuture<'_, Result<(), StoreError>> {
        Box::pin(async move { self.query::<String>(&redis::cmd("PING")).await.map(drop) })
    }

    fn check<'a>(
        &'a self,
        jti: &'a str,
        identity: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Verdict, StoreError>> {
        self.check_token(TokenKeys::of(jti, identity))
    }

    /// One `MGET` of the `jti`, cut-off and family keys, which share a hash slot. While
    /// that slot is halfway through moving to another master (some keys moved, some not),
    /// Redis answers a multi-key command with `TRYAGAIN`: then each key is read on its own,
    /// following `ASK`, until the move is done.
    fn check_token<'a>(
        &'a self,
        token: TokenKeys<'a>,
    ) -> BoxFuture<'a, Result<Verdict, StoreError>> {
        Box::pin(async move {
            let mut keys = vec![self.jti_key(&token)];
            if token.identity.is_some() {
                keys.push(self.cut_key(token.identity));
            }
            if let Some(family) = token.family {
                keys.push(self.family_key(token.identity, family));
            }
            let mut cmd = redis::cmd("MGET");
            cmd.arg(&keys);
            let values: Vec<Option<u64>> = match run(self.conn().await?, &cmd).await {
                Err(e) if e.code() == Some("TRYAGAIN") => {
                    let mut values = Vec::with_capacity(keys.len());
                    for key in &keys {
                        values.push(self.query(redis::cmd("GET").arg(key)).await?);
                    }
                    values
                }
                other => other.map_err(err)?,
            };
            let mut values = values.into_iter();
            let jti_revoked = values.next().flatten().is_some();
            let identity_revoked_before = if token.identity.is_some() {
                values.next().flatten()
            } else {
                None
            };
            let family_revoked = token.family.is_some() && values.next().flatten().is_some();
            Ok(Verdict {
                jti_revoked,
                identity_revoked_before,
                family_revoked,
            })
        })
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
            self.set(self.jti_key(&token), ttl, false).await?;
            self.record_change(token.identity).await
        })
    }

    fn revoke_if_new<'a>(
        &'a self,
        jti: &'a str,
        ttl: Option<Duration>,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        self.revoke_token_if_new(TokenKeys::of(jti, None), ttl)
    }

    /// `SET … NX`: atomic.
    fn revoke_token_if_new<'a>(
        &'a self,
        token: TokenKeys<'a>,
        ttl: Option<Duration>,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(async move {
            let new = self.set(self.jti_key(&token), ttl, true).await?;
            if new {
                self.record_change(token.identity).await?;
            }
            Ok(new)
        })
    }

    /// A Lua script keeps the larger cut-off atomically (one key: fine on a cluster); kept
    /// forever.
    fn revoke_identity_before<'a>(
        &'a self,
        identity: &'a str,
        issued_before: u64,
        _ttl: Option<Duration>,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let script = redis::Script::new(KEEP_MAX);
            let mut call = script.key(self.cut_key(Some(identity)));
            call.arg(issued_before);
            match self.conn().await? {
                Conn::Standalone(mut c) => call.invoke_async::<i64>(&mut c).await,
                Conn::Cluster(mut c) => call.invoke_async::<i64>(&mut c).await,
            }
            .map_err(err)?;
            self.record_change(Some(identity)).await
        })
    }

    fn revoke_family<'a>(
        &'a self,
        identity: Option<&'a str>,
        family: &'a str,
        ttl: Option<Duration>,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            self.set(self.family_key(identity, family), ttl, false)
                .await?;
            self.record_change(identity).await
        })
    }
}

impl ChangeFeed for RedisBlocklist {
    /// `XRANGE` of the change stream after the cursor (an entry ID); without one, the ID of
    /// the latest entry.
    fn changes_after<'a>(
        &'a self,
        cursor: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Changes, StoreError>> {
        Box::pin(async move {
            let Some(cursor) = cursor else {
                let mut cmd = redis::cmd("XREVRANGE");
                cmd.arg(self.changes_key())
                    .arg("+")
                    .arg("-")
                    .arg("COUNT")
                    .arg(1);
                let latest: Vec<(String, Vec<(String, String)>)> = self.query(&cmd).await?;
                let cursor = latest
                    .into_iter()
                    .next()
                    .map_or_else(|| "0-0".to_owned(), |(id, _)| id);
                return Ok(Changes {
                    cursor,
                    identities: Vec::new(),
                });
            };
            let mut cmd = redis::cmd("XRANGE");
            cmd.arg(self.changes_key())
                .arg(format!("({cursor}"))
                .arg("+");
            let entries: Vec<(String, Vec<(String, String)>)> = self.query(&cmd).await?;
            let mut changes = Changes {
                cursor: cursor.to_owned(),
                identities: Vec::with_capacity(entries.len()),
            };
            for (id, fields) in entries {
                changes.cursor = id;
                changes
                    .identities
                    .extend(fields.into_iter().filter(|(f, _)| f == "i").map(|(_, v)| v));
            }
            Ok(changes)
        })
    }
}
