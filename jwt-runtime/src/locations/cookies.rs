//! The cookie location.

use std::borrow::Cow;

use axum::http::header::COOKIE;
use axum::http::request::Parts;

use super::Lookup;
use crate::config::JwtConfig;
use crate::token::TokenType;

/// The first cookie named `name` (Werkzeug's `request.cookies.get`), across all `Cookie`
/// headers, parsed by the `cookie` crate; its value without surrounding quotes, and
/// percent-decoded when it has escapes (tokens never do).
pub(crate) fn find_cookie<'r>(parts: &'r Parts, name: &str) -> Option<Cow<'r, str>> {
    parts
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| match c.value_raw() {
            // Borrowed from the header itself: no copy.
            Some(raw) => decoded(unquote(raw)),
            None => Cow::Owned(decoded(unquote(c.value())).into_owned()),
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
