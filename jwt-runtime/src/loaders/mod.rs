//! Callback loaders, flask-jwt-extended's `@jwt.*_loader` decorators.
//!
//! Each is registered on the `JwtManagerBuilder` by name
//! (`builder.token_in_blocklist_loader(is_revoked)`), so two managers in one process can have
//! different loaders. Loaders that reach application state capture it (a pool, a client) in a
//! closure, or are written with the loader attributes of the facade crate.
//!
//! Loaders that Flask calls during a request may be `async`: they return any future. Their
//! result may be a plain value or a `Result`; an `Err` fails closed (503 for the blocklist).

#[doc(hidden)]
pub mod probe;
mod session_event;

pub use session_event::{SessionEnd, SessionEvent};

use std::any::Any;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use axum::response::Response;
use serde_json::Value;

use crate::crypto::Key;
use crate::token::{Claims, JwtHeader};

/// A boxed, sendable future.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// An error returned by a loader (a store that is down, a database error). Fails closed: the
/// request is denied with 503 and a fixed message; this error is logged.
#[derive(Debug, Clone)]
pub struct LoaderError {
    message: String,
    source: Option<Arc<dyn std::error::Error + Send + Sync>>,
}

impl LoaderError {
    /// An error described by `message` alone.
    pub fn new(message: impl Into<String>) -> Self {
        LoaderError {
            message: message.into(),
            source: None,
        }
    }

    /// An error caused by `source`, kept as the `source()`.
    pub fn from_error(source: impl std::error::Error + Send + Sync + 'static) -> Self {
        LoaderError {
            message: source.to_string(),
            source: Some(Arc::new(source)),
        }
    }

    /// What a loader's `Err(e)` becomes: `e`'s text, and `e` itself as the cause.
    fn caused_by<E: fmt::Display + Send + Sync + 'static>(e: E) -> Self {
        LoaderError {
            message: e.to_string(),
            source: Some(Arc::new(Cause(e))),
        }
    }

    /// The loader's own error, with its type, when it returned `Err(e)` with an `E`.
    ///
    /// ```
    /// use axum_jwt_extended_runtime::{LoaderError, LoaderOutput};
    ///
    /// let failed: Result<bool, std::io::Error> = Err(std::io::ErrorKind::TimedOut.into());
    /// let err: LoaderError = failed.into_loader_result().unwrap_err();
    /// let io = err.cause::<std::io::Error>().expect("the loader's io::Error");
    /// assert_eq!(io.kind(), std::io::ErrorKind::TimedOut);
    /// assert!(std::error::Error::source(&err).is_some());
    /// ```
    pub fn cause<E: fmt::Display + Send + Sync + 'static>(&self) -> Option<&E> {
        let source: &(dyn std::error::Error + 'static) = self.source.as_deref()?;
        source.downcast_ref::<Cause<E>>().map(|c| &c.0)
    }
}

/// A loader's error kept as a `source()`: any `Display` type (the loader's `E` need not be an
/// `Error`), shown as its text.
struct Cause<E>(E);

impl<E: fmt::Display> fmt::Display for Cause<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<E: fmt::Display> fmt::Debug for Cause<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<E: fmt::Display> std::error::Error for Cause<E> {}

impl fmt::Display for LoaderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for LoaderError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// What a loader may return: the value itself, or a `Result` whose error fails closed.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a valid result of this loader: it returns `{T}` or `Result<{T}, E>` (E: Display)",
    label = "not a valid loader result",
    note = "a user_lookup_loader returns `Option<User>` or `Result<Option<User>, E>` (User: Send + Sync + 'static, E: Display)"
)]
pub trait LoaderOutput<T>: Send {
    /// The value, or the error as text.
    fn into_loader_result(self) -> Result<T, LoaderError>;
}

impl LoaderOutput<bool> for bool {
    fn into_loader_result(self) -> Result<bool, LoaderError> {
        Ok(self)
    }
}

/// The error fails closed and is kept as the [`LoaderError`]'s cause
/// ([`LoaderError::cause`]).
impl<E: fmt::Display + Send + Sync + 'static> LoaderOutput<bool> for Result<bool, E> {
    fn into_loader_result(self) -> Result<bool, LoaderError> {
        self.map_err(LoaderError::caused_by)
    }
}

impl<U: Send + Sync + 'static> LoaderOutput<Option<U>> for Option<U> {
    fn into_loader_result(self) -> Result<Option<U>, LoaderError> {
        Ok(self)
    }
}

impl<U: Send + Sync + 'static, E: fmt::Display + Send + Sync + 'static> LoaderOutput<Option<U>>
    for Result<Option<U>, E>
{
    fn into_loader_result(self) -> Result<Option<U>, LoaderError> {
        self.map_err(LoaderError::caused_by)
    }
}

/// Marker: a loader written as a plain function.
#[derive(Debug)]
pub enum Sync_ {}
/// Marker: a loader written as an `async` function (or a function returning a future).
#[derive(Debug)]
pub enum Async {}

/// A loader called with the verified `(jwt_header, jwt_payload)` during a request, sync or
/// async: `token_in_blocklist_loader`, `token_verification_loader`, `user_lookup_loader`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a valid loader here: check its parameters and return type",
    label = "expected `fn(&JwtHeader, &Claims) -> R` or `async fn(&JwtHeader, &Claims) -> R` with a valid `R`",
    note = "a token_in_blocklist_loader or token_verification_loader returns `bool` or `Result<bool, E>` (E: Display)",
    note = "a user_lookup_loader returns `Option<User>` or `Result<Option<User>, E>` (User: Send + Sync + 'static, E: Display)",
    note = "an async loader's future must be `Send + 'static`: write it with the loader attribute (which takes care of the borrowed parameters), or as a closure returning an `async move` block over owned data"
)]
pub trait TokenLoader<T, M>: Send + Sync + 'static {
    /// Calls the loader.
    fn call(&self, header: JwtHeader, claims: Claims)
        -> BoxFuture<'static, Result<T, LoaderError>>;
}

