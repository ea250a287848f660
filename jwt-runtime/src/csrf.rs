//! CSRF double submit, all of it: which requests are checked, where the value comes from (the
//! CSRF header, or the form field of `JWT_CSRF_CHECK_FORM`: an urlencoded or
//! `multipart/form-data` body, as Flask's `request.form`), and the comparison with the
//! token's `csrf` claim.
//!
//! A cookie-sourced token is checked on the methods of `JWT_CSRF_METHODS`. Flask compares the
//! method case-sensitively, so a client sending `post` (an extension method to HTTP, distinct
//! from `POST`) would skip the check. We compare case-insensitively, and every non-standard
//! method is checked: no spelling of a method slips past.

use std::borrow::Cow;

use axum::http::request::Parts;
use axum::http::Method;
use subtle::ConstantTimeEq;

use crate::config::JwtConfig;
use crate::error::{ErrorKind, JwtError};
use crate::locations::{content_type_param, mimetype};
use crate::token::{claim, Claims, TokenType};

/// Where the CSRF value of a cookie token is.
pub(crate) enum CsrfValue<'r> {
    /// This request needs no CSRF check (method, or `JWT_COOKIE_CSRF_PROTECT` off).
    NotRequired,
    /// The value the client sent.
    Sent(Cow<'r, str>),
    /// Not in the header; it may be in the form body, not read yet.
    InForm,
}

fn missing() -> JwtError {
    JwtError::new(ErrorKind::Csrf("Missing CSRF token".into()))
}

/// The CSRF value sent with a cookie token of `token_type`: the header, else (with
/// `JWT_CSRF_CHECK_FORM`) the form field of `body`, or [`CsrfValue::InForm`] while the body is
/// unread and may be a form. A value that is required and cannot be there is Flask's 401
/// `Missing CSRF token`, before the token is decoded (as Flask orders it).
pub(crate) fn value_for_cookie<'r>(
    parts: &'r Parts,
    c: &JwtConfig,
    token_type: TokenType,
    methods_upper: &[String],
    body: Option<&[u8]>,
) -> Result<CsrfValue<'r>, JwtError> {
    if !c.cookie_csrf_protect || !method_needs_check(&parts.method, methods_upper) {
        return Ok(CsrfValue::NotRequired);
    }
    let (header, field) = match token_type {
        TokenType::Access => (&c.access_csrf_header_name, &c.access_csrf_field_name),
        TokenType::Refresh => (&c.refresh_csrf_header_name, &c.refresh_csrf_field_name),
    };
    let sent = parts
        .headers
        .get(header.as_str())
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty());
    if let Some(v) = sent {
        return Ok(CsrfValue::Sent(Cow::Borrowed(v)));
    }
    if !c.csrf_check_form || !is_form(parts) {
        return Err(missing());
    }
    match body {
        None => Ok(CsrfValue::InForm),
        Some(body) => form_value(parts, body, field)
            .filter(|v| !v.is_empty())
            .map(|v| CsrfValue::Sent(Cow::Owned(v)))
            .ok_or_else(missing),
    }
}

/// The double-submit comparison, in constant time: the value sent must equal the token's
/// `csrf` claim.
pub(crate) fn check_double_submit(claims: &Claims, sent: &str) -> Result<(), JwtError> {
    let Some(claim) = claims.slot(claim::CSRF) else {
        return Err(JwtError::new(ErrorKind::Decode(
            "Missing claim: csrf".into(),
        )));
    };
    let matches = claim
        .as_str()
        .is_some_and(|claim| bool::from(claim.as_bytes().ct_eq(sent.as_bytes())));
    if matches {
        Ok(())
    } else {
        Err(JwtError::new(ErrorKind::Csrf(
            "CSRF double submit tokens do not match".into(),
        )))
    }
}

const URLENCODED: &str = "application/x-www-form-urlencoded";
const MULTIPART: &str = "multipart/form-data";

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

/// Whether the body is a form Werkzeug parses into `request.form`: urlencoded or
/// `multipart/form-data` (any case, any parameters).
pub(crate) fn is_form(parts: &Parts) -> bool {
    let mt = mimetype(parts);
    mt == URLENCODED || mt == MULTIPART
}

/// The form field `name` of the body (`request.form.get(name)`: the first of repeated
/// fields), for `JWT_CSRF_CHECK_FORM`. Parts of a multipart body that carry a `filename` are
/// files, not form fields.
pub(crate) fn form_value(parts: &Parts, body: &[u8], name: &str) -> Option<String> {
    match mimetype(parts).as_str() {
        URLENCODED => form_urlencoded::parse(body)
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned()),
        MULTIPART => multipart_field(body, &content_type_param(parts, "boundary")?, name),
        _ => None,
    }
}

