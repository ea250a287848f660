//! The decoded parts of a token: [`Claims`] (Flask's `get_jwt()`) and [`JwtHeader`]
//! (`get_jwt_header()`). Both are cheap to clone.
//!
//! A decoded token keeps its JSON text and the few members verification read (`jti`, `type`,
//! `fresh`, `csrf`, `exp`, `iat`, the identity); the full JSON object is built the first time
//! a handler looks at it as a map, so a request that only needs the identity never builds one.

use std::fmt;
use std::ops::{Deref, Range};
use std::sync::{Arc, OnceLock};

use serde_json::{Map, Value};

use super::scan::{HeaderScan, PayloadScan, Scalar};

/// A string member: a range of the JSON text (no escapes), or its own copy.
#[derive(Clone)]
enum Text {
    Span(Range<usize>),
    Owned(Box<str>),
}

/// A member verification read.
#[derive(Clone)]
enum Member {
    Absent,
    Str(Text),
    Num(f64),
    Bool(bool),
    Other,
}

impl Member {
    fn of(scalar: Option<&Scalar<'_>>, json: &str) -> Member {
        match scalar {
            None => Member::Absent,
            Some(Scalar::Str(s)) => Member::Str(text(s, json)),
            Some(Scalar::Num(n)) => Member::Num(*n),
            Some(Scalar::Bool(b)) => Member::Bool(*b),
            Some(_) => Member::Other,
        }
    }

    fn str<'a>(&'a self, json: &'a str) -> Option<&'a str> {
        match self {
            Member::Str(Text::Span(r)) => json.get(r.clone()),
            Member::Str(Text::Owned(s)) => Some(s),
            _ => None,
        }
    }

    fn num(&self) -> Option<f64> {
        match self {
            Member::Num(n) => Some(*n),
            _ => None,
        }
    }
}

/// Where a borrowed string sits in `json`, or a copy when it was unescaped.
fn text(s: &str, json: &str) -> Text {
    let start = (s.as_ptr() as usize).wrapping_sub(json.as_ptr() as usize);
    if start <= json.len() && json.get(start..start + s.len()) == Some(s) {
        Text::Span(start..start + s.len())
    } else {
        Text::Owned(s.into())
    }
}

/// What a payload scan read, detached from the scan's borrow of the text.
#[derive(Clone)]
pub(crate) struct PayloadMembers {
    jti: Member,
    token_type: Member,
    fresh: Member,
    csrf: Member,
    exp: Member,
    iat: Member,
    identity: Option<Value>,
}

impl PayloadMembers {
    pub(crate) fn new(scan: &PayloadScan<'_, '_>, json: &str) -> Self {
        PayloadMembers {
            jti: Member::of(scan.jti.as_ref(), json),
            token_type: Member::of(scan.token_type.as_ref(), json),
            fresh: Member::of(scan.fresh.as_ref(), json),
            csrf: Member::of(scan.csrf.as_ref(), json),
            exp: Member::of(scan.exp.as_ref(), json),
            iat: Member::of(scan.iat.as_ref(), json),
            identity: scan.identity.clone(),
        }
    }
}

/// What a header scan read.
#[derive(Clone)]
pub(crate) struct HeaderMembers {
    alg: Member,
    kid: Member,
}

impl HeaderMembers {
    pub(crate) fn new(scan: &HeaderScan<'_>, json: &str) -> Self {
        HeaderMembers {
            alg: Member::of(scan.alg.as_ref(), json),
            kid: Member::of(scan.kid.as_ref(), json),
        }
    }
}

#[derive(Clone)]
struct RawClaims {
    json: String,
    jti: Member,
    token_type: Member,
    fresh: Member,
    csrf: Member,
    exp: Member,
    iat: Member,
    identity: Option<Value>,
}

struct ClaimsInner {
    raw: Option<RawClaims>,
    map: OnceLock<Map<String, Value>>,
}

/// A token's claims, with flask-jwt-extended's defaults applied (`type` = `"access"`,
/// `fresh` = `false`, `jti` = `null` when absent). What `get_jwt()` returns; it dereferences
/// to the JSON object.
///
/// ```
/// # use axum_jwt_extended_runtime::Claims;
/// let claims = Claims::new(serde_json::json!({"sub": "alice", "type": "access", "jti": "x"})
///     .as_object().unwrap().clone());
/// assert_eq!(claims.get_str("sub"), Some("alice"));
/// assert_eq!(claims.token_type(), Some("access"));
/// assert_eq!(claims.jti(), Some("x"));
/// ```
#[derive(Clone)]
pub struct Claims(Arc<ClaimsInner>);

/// flask-jwt-extended's defaults for absent claims.
fn apply_defaults(map: &mut Map<String, Value>) {
    if !map.contains_key("type") {
        map.insert("type".into(), Value::String("access".into()));
    }
    if !map.contains_key("fresh") {
        map.insert("fresh".into(), Value::Bool(false));
    }
    if !map.contains_key("jti") {
        map.insert("jti".into(), Value::Null);
    }
}

impl Claims {
    /// Wraps a JSON object (used as it is: no defaults are added).
    pub fn new(map: Map<String, Value>) -> Self {
        Claims(Arc::new(ClaimsInner {
            raw: None,
            map: OnceLock::from(map),
        }))
    }

