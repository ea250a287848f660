//! Claims checks (`#[jwt_required(check = …)]`, `JwtLayer::check`), the typed claims
//! extractors (`Jwt<C>`, `Option<Jwt<C>>`, `OptionalJwt<C>`), `additional_claims` from a
//! struct, and the typed rejection `JwtRejection`, all through a real `Router`.

mod common;

use axum::extract::{FromRef, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use axum_jwt_extended::{
    get_jwt_identity, jwt_required, Claims, ErrorKind, Jwt, JwtManager, JwtRejection, NoJwtContext,
    OptionalJwt, RefreshJwt, TokenOptions,
};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use common::{bearer, builder, config, get as get_req, manager, request, status_json};

fn has_role(claims: &Claims, role: &str) -> bool {
    claims
        .get("roles")
        .and_then(Value::as_array)
        .is_some_and(|roles| roles.iter().any(|r| r == role))
}

/// Sync, `Result` with a message.
fn is_admin(claims: &Claims) -> Result<(), &'static str> {
    if has_role(claims, "admin") {
        Ok(())
    } else {
        Err("Admins only!")
    }
}

/// Sync, `bool`: the default message.
fn is_editor(claims: &Claims) -> bool {
    has_role(claims, "editor")
}

/// Async, by value.
async fn is_auditor(claims: Claims) -> bool {
    tokio::task::yield_now().await;
    has_role(&claims, "auditor")
}

#[derive(Clone)]
struct App {
    jwt: JwtManager,
    banned: Banned,
}

#[derive(Clone)]
struct Banned(Vec<&'static str>);

impl FromRef<App> for JwtManager {
    fn from_ref(a: &App) -> JwtManager {
        a.jwt.clone()
    }
}

impl FromRef<App> for Banned {
    fn from_ref(a: &App) -> Banned {
        a.banned.clone()
    }
}

/// With a part of the state.
fn not_banned(claims: &Claims, banned: &Banned) -> Result<(), String> {
    match claims.get_str("sub") {
        Some(sub) if banned.0.contains(&sub) => Err(format!("{sub} is banned")),
        _ => Ok(()),
    }
}

/// Async, with a part of the state.
async fn not_banned_async(claims: Claims, banned: Banned) -> Result<(), String> {
    not_banned(&claims, &banned)
}

#[jwt_required(check = is_admin)]
async fn admin() -> Result<Json<Value>, NoJwtContext> {
    Ok(Json(
        json!({"msg": "Welcome, admin", "who": get_jwt_identity()?}),
    ))
}

#[jwt_required(check = is_editor)]
async fn editor() -> &'static str {
    "editing"
}

#[jwt_required(check = is_auditor)]
async fn audit() -> &'static str {
    "auditing"
}

#[jwt_required(check = not_banned, state = App)]
async fn posts(State(app): State<App>) -> String {
    format!("{} banned", app.banned.0.len())
}

#[jwt_required(check = not_banned_async, state = App)]
async fn comments() -> &'static str {
    "comments"
}

#[jwt_required(optional, check = is_admin)]
async fn maybe_admin() -> Result<Json<Value>, NoJwtContext> {
    Ok(Json(json!({"who": get_jwt_identity()?})))
}

/// The check runs after the body phase when the token is in the JSON body.
#[jwt_required(locations = "json", check = is_admin)]
async fn admin_json(Json(body): Json<Value>) -> Json<Value> {
    Json(json!({"echo": body["x"]}))
}

fn app_with(jwt: JwtManager) -> Router {
    let app = App {
        jwt,
        banned: Banned(vec!["mallory"]),
    };
    let admin_area = Router::new()
        .route("/stats", get(|| async { "stats" }))
        .route(
            "/me",
            get(|| async { Json(json!({"who": get_jwt_identity().ok().flatten()})) }),
        )
        .route_layer(app.jwt.layer().check(is_admin));
    let banned_area = Router::new()
        .route("/feed", get(|| async { "feed" }))
        .route_layer(app.jwt.layer().check_with_state(app.clone(), not_banned));
    Router::new()
        .route("/admin", get(admin))
        .route("/editor", get(editor))
        .route("/audit", get(audit))
        .route("/posts", get(posts))
        .route("/comments", get(comments))
        .route("/maybe-admin", get(maybe_admin))
        .route("/admin-json", post(admin_json))
        .nest("/area", admin_area)
        .nest("/social", banned_area)
        .with_state(app)
}

