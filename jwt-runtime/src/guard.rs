//! The guard extractors: what `#[jwt_required]` expands to, usable without the macro.
//!
//! [`Guard<FLAGS, LOCATIONS>`] is a `FromRequestParts` extractor: it runs the whole
//! verification before any body extractor, and rejects with flask-jwt-extended's response.
//! Its requirements are const generics so that the macro needs no extra items; the claims
//! extractors ([`Jwt`](crate::Jwt) & co.) name the common ones.
//!
//! When the token may be in the JSON body (or the CSRF value in a form), the guard defers
//! and [`JwtBody`] (wrapping the handler's last extractor) finishes the verification. It reads
//! the body (up to `json_body_limit`) only when the request's own locations lead there (a JSON
//! content type reached before any token, or a cookie whose CSRF value is not in the header
//! and a form body), then hands the same bytes to that extractor; otherwise the body is passed
//! on unread.

use std::marker::PhantomData;
use std::sync::Arc;

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};

use crate::check::{NoCheck, RouteCheck};
use crate::config::Location;
use crate::context::JwtContext;
use crate::pipeline::entry::{enter, enter_body, Entered, Entry};
use crate::pipeline::{Pending, Spec};
use crate::rejection::JwtRejection;
use crate::state::JwtState;
use crate::token::TokenType;

/// Flag bits of a [`Guard`]'s requirements, for using it without the macro.
pub mod flags {
    /// `optional`: no token is not an error.
    pub const OPTIONAL: u8 = 1;
    /// `fresh`: the token must be fresh.
    pub const FRESH: u8 = 2;
    /// `refresh`: a refresh token is required (and the refresh cookie, CSRF and JSON names).
    pub const REFRESH: u8 = 4;
    /// `verify_type = false`: no access/refresh type check.
    pub const NO_VERIFY_TYPE: u8 = 8;
    /// `skip_revocation_check`: no blocklist check.
    pub const SKIP_REVOCATION_CHECK: u8 = 16;
    /// The handler's last extractor is wrapped in [`JwtBody`](super::JwtBody), so the guard
    /// may leave a verification that needs the body to it.
    pub const WITH_BODY: u8 = 32;
}

/// Decodes the const-generic encoding (flag bits; one location per 4 bits, first lowest).
fn spec(flag_bits: u8, location_bits: u16, max_auth_age: u32) -> Spec {
    let mut locations = Vec::new();
    let mut bits = location_bits;
    while bits != 0 {
        if let Some(l) = Location::from_code(bits & 0xF) {
            locations.push(l);
        }
        bits >>= 4;
    }
    Spec {
        optional: flag_bits & flags::OPTIONAL != 0,
        fresh: flag_bits & flags::FRESH != 0,
        token_type: if flag_bits & flags::REFRESH != 0 {
            TokenType::Refresh
        } else {
            TokenType::Access
        },
        verify_type: flag_bits & flags::NO_VERIFY_TYPE == 0,
        skip_revocation_check: flag_bits & flags::SKIP_REVOCATION_CHECK != 0,
        locations,
        max_auth_age: (max_auth_age > 0).then_some(u64::from(max_auth_age)),
    }
}

/// The plain `#[jwt_required]` requirements (for extractors that verify on their own).
pub(crate) fn default_spec() -> Spec {
    spec(0, 0, 0)
}

/// Encodes a location list for [`Guard`]'s second parameter.
///
/// ```
/// use axum_jwt_extended_runtime::{encode_locations, Location};
/// const L: u16 = encode_locations(&[Location::Cookies, Location::Headers]);
/// assert_eq!(L, 0x12);
/// ```
pub const fn encode_locations(locations: &[Location]) -> u16 {
    let mut out = 0u16;
    let mut i = 0;
    while i < locations.len() && i < 4 {
        out |= locations[i].code() << (4 * i);
        i += 1;
    }
    out
}

/// What the guard found.
#[derive(Clone, Debug)]
enum State {
    /// `OPTIONS`: not verified, no context (as in Flask).
    Exempt,
    /// Verified, or anonymous on an optional route.
    Done(Arc<JwtContext>),
    /// The body is needed; [`JwtBody`] finishes.
    Deferred,
}

/// Left in the request extensions when the guard defers to [`JwtBody`]: where the pipeline
/// stopped.
#[derive(Clone, Debug)]
struct Deferred(Pending);

/// A verified request: the extractor behind `#[jwt_required]`.
///
/// `FLAGS` are [`flags`] bits; `LOCATIONS` is [`encode_locations`] of a per-route location
/// list (0 = the configured ones). The router state must hold the manager ([`JwtState`]: `Arc` states too).
///
/// ```
/// use axum::{routing::get, Json, Router};
/// use axum_jwt_extended_runtime::{flags, Guard, JwtConfig, JwtManager};
///
/// async fn protected(jwt: Guard<{ flags::FRESH }>) -> Json<serde_json::Value> {
///     Json(serde_json::json!({ "logged_in_as": jwt.identity() }))
/// }
///
/// let jwt = JwtManager::new(JwtConfig::with_secret("a-very-long-secret-of-at-least-32-bytes!")).unwrap();
/// let app: Router = Router::new().route("/protected", get(protected)).with_state(jwt);
/// ```
///
/// `C` is the route's claims check (`#[jwt_required(check = …)]` generates one); the default
/// [`NoCheck`](crate::__private::NoCheck) checks nothing. `MAX_AUTH_AGE` (seconds, `0`: none) is
/// `#[jwt_required(max_auth_age = …)]`: the login (`auth_time`) must be that recent.
pub struct Guard<
    const FLAGS: u8 = 0,
    const LOCATIONS: u16 = 0,
    C = NoCheck,
    const MAX_AUTH_AGE: u32 = 0,
