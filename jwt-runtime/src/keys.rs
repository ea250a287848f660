//! Signing and verifying keys, built once when the manager is built.
//!
//! HMAC keys are pre-keyed `hmac` states: signing or verifying clones the state (no re-keying,
//! no allocation) and compares in constant time. Asymmetric algorithms go through
//! jsonwebtoken's crypto provider with keys parsed once.

use std::fmt;

use hmac::{Hmac, Mac};
use jsonwebtoken::{DecodingKey, EncodingKey};
use serde_json::{Map, Value};
use sha2::{Sha256, Sha384, Sha512};

use crate::b64;
use crate::config::{Algorithm, ConfigError, JwtConfig, PemKey, Secret};
use crate::jwk;
use crate::token::decode::Unverified;
use crate::token::{invalid, TokenError};

/// The message of a token whose `kid` names no key of the manager (422).
pub(crate) const UNKNOWN_KID: &str = "Unknown key id";

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
        // `new_from_slice` accepts any key length for HMAC.
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

/// A key ready to sign with one algorithm.
// The HMAC variant is large (pre-keyed SHA-512 states) and is the hot one: keeping it inline
// avoids a pointer chase on every request; there is one per manager.
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
                .ok_or_else(|| KeyError::new("invalid HMAC key")),
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
                .ok_or_else(|| KeyError::new("invalid HMAC key")),
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

/// A key that a token selects with its `kid`.
#[derive(Clone)]
pub(crate) struct KidKey {
    pub(crate) kid: Box<str>,
    /// The key's algorithm (the JWK's `alg`).
    pub(crate) alg: Algorithm,
    /// The algorithms it verifies: its own, or, for the current key, the decode allow-list.
    pub(crate) verifiers: Vec<(Algorithm, Verifier)>,
    /// Its public JWK members, for the JWK Set (`None`: an HMAC key, never published).
    pub(crate) public: Option<Map<String, Value>>,
}

impl KidKey {
    fn verifier(&self, alg: Algorithm) -> Option<&Verifier> {
        self.verifiers
            .iter()
            .find(|(a, _)| *a == alg)
            .map(|(_, v)| v)
    }

    /// The key for a token that named it: the token's `alg` must be the key's (RFC 8725 §3.1).
    pub(crate) fn select(&self, token: &Unverified<'_>) -> Result<&Verifier, TokenError> {
        let alg = token.algorithm(|a| self.verifier(a).is_some())?;
        self.verifier(alg)
            .ok_or_else(|| invalid("The specified alg value is not allowed"))
    }

    /// The key's entry in a JWK Set.
    pub(crate) fn jwk(&self) -> Option<Value> {
        let mut m = self.public.clone()?;
        m.insert("kid".into(), Value::String(self.kid.to_string()));
        m.insert("alg".into(), Value::String(format!("{:?}", self.alg)));
        m.insert("use".into(), Value::String("sig".into()));
        Some(Value::Object(m))
    }
}

/// A verification-only key given to the builder.
#[derive(Clone, Debug)]
pub(crate) struct ExtraKey {
    pub(crate) kid: Option<String>,
    pub(crate) key: Key,
    pub(crate) alg: Algorithm,
}

/// The verifying key a token selected.
pub(crate) enum Selected<'k> {
    Local(&'k Verifier),
    #[cfg(feature = "jwks")]
    Remote(crate::jwks::Selected),
}

impl Selected<'_> {
    pub(crate) fn verifier(&self) -> &Verifier {
        match self {
            Selected::Local(v) => v,
            #[cfg(feature = "jwks")]
            Selected::Remote(r) => r.verifier(),
        }
    }
}

