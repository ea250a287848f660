//! Creating tokens: `create_access_token`, `create_refresh_token`.

use std::any::{Any, TypeId};
use std::marker::PhantomData;

use serde::Serialize;
use serde_json::{Map, Value};

use super::JwtManager;
use crate::config::{ConfigError, Expiry};
use crate::crypto::Signer;
use crate::error::{ErrorKind, JwtError};
use crate::token::encode::{self, EncodeInput};
use crate::token::{Fresh, TokenOptions, TokenType};

impl JwtManager {
    /// `create_access_token(identity)`: a non-fresh access token with the configured lifetime.
    pub fn create_access_token<I: Serialize + 'static>(
        &self,
        identity: I,
    ) -> Result<String, JwtError> {
        self.create_token(TokenType::Access, &identity, TokenOptions::default())
    }

    /// `create_access_token(identity, fresh=…, expires_delta=…, additional_claims=…,
    /// additional_headers=…)`.
    ///
    /// ```
    /// # use axum_jwt_extended_runtime::*;
    /// # let jwt = JwtManager::new(JwtConfig::with_secret("a-very-long-secret-of-at-least-32-bytes!")).unwrap();
    /// let token = jwt
    ///     .create_access_token_with("alice", TokenOptions::new().fresh(true)
    ///         .additional_claims(serde_json::json!({"roles": ["admin"]})))
    ///     .unwrap();
    /// let claims = jwt.decode_token(&token).unwrap();
    /// assert_eq!(claims["fresh"], true);
    /// assert_eq!(claims["roles"][0], "admin");
    /// ```
    pub fn create_access_token_with<I: Serialize + 'static>(
        &self,
        identity: I,
        options: TokenOptions,
    ) -> Result<String, JwtError> {
        self.create_token(TokenType::Access, &identity, options)
    }

    /// `create_refresh_token(identity)`.
    pub fn create_refresh_token<I: Serialize + 'static>(
        &self,
        identity: I,
    ) -> Result<String, JwtError> {
        self.create_token(TokenType::Refresh, &identity, TokenOptions::default())
    }

    /// `create_refresh_token(identity, expires_delta=…, additional_claims=…,
    /// additional_headers=…)`. `fresh` is ignored: refresh tokens are never fresh.
    pub fn create_refresh_token_with<I: Serialize + 'static>(
        &self,
        identity: I,
        options: TokenOptions,
    ) -> Result<String, JwtError> {
        self.create_token(TokenType::Refresh, &identity, options)
    }

    pub(crate) fn create_token<I: Serialize + 'static>(
        &self,
        token_type: TokenType,
        identity: &I,
        options: TokenOptions,
    ) -> Result<String, JwtError> {
        let inner = &*self.0;
        let any: &dyn Any = identity;
        let err = |m: String| JwtError::new(ErrorKind::Encode(m));
        if let Some(expected) = inner.loaders.identity_type {
            if expected.id != TypeId::of::<I>() {
                // Never pass the loaders over silently: the token would lack what they add.
                return Err(err(format!(
                    "create_*_token was given a `{}`, but {} takes `&{}`: pass a `{}` (the \
                     compiler checks it with `jwt.issuer::<{}>()`)",
                    std::any::type_name::<I>(),
                    expected.loader,
                    expected.name,
                    expected.name,
                    expected.name,
                )));
            }
        }
        let identity_value = self.identity_claim_value(identity)?;
        self.mint(token_type, identity_value, Some(any), options)
    }

    /// The identity claim a token made from `identity` carries: the user identity loader's
    /// answer, or the identity as JSON.
    pub(crate) fn identity_claim_value<I: Serialize + 'static>(
        &self,
        identity: &I,
    ) -> Result<Value, JwtError> {
        let any: &dyn Any = identity;
        match self.0.loaders.user_identity.as_ref().and_then(|f| f(any)) {
            Some(v) => Ok(v),
            None => serde_json::to_value(identity).map_err(|e| {
                JwtError::new(ErrorKind::Encode(format!(
                    "identity is not JSON-serializable: {e}"
                )))
            }),
        }
    }

    /// Signs a token for an identity already in its claim form. `any` is the identity as
    /// given, for the identity loaders; `None` (a token re-minted from claims) skips them.
    pub(crate) fn mint(
        &self,
        token_type: TokenType,
        identity_value: Value,
        any: Option<&dyn Any>,
        options: TokenOptions,
    ) -> Result<String, JwtError> {
        let inner = &*self.0;
        let c = &inner.config;
        let err = |m: String| JwtError::new(ErrorKind::Encode(m));
        let object = |v: Option<Value>, what: &str| -> Result<Map<String, Value>, JwtError> {
            match v {
                None | Some(Value::Null) => Ok(Map::new()),
                Some(Value::Object(m)) => Ok(m),
                Some(_) => Err(err(format!("{what} must be a JSON object"))),
            }
        };
        let mut extra_claims = object(
            inner
                .loaders
                .additional_claims
                .as_ref()
                .and_then(|f| any.and_then(|a| f(a))),
            "additional_claims_loader's result",
        )?;
        extra_claims.extend(object(options.additional_claims, "additional_claims")?);
        if let Some(family) = options.family {
            extra_claims.insert(crate::token::FAMILY_CLAIM.to_owned(), Value::String(family));
        }
        let mut extra_headers = object(
            inner
                .loaders
                .additional_headers
                .as_ref()
                .and_then(|f| any.and_then(|a| f(a))),
            "additional_headers_loader's result",
        )?;
        extra_headers.extend(object(options.additional_headers, "additional_headers")?);

        let expiry = match options.expires_delta {
            Some(Expiry::After(d)) if d.is_zero() => return Err(err(
                "expires_delta must be positive; use Expiry::Never for a token that never expires"
                    .into(),
            )),
            Some(e) => e,
            None => match token_type {
                TokenType::Access => c.access_token_expires,
                TokenType::Refresh => c.refresh_token_expires,
            },
        };
        let (mut header, alg) = encode::build_header(c.algorithm, extra_headers)?;
        let input = EncodeInput {
            token_type,
            identity: identity_value,
            identity_claim: &c.identity_claim,
            now: inner.clock.now(),
            fresh: if token_type == TokenType::Access {
                options.fresh
            } else {
                Fresh::No
            },
            expiry,
            nbf: c.encode_nbf,
            csrf: c.cookie_csrf_protect,
            audience: c
                .encode_audience
                .as_ref()
                .filter(|a| !a.is_empty())
                .map(|a| a.to_json()),
            issuer: c.encode_issuer.as_deref().filter(|s| !s.is_empty()),
            extra_claims,
            extra_headers: Map::new(),
            algorithm: alg,
        };
        let (claims, _, alg) = encode::build_claims(input);

        let dynamic_key = inner
            .loaders
            .encode_key
            .as_ref()
            .and_then(|f| any.and_then(|a| f(a)));
        let signer_owned;
        let signer: &Signer = match (&dynamic_key, &inner.keys.signer) {
            (None, Some(s)) if alg == inner.keys.algorithm => {
                // The signing key's `kid`, unless the token's headers name one already.
                if let Some(kid) = &inner.keys.signing_kid {
                    header
                        .entry("kid")
                        .or_insert_with(|| serde_json::Value::String(kid.clone()));
                }
                s
            }
            _ => {
                let key = dynamic_key
                    .as_ref()
                    .or(inner.keys.encode_key.as_ref())
                    .ok_or_else(|| {
                        err(
                            "no signing key: set JWT_PRIVATE_KEY or register an encode_key_loader"
                                .into(),
                        )
                    })?;
                signer_owned = Signer::new(alg, key).map_err(|e| err(e.to_string()))?;
                &signer_owned
            }
        };
        Ok(encode::sign_token(&header, &claims, signer)?)
    }
}

