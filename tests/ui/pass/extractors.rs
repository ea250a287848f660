//! Handlers with the usual extractors, registered on a router whose state is the manager.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use axum_jwt_extended::{
    get_jwt, get_jwt_identity, jwt_required, JwtConfig, JwtManager, NoJwtContext,
};
use serde::Deserialize;
use serde_json::{json, Value};

#[jwt_required]
async fn no_params() -> &'static str {
    "hello"
}

#[jwt_required]
async fn unit() {}

#[jwt_required]
async fn with_state(State(jwt): State<JwtManager>) -> String {
    format!("{}", jwt.config().token_location.len())
}

#[jwt_required]
async fn with_path(Path(id): Path<u32>) -> String {
    id.to_string()
}

#[jwt_required]
async fn with_path_and_query(
    Path((a, b)): Path<(String, u32)>,
    Query(q): Query<HashMap<String, String>>,
) -> String {
    format!("{a}{b}{}", q.len())
}

#[derive(Deserialize)]
struct Body {
    message: String,
}

#[jwt_required]
async fn with_json(Json(body): Json<Body>) -> String {
    body.message
}

#[jwt_required]
async fn state_path_json(
    State(_jwt): State<JwtManager>,
    Path(id): Path<u32>,
    Json(body): Json<Value>,
) -> Json<Value> {
    Json(json!({ "id": id, "body": body }))
}

#[jwt_required]
async fn not_destructured(body: Json<Body>) -> String {
    body.0.message
}

#[jwt_required]
async fn impl_into_response() -> impl IntoResponse {
    (axum::http::StatusCode::CREATED, "created")
}

#[jwt_required]
async fn with_question_mark() -> Result<Json<Value>, NoJwtContext> {
    let claims = get_jwt()?;
    Ok(Json(
        json!({ "logged_in_as": get_jwt_identity()?, "claims": claims }),
    ))
}

#[jwt_required]
pub async fn public_handler() -> &'static str {
    "pub"
}

/// Documented handlers keep their doc comments and other attributes.
#[jwt_required]
#[allow(clippy::unused_async)]
async fn documented() -> &'static str {
    "doc"
}

fn main() {
    let jwt = JwtManager::new(JwtConfig::with_secret(
        "a-very-long-secret-of-at-least-32-bytes!",
    ))
    .expect("valid configuration");
    let _app: Router = Router::new()
        .route("/no_params", get(no_params))
        .route("/unit", get(unit))
        .route("/state", get(with_state))
        .route("/path/{id}", get(with_path))
        .route("/pq/{a}/{b}", get(with_path_and_query))
        .route("/json", post(with_json))
        .route("/spj/{id}", post(state_path_json))
        .route("/nd", post(not_destructured))
        .route("/impl", get(impl_into_response))
        .route("/q", get(with_question_mark))
        .route("/pub", get(public_handler))
        .route("/doc", get(documented))
        .with_state(jwt);
}
