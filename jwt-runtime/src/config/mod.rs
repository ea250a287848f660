//! Configuration: every `JWT_*` option of flask-jwt-extended 4.7, typed, with Flask's defaults.
//!
//! Build it in code (`let mut c = JwtConfig::with_secret("…"); c.token_location = …;`) or
//! from environment variables of the same names with [`JwtConfig::from_env`]. Values are
//! checked when the `JwtManager` is built; a mistake is a [`ConfigError`]
//! naming the option, never a failure on some request later.

mod env;
mod session;
mod validate;

use std::fmt;
use std::time::Duration;

pub use jsonwebtoken::Algorithm;
pub use session::SessionPolicy;

pub(crate) use validate::{validate, warnings};

/// Where a token may be found in a request (`JWT_TOKEN_LOCATION`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Location {
    /// The `Authorization` header (`JWT_HEADER_NAME`, `JWT_HEADER_TYPE`).
    Headers,
    /// A cookie (`JWT_ACCESS_COOKIE_NAME`, `JWT_REFRESH_COOKIE_NAME`), with CSRF double submit.
    Cookies,
    /// The query string (`JWT_QUERY_STRING_NAME`).
    QueryString,
    /// A top-level key of a JSON body (`JWT_JSON_KEY`, `JWT_REFRESH_JSON_KEY`).
    Json,
}

impl Location {
    /// All locations, in flask-jwt-extended's documentation order.
    pub const ALL: [Location; 4] = [
        Location::Headers,
        Location::Cookies,
        Location::QueryString,
        Location::Json,
    ];

    /// The name flask-jwt-extended uses: `"headers"`, `"cookies"`, `"query_string"`, `"json"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Location::Headers => "headers",
            Location::Cookies => "cookies",
            Location::QueryString => "query_string",
            Location::Json => "json",
        }
    }

    /// Parses a location name as flask-jwt-extended spells it.
    pub fn parse(name: &str) -> Option<Location> {
        Location::ALL.into_iter().find(|l| l.as_str() == name)
    }

    /// A small number used to encode location lists in const generics (1..=4).
    #[doc(hidden)]
    pub const fn code(self) -> u16 {
        match self {
            Location::Headers => 1,
            Location::Cookies => 2,
            Location::QueryString => 3,
            Location::Json => 4,
        }
    }

    pub(crate) const fn from_code(code: u16) -> Option<Location> {
        match code {
            1 => Some(Location::Headers),
            2 => Some(Location::Cookies),
            3 => Some(Location::QueryString),
            4 => Some(Location::Json),
            _ => None,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for Location {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A token lifetime (`JWT_ACCESS_TOKEN_EXPIRES`, `JWT_REFRESH_TOKEN_EXPIRES`, `expires_delta`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expiry {
    /// No `exp` claim: the token never expires (Flask's `False`).
    Never,
    /// `exp` = issued-at + this duration.
    After(Duration),
}

impl From<Duration> for Expiry {
    fn from(d: Duration) -> Self {
        Expiry::After(d)
    }
}

/// The `SameSite` attribute of the JWT and CSRF cookies (`JWT_COOKIE_SAMESITE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SameSite {
    /// `SameSite=Lax`
    Lax,
    /// `SameSite=Strict`
    Strict,
    /// `SameSite=None` (browsers require `Secure` with it)
    None,
}

/// One audience or several (`JWT_ENCODE_AUDIENCE`, `JWT_DECODE_AUDIENCE`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Audience {
    /// A single audience, written as a JSON string.
    One(String),
    /// Several audiences, written as a JSON array.
    Many(Vec<String>),
}

impl Audience {
    /// The audiences as a slice-like iterator.
    pub fn values(&self) -> impl Iterator<Item = &str> {
        let (one, many): (Option<&str>, &[String]) = match self {
            Audience::One(s) => (Some(s.as_str()), &[]),
            Audience::Many(v) => (None, v.as_slice()),
        };
        one.into_iter().chain(many.iter().map(String::as_str))
    }

    pub(crate) fn is_empty(&self) -> bool {
        match self {
            Audience::One(s) => s.is_empty(),
            Audience::Many(v) => v.is_empty(),
        }
    }

    pub(crate) fn to_json(&self) -> serde_json::Value {
        match self {
            Audience::One(s) => serde_json::Value::String(s.clone()),
            Audience::Many(v) => {
                serde_json::Value::Array(v.iter().cloned().map(serde_json::Value::String).collect())
            }
        }
    }
}

impl From<&str> for Audience {
    fn from(s: &str) -> Self {
        Audience::One(s.to_owned())
    }
}

impl From<String> for Audience {
    fn from(s: String) -> Self {
        Audience::One(s)
    }
}

impl From<Vec<String>> for Audience {
    fn from(v: Vec<String>) -> Self {
        Audience::Many(v)
    }
}

/// Secret bytes for the HMAC algorithms (`JWT_SECRET_KEY`). Never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub(crate) Vec<u8>);

impl Secret {
    /// The secret's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret(<{} bytes redacted>)", self.0.len())
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Secret(s.as_bytes().to_vec())
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Secret(s.into_bytes())
    }
}

impl From<Vec<u8>> for Secret {
    fn from(b: Vec<u8>) -> Self {
        Secret(b)
    }
}

impl From<&[u8]> for Secret {
    fn from(b: &[u8]) -> Self {
        Secret(b.to_vec())
    }
}

/// A PEM-encoded key for an asymmetric algorithm (`JWT_PRIVATE_KEY`, `JWT_PUBLIC_KEY`).
/// Kept as a different type from [`Secret`] so public key material can never become an HMAC
/// key (RS256 → HS256 confusion).
#[derive(Clone, PartialEq, Eq)]
pub struct PemKey(pub(crate) String);

impl fmt::Debug for PemKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PemKey(<redacted>)")
    }
}

