//! The demo's sessions (`DEMO_SESSIONS=true`) through its router: listing, ending one, ending
//! the others, logout of a whole session, the claims `fam` and `auth_time`, refreshes that
//! keep them, and the absolute and idle lifetimes; then two demo processes on one store
//! (SQLite, PostgreSQL, Redis) that list the same sessions and honour each other's ends.

mod common;
#[path = "common/demo.rs"]
#[allow(dead_code)]
mod demo;

use std::time::Duration;

use axum::Router;
use serde_json::{json, Value};

use common::bearer;
use demo::{call, demo};

const SESSIONS: (&str, &str) = ("DEMO_SESSIONS", "true");

/// `POST /login` with a `User-Agent`: `(access, refresh)`.
async fn login_as(app: &Router, agent: &str) -> (String, String) {
    let r = call(
        app,
        "POST",
        "/login",
        &[("User-Agent", agent)],
        Some(json!({"username": "testuser", "password": "testpass"})),
    )
    .await;
    assert_eq!(r.status.as_u16(), 200, "{:?}", r.json());
    demo::tokens(&r)
}

async fn send(app: &Router, method: &str, path: &str, token: &str) -> (u16, Value) {
    let r = call(
        app,
        method,
        path,
        &[("Authorization", &bearer(token))],
        None,
    )
    .await;
    (r.status.as_u16(), r.json())
}

