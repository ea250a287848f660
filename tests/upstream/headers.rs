//! Port of flask-jwt-extended's `tests/test_headers.py`, plus every header row of the
//! error matrix observed in flask-jwt-extended 4.7.1, through a real `Router`.
//!
//! Deliberate difference: the scheme is matched case-insensitively (RFC 7235 §2.1), so
//! `bearer <jwt>` is accepted where Flask answers 401.

use crate::common;

use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use axum_jwt_extended::{get_jwt_identity, jwt_required, JwtConfig, JwtManager, NoJwtContext};
use serde_json::{json, Value};

use common::{builder, config, get as get_req, manager, Reply};

#[jwt_required]
async fn protected() -> Result<Json<Value>, NoJwtContext> {
    Ok(Json(
        json!({ "foo": "bar", "identity": get_jwt_identity()? }),
    ))
}

fn app_with(jwt: JwtManager) -> Router {
    Router::new()
        .route("/protected", get(protected))
        .with_state(jwt)
}

fn app(config: JwtConfig) -> (Router, String) {
    let jwt = manager(config);
    let token = jwt.create_access_token("username").unwrap();
    (app_with(jwt), token)
}

async fn call(app: &Router, headers: &[(&str, &str)]) -> Reply {
    get_req(app, "/protected", headers).await
}

fn ok_body() -> Value {
    json!({"foo": "bar", "identity": "username"})
}

const MISSING_BEARER: &str =
    "Missing 'Bearer' type in 'Authorization' header. Expected 'Authorization: Bearer <JWT>'";
const BAD_BEARER: &str = "Bad Authorization header. Expected 'Authorization: Bearer <JWT>'";

async fn assert_reply(app: &Router, value: &str, status: u16, body: Value) {
    let r = call(app, &[("Authorization", value)]).await;
    assert_eq!(r.status, status, "Authorization: {value:?} -> {}", r.text);
    assert_eq!(r.json(), body, "Authorization: {value:?}");
}

// ---- test_headers.py ---------------------------------------------------------------------

#[tokio::test]
async fn test_default_headers() {
    let (app, token) = app(config());
    // Other authorization types don't work.
    assert_reply(
        &app,
        "Basic basiccreds",
        401,
        json!({"msg": MISSING_BEARER}),
    )
    .await;
    // The default header works.
    assert_reply(&app, &format!("Bearer {token}"), 200, ok_body()).await;
    // With several field values.
    assert_reply(
        &app,
        &format!("Bearer {token}, Basic creds"),
        200,
        ok_body(),
    )
    .await;
    // In any position.
    assert_reply(
        &app,
        &format!("Basic creds, Bearer {token}"),
        200,
        ok_body(),
    )
    .await;
}

#[tokio::test]
async fn test_header_with_trailing_spaces_and_commas() {
    let (app, token) = app(config());
    assert_reply(&app, &format!("Bearer {token},   "), 200, ok_body()).await;
    assert_reply(&app, &format!("  Bearer {token} ,"), 200, ok_body()).await;
}

#[tokio::test]
async fn test_custom_header_name() {
    let (app, token) = app({
        let mut c = config();
        c.header_name = "Foo".into();
        c
    });
    // The default header no longer works.
    let r = call(&app, &[("Authorization", &format!("Bearer {token}"))]).await;
    assert_eq!(r.status, 401);
    assert_eq!(r.json(), json!({"msg": "Missing Foo Header"}));
    // The new one does.
    for value in [
        format!("Bearer {token}"),
        format!("Bearer {token}, Basic randomcredshere"),
        format!("Basic randomcredshere, Bearer {token}"),
    ] {
        let r = call(&app, &[("Foo", &value)]).await;
        assert_eq!(r.status, 200, "{value}: {}", r.text);
        assert_eq!(r.json(), ok_body());
    }
    // Its error messages name it.
    let r = call(&app, &[("Foo", "Basic x")]).await;
    assert_eq!(r.status, 401);
    assert_eq!(
        r.json(),
        json!({"msg": "Missing 'Bearer' type in 'Foo' header. Expected 'Foo: Bearer <JWT>'"})
    );
    let r = call(&app, &[("Foo", "Bearer")]).await;
    assert_eq!(r.status, 422);
    assert_eq!(
        r.json(),
        json!({"msg": "Bad Foo header. Expected 'Foo: Bearer <JWT>'"})
    );
}

