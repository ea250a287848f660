//! The decoded parts of a token: [`Claims`] (Flask's `get_jwt()`) and [`JwtHeader`]
//! (`get_jwt_header()`). Both are cheap to clone.
//!
//! Both hold the [`Members`] of the one strict parse: registered members in typed slots, the
//! rest in a map. Reading a registered claim (`sub`, `jti`, `exp`…) or any member by name
//! never builds a map; the full JSON object is assembled the first time a handler looks at
//! the claims as a map (`Deref`, `as_map`). A `Claims` built in code from a map is the same
//! model, so every accessor means the same thing on both.

use std::fmt;
use std::ops::Deref;
use std::sync::{Arc, OnceLock};

use serde_json::{Map, Value};

use super::members::{Members, Schema};

/// The payload members kept in slots, in this order.
pub(crate) const PAYLOAD: Schema<10> = Schema {
    names: [
        "iat", "nbf", "exp", "iss", "aud", "sub", "jti", "type", "fresh", "csrf",
    ],
    index: |name| {
        Some(match name {
            "iat" => claim::IAT,
            "nbf" => claim::NBF,
            "exp" => claim::EXP,
            "iss" => claim::ISS,
            "aud" => claim::AUD,
            "sub" => claim::SUB,
            "jti" => claim::JTI,
            "type" => claim::TYPE,
            "fresh" => claim::FRESH,
            "csrf" => claim::CSRF,
            _ => return None,
        })
    },
};

/// Slot indexes into [`PAYLOAD`].
pub(crate) mod claim {
    pub(crate) const IAT: usize = 0;
    pub(crate) const NBF: usize = 1;
    pub(crate) const EXP: usize = 2;
    pub(crate) const ISS: usize = 3;
    pub(crate) const AUD: usize = 4;
    pub(crate) const SUB: usize = 5;
    pub(crate) const JTI: usize = 6;
    pub(crate) const TYPE: usize = 7;
    pub(crate) const FRESH: usize = 8;
    pub(crate) const CSRF: usize = 9;
}

/// The JOSE header members kept in slots, in this order.
pub(crate) const HEADER: Schema<4> = Schema {
    names: ["alg", "kid", "typ", "crit"],
    index: |name| {
        Some(match name {
            "alg" => header::ALG,
            "kid" => header::KID,
            "typ" => header::TYP,
            "crit" => header::CRIT,
            _ => return None,
        })
    },
};

/// Slot indexes into [`HEADER`].
pub(crate) mod header {
    pub(crate) const ALG: usize = 0;
    pub(crate) const KID: usize = 1;
    pub(crate) const TYP: usize = 2;
    pub(crate) const CRIT: usize = 3;
}

pub(crate) type Payload = Members<10>;
pub(crate) type Header = Members<4>;

struct Inner<const N: usize> {
    members: Members<N>,
    map: OnceLock<Map<String, Value>>,
}

impl<const N: usize> Inner<N> {
    fn new(members: Members<N>) -> Arc<Self> {
        Arc::new(Inner {
            members,
            map: OnceLock::new(),
        })
    }

    fn as_map(&self) -> &Map<String, Value> {
        self.map.get_or_init(|| self.members.to_map())
    }
}

/// A token's claims, with flask-jwt-extended's defaults applied when it was decoded (`type` =
/// `"access"`, `fresh` = `false`, `jti` = `null` when absent). What `get_jwt()` returns; it
/// dereferences to the JSON object.
///
/// ```
/// # use axum_jwt_extended_runtime::Claims;
/// let claims = Claims::new(serde_json::json!({"sub": "alice", "jti": "x", "roles": ["a"]})
///     .as_object().unwrap().clone());
/// assert_eq!(claims.get_str("sub"), Some("alice"));
/// assert_eq!(claims.token_type(), Some("access"));
/// assert_eq!(claims.jti(), Some("x"));
/// assert_eq!(claims["roles"][0], "a");
/// ```
#[derive(Clone)]
pub struct Claims(Arc<Inner<10>>);

impl Claims {
    /// Wraps a JSON object (used as it is: no defaults are added).
    pub fn new(map: Map<String, Value>) -> Self {
        Claims(Inner::new(Members::from_map(&PAYLOAD, map)))
    }

    /// The claims of a decoded token, with flask-jwt-extended's defaults.
    pub(crate) fn decoded(mut members: Payload) -> Self {
        members.default_slot(claim::TYPE, || Value::String("access".into()));
        members.default_slot(claim::FRESH, || Value::Bool(false));
        members.default_slot(claim::JTI, || Value::Null);
        Claims(Inner::new(members))
    }

    pub(crate) fn slot(&self, i: usize) -> Option<&Value> {
        self.0.members.slot(i)
    }

    /// The members as a JSON object (built on first use).
    pub fn as_map(&self) -> &Map<String, Value> {
        self.0.as_map()
    }

    /// A copy of the members.
    pub fn to_map(&self) -> Map<String, Value> {
        self.as_map().clone()
    }

