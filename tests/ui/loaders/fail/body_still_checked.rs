use axum_jwt_extended::{token_verification_loader, Claims, JwtConfig, JwtManager};

// With a wrong signature the body is still type-checked (the function is kept, nested in
// the stub the attribute emits), so its own mistake is reported too; registering adds
// nothing.
#[token_verification_loader]
fn verify(claims: &Claims) -> bool {
    claims.get_str("sub").is_some() && claims.get_str("aud") == 42
}

fn main() {
    let _ = JwtManager::builder(JwtConfig::with_secret(
        "a-very-long-secret-of-at-least-32-bytes!",
    ))
    .token_verification_loader(verify);
}
