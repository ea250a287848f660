//! Port of flask-jwt-extended's `tests/test_multiple_token_locations.py`,
//! through a real `Router` with a client that keeps cookies, plus every
//! combined "Missing JWT in …" message, precedence, and what does (a missing token) and does
//! not (a bad token, a bad header format or query prefix, a CSRF failure) fall through to the
//! next location.
//!
//! Upstream has two apps: `app` configures all four locations, `app_with_locations` configures
//! headers only and names all four on the route (`locations=`). Both are ported; each test
//! runs against both, as upstream's loops do.

use crate::common;
use crate::common::jar;

use axum::extract::State;
use axum::routing::{any, get};
use axum::{Json, Router};
use axum_jwt_extended::{
    get_jwt_identity, get_jwt_request_location, jwt_required, set_access_cookies, CookieOptions,
    JwtCookies, JwtError, JwtManager, Location, NoJwtContext,
};
use serde_json::{json, Value};

use common::{bearer, cfg, manager, msg, request, status_json, V4};
use jar::Client;

async fn cookie_login(
    State(jwt): State<JwtManager>,
) -> Result<(JwtCookies, Json<Value>), JwtError> {
    let token = jwt.create_access_token("username")?;
    let cookies = set_access_cookies(&jwt, &token, CookieOptions::default())?;
    Ok((cookies, Json(json!({"login": true}))))
}

fn body() -> Result<Json<Value>, NoJwtContext> {
    Ok(Json(json!({
        "foo": "bar",
        "location": get_jwt_request_location(),
    })))
}

/// `app`'s route: the configured locations.
#[jwt_required]
async fn access_protected() -> Result<Json<Value>, NoJwtContext> {
    body()
}

/// `app_with_locations`' route.
#[jwt_required(locations = ["headers", "cookies", "query_string", "json"])]
async fn all_locations() -> Result<Json<Value>, NoJwtContext> {
    body()
}

#[jwt_required(locations = ["query_string", "headers"])]
async fn query_then_headers() -> Result<Json<Value>, NoJwtContext> {
    body()
}

#[jwt_required(locations = ["cookies", "headers"])]
async fn cookies_then_headers() -> Result<Json<Value>, NoJwtContext> {
    body()
}

#[jwt_required(optional)]
async fn optional() -> Result<Json<Value>, NoJwtContext> {
    Ok(Json(json!({
        "identity": get_jwt_identity()?,
        "location": get_jwt_request_location(),
    })))
}

fn router(jwt: JwtManager, per_route: bool) -> Router {
    let protected = if per_route {
        any(all_locations)
    } else {
        any(access_protected)
    };
    Router::new()
        .route("/cookie_login", get(cookie_login))
        .route("/protected", protected)
        .route("/qh", any(query_then_headers))
        .route("/ch", any(cookies_then_headers))
        .route("/optional", any(optional))
        .with_state(jwt)
}

const ALL: [Location; 4] = [
    Location::Headers,
    Location::Cookies,
    Location::QueryString,
    Location::Json,
];

/// Upstream's `app` fixture.
fn app() -> (JwtManager, Router) {
    let jwt = manager(cfg(&ALL));
    (jwt.clone(), router(jwt, false))
}

/// Upstream's `app_with_locations` fixture.
fn app_with_locations() -> (JwtManager, Router) {
    let jwt = manager(cfg(&[Location::Headers]));
    (jwt.clone(), router(jwt, true))
}

/// An app whose `JWT_TOKEN_LOCATION` is `locations` (upstream changes `app.config`).
fn app_at(locations: &[Location]) -> (JwtManager, Router) {
    let jwt = manager(cfg(locations));
    (jwt.clone(), router(jwt, false))
}

fn from(location: &str) -> (u16, Value) {
    (200, json!({"foo": "bar", "location": location}))
}

// ---- test_multiple_token_locations.py --------------------------------------------------------

#[tokio::test]
async fn test_header_access() {
    for (jwt, app) in [app(), app_with_locations()] {
        let token = jwt.create_access_token("username").unwrap();
        for method in ["GET", "POST"] {
            let r = request(
                &app,
                method,
                "/protected",
                &[("Authorization", &bearer(&token))],
                None,
            )
            .await;
            assert_eq!(status_json(&r), from("headers"), "{method}");
        }
    }
}

