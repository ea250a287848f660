//! flask-jwt-extended's refreshing recipes, built in, driven through the demo's real router:
//! refresh-token rotation with reuse detection (`DEMO_ROTATE_REFRESH`), whole-login
//! revocation, and implicit refresh of access cookies (`DEMO_IMPLICIT_REFRESH_SECONDS`).

mod common;
#[path = "common/demo.rs"]
mod demo;

use std::time::Duration;

use axum_jwt_extended::{JwtManager, MemoryBlocklist, TokenOptions, FAMILY_CLAIM};
use serde_json::json;

use common::jar::Client;
use common::{bearer, config, manager, status_json};
use demo::{call, demo, login, tokens};

fn claims_of(token: &str) -> serde_json::Value {
    use base64::Engine;
    let payload = token.split('.').nth(1).expect("a JWT");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .expect("base64url");
    serde_json::from_slice(&bytes).expect("JSON claims")
}

#[tokio::test]
async fn without_rotation_tokens_carry_no_family() {
    let app = demo(&[]);
    let (access, refresh) = tokens(&login(&app, "testuser", "testpass").await);
    assert!(claims_of(&access).get(FAMILY_CLAIM).is_none());
    assert!(claims_of(&refresh).get(FAMILY_CLAIM).is_none());
    let r = call(
        &app,
        "POST",
        "/refresh",
        &[("Authorization", &bearer(&refresh))],
        None,
    )
    .await;
    assert_eq!(
        r.json().as_object().map(|o| o.len()),
        Some(1),
        "only an access token"
    );
}

#[tokio::test]
async fn rotation_returns_a_new_pair_and_reuse_revokes_the_login() {
    let app = demo(&[("DEMO_ROTATE_REFRESH", "true")]);
    let (access1, refresh1) = tokens(&login(&app, "admin", "adminpass").await);
    let family = claims_of(&refresh1)[FAMILY_CLAIM].clone();
    assert!(family.is_string());
    assert_eq!(claims_of(&access1)[FAMILY_CLAIM], family);

    let r = call(
        &app,
        "POST",
        "/refresh",
        &[("Authorization", &bearer(&refresh1))],
        None,
    )
    .await;
    assert_eq!(r.status.as_u16(), 200);
    let (access2, refresh2) = tokens(&r);
    assert_ne!(refresh2, refresh1);
    let c2 = claims_of(&access2);
    assert_eq!(
        (c2[FAMILY_CLAIM].clone(), c2["fresh"].clone()),
        (family.clone(), json!(false))
    );
    assert_eq!(
        c2["roles"],
        json!(["admin", "user"]),
        "roles survive the rotation"
    );
    let r = call(
        &app,
        "GET",
        "/admin",
        &[("Authorization", &bearer(&access2))],
        None,
    )
    .await;
    assert_eq!(status_json(&r), (200, json!({"msg": "Welcome, admin"})));

    // The rotated refresh token again: reuse.
    let r = call(
        &app,
        "POST",
        "/refresh",
        &[("Authorization", &bearer(&refresh1))],
        None,
    )
    .await;
    assert_eq!(
        status_json(&r),
        (
            401,
            json!({"msg": "Refresh token reuse detected: every token of this login was revoked"})
        )
    );
    // Every token of that login is gone: the first and the rotated ones.
    for t in [&access1, &access2] {
        let r = call(
            &app,
            "GET",
            "/protected",
            &[("Authorization", &bearer(t))],
            None,
        )
        .await;
        assert_eq!(
            status_json(&r),
            (401, json!({"msg": "Token has been revoked"}))
        );
    }
    let r = call(
        &app,
        "POST",
        "/refresh",
        &[("Authorization", &bearer(&refresh2))],
        None,
    )
    .await;
    assert_eq!(
        status_json(&r),
        (401, json!({"msg": "Token has been revoked"}))
    );
    // Another login of the same user is untouched.
    let (other, _) = tokens(&login(&app, "admin", "adminpass").await);
    let r = call(
        &app,
        "GET",
        "/protected",
        &[("Authorization", &bearer(&other))],
        None,
    )
    .await;
    assert_eq!(status_json(&r), (200, json!({"logged_in_as": "admin"})));
}

