//! Token decoding. The input is either a token as sent (any bytes: must never panic) or, with
//! a leading `#`, a payload that we sign with the manager's secret, so that every claim rule
//! runs: then our verdict must never be "valid" where an independent strict checker says
//! "invalid" (`tests/common/reference.rs`), and an accepted token's claims are exactly the
//! object the checker read.
#![no_main]

#[path = "../../tests/common/reference.rs"]
mod reference;

use std::sync::OnceLock;

use axum_jwt_extended::{FixedClock, JwtConfig, JwtManager};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use libfuzzer_sys::fuzz_target;

const SECRET: &str = "fuzzing-secret-0123456789-abcdefghijklmnopq";
const NOW: u64 = 1_700_000_000;

fn jwt() -> &'static JwtManager {
    static JWT: OnceLock<JwtManager> = OnceLock::new();
    JWT.get_or_init(|| {
        JwtManager::builder({
            let mut c = JwtConfig::with_secret(SECRET);
            c.decode_issuer = Some(vec!["me".into()]);
            c.decode_audience = Some("api".into());
            c
        })
        .clock(FixedClock::at_secs(NOW))
        .build()
        .expect("valid configuration")
    })
}

fn signed(payload: &[u8]) -> String {
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#),
        URL_SAFE_NO_PAD.encode(payload)
    );
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(SECRET.as_bytes()).expect("any length");
    mac.update(input.as_bytes());
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes()))
}

fuzz_target!(|data: &[u8]| {
    match data.split_first() {
        Some((b'#', payload)) => {
            let token = signed(payload);
            let ours = jwt().decode_token(&token);
            let theirs = reference::strict_object(payload)
                .filter(|claims| reference::verdict(claims, NOW as f64).is_ok());
            if let Ok(claims) = &ours {
                let read = theirs.unwrap_or_else(|| {
                    panic!("accepted a token the reference rejects: {token}")
                });
                // What a handler sees is what the token says (plus Flask's defaults).
                for (name, value) in &read {
                    assert_eq!(claims.get(name), Some(value), "{name}");
                }
            }
        }
        _ => {
            if let Ok(token) = std::str::from_utf8(data) {
                let _ = jwt().decode_token(token);
                let _ = jwt().get_unverified_jwt_headers(token);
            }
        }
    }
});
