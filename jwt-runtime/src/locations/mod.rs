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
