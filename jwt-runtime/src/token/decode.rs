//! Decoding and verification, in flask-jwt-extended's (PyJWT's) order and with its messages.
//!
//! Order: structure → header JSON → base64 of payload and signature → header checks (`kid`,
//! `crit`) → payload JSON → key → algorithm allow-list → signature → `iat`, `nbf`, `exp`,
//! `iss`, `aud`, `sub`, `jti` → identity claim → defaults → CSRF. Nothing about the claims is
//! reported (in particular "expired") before the signature has verified.

use std::borrow::Cow;

use serde_json::Value;
use subtle::ConstantTimeEq;

use super::b64;
use super::claims::{Claims, HeaderMembers, JwtHeader, PayloadMembers};
use super::json::{parse_object, scan_object, ObjectError};
use super::scan::{HeaderScan, PayloadScan, Scalar};
use crate::config::{Algorithm, JwtConfig};
use crate::error::{invalid, ErrorKind, JwtError, TokenParts};
use crate::keys::Verifier;

/// What the claim checks need from a payload, owned.
pub(crate) struct Facts {
    iat: Option<Scalar<'static>>,
    nbf: Option<Scalar<'static>>,
    exp: Option<Scalar<'static>>,
    iss: Option<Scalar<'static>>,
    aud: Option<Value>,
    sub_is_string: Option<bool>,
    jti: Option<Scalar<'static>>,
    has_identity: bool,
    csrf_present: bool,
}

fn owned(s: &Option<Scalar<'_>>) -> Option<Scalar<'static>> {
    s.as_ref().map(|s| match s {
        Scalar::Str(c) => Scalar::Str(Cow::Owned(c.clone().into_owned())),
        Scalar::Num(n) => Scalar::Num(*n),
        Scalar::Bool(b) => Scalar::Bool(*b),
        Scalar::Null => Scalar::Null,
        Scalar::Compound => Scalar::Compound,
    })
}

/// The header's `alg`, as read.
enum Alg {
    Missing,
    Known(Algorithm),
    Unknown,
}

/// A token split and parsed, not yet verified.
pub(crate) struct Parsed<'t> {
    header_json: String,
    header_members: HeaderMembers,
    alg: Alg,
    payload_json: String,
    payload_members: PayloadMembers,
    facts: Facts,
    signing_input: &'t str,
    sig_b64: &'t str,
    sig: Vec<u8>,
}

fn json_error(e: ObjectError, what: &str) -> JwtError {
    match e {
        ObjectError::NotAnObject => {
            invalid(format!("Invalid {what} string: must be a json object"))
        }
        ObjectError::Syntax(m) => invalid(format!("Invalid {what} string: {m}")),
    }
}

/// The bytes as text; invalid UTF-8 is reported as the JSON parser reports it.
fn utf8(bytes: Vec<u8>, what: &str) -> Result<String, JwtError> {
    String::from_utf8(bytes).map_err(|e| match parse_object(e.as_bytes()) {
        Err(err) => json_error(err, what),
        Ok(_) => invalid(format!("Invalid {what} string: invalid UTF-8")),
    })
}

/// The unverified parse (PyJWT's `verify_signature=False` decode).
pub(crate) fn parse<'t>(
    token: &'t str,
    max_len: usize,
    identity_claim: &str,
) -> Result<Parsed<'t>, JwtError> {
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
    let header_json = utf8(header_bytes, "header")?;
    let header =
        scan_object(&header_json, HeaderScan::default()).map_err(|e| json_error(e, "header"))?;
    let payload_bytes =
        b64::decode(payload_b64.as_bytes()).ok_or_else(|| invalid("Invalid payload padding"))?;
    let sig = b64::decode(sig_b64.as_bytes()).ok_or_else(|| invalid("Invalid crypto padding"))?;
    check_header(&header)?;
    let alg = match &header.alg {
        None => Alg::Missing,
        Some(Scalar::Str(s)) => s.parse().map_or(Alg::Unknown, Alg::Known),
        Some(_) => Alg::Unknown,
    };
    let header_members = HeaderMembers::new(&header, &header_json);
    let payload_json = utf8(payload_bytes, "payload")?;
    let scan = PayloadScan {
        identity_claim,
        ..PayloadScan::default()
    };
    let payload = scan_object(&payload_json, scan).map_err(|e| json_error(e, "payload"))?;
    let facts = Facts {
        iat: owned(&payload.iat),
        nbf: owned(&payload.nbf),
        exp: owned(&payload.exp),
        iss: owned(&payload.iss),
        aud: payload.aud.clone(),
        sub_is_string: payload.sub_is_string,
        jti: owned(&payload.jti),
        has_identity: payload.identity.is_some(),
        csrf_present: payload.csrf.is_some(),
    };
    let payload_members = PayloadMembers::new(&payload, &payload_json);
    drop(payload);
    Ok(Parsed {
        header_json,
        header_members,
        alg,
        payload_json,
        payload_members,
        facts,
        signing_input,
        sig_b64,
        sig,
    })
}

