//! The router-level layer: a `nest` protected as a whole, exemptions, the attribute's options,
//! the context functions inside it, and a route under both the layer and `#[jwt_required]`
//! verified once.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use axum::routing::{get, post};
use axum::{Json, Router};
use axum_jwt_extended::{
    get_jwt, get_jwt_identity, jwt_required, Claims, JwtHeader, JwtManager, Location, NoJwtContext,
    TokenOptions,
};
use serde_json::{json, Value};

use common::{bearer, builder, config, get as get_req, manager, msg, request, status_json};

async fn me() -> Result<Json<Value>, NoJwtContext> {
    Ok(Json(json!({
        "logged_in_as": get_jwt_identity()?,
        "type": get_jwt()?.token_type(),
    })))
}

async fn open() -> Json<Value> {
    Json(json!({ "open": true }))
}

#[jwt_required(fresh)]
async fn fresh_only() -> Result<Json<Value>, NoJwtContext> {
    Ok(Json(json!({ "fresh_as": get_jwt_identity()? })))
}

#[derive(serde::Deserialize)]
struct Echo {
    message: String,
}

async fn echo(Json(body): Json<Echo>) -> Result<Json<Value>, NoJwtContext> {
    Ok(Json(
        json!({ "logged_in_as": get_jwt_identity()?, "message": body.message }),
    ))
}

fn api(jwt: &JwtManager, layer: axum_jwt_extended::JwtLayer) -> Router {
    let api = Router::new()
        .route("/me", get(me))
        .route("/open", get(open))
        .route("/fresh", get(fresh_only))
        .route("/echo", post(echo))
        .route_layer(layer.exempt("/api/open"));
    Router::new().nest("/api", api).with_state(jwt.clone())
}

#[tokio::test]
async fn a_nest_is_protected_as_a_whole_with_exemptions() {
    let jwt = manager(config());
    let app = api(&jwt, jwt.layer());
    let token = jwt.create_access_token("alice").expect("token");
    let auth = [("Authorization", bearer(&token))];
    let auth: Vec<(&str, &str)> = auth.iter().map(|(k, v)| (*k, v.as_str())).collect();

    let r = get_req(&app, "/api/me", &auth).await;
    assert_eq!(
        status_json(&r),
        (200, json!({"logged_in_as": "alice", "type": "access"}))
    );
    let r = get_req(&app, "/api/me", &[]).await;
    assert_eq!(status_json(&r), (401, msg("Missing Authorization Header")));
    for headers in [&auth[..], &[]] {
        let r = get_req(&app, "/api/open", headers).await;
        assert_eq!(status_json(&r), (200, json!({"open": true})));
    }
    // A refresh token is refused, as by the attribute.
    let refresh = jwt.create_refresh_token("alice").expect("token");
    let r = get_req(&app, "/api/me", &[("Authorization", &bearer(&refresh))]).await;
    assert_eq!(
        status_json(&r),
        (422, msg("Only non-refresh tokens are allowed"))
    );
    // OPTIONS passes unchecked, as in Flask.
    let r = request(&app, "OPTIONS", "/api/me", &[], None).await;
    assert_ne!(r.status, 401);
}

#[tokio::test]
async fn the_layer_takes_the_attributes_options() {
    let jwt = manager(config());
    let access = jwt.create_access_token("alice").expect("token");
    let refresh = jwt.create_refresh_token("alice").expect("token");

    let app = api(&jwt, jwt.layer().optional());
    let r = get_req(&app, "/api/me", &[]).await;
    assert_eq!(
        status_json(&r),
        (200, json!({"logged_in_as": null, "type": "access"}))
    );

    let app = api(&jwt, jwt.layer().refresh());
    let r = get_req(&app, "/api/me", &[("Authorization", &bearer(&refresh))]).await;
    assert_eq!(
        status_json(&r),
        (200, json!({"logged_in_as": "alice", "type": "refresh"}))
    );

    let app = api(&jwt, jwt.layer().verify_type(false));
    let r = get_req(&app, "/api/me", &[("Authorization", &bearer(&refresh))]).await;
    assert_eq!(r.status, 200);

    let app = api(&jwt, jwt.layer().fresh());
    let r = get_req(&app, "/api/me", &[("Authorization", &bearer(&access))]).await;
    assert_eq!(status_json(&r), (401, msg("Fresh token required")));

    let app = api(&jwt, jwt.layer().locations(&[Location::QueryString]));
    let r = get_req(&app, &format!("/api/me?jwt={access}"), &[]).await;
    assert_eq!(r.status, 200);
    let r = get_req(&app, "/api/me", &[("Authorization", &bearer(&access))]).await;
    assert_eq!(status_json(&r), (401, msg("Missing 'jwt' query paramater")));
}

#[tokio::test]
async fn a_route_under_the_layer_and_the_attribute_is_verified_once() {
    let checks = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&checks);
    let jwt = builder(config())
        .0
        .token_in_blocklist_loader(move |_h: &JwtHeader, _c: &Claims| {
            counted.fetch_add(1, Ordering::SeqCst);
            false
        })
        .build()
        .expect("valid");
    let app = api(&jwt, jwt.layer());
    let fresh = jwt
        .create_access_token_with("alice", TokenOptions::new().fresh(true))
        .expect("token");
    let r = get_req(&app, "/api/fresh", &[("Authorization", &bearer(&fresh))]).await;
    assert_eq!(status_json(&r), (200, json!({"fresh_as": "alice"})));
    assert_eq!(
        checks.load(Ordering::SeqCst),
        1,
        "one verification, not two"
    );
    // The attribute's own requirement still holds on the layer's verification.
    let stale = jwt.create_access_token("alice").expect("token");
    let r = get_req(&app, "/api/fresh", &[("Authorization", &bearer(&stale))]).await;
    assert_eq!(status_json(&r), (401, msg("Fresh token required")));
}

#[tokio::test]
async fn the_json_location_through_the_layer_leaves_the_body_to_the_handler() {
    let mut c = config();
    c.token_location = vec![Location::Json];
    let jwt = manager(c);
    let app = api(&jwt, jwt.layer());
    let token = jwt.create_access_token("alice").expect("token");
    let body = json!({ "access_token": token, "message": "hi" }).to_string();
    let r = request(
        &app,
        "POST",
        "/api/echo",
        &[("Content-Type", "application/json")],
        Some(&body),
    )
    .await;
    assert_eq!(
        status_json(&r),
        (200, json!({"logged_in_as": "alice", "message": "hi"}))
    );
}
