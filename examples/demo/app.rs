//! The demo's users, state and routes (the contract is in `examples/demo/README.md`), built
//! from a configuration. `main.rs` reads the environment and serves it; `tests/demo.rs` drives the
//! same router in-process.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRef, FromRequest, Request, State};
use axum::http::{header, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use axum_jwt_extended::{
    get_jwt, get_jwt_header, get_jwt_identity, get_jwt_request_location, jwt_required,
    set_access_cookies, set_refresh_cookies, unset_jwt_cookies, Claims, CookieOptions, CurrentUser,
    JwtConfig, JwtError, JwtManager, Location, MemoryBlocklist, NoJwtContext, TokenOptions,
    UserLookup,
};
use serde::Deserialize;
use serde_json::{json, Value};

// ---- users ---------------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct User {
    username: String,
    roles: Vec<String>,
    /// An argon2id PHC string (`$argon2id$v=19$…`).
    password_hash: String,
}

fn hash_password(password: &str) -> String {
    use argon2::password_hash::{rand_core::OsRng, PasswordHasher, SaltString};
    let salt = SaltString::generate(&mut OsRng);
    argon2::Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .unwrap_or_default()
}

fn verify_password(password: &str, hash: &str) -> bool {
    use argon2::password_hash::PasswordHash;
    use subtle::ConstantTimeEq;

    thread_local! {
        /// argon2's memory, kept by each hashing thread and reused: one 19 MiB buffer per
        /// thread, never one per attempt (the allocator keeps freed ones for good).
        static BLOCKS: std::cell::RefCell<Vec<argon2::Block>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let (Ok(params), Ok(algorithm)) = (
        argon2::Params::try_from(&parsed),
        argon2::Algorithm::try_from(parsed.algorithm),
    ) else {
        return false;
    };
    let version = parsed
        .version
        .and_then(|v| argon2::Version::try_from(v).ok())
        .unwrap_or_default();
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return false;
    };
    let mut salt_buf = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_buf) else {
        return false;
    };
    let mut out = vec![0u8; expected.len()];
    let blocks = params.block_count();
    let hasher = argon2::Argon2::new(algorithm, version, params);
    let hashed = BLOCKS.with(|memory| {
        let mut memory = memory.borrow_mut();
        memory.resize(blocks, argon2::Block::default());
        hasher.hash_password_into_with_memory(
            password.as_bytes(),
            salt,
            &mut out,
            &mut memory[..blocks],
        )
    });
    hashed.is_ok() && bool::from(out.ct_eq(expected.as_bytes()))
}

fn make_user(username: &str, password: &str, roles: &[&str]) -> User {
    User {
        username: username.to_owned(),
        roles: roles.iter().map(|r| r.to_string()).collect(),
        password_hash: hash_password(password),
    }
}

type Users = Arc<HashMap<String, User>>;

fn users() -> Users {
    let list = [
        make_user("testuser", "testpass", &["user"]),
        make_user("admin", "adminpass", &["admin", "user"]),
    ];
    Arc::new(list.into_iter().map(|u| (u.username.clone(), u)).collect())
}

/// Where the users live: in memory, or in a `users` table (`DATABASE_URL`).
#[derive(Clone)]
enum UserStore {
    Memory(Users),
    #[cfg(any(feature = "sqlite", feature = "postgres"))]
    Sql(db::Database),
}

impl UserStore {
    async fn find(&self, username: &str) -> Result<Option<User>, String> {
        match self {
            UserStore::Memory(users) => Ok(users.get(username).cloned()),
            #[cfg(any(feature = "sqlite", feature = "postgres"))]
            UserStore::Sql(db) => db.find(username).await,
        }
    }
}

