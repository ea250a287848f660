//! The demo's keys across services (examples/demo/README.md, issue #11): the JWK Set route with
//! asymmetric keys and retired keys (404 with HMAC), and a second demo verifying against the
//! first one's JWK Set (`JWT_JWKS_URL`): in-process, then with real processes through a key
//! rotation, the issuer restarted with other keys between phases and the verifier never.
#![cfg(feature = "jwks")]

mod common;
#[path = "common/demo.rs"]
mod demo;

use std::net::SocketAddr;

use std::time::Duration;

use axum_jwt_extended::JwtConfig;
use serde_json::{json, Value};

use common::keys::{ED_PUBLIC, RSA2_PRIVATE, RSA2_PUBLIC, RSA_PRIVATE, RSA_PUBLIC};
use common::process::{demo_bin, free_addr, start};
use common::{bearer, msg, status_json};
use demo::{call, demo_app, login, tokens};

fn config(vars: &[(&str, &str)]) -> JwtConfig {
    JwtConfig::from_lookup(|name| {
        vars.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    })
    .expect("valid configuration")
}

#[tokio::test]
async fn the_jwk_set_route() {
    // HMAC: 404.
    let app = demo::demo(&[]);
    let r = call(&app, "GET", "/.well-known/jwks.json", &[], None).await;
    assert_eq!(r.status, 404);

    // RS256 with a retired RSA key and a retired Ed25519 key.
    let retired = format!("{RSA_PUBLIC}{ED_PUBLIC}");
    let app = demo_app::demo(
        config(&[
            ("JWT_ALGORITHM", "RS256"),
            ("JWT_PRIVATE_KEY", RSA2_PRIVATE),
            ("JWT_PUBLIC_KEY", RSA2_PUBLIC),
            ("JWT_RETIRED_PUBLIC_KEYS", &retired),
        ]),
        &Default::default(),
    )
    .unwrap();
    let r = call(&app, "GET", "/.well-known/jwks.json", &[], None).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.headers["cache-control"], "public, max-age=300");
    let set = r.json();
    let keys = set["keys"].as_array().unwrap();
    let described: Vec<Value> = keys
        .iter()
        .map(|k| json!([k["kty"], k["alg"], k["use"]]))
        .collect();
    assert_eq!(
        described,
        [
            json!(["RSA", "RS256", "sig"]),
            json!(["RSA", "RS256", "sig"]),
            json!(["OKP", "EdDSA", "sig"])
        ]
    );
    assert!(keys.iter().all(|k| k.get("d").is_none()));
    let r = login(&app, "admin", "adminpass").await;
    let (access, _) = tokens(&r);
    let a = bearer(&access);
    let r = call(&app, "GET", "/claims", &[("Authorization", &a)], None).await;
    assert_eq!(r.json()["header"]["kid"], keys[0]["kid"]);
    // OPTIONS is answered without a token, as on every route.
    let r = call(&app, "OPTIONS", "/.well-known/jwks.json", &[], None).await;
    assert!(r.status.is_success());
}

#[tokio::test]
async fn a_demo_verifying_against_another_demos_jwk_set() {
    let issuer = demo_app::demo(
        config(&[
            ("JWT_ALGORITHM", "RS256"),
            ("JWT_PRIVATE_KEY", RSA_PRIVATE),
            ("JWT_PUBLIC_KEY", RSA_PUBLIC),
        ]),
        &Default::default(),
    )
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!(
        "http://{}/.well-known/jwks.json",
        listener.local_addr().unwrap()
    );
    let served = issuer.clone();
    let server = tokio::spawn(async move { axum::serve(listener, served).await });

    let verifier = demo_app::start(config(&[("JWT_JWKS_URL", &url)]), &Default::default())
        .await
        .unwrap();
    let r = login(&verifier, "testuser", "testpass").await;
    assert_eq!(
        status_json(&r),
        (501, msg("This service only verifies tokens"))
    );
    let (access, refresh) = tokens(&login(&issuer, "admin", "adminpass").await);
    let a = bearer(&access);
    let r = call(
        &verifier,
        "GET",
        "/protected",
        &[("Authorization", &a)],
        None,
    )
    .await;
    assert_eq!(status_json(&r), (200, json!({"logged_in_as": "admin"})));
    let r = call(&verifier, "GET", "/admin", &[("Authorization", &a)], None).await;
    assert_eq!(r.status, 200);
    // The claims in the token's own order under JWT_JWKS_URL too, as everywhere.
    let r = call(&verifier, "GET", "/claims", &[("Authorization", &a)], None).await;
    let payload = access.split('.').nth(1).unwrap();
    let payload = {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap()
    };
    let start = r.text.find("\"claims\":").unwrap() + "\"claims\":".len();
    assert_eq!(
        common::member_order(&r.text[start..]),
        common::member_order(std::str::from_utf8(&payload).unwrap()),
        "{}",
        r.text
    );
    let r = call(
        &verifier,
        "POST",
        "/refresh",
        &[("Authorization", &bearer(&refresh))],
        None,
    )
    .await;
    assert_eq!(
        status_json(&r),
        (501, msg("This service only verifies tokens"))
    );
    // It publishes no keys of its own.
    let r = call(&verifier, "GET", "/.well-known/jwks.json", &[], None).await;
    assert_eq!(r.status, 404);
    // A token from elsewhere (HMAC, no kid): 422, not 5xx.
    let other = demo::demo(&[]);
    let (hs, _) = tokens(&login(&other, "admin", "adminpass").await);
    let r = call(
        &verifier,
        "GET",
        "/protected",
        &[("Authorization", &bearer(&hs))],
        None,
    )
    .await;
    assert_eq!(r.status, 422);
    server.abort();
}

