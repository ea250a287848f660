//! Bounded memory under unauthenticated load (the second audit's floods), against a real
//! demo process: its resident memory stays under 200 MB through
//! - 400 connections each declaring a 2 MB `/login` body, sending 1.9 MB of it and stalling
//!   (413 at once from the declared length, nothing buffered);
//! - the same on `/echo` with the JSON token location (the bodies the runtime buffers have a
//!   budget: past it, 503 at once);
//! - failed logins from 16 clients (argon2 on two threads of its own, so the allocator keeps
//!   their 19 MiB buffers twice at most, not once per blocking thread).
//!
//! Each flood runs twice: memory that is freed but kept by the allocator would show on the
//! second round.
#![cfg(target_os = "linux")]

mod common;

use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use common::process::{demo_bin, free_addr, start, Process};

const LIMIT: u64 = 200 * 1024 * 1024;
const CONNECTIONS: usize = 400;

/// Opens `CONNECTIONS` connections that each declare a 2,000,000-byte body on `path`, send
/// 1.9 MB of it (as far as the server lets them) and stall; returns them still open, with
/// the first bytes each got back (if any, within a moment).
async fn stalled_uploads(addr: std::net::SocketAddr, path: &str, headers: &str) -> Vec<TcpStream> {
    let body: Arc<[u8]> = vec![b' '; 1_900_000].into();
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n{headers}Content-Length: 2000000\r\n\r\n"
    );
    let mut tasks = Vec::new();
    for _ in 0..CONNECTIONS {
        let body = Arc::clone(&body);
        let request = request.clone();
        tasks.push(tokio::spawn(async move {
            let mut stream = TcpStream::connect(addr).await.ok()?;
            stream.write_all(request.as_bytes()).await.ok()?;
            // The server may stop reading (a 413, a 503): the rest stays in the socket.
            let _ = tokio::time::timeout(Duration::from_secs(3), stream.write_all(&body)).await;
            Some(stream)
        }));
    }
    let mut open = Vec::new();
    for t in tasks {
        if let Ok(Some(s)) = t.await {
            open.push(s);
        }
    }
    open
}

/// The status of the response waiting on `stream`, if one came within a second.
async fn status_of(stream: &mut TcpStream) -> Option<u16> {
    let mut buf = [0u8; 64];
    let n = tokio::time::timeout(Duration::from_secs(1), stream.read(&mut buf))
        .await
        .ok()?
        .ok()?;
    let head = std::str::from_utf8(&buf[..n]).ok()?;
    head.strip_prefix("HTTP/1.1 ")?.get(..3)?.parse().ok()
}

async fn demo(env: &[(&str, &str)]) -> (Process, std::net::SocketAddr) {
    let bin = demo_bin();
    let addr = free_addr();
    let mut vars = vec![("JWT_SECRET_KEY", common::LONG_SECRET)];
    vars.extend_from_slice(env);
    (start(&bin, addr, &vars).await, addr)
}

/// Floods `path` of a demo started with `env` twice with stalled uploads; after each round
/// its resident memory is under [`LIMIT`], and `answered` holds for the statuses of the first
/// 40 connections. The demo still serves afterwards.
async fn flood_twice(env: &[(&str, &str)], path: &str, answered: fn(&[Option<u16>]) -> bool) {
    let (process, addr) = demo(env).await;
    let idle = process.rss();
    for round in 1..=2 {
        let mut open = stalled_uploads(addr, path, "").await;
        let connected = open.len();
        assert!(
            connected >= CONNECTIONS / 2,
            "round {round}: {connected} connected"
        );
        let (rss, idle_mb) = (process.rss(), idle >> 20);
        eprintln!(
            "{path} flood, round {round}: RSS {} MB (idle {idle_mb} MB)",
            rss >> 20
        );
        assert!(
            rss < LIMIT,
            "round {round}: {} MB (idle {idle_mb} MB)",
            rss >> 20
        );
        let mut statuses = Vec::new();
        for s in open.iter_mut().take(40) {
            statuses.push(status_of(s).await);
        }
        assert!(answered(&statuses), "round {round}: {statuses:?}");
        drop(open);
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let health = reqwest::get(format!("http://{addr}/health")).await.unwrap();
    assert_eq!(health.status(), 200, "the demo still serves");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stalled_login_uploads_are_refused_at_once_and_hold_nothing() {
    // Answered 413 from the declared length, nothing read.
    flood_twice(&[], "/login", |s| s.first() == Some(&Some(413))).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stalled_json_location_uploads_stay_within_the_body_budget() {
    // Past the budget, uploads are refused at once: 503 (the first few may still be reading,
    // or answered 408 when their body stalled too long).
    let env = [("JWT_TOKEN_LOCATION", "headers,json")];
    flood_twice(&env, "/echo", |s| s.contains(&Some(503))).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_logins_do_not_pin_memory() {
    let (process, addr) = demo(&[]).await;
    let client = common::http();
    for round in 1..=2 {
        let mut tasks = Vec::new();
        for c in 0..16 {
            let client = client.clone();
            tasks.push(tokio::spawn(async move {
                for i in 0..6 {
                    let r = client
                        .post(format!("http://{addr}/login"))
                        .header("Content-Type", "application/json")
                        .body(
                            serde_json::json!({"username": "testuser", "password": format!("wrong-{c}-{i}")})
                                .to_string(),
                        )
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(r.status(), 401);
                }
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        let rss = process.rss();
        eprintln!("96 failed logins, round {round}: RSS {} MB", rss >> 20);
        assert!(rss < LIMIT, "round {round}: {} MB", rss >> 20);
    }
}
