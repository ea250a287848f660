//! Every example of `examples/` (one per page of flask-jwt-extended's documentation; the map
//! is `examples/README.md`), driven through its own `Router` with the page's flow, asserting
//! the exact statuses and JSON bodies a client sees.
#![cfg(feature = "test-util")]

#[allow(dead_code)]
#[path = "../examples/basic_usage.rs"]
mod basic_usage;

#[allow(dead_code)]
#[path = "../examples/automatic_user_loading.rs"]
mod automatic_user_loading;

#[allow(dead_code)]
#[path = "../examples/optional_routes.rs"]
mod optional_routes;

#[allow(dead_code)]
#[path = "../examples/additional_data.rs"]
mod additional_data;

#[allow(dead_code)]
#[path = "../examples/complex_objects.rs"]
mod complex_objects;

#[allow(dead_code)]
#[path = "../examples/refreshing_tokens.rs"]
mod refreshing_tokens;

#[allow(dead_code)]
#[path = "../examples/locations.rs"]
mod locations;

#[allow(dead_code)]
#[path = "../examples/blocklist.rs"]
mod blocklist;

#[allow(dead_code)]
#[path = "../examples/changing_default_behaviors.rs"]
mod changing_default_behaviors;

#[allow(dead_code)]
#[path = "../examples/custom_decorators.rs"]
mod custom_decorators;

#[allow(dead_code)]
#[path = "../examples/asymmetric_keys.rs"]
mod asymmetric_keys;

#[allow(dead_code)]
#[path = "../examples/sessions.rs"]
mod sessions;

#[cfg(feature = "jwks")]
#[allow(dead_code)]
#[path = "../examples/jwks.rs"]
mod jwks;

#[cfg(feature = "sqlite")]
#[allow(dead_code)]
#[path = "../examples/database.rs"]
mod database;

use std::time::Duration;

use axum::http::{HeaderName, Method};
use axum_jwt_extended::testing::{TestClient, TestResponse, TEST_SECRET};
use axum_jwt_extended::{
    set_access_cookies, CookieOptions, FixedClock, JwtConfig, JwtManager, TokenOptions,
};
use serde_json::{json, Value};

/// `(status, JSON body)`.
fn sj(r: &TestResponse) -> (u16, Value) {
    (r.status().as_u16(), r.json())
}

fn msg(m: &str) -> Value {
    json!({ "msg": m })
}

/// The string member `key` of a JSON body.
fn member(r: &TestResponse, key: &str) -> String {
    r.json()[key]
        .as_str()
        .unwrap_or_else(|| panic!("no {key:?} in {}", r.text()))
        .to_owned()
}

/// A token that expired long ago, made by a manager of this configuration whose clock is in
/// 2020.
fn expired_access_token(config: JwtConfig, identity: &str) -> String {
    JwtManager::builder(config)
        .clock(FixedClock::at_secs(1_600_000_000))
        .build()
        .unwrap()
        .create_access_token(identity.to_owned())
        .unwrap()
}

// ---- basic_usage ----------------------------------------------------------------------------

#[tokio::test]
async fn basic_usage_login_then_protected() {
    let mut client = TestClient::new(basic_usage::app(basic_usage::config(TEST_SECRET)));

    let r = client.get("/protected").send().await;
    assert_eq!(sj(&r), (401, msg("Missing Authorization Header")));

    let creds = json!({ "username": "test", "password": "wrong" });
    let r = client.post("/login").json(&creds).send().await;
    assert_eq!(sj(&r), (401, msg("Bad username or password")));

    let creds = json!({ "username": "test", "password": "test" });
    let r = client.post("/login").json(&creds).send().await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.json().as_object().unwrap().len(), 1, "{}", r.text());
    let access = member(&r, "access_token");

    let r = client.get("/protected").bearer(&access).send().await;
    assert_eq!(sj(&r), (200, json!({ "logged_in_as": "test" })));

    let r = client.get("/protected").bearer("not-a-token").send().await;
    assert_eq!(sj(&r), (422, msg("Not enough segments")));
}

