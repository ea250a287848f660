use axum_jwt_extended::{decode_key_loader, Claims, JwtConfig, JwtHeader, JwtManager, Key};

#[decode_key_loader]
async fn verifying_key(_header: &JwtHeader, _claims: &Claims) -> Key {
    Key::Secret("a-very-long-secret-of-at-least-32-bytes!".into())
}

fn main() {
    let _ = JwtManager::builder(JwtConfig::with_secret(
        "a-very-long-secret-of-at-least-32-bytes!",
    ))
    .decode_key_loader(verifying_key);
}
