//! Port of flask-jwt-extended's `tests/test_view_decorators.py` and
//! `tests/test_options_method.py`, plus the time-claim, claim and structural rows of the
//! error matrix observed in flask-jwt-extended 4.7.1, through a real `Router`. Tokens with hand-picked claims are
//! crafted here (base64url + HMAC) so every claim is under the test's control.

use crate::common;

use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{any, get};
use axum::{Json, Router};
use axum_jwt_extended::{
    get_jwt, get_jwt_header, get_jwt_identity, get_jwt_request_location, jwt_required, Algorithm,
    Audience, Claims, Fresh, Jwt, JwtConfig, JwtError, JwtHeader, JwtManager, Location,
    NoJwtContext, TokenOptions,
};
use serde_json::{json, Value};

use common::{
    bearer, builder, config, get as get_req, manager, request, Reply, LONG_SECRET, NOW, SECRET,
};

// ---- crafting tokens -----------------------------------------------------------------------

use common::craft;

// ---- handlers ------------------------------------------------------------------------------

#[jwt_required]
async fn protected() -> Result<Json<Value>, NoJwtContext> {
    Ok(Json(
        json!({ "foo": "bar", "identity": get_jwt_identity()? }),
    ))
}

#[jwt_required(fresh)]
async fn fresh_protected() -> Result<Json<Value>, NoJwtContext> {
    Ok(Json(
        json!({ "foo": "bar", "identity": get_jwt_identity()? }),
    ))
}

#[jwt_required(refresh)]
async fn refresh_protected() -> Result<Json<Value>, NoJwtContext> {
    Ok(Json(
        json!({ "foo": "bar", "identity": get_jwt_identity()? }),
    ))
}

#[jwt_required(optional)]
async fn optional_protected() -> Result<Json<Value>, NoJwtContext> {
    let identity = get_jwt_identity()?;
    Ok(Json(json!({
        "foo": if identity.is_some() { "baz" } else { "bar" },
        "identity": identity,
        "claims": get_jwt()?,
        "header": get_jwt_header()?,
        "location": get_jwt_request_location(),
    })))
}

#[jwt_required(verify_type = false)]
async fn no_typecheck_protected() -> Result<Json<Value>, NoJwtContext> {
    Ok(Json(
        json!({ "foo": "bar", "type": get_jwt()?.token_type() }),
    ))
}

#[jwt_required]
async fn claims() -> Result<Json<Value>, NoJwtContext> {
    Ok(Json(
        json!({ "claims": get_jwt()?, "header": get_jwt_header()? }),
    ))
}

#[jwt_required(locations = "headers")]
async fn protected_other() -> Result<Json<Value>, NoJwtContext> {
    Ok(Json(json!({ "foo": "bar" })))
}

#[jwt_required(locations = ["query_string", "headers"])]
async fn query_then_headers() -> Result<Json<Value>, NoJwtContext> {
    Ok(Json(
        json!({ "foo": "bar", "location": get_jwt_request_location() }),
    ))
}

/// `verify_jwt_in_request()` in a plain view: the `Jwt` extractor without the macro.
async fn custom(jwt: Jwt) -> Json<Value> {
    let ctx = jwt.context();
    Json(json!({
        "foo": "bar",
        "alg": ctx.header().alg(),
        "sub": ctx.claims().get_str("sub"),
    }))
}

