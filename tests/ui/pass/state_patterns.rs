//! Every state pattern axum accepts, under `#[jwt_required]`, without `state = …`: a
//! sub-state (`State<Db>` with `Db: FromRef<AppState>`), an `Arc<AppState>` router state, a
//! generic handler, and the extractors and `CurrentUser` on an `Arc` state.

use std::sync::Arc;

use axum::extract::{FromRef, State};
use axum::routing::get;
use axum::{Json, Router};
use axum_jwt_extended::{
    get_jwt_identity, jwt_required, Claims, CurrentUser, Jwt, JwtConfig, JwtHeader, JwtManager,
    NoJwtContext, OptionalJwt, UserLookup,
};
use serde_json::{json, Value};

#[derive(Clone)]
struct Db(Arc<Vec<String>>);

#[derive(Clone, FromRef)]
struct AppState {
    jwt: JwtManager,
    db: Db,
    users: UserLookup<String>,
}

// The sub-state: `Db` is not the router's state.
#[jwt_required]
async fn me(State(db): State<Db>) -> Result<Json<Value>, NoJwtContext> {
    Ok(Json(json!({ "user": get_jwt_identity()?, "rows": db.0.len() })))
}

// The whole state behind an `Arc`.
#[jwt_required(fresh)]
async fn shared(State(app): State<Arc<AppState>>) -> String {
    app.db.0.join(",")
}

// A generic handler: its state is whatever the router has.
#[jwt_required]
async fn generic<S: Clone + Send + Sync + 'static>(State(_s): State<S>) -> &'static str {
    "generic"
}

#[jwt_required(optional)]
async fn generic_body<S>(_s: State<S>, Json(v): Json<Value>) -> Json<Value>
where
    S: Clone + Send + Sync + 'static,
{
    Json(v)
}

async fn extractors(jwt: Jwt, maybe: OptionalJwt, CurrentUser(user): CurrentUser<String>) -> String {
    format!("{:?} {:?} {user}", jwt.identity(), maybe.identity())
}

async fn optional_user(user: Option<CurrentUser<String>>, _claims: Option<Jwt<Claims>>) -> String {
    user.map(|u| u.0.to_string()).unwrap_or_default()
}

fn manager() -> JwtManager {
    JwtManager::builder(JwtConfig::with_secret(
        "a-very-long-secret-of-at-least-32-bytes!",
    ))
    .user_lookup_loader(|_h: &JwtHeader, c: &Claims| c.get_str("sub").map(str::to_owned))
    .build()
    .expect("valid configuration")
}

fn main() {
    let jwt = manager();
    let users = jwt.user_lookup::<String>().expect("the loader returns String");
    let state = AppState {
        jwt: jwt.clone(),
        db: Db(Arc::new(vec!["a".into()])),
        users,
    };
    let _plain: Router = Router::new()
        .route("/me", get(me))
        .route("/generic", get(generic::<AppState>))
        .route("/generic_body", get(generic_body::<AppState>))
        .with_state(state.clone());
    let _arc: Router = Router::new()
        .route("/shared", get(shared))
        .route("/generic", get(generic::<Arc<AppState>>))
        .route("/extractors", get(extractors))
        .route("/optional_user", get(optional_user))
        .route_layer(jwt.layer().optional())
        .with_state(Arc::new(state));
}
