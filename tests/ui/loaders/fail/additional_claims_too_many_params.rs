use axum_jwt_extended::{additional_claims_loader, Claims, JwtConfig, JwtManager};
use serde_json::{json, Value};

struct User {
    admin: bool,
}

// The identity loaders get only the identity passed to create_access_token.
#[additional_claims_loader]
fn claims_of(user: &User, _claims: &Claims) -> Value {
    json!({ "admin": user.admin })
}

fn main() {
    let _ = JwtManager::builder(JwtConfig::with_secret(
        "a-very-long-secret-of-at-least-32-bytes!",
    ))
    .additional_claims_loader(claims_of);
}
