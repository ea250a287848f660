//! Token locations: headers, cookies, query string, JSON body, tried in the configured (or
//! per-route) order. Only "not found" falls through to the next location; any other error,
//! and any decode error, is final. When nothing is found, the messages of every location are
//! combined as flask-jwt-extended combines them.

pub(crate) mod cookies;
pub(crate) mod headers;
pub(crate) mod json;
pub(crate) mod query;

use std::borrow::Cow;

use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;

use crate::config::Location;

/// The media type of the request body, as Werkzeug's `request.mimetype`: the `Content-Type`
/// before any `;`, without surrounding spaces and tabs, in lower case (`""` when absent).
///
/// Not the `mime` crate: it refuses media types that Werkzeug reads (a missing subtype,
/// stray characters after `;`), and a refusal would change which location Flask finds the
/// token in. Werkzeug's rule is one split and a trim.
pub(crate) fn mimetype(parts: &Parts) -> String {
    let ct = parts
        .headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = ct.split(';').next().unwrap_or("");
    essence.trim_matches([' ', '\t']).to_ascii_lowercase()
}

/// A parameter of the `Content-Type` (`boundary` of `multipart/form-data`), unquoted.
pub(crate) fn content_type_param(parts: &Parts, name: &str) -> Option<String> {
    let ct = parts.headers.get(CONTENT_TYPE)?.to_str().ok()?;
    ct.split(';').skip(1).find_map(|param| {
        let (k, v) = param.split_once('=')?;
        if !k.trim().eq_ignore_ascii_case(name) {
            return None;
        }
        let v = v.trim();
        let v = v
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or(v);
        Some(v.to_owned())
    })
}

/// The outcome of looking in one location.
pub(crate) enum Lookup<'r> {
    /// A token.
    Found(Cow<'r, str>),
    /// Nothing there; the message says what was missing.
    Missing(String),
}

/// `Missing JWT in headers, cookies or query_string (…; …; …)`, or the single location's own
/// message.
pub(crate) fn combined_missing(locations: &[Location], messages: &[String]) -> String {
    if messages.len() == 1 {
        return messages[0].clone();
    }
    let names: Vec<&str> = locations.iter().map(|l| l.as_str()).collect();
    let (last, rest) = names.split_last().unwrap_or((&"", &[]));
    format!(
        "Missing JWT in {} or {} ({})",
        rest.join(", "),
        last,
        messages.join("; ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::{HeaderValue, Request};

    /// The parts of a request with these headers.
    fn parts(headers: &[(&str, &str)]) -> Parts {
        let mut req = Request::builder();
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        req.body(()).unwrap().into_parts().0
    }

    fn mt(content_type: &str) -> String {
        mimetype(&parts(&[("Content-Type", content_type)]))
    }

    fn param(content_type: &str, name: &str) -> Option<String> {
        content_type_param(&parts(&[("Content-Type", content_type)]), name)
    }

    #[test]
    fn mimetype_as_werkzeug_reads_it() {
        assert_eq!(mimetype(&parts(&[])), "");
        assert_eq!(mt("application/json"), "application/json");
        assert_eq!(mt("Application/JSON; charset=UTF-8"), "application/json");
        assert_eq!(
            mt(" \tapplication/json \t;charset=utf-8"),
            "application/json"
        );
        assert_eq!(mt("application/json;"), "application/json");
        assert_eq!(
            mt("multipart/form-data; boundary=xyz"),
            "multipart/form-data"
        );
        // No validation: a missing subtype or stray characters are read as they are.
        assert_eq!(mt("text"), "text");
        assert_eq!(mt("application/json x"), "application/json x");
        assert_eq!(mt(";charset=utf-8"), "");
        assert_eq!(mt(""), "");
        // The first of repeated headers.
        assert_eq!(
            mimetype(&parts(&[
                ("Content-Type", "text/plain"),
                ("Content-Type", "application/json"),
            ])),
            "text/plain"
        );
    }

    #[test]
    fn a_content_type_that_is_not_visible_ascii_reads_as_none() {
        let mut p = parts(&[]);
        p.headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_bytes(b"application/json\xff").unwrap(),
        );
        assert_eq!(mimetype(&p), "");
        assert_eq!(content_type_param(&p, "charset"), None);
    }

    #[test]
    fn content_type_parameters() {
        let form = "multipart/form-data";
        assert_eq!(
            param(&format!("{form}; boundary=abc"), "boundary"),
            Some("abc".into())
        );
        assert_eq!(
            param(&format!("{form};boundary=abc"), "boundary"),
            Some("abc".into())
        );
        // Quotes removed, names in any case, spaces around the name and the value trimmed.
        assert_eq!(
            param(&format!("{form}; boundary=\"a b\""), "boundary"),
            Some("a b".into())
        );
        assert_eq!(
            param(&format!("{form}; BOUNDARY = abc "), "boundary"),
            Some("abc".into())
        );
        assert_eq!(
            param(&format!("{form}; boundary=\"abc"), "boundary"),
            Some("\"abc".into())
        );
        assert_eq!(
            param(&format!("{form}; boundary="), "boundary"),
            Some(String::new())
        );
        // Among other parameters; the first one of the name wins.
        assert_eq!(
            param(&format!("{form}; charset=utf-8; boundary=x"), "boundary"),
            Some("x".into())
        );
        assert_eq!(
            param(&format!("{form}; boundary=a; boundary=b"), "boundary"),
            Some("a".into())
        );
        // Absent: no such parameter, no value, no header; the media type is never one.
        assert_eq!(param(form, "boundary"), None);
        assert_eq!(param(&format!("{form}; boundary"), "boundary"), None);
        assert_eq!(param(&format!("{form}; boundaryx=a"), "boundary"), None);
        assert_eq!(param("boundary=abc", "boundary"), None);
        assert_eq!(content_type_param(&parts(&[]), "boundary"), None);
    }

    #[test]
    fn one_location_keeps_its_own_message() {
        assert_eq!(
            combined_missing(
                &[Location::Headers],
                &["Missing Authorization Header".to_owned()]
            ),
            "Missing Authorization Header"
        );
        assert_eq!(
            combined_missing(
                &[Location::Cookies],
                &["Missing cookie \"access_token_cookie\"".to_owned()]
            ),
            "Missing cookie \"access_token_cookie\""
        );
    }

    #[test]
    fn several_locations_are_combined_in_their_order() {
        let header = "Missing Authorization Header".to_owned();
        let cookie = "Missing cookie \"access_token_cookie\"".to_owned();
        let query = "Missing 'jwt' query paramater".to_owned();
        let json = "Invalid content-type. Must be application/json.".to_owned();
        assert_eq!(
            combined_missing(
                &[Location::Headers, Location::Cookies],
                &[header.clone(), cookie.clone()]
            ),
            "Missing JWT in headers or cookies (Missing Authorization Header; \
             Missing cookie \"access_token_cookie\")"
        );
        assert_eq!(
            combined_missing(
                &[Location::QueryString, Location::Headers, Location::Json],
                &[query.clone(), header.clone(), json.clone()]
            ),
            "Missing JWT in query_string, headers or json (Missing 'jwt' query paramater; \
             Missing Authorization Header; Invalid content-type. Must be application/json.)"
        );
        assert_eq!(
            combined_missing(&Location::ALL, &[header, cookie, query, json]),
            "Missing JWT in headers, cookies, query_string or json (Missing Authorization \
             Header; Missing cookie \"access_token_cookie\"; Missing 'jwt' query paramater; \
             Invalid content-type. Must be application/json.)"
        );
    }
}
