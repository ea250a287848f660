//! The JSON-body location (`JWT_JSON_KEY`, `JWT_REFRESH_JSON_KEY`).

use std::borrow::Cow;

use axum::http::request::Parts;
use serde_json::Value;

use super::Lookup;
use crate::config::JwtConfig;
use crate::token::TokenType;

/// Whether the request says its body is JSON, as Werkzeug's `request.is_json`:
/// `application/json` or `application/*+json`, any case, any parameters.
pub(crate) fn is_json(parts: &Parts) -> bool {
    let mt = super::mimetype(parts);
    mt == "application/json" || (mt.starts_with("application/") && mt.ends_with("+json"))
}

/// Looks the token up in an already-read body. A body that is not JSON, not an object, or
/// lacks the key is "not found" (401), as in Flask; never a 500.
pub(crate) fn lookup<'r>(
    parts: &Parts,
    body: &[u8],
    c: &JwtConfig,
    token_type: TokenType,
) -> Lookup<'r> {
    if !is_json(parts) {
        return Lookup::Missing("Invalid content-type. Must be application/json.".into());
    }
    let key = match token_type {
        TokenType::Access => &c.json_key,
        TokenType::Refresh => &c.refresh_json_key,
    };
    let missing = || Lookup::Missing(format!("Missing \"{key}\" key in json data."));
    let value: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(_) => return missing(),
    };
    match value.get(key.as_str()) {
        Some(Value::String(s)) if !s.is_empty() => Lookup::Found(Cow::Owned(s.clone())),
        _ => missing(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::header::CONTENT_TYPE;
    use axum::http::Request;

    fn config() -> JwtConfig {
        JwtConfig::with_secret("a-very-long-secret-of-at-least-32-bytes!")
    }

    /// The parts of a request with this `Content-Type`, if any.
    fn parts(content_type: Option<&str>) -> Parts {
        let mut req = Request::builder();
        if let Some(ct) = content_type {
            req = req.header(CONTENT_TYPE, ct);
        }
        req.body(()).unwrap().into_parts().0
    }

    fn json(content_type: &str) -> bool {
        is_json(&parts(Some(content_type)))
    }

    /// The token found in `body` sent as `application/json`, or the "missing" message.
    fn look(body: &str, c: &JwtConfig, token_type: TokenType) -> Result<String, String> {
        look_as(Some("application/json"), body, c, token_type)
    }

    fn look_as(
        content_type: Option<&str>,
        body: &str,
        c: &JwtConfig,
        token_type: TokenType,
    ) -> Result<String, String> {
        match lookup(&parts(content_type), body.as_bytes(), c, token_type) {
            Lookup::Found(t) => Ok(t.into_owned()),
            Lookup::Missing(m) => Err(m),
        }
    }

    const ACCESS_MISSING: &str = "Missing \"access_token\" key in json data.";
    const REFRESH_MISSING: &str = "Missing \"refresh_token\" key in json data.";
    const NOT_JSON: &str = "Invalid content-type. Must be application/json.";

    #[test]
    fn is_json_as_werkzeug() {
        for ct in [
            "application/json",
            "Application/JSON",
            "application/json; charset=utf-8",
            " application/json ",
            "application/vnd.api+json",
            "application/problem+json; q=1",
            "application/+json",
        ] {
            assert!(json(ct), "{ct}");
        }
        for ct in [
            "",
            "text/json",
            "text/vnd.api+json",
            "json",
            "+json",
            "application/json-patch",
            "application/jsonx",
            "application/json+xml",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "text/plain; x=application/json",
        ] {
            assert!(!json(ct), "{ct}");
        }
        assert!(!is_json(&parts(None)));
    }

    #[test]
    fn the_key_of_each_token_type() {
        let c = config();
        let both = r#"{"access_token":"AAA","refresh_token":"RRR"}"#;
        assert_eq!(look(both, &c, TokenType::Access), Ok("AAA".into()));
        assert_eq!(look(both, &c, TokenType::Refresh), Ok("RRR".into()));
        assert_eq!(
            look(r#"{"refresh_token":"RRR"}"#, &c, TokenType::Access),
            Err(ACCESS_MISSING.into())
        );
        assert_eq!(
            look(r#"{"access_token":"AAA"}"#, &c, TokenType::Refresh),
            Err(REFRESH_MISSING.into())
        );
        // Surrounding whitespace is JSON's; a charset or a `+json` type is JSON too.
        assert_eq!(
            look(" {\"access_token\": \"AAA\"}\n", &c, TokenType::Access),
            Ok("AAA".into())
        );
        for ct in [
            "application/json; charset=utf-8",
            "application/vnd.api+json",
        ] {
            assert_eq!(
                look_as(Some(ct), both, &c, TokenType::Access),
                Ok("AAA".into()),
                "{ct}"
            );
        }
    }

    #[test]
    fn a_body_that_is_not_json_is_never_looked_at() {
        let c = config();
        let body = r#"{"access_token":"AAA"}"#;
        for ct in [
            None,
            Some("text/plain"),
            Some("application/x-www-form-urlencoded"),
        ] {
            assert_eq!(
                look_as(ct, body, &c, TokenType::Access),
                Err(NOT_JSON.into()),
                "{ct:?}"
            );
            assert_eq!(
                look_as(ct, body, &c, TokenType::Refresh),
                Err(NOT_JSON.into()),
                "{ct:?}"
            );
        }
    }

    #[test]
    fn anything_but_a_non_empty_string_under_the_key_is_missing() {
        let c = config();
        for body in [
            // Not JSON.
            "",
            "nope",
            r#"{"access_token":"AAA"} x"#,
            r#"{"access_token":"AAA""#,
            // JSON, not an object.
            r#"["access_token"]"#,
            r#""access_token""#,
            "1",
            "null",
            // No such key (names are exact, and only the top level counts).
            "{}",
            r#"{"Access_Token":"AAA"}"#,
            r#"{"data":{"access_token":"AAA"}}"#,
            // Not a string, or empty.
            r#"{"access_token":1}"#,
            r#"{"access_token":true}"#,
            r#"{"access_token":null}"#,
            r#"{"access_token":["AAA"]}"#,
            r#"{"access_token":{"token":"AAA"}}"#,
            r#"{"access_token":""}"#,
        ] {
            assert_eq!(
                look(body, &c, TokenType::Access),
                Err(ACCESS_MISSING.into()),
                "{body}"
            );
        }
    }

    #[test]
    fn a_repeated_key_keeps_its_last_value() {
        let c = config();
        assert_eq!(
            look(
                r#"{"access_token":"first","access_token":"last"}"#,
                &c,
                TokenType::Access
            ),
            Ok("last".into())
        );
    }

    #[test]
    fn configured_keys() {
        let mut c = config();
        c.json_key = "at".into();
        c.refresh_json_key = "rt".into();
        let body = r#"{"access_token":"X","at":"AAA","rt":"RRR"}"#;
        assert_eq!(look(body, &c, TokenType::Access), Ok("AAA".into()));
        assert_eq!(look(body, &c, TokenType::Refresh), Ok("RRR".into()));
        assert_eq!(
            look(r#"{"access_token":"X"}"#, &c, TokenType::Access),
            Err("Missing \"at\" key in json data.".into())
        );
        assert_eq!(
            look(r#"{"refresh_token":"X"}"#, &c, TokenType::Refresh),
            Err("Missing \"rt\" key in json data.".into())
        );
    }
}
