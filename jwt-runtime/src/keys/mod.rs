//! The keys of a manager, built once when the manager is built: the current signer, the
//! verifiers of the allowed algorithms, key sets selected by `kid` (local and remote) and the
//! JWK Set they publish. The key material itself is the crypto leaf's ([`crate::crypto`]).

mod secret;

use jsonwebtoken::{DecodingKey, EncodingKey};
use serde_json::Value;

use crate::b64;

use crate::config::{Algorithm, ConfigError, JwtConfig};
use crate::crypto::{family, install_crypto_provider, Family, Key, Signer, Verifier};
use crate::jwk::{self, KidKey};
use crate::token::decode::Unverified;
use crate::token::{invalid, TokenError};

use secret::{is_example_secret, is_low_entropy, looks_like_public_key_material, min_secret_len};

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
                return Err(TokenError::UnknownKid);
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
                if is_example_secret(&s.0) {
                    return Err(ConfigError::new(
                        "JWT_SECRET_KEY",
                        format!(
                            "is made of well-known example secrets (such as \"secret\", \
                             \"changeme\" or \"your-256-bit-secret\"), the first an attacker \
                             tries: make a random one with `openssl rand -hex {min}`"
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
    let provider_failed = |e: jsonwebtoken::errors::Error| {
        ConfigError::new("JWT_ALGORITHM", format!("crypto provider failed: {e}"))
    };
    const PROBE_KEY: &[u8] = b"provider-self-test-key-0123456789abcdef";
    let probe = EncodingKey::from_secret(PROBE_KEY).map_err(provider_failed)?;
    let sig = jsonwebtoken::crypto::sign(msg, &probe, Algorithm::HS256).map_err(provider_failed)?;
    let verifying = DecodingKey::from_secret(PROBE_KEY).map_err(provider_failed)?;
    let ok = jsonwebtoken::crypto::verify(&sig, msg, &verifying, Algorithm::HS256).unwrap_or(false);
    if !ok {
        return Err(ConfigError::new(
            "JWT_ALGORITHM",
            "crypto provider self-test failed",
        ));
    }
    Ok(())
}
