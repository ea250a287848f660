//! Token locations through a real `Router`: cookies with CSRF double submit and the
//! cookie helpers' `Set-Cookie` attributes (test_cookies), the query string (test_query_string),
//! the JSON body (test_json) and several locations (test_multiple_token_locations), against
//! errors, `Set-Cookie` attributes and the location order observed in flask-jwt-extended 4.7.1.

mod common;

use std::time::Duration;

use axum::routing::{any, post};
use axum::{Json, Router};
use axum_jwt_extended::{
    get_jwt_identity, get_jwt_request_location, jwt_required, set_access_cookies,
    set_refresh_cookies, unset_access_cookies, unset_jwt_cookies, unset_refresh_cookies,
    CookieOptions, JwtManager, Location, NoJwtContext, SameSite, TokenOptions,
};
use serde::Deserialize;
use serde_json::{json, Value};

use common::{bearer, cfg, config, manager, msg, request, Reply};

fn body() -> Result<Json<Value>, NoJwtContext> {
    Ok(Json(json!({
        "identity": get_jwt_identity()?,
        "location": get_jwt_request_location(),
    })))
}

#[jwt_required]
async fn protected() -> Result<Json<Value>, NoJwtContext> {
    body()
}

#[jwt_required(refresh)]
async fn refresh() -> Result<Json<Value>, NoJwtContext> {
    body()
}

#[jwt_required(optional)]
async fn optional() -> Result<Json<Value>, NoJwtContext> {
    body()
}

#[jwt_required(locations = ["query_string", "headers"])]
async fn query_then_headers() -> Result<Json<Value>, NoJwtContext> {
    body()
}

#[derive(Deserialize)]
struct Echo {
    message: String,
}

/// Extracts the body with `Json<T>` too, as the demo's `POST /echo` does.
#[jwt_required(locations = "json")]
async fn echo_json(Json(echo): Json<Echo>) -> Result<Json<Value>, NoJwtContext> {
    Ok(Json(
        json!({ "identity": get_jwt_identity()?, "message": echo.message }),
    ))
}

/// The same without naming the location: `json` is only in the runtime configuration.
#[jwt_required]
async fn echo_config(Json(echo): Json<Echo>) -> Result<Json<Value>, NoJwtContext> {
    Ok(Json(
        json!({ "identity": get_jwt_identity()?, "message": echo.message }),
    ))
}

fn app(jwt: JwtManager) -> Router {
    Router::new()
        .route("/p", any(protected))
        .route("/refresh", any(refresh))
        .route("/optional", any(optional))
        .route("/qh", any(query_then_headers))
        .route("/echo", post(echo_json))
        .route("/echo-config", any(echo_config))
        .with_state(jwt)
}

