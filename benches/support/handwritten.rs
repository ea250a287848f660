//! The baseline of the benchmarks: a hand-written axum extractor calling
//! `jsonwebtoken::decode`, as an axum user would write one without this crate. Shared by
//! `benches/protected.rs` and `examples/bench_server.rs` (included with `#[path]`).
#![allow(dead_code)]

use std::sync::LazyLock;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

/// The HMAC secret every benchmark uses.
pub const SECRET: &str = "benchmark-secret-0123456789-abcdefghijklmnop";

#[derive(Deserialize)]
#[allow(dead_code)]
struct FlaskClaims {
    sub: String,
    #[serde(rename = "type")]
    token_type: String,
    fresh: Value,
    jti: String,
    csrf: Option<String>,
    iat: u64,
    exp: u64,
    nbf: u64,
}

static KEY: LazyLock<jsonwebtoken::DecodingKey> = LazyLock::new(|| {
    jsonwebtoken::DecodingKey::from_secret(SECRET.as_bytes()).expect("a non-empty secret")
});
static VALIDATION: LazyLock<jsonwebtoken::Validation> = LazyLock::new(|| {
    let mut v = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::HS256);
    v.leeway = 0;
    v.validate_nbf = true;
    v
});

pub struct HandWritten(FlaskClaims);

impl<S: Send + Sync> FromRequestParts<S> for HandWritten {
    type Rejection = (StatusCode, Json<Value>);

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or_else(|| {
                (
                    StatusCode::UNAUTHORIZED,
                    Json(json!({"msg": "Missing Authorization Header"})),
                )
            })?;
        let data = jsonwebtoken::decode::<FlaskClaims>(token, &KEY, &VALIDATION).map_err(|e| {
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                Json(json!({"msg": e.to_string()})),
            )
        })?;
        if data.claims.token_type == "refresh" {
            return Err((
                StatusCode::UNPROCESSABLE_ENTITY,
                Json(json!({"msg": "Only non-refresh tokens are allowed"})),
            ));
        }
        Ok(HandWritten(data.claims))
    }
}

pub async fn hand_written(HandWritten(claims): HandWritten) -> Json<Value> {
    Json(json!({ "logged_in_as": claims.sub }))
}
