//! Revocation shared through a real Redis: two managers (two "processes") on one Redis, a
//! Redis outage (fail closed with 503) and recovery. Each test starts its own `redis-server`
//! on a free loopback port (`scripts/test.sh` installs it when missing).
#![cfg(feature = "redis")]

mod common;

use std::time::{Duration, Instant};

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use axum_jwt_extended::{
    get_jwt, get_jwt_identity, jwt_required, JwtManager, NoJwtContext, RedisBlocklist,
};
use serde_json::{json, Value};

use common::redis_server::RedisServer;
use common::{bearer, config, get as get_req, request};

fn manager(url: &str) -> JwtManager {
    let (builder, _clock) = common::builder(config());
    builder
        .blocklist(RedisBlocklist::new(url).expect("valid url"))
        .build()
        .expect("valid config")
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

#[tokio::test(flavor = "multi_thread")]
async fn revocation_through_one_manager_is_seen_by_another() {
    let redis = RedisServer::start();
    let first = manager(&redis.url());
    let second = manager(&redis.url());
    let (app1, app2) = (app(first.clone()), app(second));
    let token = first.create_access_token("alice").unwrap();
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
    // Another token of the same user is untouched.
    let other = first.create_access_token("alice").unwrap();
    let r = get_req(&app2, "/protected", &[("Authorization", &bearer(&other))]).await;
    assert_eq!(r.status.as_u16(), 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn revoked_key_has_the_tokens_remaining_lifetime_as_ttl() {
    let redis = RedisServer::start();
    let jwt = manager(&redis.url());
    let token = jwt.create_access_token("alice").unwrap();
    let claims = jwt.decode_token(&token).unwrap();
    jwt.revoke_token(&claims).await.unwrap();
    let client = redis::Client::open(redis.url()).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    let key = key_of("\"alice\"", &format!("jti:{}", claims.jti().unwrap()));
    let ttl: i64 = redis::cmd("TTL")
        .arg(&key)
        .query_async(&mut conn)
        .await
        .unwrap();
    // The fixed clock says the token has 900 s left; Redis counts from its own clock.
    assert!((1..=900).contains(&ttl), "ttl {ttl}");

    // With a decode leeway the token is accepted that much longer: so is it kept revoked.
    let mut c = config();
    c.decode_leeway = std::time::Duration::from_secs(60);
    let lenient = common::builder(c)
        .0
        .blocklist(RedisBlocklist::new(&redis.url()).expect("valid url"))
        .build()
        .unwrap();
    let claims = lenient
        .decode_token(&lenient.create_access_token("alice").unwrap())
        .unwrap();
    lenient.revoke_token(&claims).await.unwrap();
    let key = key_of("\"alice\"", &format!("jti:{}", claims.jti().unwrap()));
    let ttl: i64 = redis::cmd("TTL")
        .arg(&key)
        .query_async(&mut conn)
        .await
        .unwrap();
    assert!((901..=960).contains(&ttl), "ttl {ttl} covers exp + leeway");
}

#[tokio::test(flavor = "multi_thread")]
async fn redis_outage_fails_closed_with_503_and_recovers() {
    let mut redis = RedisServer::start();
    let jwt = manager(&redis.url());
    let app = app(jwt.clone());
    let token = jwt.create_access_token("alice").unwrap();
    let auth = bearer(&token);

    let r = get_req(&app, "/protected", &[("Authorization", &auth)]).await;
    assert_eq!(r.status.as_u16(), 200);

    redis.stop();
    let r = get_req(&app, "/protected", &[("Authorization", &auth)]).await;
    assert_eq!(r.status.as_u16(), 503, "{}", r.text);
    assert!(
        r.msg().starts_with("Token revocation store unavailable"),
        "{}",
        r.text
    );
    let r = request(&app, "POST", "/logout", &[("Authorization", &auth)], None).await;
    assert_eq!(r.status.as_u16(), 503, "{}", r.text);

    redis.spawn();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let r = get_req(&app, "/protected", &[("Authorization", &auth)]).await;
        if r.status.as_u16() == 200 {
            assert_eq!(r.json(), json!({"logged_in_as": "alice"}));
            break;
        }
        assert_eq!(r.status.as_u16(), 503, "{}", r.text);
        assert!(
            Instant::now() < deadline,
            "no recovery after Redis came back"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // And revocation works again.
    let r = request(&app, "POST", "/logout", &[("Authorization", &auth)], None).await;
    assert_eq!(r.status.as_u16(), 200);
    let r = get_req(&app, "/protected", &[("Authorization", &auth)]).await;
    assert_eq!(
        (r.status.as_u16(), r.msg().as_str()),
        (401, "Token has been revoked")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn revoke_every_token_of_an_identity() {
    let redis = RedisServer::start();
    let jwt = manager(&redis.url());
    let app = app(jwt.clone());
    let old = jwt.create_access_token("alice").unwrap();
    let bob = jwt.create_access_token("bob").unwrap();
    jwt.revoke_all_tokens_of("alice", jwt.now().as_secs())
        .await
        .unwrap();
    let r = get_req(&app, "/protected", &[("Authorization", &bearer(&old))]).await;
    assert_eq!(
        (r.status.as_u16(), r.msg().as_str()),
        (401, "Token has been revoked")
    );
    let r = get_req(&app, "/protected", &[("Authorization", &bearer(&bob))]).await;
    assert_eq!(r.status.as_u16(), 200);
}

/// A key of the documented layout: `<prefix>{<16 hex digits of SHA-256(identity)>}:<rest>`.
fn key_of(identity: &str, rest: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(identity.as_bytes());
    format!("axum-jwt-extended:{{{}}}:{rest}", hex::encode(&digest[..8]))
}

async fn redis_conn(redis: &RedisServer) -> redis::aio::MultiplexedConnection {
    redis::Client::open(redis.url())
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_huge_lifetime_is_revoked_for_good() {
    // `exp` far past anything Redis can count as a TTL: kept without one, never a 503.
    let redis = RedisServer::start();
    let jwt = manager(&redis.url());
    let claims = common::craft::token(&json!({
        "sub": "alice", "type": "access", "jti": "huge", "fresh": false,
        "iat": jwt.now().as_secs(), "exp": 10_000_000_000_000_000_000u64,
    }));
    let claims = jwt.decode_token(&claims).unwrap();
    jwt.revoke_token(&claims).await.unwrap();
    assert!(jwt.is_token_revoked(&claims).await.unwrap());
    let ttl: i64 = redis::cmd("TTL")
        .arg(key_of("\"alice\"", "jti:huge"))
        .query_async(&mut redis_conn(&redis).await)
        .await
        .unwrap();
    assert_eq!(ttl, -1, "kept without expiry");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_identity_cut_off_is_kept_by_maximum_and_forever() {
    let redis = RedisServer::start();
    let jwt = manager(&redis.url());
    let now = jwt.now().as_secs();
    let token = jwt.create_access_token("alice").unwrap();
    let claims = jwt.decode_token(&token).unwrap();
    jwt.revoke_all_tokens_of("alice", now).await.unwrap();
    // A later call with an older time does not lower it.
    jwt.revoke_all_tokens_of("alice", now - 1000).await.unwrap();
    assert!(jwt.is_token_revoked(&claims).await.unwrap());
    // Concurrent calls keep the latest.
    let calls: Vec<_> = (0..32u64)
        .map(|i| {
            let jwt = jwt.clone();
            tokio::spawn(async move { jwt.revoke_all_tokens_of("bob", now - 31 + i).await })
        })
        .collect();
    for c in calls {
        c.await.unwrap().unwrap();
    }
    let mut conn = redis_conn(&redis).await;
    let kept: u64 = redis::cmd("GET")
        .arg(key_of("\"bob\"", "cut"))
        .query_async(&mut conn)
        .await
        .unwrap();
    assert_eq!(kept, now);
    // No TTL: a token made with a long `expires_delta` cannot outlive the cut-off.
    let ttl: i64 = redis::cmd("TTL")
        .arg(key_of("\"alice\"", "cut"))
        .query_async(&mut conn)
        .await
        .unwrap();
    assert_eq!(ttl, -1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_rotations_through_redis_have_one_winner() {
    let redis = RedisServer::start();
    // Two "processes" on one Redis rotate the same refresh token at once.
    let (a, b) = (manager(&redis.url()), manager(&redis.url()));
    for _ in 0..10 {
        let pair = a
            .create_token_pair("alice", axum_jwt_extended::TokenOptions::new())
            .unwrap();
        let claims = a.decode_token(&pair.refresh_token).unwrap();
        let tasks: Vec<_> = (0..8)
            .map(|i| {
                let jwt = if i % 2 == 0 { a.clone() } else { b.clone() };
                let claims = claims.clone();
                tokio::spawn(async move {
                    jwt.rotate_refresh_token(&claims, "alice", Default::default())
                        .await
                        .map_err(|e| e.status().as_u16())
                })
            })
            .collect();
        let mut outcomes = Vec::new();
        for t in tasks {
            outcomes.push(t.await.unwrap().map(|_| 200).unwrap_or_else(|s| s));
        }
        outcomes.sort();
        assert_eq!(outcomes, [200, 401, 401, 401, 401, 401, 401, 401]);
        // The whole login is revoked, seen by both.
        let access = a.decode_token(&pair.access_token).unwrap();
        assert!(b.is_token_revoked(&access).await.unwrap());
    }
}

/// A protected request of a session makes one store command, as one without: the session's
/// end is its family's revocation, read by the same `MGET`.
#[tokio::test(flavor = "multi_thread")]
async fn a_session_adds_no_store_round_trip() {
    let redis = RedisServer::start();
    let jwt = JwtManager::builder(axum_jwt_extended::JwtConfig::with_secret(common::SECRET))
        .blocklist(RedisBlocklist::new(&redis.url()).unwrap())
        .sessions(axum_jwt_extended::SessionPolicy::new())
        .build()
        .unwrap();
    jwt.connect_blocklist().await.unwrap();
    let app = app(jwt.clone());
    let session = jwt
        .start_session(
            "alice",
            axum_jwt_extended::TokenOptions::new(),
            axum_jwt_extended::SessionOptions::new(),
        )
        .await
        .unwrap()
        .access_token;
    let plain = jwt.create_access_token("alice").unwrap();
    let url = redis.url();
    let commands = || async {
        let mut conn = redis::Client::open(url.as_str())
            .unwrap()
            .get_multiplexed_async_connection()
            .await
            .unwrap();
        let stats: String = redis::cmd("INFO")
            .arg("commandstats")
            .query_async(&mut conn)
            .await
            .unwrap();
        stats
            .lines()
            .filter(|l| l.starts_with("cmdstat_") && !l.starts_with("cmdstat_info:"))
            .filter_map(|l| {
                l.split("calls=")
                    .nth(1)?
                    .split(',')
                    .next()?
                    .parse::<u64>()
                    .ok()
            })
            .sum::<u64>()
    };
    let mut per_request = Vec::new();
    for token in [&plain, &session] {
        let before = commands().await;
        for _ in 0..20 {
            let r = get_req(&app, "/protected", &[("Authorization", &bearer(token))]).await;
            assert_eq!(r.status.as_u16(), 200);
        }
        per_request.push((commands().await - before) as f64 / 20.0);
    }
    assert_eq!(
        per_request,
        vec![1.0, 1.0],
        "store commands per request: plain, session"
    );
}
