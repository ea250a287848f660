//! `verify_jwt_in_request`: the whole pipeline of a protected request, top to bottom.
//!
//! ```text
//! locate ──▶ token ──▶ CSRF ──▶ type & freshness ──▶ revocation ──▶ verification ──▶ user
//! (locations/) (manager/decode: signature, claims)   (manager/revoke) (loaders)      (loaders)
//! ```
//!
//! The one location walk ([`locate`]) says where the token is, or that it may be in the body
//! (the JSON location), or that nothing is there. The token is then decoded and verified
//! before anything else is looked at; a cookie token's CSRF value that may be in a form body
//! is read only after that. When a stage needs the body, the parts phase stops with a
//! [`Pending`] and the body phase ([`resume`]) carries on from there with the bytes. Only when
//! every stage succeeded is the [`JwtContext`] built.
//!
//! Every way into a request (the guard, the extractors, `CurrentUser`, the router layer)
//! comes in through [`entry`]; [`body`] reads the body for the body phase.

mod body;
pub(crate) mod entry;

use std::borrow::Cow;

use axum::http::request::Parts;

use crate::config::Location;
use crate::context::JwtContext;
use crate::csrf::{self, CsrfValue};
use crate::error::{ErrorKind, JwtError, TokenParts};
use crate::locations::{self, combined_missing, Lookup};
use crate::manager::{JwtManager, Revocation, Superseded};
use crate::token::{Claims, JwtHeader, TokenType};

/// The requirements of a protected route: `jwt_required(optional, fresh, refresh,
/// verify_type, skip_revocation_check, locations)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Spec {
    pub(crate) optional: bool,
    pub(crate) fresh: bool,
    /// The token type the route takes (`refresh` → [`TokenType::Refresh`]).
    pub(crate) token_type: TokenType,
    pub(crate) verify_type: bool,
    pub(crate) skip_revocation_check: bool,
    /// Empty means the configured `JWT_TOKEN_LOCATION`.
    pub(crate) locations: Vec<Location>,
    /// Step-up: the login (`auth_time`) must be at most this many seconds old.
    pub(crate) max_auth_age: Option<u64>,
}

impl Spec {
    /// The route's locations, or the configured ones.
    pub(crate) fn locations<'a>(&'a self, manager: &'a JwtManager) -> &'a [Location] {
        if self.locations.is_empty() {
            &manager.config().token_location
        } else {
            &self.locations
        }
    }
}

/// Where the walk over the locations ended.
enum Located<'r> {
    Found {
        location: Location,
        token: Cow<'r, str>,
        csrf: CsrfValue<'r>,
    },
    /// The JSON location comes next and the body is JSON: read it, then resume at `at`.
    InBody { at: usize, missing: Vec<String> },
    /// No location had a token; each said why.
    Nowhere(Vec<String>),
}

/// Walks the locations in order from `start`. Only "not found" falls through; any other
/// error is final. `body` is the request body when it has been read; without it,
/// `may_read_body` says whether a location may ask for it.
fn locate<'r>(
    manager: &JwtManager,
    parts: &'r Parts,
    spec: &Spec,
    body: Option<&[u8]>,
    may_read_body: bool,
    start: usize,
    mut missing: Vec<String>,
) -> Result<Located<'r>, JwtError> {
    let c = manager.config();
    let inner = &*manager.0;
    for (at, &location) in spec.locations(manager).iter().enumerate().skip(start) {
        let lookup = match location {
            Location::Headers => locations::headers::lookup(parts, c, &inner.header_name)?,
            Location::QueryString => locations::query::lookup(parts, c)?,
            Location::Cookies => locations::cookies::lookup(parts, c, spec.token_type),
            Location::Json => match body {
                Some(body) => locations::json::lookup(parts, body, c, spec.token_type),
                None if may_read_body && locations::json::is_json(parts) => {
                    return Ok(Located::InBody { at, missing });
                }
                None => locations::json::lookup(parts, b"", c, spec.token_type),
            },
        };
        match lookup {
            Lookup::Missing(msg) => missing.push(msg),
            Lookup::Found(token) => {
                let csrf = match location {
                    Location::Cookies => csrf::value_for_cookie(
                        parts,
                        c,
                        spec.token_type,
                        &inner.csrf_methods_upper,
                        body,
                    )?,
                    _ => CsrfValue::NotRequired,
                };
                if matches!(csrf, CsrfValue::InForm) && !may_read_body {
                    return Err(JwtError::new(ErrorKind::Csrf("Missing CSRF token".into())));
                }
                return Ok(Located::Found {
                    location,
                    token,
                    csrf,
                });
            }
        }
    }
    Ok(Located::Nowhere(missing))
}

/// A verification that needs the request body to go on.
#[derive(Debug, Clone)]
pub(crate) enum Pending {
    /// The token may be in the JSON body: resume the walk at this location.
    TokenInBody { at: usize, missing: Vec<String> },
    /// A cookie token verified; its CSRF value must come from the form body.
    CsrfInBody {
        location: Location,
        header: JwtHeader,
        claims: Claims,
    },
}