fn claims(token: &str) -> Value {
    use base64::Engine;
    let payload = token.split('.').nth(1).unwrap();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

fn revoked() -> (u16, Value) {
    (401, json!({"msg": "Token has been revoked"}))
}

fn me() -> (u16, Value) {
    (200, json!({"logged_in_as": "testuser"}))
}

async fn listed(app: &Router, token: &str) -> Vec<Value> {
    let (status, body) = send(app, "GET", "/sessions", token).await;
    assert_eq!(status, 200, "{body}");
    body["sessions"].as_array().unwrap().clone()
}

#[tokio::test]
async fn sessions_are_listed_newest_first_with_the_current_one_marked() {
    let app = demo(&[SESSIONS]);
    let (first, first_refresh) = login_as(&app, "Firefox").await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let long_agent = "x".repeat(300);
    let (second, _) = login_as(&app, &long_agent).await;

    // Both tokens of a login carry its session id and login time.
    let (a, r) = (claims(&first), claims(&first_refresh));
    assert_eq!(a["fam"], r["fam"]);
    assert_eq!(a["auth_time"], r["auth_time"]);
    assert_eq!(a["auth_time"], a["iat"]);

    let sessions = listed(&app, &second).await;
    assert_eq!(sessions.len(), 2);
    let (newest, oldest) = (&sessions[0], &sessions[1]);
    assert_eq!(newest["id"], claims(&second)["fam"]);
    assert_eq!(newest["current"], true);
    assert_eq!(
        newest["user_agent"],
        json!("x".repeat(256)),
        "at most 256 characters"
    );
    assert_eq!(oldest["id"], a["fam"]);
    assert_eq!(oldest["current"], false);
    assert_eq!(oldest["user_agent"], "Firefox");
    assert_eq!(oldest["created_at"], a["auth_time"]);
    assert_eq!(oldest["last_seen_at"], a["auth_time"]);
    // No lifetimes configured: the session ends with its refresh token.
    assert_eq!(oldest["expires_at"], r["exp"]);
    let keys: Vec<&String> = oldest.as_object().unwrap().keys().collect();
    assert_eq!(
        keys.len(),
        6,
        "id, created_at, last_seen_at, expires_at, user_agent, current: {keys:?}"
    );

    // Without DEMO_SESSIONS: no such route, and tokens keep Flask's layout.
    let plain = demo(&[]);
    let (token, _) = login_as(&plain, "curl").await;
    assert_eq!(send(&plain, "GET", "/sessions", &token).await.0, 404);
    assert!(claims(&token).get("fam").is_none());
    assert!(claims(&token).get("auth_time").is_none());
}

#[tokio::test]
async fn ending_one_session_ends_its_tokens_and_only_its_owner_can() {
    let app = demo(&[SESSIONS]);
    let (mine, _) = login_as(&app, "laptop").await;
    let (other, other_refresh) = login_as(&app, "phone").await;
    let other_id = claims(&other)["fam"].as_str().unwrap().to_owned();

    // Another identity cannot end it, nor see it.
    let r = call(
        &app,
        "POST",
        "/login",
        &[],
        Some(json!({"username": "admin", "password": "adminpass"})),
    )
    .await;
    let (admin, _) = demo::tokens(&r);
    let path = format!("/sessions/{other_id}");
    assert_eq!(
        send(&app, "DELETE", &path, &admin).await,
        (404, json!({"msg": "Session not found"}))
    );
    assert_eq!(listed(&app, &admin).await.len(), 1);

    assert_eq!(
        send(&app, "DELETE", &path, &mine).await,
        (200, json!({"msg": "Session revoked"}))
    );
    assert_eq!(send(&app, "GET", "/protected", &other).await, revoked());
    assert_eq!(
        send(&app, "POST", "/refresh", &other_refresh).await,
        revoked()
    );
    assert_eq!(send(&app, "GET", "/protected", &mine).await, me());
    let ids: Vec<Value> = listed(&app, &mine)
        .await
        .iter()
        .map(|s| s["id"].clone())
        .collect();
    assert_eq!(ids, vec![claims(&mine)["fam"].clone()]);
    // Ended, unknown: not found.
    assert_eq!(
        send(&app, "DELETE", &path, &mine).await,
        (404, json!({"msg": "Session not found"}))
    );
    assert_eq!(
        send(&app, "DELETE", "/sessions/no-such-session", &mine).await,
        (404, json!({"msg": "Session not found"}))
    );
}

#[tokio::test]
async fn logout_others_keeps_the_current_session() {
    let app = demo(&[SESSIONS]);
    let (a, _) = login_as(&app, "a").await;
    let (b, b_refresh) = login_as(&app, "b").await;
    let (c, _) = login_as(&app, "c").await;
    assert_eq!(
        send(&app, "POST", "/logout/others", &c).await,
        (200, json!({"msg": "Other sessions revoked", "revoked": 2}))
    );
    assert_eq!(send(&app, "GET", "/protected", &a).await, revoked());
    assert_eq!(send(&app, "GET", "/protected", &b).await, revoked());
    assert_eq!(send(&app, "POST", "/refresh", &b_refresh).await, revoked());
    assert_eq!(send(&app, "GET", "/protected", &c).await, me());
    assert_eq!(listed(&app, &c).await.len(), 1);
    assert_eq!(
        send(&app, "POST", "/logout/others", &c).await,
        (200, json!({"msg": "Other sessions revoked", "revoked": 0}))
    );
}

#[tokio::test]
async fn logout_ends_the_whole_session_and_logout_all_every_session() {
    let app = demo(&[SESSIONS]);
    let (access, refresh) = login_as(&app, "a").await;
    let (other, _) = login_as(&app, "b").await;
    assert_eq!(
        send(&app, "POST", "/logout", &access).await,
        (200, json!({"msg": "Access token revoked"}))
    );
    assert_eq!(send(&app, "POST", "/refresh", &refresh).await, revoked());
    assert_eq!(listed(&app, &other).await.len(), 1);

    tokio::time::sleep(Duration::from_millis(1100)).await;
    let (third, third_refresh) = login_as(&app, "c").await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(
        send(&app, "POST", "/logout/all", &third).await,
        (200, json!({"msg": "All tokens revoked"}))
    );
    assert_eq!(send(&app, "GET", "/protected", &other).await, revoked());
    assert_eq!(
        send(&app, "POST", "/refresh", &third_refresh).await,
        revoked()
    );
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let (fresh, _) = login_as(&app, "d").await;
    assert_eq!(listed(&app, &fresh).await.len(), 1, "only the new login");
}

#[tokio::test]
async fn a_refresh_keeps_the_session_and_moves_last_seen() {
    let app = demo(&[SESSIONS]);
    let (access, refresh) = login_as(&app, "a").await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let (status, body) = send(&app, "POST", "/refresh", &refresh).await;
    assert_eq!(status, 200, "{body}");
    let renewed = body["access_token"].as_str().unwrap();
    let (before, after) = (claims(&access), claims(renewed));
    assert_eq!(after["fam"], before["fam"]);
    assert_eq!(after["auth_time"], before["auth_time"]);
    assert_eq!(after["fresh"], false);
    let sessions = listed(&app, renewed).await;
    assert_eq!(sessions[0]["created_at"], before["auth_time"]);
    assert_eq!(sessions[0]["last_seen_at"], after["iat"]);
    assert_ne!(sessions[0]["last_seen_at"], sessions[0]["created_at"]);

    // With rotation too: the new pair is of the same session.
    let app = demo(&[SESSIONS, ("DEMO_ROTATE_REFRESH", "true")]);
    let (access, refresh) = login_as(&app, "a").await;
    let (status, body) = send(&app, "POST", "/refresh", &refresh).await;
    assert_eq!(status, 200, "{body}");
    for t in ["access_token", "refresh_token"] {
        let c = claims(body[t].as_str().unwrap());
        assert_eq!(c["fam"], claims(&access)["fam"]);
        assert_eq!(c["auth_time"], claims(&access)["auth_time"]);
    }
}

#[tokio::test]
async fn the_absolute_lifetime_caps_every_token_and_ends_the_session() {
    let app = demo(&[SESSIONS, ("DEMO_SESSION_MAX_AGE_SECONDS", "2")]);
    let (access, refresh) = login_as(&app, "a").await;
    for token in [&access, &refresh] {
        let c = claims(token);
        let end = c["auth_time"].as_u64().unwrap() + 2;
        assert!(
            c["exp"].as_u64().unwrap() <= end,
            "exp capped by the absolute end: {c}"
        );
    }
    assert_eq!(
        listed(&app, &access).await[0]["expires_at"],
        json!(claims(&access)["auth_time"].as_u64().unwrap() + 2)
    );
    tokio::time::sleep(Duration::from_millis(2100)).await;
    // The tokens expired with the session: a refresh ends it, and says why.
    assert_eq!(
        send(&app, "POST", "/refresh", &refresh).await,
        (401, json!({"msg": "Session expired"}))
    );
    assert_eq!(
        send(&app, "POST", "/refresh", &refresh).await,
        (401, json!({"msg": "Token has expired"})),
        "ended: an expired token like any other"
    );
}

#[tokio::test]
async fn an_idle_session_expires_on_its_next_refresh() {
    // Times are whole seconds: 3 s of idle time, used after 1.1 s (at most 2 on the clock),
    // then left for 4.1 s (at least 4).
    let app = demo(&[SESSIONS, ("DEMO_SESSION_IDLE_SECONDS", "3")]);
    let (access, refresh) = login_as(&app, "a").await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let (status, _) = send(&app, "POST", "/refresh", &refresh).await;
    assert_eq!(status, 200, "used within its idle timeout");
    tokio::time::sleep(Duration::from_millis(4100)).await;
    assert_eq!(
        send(&app, "POST", "/refresh", &refresh).await,
        (401, json!({"msg": "Session expired"}))
    );
    // Ended: its tokens are refused, and it is no longer listed.
    assert_eq!(send(&app, "POST", "/refresh", &refresh).await, revoked());
    let (fresh, _) = login_as(&app, "b").await;
    let ids: Vec<Value> = listed(&app, &fresh)
        .await
        .iter()
        .map(|s| s["id"].clone())
        .collect();
    assert!(!ids.contains(&claims(&access)["fam"]));
}

#[test]
fn lifetimes_need_sessions() {
    let err = demo::demo_app::Options::from_lookup(|name| {
        (name == "DEMO_SESSION_IDLE_SECONDS").then(|| "60".to_owned())
    })
    .unwrap_err();
    assert_eq!(
        err,
        "DEMO_SESSION_IDLE_SECONDS needs DEMO_SESSIONS=true: the lifetimes are sessions'"
    );
}
