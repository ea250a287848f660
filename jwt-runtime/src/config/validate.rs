//! Start-up checks of a [`JwtConfig`]: every mistake is caught when the manager is built.

use super::{ConfigError, Expiry, JwtConfig, SameSite};

fn non_empty(option: &str, value: &str) -> Result<(), ConfigError> {
    if value.is_empty() {
        Err(ConfigError::new(option, "cannot be empty"))
    } else {
        Ok(())
    }
}

fn header_name(option: &str, value: &str) -> Result<(), ConfigError> {
    non_empty(option, value)?;
    axum::http::HeaderName::from_bytes(value.as_bytes())
        .map(|_| ())
        .map_err(|_| ConfigError::new(option, format!("{value:?} is not a valid header name")))
}

fn cookie_name(option: &str, value: &str) -> Result<(), ConfigError> {
    non_empty(option, value)?;
    // RFC 6265 cookie-name is an RFC 7230 token.
    let ok = value
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(ConfigError::new(
            option,
            format!("{value:?} is not a valid cookie name"),
        ))
    }
}

fn cookie_path(option: &str, value: &str) -> Result<(), ConfigError> {
    if !value.starts_with('/') || value.bytes().any(|b| b == b';' || b.is_ascii_control()) {
        return Err(ConfigError::new(
            option,
            format!("{value:?} is not a valid cookie path (it must start with '/')"),
        ));
    }
    Ok(())
}

fn expiry(option: &str, value: Expiry) -> Result<(), ConfigError> {
    match value {
        Expiry::After(d) if d.is_zero() => Err(ConfigError::new(
            option,
            "a zero lifetime is not allowed (flask-jwt-extended silently makes such tokens \
             never expire); use false / Expiry::Never for tokens that never expire",
        )),
        _ => Ok(()),
    }
}

/// The longest `JWT_DECODE_LEEWAY`: a day. More accepts tokens long expired (a leeway near
/// 2^64 seconds accepts `exp = 2`).
pub(crate) const MAX_LEEWAY: std::time::Duration = std::time::Duration::from_secs(24 * 3600);

/// The methods HTTP defines; `JWT_CSRF_METHODS` takes these only.
const METHODS: [&str; 9] = [
    "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT",
];

