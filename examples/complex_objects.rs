//! flask-jwt-extended's "Tokens from complex objects" page (flask-jwt-extended 3's
//! `tokens_from_complex_objects.py`; in 4.x its loaders are on the "Automatic User Loading"
//! and "Storing Additional Data in JWTs" pages), in axum.
//!
//! A token is made from a `UserObject`: the identity loader gives its identity claim and the
//! additional claims loader its extra claims. Every identity loader takes the same type, the
//! one passed to `create_access_token`; `jwt.issuer::<UserObject>()` has the compiler check
//! that.
//!
//! ```text
//! cargo run --example complex_objects      # EXAMPLE_ADDR=127.0.0.1:5000 by default
//!
//! curl -s -X POST localhost:5000/login -H 'Content-Type: application/json' \
//!      -d '{"username":"test","password":"test"}'
//! # {"access_token":"eyJ…"}
//! curl -s localhost:5000/protected -H "Authorization: Bearer $ACCESS"
//! # {"current_identity":"test","current_roles":["foo","bar"]}
//! ```
//!
//! Tested by `tests/examples.rs` (`complex_objects_*`).

use axum::extract::{FromRef, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use axum_jwt_extended::{
    additional_claims_loader, get_jwt, get_jwt_identity, jwt_required, user_identity_loader,
    JwtConfig, JwtManager, NoJwtContext, TokenIssuer,
};
use serde::Serialize;
use serde_json::{json, Value};

/// A complex object to make tokens from; in practice, a row of your database.
#[derive(Debug, Clone, Serialize)]
pub struct UserObject {
    pub username: String,
    pub roles: Vec<String>,
}

/// Called by `create_access_token` with the object it was given: the token's identity.
#[user_identity_loader]
fn user_identity_lookup(user: &UserObject) -> String {
    user.username.clone()
}

/// Called by `create_access_token` with the same object: claims to add to the token.
#[additional_claims_loader]
fn add_claims_to_access_token(user: &UserObject) -> Value {
    json!({ "roles": user.roles })
}

#[derive(Clone)]
struct AppState {
    jwt: JwtManager,
    /// Makes tokens from a `UserObject` only: passing anything else does not compile.
    issuer: TokenIssuer<UserObject>,
}

impl FromRef<AppState> for JwtManager {
    fn from_ref(s: &AppState) -> JwtManager {
        s.jwt.clone()
    }
}

/// The configuration: flask-jwt-extended's defaults and a secret.
pub fn config(secret: &str) -> JwtConfig {
    JwtConfig::with_secret(secret)
}

/// The routes of the page.
pub fn app(config: JwtConfig) -> Router {
    let jwt = JwtManager::builder(config)
        .user_identity_loader(user_identity_lookup)
        .additional_claims_loader(add_claims_to_access_token)
        .build()
        .expect("a valid configuration");
    let issuer = jwt
        .issuer::<UserObject>()
        .expect("the identity loaders take UserObject");
    Router::new()
        .route("/login", post(login))
        .route("/protected", get(protected))
        .with_state(AppState { jwt, issuer })
}

async fn login(State(app): State<AppState>, Json(body): Json<Value>) -> Response {
    if body["username"] != "test" || body["password"] != "test" {
        let body = Json(json!({ "msg": "Bad username or password" }));
        return (StatusCode::UNAUTHORIZED, body).into_response();
    }
    let user = UserObject {
        username: "test".into(),
        roles: vec!["foo".into(), "bar".into()],
    };
    // The object itself goes to `create_access_token`: the loaders above read it.
    match app.issuer.create_access_token(&user) {
        Ok(access_token) => Json(json!({ "access_token": access_token })).into_response(),
        Err(e) => app.jwt.error_response(e),
    }
}

#[jwt_required]
async fn protected() -> Result<Json<Value>, NoJwtContext> {
    Ok(Json(json!({
        "current_identity": get_jwt_identity()?,
        "current_roles": get_jwt()?.get("roles"),
    })))
}

#[tokio::main]
async fn main() {
    // Change this! Any 32 random bytes or more: `openssl rand -hex 32`.
    let secret = std::env::var("JWT_SECRET_KEY").unwrap_or_else(|_| {
        "0d6c2b8e5f4a9c1e7b3d0f6a2c8e4b1d9f5a3c7e1b6d0a4f8c2e6b9d3a7f1c5e".into()
    });
    let addr = std::env::var("EXAMPLE_ADDR").unwrap_or_else(|_| "127.0.0.1:5000".into());
    let listener = tokio::net::TcpListener::bind(&addr)
        .await
        .expect("EXAMPLE_ADDR: cannot listen");
    println!(
        "complex_objects listening on http://{}",
        listener.local_addr().expect("an address")
    );
    axum::serve(listener, app(config(&secret)))
        .await
        .expect("serving");
}