/// The demo on a database: the `users` table (created and seeded when missing) and the
/// revocations in the SQL store, on one pool.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod db {
    use std::str::FromStr;

    use axum_jwt_extended::{sqlx, SqlBlocklist, SqlBlocklistOptions};

    use super::User;

    #[derive(Clone)]
    pub enum Database {
        #[cfg(feature = "sqlite")]
        Sqlite(sqlx::SqlitePool),
        #[cfg(feature = "postgres")]
        Postgres(sqlx::PgPool),
    }

    /// Errors name what failed, never the URL (it may hold a password).
    fn failed(what: &str) -> impl Fn(sqlx::Error) -> String + '_ {
        move |e| format!("database: {what}: {}", kind(&e))
    }

    /// Why `DATABASE_URL` could not be connected to, naming the variable and what to do;
    /// never the URL's password.
    fn cannot_connect(e: &sqlx::Error, database: Option<&str>) -> String {
        let why = match e {
            sqlx::Error::Database(db) => match db.code().as_deref() {
                Some("3D000") => format!(
                    "the database {} does not exist on that server (create it first, e.g. \
                     with createdb)",
                    database.map(|d| format!("{d:?}")).unwrap_or_default()
                ),
                Some("28P01" | "28000") => "the server refused the user or password".into(),
                Some("14") => "SQLite cannot open the file (check its directory and \
                               permissions)"
                    .into(),
                _ => "the database refused the connection".into(),
            },
            sqlx::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
                "connection refused: no database server listens at that address".into()
            }
            sqlx::Error::Io(_) => "cannot reach the database server".into(),
            sqlx::Error::PoolTimedOut => "the database server did not answer within 5 s".into(),
            sqlx::Error::Tls(_) => "the TLS connection to the database failed".into(),
            sqlx::Error::Configuration(_) => "the URL is not valid".into(),
            _ => "cannot connect to the database".into(),
        };
        format!("DATABASE_URL: {why}")
    }

    fn kind(e: &sqlx::Error) -> &'static str {
        match e {
            sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut => "cannot reach the database",
            sqlx::Error::Database(_) => "the database refused the statement",
            sqlx::Error::Configuration(_) => "invalid DATABASE_URL",
            _ => "database error",
        }
    }

    impl Database {
        /// `sqlite://PATH` (the file is created when missing) or `postgres://…`.
        pub async fn connect(url: &str) -> Result<Database, String> {
            #[cfg(feature = "sqlite")]
            if url.starts_with("sqlite:") {
                let options = sqlx::sqlite::SqliteConnectOptions::from_str(url)
                    .map_err(|e| cannot_connect(&e, None))?;
                let file = options.get_filename();
                if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
                    if file != std::path::Path::new(":memory:") && !dir.is_dir() {
                        return Err(format!(
                            "DATABASE_URL: the directory {} does not exist (SQLite creates the \
                             database file, not its directory)",
                            dir.display()
                        ));
                    }
                }
                let options = options
                    .create_if_missing(true)
                    .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
                    .busy_timeout(std::time::Duration::from_secs(5));
                let pool = sqlx::sqlite::SqlitePoolOptions::new()
                    .connect_with(options)
                    .await
                    .map_err(|e| cannot_connect(&e, None))?;
                return Ok(Database::Sqlite(pool));
            }
            #[cfg(feature = "postgres")]
            if url.starts_with("postgres:") || url.starts_with("postgresql:") {
                let options = sqlx::postgres::PgConnectOptions::from_str(url)
                    .map_err(|e| cannot_connect(&e, None))?;
                let database = options.get_database().map(str::to_owned);
                // One connection first: a pool retries until its timeout and then reports only
                // that, where the first failure says what is wrong.
                let first = tokio::time::timeout(
                    std::time::Duration::from_secs(5),
                    <sqlx::postgres::PgConnection as sqlx::Connection>::connect_with(&options),
                )
                .await
                .map_err(|_| cannot_connect(&sqlx::Error::PoolTimedOut, None))?
                .map_err(|e| cannot_connect(&e, database.as_deref()))?;
                let _ = sqlx::Connection::close(first).await;
                // A request waits at most a second for a connection: while the database is
                // down, requests fail (503) instead of hanging.
                let pool = sqlx::postgres::PgPoolOptions::new()
                    .acquire_timeout(std::time::Duration::from_secs(1))
                    .connect_with(options)
                    .await
                    .map_err(|e| cannot_connect(&e, database.as_deref()))?;
                return Ok(Database::Postgres(pool));
            }
            Err(
                "DATABASE_URL: the scheme must be sqlite://PATH or postgres://… (and the demo \
                 built with that database's feature: --features sqlite,postgres)"
                    .into(),
            )
        }

        /// Creates the `users` table when missing and adds the demo users that are not in it
        /// (existing rows are kept: a restart loses nothing).
        pub async fn seed(&self, users: &[User]) -> Result<(), String> {
            let create = "CREATE TABLE IF NOT EXISTS users (\
                          username TEXT PRIMARY KEY, password_hash TEXT NOT NULL, roles TEXT NOT NULL)";
            match self {
                #[cfg(feature = "sqlite")]
                Database::Sqlite(pool) => {
                    sqlx::query(create)
                        .execute(pool)
                        .await
                        .map_err(failed("creating users"))?;
                    for u in users {
                        sqlx::query(
                            "INSERT INTO users (username, password_hash, roles) \
                                     VALUES (?1, ?2, ?3) ON CONFLICT (username) DO NOTHING",
                        )
                        .bind(&u.username)
                        .bind(&u.password_hash)
                        .bind(roles_text(u))
                        .execute(pool)
                        .await
                        .map_err(failed("seeding users"))?;
                    }
                }
                #[cfg(feature = "postgres")]
                Database::Postgres(pool) => {
                    // One process at a time creates the table (several may start at once).
                    let mut tx = pool.begin().await.map_err(failed("creating users"))?;
                    sqlx::query("SELECT pg_advisory_xact_lock(7305)")
                        .execute(&mut *tx)
                        .await
                        .map_err(failed("creating users"))?;
                    sqlx::query(create)
                        .execute(&mut *tx)
                        .await
                        .map_err(failed("creating users"))?;
                    for u in users {
                        sqlx::query(
                            "INSERT INTO users (username, password_hash, roles) \
                                     VALUES ($1, $2, $3) ON CONFLICT (username) DO NOTHING",
                        )
                        .bind(&u.username)
                        .bind(&u.password_hash)
                        .bind(roles_text(u))
                        .execute(&mut *tx)
                        .await
                        .map_err(failed("seeding users"))?;
                    }
                    tx.commit().await.map_err(failed("seeding users"))?;
                }
            }
            Ok(())
        }

        pub async fn find(&self, username: &str) -> Result<Option<User>, String> {
            let row: Option<(String, String, String)> = match self {
                #[cfg(feature = "sqlite")]
                Database::Sqlite(pool) => sqlx::query_as(
                    "SELECT username, password_hash, roles FROM users WHERE username = ?1",
                )
                .bind(username)
                .fetch_optional(pool)
                .await
                .map_err(failed("reading a user"))?,
                #[cfg(feature = "postgres")]
                Database::Postgres(pool) => sqlx::query_as(
                    "SELECT username, password_hash, roles FROM users WHERE username = $1",
                )
                .bind(username)
                .fetch_optional(pool)
                .await
                .map_err(failed("reading a user"))?,
            };
            Ok(row.map(|(username, password_hash, roles)| User {
                username,
                password_hash,
                roles: serde_json::from_str(&roles).unwrap_or_default(),
            }))
        }

        /// The SQL blocklist store, on the same pool.
        pub async fn blocklist(&self) -> Result<SqlBlocklist, String> {
            let store = match self {
                #[cfg(feature = "sqlite")]
                Database::Sqlite(pool) => {
                    SqlBlocklist::from_sqlite_pool(pool.clone(), SqlBlocklistOptions::new()).await
                }
                #[cfg(feature = "postgres")]
                Database::Postgres(pool) => {
                    SqlBlocklist::from_pg_pool(pool.clone(), SqlBlocklistOptions::new()).await
                }
            };
            store.map_err(|e| format!("database: the blocklist table: {e}"))
        }
    }

    fn roles_text(u: &User) -> String {
        serde_json::to_string(&u.roles).unwrap_or_else(|_| "[]".into())
    }
}

/// At most this many password checks run at once, on as many threads of their own: a flood of
/// logins waits its turn instead of stalling the async workers that serve every other route,
/// and only these threads ever hold argon2's 19 MiB buffers, so the memory the allocator keeps
/// for them is bounded (on the blocking pool, every thread that once hashed kept its own).
const CONCURRENT_HASHES: usize = 2;

/// The password-hashing threads: [`CONCURRENT_HASHES`] of them, fed one job at a time each
/// (the semaphore in front keeps the queue empty).
#[derive(Clone)]
struct Hashers {
    permits: Arc<tokio::sync::Semaphore>,
    jobs: std::sync::mpsc::SyncSender<Box<dyn FnOnce() + Send>>,
}

impl Hashers {
    fn start() -> Hashers {
        let (jobs, queue) =
            std::sync::mpsc::sync_channel::<Box<dyn FnOnce() + Send>>(CONCURRENT_HASHES);
        let queue = Arc::new(std::sync::Mutex::new(queue));
        for i in 0..CONCURRENT_HASHES {
            let queue = Arc::clone(&queue);
            std::thread::Builder::new()
                .name(format!("password-hash-{i}"))
                .spawn(move || loop {
                    let job = match queue.lock() {
                        Ok(q) => q.recv(),
                        Err(_) => return,
                    };
                    match job {
                        Ok(job) => job(),
                        Err(_) => return,
                    }
                })
                .expect("start a password-hashing thread");
        }
        Hashers {
            permits: Arc::new(tokio::sync::Semaphore::new(CONCURRENT_HASHES)),
            jobs,
        }
    }

    /// Runs `f` on a hashing thread, waiting for a free one.
    async fn run<T: Send + 'static>(&self, f: impl FnOnce() -> T + Send + 'static) -> Option<T> {
        let _permit = self.permits.acquire().await.ok()?;
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.jobs
            .try_send(Box::new(move || {
                let _ = tx.send(f());
            }))
            .ok()?;
        rx.await.ok()
    }
}