impl<T, F, O> TokenLoader<T, Sync_> for F
where
    F: Fn(&JwtHeader, &Claims) -> O + Send + Sync + 'static,
    O: LoaderOutput<T> + 'static,
    T: Send + 'static,
{
    fn call(
        &self,
        header: JwtHeader,
        claims: Claims,
    ) -> BoxFuture<'static, Result<T, LoaderError>> {
        let out = (self)(&header, &claims).into_loader_result();
        Box::pin(std::future::ready(out))
    }
}

impl<T, F, Fut, O> TokenLoader<T, Async> for F
where
    F: Fn(JwtHeader, Claims) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = O> + Send + 'static,
    O: LoaderOutput<T> + 'static,
    T: Send + 'static,
{
    fn call(
        &self,
        header: JwtHeader,
        claims: Claims,
    ) -> BoxFuture<'static, Result<T, LoaderError>> {
        let fut = (self)(header, claims);
        Box::pin(async move { fut.await.into_loader_result() })
    }
}

pub(crate) type DynTokenLoader<T> =
    Arc<dyn Fn(JwtHeader, Claims) -> BoxFuture<'static, Result<T, LoaderError>> + Send + Sync>;

pub(crate) fn erase_token_loader<T: Send + 'static, M>(
    l: impl TokenLoader<T, M>,
) -> DynTokenLoader<T> {
    Arc::new(move |h, c| l.call(h, c))
}

/// The user object a `user_lookup_loader` returned, type-erased.
pub(crate) type AnyUser = Arc<dyn Any + Send + Sync>;

/// Loaders called with the raw identity when a token is created. `None` when the identity is
/// not of the loader's type (which `create_*_token` reports as an error before calling it).
pub(crate) type IdentityFn<T> = Arc<dyn Fn(&dyn Any) -> Option<T> + Send + Sync>;

/// Wraps a loader on identities of type `I`.
pub(crate) fn identity_fn<I: 'static, T: 'static>(
    f: impl Fn(&I) -> T + Send + Sync + 'static,
) -> IdentityFn<T> {
    Arc::new(move |any: &dyn Any| any.downcast_ref::<I>().map(&f))
}

/// The identity type the identity loaders take, and which loader set it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct IdentityType {
    pub(crate) id: std::any::TypeId,
    pub(crate) name: &'static str,
    pub(crate) loader: &'static str,
}

impl IdentityType {
    pub(crate) fn of<I: 'static>(loader: &'static str) -> Self {
        IdentityType {
            id: std::any::TypeId::of::<I>(),
            name: std::any::type_name::<I>(),
            loader,
        }
    }
}

/// A `decode_key_loader`.
pub(crate) type DecodeKeyFn = Arc<dyn Fn(&JwtHeader, &Claims) -> Key + Send + Sync>;

/// A response loader on `(jwt_header, jwt_payload)`.
pub(crate) type PartsResponseFn = Arc<dyn Fn(&JwtHeader, &Claims) -> Response + Send + Sync>;
/// The manager's error hook.
pub(crate) type ErrorHookFn =
    Arc<dyn Fn(&crate::error::JwtError, Response) -> Response + Send + Sync>;

/// A response loader on the error message.
pub(crate) type ReasonResponseFn = Arc<dyn Fn(&str) -> Response + Send + Sync>;

/// The session event hook.
pub(crate) type SessionEventFn =
    std::sync::Arc<dyn Fn(SessionEvent) -> BoxFuture<'static, ()> + Send + Sync>;

/// All loaders of one manager.
#[derive(Clone, Default)]
pub(crate) struct Loaders {
    /// The one identity type of the identity loaders below (the first registered), and the
    /// first loader registered for another type (a start-up error).
    pub(crate) identity_type: Option<IdentityType>,
    pub(crate) identity_mismatch: Option<IdentityType>,
    pub(crate) user_identity: Option<IdentityFn<Value>>,
    pub(crate) additional_claims: Option<IdentityFn<Value>>,
    pub(crate) additional_headers: Option<IdentityFn<Value>>,
    pub(crate) encode_key: Option<IdentityFn<Key>>,
    pub(crate) decode_key: Option<DecodeKeyFn>,
    pub(crate) token_in_blocklist: Option<DynTokenLoader<bool>>,
    pub(crate) token_verification: Option<DynTokenLoader<bool>>,
    pub(crate) user_lookup: Option<DynTokenLoader<Option<AnyUser>>>,
    /// The type the user lookup loader returns, for `CurrentUser<U>` / `UserLookup<U>`.
    pub(crate) user_type: Option<(std::any::TypeId, &'static str)>,
    pub(crate) expired_token: Option<PartsResponseFn>,
    pub(crate) invalid_token: Option<ReasonResponseFn>,
    pub(crate) unauthorized: Option<ReasonResponseFn>,
    pub(crate) needs_fresh_token: Option<PartsResponseFn>,
    pub(crate) revoked_token: Option<PartsResponseFn>,
    pub(crate) session_expired: Option<PartsResponseFn>,
    pub(crate) step_up_required: Option<PartsResponseFn>,
    pub(crate) session_event: Option<SessionEventFn>,
    pub(crate) token_verification_failed: Option<PartsResponseFn>,
    pub(crate) user_lookup_error: Option<PartsResponseFn>,
    pub(crate) claims_check_failed: Option<ReasonResponseFn>,
    /// Reshapes every rejection's response, the last word on it.
    pub(crate) error_hook: Option<ErrorHookFn>,
}
