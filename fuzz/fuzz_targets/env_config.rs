//! The `JWT_*` environment parser and start-up checks: any variables with any values give a
//! manager or a `ConfigError` naming an option, never a panic.
#![no_main]

use axum_jwt_extended::{JwtConfig, JwtManager};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // One `NAME=value` per line; names are completed to flask-jwt-extended's options so that
    // the fuzzer reaches them quickly.
    const NAMES: [&str; 24] = [
        "JWT_SECRET_KEY", "JWT_ALGORITHM", "JWT_DECODE_ALGORITHMS", "JWT_TOKEN_LOCATION",
        "JWT_ACCESS_TOKEN_EXPIRES", "JWT_REFRESH_TOKEN_EXPIRES", "JWT_IDENTITY_CLAIM",
        "JWT_DECODE_AUDIENCE", "JWT_ENCODE_AUDIENCE", "JWT_DECODE_ISSUER", "JWT_ENCODE_ISSUER",
        "JWT_DECODE_LEEWAY", "JWT_CSRF_METHODS", "JWT_COOKIE_SAMESITE", "JWT_COOKIE_SECURE",
        "JWT_COOKIE_DOMAIN", "JWT_HEADER_NAME", "JWT_HEADER_TYPE", "JWT_ERROR_MESSAGE_KEY",
        "JWT_COOKIE_CSRF_PROTECT", "JWT_CSRF_CHECK_FORM", "JWT_ACCESS_COOKIE_NAME",
        "JWT_QUERY_STRING_NAME", "JWT_VERIFY_SUB",
    ];
    let vars: Vec<(String, String)> = text
        .lines()
        .filter_map(|line| {
            let (k, v) = line.split_once('=')?;
            let name = match k.parse::<usize>() {
                Ok(i) => NAMES[i % NAMES.len()].to_owned(),
                Err(_) => k.to_owned(),
            };
            Some((name, v.to_owned()))
        })
        .collect();
    let config = JwtConfig::from_lookup(|name| {
        vars.iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    });
    match config {
        Ok(config) => {
            if let Err(e) = JwtManager::new(config) {
                assert!(!e.option().is_empty());
            }
        }
        Err(e) => assert!(!e.option().is_empty()),
    }
});
