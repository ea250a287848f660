//! Port of flask-jwt-extended's `tests/test_json.py` and `tests/test_query_string.py`
//!, through a real `Router`, plus the query-string and JSON rows of the
//! error matrix observed in flask-jwt-extended 4.7.1. Each upstream test keeps its name.
//!
//! Beyond upstream: the JSON location in a handler that also extracts `Json<T>` (like the
//! demo's `POST /echo`), named in the attribute or only in `JwtConfig::token_location`; bodies
//! that are not JSON objects (401, never a 500); `json_body_limit` (413); GET with a body;
//! Werkzeug's `is_json` media types (observed with Flask 3.1.3).

use crate::common;

use axum::routing::{any, post};
use axum::{Json, Router};
use axum_jwt_extended::{
    get_jwt_identity, get_jwt_request_location, jwt_required, unauthorized_loader, JwtManager,
    Location, NoJwtContext,
};
use serde::Deserialize;
use serde_json::{json, Value};

use common::{bearer, builder, cfg, config, manager, msg, request, status_json};

#[jwt_required]
async fn protected() -> Json<Value> {
    Json(json!({"foo": "bar"}))
}

#[jwt_required(refresh)]
async fn refresh_protected() -> Json<Value> {
    Json(json!({"foo": "bar"}))
}

#[jwt_required]
async fn whoami() -> Result<Json<Value>, NoJwtContext> {
    Ok(Json(json!({
        "identity": get_jwt_identity()?,
        "location": get_jwt_request_location(),
    })))
}

#[jwt_required(optional)]
async fn optional() -> Result<Json<Value>, NoJwtContext> {
    Ok(Json(json!({
        "identity": get_jwt_identity()?,
        "location": get_jwt_request_location(),
    })))
}

#[derive(Deserialize)]
struct Echo {
    message: String,
}

/// The demo's `POST /echo`: the JSON location named in the attribute, and `Json<T>` too.
#[jwt_required(locations = "json")]
async fn echo_json(Json(echo): Json<Echo>) -> Result<Json<Value>, NoJwtContext> {
    Ok(Json(json!({
        "identity": get_jwt_identity()?,
        "location": get_jwt_request_location(),
        "message": echo.message,
    })))
}

/// The same with the locations of the configuration (`json` only there).
#[jwt_required]
async fn echo_config(Json(echo): Json<Echo>) -> Result<Json<Value>, NoJwtContext> {
    Ok(Json(json!({
        "identity": get_jwt_identity()?,
        "location": get_jwt_request_location(),
        "message": echo.message,
    })))
}

/// The same with a refresh token.
#[jwt_required(refresh, locations = "json")]
async fn echo_refresh(Json(echo): Json<Echo>) -> Result<Json<Value>, NoJwtContext> {
    Ok(Json(json!({
        "identity": get_jwt_identity()?,
        "message": echo.message,
    })))
}

fn app(jwt: JwtManager) -> Router {
    Router::new()
        .route("/protected", any(protected))
        .route("/refresh", any(refresh_protected))
        .route("/whoami", any(whoami))
        .route("/optional", any(optional))
        .route("/echo", post(echo_json))
        .route("/echo-config", any(echo_config))
        .route("/echo-refresh", post(echo_refresh))
        .with_state(jwt)
}

fn foo_bar() -> (u16, Value) {
    (200, json!({"foo": "bar"}))
}

async fn get(app: &Router, uri: &str) -> (u16, Value) {
    status_json(&request(app, "GET", uri, &[], None).await)
}

async fn post_json(app: &Router, uri: &str, content_type: &str, body: &str) -> (u16, Value) {
    status_json(
        &request(
            app,
            "POST",
            uri,
            &[("Content-Type", content_type)],
            Some(body),
        )
        .await,
    )
}

const JSON: &str = "application/json";

#[unauthorized_loader]
fn custom_unauthorized(_reason: &str) -> (axum::http::StatusCode, Json<Value>) {
    (axum::http::StatusCode::CREATED, Json(json!({"foo": "bar"})))
}

// ---- test_query_string.py -------------------------------------------------------------------

