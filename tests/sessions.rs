//! Sessions through the library and a real `Router`: step-up (`max_auth_age` on the attribute
//! and on the layer, its loader and the RFC 9470 challenge), the session event hook with every
//! kind of event, and the log lines that name the session and the identity, never a token.
#![cfg(feature = "tracing")]

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use axum_jwt_extended::{
    get_jwt, jwt_required, JwtConfig, JwtManager, MemoryBlocklist, SessionEnd, SessionEvent,
    SessionOptions, SessionPolicy, TokenOptions,
};
use serde_json::{json, Value};

use common::{bearer, request, SECRET};

fn manager(
    configure: impl FnOnce(axum_jwt_extended::JwtManagerBuilder) -> axum_jwt_extended::JwtManagerBuilder,
) -> JwtManager {
    let mut config = JwtConfig::with_secret(SECRET);
    config.www_authenticate = true;
    configure(
        JwtManager::builder(config)
            .blocklist(MemoryBlocklist::new())
            .sessions(SessionPolicy::new().idle_timeout(Duration::from_secs(2))),
    )
    .build()
    .expect("valid configuration")
}

#[jwt_required(max_auth_age = 2)]
async fn sensitive() -> &'static str {
    "changed"
}

async fn plain() -> &'static str {
    "ok"
}

async fn status_of(app: &Router, path: &str, token: &str) -> (u16, Value, Option<String>) {
    let r = request(
        app,
        "POST",
        path,
        &[("Authorization", &bearer(token))],
        None,
    )
    .await;
    let challenge = r
        .headers
        .get("www-authenticate")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    (r.status.as_u16(), r.json(), challenge)
}

#[tokio::test]
async fn step_up_requires_a_recent_login_on_the_attribute_and_on_the_layer() {
    // A subscriber here too: tracing caches a log line's interest from the first thread that
    // reaches it, and this test's sessions log the same lines as the next test checks.
    let quiet = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::INFO)
        .with_writer(std::io::sink)
        .finish();
    let _guard = tracing::subscriber::set_default(quiet);
    let jwt = manager(|b| b);
    let app = Router::new()
        .route("/sensitive", post(sensitive))
        .route(
            "/layered",
            post(plain).route_layer(jwt.layer().max_auth_age(Duration::from_secs(2))),
        )
        .with_state(jwt.clone());
    let login = jwt
        .start_session("alice", TokenOptions::new(), SessionOptions::new())
        .await
        .unwrap();
    for path in ["/sensitive", "/layered"] {
        let (status, _, _) = status_of(&app, path, &login.access_token).await;
        assert_eq!(status, 200, "{path}: a login of now is recent");
    }
    // A token without `auth_time` is not known to be recent, fresh or not.
    let fresh = jwt
        .create_access_token_with("alice", TokenOptions::new().fresh(true))
        .unwrap();
    let challenge = r#"Bearer error="insufficient_user_authentication", error_description="A more recent authentication is required", max_age=2"#;
    for path in ["/sensitive", "/layered"] {
        assert_eq!(
            status_of(&app, path, &fresh).await,
            (
                401,
                json!({"msg": "A more recent login is required"}),
                Some(challenge.to_owned())
            ),
            "{path}"
        );
    }
    // `auth_time` is whole seconds: 3.1 s later the login is at least 3 s old.
    tokio::time::sleep(Duration::from_millis(3100)).await;
    for path in ["/sensitive", "/layered"] {
        assert_eq!(
            status_of(&app, path, &login.access_token).await,
            (
                401,
                json!({"msg": "A more recent login is required"}),
                Some(challenge.to_owned())
            ),
            "{path}: the login is older than max_auth_age"
        );
    }

    // The loader answers instead.
    let jwt = manager(|b| {
        b.step_up_required_loader(|_h, claims| {
            (
                StatusCode::UNAUTHORIZED,
                Json(json!({"reauthenticate": claims.get_str("sub")})),
            )
        })
    });
    let app = Router::new()
        .route("/sensitive", post(sensitive))
        .with_state(jwt.clone());
    let token = jwt.create_access_token("bob").unwrap();
    let (status, body, _) = status_of(&app, "/sensitive", &token).await;
    assert_eq!((status, body), (401, json!({"reauthenticate": "bob"})));
}

#[jwt_required(refresh)]
async fn refresh(State(jwt): State<JwtManager>) -> Response {
    let claims = get_jwt().unwrap_or_default();
    match jwt
        .refresh_session(&claims, "alice", TokenOptions::new())
        .await
    {
        Ok(access) => Json(json!({ "access_token": access })).into_response(),
        Err(e) => jwt.error_response(e),
    }
}

