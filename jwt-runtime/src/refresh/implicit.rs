//! Implicit refresh for cookie clients, as a layer: flask-jwt-extended's `after_request`
//! recipe ("Implicit Refreshing With Cookies"), built in.
//!
//! When a request authenticated by its access cookie succeeds (2xx) and that token expires
//! within the window, the response gets a new access cookie (and a new CSRF cookie when CSRF
//! protection is on): the same identity and claims, `fresh: false`, a new `jti`, a later
//! `exp`. It never refreshes:
//! - a token that came from a header, the query string or a JSON body (#419);
//! - after the handler revoked the token or set or unset the access cookie itself (logout,
//!   login), or for a token that is revoked (#454);
//! - a response carrying [`NoImplicitRefresh`], or a path given to
//!   [`exempt`](ImplicitRefreshLayer::exempt).
//!
//! A request refused because its access cookie expired gets the access cookies unset in its
//! 401 response (#528).

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::Request;
use axum::http::header::SET_COOKIE;
use axum::response::Response;
use serde_json::{Map, Value};
use tower_service::Service;

use crate::config::Location;
use crate::context::{JwtContext, Seen};
use crate::cookies::{set_access_cookies, unset_access_cookies, CookieOptions, JwtCookies};
use crate::manager::JwtManager;
use crate::paths;
use crate::rejection::ExpiredAccessCookie;
use crate::service::{self, around_service, Around};
use crate::token::{TokenOptions, TokenType};

/// Put in a response's extensions to keep the implicit refresh layer off it.
///
/// ```
/// use axum::response::{IntoResponse, Response};
/// use axum_jwt_extended_runtime::NoImplicitRefresh;
///
/// async fn handler() -> Response {
///     let mut response = "no new cookie for this one".into_response();
///     response.extensions_mut().insert(NoImplicitRefresh);
///     response
/// }
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct NoImplicitRefresh;

/// The implicit refresh layer. Get one from [`JwtManager::implicit_refresh`] and put it
/// around the routes of your cookie clients (outside `#[jwt_required]` and the router layer:
/// it reads the verification they made).
///
/// ```
/// use std::time::Duration;
/// use axum::{routing::get, Router};
/// use axum_jwt_extended_runtime::{JwtConfig, JwtManager, Location};
///
/// let mut config = JwtConfig::with_secret("a-very-long-secret-of-at-least-32-bytes!");
/// config.token_location = vec![Location::Cookies];
/// let jwt = JwtManager::new(config).unwrap();
/// let app: Router = Router::new()
///     .route("/", get(|| async { "hello" }))
///     .layer(jwt.implicit_refresh(Duration::from_secs(30 * 60)).exempt("/logout"))
///     .with_state(jwt);
/// ```
#[derive(Clone, Debug)]
pub struct ImplicitRefreshLayer {
    manager: JwtManager,
    window: Duration,
    exempt: Arc<Vec<String>>,
}

impl JwtManager {
    /// An [`ImplicitRefreshLayer`] that refreshes access cookies expiring within `window`.
    pub fn implicit_refresh(&self, window: Duration) -> ImplicitRefreshLayer {
        ImplicitRefreshLayer {
            manager: self.clone(),
            window,
            exempt: Arc::new(Vec::new()),
        }
    }
}

impl ImplicitRefreshLayer {
    /// A path whose responses are never refreshed (as written in the request, or within a
    /// `nest`).
    pub fn exempt(mut self, path: impl Into<String>) -> Self {
        Arc::make_mut(&mut self.exempt).push(path.into());
        self
    }
}

around_service!(
    /// The service of an [`ImplicitRefreshLayer`].
    ImplicitRefreshService for ImplicitRefreshLayer
);

impl Around for ImplicitRefreshLayer {
    async fn around<S>(self, mut inner: S, mut req: Request) -> Response
    where
        S: Service<Request, Response = Response, Error = Infallible> + Send + 'static,
        S::Future: Send + 'static,
    {
        if paths::listed(&req, &self.exempt) {
            return service::call(&mut inner, req).await;
        }
        let seen = Seen::default();
        req.extensions_mut().insert(seen.clone());
        let mut response = service::call(&mut inner, req).await;
        let manager = &self.manager;
        if response.extensions().get::<ExpiredAccessCookie>().is_some() {
            unset_access_cookies(manager, None).append_to(response.headers_mut());
            return response;
        }
        if !response.status().is_success()
            || response.extensions().get::<NoImplicitRefresh>().is_some()
            || sets_access_cookie(manager, &response)
        {
            return response;
        }
        if let Some(ctx) = seen.get() {
            if let Some(cookies) = refreshed(manager, &ctx, self.window).await {
                cookies.append_to(response.headers_mut());
            }
        }
        response
    }
}

/// The new access cookies for `ctx`, when its token is due.
async fn refreshed(manager: &JwtManager, ctx: &JwtContext, window: Duration) -> Option<JwtCookies> {
    let claims = ctx.claims();
    if ctx.is_anonymous()
        || ctx.location() != Some(Location::Cookies)
        || claims.token_type() != Some("access")
    {
        return None;
    }
    let left = claims.exp()? - manager.now_f64();
    if left > window.as_secs_f64() {
        return None;
    }
    // Revoked by the handler (logout) or before: never refreshed. A store that cannot answer
    // means no refresh either (the request itself was already answered).
    if manager.has_blocklist() && manager.is_token_revoked(claims).await.unwrap_or(true) {
        return None;
    }
    let identity_claim = &manager.config().identity_claim;
    let identity = claims.get(identity_claim).cloned().unwrap_or(Value::Null);
    let mut extra = Map::new();
    for (name, value) in claims.as_map() {
        if !REMINTED.contains(&name.as_str()) && name != identity_claim {
            extra.insert(name.clone(), value.clone());
        }
    }
    let mut options = TokenOptions::new().additional_claims(Value::Object(extra));
    // A session's token: never for an ended session, and never past its absolute end.
    match manager.implicit_session(claims).await {
        Err(_) => return None,
        Ok(None) => {}
        Ok(Some(lifetime)) => options = options.expires_delta(lifetime),
    }
    let token = manager
        .mint(TokenType::Access, identity, None, options)
        .map_err(|e| crate::log::refresh_failed(&e))
        .ok()?;
    set_access_cookies(manager, &token, CookieOptions::default()).ok()
}

/// The claims a new token gets afresh, not copied.
const REMINTED: [&str; 9] = [
    "iat", "nbf", "exp", "jti", "type", "fresh", "csrf", "iss", "aud",
];

/// Whether the handler set or unset the access cookie itself.
fn sets_access_cookie(manager: &JwtManager, response: &Response) -> bool {
    let name = &manager.config().access_cookie_name;
    response.headers().get_all(SET_COOKIE).iter().any(|v| {
        v.as_bytes()
            .strip_prefix(name.as_bytes())
            .is_some_and(|rest| rest.first() == Some(&b'='))
    })
}
