use axum::http::StatusCode;
use axum_jwt_extended::{needs_fresh_token_loader, Claims, JwtConfig, JwtHeader, JwtManager};

#[needs_fresh_token_loader]
fn needs_fresh(_claims: &Claims, _header: &JwtHeader) -> StatusCode {
    StatusCode::UNAUTHORIZED
}

fn main() {
    let _ = JwtManager::builder(JwtConfig::with_secret(
        "a-very-long-secret-of-at-least-32-bytes!",
    ))
    .needs_fresh_token_loader(needs_fresh);
}
