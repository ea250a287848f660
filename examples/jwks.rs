//! flask-jwt-extended leaves keys across services to its users (its issues #321, #346, #463
//! ask for JWKS); this is the page it does not have: an **issuer** that signs with RS256 and
//! publishes its public keys at `/.well-known/jwks.json`, and a **verifier** that holds no key
//! of its own and verifies the issuer's tokens against that JWK Set (cargo feature `jwks`).
//!
//! ```text
//! cargo run --example jwks --features jwks    # issuer on 127.0.0.1:5000, verifier on :5001
//!
//! ACCESS=$(curl -s -X POST localhost:5000/login -H 'Content-Type: application/json' \
//!      -d '{"username":"test","password":"test"}' | jq -r .access_token)
//! curl -s localhost:5000/.well-known/jwks.json     # {"keys":[{"kty":"RSA","kid":"…",…}]}
//! curl -s localhost:5001/protected -H "Authorization: Bearer $ACCESS"
//! # {"logged_in_as":"test","verified_with_kid":"…"}
//! ```
//!
//! Rotating keys: start the issuer with the new key as `JWT_PRIVATE_KEY`/`JWT_PUBLIC_KEY`
//! and the old public key in `JWT_RETIRED_PUBLIC_KEYS`; the verifier picks the new key up at
//! its next refresh (or at once, when a token names a `kid` it does not know yet), and tokens
//! of both keys verify until the old one is retired. The demo does exactly this
//! (`tests/demo_keys.rs`).
//!
//! Tested by `tests/examples.rs` (`jwks_*`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use axum_jwt_extended::{
    get_jwt_header, get_jwt_identity, jwt_required, Algorithm, JwtConfig, JwtManager, NoJwtContext,
};
use serde_json::{json, Value};

/// The repository's test key pair (its private half is public: never use it for real).
pub const TEST_PRIVATE_KEY: &str = include_str!("../tests/fixtures/rsa_private.pem");
/// The public half of [`TEST_PRIVATE_KEY`].
pub const TEST_PUBLIC_KEY: &str = include_str!("../tests/fixtures/rsa_public.pem");

/// The issuer: RS256 with a key pair; it mints tokens and publishes its public keys.
pub fn issuer() -> Router {
    let mut config = JwtConfig::default();
    config.algorithm = Algorithm::RS256;
    config.private_key = Some(TEST_PRIVATE_KEY.into());
    config.public_key = Some(TEST_PUBLIC_KEY.into());
    let jwt = JwtManager::new(config).expect("a valid configuration");
    Router::new()
        .route("/login", post(login))
        .merge(jwt.jwks_router())
        .with_state(jwt)
}

/// The verifier: no key of its own; the JWK Set at `jwks_url` is fetched now and kept fresh.
pub async fn verifier(jwks_url: &str) -> Result<Router, String> {
    let mut config = JwtConfig::default();
    config.algorithm = Algorithm::RS256;
    config.jwks_url = Some(jwks_url.to_owned());
    let jwt = JwtManager::builder(config)
        .build_async()
        .await
        .map_err(|e| e.to_string())?;
    Ok(Router::new()
        .route("/protected", get(protected))
        .with_state(jwt))
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
    Ok(Json(json!({
        "logged_in_as": get_jwt_identity()?,
        "verified_with_kid": get_jwt_header()?.kid(),
    })))
}

#[tokio::main]
async fn main() {
    let issuer_addr = std::env::var("EXAMPLE_ADDR").unwrap_or_else(|_| "127.0.0.1:5000".into());
    let verifier_addr = std::env::var("VERIFIER_ADDR").unwrap_or_else(|_| "127.0.0.1:5001".into());
    let listener = tokio::net::TcpListener::bind(&issuer_addr)
        .await
        .expect("EXAMPLE_ADDR: cannot listen");
    let issuer_at = listener.local_addr().expect("an address");
    println!("jwks issuer listening on http://{issuer_at}");
    tokio::spawn(async move { axum::serve(listener, issuer()).await });
    let url = format!("http://{issuer_at}/.well-known/jwks.json");
    let verifier = verifier(&url).await.expect("the issuer's JWK Set");
    let listener = tokio::net::TcpListener::bind(&verifier_addr)
        .await
        .expect("VERIFIER_ADDR: cannot listen");
    println!(
        "jwks verifier listening on http://{}",
        listener.local_addr().expect("an address")
    );
    axum::serve(listener, verifier).await.expect("serving");
}