// ---- automatic_user_loading -----------------------------------------------------------------

#[tokio::test]
async fn automatic_user_loading_who_am_i_is_the_loaded_user() {
    let config = automatic_user_loading::config(TEST_SECRET);
    let app = automatic_user_loading::app(config, automatic_user_loading::users());
    let mut client = TestClient::new(app);

    let creds = json!({ "username": "panther", "password": "nope" });
    let r = client.post("/login").json(&creds).send().await;
    assert_eq!(sj(&r), (401, json!("Wrong username or password")));
    let creds = json!({ "username": "joker", "password": "password" });
    let r = client.post("/login").json(&creds).send().await;
    assert_eq!(sj(&r), (401, json!("Wrong username or password")));

    let creds = json!({ "username": "panther", "password": "password" });
    let r = client.post("/login").json(&creds).send().await;
    assert_eq!(r.status(), 200);
    let access = member(&r, "access_token");
    // The identity loader wrote the id, as a string.
    let claims = JwtManager::new(JwtConfig::with_secret(TEST_SECRET))
        .unwrap()
        .decode_token(&access)
        .unwrap();
    assert_eq!(claims.get_str("sub"), Some("2"));

    let r = client.get("/who_am_i").bearer(&access).send().await;
    assert_eq!(
        sj(&r),
        (
            200,
            json!({ "id": 2, "full_name": "Ann Takamaki", "username": "panther" })
        )
    );
}

#[tokio::test]
async fn automatic_user_loading_a_deleted_user_gets_401() {
    let config = automatic_user_loading::config(TEST_SECRET);
    let users = automatic_user_loading::users();
    let mut client = TestClient::new(automatic_user_loading::app(config.clone(), users));
    let creds = json!({ "username": "batman", "password": "password" });
    let access = member(
        &client.post("/login").json(&creds).send().await,
        "access_token",
    );

    // The same token against an app whose database no longer has user 1.
    let remaining = automatic_user_loading::users()
        .iter()
        .filter(|u| u.id != 1)
        .cloned()
        .collect::<Vec<_>>();
    let mut client = TestClient::new(automatic_user_loading::app(config, remaining.into()));
    let r = client.get("/who_am_i").bearer(&access).send().await;
    assert_eq!(sj(&r), (401, msg("Error loading the user 1")));
}

// ---- optional_routes ------------------------------------------------------------------------

#[tokio::test]
async fn optional_routes_anonymous_logged_in_and_invalid() {
    let mut client = TestClient::new(optional_routes::app(optional_routes::config(TEST_SECRET)));
    let creds = json!({ "username": "test", "password": "test" });
    let access = member(
        &client.post("/login").json(&creds).send().await,
        "access_token",
    );

    for path in ["/optionally_protected", "/optionally_protected_extractor"] {
        let r = client.get(path).send().await;
        assert_eq!(
            sj(&r),
            (200, json!({ "logged_in_as": "anonymous user" })),
            "{path}"
        );

        let r = client.get(path).bearer(&access).send().await;
        assert_eq!(sj(&r), (200, json!({ "logged_in_as": "test" })), "{path}");

        // A token that is there but invalid is rejected, optional or not.
        let r = client.get(path).bearer("not-a-token").send().await;
        assert_eq!(sj(&r), (422, msg("Not enough segments")), "{path}");
    }
}

// ---- additional_data ------------------------------------------------------------------------

