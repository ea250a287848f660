use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum_jwt_extended::{unauthorized_loader, JwtConfig, JwtManager};

#[unauthorized_loader]
fn unauthorized() -> impl IntoResponse {
    StatusCode::FORBIDDEN
}

fn main() {
    let _ = JwtManager::builder(JwtConfig::with_secret(
        "a-very-long-secret-of-at-least-32-bytes!",
    ))
    .unauthorized_loader(unauthorized);
}
