use axum_jwt_extended::{token_verification_loader, Claims as Payload, JwtConfig, JwtManager};

// The types are checked by the compiler, whatever they are called: the payload where the
// header goes is reported at the alias, as what it is (`&Claims`).
#[token_verification_loader]
fn verify(_header: &Payload, claims: &Payload) -> bool {
    claims.get_str("sub").is_some()
}

fn main() {
    let _ = JwtManager::builder(JwtConfig::with_secret(
        "a-very-long-secret-of-at-least-32-bytes!",
    ))
    .token_verification_loader(verify);
}
