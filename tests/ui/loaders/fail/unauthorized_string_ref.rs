use axum_jwt_extended::{unauthorized_loader, JwtConfig, JwtManager};

#[unauthorized_loader]
fn unauthorized(reason: &String) -> String {
    format!("unauthorized: {reason}")
}

fn main() {
    let _ = JwtManager::builder(JwtConfig::with_secret(
        "a-very-long-secret-of-at-least-32-bytes!",
    ))
    .unauthorized_loader(unauthorized);
}
