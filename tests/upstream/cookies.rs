//! Port of flask-jwt-extended's `tests/test_cookies.py`, through a real
//! `Router` with a client that keeps cookies (Flask's test client does), plus the cookie and
//! CSRF rows of the error matrix observed in flask-jwt-extended 4.7.1, the `Set-Cookie` attributes Flask writes and the V1
//! interop vector as a cookie.
//!
//! Each upstream test keeps its name; a parametrised one loops over both of its parameter
//! sets (access and refresh). `Set-Cookie` lines are compared as `name=value` plus the *set*
//! of attributes: ours come from the `cookie` crate, in another order than Werkzeug's.

use crate::common;
use crate::common::jar;

use std::time::Duration;

use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{Method, Request};
use axum::response::IntoResponse;
use axum::routing::{any, get, post};
use axum::{Json, Router};
use axum_jwt_extended::{
    get_jwt_identity, get_jwt_request_location, jwt_required, set_access_cookies,
    set_refresh_cookies, unset_access_cookies, unset_jwt_cookies, unset_refresh_cookies,
    CookieOptions, JwtConfig, JwtCookies, JwtError, JwtManager, Location, NoJwtContext, SameSite,
    TokenOptions,
};
use serde::Deserialize;
use serde_json::{json, Value};

use common::{bearer, config, manager, msg, request, send, status_json, Reply, V1, V3, V4};
use jar::{attrs, line_of, split, value_of, Client};

// ---- the upstream app ---------------------------------------------------------------------

#[derive(Deserialize)]
struct CookieParams {
    domain: Option<String>,
    max_age: Option<u64>,
    token: Option<String>,
}

impl CookieParams {
    fn options(&self) -> CookieOptions {
        CookieOptions {
            max_age: self.max_age.map(Duration::from_secs),
            domain: self.domain.clone(),
        }
    }
}

async fn access_token(
    State(jwt): State<JwtManager>,
    Query(p): Query<CookieParams>,
) -> Result<(JwtCookies, Json<Value>), JwtError> {
    let token = jwt.create_access_token("username")?;
    let cookies = set_access_cookies(&jwt, &token, p.options())?;
    Ok((cookies, Json(json!({"login": true}))))
}

async fn refresh_token(
    State(jwt): State<JwtManager>,
    Query(p): Query<CookieParams>,
) -> Result<(JwtCookies, Json<Value>), JwtError> {
    let token = jwt.create_refresh_token("username")?;
    let cookies = set_refresh_cookies(&jwt, &token, p.options())?;
    Ok((cookies, Json(json!({"login": true}))))
}

/// Sets the access cookies of a given token (`?token=`): a login whose token is not fresh
/// from `create_access_token`.
async fn cookies_for(
    State(jwt): State<JwtManager>,
    Query(p): Query<CookieParams>,
) -> Result<(JwtCookies, Json<Value>), JwtError> {
    let token = p.token.clone().unwrap_or_default();
    let cookies = set_access_cookies(&jwt, &token, p.options())?;
    Ok((cookies, Json(json!({"login": true}))))
}

async fn delete_tokens(
    State(jwt): State<JwtManager>,
    Query(p): Query<CookieParams>,
) -> impl IntoResponse {
    (
        unset_jwt_cookies(&jwt, p.domain.as_deref()),
        Json(json!({"logout": true})),
    )
}

async fn delete_access_tokens(
    State(jwt): State<JwtManager>,
    Query(p): Query<CookieParams>,
) -> impl IntoResponse {
    (
        unset_access_cookies(&jwt, p.domain.as_deref()),
        Json(json!({"access_revoked": true})),
    )
}

async fn delete_refresh_tokens(
    State(jwt): State<JwtManager>,
    Query(p): Query<CookieParams>,
) -> impl IntoResponse {
    (
        unset_refresh_cookies(&jwt, p.domain.as_deref()),
        Json(json!({"refresh_revoked": true})),
    )
}

#[jwt_required]
async fn protected() -> Json<Value> {
    Json(json!({"foo": "bar"}))
}

#[jwt_required(refresh)]
async fn refresh_protected() -> Json<Value> {
    Json(json!({"foo": "bar"}))
}

#[jwt_required(optional)]
async fn optional_protected() -> Result<Json<Value>, NoJwtContext> {
    Ok(Json(json!({
        "foo": "bar",
        "identity": get_jwt_identity()?,
        "location": get_jwt_request_location(),
    })))
}

/// Like `protected`, with the location, for the multi-location cases.
#[jwt_required]
async fn where_from() -> Result<Json<Value>, NoJwtContext> {
    Ok(Json(json!({
        "identity": get_jwt_identity()?,
        "location": get_jwt_request_location(),
    })))
}

fn app(jwt: JwtManager) -> Router {
    Router::new()
        .route("/access_token", get(access_token))
        .route("/refresh_token", get(refresh_token))
        .route("/cookies_for", get(cookies_for))
        .route("/delete_tokens", get(delete_tokens))
        .route("/delete_access_tokens", get(delete_access_tokens))
        .route("/delete_refresh_tokens", get(delete_refresh_tokens))
        .route("/protected", get(protected))
        .route("/post_protected", post(protected))
        .route("/refresh_protected", get(refresh_protected))
        .route("/post_refresh_protected", post(refresh_protected))
        .route("/optional_post_protected", post(optional_protected))
        .route("/any_protected", any(protected))
        .route("/any_refresh_protected", any(refresh_protected))
        .route("/where", any(where_from))
        .with_state(jwt)
}

/// `JWT_SECRET_KEY` (ours, long enough) and `JWT_TOKEN_LOCATION = ["cookies"]`.
fn cookie_config() -> JwtConfig {
    {
        let mut c = config();
        c.token_location = vec![Location::Cookies];
        c
    }
}

fn client(c: JwtConfig) -> Client {
    Client::new(app(manager(c)))
}

fn foo_bar() -> (u16, Value) {
    (200, json!({"foo": "bar"}))
}

/// The access and refresh parameter sets of the upstream tests.
struct Kind {
    auth_url: &'static str,
    cookie_name: &'static str,
    csrf_cookie_name: &'static str,
    get_url: &'static str,
    post_url: &'static str,
    delete_url: &'static str,
}

const KINDS: [Kind; 2] = [
    Kind {
        auth_url: "/refresh_token",
        cookie_name: "refresh_token_cookie",
        csrf_cookie_name: "csrf_refresh_token",
        get_url: "/refresh_protected",
        post_url: "/post_refresh_protected",
        delete_url: "/delete_refresh_tokens",
    },
    Kind {
        auth_url: "/access_token",
        cookie_name: "access_token_cookie",
        csrf_cookie_name: "csrf_access_token",
        get_url: "/protected",
        post_url: "/post_protected",
        delete_url: "/delete_access_tokens",
    },
];

/// Logs in and returns the CSRF value of the CSRF cookie (what a browser's script reads).
async fn login(client: &mut Client, kind: &Kind) -> String {
    let r = client.get(kind.auth_url).await;
    assert_eq!(status_json(&r), (200, json!({"login": true})));
    value_of(&r, kind.csrf_cookie_name).expect("a CSRF cookie")
}

// ---- test_cookies.py ----------------------------------------------------------------------

