//! The verified token of the current request, as Flask keeps it in `g`: `get_jwt()`,
//! `get_jwt_header()`, `get_jwt_identity()`, `get_jwt_request_location()`, `current_user()`.
//!
//! `#[jwt_required]` runs the handler's body inside a task-local scope holding the context.
//! A task started with `tokio::spawn` does not inherit it: carry it with [`spawn_with_jwt`] or
//! pass the values you need.

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::config::Location;
use crate::error::{ErrorKind, JwtError};
use crate::loaders::AnyUser;
use crate::manager::JwtManager;
use crate::token::{Claims, JwtHeader};

/// The verified token of a request (or an anonymous context on an optional route).
#[derive(Clone)]
pub struct JwtContext {
    pub(crate) header: JwtHeader,
    pub(crate) claims: Claims,
    pub(crate) location: Option<Location>,
    pub(crate) user: Option<AnyUser>,
    /// Whether the revocation stage ran (`skip_revocation_check` routes skip it).
    revocation_checked: bool,
    manager: JwtManager,
}

impl fmt::Debug for JwtContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwtContext")
            .field("header", &self.header)
            .field("claims", &self.claims)
            .field("location", &self.location)
            .finish_non_exhaustive()
    }
}

impl JwtContext {
    pub(crate) fn verified(
        manager: &JwtManager,
        header: JwtHeader,
        claims: Claims,
        location: Location,
        user: Option<AnyUser>,
        revocation_checked: bool,
    ) -> Self {
        JwtContext {
            header,
            claims,
            location: Some(location),
            user,
            revocation_checked,
            manager: manager.clone(),
        }
    }

    /// Whether the revocation stage ran on this token (`skip_revocation_check` skips it).
    pub(crate) fn revocation_checked(&self) -> bool {
        self.revocation_checked
    }

    /// Whether `manager` made this verification (another manager's keys, blocklist and
    /// loaders are not this one's).
    pub(crate) fn made_by(&self, manager: &JwtManager) -> bool {
        Arc::ptr_eq(&self.manager.0, &manager.0)
    }

    pub(crate) fn anonymous(manager: &JwtManager) -> Self {
        JwtContext {
            header: JwtHeader::default(),
            claims: Claims::default(),
            location: None,
            user: None,
            revocation_checked: false,
            manager: manager.clone(),
        }
    }

    /// The claims (`{}` when anonymous).
    pub fn claims(&self) -> &Claims {
        &self.claims
    }

    /// The JOSE header (`{}` when anonymous).
    pub fn header(&self) -> &JwtHeader {
        &self.header
    }

    /// The identity claim's value (`None` when anonymous).
    pub fn identity(&self) -> Option<&Value> {
        if self.is_anonymous() {
            return None;
        }
        self.claims.get(&self.manager.config().identity_claim)
    }

    /// The identity claim as a string, when it is one.
    pub fn identity_str(&self) -> Option<&str> {
        self.identity().and_then(Value::as_str)
    }

    /// Where the token was found (`None` when anonymous).
    pub fn location(&self) -> Option<Location> {
        self.location
    }

    /// Whether no token was presented (optional routes only).
    pub fn is_anonymous(&self) -> bool {
        self.location.is_none()
    }

    /// The user returned by the user lookup loader, if it is of type `U`.
    pub fn current_user<U: Send + Sync + 'static>(&self) -> Result<Option<Arc<U>>, NoJwtContext> {
        if self.is_anonymous() {
            return Ok(None);
        }
        if !self.manager.has_user_lookup_loader() {
            return Err(NoJwtContext::NoUserLoader);
        }
        match &self.user {
            None => Ok(None),
            Some(u) => Arc::clone(u)
                .downcast::<U>()
                .map(Some)
                .map_err(|_| NoJwtContext::WrongUserType(std::any::type_name::<U>())),
        }
    }
}

tokio::task_local! {
    static JWT_CONTEXT: Option<Arc<JwtContext>>;
}

/// Runs `fut` with `ctx` as the current request's JWT context. `None` means no verification
/// ran (an `OPTIONS` request): the accessors then return [`NoJwtContext`].
pub async fn scope<F: Future>(ctx: Option<Arc<JwtContext>>, fut: F) -> F::Output {
    JWT_CONTEXT.scope(ctx, fut).await
}

/// The current context, if inside a `#[jwt_required]` handler that verified a request.
pub fn current_context() -> Option<Arc<JwtContext>> {
    JWT_CONTEXT.try_with(|c| c.clone()).ok().flatten()
}

/// Spawns a task that sees the current JWT context (a plain `tokio::spawn` does not).
pub fn spawn_with_jwt<F>(fut: F) -> tokio::task::JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let ctx = current_context();
    tokio::spawn(scope(ctx, fut))
}

