//! Shared helpers of the integration tests: a manager with a fixed clock, a `Router`, and a
//! request sender that returns the exact status and JSON body a user would see.
#![allow(dead_code)]

pub mod craft;
pub mod jar;
pub mod keys;
pub mod pg;
pub mod process;
pub mod python;
pub mod redis_cluster;
pub mod redis_server;
pub mod reference;

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use axum::Router;
use axum_jwt_extended::{FixedClock, JwtConfig, JwtManager, JwtManagerBuilder, Location};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

/// The secret of the interop vectors (37 bytes; long enough for HS256).
pub const SECRET: &str = "interop-test-secret-0123456789-abcdef";

/// A "now" far after the vectors' iat (1700000000) and before 2100.
pub const NOW: u64 = 1_795_334_090;

/// The six interop tokens, minted by flask-jwt-extended 4.7.1.
pub const V1: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJmcmVzaCI6ZmFsc2UsImlhdCI6MTcwMDAwMDAwMCwianRpIjoiMDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAxIiwidHlwZSI6ImFjY2VzcyIsInN1YiI6ImludGVyb3AtdXNlciIsIm5iZiI6MTcwMDAwMDAwMCwiY3NyZiI6IjAwMDAwMDAwLTAwMDAtNDAwMC04MDAwLTAwMDAwMDAwMDBjNSJ9.D02eok9p3fGEAjEUS6_m7DWikTPTDbgRI23ScYbtpKg";
pub const V2: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJmcmVzaCI6dHJ1ZSwiaWF0IjoxNzAwMDAwMDAwLCJqdGkiOiIwMDAwMDAwMC0wMDAwLTQwMDAtODAwMC0wMDAwMDAwMDAwMDEiLCJ0eXBlIjoiYWNjZXNzIiwic3ViIjoiaW50ZXJvcC11c2VyIiwibmJmIjoxNzAwMDAwMDAwLCJjc3JmIjoiMDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMGM1Iiwicm9sZXMiOlsiYWRtaW4iLCJ1c2VyIl19.pKuhKCtKm7RceZsTi2WcC-7X4E7H3gE1w9WqnwQWsFk";
pub const V3: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJmcmVzaCI6ZmFsc2UsImlhdCI6MTcwMDAwMDAwMCwianRpIjoiMDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAzIiwidHlwZSI6InJlZnJlc2giLCJzdWIiOiJpbnRlcm9wLXVzZXIiLCJuYmYiOjE3MDAwMDAwMDAsImNzcmYiOiIwMDAwMDAwMC0wMDAwLTQwMDAtODAwMC0wMDAwMDAwMDAwYzUifQ.irrUKnWm9W80G1oN6am6UM0rpaY45T05o47KJdaE9Fc";
pub const V4: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJmcmVzaCI6ZmFsc2UsImlhdCI6MTcwMDAwMDAwMCwianRpIjoiMDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAxIiwidHlwZSI6ImFjY2VzcyIsInN1YiI6ImludGVyb3AtdXNlciIsIm5iZiI6MTcwMDAwMDAwMCwiY3NyZiI6IjAwMDAwMDAwLTAwMDAtNDAwMC04MDAwLTAwMDAwMDAwMDBjNSIsImV4cCI6MTcwMDAwMDkwMH0.JZRiQ5Tvzmln0_tsle9f_5wrky584F4JjLDpU0eoDZU";
pub const V5: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJmcmVzaCI6MTcwMDAwMDMwMC41LCJpYXQiOjE3MDAwMDAwMDAsImp0aSI6IjAwMDAwMDAwLTAwMDAtNDAwMC04MDAwLTAwMDAwMDAwMDAwMSIsInR5cGUiOiJhY2Nlc3MiLCJzdWIiOiJpbnRlcm9wLXVzZXIiLCJuYmYiOjE3MDAwMDAwMDAsImNzcmYiOiIwMDAwMDAwMC0wMDAwLTQwMDAtODAwMC0wMDAwMDAwMDAwYzUifQ.ct5dlzAScEmagf75hBMqZxvioaIqlEI3yMClWrvLkfE";
pub const V6: &str = "eyJhbGciOiJIUzI1NiIsImtpZCI6ImtleS0xIiwidHlwIjoiSldUIn0.eyJmcmVzaCI6ZmFsc2UsImlhdCI6MTcwMDAwMDAwMCwianRpIjoiMDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAxIiwidHlwZSI6ImFjY2VzcyIsInN1YiI6ImludGVyb3AtdXNlciIsIm5iZiI6MTcwMDAwMDAwMCwiY3NyZiI6IjAwMDAwMDAwLTAwMDAtNDAwMC04MDAwLTAwMDAwMDAwMDBjNSJ9.qjurg3yBi5eqCB57WenRG35HFfevX26AbP9vqmT9ixY";

