//! [`JwtLayer`]: protect a whole `Router` (or a `nest`) the way `#[jwt_required]` protects one
//! handler, with per-path exemptions — flask-jwt-extended users' "protect everything by
//! default".
//!
//! The layer runs the same pipeline as the attribute, then calls the inner service inside the
//! task-local scope, so `get_jwt()`, `get_jwt_identity()`, `current_user()` and the
//! extractors work in handlers under it. A handler that also has `#[jwt_required(...)]`
//! reuses the layer's verification (its own type and freshness requirements are checked on
//! it; the token is not decoded twice).

use std::convert::Infallible;
use std::sync::Arc;

use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use tower_service::Service;

use crate::check::{ClaimsCheck, DynCheck};
use crate::config::Location;
use crate::context;
use crate::manager::JwtManager;
use crate::paths;
use crate::pipeline::entry::{enter, enter_body, Entered, Entry};
use crate::pipeline::Spec;
use crate::service::{self, around_service, Around};
use crate::token::{Claims, TokenType};

/// A tower layer that requires a valid token on every request to the services it wraps,
/// with the options of `#[jwt_required]`. Get one from [`JwtManager::layer`].
///
/// ```
/// use axum::{routing::get, Json, Router};
/// use axum_jwt_extended_runtime::{get_jwt_identity, JwtConfig, JwtManager};
/// use serde_json::{json, Value};
///
/// async fn me() -> Json<Value> {
///     Json(json!({ "logged_in_as": get_jwt_identity().ok().flatten() }))
/// }
/// async fn open() -> Json<Value> {
///     Json(json!({ "open": true }))
/// }
///
/// let jwt = JwtManager::new(JwtConfig::with_secret("a-very-long-secret-of-at-least-32-bytes!"))
///     .unwrap();
/// let api = Router::new()
///     .route("/me", get(me))
///     .route("/open", get(open))
///     .route_layer(jwt.layer().exempt("/api/open"));
/// let app: Router = Router::new().nest("/api", api).with_state(jwt);
/// ```
#[derive(Clone)]
pub struct JwtLayer {
    manager: JwtManager,
    spec: Arc<Spec>,
    exempt: Arc<Vec<String>>,
    check: Option<DynCheck>,
}

impl std::fmt::Debug for JwtLayer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtLayer")
            .field("spec", &self.spec)
            .field("exempt", &self.exempt)
            .field("check", &self.check.is_some())
            .finish()
    }
}

impl JwtManager {
    /// A [`JwtLayer`] with `#[jwt_required]`'s defaults: an access token from the configured
    /// locations, checked against the blocklist.
    pub fn layer(&self) -> JwtLayer {
        JwtLayer {
            manager: self.clone(),
            spec: Arc::new(Spec {
                optional: false,
                fresh: false,
                token_type: TokenType::Access,
                verify_type: true,
                skip_revocation_check: false,
                locations: Vec::new(),
                max_auth_age: None,
            }),
            exempt: Arc::new(Vec::new()),
            check: None,
        }
    }
}

impl JwtLayer {
    fn with(mut self, f: impl FnOnce(&mut Spec)) -> Self {
        f(Arc::make_mut(&mut self.spec));
        self
    }

    /// `optional`: a request without a token passes, anonymous.
    pub fn optional(self) -> Self {
        self.with(|s| s.optional = true)
    }

    /// `fresh`: the token must be fresh.
    pub fn fresh(self) -> Self {
        self.with(|s| s.fresh = true)
    }

    /// `refresh`: a refresh token is required.
    pub fn refresh(self) -> Self {
        self.with(|s| s.token_type = TokenType::Refresh)
    }

    /// `verify_type = false`: access and refresh tokens are both taken.
    pub fn verify_type(self, verify: bool) -> Self {
        self.with(|s| s.verify_type = verify)
    }

    /// `skip_revocation_check`: no blocklist check.
    pub fn skip_revocation_check(self) -> Self {
        self.with(|s| s.skip_revocation_check = true)
    }