/// An unprotected view that decodes a token itself (`decode_token` in a plain view).
async fn decode_view(
    State(jwt): State<JwtManager>,
    headers: HeaderMap,
) -> Result<Json<Value>, JwtError> {
    let token = headers
        .get("x-token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let claims = jwt.decode_token(token)?;
    Ok(Json(json!({ "msg": "baz", "sub": claims.get_str("sub") })))
}

/// Upstream's `/test` view: creates an expired token and decodes it.
async fn decode_expired_view(State(jwt): State<JwtManager>) -> Result<Json<Value>, JwtError> {
    let token = jwt.create_access_token_with(
        "username",
        TokenOptions::new().additional_claims(json!({ "exp": NOW - 60 })),
    )?;
    jwt.decode_token(&token)?;
    Ok(Json(json!({ "msg": "baz" })))
}

fn routes(jwt: JwtManager) -> Router {
    Router::new()
        .route("/protected", get(protected).post(protected))
        .route("/fresh_protected", get(fresh_protected))
        .route("/refresh_protected", get(refresh_protected))
        .route("/optional_protected", get(optional_protected))
        .route("/no_typecheck_protected", get(no_typecheck_protected))
        .route("/claims", get(claims))
        .route("/protected_other", get(protected_other))
        .route("/query_then_headers", get(query_then_headers))
        .route("/custom", get(custom))
        .route("/decode", get(decode_view))
        .route("/test", get(decode_expired_view))
        // Flask's JWTManager(app) renders errors raised in any view: the error layer.
        .layer(jwt.error_layer())
        .with_state(jwt)
}

fn app_for(config: JwtConfig) -> (Router, JwtManager) {
    let jwt = manager(config);
    (routes(jwt.clone()), jwt)
}

fn default_app() -> (Router, JwtManager) {
    app_for(config())
}

async fn with_token(app: &Router, uri: &str, token: &str) -> Reply {
    get_req(app, uri, &[("Authorization", &bearer(token))]).await
}

async fn with_auth(app: &Router, uri: &str, value: &str) -> Reply {
    get_req(app, uri, &[("Authorization", value)]).await
}

fn assert_msg(r: &Reply, status: u16, msg: &str) {
    assert_eq!(r.status, status, "{}", r.text);
    assert_eq!(r.json(), json!({ "msg": msg }));
}

fn bar() -> Value {
    json!({"foo": "bar", "identity": "username"})
}

struct Tokens {
    access: String,
    fresh_access: String,
    refresh: String,
}

fn tokens(jwt: &JwtManager) -> Tokens {
    Tokens {
        access: jwt.create_access_token("username").unwrap(),
        fresh_access: jwt
            .create_access_token_with("username", TokenOptions::new().fresh(true))
            .unwrap(),
        refresh: jwt.create_refresh_token("username").unwrap(),
    }
}

const BAD_BEARER: &str = "Bad Authorization header. Expected 'Authorization: Bearer <JWT>'";

// ---- test_view_decorators.py -----------------------------------------------------------------

#[tokio::test]
async fn test_jwt_required() {
    let (app, jwt) = default_app();
    let t = tokens(&jwt);
    for token in [&t.access, &t.fresh_access] {
        let r = with_token(&app, "/protected", token).await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(r.json(), bar());
    }
    assert_msg(
        &get_req(&app, "/protected", &[]).await,
        401,
        "Missing Authorization Header",
    );
    assert_msg(
        &with_token(&app, "/protected", &t.refresh).await,
        422,
        "Only non-refresh tokens are allowed",
    );
}

#[tokio::test]
async fn test_fresh_jwt_required() {
    let (app, jwt) = default_app();
    let t = tokens(&jwt);
    let fresh_timed = jwt
        .create_access_token_with(
            "username",
            TokenOptions::new().fresh(Duration::from_secs(5 * 60)),
        )
        .unwrap();
    // timedelta(minutes=-1): a freshness timestamp one minute ago.
    let stale_timed = jwt
        .create_access_token_with(
            "username",
            TokenOptions::new().fresh(Fresh::Until(NOW as f64 - 60.0)),
        )
        .unwrap();
    let url = "/fresh_protected";

    let r = with_token(&app, url, &t.fresh_access).await;
    assert_eq!((r.status.as_u16(), r.json()), (200, bar()));
    assert_msg(
        &with_token(&app, url, &t.access).await,
        401,
        "Fresh token required",
    );
    let r = with_token(&app, url, &fresh_timed).await;
    assert_eq!((r.status.as_u16(), r.json()), (200, bar()));
    assert_msg(
        &with_token(&app, url, &stale_timed).await,
        401,
        "Fresh token required",
    );
    assert_msg(
        &get_req(&app, url, &[]).await,
        401,
        "Missing Authorization Header",
    );
    assert_msg(
        &with_token(&app, url, &t.refresh).await,
        422,
        "Only non-refresh tokens are allowed",
    );
}

#[tokio::test]
async fn test_fresh_jwt_required_custom_response() {
    let jwt = builder(config())
        .0
        .needs_fresh_token_loader(|h: &JwtHeader, c: &Claims| {
            (
                StatusCode::CREATED,
                Json(json!({"msg": "foobar", "alg": h.alg(), "sub": c.get_str("sub")})),
            )
        })
        .build()
        .unwrap();
    let app = routes(jwt.clone());
    let access = jwt.create_access_token("username").unwrap();
    let r = with_token(&app, "/fresh_protected", &access).await;
    assert_eq!(r.status, 201);
    assert_eq!(
        r.json(),
        json!({"msg": "foobar", "alg": "HS256", "sub": "username"})
    );
}

#[tokio::test]
async fn test_fresh_timed_token_goes_stale_when_the_clock_moves() {
    let (b, clock) = builder(config());
    let jwt = b.build().unwrap();
    let app = routes(jwt.clone());
    let token = jwt
        .create_access_token_with(
            "username",
            TokenOptions::new().fresh(Duration::from_secs(300)),
        )
        .unwrap();
    // `fresh` is the float timestamp now + 300 (Flask's timedelta freshness).
    assert_eq!(
        jwt.decode_token(&token).unwrap()["fresh"],
        json!(NOW as f64 + 300.0)
    );
    clock.advance(Duration::from_secs(300));
    let r = with_token(&app, "/fresh_protected", &token).await;
    assert_eq!(r.status, 200, "fresh until exactly now: {}", r.text);
    clock.advance(Duration::from_secs(1));
    assert_msg(
        &with_token(&app, "/fresh_protected", &token).await,
        401,
        "Fresh token required",
    );
}

#[tokio::test]
async fn test_fresh_claim_values() {
    let (app, _) = default_app();
    let url = "/fresh_protected";
    let now = NOW as f64;
    let cases: [(Value, u16); 8] = [
        (json!(true), 200),
        (json!(false), 401),
        (json!(now + 100.25), 200),
        (json!(NOW + 100), 200),
        (json!(now), 200),
        (json!(now - 1.5), 401),
        (json!(NOW - 1), 401),
        // Deliberate difference: Flask crashes (500) on a fresh that is neither bool nor
        // number; it is simply not fresh here.
        (json!("yes"), 401),
    ];
    for (fresh, status) in cases {
        let token = craft::token(&json!({"sub": "username", "fresh": fresh}));
        let r = with_token(&app, url, &token).await;
        assert_eq!(r.status, status, "fresh = {fresh}: {}", r.text);
        if status == 200 {
            assert_eq!(r.json(), bar());
        } else {
            assert_eq!(r.json(), json!({"msg": "Fresh token required"}));
        }
    }
    // No `fresh` claim at all defaults to false.
    let token = craft::token(&json!({"sub": "username"}));
    assert_msg(
        &with_token(&app, url, &token).await,
        401,
        "Fresh token required",
    );
}

#[tokio::test]
async fn test_refresh_jwt_required() {
    let (app, jwt) = default_app();
    let t = tokens(&jwt);
    let url = "/refresh_protected";
    for token in [&t.fresh_access, &t.access] {
        assert_msg(
            &with_token(&app, url, token).await,
            422,
            "Only refresh tokens are allowed",
        );
    }
    assert_msg(
        &get_req(&app, url, &[]).await,
        401,
        "Missing Authorization Header",
    );
    let r = with_token(&app, url, &t.refresh).await;
    assert_eq!((r.status.as_u16(), r.json()), (200, bar()));
    // A token without `type` is an access token.
    let untyped = craft::token(&json!({"sub": "username"}));
    assert_msg(
        &with_token(&app, url, &untyped).await,
        422,
        "Only refresh tokens are allowed",
    );
}

#[tokio::test]
async fn test_custom_token_type_on_access_route() {
    let (app, _) = default_app();
    let token = craft::token(&json!({"sub": "username", "type": "custom"}));
    let r = with_token(&app, "/protected", &token).await;
    assert_eq!((r.status.as_u16(), r.json()), (200, bar()));
    assert_msg(
        &with_token(&app, "/refresh_protected", &token).await,
        422,
        "Only refresh tokens are allowed",
    );
}

#[tokio::test]
async fn test_foreign_token_with_only_sub_gets_defaults() {
    let (app, _) = default_app();
    let token = craft::token(&json!({"sub": "alice"}));
    let r = with_token(&app, "/claims", &token).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.json(),
        json!({
            "claims": {"sub": "alice", "type": "access", "fresh": false, "jti": null},
            "header": {"alg": "HS256", "typ": "JWT"},
        })
    );
}

