//! The six interop vectors, minted by flask-jwt-extended 4.7.1:
//! we mint byte-identical tokens, and a real `Router` answers each of them as Flask does.

mod common;

use axum::routing::get;
use axum::{Json, Router};
use axum_jwt_extended::{
    get_jwt, get_jwt_header, get_jwt_identity, get_jwt_request_location, jwt_required, Algorithm,
    Expiry, Fresh, JwtConfig, JwtManager, Location, NoJwtContext, TokenOptions,
};
use serde_json::{json, Value};

use common::{
    bearer, config, get as get_req, manager, request, LONG_SECRET, NOW, V1, V2, V3, V4, V5, V6,
};

const CSRF: &str = "00000000-0000-4000-8000-0000000000c5";

/// The `additional_claims` every vector was minted with.
fn fix(jti: &str) -> Value {
    json!({
        "iat": 1_700_000_000,
        "nbf": 1_700_000_000,
        "jti": jti,
        "csrf": CSRF,
    })
}

fn with_fix(extra: Value) -> Value {
    fix_with(JTI1, extra)
}

fn fix_with(jti: &str, extra: Value) -> Value {
    let mut claims = fix(jti);
    let map = claims.as_object_mut().unwrap();
    for (k, v) in extra.as_object().unwrap() {
        map.insert(k.clone(), v.clone());
    }
    claims
}

const JTI1: &str = "00000000-0000-4000-8000-000000000001";
const JTI3: &str = "00000000-0000-4000-8000-000000000003";

/// The decoded header and payload JSON of a token, as text (to compare the exact bytes).
fn segments(token: &str) -> (String, String) {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    let mut it = token.split('.');
    let h = URL_SAFE_NO_PAD.decode(it.next().unwrap()).unwrap();
    let p = URL_SAFE_NO_PAD.decode(it.next().unwrap()).unwrap();
    (String::from_utf8(h).unwrap(), String::from_utf8(p).unwrap())
}

// ---- minting ---------------------------------------------------------------------------------

#[test]
fn mint_v1_access_never_expires() {
    let jwt = manager(config());
    let token = jwt
        .create_access_token_with(
            "interop-user",
            TokenOptions::new()
                .expires_delta(Expiry::Never)
                .additional_claims(fix(JTI1)),
        )
        .unwrap();
    assert_eq!(
        segments(&token),
        (
            r#"{"alg":"HS256","typ":"JWT"}"#.to_owned(),
            r#"{"fresh":false,"iat":1700000000,"jti":"00000000-0000-4000-8000-000000000001","type":"access","sub":"interop-user","nbf":1700000000,"csrf":"00000000-0000-4000-8000-0000000000c5"}"#.to_owned()
        )
    );
    assert_eq!(token, V1);
}

#[test]
fn mint_v2_fresh_with_roles() {
    let jwt = manager(config());
    let token = jwt
        .create_access_token_with(
            "interop-user",
            TokenOptions::new()
                .fresh(true)
                .expires_delta(Expiry::Never)
                .additional_claims(fix_with(JTI1, json!({"roles": ["admin", "user"]}))),
        )
        .unwrap();
    assert_eq!(token, V2);
}

#[test]
fn mint_v3_refresh() {
    let jwt = manager(config());
    let token = jwt
        .create_refresh_token_with(
            "interop-user",
            TokenOptions::new()
                .expires_delta(Expiry::Never)
                .additional_claims(fix(JTI3)),
        )
        .unwrap();
    assert_eq!(token, V3);
    // `fresh` is ignored for refresh tokens, as Flask's create_refresh_token has no `fresh`.
    let fresh_ignored = jwt
        .create_refresh_token_with(
            "interop-user",
            TokenOptions::new()
                .fresh(true)
                .expires_delta(Expiry::Never)
                .additional_claims(fix(JTI3)),
        )
        .unwrap();
    assert_eq!(fresh_ignored, V3);
}

#[test]
fn mint_v4_exp_override_keeps_its_position() {
    let jwt = manager(config());
    // Default expiry (15 min): `exp` is written, then overridden in place by the extra claim.
    let token = jwt
        .create_access_token_with(
            "interop-user",
            TokenOptions::new().additional_claims(fix_with(JTI1, json!({"exp": 1_700_000_900}))),
        )
        .unwrap();
    assert_eq!(token, V4);
}

