use axum_jwt_extended::{user_lookup_loader, Claims, JwtConfig, JwtManager};

// Every mistake is reported at once, each at its own token; registering adds nothing.
#[user_lookup_loader(krate = axum_jwt_extended, crate)]
unsafe fn lookup<U>(claims: Claims) {
    let _ = claims;
}

fn main() {
    let _ = JwtManager::builder(JwtConfig::with_secret(
        "a-very-long-secret-of-at-least-32-bytes!",
    ))
    .user_lookup_loader(lookup::<()>);
}