/// The keys of a manager: one signer for `JWT_ALGORITHM`, one verifier per allowed algorithm
/// for the current key, and the keys that tokens select by `kid`.
#[derive(Clone)]
pub(crate) struct Keys {
    pub(crate) algorithm: Algorithm,
    pub(crate) signer: Option<Signer>,
    /// The default signing key, for tokens whose additional headers choose another `alg`.
    pub(crate) encode_key: Option<Key>,
    /// The current key: it verifies the tokens without `kid`.
    pub(crate) verifiers: Vec<(Algorithm, Verifier)>,
    /// The `kid` written in the header of tokens the default signer signs.
    pub(crate) signing_kid: Option<String>,
    /// Every key with a `kid`, the current one first. Empty: no key has a `kid`, and a token's
    /// `kid` is not looked at (flask-jwt-extended's behaviour with one secret).
    pub(crate) by_kid: Vec<KidKey>,
    /// The JWK Set of the public keys that verify, serialized once.
    pub(crate) jwks_json: String,
    /// A remote JWK Set (`JWT_JWKS_URL`).
    #[cfg(feature = "jwks")]
    pub(crate) remote: Option<crate::jwks::JwksClient>,
}

impl Keys {
    pub(crate) fn verifier(&self, alg: Algorithm) -> Option<&Verifier> {
        self.verifiers
            .iter()
            .find(|(a, _)| *a == alg)
            .map(|(_, v)| v)
    }

    pub(crate) fn allows(&self, alg: Algorithm) -> bool {
        self.verifiers.iter().any(|(a, _)| *a == alg)
    }

    fn has_remote(&self) -> bool {
        #[cfg(feature = "jwks")]
        return self.remote.is_some();
        #[cfg(not(feature = "jwks"))]
        false
    }

