//! The header location (`JWT_HEADER_NAME`, `JWT_HEADER_TYPE`), as flask-jwt-extended parses it.
//!
//! The header may hold a comma-separated list (`Basic x, Bearer <JWT>`); exactly one member
//! must use the configured type. Deliberate difference: the type (scheme) is matched
//! case-insensitively, as RFC 7235 §2.1 says; Flask rejects `bearer`.

use std::borrow::Cow;

use axum::http::request::Parts;

use super::Lookup;
use crate::config::JwtConfig;
use crate::error::{ErrorKind, JwtError};

/// Python's `str.strip()` on ASCII whitespace, then `.strip(",")`.
fn trim(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_ascii_whitespace())
        .trim_matches(',')
}

/// The common case in one pass: `<type> <token>` with nothing else (no list, no extra
/// words, printable ASCII only). `None` sends the value to the general parser.
fn simple<'r>(value: &'r [u8], ty: &str) -> Option<&'r str> {
    let n = ty.len();
    if n == 0
        || value.len() <= n + 1
        || value[n] != b' '
        || !value[..n].eq_ignore_ascii_case(ty.as_bytes())
    {
        return None;
    }
    let token = &value[n + 1..];
    // No early exit, so the loop vectorizes: this runs over every byte of every token.
    let unusual = token.iter().fold(false, |acc, &b| {
        acc | (b <= b' ') | (b >= 0x7f) | (b == b',')
    });
    if !unusual {
        std::str::from_utf8(token).ok()
    } else {
        None
    }
}

pub(crate) fn lookup<'r>(
    parts: &'r Parts,
    c: &JwtConfig,
    header: &axum::http::HeaderName,
) -> Result<Lookup<'r>, JwtError> {
    let name = c.header_name.as_str();
    // Werkzeug's `headers.get` returns the first of repeated headers.
    let value = parts.headers.get(header);
    if let Some(token) = value.and_then(|v| simple(v.as_bytes(), &c.header_type)) {
        return Ok(Lookup::Found(Cow::Borrowed(token)));
    }
    let raw = value
        .map(|v| v.to_str().unwrap_or("\u{fffd}"))
        .unwrap_or("");
    let value = trim(raw);
    if value.is_empty() {
        return Ok(Lookup::Missing(format!("Missing {name} Header")));
    }
    let ty = c.header_type.as_str();
    let chosen = if ty.is_empty() {
        value
    } else {
        let mut matching = value
            .split(',')
            .map(|s| s.trim_start_matches(|c: char| c.is_ascii_whitespace()))
            .filter(|s| {
                s.split_ascii_whitespace()
                    .next()
                    .is_some_and(|first| first.eq_ignore_ascii_case(ty))
            });
        match (matching.next(), matching.next()) {
            (Some(one), None) => one,
            _ => {
                return Ok(Lookup::Missing(format!(
                    "Missing '{ty}' type in '{name}' header. Expected '{name}: {ty} <JWT>'"
                )))
            }
        }
    };
    let mut words = chosen.split_ascii_whitespace();
    let token = if ty.is_empty() {
        match (words.next(), words.next()) {
            (Some(t), None) => t,
            _ => return Err(bad_header(name, None)),
        }
    } else {
        match (words.next(), words.next(), words.next()) {
            (Some(_), Some(t), None) => t,
            _ => return Err(bad_header(name, Some(ty))),
        }
    };
    Ok(Lookup::Found(Cow::Borrowed(token)))
}

fn bad_header(name: &str, ty: Option<&str>) -> JwtError {
    let expected = match ty {
        Some(ty) => format!("{name}: {ty} <JWT>"),
        None => format!("{name}: <JWT>"),
    };
    JwtError::new(ErrorKind::InvalidHeader(format!(
        "Bad {name} header. Expected '{expected}'"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::{HeaderName, Request};

    fn look(values: &[&str], ty: &str) -> Result<Option<String>, String> {
        let mut req = Request::builder();
        for v in values {
            req = req.header("Authorization", *v);
        }
        let (parts, ()) = req.body(()).map_err(|e| e.to_string())?.into_parts();
        let c = JwtConfig {
            header_type: ty.into(),
            ..JwtConfig::default()
        };
        match lookup(&parts, &c, &HeaderName::from_static("authorization")) {
            Ok(Lookup::Found(t)) => Ok(Some(t.into_owned())),
            Ok(Lookup::Missing(_)) => Ok(None),
            Err(e) => Err(e.message()),
        }
    }

    #[test]
    fn the_fast_path_and_the_general_parser_agree() {
        let ok = |v: &str| look(&[v], "Bearer");
        assert_eq!(ok("Bearer abc.def.ghi"), Ok(Some("abc.def.ghi".into())));
        assert_eq!(ok("bearer abc"), Ok(Some("abc".into())));
        assert_eq!(ok("  Bearer   abc  "), Ok(Some("abc".into())));
        assert_eq!(ok("Basic x, Bearer abc"), Ok(Some("abc".into())));
        assert_eq!(ok("Bearer abc,"), Ok(Some("abc".into())));
    }

    #[test]
    fn flask_messages() {
        let bad = "Bad Authorization header. Expected 'Authorization: Bearer <JWT>'";
        assert_eq!(look(&["Bearer a b"], "Bearer"), Err(bad.into()));
        assert_eq!(look(&["Bearer"], "Bearer"), Err(bad.into()));
        // No member of the configured type, or two: "not found".
        assert_eq!(look(&["Basic x"], "Bearer"), Ok(None));
        assert_eq!(look(&["Bearer a, Bearer b"], "Bearer"), Ok(None));
        assert_eq!(look(&[""], "Bearer"), Ok(None));
        assert_eq!(look(&[], "Bearer"), Ok(None));
        // An empty type takes the value as it is.
        assert_eq!(look(&["abc"], ""), Ok(Some("abc".into())));
        assert_eq!(
            look(&["a b"], ""),
            Err("Bad Authorization header. Expected 'Authorization: <JWT>'".into())
        );
        // The first of repeated headers, as Werkzeug's `headers.get`.
        assert_eq!(
            look(&["Bearer first", "Bearer second"], "Bearer"),
            Ok(Some("first".into()))
        );
    }
}
