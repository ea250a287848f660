//! CSRF double submit: which requests are checked.
//!
//! A cookie-sourced token is checked on the methods of `JWT_CSRF_METHODS`. Flask compares the
//! method case-sensitively, so a client sending `post` (an extension method to HTTP, distinct
//! from `POST`) would skip the check. We compare case-insensitively, and every non-standard
//! method is checked: no spelling of a method slips past.

use axum::http::Method;

/// Whether a request with this method must carry the CSRF value.
pub(crate) fn method_needs_check(method: &Method, csrf_methods_upper: &[String]) -> bool {
    let standard = [
        Method::GET,
        Method::HEAD,
        Method::OPTIONS,
        Method::TRACE,
        Method::CONNECT,
        Method::POST,
        Method::PUT,
        Method::PATCH,
        Method::DELETE,
    ];
    if !standard.contains(method) {
        return true;
    }
    let m = method.as_str();
    csrf_methods_upper.iter().any(|c| c == m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_is_checked() {
        let defaults: Vec<String> = ["POST", "PUT", "PATCH", "DELETE"]
            .map(String::from)
            .to_vec();
        for m in ["POST", "post", "Post", "PUT", "delete", "PURGE", "FOO"] {
            let method = Method::from_bytes(m.as_bytes()).unwrap();
            assert!(method_needs_check(&method, &defaults), "{m}");
        }
        for m in ["GET", "HEAD", "OPTIONS", "TRACE"] {
            let method = Method::from_bytes(m.as_bytes()).unwrap();
            assert!(!method_needs_check(&method, &defaults), "{m}");
        }
    }
}
