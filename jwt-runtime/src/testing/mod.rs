//! Helpers for testing your own protected routes (cargo feature `test-util`): a secret that
//! passes the start-up checks, tokens for any identity, type, freshness and claims made with
//! your app's own manager, and a small client over a `Router` that keeps cookies and sends the
//! CSRF header, as Flask's test client does. For a blocklist store of your own,
//! [`blocklist_conformance`] and [`blocklist_outage_conformance`] check that it keeps the
//! contract the manager relies on.
//!
//! ```
//! use axum::{routing::get, Router};
//! use axum_jwt_extended_runtime::testing::{TestClient, TEST_SECRET};
//! use axum_jwt_extended_runtime::{Jwt, JwtConfig, JwtManager};
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! async fn me(jwt: Jwt) -> String {
//!     jwt.identity().and_then(|i| i.as_str()).unwrap_or_default().to_owned()
//! }
//! let jwt = JwtManager::new(JwtConfig::with_secret(TEST_SECRET)).unwrap();
//! let app: Router = Router::new().route("/me", get(me)).with_state(jwt.clone());
//! let mut client = TestClient::new(app);
//! let token = jwt.create_access_token("alice").unwrap();
//! let r = client.get("/me").bearer(&token).send().await;
//! assert_eq!((r.status().as_u16(), r.text()), (200, "alice".to_owned()));
//! # }
//! ```

use std::collections::BTreeMap;

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

use crate::cookies::JwtCookies;

mod conformance;

pub use conformance::{
    blocklist_conformance, blocklist_outage_conformance, change_feed_conformance,
    near_cache_conformance, session_conformance, Backend,
};

/// A 64-byte random secret that passes every start-up check (long enough for HS512). For
/// tests only: anyone can read it here.
pub const TEST_SECRET: &str = "3d9f1c6e8a2b47d05e6f9a1c3b8d2e70f4a6c9b1d3e5f7a9c2b4d6e8f0a1c3e5";

/// A client over a `Router` (through `tower::ServiceExt::oneshot`) that keeps the cookies the
/// app sets, and sends the CSRF header (`X-CSRF-TOKEN`) from the CSRF cookie on methods that
/// change state, as a browser app using flask-jwt-extended's cookies does.
#[derive(Debug, Clone)]
pub struct TestClient {
    app: Router,
    cookies: BTreeMap<String, String>,
}

impl TestClient {
    /// A client for `app`, with no cookies.
    pub fn new(app: Router) -> Self {
        TestClient {
            app,
            cookies: BTreeMap::new(),
        }
    }

    /// A cookie the app set (and did not unset).
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies.get(name).map(String::as_str)
    }

    /// Keeps cookies of your own, e.g. those of `set_access_cookies`.
    pub fn set_cookies(&mut self, cookies: &JwtCookies) {
        for c in cookies.cookies() {
            self.cookies
                .insert(c.name().to_owned(), c.value().to_owned());
        }
    }

    /// A request to build: `GET path`.
    pub fn get(&mut self, path: &str) -> TestRequest<'_> {
        self.request(Method::GET, path)
    }

    /// A request to build: `POST path`.
    pub fn post(&mut self, path: &str) -> TestRequest<'_> {
        self.request(Method::POST, path)
    }

    /// A request to build with any method.
    pub fn request(&mut self, method: Method, path: &str) -> TestRequest<'_> {
        TestRequest {
            client: self,
            method,
            path: path.to_owned(),
            headers: HeaderMap::new(),
            body: Body::empty(),
        }
    }
}

/// A request being built by a [`TestClient`].
#[derive(Debug)]
pub struct TestRequest<'c> {
    client: &'c mut TestClient,
    method: Method,
    path: String,
    headers: HeaderMap,
    body: Body,
}

impl TestRequest<'_> {
    /// `Authorization: Bearer <token>`.
    pub fn bearer(self, token: &str) -> Self {
        self.header(header::AUTHORIZATION, &format!("Bearer {token}"))
    }

    /// Any header (an invalid value is left out).
    pub fn header(mut self, name: HeaderName, value: &str) -> Self {
        if let Ok(v) = HeaderValue::from_str(value) {
            self.headers.insert(name, v);
        }
        self
    }

    /// A JSON body.
    pub fn json(mut self, body: &Value) -> Self {
        self.headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        self.body = Body::from(body.to_string());
        self
    }

    /// Sends it, with the kept cookies and, on a method that changes state, the CSRF header
    /// from the CSRF cookie of the token sent (unless you set one).
    pub async fn send(self) -> TestResponse {
        let TestRequest {
            client,
            method,
            path,
            mut headers,
            body,
        } = self;
        if !client.cookies.is_empty() {
            let line = client
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ");
            if let Ok(v) = HeaderValue::from_str(&line) {
                headers.insert(header::COOKIE, v);
            }
        }
        let changes_state = !matches!(method, Method::GET | Method::HEAD | Method::OPTIONS);
        if changes_state && !headers.contains_key("x-csrf-token") {
            let csrf = if path.contains("refresh") {
                client.cookies.get("csrf_refresh_token")
            } else {
                client.cookies.get("csrf_access_token")
            };
            if let Some(v) = csrf.and_then(|c| HeaderValue::from_str(c).ok()) {
                headers.insert("x-csrf-token", v);
            }
        }
        let mut req = Request::builder().method(method).uri(path.as_str());
        if let Some(h) = req.headers_mut() {
            *h = headers;
        }
        let req = match req.body(body) {
            Ok(req) => req,
            Err(e) => {
                return TestResponse {
                    status: StatusCode::BAD_REQUEST,
                    headers: HeaderMap::new(),
                    body: format!("invalid test request: {e}").into_bytes(),
                }
            }
        };
        let res = match client.app.clone().oneshot(req).await {
            Ok(res) => res,
            Err(never) => match never {},
        };
        let (parts, body) = res.into_parts();
        let body = body
            .collect()
            .await
            .map(|b| b.to_bytes().to_vec())
            .unwrap_or_default();
        for line in parts.headers.get_all(header::SET_COOKIE) {
            let Ok(line) = line.to_str() else { continue };
            let Ok(c) = cookie::Cookie::parse(line) else {
                continue;
            };
            let expired = c.max_age().is_some_and(|a| a.is_zero() || a.is_negative());
            if c.value().is_empty() || expired {
                client.cookies.remove(c.name());
            } else {
                client
                    .cookies
                    .insert(c.name().to_owned(), c.value().to_owned());
            }
        }
        TestResponse {
            status: parts.status,
            headers: parts.headers,
            body,
        }
    }
}

/// What the app answered.
#[derive(Debug, Clone)]
pub struct TestResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl TestResponse {
    /// The status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body as JSON (`Value::Null` when it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}
