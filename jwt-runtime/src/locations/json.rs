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
