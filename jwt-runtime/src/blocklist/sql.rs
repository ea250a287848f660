//! A SQL blocklist (cargo features `sqlite` and `postgres`, through sqlx): revocations shared
//! by every process that uses the same database, and kept across restarts.
//!
//! The table's layout and the store's rules are in [`SqlBlocklist`]'s docs.

use std::borrow::Cow;
use std::future::Future;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sha2::{Digest, Sha256};
use sqlx::{AssertSqlSafe, SqlSafeStr, SqlStr};

use super::{BlocklistStore, ChangeFeed, Changes, SessionRecord, StoreError, TokenKeys, Verdict};
use crate::loaders::BoxFuture;

/// Longer than this, an entry is kept forever (`expires_at` is `NULL`): a thousand years.
const FOREVER_AFTER: Duration = Duration::from_secs(1000 * 365 * 24 * 3600);

/// How long the change feed keeps a change (milliseconds); older ones go with the purge.
const CHANGES_KEPT_MS: i64 = 120_000;

/// How far back the change feed is read (milliseconds): longer than a heartbeat and any
/// commit's delay; what was read before is read again (repeats are allowed).
const CHANGES_WINDOW_MS: i64 = 10_000;

/// The longest table name: PostgreSQL's identifiers hold 63 bytes, and the index adds a
/// suffix to it.
const MAX_TABLE_LEN: usize = 48;

/// The database behind a [`SqlBlocklist`].
#[derive(Clone)]
enum Pool {
    #[cfg(feature = "sqlite")]
    Sqlite(sqlx::SqlitePool),
    #[cfg(feature = "postgres")]
    Postgres(sqlx::PgPool),
}

/// Runs `$body` with `$p` bound to the pool of whichever database this is.
macro_rules! on_pool {
    ($pool:expr, $p:ident => $body:expr) => {
        match $pool {
            #[cfg(feature = "sqlite")]
            Pool::Sqlite($p) => $body,
            #[cfg(feature = "postgres")]
            Pool::Postgres($p) => $body,
        }
    };
}

impl Pool {
    fn name(&self) -> &'static str {
        match self {
            #[cfg(feature = "sqlite")]
            Pool::Sqlite(_) => "sqlite",
            #[cfg(feature = "postgres")]
            Pool::Postgres(_) => "postgres",
        }
    }
}

/// The statements of one store, with its table name written in.
struct Queries {
    create_table: SqlStr,
    create_index: SqlStr,
    create_changes: SqlStr,
    create_changes_index: SqlStr,
    check: SqlStr,
    revoke: SqlStr,
    revoke_if_new: SqlStr,
    revoke_identity: SqlStr,
    purge: SqlStr,
    record_change: SqlStr,
    changes: SqlStr,
    purge_changes: SqlStr,
    create_sessions: SqlStr,
    save_session: SqlStr,
    update_session: SqlStr,
    sessions: SqlStr,
    remove_session: SqlStr,
    purge_sessions: SqlStr,
}

/// A statement of ours: the table name in it is checked by [`valid_table`], the values are
/// bound parameters. Cloned per call at the cost of a reference count.
fn sql(text: String) -> SqlStr {
    AssertSqlSafe(std::sync::Arc::<str>::from(text)).into_sql_str()
}