impl From<&str> for PemKey {
    fn from(s: &str) -> Self {
        PemKey(s.to_owned())
    }
}

impl From<String> for PemKey {
    fn from(s: String) -> Self {
        PemKey(s)
    }
}

impl PemKey {
    /// The PEM blocks of a text holding several concatenated (`JWT_RETIRED_PUBLIC_KEYS`), in
    /// order; `None` when it holds none or a block is not closed.
    ///
    /// ```
    /// use axum_jwt_extended_runtime::PemKey;
    /// let two = "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n\
    ///            -----BEGIN PUBLIC KEY-----\nBBBB\n-----END PUBLIC KEY-----";
    /// assert_eq!(PemKey::split_concatenated(two).map(|k| k.len()), Some(2));
    /// assert!(PemKey::split_concatenated("no key").is_none());
    /// ```
    pub fn split_concatenated(text: &str) -> Option<Vec<PemKey>> {
        let mut keys = Vec::new();
        let mut rest = text;
        while let Some(start) = rest.find("-----BEGIN ") {
            let after = &rest[start..];
            let end_marker = after.find("-----END ")?;
            let close = after[end_marker + 9..].find("-----")? + end_marker + 9 + 5;
            keys.push(PemKey(after[..close].to_owned()));
            rest = &after[close..];
        }
        if keys.is_empty() || !rest.trim().is_empty() {
            return None;
        }
        Some(keys)
    }
}

