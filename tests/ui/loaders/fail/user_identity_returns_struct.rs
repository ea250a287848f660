use axum_jwt_extended::{user_identity_loader, JwtConfig, JwtManager};

struct User {
    id: u64,
}

struct UserId(u64);

// The identity claim must be JSON: anything Into<serde_json::Value>.
#[user_identity_loader]
fn identity(user: &User) -> UserId {
    UserId(user.id)
}

fn main() {
    let _ = JwtManager::builder(JwtConfig::with_secret(
        "a-very-long-secret-of-at-least-32-bytes!",
    ))
    .user_identity_loader(identity);
}