/// Checks a password (argon2id, on the blocking pool); unknown users cost the same as known
/// ones.
/// The user with these credentials; `Err` when the user store cannot answer.
async fn authenticate(
    app: &AppState,
    username: &str,
    password: String,
) -> Result<Option<User>, String> {
    let user = app.users.find(username).await?;
    let hash = match &user {
        Some(u) => u.password_hash.clone(),
        None => app.dummy_hash.clone(),
    };
    let ok = app
        .hashing
        .run(move || verify_password(&password, &hash))
        .await
        .unwrap_or(false);
    Ok(user.filter(|_| ok))
}

// ---- state ---------------------------------------------------------------------------------

#[derive(Clone)]
struct AppState {
    jwt: JwtManager,
    users: UserStore,
    /// The password-hashing threads.
    hashing: Hashers,
    /// Checked against for unknown users, so that they cost what a known user costs.
    dummy_hash: String,
    /// Proof, checked at start-up, that the user lookup loader returns `User`.
    user_lookup: UserLookup<User>,
    /// `DEMO_ROTATE_REFRESH`: every refresh rotates the refresh token.
    rotate_refresh: bool,
    /// `DEMO_SESSIONS`: every login is a session.
    sessions: bool,
    /// `GET /openapi.json`, built once at start-up.
    openapi: Arc<Value>,
}

impl FromRef<AppState> for JwtManager {
    fn from_ref(s: &AppState) -> JwtManager {
        s.jwt.clone()
    }
}

impl FromRef<AppState> for UserLookup<User> {
    fn from_ref(s: &AppState) -> UserLookup<User> {
        s.user_lookup
    }
}

impl AppState {
    fn cookie_mode(&self) -> bool {
        self.jwt
            .config()
            .token_location
            .contains(&Location::Cookies)
    }

    fn error(&self, status: StatusCode, msg: &str) -> Response {
        self.jwt.message_response(status, msg)
    }
}

/// `Json<T>` whose rejections are `{"msg": …}` 400s like every other error of the demo.
struct DemoJson<T>(T);

impl<T: serde::de::DeserializeOwned> FromRequest<AppState> for DemoJson<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(DemoJson(v)),
            Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err(state.error(StatusCode::PAYLOAD_TOO_LARGE, "Request body is too large"))
            }
            Err(rejection) => {
                let msg = match rejection {
                    JsonRejection::MissingJsonContentType(_) => {
                        "Expected a JSON body (Content-Type: application/json)".to_owned()
                    }
                    JsonRejection::JsonSyntaxError(_) => "The body is not valid JSON".to_owned(),
                    JsonRejection::JsonDataError(e) => {
                        format!("Invalid JSON body: {}", e.body_text())
                    }
                    other => other.body_text(),
                };
                Err(state.error(StatusCode::BAD_REQUEST, &msg))
            }
        }
    }
}

// ---- routes --------------------------------------------------------------------------------

async fn health() -> Json<&'static str> {
    Json("ok")
}

/// The login body: a JSON object with the strings `username` and `password` (serde alone
/// would also take the array `["user", "pass"]`).
fn login_body(body: &Value) -> Option<(&str, &str)> {
    let object = body.as_object()?;
    let field = |name: &str| object.get(name).and_then(Value::as_str);
    Some((field("username")?, field("password")?))
}

/// A service that verifies tokens against another's keys (`JWT_JWKS_URL`) mints none.
fn verifier_only(app: &AppState) -> Option<Response> {
    (!app.jwt.can_sign()).then(|| {
        app.error(
            StatusCode::NOT_IMPLEMENTED,
            "This service only verifies tokens",
        )
    })
}

async fn login(
    State(app): State<AppState>,
    headers: axum::http::HeaderMap,
    body: DemoJson<Value>,
) -> Response {
    if let Some(refused) = verifier_only(&app) {
        return refused;
    }
    let DemoJson(body) = body;
    let Some((username, password)) = login_body(&body) else {
        return app.error(
            StatusCode::BAD_REQUEST,
            "Expected a JSON object with the strings \"username\" and \"password\"",
        );
    };
    let user = match authenticate(&app, username, password.to_owned()).await {
        Ok(Some(user)) => user,
        Ok(None) => return app.error(StatusCode::UNAUTHORIZED, "Bad username or password"),
        Err(e) => {
            tracing::warn!("login: {e}");
            return app.error(StatusCode::SERVICE_UNAVAILABLE, "User store unavailable");
        }
    };
    // Every access token carries the user's roles, from the user store.
    let fresh = TokenOptions::new()
        .fresh(true)
        .additional_claims(json!({ "roles": user.roles }));
    let session = if app.sessions {
        let agent = headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok());
        let options = match agent {
            Some(agent) => axum_jwt_extended::SessionOptions::new().user_agent(agent),
            None => axum_jwt_extended::SessionOptions::new(),
        };
        match app
            .jwt
            .start_session(user.username.clone(), fresh.clone(), options)
            .await
        {
            Ok(pair) => Some(pair),
            Err(e) => return app.jwt.error_response(e),
        }
    } else {
        None
    };
    let issue = || -> Result<Response, JwtError> {
        let (access, refresh) = if let Some(pair) = session {
            (pair.access_token, pair.refresh_token)
        } else if app.rotate_refresh {
            // One login family, so that a reused refresh token revokes the whole login.
            let pair = app.jwt.create_token_pair(user.username.clone(), fresh)?;
            (pair.access_token, pair.refresh_token)
        } else {
            let access = app
                .jwt
                .create_access_token_with(user.username.clone(), fresh)?;
            (access, app.jwt.create_refresh_token(user.username.clone())?)
        };
        let body = Json(json!({ "access_token": access, "refresh_token": refresh }));
        if app.cookie_mode() {
            let cookies = set_access_cookies(&app.jwt, &access, CookieOptions::default())?.and(
                set_refresh_cookies(&app.jwt, &refresh, CookieOptions::default())?,
            );
            Ok((cookies, body).into_response())
        } else {
            Ok(body.into_response())
        }
    };
    issue().unwrap_or_else(|e| app.jwt.error_response(e))
}

#[jwt_required]
async fn protected() -> Result<Json<Value>, NoJwtContext> {
    Ok(Json(json!({ "logged_in_as": get_jwt_identity()? })))
}

#[jwt_required(optional)]
async fn optional() -> Result<Json<Value>, NoJwtContext> {
    Ok(Json(json!({ "logged_in_as": get_jwt_identity()? })))
}

#[jwt_required(fresh)]
async fn fresh() -> Result<Json<Value>, NoJwtContext> {
    Ok(Json(json!({ "logged_in_as": get_jwt_identity()? })))
}