/// A random 64-byte secret, long enough for HS512 (RFC 7518 §3.2); any prefix of 32 or more
/// bytes is a valid secret too.
pub const LONG_SECRET: &str = "9f2c4e81a7d05b3c6e19f8a2d4b70c5e3a8f61d29b0e47c5f1a3d8e62b9c07f4";

/// The default configuration with the interop secret.
pub fn config() -> JwtConfig {
    JwtConfig::with_secret(SECRET)
}

/// [`config`] reading tokens from `locations` only, in that order.
pub fn cfg(locations: &[Location]) -> JwtConfig {
    let mut c = config();
    c.token_location = locations.to_vec();
    c
}

/// A builder with a fixed clock at [`NOW`].
pub fn builder(config: JwtConfig) -> (JwtManagerBuilder, FixedClock) {
    let clock = FixedClock::at_secs(NOW);
    (JwtManager::builder(config).clock(clock.clone()), clock)
}

/// A manager with a fixed clock at [`NOW`].
pub fn manager(config: JwtConfig) -> JwtManager {
    builder(config).0.build().expect("valid test configuration")
}

/// A response as a user sees it.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
}

impl Reply {
    /// The body as JSON (`Value::Null` if it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or(Value::Null)
    }

    /// The `msg` of an error body.
    pub fn msg(&self) -> String {
        self.json()["msg"].as_str().unwrap_or_default().to_owned()
    }

    /// Every `Set-Cookie` header, in order.
    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap_or_default().to_owned())
            .collect()
    }
}

/// `(status, JSON body)`, the pair most assertions compare.
pub fn status_json(r: &Reply) -> (u16, Value) {
    (r.status.as_u16(), r.json())
}

/// An error body `{"msg": m}`.
pub fn msg(m: &str) -> Value {
    serde_json::json!({ "msg": m })
}

/// Sends a request through the router.
pub async fn send(app: &Router, req: Request<Body>) -> Reply {
    let res = app.clone().oneshot(req).await.expect("infallible router");
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res.into_body().collect().await.expect("body").to_bytes();
    Reply {
        status,
        headers,
        text: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// `GET uri` with optional headers.
pub async fn get(app: &Router, uri: &str, headers: &[(&str, &str)]) -> Reply {
    request(app, "GET", uri, headers, None).await
}

/// Any request, with an optional body.
pub async fn request(
    app: &Router,
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> Reply {
    let mut b = Request::builder().method(method).uri(uri);
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    let req = b
        .body(
            body.map(|s| Body::from(s.to_owned()))
                .unwrap_or_else(Body::empty),
        )
        .expect("valid request");
    send(app, req).await
}

/// `Authorization: Bearer <token>`.
pub fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

/// A temporary directory of one test, deleted on drop.
pub struct TempDir(pub std::path::PathBuf);

impl TempDir {
    /// A new empty directory under the system's temporary directory.
    pub fn new() -> TempDir {
        let dir = std::env::temp_dir().join(format!("ajwt-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).expect("a temporary directory");
        TempDir(dir)
    }

    /// `sqlite://<dir>/<file>?mode=rwc` (the file is created on first use).
    pub fn sqlite_url(&self, file: &str) -> String {
        format!("sqlite://{}?mode=rwc", self.0.join(file).display())
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The names of a JSON object's members, in the order the text has them.
pub fn member_order(object_text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut de = serde_json::Deserializer::from_str(object_text);
    struct Names<'a>(&'a mut Vec<String>);
    impl<'de> serde::de::Visitor<'de> for Names<'_> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            while let Some(k) = map.next_key::<String>()? {
                map.next_value::<serde::de::IgnoredAny>()?;
                self.0.push(k);
            }
            Ok(())
        }
    }
    serde::Deserializer::deserialize_map(&mut de, Names(&mut names)).unwrap();
    names
}

/// An HTTP client for talking to test servers (reqwest's TLS needs a rustls provider, which
/// this installs: ring, as the crate itself uses).
#[allow(dead_code)]
pub fn http() -> reqwest::Client {
    #[allow(deprecated)]
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}