/// Every `JWT_*` option of flask-jwt-extended, with the same defaults.
///
/// `#[non_exhaustive]`, so that options can be added without breaking your code: start from
/// [`JwtConfig::with_secret`], [`JwtConfig::default`] or [`JwtConfig::from_env`] and set the
/// fields you need.
///
/// ```
/// use axum_jwt_extended_runtime::{JwtConfig, Location};
///
/// let mut config = JwtConfig::with_secret("a-very-long-secret-of-at-least-32-bytes!");
/// config.token_location = vec![Location::Headers, Location::Cookies];
/// assert_eq!(config.header_type, "Bearer");
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct JwtConfig {
    // --- general / token -------------------------------------------------------------------
    /// `JWT_SECRET_KEY`: the HMAC secret (at least as long as the hash: 32 bytes for HS256).
    pub secret_key: Option<Secret>,
    /// `JWT_PRIVATE_KEY`: PEM private key for an asymmetric `JWT_ALGORITHM`.
    pub private_key: Option<PemKey>,
    /// `JWT_PUBLIC_KEY`: PEM public key for an asymmetric `JWT_ALGORITHM`.
    pub public_key: Option<PemKey>,
    /// `JWT_RETIRED_PUBLIC_KEYS`: PEM public keys (concatenated in the variable) that still
    /// verify the tokens naming them by `kid` (their RFC 7638 thumbprint), but never sign: the
    /// keys of a rotation. Listed in [`JwtManager::jwks`](crate::JwtManager::jwks). Not a Flask
    /// option.
    pub retired_public_keys: Vec<PemKey>,
    /// `JWT_ALGORITHM` (default HS256).
    pub algorithm: Algorithm,
    /// `JWT_DECODE_ALGORITHMS`: the allow-list; `JWT_ALGORITHM` is always added, as in Flask.
    pub decode_algorithms: Vec<Algorithm>,
    /// `JWT_ACCESS_TOKEN_EXPIRES` (default 15 minutes).
    pub access_token_expires: Expiry,
    /// `JWT_REFRESH_TOKEN_EXPIRES` (default 30 days).
    pub refresh_token_expires: Expiry,
    /// `JWT_TOKEN_LOCATION` (default `["headers"]`); the order sets precedence.
    pub token_location: Vec<Location>,
    /// `JWT_IDENTITY_CLAIM` (default `"sub"`).
    pub identity_claim: String,
    /// `JWT_ERROR_MESSAGE_KEY` (default `"msg"`).
    pub error_message_key: String,
    /// `JWT_DECODE_AUDIENCE`: when set, `aud` is required and must overlap.
    pub decode_audience: Option<Audience>,
    /// `JWT_ENCODE_AUDIENCE`: `aud` put into new tokens.
    pub encode_audience: Option<Audience>,
    /// `JWT_DECODE_ISSUER`: when set, `iss` is required and must equal one of these.
    pub decode_issuer: Option<Vec<String>>,
    /// `JWT_ENCODE_ISSUER`: `iss` put into new tokens.
    pub encode_issuer: Option<String>,
    /// `JWT_DECODE_LEEWAY`: clock skew allowed for `exp`, `nbf` and `iat` (default 0).
    pub decode_leeway: Duration,
    /// `JWT_ENCODE_NBF` (default true): new tokens get `nbf` = `iat`.
    pub encode_nbf: bool,
    /// `JWT_VERIFY_SUB` (default true): a non-string `sub` is invalid.
    pub verify_sub: bool,

    // --- header location -------------------------------------------------------------------
    /// `JWT_HEADER_NAME` (default `"Authorization"`).
    pub header_name: String,
    /// `JWT_HEADER_TYPE` (default `"Bearer"`; empty means the header holds only the token).
    pub header_type: String,

    // --- cookies -----------------------------------------------------------------------------
    /// `JWT_ACCESS_COOKIE_NAME` (default `"access_token_cookie"`).
    pub access_cookie_name: String,
    /// `JWT_REFRESH_COOKIE_NAME` (default `"refresh_token_cookie"`).
    pub refresh_cookie_name: String,
    /// `JWT_ACCESS_COOKIE_PATH` (default `"/"`).
    pub access_cookie_path: String,
    /// `JWT_REFRESH_COOKIE_PATH` (default `"/"`).
    pub refresh_cookie_path: String,
    /// `JWT_COOKIE_SECURE` (default false).
    pub cookie_secure: bool,
    /// `JWT_COOKIE_DOMAIN` (default none).
    pub cookie_domain: Option<String>,
    /// `JWT_COOKIE_SAMESITE` (default none: the attribute is omitted).
    pub cookie_samesite: Option<SameSite>,
    /// `JWT_SESSION_COOKIE` (default true: no `Max-Age`).
    pub session_cookie: bool,
    /// `JWT_COOKIE_CSRF_PROTECT` (default true).
    pub cookie_csrf_protect: bool,

    // --- CSRF --------------------------------------------------------------------------------
    /// `JWT_CSRF_METHODS` (default POST, PUT, PATCH, DELETE).
    pub csrf_methods: Vec<String>,
    /// `JWT_CSRF_IN_COOKIES` (default true).
    pub csrf_in_cookies: bool,
    /// `JWT_ACCESS_CSRF_COOKIE_NAME` (default `"csrf_access_token"`).
    pub access_csrf_cookie_name: String,
    /// `JWT_REFRESH_CSRF_COOKIE_NAME` (default `"csrf_refresh_token"`).
    pub refresh_csrf_cookie_name: String,
    /// `JWT_ACCESS_CSRF_COOKIE_PATH` (default `"/"`).
    pub access_csrf_cookie_path: String,
    /// `JWT_REFRESH_CSRF_COOKIE_PATH` (default `"/"`).
    pub refresh_csrf_cookie_path: String,
    /// `JWT_ACCESS_CSRF_HEADER_NAME` (default `"X-CSRF-TOKEN"`).
    pub access_csrf_header_name: String,
    /// `JWT_REFRESH_CSRF_HEADER_NAME` (default `"X-CSRF-TOKEN"`).
    pub refresh_csrf_header_name: String,
    /// `JWT_CSRF_CHECK_FORM` (default false).
    pub csrf_check_form: bool,
    /// `JWT_ACCESS_CSRF_FIELD_NAME` (default `"csrf_token"`).
    pub access_csrf_field_name: String,
    /// `JWT_REFRESH_CSRF_FIELD_NAME` (default `"csrf_token"`).
    pub refresh_csrf_field_name: String,

    // --- query string and JSON body ------------------------------------------------------------
    /// `JWT_QUERY_STRING_NAME` (default `"jwt"`).
    pub query_string_name: String,
    /// `JWT_QUERY_STRING_VALUE_PREFIX` (default empty).
    pub query_string_value_prefix: String,
    /// `JWT_JSON_KEY` (default `"access_token"`).
    pub json_key: String,
    /// `JWT_REFRESH_JSON_KEY` (default `"refresh_token"`).
    pub refresh_json_key: String,

    // --- ours ----------------------------------------------------------------------------------
    /// Longest token accepted, in bytes (default 8 KiB); longer is 422. Not a Flask option.
    pub max_token_length: usize,
    /// Largest body read for the JSON location, in bytes (default 2 MiB, axum's default); larger
    /// is 413. Not a Flask option.
    pub json_body_limit: usize,
    /// The bytes that the JSON location may buffer across all requests at once (default
    /// 16 MiB): a body that would take more is refused at once with 503, nothing read, so
    /// that stalled uploads cannot hold the process's memory. At least `json_body_limit`.
    pub json_body_budget: usize,
    /// Longest wait for a body that verification must read (the JSON location, the CSRF form
    /// field), default 10 s; slower is 408. Not a Flask option.
    pub body_read_timeout: Duration,
    /// Add `WWW-Authenticate: Bearer` (RFC 6750 §3) to the default 401 and 422 answers:
    /// `error="invalid_token"` for a token that is invalid, expired or revoked,
    /// `error="invalid_request"` for a malformed header. Off by default, as in Flask.
    pub www_authenticate: bool,

    // --- JWK Sets (ours) -----------------------------------------------------------------------
    /// `JWT_JWKS_MAX_AGE`: the `Cache-Control: public, max-age` of the JWK Set this manager
    /// serves ([`JwtManager::jwks_router`](crate::JwtManager::jwks_router)), default 300 s.
    pub jwks_max_age: Duration,
    /// `JWT_JWKS_URL`: verify tokens against the JWK Set at this URL (cargo feature `jwks`;
    /// the manager is then built with `build_async`). Each key is used with its JWK's `alg`.
    pub jwks_url: Option<String>,
    /// `JWT_JWKS_REFRESH_FLOOR`: the remote set is re-fetched no sooner than this after a fetch,
    /// whatever its `Cache-Control` says (default 60 s).
    pub jwks_refresh_floor: Duration,
    /// `JWT_JWKS_REFRESH_CEILING`: and no later than this (default 1 day).
    pub jwks_refresh_ceiling: Duration,
    /// `JWT_JWKS_UNKNOWN_KID_INTERVAL`: a token with an unknown `kid` re-fetches the remote set
    /// at most once per this interval (default 10 s); the request waits for that re-fetch.
    pub jwks_unknown_kid_interval: Duration,
    /// `JWT_JWKS_TIMEOUT`: the longest a fetch of the remote set may take (default 5 s).
    pub jwks_timeout: Duration,
    /// `JWT_JWKS_MAX_BYTES`: the largest remote JWK Set document accepted (default 256 KiB).
    pub jwks_max_bytes: usize,

    /// Warnings about `JWT_*` variables that are no option, found by [`from_env`](Self::from_env).
    pub(crate) unknown_variables: Vec<String>,
}