impl Parsed<'_> {
    /// The unverified header and claims, for a `decode_key_loader`.
    pub(crate) fn unverified(&self) -> (JwtHeader, Claims) {
        (
            JwtHeader::decoded(self.header_json.clone(), self.header_members.clone()),
            Claims::decoded(self.payload_json.clone(), self.payload_members.clone()),
        )
    }

    fn into_parts(self) -> (JwtHeader, Claims) {
        (
            JwtHeader::decoded(self.header_json, self.header_members),
            Claims::decoded(self.payload_json, self.payload_members),
        )
    }
}

/// Header checks PyJWT makes before the signature (`kid`), plus RFC 7515 `crit`, which we
/// reject outright since we implement no extension (PyJWT ≥ 2.12 does the same).
fn check_header(header: &HeaderScan<'_>) -> Result<(), JwtError> {
    if let Some(kid) = &header.kid {
        if kid.as_str().is_none() {
            return Err(invalid("Key ID header parameter must be a string"));
        }
    }
    if let Some(crit) = &header.crit {
        let first = match crit {
            Value::Array(l) => l.first(),
            _ => None,
        };
        return Err(match first {
            None => invalid("Invalid 'crit' header: must be a non-empty list"),
            Some(Value::String(s)) => invalid(format!("Unsupported critical extension: {s}")),
            Some(_) => invalid("Invalid 'crit' header: values must be strings"),
        });
    }
    Ok(())
}

/// The header's `alg`, if it is allowed.
pub(crate) fn allowed_alg(
    parsed: &Parsed<'_>,
    allows: impl Fn(Algorithm) -> bool,
) -> Result<Algorithm, JwtError> {
    match parsed.alg {
        Alg::Missing => Err(invalid("Algorithm not specified")),
        Alg::Known(a) if allows(a) => Ok(a),
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
fn check_registered(f: &Facts, c: &JwtConfig, now: f64) -> Result<bool, JwtError> {
    let leeway = c.decode_leeway.as_secs_f64();
    if let Some(v) = &f.iat {
        let iat = v
            .as_num()
            .ok_or_else(|| invalid("Issued At claim (iat) must be an integer."))?;
        if iat.trunc() > now + leeway {
            return Err(invalid("The token is not yet valid (iat)"));
        }
    }
    if let Some(v) = &f.nbf {
        let nbf = v
            .as_num()
            .ok_or_else(|| invalid("Not Before claim (nbf) must be an integer."))?;
        if nbf.trunc() > now + leeway {
            return Err(invalid("The token is not yet valid (nbf)"));
        }
    }
    if let Some(v) = &f.exp {
        let exp = v
            .as_num()
            .ok_or_else(|| invalid("Expiration Time claim (exp) must be an integer."))?;
        if exp.trunc() <= now - leeway {
            // PyJWT raises here: the checks below are not reached for an expired token.
            return Ok(true);
        }
    }
    check_iss_aud_sub_jti(f, c)?;
    Ok(false)
}

fn check_iss_aud_sub_jti(f: &Facts, c: &JwtConfig) -> Result<(), JwtError> {
    if let Some(issuers) = &c.decode_issuer {
        match &f.iss {
            None => return Err(invalid("Token is missing the \"iss\" claim")),
            Some(Scalar::Str(iss)) if issuers.iter().any(|i| i == iss) => {}
            Some(_) => return Err(invalid("Invalid issuer")),
        }
    }
    if let Some(audience) = &c.decode_audience {
        let aud = match &f.aud {
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
    if c.verify_sub && f.sub_is_string == Some(false) {
        return Err(invalid("Subject must be a string"));
    }
    if let Some(jti) = &f.jti {
        if jti.as_str().is_none() {
            return Err(invalid("JWT ID must be a string"));
        }
    }
    Ok(())
}

/// Claim checks after a verified signature, then Flask's own checks (identity claim,
/// CSRF). Consumes the parsed token; defaults are applied by [`Claims`].
pub(crate) fn finish(
    parsed: Parsed<'_>,
    c: &JwtConfig,
    now: f64,
    checks: ClaimChecks<'_>,
) -> Result<(JwtHeader, Claims), JwtError> {
    let expired = check_registered(&parsed.facts, c, now)?;
    if expired {
        if !checks.allow_expired {
            let (header, claims) = parsed.into_parts();
            return Err(JwtError::new(ErrorKind::Expired(Box::new(TokenParts {
                header,
                claims,
            }))));
        }
        check_iss_aud_sub_jti(&parsed.facts, c)?;
    }
    if !parsed.facts.has_identity {
        return Err(JwtError::new(ErrorKind::Decode(format!(
            "Missing claim: {}",
            c.identity_claim
        ))));
    }
    let csrf_present = parsed.facts.csrf_present;
    let (header, claims) = parsed.into_parts();
    if let Some(expected) = checks.csrf_value {
        if !csrf_present {
            return Err(JwtError::new(ErrorKind::Decode(
                "Missing claim: csrf".into(),
            )));
        }
        let matches = claims
            .csrf()
            .is_some_and(|claim| bool::from(claim.as_bytes().ct_eq(expected.as_bytes())));
        if !matches {
            return Err(JwtError::new(ErrorKind::Csrf(
                "CSRF double submit tokens do not match".into(),
            )));
        }
    }
    Ok((header, claims))
}
