//! The one way into a request: `verify_jwt_in_request`. The guard behind `#[jwt_required]`,
//! the claims extractors, [`CurrentUser`](crate::CurrentUser) and the router layer all come in
//! here, and differ only in the [`Entry`] they pass.
//!
//! ```text
//! OPTIONS? ──▶ verified already (and covering this route)? ──▶ verify (span) ──▶ claims check ──▶ publish
//!  (Entry)      reuse: type and freshness only                  parts phase, or Pending
//! ```
//!
//! A request verified once (by the router layer, a guard, or an earlier extractor) is not
//! verified again when the entry takes that verification as its own ([`Reuse`]): a route's
//! guard or layer when it covers the route (the same manager, one of the route's locations,
//! its revocation checked unless the route skips that); the claims extractors and
//! `CurrentUser` whenever the same manager verified a token. Otherwise the entry verifies with
//! its own requirements.

use std::sync::Arc;

use axum::body::Body;
use axum::http::request::Parts;
use axum::http::Method;

use super::body::resume_with_body;
use super::{covers, recheck, verify_parts, Pending, Progress, Spec};
use crate::check::{self, CheckFuture};
use crate::context::{self, JwtContext};
use crate::error::JwtError;
use crate::log;
use crate::manager::JwtManager;
use crate::rejection::JwtRejection;
use crate::token::Claims;

/// Which verification already made a way into a request takes as its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Reuse {
    /// One that covers the route's requirements (its locations, its revocation check), type
    /// and freshness checked again: a route's own guard, the router layer.
    Covering,
    /// Any token this manager verified, type and freshness checked again: the claims
    /// extractors, which take the route's token as the guard or layer verified it.
    Rechecked,
    /// Any token this manager verified, as it is: `CurrentUser`, the user of whatever token
    /// the route accepted (a refresh route's too).
    AsIs,
}

/// What legitimately differs between the ways into a request.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Entry {
    /// `OPTIONS` passes unverified, as `@jwt_required` lets CORS preflight through (the guard
    /// and the router layer). A claims extractor has no claims to give without a token, so it
    /// verifies `OPTIONS` like any method.
    pub(crate) options_pass: bool,
    /// The caller can finish a verification that needs the body (the guard with its
    /// [`JwtBody`](crate::JwtBody), the router layer). Without it, a body location counts as
    /// empty.
    pub(crate) may_read_body: bool,
    /// Which verification already made it takes as its own.
    pub(crate) reuse: Reuse,
}

impl Entry {
    /// The guard behind `#[jwt_required]` (`with_body`: the handler's last extractor is
    /// wrapped in `JwtBody`).
    pub(crate) const fn guard(with_body: bool) -> Entry {
        Entry {
            options_pass: true,
            may_read_body: with_body,
            reuse: Reuse::Covering,
        }
    }

    /// The router layer: owns the whole request, body included.
    pub(crate) const LAYER: Entry = Entry {
        options_pass: true,
        may_read_body: true,
        reuse: Reuse::Covering,
    };

    /// The claims extractors: parts only, every method verified.
    pub(crate) const EXTRACTOR: Entry = Entry {
        options_pass: false,
        may_read_body: false,
        reuse: Reuse::Rechecked,
    };

    /// `CurrentUser`: as the extractors, taking the route's verified token as it is.
    pub(crate) const CURRENT_USER: Entry = Entry {
        reuse: Reuse::AsIs,
        ..Entry::EXTRACTOR
    };
}

/// Where a request came in.
pub(crate) enum Entered {
    /// `OPTIONS` on an entry that lets it pass: nothing verified, no context.
    Passed,
    /// Verified (or anonymous on an optional route), checked and published.
    Verified(Arc<JwtContext>),
    /// The verification needs the body: finish it with [`enter_body`].
    Pending(Pending),
}

impl Entered {
    /// The verified token's context: `None` when nothing was verified (`OPTIONS`, or a body
    /// phase still to come) or no token was found on an optional route.
    pub(crate) fn token(self) -> Option<Arc<JwtContext>> {
        match self {
            Entered::Verified(ctx) if !ctx.is_anonymous() => Some(ctx),
            _ => None,
        }
    }
}

