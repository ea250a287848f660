//! The in-memory blocklist at scale: memory per revoked token (growth of the resident set), and
//! the cost of a revocation check through `JwtManager::is_token_revoked` with an empty store
//! and with a million revocations, as a ratio from the same run.
//!
//!   cargo bench --bench blocklist_memory

use std::time::{Duration, Instant};

use axum_jwt_extended::{BlocklistStore, JwtConfig, JwtManager, MemoryBlocklist};

/// The resident set of this process, in bytes (Linux: `/proc/self/statm`).
fn resident() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

const N: usize = 1_000_000;
const LOOKUPS: u32 = 200_000;

fn per_check(
    rt: &tokio::runtime::Runtime,
    jwt: &JwtManager,
    claims: &[axum_jwt_extended::Claims],
) -> Duration {
    let start = Instant::now();
    rt.block_on(async {
        for i in 0..LOOKUPS {
            let c = &claims[i as usize % claims.len()];
            assert!(!jwt.is_token_revoked(c).await.expect("checked"));
        }
    });
    start.elapsed() / LOOKUPS
}

fn main() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    let store = MemoryBlocklist::new();
    let jwt = JwtManager::builder(JwtConfig::with_secret(
        "9f2c4e81a7d05b3c6e19f8a2d4b70c5e3a8f61d29b0e47c5f1a3d8e62b9c07f4",
    ))
    .blocklist(store.clone())
    .build()
    .expect("valid");
    // Tokens that are not revoked: their checks miss, as most requests' do.
    let claims: Vec<_> = (0..1024)
        .map(|_| {
            jwt.decode_token(&jwt.create_access_token("alice").expect("t"))
                .expect("d")
        })
        .collect();

    let mut empty = Vec::new();
    let mut full = Vec::new();
    // Interleaved rounds: empty store, then the same store after the revocations.
    for _ in 0..3 {
        empty.push(per_check(&rt, &jwt, &claims));
    }
    let before = resident().unwrap_or(0);
    rt.block_on(async {
        for i in 0..N {
            let jti = format!("{:08x}-0000-4000-8000-{:012x}", i, i);
            store
                .revoke(&jti, Some(Duration::from_secs(30 * 24 * 3600)))
                .await
                .expect("room");
        }
    });
    let bytes = resident().unwrap_or(0).saturating_sub(before);
    for _ in 0..3 {
        full.push(per_check(&rt, &jwt, &claims));
    }
    empty.sort();
    full.sort();
    println!(
        "{N} revocations: {:.1} MB more resident memory, {:.1} bytes per revoked token (goal: <= 64 MB)",
        bytes as f64 / 1e6,
        bytes as f64 / N as f64
    );
    println!(
        "is_token_revoked: {:?} with an empty store, {:?} with {N} entries: ratio {:.2} (median of 3)",
        empty[1],
        full[1],
        full[1].as_secs_f64() / empty[1].as_secs_f64()
    );
}
