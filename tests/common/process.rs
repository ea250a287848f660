//! Real demo processes for the tests that cross process boundaries: the demo binary built
//! with every feature, started on a free loopback address and killed on drop.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;

/// The demo binary, built with every feature (what `cargo test --all-features` builds).
pub fn demo_bin() -> PathBuf {
    let status = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "--example", "demo", "--all-features"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .status()
        .expect("run cargo build");
    assert!(status.success(), "cargo build --example demo failed");
    let exe = std::env::current_exe().unwrap();
    exe.parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("examples")
        .join("demo")
}

/// A demo process, killed when dropped.
pub struct Process(Child);

impl Process {
    /// The process id.
    pub fn pid(&self) -> u32 {
        self.0.id()
    }

    /// Its resident memory in bytes (`VmRSS` of `/proc/<pid>/status`; Linux).
    pub fn rss(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid()))
            .expect("the demo's /proc status");
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .map(|kb| kb * 1024)
            .expect("VmRSS")
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn free_addr() -> SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
}

pub async fn start(bin: &PathBuf, addr: SocketAddr, env: &[(&str, &str)]) -> Process {
    let mut cmd = Command::new(bin);
    cmd.env_clear()
        .env("DEMO_ADDR", addr.to_string())
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let child = Process(cmd.spawn().expect("start the demo"));
    let client = crate::common::http();
    for _ in 0..300 {
        let health = client
            .get(format!("http://{addr}/health"))
            .timeout(Duration::from_secs(1))
            .send()
            .await;
        if health.is_ok_and(|r| r.status().is_success()) {
            return child;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the demo at {addr} did not start");
}

/// One request: `(status, JSON body, Set-Cookie lines)`.
pub async fn http(
    method: &str,
    url: String,
    headers: &[(&str, &str)],
    body: Option<Value>,
) -> (u16, Value, Vec<String>) {
    let client = crate::common::http();
    let mut req = client.request(method.parse().unwrap(), url);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    if let Some(b) = body {
        req = req
            .header("Content-Type", "application/json")
            .body(b.to_string());
    }
    let r = req.send().await.expect("request");
    let status = r.status().as_u16();
    let cookies = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap_or_default().to_owned())
        .collect();
    let text = r.text().await.unwrap_or_default();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::Null),
        cookies,
    )
}

pub fn cookie(lines: &[String], name: &str) -> Option<String> {
    lines.iter().find_map(|l| {
        l.split(';')
            .next()?
            .strip_prefix(&format!("{name}="))
            .map(str::to_owned)
    })
}

/// A request with `Authorization: Bearer <token>`: `(status, JSON body)`.
#[allow(dead_code)]
pub async fn with_token(method: &str, addr: SocketAddr, path: &str, token: &str) -> (u16, Value) {
    let bearer = format!("Bearer {token}");
    let (status, body, _) = http(
        method,
        format!("http://{addr}{path}"),
        &[("Authorization", &bearer)],
        None,
    )
    .await;
    (status, body)
}

/// `POST /login` with these headers: `(access, refresh)`.
#[allow(dead_code)]
pub async fn login_with(
    addr: SocketAddr,
    user: &str,
    password: &str,
    headers: &[(&str, &str)],
) -> (String, String) {
    let creds = serde_json::json!({"username": user, "password": password});
    let (status, body, _) =
        http("POST", format!("http://{addr}/login"), headers, Some(creds)).await;
    assert_eq!(status, 200, "{body}");
    (
        body["access_token"].as_str().unwrap().to_owned(),
        body["refresh_token"].as_str().unwrap().to_owned(),
    )
}