#[jwt_required(refresh)]
async fn refresh(State(app): State<AppState>) -> Response {
    if let Some(refused) = verifier_only(&app) {
        return refused;
    }
    // The demo's identities are user names: the additional claims loader adds their roles.
    let identity = get_jwt_identity()
        .ok()
        .flatten()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    // Every access token carries the user's roles, read again from the user store.
    let roles = match app.users.find(&identity).await {
        Ok(user) => user.map(|u| u.roles).unwrap_or_default(),
        Err(e) => {
            tracing::warn!("refresh: {e}");
            return app.error(StatusCode::SERVICE_UNAVAILABLE, "User store unavailable");
        }
    };
    let with_roles = TokenOptions::new().additional_claims(json!({ "roles": roles }));
    if app.rotate_refresh {
        let Ok(claims) = get_jwt() else {
            return NoJwtContext::Outside.into_response();
        };
        return match app
            .jwt
            .rotate_refresh_token(&claims, identity, with_roles)
            .await
        {
            Ok(pair) => {
                let body = Json(json!({
                    "access_token": pair.access_token,
                    "refresh_token": pair.refresh_token,
                }));
                if !app.cookie_mode() {
                    return body.into_response();
                }
                let cookies =
                    set_access_cookies(&app.jwt, &pair.access_token, CookieOptions::default())
                        .and_then(|a| {
                            set_refresh_cookies(
                                &app.jwt,
                                &pair.refresh_token,
                                CookieOptions::default(),
                            )
                            .map(|r| a.and(r))
                        });
                match cookies {
                    Ok(cookies) => (cookies, body).into_response(),
                    Err(e) => app.jwt.error_response(e),
                }
            }
            Err(e) => app.jwt.error_response(e),
        };
    }
    let access = if app.sessions {
        let Ok(claims) = get_jwt() else {
            return NoJwtContext::Outside.into_response();
        };
        match app.jwt.refresh_session(&claims, identity, with_roles).await {
            Ok(access) => access,
            Err(e) => return app.jwt.error_response(e),
        }
    } else {
        match app.jwt.create_access_token_with(identity, with_roles) {
            Ok(access) => access,
            Err(e) => return app.jwt.error_response(e),
        }
    };
    let issue = || -> Result<Response, JwtError> {
        let body = Json(json!({ "access_token": access }));
        if app.cookie_mode() {
            let cookies = set_access_cookies(&app.jwt, &access, CookieOptions::default())?;
            Ok((cookies, body).into_response())
        } else {
            Ok(body.into_response())
        }
    };
    issue().unwrap_or_else(|e| app.jwt.error_response(e))
}

/// `GET /claims`: the claims and header in the token's own order (a struct, not `json!`,
/// whose map would sort them).
#[derive(serde::Serialize)]
struct ClaimsReply {
    claims: axum_jwt_extended::Claims,
    header: axum_jwt_extended::JwtHeader,
    location: Option<axum_jwt_extended::Location>,
}

#[jwt_required]
async fn claims() -> Result<Json<ClaimsReply>, NoJwtContext> {
    Ok(Json(ClaimsReply {
        claims: get_jwt()?,
        header: get_jwt_header()?,
        location: get_jwt_request_location(),
    }))
}

#[derive(Deserialize)]
struct EchoBody {
    message: Value,
}

#[jwt_required]
async fn echo(body: DemoJson<EchoBody>) -> Result<Json<Value>, NoJwtContext> {
    let DemoJson(EchoBody { message }) = body;
    Ok(Json(
        json!({ "logged_in_as": get_jwt_identity()?, "message": message }),
    ))
}

#[jwt_required(verify_type = false)]
async fn logout(State(app): State<AppState>) -> Response {
    let Ok(claims) = get_jwt() else {
        return NoJwtContext::Outside.into_response();
    };
    // With sessions, the whole session of the token: its access and refresh tokens.
    let revoked = if app.sessions {
        app.jwt.end_current_session(&claims).await
    } else {
        app.jwt.revoke_token(&claims).await
    };
    if let Err(e) = revoked {
        return app.jwt.error_response(e);
    }
    let msg = if claims.token_type() == Some("refresh") {
        "Refresh token revoked"
    } else {
        "Access token revoked"
    };
    let body = app.jwt.message_response(StatusCode::OK, msg);
    if app.cookie_mode() {
        (unset_jwt_cookies(&app.jwt, None), body).into_response()
    } else {
        body
    }
}

#[jwt_required(verify_type = false)]
async fn logout_all(State(app): State<AppState>) -> Response {
    let identity = match get_jwt_identity() {
        Ok(Some(identity)) => identity,
        _ => return NoJwtContext::Outside.into_response(),
    };
    // Every token of this identity issued up to this second: every login, access and refresh
    // (with sessions: every session, ended).
    let revoked = match (app.sessions, get_jwt()) {
        (true, Ok(claims)) => app.jwt.end_all_sessions(&claims).await,
        _ => {
            let now = app.jwt.now().as_secs();
            app.jwt.revoke_all_tokens_of(&identity, now).await
        }
    };
    if let Err(e) = revoked {
        return app.jwt.error_response(e);
    }
    let body = app
        .jwt
        .message_response(StatusCode::OK, "All tokens revoked");
    if app.cookie_mode() {
        (unset_jwt_cookies(&app.jwt, None), body).into_response()
    } else {
        body
    }
}

/// `GET /sessions`: the current identity's live sessions, newest first.
#[jwt_required]
async fn list_sessions(State(app): State<AppState>) -> Response {
    let Ok(claims) = get_jwt() else {
        return NoJwtContext::Outside.into_response();
    };
    match app.jwt.sessions_of(&claims).await {
        Ok(sessions) => {
            let listed: Vec<Value> = sessions
                .into_iter()
                .map(|s| {
                    json!({
                        "id": s.id,
                        "created_at": s.created_at,
                        "last_seen_at": s.last_seen_at,
                        "expires_at": s.expires_at,
                        "user_agent": s.data.get("user_agent").cloned().unwrap_or(Value::Null),
                        "current": s.current,
                    })
                })
                .collect();
            Json(json!({ "sessions": listed })).into_response()
        }
        Err(e) => app.jwt.error_response(e),
    }
}

/// `DELETE /sessions/{id}`: ends one session of the current identity.
#[jwt_required]
async fn end_session(
    State(app): State<AppState>,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Response {
    let Ok(claims) = get_jwt() else {
        return NoJwtContext::Outside.into_response();
    };
    match app.jwt.end_session(&claims, &id).await {
        Ok(true) => app.jwt.message_response(StatusCode::OK, "Session revoked"),
        Ok(false) => app
            .jwt
            .message_response(StatusCode::NOT_FOUND, "Session not found"),
        Err(e) => app.jwt.error_response(e),
    }
}

/// `POST /logout/others`: ends every other session of the current identity.
#[jwt_required]
async fn logout_others(State(app): State<AppState>) -> Response {
    let Ok(claims) = get_jwt() else {
        return NoJwtContext::Outside.into_response();
    };
    match app.jwt.end_other_sessions(&claims).await {
        Ok(revoked) => {
            let mut body = serde_json::Map::new();
            body.insert(
                app.jwt.config().error_message_key.clone(),
                Value::from("Other sessions revoked"),
            );
            body.insert("revoked".to_owned(), Value::from(revoked));
            Json(Value::Object(body)).into_response()
        }
        Err(e) => app.jwt.error_response(e),
    }
}

/// `/api/me`: protected by the router layer on the `/api` nest, no attribute.
async fn api_me() -> Result<Json<Value>, NoJwtContext> {
    Ok(Json(json!({ "logged_in_as": get_jwt_identity()? })))
}

/// `/api/open`: exempted from the `/api` layer.
async fn api_open() -> Json<Value> {
    Json(json!({ "open": true }))
}

#[jwt_required]
async fn whoami(CurrentUser(user): CurrentUser<User>) -> Json<Value> {
    Json(json!({ "username": user.username, "roles": user.roles }))
}

/// The claims check of `/admin`: the `roles` claim that `add_roles` put on every access token.
fn is_admin(claims: &Claims) -> Result<(), &'static str> {
    let roles = claims.get("roles").and_then(Value::as_array);
    if roles.is_some_and(|roles| roles.iter().any(|r| r == "admin")) {
        Ok(())
    } else {
        Err("Admins only!")
    }
}