async fn send(
    app: &Router,
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> (u16, Value) {
    let r: Reply = request(app, method, uri, headers, body).await;
    (r.status.as_u16(), r.json())
}

/// `name=value` and the sorted attributes of a `Set-Cookie` line.
fn parse_cookie(line: &str) -> (String, Vec<String>) {
    let mut parts = line.split("; ");
    let first = parts.next().unwrap_or_default().to_owned();
    let mut attrs: Vec<String> = parts.map(str::to_owned).collect();
    attrs.sort();
    (first, attrs)
}

fn attrs(list: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = list.iter().map(|s| s.to_string()).collect();
    v.sort();
    v
}

// ---- cookies ---------------------------------------------------------------------------------

#[tokio::test]
async fn test_default_access_and_refresh_cookies() {
    let jwt = manager(cfg(&[Location::Cookies]));
    let access = jwt.create_access_token("alice").unwrap();
    let refresh_token = jwt.create_refresh_token("alice").unwrap();
    let csrf = jwt.get_csrf_token(&access).unwrap();
    let lines: Vec<String> = set_access_cookies(&jwt, &access, CookieOptions::default())
        .unwrap()
        .cookies()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(
        parse_cookie(&lines[0]),
        (
            format!("access_token_cookie={access}"),
            attrs(&["HttpOnly", "Path=/"])
        )
    );
    assert_eq!(
        parse_cookie(&lines[1]),
        (format!("csrf_access_token={csrf}"), attrs(&["Path=/"]))
    );
    let lines: Vec<String> = set_refresh_cookies(&jwt, &refresh_token, CookieOptions::default())
        .unwrap()
        .cookies()
        .iter()
        .map(ToString::to_string)
        .collect();
    let refresh_csrf = jwt.get_csrf_token(&refresh_token).unwrap();
    assert_eq!(
        parse_cookie(&lines[0]),
        (
            format!("refresh_token_cookie={refresh_token}"),
            attrs(&["HttpOnly", "Path=/"])
        )
    );
    assert_eq!(
        parse_cookie(&lines[1]),
        (
            format!("csrf_refresh_token={refresh_csrf}"),
            attrs(&["Path=/"])
        )
    );
}

#[tokio::test]
async fn test_custom_cookie_attributes_and_overrides() {
    let jwt = manager({
        let mut c = cfg(&[Location::Cookies]);
        c.cookie_secure = true;
        c.cookie_samesite = Some(SameSite::Strict);
        c.cookie_domain = Some(".example.com".into());
        c.session_cookie = false;
        c.access_cookie_path = "/api/".into();
        c
    });
    let access = jwt.create_access_token("alice").unwrap();
    let expires = "Expires=Mon, 22 Nov 2027 09:01:30 GMT"; // NOW + 31540000 s
    let lines: Vec<String> = set_access_cookies(&jwt, &access, CookieOptions::default())
        .unwrap()
        .cookies()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        parse_cookie(&lines[0]).1,
        attrs(&[
            "Domain=example.com",
            expires,
            "Max-Age=31540000",
            "Secure",
            "HttpOnly",
            "Path=/api/",
            "SameSite=Strict"
        ])
    );
    assert_eq!(
        parse_cookie(&lines[1]).1,
        attrs(&[
            "Domain=example.com",
            expires,
            "Max-Age=31540000",
            "Secure",
            "Path=/",
            "SameSite=Strict"
        ])
    );
    // Per-call max_age and domain.
    let lines: Vec<String> = set_access_cookies(
        &jwt,
        &access,
        CookieOptions {
            max_age: Some(Duration::from_secs(60)),
            domain: Some("api.test".into()),
        },
    )
    .unwrap()
    .cookies()
    .iter()
    .map(ToString::to_string)
    .collect();
    assert_eq!(
        parse_cookie(&lines[0]).1,
        attrs(&[
            "Domain=api.test",
            "Expires=Sun, 22 Nov 2026 07:55:50 GMT",
            "Max-Age=60",
            "Secure",
            "HttpOnly",
            "Path=/api/",
            "SameSite=Strict"
        ])
    );
    // max_age zero is ignored (Flask: falsy), giving the configured lifetime.
    let session = manager(cfg(&[Location::Cookies]));
    let t = session.create_access_token("alice").unwrap();
    let lines: Vec<String> = set_access_cookies(
        &session,
        &t,
        CookieOptions {
            max_age: Some(Duration::ZERO),
            domain: None,
        },
    )
    .unwrap()
    .cookies()
    .iter()
    .map(ToString::to_string)
    .collect();
    assert_eq!(parse_cookie(&lines[0]).1, attrs(&["HttpOnly", "Path=/"]));
}

