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
    fn random_secrets_are_not_key_material() {
        let secret = b"9f2c4e81a7d05b3c6e19f8a2d4b70c5e3a8f61d29b0e47c5f1a3d8e62b9c07f4";
        assert!(!looks_like_public_key_material(secret));
        // Base64 that decodes, but not to one whole DER SEQUENCE.
        assert!(!looks_like_public_key_material(
            b"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA=="
        ));
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
