//! One pass over a token's header or payload JSON: checks that it is an object with unique
//! member names and picks out the members verification needs, borrowing strings from the
//! decoded bytes. No map is built; `Claims` and `JwtHeader` build theirs only when asked.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

/// A string, borrowed from the input when it has no escapes.
pub(crate) struct Str<'de>(pub(crate) Cow<'de, str>);

impl<'de> serde::Deserialize<'de> for Str<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Str<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Str<'de>, E> {
                Ok(Str(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Str<'de>, E> {
                Ok(Str(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<Str<'de>, E> {
                Ok(Str(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

/// A member value, as far as verification cares.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Scalar<'de> {
    Str(Cow<'de, str>),
    Num(f64),
    Bool(bool),
    Null,
    /// An array or an object.
    Compound,
}

impl Scalar<'_> {
    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Scalar::Str(s) => Some(s),
            _ => None,
        }
    }

    pub(crate) fn as_num(&self) -> Option<f64> {
        match self {
            Scalar::Num(n) => Some(*n),
            _ => None,
        }
    }
}

impl<'de> serde::Deserialize<'de> for Scalar<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Scalar<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Str(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Str(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Str(Cow::Owned(v)))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Num(v as f64))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Num(v as f64))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Num(v))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Bool(v))
            }
            fn visit_unit<E>(self) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Null)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar<'de>, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Scalar::Compound)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalar<'de>, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Scalar::Compound)
            }
        }
        d.deserialize_any(V)
    }
}

/// Receives each member of the object, in order; must read the value exactly once.
pub(crate) trait Collect<'de> {
    fn member<A: MapAccess<'de>>(&mut self, key: &str, access: &mut A) -> Result<(), A::Error>;
}

/// Drives a [`Collect`] over a JSON object, rejecting duplicate member names.
pub(crate) struct Strict<C>(pub(crate) C);

impl<'de, C: Collect<'de>> DeserializeSeed<'de> for Strict<C> {
    type Value = C;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<C, D::Error> {
        struct V<C>(C);
        impl<'de, C: Collect<'de>> Visitor<'de> for V<C> {
            type Value = C;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a json object")
            }
            fn visit_map<A: MapAccess<'de>>(mut self, mut access: A) -> Result<C, A::Error> {
                // Few members (every real token): a linear scan of a stack array; many
                // (hostile input): a set.
                const FEW: usize = 24;
                let mut seen: [Cow<'de, str>; FEW] = std::array::from_fn(|_| Cow::Borrowed(""));
                let mut len = 0;
                let mut many: Option<HashSet<Cow<'de, str>>> = None;
                while let Some(Str(key)) = access.next_key::<Str<'de>>()? {
                    let duplicate = match &mut many {
                        Some(set) => !set.insert(key.clone()),
                        None if seen[..len].contains(&key) => true,
                        None if len < FEW => {
                            seen[len] = key.clone();
                            len += 1;
                            false
                        }
                        None => {
                            let mut set: HashSet<_> = seen.iter().cloned().collect();
                            set.insert(key.clone());
                            many = Some(set);
                            false
                        }
                    };
                    if duplicate {
                        return Err(de::Error::custom(format_args!(
                            "duplicate member name {:?}",
                            &*key
                        )));
                    }
                    self.0.member(&key, &mut access)?;
                }
                Ok(self.0)
            }
        }
        d.deserialize_map(V(self.0))
    }
}

/// What verification needs from a payload.
#[derive(Default)]
pub(crate) struct PayloadScan<'de, 'c> {
    pub(crate) identity_claim: &'c str,
    pub(crate) iat: Option<Scalar<'de>>,
    pub(crate) nbf: Option<Scalar<'de>>,
    pub(crate) exp: Option<Scalar<'de>>,
    pub(crate) iss: Option<Scalar<'de>>,
    pub(crate) aud: Option<Value>,
    /// Whether `sub` is a string, when present.
    pub(crate) sub_is_string: Option<bool>,
    pub(crate) jti: Option<Scalar<'de>>,
    pub(crate) token_type: Option<Scalar<'de>>,
    pub(crate) fresh: Option<Scalar<'de>>,
    pub(crate) csrf: Option<Scalar<'de>>,
    /// The value of the configured identity claim.
    pub(crate) identity: Option<Value>,
}

impl<'de> Collect<'de> for PayloadScan<'de, '_> {
    fn member<A: MapAccess<'de>>(&mut self, key: &str, access: &mut A) -> Result<(), A::Error> {
        if key == self.identity_claim {
            let v: Value = access.next_value()?;
            if key == "sub" {
                self.sub_is_string = Some(v.is_string());
            }
            self.identity = Some(v);
            return Ok(());
        }
        let slot = match key {
            "iat" => &mut self.iat,
            "nbf" => &mut self.nbf,
            "exp" => &mut self.exp,
            "iss" => &mut self.iss,
            "jti" => &mut self.jti,
            "type" => &mut self.token_type,
            "fresh" => &mut self.fresh,
            "csrf" => &mut self.csrf,
            "aud" => {
                self.aud = Some(access.next_value()?);
                return Ok(());
            }
            "sub" => {
                let v: Scalar<'de> = access.next_value()?;
                self.sub_is_string = Some(matches!(v, Scalar::Str(_)));
                return Ok(());
            }
            _ => {
                access.next_value::<IgnoredAny>()?;
                return Ok(());
            }
        };
        *slot = Some(access.next_value()?);
        Ok(())
    }
}

/// What verification needs from a JOSE header.
#[derive(Default)]
pub(crate) struct HeaderScan<'de> {
    pub(crate) alg: Option<Scalar<'de>>,
    pub(crate) kid: Option<Scalar<'de>>,
    pub(crate) crit: Option<Value>,
}

impl<'de> Collect<'de> for HeaderScan<'de> {
    fn member<A: MapAccess<'de>>(&mut self, key: &str, access: &mut A) -> Result<(), A::Error> {
        match key {
            "alg" => self.alg = Some(access.next_value()?),
            "kid" => self.kid = Some(access.next_value()?),
            "crit" => self.crit = Some(access.next_value()?),
            _ => {
                access.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}
