use axum_jwt_extended::{encode_key_loader, JwtConfig, JwtManager, Key};

struct Tenant {
    secret: String,
}

#[encode_key_loader]
fn signing_key(tenant: Tenant) -> Key {
    Key::Secret(tenant.secret.into())
}

fn main() {
    let _ = JwtManager::builder(JwtConfig::with_secret(
        "a-very-long-secret-of-at-least-32-bytes!",
    ))
    .encode_key_loader(signing_key);
}
