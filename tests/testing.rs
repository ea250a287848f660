//! The `test-util` helpers, used as a user would test their own protected route. The first
//! test is the README's "Testing" example, line for line.
#![cfg(feature = "test-util")]

use axum::routing::post;
use axum::{extract::State, Json, Router};
use axum_jwt_extended::testing::{TestClient, TEST_SECRET};
use axum_jwt_extended::{
    get_jwt_identity, jwt_required, set_access_cookies, CookieOptions, JwtConfig, JwtManager,
    Location, NoJwtContext, TokenOptions,
};
use serde_json::{json, Value};

// ---- the app under test ----------------------------------------------------------------------

#[jwt_required(fresh)]
async fn change_password() -> Result<Json<Value>, NoJwtContext> {
    Ok(Json(json!({ "changed_for": get_jwt_identity()? })))
}

async fn login(State(jwt): State<JwtManager>) -> impl axum::response::IntoResponse {
    let token = jwt
        .create_access_token_with("alice", TokenOptions::new().fresh(true))
        .unwrap_or_default();
    let cookies = set_access_cookies(&jwt, &token, CookieOptions::default());
    (cookies.ok(), Json(json!({ "ok": true })))
}

fn my_app(jwt: JwtManager) -> Router {
    Router::new()
        .route("/login", post(login))
        .route("/password", post(change_password).get(change_password))
        .with_state(jwt)
}

// ---- the README's example ---------------------------------------------------------------------

#[tokio::test]
async fn a_fresh_token_may_change_the_password() {
    let jwt = JwtManager::new(JwtConfig::with_secret(TEST_SECRET)).unwrap();
    let mut client = TestClient::new(my_app(jwt.clone()));

    let stale = jwt.create_access_token("alice").unwrap();
    let r = client.post("/password").bearer(&stale).send().await;
    assert_eq!(r.status(), 401);
    assert_eq!(r.json(), json!({"msg": "Fresh token required"}));

    let fresh = TokenOptions::new().fresh(true);
    let fresh = jwt.create_access_token_with("alice", fresh).unwrap();
    let r = client.post("/password").bearer(&fresh).send().await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.json(), json!({"changed_for": "alice"}));
}

// ---- cookies and CSRF -------------------------------------------------------------------------

#[tokio::test]
async fn the_client_keeps_cookies_and_sends_the_csrf_header() {
    let mut config = JwtConfig::with_secret(TEST_SECRET);
    config.token_location = vec![Location::Cookies];
    let jwt = JwtManager::new(config).unwrap();
    let mut client = TestClient::new(my_app(jwt));
    let r = client.post("/login").send().await;
    assert_eq!(r.status(), 200);
    assert!(client.cookie("access_token_cookie").is_some());
    assert!(client.cookie("csrf_access_token").is_some());
    // A POST with the cookie: the client adds X-CSRF-TOKEN from the CSRF cookie.
    let r = client.post("/password").send().await;
    assert_eq!(
        (r.status().as_u16(), r.json()),
        (200, json!({"changed_for": "alice"}))
    );
    // Without it, CSRF protection answers 401.
    let r = client
        .post("/password")
        .header(axum::http::HeaderName::from_static("x-csrf-token"), "wrong")
        .send()
        .await;
    assert_eq!(
        (r.status().as_u16(), r.json()),
        (
            401,
            json!({"msg": "CSRF double submit tokens do not match"})
        )
    );
    let r = client.get("/password").send().await;
    assert_eq!(r.status(), 200);
}

#[test]
fn the_test_secret_passes_every_check() {
    for alg in [
        axum_jwt_extended::Algorithm::HS256,
        axum_jwt_extended::Algorithm::HS384,
        axum_jwt_extended::Algorithm::HS512,
    ] {
        let mut config = JwtConfig::with_secret(TEST_SECRET);
        config.algorithm = alg;
        assert!(JwtManager::new(config).is_ok(), "{alg:?}");
    }
}