#[tokio::test]
async fn test_default_query_paramater() {
    let jwt = manager(cfg(&[Location::QueryString]));
    let app = app(jwt.clone());
    let token = jwt.create_access_token("username").unwrap();
    assert_eq!(
        get(&app, &format!("/protected?jwt={token}")).await,
        foo_bar()
    );
    assert_eq!(
        get(&app, &format!("/whoami?jwt={token}")).await,
        (
            200,
            json!({"identity": "username", "location": "query_string"})
        )
    );
    // Among other parameters; the first `jwt` wins (Werkzeug's `args.get`).
    assert_eq!(
        get(&app, &format!("/protected?a=1&jwt={token}&jwt=bad")).await,
        foo_bar()
    );
    assert_eq!(
        get(&app, &format!("/protected?jwt=bad&jwt={token}")).await,
        (422, msg("Not enough segments"))
    );
    // Percent-encoded characters are decoded.
    let encoded = token.replace('.', "%2E");
    assert_eq!(
        get(&app, &format!("/protected?jwt={encoded}")).await,
        foo_bar()
    );
}

#[tokio::test]
async fn test_query_string_value_prefix() {
    let jwt = manager({
        let mut c = cfg(&[Location::QueryString]);
        c.query_string_value_prefix = "bearer ".into();
        c
    });
    let app = app(jwt.clone());
    let token = jwt.create_access_token("username").unwrap();

    // A valid prefix (a space is `%20` or `+` in a query string).
    assert_eq!(
        get(&app, &format!("/protected?jwt=bearer%20{token}")).await,
        foo_bar()
    );
    assert_eq!(
        get(&app, &format!("/protected?jwt=bearer+{token}")).await,
        foo_bar()
    );
    // An invalid prefix.
    let error =
        "Invalid value for query parameter 'jwt'. Expected the value to start with 'bearer '";
    assert_eq!(
        get(&app, &format!("/protected?jwt={token}")).await,
        (422, msg(error))
    );
    // The prefix is matched case-sensitively.
    assert_eq!(
        get(&app, &format!("/protected?jwt=Bearer%20{token}")).await,
        (422, msg(error))
    );
    // The prefix alone leaves an empty token, which does not decode (Flask: PyJWT's message).
    assert_eq!(
        get(&app, "/protected?jwt=bearer%20").await,
        (422, msg("Not enough segments"))
    );
    // Without any value, the parameter is missing.
    assert_eq!(
        get(&app, "/protected?jwt=").await,
        (401, msg("Missing 'jwt' query paramater"))
    );

    // As observed in Flask: the message names the configured parameter.
    let jwt = manager({
        let mut c = cfg(&[Location::QueryString]);
        c.query_string_name = "token".into();
        c.query_string_value_prefix = "Bearer ".into();
        c
    });
    let app = self::app(jwt.clone());
    let token = jwt.create_access_token("username").unwrap();
    assert_eq!(
        get(&app, &format!("/protected?token={token}")).await,
        (
            422,
            msg("Invalid value for query parameter 'token'. Expected the value to start with 'Bearer '")
        )
    );
    assert_eq!(
        get(&app, &format!("/protected?token=Bearer%20{token}")).await,
        foo_bar()
    );
    // Only the prefix is stripped, once.
    assert_eq!(
        get(&app, &format!("/protected?token=Bearer%20Bearer%20{token}")).await,
        (422, msg("Invalid header padding"))
    );
}

#[tokio::test]
async fn test_custom_query_paramater() {
    let jwt = manager({
        let mut c = cfg(&[Location::QueryString]);
        c.query_string_name = "foo".into();
        c
    });
    let app = app(jwt.clone());
    let token = jwt.create_access_token("username").unwrap();
    // The default name no longer works.
    assert_eq!(
        get(&app, &format!("/protected?jwt={token}")).await,
        (401, msg("Missing 'foo' query paramater"))
    );
    // The new one does.
    assert_eq!(
        get(&app, &format!("/protected?foo={token}")).await,
        foo_bar()
    );
}

