//! A loader stays an ordinary function: callable (sync ones as written, async ones with owned
//! header and claims), usable as an associated function, with its attributes and docs kept.

use axum_jwt_extended::{
    token_in_blocklist_loader, token_verification_loader, unauthorized_loader,
    user_identity_loader, Claims, JwtConfig, JwtHeader, JwtManager,
};

struct Store;

impl Store {
    /// An associated function (no `self`) is registered by its path.
    #[token_in_blocklist_loader]
    fn is_revoked(_header: &JwtHeader, claims: &Claims) -> bool {
        claims.jti().is_none()
    }

    #[token_verification_loader]
    async fn verify(_header: &JwtHeader, claims: &Claims) -> bool {
        claims.get_str("sub").is_some()
    }
}

#[user_identity_loader]
#[allow(clippy::ptr_arg)]
fn identity(name: &String) -> String {
    name.clone()
}

#[unauthorized_loader]
#[must_use]
fn unauthorized(reason: &str) -> String {
    format!("unauthorized: {reason}")
}

async fn call_them() {
    let (header, claims) = (JwtHeader::default(), Claims::default());
    assert!(Store::is_revoked(&header, &claims));
    assert!(!Store::verify(header, claims).await);
    assert_eq!(identity(&"alice".to_owned()), "alice");
    assert_eq!(unauthorized("no token"), "unauthorized: no token");
}

fn main() {
    let _jwt = JwtManager::builder(JwtConfig::with_secret(
        "a-very-long-secret-of-at-least-32-bytes!",
    ))
    .token_in_blocklist_loader(Store::is_revoked)
    .token_verification_loader(Store::verify)
    .user_identity_loader(identity)
    .unauthorized_loader(unauthorized)
    .build()
    .unwrap();
    let _ = call_them();
}
