//! flask-jwt-extended's asymmetric keys (the `JWT_ALGORITHM`, `JWT_PRIVATE_KEY` and
//! `JWT_PUBLIC_KEY` options, and upstream's `test_asymmetric_crypto.py`), in axum: tokens are
//! signed with an RSA private key (RS256) and verified with its public key, so services that
//! only verify never hold the signing key. Tokens of another algorithm, HS256 included, are
//! refused: 422 `The specified alg value is not allowed`.
//!
//! The keys come from `JWT_PRIVATE_KEY_FILE` and `JWT_PUBLIC_KEY_FILE` (PEM files); without
//! them, the repository's test keys (`tests/fixtures/`: their private half is public, never
//! use them for anything real). Make your own with
//! `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out private.pem` and
//! `openssl pkey -in private.pem -pubout -out public.pem`.
//!
//! ```text
//! cargo run --example asymmetric_keys      # EXAMPLE_ADDR=127.0.0.1:5000 by default
//!
//! curl -s -X POST localhost:5000/login -H 'Content-Type: application/json' \
//!      -d '{"username":"test","password":"test"}'
//! # {"access_token":"eyJhbGciOiJSUzI1NiIs…"}
//! curl -s localhost:5000/protected -H "Authorization: Bearer $ACCESS"
//! # {"logged_in_as":"test"}
//! ```
//!
//! Tested by `tests/examples.rs` (`asymmetric_keys_*`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use axum_jwt_extended::{
    get_jwt_identity, jwt_required, Algorithm, JwtConfig, JwtManager, NoJwtContext,
};
use serde_json::{json, Value};

/// Test-only keys: their private half is public.
pub const TEST_PRIVATE_KEY: &str = include_str!("../tests/fixtures/rsa_private.pem");
/// The public half of [`TEST_PRIVATE_KEY`].
pub const TEST_PUBLIC_KEY: &str = include_str!("../tests/fixtures/rsa_public.pem");

/// The configuration: RS256 with these PEM keys (no `JWT_SECRET_KEY`).
pub fn config(private_pem: &str, public_pem: &str) -> JwtConfig {
    let mut config = JwtConfig::default();
    config.algorithm = Algorithm::RS256;
    config.private_key = Some(private_pem.into());
    config.public_key = Some(public_pem.into());
    config
}

/// The routes: `/login` and `/protected`, as on the "Basic Usage" page.
pub fn app(config: JwtConfig) -> Router {
    let jwt = JwtManager::new(config).expect("a valid configuration");
    Router::new()
        .route("/login", post(login))
        .route("/protected", get(protected))
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

#[jwt_required]
async fn protected() -> Result<Json<Value>, NoJwtContext> {
    Ok(Json(json!({ "logged_in_as": get_jwt_identity()? })))
}

#[tokio::main]
async fn main() {
    let read = |var: &str, test_key: &str| match std::env::var(var) {
        Ok(path) => std::fs::read_to_string(&path).expect("a readable PEM file"),
        Err(_) => test_key.to_owned(),
    };
    let private_pem = read("JWT_PRIVATE_KEY_FILE", TEST_PRIVATE_KEY);
    let public_pem = read("JWT_PUBLIC_KEY_FILE", TEST_PUBLIC_KEY);
    let addr = std::env::var("EXAMPLE_ADDR").unwrap_or_else(|_| "127.0.0.1:5000".into());
    let listener = tokio::net::TcpListener::bind(&addr)
        .await
        .expect("EXAMPLE_ADDR: cannot listen");
    println!(
        "asymmetric_keys listening on http://{}",
        listener.local_addr().expect("an address")
    );
    axum::serve(listener, app(config(&private_pem, &public_pem)))
        .await
        .expect("serving");
}
