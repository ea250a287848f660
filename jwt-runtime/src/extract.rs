//! The claims extractors: [`Jwt<C>`], [`OptionalJwt<C>`], [`FreshJwt<C>`] and
//! [`RefreshJwt<C>`], `@jwt_required()` and its variants as axum extractors, with the claims
//! as [`Claims`] or as your own type.
//!
//! Your type is read from the verified token's members once, with serde (no second parse of
//! the token); a token whose claims do not fit it is rejected with 422. Under the router layer
//! or after `#[jwt_required]`, the verification already done is reused.
//!
//! ```
//! use axum::{routing::get, Json, Router};
//! use axum_jwt_extended_runtime::{Jwt, JwtConfig, JwtManager};
//! use serde::Deserialize;
//!
//! #[derive(Deserialize)]
//! struct MyClaims {
//!     sub: String,
//!     #[serde(default)]
//!     roles: Vec<String>,
//! }
//!
//! async fn me(Jwt { claims, .. }: Jwt<MyClaims>) -> Json<serde_json::Value> {
//!     Json(serde_json::json!({ "user": claims.sub, "roles": claims.roles }))
//! }
//!
//! let jwt = JwtManager::new(JwtConfig::with_secret("a-very-long-secret-of-at-least-32-bytes!")).unwrap();
//! let app: Router = Router::new().route("/me", get(me)).with_state(jwt);
//! ```

use std::sync::Arc;

use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::config::Location;
use crate::context::JwtContext;
use crate::error::{ErrorKind, JwtError};
use crate::guard::default_spec;
use crate::manager::JwtManager;
use crate::pipeline::entry::{enter, no_token, reject, Entry};
use crate::pipeline::Spec;
use crate::rejection::JwtRejection;
use crate::state::JwtState;
use crate::token::{Claims, TokenType};

/// A type the claims extractors can produce from a verified token: [`Claims`] itself (no
/// copy), or any `Deserialize` type of yours.
pub trait FromClaims: Sized + Send + 'static {
    /// Reads the claims; the error text becomes the 422's message.
    fn from_claims(claims: &Claims) -> Result<Self, String>;
}

impl FromClaims for Claims {
    fn from_claims(claims: &Claims) -> Result<Self, String> {
        Ok(claims.clone())
    }
}

impl<T: DeserializeOwned + Send + 'static> FromClaims for T {
    fn from_claims(claims: &Claims) -> Result<Self, String> {
        claims.deserialize().map_err(|e| e.to_string())
    }
}