#[tokio::test]
async fn test_missing_query_paramater() {
    let jwt = manager(cfg(&[Location::QueryString]));
    let app = app(jwt.clone());
    let token = jwt.create_access_token("username").unwrap();
    let missing = (401, msg("Missing 'jwt' query paramater"));
    assert_eq!(get(&app, "/protected").await, missing);
    assert_eq!(get(&app, "/protected?other=1").await, missing);
    assert_eq!(get(&app, "/protected?jwt").await, missing);
    // Headers are not looked at when only the query string is configured.
    let r = request(
        &app,
        "GET",
        "/protected",
        &[("Authorization", &bearer(&token))],
        None,
    )
    .await;
    assert_eq!(status_json(&r), missing);

    // A custom unauthorized_loader.
    let (b, _) = builder(cfg(&[Location::QueryString]));
    let custom = self::app(b.unauthorized_loader(custom_unauthorized).build().unwrap());
    assert_eq!(
        get(&custom, "/protected").await,
        (201, json!({"foo": "bar"}))
    );
}

// ---- test_json.py ---------------------------------------------------------------------------

#[tokio::test]
async fn test_content_type() {
    let jwt = manager(cfg(&[Location::Json]));
    let app = app(jwt.clone());
    let access = jwt.create_access_token("username").unwrap();
    let refresh = jwt.create_refresh_token("username").unwrap();
    let expected = (401, msg("Invalid content-type. Must be application/json."));
    // Form data (Flask's `data=`).
    let form = "application/x-www-form-urlencoded";
    assert_eq!(
        post_json(&app, "/protected", form, &format!("access_token={access}")).await,
        expected
    );
    assert_eq!(
        post_json(&app, "/refresh", form, &format!("refresh_token={refresh}")).await,
        expected
    );
    // A JSON body without a content type, or with another one.
    let body = json!({ "access_token": access }).to_string();
    let r = request(&app, "POST", "/protected", &[], Some(&body)).await;
    assert_eq!(status_json(&r), expected);
    for ct in [
        "text/json",
        "text/plain",
        "application/jsonx",
        "application/xml+jsonx",
    ] {
        assert_eq!(
            post_json(&app, "/protected", ct, &body).await,
            expected,
            "{ct}"
        );
    }
    // What Werkzeug's `is_json` accepts: application/json and application/*+json, in any
    // case, with parameters, with spaces around.
    for ct in [
        "application/json",
        "APPLICATION/JSON",
        "Application/Json; charset=utf-8",
        " application/json ;charset=UTF-8",
        "application/vnd.api+json",
        "application/merge-patch+json",
    ] {
        assert_eq!(
            post_json(&app, "/protected", ct, &body).await,
            foo_bar(),
            "{ct}"
        );
    }
}

#[tokio::test]
async fn test_custom_body_key() {
    let jwt = manager({
        let mut c = cfg(&[Location::Json]);
        c.json_key = "Foo".into();
        c.refresh_json_key = "Bar".into();
        c
    });
    let app = app(jwt.clone());
    let access = jwt.create_access_token("username").unwrap();
    let refresh = jwt.create_refresh_token("username").unwrap();

    // The default keys no longer work.
    assert_eq!(
        post_json(
            &app,
            "/protected",
            JSON,
            &json!({ "access_token": access }).to_string()
        )
        .await,
        (401, msg("Missing \"Foo\" key in json data."))
    );
    assert_eq!(
        post_json(
            &app,
            "/refresh",
            JSON,
            &json!({ "refresh_token": refresh }).to_string()
        )
        .await,
        (401, msg("Missing \"Bar\" key in json data."))
    );
    // The new ones do.
    assert_eq!(
        post_json(
            &app,
            "/protected",
            JSON,
            &json!({ "Foo": access }).to_string()
        )
        .await,
        foo_bar()
    );
    assert_eq!(
        post_json(
            &app,
            "/refresh",
            JSON,
            &json!({ "Bar": refresh }).to_string()
        )
        .await,
        foo_bar()
    );
    // Keys are case-sensitive.
    assert_eq!(
        post_json(
            &app,
            "/protected",
            JSON,
            &json!({ "foo": access }).to_string()
        )
        .await,
        (401, msg("Missing \"Foo\" key in json data."))
    );
}

