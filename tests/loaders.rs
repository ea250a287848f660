//! Every loader attribute, registered on a builder by name, and its effect through a real
//! `Router` (ports of test_blocklist, test_user_lookup, test_claims_verification,
//! test_additional_claims_loader, test_jwt_header_loader, test_get_jwt_in_non_protected_contexts,
//! test_get_methods_in_optional_endpoint).

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};

use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use axum_jwt_extended::*;
use serde_json::{json, Value};

use common::{bearer, config, get as get_req};

/// Identities are `Serialize` (used as they are when no identity loader applies).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
struct User {
    name: String,
    admin: bool,
}

#[user_identity_loader]
fn identity_of(user: &User) -> String {
    user.name.clone()
}

#[additional_claims_loader]
fn claims_of(user: &User) -> Value {
    json!({ "admin": user.admin, "foo": "from-loader" })
}

#[additional_headers_loader]
fn headers_of(_user: &User) -> Value {
    json!({ "kid": "key-1" })
}

#[token_in_blocklist_loader]
async fn is_revoked(_header: &JwtHeader, claims: &Claims) -> bool {
    claims.get_str("sub") == Some("revoked-user")
}

#[token_verification_loader]
fn verify_claims(_header: &JwtHeader, claims: &Claims) -> bool {
    claims.get_str("sub") != Some("unverified-user")
}

#[user_lookup_loader]
async fn lookup_user(_header: &JwtHeader, claims: &Claims) -> Option<User> {
    match claims.get_str("sub") {
        Some("ghost") | None => None,
        Some(name) => Some(User {
            name: name.to_owned(),
            admin: claims.get("admin") == Some(&Value::Bool(true)),
        }),
    }
}

#[expired_token_loader]
fn expired(_header: &JwtHeader, claims: &Claims) -> impl IntoResponse {
    (
        StatusCode::IM_A_TEAPOT,
        Json(json!({ "expired_for": claims.get_str("sub") })),
    )
}

#[invalid_token_loader]
fn invalid(reason: &str) -> impl IntoResponse {
    (StatusCode::BAD_REQUEST, Json(json!({ "invalid": reason })))
}

#[unauthorized_loader]
fn unauthorized(reason: &str) -> impl IntoResponse {
    (
        StatusCode::FORBIDDEN,
        Json(json!({ "unauthorized": reason })),
    )
}

#[needs_fresh_token_loader]
fn needs_fresh(_header: &JwtHeader, _claims: &Claims) -> impl IntoResponse {
    (
        StatusCode::UPGRADE_REQUIRED,
        Json(json!({ "fresh": "please" })),
    )
}

#[revoked_token_loader]
fn revoked(header: &JwtHeader, _claims: &Claims) -> impl IntoResponse {
    (
        StatusCode::NOT_FOUND,
        Json(json!({ "revoked_kid": header.kid() })),
    )
}

#[token_verification_failed_loader]
fn verification_failed(_header: &JwtHeader, _claims: &Claims) -> impl IntoResponse {
    (
        StatusCode::CONFLICT,
        Json(json!({ "verification": "failed" })),
    )
}

#[user_lookup_error_loader]
fn lookup_error(_header: &JwtHeader, claims: &Claims) -> impl IntoResponse {
    (
        StatusCode::GONE,
        Json(json!({ "no_such_user": claims.get_str("sub") })),
    )
}

#[jwt_required]
async fn whoami() -> Result<Json<Value>, NoJwtContext> {
    let user = current_user::<User>()?;
    Ok(Json(json!({
        "user": user.map(|u| u.name.clone()),
        "identity": get_jwt_identity()?,
    })))
}

#[jwt_required(fresh)]
async fn fresh_only() -> Result<Json<Value>, NoJwtContext> {
    Ok(Json(json!({ "identity": get_jwt_identity()? })))
}

#[jwt_required(optional)]
async fn optional() -> Result<Json<Value>, NoJwtContext> {
    Ok(Json(json!({
        "claims": get_jwt()?,
        "header": get_jwt_header()?,
        "identity": get_jwt_identity()?,
        "location": get_jwt_request_location(),
        "user": current_user::<User>()?.map(|u| u.name.clone()),
    })))
}

#[jwt_required(skip_revocation_check)]
async fn no_revocation_check() -> Result<Json<Value>, NoJwtContext> {
    Ok(Json(json!({ "identity": get_jwt_identity()? })))
}

