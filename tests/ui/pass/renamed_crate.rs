//! The facade under another name: `crate = …` points the expansion at it.

use axum::routing::get;
use axum::Router;
use axum_jwt_extended as jwt_renamed;

mod inner {
    #[super::jwt_renamed::jwt_required(crate = super::jwt_renamed, fresh)]
    pub async fn in_module() -> &'static str {
        "inner"
    }
}

#[jwt_renamed::jwt_required(crate = jwt_renamed)]
async fn renamed() -> Result<axum::Json<serde_json::Value>, jwt_renamed::NoJwtContext> {
    Ok(axum::Json(
        serde_json::json!({ "id": jwt_renamed::get_jwt_identity()? }),
    ))
}

#[jwt_renamed::jwt_required(crate = "jwt_renamed", optional)]
async fn renamed_as_string() {}

fn main() {
    let jwt = jwt_renamed::JwtManager::new(jwt_renamed::JwtConfig::with_secret(
        "a-very-long-secret-of-at-least-32-bytes!",
    ))
    .expect("valid configuration");
    let _app: Router = Router::new()
        .route("/a", get(renamed))
        .route("/b", get(renamed_as_string))
        .route("/c", get(inner::in_module))
        .with_state(jwt);
}
