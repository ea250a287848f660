//! The demo on a real database (`DATABASE_URL`): users in a seeded `users` table, revocations
//! in the SQL store, shared by several demo instances on one database and kept across a
//! restart. SQLite on a temporary file, PostgreSQL on a real server.
#![cfg(all(feature = "sqlite", feature = "postgres"))]

mod common;
#[path = "common/demo.rs"]
#[allow(dead_code)]
mod demo;

use axum::Router;
use serde_json::json;

use common::pg::PgServer;
use common::{bearer, status_json, TempDir};
use demo::{call, login, tokens};

/// One demo "process" on `url`.
async fn instance(url: &str, extra: &[(&str, &str)]) -> Router {
    let mut vars = vec![("DATABASE_URL", url)];
    vars.extend_from_slice(extra);
    demo::demo_app::start(demo::config(&vars), &demo::options(&vars))
        .await
        .expect("the demo starts on the database")
}

async fn shared_revocations_and_restart(url: &str) {
    let a = instance(url, &[]).await;
    let b = instance(url, &[]).await;
    // The seeded users log in on either instance, with their roles.
    let r = login(&b, "testuser", "wrong").await;
    assert_eq!(
        status_json(&r),
        (401, json!({"msg": "Bad username or password"}))
    );
    let (access, refresh) = tokens(&login(&a, "admin", "adminpass").await);
    let r = call(
        &b,
        "GET",
        "/admin",
        &[("Authorization", &bearer(&access))],
        None,
    )
    .await;
    assert_eq!(status_json(&r), (200, json!({"msg": "Welcome, admin"})));
    let r = call(
        &b,
        "GET",
        "/whoami",
        &[("Authorization", &bearer(&access))],
        None,
    )
    .await;
    assert_eq!(
        status_json(&r),
        (
            200,
            json!({"username": "admin", "roles": ["admin", "user"]})
        )
    );
    // A refresh on B reads the roles from the table.
    let r = call(
        &b,
        "POST",
        "/refresh",
        &[("Authorization", &bearer(&refresh))],
        None,
    )
    .await;
    let renewed = r.json()["access_token"].as_str().unwrap().to_owned();
    let r = call(
        &a,
        "GET",
        "/admin",
        &[("Authorization", &bearer(&renewed))],
        None,
    )
    .await;
    assert_eq!(r.status.as_u16(), 200);

    // Logged out on A: refused on B.
    let r = call(
        &a,
        "POST",
        "/logout",
        &[("Authorization", &bearer(&access))],
        None,
    )
    .await;
    assert_eq!(
        status_json(&r),
        (200, json!({"msg": "Access token revoked"}))
    );
    let r = call(
        &b,
        "GET",
        "/protected",
        &[("Authorization", &bearer(&access))],
        None,
    )
    .await;
    assert_eq!(
        status_json(&r),
        (401, json!({"msg": "Token has been revoked"}))
    );
    // "Log out everywhere" on B: every token of the user, on A too.
    let r = call(
        &b,
        "POST",
        "/logout/all",
        &[("Authorization", &bearer(&renewed))],
        None,
    )
    .await;
    assert_eq!(status_json(&r), (200, json!({"msg": "All tokens revoked"})));
    let r = call(
        &a,
        "POST",
        "/refresh",
        &[("Authorization", &bearer(&refresh))],
        None,
    )
    .await;
    assert_eq!(
        status_json(&r),
        (401, json!({"msg": "Token has been revoked"}))
    );

    // A restart (a new instance, the old ones gone) loses none of it, and re-seeding keeps
    // the users as they are.
    drop((a, b));
    let c = instance(url, &[]).await;
    for t in [&access, &renewed] {
        let r = call(
            &c,
            "GET",
            "/protected",
            &[("Authorization", &bearer(t))],
            None,
        )
        .await;
        assert_eq!(
            status_json(&r),
            (401, json!({"msg": "Token has been revoked"}))
        );
    }
    let r = login(&c, "testuser", "testpass").await;
    assert_eq!(r.status.as_u16(), 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn sqlite_demo_shares_and_keeps_revocations() {
    let dir = TempDir::new();
    let url = format!("sqlite://{}", dir.0.join("demo.db").display());
    shared_revocations_and_restart(&url).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn postgres_demo_shares_and_keeps_revocations() {
    let pg = PgServer::start();
    shared_revocations_and_restart(&pg.url()).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn rotation_reuse_is_seen_across_instances() {
    let dir = TempDir::new();
    let url = format!("sqlite://{}", dir.0.join("rotate.db").display());
    let rotate = [("DEMO_ROTATE_REFRESH", "true")];
    let (a, b) = (instance(&url, &rotate).await, instance(&url, &rotate).await);
    let (access, refresh) = tokens(&login(&a, "testuser", "testpass").await);
    let r = call(
        &a,
        "POST",
        "/refresh",
        &[("Authorization", &bearer(&refresh))],
        None,
    )
    .await;
    assert_eq!(r.status.as_u16(), 200);
    // The rotated token replayed against the other instance: reuse, the login is revoked.
    let r = call(
        &b,
        "POST",
        "/refresh",
        &[("Authorization", &bearer(&refresh))],
        None,
    )
    .await;
    assert_eq!(
        status_json(&r),
        (
            401,
            json!({"msg": "Refresh token reuse detected: every token of this login was revoked"})
        )
    );
    let r = call(
        &a,
        "GET",
        "/protected",
        &[("Authorization", &bearer(&access))],
        None,
    )
    .await;
    assert_eq!(
        status_json(&r),
        (401, json!({"msg": "Token has been revoked"}))
    );
}

#[tokio::test]
async fn a_bad_database_url_stops_the_demo_with_a_clear_message() {
    let dir = TempDir::new();
    let missing_dir = format!("sqlite://{}/no-such-dir/demo.db", dir.0.display());
    let pg = PgServer::start();
    let missing_db = format!(
        "postgres://postgres:secret-pw@127.0.0.1:{}/no_such_db",
        pg.port()
    );
    let cases = [
        (
            "mysql://x:secret-pw@127.0.0.1/db".to_owned(),
            "DATABASE_URL: the scheme must be sqlite://PATH or postgres://… (and the demo built \
             with that database's feature: --features sqlite,postgres)"
                .to_owned(),
        ),
        (
            "postgres://user:secret-pw@127.0.0.1:1/db".to_owned(),
            "DATABASE_URL: connection refused: no database server listens at that address"
                .to_owned(),
        ),
        (
            missing_dir,
            format!(
                "DATABASE_URL: the directory {}/no-such-dir does not exist (SQLite creates the \
                 database file, not its directory)",
                dir.0.display()
            ),
        ),
        (
            missing_db,
            "DATABASE_URL: the database \"no_such_db\" does not exist on that server (create it \
             first, e.g. with createdb)"
                .to_owned(),
        ),
    ];
    for (url, expected) in cases {
        let vars = [("DATABASE_URL", url.as_str())];
        let err = demo::demo_app::start(demo::config(&vars), &demo::options(&vars))
            .await
            .expect_err("refused");
        assert_eq!(err, expected, "{url}");
        assert!(!err.contains("secret-pw"), "no password in {err}");
    }
}

fn options_error(vars: &[(&str, &str)]) -> String {
    demo::demo_app::Options::from_lookup(|name| {
        vars.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    })
    .unwrap_err()
}

/// `REDIS_CLUSTER_URLS` with another store stops start-up naming both; a near cache needs a
/// shared store.
#[test]
fn a_cluster_with_another_store_and_a_near_cache_alone_are_refused() {
    assert_eq!(
        options_error(&[
            ("REDIS_URL", "redis://127.0.0.1:6379/0"),
            ("REDIS_CLUSTER_URLS", "redis://127.0.0.1:7001,redis://127.0.0.1:7002"),
        ]),
        "REDIS_URL and REDIS_CLUSTER_URLS are both set: revocations live in one store; set one of them"
    );
    assert_eq!(
        options_error(&[
            ("REDIS_CLUSTER_URLS", "redis://127.0.0.1:7001"),
            ("DATABASE_URL", "postgres://app@127.0.0.1/app"),
        ]),
        "REDIS_CLUSTER_URLS and DATABASE_URL are both set: revocations live in one store; set one of them"
    );
    assert_eq!(
        options_error(&[("DEMO_NEAR_CACHE", "true")]),
        "DEMO_NEAR_CACHE=true needs a shared store: set REDIS_URL, REDIS_CLUSTER_URLS or a \
         postgres:// DATABASE_URL"
    );
    assert_eq!(
        options_error(&[
            ("REDIS_URL", "redis://127.0.0.1:6379/0"),
            ("DEMO_NEAR_CACHE", "yes")
        ]),
        "DEMO_NEAR_CACHE: \"yes\" is not true or false"
    );
}

/// One store for revocations: `REDIS_URL` and `DATABASE_URL` together stop start-up.
#[test]
fn redis_and_a_database_together_are_refused() {
    let vars = [
        ("REDIS_URL", "redis://127.0.0.1:6379/0"),
        ("DATABASE_URL", "sqlite://demo.db"),
    ];
    let err = demo::demo_app::Options::from_lookup(|name| {
        vars.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    })
    .unwrap_err();
    assert_eq!(
        err,
        "REDIS_URL and DATABASE_URL are both set: revocations live in one store; set one of them"
    );
}