impl Queries {
    /// `table` is checked by [`valid_table`] first: only letters, digits and underscores, and
    /// quoted all the same.
    fn new(table: &str, postgres: bool) -> Queries {
        let t = format!("\"{table}\"");
        let changes = format!("\"{table}_changes\"");
        let sessions = format!("\"{table}_sessions\"");
        // The database's clock in milliseconds: every instance reads the feed by it.
        let now_ms = if postgres {
            "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)"
        } else {
            "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)"
        };
        let serial = if postgres {
            "BIGSERIAL PRIMARY KEY"
        } else {
            "INTEGER PRIMARY KEY AUTOINCREMENT"
        };
        let (p1, p2, p3, p4, p5) = if postgres {
            ("$1", "$2", "$3", "$4", "$5")
        } else {
            ("?1", "?2", "?3", "?4", "?5")
        };
        let (bytes, int, max) = if postgres {
            ("BYTEA", "BIGINT", "GREATEST")
        } else {
            ("BLOB", "INTEGER", "MAX")
        };
        // The later expiry wins, and NULL (never) beats any.
        let later_expiry = format!(
            "CASE WHEN {t}.expires_at IS NULL OR excluded.expires_at IS NULL THEN NULL \
             ELSE {max}({t}.expires_at, excluded.expires_at) END"
        );
        let revoke = format!(
            "INSERT INTO {t} (kind, digest, item, cutoff, expires_at) \
             VALUES (0, {p1}, {p2}, NULL, {p3}) \
             ON CONFLICT (kind, digest) DO UPDATE SET expires_at = {later_expiry}"
        );
        Queries {
            create_sessions: sql(format!(
                "CREATE TABLE IF NOT EXISTS {sessions} (\
                 identity_digest {bytes} NOT NULL, \
                 id TEXT NOT NULL, \
                 record TEXT NOT NULL, \
                 ends_at {int}, \
                 PRIMARY KEY (identity_digest, id))"
            )),
            save_session: sql(format!(
                "INSERT INTO {sessions} (identity_digest, id, record, ends_at) \
                 VALUES ({p1}, {p2}, {p3}, {p4}) \
                 ON CONFLICT (identity_digest, id) DO UPDATE SET \
                 record = excluded.record, ends_at = excluded.ends_at"
            )),
            update_session: sql(format!(
                "UPDATE {sessions} SET record = {p3}, ends_at = {p4} \
                 WHERE identity_digest = {p1} AND id = {p2}"
            )),
            sessions: sql(format!(
                "SELECT record FROM {sessions} WHERE identity_digest = {p1} \
                 AND (ends_at IS NULL OR ends_at > {p2})"
            )),
            remove_session: sql(format!(
                "DELETE FROM {sessions} WHERE identity_digest = {p1} AND id = {p2}"
            )),
            purge_sessions: sql(format!(
                "DELETE FROM {sessions} WHERE ends_at IS NOT NULL AND ends_at <= {p1}"
            )),
            revoke: sql(revoke),
            create_changes: sql(format!(
                "CREATE TABLE IF NOT EXISTS {changes} (\
                 seq {serial}, \
                 identity TEXT NOT NULL, \
                 at {int} NOT NULL)"
            )),
            create_changes_index: sql(format!(
                "CREATE INDEX IF NOT EXISTS \"{table}_changes_at\" ON {changes} (at)"
            )),
            record_change: sql(format!(
                "INSERT INTO {changes} (identity, at) VALUES ({p1}, {now_ms})"
            )),
            changes: sql(format!(
                "SELECT identity FROM {changes} WHERE at > {now_ms} - {p1}"
            )),
            purge_changes: sql(format!("DELETE FROM {changes} WHERE at < {now_ms} - {p1}")),
            create_table: sql(format!(
                "CREATE TABLE IF NOT EXISTS {t} (\
                 kind SMALLINT NOT NULL, \
                 digest {bytes} NOT NULL, \
                 item TEXT NOT NULL, \
                 cutoff {int}, \
                 expires_at {int}, \
                 PRIMARY KEY (kind, digest))"
            )),
            create_index: sql(format!(
                "CREATE INDEX IF NOT EXISTS \"{table}_expires_at\" ON {t} (expires_at)"
            )),
            check: sql(format!(
                "SELECT \
                 (SELECT COUNT(*) FROM {t} WHERE kind = 0 AND digest = {p1} \
                  AND (expires_at IS NULL OR expires_at > {p3})), \
                 (SELECT cutoff FROM {t} WHERE kind = 1 AND digest = {p2} \
                  AND (expires_at IS NULL OR expires_at > {p3})), \
                 (SELECT COUNT(*) FROM {t} WHERE kind = 0 AND digest = {p4} \
                  AND (expires_at IS NULL OR expires_at > {p3}))"
            )),
            // One row changes only when there was none, or only an expired one: of concurrent
            // calls, exactly one sees a changed row.
            revoke_if_new: sql(format!(
                "INSERT INTO {t} (kind, digest, item, cutoff, expires_at) \
                 VALUES (0, {p1}, {p2}, NULL, {p3}) \
                 ON CONFLICT (kind, digest) DO UPDATE SET expires_at = excluded.expires_at \
                 WHERE {t}.expires_at IS NOT NULL AND {t}.expires_at <= {p4}"
            )),
            // An expired cut-off (not purged yet) does not come back: the new one replaces it.
            revoke_identity: sql(format!(
                "INSERT INTO {t} (kind, digest, item, cutoff, expires_at) \
                 VALUES (1, {p1}, {p2}, {p3}, {p4}) \
                 ON CONFLICT (kind, digest) DO UPDATE SET \
                 cutoff = CASE WHEN {t}.expires_at IS NOT NULL AND {t}.expires_at <= {p5} \
                 THEN excluded.cutoff ELSE {max}({t}.cutoff, excluded.cutoff) END, \
                 expires_at = CASE WHEN {t}.expires_at IS NOT NULL AND {t}.expires_at <= {p5} \
                 THEN excluded.expires_at ELSE ({later_expiry}) END"
            )),
            purge: sql(format!(
                "DELETE FROM {t} WHERE expires_at IS NOT NULL AND expires_at <= {p1}"
            )),
        }
    }
}

/// Whether `name` can be a table name here: 1 to 48 ASCII letters, digits and underscores,
/// not starting with a digit. Nothing else ever reaches the SQL text.
fn valid_table(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name.len() <= MAX_TABLE_LEN
}

/// How a [`SqlBlocklist`] is set up: its table, its timeouts, its purge and (for the pools it
/// opens itself) its pool size.
///
/// ```
/// # use std::time::Duration;
/// # use axum_jwt_extended_runtime::SqlBlocklistOptions;
/// let options = SqlBlocklistOptions::new()
///     .table("revoked_tokens")
///     .query_timeout(Duration::from_millis(500))
///     .purge_interval(Some(Duration::from_secs(600)));
/// # let _ = options;
/// ```
#[derive(Debug, Clone)]
pub struct SqlBlocklistOptions {
    table: String,
    query_timeout: Duration,
    connect_timeout: Duration,
    purge_interval: Option<Duration>,
    max_connections: u32,
    create_table: bool,
}

