//! Extraction from every location with raw bytes: the `Authorization` header, the `Cookie`
//! header, the query string, the body and its content type, on a route that takes all four
//! locations with CSRF (header and form). Never a panic, never a 5xx, and every error is a
//! JSON `{"msg": …}`. A part `T` is replaced by a valid token, `C` by its CSRF value, so that
//! the stages after verification are reached too.
#![no_main]

use std::sync::OnceLock;

use axum::body::Body;
use axum::http::{HeaderValue, Method, Request, Uri};
use axum::routing::any;
use axum::Router;
use axum_jwt_extended::{jwt_required, JwtConfig, JwtManager, Location};
use libfuzzer_sys::fuzz_target;
use tower::ServiceExt;

#[jwt_required]
async fn protected(body: String) -> String {
    body
}

struct Fixture {
    rt: tokio::runtime::Runtime,
    app: Router,
    token: String,
    csrf: String,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let jwt = JwtManager::new({
            let mut c = JwtConfig::with_secret("fuzzing-secret-0123456789-abcdefghijklmnopq");
            c.token_location = vec![
                Location::Headers,
                Location::Cookies,
                Location::QueryString,
                Location::Json,
            ];
            c.csrf_check_form = true;
            c
        })
        .expect("valid configuration");
        let token = jwt.create_access_token("fuzz").expect("token");
        let csrf = jwt.get_csrf_token(&token).expect("csrf");
        let app = Router::new().route("/p", any(protected)).with_state(jwt);
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("runtime");
        Fixture {
            rt,
            app,
            token,
            csrf,
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let f = fixture();
    let mut parts = data.split(|b| *b == 0xFF).map(|p| match p {
        b"T" => f.token.as_bytes().to_vec(),
        b"C" => f.csrf.as_bytes().to_vec(),
        p => p.to_vec(),
    });
    let method = match parts.next().and_then(|m| m.first().copied()).unwrap_or(0) % 4 {
        0 => Method::GET,
        1 => Method::POST,
        2 => Method::DELETE,
        _ => Method::from_bytes(b"post").expect("extension method"),
    };
    let mut next = || parts.next().unwrap_or_default();
    let (authorization, cookie, query, content_type, csrf, body) =
        (next(), next(), next(), next(), next(), next());
    let uri = match Uri::try_from(format!("/p?{}", String::from_utf8_lossy(&query))) {
        Ok(uri) => uri,
        Err(_) => Uri::from_static("/p"),
    };
    let mut req = Request::builder().method(method).uri(uri);
    for (name, value) in [
        ("authorization", authorization),
        ("cookie", cookie),
        ("content-type", content_type),
        ("x-csrf-token", csrf),
    ] {
        if let Ok(v) = HeaderValue::from_bytes(&value) {
            req = req.header(name, v);
        }
    }
    let Ok(req) = req.body(Body::from(body)) else {
        return;
    };
    let res = f
        .rt
        .block_on(f.app.clone().oneshot(req))
        .expect("infallible");
    let status = res.status();
    assert!(!status.is_server_error(), "{status}");
    if !status.is_success() {
        let bytes = f
            .rt
            .block_on(axum::body::to_bytes(res.into_body(), usize::MAX))
            .expect("body");
        let v: serde_json::Value = serde_json::from_slice(&bytes).expect("a JSON error body");
        assert!(v["msg"].is_string(), "{v}");
    }
});
