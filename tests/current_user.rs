//! Typed `current_user`: the `CurrentUser<U>` extractor, its start-up check, and its use next to
//! `#[jwt_required]` (which it reuses) and alone (where it verifies by itself).

mod common;

use axum::extract::FromRef;
use axum::routing::get;
use axum::{Json, Router};
use axum_jwt_extended::{jwt_required, Claims, CurrentUser, JwtHeader, JwtManager, UserLookup};
use serde_json::{json, Value};

use common::{bearer, config, get as get_req};

#[derive(Debug, Clone, PartialEq)]
struct User {
    name: String,
}

#[derive(Clone)]
struct App {
    jwt: JwtManager,
    users: UserLookup<User>,
}

impl FromRef<App> for JwtManager {
    fn from_ref(a: &App) -> JwtManager {
        a.jwt.clone()
    }
}

impl FromRef<App> for UserLookup<User> {
    fn from_ref(a: &App) -> UserLookup<User> {
        a.users
    }
}

fn manager_with_users() -> JwtManager {
    let (builder, _) = common::builder(config());
    builder
        .user_lookup_loader(|_h: &JwtHeader, c: &Claims| match c.get_str("sub") {
            Some("ghost") | None => None,
            Some(name) => Some(User {
                name: name.to_owned(),
            }),
        })
        .build()
        .unwrap()
}

async fn alone(CurrentUser(user): CurrentUser<User>) -> Json<Value> {
    Json(json!({ "name": user.name }))
}

#[jwt_required(fresh)]
async fn with_guard(user: CurrentUser<User>) -> Json<Value> {
    Json(json!({ "name": user.name }))
}

fn app() -> (Router, JwtManager) {
    let jwt = manager_with_users();
    let users = jwt.user_lookup::<User>().expect("the loader returns User");
    let app = Router::new()
        .route("/alone", get(alone))
        .route("/guarded", get(with_guard))
        .with_state(App {
            jwt: jwt.clone(),
            users,
        });
    (app, jwt)
}

#[tokio::test]
async fn current_user_extractor_alone_verifies_the_request() {
    let (app, jwt) = app();
    let token = jwt.create_access_token("alice").unwrap();
    let r = get_req(&app, "/alone", &[("Authorization", &bearer(&token))]).await;
    assert_eq!(
        (r.status.as_u16(), r.json()),
        (200, json!({"name": "alice"}))
    );
    let r = get_req(&app, "/alone", &[]).await;
    assert_eq!(
        (r.status.as_u16(), r.json()),
        (401, json!({"msg": "Missing Authorization Header"}))
    );
    let ghost = jwt.create_access_token("ghost").unwrap();
    let r = get_req(&app, "/alone", &[("Authorization", &bearer(&ghost))]).await;
    assert_eq!(
        (r.status.as_u16(), r.json()),
        (401, json!({"msg": "Error loading the user ghost"}))
    );
}

#[tokio::test]
async fn current_user_extractor_reuses_the_guards_verification() {
    let (app, jwt) = app();
    // The guard's `fresh` requirement applies; the extractor does not verify again.
    let stale = jwt.create_access_token("alice").unwrap();
    let r = get_req(&app, "/guarded", &[("Authorization", &bearer(&stale))]).await;
    assert_eq!(
        (r.status.as_u16(), r.json()),
        (401, json!({"msg": "Fresh token required"}))
    );
    let fresh = jwt
        .create_access_token_with("bob", axum_jwt_extended::TokenOptions::new().fresh(true))
        .unwrap();
    let r = get_req(&app, "/guarded", &[("Authorization", &bearer(&fresh))]).await;
    assert_eq!((r.status.as_u16(), r.json()), (200, json!({"name": "bob"})));
}

#[test]
fn user_lookup_is_checked_at_start_up() {
    let jwt = manager_with_users();
    assert!(jwt.user_lookup::<User>().is_ok());
    let err = jwt.user_lookup::<String>().unwrap_err();
    assert_eq!(err.option(), "user_lookup_loader");
    assert!(
        err.message()
            .starts_with("returns current_user::User, not alloc::string::String"),
        "{err}"
    );
    let plain = common::manager(config());
    let err = plain.user_lookup::<User>().unwrap_err();
    assert!(err.message().starts_with("is not registered"), "{err}");
}

#[tokio::test]
async fn store_revocations_hold_when_a_blocklist_loader_is_registered_too() {
    let (builder, _) = common::builder(config());
    let jwt = builder
        .blocklist(axum_jwt_extended::MemoryBlocklist::new())
        .token_in_blocklist_loader(|_h: &JwtHeader, _c: &Claims| false)
        .build()
        .unwrap();
    #[jwt_required]
    async fn p() -> Json<Value> {
        Json(json!({}))
    }
    let app = Router::new().route("/p", get(p)).with_state(jwt.clone());
    let token = jwt.create_access_token("alice").unwrap();
    let auth = bearer(&token);
    assert_eq!(
        get_req(&app, "/p", &[("Authorization", &auth)])
            .await
            .status
            .as_u16(),
        200
    );
    jwt.revoke_token(&jwt.decode_token(&token).unwrap())
        .await
        .unwrap();
    let r = get_req(&app, "/p", &[("Authorization", &auth)]).await;
    assert_eq!(
        (r.status.as_u16(), r.json()),
        (401, json!({"msg": "Token has been revoked"}))
    );
}