impl Default for SqlBlocklistOptions {
    fn default() -> Self {
        SqlBlocklistOptions::new()
    }
}

impl SqlBlocklistOptions {
    /// The defaults: table [`SqlBlocklist::DEFAULT_TABLE`], a query timeout of 1.5 s, a
    /// connect timeout of 5 s, a purge at most once a minute, up to 10 connections, and the
    /// table created when missing.
    pub fn new() -> Self {
        SqlBlocklistOptions {
            table: SqlBlocklist::DEFAULT_TABLE.to_owned(),
            query_timeout: Duration::from_millis(1500),
            connect_timeout: Duration::from_secs(5),
            purge_interval: Some(Duration::from_secs(60)),
            max_connections: 10,
            create_table: true,
        }
    }

    /// The table's name: 1 to 48 ASCII letters, digits and underscores, not starting with a
    /// digit (checked when the store is made; anything else is refused, so no name can carry
    /// SQL). Its index is named `<table>_expires_at`. On PostgreSQL the table goes in the
    /// first schema of the connection's `search_path`.
    pub fn table(mut self, name: impl Into<String>) -> Self {
        self.table = name.into();
        self
    }

    /// How long one store call (a check, a revocation, a purge) may take, waiting for a
    /// connection included; past it the call fails (and the request gets 503). The manager
    /// bounds every call at 2 s anyway; keep this shorter to get this store's own message.
    pub fn query_timeout(mut self, timeout: Duration) -> Self {
        self.query_timeout = timeout;
        self
    }

    /// How long making the store may take (connecting, creating the table); for the pools
    /// the store opens itself, also how long a call waits for a new connection.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How often expired rows are deleted: after a revocation, when this long has passed
    /// since the last purge, a purge runs in a background task (its failure is ignored: the
    /// rows stay, and checks never see them). `None`: never; call
    /// [`SqlBlocklist::purge_expired`] yourself.
    pub fn purge_interval(mut self, every: Option<Duration>) -> Self {
        self.purge_interval = every;
        self
    }

    /// The most connections of a pool the store opens itself ([`SqlBlocklist::connect`]);
    /// at least 1.
    pub fn max_connections(mut self, max: u32) -> Self {
        self.max_connections = max.max(1);
        self
    }

    /// Whether to create the table and its index when missing (`CREATE … IF NOT EXISTS`,
    /// default `true`). Turn it off when the database user may not create tables and the
    /// table was made beforehand, with the columns of the [module docs](SqlBlocklist).
    pub fn create_table(mut self, create: bool) -> Self {
        self.create_table = create;
        self
    }
}

struct Inner {
    pool: Pool,
    table: String,
    queries: Queries,
    query_timeout: Duration,
    purge_interval: Option<Duration>,
    /// When the last purge started (seconds since the epoch; 0: never).
    last_purge: AtomicI64,
}

/// Revocations in a SQL database (SQLite with the cargo feature `sqlite`, PostgreSQL with
/// `postgres`), in one table that the store creates when missing.
///
/// | column | type | what |
/// |---|---|---|
/// | `kind` | `SMALLINT` | `0`: a revoked `jti` (or login family, as the `jti` `family:<fam>`); `1`: an identity cut-off |
/// | `digest` | `BYTEA` / `BLOB` | SHA-256 of the `jti` or identity (with `kind`, the primary key) |
/// | `item` | `TEXT` | the `jti` or identity itself (a NUL character shown as U+FFFD), for people reading the table |
/// | `cutoff` | `BIGINT` | identity rows: tokens issued at or before it are revoked |
/// | `expires_at` | `BIGINT` | seconds since the epoch, rounded up; `NULL`: never |
///
/// - A check is one query (three scalar subqueries: the `jti`, the identity's cut-off and the
///   login family), and ignores expired rows: expiry holds at read time, whatever the purge
///   does.
/// - Every revocation is also recorded in `<table>_changes` (`seq`, `identity`, `at`: the
///   database's clock in milliseconds), the [`ChangeFeed`] a [`NearCache`](crate::NearCache)
///   reads; changes are kept two minutes and purged with the expired rows. The store creates
///   that table too; with [`create_table(false)`](SqlBlocklistOptions::create_table), create
///   it beforehand.
/// - Revocations are idempotent upserts; revoking again keeps the later expiry. An identity's
///   cut-off is kept by maximum in one `INSERT … ON CONFLICT DO UPDATE`, so concurrent calls
///   from any number of processes keep the latest.
/// - Expired rows are deleted by [`purge_expired`](Self::purge_expired), which the store
///   also runs in a background task after a revocation, at most once per
///   [`purge_interval`](SqlBlocklistOptions::purge_interval) (a minute by default).
/// - Times are read from this process's clock (as the token's `exp` is): processes that
///   share a database need synchronized clocks, as they do to agree on tokens anyway. Times
///   past 2^63 − 1 seconds are clamped to it, and lifetimes over a thousand years are kept
///   forever.
/// - Every call is bounded by the [query timeout](SqlBlocklistOptions::query_timeout); a
///   failure is a [`StoreError`] (the request gets 503) whose message names the operation and
///   the kind of failure, never the database URL or a password. The driver's error is its
///   `source()`.
///
/// ```no_run
/// # use axum_jwt_extended_runtime::{JwtConfig, JwtManager, SqlBlocklist};
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let store = SqlBlocklist::connect("sqlite://blocklist.db?mode=rwc").await.unwrap();
/// // or: SqlBlocklist::connect("postgres://app@127.0.0.1/app").await
/// let jwt = JwtManager::builder(JwtConfig::with_secret("a-very-long-secret-of-at-least-32-bytes!"))
///     .blocklist(store)
///     .build()
///     .unwrap();
/// # let _ = jwt;
/// # }
/// ```
///
/// The pools [`connect`](Self::connect) opens use no TLS. For TLS, or any other setting,
/// build the pool yourself (with sqlx's TLS features) and hand it to `from_pg_pool` or
/// `from_sqlite_pool`.
#[derive(Clone)]
pub struct SqlBlocklist(Arc<Inner>);