impl Default for JwtConfig {
    fn default() -> Self {
        JwtConfig {
            secret_key: None,
            private_key: None,
            public_key: None,
            retired_public_keys: Vec::new(),
            algorithm: Algorithm::HS256,
            decode_algorithms: Vec::new(),
            access_token_expires: Expiry::After(Duration::from_secs(15 * 60)),
            refresh_token_expires: Expiry::After(Duration::from_secs(30 * 24 * 3600)),
            token_location: vec![Location::Headers],
            identity_claim: "sub".into(),
            error_message_key: "msg".into(),
            decode_audience: None,
            encode_audience: None,
            decode_issuer: None,
            encode_issuer: None,
            decode_leeway: Duration::ZERO,
            encode_nbf: true,
            verify_sub: true,
            header_name: "Authorization".into(),
            header_type: "Bearer".into(),
            access_cookie_name: "access_token_cookie".into(),
            refresh_cookie_name: "refresh_token_cookie".into(),
            access_cookie_path: "/".into(),
            refresh_cookie_path: "/".into(),
            cookie_secure: false,
            cookie_domain: None,
            cookie_samesite: None,
            session_cookie: true,
            cookie_csrf_protect: true,
            csrf_methods: ["POST", "PUT", "PATCH", "DELETE"]
                .map(String::from)
                .to_vec(),
            csrf_in_cookies: true,
            access_csrf_cookie_name: "csrf_access_token".into(),
            refresh_csrf_cookie_name: "csrf_refresh_token".into(),
            access_csrf_cookie_path: "/".into(),
            refresh_csrf_cookie_path: "/".into(),
            access_csrf_header_name: "X-CSRF-TOKEN".into(),
            refresh_csrf_header_name: "X-CSRF-TOKEN".into(),
            csrf_check_form: false,
            access_csrf_field_name: "csrf_token".into(),
            refresh_csrf_field_name: "csrf_token".into(),
            query_string_name: "jwt".into(),
            query_string_value_prefix: String::new(),
            json_key: "access_token".into(),
            refresh_json_key: "refresh_token".into(),
            max_token_length: 8 * 1024,
            json_body_limit: 2 * 1024 * 1024,
            json_body_budget: 16 * 1024 * 1024,
            body_read_timeout: Duration::from_secs(10),
            www_authenticate: false,
            jwks_max_age: Duration::from_secs(300),
            jwks_url: None,
            jwks_refresh_floor: Duration::from_secs(60),
            jwks_refresh_ceiling: Duration::from_secs(24 * 3600),
            jwks_unknown_kid_interval: Duration::from_secs(10),
            jwks_timeout: Duration::from_secs(5),
            jwks_max_bytes: 256 * 1024,
            unknown_variables: Vec::new(),
        }
    }
}

