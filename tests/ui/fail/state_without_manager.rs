use axum::Router;
use axum_jwt_extended::jwt_required;

#[derive(Clone)]
struct AppState {
    db: String,
}

#[jwt_required(state = AppState)]
async fn handler() -> &'static str {
    "hello"
}

fn main() {
    let _app: Router<AppState> = Router::new();
}
