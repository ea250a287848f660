use axum::extract::FromRef;
use axum_jwt_extended::{jwt_required, JwtManager};

#[derive(Clone)]
struct AppState {
    jwt: JwtManager,
}

impl FromRef<AppState> for JwtManager {
    fn from_ref(s: &AppState) -> JwtManager {
        s.jwt.clone()
    }
}

#[jwt_required(state = "AppState")]
async fn handler() {}

fn main() {}
