//! JSON Web Keys (RFC 7517) of verifying keys: the public JWK of a key, its RFC 7638
//! thumbprint (the default `kid`), and the import of one JWK of a JWK Set. Only public keys
//! of the asymmetric signature algorithms are ever written or read: never private members,
//! never an HMAC (`oct`) key.

use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk};
use jsonwebtoken::DecodingKey;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::b64;
use crate::config::{Algorithm, PemKey};
use crate::crypto::{family, modulus_bits, Family, KeyError, Verifier, MIN_RSA_BITS};
use crate::token::decode::Unverified;
use crate::token::{invalid, TokenError};

/// The members of a JWK that hold private key material (RFC 7518 §6.2.2, §6.3.2, §6.4.1;
/// RFC 8037 §2): a JWK that has any of them is refused.
const PRIVATE_MEMBERS: [&str; 8] = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

/// The curve an algorithm signs with (EC and OKP keys).
fn curve_of(alg: Algorithm) -> Option<&'static str> {
    match alg {
        Algorithm::ES256 => Some("P-256"),
        Algorithm::ES384 => Some("P-384"),
        Algorithm::EdDSA => Some("Ed25519"),
        _ => None,
    }
}

fn string(v: &str) -> Value {
    Value::String(v.to_owned())
}

/// The public JWK members of a verifying key (`kty` and the key's own members; no `kid`,
/// `alg` or `use`). `None` for an HMAC key, which is never published.
pub(crate) fn public_members(
    key: &DecodingKey,
    alg: Algorithm,
) -> Result<Option<Map<String, Value>>, KeyError> {
    if family(alg) == Family::Hmac {
        return Ok(None);
    }
    let jwk = Jwk::from_decoding_key(key, Some(alg))
        .map_err(|e| KeyError::new(format!("cannot describe the {alg:?} key as a JWK: {e}")))?;
    let mut m = Map::new();
    match &jwk.algorithm {
        AlgorithmParameters::RSA(p) => {
            m.insert("kty".into(), string("RSA"));
            m.insert("n".into(), string(&p.n));
            m.insert("e".into(), string(&p.e));
        }
        AlgorithmParameters::EllipticCurve(p) => {
            let crv = match p.curve {
                EllipticCurve::P256 => "P-256",
                EllipticCurve::P384 => "P-384",
                _ => return Err(KeyError::new("unsupported elliptic curve")),
            };
            if curve_of(alg) != Some(crv) {
                return Err(KeyError::new(format!(
                    "a {crv} key cannot be used with {alg:?}"
                )));
            }
            m.insert("kty".into(), string("EC"));
            m.insert("crv".into(), string(crv));
            m.insert("x".into(), string(&p.x));
            m.insert("y".into(), string(&p.y));
        }
        AlgorithmParameters::OctetKeyPair(p) => {
            m.insert("kty".into(), string("OKP"));
            m.insert("crv".into(), string("Ed25519"));
            m.insert("x".into(), string(&p.x));
        }
        _ => return Err(KeyError::new(format!("{alg:?} keys cannot be published"))),
    }
    Ok(Some(m))
}

/// The RFC 7638 thumbprint of a JWK: SHA-256, base64url, over the JSON object of the
/// required members only, in lexicographic order, without whitespace.
pub(crate) fn thumbprint(jwk: &Map<String, Value>) -> Option<String> {
    let required: &[&str] = match jwk.get("kty")?.as_str()? {
        "RSA" => &["e", "kty", "n"],
        "EC" => &["crv", "kty", "x", "y"],
        "OKP" => &["crv", "kty", "x"],
        _ => return None,
    };
    let mut canonical = String::from("{");
    for (i, name) in required.iter().enumerate() {
        if i > 0 {
            canonical.push(',');
        }
        let value = jwk.get(*name)?.as_str()?;
        canonical.push_str(&Value::String((*name).to_owned()).to_string());
        canonical.push(':');
        canonical.push_str(&Value::String(value.to_owned()).to_string());
    }
    canonical.push('}');
    Some(b64::encode(Sha256::digest(canonical.as_bytes())))
}

/// The algorithm of a PEM public key: `hint` (`JWT_ALGORITHM`) when it fits the key, else the
/// one the key's type implies (RSA → RS256, P-256 → ES256, P-384 → ES384, Ed25519 → EdDSA).
pub(crate) fn algorithm_of_pem(pem: &PemKey, hint: Algorithm) -> Result<Algorithm, KeyError> {
    let bytes = pem.0.as_bytes();
    if DecodingKey::from_rsa_pem(bytes).is_ok() {
        return Ok(if family(hint) == Family::Rsa {
            hint
        } else {
            Algorithm::RS256
        });
    }
    if let Ok(k) = DecodingKey::from_ec_pem(bytes) {
        return match k.try_get_as_bytes().map(<[u8]>::len) {
            Ok(65) => Ok(Algorithm::ES256),
            Ok(97) => Ok(Algorithm::ES384),
            _ => Err(KeyError::new("unsupported elliptic curve")),
        };
    }
    if DecodingKey::from_ed_pem(bytes).is_ok() {
        return Ok(Algorithm::EdDSA);
    }
    Err(KeyError::new(
        "is not a PEM public key (RSA, EC P-256/P-384 or Ed25519)",
    ))
}

/// One JWK of a JWK Set, checked and turned into a verifying key.
pub(crate) struct ImportedJwk {
    /// `kid`, or the thumbprint when the JWK has none.
    pub(crate) kid: String,
    pub(crate) alg: Algorithm,
    pub(crate) key: DecodingKey,
}

fn member<'a>(jwk: &'a Map<String, Value>, name: &str) -> Result<&'a str, String> {
    jwk.get(name)
        .and_then(Value::as_str)
        .ok_or_else(|| format!("has no string \"{name}\""))
}

