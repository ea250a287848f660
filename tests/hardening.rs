//! The outside audit's findings, one test each, through the demo's router or the public API:
//! claim values that made the server panic or fail open, bodies read before any token check,
//! configuration typos that turned checks off, weak keys, reserved identity claims, internal
//! error text in responses, login hashing on the async workers, per-user revocation of
//! non-string identities, cut-offs going backwards, out-of-range dates, `jti` rules and a
//! bounded memory store.

mod common;
#[path = "common/demo.rs"]
mod demo;

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::Request;
use axum_jwt_extended::{ErrorKind, Expiry, JwtConfig, JwtManager, MemoryBlocklist, TokenOptions};
use serde_json::{json, Value};

use common::{bearer, builder, craft, request, send, Reply, LONG_SECRET, NOW, SECRET};
use demo::{call, demo, login, tokens};

/// A Flask-shaped access token for `testuser` with these claims on top, signed with the
/// demo's secret.
fn access_token_with(extra: Value) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let mut claims = json!({
        "fresh": false, "iat": now, "jti": "audit-jti", "type": "access",
        "sub": "testuser", "nbf": now, "exp": now + 900,
    });
    if let (Some(c), Some(e)) = (claims.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            if v.is_null() {
                c.remove(k);
            } else {
                c.insert(k.clone(), v.clone());
            }
        }
    }
    craft::token(&claims)
}

async fn protected(app: &axum::Router, token: &str) -> Reply {
    call(
        app,
        "GET",
        "/protected",
        &[("Authorization", &bearer(token))],
        None,
    )
    .await
}

fn status_msg(r: &Reply) -> (u16, String) {
    (r.status.as_u16(), r.msg())
}

// ---- 1. a claim value that panicked, and revocation that failed open ----------------------

#[tokio::test]
async fn a_huge_exp_is_revoked_without_a_panic() {
    let app = demo(&[]);
    let token = access_token_with(json!({ "exp": 10_000_000_000_000_000_000u64 }));
    let r = protected(&app, &token).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = call(
        &app,
        "POST",
        "/logout",
        &[("Authorization", &bearer(&token))],
        None,
    )
    .await;
    assert_eq!(
        (r.status.as_u16(), r.json()),
        (200, json!({"msg": "Access token revoked"}))
    );
    assert_eq!(
        status_msg(&protected(&app, &token).await),
        (401, "Token has been revoked".into())
    );
}

// ---- 2. bodies read before any token check --------------------------------------------------

/// A body that never sends a byte.
struct Stalled;

impl http_body::Body for Stalled {
    type Data = Bytes;
    type Error = std::convert::Infallible;
    fn poll_frame(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
        Poll::Pending
    }
}

fn stalled_request(uri: &str, headers: &[(&str, &str)]) -> Request<Body> {
    let mut b = Request::builder().method("POST").uri(uri);
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    b.body(Body::new(Stalled)).expect("valid request")
}

#[tokio::test]
async fn a_declared_length_over_the_limit_is_413_at_once() {
    let app = demo(&[("JWT_TOKEN_LOCATION", "json")]);
    let req = stalled_request(
        "/echo",
        &[
            ("Content-Type", "application/json"),
            ("Content-Length", "100000000"),
        ],
    );
    let r = send(&app, req).await;
    assert_eq!(
        status_msg(&r),
        (413, "Request body is larger than 2097152 bytes".into())
    );
}

#[tokio::test]
async fn a_stalled_body_is_408_after_the_read_timeout() {
    let config = {
        let mut c = demo::config(&[("JWT_TOKEN_LOCATION", "json")]);
        c.body_read_timeout = Duration::from_millis(200);
        c
    };
    let app = demo::demo_app::demo(config, &Default::default()).expect("demo starts");
    let req = stalled_request("/echo", &[("Content-Type", "application/json")]);
    let r = tokio::time::timeout(Duration::from_secs(10), send(&app, req))
        .await
        .expect("answered, not held forever");
    assert_eq!(
        status_msg(&r),
        (408, "Timed out reading the request body".into())
    );
}