#[tokio::test]
async fn test_jwt_required_no_typecheck() {
    let (app, jwt) = default_app();
    let t = tokens(&jwt);
    let url = "/no_typecheck_protected";
    for (token, ty) in [
        (&t.access, "access"),
        (&t.fresh_access, "access"),
        (&t.refresh, "refresh"),
    ] {
        let r = with_token(&app, url, token).await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(r.json(), json!({"foo": "bar", "type": ty}));
    }
    assert_msg(
        &get_req(&app, url, &[]).await,
        401,
        "Missing Authorization Header",
    );
}

#[tokio::test]
async fn test_jwt_optional() {
    let (app, jwt) = default_app();
    let t = tokens(&jwt);
    let expired = jwt
        .create_access_token_with(
            "username",
            TokenOptions::new().additional_claims(json!({"exp": NOW - 60})),
        )
        .unwrap();
    let url = "/optional_protected";
    for token in [&t.fresh_access, &t.access] {
        let r = with_token(&app, url, token).await;
        assert_eq!(r.status, 200, "{}", r.text);
        let body = r.json();
        assert_eq!(body["foo"], "baz");
        assert_eq!(body["identity"], "username");
        assert_eq!(body["location"], "headers");
        assert_eq!(body["header"], json!({"alg": "HS256", "typ": "JWT"}));
        assert_eq!(
            body["claims"],
            Value::Object(jwt.decode_token(token).unwrap().to_map())
        );
    }
    assert_msg(
        &with_token(&app, url, &t.refresh).await,
        422,
        "Only non-refresh tokens are allowed",
    );
    assert_msg(
        &with_token(&app, url, &expired).await,
        401,
        "Token has expired",
    );
}