#[tokio::test]
async fn test_custom_header_type() {
    let (app, token) = app({
        let mut c = config();
        c.header_type = "JWT".into();
        c
    });
    // The default type no longer works.
    assert_reply(
        &app,
        &format!("Bearer {token}"),
        401,
        json!({"msg": "Missing 'JWT' type in 'Authorization' header. Expected 'Authorization: JWT <JWT>'"}),
    )
    .await;
    // The new one does, in any position.
    assert_reply(&app, &format!("JWT {token}"), 200, ok_body()).await;
    assert_reply(&app, &format!("JWT {token}, Basic creds"), 200, ok_body()).await;
    assert_reply(&app, &format!("Basic creds, JWT {token}"), 200, ok_body()).await;
    // A bad value names the custom type.
    assert_reply(
        &app,
        "JWT",
        422,
        json!({"msg": "Bad Authorization header. Expected 'Authorization: JWT <JWT>'"}),
    )
    .await;
}

#[tokio::test]
async fn test_custom_header_type_empty() {
    let (app, token) = app({
        let mut c = config();
        c.header_type = String::new();
        c
    });
    // The header holds only the token.
    assert_reply(&app, &token, 200, ok_body()).await;
    // A header with too many parts fails.
    assert_reply(
        &app,
        &format!("Bearer {token}"),
        422,
        json!({"msg": "Bad Authorization header. Expected 'Authorization: <JWT>'"}),
    )
    .await;
}

#[tokio::test]
async fn test_missing_headers() {
    let (app, _) = app(config());
    let r = call(&app, &[]).await;
    assert_eq!(r.status, 401);
    assert_eq!(r.json(), json!({"msg": "Missing Authorization Header"}));

    // A custom unauthorized response.
    let jwt = builder(config())
        .0
        .unauthorized_loader(|_reason: &str| (StatusCode::CREATED, Json(json!({"foo": "bar"}))))
        .build()
        .unwrap();
    let app = app_with(jwt);
    let r = call(&app, &[]).await;
    assert_eq!(r.status, 201);
    assert_eq!(r.json(), json!({"foo": "bar"}));
}

#[tokio::test]
async fn test_header_without_jwt() {
    let (app, _) = app(config());
    assert_reply(&app, "Bearer ", 422, json!({"msg": BAD_BEARER})).await;
}

#[tokio::test]
async fn test_custom_error_msg_key() {
    let (app, _) = app({
        let mut c = config();
        c.error_message_key = "message".into();
        c
    });
    let r = call(&app, &[]).await;
    assert_eq!(r.status, 401);
    assert_eq!(r.json(), json!({"message": "Missing Authorization Header"}));
    // Every error uses the key, 422s too.
    let r = call(&app, &[("Authorization", "Bearer")]).await;
    assert_eq!(r.status, 422);
    assert_eq!(r.json(), json!({"message": BAD_BEARER}));
}

// ---- the observed error matrix, header rows -------------------------------------------------------------

#[tokio::test]
async fn matrix_missing_header_empty_value_or_only_separators() {
    let (app, _) = app(config());
    let missing = json!({"msg": "Missing Authorization Header"});
    let r = call(&app, &[]).await;
    assert_eq!((r.status.as_u16(), r.json()), (401, missing.clone()));
    for value in ["", " , ", ",", "   "] {
        assert_reply(&app, value, 401, missing.clone()).await;
    }
}

#[tokio::test]
async fn matrix_custom_header_name_missing() {
    let (app, _) = app({
        let mut c = config();
        c.header_name = "X-Api-Token".into();
        c
    });
    let r = call(&app, &[]).await;
    assert_eq!(r.status, 401);
    assert_eq!(r.json(), json!({"msg": "Missing X-Api-Token Header"}));
}

#[tokio::test]
async fn matrix_other_scheme_is_missing_bearer() {
    let (app, _) = app(config());
    assert_reply(&app, "Basic creds", 401, json!({"msg": MISSING_BEARER})).await;
    assert_reply(
        &app,
        "Foo 1, Bar 2, Baz, 3",
        401,
        json!({"msg": MISSING_BEARER}),
    )
    .await;
}

#[tokio::test]
async fn matrix_two_bearer_values_is_missing_bearer() {
    let (app, token) = app(config());
    assert_reply(
        &app,
        &format!("Bearer {token}, Bearer {token}"),
        401,
        json!({"msg": MISSING_BEARER}),
    )
    .await;
}

