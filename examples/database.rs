//! flask-jwt-extended's "Blocklist and Token Revoking" page, database variant, together with
//! "Automatic User Loading" from a database
//! (<https://flask-jwt-extended.readthedocs.io/en/stable/blocklist_and_token_revoking.html>,
//! <https://flask-jwt-extended.readthedocs.io/en/stable/automatic_user_loading.html>), in axum,
//! with sqlx on SQLite (cargo feature `sqlite`) where Flask uses SQLAlchemy.
//!
//! Users live in a `users` table; the user lookup loader reads a user by the token's identity
//! on every protected request (an async loader over the pool); revocations live in the same
//! database through `SqlBlocklist`, so they survive a restart and every process on the
//! database sees them.
//!
//! ```text
//! cargo run --example database --features sqlite   # DATABASE_URL=sqlite://example.db by default
//!
//! ACCESS=$(curl -s -X POST localhost:5000/login -H 'Content-Type: application/json' \
//!      -d '{"username":"panther","password":"password"}' | jq -r .access_token)
//! curl -s localhost:5000/who_am_i -H "Authorization: Bearer $ACCESS"
//! # {"full_name":"Ann Takamaki","id":2,"username":"panther"}
//! curl -s -X DELETE localhost:5000/logout -H "Authorization: Bearer $ACCESS"
//! # {"msg":"JWT revoked"}
//! curl -s localhost:5000/who_am_i -H "Authorization: Bearer $ACCESS"
//! # {"msg":"Token has been revoked"}
//! ```
//!
//! Tested by `tests/examples.rs` (`database_*`).

use axum::extract::{FromRef, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use axum_jwt_extended::sqlx::{self, SqlitePool};
use axum_jwt_extended::{
    get_jwt, jwt_required, Claims, CurrentUser, JwtConfig, JwtHeader, JwtManager, NoJwtContext,
    SqlBlocklist, SqlBlocklistOptions, UserLookup,
};
use serde_json::{json, Value};

/// A row of `users`.
#[derive(Clone, Debug)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub full_name: String,
}

/// The app's state: the manager, the pool, and the proof that the lookup loader returns `User`.
#[derive(Clone)]
pub struct AppState {
    jwt: JwtManager,
    pool: SqlitePool,
    users: UserLookup<User>,
}

impl FromRef<AppState> for JwtManager {
    fn from_ref(s: &AppState) -> JwtManager {
        s.jwt.clone()
    }
}

impl FromRef<AppState> for UserLookup<User> {
    fn from_ref(s: &AppState) -> UserLookup<User> {
        s.users
    }
}

/// The configuration: `JWT_SECRET_KEY`, or a fixed example secret.
pub fn config() -> JwtConfig {
    let secret = std::env::var("JWT_SECRET_KEY")
        .unwrap_or_else(|_| "example-only-secret-do-not-use-in-production-0123456789abcdef".into());
    JwtConfig::with_secret(secret)
}

/// Creates and fills `users` (as the page's `db.create_all()` and its three users).
async fn seed(pool: &SqlitePool) -> Result<(), sqlx::Error> {
    sqlx::query(
        "CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY, username TEXT NOT NULL UNIQUE, \
         full_name TEXT NOT NULL)",
    )
    .execute(pool)
    .await?;
    for (id, username, full_name) in [
        (1, "bruce", "Bruce Wayne"),
        (2, "panther", "Ann Takamaki"),
        (3, "wraith", "Jester Lavore"),
    ] {
        sqlx::query("INSERT INTO users (id, username, full_name) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING")
            .bind(id)
            .bind(username)
            .bind(full_name)
            .execute(pool)
            .await?;
    }
    Ok(())
}

async fn find_user(pool: &SqlitePool, username: &str) -> Result<Option<User>, sqlx::Error> {
    let row: Option<(i64, String, String)> =
        sqlx::query_as("SELECT id, username, full_name FROM users WHERE username = ?1")
            .bind(username)
            .fetch_optional(pool)
            .await?;
    Ok(row.map(|(id, username, full_name)| User {
        id,
        username,
        full_name,
    }))
}

/// The app on `pool`: the users table, the SQL blocklist on the same pool, the routes.
pub async fn app(config: JwtConfig, pool: SqlitePool) -> Result<Router, String> {
    seed(&pool).await.map_err(|e| e.to_string())?;
    let blocklist = SqlBlocklist::from_sqlite_pool(pool.clone(), SqlBlocklistOptions::new())
        .await
        .map_err(|e| e.to_string())?;
    let lookup_pool = pool.clone();
    let jwt = JwtManager::builder(config)
        .blocklist(blocklist)
        // `@jwt.user_lookup_loader`, async: one query per protected request.
        .user_lookup_loader(move |_header: JwtHeader, claims: Claims| {
            let pool = lookup_pool.clone();
            let username = claims.get_str("sub").map(str::to_owned);
            async move {
                match username {
                    Some(username) => find_user(&pool, &username).await,
                    None => Ok(None),
                }
            }
        })
        .build()
        .map_err(|e| e.to_string())?;
    let users = jwt.user_lookup::<User>().map_err(|e| e.to_string())?;
    Ok(Router::new()
        .route("/login", post(login))
        .route("/who_am_i", get(who_am_i))
        .route("/logout", delete(logout))
        .with_state(AppState { jwt, pool, users }))
}

async fn login(State(app): State<AppState>, Json(body): Json<Value>) -> Response {
    let username = body["username"].as_str().unwrap_or_default();
    let user = match find_user(&app.pool, username).await {
        Ok(user) => user,
        Err(_) => {
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({"msg": "Database unavailable"})),
            )
                .into_response()
        }
    };
    // The page checks a hashed password; the demo shows argon2, this page only the loading.
    match user.filter(|_| body["password"] == "password") {
        Some(user) => match app.jwt.create_access_token(user.username) {
            Ok(token) => Json(json!({ "access_token": token })).into_response(),
            Err(e) => app.jwt.error_response(e),
        },
        None => (
            StatusCode::UNAUTHORIZED,
            Json(json!({ "msg": "Wrong username or password" })),
        )
            .into_response(),
    }
}

#[jwt_required]
async fn who_am_i(CurrentUser(user): CurrentUser<User>) -> Json<Value> {
    Json(json!({ "id": user.id, "full_name": user.full_name, "username": user.username }))
}

/// `@jwt_required()` + `db.session.add(TokenBlocklist(jti=jti))`: the token's `jti` goes to
/// the database until the token would have expired.
#[jwt_required]
async fn logout(State(app): State<AppState>) -> Result<Response, NoJwtContext> {
    let claims = get_jwt()?;
    Ok(match app.jwt.revoke_token(&claims).await {
        Ok(()) => Json(json!({ "msg": "JWT revoked" })).into_response(),
        Err(e) => app.jwt.error_response(e),
    })
}

#[tokio::main]
async fn main() {
    let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| "sqlite://example.db".into());
    let options = <sqlx::sqlite::SqliteConnectOptions as std::str::FromStr>::from_str(&url)
        .expect("DATABASE_URL: sqlite://PATH")
        .create_if_missing(true);
    let pool = SqlitePool::connect_with(options)
        .await
        .expect("the database");
    let app = app(config(), pool).await.expect("the app starts");
    let addr = std::env::var("EXAMPLE_ADDR").unwrap_or_else(|_| "127.0.0.1:5000".into());
    let listener = tokio::net::TcpListener::bind(&addr)
        .await
        .expect("EXAMPLE_ADDR: cannot listen");
    println!(
        "database listening on http://{}",
        listener.local_addr().expect("an address")
    );
    axum::serve(listener, app).await.expect("serving");
}
