//! What selecting a key by `kid` costs: `decode_token` with one key versus a set of five, the
//! token naming the last key of the set (the longest search), reported as a ratio.
//!
//! ```text
//! cargo bench --bench kid_selection                                   # interleaved rounds, ratios
//! cargo bench --bench kid_selection -- --only "hs256 5 keys" --iters 20000   # one variant (callgrind)
//! bash scripts/bench-callgrind-kid.sh                                 # instructions per decode
//! ```
//!
//! Both variants of a pair decode tokens of the same shape (same header members, same `kid`
//! length), so the difference is the selection alone.

use std::hint::black_box;
use std::time::{Duration, Instant};

use axum_jwt_extended::{Algorithm, JwtConfig, JwtManager, PemKey, Secret};

const SECRETS: [&str; 5] = [
    "kid-bench-secret-0-0123456789abcdefghijk",
    "kid-bench-secret-1-0123456789abcdefghijk",
    "kid-bench-secret-2-0123456789abcdefghijk",
    "kid-bench-secret-3-0123456789abcdefghijk",
    "kid-bench-secret-4-0123456789abcdefghijk",
];

const EC_PRIVATE: &str = include_str!("../tests/fixtures/ec_private.pem");
const EC_PUBLIC: &str = include_str!("../tests/fixtures/ec_public.pem");
const EC2_PRIVATE: &str = include_str!("../tests/fixtures/ec2_private.pem");
const EC2_PUBLIC: &str = include_str!("../tests/fixtures/ec2_public.pem");
const RSA_PUBLIC: &str = include_str!("../tests/fixtures/rsa_public.pem");
const RSA2_PUBLIC: &str = include_str!("../tests/fixtures/rsa2_public.pem");
const ED_PUBLIC: &str = include_str!("../tests/fixtures/ed25519_public.pem");

struct Variant {
    name: &'static str,
    jwt: JwtManager,
    token: String,
    iters: usize,
}

fn hmac(kid: &str, secret: &str) -> JwtManager {
    JwtManager::builder(JwtConfig::with_secret(secret))
        .key_id(kid)
        .build()
        .expect("valid")
}

fn ec(private: &str, public: &str, retired: &[&str]) -> JwtManager {
    let mut c = JwtConfig::default();
    c.algorithm = Algorithm::ES256;
    c.private_key = Some(PemKey::from(private));
    c.public_key = Some(PemKey::from(public));
    c.retired_public_keys = retired.iter().map(|k| PemKey::from(*k)).collect();
    JwtManager::new(c).expect("valid")
}

fn variants() -> Vec<Variant> {
    // HS256: the token of key "k4" (signed by its own manager).
    let token = hmac("k4", SECRETS[4]).create_access_token("bench").unwrap();
    let one = hmac("k4", SECRETS[4]);
    let mut five = JwtManager::builder(JwtConfig::with_secret(SECRETS[0])).key_id("k0");
    for (i, s) in SECRETS.iter().enumerate().skip(1) {
        five = five.verification_key(Some(&format!("k{i}")), Secret::from(*s), Algorithm::HS256);
    }
    let five = five.build().expect("valid");
    // ES256: the token of `ec` (its thumbprint kid), the last of the retired keys.
    let ec_token = ec(EC_PRIVATE, EC_PUBLIC, &[])
        .create_access_token("bench")
        .unwrap();
    let ec_one = ec(EC_PRIVATE, EC_PUBLIC, &[]);
    let ec_five = ec(
        EC2_PRIVATE,
        EC2_PUBLIC,
        &[RSA_PUBLIC, RSA2_PUBLIC, ED_PUBLIC, EC_PUBLIC],
    );
    vec![
        Variant {
            name: "hs256 1 key",
            jwt: one,
            token: token.clone(),
            iters: 20_000,
        },
        Variant {
            name: "hs256 5 keys",
            jwt: five,
            token,
            iters: 20_000,
        },
        Variant {
            name: "es256 1 key",
            jwt: ec_one,
            token: ec_token.clone(),
            iters: 300,
        },
        Variant {
            name: "es256 5 keys",
            jwt: ec_five,
            token: ec_token,
            iters: 300,
        },
    ]
}

fn run(v: &Variant, iters: usize) -> Duration {
    let start = Instant::now();
    for _ in 0..iters {
        let claims = v.jwt.decode_token(black_box(&v.token)).expect("verifies");
        black_box(claims);
    }
    start.elapsed()
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let variants = variants();
    if let Some(only) = arg("--only") {
        let iters = arg("--iters")
            .and_then(|n| n.parse().ok())
            .unwrap_or(10_000);
        let v = variants
            .iter()
            .find(|v| v.name == only)
            .expect("a variant name");
        run(v, iters);
        return;
    }
    let rounds = 15;
    let mut per_op: Vec<Vec<f64>> = vec![Vec::new(); variants.len()];
    for v in &variants {
        run(v, v.iters / 10); // warm-up
    }
    for _ in 0..rounds {
        for (i, v) in variants.iter().enumerate() {
            let t = run(v, v.iters);
            per_op[i].push(t.as_secs_f64() * 1e9 / v.iters as f64);
        }
    }
    let medians: Vec<f64> = per_op.into_iter().map(median).collect();
    println!("{:<14} {:>12}", "variant", "ns/decode");
    for (v, m) in variants.iter().zip(&medians) {
        println!("{:<14} {:>12.0}", v.name, m);
    }
    for pair in 0..variants.len() / 2 {
        let (a, b) = (2 * pair, 2 * pair + 1);
        println!(
            "{} / {}: {:.3}",
            variants[b].name,
            variants[a].name,
            medians[b] / medians[a]
        );
    }
}
