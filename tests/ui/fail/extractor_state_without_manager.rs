use axum::extract::FromRequestParts;
use axum_jwt_extended::Jwt;

#[derive(Clone)]
struct AppState {
    db: String,
}

// What `#[axum::debug_handler]` checks for each extractor: the claims extractors ask the
// router's state for a manager.
fn needs_parts<T: FromRequestParts<S>, S>() {}

fn main() {
    needs_parts::<Jwt, AppState>();
}
