//! The demo app's contract (examples/demo/README.md), driven in-process through its real router
//! (`examples/demo/app.rs`): every route, header / cookie / query-string / JSON-body clients,
//! logout revoking, the admin check, the custom error key, OPTIONS.

mod common;
#[path = "common/demo.rs"]
mod demo;

use serde_json::json;

use common::{bearer, member_order, request};
use demo::{call, demo, login, tokens};

#[tokio::test]
async fn header_clients_every_route() {
    let app = demo(&[]);
    let r = call(&app, "GET", "/health", &[], None).await;
    assert_eq!((r.status.as_u16(), r.json()), (200, json!("ok")));

    let r = login(&app, "testuser", "wrong").await;
    assert_eq!(
        (r.status.as_u16(), r.json()),
        (401, json!({"msg": "Bad username or password"}))
    );
    let r = login(&app, "nobody", "testpass").await;
    assert_eq!(r.status.as_u16(), 401);
    for bad in [
        "not json",
        "[1]",
        "{\"username\": \"testuser\"}",
        "{\"username\": 1, \"password\": \"x\"}",
    ] {
        let r = request(
            &app,
            "POST",
            "/login",
            &[("Content-Type", "application/json")],
            Some(bad),
        )
        .await;
        assert_eq!(r.status.as_u16(), 400, "{bad}");
        assert!(!r.msg().is_empty(), "{bad}: {}", r.text);
    }

    let r = login(&app, "testuser", "testpass").await;
    assert_eq!(r.status.as_u16(), 200);
    let (access, refresh) = tokens(&r);
    let auth = bearer(&access);
    let a = [("Authorization", auth.as_str())];

    let r = call(&app, "GET", "/protected", &a, None).await;
    assert_eq!(
        (r.status.as_u16(), r.json()),
        (200, json!({"logged_in_as": "testuser"}))
    );
    let r = call(&app, "GET", "/protected", &[], None).await;
    assert_eq!(
        (r.status.as_u16(), r.json()),
        (401, json!({"msg": "Missing Authorization Header"}))
    );
    let r = call(&app, "GET", "/optional", &[], None).await;
    assert_eq!(
        (r.status.as_u16(), r.json()),
        (200, json!({"logged_in_as": null}))
    );
    let r = call(&app, "GET", "/optional", &a, None).await;
    assert_eq!(r.json(), json!({"logged_in_as": "testuser"}));
    // The login token is fresh; a refreshed one is not.
    let r = call(&app, "GET", "/fresh", &a, None).await;
    assert_eq!(
        (r.status.as_u16(), r.json()),
        (200, json!({"logged_in_as": "testuser"}))
    );
    let r = call(
        &app,
        "POST",
        "/refresh",
        &[("Authorization", &bearer(&refresh))],
        None,
    )
    .await;
    assert_eq!(r.status.as_u16(), 200);
    let new_access = r.json()["access_token"].as_str().unwrap().to_owned();
    let r = call(
        &app,
        "GET",
        "/fresh",
        &[("Authorization", &bearer(&new_access))],
        None,
    )
    .await;
    assert_eq!(
        (r.status.as_u16(), r.json()),
        (401, json!({"msg": "Fresh token required"}))
    );
    let r = call(&app, "POST", "/refresh", &a, None).await;
    assert_eq!(
        (r.status.as_u16(), r.msg().as_str()),
        (422, "Only refresh tokens are allowed")
    );

    let r = call(&app, "GET", "/claims", &a, None).await;
    let v = r.json();
    assert_eq!(r.status.as_u16(), 200);
    assert_eq!(
        (
            v["claims"]["sub"].clone(),
            v["claims"]["roles"].clone(),
            v["claims"]["fresh"].clone()
        ),
        (json!("testuser"), json!(["user"]), json!(true))
    );
    assert_eq!(
        (v["header"].clone(), v["location"].clone()),
        (json!({"alg": "HS256", "typ": "JWT"}), json!("headers"))
    );

    let r = call(&app, "POST", "/echo", &a, Some(json!({"message": "hello"}))).await;
    assert_eq!(
        (r.status.as_u16(), r.json()),
        (200, json!({"logged_in_as": "testuser", "message": "hello"}))
    );

    let r = call(&app, "GET", "/whoami", &a, None).await;
    assert_eq!(
        (r.status.as_u16(), r.json()),
        (200, json!({"username": "testuser", "roles": ["user"]}))
    );
    let r = call(&app, "GET", "/admin", &a, None).await;
    assert_eq!(
        (r.status.as_u16(), r.json()),
        (403, json!({"msg": "Admins only!"}))
    );
    let admin = tokens(&login(&app, "admin", "adminpass").await).0;
    let r = call(
        &app,
        "GET",
        "/admin",
        &[("Authorization", &bearer(&admin))],
        None,
    )
    .await;
    assert_eq!(
        (r.status.as_u16(), r.json()),
        (200, json!({"msg": "Welcome, admin"}))
    );

    // Logout revokes the presented token, access or refresh.
    let r = call(&app, "POST", "/logout", &a, None).await;
    assert_eq!(
        (r.status.as_u16(), r.json()),
        (200, json!({"msg": "Access token revoked"}))
    );
    let r = call(&app, "GET", "/protected", &a, None).await;
    assert_eq!(
        (r.status.as_u16(), r.json()),
        (401, json!({"msg": "Token has been revoked"}))
    );
    let r = call(
        &app,
        "POST",
        "/logout",
        &[("Authorization", &bearer(&refresh))],
        None,
    )
    .await;
    assert_eq!(
        (r.status.as_u16(), r.json()),
        (200, json!({"msg": "Refresh token revoked"}))
    );
    let r = call(
        &app,
        "POST",
        "/refresh",
        &[("Authorization", &bearer(&refresh))],
        None,
    )
    .await;
    assert_eq!(
        (r.status.as_u16(), r.json()),
        (401, json!({"msg": "Token has been revoked"}))
    );

    // OPTIONS on any route, without a token.
    for uri in ["/protected", "/fresh", "/refresh", "/logout", "/admin"] {
        let r = call(&app, "OPTIONS", uri, &[], None).await;
        assert!(r.status.is_success(), "{uri}: {}", r.status);
    }
}

