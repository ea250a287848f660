use axum_jwt_extended::{user_lookup_error_loader, Claims, JwtConfig, JwtHeader, JwtManager};

struct ErrorPage {
    message: String,
}

#[user_lookup_error_loader]
fn lookup_error(_header: &JwtHeader, claims: &Claims) -> ErrorPage {
    ErrorPage {
        message: format!("no user {:?}", claims.get_str("sub")),
    }
}

fn main() {
    let _ = JwtManager::builder(JwtConfig::with_secret(
        "a-very-long-secret-of-at-least-32-bytes!",
    ))
    .user_lookup_error_loader(lookup_error);
}
