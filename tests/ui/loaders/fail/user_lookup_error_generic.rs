use axum::response::IntoResponse;
use axum_jwt_extended::{user_lookup_error_loader, Claims, JwtConfig, JwtHeader, JwtManager};

#[user_lookup_error_loader]
fn lookup_error<R: IntoResponse + Default>(_header: &JwtHeader, _claims: &Claims) -> R {
    R::default()
}

fn main() {
    let _ = JwtManager::builder(JwtConfig::with_secret(
        "a-very-long-secret-of-at-least-32-bytes!",
    ))
    .user_lookup_error_loader(lookup_error::<String>);
}
