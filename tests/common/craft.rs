//! Tokens made by hand, as PyJWT's `jwt.encode` makes them in flask-jwt-extended's tests:
//! any header and payload text, HS256/HS512-signed with any secret.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::{Sha256, Sha512};

/// Base64url without padding.
pub fn b64(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The HS256 signature of `input`.
pub fn hs256(input: &str, secret: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("any key length");
    mac.update(input.as_bytes());
    b64(mac.finalize().into_bytes())
}

/// The HS512 signature of `input`.
pub fn hs512(input: &str, secret: &[u8]) -> String {
    let mut mac = Hmac::<Sha512>::new_from_slice(secret).expect("any key length");
    mac.update(input.as_bytes());
    b64(mac.finalize().into_bytes())
}

/// `header.payload.signature` from raw JSON texts, HS256-signed with `secret`.
pub fn raw(header_json: &str, payload_json: &str, secret: &[u8]) -> String {
    let input = format!("{}.{}", b64(header_json), b64(payload_json));
    let sig = hs256(&input, secret);
    format!("{input}.{sig}")
}

/// PyJWT's `jwt.encode(claims, SECRET, "HS256", headers=…)`, with the interop secret.
pub fn token_with_headers(claims: &Value, extra_headers: &Value) -> String {
    let mut header = serde_json::json!({"alg": "HS256", "typ": "JWT"});
    if let (Some(h), Some(extra)) = (header.as_object_mut(), extra_headers.as_object()) {
        h.extend(extra.clone());
    }
    raw(
        &header.to_string(),
        &claims.to_string(),
        super::SECRET.as_bytes(),
    )
}

/// PyJWT's `jwt.encode(claims, SECRET, "HS256")` (the upstream tests' `encode_token`).
pub fn token(claims: &Value) -> String {
    token_with_headers(claims, &Value::Null)
}