#[tokio::test]
async fn test_jwt_optional_with_no_valid_jwt() {
    let (app, _) = default_app();
    let url = "/optional_protected";
    let anonymous = json!({
        "foo": "bar",
        "identity": null,
        "claims": {},
        "header": {},
        "location": null,
    });

    let r = get_req(&app, url, &[]).await;
    assert_eq!((r.status.as_u16(), r.json()), (200, anonymous.clone()));
    // Header types that are not checked are "no token".
    for value in ["basic creds", "Basic x", "Foo 1, Bar 2, Baz, 3"] {
        let r = with_auth(&app, url, value).await;
        assert_eq!(r.status, 200, "{value}: {}", r.text);
        assert_eq!(r.json(), anonymous, "{value}");
    }
    // A present but bad token is never anonymous.
    assert_msg(&with_auth(&app, url, "Bearer ").await, 422, BAD_BEARER);
    assert_msg(
        &with_auth(&app, url, "Bearer xxx").await,
        422,
        "Not enough segments",
    );
    assert_msg(
        &with_auth(&app, url, "Foo 1, Bearer, Baz, 3").await,
        422,
        BAD_BEARER,
    );
    assert_msg(
        &with_auth(&app, url, "Foo 1, Bearer 2, Baz, 3").await,
        422,
        "Not enough segments",
    );
    assert_msg(&with_auth(&app, url, "Bearer ,,0").await, 422, BAD_BEARER);
}

#[tokio::test]
async fn test_override_jwt_location() {
    let (app, jwt) = app_for({
        let mut c = config();
        c.token_location = vec![Location::Cookies];
        c
    });
    let token = jwt.create_access_token("username").unwrap();
    let r = with_token(&app, "/protected_other", &token).await;
    assert_eq!((r.status.as_u16(), r.json()), (200, json!({"foo": "bar"})));
    assert_msg(
        &with_token(&app, "/protected", &token).await,
        401,
        "Missing cookie \"access_token_cookie\"",
    );
    // `locations="INVALID_LOCATION"` is a 500 on every request in Flask; here it does not
    // compile (tests/ui/fail/unknown_location.rs).
}

#[tokio::test]
async fn test_override_jwt_location_list_order() {
    let (app, jwt) = default_app();
    let token = jwt.create_access_token("username").unwrap();
    assert_msg(
        &get_req(&app, "/query_then_headers", &[]).await,
        401,
        "Missing JWT in query_string or headers (Missing 'jwt' query paramater; Missing Authorization Header)",
    );
    let r = with_token(&app, "/query_then_headers", &token).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json(), json!({"foo": "bar", "location": "headers"}));
    let r = get_req(&app, &format!("/query_then_headers?jwt={token}"), &[]).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json(), json!({"foo": "bar", "location": "query_string"}));
}

#[tokio::test]
async fn test_invalid_jwt() {
    let (app, _) = default_app();
    let invalid = "aaaaa.bbbbb.ccccc";
    assert_msg(
        &with_token(&app, "/protected", invalid).await,
        422,
        "Invalid header padding",
    );

    let jwt = builder(config())
        .0
        .invalid_token_loader(|reason: &str| {
            (
                StatusCode::CREATED,
                Json(json!({"msg": "foobar", "reason": reason})),
            )
        })
        .build()
        .unwrap();
    let app = routes(jwt);
    let r = with_token(&app, "/protected", invalid).await;
    assert_eq!(r.status, 201);
    assert_eq!(
        r.json(),
        json!({"msg": "foobar", "reason": "Invalid header padding"})
    );
}

#[tokio::test]
async fn test_jwt_missing_claims() {
    let (app, _) = default_app();
    let token = craft::token(&json!({"foo": "bar"}));
    assert_msg(
        &with_token(&app, "/protected", &token).await,
        422,
        "Missing claim: sub",
    );
}

#[tokio::test]
async fn test_jwt_invalid_audience() {
    // No audience expected or provided: OK; any audience is accepted when none is expected.
    let (app, _) = default_app();
    for claims in [
        json!({"sub": "me"}),
        json!({"sub": "me", "aud": "whatever"}),
    ] {
        let r = with_token(&app, "/protected", &craft::token(&claims)).await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(r.json(), json!({"foo": "bar", "identity": "me"}));
    }

    let (app, _) = app_for({
        let mut c = config();
        c.decode_audience = Some("my_audience".into());
        c
    });
    assert_msg(
        &with_token(&app, "/protected", &craft::token(&json!({"sub": "me"}))).await,
        422,
        "Token is missing the \"aud\" claim",
    );
    for aud in [json!("different_audience"), json!(["a", "b"])] {
        let token = craft::token(&json!({"aud": aud, "sub": "me"}));
        assert_msg(
            &with_token(&app, "/protected", &token).await,
            422,
            "Audience doesn't match",
        );
    }
    for aud in [json!("my_audience"), json!(["x", "my_audience"])] {
        let token = craft::token(&json!({"aud": aud, "sub": "me"}));
        let r = with_token(&app, "/protected", &token).await;
        assert_eq!(r.status, 200, "aud {aud}: {}", r.text);
    }
}