    /// A member, by name. Builds no map.
    ///
    /// ```
    /// # use axum_jwt_extended_runtime::Claims;
    /// let claims = Claims::new(serde_json::json!({"sub": 7}).as_object().unwrap().clone());
    /// assert_eq!(claims.get("sub"), Some(&serde_json::json!(7)));
    /// assert_eq!(claims.get("nope"), None);
    /// ```
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.0.members.get(name)
    }

    /// A string member. Builds no map.
    pub fn get_str(&self, name: &str) -> Option<&str> {
        match name {
            "type" => self.token_type(),
            _ => self.get(name).and_then(Value::as_str),
        }
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
    ///
    /// The members are read where they are: no JSON text is parsed again and no map is built.
    pub fn deserialize<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        T::deserialize(serde::de::value::MapDeserializer::new(
            self.0.members.iter(),
        ))
    }

    /// The `jti` claim.
    pub fn jti(&self) -> Option<&str> {
        self.slot(claim::JTI).and_then(Value::as_str)
    }

    /// The `type` claim; `"access"` when absent, as flask-jwt-extended defaults it.
    pub fn token_type(&self) -> Option<&str> {
        match self.slot(claim::TYPE) {
            None => Some("access"),
            Some(v) => v.as_str(),
        }
    }

    /// The `csrf` claim.
    pub fn csrf(&self) -> Option<&str> {
        self.slot(claim::CSRF).and_then(Value::as_str)
    }

    /// Whether the token is fresh at `now` (seconds since the epoch): `fresh` is `true`, or a
    /// timestamp not yet passed. Anything else (including a wrongly typed value) is not fresh.
    pub fn is_fresh_at(&self, now: f64) -> bool {
        match self.slot(claim::FRESH) {
            Some(Value::Bool(b)) => *b,
            Some(Value::Number(n)) => n.as_f64().is_some_and(|f| f >= now),
            _ => false,
        }
    }

    /// The `exp` claim as seconds since the epoch, if present and numeric.
    pub fn exp(&self) -> Option<f64> {
        self.slot(claim::EXP).and_then(Value::as_f64)
    }

    /// The `iat` claim as seconds since the epoch, if present and numeric.
    pub fn iat(&self) -> Option<f64> {
        self.slot(claim::IAT).and_then(Value::as_f64)
    }
}

/// A token's JOSE header, e.g. `{"alg": "HS256", "typ": "JWT"}`. What `get_jwt_header()`
/// returns; it dereferences to the JSON object.
///
/// ```
/// # use axum_jwt_extended_runtime::JwtHeader;
/// let header = JwtHeader::new(serde_json::json!({"alg": "HS256", "kid": "k1"})
///     .as_object().unwrap().clone());
/// assert_eq!(header.alg(), Some("HS256"));
/// assert_eq!(header.kid(), Some("k1"));
/// ```
#[derive(Clone)]
pub struct JwtHeader(Arc<Inner<4>>);

impl JwtHeader {
    /// Wraps a JSON object.
    pub fn new(map: Map<String, Value>) -> Self {
        JwtHeader(Inner::new(Members::from_map(&HEADER, map)))
    }

    pub(crate) fn decoded(members: Header) -> Self {
        JwtHeader(Inner::new(members))
    }

    /// The members as a JSON object (built on first use).
    pub fn as_map(&self) -> &Map<String, Value> {
        self.0.as_map()
    }

    /// A copy of the members.
    pub fn to_map(&self) -> Map<String, Value> {
        self.as_map().clone()
    }

    /// A member, by name. Builds no map.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.0.members.get(name)
    }

    /// A string member. Builds no map.
    pub fn get_str(&self, name: &str) -> Option<&str> {
        self.get(name).and_then(Value::as_str)
    }

    /// The `alg` member.
    pub fn alg(&self) -> Option<&str> {
        self.0.members.slot(header::ALG).and_then(Value::as_str)
    }

    /// The `kid` member.
    pub fn kid(&self) -> Option<&str> {
        self.0.members.slot(header::KID).and_then(Value::as_str)
    }
}

/// The traits both JSON views share: a JSON object to deref to, compare, print and serialize.
macro_rules! json_view {
    ($name:ident) => {
        impl Default for $name {
            fn default() -> Self {
                $name::new(Map::new())
            }
        }

        impl Deref for $name {
            type Target = Map<String, Value>;
            fn deref(&self) -> &Map<String, Value> {
                self.as_map()
            }
        }

        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                self.0.members == other.0.members
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_tuple(stringify!($name))
                    .field(self.as_map())
                    .finish()
            }
        }

        /// The members in the token's own order (as flask-jwt-extended's `get_jwt()` dict
        /// has them), defaults last. Serialize this type itself to keep the order:
        /// `serde_json::Map` (and so `json!`) sorts members by name.
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_map(self.0.members.iter())
            }
        }

        impl From<Map<String, Value>> for $name {
            fn from(map: Map<String, Value>) -> Self {
                $name::new(map)
            }
        }
    };
}

json_view!(Claims);
json_view!(JwtHeader);

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn the_schemas_match_their_names() {
        for (i, name) in PAYLOAD.names.iter().enumerate() {
            assert_eq!((PAYLOAD.index)(name), Some(i), "{name}");
        }
        for (i, name) in HEADER.names.iter().enumerate() {
            assert_eq!((HEADER.index)(name), Some(i), "{name}");
        }
        assert_eq!((PAYLOAD.index)("roles"), None);
        assert_eq!((HEADER.index)("x5u"), None);
    }

    #[test]
    fn built_and_decoded_claims_mean_the_same() {
        let map = object(json!({"sub": "a", "jti": "j", "type": "refresh", "roles": [1]}));
        let built = Claims::new(map.clone());
        let parsed = Members::parse(&PAYLOAD, Value::Object(map).to_string().as_bytes());
        let decoded = Claims::decoded(parsed.unwrap_or_else(|_| Members::empty(&PAYLOAD)));
        for c in [&built, &decoded] {
            assert_eq!(c.token_type(), Some("refresh"));
            assert_eq!(c.jti(), Some("j"));
            assert_eq!(c.get_str("sub"), Some("a"));
            assert_eq!(c["roles"], json!([1]));
        }
        // Decoding adds Flask's `fresh` default; the rest is equal.
        assert_eq!(decoded.get("fresh"), Some(&json!(false)));
        assert_eq!(built.get("fresh"), None);
        let empty = Claims::default();
        assert_eq!(empty.token_type(), Some("access"));
        assert!(empty.as_map().is_empty());
    }
}