#[tokio::test]
async fn additional_data_claims_from_the_argument_and_the_loader() {
    let config = additional_data::config(TEST_SECRET);
    let mut client = TestClient::new(additional_data::app(config.clone()));

    let creds = json!({ "username": "test", "password": "test" });
    let r = client.post("/login").json(&creds).send().await;
    assert_eq!(r.status(), 200);
    let access = member(&r, "access_token");

    let r = client.get("/protected").bearer(&access).send().await;
    assert_eq!(sj(&r), (200, json!({ "foo": "bar" })));

    let r = client.get("/protected_typed").bearer(&access).send().await;
    assert_eq!(
        sj(&r),
        (
            200,
            json!({ "aud": "some_audience", "foo": "bar", "upcase_name": "TEST" })
        )
    );

    // A token without the loader's claims does not fit the typed claims: 422.
    let plain = JwtManager::new(config)
        .unwrap()
        .create_access_token_with(
            "test".to_owned(),
            TokenOptions::new().additional_claims(json!({ "aud": "some_audience" })),
        )
        .unwrap();
    let r = client.get("/protected_typed").bearer(&plain).send().await;
    assert_eq!(r.status(), 422, "{}", r.text());
}

#[tokio::test]
async fn additional_data_a_token_for_another_audience_is_refused() {
    let mut client = TestClient::new(additional_data::app(additional_data::config(TEST_SECRET)));
    let other = JwtManager::new(JwtConfig::with_secret(TEST_SECRET))
        .unwrap()
        .create_access_token_with(
            "test",
            TokenOptions::new().additional_claims(json!({ "aud": "elsewhere", "foo": "bar" })),
        )
        .unwrap();
    let r = client.get("/protected").bearer(&other).send().await;
    assert_eq!(sj(&r), (422, msg("Audience doesn't match")));
}

// ---- complex_objects ------------------------------------------------------------------------

#[tokio::test]
async fn complex_objects_identity_and_roles_come_from_the_object() {
    let mut client = TestClient::new(complex_objects::app(complex_objects::config(TEST_SECRET)));
    let creds = json!({ "username": "test", "password": "nope" });
    let r = client.post("/login").json(&creds).send().await;
    assert_eq!(sj(&r), (401, msg("Bad username or password")));

    let creds = json!({ "username": "test", "password": "test" });
    let access = member(
        &client.post("/login").json(&creds).send().await,
        "access_token",
    );
    let r = client.get("/protected").bearer(&access).send().await;
    assert_eq!(
        sj(&r),
        (
            200,
            json!({ "current_identity": "test", "current_roles": ["foo", "bar"] })
        )
    );
}

// ---- refreshing_tokens ----------------------------------------------------------------------

#[tokio::test]
async fn refreshing_tokens_explicit_refresh_and_freshness() {
    let mut client = TestClient::new(refreshing_tokens::app(refreshing_tokens::config(
        TEST_SECRET,
    )));
    let creds = json!({ "username": "test", "password": "test" });
    let r = client.post("/login").json(&creds).send().await;
    assert_eq!(r.status(), 200);
    let (access, refresh) = (member(&r, "access_token"), member(&r, "refresh_token"));

    // The login's token is fresh: both routes.
    let r = client.get("/protected").bearer(&access).send().await;
    assert_eq!(sj(&r), (200, json!({ "foo": "bar" })));
    let r = client.get("/protected_fresh").bearer(&access).send().await;
    assert_eq!(sj(&r), (200, json!({ "foo": "bar" })));

    // Only refresh tokens refresh; access tokens do not.
    let r = client.post("/refresh").bearer(&access).send().await;
    assert_eq!(sj(&r), (422, msg("Only refresh tokens are allowed")));
    let r = client.get("/protected").bearer(&refresh).send().await;
    assert_eq!(sj(&r), (422, msg("Only non-refresh tokens are allowed")));

    let r = client.post("/refresh").bearer(&refresh).send().await;
    assert_eq!(r.status(), 200);
    let refreshed = member(&r, "access_token");

    // A refreshed token is not fresh.
    let r = client.get("/protected").bearer(&refreshed).send().await;
    assert_eq!(sj(&r), (200, json!({ "foo": "bar" })));
    let r = client
        .get("/protected_fresh")
        .bearer(&refreshed)
        .send()
        .await;
    assert_eq!(sj(&r), (401, msg("Fresh token required")));
}

