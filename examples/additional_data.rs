//! flask-jwt-extended's "Storing Additional Data in JWTs" page
//! (<https://flask-jwt-extended.readthedocs.io/en/stable/add_custom_data_claims.html>), in axum.
//!
//! Extra claims go into a token through `TokenOptions::additional_claims` (a JSON object or
//! any `Serialize` struct) or, for every token, through the additional claims loader; when
//! both give a claim, the argument wins, as in Flask. A protected handler reads them with
//! `get_jwt()`, or typed with the `Jwt<MyClaims>` extractor.
//!
//! JWTs are not encrypted: anyone holding one can read its claims. Never put secrets in them.
//!
//! ```text
//! cargo run --example additional_data      # EXAMPLE_ADDR=127.0.0.1:5000 by default
//!
//! curl -s -X POST localhost:5000/login -H 'Content-Type: application/json' \
//!      -d '{"username":"test","password":"test"}'
//! # {"access_token":"eyJ…"}
//! curl -s localhost:5000/protected -H "Authorization: Bearer $ACCESS"
//! # {"foo":"bar"}
//! curl -s localhost:5000/protected_typed -H "Authorization: Bearer $ACCESS"
//! # {"aud":"some_audience","foo":"bar","upcase_name":"TEST"}
//! ```
//!
//! Tested by `tests/examples.rs` (`additional_data_*`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use axum_jwt_extended::{
    get_jwt, jwt_required, Audience, Jwt, JwtConfig, JwtManager, NoJwtContext, TokenOptions,
};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// The configuration. The tokens of this page carry `aud`, and a token with an audience is
/// only accepted where one is expected (PyJWT's rule, kept here): `JWT_DECODE_AUDIENCE`.
pub fn config(secret: &str) -> JwtConfig {
    let mut config = JwtConfig::with_secret(secret);
    config.decode_audience = Some(Audience::One("some_audience".into()));
    config
}

/// Claims given at `create_access_token` as a struct (any `Serialize` type).
#[derive(Serialize)]
struct LoginClaims {
    aud: &'static str,
    foo: &'static str,
}

/// The claims a handler reads, typed (any `Deserialize` type; a token whose claims do not
/// fit is rejected with 422).
#[derive(Deserialize)]
struct PageClaims {
    aud: String,
    foo: String,
    upcase_name: String,
}

/// The routes of the page, and `/protected_typed` (the claims read into a struct).
pub fn app(config: JwtConfig) -> Router {
    let jwt = JwtManager::builder(config)
        // Called for every new token with the identity it is made for (the `String` given to
        // `create_access_token`): claims to add to it.
        .additional_claims_loader(|identity: &String| {
            json!({
                "aud": "some_audience",
                "foo": "bar",
                "upcase_name": identity.to_uppercase(),
            })
        })
        .build()
        .expect("a valid configuration");
    Router::new()
        .route("/login", post(login))
        .route("/protected", get(protected))
        .route("/protected_typed", get(protected_typed))
        .with_state(jwt)
}

async fn login(State(jwt): State<JwtManager>, Json(body): Json<Value>) -> Response {
    let username = body["username"].as_str().unwrap_or_default();
    if username != "test" || body["password"] != "test" {
        let body = Json(json!({ "msg": "Bad username or password" }));
        return (StatusCode::UNAUTHORIZED, body).into_response();
    }
    // `additional_claims` adds custom claims or overrides default ones in the JWT; a
    // `json!({…})` object works as well as a struct.
    let options = TokenOptions::new().additional_claims(LoginClaims {
        aud: "some_audience",
        foo: "bar",
    });
    match jwt.create_access_token_with(username.to_owned(), options) {
        Ok(access_token) => Json(json!({ "access_token": access_token })).into_response(),
        Err(e) => jwt.error_response(e),
    }
}

/// In a protected handler, `get_jwt()` gives the claims added to the token.
#[jwt_required]
async fn protected() -> Result<Json<Value>, NoJwtContext> {
    let claims = get_jwt()?;
    Ok(Json(json!({ "foo": claims.get("foo") })))
}

/// The same claims, typed.
async fn protected_typed(Jwt { claims, .. }: Jwt<PageClaims>) -> Json<Value> {
    Json(json!({
        "aud": claims.aud,
        "foo": claims.foo,
        "upcase_name": claims.upcase_name,
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
        "additional_data listening on http://{}",
        listener.local_addr().expect("an address")
    );
    axum::serve(listener, app(config(&secret)))
        .await
        .expect("serving");
}
