//! # axum-jwt-extended
//!
//! flask-jwt-extended for axum 0.8: protect a handler with `#[jwt_required]`, register
//! callbacks as loaders, and mint tokens that interoperate with flask-jwt-extended byte for
//! byte. See the README for a tour.
//!
//! ```
//! use axum::{routing::get, Json, Router};
//! use axum_jwt_extended::{get_jwt_identity, jwt_required, JwtConfig, JwtManager, NoJwtContext};
//! use serde_json::{json, Value};
//!
//! #[jwt_required]
//! async fn protected() -> Result<Json<Value>, NoJwtContext> {
//!     Ok(Json(json!({ "logged_in_as": get_jwt_identity()? })))
//! }
//!
//! let jwt = JwtManager::new(JwtConfig::with_secret("a-very-long-secret-of-at-least-32-bytes!"))
//!     .expect("valid configuration");
//! let app: Router = Router::new().route("/protected", get(protected)).with_state(jwt);
//! ```
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

/// Items the macro expansions name. Not public API: may change in any release.
#[doc(hidden)]
pub mod __private {
    pub use axum::extract::FromRef;
    pub use axum_jwt_extended_runtime::__private::*;
    pub use axum_jwt_extended_runtime::{
        Claims, Guard, JwtBody, JwtHeader, JwtManager, Key, Location,
    };
}
