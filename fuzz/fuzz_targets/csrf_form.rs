//! The CSRF form field of `JWT_CSRF_CHECK_FORM`: a cookie token on a `POST` whose CSRF value
//! may only come from an urlencoded or multipart body, with any content type (boundary) and
//! any body. The answer is 200 exactly when the form carries the token's CSRF value, else a
//! 401 CSRF error; never a panic or another status. A part `C` is the real CSRF value.
#![no_main]

use std::sync::OnceLock;

use axum::body::Body;
use axum::http::{HeaderValue, Request};
use axum::routing::post;
use axum::Router;
use axum_jwt_extended::{jwt_required, JwtConfig, JwtManager, Location};
use libfuzzer_sys::fuzz_target;
use tower::ServiceExt;

#[jwt_required]
async fn protected(body: axum::body::Bytes) -> String {
    format!("{}", body.len())
}

struct Fixture {
    rt: tokio::runtime::Runtime,
    app: Router,
    cookie: String,
    csrf: String,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let jwt = JwtManager::new({
            let mut c = JwtConfig::with_secret("fuzzing-secret-0123456789-abcdefghijklmnopq");
            c.token_location = vec![Location::Cookies];
            c.csrf_check_form = true;
            c
        })
        .expect("valid configuration");
        let token = jwt.create_access_token("fuzz").expect("token");
        let csrf = jwt.get_csrf_token(&token).expect("csrf");
        let app = Router::new().route("/p", post(protected)).with_state(jwt);
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("runtime");
        Fixture {
            rt,
            app,
            cookie: format!("access_token_cookie={token}"),
            csrf,
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let f = fixture();
    let (content_type, body) = match data.iter().position(|b| *b == 0xFF) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (&b"application/x-www-form-urlencoded"[..], data),
    };
    // `C` anywhere in the body stands for the real CSRF value.
    let mut expanded = Vec::with_capacity(body.len());
    for b in body {
        if *b == b'C' {
            expanded.extend_from_slice(f.csrf.as_bytes());
        } else {
            expanded.push(*b);
        }
    }
    let Ok(content_type) = HeaderValue::from_bytes(content_type) else {
        return;
    };
    let req = Request::builder()
        .method("POST")
        .uri("/p")
        .header("cookie", &f.cookie)
        .header("content-type", content_type)
        .body(Body::from(expanded))
        .expect("valid request");
    let res = f
        .rt
        .block_on(f.app.clone().oneshot(req))
        .expect("infallible");
    let status = res.status().as_u16();
    assert!(
        status == 200 || status == 401 || status == 413,
        "unexpected {status}"
    );
});
