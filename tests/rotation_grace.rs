//! Refresh-token rotation with a grace window (`DEMO_ROTATE_REFRESH_GRACE_SECONDS`), through
//! the demo's router: a rotated refresh token presented again within the window gets a new
//! pair of the same login; after it, reuse as before; ten concurrent refreshes with one token
//! all succeed; and a token revoked on purpose, or of a revoked login or identity, is refused
//! within the window too. In memory, and on a real Redis shared by two instances.

mod common;
#[path = "common/demo.rs"]
mod demo;

use std::time::Duration;

use axum::Router;
use serde_json::{json, Value};

use common::bearer;
use demo::{call, demo, login, tokens};

const GRACE: [(&str, &str); 2] = [
    ("DEMO_ROTATE_REFRESH", "true"),
    ("DEMO_ROTATE_REFRESH_GRACE_SECONDS", "2"),
];

async fn refresh(app: &Router, token: &str) -> (u16, Value) {
    let r = call(
        app,
        "POST",
        "/refresh",
        &[("Authorization", &bearer(token))],
        None,
    )
    .await;
    (r.status.as_u16(), r.json())
}

async fn protected(app: &Router, token: &str) -> (u16, Value) {
    let r = call(
        app,
        "GET",
        "/protected",
        &[("Authorization", &bearer(token))],
        None,
    )
    .await;
    (r.status.as_u16(), r.json())
}

fn family(token: &str) -> String {
    let payload = token.split('.').nth(1).unwrap();
    use base64::Engine;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .unwrap();
    let claims: Value = serde_json::from_slice(&bytes).unwrap();
    claims["fam"].as_str().unwrap().to_owned()
}

fn revoked() -> (u16, Value) {
    (401, json!({"msg": "Token has been revoked"}))
}

fn reuse() -> (u16, Value) {
    (
        401,
        json!({"msg": "Refresh token reuse detected: every token of this login was revoked"}),
    )
}

fn ok() -> (u16, Value) {
    (200, json!({"logged_in_as": "testuser"}))
}

/// Within the window: a new pair of the same login; after it: reuse, the login revoked.
async fn within_then_after(first: &Router, second: &Router) {
    let (_, old) = tokens(&login(first, "testuser", "testpass").await);
    let (status, rotated) = refresh(first, &old).await;
    assert_eq!(status, 200, "{rotated}");
    // The other tab, on the other instance: the same token again.
    let (status, again) = refresh(second, &old).await;
    assert_eq!(status, 200, "{again}");
    let (access, next) = (
        again["access_token"].as_str().unwrap(),
        again["refresh_token"].as_str().unwrap(),
    );
    assert_eq!(family(next), family(&old), "the same login");
    assert_eq!(protected(first, access).await, ok());
    assert_eq!(
        protected(first, rotated["access_token"].as_str().unwrap()).await,
        ok()
    );

    // After the window: reuse, and every token of the login is revoked.
    // Stores keep an entry at least its lifetime, up to a second more (memory: whole seconds).
    tokio::time::sleep(Duration::from_millis(3200)).await;
    assert_eq!(refresh(second, &old).await, reuse());
    assert_eq!(protected(first, access).await, revoked());
    assert_eq!(refresh(first, next).await, revoked());
}

