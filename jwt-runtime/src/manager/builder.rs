//! [`JwtManagerBuilder`]: the configuration, the clock, the blocklist store and the 15
//! loaders, checked and turned into a [`JwtManager`].

use std::sync::Arc;

use axum::response::IntoResponse;
use serde_json::Value;

use super::{Inner, JwtManager};
use crate::blocklist::BlocklistStore;
use crate::clock::Clock;
use crate::config::{validate, warnings, Algorithm, ConfigError, JwtConfig};
use crate::crypto::Key;
use crate::error::JwtError;
use crate::keys;
use crate::loaders::{self, IdentityType, Loaders, TokenLoader};
use crate::token::{Claims, JwtHeader};

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
    pub(super) config: JwtConfig,
    pub(super) clock: Arc<dyn Clock>,
    pub(super) loaders: Loaders,
    pub(super) blocklist: Option<super::revoke::Store>,
    pub(super) key_id: Option<String>,
    pub(super) extra_keys: Vec<keys::ExtraKey>,
    pub(super) revocation_quota: Option<u32>,
    pub(super) rotation_grace: Option<std::time::Duration>,
    pub(super) sessions: Option<crate::config::SessionPolicy>,
    pub(super) extra_jwks: Vec<Value>,
    #[cfg(feature = "jwks")]
    pub(super) jwks: Option<crate::jwks::JwksClient>,
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
        self.blocklist = Some(super::revoke::Store::new(store));
        self
    }

    /// How many revocations one identity may make within the longest time a token is
    /// accepted (its lifetime plus `JWT_DECODE_LEEWAY`) before they collapse into its
    /// cut-off (default 1,000; `None`: no quota). Past the quota, revoking one more of its
    /// tokens revokes every token of that identity issued so far, as
    /// [`revoke_all_tokens_of`](super::JwtManager::revoke_all_tokens_of) does: one store entry
    /// instead of thousands, so that no single identity can fill the store (a refresh and
    /// logout loop revokes thousands of tokens a second). The user logs in again.
    ///
    /// ```
    /// use axum_jwt_extended_runtime::{JwtConfig, JwtManager, MemoryBlocklist};
    ///
    /// let jwt = JwtManager::builder(JwtConfig::with_secret("a-very-long-secret-of-at-least-32-bytes!"))
    ///     .blocklist(MemoryBlocklist::new())
    ///     .revocation_quota(100)
    ///     .build()
    ///     .unwrap();
    /// # let _ = jwt;
    /// ```
    pub fn revocation_quota(mut self, limit: impl Into<Option<u32>>) -> Self {
        self.revocation_quota = limit.into();
        self
    }

    /// A grace window for refresh-token rotation ([`JwtManager::rotate_refresh_token`]): a
    /// refresh token presented again within `window` after it was rotated gets a new pair in
    /// the same family instead of being taken for reuse. Two browser tabs, or a page firing
    /// two requests as its access token expires, then both keep the login. After the window
    /// it is reuse, as without one.
    ///
    /// Only a token superseded by rotation is covered: one revoked on purpose
    /// ([`JwtManager::revoke_token`], `revoke_login`), or whose family or identity was
    /// revoked, is refused within the window too.
    ///
    /// **The trade-off:** within the window, a stolen refresh token used after its owner's
    /// refresh is not detected as reuse; keep it short (seconds). Default: no window.
    ///
    /// ```
    /// use std::time::Duration;
    /// use axum_jwt_extended_runtime::{JwtConfig, JwtManager, MemoryBlocklist};
    ///
    /// let jwt = JwtManager::builder(JwtConfig::with_secret("a-very-long-secret-of-at-least-32-bytes!"))
    ///     .blocklist(MemoryBlocklist::new())
    ///     .rotation_grace(Duration::from_secs(10))
    ///     .build()
    ///     .unwrap();
    /// # let _ = jwt;
    /// ```
    pub fn rotation_grace(mut self, window: impl Into<Option<std::time::Duration>>) -> Self {
        self.rotation_grace = window.into().filter(|w| !w.is_zero());
        self
    }

    /// Records the identity type `I` of an identity loader: every identity loader takes the
    /// same type, the one passed to `create_*_token` (checked by [`JwtManagerBuilder::build`]).
    fn identity_type<I: 'static>(&mut self, loader: &'static str) {
        let this = IdentityType::of::<I>(loader);
        match self.loaders.identity_type {
            None => self.loaders.identity_type = Some(this),
            Some(kept) if kept.id != this.id && self.loaders.identity_mismatch.is_none() => {
                self.loaders.identity_mismatch = Some(this);
            }
            Some(_) => {}
        }
    }

    /// `@jwt.user_identity_loader`: turns the identity passed to `create_*_token` (of type
    /// `I`) into the identity claim. Every identity loader takes the same `I`; tokens are then
    /// made from an `I` (see [`JwtManager::issuer`] to have the compiler check that).
    pub fn user_identity_loader<I: 'static, V: Into<Value>>(
        mut self,
        f: impl Fn(&I) -> V + Send + Sync + 'static,
    ) -> Self {
        self.identity_type::<I>("user_identity_loader");
        self.loaders.user_identity = Some(loaders::identity_fn(move |i: &I| f(i).into()));
        self
    }

    /// `@jwt.additional_claims_loader`: extra claims for every new token, from the raw
    /// identity (of the one identity type `I`).
    pub fn additional_claims_loader<I: 'static>(
        mut self,
        f: impl Fn(&I) -> Value + Send + Sync + 'static,
    ) -> Self {
        self.identity_type::<I>("additional_claims_loader");
        self.loaders.additional_claims = Some(loaders::identity_fn(f));
        self
    }

    /// `@jwt.additional_headers_loader`: extra JOSE header members for every new token.
    pub fn additional_headers_loader<I: 'static>(
        mut self,
        f: impl Fn(&I) -> Value + Send + Sync + 'static,
    ) -> Self {
        self.identity_type::<I>("additional_headers_loader");
        self.loaders.additional_headers = Some(loaders::identity_fn(f));
        self
    }

    /// `@jwt.encode_key_loader`: the signing key for an identity.
    pub fn encode_key_loader<I: 'static>(
        mut self,
        f: impl Fn(&I) -> Key + Send + Sync + 'static,
    ) -> Self {
        self.identity_type::<I>("encode_key_loader");
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

    /// A user lookup loader on the identity, typed: the `JWT_IDENTITY_CLAIM` claim is
    /// deserialized into `I` (a `String`, a number, a struct of yours) and passed to `f`. A
    /// token whose identity does not fit `I` finds no user (401 "Error loading the user …"),
    /// as `None` does. Otherwise the same as [`user_lookup_loader`](Self::user_lookup_loader).
    ///
    /// ```
    /// use std::collections::HashMap;
    /// use std::sync::Arc;
    /// use axum_jwt_extended_runtime::{JwtConfig, JwtManager};
    ///
    /// #[derive(Clone)]
    /// struct User { name: String }
    ///
    /// let users: Arc<HashMap<u64, User>> = Arc::new([(7, User { name: "alice".into() })].into());
    /// let jwt = JwtManager::builder(JwtConfig::with_secret("a-very-long-secret-of-at-least-32-bytes!"))
    ///     .user_lookup_by_identity(move |id: &u64| users.get(id).cloned())
    ///     .build()
    ///     .unwrap();
    /// assert!(jwt.user_lookup::<User>().is_ok());
    /// ```
    pub fn user_lookup_by_identity<I, U, O>(
        self,
        f: impl Fn(&I) -> O + Send + Sync + 'static,
    ) -> Self
    where
        I: serde::de::DeserializeOwned + 'static,
        U: Send + Sync + 'static,
        O: loaders::LoaderOutput<Option<U>> + 'static,
    {
        let claim = self.config.identity_claim.clone();
        self.user_lookup_loader(
            move |_h: &JwtHeader, c: &Claims| -> Result<Option<U>, loaders::LoaderError> {
                match c.get(&claim).map(I::deserialize) {
                    Some(Ok(identity)) => f(&identity).into_loader_result(),
                    _ => Ok(None),
                }
            },
        )
    }

    /// One hook over every rejection — 401, 422, 403, 400, 413, 408, 503 alike — called with
    /// the error and the response the loaders (or Flask's defaults) made; what it returns is
    /// sent. For a house error format, a header on every rejection, or metrics.
    ///
    /// ```
    /// use axum::response::{IntoResponse, Response};
    /// use axum_jwt_extended_runtime::{JwtConfig, JwtError, JwtManager};
    ///
    /// let jwt = JwtManager::builder(JwtConfig::with_secret("a-very-long-secret-of-at-least-32-bytes!"))
    ///     .error_hook(|err: &JwtError, _default: Response| {
    ///         let body = serde_json::json!({ "error": { "status": err.status().as_u16(), "detail": err.message() } });
    ///         (err.status(), axum::Json(body)).into_response()
    ///     })
    ///     .build()
    ///     .unwrap();
    /// # let _ = jwt;
    /// ```
    pub fn error_hook(
        mut self,
        f: impl Fn(&JwtError, axum::response::Response) -> axum::response::Response
            + Send
            + Sync
            + 'static,
    ) -> Self {
        self.loaders.error_hook = Some(Arc::new(f));
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

    /// The response to a refresh of a session that has ended by its limits (default: 401
    /// `{"msg": "Session expired"}`), from the refresh token's header and claims.
    pub fn session_expired_loader<R: IntoResponse>(
        mut self,
        f: impl Fn(&JwtHeader, &Claims) -> R + Send + Sync + 'static,
    ) -> Self {
        self.loaders.session_expired = Some(parts_response(f));
        self
    }

    /// The response to a token whose login is older than the route's `max_auth_age`
    /// (default: 401 `{"msg": "A more recent login is required"}`, with the RFC 9470
    /// challenge when `www_authenticate` is on), from the token's header and claims.
    pub fn step_up_required_loader<R: IntoResponse>(
        mut self,
        f: impl Fn(&JwtHeader, &Claims) -> R + Send + Sync + 'static,
    ) -> Self {
        self.loaders.step_up_required = Some(parts_response(f));
        self
    }

    /// The session event hook: called (and awaited) for every session started, refreshed,
    /// ended (and why), and every refresh-token reuse detected. Capture what it needs of
    /// your app's state (a clone of an `Arc`, a channel, a pool…).
    ///
    /// ```
    /// use axum_jwt_extended_runtime::{JwtConfig, JwtManager, MemoryBlocklist, SessionEvent, SessionPolicy};
    ///
    /// let (alerts, _received) = tokio::sync::mpsc::unbounded_channel::<String>();
    /// let jwt = JwtManager::builder(JwtConfig::with_secret("a-very-long-secret-of-at-least-32-bytes!"))
    ///     .blocklist(MemoryBlocklist::new())
    ///     .sessions(SessionPolicy::new())
    ///     .on_session_event(move |event| {
    ///         let alerts = alerts.clone();
    ///         async move {
    ///             if let SessionEvent::ReuseDetected { identity, .. } = event {
    ///                 let _ = alerts.send(identity);
    ///             }
    ///         }
    ///     })
    ///     .build()
    ///     .unwrap();
    /// # let _ = jwt;
    /// ```
    pub fn on_session_event<F, Fut>(mut self, hook: F) -> Self
    where
        F: Fn(crate::loaders::SessionEvent) -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = ()> + Send + 'static,
    {
        self.loaders.session_event = Some(std::sync::Arc::new(move |event| Box::pin(hook(event))));
        self
    }

    /// Turns sessions on, with these lifetimes: [`JwtManager::start_session`](super::JwtManager::start_session)
    /// and the rest of the sessions API. The blocklist store keeps the sessions.
    pub fn sessions(mut self, policy: crate::config::SessionPolicy) -> Self {
        self.sessions = Some(policy);
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

    /// The response to a failed claims check (`#[jwt_required(check = …)]`,
    /// [`JwtLayer::check`](crate::JwtLayer::check)), given the check's message. Without it:
    /// 403 `{"msg": message}`.
    ///
    /// ```
    /// use axum::http::StatusCode;
    /// use axum_jwt_extended_runtime::{JwtConfig, JwtManager};
    ///
    /// let jwt = JwtManager::builder(JwtConfig::with_secret("a-very-long-secret-of-at-least-32-bytes!"))
    ///     .claims_check_failed_loader(|msg: &str| {
    ///         (StatusCode::FORBIDDEN, axum::Json(serde_json::json!({ "error": msg })))
    ///     })
    ///     .build()
    ///     .unwrap();
    /// # let _ = jwt;
    /// ```
    pub fn claims_check_failed_loader<R: IntoResponse>(
        mut self,
        f: impl Fn(&str) -> R + Send + Sync + 'static,
    ) -> Self {
        self.loaders.claims_check_failed =
            Some(Arc::new(move |reason: &str| f(reason).into_response()));
        self
    }

    /// The key id (`kid`) of the current key (`JWT_SECRET_KEY`, or `JWT_PUBLIC_KEY` /
    /// `JWT_PRIVATE_KEY`): new tokens carry it in their header, and a token naming it is
    /// checked against that key. Without it, an asymmetric key's `kid` is its RFC 7638
    /// thumbprint, and an HMAC secret has none (tokens stay byte-identical to
    /// flask-jwt-extended's).
    ///
    /// ```
    /// use axum_jwt_extended_runtime::{JwtConfig, JwtManager};
    ///
    /// let jwt = JwtManager::builder(JwtConfig::with_secret("a-very-long-secret-of-at-least-32-bytes!"))
    ///     .key_id("2025-01")
    ///     .build()
    ///     .unwrap();
    /// let token = jwt.create_access_token("alice").unwrap();
    /// assert_eq!(jwt.get_unverified_jwt_headers(&token).unwrap().kid(), Some("2025-01"));
    /// ```
    pub fn key_id(mut self, kid: impl Into<String>) -> Self {
        self.key_id = Some(kid.into());
        self
    }

    /// A verification-only key (a retired key of a rotation, or another service's key): it
    /// never signs, and verifies only the tokens whose header names its `kid`, with `alg`
    /// only. `kid` may be `None` for a PEM public key: its RFC 7638 thumbprint is used. An HMAC
    /// [`Secret`](crate::Secret) needs an explicit `kid`. Public keys are listed in
    /// [`JwtManager::jwks`]. A registered `decode_key_loader` takes precedence over every
    /// configured key, as in flask-jwt-extended.
    ///
    /// ```
    /// use axum_jwt_extended_runtime::{Algorithm, JwtConfig, JwtManager, Secret};
    ///
    /// let old = JwtManager::builder(JwtConfig::with_secret("the-old-secret-0123456789-abcdefghij"))
    ///     .key_id("2024")
    ///     .build()
    ///     .unwrap();
    /// let token = old.create_access_token("alice").unwrap();
    ///
    /// let jwt = JwtManager::builder(JwtConfig::with_secret("the-new-secret-0123456789-abcdefghij"))
    ///     .key_id("2025")
    ///     .verification_key(Some("2024"), Secret::from("the-old-secret-0123456789-abcdefghij"), Algorithm::HS256)
    ///     .build()
    ///     .unwrap();
    /// assert!(jwt.decode_token(&token).is_ok());
    /// ```
    pub fn verification_key(
        mut self,
        kid: Option<&str>,
        key: impl Into<Key>,
        alg: Algorithm,
    ) -> Self {
        self.extra_keys.push(keys::ExtraKey {
            kid: kid.map(str::to_owned),
            key: key.into(),
            alg,
        });
        self
    }

    /// A verification-only key given as a public JWK (RFC 7517), as another service publishes
    /// it: its `kid` (else its RFC 7638 thumbprint) and its `alg` (else `JWT_ALGORITHM`, when it
    /// fits the key) are used. Refused at [`build`](Self::build): `oct` (HMAC) keys, private
    /// members, `use` other than `sig`, RSA keys under 2048 bits, an `alg` that does not fit.
    ///
    /// ```
    /// use axum_jwt_extended_runtime::{JwtConfig, JwtManager};
    /// use serde_json::json;
    ///
    /// let jwk = json!({"kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "kid": "partner",
    ///                  "x": "FlXxWQoSouvCbVyXC7vySI9sI9Z2X0X7pIkE_5S18dY"});
    /// let jwt = JwtManager::builder(JwtConfig::with_secret("a-very-long-secret-of-at-least-32-bytes!"))
    ///     .verification_jwk(jwk)
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(jwt.jwks()["keys"][0]["kid"], "partner");
    /// ```
    pub fn verification_jwk(mut self, jwk: Value) -> Self {
        self.extra_jwks.push(jwk);
        self
    }

    /// Verify tokens against this remote JWK Set too (see [`JwksClient`](crate::JwksClient));
    /// [`build_async`](Self::build_async) makes one from `JWT_JWKS_URL` when none is given.
    #[cfg(feature = "jwks")]
    #[cfg_attr(docsrs, doc(cfg(feature = "jwks")))]
    pub fn jwks_client(mut self, client: crate::jwks::JwksClient) -> Self {
        self.jwks = Some(client);
        self
    }

    /// As [`build`](Self::build), first fetching the JWK Set of `JWT_JWKS_URL` (when it is set
    /// and no [`jwks_client`](Self::jwks_client) was given). The set is then kept fresh in the
    /// background on the current tokio runtime. A set that cannot be fetched is an error.
    #[cfg(feature = "jwks")]
    #[cfg_attr(docsrs, doc(cfg(feature = "jwks")))]
    pub async fn build_async(mut self) -> Result<JwtManager, ConfigError> {
        if self.jwks.is_none() {
            if let Some(url) = self.config.jwks_url.clone() {
                validate(&self.config)?;
                let options = crate::jwks::JwksOptions::from_config(&self.config);
                let client = crate::jwks::JwksClient::fetch_with(&url, options)
                    .await
                    .map_err(|e| ConfigError::caused_by("JWT_JWKS_URL", e))?;
                self.jwks = Some(client);
            }
        }
        self.build()
    }

    /// Checks the configuration, builds and self-tests the keys.
    pub fn build(self) -> Result<JwtManager, ConfigError> {
        if let (Some(kept), Some(other)) =
            (self.loaders.identity_type, self.loaders.identity_mismatch)
        {
            return Err(ConfigError::new(
                other.loader,
                format!(
                    "takes `&{}`, but {} takes `&{}`: every identity loader takes the one type \
                     that create_access_token is given",
                    other.name, kept.loader, kept.name
                ),
            ));
        }
        let mut config = self.config;
        validate(&config)?;
        if crate::token::RESERVED_CLAIMS.contains(&config.identity_claim.as_str()) {
            return Err(ConfigError::new(
                "JWT_IDENTITY_CLAIM",
                format!(
                    "{:?} is a claim that tokens already carry with its own meaning; use \"sub\" \
                     (the default) or a name of your own, such as \"identity\"",
                    config.identity_claim
                ),
            ));
        }
        for warning in warnings(&config) {
            crate::log::config_warning(&warning);
        }
        #[cfg(feature = "jwks")]
        let remote = self.jwks;
        #[cfg(feature = "jwks")]
        let has_remote = remote.is_some();
        #[cfg(not(feature = "jwks"))]
        let has_remote = false;
        if config.jwks_url.is_some() && !has_remote {
            return Err(ConfigError::new(
                "JWT_JWKS_URL",
                if cfg!(feature = "jwks") {
                    "is set: build the manager with `build_async().await`, which fetches the JWK Set"
                } else {
                    "is set but axum-jwt-extended was built without its `jwks` feature"
                },
            ));
        }
        let dynamic = self.loaders.encode_key.is_some() || self.loaders.decode_key.is_some();
        #[allow(unused_mut)]
        let mut keys = keys::build(
            &config,
            dynamic || has_remote,
            self.key_id.as_deref(),
            &self.extra_keys,
            &self.extra_jwks,
        )?;
        #[cfg(feature = "jwks")]
        {
            keys.remote = remote;
        }
        config.decode_algorithms = config.effective_decode_algorithms();
        let header_name = axum::http::HeaderName::from_bytes(config.header_name.as_bytes())
            .map_err(|_| ConfigError::new("JWT_HEADER_NAME", "is not a valid header name"))?;
        let csrf_methods_upper = config
            .csrf_methods
            .iter()
            .map(|m| m.to_ascii_uppercase())
            .collect();
        let body_budget = Arc::new(tokio::sync::Semaphore::new(
            config
                .json_body_budget
                .min(tokio::sync::Semaphore::MAX_PERMITS),
        ));
        let longest = match (config.access_token_expires, config.refresh_token_expires) {
            (crate::config::Expiry::After(a), crate::config::Expiry::After(r)) => {
                a.max(r).checked_add(config.decode_leeway)
            }
            _ => None,
        };
        let quota = super::quota::Quota::new(self.revocation_quota, longest);
        Ok(JwtManager(Arc::new(Inner {
            quota,
            rotation_grace: self.rotation_grace,
            sessions: self.sessions,
            body_budget,
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
