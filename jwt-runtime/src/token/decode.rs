//! Reading a token, in flask-jwt-extended's (PyJWT's) order and with its messages:
//! structure → header JSON → base64 of payload and signature → header checks (`kid`, `crit`)
//! → payload JSON. The result is [`Unverified`]: the signature is checked next
//! ([`Unverified::verify_signature`]), then the claims ([`validate`](super::validate)).
//! Nothing about the claims is reported (in particular "expired") before the signature has
//! verified.

use serde_json::Value;

use super::claims::{header, Claims, Header, JwtHeader, Payload, HEADER, PAYLOAD};
use super::members::{Members, ObjectError};
use super::{invalid, TokenError};
use crate::b64;
use crate::config::Algorithm;
use crate::keys::Verifier;

/// A token split and parsed, not yet verified.
pub(crate) struct Unverified<'t> {
    pub(crate) header: Header,
    pub(crate) payload: Payload,
    signing_input: &'t str,
    sig_b64: &'t str,
    sig: Vec<u8>,
}

fn json_error(e: ObjectError, what: &str) -> TokenError {
    match e {
        ObjectError::NotAnObject => {
            invalid(format!("Invalid {what} string: must be a json object"))
        }
        ObjectError::Syntax(m) => invalid(format!("Invalid {what} string: {m}")),
    }
}

/// The unverified parse (PyJWT's `verify_signature=False` decode).
pub(crate) fn parse(token: &str, max_len: usize) -> Result<Unverified<'_>, TokenError> {
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
    let header = Members::parse(&HEADER, &header_bytes).map_err(|e| json_error(e, "header"))?;
    let payload_bytes =
        b64::decode(payload_b64.as_bytes()).ok_or_else(|| invalid("Invalid payload padding"))?;
    let sig = b64::decode(sig_b64.as_bytes()).ok_or_else(|| invalid("Invalid crypto padding"))?;
    check_header(&header)?;
    let payload = Members::parse(&PAYLOAD, &payload_bytes).map_err(|e| json_error(e, "payload"))?;
    Ok(Unverified {
        header,
        payload,
        signing_input,
        sig_b64,
        sig,
    })
}

/// Header checks PyJWT makes before the signature (`kid`), plus RFC 7515 `crit`, which we
/// reject outright since we implement no extension (PyJWT ≥ 2.12 does the same).
fn check_header(header: &Header) -> Result<(), TokenError> {
    if let Some(kid) = header.slot(header::KID) {
        if !kid.is_string() {
            return Err(invalid("Key ID header parameter must be a string"));
        }
    }
    if let Some(crit) = header.slot(header::CRIT) {
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

impl Unverified<'_> {
    /// The header's `kid` (a string: checked by the parse).
    pub(crate) fn kid(&self) -> Option<&str> {
        self.header.slot(header::KID).and_then(Value::as_str)
    }

    /// The header's `alg`, if `allows` it.
    pub(crate) fn algorithm(
        &self,
        allows: impl Fn(Algorithm) -> bool,
    ) -> Result<Algorithm, TokenError> {
        match self.header.slot(header::ALG) {
            None => Err(invalid("Algorithm not specified")),
            Some(Value::String(s)) => match s.parse() {
                Ok(a) if allows(a) => Ok(a),
                _ => Err(invalid("The specified alg value is not allowed")),
            },
            Some(_) => Err(invalid("The specified alg value is not allowed")),
        }
    }

    /// Verifies the signature with `verifier`.
    pub(crate) fn verify_signature(&self, verifier: &Verifier) -> Result<(), TokenError> {
        if verifier.verify(self.signing_input.as_bytes(), self.sig_b64, &self.sig) {
            Ok(())
        } else {
            Err(invalid("Signature verification failed"))
        }
    }

    /// The header and claims as they are (for a `decode_key_loader`, or
    /// `get_unverified_jwt_headers`), with Flask's claim defaults.
    pub(crate) fn parts(&self) -> (JwtHeader, Claims) {
        (
            JwtHeader::decoded(self.header.clone()),
            Claims::decoded(self.payload.clone()),
        )
    }

    /// The header and claims, consumed.
    pub(crate) fn into_parts(self) -> (JwtHeader, Claims) {
        (
            JwtHeader::decoded(self.header),
            Claims::decoded(self.payload),
        )
    }
}
