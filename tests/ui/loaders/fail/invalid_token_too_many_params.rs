use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum_jwt_extended::{invalid_token_loader, JwtConfig, JwtManager};

#[invalid_token_loader]
fn invalid(reason: &str, status: StatusCode) -> impl IntoResponse {
    (status, reason.to_owned())
}

fn main() {
    let _ = JwtManager::builder(JwtConfig::with_secret(
        "a-very-long-secret-of-at-least-32-bytes!",
    ))
    .invalid_token_loader(invalid);
}