macro_rules! claims_extractor {
    ($(#[$doc:meta])* $name:ident, |$spec:ident| $setup:block) => {
        $(#[$doc])*
        #[derive(Clone, Debug)]
        #[non_exhaustive]
        pub struct $name<C = Claims> {
            /// The claims, as `C`.
            pub claims: C,
            /// The verification: header, claims, identity, location, user.
            pub context: Arc<JwtContext>,
        }

        impl<C> $name<C> {
            /// The claims, as `C`.
            pub fn claims(&self) -> &C {
                &self.claims
            }

            /// The claims, as `C`.
            pub fn into_claims(self) -> C {
                self.claims
            }

            /// The verification: header, claims as [`Claims`], user.
            pub fn context(&self) -> &JwtContext {
                &self.context
            }

            /// The identity claim (`JWT_IDENTITY_CLAIM`).
            pub fn identity(&self) -> Option<&serde_json::Value> {
                self.context.identity()
            }

            /// Where the token came from.
            pub fn location(&self) -> Option<Location> {
                self.context.location()
            }
        }

        impl<C> std::ops::Deref for $name<C> {
            type Target = C;
            fn deref(&self) -> &C {
                &self.claims
            }
        }

        impl<S, C> FromRequestParts<S> for $name<C>
        where
            S: JwtState,
            C: FromClaims,
        {
            type Rejection = JwtRejection;

            async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, JwtRejection> {
                #[allow(unused_mut)]
                let mut $spec = default_spec();
                $setup
                let manager = state.jwt_manager();
                match extract::<C>(&manager, parts, &$spec).await? {
                    Some((claims, context)) => Ok($name { claims, context }),
                    None => Err(reject(&manager, parts, no_token())),
                }
            }
        }

        /// `Option<…>`: no token is `None`; an invalid token is still rejected (as an
        /// optional route in Flask).
        impl<S, C> OptionalFromRequestParts<S> for $name<C>
        where
            S: JwtState,
            C: FromClaims,
        {
            type Rejection = JwtRejection;

            async fn from_request_parts(
                parts: &mut Parts,
                state: &S,
            ) -> Result<Option<Self>, JwtRejection> {
                let mut $spec = default_spec();
                $setup
                $spec.optional = true;
                let manager = state.jwt_manager();
                Ok(extract::<C>(&manager, parts, &$spec)
                    .await?
                    .map(|(claims, context)| $name { claims, context }))
            }
        }
    };
}

claims_extractor!(
    /// `@jwt_required()`: a verified access token, its claims as `C` ([`Claims`] by default).
    ///
    /// ```
    /// use axum::{routing::get, Json, Router};
    /// use axum_jwt_extended_runtime::{Jwt, JwtConfig, JwtManager};
    ///
    /// async fn protected(jwt: Jwt) -> Json<serde_json::Value> {
    ///     Json(serde_json::json!({ "logged_in_as": jwt.identity() }))
    /// }
    ///
    /// let jwt = JwtManager::new(JwtConfig::with_secret("a-very-long-secret-of-at-least-32-bytes!")).unwrap();
    /// let app: Router = Router::new().route("/protected", get(protected)).with_state(jwt);
    /// ```
    Jwt, |spec| {}
);
claims_extractor!(
    /// `@jwt_required(fresh=True)`: a fresh access token.
    FreshJwt, |spec| { spec.fresh = true; }
);
claims_extractor!(
    /// `@jwt_required(refresh=True)`: a refresh token.
    RefreshJwt, |spec| { spec.token_type = TokenType::Refresh; }
);

/// `@jwt_required(optional=True)`: the claims of a valid token as `C`, or `None` without a
/// token. An invalid token is still rejected. `Option<Jwt<C>>` does the same.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct OptionalJwt<C = Claims> {
    /// The claims as `C`, when a token was sent.
    pub claims: Option<C>,
    /// The verification (anonymous without a token: `get_jwt()` is `{}`).
    pub context: Arc<JwtContext>,
}

impl<C> OptionalJwt<C> {
    /// The claims as `C`, when a token was sent.
    pub fn claims(&self) -> Option<&C> {
        self.claims.as_ref()
    }

    /// The verification (anonymous without a token).
    pub fn context(&self) -> &JwtContext {
        &self.context
    }

    /// The identity claim, when a token was sent.
    pub fn identity(&self) -> Option<&serde_json::Value> {
        self.context.identity()
    }

    /// Where the token came from, when a token was sent.
    pub fn location(&self) -> Option<Location> {
        self.context.location()
    }
}

impl<S, C> FromRequestParts<S> for OptionalJwt<C>
where
    S: JwtState,
    C: FromClaims,
{
    type Rejection = JwtRejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, JwtRejection> {
        let mut spec = default_spec();
        spec.optional = true;
        let manager = state.jwt_manager();
        Ok(match extract::<C>(&manager, parts, &spec).await? {
            Some((claims, context)) => OptionalJwt {
                claims: Some(claims),
                context,
            },
            None => OptionalJwt {
                claims: None,
                context: Arc::new(JwtContext::anonymous(&manager)),
            },
        })
    }
}

/// The verification of `spec` on this request (reusing one already done by the layer or a
/// guard), and the claims as `C`. `None`: no token, on an optional spec.
async fn extract<C: FromClaims>(
    manager: &JwtManager,
    parts: &mut Parts,
    spec: &Spec,
) -> Result<Option<(C, Arc<JwtContext>)>, JwtRejection> {
    let Some(ctx) = enter(manager, parts, spec, Entry::EXTRACTOR, |_| None)
        .await?
        .token()
    else {
        return Ok(None);
    };
    match C::from_claims(ctx.claims()) {
        Ok(claims) => Ok(Some((claims, ctx))),
        Err(e) => {
            let err = JwtError::new(ErrorKind::ClaimsType(format!(
                "The token's claims do not have the expected shape: {e}"
            )));
            Err(reject(manager, parts, err.at_location(ctx.location())))
        }
    }
}