#[tokio::test]
async fn of_two_concurrent_refreshes_exactly_one_wins() {
    let app = demo(&[("DEMO_ROTATE_REFRESH", "true")]);
    for _ in 0..20 {
        let (_, refresh) = tokens(&login(&app, "testuser", "testpass").await);
        let h = bearer(&refresh);
        let headers = [("Authorization", h.as_str())];
        let (a, b) = tokio::join!(
            call(&app, "POST", "/refresh", &headers, None),
            call(&app, "POST", "/refresh", &headers, None),
        );
        let mut statuses = [a.status.as_u16(), b.status.as_u16()];
        statuses.sort();
        assert_eq!(statuses, [200, 401]);
        // The winner's new tokens belong to the revoked family: the loser was reuse.
        let winner = if a.status.as_u16() == 200 { &a } else { &b };
        let (access, _) = tokens(winner);
        let r = call(
            &app,
            "GET",
            "/protected",
            &[("Authorization", &bearer(&access))],
            None,
        )
        .await;
        assert_eq!(r.status.as_u16(), 401);
    }
}

#[tokio::test]
async fn rotation_in_cookie_mode_sets_both_cookies() {
    let app = demo(&[
        ("DEMO_ROTATE_REFRESH", "true"),
        ("JWT_TOKEN_LOCATION", "cookies"),
    ]);
    let mut client = Client::new(app);
    let r = client
        .send(
            "POST",
            "/login",
            &[("Content-Type", "application/json")],
            Some(r#"{"username":"testuser","password":"testpass"}"#),
        )
        .await;
    assert_eq!(r.status.as_u16(), 200);
    let old_refresh = client.cookie("refresh_token_cookie").unwrap().to_owned();
    let csrf = client.cookie("csrf_refresh_token").unwrap().to_owned();
    let r = client.post("/refresh", &[("X-CSRF-TOKEN", &csrf)]).await;
    assert_eq!(r.status.as_u16(), 200);
    let names: Vec<String> = r
        .set_cookies()
        .iter()
        .map(|l| l.split('=').next().unwrap().to_owned())
        .collect();
    assert_eq!(
        names,
        [
            "access_token_cookie",
            "csrf_access_token",
            "refresh_token_cookie",
            "csrf_refresh_token"
        ]
    );
    assert_ne!(client.cookie("refresh_token_cookie").unwrap(), old_refresh);
    let r = client.get("/protected").await;
    assert_eq!(status_json(&r), (200, json!({"logged_in_as": "testuser"})));
}

#[tokio::test]
async fn revoke_login_revokes_the_pair_together() {
    let jwt: JwtManager = common::builder(config())
        .0
        .blocklist(MemoryBlocklist::new())
        .build()
        .unwrap();
    let login1 = jwt.create_token_pair("alice", TokenOptions::new()).unwrap();
    let login2 = jwt.create_token_pair("alice", TokenOptions::new()).unwrap();
    let access = jwt.decode_token(&login1.access_token).unwrap();
    jwt.revoke_login(&access).await.unwrap();
    let refresh = jwt.decode_token(&login1.refresh_token).unwrap();
    assert!(
        jwt.is_token_revoked(&refresh).await.unwrap(),
        "the refresh token of that login"
    );
    let other = jwt.decode_token(&login2.access_token).unwrap();
    assert!(
        !jwt.is_token_revoked(&other).await.unwrap(),
        "another login"
    );
    // A token without a family is revoked alone.
    let plain = jwt
        .decode_token(&jwt.create_access_token("alice").unwrap())
        .unwrap();
    jwt.revoke_login(&plain).await.unwrap();
    assert!(jwt.is_token_revoked(&plain).await.unwrap());
    // Without a store, revocation fails loudly.
    let no_store = manager(config());
    let err = no_store.revoke_login(&access).await.unwrap_err();
    assert_eq!(err.status().as_u16(), 503);
}

async fn cookie_login(app: axum::Router) -> Client {
    let mut client = Client::new(app);
    let r = client
        .send(
            "POST",
            "/login",
            &[("Content-Type", "application/json")],
            Some(r#"{"username":"admin","password":"adminpass"}"#),
        )
        .await;
    assert_eq!(r.status.as_u16(), 200);
    client
}

#[tokio::test]
async fn implicit_refresh_renews_an_expiring_access_cookie() {
    // Tokens live 60 s and the window is 120 s: every cookie request is due.
    let vars = [
        ("JWT_TOKEN_LOCATION", "cookies,headers"),
        ("JWT_ACCESS_TOKEN_EXPIRES", "60"),
        ("DEMO_IMPLICIT_REFRESH_SECONDS", "120"),
    ];
    let mut client = cookie_login(demo(&vars)).await;
    let first = client.cookie("access_token_cookie").unwrap().to_owned();
    let r = client.get("/protected").await;
    assert_eq!(status_json(&r), (200, json!({"logged_in_as": "admin"})));
    let names: Vec<String> = r
        .set_cookies()
        .iter()
        .map(|l| l.split('=').next().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["access_token_cookie", "csrf_access_token"]);
    let renewed = client.cookie("access_token_cookie").unwrap().to_owned();
    let (old, new) = (claims_of(&first), claims_of(&renewed));
    assert_ne!(old["jti"], new["jti"]);
    assert_eq!(
        (new["sub"].clone(), new["roles"].clone()),
        (json!("admin"), json!(["admin", "user"]))
    );
    assert_eq!(
        (old["fresh"].clone(), new["fresh"].clone()),
        (json!(true), json!(false))
    );
    assert!(new["exp"].as_u64() >= old["exp"].as_u64());
    assert_eq!(new["type"], "access");
    // The new cookie works, with its new CSRF value.
    let csrf = client.cookie("csrf_access_token").unwrap().to_owned();
    assert_eq!(claims_of(&renewed)["csrf"], json!(csrf));
    let r = client
        .send(
            "POST",
            "/echo",
            &[
                ("X-CSRF-TOKEN", &csrf),
                ("Content-Type", "application/json"),
            ],
            Some(r#"{"message":"hi"}"#),
        )
        .await;
    assert_eq!(r.status.as_u16(), 200);

    // Header tokens are never refreshed.
    let r = call(
        &demo(&vars),
        "GET",
        "/protected",
        &[("Authorization", &bearer(&renewed))],
        None,
    )
    .await;
    assert_eq!((r.status.as_u16(), r.set_cookies().len()), (200, 0));
    // Nor failed requests, nor anonymous ones.
    let r = client.get("/admin").await;
    assert_eq!(r.status.as_u16(), 200);
    let mut anonymous = Client::new(demo(&vars));
    let r = anonymous.get("/optional").await;
    assert_eq!((r.status.as_u16(), r.set_cookies().len()), (200, 0));
}

#[tokio::test]
async fn implicit_refresh_never_after_logout_or_revocation() {
    let vars = [
        ("JWT_TOKEN_LOCATION", "cookies"),
        ("JWT_ACCESS_TOKEN_EXPIRES", "60"),
        ("DEMO_IMPLICIT_REFRESH_SECONDS", "120"),
    ];
    let mut client = cookie_login(demo(&vars)).await;
    let csrf = client.cookie("csrf_access_token").unwrap().to_owned();
    let r = client.post("/logout", &[("X-CSRF-TOKEN", &csrf)]).await;
    assert_eq!(
        status_json(&r),
        (200, json!({"msg": "Access token revoked"}))
    );
    // Only the logout's own unsetting cookies: no new access cookie.
    assert!(r
        .set_cookies()
        .iter()
        .filter(|l| l.starts_with("access_token_cookie="))
        .all(|l| l.starts_with("access_token_cookie=;")));
    assert_eq!(client.cookie("access_token_cookie"), None);

    // A token revoked by /logout/all is refused, not renewed.
    let app = demo(&vars);
    let mut client = cookie_login(app.clone()).await;
    let kept = client.cookie_header("/");
    let csrf = client.cookie("csrf_access_token").unwrap().to_owned();
    let r = client.post("/logout/all", &[("X-CSRF-TOKEN", &csrf)]).await;
    assert_eq!(status_json(&r), (200, json!({"msg": "All tokens revoked"})));
    let r = call(&app, "GET", "/protected", &[("Cookie", &kept)], None).await;
    assert_eq!(
        status_json(&r),
        (401, json!({"msg": "Token has been revoked"}))
    );
    assert_eq!(r.set_cookies().len(), 0);
}

#[tokio::test]
async fn an_expired_access_cookie_is_cleared() {
    let vars = [
        ("JWT_TOKEN_LOCATION", "cookies"),
        ("JWT_ACCESS_TOKEN_EXPIRES", "1"),
        ("DEMO_IMPLICIT_REFRESH_SECONDS", "1"),
    ];
    let mut client = cookie_login(demo(&vars)).await;
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let r = client.get("/protected").await;
    assert_eq!(status_json(&r), (401, json!({"msg": "Token has expired"})));
    let unset = r.set_cookies();
    assert!(
        unset.iter().any(|l| l.starts_with("access_token_cookie=;")),
        "the expired access cookie is unset: {unset:?}"
    );
    assert_eq!(client.cookie("access_token_cookie"), None);
    // Without the layer, the 401 leaves cookies alone (flask-jwt-extended's default).
    let mut plain = cookie_login(demo(&[
        ("JWT_TOKEN_LOCATION", "cookies"),
        ("JWT_ACCESS_TOKEN_EXPIRES", "1"),
    ]))
    .await;
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let r = plain.get("/protected").await;
    assert_eq!((r.status.as_u16(), r.set_cookies().len()), (401, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_rotations_of_one_token_have_one_winner() {
    let jwt: JwtManager = common::builder(config())
        .0
        .blocklist(MemoryBlocklist::new())
        .build()
        .unwrap();
    for _ in 0..20 {
        let pair = jwt.create_token_pair("alice", TokenOptions::new()).unwrap();
        let claims = jwt.decode_token(&pair.refresh_token).unwrap();
        let tasks: Vec<_> = (0..16)
            .map(|_| {
                let (jwt, claims) = (jwt.clone(), claims.clone());
                tokio::spawn(async move {
                    jwt.rotate_refresh_token(&claims, "alice", TokenOptions::new())
                        .await
                })
            })
            .collect();
        let mut wins = 0;
        for t in tasks {
            match t.await.unwrap() {
                Ok(_) => wins += 1,
                Err(e) => assert_eq!(
                    (e.status().as_u16(), e.message()),
                    (
                        401,
                        "Refresh token reuse detected: every token of this login was revoked"
                            .to_owned()
                    )
                ),
            }
        }
        assert_eq!(wins, 1);
    }
}

/// The audit's case: with `JWT_DECODE_LEEWAY`, a login revoked for reuse stays revoked for
/// as long as its tokens are accepted, past their `exp` (the family entry lasted only the
/// longest lifetime, so the family came back once it was gone while the leeway still held).
#[tokio::test]
async fn a_family_revoked_for_reuse_stays_revoked_within_the_leeway() {
    let app = demo(&[
        ("DEMO_ROTATE_REFRESH", "true"),
        ("JWT_REFRESH_TOKEN_EXPIRES", "2"),
        ("JWT_ACCESS_TOKEN_EXPIRES", "1"),
        ("JWT_DECODE_LEEWAY", "60"),
    ]);
    let refresh = |token: String| {
        let app = app.clone();
        async move {
            call(
                &app,
                "POST",
                "/refresh",
                &[("Authorization", &bearer(&token))],
                None,
            )
            .await
        }
    };
    let protected = |token: String| {
        let app = app.clone();
        async move {
            call(
                &app,
                "GET",
                "/protected",
                &[("Authorization", &bearer(&token))],
                None,
            )
            .await
        }
    };
    let (_, r0) = tokens(&login(&app, "admin", "adminpass").await);
    let r = refresh(r0.clone()).await;
    assert_eq!(r.status.as_u16(), 200);
    let (a1, r1) = tokens(&r);
    let reuse =
        json!({"msg": "Refresh token reuse detected: every token of this login was revoked"});
    assert_eq!(status_json(&refresh(r0.clone()).await), (401, reuse));
    let revoked = (401, json!({"msg": "Token has been revoked"}));
    assert_eq!(status_json(&protected(a1.clone()).await), revoked);

    // Past every token's `exp` (2 s), within the leeway (60 s).
    tokio::time::sleep(std::time::Duration::from_millis(3200)).await;
    assert_eq!(status_json(&protected(a1).await), revoked);
    assert_eq!(status_json(&refresh(r1).await), revoked);
}