#[tokio::test]
async fn test_cookie_access() {
    for (_, app) in [app(), app_with_locations()] {
        let mut client = Client::new(app);
        let r = client.get("/cookie_login").await;
        assert_eq!(status_json(&r), (200, json!({"login": true})));
        assert_eq!(
            status_json(&client.get("/protected").await),
            from("cookies")
        );
        // POST needs the CSRF value, from the CSRF cookie.
        assert_eq!(
            status_json(&client.post("/protected", &[]).await),
            (401, msg("Missing CSRF token"))
        );
        let csrf = client.cookie("csrf_access_token").unwrap().to_owned();
        assert_eq!(
            status_json(&client.post("/protected", &[("X-CSRF-TOKEN", &csrf)]).await),
            from("cookies")
        );
    }
}

#[tokio::test]
async fn test_query_string_access() {
    for (jwt, app) in [app(), app_with_locations()] {
        let token = jwt.create_access_token("username").unwrap();
        let r = request(&app, "GET", &format!("/protected?jwt={token}"), &[], None).await;
        assert_eq!(status_json(&r), from("query_string"));
    }
}

#[tokio::test]
async fn test_json_access() {
    for (jwt, app) in [app(), app_with_locations()] {
        let token = jwt.create_access_token("username").unwrap();
        let r = request(
            &app,
            "POST",
            "/protected",
            &[("Content-Type", "application/json")],
            Some(&json!({ "access_token": token }).to_string()),
        )
        .await;
        assert_eq!(status_json(&r), from("json"));
    }
}

#[tokio::test]
async fn test_no_jwt_in_request() {
    use Location::*;
    // Upstream's two parameter sets, then the rest of the location behaviour observed in Flask (all observed in Flask).
    let cases: [(&[Location], &str); 5] = [
        (
            &[Cookies, Headers],
            "Missing JWT in cookies or headers (Missing cookie \"access_token_cookie\"; Missing Authorization Header)",
        ),
        (
            &[Json, QueryString],
            "Missing JWT in json or query_string (Invalid content-type. Must be application/json.; Missing 'jwt' query paramater)",
        ),
        (
            &[Headers, Cookies],
            "Missing JWT in headers or cookies (Missing Authorization Header; Missing cookie \"access_token_cookie\")",
        ),
        (
            &[Headers, Cookies, QueryString],
            "Missing JWT in headers, cookies or query_string (Missing Authorization Header; Missing cookie \"access_token_cookie\"; Missing 'jwt' query paramater)",
        ),
        (
            &[Headers, Cookies, QueryString, Json],
            "Missing JWT in headers, cookies, query_string or json (Missing Authorization Header; Missing cookie \"access_token_cookie\"; Missing 'jwt' query paramater; Invalid content-type. Must be application/json.)",
        ),
    ];
    for (locations, expected) in cases {
        let (_, app) = app_at(locations);
        for method in ["GET", "POST"] {
            let r = request(&app, method, "/protected", &[], None).await;
            assert_eq!(
                status_json(&r),
                (401, msg(expected)),
                "{locations:?} {method}"
            );
        }
    }
    // The per-route `locations=` (per-route).
    let (_, app) = app_at(&[Headers]);
    let r = request(&app, "GET", "/qh", &[], None).await;
    assert_eq!(
        status_json(&r),
        (401, msg("Missing JWT in query_string or headers (Missing 'jwt' query paramater; Missing Authorization Header)"))
    );
    // app_with_locations: the route's four, whatever the configuration says.
    let (_, app) = app_with_locations();
    let r = request(&app, "GET", "/protected", &[], None).await;
    assert_eq!(
        status_json(&r),
        (401, msg("Missing JWT in headers, cookies, query_string or json (Missing Authorization Header; Missing cookie \"access_token_cookie\"; Missing 'jwt' query paramater; Invalid content-type. Must be application/json.)"))
    );
    // Each location's own message follows its settings.
    let jwt = manager({
        let mut c = cfg(&ALL);
        c.header_name = "X-Api-Token".into();
        c.access_cookie_name = "tok".into();
        c.query_string_name = "t".into();
        c.json_key = "k".into();
        c
    });
    let r = request(
        &router(jwt, false),
        "POST",
        "/protected",
        &[("Content-Type", "application/json")],
        Some("{}"),
    )
    .await;
    assert_eq!(
        status_json(&r),
        (401, msg("Missing JWT in headers, cookies, query_string or json (Missing X-Api-Token Header; Missing cookie \"tok\"; Missing 't' query paramater; Missing \"k\" key in json data.)"))
    );
}

