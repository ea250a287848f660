//! [`JwtManager`]: flask-jwt-extended's `JWTManager`. Holds the checked configuration, the
//! keys built once at start-up, the clock and the loaders; creates and decodes tokens.

use std::any::Any;
use std::fmt;
use std::sync::Arc;

use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::blocklist::BlocklistStore;
use crate::clock::{Clock, SystemClock};
use crate::config::{validate, ConfigError, Expiry, JwtConfig};
use crate::error::{json_message, ErrorKind, JwtError};
use crate::keys::{self, Key, Keys, Signer, Verifier};
use crate::loaders::{self, Loaders, TokenLoader};
use crate::token::decode::{self, ClaimChecks};
use crate::token::encode::{self, EncodeInput};
use crate::token::{Claims, Fresh, JwtHeader, TokenOptions, TokenType};

pub(crate) struct Inner {
    pub(crate) config: JwtConfig,
    pub(crate) keys: Keys,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) loaders: Loaders,
    pub(crate) blocklist: Option<Arc<dyn BlocklistStore>>,
    pub(crate) csrf_methods_upper: Vec<String>,
    /// `JWT_HEADER_NAME`, parsed once.
    pub(crate) header_name: axum::http::HeaderName,
}

/// The configured JWT machinery of one application: flask-jwt-extended's `JWTManager`.
///
/// Cheap to clone (an `Arc`). Put it in your router state; the guards find it through
/// `FromRef`.
///
/// ```
/// use axum_jwt_extended_runtime::{JwtConfig, JwtManager};
///
/// let jwt = JwtManager::new(JwtConfig::with_secret("a-very-long-secret-of-at-least-32-bytes!"))
///     .unwrap();
/// let token = jwt.create_access_token("alice").unwrap();
/// let claims = jwt.decode_token(&token).unwrap();
/// assert_eq!(claims.get_str("sub"), Some("alice"));
/// assert_eq!(claims.token_type(), Some("access"));
/// ```
#[derive(Clone)]
pub struct JwtManager(pub(crate) Arc<Inner>);

impl fmt::Debug for JwtManager {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwtManager")
            .field("algorithm", &self.0.keys.algorithm)
            .field("token_location", &self.0.config.token_location)
            .finish_non_exhaustive()
    }
}

/// Builds a [`JwtManager`]: configuration, clock, loaders and blocklist store.
///
/// ```
/// use axum_jwt_extended_runtime::{JwtConfig, JwtManager};
///
/// let jwt = JwtManager::builder(JwtConfig::with_secret("a-very-long-secret-of-at-least-32-bytes!"))
///     .token_in_blocklist_loader(|_header: &_, claims: &axum_jwt_extended_runtime::Claims| {
///         claims.jti() == Some("revoked-jti")
///     })
///     .build()
///     .unwrap();
/// # let _ = jwt;
/// ```
#[must_use]
pub struct JwtManagerBuilder {
    config: JwtConfig,
    clock: Arc<dyn Clock>,
    loaders: Loaders,
    blocklist: Option<Arc<dyn BlocklistStore>>,
}

impl JwtManager {
    /// A manager with this configuration and no loaders.
    pub fn new(config: JwtConfig) -> Result<JwtManager, ConfigError> {
        JwtManager::builder(config).build()
    }

    /// A builder, to register loaders, a blocklist store or a clock.
    pub fn builder(config: JwtConfig) -> JwtManagerBuilder {
        JwtManagerBuilder {
            config,
            clock: Arc::new(SystemClock),
            loaders: Loaders::default(),
            blocklist: None,
        }
    }

    /// The checked configuration.
    pub fn config(&self) -> &JwtConfig {
        &self.0.config
    }

    /// "Now" by the manager's clock.
    pub fn now(&self) -> std::time::Duration {
        self.0.clock.now()
    }

    pub(crate) fn now_f64(&self) -> f64 {
        self.0.clock.now().as_secs_f64()
    }

    /// Whether a user lookup loader is registered (so `current_user` can work).
    pub fn has_user_lookup_loader(&self) -> bool {
        self.0.loaders.user_lookup.is_some()
    }

    // ---- creation -------------------------------------------------------------------------

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

