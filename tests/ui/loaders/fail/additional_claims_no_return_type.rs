use axum_jwt_extended::{additional_claims_loader, JwtConfig, JwtManager};
use serde_json::json;

struct User {
    admin: bool,
}

#[additional_claims_loader]
fn claims_of(user: &User) {
    let _ = json!({ "admin": user.admin });
}

fn main() {
    let _ = JwtManager::builder(JwtConfig::with_secret(
        "a-very-long-secret-of-at-least-32-bytes!",
    ))
    .additional_claims_loader(claims_of);
}
