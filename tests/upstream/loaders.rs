//! Ports of flask-jwt-extended's loader tests through a real `Router`, one Rust test per
//! upstream test function (named after it), asserting the exact status and JSON body:
//!
//! - `tests/test_blocklist.py` (plus the built-in `MemoryBlocklist` and `revoke_token`),
//! - `tests/test_user_lookup.py`,
//! - `tests/test_claims_verification.py`,
//! - `tests/test_additional_claims_loader.py`,
//! - `tests/test_jwt_header_loader.py`,
//! - `tests/test_get_jwt_in_non_protected_contexts.py`,
//! - `tests/test_get_methods_in_optional_endpoint.py`,
//!
//! and flask-jwt-extended's observed behaviour: the order in which the loaders run, and which error wins when
//! several apply.
//!
//! Loaders are written both ways the crate supports: with the loader attributes (sync and
//! `async`) and as closures (sync, and returning an `async move` block). A loader that must
//! show what it was called with records it in a `static` local to its test.
//!
//! Upstream's blocklist tests are parametrised over `blocklist_type`, which no test reads: a
//! leftover of v3's `JWT_BLACKLIST_TOKEN_CHECKS`, which v4 removed (the loader is called for
//! every token type). Each is therefore one test here, and checks both token types where the
//! route accepts both.