#[jwt_required(check = is_admin)]
async fn admin(State(app): State<AppState>) -> Response {
    app.jwt.message_response(StatusCode::OK, "Welcome, admin")
}

/// `GET /.well-known/jwks.json`: the public keys that verify here (404 with HMAC only).
async fn jwks(State(app): State<AppState>) -> Response {
    app.jwt.jwks_response()
}

// ---- OpenAPI -------------------------------------------------------------------------------

/// How a route is protected, for its OpenAPI operation.
#[derive(Clone, Copy)]
enum Auth {
    None,
    Access,
    Optional,
    Refresh,
    /// `verify_type = false`: an access or a refresh token.
    Either,
}

/// The routes of the demo, as its OpenAPI document lists them.
/// The routes of `DEMO_SESSIONS=true`.
const SESSION_ROUTES: &[(&str, &str, Auth, &str)] = &[
    (
        "get",
        "/sessions",
        Auth::Access,
        "The current identity's live sessions, newest first",
    ),
    (
        "delete",
        "/sessions/{id}",
        Auth::Access,
        "End one session of the current identity",
    ),
    (
        "post",
        "/logout/others",
        Auth::Access,
        "End every other session of the current identity",
    ),
];

const ROUTES: &[(&str, &str, Auth, &str)] = &[
    ("get", "/health", Auth::None, "Liveness"),
    (
        "post",
        "/login",
        Auth::None,
        "Log in: an access and a refresh token",
    ),
    (
        "get",
        "/protected",
        Auth::Access,
        "The identity of the token",
    ),
    (
        "get",
        "/optional",
        Auth::Optional,
        "The identity, or null without a token",
    ),
    ("get", "/fresh", Auth::Access, "Needs a fresh access token"),
    (
        "post",
        "/refresh",
        Auth::Refresh,
        "A new access token from a refresh token",
    ),
    (
        "get",
        "/claims",
        Auth::Access,
        "The token's claims, header and location",
    ),
    ("post", "/echo", Auth::Access, "Echoes a message"),
    (
        "post",
        "/logout",
        Auth::Either,
        "Revokes the presented token",
    ),
    (
        "post",
        "/logout/all",
        Auth::Either,
        "Revokes every token of the identity",
    ),
    ("get", "/whoami", Auth::Access, "The user of the token"),
    ("get", "/admin", Auth::Access, "Admins only"),
    (
        "get",
        "/api/me",
        Auth::Access,
        "The identity, under the router layer",
    ),
    (
        "get",
        "/api/open",
        Auth::None,
        "Exempted from the router layer",
    ),
    ("get", "/openapi.json", Auth::None, "This document"),
    (
        "get",
        "/.well-known/jwks.json",
        Auth::None,
        "The public keys that verify tokens here (404 with HMAC)",
    ),
];

/// The demo's OpenAPI 3 document: every route, with the security schemes and requirements
/// the configuration implies (`JwtManager::openapi_security_schemes`).
fn openapi_document(jwt: &JwtManager, sessions: bool) -> Value {
    let message = json!({"type": "object", "properties": {"msg": {"type": "string"}}});
    let mut paths = serde_json::Map::new();
    let session_routes = if sessions { SESSION_ROUTES } else { &[] };
    for (method, path, auth, summary) in ROUTES.iter().chain(session_routes) {
        let upper = method.to_ascii_uppercase();
        let security = match auth {
            Auth::None => None,
            Auth::Access => Some(jwt.openapi_security(&upper)),
            Auth::Refresh => Some(jwt.openapi_refresh_security(&upper)),
            Auth::Optional => {
                let mut alternatives = vec![json!({})];
                if let Value::Array(a) = jwt.openapi_security(&upper) {
                    alternatives.extend(a);
                }
                Some(Value::Array(alternatives))
            }
            Auth::Either => {
                let mut alternatives = Vec::new();
                for s in [
                    jwt.openapi_security(&upper),
                    jwt.openapi_refresh_security(&upper),
                ] {
                    if let Value::Array(a) = s {
                        alternatives.extend(
                            a.into_iter()
                                .filter(|x| !alternatives.contains(x))
                                .collect::<Vec<_>>(),
                        );
                    }
                }
                Some(Value::Array(alternatives))
            }
        };
        let mut op = json!({
            "summary": summary,
            "responses": {"200": {"description": "Success"}},
        });
        if let Some(security) = security {
            op["security"] = security;
            op["responses"]["401"] = json!({"description": "No valid token",
                "content": {"application/json": {"schema": message.clone()}}});
            op["responses"]["422"] = json!({"description": "A malformed token",
                "content": {"application/json": {"schema": message.clone()}}});
        }
        let body = match *path {
            "/login" => Some(
                json!({"type": "object", "required": ["username", "password"],
                "properties": {"username": {"type": "string"}, "password": {"type": "string"}}}),
            ),
            "/echo" => Some(json!({"type": "object", "required": ["message"],
                "properties": {"message": {"type": "string"}}})),
            _ => None,
        };
        if let Some(schema) = body {
            op["requestBody"] = json!({"required": true,
                "content": {"application/json": {"schema": schema}}});
        }
        if path.contains("{id}") {
            op["parameters"] = json!([{"name": "id", "in": "path", "required": true,
                "schema": {"type": "string"}, "description": "A session id"}]);
            op["responses"]["404"] = json!({"description": "No such session of the identity",
                "content": {"application/json": {"schema": message.clone()}}});
        }
        let item = paths.entry(path.to_string()).or_insert_with(|| json!({}));
        item[*method] = op;
    }
    json!({
        "openapi": "3.0.3",
        "info": {"title": "axum-jwt-extended demo", "version": env!("CARGO_PKG_VERSION")},
        "paths": paths,
        "components": {"securitySchemes": jwt.openapi_security_schemes()},
    })
}

async fn openapi(State(app): State<AppState>) -> Json<Value> {
    Json(Value::clone(&app.openapi))
}

