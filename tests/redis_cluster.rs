//! The Redis store on a real Redis Cluster of three masters (started by each test, see
//! `common/redis_cluster.rs`), through a `Router`: a check is one command to one node, and a
//! slot moved to another master while the cluster serves (`MOVED`, and `ASK` in the middle of
//! the move) loses no revocation.
#![cfg(feature = "redis")]

mod common;

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use axum_jwt_extended::{
    get_jwt, get_jwt_identity, jwt_required, JwtManager, NoJwtContext, RedisBlocklist,
};
use serde_json::{json, Value};

use common::redis_cluster::RedisCluster;
use common::{bearer, config, get as get_req, request};

fn manager(cluster: &RedisCluster) -> JwtManager {
    let (builder, _clock) = common::builder(config());
    builder
        .blocklist(RedisBlocklist::cluster(cluster.urls()).expect("valid urls"))
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
    match jwt.revoke_login(&claims).await {
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

/// The hash tag of an identity in the documented key layout.
fn tag(identity: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(identity.as_bytes());
    format!("{{{}}}", hex::encode(&digest[..8]))
}

async fn status(app: &Router, token: &str) -> (u16, Value) {
    let r = get_req(app, "/protected", &[("Authorization", &bearer(token))]).await;
    (r.status.as_u16(), r.json())
}

async fn logout_of(app: &Router, token: &str) {
    let r = request(
        app,
        "POST",
        "/logout",
        &[("Authorization", &bearer(token))],
        None,
    )
    .await;
    assert_eq!(r.status.as_u16(), 200, "{:?}", r.json());
}

fn revoked() -> (u16, Value) {
    (401, json!({"msg": "Token has been revoked"}))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_check_of_a_family_token_is_one_mget_to_the_node_of_its_identity() {
    let cluster = RedisCluster::start();
    let jwt = manager(&cluster);
    let app = app(jwt.clone());
    jwt.connect_blocklist().await.unwrap();
    // A login family: the check reads the jti, the identity's cut-off and the family.
    let pair = jwt
        .create_token_pair("alice", axum_jwt_extended::TokenOptions::default())
        .unwrap();
    let owner = cluster.owner_of(cluster.slot_of(&tag("\"alice\"")));
    let before = cluster.calls("mget");
    assert_eq!(
        status(&app, &pair.access_token).await,
        (200, json!({"logged_in_as": "alice"}))
    );
    let after = cluster.calls("mget");
    let sent: Vec<u64> = after.iter().zip(&before).map(|(a, b)| a - b).collect();
    let mut expected = vec![0, 0, 0];
    expected[owner] = 1;
    assert_eq!(sent, expected, "one MGET, to the master of alice's slot");
}

#[tokio::test(flavor = "multi_thread")]
async fn revocations_survive_a_slot_moving_to_another_master() {
    let cluster = RedisCluster::start();
    let (first, second) = (manager(&cluster), manager(&cluster));
    let (app1, app2) = (app(first.clone()), app(second));
    let slot = cluster.slot_of(&tag("\"alice\""));
    let from = cluster.owner_of(slot);
    let to = (from + 1) % 3;

    // Three logins: one revoked by jti, one as a whole (its family), one kept.
    let by_jti = first.create_access_token("alice").unwrap();
    let login = first
        .create_token_pair("alice", axum_jwt_extended::TokenOptions::default())
        .unwrap();
    let kept = first.create_access_token("alice").unwrap();
    logout_of(&app1, &by_jti).await;
    logout_of(&app1, &login.refresh_token).await;
    for app in [&app1, &app2] {
        assert_eq!(status(app, &by_jti).await, revoked());
        assert_eq!(status(app, &login.access_token).await, revoked());
        assert_eq!(
            status(app, &kept).await,
            (200, json!({"logged_in_as": "alice"}))
        );
    }

    // Halfway: one key moved, the others not yet (clients meet ASK and TRYAGAIN).
    let from_again = cluster.begin_migration(slot, to, 1);
    assert_eq!(from_again, from);
    for app in [&app1, &app2] {
        assert_eq!(status(app, &by_jti).await, revoked());
        assert_eq!(status(app, &login.access_token).await, revoked());
    }

    // Done: the slot is served by the other master (MOVED).
    cluster.finish_migration(slot, from, to);
    assert_eq!(cluster.owner_of(slot), to);
    for app in [&app1, &app2] {
        assert_eq!(status(app, &by_jti).await, revoked());
        assert_eq!(status(app, &login.access_token).await, revoked());
        assert_eq!(
            status(app, &kept).await,
            (200, json!({"logged_in_as": "alice"}))
        );
    }
    // A revocation after the move lands on the new master and is seen by both.
    logout_of(&app2, &kept).await;
    for app in [&app1, &app2] {
        assert_eq!(status(app, &kept).await, revoked());
    }
    let before = cluster.calls("mget");
    assert_eq!(status(&app1, &by_jti).await, revoked());
    let after = cluster.calls("mget");
    assert_eq!(
        after[to] - before[to],
        1,
        "after the move, the check is one MGET to the new master"
    );
}
