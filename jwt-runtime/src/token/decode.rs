//! Decoding and verification, in flask-jwt-extended's (PyJWT's) order and with its messages.
//!
//! Order: structure → header JSON → base64 of payload and signature → header checks (`kid`,
//! `crit`) → payload JSON → key → algorithm allow-list → signature → `iat`, `nbf`, `exp`,
//! `iss`, `aud`, `sub`, `jti` → identity claim → defaults → CSRF. Nothing about the claims is
//! reported (in particular "expired") before the signature has verified.

use serde_json::{Map, Value};
use subtle::ConstantTimeEq;

use super::b64;
use super::claims::{Claims, JwtHeader};
use super::json::{parse_object, ObjectError};
use crate::config::{Algorithm, JwtConfig};
use crate::error::{invalid, ErrorKind, JwtError, TokenParts};
use crate::keys::Verifier;

/// A token split and parsed, not yet verified.
pub(crate) struct Parsed<'t> {
    pub(crate) header: Map<String, Value>,
    pub(crate) payload: Map<String, Value>,
    signing_input: &'t str,
    sig_b64: &'t str,
    sig: Vec<u8>,
}

fn object(bytes: &[u8], what: &str) -> Result<Map<String, Value>, JwtError> {
    parse_object(bytes).map_err(|e| match e {
        ObjectError::NotAnObject => {
            invalid(format!("Invalid {what} string: must be a json object"))
        }
        ObjectError::Syntax(m) => invalid(format!("Invalid {what} string: {m}")),
    })
}

/// The unverified parse (PyJWT's `verify_signature=False` decode).
pub(crate) fn parse(token: &str, max_len: usize) -> Result<Parsed<'_>, JwtError> {
    if token.len() > max_len {
        return Err(invalid(format!(
            "Token is too large (more than {max_len} bytes)"
        )));
    }
    let (signing_input, sig_b64) = token
        .rsplit_once('.')
        .ok_or_else(|| invalid("Not enough segments"))?;
    let (header_b64, payload_b64) = signing_input
        .split_once('.')
        .ok_or_else(|| invalid("Not enough segments"))?;
    let header_bytes =
        b64::decode(header_b64.as_bytes()).ok_or_else(|| invalid("Invalid header padding"))?;
    let header = object(&header_bytes, "header")?;
    let payload_bytes =
        b64::decode(payload_b64.as_bytes()).ok_or_else(|| invalid("Invalid payload padding"))?;
    let sig = b64::decode(sig_b64.as_bytes()).ok_or_else(|| invalid("Invalid crypto padding"))?;
    check_header(&header)?;
    let payload = object(&payload_bytes, "payload")?;
    Ok(Parsed {
        header,
        payload,
        signing_input,
        sig_b64,
        sig,
    })
}

/// Header checks PyJWT makes before the signature (`kid`), plus RFC 7515 `crit`, which we
/// reject outright since we implement no extension (PyJWT ≥ 2.12 does the same).
fn check_header(header: &Map<String, Value>) -> Result<(), JwtError> {
    if let Some(kid) = header.get("kid") {
        if !kid.is_string() {
            return Err(invalid("Key ID header parameter must be a string"));
        }
    }
    if let Some(crit) = header.get("crit") {
        let list = match crit {
            Value::Array(l) if !l.is_empty() => l,
            _ => return Err(invalid("Invalid 'crit' header: must be a non-empty list")),
        };
        for ext in list {
            match ext {
                Value::String(s) => {
                    return Err(invalid(format!("Unsupported critical extension: {s}")))
                }
                _ => return Err(invalid("Invalid 'crit' header: values must be strings")),
            }
        }
    }
    Ok(())
}

/// The header's `alg`, if it is allowed.
pub(crate) fn allowed_alg(
    header: &Map<String, Value>,
    allows: impl Fn(Algorithm) -> bool,
) -> Result<Algorithm, JwtError> {
    let alg = match header.get("alg") {
        None => return Err(invalid("Algorithm not specified")),
        Some(Value::String(s)) => s.parse::<Algorithm>().ok(),
        Some(_) => None,
    };
    match alg {
        Some(a) if allows(a) => Ok(a),
        _ => Err(invalid("The specified alg value is not allowed")),
    }
}

/// Verifies the signature with `verifier` (for `alg`).
pub(crate) fn verify_signature(parsed: &Parsed<'_>, verifier: &Verifier) -> Result<(), JwtError> {
    if verifier.verify(parsed.signing_input.as_bytes(), parsed.sig_b64, &parsed.sig) {
        Ok(())
    } else {
        Err(invalid("Signature verification failed"))
    }
}

/// What to skip or add when checking claims.
#[derive(Clone, Copy, Default)]
pub(crate) struct ClaimChecks<'a> {
    pub(crate) allow_expired: bool,
    pub(crate) csrf_value: Option<&'a str>,
}

fn numeric(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        _ => None,
    }
}

