//! The cookie location, with the CSRF double-submit value taken from the request.

use std::borrow::Cow;

use axum::http::header::COOKIE;
use axum::http::request::Parts;

use super::Lookup;
use crate::config::JwtConfig;
use crate::csrf;
use crate::error::{ErrorKind, JwtError};

/// The first cookie named `name` (Werkzeug's `request.cookies.get`), across all `Cookie`
/// headers.
pub(crate) fn find_cookie<'r>(parts: &'r Parts, name: &str) -> Option<Cow<'r, str>> {
    parts
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|h| h.split(';'))
        .find_map(|pair| {
            let (k, v) = pair.split_once('=')?;
            if k.trim() != name {
                return None;
            }
            let v = v.trim();
            let v = v
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .unwrap_or(v);
            Some(match percent_decode(v) {
                Some(decoded) => Cow::Owned(decoded),
                None => Cow::Borrowed(v),
            })
        })
}

/// Percent-decodes a cookie value when it has escapes (tokens never do).
fn percent_decode(v: &str) -> Option<String> {
    if !v.contains('%') {
        return None;
    }
    percent_encoding::percent_decode_str(v)
        .decode_utf8()
        .ok()
        .map(|s| s.into_owned())
}

pub(crate) fn lookup<'r>(
    parts: &'r Parts,
    c: &JwtConfig,
    refresh: bool,
    csrf_methods_upper: &[String],
    form_csrf: Option<&str>,
) -> Result<Lookup<'r>, JwtError> {
    let name = if refresh {
        &c.refresh_cookie_name
    } else {
        &c.access_cookie_name
    };
    let token = match find_cookie(parts, name) {
        Some(t) if !t.is_empty() => t,
        _ => return Ok(Lookup::Missing(format!("Missing cookie \"{name}\""))),
    };
    let csrf =
        if c.cookie_csrf_protect && csrf::method_needs_check(&parts.method, csrf_methods_upper) {
            let header_name = if refresh {
                &c.refresh_csrf_header_name
            } else {
                &c.access_csrf_header_name
            };
            let from_header = parts
                .headers
                .get(header_name.as_str())
                .and_then(|v| v.to_str().ok())
                .filter(|v| !v.is_empty());
            let value = match from_header {
                Some(v) => Some(Cow::Borrowed(v)),
                None if c.csrf_check_form => form_csrf
                    .filter(|v| !v.is_empty())
                    .map(|v| Cow::Owned(v.to_owned())),
                None => None,
            };
            match value {
                Some(v) => Some(v),
                None => {
                    return Err(JwtError::new(ErrorKind::Csrf("Missing CSRF token".into())));
                }
            }
        } else {
            None
        };
    Ok(Lookup::Found { token, csrf })
}