#[tokio::test]
async fn test_jwt_invalid_issuer() {
    let (app, _) = default_app();
    let r = with_token(&app, "/protected", &craft::token(&json!({"sub": "me"}))).await;
    assert_eq!(r.status, 200, "{}", r.text);

    let (app, _) = app_for({
        let mut c = config();
        c.decode_issuer = Some(vec!["my_issuer".into()]);
        c
    });
    assert_msg(
        &with_token(&app, "/protected", &craft::token(&json!({"sub": "me"}))).await,
        422,
        "Token is missing the \"iss\" claim",
    );
    let token = craft::token(&json!({"iss": "different_issuer", "sub": "me"}));
    assert_msg(
        &with_token(&app, "/protected", &token).await,
        422,
        "Invalid issuer",
    );
    let token = craft::token(&json!({"iss": "my_issuer", "sub": "me"}));
    let r = with_token(&app, "/protected", &token).await;
    assert_eq!(r.status, 200, "{}", r.text);
}

#[tokio::test]
async fn test_missing_iss_is_reported_before_missing_aud() {
    let (app, _) = app_for({
        let mut c = config();
        c.decode_issuer = Some(vec!["me".into()]);
        c.decode_audience = Some(Audience::One("api".into()));
        c
    });
    assert_msg(
        &with_token(&app, "/protected", &craft::token(&json!({"sub": "me"}))).await,
        422,
        "Token is missing the \"iss\" claim",
    );
}

#[tokio::test]
async fn test_malformed_token() {
    let (app, _) = default_app();
    assert_msg(
        &with_token(&app, "/protected", "foobarbaz").await,
        422,
        "Not enough segments",
    );
}

#[tokio::test]
async fn test_expired_token() {
    let (app, jwt) = default_app();
    let token = jwt
        .create_access_token_with(
            "username",
            TokenOptions::new().additional_claims(json!({"exp": NOW - 60})),
        )
        .unwrap();
    assert_msg(
        &with_token(&app, "/protected", &token).await,
        401,
        "Token has expired",
    );

    let jwt = builder(config())
        .0
        .expired_token_loader(|h: &JwtHeader, c: &Claims| {
            (
                StatusCode::CREATED,
                Json(json!({
                    "msg": "foobar",
                    "alg": h.alg(),
                    "sub": c.get_str("sub"),
                    "type": c.token_type(),
                })),
            )
        })
        .build()
        .unwrap();
    let app = routes(jwt);
    let r = with_token(&app, "/protected", &token).await;
    assert_eq!(r.status, 201);
    assert_eq!(
        r.json(),
        json!({"msg": "foobar", "alg": "HS256", "sub": "username", "type": "access"})
    );
}

#[tokio::test]
async fn test_expired_token_via_decode_token() {
    // Default response, from a view that is not protected.
    let (app, _) = default_app();
    assert_msg(&get_req(&app, "/test", &[]).await, 401, "Token has expired");

    let jwt = builder(config())
        .0
        .expired_token_loader(|h: &JwtHeader, c: &Claims| {
            assert_eq!(h.alg(), Some("HS256"));
            assert_eq!(c.get_str("sub"), Some("username"));
            (StatusCode::UNAUTHORIZED, Json(json!({"msg": "foobar"})))
        })
        .build()
        .unwrap();
    let app = routes(jwt);
    let r = get_req(&app, "/test", &[]).await;
    assert_eq!(r.status, 401);
    assert_eq!(r.json(), json!({"msg": "foobar"}));
}

#[tokio::test]
async fn test_decode_token_errors_in_unprotected_view() {
    let (app, jwt) = default_app();
    let good = jwt.create_access_token("username").unwrap();
    let r = get_req(&app, "/decode", &[("x-token", &good)]).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json(), json!({"msg": "baz", "sub": "username"}));

    assert_msg(
        &get_req(&app, "/decode", &[("x-token", "foobarbaz")]).await,
        422,
        "Not enough segments",
    );
    let wrong_secret = craft::raw(
        r#"{"alg":"HS256","typ":"JWT"}"#,
        r#"{"sub":"username"}"#,
        b"another-secret-of-more-than-32-bytes!!",
    );
    assert_msg(
        &get_req(&app, "/decode", &[("x-token", &wrong_secret)]).await,
        422,
        "Signature verification failed",
    );
    let expired = craft::token(&json!({"sub": "username", "exp": NOW - 1}));
    assert_msg(
        &get_req(&app, "/decode", &[("x-token", &expired)]).await,
        401,
        "Token has expired",
    );

    // The manager's message key applies to these errors too.
    let (app, _) = app_for({
        let mut c = config();
        c.error_message_key = "error".into();
        c
    });
    let r = get_req(&app, "/decode", &[("x-token", &expired)]).await;
    assert_eq!(r.status, 401);
    assert_eq!(r.json(), json!({"error": "Token has expired"}));
}