#[tokio::test]
async fn test_order_of_jwt_locations_in_request() {
    // Order does not matter when only one location has a token.
    for locations in [
        [Location::Cookies, Location::Headers],
        [Location::Headers, Location::Cookies],
    ] {
        let (_, app) = app_at(&locations);
        let mut client = Client::new(app);
        client.get("/cookie_login").await;
        assert_eq!(
            status_json(&client.get("/protected").await),
            from("cookies"),
            "{locations:?}"
        );
    }
    // With valid tokens in two locations, the first configured one is used.
    for (locations, expected) in [
        ([Location::Cookies, Location::Headers], "cookies"),
        ([Location::Headers, Location::Cookies], "headers"),
        ([Location::QueryString, Location::Json], "query_string"),
        ([Location::Json, Location::QueryString], "json"),
    ] {
        let (jwt, app) = app_at(&locations);
        let token = jwt.create_access_token("username").unwrap();
        let r = request(
            &app,
            "POST",
            &format!("/protected?jwt={token}"),
            &[
                ("Authorization", &bearer(&token)),
                ("Cookie", &format!("access_token_cookie={token}")),
                ("X-CSRF-TOKEN", &jwt.get_csrf_token(&token).unwrap()),
                ("Content-Type", "application/json"),
            ],
            Some(&json!({ "access_token": token }).to_string()),
        )
        .await;
        assert_eq!(status_json(&r), from(expected), "{locations:?}");
    }
}

#[tokio::test]
async fn test_order_of_jwt_locations_with_one_invalid_token_in_request() {
    for (locations, expected) in [
        ([Location::Cookies, Location::Headers], from("cookies")),
        (
            [Location::Headers, Location::Cookies],
            (422, msg("Invalid header padding")),
        ),
    ] {
        let (jwt, app) = app_at(&locations);
        let token = jwt.create_access_token("username").unwrap();
        // Invalidated as upstream does, to check the precedence of locations.
        let invalid = format!("000000{}", &token[5..]);
        let mut client = Client::new(app);
        client.get("/cookie_login").await;
        let r = client
            .get_with("/protected", &[("Authorization", &bearer(&invalid))])
            .await;
        assert_eq!(status_json(&r), expected, "{locations:?}");
    }
}

// ---- the rest of the location behaviour observed in Flask ---------------------------------------------------------------

#[tokio::test]
async fn test_get_jwt_request_location_values() {
    // `Option<Location>` serializes as flask-jwt-extended's strings (and `None` as null).
    for (location, name) in [
        (Location::Headers, "headers"),
        (Location::Cookies, "cookies"),
        (Location::QueryString, "query_string"),
        (Location::Json, "json"),
    ] {
        assert_eq!(serde_json::to_value(Some(location)).unwrap(), json!(name));
        assert_eq!(location.to_string(), name);
    }
    assert_eq!(serde_json::to_value(None::<Location>).unwrap(), Value::Null);

    // Through a request: anonymous on an optional route, then each location.
    let (jwt, app) = app();
    let r = request(&app, "GET", "/optional", &[], None).await;
    assert_eq!(
        status_json(&r),
        (200, json!({"identity": null, "location": null}))
    );
    let token = jwt.create_access_token("username").unwrap();
    let r = request(&app, "GET", &format!("/optional?jwt={token}"), &[], None).await;
    assert_eq!(
        status_json(&r),
        (
            200,
            json!({"identity": "username", "location": "query_string"})
        )
    );
}

#[tokio::test]
async fn test_not_found_includes_another_scheme() {
    // `Authorization: Basic x` is "not found", so the query string is tried.
    let (jwt, app) = app_at(&[Location::Headers, Location::QueryString]);
    let token = jwt.create_access_token("username").unwrap();
    let r = request(
        &app,
        "GET",
        &format!("/protected?jwt={token}"),
        &[("Authorization", "Basic x")],
        None,
    )
    .await;
    assert_eq!(status_json(&r), from("query_string"));
    // Its message is part of the combined one.
    let r = request(
        &app,
        "GET",
        "/protected",
        &[("Authorization", "Basic x")],
        None,
    )
    .await;
    assert_eq!(
        status_json(&r),
        (401, msg("Missing JWT in headers or query_string (Missing 'Bearer' type in 'Authorization' header. Expected 'Authorization: Bearer <JWT>'; Missing 'jwt' query paramater)"))
    );
    // But `Bearer` without a token is a format error, and it aborts.
    let r = request(
        &app,
        "GET",
        &format!("/protected?jwt={token}"),
        &[("Authorization", "Bearer")],
        None,
    )
    .await;
    assert_eq!(
        status_json(&r),
        (
            422,
            msg("Bad Authorization header. Expected 'Authorization: Bearer <JWT>'")
        )
    );
    // On an optional route, "not found" everywhere is anonymous.
    let r = request(
        &app,
        "GET",
        "/optional",
        &[("Authorization", "Basic x")],
        None,
    )
    .await;
    assert_eq!(
        status_json(&r),
        (200, json!({"identity": null, "location": null}))
    );
}