    /// Step-up, `#[jwt_required(max_auth_age = …)]`'s: the login (`auth_time`, which
    /// session tokens carry) must be at most `max_age` old, whatever the token's `fresh`
    /// says; otherwise 401 (`step_up_required_loader`), with the RFC 9470 challenge when
    /// `www_authenticate` is on.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use axum_jwt_extended_runtime::{JwtConfig, JwtManager};
    /// # let jwt = JwtManager::new(JwtConfig::with_secret("a-very-long-secret-of-at-least-32-bytes!")).unwrap();
    /// let layer = jwt.layer().max_auth_age(Duration::from_secs(300));
    /// # let _ = layer;
    /// ```
    pub fn max_auth_age(self, max_age: std::time::Duration) -> Self {
        self.with(|s| s.max_auth_age = Some(max_age.as_secs()))
    }

    /// `locations`: where to look, in order, instead of `JWT_TOKEN_LOCATION`.
    pub fn locations(self, locations: &[Location]) -> Self {
        self.with(|s| s.locations = locations.to_vec())
    }

    /// A claims check on every verified request (see [`ClaimsCheck`] for the signatures):
    /// `false` or `Err` answers 403 through the `claims_check_failed_loader`. Requests without
    /// a token on an [`optional`](Self::optional) layer are not checked.
    ///
    /// ```
    /// use axum::{routing::get, Router};
    /// use axum_jwt_extended_runtime::{Claims, JwtConfig, JwtManager};
    ///
    /// fn is_admin(claims: &Claims) -> Result<(), &'static str> {
    ///     let admin = claims.get("roles").and_then(|r| r.as_array())
    ///         .is_some_and(|roles| roles.iter().any(|r| r == "admin"));
    ///     if admin { Ok(()) } else { Err("Admins only!") }
    /// }
    ///
    /// let jwt = JwtManager::new(JwtConfig::with_secret("a-very-long-secret-of-at-least-32-bytes!")).unwrap();
    /// let admin = Router::new()
    ///     .route("/stats", get(|| async { "secret stats" }))
    ///     .route_layer(jwt.layer().check(is_admin));
    /// let app: Router = Router::new().nest("/admin", admin).with_state(jwt);
    /// ```
    pub fn check<M, F: ClaimsCheck<(), M>>(mut self, check: F) -> Self {
        self.check = Some(Arc::new(move |claims: &Claims| check.call(claims, &())));
        self
    }

    /// [`check`](Self::check) with a state for checks that take a part of it
    /// (`fn(&Claims, &T)` with `T: FromRef<St>`).
    pub fn check_with_state<St, M, F>(mut self, state: St, check: F) -> Self
    where
        St: Send + Sync + 'static,
        F: ClaimsCheck<St, M>,
    {
        self.check = Some(Arc::new(move |claims: &Claims| check.call(claims, &state)));
        self
    }

    /// A path the layer lets through unchecked, as written in the request (`/api/open`; inside
    /// a `nest`, the full path or the path within the nest).
    pub fn exempt(mut self, path: impl Into<String>) -> Self {
        Arc::make_mut(&mut self.exempt).push(path.into());
        self
    }
}

around_service!(
    /// The service of a [`JwtLayer`].
    JwtService for JwtLayer
);

impl Around for JwtLayer {
    async fn around<S>(self, mut inner: S, req: Request) -> Response
    where
        S: Service<Request, Response = Response, Error = Infallible> + Send + 'static,
        S::Future: Send + 'static,
    {
        if paths::listed(&req, &self.exempt) {
            return service::call(&mut inner, req).await;
        }
        let (mut parts, body) = req.into_parts();
        let (manager, spec) = (&self.manager, &*self.spec);
        let check = |claims: &Claims| self.check.as_ref().map(|check| check(claims));
        let (ctx, body) = match enter(manager, &mut parts, spec, Entry::LAYER, check).await {
            Ok(Entered::Verified(ctx)) => (ctx, body),
            Ok(Entered::Pending(pending)) => {
                match enter_body(manager, &mut parts, spec, pending, body, check).await {
                    Ok(done) => done,
                    Err(rejection) => return rejection.into_response(),
                }
            }
            Ok(Entered::Passed) => {
                return service::call(&mut inner, Request::from_parts(parts, body)).await
            }
            Err(rejection) => return rejection.into_response(),
        };
        let req = Request::from_parts(parts, body);
        context::scope(Some(ctx), service::call(&mut inner, req)).await
    }
}
