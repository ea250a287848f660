//! flask-jwt-extended's "Partially protecting routes" page
//! (<https://flask-jwt-extended.readthedocs.io/en/stable/optional_endpoints.html>), in axum.
//!
//! `#[jwt_required(optional)]` lets a request without a token through (the identity is then
//! `None`), but still rejects a token that is present and invalid. The extractor
//! `Option<Jwt>` does the same without the attribute.
//!
//! ```text
//! cargo run --example optional_routes      # EXAMPLE_ADDR=127.0.0.1:5000 by default
//!
//! curl -s localhost:5000/optionally_protected
//! # {"logged_in_as":"anonymous user"}
//! curl -s -X POST localhost:5000/login -H 'Content-Type: application/json' \
//!      -d '{"username":"test","password":"test"}'
//! # {"access_token":"eyJ…"}
//! curl -s localhost:5000/optionally_protected -H "Authorization: Bearer $ACCESS"
//! # {"logged_in_as":"test"}
//! curl -s localhost:5000/optionally_protected -H "Authorization: Bearer not-a-token"
//! # {"msg":"Not enough segments"}   (422)
//! ```
//!
//! Tested by `tests/examples.rs` (`optional_routes_*`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use axum_jwt_extended::{get_jwt_identity, jwt_required, Jwt, JwtConfig, JwtManager, NoJwtContext};
use serde_json::{json, Value};

/// The configuration: flask-jwt-extended's defaults and a secret.
pub fn config(secret: &str) -> JwtConfig {
    JwtConfig::with_secret(secret)
}

/// The routes of the page, and `/optionally_protected_extractor` (the same with
/// `Option<Jwt>`).
pub fn app(config: JwtConfig) -> Router {
    let jwt = JwtManager::new(config).expect("a valid configuration");
    Router::new()
        .route("/login", post(login))
        .route("/optionally_protected", get(optionally_protected))
        .route(
            "/optionally_protected_extractor",
            get(optionally_protected_extractor),
        )
        .with_state(jwt)
}

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

#[jwt_required(optional)]
async fn optionally_protected() -> Result<Json<Value>, NoJwtContext> {
    Ok(Json(match get_jwt_identity()? {
        Some(current_identity) => json!({ "logged_in_as": current_identity }),
        None => json!({ "logged_in_as": "anonymous user" }),
    }))
}

/// The same with the extractor: no token is `None`, an invalid one is rejected.
async fn optionally_protected_extractor(jwt: Option<Jwt>) -> Json<Value> {
    Json(match jwt.as_ref().and_then(Jwt::identity) {
        Some(current_identity) => json!({ "logged_in_as": current_identity }),
        None => json!({ "logged_in_as": "anonymous user" }),
    })
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
        "optional_routes listening on http://{}",
        listener.local_addr().expect("an address")
    );
    axum::serve(listener, app(config(&secret)))
        .await
        .expect("serving");
}