    /// Claims of a decoded token: its payload text and what the scan read of it.
    pub(crate) fn decoded(json: String, members: PayloadMembers) -> Self {
        let raw = RawClaims {
            jti: members.jti,
            token_type: members.token_type,
            fresh: members.fresh,
            csrf: members.csrf,
            exp: members.exp,
            iat: members.iat,
            identity: members.identity,
            json,
        };
        Claims(Arc::new(ClaimsInner {
            raw: Some(raw),
            map: OnceLock::new(),
        }))
    }

    /// The members as a JSON object.
    pub fn as_map(&self) -> &Map<String, Value> {
        self.0.map.get_or_init(|| {
            let mut map = match &self.0.raw {
                // The text was parsed once already: it is a JSON object.
                Some(raw) => serde_json::from_str(&raw.json).unwrap_or_default(),
                None => Map::new(),
            };
            apply_defaults(&mut map);
            map
        })
    }

    /// A copy of the members.
    pub fn to_map(&self) -> Map<String, Value> {
        self.as_map().clone()
    }

    /// A string member.
    pub fn get_str(&self, name: &str) -> Option<&str> {
        match (&self.0.raw, name) {
            (Some(raw), "jti") => raw.jti.str(&raw.json),
            (Some(raw), "type") => self.token_type_of(raw),
            (Some(raw), "csrf") => raw.csrf.str(&raw.json),
            _ => self.as_map().get(name).and_then(Value::as_str),
        }
    }

    fn token_type_of<'a>(&'a self, raw: &'a RawClaims) -> Option<&'a str> {
        match &raw.token_type {
            Member::Absent => Some("access"),
            m => m.str(&raw.json),
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
    pub fn deserialize<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        T::deserialize(&Value::Object(self.as_map().clone()))
    }

    /// The `jti` claim.
    pub fn jti(&self) -> Option<&str> {
        self.get_str("jti")
    }

    /// The `type` claim (`"access"` when absent, as Flask defaults it).
    pub fn token_type(&self) -> Option<&str> {
        self.get_str("type")
    }

    /// The `csrf` claim.
    pub fn csrf(&self) -> Option<&str> {
        self.get_str("csrf")
    }

    /// Whether the token is fresh at `now` (seconds since the epoch): `fresh` is `true`, or a
    /// timestamp not yet passed. Anything else (including a wrongly typed value) is not fresh.
    pub fn is_fresh_at(&self, now: f64) -> bool {
        let fresh = match &self.0.raw {
            Some(raw) => match &raw.fresh {
                Member::Bool(b) => Some(Value::Bool(*b)),
                Member::Num(n) => Some(Value::from(*n)),
                _ => None,
            },
            None => self.as_map().get("fresh").cloned(),
        };
        match fresh {
            Some(Value::Bool(b)) => b,
            Some(Value::Number(n)) => n.as_f64().is_some_and(|f| f >= now),
            _ => false,
        }
    }

    /// The `exp` claim as seconds since the epoch, if present and numeric.
    pub fn exp(&self) -> Option<f64> {
        match &self.0.raw {
            Some(raw) => raw.exp.num(),
            None => self.as_map().get("exp").and_then(Value::as_f64),
        }
    }

    /// The `iat` claim as seconds since the epoch, if present and numeric.
    pub fn iat(&self) -> Option<f64> {
        match &self.0.raw {
            Some(raw) => raw.iat.num(),
            None => self.as_map().get("iat").and_then(Value::as_f64),
        }
    }

    /// The value of the identity claim `claim` (the manager's `JWT_IDENTITY_CLAIM`).
    pub(crate) fn identity_ref(&self, claim: &str) -> Option<&Value> {
        match &self.0.raw {
            Some(raw) => raw.identity.as_ref(),
            None => self.as_map().get(claim),
        }
    }
}

struct HeaderInner {
    raw: Option<(String, Member, Member)>,
    map: OnceLock<Map<String, Value>>,
}

/// A token's JOSE header, e.g. `{"alg": "HS256", "typ": "JWT"}`. What `get_jwt_header()`
/// returns; it dereferences to the JSON object.
#[derive(Clone)]
pub struct JwtHeader(Arc<HeaderInner>);

impl JwtHeader {
    /// Wraps a JSON object.
    pub fn new(map: Map<String, Value>) -> Self {
        JwtHeader(Arc::new(HeaderInner {
            raw: None,
            map: OnceLock::from(map),
        }))
    }

    pub(crate) fn decoded(json: String, members: HeaderMembers) -> Self {
        JwtHeader(Arc::new(HeaderInner {
            raw: Some((json, members.alg, members.kid)),
            map: OnceLock::new(),
        }))
    }

    /// The members as a JSON object.
    pub fn as_map(&self) -> &Map<String, Value> {
        self.0.map.get_or_init(|| match &self.0.raw {
            Some((json, _, _)) => serde_json::from_str(json).unwrap_or_default(),
            None => Map::new(),
        })
    }

    /// A copy of the members.
    pub fn to_map(&self) -> Map<String, Value> {
        self.as_map().clone()
    }

    /// A string member.
    pub fn get_str(&self, name: &str) -> Option<&str> {
        match (&self.0.raw, name) {
            (Some((json, alg, _)), "alg") => alg.str(json),
            (Some((json, _, kid)), "kid") => kid.str(json),
            _ => self.as_map().get(name).and_then(Value::as_str),
        }
    }

    /// The `alg` member.
    pub fn alg(&self) -> Option<&str> {
        self.get_str("alg")
    }

    /// The `kid` member.
    pub fn kid(&self) -> Option<&str> {
        self.get_str("kid")
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
                self.as_map() == other.as_map()
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_tuple(stringify!($name))
                    .field(self.as_map())
                    .finish()
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                self.as_map().serialize(s)
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
