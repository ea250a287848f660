//! flask-jwt-extended's "Custom Decorators" page
//! (<https://flask-jwt-extended.readthedocs.io/en/stable/custom_decorators.html>), in axum.
//!
//! Flask writes an `admin_required` decorator around `verify_jwt_in_request()`; here the same
//! rule is a claims check, a function of the verified claims: `#[jwt_required(check =
//! is_admin)]` on one handler, or `jwt.layer().check(is_admin)` on a whole `Router` or `nest`.
//! A check that fails answers 403 `{"msg": …}` with its message (`claims_check_failed_loader`
//! changes that response). A check may also be `async`, return `bool`, or take a part of the
//! router state (`check = f, state = AppState` with `fn f(&Claims, &Db)`).
//!
//! ```text
//! cargo run --example custom_decorators    # EXAMPLE_ADDR=127.0.0.1:5000 by default
//!
//! curl -s -X POST localhost:5000/login
//! # {"access_token":"eyJ…"}                 (an administrator's token)
//! curl -s localhost:5000/protected -H "Authorization: Bearer $ACCESS"
//! # {"foo":"bar"}
//! curl -s localhost:5000/admin/dashboard -H "Authorization: Bearer $ACCESS"
//! # {"dashboard":"admin_user"}
//! # with a token without "is_administrator": true
//! # {"msg":"Admins only!"}   (403)
//! ```
//!
//! Tested by `tests/examples.rs` (`custom_decorators_*`).

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use axum_jwt_extended::{
    get_jwt_identity, jwt_required, Claims, JwtConfig, JwtManager, NoJwtContext, TokenOptions,
};
use serde_json::{json, Value};

/// The claims check: the token says its user is an administrator. The error is the 403's
/// message.
pub fn is_admin(claims: &Claims) -> Result<(), &'static str> {
    match claims.get("is_administrator") {
        Some(Value::Bool(true)) => Ok(()),
        _ => Err("Admins only!"),
    }
}

/// The configuration: flask-jwt-extended's defaults and a secret.
pub fn config(secret: &str) -> JwtConfig {
    JwtConfig::with_secret(secret)
}

/// The routes of the page, and `/admin/…`: the same check on a whole nest.
pub fn app(config: JwtConfig) -> Router {
    let jwt = JwtManager::new(config).expect("a valid configuration");
    let admin = Router::new()
        .route("/dashboard", get(dashboard))
        .route_layer(jwt.layer().check(is_admin));
    Router::new()
        .route("/login", post(login))
        .route("/protected", get(protected))
        .nest("/admin", admin)
        .with_state(jwt)
}

async fn login(State(jwt): State<JwtManager>) -> Response {
    let options = TokenOptions::new().additional_claims(json!({ "is_administrator": true }));
    match jwt.create_access_token_with("admin_user", options) {
        Ok(access_token) => Json(json!({ "access_token": access_token })).into_response(),
        Err(e) => jwt.error_response(e),
    }
}

/// Flask's `@admin_required()`.
#[jwt_required(check = is_admin)]
async fn protected() -> Json<Value> {
    Json(json!({ "foo": "bar" }))
}

/// Protected by the layer on `/admin`: no attribute needed, `get_jwt()` & co. work.
async fn dashboard() -> Result<Json<Value>, NoJwtContext> {
    Ok(Json(json!({ "dashboard": get_jwt_identity()? })))
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
        "custom_decorators listening on http://{}",
        listener.local_addr().expect("an address")
    );
    axum::serve(listener, app(config(&secret)))
        .await
        .expect("serving");
}
