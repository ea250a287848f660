//! One way into a request: the guard behind `#[jwt_required]`, the claims extractor `Jwt`,
//! `CurrentUser` and the router layer give the same answers to the same requests and record
//! the same verification span; they differ only where they must (`OPTIONS`). Then the state
//! patterns axum accepts (a sub-state, an `Arc` state, a generic handler), and a route under
//! a layer that verified less than the route asks for.

mod common;

use std::cell::RefCell;
use std::io::Write;
use std::sync::{Arc, OnceLock};

use axum::body::Body;
use axum::extract::{FromRef, State};
use axum::http::{Method, Request};
use axum::routing::{any, get};
use axum::{Json, Router};
use axum_jwt_extended::{
    get_jwt_identity, jwt_required, Claims, CurrentUser, Jwt, JwtHeader, JwtManager,
    MemoryBlocklist, NoJwtContext, UserLookup,
};
use serde_json::{json, Value};

use common::{bearer, builder, config, get as get_req, msg, send, status_json};

#[derive(Clone, FromRef)]
struct AppState {
    jwt: JwtManager,
    users: UserLookup<String>,
    db: Db,
}

#[derive(Clone)]
struct Db(&'static str);

fn manager() -> JwtManager {
    builder(config())
        .0
        .user_lookup_loader(|_h: &JwtHeader, c: &Claims| c.get_str("sub").map(str::to_owned))
        .blocklist(MemoryBlocklist::new())
        .build()
        .expect("valid")
}

fn state(jwt: &JwtManager) -> AppState {
    AppState {
        jwt: jwt.clone(),
        users: jwt.user_lookup::<String>().expect("String users"),
        db: Db("rows"),
    }
}

#[jwt_required]
async fn guarded() -> Result<Json<Value>, NoJwtContext> {
    Ok(Json(json!({ "identity": get_jwt_identity()? })))
}

async fn extracted(jwt: Jwt) -> Json<Value> {
    Json(json!({ "identity": jwt.identity() }))
}

async fn current(CurrentUser(user): CurrentUser<String>) -> Json<Value> {
    Json(json!({ "identity": *user }))
}

async fn layered() -> Result<Json<Value>, NoJwtContext> {
    Ok(Json(json!({ "identity": get_jwt_identity()? })))
}

/// Each entry point on its own route, behind `any` so that `OPTIONS` reaches it.
fn app(jwt: &JwtManager) -> Router {
    let layered = Router::new()
        .route("/layer", any(layered))
        .route_layer(jwt.layer());
    Router::new()
        .route("/guard", any(guarded))
        .route("/extractor", any(extracted))
        .route("/current_user", any(current))
        .merge(layered)
        .with_state(state(jwt))
}

const ENTRIES: [&str; 4] = ["/guard", "/extractor", "/current_user", "/layer"];

thread_local! {
    /// What the subscriber wrote on this thread (span closes included). Each test runs on its
    /// own thread, so each reads only its own requests' lines.
    static LOG: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

struct ThreadLog;

impl Write for ThreadLog {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        LOG.with(|l| l.borrow_mut().extend_from_slice(buf));
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// One global subscriber for the whole test binary, installed before any test sends a
/// request (a subscriber per test, set as the thread's default, races with the tests that run
/// beside it over which callsites are enabled).
fn init() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
            .with_writer(|| ThreadLog)
            .with_ansi(false)
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("the only subscriber");
    });
}

/// What this thread logged since the last call.
fn take_log() -> String {
    LOG.with(|l| String::from_utf8(std::mem::take(&mut *l.borrow_mut())).unwrap())
}

/// Sends `req` to every entry point: each one's `(status, body)` and how many verification
/// spans it recorded.
async fn through_each(
    app: &Router,
    req: impl Fn(&str) -> Request<Body>,
) -> Vec<((u16, Value), usize)> {
    let mut answers = Vec::new();
    for path in ENTRIES {
        take_log();
        let reply = send(app, req(path)).await;
        let spans = take_log().matches("jwt_verify").count();
        answers.push((status_json(&reply), spans));
    }
    answers
}

fn with_header(path: &str, token: Option<&str>) -> Request<Body> {
    let mut req = Request::get(path);
    if let Some(t) = token {
        req = req.header("Authorization", bearer(t));
    }
    req.body(Body::empty()).unwrap()
}

#[tokio::test]
async fn every_entry_point_gives_the_same_answer_and_span() {
    init();
    let jwt = manager();
    let app = app(&jwt);
    let token = jwt.create_access_token("alice").unwrap();

    let missing = through_each(&app, |p| with_header(p, None)).await;
    let invalid = through_each(&app, |p| with_header(p, Some("not.a-token"))).await;
    let good = through_each(&app, |p| with_header(p, Some(&token))).await;
    for (i, path) in ENTRIES.iter().enumerate() {
        assert_eq!(
            missing[i],
            ((401, msg("Missing Authorization Header")), 1),
            "{path}"
        );
        assert_eq!(invalid[i].1, 1, "{path}: one verification span");
        assert_eq!(invalid[i].0 .0, 422, "{path}");
        assert_eq!(invalid[i].0, invalid[0].0, "{path} answers as the guard");
        assert_eq!(
            good[i],
            ((200, json!({ "identity": "alice" })), 1),
            "{path}"
        );
    }

    // A refresh token where an access token is required: the same 422 everywhere.
    let refresh = jwt.create_refresh_token("alice").unwrap();
    let wrong = through_each(&app, |p| with_header(p, Some(&refresh))).await;
    for (i, path) in ENTRIES.iter().enumerate() {
        assert_eq!(
            wrong[i],
            ((422, msg("Only non-refresh tokens are allowed")), 1),
            "{path}"
        );
    }
}