    fn create_token<I: Serialize + 'static>(
        &self,
        token_type: TokenType,
        identity: &I,
        options: TokenOptions,
    ) -> Result<String, JwtError> {
        let inner = &*self.0;
        let c = &inner.config;
        let any: &dyn Any = identity;
        let err = |m: String| JwtError::new(ErrorKind::Encode(m)).with_manager(self);
        let identity_value = match inner.loaders.user_identity.as_ref().and_then(|f| f(any)) {
            Some(v) => v,
            None => serde_json::to_value(identity)
                .map_err(|e| err(format!("identity is not JSON-serializable: {e}")))?,
        };
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
                .and_then(|f| f(any)),
            "additional_claims_loader's result",
        )?;
        extra_claims.extend(object(options.additional_claims, "additional_claims")?);
        let mut extra_headers = object(
            inner
                .loaders
                .additional_headers
                .as_ref()
                .and_then(|f| f(any)),
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
        let (header, alg) =
            encode::build_header(c.algorithm, extra_headers).map_err(|e| e.with_manager(self))?;
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

        let dynamic_key = inner.loaders.encode_key.as_ref().and_then(|f| f(any));
        let signer_owned;
        let signer: &Signer = match (&dynamic_key, &inner.keys.signer) {
            (None, Some(s)) if alg == inner.keys.algorithm => s,
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
                signer_owned = Signer::new(alg, key).map_err(err)?;
                &signer_owned
            }
        };
        encode::sign_token(&header, &claims, signer).map_err(|e| e.with_manager(self))
    }

    // ---- decoding -------------------------------------------------------------------------

    /// `decode_token(token)`: full cryptographic and claim verification, the identity claim
    /// check and Flask's defaults. No type, freshness or blocklist check (as in Flask).
    pub fn decode_token(&self, token: &str) -> Result<Claims, JwtError> {
        self.decode_token_with(token, DecodeOptions::default())
    }

    /// `decode_token(token, csrf_value=…, allow_expired=…)`.
    pub fn decode_token_with(
        &self,
        token: &str,
        options: DecodeOptions<'_>,
    ) -> Result<Claims, JwtError> {
        self.decode_parts(
            token,
            ClaimChecks {
                allow_expired: options.allow_expired,
                csrf_value: options.csrf_value.filter(|v| !v.is_empty()),
            },
        )
        .map(|(_, claims)| claims)
    }

    /// Decodes and verifies, returning the header too.
    pub(crate) fn decode_parts(
        &self,
        token: &str,
        checks: ClaimChecks<'_>,
    ) -> Result<(JwtHeader, Claims), JwtError> {
        let inner = &*self.0;
        let c = &inner.config;
        let run = || -> Result<(JwtHeader, Claims), JwtError> {
            let parsed = decode::parse(token, c.max_token_length, &c.identity_claim)?;
            let dynamic;
            let verifier: &Verifier = match &inner.loaders.decode_key {
                Some(loader) => {
                    let (header, claims) = parsed.unverified();
                    let key: Key = loader(&header, &claims);
                    let alg = decode::allowed_alg(&parsed, |a| c.decode_algorithms.contains(&a))?;
                    dynamic = Verifier::new(alg, &key).map_err(|e| {
                        JwtError::new(ErrorKind::InvalidToken(format!(
                            "The decode key does not fit the token's algorithm: {e}"
                        )))
                    })?;
                    &dynamic
                }
                None => {
                    let alg = decode::allowed_alg(&parsed, |a| inner.keys.allows(a))?;
                    inner.keys.verifier(alg).ok_or_else(|| {
                        crate::error::invalid("The specified alg value is not allowed")
                    })?
                }
            };
            decode::verify_signature(&parsed, verifier)?;
            decode::finish(parsed, c, self.now_f64(), checks)
        };
        run().map_err(|e| e.with_manager(self))
    }

    /// `get_unverified_jwt_headers(token)`: the header, without any verification.
    pub fn get_unverified_jwt_headers(&self, token: &str) -> Result<JwtHeader, JwtError> {
        decode::parse(
            token,
            self.0.config.max_token_length,
            &self.0.config.identity_claim,
        )
        .map(|p| p.unverified().0)
        .map_err(|e| e.with_manager(self))
    }

    /// `get_jti(token)`: the `jti` of a fully verified token.
    pub fn get_jti(&self, token: &str) -> Result<Option<String>, JwtError> {
        Ok(self.decode_token(token)?.jti().map(str::to_owned))
    }

    /// `get_csrf_token(token)`: the `csrf` claim of a fully verified token. A token without
    /// one is an error (`Missing claim: csrf`), not a crash.
    pub fn get_csrf_token(&self, token: &str) -> Result<String, JwtError> {
        let claims = self.decode_token(token)?;
        claims.csrf().map(str::to_owned).ok_or_else(|| {
            JwtError::new(ErrorKind::Decode("Missing claim: csrf".into())).with_manager(self)
        })
    }

    // ---- errors ---------------------------------------------------------------------------

    /// The response for an error: the matching response loader's, or Flask's default with
    /// `JWT_ERROR_MESSAGE_KEY`.
    pub fn error_response(&self, err: JwtError) -> Response {
        let l = &self.0.loaders;
        let key = &self.0.config.error_message_key;
        let parts_loader = |loader: &Option<loaders::PartsResponseFn>| {
            let parts = err.token_parts()?;
            loader.as_ref().map(|f| f(&parts.header, &parts.claims))
        };
        let reason_loader =
            |loader: &Option<loaders::ReasonResponseFn>| loader.as_ref().map(|f| f(&err.message()));
        let custom = match err.kind() {
            ErrorKind::NoAuthorization(_) | ErrorKind::Csrf(_) => reason_loader(&l.unauthorized),
            ErrorKind::InvalidHeader(_)
            | ErrorKind::InvalidQueryParam(_)
            | ErrorKind::Decode(_)
            | ErrorKind::WrongToken(_)
            | ErrorKind::InvalidToken(_) => reason_loader(&l.invalid_token),
            ErrorKind::Expired(_) => parts_loader(&l.expired_token),
            ErrorKind::FreshTokenRequired(_) => parts_loader(&l.needs_fresh_token),
            ErrorKind::Revoked(_) => parts_loader(&l.revoked_token),
            ErrorKind::UserClaimsVerification(_) => parts_loader(&l.token_verification_failed),
            ErrorKind::UserLookup(_) => parts_loader(&l.user_lookup_error),
            _ => None,
        };
        match custom {
            Some(r) => r,
            None => {
                let err = err.with_manager(self);
                json_message(err.status(), key, &err.message())
            }
        }
    }

    /// A `{"<JWT_ERROR_MESSAGE_KEY>": message}` response, for your own errors.
    pub fn message_response(&self, status: axum::http::StatusCode, message: &str) -> Response {
        json_message(status, &self.0.config.error_message_key, message)
    }
}

