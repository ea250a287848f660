//! Publishing the public keys: [`JwtManager::jwks`] (an RFC 7517 JWK Set) and the route that
//! serves it, `GET /.well-known/jwks.json`.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use super::JwtManager;

/// Where [`JwtManager::jwks_router`] serves the JWK Set.
pub const JWKS_PATH: &str = "/.well-known/jwks.json";

impl JwtManager {
    /// The RFC 7517 JWK Set of the public keys that verify tokens here: the current key and
    /// the verification-only ones (`JWT_RETIRED_PUBLIC_KEYS`,
    /// [`verification_key`](crate::JwtManagerBuilder::verification_key)), each with its `kid`,
    /// `alg` and `"use": "sig"`. Never private key material, never an HMAC key: with HMAC only,
    /// `{"keys": []}`. Keys of a remote JWK Set (`JWT_JWKS_URL`) are not republished.
    ///
    /// ```
    /// use axum_jwt_extended_runtime::{JwtConfig, JwtManager};
    ///
    /// let jwt = JwtManager::new(JwtConfig::with_secret("a-very-long-secret-of-at-least-32-bytes!"))
    ///     .unwrap();
    /// assert_eq!(jwt.jwks(), serde_json::json!({"keys": []}));
    /// ```
    pub fn jwks(&self) -> serde_json::Value {
        self.0.keys.jwks()
    }

    /// The `kid` that new tokens carry (`None`: tokens have no `kid`, as flask-jwt-extended's).
    pub fn signing_key_id(&self) -> Option<&str> {
        self.0.keys.signing_kid.as_deref()
    }

    /// Whether this manager can sign tokens: it has a signing key (`JWT_SECRET_KEY`,
    /// `JWT_PRIVATE_KEY`) or an `encode_key_loader`. A service that only verifies (against
    /// `JWT_PUBLIC_KEY` or `JWT_JWKS_URL`) cannot.
    pub fn can_sign(&self) -> bool {
        self.0.keys.signer.is_some() || self.0.loaders.encode_key.is_some()
    }

    /// The answer of `GET /.well-known/jwks.json`: 200 with the JWK Set
    /// (`application/jwk-set+json`, `Cache-Control: public, max-age=<JWT_JWKS_MAX_AGE>`), or,
    /// when no public key verifies here (HMAC only), 404 `{"msg": "No public keys"}`.
    pub fn jwks_response(&self) -> Response {
        if self.0.keys.by_kid.iter().all(|k| k.public.is_none()) {
            return self.message_response(StatusCode::NOT_FOUND, "No public keys");
        }
        let cache = format!("public, max-age={}", self.0.config.jwks_max_age.as_secs());
        (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/jwk-set+json"),
                ),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_str(&cache)
                        .unwrap_or_else(|_| HeaderValue::from_static("no-cache")),
                ),
            ],
            self.0.keys.jwks_json.clone(),
        )
            .into_response()
    }

    /// A router serving [`jwks_response`](Self::jwks_response) at `GET
    /// /.well-known/jwks.json`, to merge into your app.
    ///
    /// ```
    /// use axum::Router;
    /// use axum_jwt_extended_runtime::{JwtConfig, JwtManager};
    ///
    /// let jwt = JwtManager::new(JwtConfig::with_secret("a-very-long-secret-of-at-least-32-bytes!"))
    ///     .unwrap();
    /// let app: Router = Router::new().merge(jwt.jwks_router());
    /// # let _ = app;
    /// ```
    pub fn jwks_router<S: Clone + Send + Sync + 'static>(&self) -> Router<S> {
        let jwt = self.clone();
        Router::new().route(
            JWKS_PATH,
            get(move || {
                let jwt = jwt.clone();
                async move { jwt.jwks_response() }
            }),
        )
    }
}