/// Deliberate difference: Flask answers 401 "Missing 'Bearer' type…" for `bearer <jwt>`; the
/// scheme is case-insensitive in RFC 7235 §2.1, so we accept it.
#[tokio::test]
async fn matrix_lowercase_bearer_is_accepted() {
    let (app, token) = app(config());
    assert_reply(&app, &format!("bearer {token}"), 200, ok_body()).await;
    assert_reply(&app, &format!("BEARER {token}"), 200, ok_body()).await;
    assert_reply(&app, &format!("Basic x, bearer {token}"), 200, ok_body()).await;
    // Two values differing only in case are still two Bearer values.
    assert_reply(
        &app,
        &format!("Bearer {token}, bearer {token}"),
        401,
        json!({"msg": MISSING_BEARER}),
    )
    .await;
}

#[tokio::test]
async fn matrix_bearer_without_a_single_token_is_422() {
    let (app, token) = app(config());
    for value in [
        "Bearer".to_owned(),
        "Bearer ".to_owned(),
        format!("Bearer {token} extra"),
        "Bearer ,,0".to_owned(),
        "Foo 1, Bearer, Baz, 3".to_owned(),
    ] {
        assert_reply(&app, &value, 422, json!({"msg": BAD_BEARER})).await;
    }
}

#[tokio::test]
async fn matrix_empty_header_type_with_bearer_is_422() {
    let (app, token) = app({
        let mut c = config();
        c.header_type = String::new();
        c
    });
    assert_reply(
        &app,
        &format!("Bearer {token}"),
        422,
        json!({"msg": "Bad Authorization header. Expected 'Authorization: <JWT>'"}),
    )
    .await;
}

#[tokio::test]
async fn matrix_custom_type_jwt_with_bearer_is_401() {
    let (app, token) = app({
        let mut c = config();
        c.header_type = "JWT".into();
        c
    });
    assert_reply(
        &app,
        &format!("Bearer {token}"),
        401,
        json!({"msg": "Missing 'JWT' type in 'Authorization' header. Expected 'Authorization: JWT <JWT>'"}),
    )
    .await;
}

#[tokio::test]
async fn matrix_comma_separated_in_any_position_and_trailing_comma() {
    let (app, token) = app(config());
    assert_reply(&app, &format!("Basic x, Bearer {token}"), 200, ok_body()).await;
    assert_reply(&app, &format!("Bearer {token},   "), 200, ok_body()).await;
    assert_reply(&app, &format!("Basic x,Bearer {token}"), 200, ok_body()).await;
}

#[tokio::test]
async fn matrix_custom_error_key_on_every_header_error() {
    let (app, _) = app({
        let mut c = config();
        c.error_message_key = "error".into();
        c
    });
    assert_reply(&app, "Basic creds", 401, json!({"error": MISSING_BEARER})).await;
    assert_reply(&app, "Bearer ,,0", 422, json!({"error": BAD_BEARER})).await;
    assert_reply(
        &app,
        "Bearer foobarbaz",
        422,
        json!({"error": "Not enough segments"}),
    )
    .await;
}

#[tokio::test]
async fn matrix_malformed_token_in_header_is_decoded_not_skipped() {
    let (app, _) = app(config());
    assert_reply(
        &app,
        "Foo 1, Bearer 2, Baz, 3",
        422,
        json!({"msg": "Not enough segments"}),
    )
    .await;
}

// ---- response format ---------------------------------------------------------

#[tokio::test]
async fn response_format_is_compact_json_without_www_authenticate() {
    let (app, _) = app(config());
    for (headers, status, text) in [
        (vec![], 401, r#"{"msg":"Missing Authorization Header"}"#),
        (
            vec![("Authorization", "Bearer x")],
            422,
            r#"{"msg":"Not enough segments"}"#,
        ),
    ] {
        let r = call(&app, &headers).await;
        assert_eq!(r.status, status);
        // Flask's body is the same JSON followed by a newline.
        assert_eq!(r.text, text);
        assert_eq!(
            r.headers.get("content-type").unwrap(),
            "application/json",
            "{text}"
        );
        assert!(r.headers.get("www-authenticate").is_none(), "{text}");
    }
}

#[tokio::test]
async fn head_request_gets_the_same_status_and_no_body() {
    let (app, token) = app(config());
    let r = common::request(&app, "HEAD", "/protected", &[], None).await;
    assert_eq!(r.status, 401);
    assert_eq!(r.text, "");
    let auth = format!("Bearer {token}");
    let r = common::request(
        &app,
        "HEAD",
        "/protected",
        &[("Authorization", &auth)],
        None,
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.text, "");
}
