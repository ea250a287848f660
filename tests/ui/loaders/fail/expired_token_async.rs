use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum_jwt_extended::{expired_token_loader, Claims, JwtConfig, JwtHeader, JwtManager};

#[expired_token_loader]
async fn expired(_header: &JwtHeader, _claims: &Claims) -> impl IntoResponse {
    (StatusCode::UNAUTHORIZED, "expired")
}

fn main() {
    let _ = JwtManager::builder(JwtConfig::with_secret(
        "a-very-long-secret-of-at-least-32-bytes!",
    ))
    .expired_token_loader(expired);
}
