//! The Redis store in production shape, against real `redis-server`s: `rediss://` (TLS) with
//! a private CA through a client of your own, a connection manager of your own, configurable
//! timeouts, and revocations that survive a restart only with persistence (AOF) on.
#![cfg(feature = "redis-tls")]

mod common;

use std::process::Command;
use std::time::Duration;

use axum_jwt_extended::testing::blocklist_conformance;
use axum_jwt_extended::{JwtManager, RedisBlocklist, RedisTimeouts};

use common::redis_server::RedisServer;
use common::{config, TempDir};

fn manager_on(store: RedisBlocklist) -> JwtManager {
    common::builder(config())
        .0
        .blocklist(store)
        .build()
        .unwrap()
}

/// A CA and a server certificate for 127.0.0.1, made with the `openssl` command.
fn certificates(dir: &TempDir) -> (String, String, String) {
    let path = |f: &str| dir.0.join(f).display().to_string();
    let run = |args: &[&str]| {
        let out = Command::new("openssl")
            .args(args)
            .output()
            .expect("openssl");
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=test-ca",
        "-keyout",
        &path("ca.key"),
        "-out",
        &path("ca.crt"),
    ]);
    run(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=127.0.0.1",
        "-keyout",
        &path("server.key"),
        "-out",
        &path("server.csr"),
    ]);
    std::fs::write(dir.0.join("ext.cnf"), "subjectAltName=IP:127.0.0.1\n").unwrap();
    run(&[
        "x509",
        "-req",
        "-in",
        &path("server.csr"),
        "-CA",
        &path("ca.crt"),
        "-CAkey",
        &path("ca.key"),
        "-CAcreateserial",
        "-days",
        "1",
        "-extfile",
        &path("ext.cnf"),
        "-out",
        &path("server.crt"),
    ]);
    (path("ca.crt"), path("server.crt"), path("server.key"))
}

#[tokio::test(flavor = "multi_thread")]
async fn rediss_with_a_private_ca_conforms() {
    let dir = TempDir::new();
    let (ca, cert, key) = certificates(&dir);
    let redis = RedisServer::start_with(|port| {
        [
            "--port",
            "0",
            "--tls-port",
            &port.to_string(),
            "--tls-cert-file",
            &cert,
            "--tls-key-file",
            &key,
            "--tls-ca-cert-file",
            &ca,
            "--tls-auth-clients",
            "no",
        ]
        .map(str::to_owned)
        .to_vec()
    });
    let url = format!("rediss://127.0.0.1:{}/0", redis.port());
    let client = redis::Client::build_with_tls(
        url.as_str(),
        redis::TlsCertificates {
            client_tls: None,
            root_cert: Some(std::fs::read(&ca).unwrap()),
        },
    )
    .unwrap();
    blocklist_conformance(RedisBlocklist::from_client(client.clone())).await;

    // Through a manager: a revocation over TLS is seen by another process on the same Redis.
    let (a, b) = (
        manager_on(RedisBlocklist::from_client(client.clone())),
        manager_on(RedisBlocklist::from_client(client)),
    );
    let claims = a
        .decode_token(&a.create_access_token("alice").unwrap())
        .unwrap();
    a.revoke_token(&claims).await.unwrap();
    assert!(b.is_token_revoked(&claims).await.unwrap());

    // The public roots do not know this CA: the handshake fails, and the request fails closed.
    let untrusted = manager_on(RedisBlocklist::new(&url).unwrap());
    let err = untrusted.is_token_revoked(&claims).await.unwrap_err();
    assert_eq!(
        (err.status().as_u16(), err.message()),
        (503, "Token revocation store unavailable".to_owned())
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_connection_manager_of_your_own() {
    let redis = RedisServer::start();
    let client = redis::Client::open(redis.url()).unwrap();
    let conn = redis::aio::ConnectionManager::new(client).await.unwrap();
    blocklist_conformance(RedisBlocklist::from_connection_manager(conn)).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn timeouts_bound_a_silent_redis() {
    // A listener that accepts and never answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let _keep = std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in silent.incoming().flatten().take(16) {
            held.push(s);
        }
    });
    let store = RedisBlocklist::new(&format!("redis://127.0.0.1:{port}/0"))
        .unwrap()
        .with_timeouts(RedisTimeouts {
            connect: Duration::from_millis(200),
            response: Duration::from_millis(200),
        });
    let jwt = manager_on(store);
    let claims = jwt
        .decode_token(&jwt.create_access_token("alice").unwrap())
        .unwrap();
    let started = std::time::Instant::now();
    let err = jwt.is_token_revoked(&claims).await.unwrap_err();
    assert_eq!(err.status().as_u16(), 503);
    assert!(
        started.elapsed() < Duration::from_millis(2500),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn revocations_survive_a_restart_only_with_aof() {
    let dir = TempDir::new();
    let data = dir.0.display().to_string();
    let mut durable = RedisServer::start_with(|_| {
        [
            "--appendonly",
            "yes",
            "--appendfsync",
            "always",
            "--dir",
            &data,
        ]
        .map(str::to_owned)
        .to_vec()
    });
    let mut volatile = RedisServer::start();
    for (server, survives) in [(&mut durable, true), (&mut volatile, false)] {
        let jwt = manager_on(RedisBlocklist::new(&server.url()).unwrap());
        let claims = jwt
            .decode_token(&jwt.create_access_token("alice").unwrap())
            .unwrap();
        jwt.revoke_token(&claims).await.unwrap();
        assert!(jwt.is_token_revoked(&claims).await.unwrap());
        server.stop(); // SIGKILL: no shutdown save
        server.spawn();
        // The store reconnects by itself; a new manager asks too.
        let fresh = manager_on(RedisBlocklist::new(&server.url()).unwrap());
        let mut answer = fresh.is_token_revoked(&claims).await;
        for _ in 0..50 {
            if answer.is_ok() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
            answer = fresh.is_token_revoked(&claims).await;
        }
        assert_eq!(answer.unwrap(), survives, "AOF on: {survives}");
    }
}