/// A claim value is "truthy" in Python's sense.
fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64() != Some(0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

/// The registered-claim checks (PyJWT's `_validate_claims`), after the signature verified.
/// Returns whether the token is expired (reported by the caller with the parts attached).
fn check_registered(
    payload: &Map<String, Value>,
    c: &JwtConfig,
    now: f64,
) -> Result<bool, JwtError> {
    let leeway = c.decode_leeway.as_secs_f64();
    if let Some(v) = payload.get("iat") {
        let iat = numeric(v).ok_or_else(|| invalid("Issued At claim (iat) must be an integer."))?;
        if iat.trunc() > now + leeway {
            return Err(invalid("The token is not yet valid (iat)"));
        }
    }
    if let Some(v) = payload.get("nbf") {
        let nbf =
            numeric(v).ok_or_else(|| invalid("Not Before claim (nbf) must be an integer."))?;
        if nbf.trunc() > now + leeway {
            return Err(invalid("The token is not yet valid (nbf)"));
        }
    }
    let mut expired = false;
    if let Some(v) = payload.get("exp") {
        let exp =
            numeric(v).ok_or_else(|| invalid("Expiration Time claim (exp) must be an integer."))?;
        expired = exp.trunc() <= now - leeway;
    }
    if expired {
        // PyJWT raises here: the checks below are not reached for an expired token.
        return Ok(true);
    }
    check_iss_aud_sub_jti(payload, c)?;
    Ok(false)
}

fn check_iss_aud_sub_jti(payload: &Map<String, Value>, c: &JwtConfig) -> Result<(), JwtError> {
    if let Some(issuers) = &c.decode_issuer {
        match payload.get("iss") {
            None => return Err(invalid("Token is missing the \"iss\" claim")),
            Some(Value::String(iss)) if issuers.iter().any(|i| i == iss) => {}
            Some(_) => return Err(invalid("Invalid issuer")),
        }
    }
    if let Some(audience) = &c.decode_audience {
        let aud = match payload.get("aud") {
            Some(v) if truthy(v) => v,
            _ => return Err(invalid("Token is missing the \"aud\" claim")),
        };
        let claims: Vec<&str> = match aud {
            Value::String(s) => vec![s.as_str()],
            Value::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    match item {
                        Value::String(s) => out.push(s.as_str()),
                        _ => return Err(invalid("Invalid claim format in token")),
                    }
                }
                out
            }
            _ => return Err(invalid("Invalid claim format in token")),
        };
        if !audience.values().any(|a| claims.contains(&a)) {
            return Err(invalid("Audience doesn't match"));
        }
    }
    if c.verify_sub {
        if let Some(sub) = payload.get("sub") {
            if !sub.is_string() {
                return Err(invalid("Subject must be a string"));
            }
        }
    }
    if let Some(jti) = payload.get("jti") {
        if !jti.is_string() {
            return Err(invalid("JWT ID must be a string"));
        }
    }
    Ok(())
}

/// flask-jwt-extended's defaults for absent claims.
fn apply_defaults(payload: &mut Map<String, Value>) {
    if !payload.contains_key("type") {
        payload.insert("type".into(), Value::String("access".into()));
    }
    if !payload.contains_key("fresh") {
        payload.insert("fresh".into(), Value::Bool(false));
    }
    if !payload.contains_key("jti") {
        payload.insert("jti".into(), Value::Null);
    }
}

/// Claim checks after a verified signature, then Flask's own checks (identity claim,
/// defaults, CSRF). Consumes the parsed token.
pub(crate) fn finish(
    parsed: Parsed<'_>,
    c: &JwtConfig,
    now: f64,
    checks: ClaimChecks<'_>,
) -> Result<(JwtHeader, Claims), JwtError> {
    let Parsed {
        header,
        mut payload,
        ..
    } = parsed;
    let expired = check_registered(&payload, c, now)?;
    if expired {
        if !checks.allow_expired {
            apply_defaults(&mut payload);
            return Err(JwtError::new(ErrorKind::Expired(Box::new(TokenParts {
                header: JwtHeader::new(header),
                claims: Claims::new(payload),
            }))));
        }
        check_iss_aud_sub_jti(&payload, c)?;
    }
    if !payload.contains_key(c.identity_claim.as_str()) {
        return Err(JwtError::new(ErrorKind::Decode(format!(
            "Missing claim: {}",
            c.identity_claim
        ))));
    }
    apply_defaults(&mut payload);
    if let Some(expected) = checks.csrf_value {
        match payload.get("csrf") {
            None => {
                return Err(JwtError::new(ErrorKind::Decode(
                    "Missing claim: csrf".into(),
                )))
            }
            Some(Value::String(claim))
                if bool::from(claim.as_bytes().ct_eq(expected.as_bytes())) => {}
            Some(_) => {
                return Err(JwtError::new(ErrorKind::Csrf(
                    "CSRF double submit tokens do not match".into(),
                )))
            }
        }
    }
    Ok((JwtHeader::new(header), Claims::new(payload)))
}
