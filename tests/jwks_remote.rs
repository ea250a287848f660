//! Verifying against a remote JWK Set (issue #11, cargo feature `jwks`), over real HTTP: an
//! axum server on 127.0.0.1 serves a JWK Set the test controls. Rotation without restarting the
//! verifier, the unknown-`kid` re-fetch and its rate limit, an issuer that is down, and the
//! limits (timeout, size, refused keys).
#![cfg(feature = "jwks")]

mod common;

use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use axum_jwt_extended::{
    get_jwt_identity, jwt_required, Algorithm, FixedClock, JwksClient, JwksOptions, JwtConfig,
    JwtManager, NoJwtContext, PemKey,
};
use serde_json::{json, Value};

use common::keys::{EC2_PRIVATE, EC2_PUBLIC, ED_PRIVATE, ED_PUBLIC, RSA_PRIVATE, RSA_PUBLIC};
use common::{bearer, get as get_req, manager, msg, status_json, Reply, NOW};

/// What the test's JWKS server answers.
struct Issuer {
    doc: Mutex<Value>,
    cache_control: Mutex<String>,
    fetches: AtomicUsize,
    /// 0: the set; 1: 503; 2: too slow (sleeps 3 s).
    mode: AtomicU8,
}

async fn serve_jwks(State(issuer): State<Arc<Issuer>>) -> Response {
    issuer.fetches.fetch_add(1, Ordering::SeqCst);
    match issuer.mode.load(Ordering::SeqCst) {
        1 => return StatusCode::SERVICE_UNAVAILABLE.into_response(),
        2 => tokio::time::sleep(Duration::from_secs(3)).await,
        _ => {}
    }
    let doc = issuer.doc.lock().unwrap().clone();
    let cache = issuer.cache_control.lock().unwrap().clone();
    ([(header::CACHE_CONTROL, cache)], Json(doc)).into_response()
}

struct Server {
    issuer: Arc<Issuer>,
    url: String,
    task: tokio::task::JoinHandle<()>,
}