impl JwtConfig {
    /// A default configuration with this HMAC secret.
    ///
    /// ```
    /// let config = axum_jwt_extended_runtime::JwtConfig::with_secret(
    ///     "a-very-long-secret-of-at-least-32-bytes!");
    /// assert!(config.secret_key.is_some());
    /// ```
    pub fn with_secret(secret: impl Into<Secret>) -> Self {
        JwtConfig {
            secret_key: Some(secret.into()),
            ..JwtConfig::default()
        }
    }

    /// Reads every `JWT_*` option from the process environment (unset variables keep their
    /// defaults). Lists are comma-separated, durations are whole seconds or `false` (never),
    /// booleans are `true`/`false`. `SECRET_KEY` is used when `JWT_SECRET_KEY` is unset, as
    /// Flask falls back to its `SECRET_KEY`.
    ///
    /// A `JWT_*` variable that is no option (a typo such as `JWT_ACCESS_TOKEN_EXPIRE`) is
    /// warned about when the manager is built, naming the closest option.
    pub fn from_env() -> Result<JwtConfig, ConfigError> {
        let (mut c, options) = env::from_lookup_asked(|name| std::env::var(name).ok())?;
        let present = std::env::vars_os().filter_map(|(name, _)| name.into_string().ok());
        c.unknown_variables = env::unknown_variables(present, &options);
        Ok(c)
    }