#[test]
fn mint_v5_fresh_float_override() {
    let jwt = manager(config());
    let via_claim = jwt
        .create_access_token_with(
            "interop-user",
            TokenOptions::new()
                .expires_delta(Expiry::Never)
                .additional_claims(fix_with(JTI1, json!({"fresh": 1_700_000_300.5}))),
        )
        .unwrap();
    assert_eq!(via_claim, V5);
    let via_option = jwt
        .create_access_token_with(
            "interop-user",
            TokenOptions::new()
                .fresh(Fresh::Until(1_700_000_300.5))
                .expires_delta(Expiry::Never)
                .additional_claims(fix(JTI1)),
        )
        .unwrap();
    assert_eq!(via_option, V5);
}

#[test]
fn mint_v6_additional_header_kid() {
    let jwt = manager(config());
    let token = jwt
        .create_access_token_with(
            "interop-user",
            TokenOptions::new()
                .expires_delta(Expiry::Never)
                .additional_claims(fix(JTI1))
                .additional_headers(json!({"kid": "key-1"})),
        )
        .unwrap();
    assert_eq!(
        segments(&token).0,
        r#"{"alg":"HS256","kid":"key-1","typ":"JWT"}"#
    );
    assert_eq!(token, V6);
}

#[test]
fn decode_token_accepts_every_vector_but_v4() {
    let jwt = manager(config());
    for (name, token) in [("V1", V1), ("V2", V2), ("V3", V3), ("V5", V5), ("V6", V6)] {
        let claims = jwt
            .decode_token(token)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(claims.get_str("sub"), Some("interop-user"), "{name}");
        assert_eq!(claims.csrf(), Some(CSRF), "{name}");
    }
    let err = jwt.decode_token(V4).unwrap_err();
    assert_eq!(err.message(), "Token has expired");
    assert_eq!(err.status(), 401);
}

#[test]
fn mint_escapes_non_ascii_like_python() {
    // flask-jwt-extended's JSON: compact JSON, non-ASCII as \uXXXX, `<`, `&` and `>` as they are.
    let jwt = manager(config());
    let token = jwt
        .create_access_token_with(
            "Jos\u{e9}",
            TokenOptions::new()
                .expires_delta(Expiry::Never)
                .additional_claims(with_fix(json!({"note": "<&> \u{1F600}"}))),
        )
        .unwrap();
    assert_eq!(
        segments(&token).1,
        r#"{"fresh":false,"iat":1700000000,"jti":"00000000-0000-4000-8000-000000000001","type":"access","sub":"Jos\u00e9","nbf":1700000000,"csrf":"00000000-0000-4000-8000-0000000000c5","note":"<&> \ud83d\ude00"}"#
    );
    assert_eq!(
        jwt.decode_token(&token).unwrap().get_str("sub"),
        Some("Jos\u{e9}")
    );
}

#[test]
fn mint_default_shape_and_lifetimes() {
    // The "live" default tokens, at the fixed clock.
    let jwt = manager(config());
    let access = segments(&jwt.create_access_token("alice").unwrap()).1;
    let refresh = segments(&jwt.create_refresh_token("alice").unwrap()).1;
    let shape = |payload: &str| -> Vec<String> {
        let v: serde_json::Map<String, Value> = serde_json::from_str(payload).unwrap();
        v.keys().cloned().collect()
    };
    // serde_json's Map is sorted, so compare the text's key order by position instead.
    let order = |payload: &str| -> Vec<usize> {
        [
            "\"fresh\"",
            "\"iat\"",
            "\"jti\"",
            "\"type\"",
            "\"sub\"",
            "\"nbf\"",
            "\"csrf\"",
            "\"exp\"",
        ]
        .iter()
        .map(|k| {
            payload
                .find(k)
                .unwrap_or_else(|| panic!("{k} in {payload}"))
        })
        .collect()
    };
    for payload in [&access, &refresh] {
        assert_eq!(shape(payload).len(), 8, "{payload}");
        let positions = order(payload);
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{payload}");
    }
    let a: Value = serde_json::from_str(&access).unwrap();
    let r: Value = serde_json::from_str(&refresh).unwrap();
    assert_eq!(
        (
            a["fresh"].clone(),
            a["type"].clone(),
            a["iat"].clone(),
            a["nbf"].clone(),
            a["exp"].clone()
        ),
        (
            json!(false),
            json!("access"),
            json!(NOW),
            json!(NOW),
            json!(NOW + 900)
        )
    );
    assert_eq!(
        (r["fresh"].clone(), r["type"].clone(), r["exp"].clone()),
        (json!(false), json!("refresh"), json!(NOW + 2_592_000))
    );
    assert_eq!(a["jti"].as_str().unwrap().len(), 36);
    assert_ne!(a["jti"], r["jti"]);
    assert_ne!(a["csrf"], a["jti"]);
}

