//! flask-jwt-extended's "Refreshing Tokens" page
//! (<https://flask-jwt-extended.readthedocs.io/en/stable/refreshing_tokens.html>), in axum: its
//! three parts side by side.
//!
//! - **Explicit refreshing with refresh tokens** (for API and mobile clients): `/login` gives
//!   an access token and a refresh token; `/refresh` takes only a refresh token
//!   (`#[jwt_required(refresh)]`) and gives a new access token.
//! - **Token freshness**: the access token of a password login is *fresh*, a refreshed one is
//!   not; `/protected_fresh` (`#[jwt_required(fresh)]`) takes only fresh ones, `/protected`
//!   takes both.
//! - **Implicit refreshing with cookies** (for browser clients): `/cookies/login` sets the
//!   access cookie, and the layer `jwt.implicit_refresh(30 minutes)` gives every successful
//!   cookie request whose token expires within 30 minutes a new access cookie (Flask's
//!   `after_request` hook).
//!
//! ```text
//! cargo run --example refreshing_tokens    # EXAMPLE_ADDR=127.0.0.1:5000 by default
//!
//! curl -s -X POST localhost:5000/login -H 'Content-Type: application/json' \
//!      -d '{"username":"test","password":"test"}'
//! # {"access_token":"eyJ…","refresh_token":"eyJ…"}
//! curl -s localhost:5000/protected_fresh -H "Authorization: Bearer $ACCESS"
//! # {"foo":"bar"}
//! curl -s -X POST localhost:5000/refresh -H "Authorization: Bearer $REFRESH"
//! # {"access_token":"eyJ…"}          (not fresh)
//! curl -s localhost:5000/protected_fresh -H "Authorization: Bearer $NEW_ACCESS"
//! # {"msg":"Fresh token required"}   (401)
//!
//! curl -s -c jar.txt -X POST localhost:5000/cookies/login
//! # {"msg":"login successful"}
//! curl -s -b jar.txt localhost:5000/cookies/protected
//! # {"foo":"bar"}
//! ```
//!
//! Tested by `tests/examples.rs` (`refreshing_tokens_*`).

use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use axum_jwt_extended::{
    get_jwt_identity, jwt_required, set_access_cookies, unset_jwt_cookies, CookieOptions, Expiry,
    JwtConfig, JwtManager, Location, TokenOptions,
};
use serde_json::{json, Value};

/// The configuration: access tokens live an hour, refresh tokens 30 days; tokens are read from
/// the `Authorization` header and from cookies.
pub fn config(secret: &str) -> JwtConfig {
    let mut config = JwtConfig::with_secret(secret);
    config.access_token_expires = Expiry::After(Duration::from_secs(60 * 60));
    config.refresh_token_expires = Expiry::After(Duration::from_secs(30 * 24 * 60 * 60));
    config.token_location = vec![Location::Headers, Location::Cookies];
    // Cookies only over HTTPS: set this to true in production.
    config.cookie_secure = false;
    config
}

/// How close to its expiry an access cookie gets a new one.
pub const IMPLICIT_REFRESH_WINDOW: Duration = Duration::from_secs(30 * 60);

/// The routes of the page.
pub fn app(config: JwtConfig) -> Router {
    let jwt = JwtManager::new(config).expect("a valid configuration");
    Router::new()
        // Explicit refreshing, and freshness.
        .route("/login", post(login))
        .route("/refresh", post(refresh))
        .route("/protected", get(protected))
        .route("/protected_fresh", get(protected_fresh))
        // Implicit refreshing with cookies.
        .route("/cookies/login", post(cookies_login))
        .route("/cookies/logout", post(cookies_logout))
        .route("/cookies/protected", get(protected))
        // Outside the routes: it reads the verification they made. It only ever refreshes
        // tokens that came in a cookie.
        .layer(jwt.implicit_refresh(IMPLICIT_REFRESH_WINDOW))
        .with_state(jwt)
}

/// The password was checked here: the access token is fresh.
async fn login(State(jwt): State<JwtManager>, Json(body): Json<Value>) -> Response {
    if body["username"] != "test" || body["password"] != "test" {
        let body = Json(json!({ "msg": "Bad username or password" }));
        return (StatusCode::UNAUTHORIZED, body).into_response();
    }
    let fresh = TokenOptions::new().fresh(true);
    let tokens = jwt
        .create_access_token_with("example_user", fresh)
        .and_then(|access| Ok((access, jwt.create_refresh_token("example_user")?)));
    match tokens {
        Ok((access_token, refresh_token)) => Json(json!({
            "access_token": access_token,
            "refresh_token": refresh_token,
        }))
        .into_response(),
        Err(e) => jwt.error_response(e),
    }
}

/// Only refresh tokens get in. The password was not checked for a while: the new access token
/// is not fresh.
#[jwt_required(refresh)]
async fn refresh(State(jwt): State<JwtManager>) -> Response {
    let identity = match get_jwt_identity() {
        Ok(identity) => identity,
        Err(e) => return e.into_response(),
    };
    match jwt.create_access_token_with(identity, TokenOptions::new().fresh(false)) {
        Ok(access_token) => Json(json!({ "access_token": access_token })).into_response(),
        Err(e) => jwt.error_response(e),
    }
}

#[jwt_required]
async fn protected() -> Json<Value> {
    Json(json!({ "foo": "bar" }))
}

/// Only fresh access tokens get in: a route for changing the password or the e-mail address.
#[jwt_required(fresh)]
async fn protected_fresh() -> Json<Value> {
    Json(json!({ "foo": "bar" }))
}

async fn cookies_login(State(jwt): State<JwtManager>) -> Response {
    let cookies = jwt
        .create_access_token("example_user")
        .and_then(|access| set_access_cookies(&jwt, &access, CookieOptions::default()));
    match cookies {
        Ok(cookies) => (cookies, Json(json!({ "msg": "login successful" }))).into_response(),
        Err(e) => jwt.error_response(e),
    }
}

async fn cookies_logout(State(jwt): State<JwtManager>) -> Response {
    let body = Json(json!({ "msg": "logout successful" }));
    (unset_jwt_cookies(&jwt, None), body).into_response()
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
        "refreshing_tokens listening on http://{}",
        listener.local_addr().expect("an address")
    );
    axum::serve(listener, app(config(&secret)))
        .await
        .expect("serving");
}
