//! A custom router state that hands out the manager through `FromRef`.

use std::sync::Arc;

use axum::extract::{FromRef, Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use axum_jwt_extended::{get_jwt_identity, jwt_required, JwtConfig, JwtManager, NoJwtContext};
use serde_json::{json, Value};

#[derive(Clone)]
struct AppState {
    jwt: JwtManager,
    db: Arc<Vec<String>>,
}

impl FromRef<AppState> for JwtManager {
    fn from_ref(s: &AppState) -> JwtManager {
        s.jwt.clone()
    }
}

#[jwt_required]
async fn inferred(State(app): State<AppState>) -> String {
    app.db.join(",")
}

#[jwt_required(state = AppState)]
async fn explicit() -> Result<Json<Value>, NoJwtContext> {
    Ok(Json(json!({ "logged_in_as": get_jwt_identity()? })))
}

#[jwt_required(state = AppState, fresh)]
async fn explicit_with_extractors(
    State(app): State<AppState>,
    Path(i): Path<usize>,
    Json(v): Json<Value>,
) -> Json<Value> {
    Json(json!({ "name": app.db.get(i), "body": v }))
}

// A sub-state extracted with `State`, the manager coming from the router's state.
#[jwt_required(state = AppState)]
async fn substate(State(jwt): State<JwtManager>) -> String {
    jwt.config().token_location.len().to_string()
}

fn main() {
    let jwt = JwtManager::new(JwtConfig::with_secret(
        "a-very-long-secret-of-at-least-32-bytes!",
    ))
    .expect("valid configuration");
    let state = AppState {
        jwt,
        db: Arc::new(vec!["a".into()]),
    };
    let _app: Router = Router::new()
        .route("/inferred", get(inferred))
        .route("/explicit", get(explicit))
        .route("/extractors/{i}", post(explicit_with_extractors))
        .route("/substate", get(substate))
        .with_state(state);
}