#[tokio::test]
async fn test_unset_cookies() {
    let jwt = manager(cfg(&[Location::Cookies]));
    let epoch = "Expires=Thu, 01 Jan 1970 00:00:00 GMT";
    let lines: Vec<String> = unset_jwt_cookies(&jwt, None)
        .cookies()
        .iter()
        .map(ToString::to_string)
        .collect();
    let got: Vec<(String, Vec<String>)> = lines.iter().map(|l| parse_cookie(l)).collect();
    assert_eq!(
        got,
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
    assert_eq!(
        unset_access_cookies(&jwt, Some("api.test")).cookies()[0].domain(),
        Some("api.test")
    );
    assert_eq!(
        unset_refresh_cookies(&jwt, None).cookies()[0].name(),
        "refresh_token_cookie"
    );
    // Without CSRF in cookies, one cookie per token type.
    let no_csrf = manager({
        let mut c = cfg(&[Location::Cookies]);
        c.csrf_in_cookies = false;
        c
    });
    assert_eq!(unset_jwt_cookies(&no_csrf, None).cookies().len(), 2);
    let t = no_csrf.create_access_token("alice").unwrap();
    assert_eq!(
        set_access_cookies(&no_csrf, &t, CookieOptions::default())
            .unwrap()
            .cookies()
            .len(),
        1
    );
    let no_protect = manager({
        let mut c = cfg(&[Location::Cookies]);
        c.cookie_csrf_protect = false;
        c
    });
    let t = no_protect.create_access_token("alice").unwrap();
    assert_eq!(
        set_access_cookies(&no_protect, &t, CookieOptions::default())
            .unwrap()
            .cookies()
            .len(),
        1
    );
    // The token then has no csrf claim at all (Flask: the claim follows the switch).
    assert_eq!(no_protect.decode_token(&t).unwrap().csrf(), None);
}

#[tokio::test]
async fn test_cookie_location_and_csrf() {
    let jwt = manager(cfg(&[Location::Cookies]));
    let app = app(jwt.clone());
    let access = jwt.create_access_token("alice").unwrap();
    let csrf = jwt.get_csrf_token(&access).unwrap();
    let cookie = format!("access_token_cookie={access}");
    let ok = json!({"identity": "alice", "location": "cookies"});

    assert_eq!(
        send(&app, "GET", "/p", &[], None).await,
        (401, msg("Missing cookie \"access_token_cookie\""))
    );
    assert_eq!(
        send(&app, "POST", "/refresh", &[], None).await,
        (401, msg("Missing cookie \"refresh_token_cookie\""))
    );
    // GET is not a CSRF method.
    assert_eq!(
        send(&app, "GET", "/p", &[("Cookie", &cookie)], None).await,
        (200, ok.clone())
    );
    for method in ["POST", "PUT", "PATCH", "DELETE"] {
        assert_eq!(
            send(&app, method, "/p", &[("Cookie", &cookie)], None).await,
            (401, msg("Missing CSRF token")),
            "{method}"
        );
        assert_eq!(
            send(
                &app,
                method,
                "/p",
                &[("Cookie", &cookie), ("X-CSRF-TOKEN", "")],
                None
            )
            .await,
            (401, msg("Missing CSRF token"))
        );
        assert_eq!(
            send(
                &app,
                method,
                "/p",
                &[("Cookie", &cookie), ("X-CSRF-TOKEN", "wrong")],
                None
            )
            .await,
            (401, msg("CSRF double submit tokens do not match"))
        );
        assert_eq!(
            send(
                &app,
                method,
                "/p",
                &[("Cookie", &cookie), ("X-CSRF-TOKEN", &csrf)],
                None
            )
            .await,
            (200, ok.clone())
        );
    }
    // Other spellings of a method are checked too (Flask compares case-sensitively).
    for method in ["post", "Post", "PURGE"] {
        assert_eq!(
            send(&app, method, "/p", &[("Cookie", &cookie)], None).await,
            (401, msg("Missing CSRF token")),
            "{method}"
        );
    }
    // Optional routes do not swallow CSRF errors.
    assert_eq!(
        send(&app, "POST", "/optional", &[("Cookie", &cookie)], None).await,
        (401, msg("Missing CSRF token"))
    );
    // A cookie token without a csrf claim, on a CSRF method.
    let no_claim = manager({
        let mut c = cfg(&[Location::Cookies]);
        c.cookie_csrf_protect = false;
        c
    })
    .create_access_token("alice")
    .unwrap();
    let c = format!("access_token_cookie={no_claim}");
    assert_eq!(
        send(
            &app,
            "POST",
            "/p",
            &[("Cookie", &c), ("X-CSRF-TOKEN", "x")],
            None
        )
        .await,
        (422, msg("Missing claim: csrf"))
    );
    // Refresh routes read the refresh cookie and the refresh CSRF header name.
    let refresh_token = jwt.create_refresh_token("alice").unwrap();
    let refresh_csrf = jwt.get_csrf_token(&refresh_token).unwrap();
    let rc = format!("refresh_token_cookie={refresh_token}");
    assert_eq!(
        send(
            &app,
            "POST",
            "/refresh",
            &[("Cookie", &rc), ("X-CSRF-TOKEN", &refresh_csrf)],
            None
        )
        .await,
        (200, json!({"identity": "alice", "location": "cookies"}))
    );
}

#[tokio::test]
async fn test_csrf_options() {
    let jwt = manager({
        let mut c = cfg(&[Location::Cookies]);
        c.access_csrf_header_name = "X-XSRF".into();
        c.refresh_csrf_header_name = "X-XSRF-REFRESH".into();
        c.csrf_methods = vec!["GET".into()];
        c
    });
    let app = app(jwt.clone());
    let access = jwt.create_access_token("alice").unwrap();
    let csrf = jwt.get_csrf_token(&access).unwrap();
    let cookie = format!("access_token_cookie={access}");
    assert_eq!(
        send(&app, "GET", "/p", &[("Cookie", &cookie)], None).await,
        (401, msg("Missing CSRF token"))
    );
    assert_eq!(
        send(
            &app,
            "GET",
            "/p",
            &[("Cookie", &cookie), ("X-XSRF", &csrf)],
            None
        )
        .await
        .0,
        200
    );
    // POST is not in the configured methods any more.
    assert_eq!(
        send(&app, "POST", "/p", &[("Cookie", &cookie)], None)
            .await
            .0,
        200
    );
    let refresh_token = jwt.create_refresh_token("alice").unwrap();
    let rcsrf = jwt.get_csrf_token(&refresh_token).unwrap();
    let rc = format!("refresh_token_cookie={refresh_token}");
    assert_eq!(
        send(
            &app,
            "GET",
            "/refresh",
            &[("Cookie", &rc), ("X-XSRF", &rcsrf)],
            None
        )
        .await,
        (401, msg("Missing CSRF token"))
    );
    assert_eq!(
        send(
            &app,
            "GET",
            "/refresh",
            &[("Cookie", &rc), ("X-XSRF-REFRESH", &rcsrf)],
            None
        )
        .await
        .0,
        200
    );
    // CSRF protection off: no check at all.
    let off = manager({
        let mut c = cfg(&[Location::Cookies]);
        c.cookie_csrf_protect = false;
        c
    });
    let t = off.create_access_token("alice").unwrap();
    assert_eq!(
        send(
            &self::app(off),
            "POST",
            "/p",
            &[("Cookie", &format!("access_token_cookie={t}"))],
            None
        )
        .await
        .0,
        200
    );
}

#[tokio::test]
async fn test_csrf_form_field() {
    let jwt = manager({
        let mut c = cfg(&[Location::Cookies]);
        c.csrf_check_form = true;
        c
    });
    let app = app(jwt.clone());
    let access = jwt.create_access_token("alice").unwrap();
    let csrf = jwt.get_csrf_token(&access).unwrap();
    let cookie = format!("access_token_cookie={access}");
    let form = ("Content-Type", "application/x-www-form-urlencoded");
    let good = format!("csrf_token={csrf}&other=1");
    assert_eq!(
        send(
            &app,
            "POST",
            "/p",
            &[("Cookie", &cookie), form],
            Some(&good)
        )
        .await
        .0,
        200
    );
    assert_eq!(
        send(
            &app,
            "POST",
            "/p",
            &[("Cookie", &cookie), form],
            Some("csrf_token=nope")
        )
        .await,
        (401, msg("CSRF double submit tokens do not match"))
    );
    assert_eq!(
        send(
            &app,
            "POST",
            "/p",
            &[("Cookie", &cookie), form],
            Some("other=1")
        )
        .await,
        (401, msg("Missing CSRF token"))
    );
    // A bad header beats a good form value.
    assert_eq!(
        send(
            &app,
            "POST",
            "/p",
            &[("Cookie", &cookie), form, ("X-CSRF-TOKEN", "bad")],
            Some(&good)
        )
        .await,
        (401, msg("CSRF double submit tokens do not match"))
    );
    // Without the option, the form field is never consulted.
    let plain = manager(cfg(&[Location::Cookies]));
    let t = plain.create_access_token("alice").unwrap();
    let c = plain.get_csrf_token(&t).unwrap();
    assert_eq!(
        send(
            &self::app(plain),
            "POST",
            "/p",
            &[("Cookie", &format!("access_token_cookie={t}")), form],
            Some(&format!("csrf_token={c}"))
        )
        .await,
        (401, msg("Missing CSRF token"))
    );
}

// ---- query string ------------------------------------------------------------------------------

#[tokio::test]
async fn test_query_string() {
    let jwt = manager(cfg(&[Location::QueryString]));
    let app = app(jwt.clone());
    let t = jwt.create_access_token("alice").unwrap();
    assert_eq!(
        send(&app, "GET", &format!("/p?jwt={t}"), &[], None).await,
        (
            200,
            json!({"identity": "alice", "location": "query_string"})
        )
    );
    assert_eq!(
        send(&app, "GET", "/p", &[], None).await,
        (401, msg("Missing 'jwt' query paramater"))
    );
    assert_eq!(
        send(&app, "GET", "/p?jwt=", &[], None).await,
        (401, msg("Missing 'jwt' query paramater"))
    );
    // Headers are not looked at when only the query string is configured.
    assert_eq!(
        send(&app, "GET", "/p", &[("Authorization", &bearer(&t))], None).await,
        (401, msg("Missing 'jwt' query paramater"))
    );

    let custom = manager({
        let mut c = cfg(&[Location::QueryString]);
        c.query_string_name = "token".into();
        c.query_string_value_prefix = "Bearer ".into();
        c
    });
    let app = self::app(custom.clone());
    let t = custom.create_access_token("alice").unwrap();
    assert_eq!(
        send(&app, "GET", &format!("/p?token=Bearer%20{t}"), &[], None)
            .await
            .0,
        200
    );
    assert_eq!(
        send(&app, "GET", &format!("/p?token={t}"), &[], None).await,
        (422, msg("Invalid value for query parameter 'token'. Expected the value to start with 'Bearer '"))
    );
    assert_eq!(
        send(&app, "GET", "/p", &[], None).await,
        (401, msg("Missing 'token' query paramater"))
    );
}

// ---- JSON body ---------------------------------------------------------------------------------

#[tokio::test]
async fn test_json_body() {
    let jwt = manager(cfg(&[Location::Json]));
    let app = app(jwt.clone());
    let t = jwt.create_access_token("alice").unwrap();
    let r = jwt.create_refresh_token("alice").unwrap();
    let ct = ("Content-Type", "application/json");
    let ok = json!({"identity": "alice", "location": "json"});
    let body = json!({ "access_token": t }).to_string();
    assert_eq!(
        send(&app, "POST", "/p", &[ct], Some(&body)).await,
        (200, ok.clone())
    );
    // Whatever the method, GET included.
    assert_eq!(
        send(&app, "GET", "/p", &[ct], Some(&body)).await,
        (200, ok.clone())
    );
    assert_eq!(
        send(
            &app,
            "POST",
            "/p",
            &[("Content-Type", "application/json;charset=UTF-8")],
            Some(&body)
        )
        .await,
        (200, ok)
    );
    let wrong_type = (401, msg("Invalid content-type. Must be application/json."));
    assert_eq!(send(&app, "POST", "/p", &[], Some(&body)).await, wrong_type);
    assert_eq!(
        send(
            &app,
            "POST",
            "/p",
            &[("Content-Type", "application/x-www-form-urlencoded")],
            Some("a=b")
        )
        .await,
        wrong_type
    );
    let missing = (401, msg("Missing \"access_token\" key in json data."));
    for bad in [
        "{}",
        "not json",
        "[1, 2]",
        "\"a string\"",
        "{\"access_token\": 5}",
        "",
    ] {
        assert_eq!(
            send(&app, "POST", "/p", &[ct], Some(bad)).await,
            missing,
            "{bad:?}"
        );
    }
    // Refresh routes read the refresh key.
    let rbody = json!({ "refresh_token": r }).to_string();
    assert_eq!(
        send(&app, "POST", "/refresh", &[ct], Some(&rbody)).await.0,
        200
    );
    assert_eq!(
        send(
            &app,
            "POST",
            "/refresh",
            &[ct],
            Some(&json!({ "access_token": r }).to_string())
        )
        .await,
        (401, msg("Missing \"refresh_token\" key in json data."))
    );
}

#[tokio::test]
async fn test_json_body_with_custom_keys_and_limit() {
    let jwt = manager({
        let mut c = cfg(&[Location::Json]);
        c.json_key = "foo".into();
        c.refresh_json_key = "bar".into();
        c.json_body_limit = 1024;
        c
    });
    let app = app(jwt.clone());
    let t = jwt.create_access_token("alice").unwrap();
    let ct = ("Content-Type", "application/json");
    assert_eq!(
        send(
            &app,
            "POST",
            "/p",
            &[ct],
            Some(&json!({ "foo": t }).to_string())
        )
        .await
        .0,
        200
    );
    assert_eq!(
        send(
            &app,
            "POST",
            "/p",
            &[ct],
            Some(&json!({ "access_token": t }).to_string())
        )
        .await,
        (401, msg("Missing \"foo\" key in json data."))
    );
    let big = json!({ "foo": t, "pad": "x".repeat(2048) }).to_string();
    assert_eq!(
        send(&app, "POST", "/p", &[ct], Some(&big)).await,
        (413, msg("Request body is larger than 1024 bytes"))
    );
}

#[tokio::test]
async fn test_json_location_with_a_json_extractor_in_the_same_handler() {
    // Named in the attribute; the configuration says headers.
    let jwt = manager(config());
    let app = app(jwt.clone());
    let t = jwt.create_access_token("alice").unwrap();
    let ct = ("Content-Type", "application/json");
    let body = json!({ "access_token": t, "message": "hi" }).to_string();
    assert_eq!(
        send(&app, "POST", "/echo", &[ct], Some(&body)).await,
        (200, json!({"identity": "alice", "message": "hi"}))
    );
    assert_eq!(
        send(&app, "POST", "/echo", &[ct], Some(r#"{"message": "hi"}"#)).await,
        (401, msg("Missing \"access_token\" key in json data."))
    );
    // Only in the runtime configuration, after the headers.
    let jwt = manager(cfg(&[Location::Headers, Location::Json]));
    let app = self::app(jwt.clone());
    let t = jwt.create_access_token("alice").unwrap();
    let body = json!({ "access_token": t, "message": "hi" }).to_string();
    assert_eq!(
        send(&app, "POST", "/echo-config", &[ct], Some(&body)).await,
        (200, json!({"identity": "alice", "message": "hi"}))
    );
    // The header still wins when present; the body then only feeds the extractor.
    let body2 = json!({ "message": "from header" }).to_string();
    assert_eq!(
        send(
            &app,
            "POST",
            "/echo-config",
            &[ct, ("Authorization", &bearer(&t))],
            Some(&body2)
        )
        .await,
        (200, json!({"identity": "alice", "message": "from header"}))
    );
    assert_eq!(
        send(&app, "POST", "/echo-config", &[ct], Some(&body2)).await,
        (401, msg("Missing JWT in headers or json (Missing Authorization Header; Missing \"access_token\" key in json data.)"))
    );
}

// ---- several locations -----------------------------------------------------------------------

#[tokio::test]
async fn test_combined_missing_messages() {
    use Location::*;
    let cases: [(&[Location], &str); 5] = [
        (&[Headers, Cookies], "Missing JWT in headers or cookies (Missing Authorization Header; Missing cookie \"access_token_cookie\")"),
        (&[Cookies, Headers], "Missing JWT in cookies or headers (Missing cookie \"access_token_cookie\"; Missing Authorization Header)"),
        (&[Json, QueryString], "Missing JWT in json or query_string (Invalid content-type. Must be application/json.; Missing 'jwt' query paramater)"),
        (&[Headers, Cookies, QueryString], "Missing JWT in headers, cookies or query_string (Missing Authorization Header; Missing cookie \"access_token_cookie\"; Missing 'jwt' query paramater)"),
        (&[Headers, Cookies, QueryString, Json], "Missing JWT in headers, cookies, query_string or json (Missing Authorization Header; Missing cookie \"access_token_cookie\"; Missing 'jwt' query paramater; Invalid content-type. Must be application/json.)"),
    ];
    for (locations, expected) in cases {
        let app = app(manager(cfg(locations)));
        assert_eq!(
            send(&app, "GET", "/p", &[], None).await,
            (401, msg(expected)),
            "{locations:?}"
        );
    }
    // The per-route override.
    let app = app(manager(config()));
    assert_eq!(
        send(&app, "GET", "/qh", &[], None).await,
        (401, msg("Missing JWT in query_string or headers (Missing 'jwt' query paramater; Missing Authorization Header)"))
    );
}

#[tokio::test]
async fn test_every_location_and_precedence() {
    use Location::*;
    let jwt = manager(cfg(&[Headers, Cookies, QueryString, Json]));
    let app = app(jwt.clone());
    let t = jwt.create_access_token("alice").unwrap();
    let csrf = jwt.get_csrf_token(&t).unwrap();
    let cookie = format!("access_token_cookie={t}");
    let loc = |l: &str| json!({"identity": "alice", "location": l});
    assert_eq!(
        send(&app, "GET", "/p", &[("Authorization", &bearer(&t))], None).await,
        (200, loc("headers"))
    );
    assert_eq!(
        send(
            &app,
            "POST",
            "/p",
            &[("Cookie", &cookie), ("X-CSRF-TOKEN", &csrf)],
            None
        )
        .await,
        (200, loc("cookies"))
    );
    assert_eq!(
        send(&app, "GET", &format!("/p?jwt={t}"), &[], None).await,
        (200, loc("query_string"))
    );
    let body = json!({ "access_token": t }).to_string();
    assert_eq!(
        send(
            &app,
            "POST",
            "/p",
            &[("Content-Type", "application/json")],
            Some(&body)
        )
        .await,
        (200, loc("json"))
    );

    // An invalid token in the first location is not skipped...
    let bad = "Bearer aaaaa.bbbbb.ccccc";
    let hc = self::app(manager(cfg(&[Headers, Cookies])));
    assert_eq!(
        send(
            &hc,
            "GET",
            "/p",
            &[("Authorization", bad), ("Cookie", &cookie)],
            None
        )
        .await,
        (422, msg("Invalid header padding"))
    );
    // ...but the order decides which location comes first.
    let ch = self::app(manager(cfg(&[Cookies, Headers])));
    assert_eq!(
        send(
            &ch,
            "GET",
            "/p",
            &[("Authorization", bad), ("Cookie", &cookie)],
            None
        )
        .await,
        (200, loc("cookies"))
    );
    // A CSRF failure is final too: with cookies first, a valid header does not rescue it.
    assert_eq!(
        send(
            &ch,
            "POST",
            "/p",
            &[("Authorization", &bearer(&t)), ("Cookie", &cookie)],
            None
        )
        .await,
        (401, msg("Missing CSRF token"))
    );
    let hc2 = self::app(manager(cfg(&[Headers, Cookies])));
    assert_eq!(
        send(
            &hc2,
            "POST",
            "/p",
            &[("Authorization", &bearer(&t)), ("Cookie", &cookie)],
            None
        )
        .await,
        (200, loc("headers"))
    );
    // "Not found" includes a header of another scheme.
    let app = self::app(manager(config()));
    assert_eq!(
        send(
            &app,
            "GET",
            &format!("/qh?jwt={t}"),
            &[("Authorization", "Basic x")],
            None
        )
        .await,
        (200, loc("query_string"))
    );
    // `Bearer` with no token is a format error, and it aborts.
    let hq = self::app(manager(cfg(&[Headers, QueryString])));
    assert_eq!(
        send(
            &hq,
            "GET",
            &format!("/p?jwt={t}"),
            &[("Authorization", "Bearer")],
            None
        )
        .await,
        (
            422,
            msg("Bad Authorization header. Expected 'Authorization: Bearer <JWT>'")
        )
    );
    // A fresh token works from any location alike.
    let fresh = jwt
        .create_access_token_with("alice", TokenOptions::new().fresh(true))
        .unwrap();
    assert_eq!(
        send(&app, "GET", &format!("/qh?jwt={fresh}"), &[], None)
            .await
            .0,
        200
    );
}
