use axum::extract::State;
use axum_jwt_extended::jwt_required;

#[derive(Clone)]
struct AppState {
    db: String,
}

#[jwt_required]
async fn handler(State(state): State<AppState>) -> String {
    state.db
}

fn main() {}
