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
