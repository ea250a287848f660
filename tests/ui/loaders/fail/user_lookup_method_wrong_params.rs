use std::sync::Arc;

use axum_jwt_extended::{user_lookup_loader, Claims, JwtConfig, JwtHeader, JwtManager};

struct Users;

impl Users {
    // Two mistakes: `self`, and the missing header. The method keeps `self` and gets the
    // right parameters, so the closure below adds no third error.
    #[user_lookup_loader]
    async fn find(&self, claims: &Claims) -> Option<String> {
        claims.get_str("sub").map(str::to_owned)
    }
}

fn main() {
    let users = Arc::new(Users);
    let _ = JwtManager::builder(JwtConfig::with_secret(
        "a-very-long-secret-of-at-least-32-bytes!",
    ))
    .user_lookup_loader(move |header: &JwtHeader, claims: &Claims| users.find(header, claims));
}
