//! The demo's users, state and routes (the contract is in `examples/demo/README.md`), built
//! from a configuration. `main.rs` reads the environment and serves it; `tests/demo.rs` drives the
//! same router in-process.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRef, FromRequest, Request, State};
use axum::http::{header, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use axum_jwt_extended::{
    get_jwt, get_jwt_header, get_jwt_identity, get_jwt_request_location, jwt_required,
    set_access_cookies, set_refresh_cookies, unset_jwt_cookies, Claims, CookieOptions, CurrentUser,
    JwtConfig, JwtError, JwtManager, Location, MemoryBlocklist, NoJwtContext, TokenOptions,
    UserLookup,
};
use serde::Deserialize;
use serde_json::{json, Value};

// ---- users ---------------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct User {
    username: String,
    roles: Vec<String>,
    /// An argon2id PHC string (`$argon2id$v=19$…`).
    password_hash: String,
}

fn hash_password(password: &str) -> String {
    use argon2::password_hash::{rand_core::OsRng, PasswordHasher, SaltString};
    let salt = SaltString::generate(&mut OsRng);
    argon2::Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .unwrap_or_default()
}

fn verify_password(password: &str, hash: &str) -> bool {
    use argon2::password_hash::{PasswordHash, PasswordVerifier};
    PasswordHash::new(hash).is_ok_and(|h| {
        argon2::Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

fn make_user(username: &str, password: &str, roles: &[&str]) -> User {
    User {
        username: username.to_owned(),
        roles: roles.iter().map(|r| r.to_string()).collect(),
        password_hash: hash_password(password),
    }
}

type Users = Arc<HashMap<String, User>>;

fn users() -> Users {
    let list = [
        make_user("testuser", "testpass", &["user"]),
        make_user("admin", "adminpass", &["admin", "user"]),
    ];
    Arc::new(list.into_iter().map(|u| (u.username.clone(), u)).collect())
}

/// At most this many password checks run at once, each on the blocking pool: a flood of
/// logins waits its turn instead of stalling the async workers that serve every other route.
const CONCURRENT_HASHES: usize = 2;

/// Checks a password (argon2id, on the blocking pool); unknown users cost the same as known
/// ones.
async fn authenticate(app: &AppState, username: &str, password: String) -> Option<User> {
    let user = app.users.get(username).cloned();
    let _permit = app.hashing.acquire().await.ok()?;
    let hash = match &user {
        Some(u) => u.password_hash.clone(),
        None => app.dummy_hash.clone(),
    };
    let ok = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .unwrap_or(false);
    user.filter(|_| ok)
}

// ---- state ---------------------------------------------------------------------------------

#[derive(Clone)]
struct AppState {
    jwt: JwtManager,
    users: Users,
    /// Limits the password checks running at once.
    hashing: Arc<tokio::sync::Semaphore>,
    /// Checked against for unknown users, so that they cost what a known user costs.
    dummy_hash: String,
    /// Proof, checked at start-up, that the user lookup loader returns `User`.
    user_lookup: UserLookup<User>,
}

impl FromRef<AppState> for JwtManager {
    fn from_ref(s: &AppState) -> JwtManager {
        s.jwt.clone()
    }
}

impl FromRef<AppState> for UserLookup<User> {
    fn from_ref(s: &AppState) -> UserLookup<User> {
        s.user_lookup
    }
}

impl AppState {
    fn cookie_mode(&self) -> bool {
        self.jwt
            .config()
            .token_location
            .contains(&Location::Cookies)
    }

    fn error(&self, status: StatusCode, msg: &str) -> Response {
        self.jwt.message_response(status, msg)
    }
}

/// `Json<T>` whose rejections are `{"msg": …}` 400s like every other error of the demo.
struct DemoJson<T>(T);

impl<T: serde::de::DeserializeOwned> FromRequest<AppState> for DemoJson<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(DemoJson(v)),
            Err(rejection) => {
                let msg = match rejection {
                    JsonRejection::MissingJsonContentType(_) => {
                        "Expected a JSON body (Content-Type: application/json)".to_owned()
                    }
                    JsonRejection::JsonSyntaxError(_) => "The body is not valid JSON".to_owned(),
                    JsonRejection::JsonDataError(e) => {
                        format!("Invalid JSON body: {}", e.body_text())
                    }
                    other => other.body_text(),
                };
                Err(state.error(StatusCode::BAD_REQUEST, &msg))
            }
        }
    }
}

// ---- routes --------------------------------------------------------------------------------

