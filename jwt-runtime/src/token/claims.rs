//! The decoded parts of a token: [`Claims`] (Flask's `get_jwt()`) and [`JwtHeader`]
//! (`get_jwt_header()`). Both are cheap to clone.

use std::ops::Deref;
use std::sync::Arc;

use serde_json::{Map, Value};

macro_rules! json_object_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Default)]
        pub struct $name(Arc<Map<String, Value>>);

        impl $name {
            /// Wraps a JSON object.
            pub fn new(map: Map<String, Value>) -> Self {
                $name(Arc::new(map))
            }

            /// The members as a JSON object.
            pub fn as_map(&self) -> &Map<String, Value> {
                &self.0
            }

            /// A copy of the members.
            pub fn to_map(&self) -> Map<String, Value> {
                (*self.0).clone()
            }

            /// A string member.
            pub fn get_str(&self, name: &str) -> Option<&str> {
                self.0.get(name).and_then(Value::as_str)
            }

            /// Deserializes the members into a type of yours.
            ///
            /// ```
            /// # use axum_jwt_extended_runtime::Claims;
            /// #[derive(serde::Deserialize)]
            /// struct Mine { roles: Vec<String> }
            /// let claims = Claims::new(serde_json::json!({"roles": ["a"]}).as_object().unwrap().clone());
            /// let mine: Mine = claims.deserialize().unwrap();
            /// assert_eq!(mine.roles, ["a"]);
            /// ```
            pub fn deserialize<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
                T::deserialize(&Value::Object((*self.0).clone()))
            }
        }

        impl Deref for $name {
            type Target = Map<String, Value>;
            fn deref(&self) -> &Map<String, Value> {
                &self.0
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                self.0.serialize(s)
            }
        }

        impl From<Map<String, Value>> for $name {
            fn from(map: Map<String, Value>) -> Self {
                $name::new(map)
            }
        }
    };
}

json_object_type! {
    /// A token's claims, with flask-jwt-extended's defaults applied (`type` = `"access"`,
    /// `fresh` = `false`, `jti` = `null` when absent). What `get_jwt()` returns.
    ///
    /// ```
    /// # use axum_jwt_extended_runtime::Claims;
    /// let claims = Claims::new(serde_json::json!({"sub": "alice", "type": "access", "jti": "x"})
    ///     .as_object().unwrap().clone());
    /// assert_eq!(claims.get_str("sub"), Some("alice"));
    /// assert_eq!(claims.token_type(), Some("access"));
    /// assert_eq!(claims.jti(), Some("x"));
    /// ```
    Claims
}

json_object_type! {
    /// A token's JOSE header, e.g. `{"alg": "HS256", "typ": "JWT"}`. What `get_jwt_header()`
    /// returns.
    JwtHeader
}

impl Claims {
    /// The `jti` claim.
    pub fn jti(&self) -> Option<&str> {
        self.get_str("jti")
    }

    /// The `type` claim (`"access"` or `"refresh"` for tokens we mint).
    pub fn token_type(&self) -> Option<&str> {
        self.get_str("type")
    }

    /// Whether the token is fresh now: `fresh` is `true`, or a timestamp not yet passed.
    /// Anything else (including a wrongly typed value) is not fresh.
    pub fn is_fresh_at(&self, now: f64) -> bool {
        match self.get("fresh") {
            Some(Value::Bool(b)) => *b,
            Some(Value::Number(n)) => n.as_f64().is_some_and(|f| f >= now),
            _ => false,
        }
    }

    /// The `exp` claim as seconds since the epoch, if present and numeric.
    pub fn exp(&self) -> Option<f64> {
        self.get("exp").and_then(Value::as_f64)
    }

    /// The `csrf` claim.
    pub fn csrf(&self) -> Option<&str> {
        self.get_str("csrf")
    }
}

impl JwtHeader {
    /// The `alg` member.
    pub fn alg(&self) -> Option<&str> {
        self.get_str("alg")
    }

    /// The `kid` member.
    pub fn kid(&self) -> Option<&str> {
        self.get_str("kid")
    }
}