use crate::common;

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::extract::{FromRef, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use axum_jwt_extended::{
    additional_claims_loader, additional_headers_loader, current_context, current_user, get_jwt,
    get_jwt_header, get_jwt_identity, get_jwt_request_location, jwt_required, revoked_token_loader,
    spawn_with_jwt, token_in_blocklist_loader, token_verification_failed_loader,
    token_verification_loader, user_identity_loader, user_lookup_error_loader, user_lookup_loader,
    Claims, CurrentUser, ErrorKind, Jwt, JwtHeader, JwtManager, JwtManagerBuilder, Key,
    MemoryBlocklist, NoJwtContext, OptionalJwt, TokenOptions, UserLookup,
};
use serde_json::{json, Value};

use common::{bearer, config, get as get_req, request, status_json, NOW, SECRET};

/// `exp` of an access token minted at `NOW` (15 minutes).
const ACCESS_EXP: u64 = NOW + 15 * 60;
/// `exp` of a refresh token minted at `NOW` (30 days).
const REFRESH_EXP: u64 = NOW + 30 * 24 * 60 * 60;

/// The user object of the user lookup tests (upstream: `{"username": jwt_data["sub"]}`).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
struct User {
    username: String,
}

// ---- handlers ------------------------------------------------------------------------------

fn foo_bar() -> Json<Value> {
    Json(json!({ "foo": "bar" }))
}

#[jwt_required]
async fn access_protected() -> Json<Value> {
    foo_bar()
}

#[jwt_required(verify_type = false, skip_revocation_check)]
async fn access_protected_skip_blocklist() -> Json<Value> {
    foo_bar()
}

#[jwt_required(verify_type = false)]
async fn access_protected_no_skip_blocklist() -> Json<Value> {
    foo_bar()
}

#[jwt_required(refresh)]
async fn refresh_protected() -> Json<Value> {
    foo_bar()
}

#[jwt_required(fresh)]
async fn fresh_protected() -> Json<Value> {
    foo_bar()
}

#[jwt_required(optional)]
async fn optional_protected() -> Json<Value> {
    foo_bar()
}

/// `jsonify(get_jwt())`.
#[jwt_required]
async fn get_claims() -> Result<Json<Claims>, NoJwtContext> {
    Ok(Json(get_jwt()?))
}

/// `jsonify(get_jwt())` on a `refresh=True` route.
#[jwt_required(refresh)]
async fn get_refresh_claims() -> Result<Json<Claims>, NoJwtContext> {
    Ok(Json(get_jwt()?))
}

/// `jsonify(get_jwt_header())`.
#[jwt_required]
async fn get_header() -> Result<Json<JwtHeader>, NoJwtContext> {
    Ok(Json(get_jwt_header()?))
}

/// `jsonify(get_jwt_header())` on a `refresh=True` route.
#[jwt_required(refresh)]
async fn get_refresh_header() -> Result<Json<JwtHeader>, NoJwtContext> {
    Ok(Json(get_jwt_header()?))
}

/// Upstream's views catch the RuntimeError and answer `{"error": str(e)}`; `kind` also
/// names the variant.
fn user_reply(user: Result<Option<Arc<User>>, NoJwtContext>) -> Json<Value> {
    Json(match user {
        Ok(Some(u)) => json!({ "foo": u.username }),
        Ok(None) => json!({ "foo": null }),
        Err(e) => json!({ "error": e.to_string(), "kind": format!("{e:?}") }),
    })
}

/// `get_current_user()`: the context function, in a `#[jwt_required]` handler.
#[jwt_required]
async fn get_user1() -> Json<Value> {
    user_reply(current_user::<User>())
}

/// `current_user`: the guard's context, without the macro.
async fn get_user2(jwt: Jwt) -> Json<Value> {
    user_reply(jwt.context().current_user::<User>())
}

/// The typed extractor (only routed when the manager has a loader returning `User`).
async fn get_user3(CurrentUser(user): CurrentUser<User>) -> Json<Value> {
    Json(json!({ "foo": user.username }))
}

/// Asks for a user of another type than the loader returns.
#[jwt_required]
async fn get_user_as_string() -> Json<Value> {
    Json(match current_user::<String>() {
        Ok(u) => json!({ "user": u.map(|u| u.to_string()) }),
        Err(e) => json!({ "error": e.to_string(), "kind": format!("{e:?}") }),
    })
}

/// Revokes the presented token (access or refresh) in the configured store.
#[jwt_required(verify_type = false)]
async fn logout(State(jwt): State<JwtManager>) -> Response {
    let claims = match get_jwt() {
        Ok(c) => c,
        Err(e) => return e.into_response(),
    };
    match jwt.revoke_token(&claims).await {
        Ok(()) => Json(json!({ "revoked": claims.token_type() })).into_response(),
        Err(e) => e.into_response(),
    }
}

/// A login view: token creation errors become responses.
async fn login(State(jwt): State<JwtManager>) -> Response {
    match jwt.create_access_token("username") {
        Ok(token) => Json(json!({ "access_token": token })).into_response(),
        Err(e) => e.into_response(),
    }
}

#[jwt_required(optional)]
async fn optional_methods() -> Result<Json<Value>, NoJwtContext> {
    Ok(Json(json!({
        "get_jwt": get_jwt()?,
        "get_jwt_header": get_jwt_header()?,
        "get_jwt_identity": get_jwt_identity()?,
        "get_current_user": current_user::<User>()?.map(|u| u.username.clone()),
        "get_jwt_request_location": get_jwt_request_location(),
    })))
}

async fn optional_methods_guard(jwt: OptionalJwt) -> Result<Json<Value>, NoJwtContext> {
    let ctx = jwt.context();
    Ok(Json(json!({
        "claims": ctx.claims(),
        "header": ctx.header(),
        "identity": ctx.identity(),
        "current_user": ctx.current_user::<User>()?.map(|u| u.username.clone()),
        "anonymous": ctx.is_anonymous(),
    })))
}

// Unprotected views calling the context functions (upstream: `app.test_request_context()`).

async fn unprotected_get_jwt() -> Result<Json<Claims>, NoJwtContext> {
    Ok(Json(get_jwt()?))
}

async fn unprotected_get_jwt_header() -> Result<Json<JwtHeader>, NoJwtContext> {
    Ok(Json(get_jwt_header()?))
}

async fn unprotected_get_jwt_identity() -> Result<Json<Option<Value>>, NoJwtContext> {
    Ok(Json(get_jwt_identity()?))
}

async fn unprotected_current_user() -> Result<Json<Option<String>>, NoJwtContext> {
    Ok(Json(current_user::<User>()?.map(|u| u.username.clone())))
}

/// A protected view that reads the context in spawned tasks.
#[jwt_required]
async fn spawned() -> Json<Value> {
    let plain = tokio::spawn(async { get_jwt_identity() }).await.unwrap();
    let carried = spawn_with_jwt(async { get_jwt_identity() }).await.unwrap();
    Json(json!({
        "tokio_spawn": plain.map_err(|e| format!("{e:?}")),
        "spawn_with_jwt": carried.map_err(|e| format!("{e:?}")),
    }))
}

#[derive(Clone)]
struct UserApp {
    jwt: JwtManager,
    users: UserLookup<User>,
}

impl FromRef<UserApp> for JwtManager {
    fn from_ref(app: &UserApp) -> Self {
        app.jwt.clone()
    }
}

impl FromRef<UserApp> for UserLookup<User> {
    fn from_ref(app: &UserApp) -> Self {
        app.users
    }
}

fn app(jwt: JwtManager) -> Router {
    let base = Router::new()
        .route("/protected", get(access_protected))
        .route(
            "/protected_skip_blocklist",
            get(access_protected_skip_blocklist),
        )
        .route(
            "/protected_noskip_blocklist",
            get(access_protected_no_skip_blocklist),
        )
        .route("/refresh_protected", get(refresh_protected))
        // test_claims_verification's routes.
        .route("/protected1", get(access_protected))
        .route("/protected2", get(fresh_protected))
        .route("/protected3", get(optional_protected))
        .route("/claims", get(get_claims))
        .route("/refresh_claims", get(get_refresh_claims))
        .route("/header", get(get_header))
        .route("/refresh_header", get(get_refresh_header))
        .route("/get_user1", get(get_user1))
        .route("/get_user2", get(get_user2))
        .route("/get_user_as_string", get(get_user_as_string))
        .route("/logout", post(logout))
        .route("/login", post(login))
        .route("/optional", get(optional_methods))
        .route("/optional_guard", get(optional_methods_guard))
        .route("/unprotected/get_jwt", get(unprotected_get_jwt))
        .route(
            "/unprotected/get_jwt_header",
            get(unprotected_get_jwt_header),
        )
        .route(
            "/unprotected/get_jwt_identity",
            get(unprotected_get_jwt_identity),
        )
        .route("/unprotected/current_user", get(unprotected_current_user))
        .route("/spawned", get(spawned))
        .with_state(jwt.clone());
    match jwt.user_lookup::<User>() {
        Ok(users) => base.merge(
            Router::new()
                .route("/get_user3", get(get_user3))
                .with_state(UserApp { jwt, users }),
        ),
        Err(_) => base,
    }
}

// ---- helpers -------------------------------------------------------------------------------

/// A builder with the default configuration and the fixed clock.
fn builder() -> JwtManagerBuilder {
    common::builder(config()).0
}

async fn call(app: &Router, uri: &str, token: &str) -> (u16, Value) {
    status_json(&get_req(app, uri, &[("Authorization", &bearer(token))]).await)
}

fn msg(status: u16, msg: &str) -> (u16, Value) {
    (status, json!({ "msg": msg }))
}

fn ok_foo_bar() -> (u16, Value) {
    (200, json!({ "foo": "bar" }))
}

fn revoked() -> (u16, Value) {
    msg(401, "Token has been revoked")
}

/// What a loader was called with: `(alg, sub, type)`.
type Seen = Mutex<Vec<(String, String, String)>>;

fn record(seen: &Seen, header: &JwtHeader, claims: &Claims) {
    seen.lock().unwrap().push((
        header.alg().unwrap_or("<none>").to_owned(),
        claims.get_str("sub").unwrap_or("<none>").to_owned(),
        claims.token_type().unwrap_or("<none>").to_owned(),
    ));
}

/// One call with an HS256 token of `username` of this type.
fn seen_once(token_type: &str) -> Vec<(String, String, String)> {
    vec![("HS256".into(), "username".into(), token_type.into())]
}

/// The exact claims of a token of `username` minted at `NOW`, with `extra` claims; `jti`
/// and `csrf` (random) are read from the token.
fn expected_claims(jwt: &JwtManager, token: &str, token_type: &str, extra: Value) -> Value {
    let decoded = jwt.decode_token(token).unwrap();
    let exp = if token_type == "refresh" {
        REFRESH_EXP
    } else {
        ACCESS_EXP
    };
    let mut expected = json!({
        "fresh": false,
        "iat": NOW,
        "jti": decoded.jti().expect("a jti"),
        "type": token_type,
        "sub": "username",
        "nbf": NOW,
        "csrf": decoded.csrf().expect("a csrf claim"),
        "exp": exp,
    });
    let map = expected.as_object_mut().unwrap();
    for (k, v) in extra.as_object().unwrap() {
        map.insert(k.clone(), v.clone());
    }
    expected
}

// ---- test_blocklist.py ---------------------------------------------------------------------

#[tokio::test]
async fn test_blocklisted_access_token_revocation_skip() {
    static SEEN: Seen = Mutex::new(Vec::new());
    #[token_in_blocklist_loader]
    async fn check_blocklisted(jwt_header: &JwtHeader, jwt_data: &Claims) -> bool {
        record(&SEEN, jwt_header, jwt_data);
        true
    }
    let jwt = builder()
        .token_in_blocklist_loader(check_blocklisted)
        .build()
        .unwrap();
    let access_token = jwt.create_access_token("username").unwrap();
    let refresh_token = jwt.create_refresh_token("username").unwrap();
    let app = app(jwt);
    let r = call(&app, "/protected_skip_blocklist", &access_token).await;
    assert_eq!(r, ok_foo_bar());
    // verify_type=False: a refresh token passes too, equally unchecked.
    let r = call(&app, "/protected_skip_blocklist", &refresh_token).await;
    assert_eq!(r, ok_foo_bar());
    assert_eq!(*SEEN.lock().unwrap(), vec![]);
    // The same token where the check is not skipped: the loader runs and revokes it.
    let r = call(&app, "/protected_noskip_blocklist", &access_token).await;
    assert_eq!(r, revoked());
    assert_eq!(*SEEN.lock().unwrap(), seen_once("access"));
}

#[tokio::test]
async fn test_blocklisted_access_token_revocation_no_skip() {
    static SEEN: Seen = Mutex::new(Vec::new());
    #[token_in_blocklist_loader]
    fn check_blocklisted(jwt_header: &JwtHeader, jwt_data: &Claims) -> bool {
        record(&SEEN, jwt_header, jwt_data);
        true
    }
    let jwt = builder()
        .token_in_blocklist_loader(check_blocklisted)
        .build()
        .unwrap();
    let access_token = jwt.create_access_token("username").unwrap();
    let refresh_token = jwt.create_refresh_token("username").unwrap();
    let app = app(jwt);
    let r = call(&app, "/protected_noskip_blocklist", &access_token).await;
    assert_eq!(r, revoked());
    assert_eq!(*SEEN.lock().unwrap(), seen_once("access"));
    // verify_type=False: a refresh token reaches the loader too.
    let r = call(&app, "/protected_noskip_blocklist", &refresh_token).await;
    assert_eq!(r, revoked());
    assert_eq!(SEEN.lock().unwrap()[1], seen_once("refresh")[0]);
}

#[tokio::test]
async fn test_non_blocklisted_access_token() {
    static SEEN: Seen = Mutex::new(Vec::new());
    #[token_in_blocklist_loader]
    fn check_blocklisted(jwt_header: &JwtHeader, jwt_data: &Claims) -> bool {
        record(&SEEN, jwt_header, jwt_data);
        false
    }
    let jwt = builder()
        .token_in_blocklist_loader(check_blocklisted)
        .build()
        .unwrap();
    let access_token = jwt.create_access_token("username").unwrap();
    let r = call(&app(jwt), "/protected", &access_token).await;
    assert_eq!(r, ok_foo_bar());
    assert_eq!(*SEEN.lock().unwrap(), seen_once("access"));
}

#[tokio::test]
async fn test_blocklisted_access_token() {
    // A sync closure.
    let jwt = builder()
        .token_in_blocklist_loader(|_jwt_header: &JwtHeader, _jwt_data: &Claims| true)
        .build()
        .unwrap();
    let access_token = jwt.create_access_token("username").unwrap();
    let r = call(&app(jwt), "/protected", &access_token).await;
    assert_eq!(r, revoked());
}

#[tokio::test]
async fn test_non_blocklisted_refresh_token() {
    static SEEN: Seen = Mutex::new(Vec::new());
    #[token_in_blocklist_loader]
    async fn check_blocklisted(jwt_header: &JwtHeader, jwt_data: &Claims) -> bool {
        record(&SEEN, jwt_header, jwt_data);
        false
    }
    let jwt = builder()
        .token_in_blocklist_loader(check_blocklisted)
        .build()
        .unwrap();
    let refresh_token = jwt.create_refresh_token("username").unwrap();
    let r = call(&app(jwt), "/refresh_protected", &refresh_token).await;
    assert_eq!(r, ok_foo_bar());
    assert_eq!(*SEEN.lock().unwrap(), seen_once("refresh"));
}

#[tokio::test]
async fn test_blocklisted_refresh_token() {
    // A closure returning an `async move` block.
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let jwt = builder()
        .token_in_blocklist_loader(move |_jwt_header: JwtHeader, jwt_data: Claims| {
            let counter = Arc::clone(&counter);
            async move {
                counter.fetch_add(1, Ordering::SeqCst);
                jwt_data.token_type() == Some("refresh")
            }
        })
        .build()
        .unwrap();
    let refresh_token = jwt.create_refresh_token("username").unwrap();
    let access_token = jwt.create_access_token("username").unwrap();
    let app = app(jwt);
    let r = call(&app, "/refresh_protected", &refresh_token).await;
    assert_eq!(r, revoked());
    // The loader decides per token: the access token of the same identity is fine.
    assert_eq!(call(&app, "/protected", &access_token).await, ok_foo_bar());
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn test_custom_blocklisted_message() {
    static SEEN: Seen = Mutex::new(Vec::new());
    #[token_in_blocklist_loader]
    fn check_blocklisted(_jwt_header: &JwtHeader, _jwt_data: &Claims) -> bool {
        true
    }
    #[revoked_token_loader]
    fn custom_error(jwt_header: &JwtHeader, jwt_data: &Claims) -> impl IntoResponse {
        record(&SEEN, jwt_header, jwt_data);
        (StatusCode::NOT_FOUND, Json(json!({ "baz": "foo" })))
    }
    let jwt = builder()
        .token_in_blocklist_loader(check_blocklisted)
        .revoked_token_loader(custom_error)
        .build()
        .unwrap();
    let access_token = jwt.create_access_token("username").unwrap();
    let r = call(&app(jwt), "/protected", &access_token).await;
    assert_eq!(r, (404, json!({ "baz": "foo" })));
    assert_eq!(*SEEN.lock().unwrap(), seen_once("access"));
}

/// The built-in store: `revoke_token` from a logout view, for an access and a refresh token;
/// other tokens of the same identity stay valid; `skip_revocation_check` skips the store.
#[tokio::test]
async fn memory_blocklist_revokes_access_and_refresh_tokens() {
    let jwt = builder().blocklist(MemoryBlocklist::new()).build().unwrap();
    let access_token = jwt.create_access_token("username").unwrap();
    let other_access = jwt.create_access_token("username").unwrap();
    let refresh_token = jwt.create_refresh_token("username").unwrap();
    let app = app(jwt);
    let auth = |t: &str| bearer(t);

    assert_eq!(call(&app, "/protected", &access_token).await, ok_foo_bar());
    let r = request(
        &app,
        "POST",
        "/logout",
        &[("Authorization", &auth(&access_token))],
        None,
    )
    .await;
    assert_eq!(status_json(&r), (200, json!({ "revoked": "access" })));
    assert_eq!(call(&app, "/protected", &access_token).await, revoked());
    // Revoked tokens cannot log out twice either.
    let r = request(
        &app,
        "POST",
        "/logout",
        &[("Authorization", &auth(&access_token))],
        None,
    )
    .await;
    assert_eq!(status_json(&r), revoked());
    // skip_revocation_check does not ask the store.
    let r = call(&app, "/protected_skip_blocklist", &access_token).await;
    assert_eq!(r, ok_foo_bar());
    // Another token of the same identity (another jti) is untouched.
    assert_eq!(call(&app, "/protected", &other_access).await, ok_foo_bar());

    // A revoked refresh token on a refresh route.
    let r = call(&app, "/refresh_protected", &refresh_token).await;
    assert_eq!(r, ok_foo_bar());
    let r = request(
        &app,
        "POST",
        "/logout",
        &[("Authorization", &auth(&refresh_token))],
        None,
    )
    .await;
    assert_eq!(status_json(&r), (200, json!({ "revoked": "refresh" })));
    let r = call(&app, "/refresh_protected", &refresh_token).await;
    assert_eq!(r, revoked());
}

/// Flask's documented pattern: an async loader looking the `jti` up in the application's
/// own store, captured by the closure.
#[tokio::test]
async fn blocklist_loader_checking_jtis_in_an_app_store() {
    let revoked_jtis: Arc<Mutex<HashSet<String>>> = Arc::default();
    let store = Arc::clone(&revoked_jtis);
    let jwt = builder()
        .token_in_blocklist_loader(move |_jwt_header: JwtHeader, jwt_data: Claims| {
            let store = Arc::clone(&store);
            async move {
                let jti = jwt_data.jti().unwrap_or_default();
                store.lock().unwrap().contains(jti)
            }
        })
        .build()
        .unwrap();
    let token = jwt.create_access_token("username").unwrap();
    let jti = jwt.get_jti(&token).unwrap().unwrap();
    let app = app(jwt);
    assert_eq!(call(&app, "/protected", &token).await, ok_foo_bar());
    revoked_jtis.lock().unwrap().insert(jti);
    assert_eq!(call(&app, "/protected", &token).await, revoked());
}

// ---- test_user_lookup.py -------------------------------------------------------------------

#[tokio::test]
async fn test_no_user_lookup_loader_specified() {
    let jwt = builder().build().unwrap();
    let access_token = jwt.create_access_token("username").unwrap();
    let app = app(jwt.clone());
    for url in ["/get_user1", "/get_user2"] {
        let r = call(&app, url, &access_token).await;
        assert_eq!(
            r,
            (
                200,
                json!({
                    "error": "You must provide a user_lookup_loader callback to use this method",
                    "kind": "NoUserLoader",
                })
            ),
            "{url}"
        );
    }
    // The typed extractor cannot even be routed: its proof is refused at start-up.
    let err = jwt.user_lookup::<User>().unwrap_err();
    assert_eq!(
        (err.option(), err.message()),
        (
            "user_lookup_loader",
            "is not registered: CurrentUser<upstream::loaders::User> needs one \
             (JwtManagerBuilder::user_lookup_loader)"
        )
    );
}

#[tokio::test]
async fn test_load_valid_user() {
    #[user_lookup_loader]
    fn user_lookup_callback(_jwt_header: &JwtHeader, jwt_data: &Claims) -> Option<User> {
        Some(User {
            username: jwt_data.get_str("sub")?.to_owned(),
        })
    }
    let jwt = builder()
        .user_lookup_loader(user_lookup_callback)
        .build()
        .unwrap();
    let access_token = jwt.create_access_token("username").unwrap();
    let app = app(jwt);
    for url in ["/get_user1", "/get_user2", "/get_user3"] {
        let r = call(&app, url, &access_token).await;
        assert_eq!(r, (200, json!({ "foo": "username" })), "{url}");
    }
}

#[tokio::test]
async fn test_load_invalid_user() {
    static CALLS: AtomicUsize = AtomicUsize::new(0);
    #[user_lookup_loader]
    async fn user_lookup_callback(_jwt_header: &JwtHeader, _jwt_data: &Claims) -> Option<User> {
        CALLS.fetch_add(1, Ordering::SeqCst);
        None
    }
    let jwt = builder()
        .user_lookup_loader(user_lookup_callback)
        .build()
        .unwrap();
    let access_token = jwt.create_access_token("username").unwrap();
    let app = app(jwt);
    for url in ["/get_user1", "/get_user2", "/get_user3"] {
        let r = call(&app, url, &access_token).await;
        assert_eq!(r, msg(401, "Error loading the user username"), "{url}");
    }
    assert_eq!(CALLS.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn test_custom_user_lookup_errors() {
    static SEEN: Seen = Mutex::new(Vec::new());
    #[user_lookup_error_loader]
    fn user_lookup_error(jwt_header: &JwtHeader, jwt_data: &Claims) -> impl IntoResponse {
        record(&SEEN, jwt_header, jwt_data);
        (StatusCode::CREATED, Json(json!({ "foo": "bar" })))
    }
    let jwt = builder()
        .user_lookup_loader(|_jwt_header: &JwtHeader, _jwt_data: &Claims| None::<User>)
        .user_lookup_error_loader(user_lookup_error)
        .build()
        .unwrap();
    let access_token = jwt.create_access_token("username").unwrap();
    let app = app(jwt);
    for url in ["/get_user1", "/get_user2", "/get_user3"] {
        let r = call(&app, url, &access_token).await;
        assert_eq!(r, (201, json!({ "foo": "bar" })), "{url}");
    }
    assert_eq!(
        *SEEN.lock().unwrap(),
        [
            seen_once("access"),
            seen_once("access"),
            seen_once("access")
        ]
        .concat()
    );
}

/// "Error loading the user <identity>" names the value of `JWT_IDENTITY_CLAIM`, printed as
/// Python's `str()` would.
#[tokio::test]
async fn user_lookup_error_names_the_identity_claim() {
    let jwt = common::builder({
        let mut c = config();
        c.identity_claim = "identity".into();
        c.verify_sub = false;
        c
    })
    .0
    .user_lookup_loader(|_jwt_header: &JwtHeader, _jwt_data: &Claims| None::<User>)
    .build()
    .unwrap();
    let app = app(jwt.clone());
    let token = jwt.create_access_token("alice").unwrap();
    assert_eq!(
        call(&app, "/get_user1", &token).await,
        msg(401, "Error loading the user alice")
    );
    let token = jwt.create_access_token(1234).unwrap();
    assert_eq!(
        call(&app, "/get_user1", &token).await,
        msg(401, "Error loading the user 1234")
    );
}

/// Asking for another type than the loader returns is a clear error, not a panic.
#[tokio::test]
async fn current_user_of_another_type_is_a_clear_error() {
    let jwt = builder()
        .user_lookup_loader(|_jwt_header: &JwtHeader, _jwt_data: &Claims| {
            Some(User {
                username: "username".into(),
            })
        })
        .build()
        .unwrap();
    let token = jwt.create_access_token("username").unwrap();
    let r = call(&app(jwt.clone()), "/get_user_as_string", &token).await;
    assert_eq!(
        r,
        (
            200,
            json!({
                "error": "The user lookup loader does not return a alloc::string::String",
                "kind": "WrongUserType(\"alloc::string::String\")",
            })
        )
    );
    let err = jwt.user_lookup::<String>().unwrap_err();
    assert_eq!(
        err.message(),
        "returns upstream::loaders::User, not alloc::string::String: ask for \
         CurrentUser<upstream::loaders::User>"
    );
}

// ---- test_claims_verification.py -----------------------------------------------------------

/// The fixture's `additional_claims_loader` (`{"foo": "bar"}`), as a closure.
fn claims_verification_builder() -> JwtManagerBuilder {
    builder().additional_claims_loader(|_identity: &&'static str| json!({ "foo": "bar" }))
}

const CLAIMS_VERIFICATION_URLS: [&str; 3] = ["/protected1", "/protected2", "/protected3"];

#[tokio::test]
async fn test_successful_claims_validation() {
    static SEEN: Seen = Mutex::new(Vec::new());
    #[token_verification_loader]
    async fn claims_verification_callback(jwt_header: &JwtHeader, jwt_data: &Claims) -> bool {
        record(&SEEN, jwt_header, jwt_data);
        true
    }
    let jwt = claims_verification_builder()
        .token_verification_loader(claims_verification_callback)
        .build()
        .unwrap();
    let access_token = jwt
        .create_access_token_with("username", TokenOptions::new().fresh(true))
        .unwrap();
    let app = app(jwt);
    for url in CLAIMS_VERIFICATION_URLS {
        assert_eq!(call(&app, url, &access_token).await, ok_foo_bar(), "{url}");
    }
    assert_eq!(SEEN.lock().unwrap().len(), 3);
    assert_eq!(SEEN.lock().unwrap()[2], seen_once("access")[0]);
    // An optional route without a token calls no loader.
    let r = get_req(&app, "/protected3", &[]).await;
    assert_eq!(status_json(&r), ok_foo_bar());
    assert_eq!(SEEN.lock().unwrap().len(), 3);
}

#[tokio::test]
async fn test_unsuccessful_claims_validation() {
    static SEEN: Seen = Mutex::new(Vec::new());
    #[token_verification_loader]
    fn claims_verification_callback(jwt_header: &JwtHeader, jwt_data: &Claims) -> bool {
        record(&SEEN, jwt_header, jwt_data);
        false
    }
    let jwt = claims_verification_builder()
        .token_verification_loader(claims_verification_callback)
        .build()
        .unwrap();
    let access_token = jwt
        .create_access_token_with("username", TokenOptions::new().fresh(true))
        .unwrap();
    let app = app(jwt);
    for url in CLAIMS_VERIFICATION_URLS {
        let r = call(&app, url, &access_token).await;
        assert_eq!(r, msg(400, "User claims verification failed"), "{url}");
    }
    assert_eq!(
        *SEEN.lock().unwrap(),
        [
            seen_once("access"),
            seen_once("access"),
            seen_once("access")
        ]
        .concat()
    );
}

#[tokio::test]
async fn test_claims_validation_custom_error() {
    #[token_verification_failed_loader]
    fn custom_error(jwt_header: &JwtHeader, jwt_data: &Claims) -> impl IntoResponse {
        let sub = jwt_data.get_str("sub").unwrap_or_default();
        let body = json!({ "msg": format!("claims failed for {sub}") });
        match jwt_header.alg() {
            Some("HS256") => (StatusCode::NOT_FOUND, Json(body)),
            _ => (
                StatusCode::IM_A_TEAPOT,
                Json(json!({ "alg": jwt_header.alg() })),
            ),
        }
    }
    let jwt = claims_verification_builder()
        .token_verification_loader(|_jwt_header: &JwtHeader, _jwt_data: &Claims| false)
        .token_verification_failed_loader(custom_error)
        .build()
        .unwrap();
    let access_token = jwt
        .create_access_token_with("username", TokenOptions::new().fresh(true))
        .unwrap();
    let app = app(jwt);
    for url in CLAIMS_VERIFICATION_URLS {
        let r = call(&app, url, &access_token).await;
        assert_eq!(
            r,
            (404, json!({ "msg": "claims failed for username" })),
            "{url}"
        );
    }
}

// ---- test_additional_claims_loader.py ------------------------------------------------------

#[additional_claims_loader]
fn add_foo_bar(_identity: &&'static str) -> Value {
    json!({ "foo": "bar" })
}

#[additional_claims_loader]
fn add_default_value(_identity: &&'static str) -> Value {
    json!({ "default": "value" })
}

#[tokio::test]
async fn test_additional_claims_in_access_token() {
    let jwt = builder()
        .additional_claims_loader(add_foo_bar)
        .build()
        .unwrap();
    let access_token = jwt.create_access_token("username").unwrap();
    let r = call(&app(jwt.clone()), "/claims", &access_token).await;
    let expected = expected_claims(&jwt, &access_token, "access", json!({ "foo": "bar" }));
    assert_eq!(r, (200, expected));
}

/// Upstream: the loader returns a non-serializable object → TypeError. A loader here returns
/// a `serde_json::Value`, always serializable; what can go wrong is a value that is not an
/// object, or an identity whose `Serialize` fails. Both are errors, never a panic, and as a
/// response a 500 (a programming error, as Flask's TypeError).
#[tokio::test]
async fn test_non_serializable_claims() {
    let jwt = builder()
        .additional_claims_loader(|_identity: &&'static str| json!(["not", "an", "object"]))
        .build()
        .unwrap();
    let err = jwt.create_access_token("username").unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::Encode("additional_claims_loader's result must be a JSON object".into())
    );
    let err = jwt.create_refresh_token("username").unwrap_err();
    assert_eq!(
        err.message(),
        "additional_claims_loader's result must be a JSON object"
    );
    let r = request(&app(jwt), "POST", "/login", &[], None).await;
    assert_eq!(
        status_json(&r),
        msg(
            500,
            "additional_claims_loader's result must be a JSON object"
        )
    );

    // The `additional_claims` argument must be an object too.
    let jwt = builder().build().unwrap();
    let err = jwt
        .create_access_token_with("username", TokenOptions::new().additional_claims(json!(7)))
        .unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::Encode("additional_claims must be a JSON object".into())
    );

    // An identity that cannot be serialized (a map with non-string keys).
    let identity: std::collections::BTreeMap<(u8, u8), u8> = [((1, 2), 3)].into();
    let err = jwt.create_access_token(identity).unwrap_err();
    match err.kind() {
        ErrorKind::Encode(m) => {
            assert!(m.starts_with("identity is not JSON-serializable: "), "{m}")
        }
        other => panic!("expected an encode error, got {other:?}"),
    }
}

#[tokio::test]
async fn test_token_from_complex_object() {
    /// Creating a token needs `Serialize`, even when `user_identity_loader` handles the type.
    #[derive(serde::Serialize)]
    struct TestObject {
        username: String,
    }
    #[additional_claims_loader]
    fn add_claims(test_obj: &TestObject) -> Value {
        json!({ "username": test_obj.username })
    }
    #[user_identity_loader]
    fn add_identity(test_obj: &TestObject) -> String {
        test_obj.username.clone()
    }
    let jwt = builder()
        .additional_claims_loader(add_claims)
        .user_identity_loader(add_identity)
        .build()
        .unwrap();
    let access_token = jwt
        .create_access_token(TestObject {
            username: "username".into(),
        })
        .unwrap();

    // Make sure the changes appear in the token.
    let decoded_token = jwt.decode_token(&access_token).unwrap();
    assert_eq!(decoded_token.get_str("sub"), Some("username"));
    assert_eq!(decoded_token.get_str("username"), Some("username"));

    let r = call(&app(jwt.clone()), "/claims", &access_token).await;
    let expected = expected_claims(
        &jwt,
        &access_token,
        "access",
        json!({ "username": "username" }),
    );
    assert_eq!(r, (200, expected));
}

#[tokio::test]
async fn test_additional_claims_in_refresh_token() {
    let jwt = builder()
        .additional_claims_loader(add_foo_bar)
        .build()
        .unwrap();
    let refresh_token = jwt.create_refresh_token("username").unwrap();
    let r = call(&app(jwt.clone()), "/refresh_claims", &refresh_token).await;
    let expected = expected_claims(&jwt, &refresh_token, "refresh", json!({ "foo": "bar" }));
    assert_eq!(r, (200, expected));
}

#[tokio::test]
async fn test_additional_claims_in_refresh_token_specified_at_creation() {
    let jwt = builder().build().unwrap();
    let refresh_token = jwt
        .create_refresh_token_with(
            "username",
            TokenOptions::new().additional_claims(json!({ "foo": "bar" })),
        )
        .unwrap();
    let r = call(&app(jwt.clone()), "/refresh_claims", &refresh_token).await;
    let expected = expected_claims(&jwt, &refresh_token, "refresh", json!({ "foo": "bar" }));
    assert_eq!(r, (200, expected));
}

#[tokio::test]
async fn test_additional_claims_in_access_token_specified_at_creation() {
    let jwt = builder().build().unwrap();
    let access_token = jwt
        .create_access_token_with(
            "username",
            TokenOptions::new().additional_claims(json!({ "foo": "bar" })),
        )
        .unwrap();
    let r = call(&app(jwt.clone()), "/claims", &access_token).await;
    let expected = expected_claims(&jwt, &access_token, "access", json!({ "foo": "bar" }));
    assert_eq!(r, (200, expected));
}

#[tokio::test]
async fn test_addition_claims_merge() {
    let jwt = builder()
        .additional_claims_loader(add_default_value)
        .build()
        .unwrap();
    let access_token = jwt
        .create_access_token_with(
            "username",
            TokenOptions::new().additional_claims(json!({ "foo": "bar" })),
        )
        .unwrap();
    let app = app(jwt.clone());
    let r = call(&app, "/claims", &access_token).await;
    let expected = expected_claims(
        &jwt,
        &access_token,
        "access",
        json!({ "default": "value", "foo": "bar" }),
    );
    assert_eq!(r, (200, expected));
    // Flask updates the loader's dict in place, so a shared dict would leak `foo` into the
    // next token; here the next token has only the loader's claims.
    let next = jwt.create_access_token("username").unwrap();
    let r = call(&app, "/claims", &next).await;
    let expected = expected_claims(&jwt, &next, "access", json!({ "default": "value" }));
    assert_eq!(r, (200, expected));
}

#[tokio::test]
async fn test_addition_claims_merge_tie_goes_to_create_access_token() {
    let jwt = builder()
        .additional_claims_loader(add_default_value)
        .build()
        .unwrap();
    let access_token = jwt
        .create_access_token_with(
            "username",
            TokenOptions::new().additional_claims(json!({ "default": "foo" })),
        )
        .unwrap();
    let r = call(&app(jwt.clone()), "/claims", &access_token).await;
    let expected = expected_claims(&jwt, &access_token, "access", json!({ "default": "foo" }));
    assert_eq!(r, (200, expected));
}

/// A loader is written for one identity type; an identity of another type is an error, never
/// passed over silently (Flask's loader sees every identity), and `issuer::<I>()` makes it a
/// compile error.
#[tokio::test]
async fn additional_claims_loader_takes_one_identity_type() {
    let jwt = builder()
        .additional_claims_loader(add_foo_bar)
        .build()
        .unwrap();
    let with_str = jwt.create_access_token("username").unwrap();
    assert_eq!(
        jwt.decode_token(&with_str).unwrap().get_str("foo"),
        Some("bar")
    );
    let err = jwt
        .create_access_token(String::from("username"))
        .unwrap_err();
    assert!(
        err.message()
            .contains("additional_claims_loader takes `&&str`"),
        "{err}"
    );
    assert!(jwt.issuer::<String>().is_err());
    let typed = jwt.issuer::<&'static str>().unwrap();
    let token = typed.create_access_token(&"username").unwrap();
    assert_eq!(
        jwt.decode_token(&token).unwrap().get_str("foo"),
        Some("bar")
    );
    // Loaders on two identity types do not start.
    let err = builder()
        .additional_claims_loader(add_foo_bar)
        .additional_headers_loader(|_u: &String| json!({}))
        .build()
        .unwrap_err();
    assert_eq!(err.option(), "additional_headers_loader");
}

// ---- test_jwt_header_loader.py -------------------------------------------------------------

#[additional_headers_loader]
fn add_jwt_headers(_identity: &&'static str) -> Value {
    json!({ "foo": "bar" })
}

#[additional_headers_loader]
fn add_ping_pong(_identity: &&'static str) -> Value {
    json!({ "ping": "pong" })
}

#[tokio::test]
async fn test_jwt_headers_in_access_token() {
    let jwt = builder()
        .additional_headers_loader(add_jwt_headers)
        .build()
        .unwrap();
    let access_token = jwt.create_access_token("username").unwrap();
    let r = call(&app(jwt), "/header", &access_token).await;
    assert_eq!(
        r,
        (200, json!({ "alg": "HS256", "foo": "bar", "typ": "JWT" }))
    );
}

/// Upstream: a non-serializable header → TypeError. Here: a header value that is not an
/// object is an error (never a panic).
#[tokio::test]
async fn test_non_serializable_headers() {
    let jwt = builder()
        .additional_headers_loader(|_identity: &&'static str| json!("not an object"))
        .build()
        .unwrap();
    let err = jwt.create_access_token("username").unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::Encode("additional_headers_loader's result must be a JSON object".into())
    );
    let err = builder()
        .build()
        .unwrap()
        .create_refresh_token_with(
            "username",
            TokenOptions::new().additional_headers(json!([])),
        )
        .unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::Encode("additional_headers must be a JSON object".into())
    );
}

#[tokio::test]
async fn test_jwt_headers_in_refresh_token() {
    let jwt = builder()
        .additional_headers_loader(add_jwt_headers)
        .build()
        .unwrap();
    let refresh_token = jwt.create_refresh_token("username").unwrap();
    let r = call(&app(jwt), "/refresh_header", &refresh_token).await;
    assert_eq!(
        r,
        (200, json!({ "alg": "HS256", "foo": "bar", "typ": "JWT" }))
    );
}

#[tokio::test]
async fn test_jwt_header_in_refresh_token_specified_at_creation() {
    let jwt = builder().build().unwrap();
    let refresh_token = jwt
        .create_refresh_token_with(
            "username",
            TokenOptions::new().additional_headers(json!({ "foo": "bar" })),
        )
        .unwrap();
    let r = call(&app(jwt), "/refresh_header", &refresh_token).await;
    assert_eq!(
        r,
        (200, json!({ "alg": "HS256", "foo": "bar", "typ": "JWT" }))
    );
}

#[tokio::test]
async fn test_jwt_header_in_access_token_specified_at_creation() {
    let jwt = builder().build().unwrap();
    let access_token = jwt
        .create_access_token_with(
            "username",
            TokenOptions::new().additional_headers(json!({ "foo": "bar" })),
        )
        .unwrap();
    let r = call(&app(jwt), "/header", &access_token).await;
    assert_eq!(
        r,
        (200, json!({ "alg": "HS256", "foo": "bar", "typ": "JWT" }))
    );
}

#[tokio::test]
async fn test_jwt_header_in_access_token_specified_at_creation_override() {
    let jwt = builder()
        .additional_headers_loader(add_ping_pong)
        .build()
        .unwrap();
    let access_token = jwt
        .create_access_token_with(
            "username",
            TokenOptions::new().additional_headers(json!({ "foo": "bar" })),
        )
        .unwrap();
    let r = call(&app(jwt), "/header", &access_token).await;
    assert_eq!(
        r,
        (
            200,
            json!({ "alg": "HS256", "foo": "bar", "ping": "pong", "typ": "JWT" })
        )
    );
}

#[tokio::test]
async fn test_jwt_header_in_refresh_token_specified_at_creation_override() {
    let jwt = builder()
        .additional_headers_loader(add_ping_pong)
        .build()
        .unwrap();
    let refresh_token = jwt
        .create_refresh_token_with(
            "username",
            TokenOptions::new().additional_headers(json!({ "foo": "bar" })),
        )
        .unwrap();
    let r = call(&app(jwt), "/refresh_header", &refresh_token).await;
    assert_eq!(
        r,
        (
            200,
            json!({ "alg": "HS256", "foo": "bar", "ping": "pong", "typ": "JWT" })
        )
    );
}

/// The merge order: `{"alg", "typ": "JWT"}`, then the loader's members, then the argument's;
/// the later wins.
#[tokio::test]
async fn jwt_header_merge_order() {
    let jwt = builder()
        .additional_headers_loader(|_identity: &&'static str| {
            json!({ "foo": "loader", "kid": "loader-kid", "typ": "at+jwt" })
        })
        .build()
        .unwrap();
    let access_token = jwt
        .create_access_token_with(
            "username",
            TokenOptions::new().additional_headers(json!({ "foo": "argument" })),
        )
        .unwrap();
    let r = call(&app(jwt.clone()), "/header", &access_token).await;
    assert_eq!(
        r,
        (
            200,
            json!({ "alg": "HS256", "foo": "argument", "kid": "loader-kid", "typ": "at+jwt" })
        )
    );
    assert_eq!(
        jwt.get_unverified_jwt_headers(&access_token)
            .unwrap()
            .get_str("foo"),
        Some("argument")
    );
}

// ---- test_get_jwt_in_non_protected_contexts.py ---------------------------------------------

const OUTSIDE: &str = "You must use #[jwt_required] (or a Jwt extractor) before using this method";

/// Calls an unprotected view, with a valid token that no one verifies.
async fn unprotected(uri: &str) -> (u16, Value) {
    let jwt = builder()
        .user_lookup_loader(|_jwt_header: &JwtHeader, _jwt_data: &Claims| {
            Some(User {
                username: "username".into(),
            })
        })
        .build()
        .unwrap();
    let token = jwt.create_access_token("username").unwrap();
    call(&app(jwt), uri, &token).await
}

#[tokio::test]
async fn test_get_jwt_in_non_protected_route() {
    assert_eq!(get_jwt(), Err(NoJwtContext::Outside));
    assert_eq!(unprotected("/unprotected/get_jwt").await, msg(500, OUTSIDE));
}

#[tokio::test]
async fn test_get_jwt_header_in_non_protected_route() {
    assert_eq!(get_jwt_header(), Err(NoJwtContext::Outside));
    assert_eq!(
        unprotected("/unprotected/get_jwt_header").await,
        msg(500, OUTSIDE)
    );
}

#[tokio::test]
async fn test_get_jwt_identity_in_non_protected_route() {
    assert_eq!(get_jwt_identity(), Err(NoJwtContext::Outside));
    assert_eq!(
        unprotected("/unprotected/get_jwt_identity").await,
        msg(500, OUTSIDE)
    );
}

#[tokio::test]
async fn test_current_user_in_non_protected_route() {
    assert_eq!(current_user::<User>(), Err(NoJwtContext::Outside));
    assert!(current_context().is_none());
    assert_eq!(
        unprotected("/unprotected/current_user").await,
        msg(500, OUTSIDE)
    );
}

/// `get_current_user()` and `current_user` are one function here.
#[tokio::test]
async fn test_get_current_user_in_non_protected_route() {
    // Even with a manager whose loader would find a user.
    let r = unprotected("/unprotected/current_user").await;
    assert_eq!(r, msg(500, OUTSIDE));
    assert_eq!(
        NoJwtContext::Outside.to_string(),
        OUTSIDE,
        "the response carries the error's message"
    );
}

/// A task started with `tokio::spawn` inside a protected view is outside the context too;
/// `spawn_with_jwt` carries it.
#[tokio::test]
async fn get_jwt_in_a_spawned_task() {
    let jwt = builder().build().unwrap();
    let token = jwt.create_access_token("username").unwrap();
    assert_eq!(
        call(&app(jwt), "/spawned", &token).await,
        (
            200,
            json!({
                "tokio_spawn": { "Err": "Outside" },
                "spawn_with_jwt": { "Ok": "username" },
            })
        )
    );
}

// ---- test_get_methods_in_optional_endpoint.py ----------------------------------------------

#[tokio::test]
async fn test_get_jwt_in_optional_route() {
    static CALLS: AtomicUsize = AtomicUsize::new(0);
    #[user_lookup_loader]
    async fn user_lookup_callback(_jwt_header: &JwtHeader, jwt_data: &Claims) -> Option<User> {
        CALLS.fetch_add(1, Ordering::SeqCst);
        Some(User {
            username: jwt_data.get_str("sub")?.to_owned(),
        })
    }
    let jwt = builder()
        .user_lookup_loader(user_lookup_callback)
        .build()
        .unwrap();
    let app = app(jwt.clone());
    let r = get_req(&app, "/optional", &[]).await;
    assert_eq!(
        status_json(&r),
        (
            200,
            json!({
                "get_jwt": {},
                "get_jwt_header": {},
                "get_jwt_identity": null,
                "get_current_user": null,
                "get_jwt_request_location": null,
            })
        )
    );
    let r = get_req(&app, "/optional_guard", &[]).await;
    assert_eq!(
        status_json(&r),
        (
            200,
            json!({
                "claims": {},
                "header": {},
                "identity": null,
                "current_user": null,
                "anonymous": true,
            })
        )
    );
    assert_eq!(
        CALLS.load(Ordering::SeqCst),
        0,
        "the user loader was called"
    );

    // With a token, the same views see it, and the loader is called once per request.
    let token = jwt.create_access_token("username").unwrap();
    let (status, body) = call(&app, "/optional", &token).await;
    assert_eq!(status, 200);
    assert_eq!(
        (
            &body["get_jwt_header"],
            &body["get_jwt_identity"],
            &body["get_current_user"],
            &body["get_jwt_request_location"],
        ),
        (
            &json!({ "alg": "HS256", "typ": "JWT" }),
            &json!("username"),
            &json!("username"),
            &json!("headers"),
        )
    );
    assert_eq!(
        body["get_jwt"],
        expected_claims(&jwt, &token, "access", json!({}))
    );
    assert_eq!(CALLS.load(Ordering::SeqCst), 1);
}

/// Without a token, `current_user` is `None` even when no loader is registered.
#[tokio::test]
async fn optional_route_current_user_without_a_loader() {
    let app = app(builder().build().unwrap());
    let r = get_req(&app, "/optional", &[]).await;
    assert_eq!(
        (r.status.as_u16(), r.json()["get_current_user"].clone()),
        (200, Value::Null)
    );
    let r = get_req(&app, "/optional_guard", &[]).await;
    assert_eq!(
        (r.status.as_u16(), r.json()["anonymous"].clone()),
        (200, json!(true))
    );
}

// ---- the pipeline's order and precedence ---------------------------------------------

fn flag(claims: &Claims, name: &str) -> bool {
    claims.get(name) == Some(&Value::Bool(true))
}

type Log = Arc<Mutex<Vec<&'static str>>>;

/// Every request-time loader, each logging its call; `revoked`, `unverified` and `ghost`
/// claims make the blocklist, the verification and the user lookup fail.
fn logging_app() -> (Router, JwtManager, Log) {
    let log: Log = Arc::default();
    let (l1, l2, l3, l4, l5) = (
        log.clone(),
        log.clone(),
        log.clone(),
        log.clone(),
        log.clone(),
    );
    let jwt = builder()
        .decode_key_loader(move |_jwt_header: &JwtHeader, _jwt_data: &Claims| {
            l1.lock().unwrap().push("decode_key");
            Key::Secret(SECRET.into())
        })
        .token_in_blocklist_loader(move |_jwt_header: JwtHeader, jwt_data: Claims| {
            let log = l2.clone();
            async move {
                log.lock().unwrap().push("blocklist");
                flag(&jwt_data, "revoked")
            }
        })
        .token_verification_loader(move |_jwt_header: &JwtHeader, jwt_data: &Claims| {
            l3.lock().unwrap().push("verification");
            !flag(jwt_data, "unverified")
        })
        .user_lookup_loader(move |_jwt_header: JwtHeader, jwt_data: Claims| {
            let log = l4.clone();
            async move {
                log.lock().unwrap().push("user_lookup");
                (!flag(&jwt_data, "ghost")).then(|| User {
                    username: "username".into(),
                })
            }
        })
        .build()
        .unwrap();
    let view = Router::new()
        .route(
            "/logged",
            get(move |_jwt: Jwt| async move {
                l5.lock().unwrap().push("view");
                foo_bar()
            }),
        )
        .with_state(jwt.clone());
    (app(jwt.clone()).merge(view), jwt, log)
}

/// "Observed order of the callbacks on a valid request: decode_key_loader →
/// token_in_blocklist_loader → token_verification_loader → user_lookup_loader → view."
#[tokio::test]
async fn loaders_run_in_flask_order() {
    let (app, jwt, log) = logging_app();
    let token = jwt.create_access_token("username").unwrap();
    assert_eq!(call(&app, "/logged", &token).await, ok_foo_bar());
    assert_eq!(
        *log.lock().unwrap(),
        [
            "decode_key",
            "blocklist",
            "verification",
            "user_lookup",
            "view"
        ]
    );
}

/// Flask's precedence table, and which loaders ran before the winning error.
#[tokio::test]
async fn precedence_when_several_checks_fail() {
    let (app, jwt, log) = logging_app();
    let access = |claims: Value| {
        jwt.create_access_token_with("username", TokenOptions::new().additional_claims(claims))
            .unwrap()
    };
    let refresh = |claims: Value| {
        jwt.create_refresh_token_with("username", TokenOptions::new().additional_claims(claims))
            .unwrap()
    };
    let cases = vec![
        (
            "revoked + expired",
            access(json!({ "revoked": true, "exp": NOW - 10 })),
            "/protected",
            msg(401, "Token has expired"),
            vec!["decode_key"],
        ),
        (
            "revoked + refresh token on an access route",
            refresh(json!({ "revoked": true })),
            "/protected",
            msg(422, "Only non-refresh tokens are allowed"),
            vec!["decode_key"],
        ),
        (
            "revoked + non-fresh on a fresh route",
            access(json!({ "revoked": true })),
            "/protected2",
            msg(401, "Fresh token required"),
            vec!["decode_key"],
        ),
        (
            "revoked + verification fails",
            access(json!({ "revoked": true, "unverified": true })),
            "/protected",
            revoked(),
            vec!["decode_key", "blocklist"],
        ),
        (
            "verification fails + user lookup returns None",
            access(json!({ "unverified": true, "ghost": true })),
            "/protected",
            msg(400, "User claims verification failed"),
            vec!["decode_key", "blocklist", "verification"],
        ),
        (
            "user lookup returns None",
            access(json!({ "ghost": true })),
            "/protected",
            msg(401, "Error loading the user username"),
            vec!["decode_key", "blocklist", "verification", "user_lookup"],
        ),
        (
            "refresh token on a fresh route",
            refresh(json!({})),
            "/protected2",
            msg(422, "Only non-refresh tokens are allowed"),
            vec!["decode_key"],
        ),
    ];
    for (case, token, uri, expected, ran) in cases {
        log.lock().unwrap().clear();
        assert_eq!(call(&app, uri, &token).await, expected, "{case}");
        assert_eq!(*log.lock().unwrap(), ran, "{case}");
    }
}
