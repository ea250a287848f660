//! The demo's recipes over real HTTP, against real demo processes sharing one SQLite database
//! (`DATABASE_URL`): refresh-token rotation with reuse detection across processes, implicit
//! refresh of an access cookie, and revocations that outlive a process restart.
#![cfg(feature = "sqlite")]

mod common;

use serde_json::json;

use common::process::{cookie, demo_bin, free_addr, http, start};
use common::TempDir;

#[tokio::test(flavor = "multi_thread")]
async fn recipes_over_http_across_demo_processes() {
    let bin = demo_bin();
    let dir = TempDir::new();
    let url = format!("sqlite://{}", dir.0.join("demo.db").display());
    let env = [
        ("JWT_SECRET_KEY", common::LONG_SECRET),
        ("JWT_TOKEN_LOCATION", "headers,cookies"),
        ("JWT_ACCESS_TOKEN_EXPIRES", "60"),
        ("DATABASE_URL", url.as_str()),
        ("DEMO_ROTATE_REFRESH", "true"),
        ("DEMO_IMPLICIT_REFRESH_SECONDS", "120"),
    ];
    let (a, b) = (free_addr(), free_addr());
    let mut process_a = start(&bin, a, &env).await;
    let _process_b = start(&bin, b, &env).await;
    let creds = json!({"username": "admin", "password": "adminpass"});

    // Rotation on A; the rotated refresh token replayed on B is reuse: the login is revoked.
    let (status, body, _) = http(
        "POST",
        format!("http://{a}/login"),
        &[],
        Some(creds.clone()),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let access = body["access_token"].as_str().unwrap().to_owned();
    let refresh = body["refresh_token"].as_str().unwrap().to_owned();
    let old = format!("Bearer {refresh}");
    let (status, rotated, _) = http(
        "POST",
        format!("http://{a}/refresh"),
        &[("Authorization", &old)],
        None,
    )
    .await;
    assert_eq!(status, 200, "{rotated}");
    assert!(rotated["refresh_token"].is_string());
    let (status, body, _) = http(
        "POST",
        format!("http://{b}/refresh"),
        &[("Authorization", &old)],
        None,
    )
    .await;
    assert_eq!(
        (status, body),
        (
            401,
            json!({"msg": "Refresh token reuse detected: every token of this login was revoked"})
        )
    );
    let bearer = format!("Bearer {access}");
    let (status, body, _) = http(
        "GET",
        format!("http://{a}/protected"),
        &[("Authorization", &bearer)],
        None,
    )
    .await;
    assert_eq!(
        (status, body),
        (401, json!({"msg": "Token has been revoked"}))
    );

    // Implicit refresh: a cookie request on B gets a new access cookie (and CSRF cookie).
    let (status, _, set) = http("POST", format!("http://{b}/login"), &[], Some(creds)).await;
    assert_eq!(status, 200);
    let access_cookie = cookie(&set, "access_token_cookie").unwrap();
    let jar = format!("access_token_cookie={access_cookie}");
    let (status, body, set) = http(
        "GET",
        format!("http://{b}/protected"),
        &[("Cookie", &jar)],
        None,
    )
    .await;
    assert_eq!((status, body), (200, json!({"logged_in_as": "admin"})));
    let renewed = cookie(&set, "access_token_cookie").expect("a new access cookie");
    assert_ne!(renewed, access_cookie);
    assert!(cookie(&set, "csrf_access_token").is_some());
    // A header token is not refreshed.
    let bearer = format!("Bearer {renewed}");
    let (status, _, set) = http(
        "GET",
        format!("http://{b}/protected"),
        &[("Authorization", &bearer)],
        None,
    )
    .await;
    assert_eq!((status, set.len()), (200, 0));

    // A restart of A loses no revocation: the first login's tokens stay revoked.
    drop(process_a);
    process_a = start(&bin, a, &env).await;
    let bearer = format!("Bearer {access}");
    let (status, body, _) = http(
        "GET",
        format!("http://{a}/protected"),
        &[("Authorization", &bearer)],
        None,
    )
    .await;
    assert_eq!(
        (status, body),
        (401, json!({"msg": "Token has been revoked"}))
    );
    drop(process_a);
}

/// A `JWT_*` variable that is no option is warned about at start-up, naming the option it
/// probably meant; the demo starts all the same (the variable is ignored).
#[test]
fn a_mistyped_option_is_warned_about_at_start_up() {
    use std::io::{BufRead, BufReader, Read};
    use std::process::{Command, Stdio};

    let bin = demo_bin();
    let addr = free_addr();
    let mut child = Command::new(&bin)
        .env_clear()
        .env("DEMO_ADDR", addr.to_string())
        .env("RUST_LOG", "warn")
        .env("NO_COLOR", "1")
        .env("JWT_SECRET_KEY", common::LONG_SECRET)
        .env("JWT_COOKIE_CSRF_PROTECTION", "false")
        .env("JWT_ACCESS_TOKEN_EXPIRE", "60")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the demo");
    // The demo logs to standard output (tracing-subscriber's default), before it listens.
    let stdout = child.stdout.take().unwrap();
    let mut log = String::new();
    let mut started = false;
    for line in BufReader::new(stdout).lines().map_while(Result::ok) {
        log.push_str(&line);
        log.push('\n');
        if line.contains("demo listening on") {
            started = true;
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    log.push_str(&stderr);
    assert!(started, "the demo starts: {log}");
    for expected in [
        "JWT_ACCESS_TOKEN_EXPIRE is not an option and is ignored: did you mean `JWT_ACCESS_TOKEN_EXPIRES`?",
        "JWT_COOKIE_CSRF_PROTECTION is not an option and is ignored: did you mean `JWT_COOKIE_CSRF_PROTECT`?",
    ] {
        assert!(log.contains(expected), "{expected}\nin:\n{log}");
    }
}
