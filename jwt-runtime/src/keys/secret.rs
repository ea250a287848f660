//! The start-up checks of an HMAC secret: long enough for its algorithm, not guessable, and
//! not public key material given where a secret belongs.

use crate::config::Algorithm;

/// The shortest secret for `alg`: its hash's output size (RFC 7518 §3.2).
pub(super) fn min_secret_len(alg: Algorithm) -> usize {
    match alg {
        Algorithm::HS384 => 48,
        Algorithm::HS512 => 64,
        _ => 32,
    }
}

pub(super) fn looks_like_public_key_material(secret: &[u8]) -> bool {
    let t = secret.trim_ascii_start();
    t.starts_with(b"-----BEGIN")
        || t.starts_with(b"ssh-")
        || t.starts_with(b"ecdsa-sha2-")
        || t.starts_with(b"{")
        || is_base64_der(t)
}

/// A PEM body without its armour (`MIIBIjANBgkq…`), whole or cut short: standard base64 of a
/// DER `SEQUENCE` whose declared length is the whole input or more (a truncated key is still
/// key material, not a random secret).
fn is_base64_der(t: &[u8]) -> bool {
    use base64::Engine;
    let compact: Vec<u8> = t
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    // Cut short, the text may end inside a 4-character group: decode the whole groups.
    let whole = compact.len() - compact.len() % 4;
    let Ok(der) = base64::engine::general_purpose::STANDARD.decode(&compact[..whole]) else {
        return false;
    };
    match der_sequence(&der) {
        Some((len, header)) if header + len == der.len() && whole == compact.len() => {
            opens_a_key(&der[header..])
        }
        // Cut short: a SEQUENCE that declares more than there is, in a text long enough to be
        // a key body (a key is hundreds of characters).
        Some((len, header)) if header + len > der.len() && compact.len() >= 64 => {
            opens_a_key(&der[header..])
        }
        _ => false,
    }
}

/// Whether the inside of a DER `SEQUENCE` opens as a key structure does: an SPKI's algorithm
/// identifier (RSA, EC, Ed25519), a private key's version `0` (PKCS#1, PKCS#8, SEC1 `1`), or
/// a PKCS#1 public modulus. Random bytes do this about once in 2^40.
fn opens_a_key(inner: &[u8]) -> bool {
    const OPENINGS: [&[u8]; 7] = [
        // SPKI: SEQUENCE { OID rsaEncryption …
        &[0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d],
        // SPKI: SEQUENCE { OID id-ecPublicKey …
        &[
            0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
        ],
        // SPKI: SEQUENCE { OID id-Ed25519 }
        &[0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70],
        // PKCS#1 / PKCS#8 private key: INTEGER 0
        &[0x02, 0x01, 0x00],
        // SEC1 EC private key: INTEGER 1, OCTET STRING
        &[0x02, 0x01, 0x01, 0x04],
        // PKCS#1 public key: INTEGER modulus (long form)
        &[0x02, 0x82],
        &[0x02, 0x81],
    ];
    OPENINGS.iter().any(|o| inner.starts_with(o))
}

/// A DER `SEQUENCE` header at the start of `der`: its declared length and the header's size.
fn der_sequence(der: &[u8]) -> Option<(usize, usize)> {
    match der {
        [0x30, n, ..] if *n < 0x80 => Some((usize::from(*n), 2)),
        [0x30, 0x81, n, ..] => Some((usize::from(*n), 3)),
        [0x30, 0x82, hi, lo, ..] => Some((usize::from(*hi) << 8 | usize::from(*lo), 4)),
        _ => None,
    }
}

/// Secrets from examples, tutorials and default configurations: a secret made of these
/// (repeated, joined, with a few characters added) is one an attacker tries first.
const EXAMPLE_SECRETS: [&str; 18] = [
    "secret_key",
    "jwt_secret",
    "your-256-bit-secret",
    "your-384-bit-secret",
    "your-512-bit-secret",
    "super-secret",
    "supersecret",
    "secret-key",
    "secretkey",
    "jwt-secret",
    "jwtsecret",
    "mysecret",
    "changeme",
    "change-me",
    "password",
    "secret",
    "default",
    "example",
];

/// Whether `secret` is made of well-known example secrets, with separators and up to 4 other
/// letters or digits.
pub(super) fn is_example_secret(secret: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(secret) else {
        return false;
    };
    let mut rest = text.to_ascii_lowercase();
    let before = rest.len();
    for word in EXAMPLE_SECRETS {
        rest = rest.replace(word, "");
    }
    let left = rest.chars().filter(char::is_ascii_alphanumeric).count();
    rest.len() < before && left <= 4
}