fn routes(jwt: JwtManager) -> Router {
    Router::new()
        .route("/whoami", get(whoami))
        .route("/fresh", get(fresh_only))
        .route("/optional", get(optional))
        .route("/skip", get(no_revocation_check))
        .with_state(jwt)
}

fn full_manager() -> JwtManager {
    let (builder, _) = common::builder(config());
    builder
        .user_identity_loader(identity_of)
        .additional_claims_loader(claims_of)
        .additional_headers_loader(headers_of)
        .token_in_blocklist_loader(is_revoked)
        .token_verification_loader(verify_claims)
        .user_lookup_loader(lookup_user)
        .expired_token_loader(expired)
        .invalid_token_loader(invalid)
        .unauthorized_loader(unauthorized)
        .needs_fresh_token_loader(needs_fresh)
        .revoked_token_loader(revoked)
        .token_verification_failed_loader(verification_failed)
        .user_lookup_error_loader(lookup_error)
        .build()
        .unwrap()
}

fn user(name: &str, admin: bool) -> User {
    User {
        name: name.into(),
        admin,
    }
}

#[tokio::test]
async fn identity_claims_and_headers_loaders_shape_new_tokens() {
    let jwt = full_manager();
    let token = jwt
        .create_access_token_with(
            user("alice", true),
            TokenOptions::new().additional_claims(json!({ "foo": "from-argument" })),
        )
        .unwrap();
    let claims = jwt.decode_token(&token).unwrap();
    assert_eq!(claims.get_str("sub"), Some("alice"));
    assert_eq!(claims["admin"], json!(true));
    // The argument wins over the loader, as in Flask.
    assert_eq!(claims["foo"], json!("from-argument"));
    assert_eq!(
        jwt.get_unverified_jwt_headers(&token).unwrap().kid(),
        Some("key-1")
    );
    // Refresh tokens get the loaders' output too.
    let refresh = jwt.create_refresh_token(user("alice", false)).unwrap();
    let claims = jwt.decode_token(&refresh).unwrap();
    assert_eq!(
        (claims["admin"].clone(), claims["foo"].clone()),
        (json!(false), json!("from-loader"))
    );
    // An identity of another type is an error, never passed over the loaders silently.
    let err = jwt.create_access_token("bob").unwrap_err();
    assert_eq!(err.status(), 500);
    assert!(
        err.message().contains("user_identity_loader takes"),
        "{err}"
    );
    // The typed issuer makes that a compile error.
    let users = jwt.issuer::<User>().unwrap();
    let token = users.create_access_token(&user("bob", false)).unwrap();
    assert_eq!(
        jwt.decode_token(&token).unwrap().get_str("sub"),
        Some("bob")
    );
    assert!(jwt.issuer::<String>().is_err());
}

#[tokio::test]
async fn user_lookup_loader_gives_a_typed_current_user() {
    let jwt = full_manager();
    let app = routes(jwt.clone());
    let token = jwt.create_access_token(user("alice", true)).unwrap();
    let r = get_req(&app, "/whoami", &[("Authorization", &bearer(&token))]).await;
    assert_eq!(
        (r.status.as_u16(), r.json()),
        (200, json!({"user": "alice", "identity": "alice"}))
    );
}

#[tokio::test]
async fn response_loaders_replace_the_default_responses() {
    let jwt = full_manager();
    let app = routes(jwt.clone());
    let check = |token: String, uri: &'static str| {
        let app = app.clone();
        async move {
            let r = get_req(&app, uri, &[("Authorization", &bearer(&token))]).await;
            (r.status.as_u16(), r.json())
        }
    };
    let revoked = jwt
        .create_access_token(user("revoked-user", false))
        .unwrap();
    assert_eq!(
        check(revoked.clone(), "/whoami").await,
        (404, json!({"revoked_kid": "key-1"}))
    );
    // skip_revocation_check does not call the blocklist loader.
    assert_eq!(
        check(revoked, "/skip").await,
        (200, json!({"identity": "revoked-user"}))
    );
    let unverified = jwt
        .create_access_token(user("unverified-user", false))
        .unwrap();
    assert_eq!(
        check(unverified, "/whoami").await,
        (409, json!({"verification": "failed"}))
    );
    let ghost = jwt.create_access_token(user("ghost", false)).unwrap();
    assert_eq!(
        check(ghost, "/whoami").await,
        (410, json!({"no_such_user": "ghost"}))
    );
    let stale = jwt.create_access_token(user("alice", false)).unwrap();
    assert_eq!(
        check(stale, "/fresh").await,
        (426, json!({"fresh": "please"}))
    );
    let expired = jwt
        .create_access_token_with(
            user("alice", false),
            TokenOptions::new().additional_claims(json!({ "exp": common::NOW - 10 })),
        )
        .unwrap();
    assert_eq!(
        check(expired, "/whoami").await,
        (418, json!({"expired_for": "alice"}))
    );
    assert_eq!(
        check("not-a-token".into(), "/whoami").await,
        (400, json!({"invalid": "Not enough segments"}))
    );
    let r = get_req(&app, "/whoami", &[]).await;
    assert_eq!(
        (r.status.as_u16(), r.json()),
        (403, json!({"unauthorized": "Missing Authorization Header"}))
    );
}