    /// As [`from_env`](Self::from_env), reading variables through `lookup` (for tests and for
    /// other configuration sources).
    ///
    /// ```
    /// use axum_jwt_extended_runtime::JwtConfig;
    /// let config = JwtConfig::from_lookup(|name| match name {
    ///     "JWT_TOKEN_LOCATION" => Some("headers,cookies".into()),
    ///     "JWT_ACCESS_TOKEN_EXPIRES" => Some("false".into()),
    ///     _ => None,
    /// })
    /// .unwrap();
    /// assert_eq!(config.token_location.len(), 2);
    ///
    /// let err = JwtConfig::from_lookup(|name| (name == "JWT_COOKIE_SECURE").then(|| "maybe".into()))
    ///     .unwrap_err();
    /// assert_eq!(err.option(), "JWT_COOKIE_SECURE");
    /// ```
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<JwtConfig, ConfigError> {
        env::from_lookup(lookup)
    }

    /// The decode allow-list as Flask computes it: `JWT_DECODE_ALGORITHMS`, or
    /// `[JWT_ALGORITHM]`, with `JWT_ALGORITHM` appended when missing.
    pub fn effective_decode_algorithms(&self) -> Vec<Algorithm> {
        let mut algs = self.decode_algorithms.clone();
        if !algs.contains(&self.algorithm) {
            algs.push(self.algorithm);
        }
        algs
    }
}

/// A configuration mistake, naming the option (and, for a key that does not parse, the
/// parser's error as `source()`).
#[derive(Debug, Clone)]
pub struct ConfigError {
    option: String,
    message: String,
    source: Option<std::sync::Arc<dyn std::error::Error + Send + Sync>>,
}

impl PartialEq for ConfigError {
    fn eq(&self, other: &Self) -> bool {
        self.option == other.option && self.message == other.message
    }
}

impl Eq for ConfigError {}

impl ConfigError {
    pub(crate) fn new(option: impl Into<String>, message: impl Into<String>) -> Self {
        ConfigError {
            option: option.into(),
            message: message.into(),
            source: None,
        }
    }

    /// A mistake whose message is `cause`'s, kept as the `source()`.
    pub(crate) fn caused_by(
        option: impl Into<String>,
        cause: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        ConfigError {
            option: option.into(),
            message: cause.to_string(),
            source: Some(std::sync::Arc::new(cause)),
        }
    }

    /// The option at fault, e.g. `JWT_SECRET_KEY`.
    pub fn option(&self) -> &str {
        &self.option
    }

    /// What is wrong with it.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.option, self.message)
    }
}

impl std::error::Error for ConfigError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Destructured without `..`: a new option fails to compile here until its default is
    /// checked in `tests/upstream_config.rs` (`test_default_configs`), which, outside this
    /// crate, must use `..`.
    #[test]
    fn every_option_has_its_default_checked() {
        let JwtConfig {
            secret_key: _,
            private_key: _,
            public_key: _,
            retired_public_keys: _,
            algorithm: _,
            decode_algorithms: _,
            access_token_expires: _,
            refresh_token_expires: _,
            token_location: _,
            identity_claim: _,
            error_message_key: _,
            decode_audience: _,
            encode_audience: _,
            decode_issuer: _,
            encode_issuer: _,
            decode_leeway: _,
            encode_nbf: _,
            verify_sub: _,
            header_name: _,
            header_type: _,
            access_cookie_name: _,
            refresh_cookie_name: _,
            access_cookie_path: _,
            refresh_cookie_path: _,
            cookie_secure: _,
            cookie_domain: _,
            cookie_samesite: _,
            session_cookie: _,
            cookie_csrf_protect: _,
            csrf_methods: _,
            csrf_in_cookies: _,
            access_csrf_cookie_name: _,
            refresh_csrf_cookie_name: _,
            access_csrf_cookie_path: _,
            refresh_csrf_cookie_path: _,
            access_csrf_header_name: _,
            refresh_csrf_header_name: _,
            csrf_check_form: _,
            access_csrf_field_name: _,
            refresh_csrf_field_name: _,
            query_string_name: _,
            query_string_value_prefix: _,
            json_key: _,
            refresh_json_key: _,
            max_token_length: _,
            json_body_limit: _,
            json_body_budget: _,
            body_read_timeout: _,
            www_authenticate: _,
            jwks_max_age: _,
            jwks_url: _,
            jwks_refresh_floor: _,
            jwks_refresh_ceiling: _,
            jwks_unknown_kid_interval: _,
            jwks_timeout: _,
            jwks_max_bytes: _,
            unknown_variables: _,
        } = JwtConfig::default();
    }
}