#[test]
fn mint_header_typ_override_and_removal() {
    // Additional headers.
    let jwt = manager(config());
    let header = |extra: Value| {
        let token = jwt
            .create_access_token_with("u", TokenOptions::new().additional_headers(extra))
            .unwrap();
        segments(&token).0
    };
    assert_eq!(
        header(json!({"typ": "at+jwt"})),
        r#"{"alg":"HS256","typ":"at+jwt"}"#
    );
    assert_eq!(header(json!({"typ": null})), r#"{"alg":"HS256"}"#);
    assert_eq!(
        header(json!({"b": 1, "a": 2})),
        r#"{"a":2,"alg":"HS256","b":1,"typ":"JWT"}"#
    );
}

#[tokio::test]
async fn alg_in_additional_headers_changes_the_signing_algorithm() {
    // signed with HS384, then refused unless HS384 may be decoded.
    // HS384 needs a 48-byte secret (RFC 7518 §3.2).
    let jwt = manager(JwtConfig::with_secret(LONG_SECRET));
    let token = jwt
        .create_access_token_with(
            "u",
            TokenOptions::new().additional_headers(json!({"alg": "HS384"})),
        )
        .unwrap();
    assert_eq!(segments(&token).0, r#"{"alg":"HS384","typ":"JWT"}"#);
    assert_eq!(token.rsplit('.').next().unwrap().len(), 64);
    let r = get_req(
        &app(jwt),
        "/protected",
        &[("authorization", &bearer(&token))],
    )
    .await;
    assert_eq!(r.status, 422);
    assert_eq!(
        r.json(),
        json!({"msg": "The specified alg value is not allowed"})
    );

    let both = manager({
        let mut c = JwtConfig::with_secret(LONG_SECRET);
        c.decode_algorithms = vec![Algorithm::HS384];
        c
    });
    let r = get_req(
        &app(both),
        "/protected",
        &[("authorization", &bearer(&token))],
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["header"]["alg"], "HS384");
}

// ---- requests --------------------------------------------------------------------------------

#[jwt_required]
async fn protected() -> Result<Json<Value>, NoJwtContext> {
    Ok(Json(json!({
        "identity": get_jwt_identity()?,
        "claims": get_jwt()?,
        "header": get_jwt_header()?,
        "location": get_jwt_request_location(),
    })))
}

#[jwt_required(fresh)]
async fn fresh() -> Result<Json<Value>, NoJwtContext> {
    Ok(Json(json!({ "identity": get_jwt_identity()? })))
}

#[jwt_required(refresh)]
async fn refresh() -> Result<Json<Value>, NoJwtContext> {
    Ok(Json(json!({ "identity": get_jwt_identity()? })))
}

#[jwt_required(optional)]
async fn optional() -> Result<Json<Value>, NoJwtContext> {
    Ok(Json(json!({ "identity": get_jwt_identity()? })))
}

fn app(jwt: JwtManager) -> Router {
    Router::new()
        .route("/protected", get(protected).post(protected))
        .route("/fresh", get(fresh))
        .route("/refresh", get(refresh))
        .route("/optional", get(optional))
        .with_state(jwt)
}

fn header_app() -> Router {
    app(manager(config()))
}

fn cookie_app() -> Router {
    app(manager({
        let mut c = config();
        c.token_location = vec![Location::Headers, Location::Cookies];
        c
    }))
}

#[tokio::test]
async fn v1_as_bearer_on_jwt_required_is_200() {
    let app = header_app();
    let r = get_req(&app, "/protected", &[("authorization", &bearer(V1))]).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.json(),
        json!({
            "identity": "interop-user",
            "claims": {
                "fresh": false,
                "iat": 1_700_000_000,
                "jti": JTI1,
                "type": "access",
                "sub": "interop-user",
                "nbf": 1_700_000_000,
                "csrf": CSRF,
            },
            "header": {"alg": "HS256", "typ": "JWT"},
            "location": "headers",
        })
    );
}

#[tokio::test]
async fn v1_on_fresh_route_is_401_fresh_token_required() {
    let app = header_app();
    let r = get_req(&app, "/fresh", &[("authorization", &bearer(V1))]).await;
    assert_eq!(r.status, 401);
    assert_eq!(r.json(), json!({"msg": "Fresh token required"}));
}

#[tokio::test]
async fn v2_on_fresh_route_is_200() {
    let app = header_app();
    let r = get_req(&app, "/fresh", &[("authorization", &bearer(V2))]).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json(), json!({"identity": "interop-user"}));
    let r = get_req(&app, "/protected", &[("authorization", &bearer(V2))]).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["claims"]["roles"], json!(["admin", "user"]));
    assert_eq!(r.json()["claims"]["fresh"], json!(true));
}