/// Why a context accessor has no answer: called outside a `#[jwt_required]` handler (or on an
/// `OPTIONS` request, which is not verified), or `current_user` without a user lookup loader.
/// As a response it is a 500 naming the programming mistake: no request input can cause it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoJwtContext {
    /// Not inside a verified `#[jwt_required]` handler.
    Outside,
    /// `current_user` was used but the manager has no user lookup loader.
    NoUserLoader,
    /// `current_user::<U>` was asked for another type than the loader returns.
    WrongUserType(&'static str),
}

impl fmt::Display for NoJwtContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NoJwtContext::Outside => f.write_str(
                "You must use #[jwt_required] (or a Jwt extractor) before using this method",
            ),
            NoJwtContext::NoUserLoader => {
                f.write_str("You must provide a user_lookup_loader callback to use this method")
            }
            NoJwtContext::WrongUserType(t) => {
                write!(f, "The user lookup loader does not return a {t}")
            }
        }
    }
}

impl std::error::Error for NoJwtContext {}

/// A 500 naming the mistake, under `JWT_ERROR_MESSAGE_KEY`: inside a protected handler with
/// the handler's manager; outside one, `JwtManager::error_layer` applies the key.
impl IntoResponse for NoJwtContext {
    fn into_response(self) -> Response {
        let err = JwtError::new(ErrorKind::NoContext(self.to_string()));
        match current_context() {
            Some(ctx) => ctx.manager.error_response(err),
            None => err.into_response(),
        }
    }
}

fn with_ctx<T>(f: impl FnOnce(&JwtContext) -> T) -> Result<T, NoJwtContext> {
    match current_context() {
        Some(ctx) => Ok(f(&ctx)),
        None => Err(NoJwtContext::Outside),
    }
}

/// `get_jwt()`: the verified claims (`{}` on an optional route without a token).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// // Outside a protected handler there is no token: an error, never a panic.
/// assert!(axum_jwt_extended_runtime::get_jwt().is_err());
/// # }
/// ```
pub fn get_jwt() -> Result<Claims, NoJwtContext> {
    with_ctx(|c| c.claims.clone())
}

/// `get_jwt_header()`: the verified token's header (`{}` without a token).
pub fn get_jwt_header() -> Result<JwtHeader, NoJwtContext> {
    with_ctx(|c| c.header.clone())
}

/// `get_jwt_identity()`: the identity claim (`None` on an optional route without a token).
pub fn get_jwt_identity() -> Result<Option<Value>, NoJwtContext> {
    with_ctx(|c| c.identity().cloned())
}

/// `get_jwt_request_location()`: where the token came from; `None` without one (never an
/// error, as in Flask).
pub fn get_jwt_request_location() -> Option<Location> {
    current_context().and_then(|c| c.location)
}

/// `current_user` / `get_current_user()`: the object your user lookup loader returned, typed.
/// `Ok(None)` on an optional route without a token.
pub fn current_user<U: Send + Sync + 'static>() -> Result<Option<Arc<U>>, NoJwtContext> {
    match current_context() {
        Some(ctx) => ctx.current_user::<U>(),
        None => Err(NoJwtContext::Outside),
    }
}

/// Where a layer outside the verification (the implicit refresh layer) finds the context of
/// a request verified under it: it puts an empty slot in the request, the verifications fill
/// it (the last verified token wins; an anonymous context never replaces a verified one).
#[derive(Clone, Default)]
pub(crate) struct Seen(Arc<std::sync::Mutex<Option<Arc<JwtContext>>>>);

impl Seen {
    /// The context the request ended with.
    pub(crate) fn get(&self) -> Option<Arc<JwtContext>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

/// Makes a context available to later extractors (and to a [`Seen`] slot). An anonymous one
/// (an optional route without a token) never replaces a verified one.
pub(crate) fn publish(extensions: &mut axum::http::Extensions, ctx: &Arc<JwtContext>) {
    // Only an anonymous context needs a look at what is there (the hot path, a verified
    // token, looks up nothing more).
    let verified = |c: &Arc<JwtContext>| !c.is_anonymous();
    if ctx.is_anonymous() && extensions.get::<Arc<JwtContext>>().is_some_and(verified) {
        return;
    }
    if let Some(seen) = extensions.get::<Seen>() {
        let mut slot = seen.0.lock().unwrap_or_else(|p| p.into_inner());
        if !ctx.is_anonymous() || !slot.as_ref().is_some_and(verified) {
            *slot = Some(Arc::clone(ctx));
        }
    }
    extensions.insert(Arc::clone(ctx));
}