#[tokio::test]
async fn refreshing_tokens_implicit_refresh_of_cookies() {
    let config = refreshing_tokens::config(TEST_SECRET);
    let mut client = TestClient::new(refreshing_tokens::app(config.clone()));

    let r = client.post("/cookies/login").send().await;
    assert_eq!(sj(&r), (200, msg("login successful")));
    let first = client.cookie("access_token_cookie").unwrap().to_owned();

    // An hour to go: outside the 30-minute window, no new cookie.
    let r = client.get("/cookies/protected").send().await;
    assert_eq!(sj(&r), (200, json!({ "foo": "bar" })));
    assert!(r.headers().get("set-cookie").is_none());

    // A cookie that expires in 10 minutes gets a new one with the answer.
    let jwt = JwtManager::new(config).unwrap();
    let soon = TokenOptions::new().expires_delta(Duration::from_secs(600));
    let expiring = jwt
        .create_access_token_with("example_user", soon.clone())
        .unwrap();
    client.set_cookies(&set_access_cookies(&jwt, &expiring, CookieOptions::default()).unwrap());
    let r = client.get("/cookies/protected").send().await;
    assert_eq!(sj(&r), (200, json!({ "foo": "bar" })));
    let renewed = client.cookie("access_token_cookie").unwrap().to_owned();
    assert_ne!(renewed, expiring);
    assert_ne!(renewed, first);
    let claims = jwt.decode_token(&renewed).unwrap();
    let lifetime = claims.exp().unwrap() - claims.iat().unwrap();
    assert_eq!(
        (claims.get_str("sub"), lifetime),
        (Some("example_user"), 3600.0)
    );

    // A token in the header is never refreshed implicitly.
    let header_token = jwt.create_access_token_with("example_user", soon).unwrap();
    let r = client.get("/protected").bearer(&header_token).send().await;
    assert_eq!(r.status(), 200);
    assert!(r.headers().get("set-cookie").is_none());

    let r = client.post("/cookies/logout").send().await;
    assert_eq!(sj(&r), (200, msg("logout successful")));
    assert_eq!(client.cookie("access_token_cookie"), None);
    let r = client.get("/cookies/protected").send().await;
    assert_eq!(r.status(), 401, "{}", r.text());
}

// ---- locations ------------------------------------------------------------------------------

#[tokio::test]
async fn locations_header_query_string_and_json_body() {
    let mut client = TestClient::new(locations::app(locations::config(TEST_SECRET)));
    let r = client.post("/login_without_cookies").send().await;
    let access = member(&r, "access_token");

    let r = client.post("/protected").bearer(&access).send().await;
    assert_eq!(sj(&r), (200, json!({ "foo": "bar" })));
    let r = client.get("/protected").bearer(&access).send().await;
    assert_eq!(sj(&r), (200, json!({ "foo": "bar" })));

    let r = client
        .post(&format!("/protected?jwt={access}"))
        .send()
        .await;
    assert_eq!(sj(&r), (200, json!({ "foo": "bar" })));

    let body = json!({ "access_token": access });
    let r = client.post("/protected").json(&body).send().await;
    assert_eq!(sj(&r), (200, json!({ "foo": "bar" })));

    let r = client.get("/only_headers").bearer(&access).send().await;
    assert_eq!(sj(&r), (200, json!({ "foo": "baz" })));
    let r = client
        .get(&format!("/only_headers?jwt={access}"))
        .send()
        .await;
    assert_eq!(sj(&r), (401, msg("Missing Authorization Header")));

    let r = client.post("/protected").send().await;
    assert_eq!(r.status(), 401, "{}", r.text());
}

