//! Token creation, byte for byte as flask-jwt-extended 4.7 writes tokens.
//!
//! Claims in Flask's order (`fresh`, `iat`, `jti`, `type`, identity, `nbf`, `csrf`, `aud`,
//! `iss`, `exp`), then extras: a reserved claim overridden by an extra keeps its position, new
//! ones are appended. The header's members are sorted. JSON is compact with Python's escaping.

use std::time::Duration;

use serde_json::{Map, Value};

use super::json::{to_python_json, Ordered};
use super::TokenError;
use crate::b64;
use crate::config::{Algorithm, Expiry};
use crate::crypto::Signer;

/// Freshness of an access token (`fresh=` of `create_access_token`).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Fresh {
    /// `fresh: true` or `fresh: false` (the default).
    #[default]
    No,
    /// `fresh: true`.
    Yes,
    /// Fresh for this long: `fresh` is the timestamp now + duration, as a float (Flask's
    /// timedelta).
    For(Duration),
    /// Fresh until this UNIX timestamp (Flask's number).
    Until(f64),
}

impl From<bool> for Fresh {
    fn from(b: bool) -> Self {
        if b {
            Fresh::Yes
        } else {
            Fresh::No
        }
    }
}

impl From<Duration> for Fresh {
    fn from(d: Duration) -> Self {
        Fresh::For(d)
    }
}

/// Options of `create_access_token` / `create_refresh_token` beyond the identity.
///
/// ```
/// use axum_jwt_extended_runtime::{Expiry, Fresh, TokenOptions};
/// use serde_json::json;
///
/// let options = TokenOptions::new()
///     .fresh(true)
///     .expires_delta(Expiry::Never)
///     .additional_claims(json!({"roles": ["admin"]}))
///     .additional_headers(json!({"kid": "key-1"}));
/// assert_eq!(options.fresh, Fresh::Yes);
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TokenOptions {
    /// `fresh` (ignored for refresh tokens, which are never fresh).
    pub fresh: Fresh,
    /// `expires_delta`: `None` uses the configured lifetime.
    pub expires_delta: Option<Expiry>,
    /// `additional_claims`: a JSON object merged over the claims loader's output; these win.
    pub additional_claims: Option<Value>,
    /// `additional_headers`: a JSON object merged over the headers loader's output; these win.
    pub additional_headers: Option<Value>,
    /// The login family (claim `fam`) for refresh-token rotation and whole-login revocation;
    /// set by `JwtManager::create_token_pair` and `rotate_refresh_token`. `None` (the
    /// default) adds no claim, so tokens stay byte-identical to flask-jwt-extended's.
    pub family: Option<String>,
}

impl TokenOptions {
    /// No options: Flask's defaults.
    pub fn new() -> Self {
        TokenOptions::default()
    }

    /// Sets `fresh`.
    pub fn fresh(mut self, fresh: impl Into<Fresh>) -> Self {
        self.fresh = fresh.into();
        self
    }

    /// Sets `expires_delta`.
    pub fn expires_delta(mut self, expiry: impl Into<Expiry>) -> Self {
        self.expires_delta = Some(expiry.into());
        self
    }

    /// Sets `additional_claims`: a JSON object, or any `Serialize` value that serializes to
    /// one (a struct of yours). Anything else makes token creation fail with an error.
    ///
    /// ```
    /// use axum_jwt_extended_runtime::TokenOptions;
    ///
    /// #[derive(serde::Serialize)]
    /// struct Extra { roles: Vec<&'static str> }
    ///
    /// let options = TokenOptions::new().additional_claims(Extra { roles: vec!["admin"] });
    /// assert_eq!(options.additional_claims, Some(serde_json::json!({"roles": ["admin"]})));
    /// ```
    pub fn additional_claims(mut self, claims: impl serde::Serialize) -> Self {
        // A value that does not serialize is kept as a non-object: creation reports it.
        self.additional_claims =
            Some(serde_json::to_value(claims).unwrap_or_else(|e| Value::String(e.to_string())));
        self
    }

    /// Sets `additional_headers` (a JSON object).
    pub fn additional_headers(mut self, headers: Value) -> Self {
        self.additional_headers = Some(headers);
        self
    }
}

/// Access or refresh.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenType {
    /// An access token (`"type": "access"`).
    Access,
    /// A refresh token (`"type": "refresh"`).
    Refresh,
}

impl TokenType {
    /// `"access"` or `"refresh"`.
    pub fn as_str(self) -> &'static str {
        match self {
            TokenType::Access => "access",
            TokenType::Refresh => "refresh",
        }
    }
}

/// Everything the encoder needs, resolved by the manager.
pub(crate) struct EncodeInput<'a> {
    pub(crate) token_type: TokenType,
    pub(crate) identity: Value,
    pub(crate) identity_claim: &'a str,
    pub(crate) now: Duration,
    pub(crate) fresh: Fresh,
    pub(crate) expiry: Expiry,
    pub(crate) nbf: bool,
    pub(crate) csrf: bool,
    pub(crate) audience: Option<Value>,
    pub(crate) issuer: Option<&'a str>,
    pub(crate) extra_claims: Map<String, Value>,
    pub(crate) extra_headers: Map<String, Value>,
    pub(crate) algorithm: Algorithm,
}

