//! The loader attributes take the right types under any spelling: renamed imports, type
//! aliases, full paths. Each is registered on a builder, so the registration type-checks too.

use axum::http::StatusCode;
use axum_jwt_extended::{
    expired_token_loader, token_in_blocklist_loader, token_verification_loader,
    unauthorized_loader, user_identity_loader, user_lookup_loader, Claims as Payload,
    JwtConfig, JwtHeader as Hdr, JwtManager,
};

type MyClaims = axum_jwt_extended::Claims;
type Message<'a> = &'a str;

struct User {
    name: String,
}

#[token_in_blocklist_loader]
fn is_revoked(_h: &Hdr, c: &Payload) -> bool {
    c.jti() == Some("x")
}

#[token_verification_loader]
async fn verify(_: &::axum_jwt_extended::JwtHeader, claims: &MyClaims) -> bool {
    claims.get_str("sub").is_some()
}

#[user_lookup_loader]
async fn lookup(
    _header: &axum_jwt_extended::JwtHeader,
    claims: &axum_jwt_extended::Claims,
) -> Option<User> {
    let name = claims.get_str("sub")?.to_owned();
    Some(User { name })
}

#[expired_token_loader]
fn expired(header: &Hdr, _claims: &MyClaims) -> (StatusCode, String) {
    (StatusCode::UNAUTHORIZED, format!("expired {:?}", header.kid()))
}

#[unauthorized_loader]
fn unauthorized(reason: Message<'_>) -> String {
    reason.to_owned()
}

#[user_identity_loader]
fn identity(user: &User) -> String {
    user.name.clone()
}

fn main() {
    let _jwt: JwtManager = JwtManager::builder(JwtConfig::with_secret(
        "a-very-long-secret-of-at-least-32-bytes!",
    ))
    .token_in_blocklist_loader(is_revoked)
    .token_verification_loader(verify)
    .user_lookup_loader(lookup)
    .expired_token_loader(expired)
    .unauthorized_loader(unauthorized)
    .user_identity_loader(identity)
    .build()
    .unwrap();
}