#[tokio::test]
async fn test_jwt_refresh_required_with_cookies() {
    for kind in &KINDS {
        let mut client = client(cookie_config());
        let missing = (
            401,
            msg(&format!("Missing cookie \"{}\"", kind.cookie_name)),
        );

        // Without cookies.
        assert_eq!(status_json(&client.get(kind.get_url).await), missing);

        // After receiving cookies.
        client.get(kind.auth_url).await;
        assert!(client.cookie(kind.cookie_name).is_some());
        assert_eq!(status_json(&client.get(kind.get_url).await), foo_bar());

        // After a logout that deletes them.
        let r = client.get(kind.delete_url).await;
        assert_eq!(r.status.as_u16(), 200);
        assert_eq!(client.cookie(kind.cookie_name), None);
        assert_eq!(status_json(&client.get(kind.get_url).await), missing);

        // Log back in, then clear every token.
        client.get(kind.auth_url).await;
        assert_eq!(status_json(&client.get(kind.get_url).await), foo_bar());
        let r = client.get("/delete_tokens").await;
        assert_eq!(status_json(&r), (200, json!({"logout": true})));
        assert_eq!(client.names(), Vec::<String>::new());
        assert_eq!(status_json(&client.get(kind.get_url).await), missing);
    }
}

#[tokio::test]
async fn test_default_access_csrf_protection() {
    for kind in &KINDS {
        let mut client = client(cookie_config());
        let csrf = login(&mut client, kind).await;

        // Not without the double-submit value...
        assert_eq!(
            status_json(&client.post(kind.post_url, &[]).await),
            (401, msg("Missing CSRF token"))
        );
        // ...nor with an empty one...
        assert_eq!(
            status_json(&client.post(kind.post_url, &[("X-CSRF-TOKEN", "")]).await),
            (401, msg("Missing CSRF token"))
        );
        // ...but with it.
        assert_eq!(
            status_json(&client.post(kind.post_url, &[("X-CSRF-TOKEN", &csrf)]).await),
            foo_bar()
        );
        // The CSRF cookie itself is never read by the server: the client sent it above too.
        assert!(client
            .cookie_header(kind.post_url)
            .contains(kind.csrf_cookie_name));
        // GET is not a CSRF method.
        assert_eq!(status_json(&client.get(kind.get_url).await), foo_bar());
    }
}

#[tokio::test]
async fn test_non_matching_csrf_token() {
    for kind in &KINDS {
        let mut client = client(cookie_config());
        login(&mut client, kind).await;
        let r = client
            .post(kind.post_url, &[("X-CSRF-TOKEN", "totally_wrong_token")])
            .await;
        assert_eq!(
            status_json(&r),
            (401, msg("CSRF double submit tokens do not match"))
        );
    }
}

#[tokio::test]
async fn test_csrf_disabled() {
    for kind in &KINDS {
        let mut client = client({
            let mut c = cookie_config();
            c.cookie_csrf_protect = false;
            c
        });
        let r = client.get(kind.auth_url).await;
        // No CSRF cookie is set...
        assert_eq!(r.set_cookies().len(), 1);
        // ...and none is needed.
        assert_eq!(
            status_json(&client.post(kind.post_url, &[]).await),
            foo_bar()
        );
        assert_eq!(
            status_json(
                &client
                    .post(kind.post_url, &[("X-CSRF-TOKEN", "anything")])
                    .await
            ),
            foo_bar()
        );
    }
}

#[tokio::test]
async fn test_csrf_with_custom_header_names() {
    for kind in &KINDS {
        let mut client = client({
            let mut c = cookie_config();
            c.access_csrf_header_name = "FOO".into();
            c.refresh_csrf_header_name = "FOO".into();
            c
        });
        let csrf = login(&mut client, kind).await;
        assert_eq!(
            status_json(&client.post(kind.post_url, &[("FOO", &csrf)]).await),
            foo_bar()
        );
        // Header names are case-insensitive.
        assert_eq!(
            status_json(&client.post(kind.post_url, &[("foo", &csrf)]).await),
            foo_bar()
        );
        // The default name is no longer consulted.
        assert_eq!(
            status_json(&client.post(kind.post_url, &[("X-CSRF-TOKEN", &csrf)]).await),
            (401, msg("Missing CSRF token"))
        );
    }
}

const FORM: (&str, &str) = ("Content-Type", "application/x-www-form-urlencoded");

#[tokio::test]
async fn test_csrf_with_default_form_field() {
    for kind in &KINDS {
        let mut client = client({
            let mut c = cookie_config();
            c.csrf_check_form = true;
            c
        });
        let csrf = login(&mut client, kind).await;
        let good = format!("csrf_token={csrf}");

        let r = client
            .send("POST", kind.post_url, &[FORM], Some(&good))
            .await;
        assert_eq!(status_json(&r), foo_bar());
        // Among other fields, and percent-encoded.
        let encoded = format!("a=1&csrf%5Ftoken={}&b=2", csrf.replace('-', "%2D"));
        let r = client
            .send("POST", kind.post_url, &[FORM], Some(&encoded))
            .await;
        assert_eq!(status_json(&r), foo_bar());
        // A wrong form value.
        let r = client
            .send("POST", kind.post_url, &[FORM], Some("csrf_token=nope"))
            .await;
        assert_eq!(
            status_json(&r),
            (401, msg("CSRF double submit tokens do not match"))
        );
        // No field.
        let r = client
            .send("POST", kind.post_url, &[FORM], Some("other=1"))
            .await;
        assert_eq!(status_json(&r), (401, msg("Missing CSRF token")));
        // The header is consulted first: a bad header beats a good form value.
        let r = client
            .send(
                "POST",
                kind.post_url,
                &[FORM, ("X-CSRF-TOKEN", "bad")],
                Some(&good),
            )
            .await;
        assert_eq!(
            status_json(&r),
            (401, msg("CSRF double submit tokens do not match"))
        );
        // An empty header falls back to the form.
        let r = client
            .send(
                "POST",
                kind.post_url,
                &[FORM, ("X-CSRF-TOKEN", "")],
                Some(&good),
            )
            .await;
        assert_eq!(status_json(&r), foo_bar());
        // A good header with a bad form value: the form is not read.
        let r = client
            .send(
                "POST",
                kind.post_url,
                &[FORM, ("X-CSRF-TOKEN", &csrf)],
                Some("csrf_token=nope"),
            )
            .await;
        assert_eq!(status_json(&r), foo_bar());
        // A JSON body is never consulted for CSRF.
        let r = client
            .send(
                "POST",
                kind.post_url,
                &[("Content-Type", "application/json")],
                Some(&json!({ "csrf_token": csrf }).to_string()),
            )
            .await;
        assert_eq!(status_json(&r), (401, msg("Missing CSRF token")));
    }

    // Without JWT_CSRF_CHECK_FORM the form is never read.
    for kind in &KINDS {
        let mut client = client(cookie_config());
        let csrf = login(&mut client, kind).await;
        let r = client
            .send(
                "POST",
                kind.post_url,
                &[FORM],
                Some(&format!("csrf_token={csrf}")),
            )
            .await;
        assert_eq!(status_json(&r), (401, msg("Missing CSRF token")));
    }
}