/// Options of [`JwtManager::decode_token_with`].
#[derive(Debug, Clone, Copy, Default)]
pub struct DecodeOptions<'a> {
    /// `csrf_value`: when set, the token's `csrf` claim must equal it.
    pub csrf_value: Option<&'a str>,
    /// `allow_expired`: skip only the `exp` check.
    pub allow_expired: bool,
}

fn parts_response<R: IntoResponse>(
    f: impl Fn(&JwtHeader, &Claims) -> R + Send + Sync + 'static,
) -> loaders::PartsResponseFn {
    Arc::new(move |h: &JwtHeader, c: &Claims| f(h, c).into_response())
}

impl JwtManagerBuilder {
    /// Uses this clock instead of the system clock (tests).
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// The store behind the built-in blocklist check and [`JwtManager::revoke_token`].
    pub fn blocklist(mut self, store: impl BlocklistStore) -> Self {
        self.blocklist = Some(Arc::new(store));
        self
    }

    /// `@jwt.user_identity_loader`: turns the identity passed to `create_*_token` (of type
    /// `I`) into the identity claim.
    pub fn user_identity_loader<I: 'static, V: Into<Value>>(
        mut self,
        f: impl Fn(&I) -> V + Send + Sync + 'static,
    ) -> Self {
        self.loaders.user_identity = Some(loaders::identity_fn(move |i: &I| f(i).into()));
        self
    }

    /// `@jwt.additional_claims_loader`: extra claims for every new token, from the raw identity.
    pub fn additional_claims_loader<I: 'static>(
        mut self,
        f: impl Fn(&I) -> Value + Send + Sync + 'static,
    ) -> Self {
        self.loaders.additional_claims = Some(loaders::identity_fn(f));
        self
    }

    /// `@jwt.additional_headers_loader`: extra JOSE header members for every new token.
    pub fn additional_headers_loader<I: 'static>(
        mut self,
        f: impl Fn(&I) -> Value + Send + Sync + 'static,
    ) -> Self {
        self.loaders.additional_headers = Some(loaders::identity_fn(f));
        self
    }

    /// `@jwt.encode_key_loader`: the signing key for an identity.
    pub fn encode_key_loader<I: 'static>(
        mut self,
        f: impl Fn(&I) -> Key + Send + Sync + 'static,
    ) -> Self {
        self.loaders.encode_key = Some(loaders::identity_fn(f));
        self
    }

    /// `@jwt.decode_key_loader`: the verifying key for an (unverified) header and payload.
    pub fn decode_key_loader(
        mut self,
        f: impl Fn(&JwtHeader, &Claims) -> Key + Send + Sync + 'static,
    ) -> Self {
        self.loaders.decode_key = Some(Arc::new(f));
        self
    }

    /// `@jwt.token_in_blocklist_loader`: `true` means revoked. Sync or async; an `Err` denies
    /// the request with 503.
    pub fn token_in_blocklist_loader<M>(mut self, f: impl TokenLoader<bool, M>) -> Self {
        self.loaders.token_in_blocklist = Some(loaders::erase_token_loader(f));
        self
    }

    /// `@jwt.token_verification_loader`: `false` gives 400 "User claims verification failed".
    pub fn token_verification_loader<M>(mut self, f: impl TokenLoader<bool, M>) -> Self {
        self.loaders.token_verification = Some(loaders::erase_token_loader(f));
        self
    }

    /// `@jwt.user_lookup_loader`: the user for a token, or `None` (401 "Error loading the
    /// user …"). Makes `current_user` available.
    pub fn user_lookup_loader<U: Send + Sync + 'static, M>(
        mut self,
        f: impl TokenLoader<Option<U>, M>,
    ) -> Self {
        let typed = loaders::erase_token_loader(f);
        self.loaders.user_lookup = Some(Arc::new(move |h, c| {
            let fut = typed(h, c);
            Box::pin(async move {
                fut.await
                    .map(|u| u.map(|u| Arc::new(u) as loaders::AnyUser))
            })
        }));
        self.loaders.user_type = Some((std::any::TypeId::of::<U>(), std::any::type_name::<U>()));
        self
    }

    /// `@jwt.expired_token_loader`.
    pub fn expired_token_loader<R: IntoResponse>(
        mut self,
        f: impl Fn(&JwtHeader, &Claims) -> R + Send + Sync + 'static,
    ) -> Self {
        self.loaders.expired_token = Some(parts_response(f));
        self
    }

    /// `@jwt.invalid_token_loader`.
    pub fn invalid_token_loader<R: IntoResponse>(
        mut self,
        f: impl Fn(&str) -> R + Send + Sync + 'static,
    ) -> Self {
        self.loaders.invalid_token = Some(Arc::new(move |reason: &str| f(reason).into_response()));
        self
    }

    /// `@jwt.unauthorized_loader` (also used for CSRF errors, as in Flask).
    pub fn unauthorized_loader<R: IntoResponse>(
        mut self,
        f: impl Fn(&str) -> R + Send + Sync + 'static,
    ) -> Self {
        self.loaders.unauthorized = Some(Arc::new(move |reason: &str| f(reason).into_response()));
        self
    }

    /// `@jwt.needs_fresh_token_loader`.
    pub fn needs_fresh_token_loader<R: IntoResponse>(
        mut self,
        f: impl Fn(&JwtHeader, &Claims) -> R + Send + Sync + 'static,
    ) -> Self {
        self.loaders.needs_fresh_token = Some(parts_response(f));
        self
    }

    /// `@jwt.revoked_token_loader`.
    pub fn revoked_token_loader<R: IntoResponse>(
        mut self,
        f: impl Fn(&JwtHeader, &Claims) -> R + Send + Sync + 'static,
    ) -> Self {
        self.loaders.revoked_token = Some(parts_response(f));
        self
    }

    /// `@jwt.token_verification_failed_loader`.
    pub fn token_verification_failed_loader<R: IntoResponse>(
        mut self,
        f: impl Fn(&JwtHeader, &Claims) -> R + Send + Sync + 'static,
    ) -> Self {
        self.loaders.token_verification_failed = Some(parts_response(f));
        self
    }

    /// `@jwt.user_lookup_error_loader`.
    pub fn user_lookup_error_loader<R: IntoResponse>(
        mut self,
        f: impl Fn(&JwtHeader, &Claims) -> R + Send + Sync + 'static,
    ) -> Self {
        self.loaders.user_lookup_error = Some(parts_response(f));
        self
    }

    /// Checks the configuration, builds and self-tests the keys.
    pub fn build(self) -> Result<JwtManager, ConfigError> {
        let mut config = self.config;
        validate(&config)?;
        let dynamic = self.loaders.encode_key.is_some() || self.loaders.decode_key.is_some();
        let keys = keys::build(&config, dynamic)?;
        config.decode_algorithms = config.effective_decode_algorithms();
        let header_name = axum::http::HeaderName::from_bytes(config.header_name.as_bytes())
            .map_err(|_| ConfigError::new("JWT_HEADER_NAME", "is not a valid header name"))?;
        let csrf_methods_upper = config
            .csrf_methods
            .iter()
            .map(|m| m.to_ascii_uppercase())
            .collect();
        Ok(JwtManager(Arc::new(Inner {
            config,
            keys,
            clock: self.clock,
            loaders: self.loaders,
            blocklist: self.blocklist,
            csrf_methods_upper,
            header_name,
        })))
    }
}