#[tokio::test]
async fn test_errors_other_than_not_found_do_not_fall_through() {
    // A bad query prefix.
    let jwt = manager({
        let mut c = cfg(&[Location::QueryString, Location::Headers]);
        c.query_string_value_prefix = "Bearer ".into();
        c
    });
    let app = router(jwt.clone(), false);
    let token = jwt.create_access_token("username").unwrap();
    let r = request(
        &app,
        "GET",
        &format!("/protected?jwt={token}"),
        &[("Authorization", &bearer(&token))],
        None,
    )
    .await;
    assert_eq!(
        status_json(&r),
        (422, msg("Invalid value for query parameter 'jwt'. Expected the value to start with 'Bearer '"))
    );
    // An expired token.
    let (jwt, app) = app_at(&[Location::Headers, Location::Cookies]);
    let token = jwt.create_access_token("username").unwrap();
    let r = request(
        &app,
        "GET",
        "/protected",
        &[
            ("Authorization", &bearer(V4)),
            ("Cookie", &format!("access_token_cookie={token}")),
        ],
        None,
    )
    .await;
    assert_eq!(status_json(&r), (401, msg("Token has expired")));
    // An invalid token in a JSON body, before a valid query string.
    let (jwt, app) = app_at(&[Location::Json, Location::QueryString]);
    let token = jwt.create_access_token("username").unwrap();
    let r = request(
        &app,
        "POST",
        &format!("/protected?jwt={token}"),
        &[("Content-Type", "application/json")],
        Some(r#"{"access_token": "foobarbaz"}"#),
    )
    .await;
    assert_eq!(status_json(&r), (422, msg("Not enough segments")));
    // A JSON location without a JSON body is "not found": the query string is tried.
    let r = request(&app, "GET", &format!("/protected?jwt={token}"), &[], None).await;
    assert_eq!(status_json(&r), from("query_string"));
    let r = request(
        &app,
        "POST",
        &format!("/protected?jwt={token}"),
        &[("Content-Type", "application/json")],
        Some("{}"),
    )
    .await;
    assert_eq!(status_json(&r), from("query_string"));
}

#[tokio::test]
async fn test_csrf_failure_does_not_fall_through() {
    for (jwt, app, uri) in [
        {
            let (jwt, app) = app_at(&[Location::Cookies, Location::Headers]);
            (jwt, app, "/protected")
        },
        {
            // The same with the per-route order.
            let (jwt, app) = app_at(&[Location::Headers]);
            (jwt, app, "/ch")
        },
    ] {
        let token = jwt.create_access_token("username").unwrap();
        let csrf = jwt.get_csrf_token(&token).unwrap();
        let cookie = format!("access_token_cookie={token}");
        let header = bearer(&token);
        let r = request(
            &app,
            "POST",
            uri,
            &[("Cookie", &cookie), ("Authorization", &header)],
            None,
        )
        .await;
        assert_eq!(status_json(&r), (401, msg("Missing CSRF token")), "{uri}");
        let r = request(
            &app,
            "POST",
            uri,
            &[
                ("Cookie", &cookie),
                ("Authorization", &header),
                ("X-CSRF-TOKEN", "wrong"),
            ],
            None,
        )
        .await;
        assert_eq!(
            status_json(&r),
            (401, msg("CSRF double submit tokens do not match")),
            "{uri}"
        );
        let r = request(
            &app,
            "POST",
            uri,
            &[
                ("Cookie", &cookie),
                ("Authorization", &header),
                ("X-CSRF-TOKEN", &csrf),
            ],
            None,
        )
        .await;
        assert_eq!(status_json(&r), from("cookies"), "{uri}");
    }
    // With the header first, the header wins and the cookie's CSRF is never looked at.
    let (jwt, app) = app_at(&[Location::Headers, Location::Cookies]);
    let token = jwt.create_access_token("username").unwrap();
    let r = request(
        &app,
        "POST",
        "/protected",
        &[
            ("Cookie", &format!("access_token_cookie={token}")),
            ("Authorization", &bearer(&token)),
        ],
        None,
    )
    .await;
    assert_eq!(status_json(&r), from("headers"));
}
