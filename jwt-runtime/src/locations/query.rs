//! The query-string location (`JWT_QUERY_STRING_NAME`, `JWT_QUERY_STRING_VALUE_PREFIX`).

use std::borrow::Cow;

use axum::http::request::Parts;

use super::Lookup;
use crate::config::JwtConfig;
use crate::error::{ErrorKind, JwtError};

pub(crate) fn lookup<'r>(parts: &'r Parts, c: &JwtConfig) -> Result<Lookup<'r>, JwtError> {
    let name = c.query_string_name.as_str();
    // The first occurrence wins, as Werkzeug's `args.get` does.
    let value = parts.uri.query().and_then(|q| {
        form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    });
    let value = match value {
        Some(v) if !v.is_empty() => v,
        _ => return Ok(Lookup::Missing(format!("Missing '{name}' query paramater"))),
    };
    let prefix = c.query_string_value_prefix.as_str();
    match value.strip_prefix(prefix) {
        Some(token) => Ok(Lookup::Found(Cow::Owned(token.to_owned()))),
        None => Err(JwtError::new(ErrorKind::InvalidQueryParam(format!(
            "Invalid value for query parameter '{name}'. Expected the value to start with '{prefix}'"
        )))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Request;

    fn config() -> JwtConfig {
        JwtConfig::with_secret("a-very-long-secret-of-at-least-32-bytes!")
    }

    /// `Ok(Ok(token))`, `Ok(Err(the "missing" message))`, or `Err((status, message))`.
    fn look(uri: &str, c: &JwtConfig) -> Result<Result<String, String>, (u16, String)> {
        let parts = Request::builder().uri(uri).body(()).unwrap().into_parts().0;
        match lookup(&parts, c) {
            Ok(Lookup::Found(t)) => Ok(Ok(t.into_owned())),
            Ok(Lookup::Missing(m)) => Ok(Err(m)),
            Err(e) => Err((e.status().as_u16(), e.message())),
        }
    }

    fn found(token: &str) -> Result<Result<String, String>, (u16, String)> {
        Ok(Ok(token.to_owned()))
    }

    fn missing(name: &str) -> Result<Result<String, String>, (u16, String)> {
        Ok(Err(format!("Missing '{name}' query paramater")))
    }

    #[test]
    fn the_default_name() {
        let c = config();
        assert_eq!(look("/p?jwt=abc", &c), found("abc"));
        assert_eq!(look("/p?a=1&jwt=abc&b=2", &c), found("abc"));
        assert_eq!(look("/p", &c), missing("jwt"));
        assert_eq!(look("/p?", &c), missing("jwt"));
        assert_eq!(look("/p?other=abc", &c), missing("jwt"));
        // Names are exact.
        assert_eq!(look("/p?JWT=abc", &c), missing("jwt"));
        assert_eq!(look("/p?jwtx=abc", &c), missing("jwt"));
        // An empty value, or none, is missing.
        assert_eq!(look("/p?jwt=", &c), missing("jwt"));
        assert_eq!(look("/p?jwt", &c), missing("jwt"));
    }

    #[test]
    fn the_first_occurrence_wins() {
        let c = config();
        assert_eq!(look("/p?jwt=a&jwt=b", &c), found("a"));
        // Even when it is empty (Werkzeug's `args.get`).
        assert_eq!(look("/p?jwt=&jwt=b", &c), missing("jwt"));
    }

    #[test]
    fn names_and_values_are_form_decoded() {
        let c = config();
        assert_eq!(look("/p?jwt=a%2Eb+c", &c), found("a.b c"));
        assert_eq!(look("/p?j%77t=abc", &c), found("abc"));
    }

    #[test]
    fn a_configured_name() {
        let mut c = config();
        c.query_string_name = "token".into();
        assert_eq!(look("/p?token=abc", &c), found("abc"));
        assert_eq!(look("/p?jwt=abc", &c), missing("token"));
    }

    #[test]
    fn the_value_prefix() {
        let mut c = config();
        c.query_string_value_prefix = "Bearer ".into();
        assert_eq!(look("/p?jwt=Bearer%20abc", &c), found("abc"));
        assert_eq!(look("/p?jwt=Bearer+abc", &c), found("abc"));
        // Stripped once; what remains is the token, even when empty.
        assert_eq!(look("/p?jwt=Bearer+Bearer+abc", &c), found("Bearer abc"));
        assert_eq!(look("/p?jwt=Bearer+", &c), found(""));
        // Missing is still missing.
        assert_eq!(look("/p", &c), missing("jwt"));
        assert_eq!(look("/p?jwt=", &c), missing("jwt"));
        // A value without the prefix (case-sensitive) is an error, not "not found".
        let bad = Err((
            422,
            "Invalid value for query parameter 'jwt'. Expected the value to start with 'Bearer '"
                .to_owned(),
        ));
        assert_eq!(look("/p?jwt=abc", &c), bad);
        assert_eq!(look("/p?jwt=bearer+abc", &c), bad);
        assert_eq!(look("/p?jwt=Bearer", &c), bad);
        // With a configured name too.
        c.query_string_name = "t".into();
        assert_eq!(
            look("/p?t=abc", &c),
            Err((
                422,
                "Invalid value for query parameter 't'. Expected the value to start with 'Bearer '"
                    .to_owned()
            ))
        );
    }

    #[test]
    fn a_missing_prefix_is_an_invalid_query_param_error() {
        let mut c = config();
        c.query_string_value_prefix = "x:".into();
        let parts = Request::builder()
            .uri("/p?jwt=abc")
            .body(())
            .unwrap()
            .into_parts()
            .0;
        match lookup(&parts, &c) {
            Err(e) => assert!(
                matches!(e.kind(), ErrorKind::InvalidQueryParam(m)
                    if m == "Invalid value for query parameter 'jwt'. \
                             Expected the value to start with 'x:'"),
                "{e:?}"
            ),
            Ok(_) => panic!("a value without the prefix must be refused"),
        }
    }
}