fn token(jwt: &JwtManager, who: &str, roles: &[&str]) -> String {
    jwt.create_access_token_with(
        who.to_owned(),
        TokenOptions::new().additional_claims(json!({"roles": roles})),
    )
    .unwrap()
}

#[tokio::test]
async fn attribute_checks_answer_403_with_the_checks_message() {
    let jwt = manager(config());
    let app = app_with(jwt.clone());
    let admin_token = token(&jwt, "alice", &["admin"]);
    let user_token = token(&jwt, "bob", &["user"]);

    let r = get_req(&app, "/admin", &[("Authorization", &bearer(&admin_token))]).await;
    assert_eq!(
        status_json(&r),
        (200, json!({"msg": "Welcome, admin", "who": "alice"}))
    );
    let r = get_req(&app, "/admin", &[("Authorization", &bearer(&user_token))]).await;
    assert_eq!(status_json(&r), (403, json!({"msg": "Admins only!"})));
    // No token: the usual 401, the check never runs.
    let r = get_req(&app, "/admin", &[]).await;
    assert_eq!(
        status_json(&r),
        (401, json!({"msg": "Missing Authorization Header"}))
    );

    // `false` gives the default message.
    let r = get_req(&app, "/editor", &[("Authorization", &bearer(&user_token))]).await;
    assert_eq!(status_json(&r), (403, json!({"msg": "Forbidden"})));
    let editor_token = token(&jwt, "ed", &["editor"]);
    let r = get_req(
        &app,
        "/editor",
        &[("Authorization", &bearer(&editor_token))],
    )
    .await;
    assert_eq!((r.status.as_u16(), r.text.as_str()), (200, "editing"));

    // Async checks.
    let r = get_req(&app, "/audit", &[("Authorization", &bearer(&user_token))]).await;
    assert_eq!(status_json(&r), (403, json!({"msg": "Forbidden"})));
    let auditor = token(&jwt, "aud", &["auditor"]);
    let r = get_req(&app, "/audit", &[("Authorization", &bearer(&auditor))]).await;
    assert_eq!((r.status.as_u16(), r.text.as_str()), (200, "auditing"));
}

#[tokio::test]
async fn checks_with_router_state() {
    let jwt = manager(config());
    let app = app_with(jwt.clone());
    let mallory = token(&jwt, "mallory", &[]);
    let bob = token(&jwt, "bob", &[]);
    for path in ["/posts", "/comments", "/social/feed"] {
        let r = get_req(&app, path, &[("Authorization", &bearer(&mallory))]).await;
        assert_eq!(
            status_json(&r),
            (403, json!({"msg": "mallory is banned"})),
            "{path}"
        );
        let r = get_req(&app, path, &[("Authorization", &bearer(&bob))]).await;
        assert_eq!(r.status.as_u16(), 200, "{path}");
    }
    let r = get_req(&app, "/posts", &[("Authorization", &bearer(&bob))]).await;
    assert_eq!(r.text, "1 banned");
}

#[tokio::test]
async fn optional_routes_check_only_requests_with_a_token() {
    let jwt = manager(config());
    let app = app_with(jwt.clone());
    let r = get_req(&app, "/maybe-admin", &[]).await;
    assert_eq!(status_json(&r), (200, json!({"who": null})));
    let user_token = token(&jwt, "bob", &["user"]);
    let r = get_req(
        &app,
        "/maybe-admin",
        &[("Authorization", &bearer(&user_token))],
    )
    .await;
    assert_eq!(status_json(&r), (403, json!({"msg": "Admins only!"})));
}

