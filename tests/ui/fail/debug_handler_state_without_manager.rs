use axum::extract::State;
use axum_jwt_extended::jwt_required;

#[derive(Clone)]
struct AppState {
    db: String,
}

// `#[axum::debug_handler]` below the attribute checks each extractor against the state.
#[jwt_required]
#[axum::debug_handler]
async fn handler(State(state): State<AppState>) -> String {
    state.db
}

fn main() {}
