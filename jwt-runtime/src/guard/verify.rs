//! `verify_jwt_in_request`: the whole pipeline of a protected request, in Flask's order.
//!
//! locations → decode (signature, claims, CSRF) → type → freshness → blocklist →
//! `token_verification_loader` → `user_lookup_loader`. Only after all of it succeeds is the
//! context set.

use axum::http::request::Parts;

use super::Spec;
use crate::config::Location;
use crate::context::JwtContext;
use crate::csrf;
use crate::error::{ErrorKind, JwtError, TokenParts};
use crate::locations::{self, combined_missing, Lookup};
use crate::manager::JwtManager;
use crate::token::decode::ClaimChecks;
use crate::token::{Claims, JwtHeader};

/// The effective locations of a request: the route's, or the configured ones.
pub(crate) fn effective_locations<'a>(manager: &'a JwtManager, spec: &'a Spec) -> &'a [Location] {
    if spec.locations.is_empty() {
        &manager.config().token_location
    } else {
        &spec.locations
    }
}

/// Whether verifying this request needs its body (the JSON location, or the CSRF form field).
pub(crate) fn needs_body(manager: &JwtManager, locations: &[Location]) -> bool {
    locations.contains(&Location::Json)
        || (manager.config().csrf_check_form && locations.contains(&Location::Cookies))
}

/// Whether verifying this request needs its body: walking the locations in order, as
/// [`verify`] does, the first one that yields a token (or an error) decides. Only the JSON
/// location with a JSON content type, or a cookie whose CSRF value may be in a form, reads it;
/// otherwise the body is left untouched for the handler (no buffering, no `json_body_limit`).
pub(crate) fn body_needed(
    manager: &JwtManager,
    parts: &Parts,
    spec: &Spec,
    locations: &[Location],
) -> bool {
    let inner = &*manager.0;
    let c = &inner.config;
    for &location in locations {
        let lookup = match location {
            Location::Headers => locations::headers::lookup(parts, c, &inner.header_name),
            Location::QueryString => locations::query::lookup(parts, c),
            Location::Cookies => {
                match locations::cookies::lookup(
                    parts,
                    c,
                    spec.refresh,
                    &inner.csrf_methods_upper,
                    None,
                ) {
                    // No CSRF value in the header: it may be in the form.
                    Err(_) => return c.csrf_check_form && csrf::is_form(parts),
                    other => other,
                }
            }
            // Without a JSON content type the location is "not found" whatever the body.
            Location::Json if locations::json::is_json(parts) => return true,
            Location::Json => continue,
        };
        match lookup {
            Ok(Lookup::Missing(_)) => continue,
            _ => return false,
        }
    }
    false
}

/// Runs the pipeline. `Ok(None)` is an optional route with no token (anonymous).
pub(crate) async fn verify(
    manager: &JwtManager,
    parts: &Parts,
    body: Option<&[u8]>,
    spec: &Spec,
    locations: &[Location],
) -> Result<Option<JwtContext>, JwtError> {
    let inner = &*manager.0;
    let c = &inner.config;
    let mut missing: Vec<String> = Vec::new();
    let mut found = None;
    for &location in locations {
        let lookup = match location {
            Location::Headers => locations::headers::lookup(parts, c, &inner.header_name)?,
            Location::QueryString => locations::query::lookup(parts, c)?,
            Location::Cookies => {
                let field = if spec.refresh {
                    &c.refresh_csrf_field_name
                } else {
                    &c.access_csrf_field_name
                };
                let form = match body {
                    Some(body) if c.csrf_check_form => csrf::form_value(parts, body, field),
                    _ => None,
                };
                locations::cookies::lookup(
                    parts,
                    c,
                    spec.refresh,
                    &inner.csrf_methods_upper,
                    form.as_deref(),
                )?
            }
            Location::Json => locations::json::lookup(parts, body.unwrap_or(b""), c, spec.refresh)?,
        };
        match lookup {
            Lookup::Missing(msg) => missing.push(msg),
            Lookup::Found { token, csrf } => {
                found = Some((location, token, csrf));
                break;
            }
        }
    }
    let Some((location, token, csrf)) = found else {
        if spec.optional {
            return Ok(None);
        }
        return Err(JwtError::new(ErrorKind::NoAuthorization(combined_missing(
            locations, &missing,
        ))));
    };
    let (header, claims) = manager.decode_parts(
        &token,
        ClaimChecks {
            allow_expired: false,
            csrf_value: csrf.as_deref(),
        },
    )?;
    let parts_of = |header: &JwtHeader, claims: &Claims| {
        Box::new(TokenParts {
            header: header.clone(),
            claims: claims.clone(),
        })
    };

    if spec.verify_type {
        let is_refresh = claims.token_type() == Some("refresh");
        if spec.refresh && !is_refresh {
            return Err(JwtError::new(ErrorKind::WrongToken(
                "Only refresh tokens are allowed".into(),
            )));
        }
        if !spec.refresh && is_refresh {
            return Err(JwtError::new(ErrorKind::WrongToken(
                "Only non-refresh tokens are allowed".into(),
            )));
        }
    }
    if spec.fresh && !claims.is_fresh_at(manager.now_f64()) {
        return Err(JwtError::new(ErrorKind::FreshTokenRequired(parts_of(
            &header, &claims,
        ))));
    }
    if !spec.skip_revocation_check {
        // Revoked if the store or the loader says so (both may be configured).
        let mut revoked = inner.blocklist.is_some() && manager.is_token_revoked(&claims).await?;
        if !revoked {
            if let Some(loader) = &inner.loaders.token_in_blocklist {
                revoked = loader(header.clone(), claims.clone()).await.map_err(|e| {
                    JwtError::new(ErrorKind::StoreUnavailable(format!(
                        "Token revocation check failed: {e}"
                    )))
                })?;
            }
        }
        if revoked {
            return Err(JwtError::new(ErrorKind::Revoked(parts_of(
                &header, &claims,
            ))));
        }
    }
    if let Some(loader) = &inner.loaders.token_verification {
        let ok = loader(header.clone(), claims.clone()).await.map_err(|e| {
            JwtError::new(ErrorKind::StoreUnavailable(format!(
                "Token verification failed to run: {e}"
            )))
        })?;
        if !ok {
            return Err(JwtError::new(ErrorKind::UserClaimsVerification(parts_of(
                &header, &claims,
            ))));
        }
    }
    let user = match &inner.loaders.user_lookup {
        Some(loader) => {
            let user = loader(header.clone(), claims.clone()).await.map_err(|e| {
                JwtError::new(ErrorKind::StoreUnavailable(format!(
                    "User lookup failed to run: {e}"
                )))
            })?;
            match user {
                Some(u) => Some(u),
                None => {
                    return Err(JwtError::new(ErrorKind::UserLookup(parts_of(
                        &header, &claims,
                    ))))
                }
            }
        }
        None => None,
    };
    Ok(Some(JwtContext::verified(
        manager, header, claims, location, user,
    )))
}
