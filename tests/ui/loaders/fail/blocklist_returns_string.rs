use axum_jwt_extended::{token_in_blocklist_loader, Claims, JwtConfig, JwtHeader, JwtManager};

#[token_in_blocklist_loader]
fn is_revoked(_header: &JwtHeader, claims: &Claims) -> String {
    claims.get_str("jti").unwrap_or_default().to_owned()
}

fn main() {
    let _ = JwtManager::builder(JwtConfig::with_secret(
        "a-very-long-secret-of-at-least-32-bytes!",
    ))
    .token_in_blocklist_loader(is_revoked);
}