#[tokio::test]
async fn with_cookies_the_token_is_verified_before_a_form_body_is_read() {
    let app = demo(&[
        ("JWT_TOKEN_LOCATION", "cookies"),
        ("JWT_CSRF_CHECK_FORM", "true"),
    ]);
    let forged = craft::raw(
        r#"{"alg":"HS256","typ":"JWT"}"#,
        r#"{"sub":"testuser"}"#,
        b"not-the-demo-secret-but-long-enough-0123456789",
    );
    let cookie = format!("access_token_cookie={forged}");
    let req = stalled_request(
        "/echo",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Cookie", &cookie),
        ],
    );
    let r = tokio::time::timeout(Duration::from_secs(10), send(&app, req))
        .await
        .expect("answered without reading the stalled body");
    assert_eq!(
        status_msg(&r),
        (422, "Signature verification failed".into())
    );
}

// ---- 3. configuration typos that turned checks off ---------------------------------------------

fn env_error(vars: &[(&str, &str)]) -> (String, String) {
    let built = JwtConfig::from_lookup(|name| {
        vars.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
            .or_else(|| (name == "JWT_SECRET_KEY").then(|| SECRET.to_owned()))
    })
    .and_then(JwtManager::new);
    match built {
        Ok(_) => panic!("{vars:?} must not start"),
        Err(e) => (e.option().to_owned(), e.message().to_owned()),
    }
}

#[test]
fn lists_that_name_nothing_and_unknown_methods_do_not_start() {
    for (var, value) in [
        ("JWT_DECODE_AUDIENCE", ","),
        ("JWT_DECODE_ISSUER", " , "),
        ("JWT_CSRF_METHODS", ""),
        ("JWT_CSRF_METHODS", "GET,FOO"),
    ] {
        let (option, message) = env_error(&[(var, value)]);
        assert_eq!(option, var, "{value:?}: {message}");
    }
    let (_, message) = env_error(&[("JWT_CSRF_METHODS", "GET,FOO")]);
    assert!(
        message.contains("\"FOO\" is not an HTTP method"),
        "{message}"
    );
    // Without POST it starts (with a warning in the log).
    let c = demo::config(&[
        ("JWT_CSRF_METHODS", "GET"),
        ("JWT_TOKEN_LOCATION", "cookies"),
    ]);
    assert!(JwtManager::new(c).is_ok());
}

// ---- 4. weak keys ------------------------------------------------------------------------------

#[test]
fn weak_secrets_do_not_start() {
    let spki = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxKLxoS2tFczGkPLPgizskuemMghRniWaoLcyehkd3qqGElvW/VDL5AaWTg0nLVkjRo9z+40RQzuVaE8AkAFmxZzow3x+VJYKdjykkJ0iT9wCS0DRTXu269V264Vf/3jvredZiKRkgwlL9xNAwxXFg0x/XFw005UWVRIkdgcKWTjpBP2dPwVZ4WWC+9aGVd+Gyn1o0CLelf4rEjGoXbAAEgAqeGUxrcIlbjXfbcmwIDAQAB";
    for secret in ["a".repeat(32), "password".repeat(4), spki.to_owned()] {
        let err = JwtManager::new(JwtConfig::with_secret(secret.as_str()))
            .expect_err("a weak secret must not start");
        assert_eq!(err.option(), "JWT_SECRET_KEY");
        assert!(
            err.message().contains("openssl rand") || err.message().contains("key material"),
            "{err}"
        );
    }
    // The longest minimum of every allowed algorithm applies: HS512 needs 64 bytes.
    let err = JwtManager::new({
        let mut c = JwtConfig::with_secret(&LONG_SECRET[..44]);
        c.decode_algorithms = vec![axum_jwt_extended::Algorithm::HS512];
        c
    })
    .expect_err("44 bytes are too few for HS512");
    assert!(err.message().contains("HS512 needs at least 64"), "{err}");
    assert!(JwtManager::new(JwtConfig::with_secret(LONG_SECRET)).is_ok());
}

// ---- 5. a registered claim as the identity claim -----------------------------------------------

#[test]
fn a_registered_claim_cannot_be_the_identity_claim() {
    for claim in [
        "iat", "nbf", "exp", "iss", "aud", "jti", "type", "fresh", "csrf",
    ] {
        let (option, _) = env_error(&[("JWT_IDENTITY_CLAIM", claim)]);
        assert_eq!(option, "JWT_IDENTITY_CLAIM", "{claim}");
    }
    let c = demo::config(&[("JWT_IDENTITY_CLAIM", "identity")]);
    assert!(JwtManager::new(c).is_ok());
}

