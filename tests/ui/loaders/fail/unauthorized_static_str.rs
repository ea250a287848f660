use axum_jwt_extended::{unauthorized_loader, JwtConfig, JwtManager};

// The message is borrowed for the call only; `'static` would make registering fail with
// "implementation of `Fn` is not general enough".
#[unauthorized_loader]
fn unauthorized(reason: &'static str) -> &'static str {
    reason
}

fn main() {
    let _ = JwtManager::builder(JwtConfig::with_secret(
        "a-very-long-secret-of-at-least-32-bytes!",
    ))
    .unauthorized_loader(unauthorized);
}