/// `OPTIONS` on any route is answered without a token, as flask-jwt-extended exempts it.
async fn answer_options(req: Request, next: Next) -> Response {
    if req.method() == Method::OPTIONS {
        return (
            StatusCode::NO_CONTENT,
            [(header::ALLOW, "GET, HEAD, POST, OPTIONS")],
        )
            .into_response();
    }
    next.run(req).await
}

// ---- assembly ------------------------------------------------------------------------------

/// Where revocations are kept, and whether a near cache fronts the store.
enum Revocations<'a> {
    Memory,
    Redis(&'a str, bool),
    RedisCluster(&'a [String], bool),
    #[cfg(any(feature = "sqlite", feature = "postgres"))]
    Sql(axum_jwt_extended::SqlBlocklist, bool),
}

impl<'a> Revocations<'a> {
    /// Memory, Redis or a Redis Cluster, as the options say (a database is [`start`]'s).
    fn of(options: &'a Options) -> Revocations<'a> {
        match (&options.redis_url, &options.redis_cluster_urls) {
            (Some(url), _) => Revocations::Redis(url, options.near_cache),
            (None, Some(urls)) => Revocations::RedisCluster(urls, options.near_cache),
            (None, None) => Revocations::Memory,
        }
    }
}

/// The demo's near cache: a lease of 2 s renewed every second, so that a thousand requests
/// with one token cost the store a handful of commands; every revocation waits out the lease.
#[cfg_attr(
    not(any(feature = "redis", feature = "sqlite", feature = "postgres")),
    allow(dead_code)
)]
fn with_store<S: axum_jwt_extended::ChangeFeed>(
    builder: axum_jwt_extended::JwtManagerBuilder,
    store: S,
    near_cache: bool,
) -> axum_jwt_extended::JwtManagerBuilder {
    if near_cache {
        let options = axum_jwt_extended::NearCacheOptions::new()
            .lease(std::time::Duration::from_secs(2))
            .heartbeat(std::time::Duration::from_secs(1));
        println!("a near cache answers repeated checks (lease 2 s)");
        builder.blocklist(axum_jwt_extended::NearCache::with_options(store, options))
    } else {
        builder.blocklist(store)
    }
}

fn manager_builder(
    config: JwtConfig,
    revocations: Revocations<'_>,
    users: UserStore,
    options: &Options,
) -> Result<axum_jwt_extended::JwtManagerBuilder, String> {
    #[cfg(any(feature = "sqlite", feature = "postgres"))]
    let identity_claim = config.identity_claim.clone();
    let mut builder = JwtManager::builder(config).rotation_grace(options.rotate_grace);
    if let Some(policy) = options.sessions {
        builder = builder.sessions(policy);
    }
    // The user of a token: by its identity claim (`JWT_IDENTITY_CLAIM`, `sub` by default),
    // typed as the username it was minted from.
    let mut builder = match users {
        UserStore::Memory(users) => {
            builder.user_lookup_by_identity(move |username: &String| users.get(username).cloned())
        }
        #[cfg(any(feature = "sqlite", feature = "postgres"))]
        UserStore::Sql(db) => {
            builder.user_lookup_loader(move |_h: axum_jwt_extended::JwtHeader, claims: Claims| {
                let db = db.clone();
                let username = claims.get_str(&identity_claim).map(str::to_owned);
                async move {
                    match username {
                        Some(username) => db.find(&username).await,
                        None => Ok(None),
                    }
                }
            })
        }
    };
    builder = match revocations {
        Revocations::Memory => builder.blocklist(MemoryBlocklist::new()),
        Revocations::Redis(url, near) => redis_store(builder, RedisAt::Url(url), near)?,
        Revocations::RedisCluster(urls, near) => {
            redis_store(builder, RedisAt::Cluster(urls), near)?
        }
        #[cfg(any(feature = "sqlite", feature = "postgres"))]
        Revocations::Sql(store, near) => with_store(builder, store, near),
    };
    Ok(builder)
}

/// Builds the manager; with `JWT_JWKS_URL` (cargo feature `jwks`), fetches the remote JWK Set
/// first and keeps it fresh in the background.
async fn build_manager(
    builder: axum_jwt_extended::JwtManagerBuilder,
) -> Result<JwtManager, String> {
    #[cfg(feature = "jwks")]
    let jwt = builder.build_async().await;
    #[cfg(not(feature = "jwks"))]
    let jwt = builder.build();
    let jwt = jwt.map_err(|e| format!("invalid configuration: {e}"))?;
    // Connected before the first request; a store that is down now is not fatal: requests
    // that need it answer 503 until it is back.
    if jwt.connect_blocklist().await.is_err() {
        eprintln!(
            "warning: the revocation store does not answer yet; requests that need it answer \
             503 until it does"
        );
    }
    Ok(jwt)
}

/// Which Redis: `REDIS_URL` or `REDIS_CLUSTER_URLS`.
#[cfg_attr(not(feature = "redis"), allow(dead_code))]
enum RedisAt<'a> {
    Url(&'a str),
    Cluster(&'a [String]),
}

#[cfg(feature = "redis")]
fn redis_store(
    builder: axum_jwt_extended::JwtManagerBuilder,
    at: RedisAt<'_>,
    near_cache: bool,
) -> Result<axum_jwt_extended::JwtManagerBuilder, String> {
    let store = match at {
        RedisAt::Url(url) => {
            let store = axum_jwt_extended::RedisBlocklist::new(url)
                .map_err(|e| format!("invalid REDIS_URL: {e}"))?;
            println!("revocations are kept in Redis at {}", shown_url(url));
            store
        }
        RedisAt::Cluster(urls) => {
            let store = axum_jwt_extended::RedisBlocklist::cluster(urls)
                .map_err(|e| format!("invalid REDIS_CLUSTER_URLS: {e}"))?;
            let shown: Vec<String> = urls.iter().map(|u| shown_url(u)).collect();
            println!(
                "revocations are kept in the Redis Cluster of {}",
                shown.join(", ")
            );
            store
        }
    };
    Ok(with_store(builder, store, near_cache))
}

/// A URL without its credentials, for printing: `redis://user:p@ss@host/0` is shown as
/// `redis://host/0`. A URL that does not parse is not shown at all.
#[cfg_attr(
    not(any(feature = "redis", feature = "sqlite", feature = "postgres")),
    allow(dead_code)
)]
pub fn shown_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) => {
            let _ = u.set_username("");
            let _ = u.set_password(None);
            u.to_string()
        }
        Err(_) => "(an unparsable URL)".to_owned(),
    }
}

#[cfg(not(feature = "redis"))]
fn redis_store(
    _builder: axum_jwt_extended::JwtManagerBuilder,
    at: RedisAt<'_>,
    _near_cache: bool,
) -> Result<axum_jwt_extended::JwtManagerBuilder, String> {
    let variable = match at {
        RedisAt::Url(_) => "REDIS_URL",
        RedisAt::Cluster(_) => "REDIS_CLUSTER_URLS",
    };
    Err(format!(
        "{variable} is set but the demo was built without Redis support: \
         run `cargo run --example demo --features redis`"
    ))
}