async fn health() -> Json<&'static str> {
    Json("ok")
}

/// The login body: a JSON object with the strings `username` and `password` (serde alone
/// would also take the array `["user", "pass"]`).
fn login_body(body: &Value) -> Option<(&str, &str)> {
    let object = body.as_object()?;
    let field = |name: &str| object.get(name).and_then(Value::as_str);
    Some((field("username")?, field("password")?))
}

/// A service that verifies tokens against another's keys (`JWT_JWKS_URL`) mints none.
fn verifier_only(app: &AppState) -> Option<Response> {
    (!app.jwt.can_sign()).then(|| {
        app.error(
            StatusCode::NOT_IMPLEMENTED,
            "This service only verifies tokens",
        )
    })
}

async fn login(State(app): State<AppState>, body: DemoJson<Value>) -> Response {
    if let Some(refused) = verifier_only(&app) {
        return refused;
    }
    let DemoJson(body) = body;
    let Some((username, password)) = login_body(&body) else {
        return app.error(
            StatusCode::BAD_REQUEST,
            "Expected a JSON object with the strings \"username\" and \"password\"",
        );
    };
    let Some(user) = authenticate(&app, username, password.to_owned()).await else {
        return app.error(StatusCode::UNAUTHORIZED, "Bad username or password");
    };
    let issue = || -> Result<Response, JwtError> {
        // `roles` comes from the additional claims loader, as on every access token.
        let access = app
            .jwt
            .create_access_token_with(user.username.clone(), TokenOptions::new().fresh(true))?;
        let refresh = app.jwt.create_refresh_token(user.username.clone())?;
        let body = Json(json!({ "access_token": access, "refresh_token": refresh }));
        if app.cookie_mode() {
            let cookies = set_access_cookies(&app.jwt, &access, CookieOptions::default())?.and(
                set_refresh_cookies(&app.jwt, &refresh, CookieOptions::default())?,
            );
            Ok((cookies, body).into_response())
        } else {
            Ok(body.into_response())
        }
    };
    issue().unwrap_or_else(|e| app.jwt.error_response(e))
}

#[jwt_required]
async fn protected() -> Result<Json<Value>, NoJwtContext> {
    Ok(Json(json!({ "logged_in_as": get_jwt_identity()? })))
}

#[jwt_required(optional)]
async fn optional() -> Result<Json<Value>, NoJwtContext> {
    Ok(Json(json!({ "logged_in_as": get_jwt_identity()? })))
}

#[jwt_required(fresh)]
async fn fresh() -> Result<Json<Value>, NoJwtContext> {
    Ok(Json(json!({ "logged_in_as": get_jwt_identity()? })))
}

#[jwt_required(refresh)]
async fn refresh(State(app): State<AppState>) -> Response {
    if let Some(refused) = verifier_only(&app) {
        return refused;
    }
    // The demo's identities are user names: the additional claims loader adds their roles.
    let identity = get_jwt_identity()
        .ok()
        .flatten()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    let issue = || -> Result<Response, JwtError> {
        let access = app.jwt.create_access_token(identity)?;
        let body = Json(json!({ "access_token": access }));
        if app.cookie_mode() {
            let cookies = set_access_cookies(&app.jwt, &access, CookieOptions::default())?;
            Ok((cookies, body).into_response())
        } else {
            Ok(body.into_response())
        }
    };
    issue().unwrap_or_else(|e| app.jwt.error_response(e))
}

#[jwt_required]
async fn claims() -> Result<Json<Value>, NoJwtContext> {
    Ok(Json(json!({
        "claims": get_jwt()?,
        "header": get_jwt_header()?,
        "location": get_jwt_request_location(),
    })))
}

#[derive(Deserialize)]
struct EchoBody {
    message: Value,
}

#[jwt_required]
async fn echo(body: DemoJson<EchoBody>) -> Result<Json<Value>, NoJwtContext> {
    let DemoJson(EchoBody { message }) = body;
    Ok(Json(
        json!({ "logged_in_as": get_jwt_identity()?, "message": message }),
    ))
}

#[jwt_required(verify_type = false)]
async fn logout(State(app): State<AppState>) -> Response {
    let Ok(claims) = get_jwt() else {
        return NoJwtContext::Outside.into_response();
    };
    if let Err(e) = app.jwt.revoke_token(&claims).await {
        return app.jwt.error_response(e);
    }
    let msg = if claims.token_type() == Some("refresh") {
        "Refresh token revoked"
    } else {
        "Access token revoked"
    };
    let body = app.jwt.message_response(StatusCode::OK, msg);
    if app.cookie_mode() {
        (unset_jwt_cookies(&app.jwt, None), body).into_response()
    } else {
        body
    }
}