#[tokio::test]
async fn default_responses_and_flask_precedence() {
    let (builder, _) = common::builder(config());
    let jwt = builder
        .token_in_blocklist_loader(is_revoked)
        .token_verification_loader(verify_claims)
        .user_lookup_loader(lookup_user)
        .build()
        .unwrap();
    let app = routes(jwt.clone());
    let r = |t: String, uri: &'static str| {
        let app = app.clone();
        async move {
            let r = get_req(&app, uri, &[("Authorization", &bearer(&t))]).await;
            (r.status.as_u16(), r.msg())
        }
    };
    assert_eq!(
        r(jwt.create_access_token("revoked-user").unwrap(), "/whoami").await,
        (401, "Token has been revoked".into())
    );
    assert_eq!(
        r(
            jwt.create_access_token("unverified-user").unwrap(),
            "/whoami"
        )
        .await,
        (400, "User claims verification failed".into())
    );
    assert_eq!(
        r(jwt.create_access_token("ghost").unwrap(), "/whoami").await,
        (401, "Error loading the user ghost".into())
    );
    // Revoked + non-fresh on a fresh route: freshness is checked first.
    assert_eq!(
        r(jwt.create_access_token("revoked-user").unwrap(), "/fresh").await,
        (401, "Fresh token required".into())
    );
    // Revoked + refresh token on an access route: the type error wins.
    assert_eq!(
        r(jwt.create_refresh_token("revoked-user").unwrap(), "/whoami").await,
        (422, "Only non-refresh tokens are allowed".into())
    );
}

