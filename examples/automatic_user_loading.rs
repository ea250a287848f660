//! flask-jwt-extended's "Automatic User Loading" page
//! (<https://flask-jwt-extended.readthedocs.io/en/stable/automatic_user_loading.html>), in axum.
//!
//! A token is made from a `User` (the identity loader turns it into the `sub` claim), and
//! every protected request loads the `User` back from the token (the user lookup loader):
//! handlers take it as `CurrentUser<User>`, Flask's `current_user`. A user deleted since the
//! token was made gets 401 `Error loading the user …`.
//!
//! ```text
//! cargo run --example automatic_user_loading   # EXAMPLE_ADDR=127.0.0.1:5000 by default
//!
//! curl -s -X POST localhost:5000/login -H 'Content-Type: application/json' \
//!      -d '{"username":"panther","password":"password"}'
//! # {"access_token":"eyJ…"}
//! curl -s localhost:5000/who_am_i -H "Authorization: Bearer $ACCESS"
//! # {"full_name":"Ann Takamaki","id":2,"username":"panther"}
//! ```
//!
//! Tested by `tests/examples.rs` (`automatic_user_loading_*`).

use std::sync::Arc;

use axum::extract::{FromRef, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use axum_jwt_extended::{
    jwt_required, user_identity_loader, CurrentUser, JwtConfig, JwtManager, UserLookup,
};
use serde::Serialize;
use serde_json::{json, Value};

/// A user of the application (a database row in Flask's example).
#[derive(Debug, Clone, Serialize)]
pub struct User {
    pub id: u64,
    pub username: String,
    pub full_name: String,
}

impl User {
    /// NOTE: in a real application, store a salted hash (argon2, as the demo does) and
    /// compare with it.
    fn check_password(&self, password: &str) -> bool {
        password == "password"
    }
}

/// The "database".
pub fn users() -> Arc<Vec<User>> {
    let user = |id, username: &str, full_name: &str| User {
        id,
        username: username.into(),
        full_name: full_name.into(),
    };
    Arc::new(vec![
        user(1, "batman", "Bruce Wayne"),
        user(2, "panther", "Ann Takamaki"),
        user(3, "little_sapphire", "Jester Lavore"),
    ])
}

/// Turns the `User` passed to `create_access_token` into the identity claim. The `sub` claim
/// must be a string (`JWT_VERIFY_SUB`, on by default, as in flask-jwt-extended 4.7), so the
/// id is written as one.
#[user_identity_loader]
fn user_identity_lookup(user: &User) -> String {
    user.id.to_string()
}

#[derive(Clone)]
struct AppState {
    jwt: JwtManager,
    users: Arc<Vec<User>>,
    /// The proof, checked at start-up, that the user lookup loader returns `User`:
    /// `CurrentUser<User>` needs it.
    user_lookup: UserLookup<User>,
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

/// The configuration: flask-jwt-extended's defaults and a secret.
pub fn config(secret: &str) -> JwtConfig {
    JwtConfig::with_secret(secret)
}

/// The routes of the page, over this list of users.
pub fn app(config: JwtConfig, users: Arc<Vec<User>>) -> Router {
    let db = users.clone();
    let jwt = JwtManager::builder(config)
        .user_identity_loader(user_identity_lookup)
        // Loads the user of a token from the "database" on every protected request: the
        // identity claim (`sub`) arrives typed, as the `String` the identity loader wrote.
        // `None` (a deleted user, say) answers 401.
        .user_lookup_by_identity(move |id: &String| {
            db.iter().find(|u| u.id.to_string() == *id).cloned()
        })
        .build()
        .expect("a valid configuration");
    let user_lookup = jwt.user_lookup::<User>().expect("the lookup returns User");
    Router::new()
        .route("/login", post(login))
        .route("/who_am_i", get(who_am_i))
        .with_state(AppState {
            jwt,
            users,
            user_lookup,
        })
}

async fn login(State(app): State<AppState>, Json(body): Json<Value>) -> Response {
    let username = body["username"].as_str().unwrap_or_default();
    let password = body["password"].as_str().unwrap_or_default();
    let user = app.users.iter().find(|u| u.username == username);
    let Some(user) = user.filter(|u| u.check_password(password)) else {
        return (StatusCode::UNAUTHORIZED, Json("Wrong username or password")).into_response();
    };
    // The token is made from the `User` itself.
    match app.jwt.create_access_token(user.clone()) {
        Ok(access_token) => Json(json!({ "access_token": access_token })).into_response(),
        Err(e) => app.jwt.error_response(e),
    }
}

/// The `User` of the token, loaded by the user lookup loader.
#[jwt_required]
async fn who_am_i(CurrentUser(user): CurrentUser<User>) -> Json<Value> {
    Json(json!({
        "id": user.id,
        "full_name": user.full_name,
        "username": user.username,
    }))
}

#[tokio::main]
async fn main() {
    // Change this! Any 32 random bytes or more: `openssl rand -hex 32`.
    let secret = std::env::var("JWT_SECRET_KEY").unwrap_or_else(|_| {
        "0d6c2b8e5f4a9c1e7b3d0f6a2c8e4b1d9f5a3c7e1b6d0a4f8c2e6b9d3a7f1c5e".into()
    });
    let addr = std::env::var("EXAMPLE_ADDR").unwrap_or_else(|_| "127.0.0.1:5000".into());
    let listener = tokio::net::TcpListener::bind(&addr)
        .await
        .expect("EXAMPLE_ADDR: cannot listen");
    println!(
        "automatic_user_loading listening on http://{}",
        listener.local_addr().expect("an address")
    );
    axum::serve(listener, app(config(&secret), users()))
        .await
        .expect("serving");
}