#[tokio::test]
async fn v3_on_default_route_is_422_only_non_refresh() {
    let app = header_app();
    let r = get_req(&app, "/protected", &[("authorization", &bearer(V3))]).await;
    assert_eq!(r.status, 422);
    assert_eq!(
        r.json(),
        json!({"msg": "Only non-refresh tokens are allowed"})
    );
}

#[tokio::test]
async fn v3_on_refresh_route_is_200() {
    let app = header_app();
    let r = get_req(&app, "/refresh", &[("authorization", &bearer(V3))]).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json(), json!({"identity": "interop-user"}));
    // And V1 (access) there is the opposite type error.
    let r = get_req(&app, "/refresh", &[("authorization", &bearer(V1))]).await;
    assert_eq!(r.status, 422);
    assert_eq!(r.json(), json!({"msg": "Only refresh tokens are allowed"}));
}

#[tokio::test]
async fn v4_anywhere_is_401_token_has_expired() {
    let app = header_app();
    for uri in ["/protected", "/fresh", "/refresh", "/optional"] {
        let r = get_req(&app, uri, &[("authorization", &bearer(V4))]).await;
        assert_eq!(r.status, 401, "{uri}");
        assert_eq!(r.json(), json!({"msg": "Token has expired"}), "{uri}");
    }
}

#[tokio::test]
async fn v5_on_fresh_route_is_401_fresh_token_required() {
    let app = header_app();
    let r = get_req(&app, "/fresh", &[("authorization", &bearer(V5))]).await;
    assert_eq!(r.status, 401);
    assert_eq!(r.json(), json!({"msg": "Fresh token required"}));
}

#[tokio::test]
async fn v5_on_non_fresh_route_is_200() {
    let app = header_app();
    let r = get_req(&app, "/protected", &[("authorization", &bearer(V5))]).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["claims"]["fresh"], json!(1_700_000_300.5));
}

#[tokio::test]
async fn v6_header_kid_is_visible_to_the_handler() {
    let app = header_app();
    let r = get_req(&app, "/protected", &[("authorization", &bearer(V6))]).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.json()["header"],
        json!({"alg": "HS256", "kid": "key-1", "typ": "JWT"})
    );
}

#[tokio::test]
async fn v1_as_cookie_on_post_with_matching_csrf_header_is_200() {
    let app = cookie_app();
    let cookie = format!("access_token_cookie={V1}");
    let r = request(
        &app,
        "POST",
        "/protected",
        &[("cookie", &cookie), ("X-CSRF-TOKEN", CSRF)],
        None,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["identity"], "interop-user");
    assert_eq!(r.json()["location"], "cookies");
}

#[tokio::test]
async fn v1_as_cookie_on_post_with_wrong_csrf_header_is_401() {
    let app = cookie_app();
    let cookie = format!("access_token_cookie={V1}");
    let r = request(
        &app,
        "POST",
        "/protected",
        &[
            ("cookie", &cookie),
            ("X-CSRF-TOKEN", "00000000-0000-4000-8000-0000000000c6"),
        ],
        None,
    )
    .await;
    assert_eq!(r.status, 401);
    assert_eq!(
        r.json(),
        json!({"msg": "CSRF double submit tokens do not match"})
    );
    // Without any CSRF header at all.
    let r = request(&app, "POST", "/protected", &[("cookie", &cookie)], None).await;
    assert_eq!(r.status, 401);
    assert_eq!(r.json(), json!({"msg": "Missing CSRF token"}));
}

#[tokio::test]
async fn v1_as_cookie_on_get_needs_no_csrf() {
    let app = cookie_app();
    let cookie = format!("access_token_cookie={V1}");
    let r = get_req(&app, "/protected", &[("cookie", &cookie)]).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["location"], "cookies");
}