#[tokio::test]
async fn test_no_token() {
    let (app, _) = default_app();
    assert_msg(
        &get_req(&app, "/protected", &[]).await,
        401,
        "Missing Authorization Header",
    );
    let jwt = builder(config())
        .0
        .unauthorized_loader(|_: &str| (StatusCode::CREATED, Json(json!({"msg": "foobar"}))))
        .build()
        .unwrap();
    let app = routes(jwt);
    let r = get_req(&app, "/protected", &[]).await;
    assert_eq!(r.status, 201);
    assert_eq!(r.json(), json!({"msg": "foobar"}));
}

#[tokio::test]
async fn test_different_token_algorithm() {
    // A token made with HS256, sent to an app now configured for HS512.
    let token = manager(config()).create_access_token("username").unwrap();
    let (app, _) = app_for({
        let mut c = JwtConfig::default();
        c.algorithm = Algorithm::HS512;
        c.secret_key = Some(LONG_SECRET.into());
        c
    });
    assert_msg(
        &with_token(&app, "/protected", &token).await,
        422,
        "The specified alg value is not allowed",
    );
}

#[tokio::test]
async fn test_hs512_token_needs_hs512_in_decode_algorithms() {
    let input = format!(
        "{}.{}",
        craft::b64(r#"{"alg":"HS512","typ":"JWT"}"#),
        craft::b64(r#"{"sub":"username"}"#)
    );
    let token = format!("{input}.{}", craft::hs512(&input, LONG_SECRET.as_bytes()));

    let (app, _) = app_for(JwtConfig::with_secret(LONG_SECRET));
    assert_msg(
        &with_token(&app, "/protected", &token).await,
        422,
        "The specified alg value is not allowed",
    );

    // HS512 needs a 64-byte secret (RFC 7518 §3.2).
    let (app, jwt) = app_for({
        let mut c = JwtConfig::with_secret(LONG_SECRET);
        c.decode_algorithms = vec![Algorithm::HS256, Algorithm::HS512];
        c
    });
    let r = with_token(&app, "/protected", &token).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json(), bar());
    // HS256 (JWT_ALGORITHM) still works alongside.
    let r = with_token(
        &app,
        "/protected",
        &jwt.create_access_token("username").unwrap(),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
}

#[tokio::test]
async fn test_alg_none_is_not_allowed() {
    let (app, _) = default_app();
    for header in [
        r#"{"alg":"none","typ":"JWT"}"#,
        r#"{"alg":"None","typ":"JWT"}"#,
    ] {
        let token = format!(
            "{}.{}.",
            craft::b64(header),
            craft::b64(r#"{"sub":"username"}"#)
        );
        assert_msg(
            &with_token(&app, "/protected", &token).await,
            422,
            "The specified alg value is not allowed",
        );
    }
}

#[tokio::test]
async fn test_verify_jwt_in_request_returns_decoded_token() {
    let (app, jwt) = default_app();
    let token = jwt.create_access_token("username").unwrap();
    let r = with_token(&app, "/custom", &token).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.json(),
        json!({"foo": "bar", "alg": "HS256", "sub": "username"})
    );
    assert_msg(
        &get_req(&app, "/custom", &[]).await,
        401,
        "Missing Authorization Header",
    );
}

#[tokio::test]
async fn test_non_string_identity() {
    let (app, jwt) = default_app();
    let token = jwt.create_access_token(1234).unwrap();
    assert_msg(
        &with_token(&app, "/protected", &token).await,
        422,
        "Subject must be a string",
    );

    let (app, jwt) = app_for({
        let mut c = config();
        c.verify_sub = false;
        c
    });
    let token = jwt.create_access_token(1234).unwrap();
    let r = with_token(&app, "/protected", &token).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json(), json!({"foo": "bar", "identity": 1234}));
}

#[tokio::test]
async fn test_non_string_jti() {
    let (app, _) = default_app();
    let token = craft::token(&json!({"sub": "username", "jti": 7}));
    assert_msg(
        &with_token(&app, "/protected", &token).await,
        422,
        "JWT ID must be a string",
    );
}

// ---- time claims ----------------------------------------------------------------------

#[tokio::test]
async fn test_time_claims_default_leeway() {
    let (app, _) = default_app();
    let cases: [(Value, u16, &str); 9] = [
        (json!({"exp": NOW - 60}), 401, "Token has expired"),
        (json!({"exp": NOW}), 401, "Token has expired"),
        (json!({"exp": NOW + 1}), 200, ""),
        (json!({"exp": NOW as f64 + 10.5}), 200, ""),
        (json!({"exp": NOW as f64 + 0.5}), 401, "Token has expired"),
        (
            json!({"nbf": NOW + 1}),
            422,
            "The token is not yet valid (nbf)",
        ),
        (json!({"nbf": NOW}), 200, ""),
        (
            json!({"iat": NOW + 1}),
            422,
            "The token is not yet valid (iat)",
        ),
        (json!({"iat": NOW}), 200, ""),
    ];
    for (extra, status, msg) in cases {
        let mut claims = json!({"sub": "username"});
        claims
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        let r = with_token(&app, "/protected", &craft::token(&claims)).await;
        assert_eq!(r.status, status, "{extra}: {}", r.text);
        if status == 200 {
            assert_eq!(r.json(), bar(), "{extra}");
        } else {
            assert_eq!(r.json(), json!({"msg": msg}), "{extra}");
        }
    }
}

#[tokio::test]
async fn test_time_claims_with_leeway_120() {
    let (app, _) = app_for({
        let mut c = config();
        c.decode_leeway = Duration::from_secs(120);
        c
    });
    let cases: [(Value, u16, &str); 7] = [
        (json!({"exp": NOW - 60}), 200, ""),
        (json!({"nbf": NOW + 60}), 200, ""),
        (json!({"iat": NOW + 60}), 200, ""),
        (json!({"exp": NOW - 120}), 401, "Token has expired"),
        (json!({"exp": NOW - 180}), 401, "Token has expired"),
        (
            json!({"nbf": NOW + 121}),
            422,
            "The token is not yet valid (nbf)",
        ),
        (
            json!({"iat": NOW + 121}),
            422,
            "The token is not yet valid (iat)",
        ),
    ];
    for (extra, status, msg) in cases {
        let mut claims = json!({"sub": "username"});
        claims
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        let r = with_token(&app, "/protected", &craft::token(&claims)).await;
        assert_eq!(r.status, status, "{extra}: {}", r.text);
        if status == 200 {
            assert_eq!(r.json(), bar(), "{extra}");
        } else {
            assert_eq!(r.json(), json!({"msg": msg}), "{extra}");
        }
    }
}

#[tokio::test]
async fn test_non_numeric_time_claims() {
    let (app, _) = default_app();
    for (claim, msg) in [
        ("iat", "Issued At claim (iat) must be an integer."),
        ("exp", "Expiration Time claim (exp) must be an integer."),
        ("nbf", "Not Before claim (nbf) must be an integer."),
    ] {
        // A non-integer string (Flask too), and null / a bool (deliberately 422 here).
        for bad in [json!("abc"), json!(null), json!(true)] {
            let token = craft::token(&json!({"sub": "username", claim: bad}));
            let r = with_token(&app, "/protected", &token).await;
            assert_eq!(r.status, 422, "{claim} = {bad}: {}", r.text);
            assert_eq!(r.json(), json!({"msg": msg}), "{claim} = {bad}");
        }
    }
}

#[tokio::test]
async fn test_time_claims_are_checked_in_pyjwt_order() {
    let (app, _) = default_app();
    // iat before nbf before exp.
    let token = craft::token(&json!({"sub": "u", "iat": NOW + 10, "nbf": NOW + 10, "exp": 1}));
    assert_msg(
        &with_token(&app, "/protected", &token).await,
        422,
        "The token is not yet valid (iat)",
    );
    let token = craft::token(&json!({"sub": "u", "nbf": NOW + 10, "exp": 1}));
    assert_msg(
        &with_token(&app, "/protected", &token).await,
        422,
        "The token is not yet valid (nbf)",
    );
    // Expired wins over the claims checked after it (missing sub).
    let token = craft::token(&json!({"exp": 1}));
    assert_msg(
        &with_token(&app, "/protected", &token).await,
        401,
        "Token has expired",
    );
}

#[tokio::test]
async fn test_signature_is_checked_before_claims() {
    let (app, _) = default_app();
    let token = craft::raw(
        r#"{"alg":"HS256","typ":"JWT"}"#,
        &json!({"sub": "u", "exp": 1}).to_string(),
        b"another-secret-of-more-than-32-bytes!!",
    );
    assert_msg(
        &with_token(&app, "/protected", &token).await,
        422,
        "Signature verification failed",
    );
}

// ---- structurally bad or wrongly signed tokens ----------------------------------------

#[tokio::test]
async fn test_structurally_bad_tokens() {
    let (app, jwt) = default_app();
    let header = craft::b64(r#"{"alg":"HS256","typ":"JWT"}"#);
    let good = jwt.create_access_token("username").unwrap();
    let (good_input, good_sig) = good.rsplit_once('.').unwrap();
    let signed = |payload: &[u8]| {
        let input = format!("{header}.{}", craft::b64(payload));
        let sig = craft::hs256(&input, SECRET.as_bytes());
        format!("{input}.{sig}")
    };
    let tampered_sig = {
        let mut s = good_sig.to_owned();
        let first = if s.starts_with('A') { "B" } else { "A" };
        s.replace_range(0..1, first);
        format!("{good_input}.{s}")
    };
    let cases: Vec<(String, &str)> = vec![
        ("foobarbaz".into(), "Not enough segments"),
        ("a.b".into(), "Not enough segments"),
        ("aaaaa.bbbbb.ccccc".into(), "Invalid header padding"),
        ("x.y.z.w".into(), "Invalid header padding"),
        (format!("{header}.a.abc"), "Invalid payload padding"),
        (format!("{header}.!!!!.abc"), "Invalid payload padding"),
        (
            signed(b"not json"),
            "Invalid payload string: Expecting value: line 1 column 1 (char 0)",
        ),
        (
            signed(b"[1,2]"),
            "Invalid payload string: must be a json object",
        ),
        (format!("{good_input}.!!!"), "Invalid crypto padding"),
        (tampered_sig, "Signature verification failed"),
        (
            format!("{good_input}.AAAA"),
            "Signature verification failed",
        ),
        (format!("{good_input}."), "Signature verification failed"),
        (
            craft::raw(
                r#"{"alg":"HS256","typ":"JWT"}"#,
                r#"{"sub":"username"}"#,
                b"another-secret-of-more-than-32-bytes!!",
            ),
            "Signature verification failed",
        ),
    ];
    for (token, msg) in cases {
        let r = with_token(&app, "/protected", &token).await;
        assert_eq!(r.status, 422, "{token}: {}", r.text);
        assert_eq!(r.json(), json!({"msg": msg}), "{token}");
    }
    // The untouched token passes, so the failures above come from the damage alone.
    let r = with_token(&app, "/protected", &good).await;
    assert_eq!(r.status, 200);
}

// ---- test_options_method.py ------------------------------------------------------------------

#[jwt_required]
async fn jwt_required_endpoint() -> &'static str {
    "ok"
}

#[jwt_required(fresh)]
async fn fresh_jwt_required_endpoint() -> &'static str {
    "ok"
}