#[tokio::test]
async fn test_missing_keys() {
    let app = app(manager(cfg(&[Location::Json])));
    let r = request(&app, "POST", "/protected", &[("Content-Type", JSON)], None).await;
    assert_eq!(
        status_json(&r),
        (401, msg("Missing \"access_token\" key in json data."))
    );
    let r = request(&app, "POST", "/refresh", &[("Content-Type", JSON)], None).await;
    assert_eq!(
        status_json(&r),
        (401, msg("Missing \"refresh_token\" key in json data."))
    );

    // A custom unauthorized_loader.
    let (b, _) = builder(cfg(&[Location::Json]));
    let custom = self::app(b.unauthorized_loader(custom_unauthorized).build().unwrap());
    let r = request(
        &custom,
        "POST",
        "/protected",
        &[("Content-Type", JSON)],
        None,
    )
    .await;
    assert_eq!(status_json(&r), (201, json!({"foo": "bar"})));
}

#[tokio::test]
async fn test_defaults() {
    let jwt = manager(cfg(&[Location::Json]));
    let app = app(jwt.clone());
    let access = jwt.create_access_token("username").unwrap();
    let refresh = jwt.create_refresh_token("username").unwrap();
    assert_eq!(
        post_json(
            &app,
            "/protected",
            JSON,
            &json!({ "access_token": access }).to_string()
        )
        .await,
        foo_bar()
    );
    assert_eq!(
        post_json(
            &app,
            "/refresh",
            JSON,
            &json!({ "refresh_token": refresh }).to_string()
        )
        .await,
        foo_bar()
    );
    assert_eq!(
        post_json(
            &app,
            "/whoami",
            JSON,
            &json!({ "access_token": access }).to_string()
        )
        .await,
        (200, json!({"identity": "username", "location": "json"}))
    );
    // The refresh key is read on refresh routes only, and the type is still checked.
    assert_eq!(
        post_json(
            &app,
            "/refresh",
            JSON,
            &json!({ "access_token": refresh }).to_string()
        )
        .await,
        (401, msg("Missing \"refresh_token\" key in json data."))
    );
    assert_eq!(
        post_json(
            &app,
            "/refresh",
            JSON,
            &json!({ "refresh_token": access }).to_string()
        )
        .await,
        (422, msg("Only refresh tokens are allowed"))
    );
    assert_eq!(
        post_json(
            &app,
            "/protected",
            JSON,
            &json!({ "access_token": refresh }).to_string()
        )
        .await,
        (422, msg("Only non-refresh tokens are allowed"))
    );
    // A present but invalid token is not "missing".
    assert_eq!(
        post_json(&app, "/protected", JSON, r#"{"access_token": "a.b"}"#).await,
        (422, msg("Not enough segments"))
    );
}

#[tokio::test]
async fn test_custom_content_type() {
    let jwt = manager(cfg(&[Location::Json]));
    let app = app(jwt.clone());
    let access = jwt.create_access_token("username").unwrap();
    let refresh = jwt.create_refresh_token("username").unwrap();
    let ct = "application/json;charset=UTF-8";
    assert_eq!(
        post_json(
            &app,
            "/protected",
            ct,
            &json!({ "access_token": access }).to_string()
        )
        .await,
        foo_bar()
    );
    assert_eq!(
        post_json(
            &app,
            "/refresh",
            ct,
            &json!({ "refresh_token": refresh }).to_string()
        )
        .await,
        foo_bar()
    );
}

// ---- the JSON rows of the observed error matrix, and ours ----------------------------------------------------------

#[tokio::test]
async fn test_json_bodies_without_a_token_are_missing() {
    let jwt = manager(cfg(&[Location::Json]));
    let app = app(jwt.clone());
    let missing = (401, msg("Missing \"access_token\" key in json data."));
    // Flask (observed): `{}`, invalid JSON, a missing key, `null`, `[]`, an empty value → 401.
    for body in [
        "{}",
        "not json",
        "{\"access_token\": ",
        "",
        "null",
        "[]",
        r#"{"other": "x"}"#,
        r#"{"access_token": ""}"#,
        r#"{"access_token": null}"#,
        r#"{"nested": {"access_token": "x"}}"#,
    ] {
        assert_eq!(
            post_json(&app, "/protected", JSON, body).await,
            missing,
            "{body:?}"
        );
    }
    // Deliberate difference (README): Flask answers 500 for a non-empty array, a string or a
    // number (AttributeError); here it is "missing" as well.
    for body in [
        "[1, 2]",
        r#"[{"access_token": "x"}]"#,
        "\"a string\"",
        "5",
        "true",
    ] {
        assert_eq!(
            post_json(&app, "/protected", JSON, body).await,
            missing,
            "{body:?}"
        );
    }
    // Flask passes a non-string value to PyJWT (422 "Invalid token type. Token must be a
    // <class 'bytes'>"); here a token must be a string, so it is "missing".
    for body in [
        r#"{"access_token": 5}"#,
        r#"{"access_token": ["x"]}"#,
        r#"{"access_token": true}"#,
    ] {
        assert_eq!(
            post_json(&app, "/protected", JSON, body).await,
            missing,
            "{body:?}"
        );
    }
    // Invalid UTF-8 is not JSON.
    let r = common::send(
        &app,
        axum::http::Request::builder()
            .method("POST")
            .uri("/protected")
            .header("Content-Type", JSON)
            .body(axum::body::Body::from(vec![b'{', 0xff, b'}']))
            .unwrap(),
    )
    .await;
    assert_eq!(status_json(&r), missing);
}

#[tokio::test]
async fn test_json_body_limit() {
    let jwt = manager({
        let mut c = cfg(&[Location::Headers, Location::Json]);
        c.json_body_limit = 1024;
        c
    });
    let app = app(jwt.clone());
    let access = jwt.create_access_token("username").unwrap();
    let big = json!({ "access_token": access, "message": "x".repeat(2048) }).to_string();
    assert_eq!(
        post_json(&app, "/protected", JSON, &big).await,
        (413, msg("Request body is larger than 1024 bytes"))
    );
    assert_eq!(
        post_json(&app, "/echo-config", JSON, &big).await,
        (413, msg("Request body is larger than 1024 bytes"))
    );
    // Just under the limit.
    let pad = 1024
        - json!({ "access_token": access, "message": "" })
            .to_string()
            .len();
    let fits = json!({ "access_token": access, "message": "x".repeat(pad) }).to_string();
    assert_eq!(fits.len(), 1024);
    assert_eq!(post_json(&app, "/protected", JSON, &fits).await, foo_bar());
    // The body is only read when the token may be in it: with the token in the header, a
    // large body goes to the handler's own extractor (axum's limit, 2 MiB) unread.
    let r = request(
        &app,
        "POST",
        "/echo-config",
        &[("Content-Type", JSON), ("Authorization", &bearer(&access))],
        Some(&big),
    )
    .await;
    assert_eq!(r.status.as_u16(), 200);
    assert_eq!(r.json()["message"].as_str().map(str::len), Some(2048));
    assert_eq!(r.json()["location"], "headers");
    // Nor when the content type says it is not JSON.
    let r = request(
        &app,
        "POST",
        "/protected",
        &[("Content-Type", "text/plain")],
        Some(&big),
    )
    .await;
    assert_eq!(
        status_json(&r),
        (401, msg("Missing JWT in headers or json (Missing Authorization Header; Invalid content-type. Must be application/json.)"))
    );
}

#[tokio::test]
async fn test_json_location_on_get_with_a_body() {
    let jwt = manager(cfg(&[Location::Json]));
    let app = app(jwt.clone());
    let access = jwt.create_access_token("username").unwrap();
    let body = json!({ "access_token": access }).to_string();
    for method in ["GET", "DELETE", "PUT", "PATCH"] {
        let r = request(
            &app,
            method,
            "/whoami",
            &[("Content-Type", JSON)],
            Some(&body),
        )
        .await;
        assert_eq!(
            status_json(&r),
            (200, json!({"identity": "username", "location": "json"})),
            "{method}"
        );
    }
    // A GET without a body.
    let r = request(&app, "GET", "/whoami", &[("Content-Type", JSON)], None).await;
    assert_eq!(
        status_json(&r),
        (401, msg("Missing \"access_token\" key in json data."))
    );
    let r = request(&app, "GET", "/whoami", &[], None).await;
    assert_eq!(
        status_json(&r),
        (401, msg("Invalid content-type. Must be application/json."))
    );
    // Optional routes: no token is anonymous, a bad one is not.
    let r = request(
        &app,
        "GET",
        "/optional",
        &[("Content-Type", JSON)],
        Some("{}"),
    )
    .await;
    assert_eq!(
        status_json(&r),
        (200, json!({"identity": null, "location": null}))
    );
    let r = request(
        &app,
        "GET",
        "/optional",
        &[("Content-Type", JSON)],
        Some(r#"{"access_token": "x"}"#),
    )
    .await;
    assert_eq!(status_json(&r), (422, msg("Not enough segments")));
}

#[tokio::test]
async fn test_json_location_with_a_json_extractor() {
    // Named in the attribute, while the configuration says headers only.
    let jwt = manager(config());
    let app = app(jwt.clone());
    let access = jwt.create_access_token("username").unwrap();
    let refresh = jwt.create_refresh_token("username").unwrap();
    let body = json!({ "access_token": access, "message": "hi" }).to_string();
    assert_eq!(
        post_json(&app, "/echo", JSON, &body).await,
        (
            200,
            json!({"identity": "username", "location": "json", "message": "hi"})
        )
    );
    assert_eq!(
        post_json(&app, "/echo", JSON, r#"{"message": "hi"}"#).await,
        (401, msg("Missing \"access_token\" key in json data."))
    );
    // The header is not one of the route's locations.
    let r = request(
        &app,
        "POST",
        "/echo",
        &[("Content-Type", JSON), ("Authorization", &bearer(&access))],
        Some(r#"{"message": "hi"}"#),
    )
    .await;
    assert_eq!(
        status_json(&r),
        (401, msg("Missing \"access_token\" key in json data."))
    );
    // The extractor sees the same bytes: its own rejection comes after a valid token.
    let r = request(
        &app,
        "POST",
        "/echo",
        &[("Content-Type", JSON)],
        Some(&json!({ "access_token": access }).to_string()),
    )
    .await;
    assert_eq!(r.status.as_u16(), 422);
    assert!(r.text.contains("missing field `message`"), "{}", r.text);
    // A refresh route reads the refresh key.
    assert_eq!(
        post_json(
            &app,
            "/echo-refresh",
            JSON,
            &json!({ "refresh_token": refresh, "message": "again" }).to_string()
        )
        .await,
        (200, json!({"identity": "username", "message": "again"}))
    );

    // Only in the configuration (after the headers).
    let jwt = manager(cfg(&[Location::Headers, Location::Json]));
    let app = self::app(jwt.clone());
    let access = jwt.create_access_token("username").unwrap();
    let body = json!({ "access_token": access, "message": "hi" }).to_string();
    assert_eq!(
        post_json(&app, "/echo-config", JSON, &body).await,
        (
            200,
            json!({"identity": "username", "location": "json", "message": "hi"})
        )
    );
    // With a header token the body only feeds the extractor.
    let r = request(
        &app,
        "POST",
        "/echo-config",
        &[("Content-Type", JSON), ("Authorization", &bearer(&access))],
        Some(r#"{"message": "from header"}"#),
    )
    .await;
    assert_eq!(
        status_json(&r),
        (
            200,
            json!({"identity": "username", "location": "headers", "message": "from header"})
        )
    );
    assert_eq!(
        post_json(&app, "/echo-config", JSON, r#"{"message": "hi"}"#).await,
        (401, msg("Missing JWT in headers or json (Missing Authorization Header; Missing \"access_token\" key in json data.)"))
    );
    // Only JSON in the configuration.
    let jwt = manager(cfg(&[Location::Json]));
    let app = self::app(jwt.clone());
    let access = jwt.create_access_token("username").unwrap();
    let body = json!({ "access_token": access, "message": "only json" }).to_string();
    assert_eq!(
        post_json(&app, "/echo-config", JSON, &body).await,
        (
            200,
            json!({"identity": "username", "location": "json", "message": "only json"})
        )
    );
}