/// The error of a required entry that ended without a token, which its own stages never let
/// happen (no token is an error with its location's message first); kept total all the same.
pub(crate) fn no_token() -> JwtError {
    JwtError::new(crate::error::ErrorKind::NoAuthorization(
        "Missing JWT in headers, cookies, query string or JSON body".into(),
    ))
}

/// Comes into a request: reuses a verification that covers `spec`, or verifies the parts;
/// runs the route's claims `check` on a verified token; publishes the context for later
/// extractors and layers. A failure is logged and rendered with the manager's loaders.
pub(crate) async fn enter(
    manager: &JwtManager,
    parts: &mut Parts,
    spec: &Spec,
    entry: Entry,
    check: impl FnOnce(&Claims) -> Option<CheckFuture>,
) -> Result<Entered, JwtRejection> {
    if entry.options_pass && parts.method == Method::OPTIONS {
        return Ok(Entered::Passed);
    }
    if let Some(ctx) = parts.extensions.get::<Arc<JwtContext>>() {
        let reused = match entry.reuse {
            Reuse::Covering => covers(manager, spec, ctx),
            Reuse::Rechecked | Reuse::AsIs => !ctx.is_anonymous() && ctx.made_by(manager),
        };
        if reused {
            let ctx = Arc::clone(ctx);
            if entry.reuse != Reuse::AsIs {
                recheck(manager, spec, &ctx).map_err(|e| reject(manager, parts, e))?;
            }
            run_check(manager, parts, &ctx, check).await?;
            return Ok(Entered::Verified(ctx));
        }
    }
    let verified = verify_parts(manager, parts, spec, entry.may_read_body);
    match log::in_span!(parts.uri.path(), verified) {
        Ok(Progress::Done(ctx)) => done(manager, parts, ctx, check)
            .await
            .map(Entered::Verified),
        Ok(Progress::Pending(pending)) => Ok(Entered::Pending(pending)),
        Err(e) => Err(reject(manager, parts, e)),
    }
}

/// Finishes a verification that stopped for the body, with the request's `body`; the same
/// bytes (or the body untouched) come back for the handler.
pub(crate) async fn enter_body(
    manager: &JwtManager,
    parts: &mut Parts,
    spec: &Spec,
    pending: Pending,
    body: Body,
    check: impl FnOnce(&Claims) -> Option<CheckFuture>,
) -> Result<(Arc<JwtContext>, Body), JwtRejection> {
    match resume_with_body(manager, parts, spec, pending, body).await {
        Ok((ctx, body)) => Ok((done(manager, parts, ctx, check).await?, body)),
        Err(e) => Err(reject(manager, parts, e)),
    }
}

/// A finished verification: anonymous when no token was found (optional routes), checked,
/// published.
async fn done(
    manager: &JwtManager,
    parts: &mut Parts,
    ctx: Option<JwtContext>,
    check: impl FnOnce(&Claims) -> Option<CheckFuture>,
) -> Result<Arc<JwtContext>, JwtRejection> {
    let ctx = Arc::new(ctx.unwrap_or_else(|| JwtContext::anonymous(manager)));
    run_check(manager, parts, &ctx, check).await?;
    context::publish(&mut parts.extensions, &ctx);
    Ok(ctx)
}

/// Runs the route's claims check on a verified (not anonymous) context.
async fn run_check(
    manager: &JwtManager,
    parts: &Parts,
    ctx: &JwtContext,
    check: impl FnOnce(&Claims) -> Option<CheckFuture>,
) -> Result<(), JwtRejection> {
    if ctx.is_anonymous() {
        return Ok(());
    }
    match check(ctx.claims()) {
        None => Ok(()),
        Some(fut) => check::outcome(fut)
            .await
            .map_err(|e| reject(manager, parts, e.at_location(ctx.location()))),
    }
}

/// The edge: a rejection is logged, then rendered with the manager's loaders and message key.
pub(crate) fn reject(manager: &JwtManager, parts: &Parts, err: JwtError) -> JwtRejection {
    JwtRejection::reject(manager, parts.uri.path(), err)
}
