use axum::extract::FromRef;
use axum_jwt_extended::{jwt_required, Claims, JwtManager};

#[derive(Clone)]
struct AppState {
    jwt: JwtManager,
    admins: Vec<String>,
}

impl FromRef<AppState> for JwtManager {
    fn from_ref(s: &AppState) -> JwtManager {
        s.jwt.clone()
    }
}

impl FromRef<AppState> for Vec<String> {
    fn from_ref(s: &AppState) -> Vec<String> {
        s.admins.clone()
    }
}

fn listed(claims: &Claims, admins: &Vec<String>) -> bool {
    claims.get_str("sub").is_some_and(|s| admins.iter().any(|a| a == s))
}

#[jwt_required(check = listed)]
async fn handler() {}

fn main() {}
