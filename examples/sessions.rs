//! Sessions: "where am I logged in" and "log out my other devices", with an absolute lifetime,
//! an idle timeout, and "remember me".
//!
//! Every login starts a session (`start_session`): both tokens carry its id (`fam`) and the
//! login time (`auth_time`). The store keeps the sessions beside the revocations; ending one
//! revokes every access and refresh token of it, on every instance sharing the store.
//!
//! ```text
//! cargo run --example sessions            # EXAMPLE_ADDR=127.0.0.1:5000 by default
//!
//! curl -s -X POST localhost:5000/login -H 'User-Agent: laptop' -d '{"remember": true}' \
//!   -H 'Content-Type: application/json'
//! # {"access_token":"eyJ…","refresh_token":"eyJ…"}
//! curl -s localhost:5000/sessions -H "Authorization: Bearer $ACCESS"
//! # {"sessions":[{"id":"…","created_at":…,"last_seen_at":…,"expires_at":…,"user_agent":"laptop","current":true}]}
//! curl -s -X DELETE localhost:5000/sessions/$ID -H "Authorization: Bearer $ACCESS"
//! # {"msg":"Session revoked"}
//! curl -s -X POST localhost:5000/logout/others -H "Authorization: Bearer $ACCESS"
//! # {"msg":"Other sessions revoked","revoked":1}
//! curl -s -X POST localhost:5000/refresh -H "Authorization: Bearer $REFRESH"
//! # {"access_token":"eyJ…"}   (or 401 {"msg":"Session expired"} once it has ended)
//! ```
//!
//! Tested by `tests/examples.rs` (`sessions_*`).

use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use axum_jwt_extended::{
    get_jwt, jwt_required, BlocklistStore, JwtConfig, JwtManager, SessionOptions, SessionPolicy,
    TokenOptions,
};
use serde_json::{json, Value};

/// Sessions end after 30 days whatever their use, or after 7 days unused; "remember me" keeps
/// one for 90 days.
pub fn policy() -> SessionPolicy {
    SessionPolicy::new()
        .max_age(Duration::from_secs(30 * 24 * 3600))
        .idle_timeout(Duration::from_secs(7 * 24 * 3600))
}

/// The routes, keeping sessions and revocations in `store`.
pub fn app(config: JwtConfig, store: impl BlocklistStore, policy: SessionPolicy) -> Router {
    let jwt = JwtManager::builder(config)
        .blocklist(store)
        .sessions(policy)
        .build()
        .expect("a valid configuration");
    Router::new()
        .route("/login", post(login))
        .route("/refresh", post(refresh))
        .route("/sessions", get(list))
        .route("/sessions/{id}", delete(end_one))
        .route("/logout/others", post(end_others))
        .route("/logout", post(logout))
        .with_state(jwt)
}

async fn login(State(jwt): State<JwtManager>, headers: HeaderMap, body: String) -> Response {
    // `{"remember": true}`: a longer absolute lifetime for this login.
    let remember = serde_json::from_str::<Value>(&body)
        .ok()
        .and_then(|b| b.get("remember").and_then(Value::as_bool))
        .unwrap_or(false);
    let mut session = SessionOptions::new();
    if let Some(agent) = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
    {
        session = session.user_agent(agent);
    }
    if remember {
        session = session.max_age(Duration::from_secs(90 * 24 * 3600));
    }
    match jwt
        .start_session("example_user", TokenOptions::new().fresh(true), session)
        .await
    {
        Ok(pair) => Json(json!(pair)).into_response(),
        Err(e) => jwt.error_response(e),
    }
}

#[jwt_required(refresh)]
async fn refresh(State(jwt): State<JwtManager>) -> Response {
    let claims = get_jwt().unwrap_or_default();
    match jwt
        .refresh_session(&claims, "example_user", TokenOptions::new())
        .await
    {
        Ok(access) => Json(json!({ "access_token": access })).into_response(),
        Err(e) => jwt.error_response(e),
    }
}

#[jwt_required]
async fn list(State(jwt): State<JwtManager>) -> Response {
    let claims = get_jwt().unwrap_or_default();
    match jwt.sessions_of(&claims).await {
        Ok(sessions) => {
            let listed: Vec<Value> = sessions
                .into_iter()
                .map(|s| {
                    json!({
                        "id": s.id,
                        "created_at": s.created_at,
                        "last_seen_at": s.last_seen_at,
                        "expires_at": s.expires_at,
                        "user_agent": s.data.get("user_agent"),
                        "current": s.current,
                    })
                })
                .collect();
            Json(json!({ "sessions": listed })).into_response()
        }
        Err(e) => jwt.error_response(e),
    }
}

#[jwt_required]
async fn end_one(State(jwt): State<JwtManager>, Path(id): Path<String>) -> Response {
    let claims = get_jwt().unwrap_or_default();
    match jwt.end_session(&claims, &id).await {
        Ok(true) => jwt.message_response(StatusCode::OK, "Session revoked"),
        Ok(false) => jwt.message_response(StatusCode::NOT_FOUND, "Session not found"),
        Err(e) => jwt.error_response(e),
    }
}

#[jwt_required]
async fn end_others(State(jwt): State<JwtManager>) -> Response {
    let claims = get_jwt().unwrap_or_default();
    match jwt.end_other_sessions(&claims).await {
        Ok(n) => Json(json!({ "msg": "Other sessions revoked", "revoked": n })).into_response(),
        Err(e) => jwt.error_response(e),
    }
}

#[jwt_required]
async fn logout(State(jwt): State<JwtManager>) -> Response {
    let claims = get_jwt().unwrap_or_default();
    match jwt.end_current_session(&claims).await {
        Ok(()) => jwt.message_response(StatusCode::OK, "Logged out"),
        Err(e) => jwt.error_response(e),
    }
}

#[tokio::main]
async fn main() {
    let secret = std::env::var("JWT_SECRET_KEY")
        .unwrap_or_else(|_| "an-example-secret-that-is-long-enough-0123456789".into());
    let app = app(
        JwtConfig::with_secret(secret),
        axum_jwt_extended::MemoryBlocklist::new(),
        policy(),
    );
    let addr = std::env::var("EXAMPLE_ADDR").unwrap_or_else(|_| "127.0.0.1:5000".into());
    let listener = tokio::net::TcpListener::bind(&addr).await.expect("bind");
    println!("listening on http://{addr}");
    axum::serve(listener, app).await.expect("serve");
}
