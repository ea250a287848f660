use axum::routing::get;
use axum::Router;
use axum_jwt_extended::{jwt_required, JwtConfig, JwtManager};

// The handler is still emitted as written, so registering it causes no further errors.
#[jwt_required(fersh)]
async fn handler() -> &'static str {
    "hello"
}

fn main() {
    let jwt = JwtManager::new(JwtConfig::with_secret(
        "a-very-long-secret-of-at-least-32-bytes!",
    ))
    .unwrap();
    let _app: Router = Router::new().route("/", get(handler)).with_state(jwt);
}