#[tokio::test]
async fn options_passes_the_guard_and_the_layer_and_not_the_extractors() {
    init();
    let jwt = manager();
    let app = app(&jwt);
    let options = |p: &str| {
        Request::builder()
            .method(Method::OPTIONS)
            .uri(p)
            .body(Body::empty())
            .unwrap()
    };
    let answers = through_each(&app, options).await;
    // The guard and the layer let a CORS preflight through unverified: the handler runs with
    // no context (a 500 naming the mistake, as `get_jwt_identity()` outside a verification).
    let outside = json!({
        "msg": "You must use #[jwt_required] (or a Jwt extractor) before using this method"
    });
    assert_eq!(answers[0], ((500, outside.clone()), 0), "/guard");
    assert_eq!(answers[3], ((500, outside), 0), "/layer");
    // An extractor has no claims to give without a token: it verifies OPTIONS too.
    for i in [1, 2] {
        assert_eq!(
            answers[i],
            ((401, msg("Missing Authorization Header")), 1),
            "{}",
            ENTRIES[i]
        );
    }
}

// The state patterns axum accepts, answering through a real router.

#[jwt_required]
async fn sub_state(State(db): State<Db>) -> Result<Json<Value>, NoJwtContext> {
    Ok(Json(json!({ "identity": get_jwt_identity()?, "db": db.0 })))
}

#[jwt_required(fresh)]
async fn arc_state(State(app): State<Arc<AppState>>) -> Result<Json<Value>, NoJwtContext> {
    Ok(Json(
        json!({ "identity": get_jwt_identity()?, "db": app.db.0 }),
    ))
}

#[jwt_required]
async fn generic<S: Clone + Send + Sync + 'static>(State(_s): State<S>) -> Json<Value> {
    Json(json!({ "arc": std::any::type_name::<S>().contains("Arc<") }))
}

async fn arc_user(CurrentUser(user): CurrentUser<String>, jwt: Jwt) -> Json<Value> {
    Json(json!({ "user": *user, "identity": jwt.identity() }))
}

#[tokio::test]
async fn a_sub_state_handler_answers() {
    init();
    let jwt = manager();
    let app = Router::new()
        .route("/me", get(sub_state))
        .route("/generic", get(generic::<AppState>))
        .with_state(state(&jwt));
    let token = jwt.create_access_token("alice").unwrap();
    let auth = bearer(&token);
    let r = get_req(&app, "/me", &[("Authorization", &auth)]).await;
    assert_eq!(
        status_json(&r),
        (200, json!({ "identity": "alice", "db": "rows" }))
    );
    let r = get_req(&app, "/me", &[]).await;
    assert_eq!(status_json(&r), (401, msg("Missing Authorization Header")));
    let r = get_req(&app, "/generic", &[("Authorization", &auth)]).await;
    assert_eq!(status_json(&r), (200, json!({ "arc": false })));
    let r = get_req(&app, "/generic", &[]).await;
    assert_eq!(status_json(&r), (401, msg("Missing Authorization Header")));
}

#[tokio::test]
async fn an_arc_state_router_answers_with_the_attribute_the_extractors_and_the_layer() {
    init();
    let jwt = manager();
    let nested = Router::new()
        .route("/me", get(layered))
        .route_layer(jwt.layer());
    let app: Router = Router::new()
        .route("/fresh", get(arc_state))
        .route("/generic", get(generic::<Arc<AppState>>))
        .route("/user", get(arc_user))
        .nest("/api", nested)
        .with_state(Arc::new(state(&jwt)));
    let fresh = jwt
        .create_access_token_with("alice", axum_jwt_extended::TokenOptions::new().fresh(true))
        .unwrap();
    let stale = jwt.create_access_token("alice").unwrap();
    let (fresh, stale) = (bearer(&fresh), bearer(&stale));

    let r = get_req(&app, "/fresh", &[("Authorization", &fresh)]).await;
    assert_eq!(
        status_json(&r),
        (200, json!({ "identity": "alice", "db": "rows" }))
    );
    let r = get_req(&app, "/fresh", &[("Authorization", &stale)]).await;
    assert_eq!(status_json(&r), (401, msg("Fresh token required")));
    let r = get_req(&app, "/generic", &[("Authorization", &stale)]).await;
    assert_eq!(status_json(&r), (200, json!({ "arc": true })));
    let r = get_req(&app, "/user", &[("Authorization", &stale)]).await;
    assert_eq!(
        status_json(&r),
        (200, json!({ "user": "alice", "identity": "alice" }))
    );
    let r = get_req(&app, "/user", &[]).await;
    assert_eq!(status_json(&r), (401, msg("Missing Authorization Header")));
    let r = get_req(&app, "/api/me", &[("Authorization", &stale)]).await;
    assert_eq!(status_json(&r), (200, json!({ "identity": "alice" })));
    let r = get_req(&app, "/api/me", &[]).await;
    assert_eq!(status_json(&r), (401, msg("Missing Authorization Header")));
}

