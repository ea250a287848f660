use axum_jwt_extended::{token_in_blocklist_loader, Claims, JwtConfig, JwtHeader, JwtManager};

#[derive(Debug)]
struct StoreDown;

// The error of a Result must be Display (it becomes the 503's message).
#[token_in_blocklist_loader]
async fn is_revoked(_header: &JwtHeader, claims: &Claims) -> Result<bool, StoreDown> {
    Ok(claims.jti().is_none())
}

fn main() {
    let _ = JwtManager::builder(JwtConfig::with_secret(
        "a-very-long-secret-of-at-least-32-bytes!",
    ))
    .token_in_blocklist_loader(is_revoked);
}
