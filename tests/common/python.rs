//! The Python interpreter of the interop virtual environment (flask-jwt-extended 4.7.1, PyJWT,
//! `cryptography`, `openapi-spec-validator`), for the tests that run the Python side for real
//! (`tests/interop.rs`, `tests/interop_keys.rs`, `tests/openapi.rs`).

use std::process::{Command, Stdio};
use std::sync::OnceLock;

/// The interop environment's python: `FJE_PYTHON`, or made on demand by the set-up script
/// (`scripts/setup-python.sh`, which prints the interpreter's path on its last line). Found
/// once per test binary.
pub fn python() -> &'static str {
    static PYTHON: OnceLock<String> = OnceLock::new();
    PYTHON.get_or_init(|| {
        if let Ok(p) = std::env::var("FJE_PYTHON") {
            if !p.is_empty() {
                return p;
            }
        }
        let out = Command::new("bash")
            .arg(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/scripts/setup-python.sh"
            ))
            .stderr(Stdio::inherit())
            .output()
            .expect("run scripts/setup-python.sh");
        assert!(out.status.success(), "scripts/setup-python.sh failed");
        String::from_utf8(out.stdout)
            .expect("utf-8")
            .lines()
            .last()
            .expect("a python path")
            .to_owned()
    })
}
