//! The crypto leaf: keys as given ([`Key`]), their algorithm families, and keys ready to sign
//! ([`Signer`]) or verify ([`Verifier`]) one algorithm, built once.
//!
//! HMAC keys are pre-keyed `hmac` states: signing or verifying clones the state (no re-keying,
//! no allocation) and compares in constant time. Asymmetric algorithms go through
//! jsonwebtoken's crypto provider with keys parsed once. Nothing here knows tokens.

use std::fmt;

use hmac::{Hmac, Mac};
use jsonwebtoken::jwk::{AlgorithmParameters, Jwk};
use jsonwebtoken::{DecodingKey, EncodingKey};
use sha2::{Sha256, Sha384, Sha512};

use crate::b64;
use crate::config::{Algorithm, PemKey, Secret};

/// A key returned by an `encode_key_loader` or `decode_key_loader`.
#[derive(Debug, Clone)]
pub enum Key {
    /// An HMAC secret (HS256/384/512).
    Secret(Secret),
    /// A PEM key: private for encoding, public for decoding (RS*, PS*, ES*, EdDSA).
    Pem(PemKey),
}

impl From<Secret> for Key {
    fn from(s: Secret) -> Self {
        Key::Secret(s)
    }
}

impl From<PemKey> for Key {
    fn from(k: PemKey) -> Self {
        Key::Pem(k)
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Family {
    Hmac,
    Rsa,
    Ec,
    Ed,
    Unknown,
}

pub(crate) fn family(alg: Algorithm) -> Family {
    match alg {
        Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => Family::Hmac,
        Algorithm::RS256
        | Algorithm::RS384
        | Algorithm::RS512
        | Algorithm::PS256
        | Algorithm::PS384
        | Algorithm::PS512 => Family::Rsa,
        Algorithm::ES256 | Algorithm::ES384 => Family::Ec,
        Algorithm::EdDSA => Family::Ed,
        // A future algorithm: its own family, so it can never share a key with another.
        _ => Family::Unknown,
    }
}

/// A pre-keyed HMAC.
#[derive(Clone)]
pub(crate) enum HmacKey {
    Hs256(Hmac<Sha256>),
    Hs384(Hmac<Sha384>),
    Hs512(Hmac<Sha512>),
}

impl HmacKey {
    fn new(alg: Algorithm, secret: &[u8]) -> Option<HmacKey> {
        // `new_from_slice` accepts any key length for HMAC, the empty key too: refused here,
        // as jsonwebtoken 12 refuses it (a key loader could return one at request time).
        if secret.is_empty() {
            return None;
        }
        Some(match alg {
            Algorithm::HS256 => HmacKey::Hs256(Hmac::new_from_slice(secret).ok()?),
            Algorithm::HS384 => HmacKey::Hs384(Hmac::new_from_slice(secret).ok()?),
            Algorithm::HS512 => HmacKey::Hs512(Hmac::new_from_slice(secret).ok()?),
            _ => return None,
        })
    }

    fn sign(&self, msg: &[u8]) -> String {
        match self {
            HmacKey::Hs256(m) => b64::encode(m.clone().chain_update(msg).finalize().into_bytes()),
            HmacKey::Hs384(m) => b64::encode(m.clone().chain_update(msg).finalize().into_bytes()),
            HmacKey::Hs512(m) => b64::encode(m.clone().chain_update(msg).finalize().into_bytes()),
        }
    }

    /// Constant-time; the signature must have the exact length.
    fn verify(&self, msg: &[u8], sig: &[u8]) -> bool {
        match self {
            HmacKey::Hs256(m) => m.clone().chain_update(msg).verify_slice(sig).is_ok(),
            HmacKey::Hs384(m) => m.clone().chain_update(msg).verify_slice(sig).is_ok(),
            HmacKey::Hs512(m) => m.clone().chain_update(msg).verify_slice(sig).is_ok(),
        }
    }
}

/// A key that cannot be used: the wrong kind for the algorithm, or key material that does not
/// parse (the parser's error is the `source()`).
#[derive(Debug, Clone)]
pub struct KeyError {
    message: String,
    source: Option<jsonwebtoken::errors::Error>,
}

impl KeyError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        KeyError {
            message: message.into(),
            source: None,
        }
    }