    /// The key a token selects: by its `kid` exactly that key (an unknown `kid` is an error,
    /// no other key is tried), without `kid` the current key. The token's `alg` must be one the
    /// key verifies.
    pub(crate) fn select(&self, token: &Unverified<'_>) -> Result<Selected<'_>, TokenError> {
        if let Some(kid) = token.kid() {
            if !self.by_kid.is_empty() || self.has_remote() {
                if let Some(k) = self.by_kid.iter().find(|k| *k.kid == *kid) {
                    return k.select(token).map(Selected::Local);
                }
                #[cfg(feature = "jwks")]
                if let Some(remote) = &self.remote {
                    return remote.select(kid, token).map(Selected::Remote);
                }
                return Err(invalid(UNKNOWN_KID));
            }
        } else if self.verifiers.is_empty() && self.has_remote() {
            return Err(invalid("Missing key id: the token has no \"kid\" header"));
        }
        let alg = token.algorithm(|a| self.allows(a))?;
        self.verifier(alg)
            .map(Selected::Local)
            .ok_or_else(|| invalid("The specified alg value is not allowed"))
    }

    /// The JWK Set of the public keys that verify (current and verification-only).
    pub(crate) fn jwks(&self) -> Value {
        let keys: Vec<Value> = self.by_kid.iter().filter_map(KidKey::jwk).collect();
        serde_json::json!({ "keys": keys })
    }
}

fn min_secret_len(alg: Algorithm) -> usize {
    match alg {
        Algorithm::HS384 => 48,
        Algorithm::HS512 => 64,
        _ => 32,
    }
}

fn looks_like_public_key_material(secret: &[u8]) -> bool {
    let t = secret.trim_ascii_start();
    t.starts_with(b"-----BEGIN")
        || t.starts_with(b"ssh-")
        || t.starts_with(b"ecdsa-sha2-")
        || t.starts_with(b"{")
        || is_base64_der(t)
}

/// A PEM body without its armour (`MIIBIjANBgkq…`): standard base64 of one DER `SEQUENCE`
/// whose length is the whole input.
fn is_base64_der(t: &[u8]) -> bool {
    use base64::Engine;
    let compact: Vec<u8> = t
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    let Ok(der) = base64::engine::general_purpose::STANDARD.decode(&compact) else {
        return false;
    };
    let (len, header) = match der.as_slice() {
        [0x30, n, ..] if *n < 0x80 => (usize::from(*n), 2),
        [0x30, 0x81, n, ..] => (usize::from(*n), 3),
        [0x30, 0x82, hi, lo, ..] => (usize::from(*hi) << 8 | usize::from(*lo), 4),
        _ => return false,
    };
    header + len == der.len()
}

/// A secret that is a short pattern repeated (`aaaa…`, `passwordpassword…`) or made of very few
/// distinct bytes: whatever its length, it is guessable.
fn is_low_entropy(secret: &[u8]) -> bool {
    let repeats = (1..=secret.len() / 2)
        .take(16)
        .any(|p| secret.len().is_multiple_of(p) && secret.chunks(p).all(|c| c == &secret[..p]));
    let mut seen = [false; 256];
    for b in secret {
        seen[usize::from(*b)] = true;
    }
    let distinct = seen.iter().filter(|s| **s).count();
    repeats || distinct < 8
}

/// Installs jsonwebtoken's crypto provider explicitly, so that feature unification (an app
/// enabling `aws_lc_rs` too) can never leave it in its panicking state.
pub(crate) fn install_crypto_provider() {
    let _ = jsonwebtoken::crypto::rust_crypto::DEFAULT_PROVIDER.install_default();
}

/// Builds and self-tests the keys of a configuration: the current key, with `key_id` as its
/// `kid` (else its thumbprint, for a public key), `JWT_RETIRED_PUBLIC_KEYS` and the builder's
/// verification-only keys.
pub(crate) fn build(
    c: &JwtConfig,
    dynamic_keys: bool,
    key_id: Option<&str>,
    extra: &[ExtraKey],
    jwks: &[Value],
) -> Result<Keys, ConfigError> {
    install_crypto_provider();
    let algs = c.effective_decode_algorithms();
    let fam = family(c.algorithm);
    if let Some(other) = algs.iter().find(|a| family(**a) != fam) {
        return Err(ConfigError::new(
            "JWT_DECODE_ALGORITHMS",
            format!(
                "mixes {:?} with {:?}: each key is used with one algorithm family only (RFC 8725 §3.1)",
                c.algorithm, other
            ),
        ));
    }
    let (encode_key, decode_key) = if fam == Family::Hmac {
        if c.private_key.is_some() || c.public_key.is_some() {
            return Err(ConfigError::new(
                "JWT_PUBLIC_KEY",
                format!(
                    "is set but JWT_ALGORITHM is {:?}, which uses JWT_SECRET_KEY",
                    c.algorithm
                ),
            ));
        }
        match &c.secret_key {
            None if dynamic_keys => (None, None),
            None => {
                return Err(ConfigError::new(
                    "JWT_SECRET_KEY",
                    format!(
                        "must be set when using symmetric algorithm \"{:?}\"",
                        c.algorithm
                    ),
                ))
            }
            Some(s) => {
                // The longest minimum of every algorithm the key is used with (RFC 7518 §3.2).
                let (alg, min) = algs
                    .iter()
                    .map(|a| (*a, min_secret_len(*a)))
                    .chain([(c.algorithm, min_secret_len(c.algorithm))])
                    .max_by_key(|(_, min)| *min)
                    .unwrap_or((c.algorithm, 32));
                if s.0.len() < min {
                    return Err(ConfigError::new(
                        "JWT_SECRET_KEY",
                        format!(
                            "is {} bytes; {alg:?} needs at least {min} random bytes (RFC 7518 \
                             §3.2): make one with `openssl rand -hex {min}`",
                            s.0.len(),
                        ),
                    ));
                }
                if is_low_entropy(&s.0) {
                    return Err(ConfigError::new(
                        "JWT_SECRET_KEY",
                        format!(
                            "is a short pattern repeated or has very few distinct characters, so \
                             it can be guessed: make a random one with `openssl rand -hex {min}`"
                        ),
                    ));
                }
                if looks_like_public_key_material(&s.0) {
                    return Err(ConfigError::new(
                        "JWT_SECRET_KEY",
                        "looks like key material (PEM, a base64 DER key body, SSH or JWK); an HMAC secret must be \
                         random bytes, and public keys belong in JWT_PUBLIC_KEY",
                    ));
                }
                (Some(Key::Secret(s.clone())), Some(Key::Secret(s.clone())))
            }
        }
    } else {
        if c.secret_key.is_some() && c.public_key.is_none() && !dynamic_keys {
            return Err(ConfigError::new(
                "JWT_PUBLIC_KEY",
                format!(
                    "must be set to use asymmetric cryptography algorithm \"{:?}\"",
                    c.algorithm
                ),
            ));
        }
        match &c.public_key {
            None if dynamic_keys => (c.private_key.clone().map(Key::Pem), None),
            None => {
                return Err(ConfigError::new(
                    "JWT_PUBLIC_KEY",
                    format!(
                        "must be set to use asymmetric cryptography algorithm \"{:?}\"",
                        c.algorithm
                    ),
                ))
            }
            Some(p) => (
                c.private_key.clone().map(Key::Pem),
                Some(Key::Pem(p.clone())),
            ),
        }
    };

    let signer = match &encode_key {
        Some(k) => Some(
            Signer::new(c.algorithm, k)
                .map_err(|e| ConfigError::caused_by(key_option(fam, true), e))?,
        ),
        None => None,
    };
    let mut verifiers = Vec::with_capacity(algs.len());
    if let Some(k) = &decode_key {
        for alg in &algs {
            let v = Verifier::new(*alg, k)
                .map_err(|e| ConfigError::caused_by(key_option(fam, false), e))?;
            verifiers.push((*alg, v));
        }
    }
    let mut by_kid = Vec::new();
    let mut signing_kid = None;
    if decode_key.is_some() {
        let public = match verifiers.iter().find(|(a, _)| *a == c.algorithm) {
            Some((_, Verifier::Asym(k, alg))) => jwk::public_members(k, *alg)
                .map_err(|e| ConfigError::caused_by(key_option(fam, false), e))?,
            _ => None,
        };
        let kid = key_id
            .map(str::to_owned)
            .or_else(|| public.as_ref().and_then(jwk::thumbprint));
        if let Some(kid) = kid {
            if signer.is_some() {
                signing_kid = Some(kid.clone());
            }
            by_kid.push(KidKey {
                kid: kid.into(),
                alg: c.algorithm,
                verifiers: verifiers.clone(),
                public,
            });
        }
    } else if signer.is_some() {
        signing_kid = key_id.map(str::to_owned);
    }
    for pem in &c.retired_public_keys {
        let option = "JWT_RETIRED_PUBLIC_KEYS";
        let alg = jwk::algorithm_of_pem(pem, c.algorithm)
            .map_err(|e| ConfigError::caused_by(option, e))?;
        add_kid_key(&mut by_kid, option, None, &Key::Pem(pem.clone()), alg)?;
    }
    for v in jwks {
        let option = "verification_jwk";
        let k = jwk::import(v, c.algorithm)
            .map_err(|why| ConfigError::new(option, format!("the JWK {why}")))?;
        let verifier = Verifier::Asym(Box::new(k.key), k.alg);
        add_verifier(&mut by_kid, option, Some(&k.kid), verifier, k.alg)?;
    }
    for e in extra {
        add_kid_key(
            &mut by_kid,
            "verification_key",
            e.kid.as_deref(),
            &e.key,
            e.alg,
        )?;
    }
    let mut keys = Keys {
        algorithm: c.algorithm,
        signer,
        encode_key,
        verifiers,
        signing_kid,
        by_kid,
        jwks_json: String::new(),
        #[cfg(feature = "jwks")]
        remote: None,
    };
    keys.jwks_json = keys.jwks().to_string();
    self_test(&keys, fam)?;
    Ok(keys)
}

/// Adds a verification-only key: its `kid` is `kid`, or its thumbprint (public keys only).
fn add_kid_key(
    by_kid: &mut Vec<KidKey>,
    option: &str,
    kid: Option<&str>,
    key: &Key,
    alg: Algorithm,
) -> Result<(), ConfigError> {
    if let Key::Secret(s) = key {
        if family(alg) == Family::Hmac && s.0.len() < min_secret_len(alg) {
            return Err(ConfigError::new(
                option,
                format!(
                    "an {alg:?} secret must have at least {} bytes (RFC 7518 §3.2)",
                    min_secret_len(alg)
                ),
            ));
        }
    }
    let verifier = Verifier::new(alg, key).map_err(|e| ConfigError::caused_by(option, e))?;
    add_verifier(by_kid, option, kid, verifier, alg)
}

/// Adds a verification-only key, ready to verify.
fn add_verifier(
    by_kid: &mut Vec<KidKey>,
    option: &str,
    kid: Option<&str>,
    verifier: Verifier,
    alg: Algorithm,
) -> Result<(), ConfigError> {
    let public = match &verifier {
        Verifier::Asym(k, alg) => {
            jwk::public_members(k, *alg).map_err(|e| ConfigError::caused_by(option, e))?
        }
        Verifier::Hmac(_) => None,
    };
    let kid = match (kid, &public) {
        (Some(k), _) if !k.is_empty() => k.to_owned(),
        (_, Some(p)) => jwk::thumbprint(p)
            .ok_or_else(|| ConfigError::new(option, "the key has no RFC 7638 thumbprint"))?,
        _ => {
            return Err(ConfigError::new(
                option,
                "an HMAC secret needs an explicit, non-empty key id (kid)",
            ))
        }
    };
    if by_kid.iter().any(|k| *k.kid == *kid) {
        return Err(ConfigError::new(
            option,
            format!("the key id {kid:?} is used by two keys (is a key listed twice?)"),
        ));
    }
    by_kid.push(KidKey {
        kid: kid.into(),
        alg,
        verifiers: vec![(alg, verifier)],
        public,
    });
    Ok(())
}

fn key_option(fam: Family, encode: bool) -> &'static str {
    match (fam, encode) {
        (Family::Hmac, _) => "JWT_SECRET_KEY",
        (_, true) => "JWT_PRIVATE_KEY",
        (_, false) => "JWT_PUBLIC_KEY",
    }
}