#[tokio::test]
async fn the_check_runs_after_the_body_phase() {
    let jwt = manager(config());
    let app = app_with(jwt.clone());
    let admin_token = token(&jwt, "alice", &["admin"]);
    let user_token = token(&jwt, "bob", &["user"]);
    let ct = [("Content-Type", "application/json")];
    let body = json!({"access_token": user_token, "x": 1}).to_string();
    let r = request(&app, "POST", "/admin-json", &ct, Some(&body)).await;
    assert_eq!(status_json(&r), (403, json!({"msg": "Admins only!"})));
    let body = json!({"access_token": admin_token, "x": 1}).to_string();
    let r = request(&app, "POST", "/admin-json", &ct, Some(&body)).await;
    assert_eq!(status_json(&r), (200, json!({"echo": 1})));
}

#[tokio::test]
async fn layer_checks_protect_a_nest() {
    let jwt = manager(config());
    let app = app_with(jwt.clone());
    let admin_token = token(&jwt, "alice", &["admin"]);
    let user_token = token(&jwt, "bob", &["user"]);
    let r = get_req(
        &app,
        "/area/stats",
        &[("Authorization", &bearer(&user_token))],
    )
    .await;
    assert_eq!(status_json(&r), (403, json!({"msg": "Admins only!"})));
    let r = get_req(
        &app,
        "/area/me",
        &[("Authorization", &bearer(&admin_token))],
    )
    .await;
    assert_eq!(status_json(&r), (200, json!({"who": "alice"})));
    let r = get_req(&app, "/area/stats", &[]).await;
    assert_eq!(
        status_json(&r),
        (401, json!({"msg": "Missing Authorization Header"}))
    );
}

#[tokio::test]
async fn the_failed_check_loader_and_the_message_key_shape_the_403() {
    let mut cfg = config();
    cfg.error_message_key = "error".into();
    let (b, _clock) = builder(cfg.clone());
    let keyed = app_with(b.build().unwrap());
    let jwt = manager(config());
    let user_token = token(&jwt, "bob", &["user"]);
    let r = get_req(&keyed, "/admin", &[("Authorization", &bearer(&user_token))]).await;
    assert_eq!(status_json(&r), (403, json!({"error": "Admins only!"})));

    let (b, _clock) = builder(config());
    let jwt = b
        .claims_check_failed_loader(|msg: &str| {
            (
                axum::http::StatusCode::FORBIDDEN,
                Json(json!({"denied": msg, "hint": "ask an admin"})),
            )
        })
        .build()
        .unwrap();
    let app = app_with(jwt.clone());
    let user_token = token(&jwt, "bob", &["user"]);
    for path in ["/admin", "/area/stats"] {
        let r = get_req(&app, path, &[("Authorization", &bearer(&user_token))]).await;
        assert_eq!(
            status_json(&r),
            (
                403,
                json!({"denied": "Admins only!", "hint": "ask an admin"})
            ),
            "{path}"
        );
    }
}

// ---- typed claims -------------------------------------------------------------------------

#[derive(Debug, Deserialize, Serialize)]
struct MyClaims {
    sub: String,
    roles: Vec<String>,
    #[serde(default)]
    tenant: Option<u32>,
}

async fn typed(jwt: Jwt<MyClaims>) -> Json<Value> {
    Json(json!({"sub": jwt.sub, "roles": jwt.roles, "tenant": jwt.claims().tenant}))
}

async fn typed_optional(jwt: Option<Jwt<MyClaims>>) -> Json<Value> {
    Json(json!({"sub": jwt.map(|j| j.into_claims().sub)}))
}

async fn typed_optional_struct(jwt: OptionalJwt<MyClaims>) -> Json<Value> {
    Json(json!({"roles": jwt.claims().map(|c| c.roles.clone()), "identity": jwt.identity()}))
}

async fn refresh_typed(jwt: RefreshJwt<MyClaims>) -> Json<Value> {
    Json(json!({"sub": jwt.sub, "type": jwt.context().claims().token_type()}))
}

