//! Token locations: headers, cookies, query string, JSON body, tried in the configured (or
//! per-route) order. Only "not found" falls through to the next location; any other error,
//! and any decode error, is final. When nothing is found, the messages of every location are
//! combined as flask-jwt-extended combines them.

pub(crate) mod cookies;
pub(crate) mod headers;
pub(crate) mod json;
pub(crate) mod query;

use std::borrow::Cow;

use crate::config::Location;

/// The outcome of looking in one location.
pub(crate) enum Lookup<'r> {
    /// A token, with the CSRF value sent along with a cookie token (when one is required).
    Found {
        token: Cow<'r, str>,
        csrf: Option<Cow<'r, str>>,
    },
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
