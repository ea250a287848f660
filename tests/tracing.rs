//! What the runtime logs, captured from a real `tracing` subscriber: one event per rejected
//! request with its reason, location, `jti` and route, the cause of a store failure at
//! `warn` — and never a token, a cookie value, a CSRF value or a key.
#![cfg(feature = "tracing")]

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use axum::routing::post;
use axum::Router;
use axum_jwt_extended::{jwt_required, JwtManager, Location, MemoryBlocklist};

use common::{bearer, builder, config, request, SECRET};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(|p| p.into_inner())).into_owned()
    }
}

#[jwt_required]
async fn protected() -> &'static str {
    "ok"
}

fn app(jwt: JwtManager) -> Router {
    Router::new()
        .route("/p", post(protected).get(protected))
        .with_state(jwt)
}

#[tokio::test]
async fn rejections_are_logged_without_secrets() {
    let out = Captured::default();
    let writer = out.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let mut c = config();
    c.token_location = vec![Location::Headers, Location::Cookies, Location::QueryString];
    let jwt = builder(c)
        .0
        .blocklist(MemoryBlocklist::new())
        .build()
        .expect("valid");
    let app = app(jwt.clone());
    let token = jwt.create_access_token("alice").expect("token");
    let csrf = jwt.get_csrf_token(&token).expect("csrf");
    let claims = jwt.decode_token(&token).expect("claims");
    let jti = claims.jti().expect("jti").to_owned();
    // Another token's (valid base64) signature on this token's header and payload.
    let other = jwt.create_access_token("bob").expect("token");
    let (signing_input, _) = token.rsplit_once('.').expect("three parts");
    let forged = format!(
        "{signing_input}.{}",
        other.rsplit('.').next().expect("signature")
    );

    // No token; a forged one in the query string; a cookie without its CSRF value; a revoked one.
    request(&app, "GET", "/p", &[], None).await;
    let uri = format!("/p?jwt={forged}");
    request(&app, "GET", &uri, &[], None).await;
    let cookie = format!("access_token_cookie={token}; csrf_access_token={csrf}");
    let r = request(
        &app,
        "POST",
        "/p",
        &[("Cookie", &cookie), ("X-CSRF-TOKEN", "wrong")],
        None,
    )
    .await;
    assert_eq!(r.status, 401);
    jwt.revoke_token(&claims).await.expect("revoked");
    let r = request(
        &app,
        "GET",
        "/p",
        &[("Authorization", &bearer(&token))],
        None,
    )
    .await;
    assert_eq!(r.status, 401);

    let log = out.text();
    let rejected: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("request rejected"))
        .collect();
    assert_eq!(rejected.len(), 4, "{log}");
    assert!(
        rejected[0].contains("Missing JWT in headers, cookies or query_string"),
        "{log}"
    );
    assert!(rejected[0].contains("route=\"/p\""), "{log}");
    assert!(
        rejected[1].contains("Signature verification failed"),
        "{log}"
    );
    assert!(rejected[1].contains("location=\"query_string\""), "{log}");
    assert!(
        rejected[2].contains("CSRF double submit tokens do not match"),
        "{log}"
    );
    assert!(rejected[2].contains("location=\"cookies\""), "{log}");
    assert!(rejected[3].contains("Token has been revoked"), "{log}");
    assert!(
        rejected[3].contains(&jti),
        "the jti identifies the token: {log}"
    );
    assert!(log.contains("jwt_verify"), "the verification span: {log}");
    for secret in [token.as_str(), forged.as_str(), csrf.as_str(), SECRET] {
        assert!(!log.contains(secret), "{secret:.20}… is in the log:\n{log}");
    }
    // Not even pieces of the token: its signature and payload segments.
    for segment in token.split('.').chain(other.split('.').skip(2)) {
        assert!(!log.contains(segment), "a token segment is in the log");
    }
}

#[tokio::test]
async fn a_store_failure_is_logged_at_warn_with_its_cause() {
    let out = Captured::default();
    let writer = out.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::WARN)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let jwt = builder(config())
        .0
        .token_in_blocklist_loader(
            |_h: &axum_jwt_extended::JwtHeader, _c: &axum_jwt_extended::Claims| {
                Err::<bool, _>("connection refused by db:5432")
            },
        )
        .build()
        .expect("valid");
    let token = jwt.create_access_token("alice").expect("token");
    let r = request(
        &app(jwt),
        "GET",
        "/p",
        &[("Authorization", &bearer(&token))],
        None,
    )
    .await;
    assert_eq!(r.status, 503);
    assert!(!r.text.contains("db:5432"));
    let log = out.text();
    assert!(log.contains("WARN"), "{log}");
    assert!(log.contains("connection refused by db:5432"), "{log}");
    assert!(!log.contains(&token), "{log}");
}

/// Log injection: a header member that holds a newline and an ANSI escape is written escaped,
/// so one rejected request is one log line and colours nothing. Unauthenticated input.
#[tokio::test]
async fn request_values_are_escaped_in_log_lines() {
    let out = Captured::default();
    let writer = out.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let app = app(builder(config()).0.build().expect("valid"));
    let forged = common::craft::raw(
        r#"{"alg":"HS256","crit":["x\nFAKE LINE \u001b[31mred"]}"#,
        r#"{"sub":"mallory"}"#,
        SECRET.as_bytes(),
    );
    let r = request(
        &app,
        "GET",
        "/p",
        &[("Authorization", &bearer(&forged))],
        None,
    )
    .await;
    assert_eq!(r.status.as_u16(), 422, "{}", r.text);
    let log = out.text();
    let lines: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("request rejected"))
        .collect();
    assert_eq!(lines.len(), 1, "{log}");
    assert!(lines[0].contains(r"x\nFAKE LINE \u{1b}[31mred"), "{log}");
    assert!(!log.contains('\u{1b}'), "a raw escape: {log:?}");
    assert!(
        !log.lines().any(|l| l.starts_with("FAKE LINE")),
        "a forged line: {log}"
    );
}