// ---- 6. internal errors in responses -----------------------------------------------------------

#[tokio::test]
async fn a_failing_loader_answers_a_fixed_message() {
    let (b, _) = builder(common::config());
    let jwt = b
        .user_lookup_loader(
            |_h: &axum_jwt_extended::JwtHeader, _c: &axum_jwt_extended::Claims| {
                Err::<Option<String>, _>(
                    "connection to db.internal:5432 refused (password=hunter2)",
                )
            },
        )
        .build()
        .expect("valid");
    let token = jwt.create_access_token("alice").expect("token");
    let app = axum::Router::new()
        .route(
            "/p",
            axum::routing::get(|_j: axum_jwt_extended::Jwt| async { "ok" }),
        )
        .with_state(jwt);
    let r = request(
        &app,
        "GET",
        "/p",
        &[("Authorization", &bearer(&token))],
        None,
    )
    .await;
    assert_eq!(status_msg(&r), (503, "User lookup failed to run".into()));
    assert!(!r.text.contains("hunter2") && !r.text.contains("db.internal"));
}

#[test]
fn the_demo_never_shows_a_redis_password() {
    let shown = demo::demo_app::shown_url("redis://user:p@ss@redis.example:6379/0");
    assert_eq!(shown, "redis://redis.example:6379/0");
    let shown = demo::demo_app::shown_url("rediss://:s3cr3t@127.0.0.1/2");
    assert!(!shown.contains("s3cr3t"), "{shown}");
}

// ---- 7. login hashing off the async workers -----------------------------------------------------

#[tokio::test(flavor = "current_thread")]
async fn login_hashing_does_not_block_other_requests() {
    let app = demo(&[]);
    let r = login(&app, "testuser", "testpass").await;
    let (access, _) = tokens(&r);
    // One worker thread: if the failed login hashed on it, `/protected` could only finish
    // after it. The login is polled first.
    let slow = login(&app, "testuser", "wrong password");
    let fast = protected(&app, &access);
    tokio::select! {
        biased;
        r = slow => panic!("the login finished first: {}", r.text),
        r = fast => assert_eq!(r.status, 200, "{}", r.text),
    }
}

// ---- 8 and 9. per-user revocation --------------------------------------------------------------

fn manager_with_store(config: JwtConfig) -> JwtManager {
    builder(config)
        .0
        .blocklist(MemoryBlocklist::new())
        .build()
        .expect("valid")
}

#[tokio::test]
async fn revoking_every_token_of_a_non_string_identity() {
    let jwt = manager_with_store({
        let mut c = common::config();
        c.verify_sub = false;
        c
    });
    let of_5 = jwt
        .decode_token(&jwt.create_access_token(5).expect("t"))
        .expect("d");
    let of_text_5 = jwt
        .decode_token(&jwt.create_access_token("5").expect("t"))
        .expect("d");
    jwt.revoke_all_tokens_of(&5, NOW).await.expect("revoked");
    assert!(jwt.is_token_revoked(&of_5).await.expect("checked"));
    assert!(!jwt.is_token_revoked(&of_text_5).await.expect("checked"));
}

#[tokio::test]
async fn the_cut_off_never_goes_backwards() {
    let jwt = manager_with_store(common::config());
    let claims = jwt
        .decode_token(&jwt.create_access_token("alice").expect("t"))
        .expect("d");
    jwt.revoke_all_tokens_of("alice", NOW)
        .await
        .expect("revoked");
    jwt.revoke_all_tokens_of("alice", NOW - 1000)
        .await
        .expect("an older cut-off");
    assert!(jwt.is_token_revoked(&claims).await.expect("checked"));
    // Concurrent calls keep the latest.
    let calls: Vec<_> = (0..64u64)
        .map(|i| {
            let jwt = jwt.clone();
            tokio::spawn(async move { jwt.revoke_all_tokens_of("bob", NOW - 63 + i).await })
        })
        .collect();
    for c in calls {
        c.await.expect("joined").expect("revoked");
    }
    let bob = jwt
        .decode_token(&jwt.create_access_token("bob").expect("t"))
        .expect("d");
    assert!(jwt.is_token_revoked(&bob).await.expect("checked"));
}

