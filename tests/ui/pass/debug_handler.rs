//! `#[axum::debug_handler]` below `#[jwt_required]` checks the rewritten handler.

use axum::extract::{FromRef, Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use axum_jwt_extended::{get_jwt_identity, jwt_required, JwtConfig, JwtManager, NoJwtContext};
use serde_json::{json, Value};

#[derive(Clone)]
struct AppState {
    jwt: JwtManager,
}

impl FromRef<AppState> for JwtManager {
    fn from_ref(s: &AppState) -> JwtManager {
        s.jwt.clone()
    }
}

#[jwt_required]
#[axum::debug_handler]
async fn inferred(State(_app): State<AppState>, Json(v): Json<Value>) -> Json<Value> {
    Json(v)
}

#[jwt_required]
#[axum::debug_handler(state = AppState)]
async fn no_state_param() -> Result<Json<Value>, NoJwtContext> {
    Ok(Json(json!({ "logged_in_as": get_jwt_identity()? })))
}

#[jwt_required(fresh, locations = ["headers", "json"])]
#[axum::debug_handler(state = AppState)]
async fn with_path(Path(id): Path<u32>, Json(v): Json<Value>) -> Json<Value> {
    Json(json!({ "id": id, "body": v }))
}

#[jwt_required]
#[axum::debug_handler]
async fn manager_state(State(jwt): State<JwtManager>) -> String {
    jwt.config().token_location.len().to_string()
}

fn main() {
    let jwt = JwtManager::new(JwtConfig::with_secret(
        "a-very-long-secret-of-at-least-32-bytes!",
    ))
    .expect("valid configuration");
    let _app: Router = Router::new()
        .route("/inferred", post(inferred))
        .route("/none", get(no_state_param))
        .route("/path/{id}", post(with_path))
        .with_state(AppState { jwt: jwt.clone() });
    let _other: Router = Router::new()
        .route("/m", get(manager_state))
        .with_state(jwt);
}
