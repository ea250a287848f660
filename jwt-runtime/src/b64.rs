//! Strict base64url without padding (RFC 7515 §2): no `=`, no `+` or `/`, canonical last symbol.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

pub(crate) fn encode(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

pub(crate) fn encode_into(bytes: &[u8], out: &mut String) {
    URL_SAFE_NO_PAD.encode_string(bytes, out)
}

pub(crate) fn decode(s: &[u8]) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(s).ok()
}