fn csrf_methods(c: &JwtConfig) -> Result<(), ConfigError> {
    if c.cookie_csrf_protect && c.csrf_methods.is_empty() {
        return Err(ConfigError::new(
            "JWT_CSRF_METHODS",
            "is empty, which turns CSRF protection off for every method: list the methods to \
             check (default POST, PUT, PATCH, DELETE), or set JWT_COOKIE_CSRF_PROTECT=false",
        ));
    }
    for m in &c.csrf_methods {
        if !METHODS.iter().any(|k| k.eq_ignore_ascii_case(m)) {
            return Err(ConfigError::new(
                "JWT_CSRF_METHODS",
                format!(
                    "{m:?} is not an HTTP method (expected some of {})",
                    METHODS.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

/// Warnings about a configuration that starts but is probably not what was meant.
pub(crate) fn warnings(c: &JwtConfig) -> Vec<String> {
    let mut out = c.unknown_variables.clone();
    let uses_cookies = c.token_location.contains(&super::Location::Cookies);
    if uses_cookies
        && c.cookie_csrf_protect
        && !c
            .csrf_methods
            .iter()
            .any(|m| m.eq_ignore_ascii_case("POST"))
    {
        out.push(format!(
            "JWT_CSRF_METHODS is {:?}, without POST: cookie-authenticated POST requests are not \
             checked for CSRF",
            c.csrf_methods
        ));
    }
    out
}

/// The remote JWK Set options.
fn jwks(c: &JwtConfig) -> Result<(), ConfigError> {
    if let Some(url) = &c.jwks_url {
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return Err(ConfigError::new(
                "JWT_JWKS_URL",
                "must be an http:// or https:// URL (the scheme is not one of these)",
            ));
        }
    }
    if c.jwks_url.is_some() && c.secret_key.is_some() {
        return Err(ConfigError::new(
            "JWT_JWKS_URL",
            "is set together with JWT_SECRET_KEY: tokens would be accepted both from the remote \
             key set and signed with the shared secret, and this service could mint them; a \
             verifier of another service's tokens sets JWT_JWKS_URL alone",
        ));
    }
    if c.jwks_unknown_kid_interval.is_zero() {
        return Err(ConfigError::new(
            "JWT_JWKS_UNKNOWN_KID_INTERVAL",
            "must be at least 1 second (with 0, every token naming an unknown kid makes a \
             request to the key server)",
        ));
    }
    if c.jwks_refresh_floor.is_zero() {
        return Err(ConfigError::new(
            "JWT_JWKS_REFRESH_FLOOR",
            "must be at least 1 second",
        ));
    }
    if c.jwks_refresh_ceiling < c.jwks_refresh_floor {
        return Err(ConfigError::new(
            "JWT_JWKS_REFRESH_CEILING",
            "must not be shorter than JWT_JWKS_REFRESH_FLOOR",
        ));
    }
    if c.jwks_timeout.is_zero() {
        return Err(ConfigError::new(
            "JWT_JWKS_TIMEOUT",
            "must be at least 1 second",
        ));
    }
    if c.jwks_max_bytes < 1024 {
        return Err(ConfigError::new(
            "JWT_JWKS_MAX_BYTES",
            "must be at least 1024 bytes",
        ));
    }
    Ok(())
}

/// Checks everything but the keys (see `keys.rs`).
pub(crate) fn validate(c: &JwtConfig) -> Result<(), ConfigError> {
    if c.token_location.is_empty() {
        return Err(ConfigError::new(
            "JWT_TOKEN_LOCATION",
            "must contain at least one of \"headers\", \"cookies\", \"query_string\", or \"json\"",
        ));
    }
    for (i, l) in c.token_location.iter().enumerate() {
        if c.token_location[..i].contains(l) {
            return Err(ConfigError::new(
                "JWT_TOKEN_LOCATION",
                format!("{l:?} is listed twice"),
            ));
        }
    }
    if c.decode_leeway > MAX_LEEWAY {
        return Err(ConfigError::new(
            "JWT_DECODE_LEEWAY",
            format!(
                "{} seconds accepts tokens long after they expired: at most {} (a day); a few \
                 seconds cover clock skew",
                c.decode_leeway.as_secs(),
                MAX_LEEWAY.as_secs()
            ),
        ));
    }
    expiry("JWT_ACCESS_TOKEN_EXPIRES", c.access_token_expires)?;
    expiry("JWT_REFRESH_TOKEN_EXPIRES", c.refresh_token_expires)?;
    non_empty("JWT_IDENTITY_CLAIM", &c.identity_claim)?;
    non_empty("JWT_ERROR_MESSAGE_KEY", &c.error_message_key)?;
    header_name("JWT_HEADER_NAME", &c.header_name)?;
    if c.header_type.chars().any(char::is_whitespace) || c.header_type.contains(',') {
        return Err(ConfigError::new(
            "JWT_HEADER_TYPE",
            format!("{:?} must be a single word (or empty)", c.header_type),
        ));
    }
    cookie_name("JWT_ACCESS_COOKIE_NAME", &c.access_cookie_name)?;
    cookie_name("JWT_REFRESH_COOKIE_NAME", &c.refresh_cookie_name)?;
    cookie_name("JWT_ACCESS_CSRF_COOKIE_NAME", &c.access_csrf_cookie_name)?;
    cookie_name("JWT_REFRESH_CSRF_COOKIE_NAME", &c.refresh_csrf_cookie_name)?;
    cookie_path("JWT_ACCESS_COOKIE_PATH", &c.access_cookie_path)?;
    cookie_path("JWT_REFRESH_COOKIE_PATH", &c.refresh_cookie_path)?;
    cookie_path("JWT_ACCESS_CSRF_COOKIE_PATH", &c.access_csrf_cookie_path)?;
    cookie_path("JWT_REFRESH_CSRF_COOKIE_PATH", &c.refresh_csrf_cookie_path)?;
    if let Some(d) = &c.cookie_domain {
        if d.bytes()
            .any(|b| b == b';' || b.is_ascii_whitespace() || b.is_ascii_control())
        {
            return Err(ConfigError::new(
                "JWT_COOKIE_DOMAIN",
                format!("{d:?} is not a valid cookie domain"),
            ));
        }
    }
    if c.cookie_samesite == Some(SameSite::None) && !c.cookie_secure {
        return Err(ConfigError::new(
            "JWT_COOKIE_SAMESITE",
            "SameSite=None requires JWT_COOKIE_SECURE=true (browsers drop such cookies otherwise)",
        ));
    }
    header_name("JWT_ACCESS_CSRF_HEADER_NAME", &c.access_csrf_header_name)?;
    header_name("JWT_REFRESH_CSRF_HEADER_NAME", &c.refresh_csrf_header_name)?;
    non_empty("JWT_ACCESS_CSRF_FIELD_NAME", &c.access_csrf_field_name)?;
    non_empty("JWT_REFRESH_CSRF_FIELD_NAME", &c.refresh_csrf_field_name)?;
    csrf_methods(c)?;
    non_empty("JWT_QUERY_STRING_NAME", &c.query_string_name)?;
    non_empty("JWT_JSON_KEY", &c.json_key)?;
    non_empty("JWT_REFRESH_JSON_KEY", &c.refresh_json_key)?;
    if c.max_token_length < 64 {
        return Err(ConfigError::new(
            "max_token_length",
            "must be at least 64 bytes",
        ));
    }
    jwks(c)?;
    if c.json_body_budget < c.json_body_limit {
        return Err(ConfigError::new(
            "json_body_budget",
            format!(
                "is {} bytes, less than json_body_limit ({} bytes): a body of the limit could \
                 never be read",
                c.json_body_budget, c.json_body_limit
            ),
        ));
    }
    if let Some(a) = &c.decode_audience {
        if a.is_empty() {
            return Err(ConfigError::new("JWT_DECODE_AUDIENCE", "cannot be empty"));
        }
    }
    if let Some(i) = &c.decode_issuer {
        if i.is_empty() || i.iter().any(String::is_empty) {
            return Err(ConfigError::new("JWT_DECODE_ISSUER", "cannot be empty"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn option_of(c: JwtConfig) -> Option<String> {
        validate(&c).err().map(|e| e.option().to_owned())
    }

    #[test]
    fn each_mistake_names_its_option() {
        let ok = JwtConfig::default;
        assert_eq!(option_of(ok()), None);
        let cases: [(JwtConfig, &str); 6] = [
            (
                JwtConfig {
                    token_location: vec![],
                    ..ok()
                },
                "JWT_TOKEN_LOCATION",
            ),
            (
                JwtConfig {
                    csrf_methods: vec![],
                    ..ok()
                },
                "JWT_CSRF_METHODS",
            ),
            (
                JwtConfig {
                    csrf_methods: vec!["FOO".into()],
                    ..ok()
                },
                "JWT_CSRF_METHODS",
            ),
            (
                JwtConfig {
                    access_token_expires: Expiry::After(std::time::Duration::ZERO),
                    ..ok()
                },
                "JWT_ACCESS_TOKEN_EXPIRES",
            ),
            (
                JwtConfig {
                    cookie_samesite: Some(SameSite::None),
                    ..ok()
                },
                "JWT_COOKIE_SAMESITE",
            ),
            (
                JwtConfig {
                    access_cookie_name: "a b".into(),
                    ..ok()
                },
                "JWT_ACCESS_COOKIE_NAME",
            ),
        ];
        for (c, option) in cases {
            assert_eq!(option_of(c).as_deref(), Some(option));
        }
    }

    #[test]
    fn a_csrf_list_without_post_warns() {
        let c = JwtConfig {
            token_location: vec![super::super::Location::Cookies],
            csrf_methods: vec!["PUT".into()],
            ..JwtConfig::default()
        };
        assert_eq!(validate(&c).err(), None);
        assert_eq!(warnings(&c).len(), 1);
        assert!(warnings(&JwtConfig::default()).is_empty());
    }
}