/// Matching on the rejection.
async fn custom_rejection(jwt: Result<Jwt, JwtRejection>) -> Response {
    match jwt {
        Ok(jwt) => Json(json!({"ok": jwt.identity()})).into_response(),
        Err(r) => match r.kind() {
            ErrorKind::NoAuthorization(_) => {
                (axum::http::StatusCode::UNAUTHORIZED, "log in first").into_response()
            }
            ErrorKind::Expired(_) => "expired".into_response(),
            _ => r.into_response(),
        },
    }
}

fn typed_app(jwt: JwtManager) -> Router {
    Router::new()
        .route("/typed", get(typed))
        .route("/typed-optional", get(typed_optional))
        .route("/typed-optional-struct", get(typed_optional_struct))
        .route("/refresh", post(refresh_typed))
        .route("/custom", get(custom_rejection))
        .with_state(jwt)
}

#[derive(Serialize)]
struct Extra {
    roles: Vec<&'static str>,
    tenant: u32,
}

#[tokio::test]
async fn typed_claims_from_a_struct_and_into_a_struct() {
    let jwt = manager(config());
    let app = typed_app(jwt.clone());
    let t = jwt
        .create_access_token_with(
            "alice",
            TokenOptions::new().additional_claims(Extra {
                roles: vec!["admin"],
                tenant: 7,
            }),
        )
        .unwrap();
    let r = get_req(&app, "/typed", &[("Authorization", &bearer(&t))]).await;
    assert_eq!(
        status_json(&r),
        (
            200,
            json!({"sub": "alice", "roles": ["admin"], "tenant": 7})
        )
    );

    // A claim of the wrong type: a clear 422.
    let bad = jwt
        .create_access_token_with(
            "bob",
            TokenOptions::new().additional_claims(json!({"roles": "admin"})),
        )
        .unwrap();
    let r = get_req(&app, "/typed", &[("Authorization", &bearer(&bad))]).await;
    assert_eq!(
        status_json(&r),
        (
            422,
            json!({"msg": "The token's claims do not have the expected shape: invalid type: string \"admin\", expected a sequence"})
        )
    );
    // A missing claim.
    let none = jwt.create_access_token("carol").unwrap();
    let r = get_req(&app, "/typed", &[("Authorization", &bearer(&none))]).await;
    assert_eq!(
        status_json(&r),
        (
            422,
            json!({"msg": "The token's claims do not have the expected shape: missing field `roles`"})
        )
    );
    // No token: the usual 401.
    let r = get_req(&app, "/typed", &[]).await;
    assert_eq!(
        status_json(&r),
        (401, json!({"msg": "Missing Authorization Header"}))
    );
    // A refresh token where an access token is required.
    let refresh = jwt
        .create_refresh_token_with(
            "alice",
            TokenOptions::new().additional_claims(json!({"roles": []})),
        )
        .unwrap();
    let r = get_req(&app, "/typed", &[("Authorization", &bearer(&refresh))]).await;
    assert_eq!(
        status_json(&r),
        (422, json!({"msg": "Only non-refresh tokens are allowed"}))
    );
    let r = request(
        &app,
        "POST",
        "/refresh",
        &[("Authorization", &bearer(&refresh))],
        None,
    )
    .await;
    assert_eq!(
        status_json(&r),
        (200, json!({"sub": "alice", "type": "refresh"}))
    );
}

