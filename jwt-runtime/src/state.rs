//! The router state: [`JwtState`], what every extractor of this crate asks of it, and the
//! `Arc<AppState>` support that the orphan rule keeps users from writing.

use std::sync::Arc;

use axum::extract::FromRef;

use crate::manager::JwtManager;

/// A router state that holds a [`JwtManager`]: any `S` with `JwtManager: FromRef<S>`, which
/// `#[derive(FromRef)]` on a state with a `JwtManager` field gives, the manager itself as the
/// state, and an `Arc<S>` of either.
///
/// You never implement it: it is the bound of [`Guard`](crate::Guard), the claims extractors
/// and [`CurrentUser`](crate::CurrentUser), there to say what is missing when a state has no
/// manager.
///
/// ```
/// use std::sync::Arc;
/// use axum::{extract::{FromRef, State}, routing::get, Router};
/// use axum_jwt_extended_runtime::{Jwt, JwtConfig, JwtManager};
///
/// #[derive(Clone, FromRef)]
/// struct AppState { jwt: JwtManager, greeting: String }
///
/// async fn hello(jwt: Jwt, State(app): State<Arc<AppState>>) -> String {
///     format!("{} {}", app.greeting, jwt.identity().unwrap())
/// }
///
/// let jwt = JwtManager::new(JwtConfig::with_secret("a-very-long-secret-of-at-least-32-bytes!")).unwrap();
/// let state = Arc::new(AppState { jwt, greeting: "hello".into() });
/// let app: Router = Router::new().route("/", get(hello)).with_state(state);
/// ```
#[diagnostic::on_unimplemented(
    message = "the router state `{Self}` holds no `JwtManager`",
    label = "this state has no `JwtManager`",
    note = "put a `JwtManager` in your state and derive `FromRef`: `#[derive(Clone, FromRef)] struct AppState {{ jwt: JwtManager, … }}` (or implement `FromRef<{Self}> for JwtManager`)"
)]
pub trait JwtState: Send + Sync {
    /// The state's manager.
    fn jwt_manager(&self) -> JwtManager;
}

#[diagnostic::do_not_recommend]
impl<S> JwtState for S
where
    JwtManager: FromRef<S>,
    S: Send + Sync,
{
    #[inline]
    fn jwt_manager(&self) -> JwtManager {
        JwtManager::from_ref(self)
    }
}

/// `Router::with_state(Arc::new(app))`: the manager of the shared state. (Users cannot write
/// this implementation themselves: both the trait and `Arc` are foreign to them.)
impl<S> FromRef<Arc<S>> for JwtManager
where
    JwtManager: FromRef<S>,
{
    #[inline]
    fn from_ref(state: &Arc<S>) -> JwtManager {
        JwtManager::from_ref(&**state)
    }
}
