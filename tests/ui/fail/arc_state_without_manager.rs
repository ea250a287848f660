use std::sync::Arc;

use axum::extract::State;
use axum_jwt_extended::jwt_required;

#[derive(Clone)]
struct AppState {
    db: String,
}

#[jwt_required(state = Arc<AppState>)]
async fn handler(State(app): State<Arc<AppState>>) -> String {
    app.db.clone()
}

fn main() {}
