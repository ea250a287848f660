//! The loaders that may be async: plain values and `Result`s, borrowed parameters used across
//! `.await`, registered on a builder.

use std::fmt;

use axum_jwt_extended::{
    token_in_blocklist_loader, token_verification_loader, user_lookup_loader, Claims, JwtConfig,
    JwtHeader, JwtManager,
};

#[derive(Debug)]
struct DbError;

impl fmt::Display for DbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("database unavailable")
    }
}

struct User {
    name: String,
}

async fn query(jti: &str) -> Result<bool, DbError> {
    Ok(jti == "revoked")
}

#[token_in_blocklist_loader]
async fn is_revoked(_header: &JwtHeader, claims: &Claims) -> Result<bool, DbError> {
    let jti = claims.jti().unwrap_or_default();
    query(jti).await
}

#[token_verification_loader]
pub(crate) async fn verify(header: &JwtHeader, claims: &axum_jwt_extended::Claims) -> bool {
    tokio::task::yield_now().await;
    header.alg().is_some() && claims.get_str("sub").is_some()
}

#[user_lookup_loader]
async fn lookup(_: &JwtHeader, claims: &Claims) -> Result<Option<User>, DbError> {
    let name = claims.get_str("sub").map(str::to_owned);
    tokio::task::yield_now().await;
    Ok(name.map(|name| User { name }))
}

/// A second lookup returning `Option<User>` directly.
#[user_lookup_loader]
async fn lookup_plain(_header: &JwtHeader, claims: &Claims) -> Option<User> {
    let user = lookup(JwtHeader::default(), claims.clone()).await.ok()??;
    Some(User { name: user.name })
}

fn main() {
    let config = || JwtConfig::with_secret("a-very-long-secret-of-at-least-32-bytes!");
    let _a: JwtManager = JwtManager::builder(config())
        .token_in_blocklist_loader(is_revoked)
        .token_verification_loader(verify)
        .user_lookup_loader(lookup)
        .build()
        .unwrap();
    let _b: JwtManager = JwtManager::builder(config())
        .user_lookup_loader(lookup_plain)
        .build()
        .unwrap();
}