impl std::fmt::Debug for SqlBlocklist {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqlBlocklist")
            .field("database", &self.0.pool.name())
            .field("table", &self.0.table)
            .field("query_timeout", &self.0.query_timeout)
            .field("purge_interval", &self.0.purge_interval)
            .finish_non_exhaustive()
    }
}

/// A driver error as a [`StoreError`]: our message names the operation and the kind of
/// failure (never a URL or a password); the driver's error is the source.
fn sql_err(what: &'static str, e: sqlx::Error) -> StoreError {
    let kind = match &e {
        sqlx::Error::Configuration(_) => "invalid configuration",
        sqlx::Error::Database(_) => "database error",
        sqlx::Error::Io(_) => "connection failed",
        sqlx::Error::Tls(_) => "TLS failed",
        sqlx::Error::Protocol(_) => "protocol error",
        sqlx::Error::PoolTimedOut => "no connection in time",
        sqlx::Error::PoolClosed => "pool closed",
        sqlx::Error::WorkerCrashed => "driver worker crashed",
        sqlx::Error::RowNotFound
        | sqlx::Error::ColumnNotFound(_)
        | sqlx::Error::ColumnIndexOutOfBounds { .. }
        | sqlx::Error::ColumnDecode { .. }
        | sqlx::Error::TypeNotFound { .. }
        | sqlx::Error::Decode(_) => "unexpected table layout",
        _ => "error",
    };
    StoreError::with_source(format!("sql: {what}: {kind}"), e)
}

/// Runs `fut` within `timeout`.
async fn timed<T>(
    what: &'static str,
    timeout: Duration,
    fut: impl Future<Output = Result<T, sqlx::Error>>,
) -> Result<T, StoreError> {
    match tokio::time::timeout(timeout, fut).await {
        Ok(out) => out.map_err(|e| sql_err(what, e)),
        Err(_) => Err(StoreError::new(format!("sql: {what}: timed out"))),
    }
}

/// Now, since the epoch (zero for a clock before it).
fn now() -> Duration {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
}

/// Now in whole seconds (rounded down), clamped to `i64`.
fn now_secs() -> i64 {
    i64::try_from(now().as_secs()).unwrap_or(i64::MAX)
}

/// When an entry kept for `ttl` expires: seconds since the epoch, rounded up (an entry is
/// never dropped early), at least one second from now. `None`: never (no `ttl`, one over
/// [`FOREVER_AFTER`], or a time past `i64`).
fn expires_at(ttl: Option<Duration>) -> Option<i64> {
    let ttl = ttl?.max(Duration::from_secs(1));
    if ttl > FOREVER_AFTER {
        return None;
    }
    let until = now().checked_add(ttl)?;
    let secs = until
        .as_secs()
        .checked_add(u64::from(until.subsec_nanos() > 0))?;
    i64::try_from(secs).ok()
}

/// The primary key of a value.
fn digest(value: &str) -> Vec<u8> {
    Sha256::digest(value.as_bytes()).to_vec()
}

/// The value as the `item` column keeps it (PostgreSQL's `text` holds no NUL).
fn item(value: &str) -> Cow<'_, str> {
    if value.contains('\0') {
        Cow::Owned(value.replace('\0', "\u{FFFD}"))
    } else {
        Cow::Borrowed(value)
    }
}

impl SqlBlocklist {
    /// The table's name unless [`SqlBlocklistOptions::table`] says otherwise.
    pub const DEFAULT_TABLE: &'static str = "jwt_blocklist";