// ---- real processes -------------------------------------------------------------------------

async fn http(method: &str, url: String, token: Option<&str>, body: Option<Value>) -> (u16, Value) {
    let client = common::http();
    let mut req = client.request(method.parse().unwrap(), url);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(b) = body {
        req = req
            .header("Content-Type", "application/json")
            .body(b.to_string());
    }
    let r = req.send().await.expect("request");
    let status = r.status().as_u16();
    let text = r.text().await.unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

async fn login_at(addr: SocketAddr) -> String {
    let (status, body) = http(
        "POST",
        format!("http://{addr}/login"),
        None,
        Some(json!({"username": "testuser", "password": "testpass"})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body["access_token"].as_str().unwrap().to_owned()
}

async fn protected(addr: SocketAddr, token: &str) -> (u16, Value) {
    http("GET", format!("http://{addr}/protected"), Some(token), None).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotation_across_real_processes() {
    let bin = tokio::task::spawn_blocking(demo_bin).await.unwrap();
    let issuer_addr = free_addr();
    let verifier_addr = free_addr();
    let issuer_env = |private: &'static str, public: &'static str, retired: &'static str| {
        vec![
            ("JWT_ALGORITHM", "RS256"),
            ("JWT_PRIVATE_KEY", private),
            ("JWT_PUBLIC_KEY", public),
            ("JWT_RETIRED_PUBLIC_KEYS", retired),
            ("JWT_JWKS_MAX_AGE", "1"),
        ]
    };
    let ok = (200, json!({"logged_in_as": "testuser"}));

    // Phase 1: the issuer signs with A; the verifier starts and fetches its set.
    let issuer = start(&bin, issuer_addr, &issuer_env(RSA_PRIVATE, RSA_PUBLIC, "")).await;
    let jwks_url = format!("http://{issuer_addr}/.well-known/jwks.json");
    let verifier = start(
        &bin,
        verifier_addr,
        &[
            ("JWT_JWKS_URL", &jwks_url),
            ("JWT_JWKS_REFRESH_FLOOR", "1"),
            ("JWT_JWKS_UNKNOWN_KID_INTERVAL", "1"),
        ],
    )
    .await;
    let (status, body) = http(
        "POST",
        format!("http://{verifier_addr}/login"),
        None,
        Some(json!({"username": "testuser", "password": "testpass"})),
    )
    .await;
    assert_eq!(
        (status, body),
        (501, msg("This service only verifies tokens"))
    );
    let token_a = login_at(issuer_addr).await;
    assert_eq!(protected(verifier_addr, &token_a).await, ok);

    // The issuer is down (restarting): the verifier keeps its cached keys.
    drop(issuer);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(protected(verifier_addr, &token_a).await, ok);

    // Phase 2: the issuer signs with B and keeps A as retired; both verify.
    let issuer = start(
        &bin,
        issuer_addr,
        &issuer_env(RSA2_PRIVATE, RSA2_PUBLIC, RSA_PUBLIC),
    )
    .await;
    let token_b = login_at(issuer_addr).await;
    assert_eq!(protected(verifier_addr, &token_b).await, ok);
    assert_eq!(protected(verifier_addr, &token_a).await, ok);
    drop(issuer);

    // Phase 3: A is retired for good; the verifier learns it without a restart.
    let _issuer = start(
        &bin,
        issuer_addr,
        &issuer_env(RSA2_PRIVATE, RSA2_PUBLIC, ""),
    )
    .await;
    let mut refused = None;
    for _ in 0..100 {
        let r = protected(verifier_addr, &token_a).await;
        if r.0 == 422 {
            refused = Some(r);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(refused, Some((422, msg("Unknown key id"))));
    assert_eq!(protected(verifier_addr, &token_b).await, ok);
    drop(verifier);
}