// A route under a layer that verified less than the route asks for verifies on its own.

#[jwt_required]
async fn own_revocation_check() -> Result<Json<Value>, NoJwtContext> {
    Ok(Json(json!({ "identity": get_jwt_identity()? })))
}

#[jwt_required(locations = "cookies")]
async fn cookies_only() -> Result<Json<Value>, NoJwtContext> {
    Ok(Json(json!({ "identity": get_jwt_identity()? })))
}

#[tokio::test]
async fn a_route_keeps_its_revocation_check_under_a_layer_that_skips_it() {
    init();
    let jwt = manager();
    let app: Router = Router::new()
        .route("/checked", get(own_revocation_check))
        .route("/unchecked", get(layered))
        .route_layer(jwt.layer().skip_revocation_check())
        .with_state(state(&jwt));
    let token = jwt.create_access_token("alice").unwrap();
    let auth = bearer(&token);
    let r = get_req(&app, "/checked", &[("Authorization", &auth)]).await;
    assert_eq!(status_json(&r), (200, json!({ "identity": "alice" })));
    jwt.revoke_token(&jwt.decode_token(&token).unwrap())
        .await
        .unwrap();
    // The layer skips the check as configured; the route under it does not.
    let r = get_req(&app, "/unchecked", &[("Authorization", &auth)]).await;
    assert_eq!(status_json(&r), (200, json!({ "identity": "alice" })));
    let r = get_req(&app, "/checked", &[("Authorization", &auth)]).await;
    assert_eq!(status_json(&r), (401, msg("Token has been revoked")));
}

#[tokio::test]
async fn a_route_keeps_its_locations_under_a_layer_with_others() {
    init();
    let jwt = manager();
    let app: Router = Router::new()
        .route("/cookies", get(cookies_only))
        .route_layer(jwt.layer())
        .with_state(state(&jwt));
    let token = jwt.create_access_token("alice").unwrap();
    let auth = bearer(&token);
    // The layer takes the header token; the route reads cookies only, and has none.
    let r = get_req(&app, "/cookies", &[("Authorization", &auth)]).await;
    assert_eq!(
        status_json(&r),
        (401, msg("Missing cookie \"access_token_cookie\""))
    );
    let cookie = format!("access_token_cookie={token}");
    let r = get_req(
        &app,
        "/cookies",
        &[("Authorization", &auth), ("Cookie", &cookie)],
    )
    .await;
    assert_eq!(status_json(&r), (200, json!({ "identity": "alice" })));
}

// `CurrentUser` takes whatever token the route accepted: a refresh route's too.

#[jwt_required(refresh)]
async fn refresh_user(CurrentUser(user): CurrentUser<String>) -> Json<Value> {
    Json(json!({ "user": *user }))
}

#[tokio::test]
async fn current_user_on_a_refresh_route() {
    init();
    let jwt = manager();
    let app: Router = Router::new()
        .route("/refresh", axum::routing::post(refresh_user))
        .with_state(state(&jwt));
    let refresh = jwt.create_refresh_token("alice").unwrap();
    let r = common::request(
        &app,
        "POST",
        "/refresh",
        &[("Authorization", &bearer(&refresh))],
        None,
    )
    .await;
    assert_eq!(status_json(&r), (200, json!({ "user": "alice" })));
}

// Another manager's verification is never taken as this manager's.

#[tokio::test]
async fn a_verification_by_another_manager_is_not_reused() {
    init();
    let users = manager();
    let admins = builder(axum_jwt_extended::JwtConfig::with_secret(
        common::LONG_SECRET,
    ))
    .0
    .build()
    .unwrap();
    let admin_routes = Router::new()
        .route("/admin/guarded", get(guarded))
        .route("/admin/layered", get(layered))
        .route_layer(admins.layer())
        .with_state(admins.clone());
    let app: Router = Router::new()
        .merge(admin_routes)
        .layer(users.layer().optional());
    let user_token = users.create_access_token("mallory").unwrap();
    let auth = bearer(&user_token);
    for path in ["/admin/guarded", "/admin/layered"] {
        let r = get_req(&app, path, &[("Authorization", &auth)]).await;
        assert_eq!(
            status_json(&r),
            (422, msg("Signature verification failed")),
            "{path}"
        );
    }
    let admin_token = admins.create_access_token("root").unwrap();
    let r = get_req(
        &app,
        "/admin/guarded",
        &[("Authorization", &bearer(&admin_token))],
    )
    .await;
    // The outer (users') optional layer refuses a token it cannot verify before the admin
    // routes see it: each manager judges tokens by its own keys.
    assert_eq!(status_json(&r), (422, msg("Signature verification failed")));
}