    /// Opens a pool on `url` and creates the table when missing, with the default
    /// [options](SqlBlocklistOptions::new).
    ///
    /// `url` is `sqlite://path/to/file.db?mode=rwc` (`mode=rwc` creates the file; feature
    /// `sqlite`; the file is switched to WAL mode, which it keeps, so that checks do not wait
    /// for revocations; `sqlite::memory:` is one database for the store's pool, gone with the
    /// store, for tests) or `postgres://user:password@host:port/database` (feature `postgres`). Fails
    /// when the database cannot be reached or the table cannot be made; the error never
    /// holds the URL.
    ///
    /// ```no_run
    /// # use axum_jwt_extended_runtime::SqlBlocklist;
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let store = SqlBlocklist::connect("sqlite://blocklist.db?mode=rwc").await.unwrap();
    /// # let _ = store;
    /// # }
    /// ```
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        SqlBlocklist::connect_with(url, SqlBlocklistOptions::new()).await
    }

    /// [`connect`](Self::connect) with other options.
    ///
    /// ```no_run
    /// # use std::time::Duration;
    /// # use axum_jwt_extended_runtime::{SqlBlocklist, SqlBlocklistOptions};
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let options = SqlBlocklistOptions::new().table("revoked").max_connections(4);
    /// let store = SqlBlocklist::connect_with("postgres://app@127.0.0.1/app", options)
    ///     .await
    ///     .unwrap();
    /// # let _ = store;
    /// # }
    /// ```
    pub async fn connect_with(url: &str, options: SqlBlocklistOptions) -> Result<Self, StoreError> {
        check_table(&options)?;
        let scheme = url.split_once(':').map_or("", |(scheme, _)| scheme);
        match scheme.to_ascii_lowercase().as_str() {
            #[cfg(feature = "sqlite")]
            "sqlite" => {
                use std::str::FromStr;
                let connect = sqlx::sqlite::SqliteConnectOptions::from_str(url)
                    .map_err(|e| sql_err("parsing the database URL", e))?
                    .busy_timeout(options.query_timeout)
                    // Readers never wait for the writer, and a commit is one sync, not four.
                    .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal);
                // Connections are never closed for idling or age: an in-memory database
                // (`sqlite::memory:`) lives only while one of them is open.
                let pool = sqlx::sqlite::SqlitePoolOptions::new()
                    .max_connections(options.max_connections)
                    .min_connections(1)
                    .idle_timeout(None)
                    .max_lifetime(None)
                    .acquire_timeout(options.connect_timeout)
                    .connect_with(connect);
                let pool = timed("connecting", options.connect_timeout, pool).await?;
                SqlBlocklist::from_sqlite_pool(pool, options).await
            }
            #[cfg(feature = "postgres")]
            "postgres" | "postgresql" => {
                use std::str::FromStr;
                let connect = sqlx::postgres::PgConnectOptions::from_str(url)
                    .map_err(|e| sql_err("parsing the database URL", e))?;
                let pool = sqlx::postgres::PgPoolOptions::new()
                    .max_connections(options.max_connections)
                    .acquire_timeout(options.connect_timeout)
                    .connect_with(connect);
                let pool = timed("connecting", options.connect_timeout, pool).await?;
                SqlBlocklist::from_pg_pool(pool, options).await
            }
            _ => Err(StoreError::new(
                "sql: unsupported database URL (expected sqlite: or postgres:, with the cargo \
                 feature of the same name)",
            )),
        }
    }

    /// A store on a SQLite pool of your own (its journal mode, busy timeout, size…); creates
    /// the table when missing (unless [`SqlBlocklistOptions::create_table`] is off).
    ///
    /// ```no_run
    /// # use axum_jwt_extended_runtime::{sqlx, SqlBlocklist, SqlBlocklistOptions};
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let pool = sqlx::SqlitePool::connect("sqlite://app.db?mode=rwc").await.unwrap();
    /// let store = SqlBlocklist::from_sqlite_pool(pool, SqlBlocklistOptions::new())
    ///     .await
    ///     .unwrap();
    /// # let _ = store;
    /// # }
    /// ```
    #[cfg(feature = "sqlite")]
    #[cfg_attr(docsrs, doc(cfg(feature = "sqlite")))]
    pub async fn from_sqlite_pool(
        pool: sqlx::SqlitePool,
        options: SqlBlocklistOptions,
    ) -> Result<Self, StoreError> {
        check_table(&options)?;
        let store = SqlBlocklist::assemble(Pool::Sqlite(pool.clone()), &options, false);
        if options.create_table {
            let queries = &store.0.queries;
            let create = async {
                sqlx::query(queries.create_table.clone())
                    .execute(&pool)
                    .await?;
                sqlx::query(queries.create_index.clone())
                    .execute(&pool)
                    .await?;
                sqlx::query(queries.create_changes.clone())
                    .execute(&pool)
                    .await?;
                sqlx::query(queries.create_changes_index.clone())
                    .execute(&pool)
                    .await?;
                sqlx::query(queries.create_sessions.clone())
                    .execute(&pool)
                    .await?;
                Ok(())
            };
            timed("creating the table", options.connect_timeout, create).await?;
        }
        Ok(store)
    }

    /// A store on a PostgreSQL pool of your own (TLS, size, `search_path`…); creates the
    /// table when missing (unless [`SqlBlocklistOptions::create_table`] is off), under an
    /// advisory lock so that processes starting together do not race.
    ///
    /// ```no_run
    /// # use axum_jwt_extended_runtime::{sqlx, SqlBlocklist, SqlBlocklistOptions};
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let pool = sqlx::PgPool::connect("postgres://app@127.0.0.1/app").await.unwrap();
    /// let store = SqlBlocklist::from_pg_pool(pool, SqlBlocklistOptions::new())
    ///     .await
    ///     .unwrap();
    /// # let _ = store;
    /// # }
    /// ```
    #[cfg(feature = "postgres")]
    #[cfg_attr(docsrs, doc(cfg(feature = "postgres")))]
    pub async fn from_pg_pool(
        pool: sqlx::PgPool,
        options: SqlBlocklistOptions,
    ) -> Result<Self, StoreError> {
        check_table(&options)?;
        let store = SqlBlocklist::assemble(Pool::Postgres(pool.clone()), &options, true);
        if options.create_table {
            let queries = &store.0.queries;
            let create = async {
                let mut tx = pool.begin().await?;
                // Concurrent `CREATE TABLE IF NOT EXISTS` can fail on PostgreSQL's catalog:
                // one creator at a time, per table name.
                sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))")
                    .bind(format!("axum-jwt-extended:{}", options.table))
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(queries.create_table.clone())
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(queries.create_index.clone())
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(queries.create_changes.clone())
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(queries.create_changes_index.clone())
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(queries.create_sessions.clone())
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await
            };
            timed("creating the table", options.connect_timeout, create).await?;
        }
        Ok(store)
    }

    /// The store on `pool`, its statements written for PostgreSQL or SQLite.
    fn assemble(pool: Pool, options: &SqlBlocklistOptions, postgres: bool) -> SqlBlocklist {
        SqlBlocklist(Arc::new(Inner {
            pool,
            queries: Queries::new(&options.table, postgres),
            table: options.table.clone(),
            query_timeout: options.query_timeout,
            purge_interval: options.purge_interval,
            last_purge: AtomicI64::new(0),
        }))
    }

    /// The table's name.
    ///
    /// ```no_run
    /// # use axum_jwt_extended_runtime::SqlBlocklist;
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let store = SqlBlocklist::connect("sqlite://blocklist.db?mode=rwc").await.unwrap();
    /// assert_eq!(store.table(), SqlBlocklist::DEFAULT_TABLE);
    /// # }
    /// ```
    pub fn table(&self) -> &str {
        &self.0.table
    }

    /// Deletes the rows that have expired, and says how many. Checks never see expired rows,
    /// so this only reclaims space; the store also runs it by itself (see
    /// [`SqlBlocklistOptions::purge_interval`]).
    ///
    /// ```no_run
    /// # use axum_jwt_extended_runtime::SqlBlocklist;
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let store = SqlBlocklist::connect("sqlite://blocklist.db?mode=rwc").await.unwrap();
    /// let deleted = store.purge_expired().await.unwrap();
    /// # let _ = deleted;
    /// # }
    /// ```
    pub async fn purge_expired(&self) -> Result<u64, StoreError> {
        let inner = &self.0;
        let now = now_secs();
        inner.last_purge.fetch_max(now, Ordering::Relaxed);
        let purge = async {
            on_pool!(&inner.pool, p => {
                let done = sqlx::query(inner.queries.purge.clone())
                    .bind(now)
                    .execute(p)
                    .await?;
                sqlx::query(inner.queries.purge_changes.clone())
                    .bind(CHANGES_KEPT_MS)
                    .execute(p)
                    .await?;
                sqlx::query(inner.queries.purge_sessions.clone())
                    .bind(now)
                    .execute(p)
                    .await?;
                Ok(done.rows_affected())
            })
        };
        timed("purging expired rows", inner.query_timeout, purge).await
    }

    /// After a revocation: starts a purge in the background when one is due.
    fn maybe_purge(&self) {
        let Some(every) = self.0.purge_interval else {
            return;
        };
        let now = now_secs();
        let every = i64::try_from(every.as_secs()).unwrap_or(i64::MAX);
        let last = self.0.last_purge.load(Ordering::Relaxed);
        if now.saturating_sub(last) < every {
            return;
        }
        // One purge per interval, whatever the number of concurrent revocations.
        if self
            .0
            .last_purge
            .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
            .is_err()
        {
            return;
        }
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let store = self.clone();
            runtime.spawn(async move {
                // A failed purge leaves the rows for the next one; checks never see them.
                let _ = store.purge_expired().await;
            });
        }
    }

    async fn check_now(&self, token: TokenKeys<'_>) -> Result<Verdict, StoreError> {
        let inner = &self.0;
        let (jti_key, identity_key) = (digest(token.jti), token.identity.map(digest));
        // A family's revocation is the `jti` row of `family:<fam>`, as in earlier releases.
        let family_key = token.family.map(|f| digest(&super::family_entry(f)));
        let now = now_secs();
        let check = async {
            on_pool!(&inner.pool, p => sqlx::query_as::<_, (i64, Option<i64>, i64)>(inner.queries.check.clone())
                .bind(jti_key)
                .bind(identity_key)
                .bind(now)
                .bind(family_key)
                .fetch_one(p)
                .await)
        };
        let (count, cutoff, family) = timed("check", inner.query_timeout, check).await?;
        Ok(Verdict {
            jti_revoked: count > 0,
            family_revoked: family > 0,
            // Negative cut-offs are not ours: before the epoch, nothing is revoked.
            identity_revoked_before: cutoff.and_then(|c| u64::try_from(c).ok()),
        })
    }

    /// Revokes a `jti` (a login family: the `jti` `family:<fam>`), and records the change.
    async fn revoke_now(
        &self,
        value: &str,
        identity: Option<&str>,
        ttl: Option<Duration>,
    ) -> Result<(), StoreError> {
        let inner = &self.0;
        let (key, item, until) = (digest(value), item(value), expires_at(ttl));
        let revoke = async {
            on_pool!(&inner.pool, p => sqlx::query(inner.queries.revoke.clone())
                .bind(key)
                .bind(item.as_ref())
                .bind(until)
                .execute(p)
                .await
                .map(drop))
        };
        timed("revoke", inner.query_timeout, revoke).await?;
        self.record_change(identity).await?;
        self.maybe_purge();
        Ok(())
    }

    /// Records in the change feed that `identity`'s revocations changed.
    async fn record_change(&self, identity: Option<&str>) -> Result<(), StoreError> {
        let inner = &self.0;
        let identity = item(identity.unwrap_or(""));
        let record = async {
            on_pool!(&inner.pool, p => sqlx::query(inner.queries.record_change.clone())
                .bind(identity.as_ref())
                .execute(p)
                .await
                .map(drop))
        };
        timed("record the change", inner.query_timeout, record).await
    }

    async fn revoke_if_new_now(
        &self,
        token: TokenKeys<'_>,
        ttl: Option<Duration>,
    ) -> Result<bool, StoreError> {
        let inner = &self.0;
        let (key, item, until) = (digest(token.jti), item(token.jti), expires_at(ttl));
        let now = now_secs();
        let revoke = async {
            on_pool!(&inner.pool, p => sqlx::query(inner.queries.revoke_if_new.clone())
                .bind(key)
                .bind(item.as_ref())
                .bind(until)
                .bind(now)
                .execute(p)
                .await
                .map(|done| done.rows_affected() == 1))
        };
        let new = timed("revoke", inner.query_timeout, revoke).await?;
        if new {
            self.record_change(token.identity).await?;
        }
        self.maybe_purge();
        Ok(new)
    }

    async fn revoke_identity_now(
        &self,
        identity: &str,
        issued_before: u64,
        ttl: Option<Duration>,
    ) -> Result<(), StoreError> {
        let inner = &self.0;
        let (key, item, until) = (digest(identity), item(identity), expires_at(ttl));
        let cutoff = i64::try_from(issued_before).unwrap_or(i64::MAX);
        let now = now_secs();
        let revoke = async {
            on_pool!(&inner.pool, p => sqlx::query(inner.queries.revoke_identity.clone())
                .bind(key)
                .bind(item.as_ref())
                .bind(cutoff)
                .bind(until)
                .bind(now)
                .execute(p)
                .await
                .map(drop))
        };
        timed("revoke identity", inner.query_timeout, revoke).await?;
        self.record_change(Some(identity)).await?;
        self.maybe_purge();
        Ok(())
    }
}