#[tokio::test]
async fn optional_typed_claims_follow_flask_optional() {
    let jwt = manager(config());
    let app = typed_app(jwt.clone());
    let t = token(&jwt, "alice", &["a"]);
    let r = get_req(&app, "/typed-optional", &[]).await;
    assert_eq!(status_json(&r), (200, json!({"sub": null})));
    let r = get_req(&app, "/typed-optional", &[("Authorization", &bearer(&t))]).await;
    assert_eq!(status_json(&r), (200, json!({"sub": "alice"})));
    // An invalid token is an error, not `None`.
    let r = get_req(
        &app,
        "/typed-optional",
        &[("Authorization", "Bearer not.a.token")],
    )
    .await;
    assert_eq!(r.status.as_u16(), 422);
    let r = get_req(&app, "/typed-optional-struct", &[]).await;
    assert_eq!(
        status_json(&r),
        (200, json!({"roles": null, "identity": null}))
    );
    let r = get_req(
        &app,
        "/typed-optional-struct",
        &[("Authorization", &bearer(&t))],
    )
    .await;
    assert_eq!(
        status_json(&r),
        (200, json!({"roles": ["a"], "identity": "alice"}))
    );
}

#[tokio::test]
async fn a_rejection_can_be_matched() {
    let mut cfg = config();
    cfg.access_token_expires = axum_jwt_extended::Expiry::After(std::time::Duration::from_secs(5));
    let (b, clock) = builder(cfg);
    let jwt = b.build().unwrap();
    let app = typed_app(jwt.clone());
    let r = get_req(&app, "/custom", &[]).await;
    assert_eq!((r.status.as_u16(), r.text.as_str()), (401, "log in first"));
    let t = jwt.create_access_token("alice").unwrap();
    let r = get_req(&app, "/custom", &[("Authorization", &bearer(&t))]).await;
    assert_eq!(status_json(&r), (200, json!({"ok": "alice"})));
    clock.advance(std::time::Duration::from_secs(60));
    let r = get_req(&app, "/custom", &[("Authorization", &bearer(&t))]).await;
    assert_eq!((r.status.as_u16(), r.text.as_str()), (200, "expired"));
    // Any other rejection keeps its rendered response.
    let r = get_req(&app, "/custom", &[("Authorization", "Bearer x.y")]).await;
    assert_eq!(
        status_json(&r),
        (422, json!({"msg": "Not enough segments"}))
    );
}

// ---- the typed identity reaches the user lookup --------------------------------------------

#[derive(Clone)]
struct Lookup {
    jwt: JwtManager,
    users: axum_jwt_extended::UserLookup<String>,
}

impl FromRef<Lookup> for JwtManager {
    fn from_ref(a: &Lookup) -> JwtManager {
        a.jwt.clone()
    }
}

impl FromRef<Lookup> for axum_jwt_extended::UserLookup<String> {
    fn from_ref(a: &Lookup) -> axum_jwt_extended::UserLookup<String> {
        a.users
    }
}

async fn whoami(
    axum_jwt_extended::CurrentUser(name): axum_jwt_extended::CurrentUser<String>,
) -> String {
    name.to_string()
}

#[tokio::test]
async fn user_lookup_by_identity_gets_the_identity_typed() {
    let mut cfg = config();
    cfg.identity_claim = "uid".into();
    let (b, _clock) = builder(cfg);
    let jwt = b
        .user_lookup_by_identity(|id: &u64| (*id == 7).then(|| format!("user #{id}")))
        .build()
        .unwrap();
    let users = jwt.user_lookup::<String>().unwrap();
    let app = Router::new()
        .route("/whoami", get(whoami))
        .with_state(Lookup {
            jwt: jwt.clone(),
            users,
        });
    let seven = jwt.create_access_token(7u64).unwrap();
    let r = get_req(&app, "/whoami", &[("Authorization", &bearer(&seven))]).await;
    assert_eq!((r.status.as_u16(), r.text.as_str()), (200, "user #7"));
    let eight = jwt.create_access_token(8u64).unwrap();
    let r = get_req(&app, "/whoami", &[("Authorization", &bearer(&eight))]).await;
    assert_eq!(
        status_json(&r),
        (401, json!({"msg": "Error loading the user 8"}))
    );
    // An identity that is not a number finds no user.
    let name = jwt.create_access_token("seven").unwrap();
    let r = get_req(&app, "/whoami", &[("Authorization", &bearer(&name))]).await;
    assert_eq!(
        status_json(&r),
        (401, json!({"msg": "Error loading the user seven"}))
    );
}