#[jwt_required(verify_type = false)]
async fn logout_all(State(app): State<AppState>) -> Response {
    let identity = match get_jwt_identity() {
        Ok(Some(identity)) => identity,
        _ => return NoJwtContext::Outside.into_response(),
    };
    // Every token of this identity issued up to this second: every login, access and refresh.
    let now = app.jwt.now().as_secs();
    if let Err(e) = app.jwt.revoke_all_tokens_of(&identity, now).await {
        return app.jwt.error_response(e);
    }
    let body = app
        .jwt
        .message_response(StatusCode::OK, "All tokens revoked");
    if app.cookie_mode() {
        (unset_jwt_cookies(&app.jwt, None), body).into_response()
    } else {
        body
    }
}

/// `/api/me`: protected by the router layer on the `/api` nest, no attribute.
async fn api_me() -> Result<Json<Value>, NoJwtContext> {
    Ok(Json(json!({ "logged_in_as": get_jwt_identity()? })))
}

/// `/api/open`: exempted from the `/api` layer.
async fn api_open() -> Json<Value> {
    Json(json!({ "open": true }))
}

#[jwt_required]
async fn whoami(CurrentUser(user): CurrentUser<User>) -> Json<Value> {
    Json(json!({ "username": user.username, "roles": user.roles }))
}

/// The claims check of `/admin`: the `roles` claim that `add_roles` put on every access token.
fn is_admin(claims: &Claims) -> Result<(), &'static str> {
    let roles = claims.get("roles").and_then(Value::as_array);
    if roles.is_some_and(|roles| roles.iter().any(|r| r == "admin")) {
        Ok(())
    } else {
        Err("Admins only!")
    }
}

#[jwt_required(check = is_admin)]
async fn admin(State(app): State<AppState>) -> Response {
    app.jwt.message_response(StatusCode::OK, "Welcome, admin")
}

/// `GET /.well-known/jwks.json`: the public keys that verify here (404 with HMAC only).
async fn jwks(State(app): State<AppState>) -> Response {
    app.jwt.jwks_response()
}

/// `OPTIONS` on any route is answered without a token, as flask-jwt-extended exempts it.
async fn answer_options(req: Request, next: Next) -> Response {
    if req.method() == Method::OPTIONS {
        return (
            StatusCode::NO_CONTENT,
            [(header::ALLOW, "GET, HEAD, POST, OPTIONS")],
        )
            .into_response();
    }
    next.run(req).await
}

// ---- assembly ------------------------------------------------------------------------------

fn manager_builder(
    config: JwtConfig,
    redis_url: Option<&str>,
    users: Users,
) -> Result<axum_jwt_extended::JwtManagerBuilder, String> {
    let lookup_users = users.clone();
    let claim_users = users.clone();
    let mut builder = JwtManager::builder(config)
        // The user of a token: by its identity claim (`JWT_IDENTITY_CLAIM`, `sub` by default),
        // typed as the username it was minted from.
        .user_lookup_by_identity(move |username: &String| lookup_users.get(username).cloned())
        // Every access token carries the user's roles, the refreshed ones too.
        .additional_claims_loader(move |username: &String| match claim_users.get(username) {
            Some(u) => json!({ "roles": u.roles }),
            None => json!({}),
        });
    builder = match redis_url {
        Some(url) if !url.is_empty() => redis_store(builder, url)?,
        _ => builder.blocklist(MemoryBlocklist::new()),
    };
    Ok(builder)
}

#[cfg(feature = "redis")]
fn redis_store(
    builder: axum_jwt_extended::JwtManagerBuilder,
    url: &str,
) -> Result<axum_jwt_extended::JwtManagerBuilder, String> {
    let store = axum_jwt_extended::RedisBlocklist::new(url)
        .map_err(|e| format!("invalid REDIS_URL: {e}"))?;
    println!("revocations are kept in Redis at {}", shown_url(url));
    Ok(builder.blocklist(store))
}

/// A URL without its credentials, for printing: `redis://user:p@ss@host/0` is shown as
/// `redis://host/0`. A URL that does not parse is not shown at all.
pub fn shown_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) => {
            let _ = u.set_username("");
            let _ = u.set_password(None);
            u.to_string()
        }
        Err(_) => "(an unparsable URL)".to_owned(),
    }
}

