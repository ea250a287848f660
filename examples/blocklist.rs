//! flask-jwt-extended's "JWT Revoking / Blocklist" page
//! (<https://flask-jwt-extended.readthedocs.io/en/stable/blocklist_and_token_revoking.html>),
//! in axum.
//!
//! Instead of writing a `token_in_blocklist_loader` over your own storage, give the manager a
//! blocklist store: every protected request is checked against it, and
//! `jwt.revoke_token(&claims)` revokes a token until it expires (the store forgets it then).
//! `MemoryBlocklist` lives in this process; `RedisBlocklist` (cargo feature `redis`) is shared
//! by every process and survives restarts — configure Redis to persist to disk, or a restart
//! makes every revoked token valid again. A store that fails answers 503 (fail closed).
//!
//! The page's "Revoking Refresh Tokens": a refresh token must be revoked at logout too, or it
//! mints new access tokens. `DELETE /logout` takes either token (`verify_type = false`);
//! `DELETE /logout_login` revokes the access and the refresh token of one login at once: the
//! tokens of `/login_pair` carry the login's family id (`create_token_pair`), and
//! `revoke_login` revokes the family. (Revoke such tokens with `revoke_login`, not
//! `revoke_token`: a refresh token of a family revoked alone that comes back is taken for a
//! stolen one, 401 `Refresh token reuse detected: …`.)
//!
//! ```text
//! cargo run --example blocklist            # in memory; EXAMPLE_ADDR=127.0.0.1:5000 by default
//! REDIS_URL=redis://127.0.0.1:6379/0 cargo run --example blocklist --features redis
//!
//! curl -s -X POST localhost:5000/login
//! # {"access_token":"eyJ…","refresh_token":"eyJ…"}
//! curl -s localhost:5000/protected -H "Authorization: Bearer $ACCESS"
//! # {"hello":"world"}
//! curl -s -X DELETE localhost:5000/logout -H "Authorization: Bearer $ACCESS"
//! # {"msg":"Access token successfully revoked"}
//! curl -s localhost:5000/protected -H "Authorization: Bearer $ACCESS"
//! # {"msg":"Token has been revoked"}   (401)
//! curl -s -X DELETE localhost:5000/logout -H "Authorization: Bearer $REFRESH"
//! # {"msg":"Refresh token successfully revoked"}
//! ```
//!
//! Tested by `tests/examples.rs` (`blocklist_*`; the Redis store with `--features redis`).

use std::time::Duration;

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use axum_jwt_extended::{
    get_jwt, get_jwt_identity, jwt_required, BlocklistStore, Expiry, JwtConfig, JwtManager,
    MemoryBlocklist, TokenOptions,
};
use serde_json::{json, Value};

/// The configuration: access tokens live an hour (and so do their blocklist entries).
pub fn config(secret: &str) -> JwtConfig {
    let mut config = JwtConfig::with_secret(secret);
    config.access_token_expires = Expiry::After(Duration::from_secs(60 * 60));
    config
}

/// The routes of the page, revoking into `store`.
pub fn app(config: JwtConfig, store: impl BlocklistStore) -> Router {
    let jwt = JwtManager::builder(config)
        .blocklist(store)
        .build()
        .expect("a valid configuration");
    Router::new()
        .route("/login", post(login))
        .route("/login_pair", post(login_pair))
        .route("/refresh", post(refresh))
        .route("/logout", delete(logout))
        .route("/logout_login", delete(logout_login))
        .route("/protected", get(protected))
        .with_state(jwt)
}

async fn login(State(jwt): State<JwtManager>) -> Response {
    let tokens = jwt
        .create_access_token("example_user")
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

/// An access and a refresh token of one login (one family id in both).
async fn login_pair(State(jwt): State<JwtManager>) -> Response {
    match jwt.create_token_pair("example_user", TokenOptions::new()) {
        Ok(pair) => Json(json!({
            "access_token": pair.access_token,
            "refresh_token": pair.refresh_token,
        }))
        .into_response(),
        Err(e) => jwt.error_response(e),
    }
}

#[jwt_required(refresh)]
async fn refresh(State(jwt): State<JwtManager>) -> Response {
    let identity = match get_jwt_identity() {
        Ok(identity) => identity,
        Err(e) => return e.into_response(),
    };
    match jwt.create_access_token(identity) {
        Ok(access_token) => Json(json!({ "access_token": access_token })).into_response(),
        Err(e) => jwt.error_response(e),
    }
}

/// Revokes the token sent, access or refresh. The store keeps it until it expires.
#[jwt_required(verify_type = false)]
async fn logout(State(jwt): State<JwtManager>) -> Response {
    let claims = match get_jwt() {
        Ok(claims) => claims,
        Err(e) => return e.into_response(),
    };
    if let Err(e) = jwt.revoke_token(&claims).await {
        return jwt.error_response(e);
    }
    let ttype = match claims.token_type() {
        Some("refresh") => "Refresh",
        _ => "Access",
    };
    Json(json!({ "msg": format!("{ttype} token successfully revoked") })).into_response()
}

/// Revokes the whole login of the token sent: its access and its refresh token.
#[jwt_required(verify_type = false)]
async fn logout_login(State(jwt): State<JwtManager>) -> Response {
    let claims = match get_jwt() {
        Ok(claims) => claims,
        Err(e) => return e.into_response(),
    };
    match jwt.revoke_login(&claims).await {
        Ok(()) => Json(json!({ "msg": "Access and refresh tokens revoked" })).into_response(),
        Err(e) => jwt.error_response(e),
    }
}

/// A revoked access token does not get in any more.
#[jwt_required]
async fn protected() -> Json<Value> {
    Json(json!({ "hello": "world" }))
}

#[tokio::main]
async fn main() {
    // Change this! Any 32 random bytes or more: `openssl rand -hex 32`.
    let secret = std::env::var("JWT_SECRET_KEY").unwrap_or_else(|_| {
        "0d6c2b8e5f4a9c1e7b3d0f6a2c8e4b1d9f5a3c7e1b6d0a4f8c2e6b9d3a7f1c5e".into()
    });
    let config = config(&secret);
    let router = match std::env::var("REDIS_URL") {
        #[cfg(feature = "redis")]
        Ok(url) => {
            let store = axum_jwt_extended::RedisBlocklist::new(&url).expect("a valid REDIS_URL");
            println!("revocations are kept in Redis");
            app(config, store)
        }
        #[cfg(not(feature = "redis"))]
        Ok(_) => panic!("REDIS_URL is set: run with `--features redis`"),
        Err(_) => {
            println!("revocations are kept in memory (set REDIS_URL to use Redis)");
            app(config, MemoryBlocklist::new())
        }
    };
    let addr = std::env::var("EXAMPLE_ADDR").unwrap_or_else(|_| "127.0.0.1:5000".into());
    let listener = tokio::net::TcpListener::bind(&addr)
        .await
        .expect("EXAMPLE_ADDR: cannot listen");
    println!(
        "blocklist listening on http://{}",
        listener.local_addr().expect("an address")
    );
    axum::serve(listener, router).await.expect("serving");
}
