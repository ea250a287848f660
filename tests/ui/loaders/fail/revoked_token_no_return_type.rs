use axum_jwt_extended::{revoked_token_loader, Claims, JwtConfig, JwtHeader, JwtManager};

#[revoked_token_loader]
fn revoked(_header: &JwtHeader, _claims: &Claims) {}

fn main() {
    let _ = JwtManager::builder(JwtConfig::with_secret(
        "a-very-long-secret-of-at-least-32-bytes!",
    ))
    .revoked_token_loader(revoked);
}
