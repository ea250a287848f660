use std::rc::Rc;

use axum_jwt_extended::{token_in_blocklist_loader, Claims, JwtConfig, JwtHeader, JwtManager};

async fn store_lookup(_jti: &str) -> bool {
    false
}

// An async loader's future must be Send: an Rc held across an await is not.
#[token_in_blocklist_loader]
async fn is_revoked(_header: &JwtHeader, claims: &Claims) -> bool {
    let jti = Rc::new(claims.jti().unwrap_or_default().to_owned());
    store_lookup(&jti).await
}

fn main() {
    let _ = JwtManager::builder(JwtConfig::with_secret(
        "a-very-long-secret-of-at-least-32-bytes!",
    ))
    .token_in_blocklist_loader(is_revoked);
}