impl SqlBlocklist {
    /// Writes a session's row with `query` (the upsert or the update); whether a row changed.
    async fn write_session(
        &self,
        query: &SqlStr,
        what: &'static str,
        identity: &str,
        session: &SessionRecord,
    ) -> Result<bool, StoreError> {
        let inner = &self.0;
        let record = serde_json::to_string(session)
            .map_err(|e| StoreError::with_source("sql: the session does not serialize", e))?;
        // The `ends_at` column is how long the row is kept: see `SessionRecord::keep_until`.
        let ends_at = session.keep_until().and_then(|e| i64::try_from(e).ok());
        let key = digest(identity);
        let write = async {
            on_pool!(&inner.pool, p => sqlx::query(query.clone())
                .bind(key)
                .bind(session.id.as_str())
                .bind(record)
                .bind(ends_at)
                .execute(p)
                .await
                .map(|done| done.rows_affected() > 0))
        };
        timed(what, inner.query_timeout, write).await
    }
}

/// Refuses a table name that is not a plain identifier (it is never echoed back).
fn check_table(options: &SqlBlocklistOptions) -> Result<(), StoreError> {
    if valid_table(&options.table) {
        Ok(())
    } else {
        Err(StoreError::new(
            "sql: invalid table name (1 to 48 ASCII letters, digits and underscores, not \
             starting with a digit)",
        ))
    }
}

