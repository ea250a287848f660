//! Typed `current_user`: the [`CurrentUser<U>`] extractor and its compile-time proof
//! [`UserLookup<U>`].
//!
//! A handler taking `CurrentUser<User>` only compiles when the router state provides a
//! `UserLookup<User>` (through `FromRef`), and a `UserLookup<User>` can only be had from a
//! manager whose user lookup loader returns `User` ([`JwtManager::user_lookup`], checked at
//! start-up). So asking for the wrong user type, or for a user without a loader, never reaches
//! a request.
//!
//! ```
//! use std::sync::Arc;
//! use axum::{extract::FromRef, routing::get, Json, Router};
//! use axum_jwt_extended_runtime::{Claims, CurrentUser, JwtConfig, JwtHeader, JwtManager, UserLookup};
//!
//! #[derive(Clone)]
//! struct User { name: String }
//!
//! #[derive(Clone)]
//! struct App { jwt: JwtManager, users: UserLookup<User> }
//! impl FromRef<App> for JwtManager { fn from_ref(a: &App) -> Self { a.jwt.clone() } }
//! impl FromRef<App> for UserLookup<User> { fn from_ref(a: &App) -> Self { a.users } }
//!
//! async fn whoami(CurrentUser(user): CurrentUser<User>) -> Json<String> {
//!     Json(user.name.clone())
//! }
//!
//! let jwt = JwtManager::builder(JwtConfig::with_secret("a-very-long-secret-of-at-least-32-bytes!"))
//!     .user_lookup_loader(|_h: &JwtHeader, c: &Claims| {
//!         c.get_str("sub").map(|s| User { name: s.to_owned() })
//!     })
//!     .build()
//!     .unwrap();
//! let users = jwt.user_lookup::<User>().expect("the loader returns User");
//! let app: Router = Router::new()
//!     .route("/whoami", get(whoami))
//!     .with_state(App { jwt, users });
//! ```

use std::any::TypeId;
use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use axum::extract::{FromRef, FromRequestParts, OptionalFromRequestParts};
use axum::http::request::Parts;

use crate::config::ConfigError;
use crate::error::{JwtError, TokenParts};
use crate::guard::default_spec;
use crate::manager::JwtManager;
use crate::pipeline::entry::{enter, no_token, reject, Entry};
use crate::rejection::JwtRejection;
use crate::state::JwtState;

/// Proof that a manager's user lookup loader returns `U`. Get one from
/// [`JwtManager::user_lookup`] at start-up and provide it from your router state.
pub struct UserLookup<U>(PhantomData<fn() -> U>);

impl<U> Clone for UserLookup<U> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<U> Copy for UserLookup<U> {}

/// `Router::with_state(Arc::new(app))`: the proof held by the shared state.
impl<S, U> FromRef<Arc<S>> for UserLookup<U>
where
    UserLookup<U>: FromRef<S>,
{
    fn from_ref(state: &Arc<S>) -> Self {
        UserLookup::from_ref(&**state)
    }
}

impl<U> fmt::Debug for UserLookup<U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "UserLookup<{}>", std::any::type_name::<U>())
    }
}

impl JwtManager {
    /// The proof that this manager's user lookup loader returns `U`: an error (at start-up)
    /// when no loader is registered or it returns another type.
    pub fn user_lookup<U: Send + Sync + 'static>(&self) -> Result<UserLookup<U>, ConfigError> {
        match self.0.loaders.user_type {
            Some((id, _)) if id == TypeId::of::<U>() => Ok(UserLookup(PhantomData)),
            Some((_, name)) => Err(ConfigError::new(
                "user_lookup_loader",
                format!(
                    "returns {name}, not {}: ask for CurrentUser<{name}>",
                    std::any::type_name::<U>()
                ),
            )),
            None => Err(ConfigError::new(
                "user_lookup_loader",
                format!(
                    "is not registered: CurrentUser<{}> needs one (JwtManagerBuilder::user_lookup_loader)",
                    std::any::type_name::<U>()
                ),
            )),
        }
    }
}