#[jwt_required(refresh)]
async fn jwt_refresh_token_required_endpoint() -> &'static str {
    "ok"
}

#[jwt_required]
async fn get_jwt_on_options() -> Result<Json<Value>, NoJwtContext> {
    Ok(Json(json!({ "claims": get_jwt()? })))
}

fn options_app() -> Router {
    Router::new()
        .route(
            "/jwt_required",
            get(jwt_required_endpoint).options(jwt_required_endpoint),
        )
        .route("/fresh_jwt_required", any(fresh_jwt_required_endpoint))
        .route(
            "/jwt_refresh_token_required",
            get(jwt_refresh_token_required_endpoint).options(jwt_refresh_token_required_endpoint),
        )
        .route("/get_jwt", any(get_jwt_on_options))
        .with_state(manager(config()))
}

async fn assert_options_ok(uri: &str) {
    let app = options_app();
    let r = request(&app, "OPTIONS", uri, &[], None).await;
    assert_eq!(r.status, 200, "{uri}");
    assert_eq!(r.text, "ok", "{uri}");
    // Even a bad token is not looked at.
    let r = request(
        &app,
        "OPTIONS",
        uri,
        &[("Authorization", "Bearer xxx")],
        None,
    )
    .await;
    assert_eq!((r.status.as_u16(), r.text.as_str()), (200, "ok"), "{uri}");
    // The other methods are protected.
    let r = get_req(&app, uri, &[]).await;
    assert_eq!(r.status, 401, "{uri}");
    assert_eq!(r.json(), json!({"msg": "Missing Authorization Header"}));
}

#[tokio::test]
async fn test_access_jwt_required_enpoint() {
    assert_options_ok("/jwt_required").await;
}

#[tokio::test]
async fn test_access_jwt_refresh_token_required_enpoint() {
    assert_options_ok("/jwt_refresh_token_required").await;
}

#[tokio::test]
async fn test_access_fresh_jwt_required_enpoint() {
    assert_options_ok("/fresh_jwt_required").await;
}

#[tokio::test]
async fn test_options_leaves_no_context() {
    // Flask: get_jwt() in the view raises RuntimeError (500). Here: Err(NoJwtContext), a 500.
    let app = options_app();
    let r = request(&app, "OPTIONS", "/get_jwt", &[], None).await;
    assert_eq!(r.status, 500);
    assert_eq!(
        r.json(),
        json!({"msg": "You must use #[jwt_required] (or a Jwt extractor) before using this method"})
    );
}
