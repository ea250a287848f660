use axum::extract::State;
use axum::routing::get;
use axum::Router;
use axum_jwt_extended::jwt_required;

#[derive(Clone)]
struct AppState {
    db: String,
}

#[jwt_required]
async fn handler(State(state): State<AppState>) -> String {
    state.db
}

fn main() {
    let state = AppState { db: String::new() };
    let _app: Router = Router::new().route("/", get(handler)).with_state(state);
}
