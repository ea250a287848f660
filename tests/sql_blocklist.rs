//! `SqlBlocklist` beyond the conformance suite (`blocklist_conformance.rs`): through a real
//! `Router`, shared by two managers, its table as another program sees it, the purge, table
//! names, pools of your own, errors that never show a URL or a password, and a PostgreSQL
//! outage seen as 503 and recovered with the revocations kept. SQLite tests use a temporary
//! file (`--features sqlite`); PostgreSQL tests start a server of their own
//! (`--features postgres`, see `common/pg.rs`).
#![cfg(any(feature = "sqlite", feature = "postgres"))]

mod common;

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use axum_jwt_extended::{
    get_jwt, get_jwt_identity, jwt_required, BlocklistStore, JwtManager, NoJwtContext,
    SqlBlocklist, SqlBlocklistOptions, StoreError, Verdict,
};
use serde_json::{json, Value};

use common::{bearer, config, get as get_req, request};

fn manager(store: SqlBlocklist) -> JwtManager {
    let (builder, _clock) = common::builder(config());
    builder.blocklist(store).build().expect("valid config")
}

#[jwt_required]
async fn protected() -> Result<Json<Value>, NoJwtContext> {
    Ok(Json(json!({ "logged_in_as": get_jwt_identity()? })))
}

#[jwt_required(verify_type = false)]
async fn logout(State(jwt): State<JwtManager>) -> Response {
    let claims = get_jwt().unwrap_or_default();
    match jwt.revoke_token(&claims).await {
        Ok(()) => Json(json!({ "msg": "revoked" })).into_response(),
        Err(e) => e.into_response(),
    }
}

fn app(jwt: JwtManager) -> Router {
    Router::new()
        .route("/protected", get(protected))
        .route("/logout", post(logout))
        .with_state(jwt)
}

fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// The store's message and every cause under it, as a log line would show them.
fn chain(e: &StoreError) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(" | ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// Revocation through one manager's `Router` is seen by another manager with its own store
/// on the same database; then every token of an identity.
async fn shared_revocation(first: SqlBlocklist, second: SqlBlocklist) {
    let (jwt1, jwt2) = (manager(first), manager(second));
    let (app1, app2) = (app(jwt1.clone()), app(jwt2));
    let token = jwt1.create_access_token("alice").unwrap();
    let auth = bearer(&token);

    let r = get_req(&app2, "/protected", &[("Authorization", &auth)]).await;
    assert_eq!(
        (r.status.as_u16(), r.json()),
        (200, json!({"logged_in_as": "alice"}))
    );
    let r = request(&app1, "POST", "/logout", &[("Authorization", &auth)], None).await;
    assert_eq!(
        (r.status.as_u16(), r.json()),
        (200, json!({"msg": "revoked"}))
    );
    for app in [&app1, &app2] {
        let r = get_req(app, "/protected", &[("Authorization", &auth)]).await;
        assert_eq!(
            (r.status.as_u16(), r.json()),
            (401, json!({"msg": "Token has been revoked"}))
        );
    }
    // Another token of the same user is untouched, until all of alice's are revoked.
    let other = bearer(&jwt1.create_access_token("alice").unwrap());
    let bob = bearer(&jwt1.create_access_token("bob").unwrap());
    let r = get_req(&app2, "/protected", &[("Authorization", &other)]).await;
    assert_eq!(r.status.as_u16(), 200);
    jwt1.revoke_all_tokens_of("alice", jwt1.now().as_secs())
        .await
        .unwrap();
    let r = get_req(&app2, "/protected", &[("Authorization", &other)]).await;
    assert_eq!(
        (r.status.as_u16(), r.json()),
        (401, json!({"msg": "Token has been revoked"}))
    );
    let r = get_req(&app2, "/protected", &[("Authorization", &bob)]).await;
    assert_eq!(
        (r.status.as_u16(), r.json()),
        (200, json!({"logged_in_as": "bob"}))
    );
}

#[cfg(feature = "sqlite")]
mod on_sqlite {
    use super::*;
    use axum_jwt_extended::sqlx::{self, SqlitePool};
    use common::TempDir;

    type Row = (i64, Vec<u8>, String, Option<i64>, Option<i64>);

    async fn rows(pool: &SqlitePool, table: &str) -> Vec<Row> {
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT kind, digest, item, cutoff, expires_at FROM {table} ORDER BY kind, item"
        )))
        .fetch_all(pool)
        .await
        .unwrap()
    }

    fn sha256(value: &str) -> Vec<u8> {
        use sha2::Digest;
        sha2::Sha256::digest(value.as_bytes()).to_vec()
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn two_managers_on_one_sqlite_file_share_revocations() {
        let dir = TempDir::new();
        let url = dir.sqlite_url("shared.db");
        let first = SqlBlocklist::connect(&url).await.unwrap();
        let second = SqlBlocklist::connect(&url).await.unwrap();
        shared_revocation(first, second).await;
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn the_table_as_another_program_sees_it() {
        let dir = TempDir::new();
        let url = dir.sqlite_url("layout.db");
        let options = SqlBlocklistOptions::new().purge_interval(None);
        let store = SqlBlocklist::connect_with(&url, options).await.unwrap();
        assert_eq!(store.table(), "jwt_blocklist");
        let before = now_secs();
        store
            .revoke("jti-ttl", Some(Duration::from_millis(1500)))
            .await
            .unwrap();
        store.revoke("jti-forever", None).await.unwrap();
        store.revoke("jti-huge", Some(Duration::MAX)).await.unwrap();
        store.revoke("nul\0jti", None).await.unwrap();
        store
            .revoke_identity_before("\"alice\"", u64::MAX, None)
            .await
            .unwrap();
        let after = now_secs();

        let pool = SqlitePool::connect(&url).await.unwrap();
        let rows = rows(&pool, "jwt_blocklist").await;
        assert_eq!(rows.len(), 5, "{rows:?}");
        let (kind, digest, item, cutoff, expires) = &rows[0];
        assert_eq!((*kind, item.as_str(), *cutoff), (0, "jti-forever", None));
        assert_eq!((digest, *expires), (&sha256("jti-forever"), None));
        assert_eq!((rows[1].2.as_str(), rows[1].4), ("jti-huge", None));
        // 1.5 s rounded up: never shorter than asked, at most a second longer.
        let ttl_row = &rows[2];
        assert_eq!(ttl_row.2, "jti-ttl");
        let expires = ttl_row.4.unwrap();
        assert!(
            (before + 2..=after + 3).contains(&expires),
            "expires_at {expires}, now {before}..{after}"
        );
        // The key is the value's digest; the readable column shows a NUL as U+FFFD.
        assert_eq!(
            (rows[3].1.clone(), rows[3].2.as_str()),
            (sha256("nul\0jti"), "nul\u{FFFD}jti")
        );
        // A u64::MAX cut-off is clamped to i64::MAX, kept forever.
        assert_eq!(
            (rows[4].0, rows[4].2.as_str(), rows[4].3, rows[4].4),
            (1, "\"alice\"", Some(i64::MAX), None)
        );
        let v = store.check("x", Some("\"alice\"")).await.unwrap();
        assert_eq!(v.identity_revoked_before, Some(i64::MAX as u64));
    }

    /// Rows written as if long ago: expired at read time, whatever the purge did.
    async fn insert_expired(pool: &SqlitePool, table: &str, kind: i64, value: &str, cutoff: i64) {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO {table} (kind, digest, item, cutoff, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)"
        )))
        .bind(kind)
        .bind(sha256(value))
        .bind(value)
        .bind((kind == 1).then_some(cutoff))
        .bind(now_secs() - 10)
        .execute(pool)
        .await
        .unwrap();
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn expired_rows_are_ignored_then_purged() {
        let dir = TempDir::new();
        let url = dir.sqlite_url("purge.db");
        let options = SqlBlocklistOptions::new()
            .table("revoked")
            .purge_interval(None);
        let store = SqlBlocklist::connect_with(&url, options).await.unwrap();
        let pool = SqlitePool::connect(&url).await.unwrap();
        insert_expired(&pool, "revoked", 0, "old-jti", 0).await;
        insert_expired(&pool, "revoked", 1, "\"old\"", 2_000_000_000).await;
        store
            .revoke("live", Some(Duration::from_secs(600)))
            .await
            .unwrap();
        store.revoke("forever", None).await.unwrap();

        let v = store.check("old-jti", Some("\"old\"")).await.unwrap();
        assert_eq!(v, Verdict::default(), "expired rows count for nothing");
        // An expired cut-off does not come back as the maximum: the new one replaces it.
        store
            .revoke_identity_before("\"old\"", 1_000, None)
            .await
            .unwrap();
        let v = store.check("x", Some("\"old\"")).await.unwrap();
        assert_eq!(v.identity_revoked_before, Some(1_000));
        // Revoking an expired jti again revokes it.
        insert_expired(&pool, "revoked", 0, "again", 0).await;
        store.revoke("again", None).await.unwrap();
        assert!(store.check("again", None).await.unwrap().jti_revoked);

        assert_eq!(store.purge_expired().await.unwrap(), 1, "only old-jti");
        let left: Vec<String> = rows(&pool, "revoked")
            .await
            .into_iter()
            .map(|r| r.2)
            .collect();
        assert_eq!(left, ["again", "forever", "live", "\"old\""]);
        assert_eq!(store.purge_expired().await.unwrap(), 0);
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn a_revocation_starts_the_background_purge() {
        let dir = TempDir::new();
        let url = dir.sqlite_url("background.db");
        let options = SqlBlocklistOptions::new().purge_interval(Some(Duration::from_secs(3600)));
        let store = SqlBlocklist::connect_with(&url, options).await.unwrap();
        let pool = SqlitePool::connect(&url).await.unwrap();
        for i in 0..5 {
            insert_expired(&pool, "jwt_blocklist", 0, &format!("old-{i}"), 0).await;
        }
        // The first revocation of a store purges (then at most once an hour here).
        store.revoke("new", None).await.unwrap();
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let items: Vec<String> = rows(&pool, "jwt_blocklist")
                .await
                .into_iter()
                .map(|r| r.2)
                .collect();
            if items == ["new"] {
                break;
            }
            assert!(Instant::now() < deadline, "not purged: {items:?}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        // Within the interval, no second purge.
        insert_expired(&pool, "jwt_blocklist", 0, "old-again", 0).await;
        store.revoke("newer", None).await.unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(rows(&pool, "jwt_blocklist").await.len(), 3);
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn table_names_are_checked_and_never_echoed() {
        let dir = TempDir::new();
        let url = dir.sqlite_url("names.db");
        for bad in [
            "x; DROP TABLE jwt_blocklist",
            "t\"",
            "",
            "1st",
            "a.b",
            "tab le",
            "ünï",
        ] {
            let options = SqlBlocklistOptions::new().table(bad);
            let e = SqlBlocklist::connect_with(&url, options).await.unwrap_err();
            assert_eq!(
                e.to_string(),
                "sql: invalid table name (1 to 48 ASCII letters, digits and underscores, not \
                 starting with a digit)"
            );
        }
        let store =
            SqlBlocklist::connect_with(&url, SqlBlocklistOptions::new().table("Revoked_Tokens_2"))
                .await
                .unwrap();
        store.revoke("j", None).await.unwrap();
        let pool = SqlitePool::connect(&url).await.unwrap();
        let tables: Vec<(String,)> =
            sqlx::query_as("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
                .fetch_all(&pool)
                .await
                .unwrap();
        // The store's table, its change feed, its sessions, and SQLite's own counter of
        // AUTOINCREMENT keys.
        assert_eq!(
            tables,
            [
                ("Revoked_Tokens_2".to_owned(),),
                ("Revoked_Tokens_2_changes".to_owned(),),
                ("Revoked_Tokens_2_sessions".to_owned(),),
                ("sqlite_sequence".to_owned(),)
            ]
        );
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn a_pool_of_your_own() {
        let dir = TempDir::new();
        let url = dir.sqlite_url("own.db");
        let pool = SqlitePool::connect(&url).await.unwrap();
        // Without the table and told not to create it: every call fails, the cause named.
        let options = SqlBlocklistOptions::new().create_table(false);
        let store = SqlBlocklist::from_sqlite_pool(pool.clone(), options)
            .await
            .unwrap();
        let e = store.check("j", None).await.unwrap_err();
        assert_eq!(e.to_string(), "sql: check: database error");
        assert!(
            chain(&e).contains("no such table: jwt_blocklist"),
            "{}",
            chain(&e)
        );
        let e = store.revoke("j", None).await.unwrap_err();
        assert_eq!(e.to_string(), "sql: revoke: database error");

        let store = SqlBlocklist::from_sqlite_pool(pool, SqlBlocklistOptions::new())
            .await
            .unwrap();
        store.revoke("j", None).await.unwrap();
        assert!(store.check("j", None).await.unwrap().jti_revoked);
        assert_eq!(
            format!("{store:?}"),
            "SqlBlocklist { database: \"sqlite\", table: \"jwt_blocklist\", query_timeout: \
             1.5s, purge_interval: Some(60s), .. }"
        );
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn bad_urls_fail_without_showing_them() {
        let e = SqlBlocklist::connect("mysql://root:hunter2@127.0.0.1/db")
            .await
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "sql: unsupported database URL (expected sqlite: or postgres:, with the cargo \
             feature of the same name)"
        );
        let e = SqlBlocklist::connect("no scheme at all").await.unwrap_err();
        assert!(e.to_string().starts_with("sql: unsupported database URL"));
        // A file that cannot be made: the message names the step, not the path.
        let e = SqlBlocklist::connect("sqlite:///nonexistent-dir-ajwt/secret-name.db?mode=rwc")
            .await
            .unwrap_err();
        assert_eq!(e.to_string(), "sql: connecting: database error");
        let e = SqlBlocklist::connect("sqlite://x.db?mode=bogus")
            .await
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "sql: parsing the database URL: invalid configuration"
        );
    }
}

#[cfg(feature = "postgres")]
mod on_postgres {
    use super::*;
    use axum_jwt_extended::sqlx::{self, PgPool};
    use common::pg::PgServer;

    #[tokio::test(flavor = "multi_thread")]
    async fn two_managers_on_one_postgres_share_revocations() {
        let server = PgServer::start();
        let first = SqlBlocklist::connect(&server.url()).await.unwrap();
        let second = SqlBlocklist::connect(&server.url()).await.unwrap();
        shared_revocation(first, second).await;
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn an_outage_is_a_503_and_revocations_survive_a_restart() {
        let mut server = PgServer::start();
        let store = SqlBlocklist::connect_with(
            &server.url(),
            SqlBlocklistOptions::new().query_timeout(Duration::from_millis(500)),
        )
        .await
        .unwrap();
        let jwt = manager(store);
        let app = app(jwt.clone());
        let (revoked, kept) = (
            bearer(&jwt.create_access_token("alice").unwrap()),
            bearer(&jwt.create_access_token("alice").unwrap()),
        );
        let r = request(
            &app,
            "POST",
            "/logout",
            &[("Authorization", &revoked)],
            None,
        )
        .await;
        assert_eq!(r.status.as_u16(), 200, "{}", r.text);

        server.stop();
        for auth in [&revoked, &kept] {
            let r = get_req(&app, "/protected", &[("Authorization", auth)]).await;
            assert_eq!(
                (r.status.as_u16(), r.json()),
                (503, json!({"msg": "Token revocation store unavailable"}))
            );
        }
        let r = request(&app, "POST", "/logout", &[("Authorization", &kept)], None).await;
        assert_eq!(
            (r.status.as_u16(), r.json()),
            (503, json!({"msg": "Token revocation store unavailable"}))
        );

        server.restart();
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let r = get_req(&app, "/protected", &[("Authorization", &kept)]).await;
            if r.status.as_u16() == 200 {
                assert_eq!(r.json(), json!({"logged_in_as": "alice"}));
                break;
            }
            assert_eq!(r.status.as_u16(), 503, "{}", r.text);
            assert!(Instant::now() < deadline, "no recovery");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        // The revocation made before the outage is still there.
        let r = get_req(&app, "/protected", &[("Authorization", &revoked)]).await;
        assert_eq!(
            (r.status.as_u16(), r.json()),
            (401, json!({"msg": "Token has been revoked"}))
        );
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn stores_made_at_once_do_not_race_on_the_table() {
        let server = PgServer::start();
        let url = server.url();
        let made: Vec<_> = (0..8)
            .map(|_| {
                let url = url.clone();
                tokio::spawn(async move {
                    let options = SqlBlocklistOptions::new().table("raced").max_connections(2);
                    SqlBlocklist::connect_with(&url, options).await
                })
            })
            .collect();
        let mut stores = Vec::new();
        for m in made {
            stores.push(m.await.unwrap().map_err(|e| chain(&e)).unwrap());
        }
        stores[0].revoke("j", None).await.unwrap();
        assert!(stores[7].check("j", None).await.unwrap().jti_revoked);
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn the_table_as_psql_sees_it_and_a_pool_of_your_own() {
        let server = PgServer::start();
        let pool = PgPool::connect(&server.url()).await.unwrap();
        let store =
            SqlBlocklist::from_pg_pool(pool.clone(), SqlBlocklistOptions::new().table("Revoked"))
                .await
                .unwrap();
        store.revoke("j\0nul", Some(Duration::MAX)).await.unwrap();
        store
            .revoke_identity_before("{\"id\":5}", 1_700_000_000, Some(Duration::from_secs(60)))
            .await
            .unwrap();
        let columns: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT column_name::text, data_type::text, is_nullable::text \
             FROM information_schema.columns WHERE table_name = 'Revoked' ORDER BY ordinal_position",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        let columns: Vec<_> = columns
            .iter()
            .map(|(n, t, null)| format!("{n} {t} {null}"))
            .collect();
        assert_eq!(
            columns,
            [
                "kind smallint NO",
                "digest bytea NO",
                "item text NO",
                "cutoff bigint YES",
                "expires_at bigint YES",
            ]
        );
        let rows: Vec<(i16, String, Option<i64>, Option<i64>)> =
            sqlx::query_as("SELECT kind, item, cutoff, expires_at FROM \"Revoked\" ORDER BY kind")
                .fetch_all(&pool)
                .await
                .unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(
            (rows[0].0, rows[0].1.as_str(), rows[0].2, rows[0].3),
            (0, "j\u{FFFD}nul", None, None)
        );
        assert_eq!(
            (rows[1].0, rows[1].1.as_str(), rows[1].2),
            (1, "{\"id\":5}", Some(1_700_000_000))
        );
        let expires = rows[1].3.unwrap();
        assert!(
            (now_secs() + 59..=now_secs() + 61).contains(&expires),
            "{expires}"
        );
        let index: (String,) = sqlx::query_as(
            "SELECT indexname::text FROM pg_indexes WHERE tablename = 'Revoked' AND indexname LIKE '%expires_at'",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(index.0, "Revoked_expires_at");
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn connection_errors_show_no_password() {
        let server = PgServer::start();
        // A role that does not exist, with a password: refused by the server.
        let url = format!(
            "postgres://nobody_here:hunter2-pg-secret@127.0.0.1:{}/postgres",
            server.port()
        );
        let e = SqlBlocklist::connect(&url).await.unwrap_err();
        let text = chain(&e);
        assert!(!text.contains("hunter2"), "{text}");
        assert!(e.to_string().starts_with("sql: connecting: "), "{text}");
        assert!(
            text.contains("nobody_here"),
            "the driver's cause is kept: {text}"
        );

        // Nothing listening: refused until the connect timeout.
        drop(server);
        let options = SqlBlocklistOptions::new().connect_timeout(Duration::from_millis(300));
        let started = Instant::now();
        let e = SqlBlocklist::connect_with(&url, options).await.unwrap_err();
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{:?}",
            started.elapsed()
        );
        let text = chain(&e);
        assert!(!text.contains("hunter2"), "{text}");
        assert!(e.to_string().starts_with("sql: connecting: "), "{text}");
    }
}
