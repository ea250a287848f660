//! The demo's router and its clients, shared by the tests that drive the demo
//! (`tests/demo.rs`, `tests/hardening.rs`). Included with `#[path]`, after `mod common;`.

#[path = "../../examples/demo/app.rs"]
#[allow(dead_code)]
pub mod demo_app;

use axum::Router;
use axum_jwt_extended::JwtConfig;
use serde_json::Value;

use super::common::{request, Reply};

/// The demo's configuration from these variables (and the interop secret).
pub fn config(vars: &[(&str, &str)]) -> JwtConfig {
    JwtConfig::from_lookup(|name| {
        vars.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
            .or_else(|| (name == "JWT_SECRET_KEY").then(|| super::common::SECRET.to_owned()))
    })
    .expect("valid demo configuration")
}

/// The demo's options (`DEMO_*`, `REDIS_URL`) from these variables.
pub fn options(vars: &[(&str, &str)]) -> demo_app::Options {
    demo_app::Options::from_lookup(|name| {
        vars.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    })
    .expect("valid demo options")
}

/// The demo's router for these variables.
pub fn demo(vars: &[(&str, &str)]) -> Router {
    demo_app::demo(config(vars), &options(vars)).expect("demo starts")
}

/// A request with an optional JSON body.
pub async fn call(
    app: &Router,
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    body: Option<Value>,
) -> Reply {
    let text = body.map(|b| b.to_string());
    let mut h: Vec<(&str, &str)> = headers.to_vec();
    if text.is_some() {
        h.push(("Content-Type", "application/json"));
    }
    request(app, method, uri, &h, text.as_deref()).await
}

/// `POST /login`.
pub async fn login(app: &Router, user: &str, password: &str) -> Reply {
    call(
        app,
        "POST",
        "/login",
        &[],
        Some(serde_json::json!({"username": user, "password": password})),
    )
    .await
}

/// The access and refresh tokens of a login reply.
pub fn tokens(r: &Reply) -> (String, String) {
    let v = r.json();
    (
        v["access_token"].as_str().expect("access token").to_owned(),
        v["refresh_token"]
            .as_str()
            .expect("refresh token")
            .to_owned(),
    )
}