/// One sign-and-verify round trip before any request is served.
fn self_test(keys: &Keys, fam: Family) -> Result<(), ConfigError> {
    let msg = b"axum-jwt-extended self-test";
    if let (Some(signer), Some(verifier)) = (&keys.signer, keys.verifier(keys.algorithm)) {
        let sig = signer
            .sign(msg)
            .map_err(|e| ConfigError::caused_by(key_option(fam, true), e))?;
        let raw = b64::decode(sig.as_bytes()).unwrap_or_default();
        if !verifier.verify(msg, &sig, &raw) {
            return Err(ConfigError::new(
                key_option(fam, false),
                "the public key does not verify what the private key signs",
            ));
        }
    }
    // Exercise jsonwebtoken's provider once so a broken provider fails here, not in a request.
    let probe = EncodingKey::from_secret(b"provider-self-test-key-0123456789abcdef");
    let sig = jsonwebtoken::crypto::sign(msg, &probe, Algorithm::HS256)
        .map_err(|e| ConfigError::new("JWT_ALGORITHM", format!("crypto provider failed: {e}")))?;
    let ok = jsonwebtoken::crypto::verify(
        &sig,
        msg,
        &DecodingKey::from_secret(b"provider-self-test-key-0123456789abcdef"),
        Algorithm::HS256,
    )
    .unwrap_or(false);
    if !ok {
        return Err(ConfigError::new(
            "JWT_ALGORITHM",
            "crypto provider self-test failed",
        ));
    }
    Ok(())
}