impl BlocklistStore for SqlBlocklist {
    /// An upsert of the record (JSON) in `<table>_sessions`.
    fn save_session<'a>(
        &'a self,
        identity: &'a str,
        session: &'a SessionRecord,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let query = &self.0.queries.save_session;
            self.write_session(query, "save a session", identity, session)
                .await?;
            self.maybe_purge();
            Ok(())
        })
    }

    /// One `UPDATE` of a row that is still there.
    fn update_session<'a>(
        &'a self,
        identity: &'a str,
        session: &'a SessionRecord,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        let query = &self.0.queries.update_session;
        Box::pin(self.write_session(query, "refresh a session", identity, session))
    }

    /// One `SELECT` of the identity's unexpired sessions.
    fn sessions<'a>(
        &'a self,
        identity: &'a str,
    ) -> BoxFuture<'a, Result<Vec<SessionRecord>, StoreError>> {
        Box::pin(async move {
            let inner = &self.0;
            let key = digest(identity);
            let now = now_secs();
            let read = async {
                on_pool!(&inner.pool, p => sqlx::query_as::<_, (String,)>(inner.queries.sessions.clone())
                    .bind(key)
                    .bind(now)
                    .fetch_all(p)
                    .await)
            };
            let rows = timed("list sessions", inner.query_timeout, read).await?;
            Ok(rows
                .into_iter()
                .filter_map(|(r,)| serde_json::from_str(&r).ok())
                .collect())
        })
    }

    /// One `DELETE`.
    fn remove_session<'a>(
        &'a self,
        identity: &'a str,
        id: &'a str,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(async move {
            let inner = &self.0;
            let key = digest(identity);
            let remove = async {
                on_pool!(&inner.pool, p => sqlx::query(inner.queries.remove_session.clone())
                    .bind(key)
                    .bind(id)
                    .execute(p)
                    .await
                    .map(|done| done.rows_affected() > 0))
            };
            timed("end a session", inner.query_timeout, remove).await
        })
    }

    /// Checks that the database answers (`SELECT 1`).
    fn connect(&self) -> BoxFuture<'_, Result<(), StoreError>> {
        Box::pin(async move {
            let inner = &self.0;
            let ping = async {
                on_pool!(&inner.pool, p => sqlx::query("SELECT 1").execute(p).await.map(drop))
            };
            timed("connecting", inner.query_timeout, ping).await
        })
    }

    fn check<'a>(
        &'a self,
        jti: &'a str,
        identity: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Verdict, StoreError>> {
        self.check_token(TokenKeys::of(jti, identity))
    }

    /// One `SELECT` of three scalar subqueries: the `jti` row, the identity's cut-off and
    /// the family's row, each unexpired.
    fn check_token<'a>(
        &'a self,
        token: TokenKeys<'a>,
    ) -> BoxFuture<'a, Result<Verdict, StoreError>> {
        Box::pin(self.check_now(token))
    }

    /// An upsert keeping the later expiry (`None`: never expires).
    fn revoke<'a>(
        &'a self,
        jti: &'a str,
        ttl: Option<Duration>,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(self.revoke_now(jti, None, ttl))
    }

    fn revoke_token<'a>(
        &'a self,
        token: TokenKeys<'a>,
        ttl: Option<Duration>,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(self.revoke_now(token.jti, token.identity, ttl))
    }

    /// One `INSERT … ON CONFLICT DO UPDATE … WHERE expired`: a row changes only for the
    /// first caller (or over an expired entry).
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
        Box::pin(self.revoke_if_new_now(token, ttl))
    }

    /// An upsert keeping the larger cut-off and the later expiry, atomically.
    fn revoke_identity_before<'a>(
        &'a self,
        identity: &'a str,
        issued_before: u64,
        ttl: Option<Duration>,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(self.revoke_identity_now(identity, issued_before, ttl))
    }

    /// The `jti` row of [`family_entry`](super::family_entry), as earlier releases kept it.
    fn revoke_family<'a>(
        &'a self,
        identity: Option<&'a str>,
        family: &'a str,
        ttl: Option<Duration>,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            self.revoke_now(&super::family_entry(family), identity, ttl)
                .await
        })
    }
}

