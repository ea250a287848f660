//! Cookie helpers: `set_access_cookies`, `set_refresh_cookies`, `unset_jwt_cookies`,
//! `unset_access_cookies`, `unset_refresh_cookies`, with flask-jwt-extended's attributes.
//!
//! Each returns [`JwtCookies`], which is a response part (`(cookies, Json(body))`) and also
//! iterates as [`cookie::Cookie`]s for axum-extra's `CookieJar`.
//!
//! ```
//! use axum::{response::IntoResponse, Json};
//! use axum_jwt_extended_runtime::{set_access_cookies, CookieOptions, JwtConfig, JwtManager};
//!
//! let jwt = JwtManager::new(JwtConfig::with_secret("a-very-long-secret-of-at-least-32-bytes!")).unwrap();
//! let token = jwt.create_access_token("alice").unwrap();
//! let cookies = set_access_cookies(&jwt, &token, CookieOptions::default()).unwrap();
//! let response = (cookies, Json(serde_json::json!({"login": true}))).into_response();
//! let set_cookie: Vec<_> = response.headers().get_all("set-cookie").iter().collect();
//! assert_eq!(set_cookie.len(), 2); // the JWT and the CSRF value
//! ```

use std::time::Duration;

use axum::http::header::SET_COOKIE;
use axum::http::HeaderValue;
use axum::response::{IntoResponseParts, ResponseParts};
use cookie::time::OffsetDateTime;
use cookie::Cookie;

use crate::config::SameSite;
use crate::error::JwtError;
use crate::manager::JwtManager;
use crate::token::TokenType;

/// flask-jwt-extended's fixed lifetime of persistent cookies (`JWT_SESSION_COOKIE = False`).
pub const PERSISTENT_COOKIE_MAX_AGE: u64 = 31_540_000;

/// Per-call overrides: `max_age` and `domain` of `set_access_cookies(response, token,
/// max_age=…, domain=…)`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CookieOptions {
    /// Lifetime of the cookies; `None` (or zero, as in Flask) uses the configuration.
    pub max_age: Option<Duration>,
    /// Domain of the cookies; `None` (or empty, as in Flask) uses `JWT_COOKIE_DOMAIN`. A port
    /// and leading dots are dropped (`.example.com:8080` gives `Domain=example.com`, as with
    /// Werkzeug); a value that is not visible ASCII without `;`, `,`, `"` or `\` is ignored.
    pub domain: Option<String>,
}

