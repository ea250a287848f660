//! flask-jwt-extended's "Changing Default Behaviors" page
//! (<https://flask-jwt-extended.readthedocs.io/en/stable/changing_default_behavior.html>), in
//! axum.
//!
//! By default an expired token gets 401 `{"msg": "Token has expired"}`; the response loaders
//! change what each rejection answers. This page's loader answers expired tokens; two more
//! show the other shapes: `unauthorized_loader` (no token, or a CSRF failure) and
//! `invalid_token_loader` (a token that does not verify) take the reason as text. The others
//! (`needs_fresh_token_loader`, `revoked_token_loader`, `user_lookup_error_loader`,
//! `token_verification_failed_loader`, `claims_check_failed_loader`) are registered the same
//! way, and `error_hook` reshapes every rejection at once.
//!
//! ```text
//! cargo run --example changing_default_behaviors   # EXAMPLE_ADDR=127.0.0.1:5000 by default
//!
//! curl -s -X POST localhost:5000/login
//! # {"access_token":"eyJ…"}
//! curl -s localhost:5000/protected -H "Authorization: Bearer $ACCESS"
//! # {"hello":"world"}
//! curl -s localhost:5000/protected -H "Authorization: Bearer $EXPIRED"   # 15 minutes later
//! # {"code":"dave","err":"I can't let you do that"}   (401)
//! curl -s localhost:5000/protected
//! # {"code":"missing","err":"Missing Authorization Header"}   (401)
//! ```
//!
//! Tested by `tests/examples.rs` (`changing_default_behaviors_*`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use axum_jwt_extended::{
    expired_token_loader, invalid_token_loader, jwt_required, unauthorized_loader, Claims,
    JwtConfig, JwtHeader, JwtManager,
};
use serde_json::{json, Value};

/// Called when an expired token comes to a protected route, with its (verified) header and
/// claims; what it returns is the response.
#[expired_token_loader]
fn my_expired_token_callback(_jwt_header: &JwtHeader, _jwt_payload: &Claims) -> impl IntoResponse {
    let body = json!({ "code": "dave", "err": "I can't let you do that" });
    (StatusCode::UNAUTHORIZED, Json(body))
}

/// No token (or a CSRF failure): the reason is Flask's message.
#[unauthorized_loader]
fn my_unauthorized_callback(reason: &str) -> impl IntoResponse {
    (
        StatusCode::UNAUTHORIZED,
        Json(json!({ "code": "missing", "err": reason })),
    )
}

/// A token that is not valid (bad signature, malformed, wrong algorithm …).
#[invalid_token_loader]
fn my_invalid_token_callback(reason: &str) -> impl IntoResponse {
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        Json(json!({ "code": "invalid", "err": reason })),
    )
}

/// The configuration: flask-jwt-extended's defaults (access tokens live 15 minutes).
pub fn config(secret: &str) -> JwtConfig {
    JwtConfig::with_secret(secret)
}

/// The routes of the page.
pub fn app(config: JwtConfig) -> Router {
    let jwt = JwtManager::builder(config)
        .expired_token_loader(my_expired_token_callback)
        .unauthorized_loader(my_unauthorized_callback)
        .invalid_token_loader(my_invalid_token_callback)
        .build()
        .expect("a valid configuration");
    Router::new()
        .route("/login", post(login))
        .route("/protected", get(protected))
        .with_state(jwt)
}

async fn login(State(jwt): State<JwtManager>) -> Response {
    match jwt.create_access_token("example_user") {
        Ok(access_token) => Json(json!({ "access_token": access_token })).into_response(),
        Err(e) => jwt.error_response(e),
    }
}

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
    let addr = std::env::var("EXAMPLE_ADDR").unwrap_or_else(|_| "127.0.0.1:5000".into());
    let listener = tokio::net::TcpListener::bind(&addr)
        .await
        .expect("EXAMPLE_ADDR: cannot listen");
    println!(
        "changing_default_behaviors listening on http://{}",
        listener.local_addr().expect("an address")
    );
    axum::serve(listener, app(config(&secret)))
        .await
        .expect("serving");
}
