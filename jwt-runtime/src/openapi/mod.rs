//! OpenAPI: the security schemes a configuration implies, and the requirement of a protected
//! operation, as JSON for any generator, with [`utoipa`](https://docs.rs/utoipa) (feature
//! `utoipa`) and [`aide`](https://docs.rs/aide) (feature `aide`) integrations.
//!
//! | location | scheme | |
//! |---|---|---|
//! | headers (`Authorization: Bearer`) | `bearerAuth` | HTTP bearer, format JWT (another header name or type: an `apiKey` header `headerAuth`) |
//! | cookies | `cookieAuth` + `csrfHeader` | the access cookie, and the CSRF header that state-changing methods also need |
//! | query string | `queryAuth` | an `apiKey` query parameter |
//! | JSON body | — | a body member: OpenAPI has no scheme for it |
//!
//! ```
//! use axum_jwt_extended_runtime::{JwtConfig, JwtManager, Location};
//!
//! let mut config = JwtConfig::with_secret("a-very-long-secret-of-at-least-32-bytes!");
//! config.token_location = vec![Location::Headers, Location::Cookies];
//! let jwt = JwtManager::new(config).unwrap();
//! let schemes = jwt.openapi_security_schemes();
//! assert_eq!(schemes["bearerAuth"]["scheme"], "bearer");
//! assert_eq!(schemes["cookieAuth"]["in"], "cookie");
//! // GET needs the cookie; POST also the CSRF header.
//! assert_eq!(jwt.openapi_security("GET").to_string(), r#"[{"bearerAuth":[]},{"cookieAuth":[]}]"#);
//! assert_eq!(jwt.openapi_security("POST").to_string(), r#"[{"bearerAuth":[]},{"cookieAuth":[],"csrfHeader":[]}]"#);
//! ```

#[cfg(feature = "aide")]
mod aide_impl;
#[cfg(feature = "utoipa")]
mod utoipa_impl;

use serde_json::{json, Map, Value};

use crate::config::Location;
use crate::manager::JwtManager;

#[cfg(feature = "utoipa")]
#[cfg_attr(docsrs, doc(cfg(feature = "utoipa")))]
pub use utoipa_impl::JwtOpenApi;

impl JwtManager {
    /// The `components.securitySchemes` entries that this configuration's token locations
    /// imply, as a JSON object.
    pub fn openapi_security_schemes(&self) -> Value {
        let c = self.config();
        let mut out = Map::new();
        for location in &c.token_location {
            match location {
                Location::Headers => {
                    let (name, scheme) = header_scheme(&c.header_name, &c.header_type);
                    out.insert(name.into(), scheme);
                }
                Location::Cookies => {
                    out.insert(
                        "cookieAuth".into(),
                        json!({"type": "apiKey", "in": "cookie", "name": c.access_cookie_name,
                               "description": "The access token cookie"}),
                    );
                    out.insert(
                        "refreshCookieAuth".into(),
                        json!({"type": "apiKey", "in": "cookie", "name": c.refresh_cookie_name,
                               "description": "The refresh token cookie"}),
                    );
                    if c.cookie_csrf_protect {
                        out.insert(
                            "csrfHeader".into(),
                            json!({"type": "apiKey", "in": "header", "name": c.access_csrf_header_name,
                                   "description": format!("The CSRF double-submit value (the `{}` cookie), for state-changing methods", c.access_csrf_cookie_name)}),
                        );
                        out.insert(
                            "refreshCsrfHeader".into(),
                            json!({"type": "apiKey", "in": "header", "name": c.refresh_csrf_header_name,
                                   "description": format!("The CSRF double-submit value of the refresh cookie (the `{}` cookie)", c.refresh_csrf_cookie_name)}),
                        );
                    }
                }
                Location::QueryString => {
                    out.insert(
                        "queryAuth".into(),
                        json!({"type": "apiKey", "in": "query", "name": c.query_string_name}),
                    );
                }
                _ => {}
            }
        }
        Value::Object(out)
    }

    /// The `security` of a protected operation with this HTTP method: one alternative per
    /// token location (the cookie with the CSRF header for the methods CSRF protects).
    pub fn openapi_security(&self, method: &str) -> Value {
        self.security(method, false)
    }

    /// [`openapi_security`](Self::openapi_security) of a `refresh` route: the refresh cookie
    /// and its CSRF header.
    pub fn openapi_refresh_security(&self, method: &str) -> Value {
        self.security(method, true)
    }

    fn security(&self, method: &str, refresh: bool) -> Value {
        let c = self.config();
        let csrf = c.cookie_csrf_protect
            && c.csrf_methods
                .iter()
                .any(|m| m.eq_ignore_ascii_case(method));
        let (cookie, csrf_header) = if refresh {
            ("refreshCookieAuth", "refreshCsrfHeader")
        } else {
            ("cookieAuth", "csrfHeader")
        };
        let mut alternatives = Vec::new();
        for location in &c.token_location {
            match location {
                Location::Headers => {
                    let (name, _) = header_scheme(&c.header_name, &c.header_type);
                    alternatives.push(json!({ name: [] }));
                }
                Location::Cookies if csrf => {
                    alternatives.push(json!({ cookie: [], csrf_header: [] }))
                }
                Location::Cookies => alternatives.push(json!({ cookie: [] })),
                Location::QueryString => alternatives.push(json!({"queryAuth": []})),
                _ => {}
            }
        }
        Value::Array(alternatives)
    }
}

fn header_scheme(name: &str, kind: &str) -> (&'static str, Value) {
    if name.eq_ignore_ascii_case("authorization") && kind.eq_ignore_ascii_case("bearer") {
        (
            "bearerAuth",
            json!({"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}),
        )
    } else {
        let description = if kind.is_empty() {
            "The token".to_owned()
        } else {
            format!("`{kind} <token>`")
        };
        (
            "headerAuth",
            json!({"type": "apiKey", "in": "header", "name": name, "description": description}),
        )
    }
}
