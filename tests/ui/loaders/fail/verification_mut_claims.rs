use axum_jwt_extended::{token_verification_loader, Claims, JwtConfig, JwtHeader, JwtManager};

#[token_verification_loader]
fn verify(_header: &JwtHeader, claims: &mut Claims) -> bool {
    claims.get_str("sub").is_some()
}

fn main() {
    let _ = JwtManager::builder(JwtConfig::with_secret(
        "a-very-long-secret-of-at-least-32-bytes!",
    ))
    .token_verification_loader(verify);
}