/// The first occurrence of `needle` (memchr's SIMD substring search: linear in the body).
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack, needle)
}

/// The value of a parameter of a `Content-Disposition` line (`name="csrf_token"`).
fn disposition_param<'a>(value: &'a str, param: &str) -> Option<&'a str> {
    value.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        if !k.trim().eq_ignore_ascii_case(param) {
            return None;
        }
        let v = v.trim();
        Some(
            v.strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .unwrap_or(v),
        )
    })
}

/// A field of a `multipart/form-data` body (RFC 7578): the content of the first part whose
/// `Content-Disposition` is `form-data; name="<name>"` without a `filename`.
///
/// Our own reader rather than `multer`: the body is already in memory and bounded
/// (`json_body_limit`), we need one field's value and nothing else, and `multer` is a
/// streaming parser over an async body that would copy every part. The delimiter search is
/// memchr's; the `csrf_form` fuzz target drives this reader with arbitrary bodies.
fn multipart_field(body: &[u8], boundary: &str, name: &str) -> Option<String> {
    // RFC 2046 §5.1.1: 1 to 70 characters.
    if boundary.is_empty() || boundary.len() > 70 {
        return None;
    }
    let delimiter = format!("\r\n--{boundary}");
    let delimiter = delimiter.as_bytes();
    // The first delimiter may open the body (no CRLF before it).
    let mut pos = if body.starts_with(&delimiter[2..]) {
        delimiter.len() - 2
    } else {
        find(body, delimiter)? + delimiter.len()
    };
    loop {
        let rest = &body[pos..];
        if rest.starts_with(b"--") {
            return None; // the close delimiter
        }
        // Transport padding, then the CRLF ending the delimiter line.
        let padding = rest
            .iter()
            .take_while(|b| matches!(b, b' ' | b'\t'))
            .count();
        let rest = rest[padding..].strip_prefix(b"\r\n")?;
        let start = body.len() - rest.len();
        let end = find(rest, delimiter)?;
        let part = &rest[..end];
        let (headers, content) = match part.strip_prefix(b"\r\n") {
            Some(content) => (&b""[..], content),
            None => {
                let split = find(part, b"\r\n\r\n")?;
                (&part[..split], &part[split + 4..])
            }
        };
        let disposition = String::from_utf8_lossy(headers)
            .split("\r\n")
            .find_map(|line| {
                let (k, v) = line.split_once(':')?;
                k.trim()
                    .eq_ignore_ascii_case("content-disposition")
                    .then(|| v.trim().to_owned())
            });
        if let Some(d) = disposition {
            let is_field = d
                .split(';')
                .next()
                .is_some_and(|t| t.trim().eq_ignore_ascii_case("form-data"));
            let is_file = disposition_param(&d, "filename").is_some()
                || disposition_param(&d, "filename*").is_some();
            if is_field && !is_file && disposition_param(&d, "name") == Some(name) {
                return Some(String::from_utf8_lossy(content).into_owned());
            }
        }
        pos = start + end + delimiter.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multipart_fields() {
        let body = b"preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"csrf_token\"\r\nContent-Type: text/plain\r\n\r\nnot this\r\n--XyZ \r\ncontent-disposition: form-data; name=other\r\n\r\nx\r\n--XyZ\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\nthe-value\r\n--XyZ\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\nsecond\r\n--XyZ--\r\n";
        assert_eq!(
            multipart_field(body, "XyZ", "csrf_token").as_deref(),
            Some("the-value")
        );
        assert_eq!(multipart_field(body, "XyZ", "other").as_deref(), Some("x"));
        assert_eq!(multipart_field(body, "XyZ", "file"), None);
        assert_eq!(multipart_field(body, "Other", "csrf_token"), None);
        let opening = b"--b\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nv\r\n--b--";
        assert_eq!(multipart_field(opening, "b", "f").as_deref(), Some("v"));
        // Truncated or malformed bodies give nothing, never a panic.
        for cut in 0..opening.len() {
            let _ = multipart_field(&opening[..cut], "b", "f");
        }
        assert_eq!(
            multipart_field(&opening[..opening.len() - 5], "b", "f"),
            None
        );
        assert_eq!(multipart_field(opening, "", "f"), None);
    }

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