// ---- 10. dates outside the NumericDate range, and `jti` with revocation on --------------------

#[tokio::test]
async fn out_of_range_dates_are_422() {
    let app = demo(&[]);
    for exp in [json!(1e300), json!(18446744073709551616.0), json!(-1)] {
        let token = access_token_with(json!({ "exp": exp }));
        assert_eq!(
            status_msg(&protected(&app, &token).await),
            (422, "Expiration Time claim (exp) is out of range.".into()),
            "{exp}"
        );
    }
    let token = access_token_with(json!({ "iat": -5 }));
    assert_eq!(
        status_msg(&protected(&app, &token).await),
        (422, "Issued At claim (iat) is out of range.".into())
    );
}

#[tokio::test]
async fn with_a_store_a_token_needs_a_jti() {
    let app = demo(&[]);
    let missing = access_token_with(json!({ "jti": null }));
    assert_eq!(
        status_msg(&protected(&app, &missing).await),
        (422, "Missing claim: jti".into())
    );
    let empty = access_token_with(json!({ "jti": "" }));
    assert_eq!(
        status_msg(&protected(&app, &empty).await),
        (422, "JWT ID must not be empty".into())
    );
}

// ---- 11. a bounded memory store -----------------------------------------------------------------

#[tokio::test]
async fn a_full_memory_store_refuses_revocations_loudly() {
    let jwt = builder(common::config())
        .0
        .blocklist(MemoryBlocklist::with_capacity(2))
        .build()
        .expect("valid");
    let mut kept = Vec::new();
    for _ in 0..2 {
        let claims = jwt
            .decode_token(&jwt.create_access_token("alice").expect("t"))
            .expect("d");
        jwt.revoke_token(&claims).await.expect("room for it");
        kept.push(claims);
    }
    let third = jwt
        .decode_token(&jwt.create_access_token("alice").expect("t"))
        .expect("d");
    let err = jwt
        .revoke_token(&third)
        .await
        .expect_err("the store is full");
    assert!(matches!(err.kind(), ErrorKind::StoreUnavailable(_)));
    assert_eq!(err.status(), 503);
    for claims in &kept {
        assert!(jwt.is_token_revoked(claims).await.expect("checked"));
    }
    assert!(!jwt.is_token_revoked(&third).await.expect("checked"));
}

#[tokio::test]
async fn a_token_that_never_expires_is_revoked_for_good() {
    let jwt = manager_with_store(common::config());
    let token = jwt
        .create_access_token_with("alice", TokenOptions::new().expires_delta(Expiry::Never))
        .expect("t");
    let claims = jwt.decode_token(&token).expect("d");
    jwt.revoke_token(&claims).await.expect("revoked");
    assert!(jwt.is_token_revoked(&claims).await.expect("checked"));
}

// ---- the demo's login body ----------------------------------------------------------------------

#[tokio::test]
async fn a_login_body_that_is_an_array_is_400() {
    let app = demo(&[]);
    let r = request(
        &app,
        "POST",
        "/login",
        &[("Content-Type", "application/json")],
        Some(r#"["testuser","testpass"]"#),
    )
    .await;
    assert_eq!(r.status, 400, "{}", r.text);
    assert!(r.msg().contains("JSON object"), "{}", r.text);
}

// ---- 2, continued: the demo's server drops slow clients --------------------------------------

/// Starts the demo's own server on 127.0.0.1 with short read timeouts.
async fn demo_server() -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let addr = listener.local_addr().expect("bound");
    let timeouts = demo::demo_app::Timeouts {
        header_read: Duration::from_millis(300),
        body_read: Duration::from_millis(300),
    };
    tokio::spawn(demo::demo_app::serve(
        listener,
        demo(&[]),
        timeouts,
        std::future::pending(),
    ));
    addr
}

