use axum::routing::{get, post};
use axum::{Json, Router};
use axum_jwt_extended::{jwt_required, JwtManager};
use serde_json::Value;

#[jwt_required(max_auth_age = 300)]
async fn change_password() -> &'static str {
    "changed"
}

#[jwt_required(fresh, max_auth_age = 60, locations = "headers")]
async fn with_body(Json(body): Json<Value>) -> Json<Value> {
    Json(body)
}

fn main() {
    let jwt = JwtManager::new(axum_jwt_extended::JwtConfig::with_secret(
        "a-very-long-secret-of-at-least-32-bytes!",
    ))
    .unwrap();
    let _app: Router = Router::new()
        .route("/password", post(change_password))
        .route("/echo", post(with_body))
        .route("/open", get(|| async { "ok" }))
        .with_state(jwt);
}
