use std::fmt::Display;

use axum_jwt_extended::{user_identity_loader, JwtConfig, JwtManager};

#[user_identity_loader]
fn identity<T: Display>(user: &T) -> String {
    user.to_string()
}

fn main() {
    let _ = JwtManager::builder(JwtConfig::with_secret(
        "a-very-long-secret-of-at-least-32-bytes!",
    ))
    .user_identity_loader(identity::<u64>);
}
