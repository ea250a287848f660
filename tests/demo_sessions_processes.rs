//! Sessions across two demo processes on one store (SQLite, PostgreSQL, Redis): they list the
//! same sessions and honour each other's ends; each session event is one log line naming the
//! session and the identity, never a token.
#![cfg(all(feature = "sqlite", feature = "postgres", feature = "redis"))]

mod common;

use std::net::SocketAddr;

use serde_json::{json, Value};

use common::pg::PgServer;
use common::process::{demo_bin, free_addr, login_with, start, with_token as send};
use common::redis_server::RedisServer;
use common::TempDir;

async fn login(addr: SocketAddr, agent: &str) -> (String, String) {
    login_with(addr, "testuser", "testpass", &[("User-Agent", agent)]).await
}

fn ids(body: &Value) -> Vec<String> {
    body["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn two_instances(env: &[(&str, &str)]) {
    let bin = demo_bin();
    let (a, b) = (free_addr(), free_addr());
    let _pa = start(&bin, a, env).await;
    let _pb = start(&bin, b, env).await;
    let (on_a, _) = login(a, "on A").await;
    let (on_b, on_b_refresh) = login(b, "on B").await;
    let (status, from_a) = send("GET", a, "/sessions", &on_a).await;
    assert_eq!(status, 200, "{from_a}");
    let (_, from_b) = send("GET", b, "/sessions", &on_a).await;
    assert_eq!(ids(&from_a), ids(&from_b), "both list the same sessions");
    assert_eq!(ids(&from_a).len(), 2);

    // B's session ended on A: refused on B.
    let b_id = ids(&from_a)
        .into_iter()
        .find(|id| {
            from_a["sessions"]
                .as_array()
                .unwrap()
                .iter()
                .any(|s| s["id"] == id.as_str() && s["user_agent"] == "on B")
        })
        .unwrap();
    assert_eq!(
        send("DELETE", a, &format!("/sessions/{b_id}"), &on_a).await,
        (200, json!({"msg": "Session revoked"}))
    );
    assert_eq!(
        send("GET", b, "/protected", &on_b).await,
        (401, json!({"msg": "Token has been revoked"}))
    );
    assert_eq!(
        send("POST", b, "/refresh", &on_b_refresh).await,
        (401, json!({"msg": "Token has been revoked"}))
    );
    let (_, after) = send("GET", b, "/sessions", &on_a).await;
    assert_eq!(ids(&after).len(), 1);

    // Others ended on B: A's other login is refused on A.
    let (second, _) = login(a, "second").await;
    assert_eq!(
        send("POST", b, "/logout/others", &on_a).await,
        (200, json!({"msg": "Other sessions revoked", "revoked": 1}))
    );
    assert_eq!(
        send("GET", a, "/protected", &second).await,
        (401, json!({"msg": "Token has been revoked"}))
    );
    assert_eq!(
        send("GET", a, "/protected", &on_a).await,
        (200, json!({"logged_in_as": "testuser"}))
    );
}

/// An idle session's refresh answers `Session expired` on a shared store too (the store keeps
/// the record until its refresh token could no longer be presented), then `revoked`.
async fn idle_session_expires(env: &[(&str, &str)]) {
    let bin = demo_bin();
    let a = free_addr();
    let mut env = env.to_vec();
    env.push(("DEMO_SESSION_IDLE_SECONDS", "1"));
    let _pa = start(&bin, a, &env).await;
    let (_, refresh) = login(a, "idle").await;
    tokio::time::sleep(std::time::Duration::from_millis(2200)).await;
    assert_eq!(
        send("POST", a, "/refresh", &refresh).await,
        (401, json!({"msg": "Session expired"}))
    );
    assert_eq!(
        send("POST", a, "/refresh", &refresh).await,
        (401, json!({"msg": "Token has been revoked"}))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn two_demos_on_sqlite_share_sessions() {
    let dir = TempDir::new();
    let url = format!("sqlite://{}", dir.0.join("demo.db").display());
    two_instances(&[
        ("JWT_SECRET_KEY", common::LONG_SECRET),
        ("DEMO_SESSIONS", "true"),
        ("DATABASE_URL", &url),
    ])
    .await;
    idle_session_expires(&[
        ("JWT_SECRET_KEY", common::LONG_SECRET),
        ("DEMO_SESSIONS", "true"),
        ("DATABASE_URL", &url),
    ])
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn two_demos_on_postgres_share_sessions() {
    let pg = PgServer::start();
    let url = pg.url();
    two_instances(&[
        ("JWT_SECRET_KEY", common::LONG_SECRET),
        ("DEMO_SESSIONS", "true"),
        ("DATABASE_URL", &url),
    ])
    .await;
    idle_session_expires(&[
        ("JWT_SECRET_KEY", common::LONG_SECRET),
        ("DEMO_SESSIONS", "true"),
        ("DATABASE_URL", &url),
    ])
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn two_demos_on_redis_share_sessions() {
    let redis = RedisServer::start();
    let url = redis.url();
    two_instances(&[
        ("JWT_SECRET_KEY", common::LONG_SECRET),
        ("DEMO_SESSIONS", "true"),
        ("REDIS_URL", &url),
    ])
    .await;
    idle_session_expires(&[
        ("JWT_SECRET_KEY", common::LONG_SECRET),
        ("DEMO_SESSIONS", "true"),
        ("REDIS_URL", &url),
    ])
    .await;
}
