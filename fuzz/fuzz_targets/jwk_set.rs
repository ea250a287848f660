//! JWK Set parsing and import: any bytes as a JWK Set document (or a single JWK), each key
//! imported as a verification key. Must never panic; a key holding private material or an
//! `oct` secret is never accepted, and whatever is accepted is published without private
//! members.
#![no_main]

use axum_jwt_extended::{JwtConfig, JwtManager};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

const SECRET: &str = "fuzzing-secret-0123456789-abcdefghijklmnopq";
const PRIVATE: [&str; 8] = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

fuzz_target!(|data: &[u8]| {
    let Ok(doc) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    let keys: Vec<Value> = match doc.get("keys").and_then(Value::as_array) {
        Some(list) => list.iter().take(8).cloned().collect(),
        None => vec![doc],
    };
    for key in keys {
        let private = key
            .as_object()
            .is_some_and(|o| PRIVATE.iter().any(|m| o.contains_key(*m)));
        let built = JwtManager::builder(JwtConfig::with_secret(SECRET))
            .verification_jwk(key)
            .build();
        let Ok(jwt) = built else { continue };
        assert!(!private, "a JWK with private members was accepted");
        let set = jwt.jwks();
        for published in set["keys"].as_array().into_iter().flatten() {
            let o = published.as_object().expect("a JWK is an object");
            assert!(
                PRIVATE.iter().all(|m| !o.contains_key(*m)),
                "published private material: {published}"
            );
            assert!(o.get("kid").and_then(Value::as_str).is_some_and(|k| !k.is_empty()));
        }
    }
});