#[tokio::test]
async fn locations_cookies_with_csrf() {
    let mut client = TestClient::new(locations::app(locations::config(TEST_SECRET)));
    let r = client.post("/login_with_cookies").send().await;
    assert_eq!(sj(&r), (200, msg("login successful")));
    assert!(client.cookie("access_token_cookie").is_some());
    assert!(client.cookie("csrf_access_token").is_some());

    // GET needs no CSRF value; the client sends X-CSRF-TOKEN on POST, as the page's JavaScript.
    let r = client.get("/protected").send().await;
    assert_eq!(sj(&r), (200, json!({ "foo": "bar" })));
    let r = client.post("/protected").send().await;
    assert_eq!(sj(&r), (200, json!({ "foo": "bar" })));
    let r = client
        .post("/protected")
        .header(HeaderName::from_static("x-csrf-token"), "forged")
        .send()
        .await;
    assert_eq!(sj(&r), (401, msg("CSRF double submit tokens do not match")));

    // The cookie is not a header.
    let r = client.get("/only_headers").send().await;
    assert_eq!(sj(&r), (401, msg("Missing Authorization Header")));

    let r = client.post("/logout_with_cookies").send().await;
    assert_eq!(sj(&r), (200, msg("logout successful")));
    assert_eq!(client.cookie("access_token_cookie"), None);
    assert_eq!(client.cookie("csrf_access_token"), None);
}

// ---- blocklist ------------------------------------------------------------------------------

#[tokio::test]
async fn blocklist_revoking_access_and_refresh_tokens() {
    let app = blocklist::app(
        blocklist::config(TEST_SECRET),
        axum_jwt_extended::MemoryBlocklist::new(),
    );
    let mut client = TestClient::new(app);
    let r = client.post("/login").send().await;
    let (access, refresh) = (member(&r, "access_token"), member(&r, "refresh_token"));

    let r = client.get("/protected").bearer(&access).send().await;
    assert_eq!(sj(&r), (200, json!({ "hello": "world" })));

    let r = client
        .request(Method::DELETE, "/logout")
        .bearer(&access)
        .send()
        .await;
    assert_eq!(sj(&r), (200, msg("Access token successfully revoked")));
    let r = client.get("/protected").bearer(&access).send().await;
    assert_eq!(sj(&r), (401, msg("Token has been revoked")));

    // The refresh token still mints access tokens until it is revoked too.
    let r = client.post("/refresh").bearer(&refresh).send().await;
    assert_eq!(r.status(), 200);
    let r = client
        .request(Method::DELETE, "/logout")
        .bearer(&refresh)
        .send()
        .await;
    assert_eq!(sj(&r), (200, msg("Refresh token successfully revoked")));
    let r = client.post("/refresh").bearer(&refresh).send().await;
    assert_eq!(sj(&r), (401, msg("Token has been revoked")));
}

#[tokio::test]
async fn blocklist_revoking_a_whole_login() {
    let app = blocklist::app(
        blocklist::config(TEST_SECRET),
        axum_jwt_extended::MemoryBlocklist::new(),
    );
    let mut client = TestClient::new(app);
    let r = client.post("/login_pair").send().await;
    let (access, refresh) = (member(&r, "access_token"), member(&r, "refresh_token"));
    let r = client.post("/login_pair").send().await;
    let other_login = member(&r, "access_token");

    let r = client
        .request(Method::DELETE, "/logout_login")
        .bearer(&access)
        .send()
        .await;
    assert_eq!(sj(&r), (200, msg("Access and refresh tokens revoked")));
    let r = client.get("/protected").bearer(&access).send().await;
    assert_eq!(sj(&r), (401, msg("Token has been revoked")));
    let r = client.post("/refresh").bearer(&refresh).send().await;
    assert_eq!(sj(&r), (401, msg("Token has been revoked")));
    // Another login of the same user is untouched.
    let r = client.get("/protected").bearer(&other_login).send().await;
    assert_eq!(sj(&r), (200, json!({ "hello": "world" })));
}