/// Everything the server sends until it closes the connection (bounded: never waits for ever).
async fn read_until_closed(stream: &mut tokio::net::TcpStream) -> String {
    use tokio::io::AsyncReadExt;
    let mut out = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut out)).await;
    assert!(read.is_ok(), "the server held a stalled connection open");
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test]
async fn the_demo_server_drops_a_client_that_stalls_in_its_headers() {
    use tokio::io::AsyncWriteExt;
    let addr = demo_server().await;
    let mut stream = tokio::net::TcpStream::connect(addr)
        .await
        .expect("connected");
    stream
        .write_all(b"GET /health HTTP/1.1\r\nHost: demo\r\n")
        .await
        .expect("written");
    let answer = read_until_closed(&mut stream).await;
    assert!(!answer.contains("200 OK"), "{answer}");
}

#[tokio::test]
async fn the_demo_server_answers_a_client_that_stalls_in_its_body() {
    use tokio::io::AsyncWriteExt;
    let addr = demo_server().await;
    let mut stream = tokio::net::TcpStream::connect(addr)
        .await
        .expect("connected");
    stream
        .write_all(
            b"POST /login HTTP/1.1\r\nHost: demo\r\nContent-Type: application/json\r\n\
              Content-Length: 100\r\nConnection: close\r\n\r\n{\"user",
        )
        .await
        .expect("written");
    let answer = read_until_closed(&mut stream).await;
    assert!(answer.starts_with("HTTP/1.1 4"), "{answer}");
}

/// Configurations that used to start and must not (second audit), each refused at start-up
/// naming its variables.
#[test]
fn configurations_that_must_not_start() {
    let refused = |vars: &[(&str, &str)]| {
        let config = JwtConfig::from_lookup(|name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        })
        .expect("parses");
        let err = JwtManager::new(config).expect_err("refused at start-up");
        (err.option().to_owned(), err.message().to_owned())
    };
    let (option, message) = refused(&[
        ("JWT_SECRET_KEY", LONG_SECRET),
        ("JWT_IDENTITY_CLAIM", "fam"),
    ]);
    assert_eq!(option, "JWT_IDENTITY_CLAIM");
    assert!(
        message.starts_with("\"fam\" is a claim that tokens already carry"),
        "{message}"
    );

    let (option, message) = refused(&[
        ("JWT_SECRET_KEY", LONG_SECRET),
        (
            "JWT_JWKS_URL",
            "https://issuer.example/.well-known/jwks.json",
        ),
    ]);
    assert_eq!(option, "JWT_JWKS_URL");
    assert!(
        message.starts_with("is set together with JWT_SECRET_KEY"),
        "{message}"
    );

    let (option, message) = refused(&[
        ("JWT_SECRET_KEY", LONG_SECRET),
        ("JWT_DECODE_LEEWAY", "18446744073709551615"),
    ]);
    assert_eq!(option, "JWT_DECODE_LEEWAY");
    assert!(message.contains("at most 86400 (a day)"), "{message}");

    let (option, _) = refused(&[
        (
            "JWT_JWKS_URL",
            "https://issuer.example/.well-known/jwks.json",
        ),
        ("JWT_JWKS_UNKNOWN_KID_INTERVAL", "0"),
    ]);
    assert_eq!(option, "JWT_JWKS_UNKNOWN_KID_INTERVAL");

    // Well-known example secrets, repeated or padded to any length.
    for weak in [
        "your-256-bit-secret".repeat(2),
        "changeme".repeat(4) + "x",
        "secret".repeat(11),
    ] {
        let (option, message) = refused(&[("JWT_SECRET_KEY", weak.as_str())]);
        assert_eq!(option, "JWT_SECRET_KEY", "{weak}");
        assert!(
            message.starts_with("is made of well-known example secrets")
                || message.starts_with("is a short pattern repeated"),
            "{weak}: {message}"
        );
    }

    // The first ~340 characters of an SPKI public key body: key material, not a secret.
    let body: String = common::keys::RSA_PUBLIC
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let (option, message) = refused(&[("JWT_SECRET_KEY", &body[..340])]);
    assert_eq!(option, "JWT_SECRET_KEY");
    assert!(message.starts_with("looks like key material"), "{message}");
}

