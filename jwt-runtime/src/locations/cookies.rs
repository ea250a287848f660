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

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Request;

    /// The parts of a request with these `Cookie` headers.
    fn parts(cookies: &[&str]) -> Parts {
        let mut req = Request::builder();
        for c in cookies {
            // From bytes: a Latin-1 byte (obs-text) is a valid header value, as a client may
            // send it, though `&str` values must be visible ASCII.
            let bytes: Vec<u8> = c
                .chars()
                .map(|ch| u8::try_from(u32::from(ch)).unwrap_or(b'?'))
                .collect();
            let value = axum::http::HeaderValue::from_bytes(&bytes).unwrap();
            req = req.header(COOKIE, value);
        }
        req.body(()).unwrap().into_parts().0
    }

    fn config() -> JwtConfig {
        JwtConfig::with_secret("a-very-long-secret-of-at-least-32-bytes!")
    }

    /// The cookie `name` of a request with these `Cookie` headers.
    fn find(cookies: &[&str], name: &str) -> Option<String> {
        find_cookie(&parts(cookies), name).map(Cow::into_owned)
    }

    /// The token found, or the "missing" message.
    fn look(cookies: &[&str], c: &JwtConfig, token_type: TokenType) -> Result<String, String> {
        match lookup(&parts(cookies), c, token_type) {
            Lookup::Found(t) => Ok(t.into_owned()),
            Lookup::Missing(m) => Err(m),
        }
    }

    #[test]
    fn a_cookie_by_name() {
        assert_eq!(find(&["a=1; b=2"], "b"), Some("2".into()));
        assert_eq!(find(&["a=1;b=2"], "a"), Some("1".into()));
        assert_eq!(find(&[" a = 1 ; b= 2 "], "b"), Some("2".into()));
        // Only the first `=` splits.
        assert_eq!(find(&["a=b=c"], "a"), Some("b=c".into()));
        assert_eq!(find(&["a="], "a"), Some(String::new()));
        // Names are exact: case, and no prefix or suffix match.
        assert_eq!(find(&["A=1"], "a"), None);
        assert_eq!(find(&["xa=1; ax=2"], "a"), None);
        // A pair without `=` is skipped, and is no cookie.
        assert_eq!(find(&["flag; a=1"], "a"), Some("1".into()));
        assert_eq!(find(&["flag; a=1"], "flag"), None);
        assert_eq!(find(&[], "a"), None);
    }

    #[test]
    fn the_first_cookie_across_headers() {
        assert_eq!(find(&["a=1; a=2"], "a"), Some("1".into()));
        assert_eq!(find(&["a=1", "a=2"], "a"), Some("1".into()));
        assert_eq!(find(&["b=1", "a=2"], "a"), Some("2".into()));
        // A header that is not visible ASCII is skipped.
        assert_eq!(find(&["a=\u{e9}", "a=2"], "a"), Some("2".into()));
    }

    #[test]
    fn quotes_and_escapes() {
        assert_eq!(find(&["a=\"xyz\""], "a"), Some("xyz".into()));
        assert_eq!(find(&["a=\"xyz"], "a"), Some("\"xyz".into()));
        assert_eq!(find(&["a=x%20y%3D"], "a"), Some("x y=".into()));
        // Escapes that are not UTF-8 are kept as they are.
        assert_eq!(find(&["a=%FF"], "a"), Some("%FF".into()));
        // Borrowed from the header unless decoded.
        let p = parts(&["a=abc; b=a%2Cb"]);
        assert!(matches!(find_cookie(&p, "a"), Some(Cow::Borrowed("abc"))));
        assert!(matches!(find_cookie(&p, "b"), Some(Cow::Owned(ref s)) if s == "a,b"));
    }

    #[test]
    fn the_cookie_of_each_token_type() {
        let c = config();
        let both = ["access_token_cookie=AAA; refresh_token_cookie=RRR"];
        assert_eq!(look(&both, &c, TokenType::Access), Ok("AAA".into()));
        assert_eq!(look(&both, &c, TokenType::Refresh), Ok("RRR".into()));
        let access = "Missing cookie \"access_token_cookie\"";
        let refresh = "Missing cookie \"refresh_token_cookie\"";
        assert_eq!(look(&[], &c, TokenType::Access), Err(access.into()));
        assert_eq!(look(&[], &c, TokenType::Refresh), Err(refresh.into()));
        // The other type's cookie, or a CSRF cookie, is not the token.
        assert_eq!(
            look(&["refresh_token_cookie=RRR"], &c, TokenType::Access),
            Err(access.into())
        );
        assert_eq!(
            look(&["access_token_cookie=AAA"], &c, TokenType::Refresh),
            Err(refresh.into())
        );
        assert_eq!(
            look(&["csrf_access_token=x"], &c, TokenType::Access),
            Err(access.into())
        );
        // An empty value is missing.
        assert_eq!(
            look(&["access_token_cookie="], &c, TokenType::Access),
            Err(access.into())
        );
        assert_eq!(
            look(&["access_token_cookie=\"\""], &c, TokenType::Access),
            Err(access.into())
        );
        // An empty first cookie hides a later one of the same name.
        assert_eq!(
            look(
                &["access_token_cookie=; access_token_cookie=AAA"],
                &c,
                TokenType::Access
            ),
            Err(access.into())
        );
    }

    #[test]
    fn configured_cookie_names() {
        let mut c = config();
        c.access_cookie_name = "at".into();
        c.refresh_cookie_name = "rt".into();
        let cookies = ["access_token_cookie=X; at=AAA; rt=RRR"];
        assert_eq!(look(&cookies, &c, TokenType::Access), Ok("AAA".into()));
        assert_eq!(look(&cookies, &c, TokenType::Refresh), Ok("RRR".into()));
        assert_eq!(
            look(&["access_token_cookie=X"], &c, TokenType::Access),
            Err("Missing cookie \"at\"".into())
        );
        assert_eq!(
            look(&["refresh_token_cookie=X"], &c, TokenType::Refresh),
            Err("Missing cookie \"rt\"".into())
        );
    }
}
