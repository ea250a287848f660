use axum_jwt_extended::{additional_headers_loader, JwtConfig, JwtManager};
use serde_json::{json, Value};

#[additional_headers_loader]
async fn headers_of(user: &String) -> Value {
    json!({ "kid": user })
}

fn main() {
    let _ = JwtManager::builder(JwtConfig::with_secret(
        "a-very-long-secret-of-at-least-32-bytes!",
    ))
    .additional_headers_loader(headers_of);
}