impl Server {
    async fn start(doc: Value) -> Server {
        let issuer = Arc::new(Issuer {
            doc: Mutex::new(doc),
            cache_control: Mutex::new("public, max-age=1".into()),
            fetches: AtomicUsize::new(0),
            mode: AtomicU8::new(0),
        });
        let app = Router::new()
            .route("/.well-known/jwks.json", get(serve_jwks))
            .with_state(issuer.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!(
            "http://{}/.well-known/jwks.json",
            listener.local_addr().unwrap()
        );
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Server { issuer, url, task }
    }

    fn publish(&self, doc: Value) {
        *self.issuer.doc.lock().unwrap() = doc;
    }

    fn fetches(&self) -> usize {
        self.issuer.fetches.load(Ordering::SeqCst)
    }
}

fn asym(alg: Algorithm, private: &str, public: &str) -> JwtConfig {
    let mut c = JwtConfig::default();
    c.algorithm = alg;
    c.private_key = Some(PemKey::from(private));
    c.public_key = Some(PemKey::from(public));
    c
}

fn options(unknown_kid_interval: Duration) -> JwksOptions {
    let mut o = JwksOptions::default();
    o.refresh_floor = Duration::from_secs(1);
    o.unknown_kid_interval = unknown_kid_interval;
    o.timeout = Duration::from_secs(1);
    o
}

#[jwt_required]
async fn protected() -> Result<Json<Value>, NoJwtContext> {
    Ok(Json(json!({ "logged_in_as": get_jwt_identity()? })))
}

/// A verifier with no key of its own.
fn verifier(client: JwksClient) -> Router {
    let jwt = JwtManager::builder(JwtConfig::default())
        .clock(FixedClock::at_secs(NOW))
        .jwks_client(client)
        .build()
        .unwrap();
    assert!(!jwt.can_sign());
    Router::new()
        .route("/protected", get(protected))
        .with_state(jwt)
}

async fn call(app: &Router, token: &str) -> Reply {
    get_req(app, "/protected", &[("Authorization", &bearer(token))]).await
}

fn ok(who: &str) -> (u16, Value) {
    (200, json!({ "logged_in_as": who }))
}

/// Polls until `f` holds (at most `secs` seconds).
async fn eventually<F: std::future::Future<Output = bool>>(secs: u64, mut f: impl FnMut() -> F) {
    for _ in 0..secs * 10 {
        if f().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("not within {secs} s");
}

#[tokio::test]
async fn rotation_without_restarting_the_verifier() {
    let a = manager(asym(Algorithm::RS256, RSA_PRIVATE, RSA_PUBLIC));
    let mut with_b = asym(Algorithm::ES256, EC2_PRIVATE, EC2_PUBLIC);
    with_b.retired_public_keys = vec![PemKey::from(RSA_PUBLIC)];
    let b_and_a = manager(with_b);
    let b = manager(asym(Algorithm::ES256, EC2_PRIVATE, EC2_PUBLIC));
    let token_a = a.create_access_token("signed-by-a").unwrap();
    let token_b = b.create_access_token("signed-by-b").unwrap();

    // Phase 1: the issuer signs with A; the verifier fetches.
    let server = Server::start(a.jwks()).await;
    let client = JwksClient::fetch_with(&server.url, options(Duration::from_secs(10)))
        .await
        .unwrap();
    assert_eq!(client.kids(), [a.signing_key_id().unwrap()]);
    let app = verifier(client.clone());
    assert_eq!(status_json(&call(&app, &token_a).await), ok("signed-by-a"));

    // Phase 2: the issuer adds B and keeps A. B's first token re-fetches and waits for it.
    server.publish(b_and_a.jwks());
    let before = server.fetches();
    assert_eq!(status_json(&call(&app, &token_b).await), ok("signed-by-b"));
    assert!(server.fetches() > before);
    assert_eq!(status_json(&call(&app, &token_a).await), ok("signed-by-a"));

    // Phase 3: A is retired. The background refresh (max-age=1) drops it.
    server.publish(b.jwks());
    eventually(10, || async { call(&app, &token_a).await.status == 422 }).await;
    assert_eq!(
        status_json(&call(&app, &token_a).await),
        (422, msg("Unknown key id"))
    );
    assert_eq!(status_json(&call(&app, &token_b).await), ok("signed-by-b"));
    assert_eq!(client.kids(), [b.signing_key_id().unwrap()]);
    server.task.abort();
}

#[tokio::test]
async fn unknown_kids_refetch_at_most_once_per_interval() {
    let a = manager(asym(Algorithm::EdDSA, ED_PRIVATE, ED_PUBLIC));
    let server = Server::start(a.jwks()).await;
    *server.issuer.cache_control.lock().unwrap() = "public, max-age=3600".into();
    let client = JwksClient::fetch_with(&server.url, options(Duration::from_secs(10)))
        .await
        .unwrap();
    let app = verifier(client);
    assert_eq!(server.fetches(), 1);
    let a_token = a.create_access_token("ed").unwrap();
    assert_eq!(status_json(&call(&app, &a_token).await), ok("ed"));
    assert_eq!(server.fetches(), 1, "a known kid fetches nothing");
    let forged = |kid: &str| {
        a.create_access_token_with(
            "x",
            axum_jwt_extended::TokenOptions::new().additional_headers(json!({ "kid": kid })),
        )
        .unwrap()
    };
    // Many requests with unknown kids, concurrently and one after the other: one re-fetch.
    let tokens: Vec<String> = (0..20).map(|i| forged(&format!("unknown-{i}"))).collect();
    let replies = futures_join_all(
        tokens
            .iter()
            .cloned()
            .map(|t| {
                let app = app.clone();
                async move { call(&app, &t).await }
            })
            .collect(),
    )
    .await;
    for r in replies {
        assert_eq!(status_json(&r), (422, msg("Unknown key id")));
    }
    for t in &tokens {
        assert_eq!(call(&app, t).await.status, 422);
    }
    assert_eq!(server.fetches(), 2);
    // A token without kid: the remote set has no "current" key.
    let no_kid = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(Algorithm::EdDSA),
        &json!({"sub": "x", "iat": NOW, "nbf": NOW, "exp": NOW + 60, "type": "access",
                "fresh": false, "jti": "j"}),
        &jsonwebtoken::EncodingKey::from_ed_pem(ED_PRIVATE.as_bytes()).unwrap(),
    )
    .unwrap();
    assert_eq!(
        status_json(&call(&app, &no_kid).await),
        (422, msg("Missing key id: the token has no \"kid\" header"))
    );
    server.task.abort();
}

/// `join_all` without the futures crate: each future on its own task.
async fn futures_join_all<F>(futures: Vec<F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.into_iter().map(tokio::spawn).collect();
    let mut out = Vec::with_capacity(handles.len());
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

#[tokio::test]
async fn an_issuer_that_is_down_leaves_the_cached_keys_working() {
    let a = manager(asym(Algorithm::RS256, RSA_PRIVATE, RSA_PUBLIC));
    let b = manager(asym(Algorithm::ES256, EC2_PRIVATE, EC2_PUBLIC));
    let server = Server::start(a.jwks()).await;
    let client = JwksClient::fetch_with(&server.url, options(Duration::from_millis(1)))
        .await
        .unwrap();
    let app = verifier(client);
    let token_a = a.create_access_token("a").unwrap();
    let token_b = b.create_access_token("b").unwrap();

    // Answers 503: the refreshes fail, A still verifies, B's unknown kid is a 422.
    server.issuer.mode.store(1, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(status_json(&call(&app, &token_a).await), ok("a"));
    assert_eq!(
        status_json(&call(&app, &token_b).await),
        (422, msg("Unknown key id"))
    );
    // Too slow: the re-fetch gives up after the timeout (1 s), still a 422.
    server.issuer.mode.store(2, Ordering::SeqCst);
    let started = std::time::Instant::now();
    assert_eq!(call(&app, &token_b).await.status, 422);
    assert!(started.elapsed() < Duration::from_millis(2500));
    // Gone altogether.
    server.task.abort();
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(status_json(&call(&app, &token_a).await), ok("a"));
    assert_eq!(call(&app, &token_b).await.status, 422);
}

#[tokio::test]
async fn limits_and_refused_keys() {
    let a = manager(asym(Algorithm::RS256, RSA_PRIVATE, RSA_PUBLIC));
    let good = a.jwks()["keys"][0].clone();
    let mut no_alg = good.clone();
    no_alg.as_object_mut().unwrap().remove("alg");
    no_alg["kid"] = json!("no-alg");
    let mut private = good.clone();
    private["kid"] = json!("private");
    private["d"] = json!("AAAA");
    let mut wrong_alg = good.clone();
    wrong_alg["kid"] = json!("wrong-alg");
    wrong_alg["alg"] = json!("ES256");
    let mut enc = good.clone();
    enc["kid"] = json!("enc");
    enc["use"] = json!("enc");
    let doc = json!({"keys": [
        good, no_alg, private, wrong_alg, enc,
        {"kty": "oct", "k": "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA", "kid": "hmac", "alg": "HS256"},
        {"kty": "RSA", "kid": "tiny", "alg": "RS256", "n": "AQAB", "e": "AQAB"},
        "not an object",
    ]});
    let server = Server::start(doc).await;
    let client = JwksClient::fetch_with(&server.url, options(Duration::from_secs(10)))
        .await
        .unwrap();
    // The JWK without alg takes the fallback algorithm (RS256 by default): it fits.
    assert_eq!(
        client.kids(),
        [a.signing_key_id().unwrap().to_owned(), "no-alg".to_owned()]
    );

    // An HS256 token naming the published oct key: unknown (never imported).
    let t = jsonwebtoken::encode(
        &jsonwebtoken::Header {
            kid: Some("hmac".into()),
            ..jsonwebtoken::Header::new(Algorithm::HS256)
        },
        &json!({"sub": "x", "iat": NOW, "nbf": NOW, "exp": NOW + 60, "type": "access",
                "fresh": false, "jti": "j"}),
        &jsonwebtoken::EncodingKey::from_secret(b"secret-secret-secret-secret-secret").unwrap(),
    )
    .unwrap();
    assert_eq!(
        status_json(&call(&verifier(client), &t).await),
        (422, msg("Unknown key id"))
    );

    // Too large a document; not a JWK Set; no usable key; not answering in time.
    server.publish(json!({"keys": [], "pad": "x".repeat(4096)}));
    let mut small = options(Duration::from_secs(10));
    small.max_bytes = 2048;
    let err = JwksClient::fetch_with(&server.url, small)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("larger than 2048 bytes"), "{err}");
    server.publish(json!({"not": "a set"}));
    let err = JwksClient::fetch(&server.url).await.unwrap_err();
    assert!(err.to_string().contains("not a JWK Set"), "{err}");
    server.publish(json!({"keys": [{"kty": "oct", "k": "AAAA"}]}));
    let err = JwksClient::fetch(&server.url).await.unwrap_err();
    assert!(err.to_string().contains("no usable"), "{err}");
    server.issuer.mode.store(2, Ordering::SeqCst);
    let started = std::time::Instant::now();
    assert!(
        JwksClient::fetch_with(&server.url, options(Duration::from_secs(1)))
            .await
            .is_err()
    );
    assert!(started.elapsed() < Duration::from_millis(2500));
    server.task.abort();

    // A transport failure keeps its cause: the HTTP client's own error.
    let err = JwksClient::fetch("http://127.0.0.1:1/jwks.json")
        .await
        .unwrap_err();
    assert!(err.to_string().starts_with("cannot fetch"), "{err}");
    let cause = std::error::Error::source(&err).and_then(|e| e.downcast_ref::<reqwest::Error>());
    assert!(cause.is_some_and(reqwest::Error::is_connect), "{err:?}");
}

#[tokio::test]
async fn jwt_jwks_url_and_build_async() {
    let a = manager(asym(Algorithm::ES256, EC2_PRIVATE, EC2_PUBLIC));
    let server = Server::start(a.jwks()).await;
    let url = server.url.clone();
    let config = JwtConfig::from_lookup(|name| match name {
        "JWT_JWKS_URL" => Some(url.clone()),
        "JWT_JWKS_REFRESH_FLOOR" => Some("1".into()),
        "JWT_JWKS_UNKNOWN_KID_INTERVAL" => Some("2".into()),
        "JWT_JWKS_TIMEOUT" => Some("1".into()),
        "JWT_JWKS_MAX_BYTES" => Some("65536".into()),
        _ => None,
    })
    .unwrap();
    assert_eq!(config.jwks_unknown_kid_interval, Duration::from_secs(2));
    // build() cannot fetch.
    let err = JwtManager::new(config.clone()).unwrap_err();
    assert_eq!(err.option(), "JWT_JWKS_URL");
    let jwt = JwtManager::builder(config)
        .clock(FixedClock::at_secs(NOW))
        .build_async()
        .await
        .unwrap();
    let token = a.create_access_token("alice").unwrap();
    assert_eq!(
        jwt.decode_token(&token).unwrap().get_str("sub"),
        Some("alice")
    );
    assert!(jwt.create_access_token("x").is_err());
    // An unreachable or malformed URL stops the start-up.
    server.task.abort();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut c = JwtConfig::default();
    c.jwks_url = Some(server.url.clone());
    let err = JwtManager::builder(c).build_async().await.unwrap_err();
    assert_eq!(err.option(), "JWT_JWKS_URL");
    let mut c = JwtConfig::default();
    c.jwks_url = Some("file:///etc/passwd".into());
    let err = JwtManager::builder(c).build_async().await.unwrap_err();
    assert_eq!(err.option(), "JWT_JWKS_URL");
}

/// A re-fetch that yields no usable key (any client can trigger one with an unknown `kid`)
/// leaves the cached keys in use; so does a refresh or a background fetch of such a set.
#[tokio::test]
async fn a_set_without_usable_keys_never_replaces_the_cached_keys() {
    let a = manager(asym(Algorithm::ES256, EC2_PRIVATE, EC2_PUBLIC));
    let server = Server::start(a.jwks()).await;
    let client = JwksClient::fetch_with(&server.url, options(Duration::from_millis(1)))
        .await
        .unwrap();
    let app = verifier(client.clone());
    let token = a.create_access_token("kept").unwrap();
    assert_eq!(status_json(&call(&app, &token).await), ok("kept"));

    for empty in [
        json!({"keys": []}),
        json!({"keys": [{"kty": "oct", "k": "AAAA"}]}),
    ] {
        server.publish(empty);
        let unknown = a
            .create_access_token_with(
                "x",
                axum_jwt_extended::TokenOptions::new()
                    .additional_headers(json!({ "kid": "unknown" })),
            )
            .unwrap();
        let before = server.fetches();
        assert_eq!(
            status_json(&call(&app, &unknown).await),
            (422, msg("Unknown key id"))
        );
        assert!(server.fetches() > before, "the unknown kid re-fetched");
        let err = client.refresh().await.unwrap_err();
        assert!(err.to_string().contains("no usable signature key"), "{err}");
        // The background refresh (max-age=1) has run too by now.
        tokio::time::sleep(Duration::from_millis(1200)).await;
        assert_eq!(status_json(&call(&app, &token).await), ok("kept"));
        assert_eq!(client.kids(), [a.signing_key_id().unwrap()]);
    }
    server.task.abort();
}

/// A redirect to another origin is not followed (a key set is only taken from the server it
/// was configured at); one within the origin is.
#[tokio::test]
async fn redirects_stay_within_the_origin() {
    let a = manager(asym(Algorithm::RS256, RSA_PRIVATE, RSA_PUBLIC));
    let elsewhere = Server::start(a.jwks()).await;
    let target = elsewhere.url.clone();
    let doc = a.jwks();
    let app = Router::new()
        .route(
            "/away",
            get(move || {
                let target = target.clone();
                async move { axum::response::Redirect::temporary(&target) }
            }),
        )
        .route(
            "/moved",
            get(|| async { axum::response::Redirect::permanent("/here") }),
        )
        .route(
            "/here",
            get(move || {
                let doc = doc.clone();
                async move { Json(doc) }
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let err = JwksClient::fetch(&format!("{origin}/away"))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("{origin}/away answered 307 Temporary Redirect")
    );
    assert_eq!(elsewhere.fetches(), 0, "the other origin was never asked");
    let client = JwksClient::fetch(&format!("{origin}/moved")).await.unwrap();
    assert_eq!(client.kids().len(), 1);
    task.abort();
    elsewhere.task.abort();
}

/// `JWT_JWKS_URL`'s user, password and query string are never in a message (nor so in a
/// log line, which prints these messages).
#[tokio::test]
async fn the_url_is_shown_without_credentials_or_query() {
    let secret_url = "http://jwks-user:jwks-password@127.0.0.1:1/keys.json?api_key=hunter2#frag";
    let err = JwksClient::fetch(secret_url).await.unwrap_err();
    let text = format!("{err} {err:?}");
    assert!(
        text.contains("cannot fetch http://127.0.0.1:1/keys.json"),
        "{text}"
    );
    for secret in ["jwks-user", "jwks-password", "hunter2", "api_key", "frag"] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
}