#[tokio::test]
async fn cookie_clients() {
    let app = demo(&[("JWT_TOKEN_LOCATION", "cookies")]);
    let r = login(&app, "testuser", "testpass").await;
    assert_eq!(r.status.as_u16(), 200);
    let set = r.set_cookies();
    let names: Vec<&str> = set.iter().map(|l| l.split('=').next().unwrap()).collect();
    assert_eq!(
        names,
        [
            "access_token_cookie",
            "csrf_access_token",
            "refresh_token_cookie",
            "csrf_refresh_token"
        ]
    );
    let value = |name: &str| {
        set.iter()
            .find_map(|l| {
                l.split(';')
                    .next()?
                    .strip_prefix(&format!("{name}="))
                    .map(str::to_owned)
            })
            .unwrap()
    };
    let jar = |names: &[&str]| {
        names
            .iter()
            .map(|n| format!("{n}={}", value(n)))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let all = jar(&[
        "access_token_cookie",
        "csrf_access_token",
        "refresh_token_cookie",
        "csrf_refresh_token",
    ]);

    let r = call(&app, "GET", "/protected", &[("Cookie", &all)], None).await;
    assert_eq!(
        (r.status.as_u16(), r.json()),
        (200, json!({"logged_in_as": "testuser"}))
    );
    // POSTs are CSRF-checked; the CSRF cookie alone does not count.
    let r = call(&app, "POST", "/refresh", &[("Cookie", &all)], None).await;
    assert_eq!(
        (r.status.as_u16(), r.json()),
        (401, json!({"msg": "Missing CSRF token"}))
    );
    let r = call(
        &app,
        "POST",
        "/refresh",
        &[
            ("Cookie", &all),
            ("X-CSRF-TOKEN", &value("csrf_refresh_token")),
        ],
        None,
    )
    .await;
    assert_eq!(r.status.as_u16(), 200);
    let refreshed: Vec<String> = r
        .set_cookies()
        .iter()
        .map(|l| l.split('=').next().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(refreshed, ["access_token_cookie", "csrf_access_token"]);

    // Logout without the CSRF header revokes and unsets nothing.
    let r = call(&app, "POST", "/logout", &[("Cookie", &all)], None).await;
    assert_eq!(
        (r.status.as_u16(), r.json(), r.set_cookies().len()),
        (401, json!({"msg": "Missing CSRF token"}), 0)
    );
    let r = call(&app, "GET", "/protected", &[("Cookie", &all)], None).await;
    assert_eq!(r.status.as_u16(), 200);
    let r = call(
        &app,
        "POST",
        "/logout",
        &[
            ("Cookie", &all),
            ("X-CSRF-TOKEN", &value("csrf_access_token")),
        ],
        None,
    )
    .await;
    assert_eq!(
        (r.status.as_u16(), r.json()),
        (200, json!({"msg": "Access token revoked"}))
    );
    assert_eq!(r.set_cookies().len(), 4);
    assert!(r
        .set_cookies()
        .iter()
        .all(|l| l.contains("Expires=Thu, 01 Jan 1970 00:00:00 GMT")));
    let r = call(&app, "GET", "/protected", &[("Cookie", &all)], None).await;
    assert_eq!(
        (r.status.as_u16(), r.json()),
        (401, json!({"msg": "Token has been revoked"}))
    );
}

#[tokio::test]
async fn query_string_and_json_body_clients() {
    let app = demo(&[("JWT_TOKEN_LOCATION", "query_string")]);
    let access = tokens(&login(&app, "testuser", "testpass").await).0;
    let r = call(&app, "GET", &format!("/protected?jwt={access}"), &[], None).await;
    assert_eq!(
        (r.status.as_u16(), r.json()),
        (200, json!({"logged_in_as": "testuser"}))
    );
    let r = call(&app, "GET", "/protected", &[], None).await;
    assert_eq!(
        (r.status.as_u16(), r.json()),
        (401, json!({"msg": "Missing 'jwt' query paramater"}))
    );

    let app = demo(&[("JWT_TOKEN_LOCATION", "json")]);
    let access = tokens(&login(&app, "testuser", "testpass").await).0;
    // The JSON location reads the body whatever the method, GET included.
    let r = call(
        &app,
        "GET",
        "/protected",
        &[],
        Some(json!({"access_token": access})),
    )
    .await;
    assert_eq!(
        (r.status.as_u16(), r.json()),
        (200, json!({"logged_in_as": "testuser"}))
    );
    let r = call(
        &app,
        "POST",
        "/echo",
        &[],
        Some(json!({"access_token": access, "message": "hi"})),
    )
    .await;
    assert_eq!(
        (r.status.as_u16(), r.json()),
        (200, json!({"logged_in_as": "testuser", "message": "hi"}))
    );
    let r = call(&app, "POST", "/echo", &[], Some(json!({"message": "hi"}))).await;
    assert_eq!(
        (r.status.as_u16(), r.json()),
        (
            401,
            json!({"msg": "Missing \"access_token\" key in json data."})
        )
    );
}

#[tokio::test]
async fn error_message_key_applies_to_the_demos_own_errors() {
    let app = demo(&[("JWT_ERROR_MESSAGE_KEY", "error")]);
    let r = login(&app, "testuser", "nope").await;
    assert_eq!(
        (r.status.as_u16(), r.json()),
        (401, json!({"error": "Bad username or password"}))
    );
    let r = call(&app, "GET", "/protected", &[], None).await;
    assert_eq!(r.json(), json!({"error": "Missing Authorization Header"}));
    let access = tokens(&login(&app, "testuser", "testpass").await).0;
    let r = call(
        &app,
        "GET",
        "/admin",
        &[("Authorization", &bearer(&access))],
        None,
    )
    .await;
    assert_eq!(
        (r.status.as_u16(), r.json()),
        (403, json!({"error": "Admins only!"}))
    );
    let r = request(
        &app,
        "POST",
        "/login",
        &[("Content-Type", "application/json")],
        Some("[]"),
    )
    .await;
    assert_eq!(r.status.as_u16(), 400);
    assert!(r.json()["error"].is_string(), "{}", r.text);
}

#[tokio::test]
async fn the_api_nest_under_the_router_layer() {
    let app = demo(&[]);
    let r = login(&app, "testuser", "testpass").await;
    let (access, _) = tokens(&r);
    let auth = bearer(&access);
    let r = call(&app, "GET", "/api/me", &[("Authorization", &auth)], None).await;
    assert_eq!(
        (r.status.as_u16(), r.json()),
        (200, json!({"logged_in_as": "testuser"}))
    );
    // Without a token: the same 401 as /protected.
    let api = call(&app, "GET", "/api/me", &[], None).await;
    let protected = call(&app, "GET", "/protected", &[], None).await;
    assert_eq!(
        (api.status, api.json()),
        (protected.status, protected.json())
    );
    assert_eq!(api.status.as_u16(), 401);
    for headers in [&[("Authorization", auth.as_str())][..], &[]] {
        let r = call(&app, "GET", "/api/open", headers, None).await;
        assert_eq!((r.status.as_u16(), r.json()), (200, json!({"open": true})));
    }
}

#[tokio::test]
async fn logout_all_revokes_every_token_of_the_user() {
    let app = demo(&[]);
    let (first_access, first_refresh) = tokens(&login(&app, "testuser", "testpass").await);
    let (second_access, _) = tokens(&login(&app, "testuser", "testpass").await);
    let (admin_access, _) = tokens(&login(&app, "admin", "adminpass").await);
    let r = call(
        &app,
        "POST",
        "/logout/all",
        &[("Authorization", &bearer(&second_access))],
        None,
    )
    .await;
    assert_eq!(
        (r.status.as_u16(), r.json()),
        (200, json!({"msg": "All tokens revoked"}))
    );
    for token in [&first_access, &second_access] {
        let r = call(
            &app,
            "GET",
            "/protected",
            &[("Authorization", &bearer(token))],
            None,
        )
        .await;
        assert_eq!(
            (r.status.as_u16(), r.json()),
            (401, json!({"msg": "Token has been revoked"}))
        );
    }
    let r = call(
        &app,
        "POST",
        "/refresh",
        &[("Authorization", &bearer(&first_refresh))],
        None,
    )
    .await;
    assert_eq!(r.status.as_u16(), 401, "{}", r.text);
    // Another user is untouched.
    let r = call(
        &app,
        "GET",
        "/protected",
        &[("Authorization", &bearer(&admin_access))],
        None,
    )
    .await;
    assert_eq!(r.status.as_u16(), 200);
    // A login in a later second works again.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let (fresh, _) = tokens(&login(&app, "testuser", "testpass").await);
    let r = call(
        &app,
        "GET",
        "/protected",
        &[("Authorization", &bearer(&fresh))],
        None,
    )
    .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
}

/// `GET /claims` lists the claims in the token's own order, as flask-jwt-extended does.
#[tokio::test]
async fn claims_keep_the_tokens_order() {
    use base64::Engine;
    let app = demo(&[]);
    let (access, _) = tokens(&login(&app, "testuser", "testpass").await);
    let payload = access.split('.').nth(1).unwrap();
    let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .unwrap();
    let token_order = member_order(std::str::from_utf8(&payload).unwrap());
    let r = call(
        &app,
        "GET",
        "/claims",
        &[("Authorization", &bearer(&access))],
        None,
    )
    .await;
    let start = r.text.find("\"claims\":").unwrap() + "\"claims\":".len();
    let replied = member_order(&r.text[start..]);
    assert_eq!(replied, token_order, "{}", r.text);
}

/// `/login` takes what a login needs: a declared `Content-Length` over 4 KiB is 413 at once
/// (nothing read), and an undeclared body past 4 KiB is cut there (413 too), under
/// `JWT_ERROR_MESSAGE_KEY` like every error of the demo.
#[tokio::test]
async fn login_bodies_are_small() {
    use axum::body::Body;
    use axum::http::Request;

    let app = demo(&[("JWT_ERROR_MESSAGE_KEY", "error")]);
    let declared = Request::post("/login")
        .header("Content-Type", "application/json")
        .header("Content-Length", "100000000")
        .body(Body::from("{}"))
        .unwrap();
    let r = common::send(&app, declared).await;
    assert_eq!(
        (r.status.as_u16(), r.json()),
        (
            413,
            json!({"error": "Request body is larger than 4096 bytes"})
        )
    );
    let long = format!(
        r#"{{"username": "testuser", "password": "{}"}}"#,
        "x".repeat(5000)
    );
    // No Content-Length header: the body is read up to the limit.
    let streamed = Request::post("/login")
        .header("Content-Type", "application/json")
        .body(Body::from(long))
        .unwrap();
    let r = common::send(&app, streamed).await;
    assert_eq!(
        (r.status.as_u16(), r.json()),
        (413, json!({"error": "Request body is too large"}))
    );
}