fn app(state: AppState, implicit_refresh: Option<std::time::Duration>) -> Router {
    let api = Router::new()
        .route("/me", get(api_me))
        .route("/open", get(api_open))
        .route_layer(state.jwt.layer().exempt("/api/open"));
    let router = Router::new()
        .route("/health", get(health))
        .route(
            "/login",
            post(login).layer(middleware::from_fn_with_state(
                state.clone(),
                small_body::<LOGIN_BODY_LIMIT>,
            )),
        )
        .route("/protected", get(protected))
        .route("/optional", get(optional))
        .route("/fresh", get(fresh))
        .route("/refresh", post(refresh))
        .route("/claims", get(claims))
        .route("/echo", post(echo))
        .route("/logout", post(logout))
        .route("/logout/all", post(logout_all))
        .nest("/api", api)
        .route("/whoami", get(whoami))
        .route("/admin", get(admin))
        .route("/openapi.json", get(openapi))
        .route("/.well-known/jwks.json", get(jwks));
    let router = if state.sessions {
        router
            .route("/sessions", get(list_sessions))
            .route("/sessions/{id}", axum::routing::delete(end_session))
            .route("/logout/others", post(logout_others))
    } else {
        router
    };
    // Implicit refresh for cookie clients: outside the routes, it sees their verification.
    let router = match implicit_refresh {
        Some(window) if state.cookie_mode() => router.layer(state.jwt.implicit_refresh(window)),
        _ => router,
    };
    router
        .layer(middleware::from_fn(answer_options))
        .with_state(state)
}

/// The largest `/login` body: a username and a password fit in far less.
const LOGIN_BODY_LIMIT: usize = 4096;

/// A route's body limit: a declared length over `MAX` is 413 at once, nothing read; a body
/// that declares none is cut at `MAX` (413 from the extractor).
async fn small_body<const MAX: usize>(
    State(app): State<AppState>,
    req: Request,
    next: middleware::Next,
) -> Result<Response, Response> {
    let declared = req
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX as u64) {
        let msg = format!("Request body is larger than {MAX} bytes");
        return Err(app.error(StatusCode::PAYLOAD_TOO_LARGE, &msg));
    }
    let (parts, body) = req.into_parts();
    let body = axum::body::Body::new(http_body_util::Limited::new(body, MAX));
    Ok(next.run(Request::from_parts(parts, body)).await)
}

/// What the demo takes from its environment beside `JWT_*`.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// `REDIS_URL`: keep revocations in Redis.
    pub redis_url: Option<String>,
    /// `DATABASE_URL`: users and revocations in this database (`sqlite://PATH`,
    /// `postgres://…`).
    pub database_url: Option<String>,
    /// `DEMO_IMPLICIT_REFRESH_SECONDS`: refresh access cookies that expire within this window.
    pub implicit_refresh: Option<std::time::Duration>,
    /// `DEMO_ROTATE_REFRESH=true`: rotate refresh tokens, with reuse detection.
    pub rotate_refresh: bool,
    /// `REDIS_CLUSTER_URLS`: keep revocations in this Redis Cluster (seed node URLs).
    pub redis_cluster_urls: Option<Vec<String>>,
    /// `DEMO_NEAR_CACHE=true`: a near cache in front of a shared store.
    pub near_cache: bool,
    /// `DEMO_ROTATE_REFRESH_GRACE_SECONDS`: the rotation's grace window.
    pub rotate_grace: Option<std::time::Duration>,
    /// `DEMO_SESSIONS=true`, with `DEMO_SESSION_MAX_AGE_SECONDS` and
    /// `DEMO_SESSION_IDLE_SECONDS`: every login is a session.
    pub sessions: Option<axum_jwt_extended::SessionPolicy>,
}

/// A positive whole number of seconds from `name`, if set.
fn seconds(
    lookup: &impl Fn(&str) -> Option<String>,
    name: &str,
) -> Result<Option<std::time::Duration>, String> {
    match lookup(name) {
        None => Ok(None),
        Some(v) => match v.trim().parse::<u64>() {
            Ok(n) if n > 0 => Ok(Some(std::time::Duration::from_secs(n))),
            _ => Err(format!(
                "{name}: {v:?} is not a positive whole number of seconds"
            )),
        },
    }
}

impl Options {
    /// Reads the options through `lookup` (the environment, or a test's variables). An
    /// invalid value is an error naming the variable.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Options, String> {
        let implicit_refresh = match lookup("DEMO_IMPLICIT_REFRESH_SECONDS") {
            None => None,
            Some(v) => match v.trim().parse::<u64>() {
                Ok(n) if n > 0 => Some(std::time::Duration::from_secs(n)),
                _ => {
                    return Err(format!(
                        "DEMO_IMPLICIT_REFRESH_SECONDS: {v:?} is not a positive whole number of seconds"
                    ))
                }
            },
        };
        let rotate_refresh = match lookup("DEMO_ROTATE_REFRESH").as_deref().map(str::trim) {
            None | Some("false") => false,
            Some("true") => true,
            Some(v) => return Err(format!("DEMO_ROTATE_REFRESH: {v:?} is not true or false")),
        };
        let rotate_grace = match lookup("DEMO_ROTATE_REFRESH_GRACE_SECONDS") {
            None => None,
            Some(v) => match v.trim().parse::<u64>() {
                Ok(n) if n > 0 => Some(std::time::Duration::from_secs(n)),
                _ => {
                    return Err(format!(
                        "DEMO_ROTATE_REFRESH_GRACE_SECONDS: {v:?} is not a positive whole number of seconds"
                    ))
                }
            },
        };
        if rotate_grace.is_some() && !rotate_refresh {
            return Err(
                "DEMO_ROTATE_REFRESH_GRACE_SECONDS needs DEMO_ROTATE_REFRESH=true: the grace \
                 window is rotation's"
                    .into(),
            );
        }
        let sessions = match lookup("DEMO_SESSIONS").as_deref().map(str::trim) {
            None | Some("false") => false,
            Some("true") => true,
            Some(v) => return Err(format!("DEMO_SESSIONS: {v:?} is not true or false")),
        };
        let max_age = seconds(&lookup, "DEMO_SESSION_MAX_AGE_SECONDS")?;
        let idle = seconds(&lookup, "DEMO_SESSION_IDLE_SECONDS")?;
        if !sessions {
            for (name, set) in [
                ("DEMO_SESSION_MAX_AGE_SECONDS", max_age.is_some()),
                ("DEMO_SESSION_IDLE_SECONDS", idle.is_some()),
            ] {
                if set {
                    return Err(format!(
                        "{name} needs DEMO_SESSIONS=true: the lifetimes are sessions'"
                    ));
                }
            }
        }
        let sessions = sessions.then(|| {
            let mut policy = axum_jwt_extended::SessionPolicy::new();
            if let Some(max_age) = max_age {
                policy = policy.max_age(max_age);
            }
            if let Some(idle) = idle {
                policy = policy.idle_timeout(idle);
            }
            policy
        });
        let redis_url = lookup("REDIS_URL").filter(|u| !u.is_empty());
        let database_url = lookup("DATABASE_URL").filter(|u| !u.is_empty());
        let redis_cluster_urls = lookup("REDIS_CLUSTER_URLS")
            .map(|v| {
                v.split(',')
                    .map(str::trim)
                    .filter(|u| !u.is_empty())
                    .map(str::to_owned)
                    .collect::<Vec<_>>()
            })
            .filter(|urls| !urls.is_empty());
        let stores = [
            ("REDIS_URL", redis_url.is_some()),
            ("REDIS_CLUSTER_URLS", redis_cluster_urls.is_some()),
            ("DATABASE_URL", database_url.is_some()),
        ];
        let set: Vec<&str> = stores.iter().filter(|(_, s)| *s).map(|(n, _)| *n).collect();
        if set.len() > 1 {
            let both = if set.len() == 2 { "both" } else { "all" };
            return Err(format!(
                "{} are {both} set: revocations live in one store; set one of them",
                set.join(" and ")
            ));
        }
        let near_cache = match lookup("DEMO_NEAR_CACHE").as_deref().map(str::trim) {
            None | Some("false") => false,
            Some("true") => true,
            Some(v) => return Err(format!("DEMO_NEAR_CACHE: {v:?} is not true or false")),
        };
        if near_cache && set.is_empty() {
            return Err(
                "DEMO_NEAR_CACHE=true needs a shared store: set REDIS_URL, REDIS_CLUSTER_URLS \
                 or a postgres:// DATABASE_URL"
                    .into(),
            );
        }
        Ok(Options {
            redis_url,
            database_url,
            implicit_refresh,
            rotate_refresh,
            redis_cluster_urls,
            near_cache,
            rotate_grace,
            sessions,
        })
    }
}