/// The outcome of the parts phase.
pub(crate) enum Progress {
    /// Verified (`Some`), or anonymous on an optional route (`None`).
    Done(Option<JwtContext>),
    /// The body is needed.
    Pending(Pending),
}

/// The parts phase: everything that the request head can settle. With `may_read_body`
/// false, a location that would need the body counts as empty.
pub(crate) async fn verify_parts(
    manager: &JwtManager,
    parts: &Parts,
    spec: &Spec,
    may_read_body: bool,
) -> Result<Progress, JwtError> {
    match locate(manager, parts, spec, None, may_read_body, 0, Vec::new())? {
        Located::InBody { at, missing } => {
            Ok(Progress::Pending(Pending::TokenInBody { at, missing }))
        }
        located => verify_located(manager, spec, located).await,
    }
}

/// Does the body say whether a token is there? (Used to read the body only when a pending
/// stage may find what it needs in it.)
pub(crate) fn body_may_help(parts: &Parts, pending: &Pending) -> bool {
    match pending {
        Pending::TokenInBody { .. } => locations::json::is_json(parts),
        Pending::CsrfInBody { .. } => csrf::is_form(parts),
    }
}

/// The body phase: carries on from `pending` with the request body.
pub(crate) async fn resume(
    manager: &JwtManager,
    parts: &Parts,
    spec: &Spec,
    pending: Pending,
    body: &[u8],
) -> Result<Option<JwtContext>, JwtError> {
    match pending {
        Pending::TokenInBody { at, missing } => {
            let located = locate(manager, parts, spec, Some(body), false, at, missing)?;
            match verify_located(manager, spec, located).await? {
                Progress::Done(ctx) => Ok(ctx),
                // With the body given, no stage is left pending.
                Progress::Pending(_) => {
                    Err(JwtError::new(ErrorKind::Csrf("Missing CSRF token".into())))
                }
            }
        }
        Pending::CsrfInBody {
            location,
            header,
            claims,
        } => {
            let c = manager.config();
            let inner = &*manager.0;
            let sent = match csrf::value_for_cookie(
                parts,
                c,
                spec.token_type,
                &inner.csrf_methods_upper,
                Some(body),
            )? {
                CsrfValue::Sent(v) => v,
                _ => return Err(JwtError::new(ErrorKind::Csrf("Missing CSRF token".into()))),
            };
            csrf::check_double_submit(&claims, &sent).map_err(|e| e.at(location))?;
            finish(manager, spec, header, claims, location)
                .await
                .map(Some)
                .map_err(|e| e.at(location))
        }
    }
}

async fn verify_located(
    manager: &JwtManager,
    spec: &Spec,
    located: Located<'_>,
) -> Result<Progress, JwtError> {
    let (location, token, csrf) = match located {
        Located::Found {
            location,
            token,
            csrf,
        } => (location, token, csrf),
        Located::Nowhere(missing) => {
            if spec.optional {
                return Ok(Progress::Done(None));
            }
            let locations = spec.locations(manager);
            return Err(JwtError::new(ErrorKind::NoAuthorization(combined_missing(
                locations, &missing,
            ))));
        }
        Located::InBody { at, missing } => {
            return Ok(Progress::Pending(Pending::TokenInBody { at, missing }))
        }
    };
    let sent = match &csrf {
        CsrfValue::Sent(v) => Some(v.as_ref()),
        _ => None,
    };
    let verified = manager.verify_request_token(&token, sent).await;
    let (header, claims) = match verified {
        Err(e) => return Err(manager.session_expiry(e).await.at(location)),
        Ok(parts) => parts,
    };
    if let CsrfValue::InForm = csrf {
        return Ok(Progress::Pending(Pending::CsrfInBody {
            location,
            header,
            claims,
        }));
    }
    finish(manager, spec, header, claims, location)
        .await
        .map(|ctx| Progress::Done(Some(ctx)))
        .map_err(|e| e.at(location))
}

fn parts_of(header: &JwtHeader, claims: &Claims) -> Box<TokenParts> {
    Box::new(TokenParts {
        header: header.clone(),
        claims: claims.clone(),
    })
}

/// Whether a verification already made (`ctx`) holds for a route with `spec` as well: a token
/// (not anonymous) verified by this same manager, from one of the route's locations, its
/// revocation checked unless the route skips that. Type and freshness are the route's own to
/// check again ([`recheck`]).
pub(crate) fn covers(manager: &JwtManager, spec: &Spec, ctx: &JwtContext) -> bool {
    let Some(location) = ctx.location() else {
        return false;
    };
    ctx.made_by(manager)
        && (ctx.revocation_checked() || spec.skip_revocation_check)
        && spec.locations(manager).contains(&location)
}

/// A route's own requirements on a token another stage verified already (a route under the
/// router layer that also has `#[jwt_required(fresh)]`): type and freshness, nothing twice.
pub(crate) fn recheck(manager: &JwtManager, spec: &Spec, ctx: &JwtContext) -> Result<(), JwtError> {
    type_and_freshness(manager, spec, &ctx.header, &ctx.claims).map_err(|e| match ctx.location {
        Some(l) => e.at(l),
        None => e,
    })
}