fn decoded_len(jwk: &Map<String, Value>, name: &str) -> Result<usize, String> {
    b64::decode(member(jwk, name)?.as_bytes())
        .map(|b| b.len())
        .ok_or_else(|| format!("\"{name}\" is not base64url"))
}

/// Imports a public signature key from a JWK. `fallback` is the algorithm of a JWK without
/// `alg`, used only when it fits the key. Refused: `oct` keys, private members, `use` other than
/// `sig`, `key_ops` without `verify`, RSA moduli under 2048 bits, an `alg` that does not fit
/// the key.
pub(crate) fn import(value: &Value, fallback: Algorithm) -> Result<ImportedJwk, String> {
    let jwk = value.as_object().ok_or("is not a JSON object")?;
    let kty = member(jwk, "kty")?;
    if let Some(p) = PRIVATE_MEMBERS.iter().find(|p| jwk.contains_key(**p)) {
        return Err(format!("holds private key material (\"{p}\"): refused"));
    }
    match jwk.get("use") {
        None => {}
        Some(Value::String(u)) if u == "sig" => {}
        Some(_) => return Err("is not a signature key (\"use\" is not \"sig\")".into()),
    }
    if let Some(ops) = jwk.get("key_ops") {
        let verifies = ops
            .as_array()
            .is_some_and(|ops| ops.iter().any(|o| o == "verify"));
        if !verifies {
            return Err("\"key_ops\" does not allow \"verify\"".into());
        }
    }
    let alg = match jwk.get("alg") {
        None => fallback,
        Some(Value::String(s)) => s
            .parse::<Algorithm>()
            .map_err(|_| format!("has an unknown \"alg\" {s:?}"))?,
        Some(_) => return Err("\"alg\" is not a string".into()),
    };
    let fits = match kty {
        "RSA" => family(alg) == Family::Rsa,
        "EC" | "OKP" => curve_of(alg).is_some_and(|c| member(jwk, "crv").ok() == Some(c)),
        "oct" => return Err("is a symmetric (oct) key: refused".into()),
        other => return Err(format!("has an unsupported \"kty\" {other:?}")),
    };
    if !fits {
        return Err(format!("{alg:?} does not fit this {kty} key"));
    }
    let key = match kty {
        "RSA" => {
            let n = b64::decode(member(jwk, "n")?.as_bytes()).ok_or("\"n\" is not base64url")?;
            let bits = modulus_bits(&n);
            if bits < MIN_RSA_BITS {
                return Err(format!(
                    "is an RSA key of {bits} bits; at least {MIN_RSA_BITS} are required"
                ));
            }
            decoded_len(jwk, "e")?;
            DecodingKey::from_rsa_components(member(jwk, "n")?, member(jwk, "e")?)
        }
        "EC" => {
            let size = if alg == Algorithm::ES256 { 32 } else { 48 };
            if decoded_len(jwk, "x")? != size || decoded_len(jwk, "y")? != size {
                return Err("has coordinates of the wrong length for its curve".into());
            }
            DecodingKey::from_ec_components(member(jwk, "x")?, member(jwk, "y")?)
        }
        _ => {
            if decoded_len(jwk, "x")? != 32 {
                return Err("has an Ed25519 key of the wrong length".into());
            }
            DecodingKey::from_ed_components(member(jwk, "x")?)
        }
    }
    .map_err(|e| format!("does not decode: {e}"))?;
    let kid = match jwk.get("kid") {
        Some(Value::String(k)) if !k.is_empty() => k.clone(),
        Some(Value::String(_)) | None => thumbprint(jwk).ok_or("has no thumbprint")?,
        Some(_) => return Err("\"kid\" is not a string".into()),
    };
    Ok(ImportedJwk { kid, alg, key })
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// RFC 7638 §3.1's example key and thumbprint.
    #[test]
    fn rfc7638_example() {
        let jwk = json!({
            "kty": "RSA",
            "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
            "e": "AQAB",
            "alg": "RS256",
            "kid": "2011-04-29"
        });
        let m = jwk.as_object().unwrap();
        assert_eq!(
            thumbprint(m).as_deref(),
            Some("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")
        );
        let imported = import(&jwk, Algorithm::HS256).unwrap();
        assert_eq!(
            (imported.kid.as_str(), imported.alg),
            ("2011-04-29", Algorithm::RS256)
        );
    }

    #[test]
    fn refusals() {
        let ed = |extra: Value| {
            let mut v = json!({"kty": "OKP", "crv": "Ed25519", "x": b64::encode([7u8; 32])});
            v.as_object_mut()
                .unwrap()
                .extend(extra.as_object().unwrap().clone());
            import(&v, Algorithm::EdDSA)
        };
        assert!(ed(json!({})).is_ok());
        assert!(ed(json!({"alg": "EdDSA", "use": "sig", "key_ops": ["verify"]})).is_ok());
        for bad in [
            json!({"d": "AAAA"}),
            json!({"use": "enc"}),
            json!({"key_ops": ["sign"]}),
            json!({"alg": "RS256"}),
            json!({"alg": "none"}),
            json!({"alg": "HS256"}),
            json!({"kid": 3}),
            json!({"x": "AAAA"}),
        ] {
            assert!(ed(bad.clone()).is_err(), "{bad}");
        }
        assert!(import(&json!({"kty": "oct", "k": "AAAA"}), Algorithm::HS256).is_err());
        assert!(import(
            &json!({"kty": "RSA", "n": "AQAB", "e": "AQAB"}),
            Algorithm::RS256
        )
        .is_err());
        assert!(import(&json!("nope"), Algorithm::RS256).is_err());
    }
}