/// A `multipart/form-data` body with these text fields (and a file part).
fn multipart(fields: &[(&str, &str)]) -> String {
    let mut body = String::from("--BOUNDARY\r\nContent-Disposition: form-data; name=\"upload\"; filename=\"csrf_token\"\r\nContent-Type: text/plain\r\n\r\nfile content\r\n");
    for (name, value) in fields {
        body.push_str(&format!(
            "--BOUNDARY\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    body.push_str("--BOUNDARY--\r\n");
    body
}

#[tokio::test]
async fn test_csrf_form_field_encodings() {
    // Flask's `request.form` is an urlencoded or a multipart/form-data body, recognised by
    // its media type in any case and with any parameters (observed with Flask 3.1.3).
    let mut client = client({
        let mut c = cookie_config();
        c.csrf_check_form = true;
        c.json_body_limit = 1024;
        c
    });
    let csrf = login(&mut client, &KINDS[1]).await;
    let multipart_ct = ("Content-Type", "multipart/form-data; boundary=BOUNDARY");
    let r = client
        .send(
            "POST",
            "/post_protected",
            &[multipart_ct],
            Some(&multipart(&[("a", "1"), ("csrf_token", &csrf)])),
        )
        .await;
    assert_eq!(status_json(&r), foo_bar());
    let r = client
        .send(
            "POST",
            "/post_protected",
            &[("Content-Type", "Multipart/Form-Data; boundary=\"BOUNDARY\"")],
            Some(&multipart(&[("csrf_token", "wrong")])),
        )
        .await;
    assert_eq!(
        status_json(&r),
        (401, msg("CSRF double submit tokens do not match"))
    );
    // A file part named like the field is a file, not the field.
    let r = client
        .send(
            "POST",
            "/post_protected",
            &[multipart_ct],
            Some(&multipart(&[])),
        )
        .await;
    assert_eq!(status_json(&r), (401, msg("Missing CSRF token")));
    // Another boundary than the body's: no field.
    let r = client
        .send(
            "POST",
            "/post_protected",
            &[("Content-Type", "multipart/form-data; boundary=OTHER")],
            Some(&multipart(&[("csrf_token", &csrf)])),
        )
        .await;
    assert_eq!(status_json(&r), (401, msg("Missing CSRF token")));

    let good = format!("csrf_token={csrf}");
    for ct in [
        "application/x-www-form-urlencoded; charset=utf-8",
        "APPLICATION/X-WWW-FORM-URLENCODED",
    ] {
        let r = client
            .send(
                "POST",
                "/post_protected",
                &[("Content-Type", ct)],
                Some(&good),
            )
            .await;
        assert_eq!(status_json(&r), foo_bar(), "{ct}");
    }
    for ct in [
        "application/x-www-form-urlencodedx",
        "text/plain",
        "application/json",
    ] {
        let r = client
            .send(
                "POST",
                "/post_protected",
                &[("Content-Type", ct)],
                Some(&good),
            )
            .await;
        assert_eq!(status_json(&r), (401, msg("Missing CSRF token")), "{ct}");
    }
    // The first of repeated fields counts.
    let r = client
        .send(
            "POST",
            "/post_protected",
            &[FORM],
            Some(&format!("csrf_token={csrf}&csrf_token=bad")),
        )
        .await;
    assert_eq!(status_json(&r), foo_bar());

    // The body is read (up to json_body_limit) only when the CSRF value may be in it.
    let big = format!("{good}&pad={}", "x".repeat(4096));
    let r = client
        .send("POST", "/post_protected", &[FORM], Some(&big))
        .await;
    assert_eq!(
        status_json(&r),
        (413, msg("Request body is larger than 1024 bytes"))
    );
    let r = client
        .send(
            "POST",
            "/post_protected",
            &[FORM, ("X-CSRF-TOKEN", &csrf)],
            Some(&big),
        )
        .await;
    assert_eq!(status_json(&r), foo_bar());
    let r = client.send("GET", "/protected", &[FORM], Some(&big)).await;
    assert_eq!(status_json(&r), foo_bar());
}

#[tokio::test]
async fn test_csrf_with_custom_form_field() {
    for kind in &KINDS {
        let mut client = client({
            let mut c = cookie_config();
            c.csrf_check_form = true;
            c.access_csrf_field_name = "FOO".into();
            c.refresh_csrf_field_name = "FOO".into();
            c
        });
        let csrf = login(&mut client, kind).await;
        let r = client
            .send("POST", kind.post_url, &[FORM], Some(&format!("FOO={csrf}")))
            .await;
        assert_eq!(status_json(&r), foo_bar());
        // The default field name is no longer consulted.
        let r = client
            .send(
                "POST",
                kind.post_url,
                &[FORM],
                Some(&format!("csrf_token={csrf}")),
            )
            .await;
        assert_eq!(status_json(&r), (401, msg("Missing CSRF token")));
    }
}

#[tokio::test]
async fn test_custom_csrf_methods() {
    for kind in &KINDS {
        let mut client = client({
            let mut c = cookie_config();
            c.csrf_methods = vec!["GET".into()];
            c
        });
        let csrf = login(&mut client, kind).await;

        // POST without CSRF now works.
        assert_eq!(
            status_json(&client.post(kind.post_url, &[]).await),
            foo_bar()
        );
        // GET now needs it.
        assert_eq!(
            status_json(&client.get(kind.get_url).await),
            (401, msg("Missing CSRF token"))
        );
        assert_eq!(
            status_json(
                &client
                    .get_with(kind.get_url, &[("X-CSRF-TOKEN", "wrong")])
                    .await
            ),
            (401, msg("CSRF double submit tokens do not match"))
        );
        assert_eq!(
            status_json(
                &client
                    .get_with(kind.get_url, &[("X-CSRF-TOKEN", &csrf)])
                    .await
            ),
            foo_bar()
        );
    }
}

/// A request whose method is spelled exactly as given (`post` stays an extension method).
async fn send_method(app: &Router, method: &[u8], uri: &str, headers: &[(&str, &str)]) -> Reply {
    let method = Method::from_bytes(method).unwrap();
    let mut b = Request::builder().method(method).uri(uri);
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    send(app, b.body(Body::empty()).unwrap()).await
}

#[tokio::test]
async fn test_csrf_method_spellings_are_checked() {
    // Deliberate difference (README): Flask compares `request.method` case-sensitively with
    // JWT_CSRF_METHODS, so `post` would skip the check. Here every spelling is checked.
    assert_ne!(Method::from_bytes(b"post").unwrap(), Method::POST);
    assert_eq!(Method::from_bytes(b"post").unwrap().as_str(), "post");

    let jwt = manager(cookie_config());
    let app = app(jwt.clone());
    let token = jwt.create_access_token("username").unwrap();
    let csrf = jwt.get_csrf_token(&token).unwrap();
    let cookie = format!("access_token_cookie={token}");
    let refresh = jwt.create_refresh_token("username").unwrap();
    let refresh_csrf = jwt.get_csrf_token(&refresh).unwrap();
    let refresh_cookie = format!("refresh_token_cookie={refresh}");

    for method in [
        &b"post"[..],
        b"Post",
        b"pOST",
        b"put",
        b"patch",
        b"delete",
        b"PURGE",
        b"MKCOL",
    ] {
        let name = String::from_utf8_lossy(method);
        let r = send_method(&app, method, "/any_protected", &[("Cookie", &cookie)]).await;
        assert_eq!(status_json(&r), (401, msg("Missing CSRF token")), "{name}");
        let r = send_method(
            &app,
            method,
            "/any_protected",
            &[("Cookie", &cookie), ("X-CSRF-TOKEN", "wrong")],
        )
        .await;
        assert_eq!(
            status_json(&r),
            (401, msg("CSRF double submit tokens do not match")),
            "{name}"
        );
        let r = send_method(
            &app,
            method,
            "/any_protected",
            &[("Cookie", &cookie), ("X-CSRF-TOKEN", &csrf)],
        )
        .await;
        assert_eq!(status_json(&r), foo_bar(), "{name}");
        // Refresh routes alike.
        let r = send_method(
            &app,
            method,
            "/any_refresh_protected",
            &[("Cookie", &refresh_cookie)],
        )
        .await;
        assert_eq!(status_json(&r), (401, msg("Missing CSRF token")), "{name}");
        let r = send_method(
            &app,
            method,
            "/any_refresh_protected",
            &[("Cookie", &refresh_cookie), ("X-CSRF-TOKEN", &refresh_csrf)],
        )
        .await;
        assert_eq!(status_json(&r), foo_bar(), "{name}");
    }
    // Safe methods stay unchecked, in any spelling of the standard ones.
    for method in [&b"GET"[..], b"HEAD"] {
        let r = send_method(&app, method, "/any_protected", &[("Cookie", &cookie)]).await;
        assert_eq!(
            r.status.as_u16(),
            200,
            "{}",
            String::from_utf8_lossy(method)
        );
    }

    // JWT_CSRF_METHODS given in lower case still protects POST (Flask: `["post"]` disables it).
    let lower = manager({
        let mut c = cookie_config();
        c.csrf_methods = vec!["post".into()];
        c
    });
    let app = self::app(lower.clone());
    let t = lower.create_access_token("username").unwrap();
    let c = format!("access_token_cookie={t}");
    assert_eq!(
        status_json(&send_method(&app, b"POST", "/any_protected", &[("Cookie", &c)]).await),
        (401, msg("Missing CSRF token"))
    );
    // ...and the methods not listed are not checked.
    assert_eq!(
        status_json(&send_method(&app, b"PUT", "/any_protected", &[("Cookie", &c)]).await),
        foo_bar()
    );
}

/// The access cookie's token, checked to be a token of "username" minted by `jwt`, and the
/// CSRF value it carries.
fn token_and_csrf(jwt: &JwtManager, r: &Reply, name: &str) -> (String, String) {
    let token = value_of(r, name).expect("a JWT cookie");
    let claims = jwt
        .decode_token(&token)
        .expect("a valid token in the cookie");
    assert_eq!(claims.get_str("sub"), Some("username"));
    let csrf = claims.csrf().expect("a csrf claim").to_owned();
    (token, csrf)
}

#[tokio::test]
async fn test_default_cookie_options() {
    let jwt = manager(cookie_config());
    let app = app(jwt.clone());
    for (url, name, csrf_name, refresh) in [
        (
            "/access_token",
            "access_token_cookie",
            "csrf_access_token",
            false,
        ),
        (
            "/refresh_token",
            "refresh_token_cookie",
            "csrf_refresh_token",
            true,
        ),
    ] {
        let r = request(&app, "GET", url, &[], None).await;
        let lines = r.set_cookies();
        assert_eq!(lines.len(), 2, "{lines:?}"); // the JWT and the CSRF value
        let (token, csrf) = token_and_csrf(&jwt, &r, name);
        assert_eq!(
            jwt.decode_token(&token).unwrap().token_type(),
            Some(if refresh { "refresh" } else { "access" })
        );
        // The JWT first: HttpOnly, Path=/, no SameSite, no Secure/Domain/Expires/Max-Age.
        assert_eq!(
            split(&lines[0]),
            (format!("{name}={token}"), attrs(&["HttpOnly", "Path=/"]))
        );
        // The CSRF cookie: readable by scripts (no HttpOnly).
        assert_eq!(
            split(&lines[1]),
            (format!("{csrf_name}={csrf}"), attrs(&["Path=/"]))
        );
    }
}

#[tokio::test]
async fn test_custom_cookie_options() {
    let jwt = manager({
        let mut c = cookie_config();
        c.cookie_secure = true;
        c.cookie_domain = Some("test.com".into());
        c.session_cookie = false;
        c.cookie_samesite = Some(SameSite::Strict);
        c
    });
    let app = app(jwt.clone());
    // NOW + 31540000 s.
    let expires = "Expires=Mon, 22 Nov 2027 09:01:30 GMT";
    for (url, name, csrf_name) in [
        ("/access_token", "access_token_cookie", "csrf_access_token"),
        (
            "/refresh_token",
            "refresh_token_cookie",
            "csrf_refresh_token",
        ),
    ] {
        let r = request(&app, "GET", url, &[], None).await;
        let lines = r.set_cookies();
        assert_eq!(lines.len(), 2, "{lines:?}");
        let (token, csrf) = token_and_csrf(&jwt, &r, name);
        assert_eq!(
            split(&lines[0]),
            (
                format!("{name}={token}"),
                attrs(&[
                    "Domain=test.com",
                    expires,
                    "Max-Age=31540000",
                    "Secure",
                    "HttpOnly",
                    "Path=/",
                    "SameSite=Strict",
                ])
            )
        );
        assert_eq!(
            split(&lines[1]),
            (
                format!("{csrf_name}={csrf}"),
                attrs(&[
                    "Domain=test.com",
                    expires,
                    "Max-Age=31540000",
                    "Secure",
                    "Path=/",
                    "SameSite=Strict",
                ])
            )
        );
    }
}

#[tokio::test]
async fn test_reference_cookie_attribute_example() {
    // Flask's documented example: SECURE, SAMESITE=Strict, DOMAIN=".example.com" (the leading dot is
    // stripped), SESSION_COOKIE=False, ACCESS_COOKIE_PATH="/api/".
    let jwt = manager({
        let mut c = cookie_config();
        c.cookie_secure = true;
        c.cookie_samesite = Some(SameSite::Strict);
        c.cookie_domain = Some(".example.com".into());
        c.session_cookie = false;
        c.access_cookie_path = "/api/".into();
        c
    });
    let r = request(&app(jwt.clone()), "GET", "/access_token", &[], None).await;
    let lines = r.set_cookies();
    let (token, csrf) = token_and_csrf(&jwt, &r, "access_token_cookie");
    let expires = "Expires=Mon, 22 Nov 2027 09:01:30 GMT";
    assert_eq!(
        lines.iter().map(|l| split(l)).collect::<Vec<_>>(),
        vec![
            (
                format!("access_token_cookie={token}"),
                attrs(&[
                    "Domain=example.com",
                    expires,
                    "Max-Age=31540000",
                    "Secure",
                    "HttpOnly",
                    "Path=/api/",
                    "SameSite=Strict",
                ])
            ),
            (
                format!("csrf_access_token={csrf}"),
                attrs(&[
                    "Domain=example.com",
                    expires,
                    "Max-Age=31540000",
                    "Secure",
                    "Path=/",
                    "SameSite=Strict",
                ])
            ),
        ]
    );

    // SameSite=Lax, and SameSite=None (which needs Secure).
    for (samesite, secure, expected) in [
        (SameSite::Lax, false, "SameSite=Lax"),
        (SameSite::None, true, "SameSite=None"),
    ] {
        let jwt = manager({
            let mut c = cookie_config();
            c.cookie_samesite = Some(samesite);
            c.cookie_secure = secure;
            c
        });
        let r = request(&app(jwt.clone()), "GET", "/access_token", &[], None).await;
        let lines = r.set_cookies();
        let mut want = vec!["HttpOnly", "Path=/", expected];
        if secure {
            want.push("Secure");
        }
        assert_eq!(split(&lines[0]).1, attrs(&want), "{expected}");
        want.retain(|a| *a != "HttpOnly");
        assert_eq!(split(&lines[1]).1, attrs(&want), "{expected}");
    }
}

#[tokio::test]
async fn test_custom_cookie_names_and_paths() {
    let jwt = manager({
        let mut c = cookie_config();
        c.access_csrf_cookie_name = "access_foo_csrf".into();
        c.refresh_csrf_cookie_name = "refresh_foo_csrf".into();
        c.access_csrf_cookie_path = "/protected".into();
        c.refresh_csrf_cookie_path = "/refresh_protected".into();
        c.access_cookie_name = "access_foo".into();
        c.refresh_cookie_name = "refresh_foo".into();
        c.access_cookie_path = "/protected".into();
        c.refresh_cookie_path = "/refresh_protected".into();
        c
    });
    let app = app(jwt.clone());
    for (url, name, csrf_name, path) in [
        (
            "/access_token",
            "access_foo",
            "access_foo_csrf",
            "/protected",
        ),
        (
            "/refresh_token",
            "refresh_foo",
            "refresh_foo_csrf",
            "/refresh_protected",
        ),
    ] {
        let r = request(&app, "GET", url, &[], None).await;
        let lines = r.set_cookies();
        assert_eq!(lines.len(), 2, "{lines:?}");
        let (token, csrf) = token_and_csrf(&jwt, &r, name);
        let path_attr = format!("Path={path}");
        assert_eq!(
            split(&lines[0]),
            (format!("{name}={token}"), attrs(&["HttpOnly", &path_attr]))
        );
        assert_eq!(
            split(&lines[1]),
            (format!("{csrf_name}={csrf}"), attrs(&[&path_attr]))
        );
    }

    // The custom names are the ones read: a browser sends the access cookie to /protected
    // only (its path), and the refresh cookie to /refresh_protected only.
    let mut client = Client::new(self::app(jwt));
    client.get("/access_token").await;
    client.get("/refresh_token").await;
    assert_eq!(status_json(&client.get("/protected").await), foo_bar());
    assert_eq!(
        status_json(&client.get("/refresh_protected").await),
        foo_bar()
    );
    assert_eq!(
        status_json(&client.get("/any_protected").await),
        (401, msg("Missing cookie \"access_foo\""))
    );
    // The default name is not read.
    let r = client
        .get_with(
            "/any_protected",
            &[(
                "Cookie",
                &format!(
                    "access_token_cookie={}",
                    client.cookie("access_foo").unwrap()
                ),
            )],
        )
        .await;
    assert_eq!(status_json(&r), (401, msg("Missing cookie \"access_foo\"")));
}

#[tokio::test]
async fn test_csrf_token_not_in_cookie() {
    let jwt = manager({
        let mut c = cookie_config();
        c.csrf_in_cookies = false;
        c
    });
    let app = app(jwt.clone());
    for (url, name) in [
        ("/access_token", "access_token_cookie"),
        ("/refresh_token", "refresh_token_cookie"),
    ] {
        let r = request(&app, "GET", url, &[], None).await;
        let lines = r.set_cookies();
        assert_eq!(lines.len(), 1, "{lines:?}");
        let (token, _csrf) = token_and_csrf(&jwt, &r, name);
        assert_eq!(
            split(&lines[0]),
            (format!("{name}={token}"), attrs(&["HttpOnly", "Path=/"]))
        );
    }
    // Unsetting clears only the JWT cookies too.
    let r = request(&app, "GET", "/delete_tokens", &[], None).await;
    let names: Vec<String> = r.set_cookies().iter().map(|l| split(l).0).collect();
    assert_eq!(names, ["access_token_cookie=", "refresh_token_cookie="]);

    // The token still carries its csrf claim, and CSRF is still checked: the value reaches
    // the client some other way (e.g. `get_csrf_token` in the login body).
    let mut client = Client::new(self::app(jwt.clone()));
    let r = client.get("/access_token").await;
    let (_, csrf) = token_and_csrf(&jwt, &r, "access_token_cookie");
    assert_eq!(
        status_json(&client.post("/post_protected", &[]).await),
        (401, msg("Missing CSRF token"))
    );
    assert_eq!(
        status_json(
            &client
                .post("/post_protected", &[("X-CSRF-TOKEN", &csrf)])
                .await
        ),
        foo_bar()
    );
}

#[tokio::test]
async fn test_cookies_without_csrf() {
    let jwt = manager({
        let mut c = cookie_config();
        c.cookie_csrf_protect = false;
        c
    });
    let app = app(jwt.clone());
    for (url, name) in [
        ("/access_token", "access_token_cookie"),
        ("/refresh_token", "refresh_token_cookie"),
    ] {
        let r = request(&app, "GET", url, &[], None).await;
        let lines = r.set_cookies();
        assert_eq!(lines.len(), 1, "{lines:?}");
        let token = value_of(&r, name).unwrap();
        // Without CSRF protection, tokens carry no csrf claim.
        let claims = jwt.decode_token(&token).unwrap();
        assert_eq!(claims.csrf(), None);
        assert_eq!(
            split(&lines[0]),
            (format!("{name}={token}"), attrs(&["HttpOnly", "Path=/"]))
        );
    }
    let r = request(&app, "GET", "/delete_tokens", &[], None).await;
    assert_eq!(r.set_cookies().len(), 2);
}

#[tokio::test]
async fn test_jwt_optional_with_csrf_enabled() {
    let mut client = client(cookie_config());
    // No token: anonymous, no CSRF error.
    assert_eq!(
        status_json(&client.post("/optional_post_protected", &[]).await),
        (
            200,
            json!({"foo": "bar", "identity": null, "location": null})
        )
    );
    // A token but no CSRF value: the CSRF error is not swallowed.
    let csrf = login(&mut client, &KINDS[1]).await;
    assert_eq!(
        status_json(&client.post("/optional_post_protected", &[]).await),
        (401, msg("Missing CSRF token"))
    );
    assert_eq!(
        status_json(
            &client
                .post("/optional_post_protected", &[("X-CSRF-TOKEN", "wrong")])
                .await
        ),
        (401, msg("CSRF double submit tokens do not match"))
    );
    assert_eq!(
        status_json(
            &client
                .post("/optional_post_protected", &[("X-CSRF-TOKEN", &csrf)])
                .await
        ),
        (
            200,
            json!({"foo": "bar", "identity": "username", "location": "cookies"})
        )
    );
}

#[tokio::test]
async fn test_override_domain_option() {
    let jwt = manager({
        let mut c = cookie_config();
        c.cookie_domain = Some("test.com".into());
        c
    });
    let app = app(jwt.clone());
    for kind in &KINDS {
        // Set with a per-call domain.
        let r = request(
            &app,
            "GET",
            &format!("{}?domain=yolo.com", kind.auth_url),
            &[],
            None,
        )
        .await;
        assert_eq!(r.set_cookies().len(), 2);
        let (token, csrf) = token_and_csrf(&jwt, &r, kind.cookie_name);
        assert_eq!(
            split(&line_of(&r, kind.cookie_name).unwrap()),
            (
                format!("{}={token}", kind.cookie_name),
                attrs(&["Domain=yolo.com", "HttpOnly", "Path=/"])
            )
        );
        assert_eq!(
            split(&line_of(&r, kind.csrf_cookie_name).unwrap()),
            (
                format!("{}={csrf}", kind.csrf_cookie_name),
                attrs(&["Domain=yolo.com", "Path=/"])
            )
        );
        // Without it, the configured domain.
        let r = request(&app, "GET", kind.auth_url, &[], None).await;
        assert!(split(&line_of(&r, kind.cookie_name).unwrap())
            .1
            .contains("Domain=test.com"));

        // Unset with a per-call domain.
        let r = request(
            &app,
            "GET",
            &format!("{}?domain=yolo.com", kind.delete_url),
            &[],
            None,
        )
        .await;
        let epoch = "Expires=Thu, 01 Jan 1970 00:00:00 GMT";
        assert_eq!(
            r.set_cookies().iter().map(|l| split(l)).collect::<Vec<_>>(),
            vec![
                (
                    format!("{}=", kind.cookie_name),
                    attrs(&["Domain=yolo.com", epoch, "HttpOnly", "Path=/"])
                ),
                (
                    format!("{}=", kind.csrf_cookie_name),
                    attrs(&["Domain=yolo.com", epoch, "Path=/"])
                ),
            ]
        );
        // Without it, the configured domain.
        let r = request(&app, "GET", kind.delete_url, &[], None).await;
        assert!(split(&r.set_cookies()[0]).1.contains("Domain=test.com"));

        // Leading dots and a port are dropped (Werkzeug), and an empty domain is no override
        // (Flask: `domain or config.cookie_domain`). A domain that would inject attributes is
        // ignored (Werkzeug writes it out: `Domain=a.com; SameSite=None`).
        for (query, expected) in [
            ("?domain=.yolo.com", "Domain=yolo.com"),
            ("?domain=..yolo.com%3A8080", "Domain=yolo.com"),
            ("?domain=", "Domain=test.com"),
            ("?domain=a.com%3B%20SameSite%3DNone", "Domain=test.com"),
            ("?domain=a%20b.com", "Domain=test.com"),
        ] {
            for url in [kind.auth_url, kind.delete_url] {
                let r = request(&app, "GET", &format!("{url}{query}"), &[], None).await;
                let lines = r.set_cookies();
                assert_eq!(lines.len(), 2, "{url}{query}");
                for line in &lines {
                    let domains: Vec<String> = split(line)
                        .1
                        .into_iter()
                        .filter(|a| a.starts_with("Domain="))
                        .collect();
                    assert_eq!(domains, [expected], "{url}{query}: {line}");
                    assert!(!line.contains("SameSite"), "{line}");
                }
            }
        }
    }
}

// ---- the rest of the `Set-Cookie` attributes ---------------------------------------------------------------

#[tokio::test]
async fn test_per_call_max_age_and_domain() {
    // `set_access_cookies(resp, token, max_age=60, domain="api.test")` on session cookies.
    let jwt = manager(cookie_config());
    let app = app(jwt.clone());
    let r = request(
        &app,
        "GET",
        "/access_token?max_age=60&domain=api.test",
        &[],
        None,
    )
    .await;
    let (token, csrf) = token_and_csrf(&jwt, &r, "access_token_cookie");
    let expires = "Expires=Sun, 22 Nov 2026 07:55:50 GMT"; // NOW + 60 s
    assert_eq!(
        r.set_cookies().iter().map(|l| split(l)).collect::<Vec<_>>(),
        vec![
            (
                format!("access_token_cookie={token}"),
                attrs(&[
                    "Domain=api.test",
                    expires,
                    "Max-Age=60",
                    "HttpOnly",
                    "Path=/"
                ])
            ),
            (
                format!("csrf_access_token={csrf}"),
                attrs(&["Domain=api.test", expires, "Max-Age=60", "Path=/"])
            ),
        ]
    );
    // The per-call max_age also beats the persistent lifetime.
    let persistent = manager({
        let mut c = cookie_config();
        c.session_cookie = false;
        c
    });
    let r = request(
        &self::app(persistent),
        "GET",
        "/refresh_token?max_age=3600",
        &[],
        None,
    )
    .await;
    for line in r.set_cookies() {
        let (_, a) = split(&line);
        assert!(a.contains("Max-Age=3600"), "{line}");
        assert!(
            a.contains("Expires=Sun, 22 Nov 2026 08:54:50 GMT"),
            "{line}"
        );
    }
}

#[tokio::test]
async fn test_max_age_zero_is_ignored() {
    // Flask: `max_age or config.cookie_max_age`, so 0 falls back to the configuration.
    let jwt = manager(cookie_config());
    let r = request(
        &app(jwt.clone()),
        "GET",
        "/access_token?max_age=0",
        &[],
        None,
    )
    .await;
    let lines = r.set_cookies();
    assert_eq!(split(&lines[0]).1, attrs(&["HttpOnly", "Path=/"]));
    assert_eq!(split(&lines[1]).1, attrs(&["Path=/"]));

    let persistent = manager({
        let mut c = cookie_config();
        c.session_cookie = false;
        c
    });
    let r = request(
        &app(persistent),
        "GET",
        "/access_token?max_age=0",
        &[],
        None,
    )
    .await;
    assert_eq!(
        split(&r.set_cookies()[0]).1,
        attrs(&[
            "Expires=Mon, 22 Nov 2027 09:01:30 GMT",
            "Max-Age=31540000",
            "HttpOnly",
            "Path=/"
        ])
    );
}

#[tokio::test]
async fn test_unset_cookie_attributes() {
    let epoch = "Expires=Thu, 01 Jan 1970 00:00:00 GMT";
    let jwt = manager(cookie_config());
    let r = request(&app(jwt), "GET", "/delete_tokens", &[], None).await;
    assert_eq!(status_json(&r), (200, json!({"logout": true})));
    assert_eq!(
        r.set_cookies().iter().map(|l| split(l)).collect::<Vec<_>>(),
        vec![
            (
                "access_token_cookie=".into(),
                attrs(&[epoch, "HttpOnly", "Path=/"])
            ),
            ("csrf_access_token=".into(), attrs(&[epoch, "Path=/"])),
            (
                "refresh_token_cookie=".into(),
                attrs(&[epoch, "HttpOnly", "Path=/"])
            ),
            ("csrf_refresh_token=".into(), attrs(&[epoch, "Path=/"])),
        ]
    );

    // The configured path, domain, secure and samesite are kept; never a Max-Age, even for
    // persistent cookies.
    let jwt = manager({
        let mut c = cookie_config();
        c.cookie_secure = true;
        c.cookie_samesite = Some(SameSite::Lax);
        c.cookie_domain = Some(".example.com".into());
        c.session_cookie = false;
        c.refresh_cookie_path = "/auth/refresh".into();
        c.refresh_csrf_cookie_path = "/auth".into();
        c
    });
    let app = app(jwt);
    let r = request(&app, "GET", "/delete_refresh_tokens", &[], None).await;
    assert_eq!(status_json(&r), (200, json!({"refresh_revoked": true})));
    let common = ["Domain=example.com", epoch, "Secure", "SameSite=Lax"];
    let with = |extra: &[&str]| {
        let mut v: Vec<&str> = common.to_vec();
        v.extend_from_slice(extra);
        attrs(&v)
    };
    assert_eq!(
        r.set_cookies().iter().map(|l| split(l)).collect::<Vec<_>>(),
        vec![
            (
                "refresh_token_cookie=".into(),
                with(&["HttpOnly", "Path=/auth/refresh"])
            ),
            ("csrf_refresh_token=".into(), with(&["Path=/auth"])),
        ]
    );
    let r = request(&app, "GET", "/delete_access_tokens", &[], None).await;
    assert_eq!(status_json(&r), (200, json!({"access_revoked": true})));
    assert_eq!(
        r.set_cookies().iter().map(|l| split(l)).collect::<Vec<_>>(),
        vec![
            ("access_token_cookie=".into(), with(&["HttpOnly", "Path=/"])),
            ("csrf_access_token=".into(), with(&["Path=/"])),
        ]
    );
}

#[tokio::test]
async fn test_set_cookies_decodes_the_token() {
    // As in Flask: the CSRF cookie's value comes from a full decode, so an expired token
    // makes the login response an error, with no cookie (flask-jwt-extended issue #557's root cause).
    let jwt = manager(cookie_config());
    let app = app(jwt);
    let r = request(&app, "GET", &format!("/cookies_for?token={V4}"), &[], None).await;
    assert_eq!(status_json(&r), (401, msg("Token has expired")));
    assert_eq!(r.set_cookies(), Vec::<String>::new());
    let r = request(&app, "GET", "/cookies_for?token=garbage", &[], None).await;
    assert_eq!(status_json(&r), (422, msg("Not enough segments")));
    assert_eq!(r.set_cookies(), Vec::<String>::new());
    // A token without a csrf claim has no value for the CSRF cookie.
    let no_csrf = manager({
        let mut c = cookie_config();
        c.cookie_csrf_protect = false;
        c
    })
    .create_access_token("username")
    .unwrap();
    let r = request(
        &app,
        "GET",
        &format!("/cookies_for?token={no_csrf}"),
        &[],
        None,
    )
    .await;
    assert_eq!(status_json(&r), (422, msg("Missing claim: csrf")));
    assert_eq!(r.set_cookies(), Vec::<String>::new());
    // Without CSRF cookies there is nothing to decode: the cookie is set as given.
    let plain = manager({
        let mut c = cookie_config();
        c.csrf_in_cookies = false;
        c
    });
    let r = request(
        &self::app(plain),
        "GET",
        &format!("/cookies_for?token={V4}"),
        &[],
        None,
    )
    .await;
    assert_eq!(status_json(&r), (200, json!({"login": true})));
    assert_eq!(
        r.set_cookies().iter().map(|l| split(l)).collect::<Vec<_>>(),
        vec![(
            format!("access_token_cookie={V4}"),
            attrs(&["HttpOnly", "Path=/"])
        )]
    );
}

// ---- cookie and CSRF rows of the observed error matrix -----------------------------------------------------------

#[tokio::test]
async fn test_missing_csrf_claim_in_a_cookie_token() {
    let jwt = manager(cookie_config());
    let app = app(jwt);
    // Minted without CSRF protection: no csrf claim.
    let token = manager({
        let mut c = cookie_config();
        c.cookie_csrf_protect = false;
        c
    })
    .create_access_token("username")
    .unwrap();
    let cookie = format!("access_token_cookie={token}");
    assert_eq!(
        status_json(
            &request(
                &app,
                "POST",
                "/post_protected",
                &[("Cookie", &cookie), ("X-CSRF-TOKEN", "anything")],
                None
            )
            .await
        ),
        (422, msg("Missing claim: csrf"))
    );
    // The CSRF value is looked for first.
    assert_eq!(
        status_json(
            &request(
                &app,
                "POST",
                "/post_protected",
                &[("Cookie", &cookie)],
                None
            )
            .await
        ),
        (401, msg("Missing CSRF token"))
    );
    // GET is not checked, so the claim is not needed.
    assert_eq!(
        status_json(&request(&app, "GET", "/protected", &[("Cookie", &cookie)], None).await),
        foo_bar()
    );
}

#[tokio::test]
async fn test_decode_errors_come_before_the_csrf_compare() {
    // Decoding runs before the CSRF compare, as in Flask.
    let jwt = manager({
        let mut c = config();
        c.token_location = vec![Location::Headers, Location::Cookies];
        c
    });
    let app = app(jwt.clone());
    let cookie = format!("access_token_cookie={V4}");
    assert_eq!(
        status_json(
            &request(
                &app,
                "POST",
                "/post_protected",
                &[("Cookie", &cookie), ("X-CSRF-TOKEN", "wrong")],
                None
            )
            .await
        ),
        (401, msg("Token has expired"))
    );
    let mut tampered = V1.to_owned();
    tampered.pop();
    tampered.push(if V1.ends_with('A') { 'B' } else { 'A' });
    let cookie = format!("access_token_cookie={tampered}");
    assert_eq!(
        status_json(
            &request(
                &app,
                "POST",
                "/post_protected",
                &[("Cookie", &cookie), ("X-CSRF-TOKEN", "wrong")],
                None
            )
            .await
        ),
        (422, msg("Signature verification failed"))
    );
    // A refresh token in the access cookie: the CSRF compare (decode) comes before the type.
    let cookie = format!("access_token_cookie={V3}");
    assert_eq!(
        status_json(
            &request(
                &app,
                "POST",
                "/post_protected",
                &[("Cookie", &cookie), ("X-CSRF-TOKEN", "wrong")],
                None
            )
            .await
        ),
        (401, msg("CSRF double submit tokens do not match"))
    );
    assert_eq!(
        status_json(
            &request(
                &app,
                "POST",
                "/post_protected",
                &[
                    ("Cookie", &cookie),
                    ("X-CSRF-TOKEN", "00000000-0000-4000-8000-0000000000c5")
                ],
                None
            )
            .await
        ),
        (422, msg("Only non-refresh tokens are allowed"))
    );
}

#[tokio::test]
async fn test_refresh_routes_use_the_refresh_cookie_and_header() {
    let jwt = manager({
        let mut c = cookie_config();
        c.access_csrf_header_name = "X-ACCESS-CSRF".into();
        c.refresh_csrf_header_name = "X-REFRESH-CSRF".into();
        c
    });
    let app = app(jwt.clone());
    let access = jwt.create_access_token("username").unwrap();
    let access_csrf = jwt.get_csrf_token(&access).unwrap();
    let refresh = jwt.create_refresh_token("username").unwrap();
    let refresh_csrf = jwt.get_csrf_token(&refresh).unwrap();
    let access_cookie = format!("access_token_cookie={access}");
    let refresh_cookie = format!("refresh_token_cookie={refresh}");

    // The access cookie is not read on refresh routes, nor the refresh cookie on access ones.
    assert_eq!(
        status_json(
            &request(
                &app,
                "GET",
                "/refresh_protected",
                &[("Cookie", &access_cookie)],
                None
            )
            .await
        ),
        (401, msg("Missing cookie \"refresh_token_cookie\""))
    );
    assert_eq!(
        status_json(
            &request(
                &app,
                "GET",
                "/protected",
                &[("Cookie", &refresh_cookie)],
                None
            )
            .await
        ),
        (401, msg("Missing cookie \"access_token_cookie\""))
    );
    // Each reads its own CSRF header name.
    let r = request(
        &app,
        "POST",
        "/post_refresh_protected",
        &[
            ("Cookie", &refresh_cookie),
            ("X-ACCESS-CSRF", &refresh_csrf),
        ],
        None,
    )
    .await;
    assert_eq!(status_json(&r), (401, msg("Missing CSRF token")));
    let r = request(
        &app,
        "POST",
        "/post_refresh_protected",
        &[
            ("Cookie", &refresh_cookie),
            ("X-REFRESH-CSRF", &refresh_csrf),
        ],
        None,
    )
    .await;
    assert_eq!(status_json(&r), foo_bar());
    let r = request(
        &app,
        "POST",
        "/post_protected",
        &[("Cookie", &access_cookie), ("X-REFRESH-CSRF", &access_csrf)],
        None,
    )
    .await;
    assert_eq!(status_json(&r), (401, msg("Missing CSRF token")));
    let r = request(
        &app,
        "POST",
        "/post_protected",
        &[("Cookie", &access_cookie), ("X-ACCESS-CSRF", &access_csrf)],
        None,
    )
    .await;
    assert_eq!(status_json(&r), foo_bar());
    // Both cookies present: each route picks its own.
    let both = format!("{access_cookie}; {refresh_cookie}");
    let r = request(
        &app,
        "POST",
        "/post_refresh_protected",
        &[("Cookie", &both), ("X-REFRESH-CSRF", &refresh_csrf)],
        None,
    )
    .await;
    assert_eq!(status_json(&r), foo_bar());
    // The other token's CSRF value does not match.
    let r = request(
        &app,
        "POST",
        "/post_refresh_protected",
        &[("Cookie", &both), ("X-REFRESH-CSRF", &access_csrf)],
        None,
    )
    .await;
    assert_eq!(
        status_json(&r),
        (401, msg("CSRF double submit tokens do not match"))
    );
    // The form field on refresh routes: the refresh field name.
    let jwt = manager({
        let mut c = cookie_config();
        c.csrf_check_form = true;
        c.access_csrf_field_name = "access_field".into();
        c.refresh_csrf_field_name = "refresh_field".into();
        c
    });
    let app = self::app(jwt.clone());
    let refresh = jwt.create_refresh_token("username").unwrap();
    let refresh_csrf = jwt.get_csrf_token(&refresh).unwrap();
    let refresh_cookie = format!("refresh_token_cookie={refresh}");
    let r = request(
        &app,
        "POST",
        "/post_refresh_protected",
        &[("Cookie", &refresh_cookie), FORM],
        Some(&format!("access_field={refresh_csrf}")),
    )
    .await;
    assert_eq!(status_json(&r), (401, msg("Missing CSRF token")));
    let r = request(
        &app,
        "POST",
        "/post_refresh_protected",
        &[("Cookie", &refresh_cookie), FORM],
        Some(&format!("refresh_field={refresh_csrf}")),
    )
    .await;
    assert_eq!(status_json(&r), foo_bar());
}

#[tokio::test]
async fn test_cookie_header_parsing() {
    let jwt = manager(cookie_config());
    let app = app(jwt.clone());
    let token = jwt.create_access_token("username").unwrap();
    // Among other cookies, without spaces, in a second Cookie header.
    for headers in [
        vec![("Cookie", format!("a=1; access_token_cookie={token}; b=2"))],
        vec![("Cookie", format!("a=1;access_token_cookie={token}"))],
        vec![
            ("Cookie", "a=1".to_owned()),
            ("Cookie", format!("access_token_cookie={token}")),
        ],
        vec![("Cookie", format!("access_token_cookie=\"{token}\""))],
    ] {
        let h: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(
            status_json(&request(&app, "GET", "/protected", &h, None).await),
            foo_bar(),
            "{headers:?}"
        );
    }
    // The first cookie of that name wins (Werkzeug's `cookies.get`).
    let r = request(
        &app,
        "GET",
        "/protected",
        &[(
            "Cookie",
            &format!("access_token_cookie={token}; access_token_cookie=x.y.z"),
        )],
        None,
    )
    .await;
    assert_eq!(status_json(&r), foo_bar());
    let r = request(
        &app,
        "GET",
        "/protected",
        &[(
            "Cookie",
            &format!("access_token_cookie=x.y.z; access_token_cookie={token}"),
        )],
        None,
    )
    .await;
    assert_eq!(r.status.as_u16(), 422);
    // An empty cookie is a missing one.
    let r = request(
        &app,
        "GET",
        "/protected",
        &[("Cookie", "access_token_cookie=")],
        None,
    )
    .await;
    assert_eq!(
        status_json(&r),
        (401, msg("Missing cookie \"access_token_cookie\""))
    );
    // A cookie whose name only contains the configured one is not it.
    let r = request(
        &app,
        "GET",
        "/protected",
        &[("Cookie", &format!("xaccess_token_cookie={token}"))],
        None,
    )
    .await;
    assert_eq!(
        status_json(&r),
        (401, msg("Missing cookie \"access_token_cookie\""))
    );
}

// ---- V1 as a cookie ----------------------------------------------------------

#[tokio::test]
async fn test_interop_vector_v1_as_cookie() {
    let app = app(manager({
        let mut c = config();
        c.token_location = vec![Location::Headers, Location::Cookies];
        c
    }));
    let cookie = format!("access_token_cookie={V1}");
    let r = request(
        &app,
        "POST",
        "/where",
        &[
            ("Cookie", &cookie),
            ("X-CSRF-TOKEN", "00000000-0000-4000-8000-0000000000c5"),
        ],
        None,
    )
    .await;
    assert_eq!(
        status_json(&r),
        (
            200,
            json!({"identity": "interop-user", "location": "cookies"})
        )
    );
    let r = request(
        &app,
        "POST",
        "/where",
        &[
            ("Cookie", &cookie),
            ("X-CSRF-TOKEN", "00000000-0000-4000-8000-0000000000c6"),
        ],
        None,
    )
    .await;
    assert_eq!(
        status_json(&r),
        (401, msg("CSRF double submit tokens do not match"))
    );
    let r = request(&app, "POST", "/where", &[("Cookie", &cookie)], None).await;
    assert_eq!(status_json(&r), (401, msg("Missing CSRF token")));
    // The same vector in the header needs no CSRF value.
    let r = request(
        &app,
        "POST",
        "/where",
        &[("Authorization", &bearer(V1))],
        None,
    )
    .await;
    assert_eq!(
        status_json(&r),
        (
            200,
            json!({"identity": "interop-user", "location": "headers"})
        )
    );
    // Our own cookie login gives a token whose CSRF value works the same way.
    let jwt = manager(cookie_config());
    let token = jwt
        .create_access_token_with("interop-user", TokenOptions::new())
        .unwrap();
    let csrf = jwt.get_csrf_token(&token).unwrap();
    let r = request(
        &self::app(jwt),
        "POST",
        "/where",
        &[
            ("Cookie", &format!("access_token_cookie={token}")),
            ("X-CSRF-TOKEN", &csrf),
        ],
        None,
    )
    .await;
    assert_eq!(
        status_json(&r),
        (
            200,
            json!({"identity": "interop-user", "location": "cookies"})
        )
    );
}