/// The token type the route takes, and freshness when it asks for it.
fn type_and_freshness(
    manager: &JwtManager,
    spec: &Spec,
    header: &JwtHeader,
    claims: &Claims,
) -> Result<(), JwtError> {
    if spec.verify_type {
        let is_refresh = claims.token_type() == Some(TokenType::Refresh.as_str());
        match spec.token_type {
            TokenType::Refresh if !is_refresh => {
                return Err(JwtError::new(ErrorKind::WrongToken(
                    "Only refresh tokens are allowed".into(),
                )))
            }
            TokenType::Access if is_refresh => {
                return Err(JwtError::new(ErrorKind::WrongToken(
                    "Only non-refresh tokens are allowed".into(),
                )))
            }
            _ => {}
        }
    }
    if spec.fresh && !claims.is_fresh_at(manager.now_f64()) {
        return Err(JwtError::new(ErrorKind::FreshTokenRequired(parts_of(
            header, claims,
        ))));
    }
    if let Some(max_age) = spec.max_auth_age {
        // RFC 9470: the login must be recent, whatever `fresh` says. No `auth_time`, or one
        // that is not a time: not known to be recent.
        let recent = claims
            .get(crate::token::AUTH_TIME_CLAIM)
            .and_then(serde_json::Value::as_f64)
            .is_some_and(|at| {
                let now = manager.now_f64();
                now - at <= max_age as f64
                    && at <= now + manager.config().decode_leeway.as_secs_f64()
            });
        if !recent {
            return Err(JwtError::new(ErrorKind::StepUpRequired(
                parts_of(header, claims),
                max_age,
            )));
        }
    }
    Ok(())
}

/// The stages after the token and its CSRF value: type, freshness, revocation,
/// `token_verification_loader`, `user_lookup_loader`.
async fn finish(
    manager: &JwtManager,
    spec: &Spec,
    header: JwtHeader,
    claims: Claims,
    location: Location,
) -> Result<JwtContext, JwtError> {
    let inner = &*manager.0;
    type_and_freshness(manager, spec, &header, &claims)?;
    if !spec.skip_revocation_check {
        // Revoked if the store or the loader says so (both may be configured).
        let state = match inner.blocklist {
            Some(_) => manager.revocation(&claims).await?,
            None => Revocation::No,
        };
        // A rotated refresh token that comes back: someone kept a copy. The whole login goes.
        let mut state = state;
        if state == Revocation::Token
            && claims.token_type() == Some("refresh")
            && claims.get_str(crate::token::FAMILY_CLAIM).is_some()
        {
            let superseded = match manager.rotation_grace() {
                None => Superseded::Rotated,
                Some(_) => manager.superseded(&claims).await?,
            };
            match superseded {
                // Rotated a moment ago (another tab): the handler rotates it again.
                Superseded::WithinGrace => state = Revocation::No,
                Superseded::Rotated => {
                    manager.revoke_family(&claims).await?;
                    if claims.get(crate::token::AUTH_TIME_CLAIM).is_some() {
                        if let (Some(identity), Some(id)) = (
                            manager.identity_of(&claims),
                            claims.get_str(crate::token::FAMILY_CLAIM),
                        ) {
                            manager.session_reused(&identity, id).await;
                        }
                    }
                    return Err(JwtError::new(ErrorKind::RefreshReuse(parts_of(
                        &header, &claims,
                    ))));
                }
                // Revoked on purpose: refused as revoked.
                Superseded::No => {}
            }
        }
        let mut revoked = state != Revocation::No;
        if !revoked {
            if let Some(loader) = &inner.loaders.token_in_blocklist {
                revoked = loader(header.clone(), claims.clone())
                    .await
                    .map_err(|e| JwtError::unavailable("Token revocation check failed", e))?;
            }
        }
        if revoked {
            return Err(JwtError::new(ErrorKind::Revoked(parts_of(
                &header, &claims,
            ))));
        }
    }
    if let Some(loader) = &inner.loaders.token_verification {
        let ok = loader(header.clone(), claims.clone())
            .await
            .map_err(|e| JwtError::unavailable("Token verification failed to run", e))?;
        if !ok {
            return Err(JwtError::new(ErrorKind::UserClaimsVerification(parts_of(
                &header, &claims,
            ))));
        }
    }
    let user = match &inner.loaders.user_lookup {
        Some(loader) => {
            let user = loader(header.clone(), claims.clone())
                .await
                .map_err(|e| JwtError::unavailable("User lookup failed to run", e))?;
            match user {
                Some(u) => Some(u),
                None => {
                    return Err(JwtError::user_lookup(
                        parts_of(&header, &claims),
                        &manager.config().identity_claim,
                    ))
                }
            }
        }
        None => None,
    };
    Ok(JwtContext::verified(
        manager,
        header,
        claims,
        location,
        user,
        !spec.skip_revocation_check,
    ))
}
