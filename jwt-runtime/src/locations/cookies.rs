//! The cookie location.

use std::borrow::Cow;

use axum::http::header::COOKIE;
use axum::http::request::Parts;

use super::Lookup;
use crate::config::JwtConfig;
use crate::token::TokenType;

/// The first cookie named `name` (Werkzeug's `request.cookies.get`), across all `Cookie`
/// headers: its value without surrounding quotes, percent-decoded when it has escapes (tokens
/// never do), borrowed from the header otherwise.
///
/// Our own split rather than `cookie::Cookie::split_parse`: the crate builds a `Cookie` for
/// every pair of every request, which measured about 1,000 instructions more per
/// cookie-authenticated request (`bash scripts/bench-callgrind.sh`, cookie row: +45.8 k
/// instead of +44.8 k), and its values can only be borrowed from the header by way of
/// `value_raw`. The rule we need is one split on `;` and one on `=`, as Werkzeug's.
pub(crate) fn find_cookie<'r>(parts: &'r Parts, name: &str) -> Option<Cow<'r, str>> {
    parts
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|h| h.split(';'))
        .find_map(|pair| {
            let (k, v) = pair.split_once('=')?;
            (k.trim() == name).then(|| decoded(unquote(v.trim())))
        })
}

fn unquote(v: &str) -> &str {
    v.strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(v)
}

fn decoded(v: &str) -> Cow<'_, str> {
    match percent_decode(v) {
        Some(d) => Cow::Owned(d),
        None => Cow::Borrowed(v),
    }
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

/// The token cookie of `token_type` (`JWT_ACCESS_COOKIE_NAME` / `JWT_REFRESH_COOKIE_NAME`).
/// Its CSRF value is [`csrf`](crate::csrf)'s business.
pub(crate) fn lookup<'r>(parts: &'r Parts, c: &JwtConfig, token_type: TokenType) -> Lookup<'r> {
    let name = match token_type {
        TokenType::Access => &c.access_cookie_name,
        TokenType::Refresh => &c.refresh_cookie_name,
    };
    match find_cookie(parts, name) {
        Some(t) if !t.is_empty() => Lookup::Found(t),
        _ => Lookup::Missing(format!("Missing cookie \"{name}\"")),
    }
}