/// The Redis store without a server: the check fails, and the request is denied (fail
/// closed). The Redis store against a real server is tested by `tests/redis_blocklist.rs`.
#[cfg(feature = "redis")]
#[tokio::test]
async fn blocklist_with_an_unreachable_redis_fails_closed() {
    let store = axum_jwt_extended::RedisBlocklist::new("redis://127.0.0.1:1/0").unwrap();
    let mut client = TestClient::new(blocklist::app(blocklist::config(TEST_SECRET), store));
    let r = client.post("/login").send().await;
    let access = member(&r, "access_token");
    let r = client.get("/protected").bearer(&access).send().await;
    assert_eq!(sj(&r), (503, msg("Token revocation store unavailable")));
}

// ---- changing_default_behaviors -------------------------------------------------------------

#[tokio::test]
async fn changing_default_behaviors_custom_responses() {
    let config = changing_default_behaviors::config(TEST_SECRET);
    let mut client = TestClient::new(changing_default_behaviors::app(config.clone()));
    let access = member(&client.post("/login").send().await, "access_token");
    let r = client.get("/protected").bearer(&access).send().await;
    assert_eq!(sj(&r), (200, json!({ "hello": "world" })));

    let expired = expired_access_token(config, "example_user");
    let r = client.get("/protected").bearer(&expired).send().await;
    assert_eq!(
        sj(&r),
        (
            401,
            json!({ "code": "dave", "err": "I can't let you do that" })
        )
    );

    let r = client.get("/protected").send().await;
    assert_eq!(
        sj(&r),
        (
            401,
            json!({ "code": "missing", "err": "Missing Authorization Header" })
        )
    );

    let r = client.get("/protected").bearer("not-a-token").send().await;
    assert_eq!(
        sj(&r),
        (
            422,
            json!({ "code": "invalid", "err": "Not enough segments" })
        )
    );
}

// ---- custom_decorators ----------------------------------------------------------------------

#[tokio::test]
async fn custom_decorators_admins_only() {
    let config = custom_decorators::config(TEST_SECRET);
    let mut client = TestClient::new(custom_decorators::app(config.clone()));
    let admin = member(&client.post("/login").send().await, "access_token");
    let jwt = JwtManager::new(config).unwrap();
    let user = jwt.create_access_token("regular_user").unwrap();
    let not_admin = jwt
        .create_access_token_with(
            "regular_user",
            TokenOptions::new().additional_claims(json!({ "is_administrator": false })),
        )
        .unwrap();

    let r = client.get("/protected").bearer(&admin).send().await;
    assert_eq!(sj(&r), (200, json!({ "foo": "bar" })));
    let r = client.get("/admin/dashboard").bearer(&admin).send().await;
    assert_eq!(sj(&r), (200, json!({ "dashboard": "admin_user" })));

    for token in [&user, &not_admin] {
        let r = client.get("/protected").bearer(token).send().await;
        assert_eq!(sj(&r), (403, msg("Admins only!")));
        let r = client.get("/admin/dashboard").bearer(token).send().await;
        assert_eq!(sj(&r), (403, msg("Admins only!")));
    }

    // No token: the usual 401 before any check.
    let r = client.get("/protected").send().await;
    assert_eq!(sj(&r), (401, msg("Missing Authorization Header")));
    let r = client.get("/admin/dashboard").send().await;
    assert_eq!(sj(&r), (401, msg("Missing Authorization Header")));
}

// ---- asymmetric_keys ------------------------------------------------------------------------

#[tokio::test]
async fn asymmetric_keys_rs256_round_trip_and_hs256_refused() {
    let config = asymmetric_keys::config(
        asymmetric_keys::TEST_PRIVATE_KEY,
        asymmetric_keys::TEST_PUBLIC_KEY,
    );
    let mut client = TestClient::new(asymmetric_keys::app(config));
    let creds = json!({ "username": "test", "password": "test" });
    let access = member(
        &client.post("/login").json(&creds).send().await,
        "access_token",
    );
    let header = JwtManager::new(JwtConfig::with_secret(TEST_SECRET))
        .unwrap()
        .get_unverified_jwt_headers(&access)
        .unwrap();
    assert_eq!(header.alg(), Some("RS256"));

    let r = client.get("/protected").bearer(&access).send().await;
    assert_eq!(sj(&r), (200, json!({ "logged_in_as": "test" })));

    let hs256 = JwtManager::new(JwtConfig::with_secret(TEST_SECRET))
        .unwrap()
        .create_access_token("test")
        .unwrap();
    let r = client.get("/protected").bearer(&hs256).send().await;
    assert_eq!(sj(&r), (422, msg("The specified alg value is not allowed")));
}