> {
    state: State,
    check: PhantomData<fn() -> C>,
}

impl<const F: u8, const L: u16, C, const A: u32> Clone for Guard<F, L, C, A> {
    fn clone(&self) -> Self {
        Guard {
            state: self.state.clone(),
            check: PhantomData,
        }
    }
}

impl<const F: u8, const L: u16, C, const A: u32> std::fmt::Debug for Guard<F, L, C, A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Guard").field("state", &self.state).finish()
    }
}

impl<const F: u8, const L: u16, C, const A: u32> Guard<F, L, C, A> {
    fn new(state: State) -> Self {
        Guard {
            state,
            check: PhantomData,
        }
    }
}

impl<const F: u8, const L: u16, C, const A: u32> Guard<F, L, C, A> {
    /// The verified context (`None` for an unverified `OPTIONS` request, or while deferred).
    pub fn context(&self) -> Option<&JwtContext> {
        match &self.state {
            State::Done(c) => Some(c),
            _ => None,
        }
    }

    /// The verified claims (`{}` when anonymous or not verified).
    pub fn claims(&self) -> crate::token::Claims {
        self.context()
            .map(|c| c.claims().clone())
            .unwrap_or_default()
    }

    /// The identity claim (`None` when anonymous).
    pub fn identity(&self) -> Option<&serde_json::Value> {
        self.context().and_then(|c| c.identity())
    }

    /// Where the token came from (`None` when anonymous).
    pub fn location(&self) -> Option<Location> {
        self.context().and_then(|c| c.location())
    }

    /// Combines this guard with the body phase, for the task-local scope.
    #[doc(hidden)]
    pub fn finish<T>(self, body: JwtBody<T, F, L, C, A>) -> (Option<Arc<JwtContext>>, T) {
        let ctx = match (self.state, body.ctx) {
            (State::Done(c), _) => Some(c),
            (_, Some(c)) => Some(c),
            (State::Exempt, None) | (State::Deferred, None) => None,
        };
        (ctx, body.inner)
    }

    /// The context for the task-local scope, when there is no body phase.
    #[doc(hidden)]
    pub fn into_scope(self) -> Option<Arc<JwtContext>> {
        match self.state {
            State::Done(c) => Some(c),
            _ => None,
        }
    }
}

impl<S, const F: u8, const L: u16, C, const A: u32> FromRequestParts<S> for Guard<F, L, C, A>
where
    S: JwtState,
    C: RouteCheck<S>,
{
    type Rejection = JwtRejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let manager = state.jwt_manager();
        let entry = Entry::guard(F & flags::WITH_BODY != 0);
        let check = |claims: &_| C::run(claims, state);
        Ok(Guard::new(
            match enter(&manager, parts, &spec(F, L, A), entry, check).await? {
                Entered::Passed => State::Exempt,
                Entered::Verified(ctx) => State::Done(ctx),
                Entered::Pending(pending) => {
                    parts.extensions.insert(Deferred(pending));
                    State::Deferred
                }
            },
        ))
    }
}

/// Marker of [`JwtBody`]'s `FromRequest` implementation (keeps it apart from axum's
/// parts-extractor blanket implementation).
#[doc(hidden)]
#[derive(Debug)]
pub enum ViaJwtBody {}

/// Wraps a handler's last extractor `T`: finishes a verification that needs the body (JSON
/// location, CSRF form field), then extracts `T` from the same bytes.
pub struct JwtBody<T, const F: u8 = 0, const L: u16 = 0, C = NoCheck, const A: u32 = 0> {
    ctx: Option<Arc<JwtContext>>,
    inner: T,
    check: PhantomData<fn() -> C>,
}

impl<T: std::fmt::Debug, const F: u8, const L: u16, C, const A: u32> std::fmt::Debug
    for JwtBody<T, F, L, C, A>
{
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtBody")
            .field("ctx", &self.ctx)
            .field("inner", &self.inner)
            .finish()
    }
}

impl<T, const F: u8, const L: u16, C, const A: u32> JwtBody<T, F, L, C, A> {
    /// The wrapped extractor.
    pub fn into_inner(self) -> T {
        self.inner
    }
}

impl<S, T, M, const F: u8, const L: u16, C, const A: u32> FromRequest<S, (ViaJwtBody, M)>
    for JwtBody<T, F, L, C, A>
where
    S: JwtState,
    T: FromRequest<S, M>,
    C: RouteCheck<S>,
{
    type Rejection = Response;

    async fn from_request(mut req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let Some(Deferred(pending)) = req.extensions_mut().remove::<Deferred>() else {
            let inner = T::from_request(req, state)
                .await
                .map_err(IntoResponse::into_response)?;
            return Ok(JwtBody {
                ctx: None,
                inner,
                check: PhantomData,
            });
        };
        let manager = state.jwt_manager();
        let (mut parts, body) = req.into_parts();
        let check = |claims: &_| C::run(claims, state);
        let (ctx, body) = enter_body(&manager, &mut parts, &spec(F, L, A), pending, body, check)
            .await
            .map_err(IntoResponse::into_response)?;
        let inner = T::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(IntoResponse::into_response)?;
        Ok(JwtBody {
            ctx: Some(ctx),
            inner,
            check: PhantomData,
        })
    }
}
