//! A Redis blocklist (cargo feature `redis`): revocations shared by every process that uses
//! the same Redis. Each revoked `jti` is a key with a TTL of the token's remaining lifetime
//! (in milliseconds, rounded up).

use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::AsyncCommands;
use tokio::sync::OnceCell;

use super::{BlocklistStore, StoreError, Verdict};
use crate::loaders::BoxFuture;

/// Revoked `jti`s in Redis, under `<prefix>jti:<jti>`; identity cut-offs under
/// `<prefix>identity:<identity>`.
///
/// The connection is made on first use and re-made after an outage; while Redis is down,
/// requests that need it fail closed with 503.
///
/// ```no_run
/// # use axum_jwt_extended_runtime::{JwtConfig, JwtManager, RedisBlocklist};
/// let store = RedisBlocklist::new("redis://127.0.0.1:6379/0").unwrap();
/// let jwt = JwtManager::builder(JwtConfig::with_secret("a-very-long-secret-of-at-least-32-bytes!"))
///     .blocklist(store)
///     .build()
///     .unwrap();
/// # let _ = jwt;
/// ```
#[derive(Clone)]
pub struct RedisBlocklist {
    /// `None` when the store was given a connection manager.
    client: Option<redis::Client>,
    conn: std::sync::Arc<OnceCell<ConnectionManager>>,
    prefix: String,
    timeouts: RedisTimeouts,
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
        f.debug_struct("RedisBlocklist")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

fn err(e: redis::RedisError) -> StoreError {
    StoreError::with_source(format!("redis: {}", e.category()), e)
}

/// Longer than this, a key is kept without expiry: a thousand years.
const FOREVER_AFTER: Duration = Duration::from_secs(1000 * 365 * 24 * 3600);

/// Sets the identity cut-off to the larger of the kept one and `ARGV[1]`, atomically.
const KEEP_MAX: &str = r"
local kept = tonumber(redis.call('GET', KEYS[1]))
if kept == nil or kept < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], ARGV[1])
end
return 1
";

impl RedisBlocklist {
    /// A store for this Redis URL: `redis://host:port/db`, or `rediss://host:port/db` for TLS
    /// (cargo feature `redis-tls`; the server's certificate is checked against the Mozilla
    /// roots — for a private CA, build the client with `redis::Client::build_with_tls` and
    /// use [`from_client`](Self::from_client)). Does not connect yet.
    pub fn new(url: &str) -> Result<Self, StoreError> {
        let client = redis::Client::open(url).map_err(err)?;
        Ok(Self::from_client(client))
    }

    /// A store over a client of your own (TLS with your certificates, a Unix socket, …). Does
    /// not connect yet.
    pub fn from_client(client: redis::Client) -> Self {
        RedisBlocklist {
            client: Some(client),
            conn: std::sync::Arc::new(OnceCell::new()),
            prefix: "axum-jwt-extended:".to_owned(),
            timeouts: RedisTimeouts::default(),
        }
    }

    /// A store over a connection manager of your own (shared with the rest of your app; its
    /// own timeouts and reconnection apply).
    pub fn from_connection_manager(conn: ConnectionManager) -> Self {
        RedisBlocklist {
            client: None,
            conn: std::sync::Arc::new(OnceCell::new_with(Some(conn))),
            prefix: "axum-jwt-extended:".to_owned(),
            timeouts: RedisTimeouts::default(),
        }
    }

    /// Sets the connect and response timeouts of the connection this store makes (not of a
    /// connection manager you gave it).
    pub fn with_timeouts(mut self, timeouts: RedisTimeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// Uses another key prefix (default `axum-jwt-extended:`).
    pub fn with_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    async fn conn(&self) -> Result<ConnectionManager, StoreError> {
        let conn = self
            .conn
            .get_or_try_init(|| async {
                let config = ConnectionManagerConfig::new()
                    .set_connection_timeout(self.timeouts.connect)
                    .set_response_timeout(self.timeouts.response)
                    .set_number_of_retries(1)
                    .set_max_delay(200);
                let client = self
                    .client
                    .clone()
                    .ok_or_else(|| StoreError::new("redis: no client"))?;
                ConnectionManager::new_with_config(client, config)
                    .await
                    .map_err(err)
            })
            .await?;
        Ok(conn.clone())
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

    async fn set(&self, key: String, value: u64, ttl: Option<Duration>) -> Result<(), StoreError> {
        let mut c = self.conn().await?;
        match Self::ttl_millis(ttl) {
            Some(millis) => c.pset_ex::<_, _, ()>(key, value, millis).await.map_err(err),
            None => c.set::<_, _, ()>(key, value).await.map_err(err),
        }
    }
}

impl BlocklistStore for RedisBlocklist {
    /// One `MGET` of the `jti` key and the identity key.
    fn check<'a>(
        &'a self,
        jti: &'a str,
        identity: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Verdict, StoreError>> {
        Box::pin(async move {
            let mut c = self.conn().await?;
            let jti_key = format!("{}jti:{jti}", self.prefix);
            let (jti_value, cutoff): (Option<u64>, Option<u64>) = match identity {
                Some(identity) => {
                    let identity_key = format!("{}identity:{identity}", self.prefix);
                    c.mget(&[jti_key, identity_key]).await.map_err(err)?
                }
                None => (c.get(jti_key).await.map_err(err)?, None),
            };
            Ok(Verdict {
                jti_revoked: jti_value.is_some(),
                identity_revoked_before: cutoff,
            })
        })
    }

    fn revoke<'a>(
        &'a self,
        jti: &'a str,
        ttl: Option<Duration>,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(self.set(format!("{}jti:{jti}", self.prefix), 1, ttl))
    }

    /// `SET … NX`: atomic.
    fn revoke_if_new<'a>(
        &'a self,
        jti: &'a str,
        ttl: Option<Duration>,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(async move {
            let mut c = self.conn().await?;
            let mut cmd = redis::cmd("SET");
            cmd.arg(format!("{}jti:{jti}", self.prefix))
                .arg(1)
                .arg("NX");
            if let Some(millis) = Self::ttl_millis(ttl) {
                cmd.arg("PX").arg(millis);
            }
            let set: Option<String> = cmd.query_async(&mut c).await.map_err(err)?;
            Ok(set.is_some())
        })
    }

    /// A Lua script keeps the larger cut-off atomically; kept forever.
    fn revoke_identity_before<'a>(
        &'a self,
        identity: &'a str,
        issued_before: u64,
        _ttl: Option<Duration>,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let mut c = self.conn().await?;
            redis::Script::new(KEEP_MAX)
                .key(format!("{}identity:{identity}", self.prefix))
                .arg(issued_before)
                .invoke_async::<i64>(&mut c)
                .await
                .map(|_| ())
                .map_err(err)
        })
    }
}