fn encode_error(msg: impl Into<String>) -> TokenError {
    TokenError::Encode(msg.into())
}

pub(crate) fn uuid4() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Python's `datetime.timestamp()` of a UTC datetime: microseconds, divided as a float.
fn timestamp_f64(micros: u128) -> f64 {
    micros as f64 / 1_000_000.0
}

/// The header as PyJWT builds it: `{"typ": "JWT", "alg": …}` updated with the extras, `typ`
/// dropped when falsy, members sorted. Returns the header and the signing algorithm.
pub(crate) fn build_header(
    algorithm: Algorithm,
    extra: Map<String, Value>,
) -> Result<(Map<String, Value>, Algorithm), TokenError> {
    let mut header = Map::new();
    header.insert("typ".into(), Value::String("JWT".into()));
    header.insert("alg".into(), Value::String(format!("{algorithm:?}")));
    let mut alg = algorithm;
    for (k, v) in extra {
        if k == "alg" {
            match &v {
                Value::String(s) if !s.is_empty() => {
                    alg = s
                        .parse()
                        .map_err(|_| encode_error(format!("Algorithm not supported: {s:?}")))?;
                }
                Value::Null => continue,
                Value::String(_) => continue,
                _ => return Err(encode_error("The \"alg\" header must be a string")),
            }
        }
        header.insert(k, v);
    }
    let typ_falsy = match header.get("typ") {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.is_empty(),
        Some(Value::Bool(b)) => !b,
        _ => false,
    };
    if typ_falsy {
        header.remove("typ");
    }
    // serde_json's Map (a BTreeMap) serializes sorted, as `sort_keys=True` does.
    Ok((header, alg))
}

/// Builds the claims in Flask's order.
pub(crate) fn build_claims(
    input: EncodeInput<'_>,
) -> (Vec<(String, Value)>, Map<String, Value>, Algorithm) {
    let now_secs = input.now.as_secs() as i64;
    let mut claims: Vec<(String, Value)> = Vec::with_capacity(10 + input.extra_claims.len());
    let fresh = match (input.token_type, input.fresh) {
        (TokenType::Refresh, _) | (_, Fresh::No) => Value::Bool(false),
        (_, Fresh::Yes) => Value::Bool(true),
        (_, Fresh::For(d)) => {
            let micros = input.now.as_micros() + d.as_micros();
            serde_json::Number::from_f64(timestamp_f64(micros))
                .map_or(Value::Bool(false), Value::Number)
        }
        (_, Fresh::Until(t)) => {
            serde_json::Number::from_f64(t).map_or(Value::Bool(false), Value::Number)
        }
    };
    claims.push(("fresh".into(), fresh));
    claims.push(("iat".into(), Value::from(now_secs)));
    claims.push(("jti".into(), Value::String(uuid4())));
    claims.push((
        "type".into(),
        Value::String(input.token_type.as_str().into()),
    ));
    claims.push((input.identity_claim.to_owned(), input.identity));
    if input.nbf {
        claims.push(("nbf".into(), Value::from(now_secs)));
    }
    if input.csrf {
        claims.push(("csrf".into(), Value::String(uuid4())));
    }
    if let Some(aud) = input.audience {
        claims.push(("aud".into(), aud));
    }
    if let Some(iss) = input.issuer {
        claims.push(("iss".into(), Value::String(iss.to_owned())));
    }
    if let Expiry::After(d) = input.expiry {
        // floor(now + delta), as PyJWT's timegm of the datetime.
        // Saturates: a lifetime beyond u64 seconds is as good as never expiring.
        let exp = input
            .now
            .checked_add(d)
            .map_or(i64::MAX, |t| t.as_secs().min(i64::MAX as u64) as i64);
        claims.push(("exp".into(), Value::from(exp)));
    }
    for (k, v) in input.extra_claims {
        match claims.iter_mut().find(|(name, _)| *name == k) {
            Some(slot) => slot.1 = v,
            None => claims.push((k, v)),
        }
    }
    (claims, input.extra_headers, input.algorithm)
}

/// Serializes, signs and joins a token.
pub(crate) fn sign_token(
    header: &Map<String, Value>,
    claims: &[(String, Value)],
    signer: &Signer,
) -> Result<String, TokenError> {
    let header_json = to_python_json(header).map_err(encode_error)?;
    let payload_json = to_python_json(&Ordered(claims)).map_err(encode_error)?;
    let mut token = String::with_capacity((header_json.len() + payload_json.len()) * 4 / 3 + 96);
    b64::encode_into(&header_json, &mut token);
    token.push('.');
    b64::encode_into(&payload_json, &mut token);
    let sig = signer
        .sign(token.as_bytes())
        .map_err(|e| encode_error(e.to_string()))?;
    token.push('.');
    token.push_str(&sig);
    Ok(token)
}
