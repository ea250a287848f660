//! flask-jwt-extended's "JWT Locations" page
//! (<https://flask-jwt-extended.readthedocs.io/en/stable/token_locations.html>), in axum.
//!
//! `JwtConfig::token_location` (`JWT_TOKEN_LOCATION`) says where tokens are looked for, in
//! order: the `Authorization` header, cookies, the JSON body, the query string.
//! `#[jwt_required(locations = …)]` narrows it for one route.
//!
//! A token in a cookie is only accepted with its CSRF double submit value: the login sets the
//! `access_token_cookie` (HTTP-only) and the `csrf_access_token` cookie (readable by your
//! JavaScript), and a `POST`, `PUT`, `PATCH` or `DELETE` must send the latter's value in the
//! `X-CSRF-TOKEN` header. Tokens in the query string end up in logs and browser histories:
//! avoid them but for one-off links.
//!
//! ```text
//! cargo run --example locations            # EXAMPLE_ADDR=127.0.0.1:5000 by default
//!
//! ACCESS=$(curl -s -X POST localhost:5000/login_without_cookies | jq -r .access_token)
//! curl -s -X POST localhost:5000/protected -H "Authorization: Bearer $ACCESS"   # headers
//! # {"foo":"bar"}
//! curl -s -X POST "localhost:5000/protected?jwt=$ACCESS"                        # query string
//! # {"foo":"bar"}
//! curl -s -X POST localhost:5000/protected -H 'Content-Type: application/json' \
//!      -d "{\"access_token\":\"$ACCESS\"}"                                       # JSON body
//! # {"foo":"bar"}
//!
//! curl -s -c jar.txt -X POST localhost:5000/login_with_cookies                  # cookies
//! # {"msg":"login successful"}
//! CSRF=$(awk '$6=="csrf_access_token"{print $7}' jar.txt)
//! curl -s -b jar.txt -X POST localhost:5000/protected -H "X-CSRF-TOKEN: $CSRF"
//! # {"foo":"bar"}
//! curl -s -b jar.txt -X POST localhost:5000/protected
//! # {"msg":"Missing CSRF token"}   (401)
//! curl -s -b jar.txt localhost:5000/only_headers
//! # {"msg":"Missing Authorization Header"}   (401)
//! ```
//!
//! Tested by `tests/examples.rs` (`locations_*`).

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use axum_jwt_extended::{
    jwt_required, set_access_cookies, unset_jwt_cookies, CookieOptions, JwtConfig, JwtManager,
    Location,
};
use serde_json::{json, Value};

/// The configuration: every location (by default, only the headers).
pub fn config(secret: &str) -> JwtConfig {
    let mut config = JwtConfig::with_secret(secret);
    config.token_location = vec![
        Location::Headers,
        Location::Cookies,
        Location::Json,
        Location::QueryString,
    ];
    // Cookies only over HTTPS: set this to true in production.
    config.cookie_secure = false;
    config
}

/// The routes of the page.
pub fn app(config: JwtConfig) -> Router {
    let jwt = JwtManager::new(config).expect("a valid configuration");
    Router::new()
        .route("/login_without_cookies", post(login_without_cookies))
        .route("/login_with_cookies", post(login_with_cookies))
        .route("/logout_with_cookies", post(logout_with_cookies))
        .route("/protected", get(protected).post(protected))
        .route("/only_headers", get(only_headers))
        .with_state(jwt)
}

async fn login_without_cookies(State(jwt): State<JwtManager>) -> Response {
    match jwt.create_access_token("example_user") {
        Ok(access_token) => Json(json!({ "access_token": access_token })).into_response(),
        Err(e) => jwt.error_response(e),
    }
}

async fn login_with_cookies(State(jwt): State<JwtManager>) -> Response {
    let cookies = jwt
        .create_access_token("example_user")
        .and_then(|access| set_access_cookies(&jwt, &access, CookieOptions::default()));
    match cookies {
        Ok(cookies) => (cookies, Json(json!({ "msg": "login successful" }))).into_response(),
        Err(e) => jwt.error_response(e),
    }
}

async fn logout_with_cookies(State(jwt): State<JwtManager>) -> Response {
    let body = Json(json!({ "msg": "logout successful" }));
    (unset_jwt_cookies(&jwt, None), body).into_response()
}

/// Any configured location.
#[jwt_required]
async fn protected() -> Json<Value> {
    Json(json!({ "foo": "bar" }))
}

/// Only the `Authorization` header, whatever the configuration says.
#[jwt_required(locations = "headers")]
async fn only_headers() -> Json<Value> {
    Json(json!({ "foo": "baz" }))
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
        "locations listening on http://{}",
        listener.local_addr().expect("an address")
    );
    axum::serve(listener, app(config(&secret)))
        .await
        .expect("serving");
}
