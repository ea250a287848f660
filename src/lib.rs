//! # axum-jwt-extended
//!
//! flask-jwt-extended for axum 0.8: protect a handler with `#[jwt_required]`, register
//! callbacks as loaders, and mint tokens that interoperate with flask-jwt-extended 4.7 byte
//! for byte. Where Flask has `@jwt_required(fresh=True)`, `get_jwt()`, `create_access_token`,
//! `set_access_cookies`, `@jwt.token_in_blocklist_loader` and the `JWT_*` options, this crate
//! has the same names, the same defaults, the same statuses and the same `{"msg": …}` bodies.
//!
//! ```
//! use axum::{extract::State, routing::{get, post}, Json, Router};
//! use axum_jwt_extended::{
//!     get_jwt_identity, jwt_required, JwtConfig, JwtManager, NoJwtContext, TokenOptions,
//! };
//! use serde_json::{json, Value};
//!
//! async fn login(State(jwt): State<JwtManager>) -> Json<Value> {
//!     // check the password first…
//!     let fresh = TokenOptions::new().fresh(true);
//!     let access = jwt.create_access_token_with("alice", fresh).unwrap();
//!     let refresh = jwt.create_refresh_token("alice").unwrap();
//!     Json(json!({ "access_token": access, "refresh_token": refresh }))
//! }
//!
//! #[jwt_required]
//! async fn protected() -> Result<Json<Value>, NoJwtContext> {
//!     Ok(Json(json!({ "logged_in_as": get_jwt_identity()? })))
//! }
//!
//! #[jwt_required(refresh)]
//! async fn refresh(State(jwt): State<JwtManager>) -> Result<Json<Value>, NoJwtContext> {
//!     let identity = get_jwt_identity()?;
//!     Ok(Json(json!({ "access_token": jwt.create_access_token(identity).unwrap() })))
//! }
//!
//! // JWT_SECRET_KEY, JWT_TOKEN_LOCATION, JWT_ACCESS_TOKEN_EXPIRES … as in Flask:
//! // `JwtConfig::from_env()`.
//! let jwt = JwtManager::new(JwtConfig::with_secret("a-very-long-secret-of-at-least-32-bytes!"))
//!     .expect("valid configuration");
//! let app: Router = Router::new()
//!     .route("/login", post(login))
//!     .route("/protected", get(protected))
//!     .route("/refresh", post(refresh))
//!     .with_state(jwt);
//! ```
//!
//! ## The manual
//!
//! The [`guide`] has one chapter per topic:
//!
//! | chapter | flask-jwt-extended's pages |
//! |---|---|
//! | [Protecting routes](guide::protecting_routes): `#[jwt_required]`, extractors, the router layer, claims checks | Basic Usage, Partially protecting routes, Custom Decorators |
//! | [Tokens](guide::tokens): creating, extra and typed claims, refreshing, freshness, rotation | Storing Additional Data in JWTs, Refreshing Tokens |
//! | [Locations and CSRF](guide::locations_and_csrf) | JWT Locations |
//! | [Loaders](guide::loaders): callbacks, automatic user loading | Automatic User Loading, Changing Default Behaviors |
//! | [Stores](guide::stores): revoking in memory, Redis (or a cluster), SQLite or PostgreSQL; the near cache | JWT Revoking / Blocklist |
//! | [Sessions](guide::sessions): list and end logins, lifetimes, rotation grace, events | (not in flask-jwt-extended) |
//! | [Keys](guide::keys): secrets, asymmetric keys | (the key options) |
//! | [Configuration](guide::configuration): every `JWT_*` option, and ours | Configuration Options |
//! | [Errors](guide::errors): statuses, `JwtRejection`, response loaders | Changing Default Behaviors |
//! | [Testing](guide::testing): `TestClient`, `TEST_SECRET` | — |
//! | [Deployment](guide::deployment) | — |
//!
//! The repository's `examples/` folder has each page of flask-jwt-extended's documentation as
//! an app to run (`cargo run --example basic_usage`, …), each tested in `tests/examples.rs`;
//! `examples/README.md` maps them.
//!
//! ## Cargo features
//!
//! - `tracing` (default): one `debug` event per rejected request, store failures at `warn`, a
//!   `trace` span around verification; never a token, cookie, CSRF value or key.
//! - `redis`: `RedisBlocklist`, revocations shared by every process.
//! - `test-util`: the `testing` module (`TestClient`, `TEST_SECRET`).
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

pub use axum_jwt_extended_macros::{
    additional_claims_loader, additional_headers_loader, decode_key_loader, encode_key_loader,
    expired_token_loader, invalid_token_loader, jwt_required, needs_fresh_token_loader,
    revoked_token_loader, token_in_blocklist_loader, token_verification_failed_loader,
    token_verification_loader, unauthorized_loader, user_identity_loader, user_lookup_error_loader,
    user_lookup_loader,
};
pub use axum_jwt_extended_runtime::*;

pub mod guide;

/// Items the macro expansions name. Not public API: may change in any release.
#[doc(hidden)]
pub mod __private {
    pub use axum::extract::FromRef;
    pub use axum_jwt_extended_runtime::__private::*;
    pub use axum_jwt_extended_runtime::{
        Claims, Guard, JwtBody, JwtHeader, JwtManager, JwtState, Key, Location,
    };
}
