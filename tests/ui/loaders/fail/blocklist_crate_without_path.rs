use axum_jwt_extended::{token_in_blocklist_loader, Claims, JwtConfig, JwtHeader, JwtManager};

// A mistake in the options alone: the async function is still expanded, so registering it
// adds no second error.
#[token_in_blocklist_loader(crate)]
async fn is_revoked(_header: &JwtHeader, claims: &Claims) -> bool {
    claims.jti().is_none()
}

fn main() {
    let _ = JwtManager::builder(JwtConfig::with_secret(
        "a-very-long-secret-of-at-least-32-bytes!",
    ))
    .token_in_blocklist_loader(is_revoked);
}