/// The demo's router for this configuration, with users in memory (and revocations in memory
/// or Redis). [`start`] also takes `DATABASE_URL` and `JWT_JWKS_URL`.
#[allow(dead_code)] // the tests' entry point (`main.rs` uses `start`)
pub fn demo(config: JwtConfig, options: &Options) -> Result<Router, String> {
    if options.database_url.is_some() {
        return Err("DATABASE_URL needs the demo's start()".into());
    }
    let users = UserStore::Memory(users());
    let revocations = Revocations::of(options);
    let jwt = manager_builder(config, revocations, users.clone(), options)?
        .build()
        .map_err(|e| format!("invalid configuration: {e}"))?;
    assemble(jwt, users, options)
}

/// The demo's router for this configuration: with `DATABASE_URL`, users in its `users` table
/// and revocations in its SQL store; with `JWT_JWKS_URL`, the remote JWK Set fetched first;
/// otherwise as [`demo`].
pub async fn start(config: JwtConfig, options: &Options) -> Result<Router, String> {
    let Some(url) = options.database_url.as_deref().filter(|u| !u.is_empty()) else {
        let users = UserStore::Memory(users());
        let revocations = Revocations::of(options);
        let jwt = build_manager(manager_builder(
            config,
            revocations,
            users.clone(),
            options,
        )?)
        .await?;
        return assemble(jwt, users, options);
    };
    on_database(config, options, url).await
}

#[cfg(any(feature = "sqlite", feature = "postgres"))]
async fn on_database(config: JwtConfig, options: &Options, url: &str) -> Result<Router, String> {
    let db = db::Database::connect(url).await?;
    let seed: Vec<User> = users().values().cloned().collect();
    db.seed(&seed).await?;
    let store = db.blocklist().await?;
    println!(
        "users and revocations are kept in the database at {}",
        shown_url(url)
    );
    let users = UserStore::Sql(db);
    let jwt = build_manager(manager_builder(
        config,
        Revocations::Sql(store, options.near_cache),
        users.clone(),
        options,
    )?)
    .await?;
    assemble(jwt, users, options)
}

#[cfg(not(any(feature = "sqlite", feature = "postgres")))]
async fn on_database(_: JwtConfig, _: &Options, _: &str) -> Result<Router, String> {
    Err(
        "DATABASE_URL is set but the demo was built without database support: \
         cargo run --example demo --features sqlite,postgres"
            .into(),
    )
}

fn assemble(jwt: JwtManager, users: UserStore, options: &Options) -> Result<Router, String> {
    let user_lookup = jwt.user_lookup::<User>().map_err(|e| e.to_string())?;
    let state = AppState {
        openapi: Arc::new(openapi_document(&jwt, options.sessions.is_some())),
        jwt,
        users,
        user_lookup,
        hashing: Hashers::start(),
        dummy_hash: hash_password("not a password of anyone"),
        rotate_refresh: options.rotate_refresh,
        sessions: options.sessions.is_some(),
    };
    Ok(app(state, options.implicit_refresh))
}

// ---- serving -------------------------------------------------------------------------------

/// How long a client may take to send its request head, and its body.
#[derive(Clone, Copy, Debug)]
pub struct Timeouts {
    pub header_read: std::time::Duration,
    pub body_read: std::time::Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            header_read: std::time::Duration::from_secs(10),
            body_read: std::time::Duration::from_secs(10),
        }
    }
}

/// Serves HTTP/1.1 and HTTP/2 with read timeouts (which `axum::serve` does not set): a client
/// that stalls in its request head is dropped, one that stalls in its body gets an error
/// answer instead of holding the connection. Stops accepting when `shutdown` completes, and
/// lets the requests in flight finish (10 s at most).
/// The connections the demo serves at once: each holds little (a header read with a
/// timeout, a body within its route's limit), so this bounds what a flood can hold.
const MAX_CONNECTIONS: usize = 256;

pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    timeouts: Timeouts,
    shutdown: impl std::future::Future<Output = ()>,
) {
    use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
    use hyper_util::server::conn::auto::Builder;
    use tower::ServiceExt;

    let router = router.layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
        timeouts.body_read,
    ));
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(timeouts.header_read);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    // At most this many connections are served at once; the next waits in the listen backlog.
    let connections = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    loop {
        let permit = tokio::select! {
            permit = Arc::clone(&connections).acquire_owned() => match permit {
                Ok(p) => p,
                Err(_) => break,
            },
            _ = &mut shutdown => break,
        };
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(conn) => conn,
                Err(e) => {
                    eprintln!("demo: accept failed: {e}");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let service = hyper::service::service_fn({
            let router = router.clone();
            move |req: hyper::Request<hyper::body::Incoming>| {
                router.clone().oneshot(req.map(axum::body::Body::new))
            }
        });
        let conn = builder.serve_connection_with_upgrades(TokioIo::new(stream), service);
        let conn = graceful.watch(conn.into_owned());
        tokio::spawn(async move {
            let _ = conn.await;
            drop(permit);
        });
    }
    let _ = tokio::time::timeout(std::time::Duration::from_secs(10), graceful.shutdown()).await;
}