    fn parse(message: String, source: jsonwebtoken::errors::Error) -> Self {
        KeyError {
            message,
            source: Some(source),
        }
    }
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.source {
            Some(e) => write!(f, "{}: {e}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for KeyError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_ref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// A key ready to sign with one algorithm.
// The HMAC variant is large (pre-keyed SHA-512 states) and is the hot one: keeping it inline
// avoids a pointer chase on every request; there is one per manager.
#[allow(clippy::large_enum_variant)]
#[derive(Clone)]
pub(crate) enum Signer {
    Hmac(HmacKey),
    Asym(Box<EncodingKey>, Algorithm),
}

impl Signer {
    pub(crate) fn new(alg: Algorithm, key: &Key) -> Result<Signer, KeyError> {
        match (family(alg), key) {
            (Family::Hmac, Key::Secret(s)) => HmacKey::new(alg, &s.0)
                .map(Signer::Hmac)
                .ok_or_else(|| KeyError::new("an empty or invalid HMAC key")),
            (Family::Hmac, Key::Pem(_)) => Err(KeyError::new(format!(
                "{alg:?} needs a secret, not a PEM key"
            ))),
            (_, Key::Secret(_)) => Err(KeyError::new(format!(
                "{alg:?} needs a PEM private key, not a secret"
            ))),
            (fam, Key::Pem(pem)) => {
                let pem = pem.0.as_bytes();
                let key = match fam {
                    Family::Rsa => EncodingKey::from_rsa_pem(pem),
                    Family::Ec => EncodingKey::from_ec_pem(pem),
                    Family::Ed => EncodingKey::from_ed_pem(pem),
                    _ => return Err(KeyError::new(format!("{alg:?} is not supported"))),
                }
                .map_err(|e| KeyError::parse(format!("invalid private key for {alg:?}"), e))?;
                if fam == Family::Rsa {
                    rsa_size(Jwk::from_encoding_key(&key, alg))?;
                }
                Ok(Signer::Asym(Box::new(key), alg))
            }
        }
    }

    /// The base64url signature of `msg`.
    pub(crate) fn sign(&self, msg: &[u8]) -> Result<String, KeyError> {
        match self {
            Signer::Hmac(k) => Ok(k.sign(msg)),
            Signer::Asym(k, alg) => jsonwebtoken::crypto::sign(msg, k, *alg)
                .map_err(|e| KeyError::parse("signing failed".into(), e)),
        }
    }
}

/// A key ready to verify one algorithm (inline HMAC state, as for [`Signer`]).
#[allow(clippy::large_enum_variant)]
#[derive(Clone)]
pub(crate) enum Verifier {
    Hmac(HmacKey),
    Asym(Box<DecodingKey>, Algorithm),
}

impl Verifier {
    pub(crate) fn new(alg: Algorithm, key: &Key) -> Result<Verifier, KeyError> {
        match (family(alg), key) {
            (Family::Hmac, Key::Secret(s)) => HmacKey::new(alg, &s.0)
                .map(Verifier::Hmac)
                .ok_or_else(|| KeyError::new("an empty or invalid HMAC key")),
            (Family::Hmac, Key::Pem(_)) => Err(KeyError::new(format!(
                "{alg:?} needs a secret, not a PEM key"
            ))),
            (_, Key::Secret(_)) => Err(KeyError::new(format!(
                "{alg:?} needs a PEM public key, not a secret"
            ))),
            (fam, Key::Pem(pem)) => {
                let pem = pem.0.as_bytes();
                let key = match fam {
                    Family::Rsa => DecodingKey::from_rsa_pem(pem),
                    Family::Ec => DecodingKey::from_ec_pem(pem),
                    Family::Ed => DecodingKey::from_ed_pem(pem),
                    _ => return Err(KeyError::new(format!("{alg:?} is not supported"))),
                }
                .map_err(|e| KeyError::parse(format!("invalid public key for {alg:?}"), e))?;
                if fam == Family::Rsa {
                    rsa_size(Jwk::from_decoding_key(&key, Some(alg)))?;
                }
                Ok(Verifier::Asym(Box::new(key), alg))
            }
        }
    }

    /// Checks `sig_b64` (already known to be canonical base64url, decoded as `sig`).
    pub(crate) fn verify(&self, msg: &[u8], sig_b64: &str, sig: &[u8]) -> bool {
        match self {
            Verifier::Hmac(k) => k.verify(msg, sig),
            Verifier::Asym(k, alg) => {
                jsonwebtoken::crypto::verify(sig_b64, msg, k, *alg).unwrap_or(false)
            }
        }
    }
}

/// The shortest RSA modulus accepted, in bits (RFC 7518 §3.3, NIST SP 800-131A): shorter
/// keys are refused everywhere (PEM keys, retired keys, JWKs, key loaders).
pub(crate) const MIN_RSA_BITS: usize = 2048;

/// The size in bits of a big-endian modulus, leading zero bytes not counted (a JWK's `n`
/// padded with zeros is no longer for it).
pub(crate) fn modulus_bits(n: &[u8]) -> usize {
    let n = match n.iter().position(|b| *b != 0) {
        Some(i) => &n[i..],
        None => return 0,
    };
    (n.len() - 1) * 8 + (8 - n[0].leading_zeros() as usize)
}

/// Refuses an RSA key under [`MIN_RSA_BITS`], read from its public components.
fn rsa_size(jwk: jsonwebtoken::errors::Result<Jwk>) -> Result<(), KeyError> {
    let jwk = jwk.map_err(|e| KeyError::parse("cannot read the RSA key's modulus".into(), e))?;
    let AlgorithmParameters::RSA(rsa) = &jwk.algorithm else {
        return Err(KeyError::new("not an RSA key"));
    };
    let bits = b64::decode(rsa.n.as_bytes())
        .map(|n| modulus_bits(&n))
        .unwrap_or(0);
    if bits < MIN_RSA_BITS {
        return Err(KeyError::new(format!(
            "an RSA key of {bits} bits is too short: at least {MIN_RSA_BITS} are required"
        )));
    }
    Ok(())
}

/// Installs jsonwebtoken's crypto provider explicitly, so that feature unification (an app
/// enabling `aws_lc_rs` too) can never leave it in its panicking state.
pub(crate) fn install_crypto_provider() {
    let _ = jsonwebtoken::crypto::rust_crypto::DEFAULT_PROVIDER.install_default();
}

#[cfg(test)]
mod tests {
    use super::modulus_bits;

    #[test]
    fn modulus_bits_ignore_leading_zero_bytes() {
        assert_eq!(modulus_bits(&[]), 0);
        assert_eq!(modulus_bits(&[0, 0]), 0);
        assert_eq!(modulus_bits(&[1]), 1);
        assert_eq!(modulus_bits(&[0x80, 0]), 16);
        let mut padded = vec![0u8; 128];
        padded.extend([0xC3; 128]);
        assert_eq!(modulus_bits(&padded), 1024, "256 bytes, 1024 of them bits");
        assert_eq!(modulus_bits(&[0xFF; 256]), 2048);
    }
}