/// A secret that is a short pattern repeated (`aaaa…`, `passwordpassword…`) or made of very few
/// distinct bytes: whatever its length, it is guessable.
pub(super) fn is_low_entropy(secret: &[u8]) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A 2048-bit RSA public key (SPKI) of the test fixtures.
    const SPKI_PEM: &str = include_str!("../../../tests/fixtures/rsa_public.pem");

    /// The key's body without its armour.
    fn spki_body() -> String {
        SPKI_PEM
            .lines()
            .filter(|l| !l.starts_with("-----"))
            .collect()
    }

    #[test]
    fn the_shortest_secret_is_the_hash_size() {
        assert_eq!(min_secret_len(Algorithm::HS256), 32);
        assert_eq!(min_secret_len(Algorithm::HS384), 48);
        assert_eq!(min_secret_len(Algorithm::HS512), 64);
    }

    #[test]
    fn public_key_material_is_recognised() {
        assert!(looks_like_public_key_material(SPKI_PEM.as_bytes()));
        assert!(looks_like_public_key_material(spki_body().as_bytes()));
        // Wrapped at 64 columns as in the PEM file.
        let wrapped: String = SPKI_PEM
            .lines()
            .filter(|l| !l.starts_with("-----"))
            .collect::<Vec<_>>()
            .join("\n");
        assert!(looks_like_public_key_material(wrapped.as_bytes()));
        assert!(looks_like_public_key_material(
            b"  ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI"
        ));
        assert!(looks_like_public_key_material(
            b"ecdsa-sha2-nistp256 AAAAE2VjZHNh"
        ));
        assert!(looks_like_public_key_material(
            br#"{"kty":"RSA","n":"u1SU","e":"AQAB"}"#
        ));
    }

    #[test]
    fn random_base64_secrets_are_not_key_material() {
        use base64::Engine;
        // Random bytes whose base64 opens as a long DER SEQUENCE would: still a secret.
        let mut bytes = vec![0x30u8, 0x82, 0x01, 0x22];
        bytes.extend((0u8..60).map(|i| i.wrapping_mul(37).wrapping_add(11)));
        let text = base64::engine::general_purpose::STANDARD.encode(&bytes);
        assert!(!looks_like_public_key_material(text.as_bytes()), "{text}");
    }

    #[test]
    fn random_secrets_are_not_key_material() {
        let secret = b"9f2c4e81a7d05b3c6e19f8a2d4b70c5e3a8f61d29b0e47c5f1a3d8e62b9c07f4";
        assert!(!looks_like_public_key_material(secret));
        // Base64 that decodes, but not to one whole DER SEQUENCE.
        assert!(!looks_like_public_key_material(
            b"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA=="
        ));
    }

    #[test]
    fn a_truncated_key_body_is_key_material() {
        let body = spki_body();
        for cut in [340, 200, 100, 64] {
            assert!(
                looks_like_public_key_material(&body.as_bytes()[..cut]),
                "the first {cut} characters"
            );
        }
        assert!(!looks_like_public_key_material(&body.as_bytes()[..40]));
    }

    #[test]
    fn example_secrets_and_their_repetitions_are_refused() {
        for s in [
            "your-256-bit-secret".repeat(2),
            "changeme".repeat(4) + "x",
            "Secret".repeat(6),
            "super-secret-jwt-secret-password".to_owned(),
            "CHANGEME-changeme-CHANGEME-1234".to_owned(),
        ] {
            assert!(is_example_secret(s.as_bytes()), "{s}");
        }
        for s in [
            "9f2c4e81a7d05b3c6e19f8a2d4b70c5e3a8f61d29b0e47c5f1a3d8e62b9c07f4",
            "a-very-long-secret-of-at-least-32-bytes!",
            "interop-test-secret-0123456789-abcdef",
        ] {
            assert!(!is_example_secret(s.as_bytes()), "{s}");
        }
    }

    #[test]
    fn patterns_and_few_distinct_bytes_are_low_entropy() {
        assert!(is_low_entropy(&[b'a'; 64]));
        assert!(is_low_entropy("password".repeat(8).as_bytes()));
        assert!(is_low_entropy(b"abababababababababababababababab"));
        assert!(is_low_entropy(b"0101010101100110010101011010101001"));
        assert!(!is_low_entropy(
            b"9f2c4e81a7d05b3c6e19f8a2d4b70c5e3a8f61d29b0e47c5f1a3d8e62b9c07f4"
        ));
        assert!(!is_low_entropy(b"a-very-long-secret-of-at-least-32-bytes!"));
    }
}
