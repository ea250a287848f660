//! The checks of `#[jwt_required]` without the macro: the public extractors `Jwt`,
//! `OptionalJwt`, `FreshJwt`, `RefreshJwt` and `Guard<FLAGS, LOCATIONS>`.

mod common;

use axum::routing::{get, post};
use axum::{Json, Router};
use axum_jwt_extended::{
    encode_locations, flags, FreshJwt, Guard, Jwt, Location, OptionalJwt, RefreshJwt, TokenOptions,
};
use serde_json::{json, Value};

use common::{bearer, config, get as get_req, manager, request};

async fn plain(jwt: Jwt) -> Json<Value> {
    Json(json!({ "identity": jwt.identity(), "location": jwt.location() }))
}

async fn optional(jwt: OptionalJwt) -> Json<Value> {
    Json(json!({ "identity": jwt.identity(), "claims": jwt.context().claims() }))
}

async fn fresh(jwt: FreshJwt) -> Json<Value> {
    Json(json!({ "identity": jwt.identity() }))
}

async fn refresh(jwt: RefreshJwt) -> Json<Value> {
    Json(json!({ "type": jwt.claims().token_type() }))
}

const QUERY_THEN_HEADERS: u16 = encode_locations(&[Location::QueryString, Location::Headers]);

async fn custom(
    jwt: Guard<{ flags::OPTIONAL | flags::SKIP_REVOCATION_CHECK }, QUERY_THEN_HEADERS>,
) -> Json<Value> {
    Json(json!({ "identity": jwt.identity(), "location": jwt.location() }))
}

fn app() -> (Router, axum_jwt_extended::JwtManager) {
    let jwt = manager(config());
    let app = Router::new()
        .route("/plain", get(plain))
        .route("/optional", get(optional))
        .route("/fresh", get(fresh))
        .route("/refresh", post(refresh))
        .route("/custom", get(custom))
        .with_state(jwt.clone());
    (app, jwt)
}

#[tokio::test]
async fn jwt_extractor_verifies_like_the_macro() {
    let (app, jwt) = app();
    let token = jwt.create_access_token("alice").unwrap();
    let r = get_req(&app, "/plain", &[("Authorization", &bearer(&token))]).await;
    assert_eq!(
        (r.status.as_u16(), r.json()),
        (200, json!({"identity": "alice", "location": "headers"}))
    );
    let r = get_req(&app, "/plain", &[]).await;
    assert_eq!(
        (r.status.as_u16(), r.json()),
        (401, json!({"msg": "Missing Authorization Header"}))
    );
    let refresh_token = jwt.create_refresh_token("alice").unwrap();
    let r = get_req(
        &app,
        "/plain",
        &[("Authorization", &bearer(&refresh_token))],
    )
    .await;
    assert_eq!(
        (r.status.as_u16(), r.msg().as_str()),
        (422, "Only non-refresh tokens are allowed")
    );
}

#[tokio::test]
async fn optional_fresh_and_refresh_extractors() {
    let (app, jwt) = app();
    let r = get_req(&app, "/optional", &[]).await;
    assert_eq!(
        (r.status.as_u16(), r.json()),
        (200, json!({"identity": null, "claims": {}}))
    );
    let stale = jwt.create_access_token("alice").unwrap();
    let r = get_req(&app, "/fresh", &[("Authorization", &bearer(&stale))]).await;
    assert_eq!(
        (r.status.as_u16(), r.msg().as_str()),
        (401, "Fresh token required")
    );
    let fresh_token = jwt
        .create_access_token_with("alice", TokenOptions::new().fresh(true))
        .unwrap();
    let r = get_req(&app, "/fresh", &[("Authorization", &bearer(&fresh_token))]).await;
    assert_eq!(
        (r.status.as_u16(), r.json()),
        (200, json!({"identity": "alice"}))
    );
    let refresh_token = jwt.create_refresh_token("alice").unwrap();
    let r = request(
        &app,
        "POST",
        "/refresh",
        &[("Authorization", &bearer(&refresh_token))],
        None,
    )
    .await;
    assert_eq!(
        (r.status.as_u16(), r.json()),
        (200, json!({"type": "refresh"}))
    );
    let r = request(
        &app,
        "POST",
        "/refresh",
        &[("Authorization", &bearer(&stale))],
        None,
    )
    .await;
    assert_eq!(
        (r.status.as_u16(), r.msg().as_str()),
        (422, "Only refresh tokens are allowed")
    );
}

#[tokio::test]
async fn guard_with_per_route_locations() {
    let (app, jwt) = app();
    let token = jwt.create_access_token("alice").unwrap();
    let r = get_req(&app, &format!("/custom?jwt={token}"), &[]).await;
    assert_eq!(
        (r.status.as_u16(), r.json()),
        (
            200,
            json!({"identity": "alice", "location": "query_string"})
        )
    );
    let r = get_req(&app, "/custom", &[("Authorization", &bearer(&token))]).await;
    assert_eq!(
        (r.status.as_u16(), r.json()),
        (200, json!({"identity": "alice", "location": "headers"}))
    );
    // Optional: nothing anywhere is anonymous.
    let r = get_req(&app, "/custom", &[]).await;
    assert_eq!(
        (r.status.as_u16(), r.json()),
        (200, json!({"identity": null, "location": null}))
    );
    // But a bad token in the first location is not skipped.
    let r = get_req(
        &app,
        "/custom?jwt=garbage",
        &[("Authorization", &bearer(&token))],
    )
    .await;
    assert_eq!(
        (r.status.as_u16(), r.msg().as_str()),
        (422, "Not enough segments")
    );
}
