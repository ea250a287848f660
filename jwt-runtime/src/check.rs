//! Claims checks: `#[jwt_required(check = is_admin)]` and [`JwtLayer::check`](crate::JwtLayer::check).
//!
//! A check is a plain or `async` function of the verified claims, optionally with a part of
//! the router state, that returns `bool` or `Result<(), E>`. It runs after the whole
//! verification (token, CSRF, revocation, loaders), on requests that carry a token. `false`
//! answers 403 `{"msg": "Forbidden"}`; `Err(e)` answers 403 with `e`'s text as the message.
//! Both go through [`JwtManagerBuilder::claims_check_failed_loader`](crate::JwtManagerBuilder::claims_check_failed_loader)
//! when one is registered, then the error hook.
//!
//! | signature | |
//! |---|---|
//! | `fn(&Claims) -> bool` or `-> Result<(), E>` | the claims only |
//! | `fn(&Claims, &T) -> …` | with `T: FromRef<S>` of the router state (`state = S` in the attribute) |
//! | `async fn(Claims) -> …` | async, the claims by value |
//! | `async fn(Claims, T) -> …` | async, with `T: FromRef<S>` |
//!
//! ```
//! use axum_jwt_extended_runtime::Claims;
//!
//! fn is_admin(claims: &Claims) -> Result<(), &'static str> {
//!     let roles = claims.get("roles").and_then(|r| r.as_array());
//!     match roles.is_some_and(|r| r.iter().any(|r| r == "admin")) {
//!         true => Ok(()),
//!         false => Err("Admins only!"),
//!     }
//! }
//! ```

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use axum::extract::FromRef;

use crate::error::{ErrorKind, JwtError};
use crate::loaders::{Async, BoxFuture, Sync_};
use crate::token::Claims;

/// The message of a check that returned `false`.
pub(crate) const DEFAULT_MESSAGE: &str = "Forbidden";

/// What a claims check may return: `bool`, or `Result<(), E>` whose error text becomes the
/// 403's message.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a valid result of a claims check",
    label = "a claims check returns `bool` or `Result<(), E>` (E: Display)"
)]
pub trait CheckOutcome: Send {
    /// `Ok`, or the failure with its message (`None`: the default one).
    fn into_outcome(self) -> Result<(), Option<String>>;
}

impl CheckOutcome for bool {
    fn into_outcome(self) -> Result<(), Option<String>> {
        if self {
            Ok(())
        } else {
            Err(None)
        }
    }
}

impl<E: fmt::Display + Send> CheckOutcome for Result<(), E> {
    fn into_outcome(self) -> Result<(), Option<String>> {
        self.map_err(|e| Some(e.to_string()))
    }
}

/// The outcome of a check, as a future.
pub type CheckFuture = BoxFuture<'static, Result<(), Option<String>>>;

/// A claims check usable with router state `S`. `M` tells the four signatures apart.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a valid claims check for router state `{S}`",
    label = "expected `fn(&Claims) -> bool` (or `-> Result<(), E>`), `fn(&Claims, &T)`, `async fn(Claims)` or `async fn(Claims, T)`",
    note = "a check that takes a part `T` of the router state needs `T: FromRef<{S}>`; in `#[jwt_required(check = …)]`, name the router state with `state = AppState`"
)]
pub trait ClaimsCheck<S, M>: Send + Sync + 'static {
    /// Runs the check.
    fn call(&self, claims: &Claims, state: &S) -> CheckFuture;
}

impl<S, F, O> ClaimsCheck<S, (Sync_, O)> for F
where
    F: Fn(&Claims) -> O + Send + Sync + 'static,
    O: CheckOutcome,
{
    fn call(&self, claims: &Claims, _state: &S) -> CheckFuture {
        Box::pin(std::future::ready((self)(claims).into_outcome()))
    }
}

impl<S, F, T, O> ClaimsCheck<S, (Sync_, T, O)> for F
where
    F: Fn(&Claims, &T) -> O + Send + Sync + 'static,
    T: FromRef<S>,
    O: CheckOutcome,
{
    fn call(&self, claims: &Claims, state: &S) -> CheckFuture {
        let part = T::from_ref(state);
        Box::pin(std::future::ready((self)(claims, &part).into_outcome()))
    }
}

impl<S, F, Fut> ClaimsCheck<S, (Async, Fut)> for F
where
    F: Fn(Claims) -> Fut + Send + Sync + 'static,
    Fut: Future + Send + 'static,
    Fut::Output: CheckOutcome,
{
    fn call(&self, claims: &Claims, _state: &S) -> CheckFuture {
        let fut = (self)(claims.clone());
        Box::pin(async move { fut.await.into_outcome() })
    }
}

impl<S, F, T, Fut> ClaimsCheck<S, (Async, T, Fut)> for F
where
    F: Fn(Claims, T) -> Fut + Send + Sync + 'static,
    T: FromRef<S>,
    Fut: Future + Send + 'static,
    Fut::Output: CheckOutcome,
{
    fn call(&self, claims: &Claims, state: &S) -> CheckFuture {
        let fut = (self)(claims.clone(), T::from_ref(state));
        Box::pin(async move { fut.await.into_outcome() })
    }
}

/// The check of one route, as a type: what `#[jwt_required(check = …)]` generates, so that
/// [`Guard`](crate::Guard) can carry it. [`NoCheck`] is the default.
#[doc(hidden)]
pub trait RouteCheck<S>: Send + Sync + 'static {
    /// The check's future, or `None` when there is no check.
    fn run(claims: &Claims, state: &S) -> Option<CheckFuture>;
}

/// No claims check.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct NoCheck;

impl<S> RouteCheck<S> for NoCheck {
    fn run(_claims: &Claims, _state: &S) -> Option<CheckFuture> {
        None
    }
}

/// Calls `check` (for the macro's [`RouteCheck`] implementations, which name the function).
#[doc(hidden)]
pub fn run_check<S, M, F: ClaimsCheck<S, M>>(check: &F, claims: &Claims, state: &S) -> CheckFuture {
    check.call(claims, state)
}

/// A check of a layer, with its state captured.
pub(crate) type DynCheck = Arc<dyn Fn(&Claims) -> CheckFuture + Send + Sync>;

/// The error of a failed check: 403 with the check's message or the default one.
pub(crate) fn failed(message: Option<String>) -> JwtError {
    JwtError::new(ErrorKind::ClaimsCheck(
        message.unwrap_or_else(|| DEFAULT_MESSAGE.to_owned()),
    ))
}

/// Awaits a check and maps its failure to the 403 error.
pub(crate) async fn outcome(fut: CheckFuture) -> Result<(), JwtError> {
    fut.await.map_err(failed)
}
