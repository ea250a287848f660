//! Claims checks in every accepted shape, through full paths and with a router state.
use axum::extract::FromRef;
use axum::routing::get;
use axum::Router;
use axum_jwt_extended::{jwt_required, Claims, JwtConfig, JwtManager};

#[derive(Clone)]
struct AppState {
    jwt: JwtManager,
    admins: Admins,
}

#[derive(Clone)]
struct Admins(Vec<String>);

impl FromRef<AppState> for JwtManager {
    fn from_ref(s: &AppState) -> JwtManager {
        s.jwt.clone()
    }
}

impl FromRef<AppState> for Admins {
    fn from_ref(s: &AppState) -> Admins {
        s.admins.clone()
    }
}

mod checks {
    use axum_jwt_extended::Claims;

    pub fn is_admin(claims: &Claims) -> bool {
        claims.get_str("sub") == Some("admin")
    }
}

async fn async_check(claims: Claims) -> Result<(), String> {
    claims.get_str("sub").map(|_| ()).ok_or_else(|| "no subject".to_owned())
}

fn listed(claims: &Claims, admins: &Admins) -> bool {
    claims.get_str("sub").is_some_and(|s| admins.0.iter().any(|a| a == s))
}

#[jwt_required(check = checks::is_admin)]
async fn by_path() {}

#[jwt_required(check = async_check, fresh)]
async fn by_async() -> &'static str {
    "ok"
}

#[jwt_required(check = listed, state = AppState)]
async fn with_state(axum::extract::State(_s): axum::extract::State<AppState>) {}

#[jwt_required(check = |c: &Claims| c.jti().is_some())]
async fn by_closure(body: String) -> String {
    body
}

#[jwt_required(check = crate::checks::is_admin)]
pub async fn public_handler() {}

fn main() {
    let jwt = JwtManager::new(JwtConfig::with_secret("a-very-long-secret-of-at-least-32-bytes!"))
        .unwrap();
    let _app: Router = Router::new()
        .route("/a", get(by_path))
        .route("/b", get(by_async))
        .route("/c", get(with_state))
        .route("/d", get(by_closure))
        .route("/e", get(public_handler))
        .with_state(AppState {
            jwt,
            admins: Admins(vec![]),
        });
}
