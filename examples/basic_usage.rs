//! flask-jwt-extended's "Basic Usage" page
//! (<https://flask-jwt-extended.readthedocs.io/en/stable/basic_usage.html>), in axum.
//!
//! `create_access_token` makes a JWT, `#[jwt_required]` kicks out requests without a valid one,
//! and `get_jwt_identity()` gives the identity of the token inside the handler.
//!
//! ```text
//! cargo run --example basic_usage          # EXAMPLE_ADDR=127.0.0.1:5000 by default
//!
//! curl -s -X POST localhost:5000/login -H 'Content-Type: application/json' \
//!      -d '{"username":"test","password":"test"}'
//! # {"access_token":"eyJ…"}
//! curl -s localhost:5000/protected -H "Authorization: Bearer $ACCESS"
//! # {"logged_in_as":"test"}
//! curl -s localhost:5000/protected
//! # {"msg":"Missing Authorization Header"}   (401)
//! ```
//!
//! Tested by `tests/examples.rs` (`basic_usage_*`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use axum_jwt_extended::{get_jwt_identity, jwt_required, JwtConfig, JwtManager, NoJwtContext};
use serde_json::{json, Value};

/// The configuration: flask-jwt-extended's defaults and a secret (`JWT_SECRET_KEY`).
pub fn config(secret: &str) -> JwtConfig {
    JwtConfig::with_secret(secret)
}

/// The routes of the page.
pub fn app(config: JwtConfig) -> Router {
    let jwt = JwtManager::new(config).expect("a valid configuration");
    Router::new()
        .route("/login", post(login))
        .route("/protected", get(protected))
        .with_state(jwt)
}

/// Authenticates a user and returns a JWT. `create_access_token` makes the token.
async fn login(State(jwt): State<JwtManager>, Json(body): Json<Value>) -> Response {
    let username = body["username"].as_str().unwrap_or_default();
    if username != "test" || body["password"] != "test" {
        let body = Json(json!({ "msg": "Bad username or password" }));
        return (StatusCode::UNAUTHORIZED, body).into_response();
    }
    match jwt.create_access_token(username.to_owned()) {
        Ok(access_token) => Json(json!({ "access_token": access_token })).into_response(),
        Err(e) => jwt.error_response(e),
    }
}

/// Protected with `#[jwt_required]`: requests without a valid JWT never reach the body.
#[jwt_required]
async fn protected() -> Result<Json<Value>, NoJwtContext> {
    // The identity of the current user.
    let current_user = get_jwt_identity()?;
    Ok(Json(json!({ "logged_in_as": current_user })))
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
        "basic_usage listening on http://{}",
        listener.local_addr().expect("an address")
    );
    axum::serve(listener, app(config(&secret)))
        .await
        .expect("serving");
}
