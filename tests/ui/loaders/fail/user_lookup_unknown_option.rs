use axum_jwt_extended::{user_lookup_loader, Claims, JwtConfig, JwtHeader, JwtManager};

// The function is valid, so registering it causes no further errors.
#[user_lookup_loader(foo)]
fn lookup(_header: &JwtHeader, claims: &Claims) -> Option<String> {
    claims.get_str("sub").map(str::to_owned)
}

fn main() {
    let _ = JwtManager::builder(JwtConfig::with_secret(
        "a-very-long-secret-of-at-least-32-bytes!",
    ))
    .user_lookup_loader(lookup);
}
