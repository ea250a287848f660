use axum::routing::get;
use axum::Router;
use axum_jwt_extended::{jwt_required, JwtConfig, JwtManager};

fn is_admin(role: &str) -> bool {
    role == "admin"
}

#[jwt_required(check = is_admin)]
async fn handler() {}

fn main() {
    let jwt = JwtManager::new(JwtConfig::with_secret("a-very-long-secret-of-at-least-32-bytes!"))
        .unwrap();
    let _app: Router = Router::new().route("/", get(handler)).with_state(jwt);
}
