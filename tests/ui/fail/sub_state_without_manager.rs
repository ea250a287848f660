use axum::extract::{FromRef, State};
use axum_jwt_extended::jwt_required;

#[derive(Clone)]
struct Db;

#[derive(Clone, FromRef)]
struct AppState {
    db: Db,
}

// `state = AppState` checks at the attribute that the router's state holds a manager.
#[jwt_required(state = AppState)]
async fn handler(State(_db): State<Db>) -> &'static str {
    "hello"
}

fn main() {}
