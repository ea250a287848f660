//! The PEM key fixtures of `tests/fixtures/` (test-only keys, see `tests/fixtures/README.md`):
//! private keys in PKCS#8, public keys in SPKI.

/// RSA-2048 private key.
pub const RSA_PRIVATE: &str = include_str!("../fixtures/rsa_private.pem");
/// Its public key.
pub const RSA_PUBLIC: &str = include_str!("../fixtures/rsa_public.pem");
/// A second RSA-2048 private key (key rotation).
pub const RSA2_PRIVATE: &str = include_str!("../fixtures/rsa2_private.pem");
/// Its public key.
pub const RSA2_PUBLIC: &str = include_str!("../fixtures/rsa2_public.pem");
/// ECDSA P-256 private key.
pub const EC_PRIVATE: &str = include_str!("../fixtures/ec_private.pem");
/// Its public key.
pub const EC_PUBLIC: &str = include_str!("../fixtures/ec_public.pem");
/// A second P-256 private key (key rotation).
pub const EC2_PRIVATE: &str = include_str!("../fixtures/ec2_private.pem");
/// Its public key.
pub const EC2_PUBLIC: &str = include_str!("../fixtures/ec2_public.pem");
/// Ed25519 private key.
pub const ED_PRIVATE: &str = include_str!("../fixtures/ed25519_private.pem");
/// Its public key.
pub const ED_PUBLIC: &str = include_str!("../fixtures/ed25519_public.pem");

/// The second RSA pair in PKCS#1 (`BEGIN RSA PRIVATE KEY` / `BEGIN RSA PUBLIC KEY`).
pub const RSA2_PKCS1_PRIVATE: &str = include_str!("../fixtures/rsa2_pkcs1_private.pem");
pub const RSA2_PKCS1_PUBLIC: &str = include_str!("../fixtures/rsa2_pkcs1_public.pem");