impl ChangeFeed for SqlBlocklist {
    /// The changes recorded in the last 10 s by the database's clock (in
    /// `<table>_changes`); the cursor is not needed, and changes repeat while in the window.
    fn changes_after<'a>(
        &'a self,
        _cursor: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Changes, StoreError>> {
        Box::pin(async move {
            let inner = &self.0;
            let read = async {
                on_pool!(&inner.pool, p => sqlx::query_as::<_, (String,)>(inner.queries.changes.clone())
                    .bind(CHANGES_WINDOW_MS)
                    .fetch_all(p)
                    .await)
            };
            let rows = timed("read the changes", inner.query_timeout, read).await?;
            Ok(Changes {
                cursor: String::new(),
                identities: rows.into_iter().map(|(identity,)| identity).collect(),
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_names_are_plain_identifiers() {
        for ok in ["jwt_blocklist", "_t", "T1", &"a".repeat(48)] {
            assert!(valid_table(ok), "{ok}");
        }
        for bad in [
            "",
            "1t",
            "t-1",
            "t;DROP TABLE x",
            "t\"",
            "s.t",
            "t ",
            "tä",
            &"a".repeat(49),
        ] {
            assert!(!valid_table(bad), "{bad}");
        }
    }

    #[test]
    fn lifetimes_round_up_and_huge_ones_never_expire() {
        let start = now_secs();
        let one = expires_at(Some(Duration::from_millis(1))).unwrap();
        assert!((start + 1..=start + 2).contains(&one), "{one} vs {start}");
        let later = expires_at(Some(Duration::from_millis(1500))).unwrap();
        assert!(
            (start + 2..=start + 3).contains(&later),
            "{later} vs {start}"
        );
        assert_eq!(expires_at(None), None);
        assert_eq!(expires_at(Some(Duration::MAX)), None);
        assert_eq!(expires_at(Some(Duration::from_secs(u64::MAX))), None);
        assert_eq!(
            expires_at(Some(FOREVER_AFTER + Duration::from_secs(1))),
            None
        );
        assert!(expires_at(Some(FOREVER_AFTER)).is_some());
    }

    #[test]
    fn items_hold_no_nul() {
        assert_eq!(item("a\0b"), "a\u{FFFD}b");
        assert!(matches!(item("plain"), Cow::Borrowed("plain")));
    }
}
