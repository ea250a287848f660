use std::collections::HashSet;
use std::sync::Arc;

use axum_jwt_extended::{token_in_blocklist_loader, Claims, JwtConfig, JwtHeader, JwtManager};

struct Store {
    revoked: HashSet<String>,
}

impl Store {
    #[token_in_blocklist_loader]
    fn is_revoked(&self, _header: &JwtHeader, claims: &Claims) -> bool {
        claims.jti().is_some_and(|jti| self.revoked.contains(jti))
    }
}

// The method is kept as written, so calling it from a closure adds no second error.
fn main() {
    let store = Arc::new(Store {
        revoked: HashSet::new(),
    });
    let _ = JwtManager::builder(JwtConfig::with_secret(
        "a-very-long-secret-of-at-least-32-bytes!",
    ))
    .token_in_blocklist_loader(move |header: &JwtHeader, claims: &Claims| {
        store.is_revoked(header, claims)
    });
}