/// Creates tokens from identities of one type `I`, the type the identity loaders take: a
/// mistaken identity type is a compile error. Get one at start-up with
/// [`JwtManager::issuer`].
///
/// ```
/// use axum_jwt_extended_runtime::{JwtConfig, JwtManager, TokenOptions};
///
/// #[derive(serde::Serialize)]
/// struct User { id: u64, name: String }
///
/// let jwt = JwtManager::builder(JwtConfig::with_secret("a-very-long-secret-of-at-least-32-bytes!"))
///     .user_identity_loader(|u: &User| u.name.clone())
///     .additional_claims_loader(|u: &User| serde_json::json!({ "uid": u.id }))
///     .build()
///     .unwrap();
/// let users = jwt.issuer::<User>().unwrap();
/// let token = users.create_access_token(&User { id: 7, name: "alice".into() }).unwrap();
/// let claims = jwt.decode_token(&token).unwrap();
/// assert_eq!((claims.get_str("sub"), claims["uid"].as_u64()), (Some("alice"), Some(7)));
/// ```
pub struct TokenIssuer<I> {
    jwt: JwtManager,
    identity: PhantomData<fn(&I)>,
}

impl<I> Clone for TokenIssuer<I> {
    fn clone(&self) -> Self {
        TokenIssuer {
            jwt: self.jwt.clone(),
            identity: PhantomData,
        }
    }
}

impl<I> std::fmt::Debug for TokenIssuer<I> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenIssuer")
            .field("identity", &std::any::type_name::<I>())
            .finish()
    }
}

impl JwtManager {
    /// A [`TokenIssuer`] for identities of type `I`: an error (at start-up) when the identity
    /// loaders take another type.
    pub fn issuer<I: Serialize + 'static>(&self) -> Result<TokenIssuer<I>, ConfigError> {
        if let Some(expected) = self.0.loaders.identity_type {
            if expected.id != TypeId::of::<I>() {
                return Err(ConfigError::new(
                    expected.loader,
                    format!(
                        "takes `&{}`, not `&{}`: ask for issuer::<{}>()",
                        expected.name,
                        std::any::type_name::<I>(),
                        expected.name
                    ),
                ));
            }
        }
        Ok(TokenIssuer {
            jwt: self.clone(),
            identity: PhantomData,
        })
    }
}

impl<I: Serialize + 'static> TokenIssuer<I> {
    /// `create_access_token(identity)`.
    pub fn create_access_token(&self, identity: &I) -> Result<String, JwtError> {
        self.jwt
            .create_token(TokenType::Access, identity, TokenOptions::default())
    }

    /// `create_access_token(identity, fresh=…, expires_delta=…, …)`.
    pub fn create_access_token_with(
        &self,
        identity: &I,
        options: TokenOptions,
    ) -> Result<String, JwtError> {
        self.jwt.create_token(TokenType::Access, identity, options)
    }

    /// `create_refresh_token(identity)`.
    pub fn create_refresh_token(&self, identity: &I) -> Result<String, JwtError> {
        self.jwt
            .create_token(TokenType::Refresh, identity, TokenOptions::default())
    }

    /// `create_refresh_token(identity, expires_delta=…, …)`.
    pub fn create_refresh_token_with(
        &self,
        identity: &I,
        options: TokenOptions,
    ) -> Result<String, JwtError> {
        self.jwt.create_token(TokenType::Refresh, identity, options)
    }
}