#[cfg(not(feature = "redis"))]
fn redis_store(
    _builder: axum_jwt_extended::JwtManagerBuilder,
    _url: &str,
) -> Result<axum_jwt_extended::JwtManagerBuilder, String> {
    Err(
        "REDIS_URL is set but the demo was built without Redis support: \
         run `cargo run --example demo --features redis`"
            .into(),
    )
}

fn app(state: AppState) -> Router {
    let api = Router::new()
        .route("/me", get(api_me))
        .route("/open", get(api_open))
        .route_layer(state.jwt.layer().exempt("/api/open"));
    Router::new()
        .route("/health", get(health))
        .route("/login", post(login))
        .route("/protected", get(protected))
        .route("/optional", get(optional))
        .route("/fresh", get(fresh))
        .route("/refresh", post(refresh))
        .route("/claims", get(claims))
        .route("/echo", post(echo))
        .route("/logout", post(logout))
        .route("/logout/all", post(logout_all))
        .nest("/api", api)
        .route("/whoami", get(whoami))
        .route("/admin", get(admin))
        .route("/.well-known/jwks.json", get(jwks))
        .layer(middleware::from_fn(answer_options))
        .with_state(state)
}

/// The demo's router for this configuration (`redis_url`: keep revocations in Redis). A
/// configuration with `JWT_JWKS_URL` needs [`demo_async`], which fetches the JWK Set.
#[allow(dead_code)] // the tests' entry point (`main.rs` uses `demo_async`)
pub fn demo(config: JwtConfig, redis_url: Option<&str>) -> Result<Router, String> {
    let users = users();
    let jwt = manager_builder(config, redis_url, users.clone())?
        .build()
        .map_err(|e| format!("invalid configuration: {e}"))?;
    router(jwt, users)
}

/// As [`demo`], fetching the JWK Set of `JWT_JWKS_URL` first when it is set (cargo feature
/// `jwks`); the set is then kept fresh in the background.
pub async fn demo_async(config: JwtConfig, redis_url: Option<&str>) -> Result<Router, String> {
    let users = users();
    let builder = manager_builder(config, redis_url, users.clone())?;
    #[cfg(feature = "jwks")]
    let jwt = builder.build_async().await;
    #[cfg(not(feature = "jwks"))]
    let jwt = builder.build();
    let jwt = jwt.map_err(|e| format!("invalid configuration: {e}"))?;
    router(jwt, users)
}

fn router(jwt: JwtManager, users: Users) -> Result<Router, String> {
    let user_lookup = jwt.user_lookup::<User>().map_err(|e| e.to_string())?;
    Ok(app(AppState {
        jwt,
        users,
        user_lookup,
        hashing: Arc::new(tokio::sync::Semaphore::new(CONCURRENT_HASHES)),
        dummy_hash: hash_password("not a password of anyone"),
    }))
}

// ---- serving -------------------------------------------------------------------------------

/// How long a client may take to send its request head, and its body.
#[derive(Clone, Copy, Debug)]
pub struct Timeouts {
    pub header_read: std::time::Duration,
    pub body_read: std::time::Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            header_read: std::time::Duration::from_secs(10),
            body_read: std::time::Duration::from_secs(10),
        }
    }
}

/// Serves HTTP/1.1 and HTTP/2 with read timeouts (which `axum::serve` does not set): a client
/// that stalls in its request head is dropped, one that stalls in its body gets an error
/// answer instead of holding the connection. Stops accepting when `shutdown` completes, and
/// lets the requests in flight finish (10 s at most).
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    timeouts: Timeouts,
    shutdown: impl std::future::Future<Output = ()>,
) {
    use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
    use hyper_util::server::conn::auto::Builder;
    use tower::ServiceExt;

    let router = router.layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
        timeouts.body_read,
    ));
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(timeouts.header_read);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(conn) => conn,
                Err(e) => {
                    eprintln!("demo: accept failed: {e}");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let service = hyper::service::service_fn({
            let router = router.clone();
            move |req: hyper::Request<hyper::body::Incoming>| {
                router.clone().oneshot(req.map(axum::body::Body::new))
            }
        });
        let conn = builder.serve_connection_with_upgrades(TokioIo::new(stream), service);
        let conn = graceful.watch(conn.into_owned());
        tokio::spawn(async move {
            let _ = conn.await;
        });
    }
    let _ = tokio::time::timeout(std::time::Duration::from_secs(10), graceful.shutdown()).await;
}
