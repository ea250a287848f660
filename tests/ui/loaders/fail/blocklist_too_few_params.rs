use axum_jwt_extended::{token_in_blocklist_loader, Claims, JwtConfig, JwtManager};

// Flask passes (jwt_header, jwt_payload); the header is missing. Registering the function
// must not add a second error.
#[token_in_blocklist_loader]
fn is_revoked(claims: &Claims) -> bool {
    claims.get_str("jti") == Some("revoked")
}

fn main() {
    let _ = JwtManager::builder(JwtConfig::with_secret(
        "a-very-long-secret-of-at-least-32-bytes!",
    ))
    .token_in_blocklist_loader(is_revoked);
}
