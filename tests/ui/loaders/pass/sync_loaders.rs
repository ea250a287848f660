//! All 15 loader attributes on plain functions, registered on one builder.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use axum_jwt_extended::{
    additional_claims_loader, additional_headers_loader, decode_key_loader, encode_key_loader,
    expired_token_loader, invalid_token_loader, needs_fresh_token_loader, revoked_token_loader,
    token_in_blocklist_loader, token_verification_failed_loader, token_verification_loader,
    unauthorized_loader, user_identity_loader, user_lookup_error_loader, user_lookup_loader,
    Claims, JwtConfig, JwtHeader, JwtManager, Key,
};
use serde_json::{json, Value};

struct User {
    id: u64,
    admin: bool,
}

#[user_identity_loader]
fn identity(user: &User) -> u64 {
    user.id
}

#[additional_claims_loader]
fn claims_of(user: &User) -> Value {
    json!({ "admin": user.admin })
}

#[additional_headers_loader]
fn headers_of(_user: &User) -> serde_json::Value {
    json!({ "kid": "key-1" })
}

#[encode_key_loader]
fn signing_key(_user: &User) -> Key {
    Key::Secret("a-very-long-secret-of-at-least-32-bytes!".into())
}

/// Paths are accepted as parameter types.
#[decode_key_loader]
fn verifying_key(
    _header: &axum_jwt_extended::JwtHeader,
    _claims: &axum_jwt_extended::Claims,
) -> axum_jwt_extended::Key {
    Key::Secret("a-very-long-secret-of-at-least-32-bytes!".into())
}

#[token_in_blocklist_loader]
fn is_revoked(_header: &JwtHeader, claims: &Claims) -> bool {
    claims.jti() == Some("revoked")
}

#[token_verification_loader]
pub fn verify(_: &JwtHeader, claims: &Claims) -> Result<bool, std::io::Error> {
    Ok(claims.get_str("sub").is_some())
}

#[user_lookup_loader]
fn lookup(_header: &JwtHeader, claims: &Claims) -> Option<User> {
    claims.get_str("sub").map(|_| User {
        id: 1,
        admin: false,
    })
}

#[expired_token_loader]
fn expired(_header: &JwtHeader, _claims: &Claims) -> impl IntoResponse {
    (StatusCode::UNAUTHORIZED, Json(json!({ "msg": "expired" })))
}

#[invalid_token_loader]
fn invalid(reason: &str) -> (StatusCode, String) {
    (StatusCode::UNPROCESSABLE_ENTITY, reason.to_owned())
}

#[unauthorized_loader]
fn unauthorized(reason: &str) -> Response {
    (StatusCode::UNAUTHORIZED, reason.to_owned()).into_response()
}

#[needs_fresh_token_loader]
fn needs_fresh(_header: &JwtHeader, _claims: &Claims) -> StatusCode {
    StatusCode::UNAUTHORIZED
}

#[revoked_token_loader]
fn revoked(header: &JwtHeader, _claims: &Claims) -> Json<Value> {
    Json(json!({ "revoked_kid": header.kid() }))
}

#[token_verification_failed_loader]
fn verification_failed(_header: &JwtHeader, _claims: &Claims) -> &'static str {
    "verification failed"
}

#[user_lookup_error_loader]
fn lookup_error(_header: &JwtHeader, claims: &Claims) -> impl IntoResponse {
    format!("no user {:?}", claims.get_str("sub"))
}

fn main() {
    let _jwt: JwtManager = JwtManager::builder(JwtConfig::with_secret(
        "a-very-long-secret-of-at-least-32-bytes!",
    ))
    .user_identity_loader(identity)
    .additional_claims_loader(claims_of)
    .additional_headers_loader(headers_of)
    .encode_key_loader(signing_key)
    .decode_key_loader(verifying_key)
    .token_in_blocklist_loader(is_revoked)
    .token_verification_loader(verify)
    .user_lookup_loader(lookup)
    .expired_token_loader(expired)
    .invalid_token_loader(invalid)
    .unauthorized_loader(unauthorized)
    .needs_fresh_token_loader(needs_fresh)
    .revoked_token_loader(revoked)
    .token_verification_failed_loader(verification_failed)
    .user_lookup_error_loader(lookup_error)
    .build()
    .unwrap();
}