/// `Set-Cookie` headers to add to a response.
#[derive(Debug, Clone, Default)]
pub struct JwtCookies(Vec<Cookie<'static>>);

impl JwtCookies {
    /// The cookies, in the order Flask emits them.
    pub fn cookies(&self) -> &[Cookie<'static>] {
        &self.0
    }

    /// Adds the cookies of `other` after these (e.g. access then refresh at login).
    pub fn and(mut self, other: JwtCookies) -> JwtCookies {
        self.0.extend(other.0);
        self
    }
}

impl JwtCookies {
    /// Appends the `Set-Cookie` headers to `headers` (of a response already made).
    pub(crate) fn append_to(self, headers: &mut axum::http::HeaderMap) {
        for c in self.0 {
            // Cookie names and paths are validated at start-up and values are tokens or UUIDs,
            // so every header is valid; an invalid one would be skipped, never a panic.
            if let Ok(v) = HeaderValue::from_str(&c.to_string()) {
                headers.append(SET_COOKIE, v);
            }
        }
    }
}

impl IntoIterator for JwtCookies {
    type Item = Cookie<'static>;
    type IntoIter = std::vec::IntoIter<Cookie<'static>>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl IntoResponseParts for JwtCookies {
    type Error = std::convert::Infallible;

    fn into_response_parts(self, mut res: ResponseParts) -> Result<ResponseParts, Self::Error> {
        self.append_to(res.headers_mut());
        Ok(res)
    }
}

impl axum::response::IntoResponse for JwtCookies {
    fn into_response(self) -> axum::response::Response {
        (self, ()).into_response()
    }
}

/// Visible ASCII without the separators of a `Set-Cookie` line (RFC 6265 §4.1.1 av-octets,
/// minus `,`, `"` and `\`).
fn is_attribute_value(v: &str) -> bool {
    v.bytes()
        .all(|b| b.is_ascii_graphic() && !matches!(b, b';' | b',' | b'"' | b'\\'))
}

/// The JWT cookie's name and path for tokens of `kind`, then its CSRF cookie's.
fn names(kind: TokenType, c: &crate::config::JwtConfig) -> (&str, &str, &str, &str) {
    match kind {
        TokenType::Refresh => (
            &c.refresh_cookie_name,
            &c.refresh_cookie_path,
            &c.refresh_csrf_cookie_name,
            &c.refresh_csrf_cookie_path,
        ),
        TokenType::Access => (
            &c.access_cookie_name,
            &c.access_cookie_path,
            &c.access_csrf_cookie_name,
            &c.access_csrf_cookie_path,
        ),
    }
}

impl JwtManager {
    fn cookie(
        &self,
        name: &str,
        value: String,
        path: &str,
        http_only: bool,
        options: &CookieOptions,
        unset: bool,
    ) -> Cookie<'static> {
        let c = self.config();
        let mut cookie = Cookie::new(name.to_owned(), value);
        cookie.set_path(path.to_owned());
        cookie.set_http_only(http_only);
        if c.cookie_secure {
            cookie.set_secure(true);
        }
        // Flask: `domain or config.cookie_domain` (an empty override is no override), then
        // Werkzeug drops a port and the leading dots: `.example.com:8080` → `example.com`.
        // A per-call domain that could not be a single attribute value (`a.com; SameSite=None`,
        // spaces, non-ASCII) is ignored rather than written out as Werkzeug would.
        let domain = options
            .domain
            .as_deref()
            .filter(|d| !d.is_empty() && is_attribute_value(d))
            .or(c.cookie_domain.as_deref().filter(|d| !d.is_empty()));
        if let Some(domain) = domain {
            let host = domain.split(':').next().unwrap_or_default();
            cookie.set_domain(host.trim_start_matches('.').to_owned());
        }
        if let Some(s) = c.cookie_samesite {
            cookie.set_same_site(match s {
                SameSite::Lax => cookie::SameSite::Lax,
                SameSite::Strict => cookie::SameSite::Strict,
                SameSite::None => cookie::SameSite::None,
            });
        }
        if unset {
            cookie.set_expires(OffsetDateTime::UNIX_EPOCH);
        } else {
            let max_age = options
                .max_age
                .filter(|d| !d.is_zero())
                .or((!c.session_cookie).then_some(Duration::from_secs(PERSISTENT_COOKIE_MAX_AGE)));
            if let Some(age) = max_age {
                // Bounded to 100 years (browsers cap cookie lifetimes far lower anyway),
                // so no date arithmetic can overflow.
                let secs = age.as_secs().min(100 * 365 * 24 * 3600) as i64;
                cookie.set_max_age(cookie::time::Duration::seconds(secs));
                let now = OffsetDateTime::UNIX_EPOCH
                    .checked_add(cookie::time::Duration::seconds(self.now().as_secs() as i64))
                    .unwrap_or(OffsetDateTime::UNIX_EPOCH);
                if let Some(expires) = now.checked_add(cookie::time::Duration::seconds(secs)) {
                    cookie.set_expires(expires);
                }
            }
        }
        cookie
    }

    fn set_cookies(
        &self,
        token: &str,
        options: &CookieOptions,
        kind: TokenType,
    ) -> Result<JwtCookies, JwtError> {
        let c = self.config();
        let (name, path, csrf_name, csrf_path) = names(kind, c);
        let mut out = vec![self.cookie(name, token.to_owned(), path, true, options, false)];
        if c.cookie_csrf_protect && c.csrf_in_cookies {
            let csrf = self.get_csrf_token(token)?;
            out.push(self.cookie(csrf_name, csrf, csrf_path, false, options, false));
        }
        Ok(JwtCookies(out))
    }

    fn unset_cookies(&self, domain: Option<&str>, kind: TokenType) -> JwtCookies {
        let c = self.config();
        let options = CookieOptions {
            max_age: None,
            domain: domain.map(str::to_owned),
        };
        let (name, path, csrf_name, csrf_path) = names(kind, c);
        let mut out = vec![self.cookie(name, String::new(), path, true, &options, true)];
        if c.cookie_csrf_protect && c.csrf_in_cookies {
            out.push(self.cookie(csrf_name, String::new(), csrf_path, false, &options, true));
        }
        JwtCookies(out)
    }
}

/// `set_access_cookies(response, encoded_access_token, max_age=None, domain=None)`: the access
/// cookie (`HttpOnly`) and, with CSRF protection in cookies, the readable CSRF cookie. The
/// token is fully decoded for its `csrf` claim, as in Flask.
pub fn set_access_cookies(
    jwt: &JwtManager,
    token: &str,
    options: CookieOptions,
) -> Result<JwtCookies, JwtError> {
    jwt.set_cookies(token, &options, TokenType::Access)
}

/// `set_refresh_cookies(response, encoded_refresh_token, max_age=None, domain=None)`.
pub fn set_refresh_cookies(
    jwt: &JwtManager,
    token: &str,
    options: CookieOptions,
) -> Result<JwtCookies, JwtError> {
    jwt.set_cookies(token, &options, TokenType::Refresh)
}

/// `unset_access_cookies(response, domain=None)`: empty values expiring at the epoch.
pub fn unset_access_cookies(jwt: &JwtManager, domain: Option<&str>) -> JwtCookies {
    jwt.unset_cookies(domain, TokenType::Access)
}

/// `unset_refresh_cookies(response, domain=None)`.
pub fn unset_refresh_cookies(jwt: &JwtManager, domain: Option<&str>) -> JwtCookies {
    jwt.unset_cookies(domain, TokenType::Refresh)
}

/// `unset_jwt_cookies(response, domain=None)`: access cookies, then refresh cookies.
pub fn unset_jwt_cookies(jwt: &JwtManager, domain: Option<&str>) -> JwtCookies {
    unset_access_cookies(jwt, domain).and(unset_refresh_cookies(jwt, domain))
}