// ---- jwks ---------------------------------------------------------------------------------

#[cfg(feature = "jwks")]
#[tokio::test(flavor = "multi_thread")]
async fn jwks_a_verifier_checks_the_issuers_tokens_by_its_published_keys() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let at = listener.local_addr().unwrap();
    let server = tokio::spawn(async move { axum::serve(listener, jwks::issuer()).await });
    let mut issuer = TestClient::new(jwks::issuer());
    let creds = json!({ "username": "test", "password": "test" });
    let r = issuer.post("/login").json(&creds).send().await;
    let access = member(&r, "access_token");
    let r = issuer.get("/.well-known/jwks.json").send().await;
    assert_eq!(r.status(), 200);
    let kid = r.json()["keys"][0]["kid"].as_str().unwrap().to_owned();

    let url = format!("http://{at}/.well-known/jwks.json");
    let mut verifier = TestClient::new(jwks::verifier(&url).await.unwrap());
    let r = verifier.get("/protected").bearer(&access).send().await;
    assert_eq!(
        sj(&r),
        (
            200,
            json!({ "logged_in_as": "test", "verified_with_kid": kid })
        )
    );
    let r = verifier.get("/protected").send().await;
    assert_eq!(sj(&r), (401, msg("Missing Authorization Header")));
    // A token of another key (HS256, no kid) is refused.
    let other = JwtManager::new(JwtConfig::with_secret(TEST_SECRET)).unwrap();
    let foreign = other.create_access_token("test").unwrap();
    let r = verifier.get("/protected").bearer(&foreign).send().await;
    assert_eq!(r.status(), 422);
    server.abort();
}

// ---- database -------------------------------------------------------------------------------