#[tokio::test]
async fn optional_route_without_token_calls_no_loader() {
    static CALLS: AtomicUsize = AtomicUsize::new(0);
    let (builder, _) = common::builder(config());
    let jwt = builder
        .user_lookup_loader(|_h: &JwtHeader, _c: &Claims| {
            CALLS.fetch_add(1, Ordering::SeqCst);
            Some(user("x", false))
        })
        .build()
        .unwrap();
    let app = routes(jwt);
    let r = get_req(&app, "/optional", &[]).await;
    assert_eq!(
        (r.status.as_u16(), r.json()),
        (
            200,
            json!({"claims": {}, "header": {}, "identity": null, "location": null, "user": null})
        )
    );
    assert_eq!(CALLS.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn context_functions_outside_a_protected_handler_are_errors() {
    assert_eq!(get_jwt(), Err(NoJwtContext::Outside));
    assert_eq!(get_jwt_header(), Err(NoJwtContext::Outside));
    assert_eq!(get_jwt_identity(), Err(NoJwtContext::Outside));
    assert_eq!(current_user::<User>(), Err(NoJwtContext::Outside));
    assert_eq!(get_jwt_request_location(), None);
}

#[tokio::test]
async fn current_user_without_a_lookup_loader_is_a_clear_error() {
    let jwt = common::manager(config());
    let app = routes(jwt.clone());
    let token = jwt.create_access_token("alice").unwrap();
    let r = get_req(&app, "/whoami", &[("Authorization", &bearer(&token))]).await;
    assert_eq!(r.status.as_u16(), 500);
    assert_eq!(
        r.msg(),
        "You must provide a user_lookup_loader callback to use this method"
    );
}

#[tokio::test]
async fn two_managers_with_different_loaders_side_by_side() {
    let strict = {
        let (b, _) = common::builder(config());
        b.token_in_blocklist_loader(|_h: &JwtHeader, _c: &Claims| true)
            .build()
            .unwrap()
    };
    let lax = common::manager(config());
    let token = lax.create_access_token("alice").unwrap();
    let auth = bearer(&token);
    let r = get_req(&routes(strict), "/skip", &[]).await;
    assert_eq!(r.status.as_u16(), 401);
    let r = get_req(&routes(lax.clone()), "/whoami", &[("Authorization", &auth)]).await;
    assert_eq!(r.status.as_u16(), 500); // no user loader: current_user is an error
    let strict2 = {
        let (b, _) = common::builder(config());
        b.token_in_blocklist_loader(|_h: &JwtHeader, _c: &Claims| true)
            .build()
            .unwrap()
    };
    let r = get_req(&routes(strict2), "/skip", &[("Authorization", &auth)]).await;
    assert_eq!(r.status.as_u16(), 200);
    let r = get_req(&routes(lax), "/fresh", &[("Authorization", &auth)]).await;
    assert_eq!(
        (r.status.as_u16(), r.msg().as_str()),
        (401, "Fresh token required")
    );
}

#[tokio::test]
async fn failing_blocklist_loader_fails_closed_with_503() {
    let (builder, _) = common::builder(config());
    let jwt = builder
        .token_in_blocklist_loader(|_h: JwtHeader, _c: Claims| async {
            Err::<bool, _>("database is down")
        })
        .build()
        .unwrap();
    let token = jwt.create_access_token("alice").unwrap();
    let r = get_req(
        &routes(jwt),
        "/whoami",
        &[("Authorization", &bearer(&token))],
    )
    .await;
    assert_eq!(r.status.as_u16(), 503);
    // A fixed message: the loader's own error text stays in the logs.
    assert_eq!(r.msg(), "Token revocation check failed");
    assert!(!r.text.contains("database is down"), "{}", r.text);
}

#[tokio::test]
async fn encode_and_decode_key_loaders_choose_keys() {
    const OTHER: &str = "another-secret-for-tenant-b-0123456789";
    #[encode_key_loader]
    fn key_for(tenant: &&'static str) -> Key {
        if *tenant == "tenant-b" {
            Key::Secret(OTHER.into())
        } else {
            Key::Secret(common::SECRET.into())
        }
    }
    #[decode_key_loader]
    fn key_of(_header: &JwtHeader, claims: &Claims) -> Key {
        if claims.get_str("sub") == Some("tenant-b") {
            Key::Secret(OTHER.into())
        } else {
            Key::Secret(common::SECRET.into())
        }
    }
    let (b, _) = common::builder(config());
    let jwt = b
        .encode_key_loader(key_for)
        .decode_key_loader(key_of)
        .build()
        .unwrap();
    let plain = common::manager(config());
    let token_b = jwt.create_access_token("tenant-b").unwrap();
    assert_eq!(
        jwt.decode_token(&token_b).unwrap().get_str("sub"),
        Some("tenant-b")
    );
    // Signed with tenant B's key: the default key does not verify it.
    let err = plain.decode_token(&token_b).unwrap_err();
    assert_eq!(err.message(), "Signature verification failed");
    let token_a = jwt.create_access_token("tenant-a").unwrap();
    assert!(plain.decode_token(&token_a).is_ok());
}

/// A loader's error fails closed (503) and stays reachable as the cause: the rejection's
/// error → the `LoaderError` → the loader's own error, with its type.
#[tokio::test]
async fn a_loader_error_keeps_its_cause() {
    use std::error::Error as _;

    async fn who(jwt: Result<Jwt, JwtRejection>) -> Json<Value> {
        let rejection = jwt.expect_err("the loader failed");
        let loader = rejection.error().source().expect("the loader's error");
        let loader = loader.downcast_ref::<LoaderError>().expect("a LoaderError");
        assert!(
            loader.source().is_some(),
            "the cause is the LoaderError's source"
        );
        let io = loader
            .cause::<std::io::Error>()
            .expect("the io::Error itself");
        Json(json!({
            "status": rejection.status().as_u16(),
            "loader": loader.to_string(),
            "kind": format!("{:?}", io.kind()),
        }))
    }

    let jwt = JwtManager::builder(config())
        .token_in_blocklist_loader(
            |_h: &JwtHeader, _c: &Claims| -> Result<bool, std::io::Error> {
                Err(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    "the database timed out",
                ))
            },
        )
        .build()
        .unwrap();
    let app: Router = Router::new().route("/", get(who)).with_state(jwt.clone());
    let token = jwt.create_access_token("alice").unwrap();
    let r = get_req(&app, "/", &[("Authorization", &bearer(&token))]).await;
    assert_eq!(
        r.json(),
        json!({ "status": 503, "loader": "the database timed out", "kind": "TimedOut" })
    );
}