#[jwt_required(refresh)]
async fn rotate(State(jwt): State<JwtManager>) -> Response {
    let claims = get_jwt().unwrap_or_default();
    match jwt
        .rotate_refresh_token(&claims, "alice", TokenOptions::new())
        .await
    {
        Ok(pair) => Json(json!(pair)).into_response(),
        Err(e) => jwt.error_response(e),
    }
}

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn every_session_event_reaches_the_hook_and_the_log() {
    let out = Captured::default();
    let writer = out.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::INFO)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let events = Arc::new(Mutex::new(Vec::<SessionEvent>::new()));
    let seen = events.clone();
    let jwt = manager(move |b| {
        b.on_session_event(move |event| {
            let seen = seen.clone();
            async move { seen.lock().unwrap().push(event) }
        })
    });
    let app = Router::new()
        .route("/refresh", post(refresh))
        .route("/rotate", post(rotate))
        .route("/ok", get(plain))
        .with_state(jwt.clone());
    let start = || jwt.start_session("alice", TokenOptions::new(), SessionOptions::new());
    let (a, b, c) = (
        start().await.unwrap(),
        start().await.unwrap(),
        start().await.unwrap(),
    );
    let id = |t: &str| {
        jwt.decode_token(t)
            .unwrap()
            .get_str("fam")
            .unwrap()
            .to_owned()
    };
    let (ida, idb, idc) = (
        id(&a.access_token),
        id(&b.access_token),
        id(&c.access_token),
    );
    let alice = "\"alice\"".to_owned();

    let (status, _, _) = status_of(&app, "/refresh", &a.refresh_token).await;
    assert_eq!(status, 200);
    let claims_a = jwt.decode_token(&a.access_token).unwrap();
    assert!(jwt.end_session(&claims_a, &idb).await.unwrap());
    let d = start().await.unwrap();
    let idd = id(&d.access_token);
    assert_eq!(jwt.end_other_sessions(&claims_a).await.unwrap(), 2);
    jwt.end_current_session(&claims_a).await.unwrap();

    // Reuse: a rotated refresh token of a session comes back.
    let e = start().await.unwrap();
    let ide = id(&e.access_token);
    let (status, _, _) = status_of(&app, "/rotate", &e.refresh_token).await;
    assert_eq!(status, 200);
    let (status, body, _) = status_of(&app, "/rotate", &e.refresh_token).await;
    assert_eq!(
        (status, body),
        (
            401,
            json!({"msg": "Refresh token reuse detected: every token of this login was revoked"})
        )
    );

    // Idle: not refreshed for its idle timeout.
    let f = start().await.unwrap();
    let idf = id(&f.access_token);
    tokio::time::sleep(Duration::from_millis(3100)).await;
    let (status, body, _) = status_of(&app, "/refresh", &f.refresh_token).await;
    assert_eq!((status, body), (401, json!({"msg": "Session expired"})));

    let g = start().await.unwrap();
    let claims_g = jwt.decode_token(&g.access_token).unwrap();
    let idg = id(&g.access_token);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    jwt.end_all_sessions(&claims_g).await.unwrap();

    let ended = |session: &str, why| SessionEvent::Ended {
        session: session.to_owned(),
        identity: alice.clone(),
        why,
    };
    let started = |session: &str| SessionEvent::Started {
        session: session.to_owned(),
        identity: alice.clone(),
    };
    let got = events.lock().unwrap().clone();
    let expected = [
        started(&ida),
        started(&idb),
        started(&idc),
        SessionEvent::Refreshed {
            session: ida.clone(),
            identity: alice.clone(),
        },
        ended(&idb, SessionEnd::EndedByUser),
        started(&idd),
        // Others: c and d, in the store's order.
    ];
    assert_eq!(got[..expected.len()], expected[..], "{got:#?}");
    let others: Vec<&SessionEvent> = got[expected.len()..expected.len() + 2].iter().collect();
    assert!(
        others.contains(&&ended(&idc, SessionEnd::OthersEnded)),
        "{got:#?}"
    );
    assert!(
        others.contains(&&ended(&idd, SessionEnd::OthersEnded)),
        "{got:#?}"
    );
    let rest = got[expected.len() + 2..].to_vec();
    assert_eq!(
        rest,
        vec![
            ended(&ida, SessionEnd::Logout),
            started(&ide),
            SessionEvent::Refreshed {
                session: ide.clone(),
                identity: alice.clone(),
            },
            SessionEvent::ReuseDetected {
                session: ide.clone(),
                identity: alice.clone(),
            },
            ended(&ide, SessionEnd::Reuse),
            started(&idf),
            ended(&idf, SessionEnd::Idle),
            started(&idg),
            ended(&idg, SessionEnd::AllEnded),
        ]
    );

    // The log: one line per event, naming the session and the identity, never a token.
    let log = out.text();
    for (needle, count) in [
        ("session started", 7),
        ("session refreshed", 2),
        ("session ended", 7),
        ("refresh token reuse detected", 1),
    ] {
        assert_eq!(log.matches(needle).count(), count, "{needle}:\n{log}");
    }
    assert!(
        log.contains(&format!("session=\"{ida}\"")) || log.contains(&format!("session={ida}")),
        "{log}"
    );
    assert!(
        log.contains("reason=\"idle\"") || log.contains("reason=idle"),
        "{log}"
    );
    assert!(
        log.lines()
            .any(|l| l.contains("WARN") && l.contains("reuse")),
        "{log}"
    );
    for token in [&a.access_token, &a.refresh_token, &e.refresh_token] {
        assert!(!log.contains(token.as_str()), "a token in the log");
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}
