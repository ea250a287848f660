//! Every option of `#[jwt_required]`.

use axum::routing::get;
use axum::Router;
use axum_jwt_extended::{jwt_required, JwtConfig, JwtManager};

#[jwt_required(optional)]
async fn optional() {}

#[jwt_required(optional = false)]
async fn not_optional() {}

#[jwt_required(fresh)]
async fn fresh() {}

#[jwt_required(fresh = true)]
async fn fresh_true() {}

#[jwt_required(refresh)]
async fn refresh() {}

#[jwt_required(fresh = false, refresh)]
async fn not_fresh_refresh() {}

#[jwt_required(verify_type = false)]
async fn no_verify_type() {}

#[jwt_required(verify_type = true)]
async fn verify_type() {}

#[jwt_required(skip_revocation_check)]
async fn skip_revocation_check() {}

#[jwt_required(locations = "cookies")]
async fn cookies() {}

#[jwt_required(locations = ["cookies", "headers"])]
async fn cookies_headers() {}

#[jwt_required(locations = ["headers", "cookies", "query_string", "json"])]
async fn all_locations(axum::Json(v): axum::Json<serde_json::Value>) -> String {
    v.to_string()
}

#[jwt_required(locations = "json")]
async fn json_no_params() {}

#[jwt_required(
    optional,
    fresh,
    verify_type = false,
    skip_revocation_check,
    locations = ["query_string"],
    state = JwtManager,
    crate = axum_jwt_extended,
)]
async fn everything() {}

#[jwt_required(crate = "axum_jwt_extended")]
async fn crate_as_string() {}

#[jwt_required(crate = ::axum_jwt_extended)]
async fn crate_absolute_path() {}

fn main() {
    let jwt = JwtManager::new(JwtConfig::with_secret(
        "a-very-long-secret-of-at-least-32-bytes!",
    ))
    .expect("valid configuration");
    let _app: Router = Router::new()
        .route("/a", get(optional))
        .route("/b", get(not_optional))
        .route("/c", get(fresh))
        .route("/d", get(fresh_true))
        .route("/e", get(refresh))
        .route("/f", get(not_fresh_refresh))
        .route("/g", get(no_verify_type))
        .route("/h", get(verify_type))
        .route("/i", get(skip_revocation_check))
        .route("/j", get(cookies))
        .route("/k", get(cookies_headers))
        .route("/l", get(all_locations))
        .route("/m", get(json_no_params))
        .route("/n", get(everything))
        .route("/o", get(crate_as_string))
        .route("/p", get(crate_absolute_path))
        .with_state(jwt);
}
