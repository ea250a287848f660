//! axum's conventions: `Option<CurrentUser<U>>`, `NoJwtContext` under the configured message
//! key, and the opt-in RFC 6750 `WWW-Authenticate` challenge.

mod common;

use axum::extract::FromRef;
use axum::routing::get;
use axum::Router;
use axum_jwt_extended::{
    get_jwt, jwt_required, Claims, CurrentUser, JwtHeader, JwtManager, NoJwtContext, UserLookup,
};
use serde_json::{json, Value};

use common::{bearer, builder, config, get as get_req, status_json};

#[derive(Clone)]
struct App {
    jwt: JwtManager,
    users: UserLookup<String>,
}

impl FromRef<App> for JwtManager {
    fn from_ref(a: &App) -> JwtManager {
        a.jwt.clone()
    }
}

impl FromRef<App> for UserLookup<String> {
    fn from_ref(a: &App) -> UserLookup<String> {
        a.users
    }
}

async fn hello(user: Option<CurrentUser<String>>) -> String {
    match user {
        Some(CurrentUser(name)) => format!("hello {name}"),
        None => "hello stranger".into(),
    }
}

async fn outside() -> Result<String, NoJwtContext> {
    Ok(get_jwt()?.jti().unwrap_or_default().to_owned())
}

#[jwt_required]
async fn protected() -> &'static str {
    "ok"
}

fn app(jwt: JwtManager) -> Router {
    let users = jwt.user_lookup::<String>().expect("a String user lookup");
    Router::new()
        .route("/hello", get(hello))
        .route("/outside", get(outside))
        .route("/p", get(protected))
        .layer(jwt.error_layer())
        .with_state(App { jwt, users })
}

fn manager(config: axum_jwt_extended::JwtConfig) -> JwtManager {
    builder(config)
        .0
        .user_lookup_loader(|_h: &JwtHeader, c: &Claims| {
            c.get_str("sub")
                .filter(|s| *s != "ghost")
                .map(str::to_owned)
        })
        .build()
        .expect("valid")
}

#[tokio::test]
async fn an_optional_current_user_is_none_without_a_token_and_rejects_a_bad_one() {
    let jwt = manager(config());
    let app = app(jwt.clone());
    let r = get_req(&app, "/hello", &[]).await;
    assert_eq!(
        (r.status.as_u16(), r.text.as_str()),
        (200, "hello stranger")
    );
    let token = jwt.create_access_token("alice").expect("token");
    let r = get_req(&app, "/hello", &[("Authorization", &bearer(&token))]).await;
    assert_eq!((r.status.as_u16(), r.text.as_str()), (200, "hello alice"));
    // An invalid token is an error, as on an optional Flask route.
    let r = get_req(&app, "/hello", &[("Authorization", "Bearer not.a.token")]).await;
    assert_eq!(r.status, 422);
    // A token whose user is not found: the user lookup error.
    let ghost = jwt.create_access_token("ghost").expect("token");
    let r = get_req(&app, "/hello", &[("Authorization", &bearer(&ghost))]).await;
    assert_eq!(
        status_json(&r),
        (401, json!({"msg": "Error loading the user ghost"}))
    );
}

#[tokio::test]
async fn no_jwt_context_follows_the_message_key() {
    let mut c = config();
    c.error_message_key = "error".into();
    let app = app(manager(c));
    let r = get_req(&app, "/outside", &[]).await;
    assert_eq!(
        status_json(&r),
        (
            500,
            json!({"error": "You must use #[jwt_required] (or a Jwt extractor) before using this method"})
        )
    );
}

#[tokio::test]
async fn www_authenticate_is_opt_in() {
    let jwt = manager(config());
    let r = get_req(&app(jwt), "/p", &[]).await;
    assert_eq!(r.status, 401);
    assert!(r.headers.get("www-authenticate").is_none());

    let mut c = config();
    c.www_authenticate = true;
    let jwt = manager(c);
    let app = app(jwt.clone());
    let challenge = |r: &common::Reply| {
        r.headers
            .get("www-authenticate")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let r = get_req(&app, "/p", &[]).await;
    assert_eq!(
        (r.status.as_u16(), challenge(&r)),
        (401, Some("Bearer".into()))
    );
    let r = get_req(&app, "/p", &[("Authorization", "Bearer not.a.token")]).await;
    assert_eq!(
        (r.status.as_u16(), challenge(&r)),
        (422, Some(r#"Bearer error="invalid_token""#.into()))
    );
    let r = get_req(&app, "/p", &[("Authorization", "Bearer a b")]).await;
    assert_eq!(
        (r.status.as_u16(), challenge(&r)),
        (422, Some(r#"Bearer error="invalid_request""#.into()))
    );
    let token = jwt.create_access_token("alice").expect("token");
    let r = get_req(&app, "/p", &[("Authorization", &bearer(&token))]).await;
    assert_eq!((r.status.as_u16(), challenge(&r)), (200, None));
    let _: Value = r.json();
}

#[tokio::test]
async fn one_error_hook_reshapes_every_rejection() {
    use axum::response::{IntoResponse, Response};
    let mut c = config();
    c.token_location = vec![axum_jwt_extended::Location::Json];
    c.json_body_limit = 600;
    let jwt = builder(c)
        .0
        .error_hook(|err: &axum_jwt_extended::JwtError, default: Response| {
            let body = json!({ "error": err.message(), "was": default.status().as_u16() });
            let mut r = (err.status(), axum::Json(body)).into_response();
            r.headers_mut()
                .insert("x-auth-error", "1".parse().expect("a header value"));
            r
        })
        .token_in_blocklist_loader(|_h: &JwtHeader, c: &Claims| {
            if c.get_str("sub") == Some("db-down") {
                Err("down")
            } else {
                Ok(false)
            }
        })
        .build()
        .expect("valid");
    let app = Router::new()
        .route("/p", axum::routing::post(protected))
        .with_state(jwt.clone());
    let json = [("Content-Type", "application/json")];
    // 401 (missing), 413 (too large), 503 (store down): all through the hook.
    let r = common::request(&app, "POST", "/p", &json, Some("{}")).await;
    assert_eq!(
        status_json(&r),
        (
            401,
            json!({"error": "Missing \"access_token\" key in json data.", "was": 401})
        )
    );
    assert_eq!(
        r.headers.get("x-auth-error").map(|v| v.as_bytes()),
        Some(&b"1"[..])
    );
    let big = format!(r#"{{"pad":"{}"}}"#, "x".repeat(700));
    let r = common::request(&app, "POST", "/p", &json, Some(&big)).await;
    assert_eq!(r.status, 413);
    assert_eq!(r.json()["was"], 413);
    let token = jwt.create_access_token("db-down").expect("token");
    let body = json!({ "access_token": token }).to_string();
    let r = common::request(&app, "POST", "/p", &json, Some(&body)).await;
    assert_eq!(
        status_json(&r),
        (
            503,
            json!({"error": "Token revocation check failed", "was": 503})
        )
    );
}