#[tokio::test]
async fn a_rotated_token_within_the_window_gets_a_pair_of_the_same_login() {
    let app = demo(&GRACE);
    within_then_after(&app, &app).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn ten_concurrent_refreshes_with_one_token_all_succeed_and_every_pair_works() {
    let app = demo(&GRACE);
    let (_, old) = tokens(&login(&app, "testuser", "testpass").await);
    let calls: Vec<_> = (0..10)
        .map(|_| {
            let (app, old) = (app.clone(), old.clone());
            tokio::spawn(async move { refresh(&app, &old).await })
        })
        .collect();
    let mut pairs = Vec::new();
    for c in calls {
        let (status, body) = c.await.unwrap();
        assert_eq!(status, 200, "{body}");
        pairs.push(body);
    }
    for pair in &pairs {
        let access = pair["access_token"].as_str().unwrap();
        let next = pair["refresh_token"].as_str().unwrap();
        assert_eq!(family(next), family(&old));
        assert_eq!(protected(&app, access).await, ok());
        let (status, body) = refresh(&app, next).await;
        assert_eq!(status, 200, "every returned refresh token rotates: {body}");
    }
}

#[tokio::test]
async fn the_window_covers_only_tokens_superseded_by_rotation() {
    let app = demo(&GRACE);

    // Revoked on purpose (/logout with the refresh token): refused, not taken for reuse.
    let (access, refresh_token) = tokens(&login(&app, "testuser", "testpass").await);
    let r = call(
        &app,
        "POST",
        "/logout",
        &[("Authorization", &bearer(&refresh_token))],
        None,
    )
    .await;
    assert_eq!(
        (r.status.as_u16(), r.json()),
        (200, json!({"msg": "Refresh token revoked"}))
    );
    assert_eq!(refresh(&app, &refresh_token).await, revoked());
    assert_eq!(
        protected(&app, &access).await,
        ok(),
        "no reuse: the login stands"
    );

    // Rotated, then every token of the identity revoked (/logout/all): the rotated token is
    // refused within its window.
    let (_, old) = tokens(&login(&app, "testuser", "testpass").await);
    let (status, _) = refresh(&app, &old).await;
    assert_eq!(status, 200);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let r = call(
        &app,
        "POST",
        "/logout/all",
        &[("Authorization", &bearer(&old))],
        None,
    )
    .await;
    // /logout/all needs a token that is not revoked: the rotated one is, within its window
    // it passes (it is not reuse) and revokes every token of the identity.
    assert_eq!(
        (r.status.as_u16(), r.json()),
        (200, json!({"msg": "All tokens revoked"}))
    );
    assert_eq!(refresh(&app, &old).await, revoked());

    // A family revoked for reuse: its rotated tokens are refused within their window.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let (_, first) = tokens(&login(&app, "testuser", "testpass").await);
    let (status, second) = refresh(&app, &first).await;
    assert_eq!(status, 200);
    let second = second["refresh_token"].as_str().unwrap().to_owned();
    let (status, _) = refresh(&app, &second).await;
    assert_eq!(status, 200);
    // Stores keep an entry at least its lifetime, up to a second more (memory: whole seconds).
    tokio::time::sleep(Duration::from_millis(3200)).await;
    // `first` is past its window: reuse, the whole login revoked…
    assert_eq!(refresh(&app, &first).await, reuse());
    // …and `second`, rotated long ago too, is refused as revoked (its family is).
    assert_eq!(refresh(&app, &second).await, revoked());
}

#[tokio::test]
async fn without_the_variable_there_is_no_window() {
    let app = demo(&[("DEMO_ROTATE_REFRESH", "true")]);
    let (_, old) = tokens(&login(&app, "testuser", "testpass").await);
    let (status, _) = refresh(&app, &old).await;
    assert_eq!(status, 200);
    assert_eq!(refresh(&app, &old).await, reuse());
}

#[test]
fn the_window_needs_rotation() {
    let err = demo::demo_app::Options::from_lookup(|name| {
        (name == "DEMO_ROTATE_REFRESH_GRACE_SECONDS").then(|| "5".to_owned())
    })
    .unwrap_err();
    assert_eq!(
        err,
        "DEMO_ROTATE_REFRESH_GRACE_SECONDS needs DEMO_ROTATE_REFRESH=true: the grace window is rotation's"
    );
}

#[cfg(feature = "redis")]
#[tokio::test(flavor = "multi_thread")]
async fn two_instances_on_redis_share_the_window() {
    let redis = common::redis_server::RedisServer::start();
    let url = redis.url();
    let vars = [GRACE[0], GRACE[1], ("REDIS_URL", url.as_str())];
    let (first, second) = (demo(&vars), demo(&vars));
    within_then_after(&first, &second).await;
}

/// A replay within the window does not extend it: the window runs from the rotation.
#[tokio::test]
async fn a_replay_does_not_extend_the_window() {
    let app = demo(&GRACE);
    let (_, old) = tokens(&login(&app, "testuser", "testpass").await);
    let (status, _) = refresh(&app, &old).await;
    assert_eq!(status, 200);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let (status, _) = refresh(&app, &old).await;
    assert_eq!(status, 200, "within the window");
    // 3.2 s after the rotation (the window of 2 s, plus the store's second): reuse, though
    // the replay was only 1.7 s ago.
    tokio::time::sleep(Duration::from_millis(1700)).await;
    assert_eq!(refresh(&app, &old).await, reuse());
}
