use axum_jwt_extended::{user_lookup_loader, Claims, JwtConfig, JwtHeader, JwtManager};

struct User {
    name: String,
}

#[user_lookup_loader]
async fn lookup(_header: &JwtHeader, claims: Claims) -> Option<User> {
    claims.get_str("sub").map(|name| User {
        name: name.to_owned(),
    })
}

fn main() {
    let _ = JwtManager::builder(JwtConfig::with_secret(
        "a-very-long-secret-of-at-least-32-bytes!",
    ))
    .user_lookup_loader(lookup);
}