/// The user your user lookup loader returned for this request's token (Flask's
/// `current_user`), typed. Verifies the request like `#[jwt_required]` unless a guard already
/// did (then it reuses that verification).
#[derive(Debug)]
pub struct CurrentUser<U>(pub Arc<U>);

impl<U> std::ops::Deref for CurrentUser<U> {
    type Target = U;
    fn deref(&self) -> &U {
        &self.0
    }
}

impl<S, U> FromRequestParts<S> for CurrentUser<U>
where
    S: JwtState,
    UserLookup<U>: FromRef<S>,
    U: Send + Sync + 'static,
{
    type Rejection = JwtRejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, JwtRejection> {
        let _proof: UserLookup<U> = UserLookup::from_ref(state);
        let manager = state.jwt_manager();
        // Verified as a plain `#[jwt_required]` would (or that verification reused), so a
        // missing token gets its usual 401.
        let spec = default_spec();
        let entered = enter(&manager, parts, &spec, Entry::CURRENT_USER, |_| None);
        let Some(ctx) = entered.await?.token() else {
            return Err(reject(&manager, parts, no_token()));
        };
        match ctx.user.clone().map(|u| u.downcast::<U>()) {
            Some(Ok(user)) => Ok(CurrentUser(user)),
            // The proof above guarantees the type; a mismatch cannot happen.
            _ => {
                let token = TokenParts {
                    header: ctx.header().clone(),
                    claims: ctx.claims().clone(),
                };
                let identity_claim = &manager.config().identity_claim;
                let err = JwtError::user_lookup(Box::new(token), identity_claim);
                Err(reject(&manager, parts, err))
            }
        }
    }
}

/// `Option<CurrentUser<U>>`, as `#[jwt_required(optional)]` in Flask: no token is `None`, an
/// invalid token is still rejected.
///
/// ```
/// use axum::{extract::FromRef, routing::get, Router};
/// use axum_jwt_extended_runtime::{Claims, CurrentUser, JwtConfig, JwtHeader, JwtManager, UserLookup};
///
/// #[derive(Clone)]
/// struct App { jwt: JwtManager, users: UserLookup<String> }
/// impl FromRef<App> for JwtManager { fn from_ref(a: &App) -> Self { a.jwt.clone() } }
/// impl FromRef<App> for UserLookup<String> { fn from_ref(a: &App) -> Self { a.users } }
///
/// async fn hello(user: Option<CurrentUser<String>>) -> String {
///     match user {
///         Some(CurrentUser(name)) => format!("hello {name}"),
///         None => "hello stranger".into(),
///     }
/// }
///
/// let jwt = JwtManager::builder(JwtConfig::with_secret("a-very-long-secret-of-at-least-32-bytes!"))
///     .user_lookup_loader(|_h: &JwtHeader, c: &Claims| c.get_str("sub").map(str::to_owned))
///     .build()
///     .unwrap();
/// let users = jwt.user_lookup::<String>().unwrap();
/// let app: Router = Router::new().route("/", get(hello)).with_state(App { jwt, users });
/// ```
impl<S, U> OptionalFromRequestParts<S> for CurrentUser<U>
where
    S: JwtState,
    UserLookup<U>: FromRef<S>,
    U: Send + Sync + 'static,
{
    type Rejection = JwtRejection;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &S,
    ) -> Result<Option<Self>, JwtRejection> {
        let _proof: UserLookup<U> = UserLookup::from_ref(state);
        let manager = state.jwt_manager();
        let mut spec = default_spec();
        spec.optional = true;
        let entered = enter(&manager, parts, &spec, Entry::CURRENT_USER, |_| None).await?;
        Ok(entered
            .token()
            .and_then(|ctx| ctx.user.clone())
            .and_then(|u| u.downcast::<U>().ok())
            .map(CurrentUser))
    }
}