/// jsonwebtoken 12 refuses empty HMAC keys; our own HMAC path does too, for the keys a
/// `decode_key_loader` returns at request time: a token is never verified with an empty key
/// (which anyone can sign with).
#[tokio::test]
async fn an_empty_hmac_key_from_a_loader_verifies_nothing() {
    use axum::routing::get;
    use axum_jwt_extended::{jwt_required, Claims, JwtHeader, Key};

    #[jwt_required]
    async fn protected() -> &'static str {
        "ok"
    }
    let jwt = JwtManager::builder(JwtConfig::with_secret(LONG_SECRET))
        .decode_key_loader(|_h: &JwtHeader, _c: &Claims| Key::Secret("".into()))
        .build()
        .unwrap();
    let app = axum::Router::new()
        .route("/p", get(protected))
        .with_state(jwt);
    let now = NOW;
    let forged = craft::raw(
        r#"{"alg":"HS256","typ":"JWT"}"#,
        &format!(
            r#"{{"sub":"mallory","iat":{now},"nbf":{now},"exp":{},"jti":"j","type":"access","fresh":false}}"#,
            now + 60
        ),
        b"",
    );
    let r = request(
        &app,
        "GET",
        "/p",
        &[("Authorization", &bearer(&forged))],
        None,
    )
    .await;
    assert_eq!(
        (r.status.as_u16(), r.json()),
        (
            422,
            json!({"msg": "The decode key does not fit the token's algorithm: an empty or invalid HMAC key"})
        )
    );
}

/// No single identity can fill the store: past its revocation quota, one user's revocations
/// collapse into its cut-off (one entry), so a small store still takes another user's logout.
#[tokio::test]
async fn one_identity_cannot_fill_the_store() {
    use axum::routing::post;
    use axum_jwt_extended::{get_jwt, jwt_required, NoJwtContext};

    #[jwt_required]
    async fn logout(
        axum::extract::State(jwt): axum::extract::State<JwtManager>,
    ) -> Result<axum::Json<Value>, NoJwtContext> {
        let claims = get_jwt()?;
        Ok(axum::Json(match jwt.revoke_token(&claims).await {
            Ok(()) => json!({"msg": "Successfully logged out"}),
            Err(e) => json!({"error": e.message()}),
        }))
    }
    #[jwt_required]
    async fn protected() -> &'static str {
        "ok"
    }

    let store = MemoryBlocklist::with_capacity(16);
    let (b, clock) = builder(JwtConfig::with_secret(LONG_SECRET));
    let jwt = b
        .blocklist(store.clone())
        .revocation_quota(5)
        .build()
        .unwrap();
    let app = axum::Router::new()
        .route("/logout", post(logout))
        .route("/protected", axum::routing::get(protected))
        .with_state(jwt.clone());
    let logged_out = json!({"msg": "Successfully logged out"});
    let revoked = (401, json!({"msg": "Token has been revoked"}));

    // Mallory's refresh-and-logout loop: 40 revocations, one a second.
    let mut mallorys = Vec::new();
    for _ in 0..40 {
        clock.advance(std::time::Duration::from_secs(1));
        let t = jwt.create_access_token("mallory").unwrap();
        let r = request(
            &app,
            "POST",
            "/logout",
            &[("Authorization", &bearer(&t))],
            None,
        )
        .await;
        assert_eq!(r.json(), logged_out);
        mallorys.push(t);
    }
    assert!(
        store.len() <= 6,
        "5 entries and one cut-off, not 40: {}",
        store.len()
    );
    for t in &mallorys {
        let r = request(
            &app,
            "GET",
            "/protected",
            &[("Authorization", &bearer(t))],
            None,
        )
        .await;
        assert_eq!((r.status.as_u16(), r.json()), revoked);
    }

    // Alice's logout still takes effect.
    let alice = jwt.create_access_token("alice").unwrap();
    let r = request(
        &app,
        "POST",
        "/logout",
        &[("Authorization", &bearer(&alice))],
        None,
    )
    .await;
    assert_eq!(r.json(), logged_out);
    let r = request(
        &app,
        "GET",
        "/protected",
        &[("Authorization", &bearer(&alice))],
        None,
    )
    .await;
    assert_eq!((r.status.as_u16(), r.json()), revoked);

    // Mallory logs in again a second later: a new token works.
    clock.advance(std::time::Duration::from_secs(1));
    let again = jwt.create_access_token("mallory").unwrap();
    let r = request(
        &app,
        "GET",
        "/protected",
        &[("Authorization", &bearer(&again))],
        None,
    )
    .await;
    assert_eq!(r.status.as_u16(), 200);
}