#[cfg(feature = "sqlite")]
#[tokio::test(flavor = "multi_thread")]
async fn database_users_and_revocations_live_in_sqlite() {
    use axum_jwt_extended::sqlx;
    let dir = std::env::temp_dir().join(format!("ajwt-example-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("example.db");
    let _ = std::fs::remove_file(&file);
    let connect = || async {
        let options = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(&file)
            .create_if_missing(true);
        sqlx::SqlitePool::connect_with(options).await.unwrap()
    };
    let config = || database::config();
    let mut client = TestClient::new(database::app(config(), connect().await).await.unwrap());
    let creds = json!({ "username": "panther", "password": "password" });
    let r = client.post("/login").json(&creds).send().await;
    let access = member(&r, "access_token");
    let r = client.get("/who_am_i").bearer(&access).send().await;
    assert_eq!(
        sj(&r),
        (
            200,
            json!({ "id": 2, "full_name": "Ann Takamaki", "username": "panther" })
        )
    );
    let wrong = json!({ "username": "panther", "password": "nope" });
    let r = client.post("/login").json(&wrong).send().await;
    assert_eq!(sj(&r), (401, msg("Wrong username or password")));
    let r = client
        .request(Method::DELETE, "/logout")
        .bearer(&access)
        .send()
        .await;
    assert_eq!(sj(&r), (200, msg("JWT revoked")));
    let r = client.get("/who_am_i").bearer(&access).send().await;
    assert_eq!(sj(&r), (401, msg("Token has been revoked")));

    // Another process on the same file, after a restart: the revocation is still there.
    let mut again = TestClient::new(database::app(config(), connect().await).await.unwrap());
    let r = again.get("/who_am_i").bearer(&access).send().await;
    assert_eq!(sj(&r), (401, msg("Token has been revoked")));
    // A user removed from the table can no longer use their token.
    let r = again
        .post("/login")
        .json(&json!({ "username": "bruce", "password": "password" }))
        .send()
        .await;
    let bruce = member(&r, "access_token");
    let pool = connect().await;
    sqlx::query("DELETE FROM users WHERE username = 'bruce'")
        .execute(&pool)
        .await
        .unwrap();
    let r = again.get("/who_am_i").bearer(&bruce).send().await;
    assert_eq!(sj(&r), (401, msg("Error loading the user bruce")));
    let _ = std::fs::remove_dir_all(&dir);
}

// ---- sessions -------------------------------------------------------------------------------

#[tokio::test]
async fn sessions_list_end_one_end_others_and_remember_me() {
    let app = sessions::app(
        axum_jwt_extended::JwtConfig::with_secret(TEST_SECRET),
        axum_jwt_extended::MemoryBlocklist::new(),
        sessions::policy(),
    );
    let mut client = TestClient::new(app);
    let login = |agent: &'static str, remember: bool| {
        let body = json!({ "remember": remember });
        (agent, body)
    };
    let mut tokens = Vec::new();
    for (agent, body) in [
        login("laptop", true),
        login("phone", false),
        login("tablet", false),
    ] {
        let r = client
            .post("/login")
            .header(axum::http::header::USER_AGENT, agent)
            .json(&body)
            .send()
            .await;
        assert_eq!(r.status(), 200);
        tokens.push((member(&r, "access_token"), member(&r, "refresh_token")));
    }
    let (laptop, _) = &tokens[0];
    let r = client.get("/sessions").bearer(laptop).send().await;
    assert_eq!(r.status(), 200);
    let listed = r.json()["sessions"].as_array().unwrap().clone();
    assert_eq!(listed.len(), 3);
    let agents: Vec<&str> = listed
        .iter()
        .map(|s| s["user_agent"].as_str().unwrap())
        .collect();
    assert_eq!(agents.len(), 3);
    let mine = listed.iter().find(|s| s["current"] == true).unwrap();
    assert_eq!(mine["user_agent"], "laptop");
    // Remember me: 90 days, not the policy's 30 (nor 7 idle: the refresh token's 30 days cap
    // it first, so the laptop's session ends later than the others').
    let phone = listed.iter().find(|s| s["user_agent"] == "phone").unwrap();
    assert!(mine["expires_at"].as_u64() >= phone["expires_at"].as_u64());

    // End the phone's session from the laptop.
    let path = format!("/sessions/{}", phone["id"].as_str().unwrap());
    let r = client
        .request(Method::DELETE, &path)
        .bearer(laptop)
        .send()
        .await;
    assert_eq!(sj(&r), (200, msg("Session revoked")));
    let r = client.post("/refresh").bearer(&tokens[1].1).send().await;
    assert_eq!(sj(&r), (401, msg("Token has been revoked")));
    let r = client
        .request(Method::DELETE, &path)
        .bearer(laptop)
        .send()
        .await;
    assert_eq!(sj(&r), (404, msg("Session not found")));

    // Log out every other device: the tablet.
    let r = client.post("/logout/others").bearer(laptop).send().await;
    assert_eq!(
        sj(&r),
        (
            200,
            json!({ "msg": "Other sessions revoked", "revoked": 1 })
        )
    );
    let r = client.get("/sessions").bearer(&tokens[2].0).send().await;
    assert_eq!(sj(&r), (401, msg("Token has been revoked")));

    // The laptop's refresh keeps working; logout ends it.
    let r = client.post("/refresh").bearer(&tokens[0].1).send().await;
    assert_eq!(r.status(), 200);
    let r = client.post("/logout").bearer(laptop).send().await;
    assert_eq!(sj(&r), (200, msg("Logged out")));
    let r = client.post("/refresh").bearer(&tokens[0].1).send().await;
    assert_eq!(sj(&r), (401, msg("Token has been revoked")));
}
