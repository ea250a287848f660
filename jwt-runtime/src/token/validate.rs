//! The claim rules, run after the signature verified: PyJWT's `_validate_claims` (`iat`,
//! `nbf`, `exp`, `iss`, `aud`, `sub`, `jti`, in that order and with its messages), then
//! flask-jwt-extended's identity claim. One function per rule, read from the typed slots of
//! the one parse.

use serde_json::Value;

use super::claims::{claim, Payload};
use super::{invalid, TokenError};
use crate::config::JwtConfig;

/// The result of the claim rules: the token is valid, or valid but expired (reported by the
/// caller, which attaches the header and claims for `expired_token_loader`).
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Validity {
    Valid,
    Expired,
}

/// The largest NumericDate we accept, exclusive: 2^64 seconds. Larger values (and negative
/// ones, and non-finite ones) are not dates any clock can reach (RFC 7519 §2).
const NUMERIC_DATE_END: f64 = 18_446_744_073_709_551_616.0;

/// A time claim: absent, or a NumericDate in range. PyJWT's message for a wrong type.
fn numeric_date(payload: &Payload, slot: usize, name: &str) -> Result<Option<f64>, TokenError> {
    let Some(v) = payload.slot(slot) else {
        return Ok(None);
    };
    let n = v
        .as_f64()
        .filter(|_| v.is_number())
        .ok_or_else(|| invalid(format!("{name} must be an integer.")))?;
    if !(0.0..NUMERIC_DATE_END).contains(&n) {
        return Err(invalid(format!("{name} is out of range.")));
    }
    Ok(Some(n.trunc()))
}

/// Runs every rule. `allow_expired` keeps checking past an expired `exp`, as
/// `decode_token(allow_expired=True)` does.
pub(crate) fn claims(
    payload: &Payload,
    c: &JwtConfig,
    now: f64,
    allow_expired: bool,
) -> Result<Validity, TokenError> {
    let leeway = c.decode_leeway.as_secs_f64();
    if let Some(iat) = numeric_date(payload, claim::IAT, "Issued At claim (iat)")? {
        if iat > now + leeway {
            return Err(invalid("The token is not yet valid (iat)"));
        }
    }
    if let Some(nbf) = numeric_date(payload, claim::NBF, "Not Before claim (nbf)")? {
        if nbf > now + leeway {
            return Err(invalid("The token is not yet valid (nbf)"));
        }
    }
    let mut validity = Validity::Valid;
    if let Some(exp) = numeric_date(payload, claim::EXP, "Expiration Time claim (exp)")? {
        if exp <= now - leeway {
            // PyJWT raises here: the checks below are not reached for an expired token.
            if !allow_expired {
                return Ok(Validity::Expired);
            }
            validity = Validity::Expired;
        }
    }
    issuer(payload, c)?;
    audience(payload, c)?;
    if c.verify_sub && payload.slot(claim::SUB).is_some_and(|s| !s.is_string()) {
        return Err(invalid("Subject must be a string"));
    }
    if payload.slot(claim::JTI).is_some_and(|j| !j.is_string()) {
        return Err(invalid("JWT ID must be a string"));
    }
    if payload.get(&c.identity_claim).is_none() {
        return Err(TokenError::MissingClaim(format!(
            "Missing claim: {}",
            c.identity_claim
        )));
    }
    Ok(validity)
}

fn issuer(payload: &Payload, c: &JwtConfig) -> Result<(), TokenError> {
    let Some(issuers) = &c.decode_issuer else {
        return Ok(());
    };
    match payload.slot(claim::ISS) {
        None => Err(invalid("Token is missing the \"iss\" claim")),
        Some(Value::String(iss)) if issuers.iter().any(|i| i == iss) => Ok(()),
        Some(_) => Err(invalid("Invalid issuer")),
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

fn audience(payload: &Payload, c: &JwtConfig) -> Result<(), TokenError> {
    let Some(audience) = &c.decode_audience else {
        return Ok(());
    };
    let aud = match payload.slot(claim::AUD) {
        Some(v) if truthy(v) => v,
        _ => return Err(invalid("Token is missing the \"aud\" claim")),
    };
    let claims: Vec<&str> = match aud {
        Value::String(s) => vec![s.as_str()],
        Value::Array(items) => items
            .iter()
            .map(|item| {
                item.as_str()
                    .ok_or_else(|| invalid("Invalid claim format in token"))
            })
            .collect::<Result<_, _>>()?,
        _ => return Err(invalid("Invalid claim format in token")),
    };
    if audience.values().any(|a| claims.contains(&a)) {
        Ok(())
    } else {
        Err(invalid("Audience doesn't match"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::claims::PAYLOAD;
    use crate::token::members::Members;

    fn check(json: &str, now: f64) -> Result<Validity, String> {
        let payload = Members::parse(&PAYLOAD, json.as_bytes()).map_err(|e| format!("{e:?}"))?;
        let c = JwtConfig::with_secret("a-very-long-secret-of-at-least-32-bytes!");
        claims(&payload, &c, now, false).map_err(|e| match e {
            TokenError::Invalid(m) | TokenError::MissingClaim(m) | TokenError::Encode(m) => m,
            TokenError::UnknownKid => crate::token::UNKNOWN_KID.to_owned(),
        })
    }

    #[test]
    fn time_claims() {
        let now = 1_000.0;
        assert_eq!(check(r#"{"sub":"a","exp":1001}"#, now), Ok(Validity::Valid));
        assert_eq!(
            check(r#"{"sub":"a","exp":1000}"#, now),
            Ok(Validity::Expired)
        );
        assert_eq!(
            check(r#"{"sub":"a","exp":1000.9}"#, now),
            Ok(Validity::Expired)
        );
        assert_eq!(
            check(r#"{"sub":"a","iat":1001}"#, now),
            Err("The token is not yet valid (iat)".into())
        );
        assert_eq!(
            check(r#"{"sub":"a","nbf":"1"}"#, now),
            Err("Not Before claim (nbf) must be an integer.".into())
        );
        for out_of_range in ["-1", "1e300", "18446744073709551616", "-0.5"] {
            assert_eq!(
                check(&format!(r#"{{"sub":"a","exp":{out_of_range}}}"#), now),
                Err("Expiration Time claim (exp) is out of range.".into()),
                "{out_of_range}"
            );
        }
        assert_eq!(
            check(r#"{"sub":"a","exp":10000000000000000000}"#, now),
            Ok(Validity::Valid)
        );
    }

    #[test]
    fn identity_sub_and_jti() {
        assert_eq!(
            check(r#"{"exp":2000}"#, 1.0),
            Err("Missing claim: sub".into())
        );
        assert_eq!(
            check(r#"{"sub":1}"#, 1.0),
            Err("Subject must be a string".into())
        );
        assert_eq!(
            check(r#"{"sub":"a","jti":5}"#, 1.0),
            Err("JWT ID must be a string".into())
        );
    }
}
