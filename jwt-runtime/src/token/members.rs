//! The one strict parse of a token's header or payload, and the model it builds.
//!
//! A segment must be a JSON object whose member names are unique (RFC 7515 §4, RFC 7519 §4:
//! we reject duplicates rather than let the last one win). Every member is read in full by
//! serde_json's own `Value` rules, so a lone surrogate, a number out of `f64` range or nesting
//! deeper than 128 anywhere in the object makes the segment invalid: nothing that a strict
//! parser would refuse can reach a handler.
//!
//! The members a caller names (the registered claims, or `alg`/`kid`/`typ`/`crit`) land in
//! fixed slots, read without a map lookup; every other member goes to one list. The order the
//! members came in is kept (no allocation for it), so that `get_jwt()` lists them as the
//! token has them, as flask-jwt-extended does. Verification and `get_jwt()` read this same
//! model: there is no second parser.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde_json::{Map, Value};

/// Which members get a slot: their names, and the same mapping as a `match` (a decision tree
/// on the name's bytes, cheaper than comparing against each name in turn).
#[derive(Debug)]
pub(crate) struct Schema<const N: usize> {
    pub(crate) names: [&'static str; N],
    pub(crate) index: fn(&str) -> Option<usize>,
}

/// A JSON object split into named slots and the other members, in the order they came.
#[derive(Clone, Debug)]
pub(crate) struct Members<const N: usize> {
    schema: &'static Schema<N>,
    slots: [Option<Value>; N],
    /// The other members, in order.
    extra: Vec<(String, Value)>,
    /// The slots in the order they were given: each slot's index, and how many other members
    /// came before it. Slots filled later (defaults) are not in it: they follow the rest.
    order: [(u8, u32); N],
    placed: u8,
}

/// Equal members (whatever their order, and the schema's address).
impl<const N: usize> PartialEq for Members<N> {
    fn eq(&self, other: &Self) -> bool {
        self.slots == other.slots
            && self.extra.len() == other.extra.len()
            && self
                .extra
                .iter()
                .all(|(k, v)| other.extra_value(k) == Some(v))
    }
}

impl<const N: usize> Members<N> {
    /// No members.
    pub(crate) fn empty(schema: &'static Schema<N>) -> Self {
        Members {
            schema,
            slots: std::array::from_fn(|_| None),
            extra: Vec::new(),
            order: [(0, 0); N],
            placed: 0,
        }
    }

    /// The members of a JSON object built in code, in the map's order.
    pub(crate) fn from_map(schema: &'static Schema<N>, map: Map<String, Value>) -> Self {
        let mut members = Members::empty(schema);
        for (name, value) in map {
            match members.index(&name) {
                Some(i) => members.place(i, value),
                None => members.extra.push((name, value)),
            }
        }
        members
    }

    /// Fills the empty slot `i`, in order after the members so far.
    fn place(&mut self, i: usize, value: Value) {
        self.slots[i] = Some(value);
        let before = u32::try_from(self.extra.len()).unwrap_or(u32::MAX);
        // `i < N` and a slot is placed once: `placed < N <= u8::MAX` (schemas are small).
        self.order[usize::from(self.placed)] = (i as u8, before);
        self.placed += 1;
    }

    fn extra_value(&self, name: &str) -> Option<&Value> {
        self.extra.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    fn index(&self, name: &str) -> Option<usize> {
        (self.schema.index)(name)
    }

    /// The slot `i` (an index into the names this model was built with).
    pub(crate) fn slot(&self, i: usize) -> Option<&Value> {
        self.slots[i].as_ref()
    }

    /// Fills slot `i` when it is empty.
    pub(crate) fn default_slot(&mut self, i: usize, value: impl FnOnce() -> Value) {
        if self.slots[i].is_none() {
            self.slots[i] = Some(value());
        }
    }

    /// The member `name`, wherever it is kept.
    pub(crate) fn get(&self, name: &str) -> Option<&Value> {
        match self.index(name) {
            Some(i) => self.slot(i),
            None => self.extra_value(name),
        }
    }

    /// Every member, in the order it came; slots filled later (defaults) last.
    pub(crate) fn iter(&self) -> InOrder<'_, N> {
        InOrder {
            members: self,
            next_placed: 0,
            next_extra: 0,
            next_default: 0,
        }
    }

    /// Every member, as one JSON object.
    pub(crate) fn to_map(&self) -> Map<String, Value> {
        self.iter()
            .map(|(k, v)| (k.to_owned(), v.clone()))
            .collect()
    }

    fn is_placed(&self, i: usize) -> bool {
        self.order[..usize::from(self.placed)]
            .iter()
            .any(|(p, _)| usize::from(*p) == i)
    }
}

/// The members of a [`Members`] in order, without allocating.
pub(crate) struct InOrder<'a, const N: usize> {
    members: &'a Members<N>,
    next_placed: usize,
    next_extra: usize,
    next_default: usize,
}

impl<'a, const N: usize> Iterator for InOrder<'a, N> {
    type Item = (&'a str, &'a Value);

    fn next(&mut self) -> Option<Self::Item> {
        let m = self.members;
        let extra = |i: usize| m.extra.get(i).map(|(k, v)| (k.as_str(), v));
        while let Some(&(slot, before)) = m.order[..usize::from(m.placed)].get(self.next_placed) {
            if self.next_extra < before as usize {
                self.next_extra += 1;
                return extra(self.next_extra - 1);
            }
            self.next_placed += 1;
            let slot = usize::from(slot);
            if let Some(v) = &m.slots[slot] {
                return Some((m.schema.names[slot], v));
            }
        }
        if let Some(e) = extra(self.next_extra) {
            self.next_extra += 1;
            return Some(e);
        }
        while self.next_default < N {
            let i = self.next_default;
            self.next_default += 1;
            if let (Some(v), false) = (&m.slots[i], m.is_placed(i)) {
                return Some((m.schema.names[i], v));
            }
        }
        None
    }
}

impl<const N: usize> Members<N> {
    /// Parses `json`: a JSON object with unique member names and nothing after it.
    pub(crate) fn parse(schema: &'static Schema<N>, json: &[u8]) -> Result<Self, ObjectError> {
        let mut de = serde_json::Deserializer::from_slice(json);
        Strict(schema)
            .deserialize(&mut de)
            .and_then(|m| de.end().map(|()| m))
            .map_err(|e| ObjectError::classify(&e, json))
    }
}

/// A member name, borrowed from the input when it has no escapes.
struct Name<'de>(Cow<'de, str>);

impl<'de> serde::Deserialize<'de> for Name<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Name<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Name<'de>, E> {
                Ok(Name(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Name<'de>, E> {
                Ok(Name(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<Name<'de>, E> {
                Ok(Name(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

/// Reads a JSON object into [`Members`], rejecting duplicate names.
struct Strict<const N: usize>(&'static Schema<N>);

impl<'de, const N: usize> DeserializeSeed<'de> for Strict<N> {
    type Value = Members<N>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Members<N>, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, const N: usize> Visitor<'de> for Strict<N> {
    type Value = Members<N>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a json object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Members<N>, A::Error> {
        let mut members = Members::empty(self.0);
        // Past a few other members, their names go in a set too, so that a hostile object
        // with hundreds of members costs linear time, not quadratic.
        let mut names: Option<std::collections::HashSet<String>> = None;
        while let Some(Name(name)) = access.next_key()? {
            let duplicate = match members.index(&name) {
                Some(i) if members.slots[i].is_some() => true,
                Some(i) => {
                    let value = access.next_value()?;
                    members.place(i, value);
                    false
                }
                None => {
                    let seen = match &mut names {
                        Some(set) => !set.insert(name.to_string()),
                        None => {
                            let seen = members.extra_value(&name).is_some();
                            if !seen && members.extra.len() >= SCAN_UP_TO {
                                let mut set: std::collections::HashSet<String> =
                                    members.extra.iter().map(|(k, _)| k.clone()).collect();
                                set.insert(name.to_string());
                                names = Some(set);
                            }
                            seen
                        }
                    };
                    if !seen {
                        let value = access.next_value()?;
                        members.extra.push((name.into_owned(), value));
                        continue;
                    }
                    true
                }
            };
            if duplicate {
                return Err(de::Error::custom(format_args!("{DUPLICATE} {:?}", &*name)));
            }
        }
        Ok(members)
    }
}

const DUPLICATE: &str = "duplicate member name";

/// Up to this many other members, a duplicate is found by scanning them (no allocation).
const SCAN_UP_TO: usize = 16;

/// Why a segment is not a strict JSON object, in Python's words where they exist.
#[derive(Debug, PartialEq)]
pub(crate) enum ObjectError {
    /// Well-formed JSON of another type (PyJWT: "must be a json object").
    NotAnObject,
    /// Not JSON, a duplicate name, or a value serde_json refuses.
    Syntax(String),
}

impl ObjectError {
    fn classify(e: &serde_json::Error, json: &[u8]) -> ObjectError {
        let msg = e.to_string();
        if msg.starts_with(DUPLICATE) {
            return ObjectError::Syntax(super::json::strip_position(&msg));
        }
        // A type error at the top level: an array, a string… when the input is JSON at all.
        // This second look runs on the error path only, over at most `max_token_length` bytes.
        if e.is_data() && serde_json::from_slice::<de::IgnoredAny>(json).is_ok() {
            return ObjectError::NotAnObject;
        }
        ObjectError::Syntax(super::json::python_json_error(e, json))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAMES: Schema<2> = Schema {
        names: ["a", "b"],
        index: |name| match name {
            "a" => Some(0),
            "b" => Some(1),
            _ => None,
        },
    };

    fn parse(json: &str) -> Result<Members<2>, ObjectError> {
        Members::parse(&NAMES, json.as_bytes())
    }

    #[test]
    fn slots_and_extra_members() {
        let m = parse(r#"{"a":1,"x":[true],"b":"s"}"#).unwrap();
        assert_eq!(m.slot(0), Some(&Value::from(1)));
        assert_eq!(m.get("b"), Some(&Value::from("s")));
        assert_eq!(m.get("x"), Some(&serde_json::json!([true])));
        assert_eq!(m.get("y"), None);
        assert_eq!(
            Value::Object(m.to_map()),
            serde_json::json!({"a": 1, "b": "s", "x": [true]})
        );
        let again = Members::from_map(&NAMES, m.to_map());
        assert!(again == m);
    }

    #[test]
    fn many_members_are_checked_for_duplicates_in_linear_time() {
        let many: Vec<String> = (0..600).map(|i| format!("\"m{i}\":0")).collect();
        let ok = format!("{{{}}}", many.join(","));
        let m = parse(&ok).unwrap();
        assert_eq!(m.iter().count(), 600);
        assert_eq!(m.iter().nth(599).map(|(k, _)| k), Some("m599"));
        for dup in ["m3", "m17", "m599"] {
            let bad = format!("{{{},\"{dup}\":1}}", many.join(","));
            assert!(
                matches!(parse(&bad), Err(ObjectError::Syntax(e)) if e.contains("duplicate")),
                "{dup}"
            );
        }
    }

    #[test]
    fn members_keep_their_order() {
        let m = parse(r#"{"z":0,"b":"s","y":1,"x":2,"a":1}"#).unwrap();
        let names: Vec<&str> = m.iter().map(|(k, _)| k).collect();
        assert_eq!(names, ["z", "b", "y", "x", "a"]);
        let mut d = parse(r#"{"y":1,"a":1}"#).unwrap();
        d.default_slot(1, || Value::from("default"));
        let names: Vec<&str> = d.iter().map(|(k, _)| k).collect();
        assert_eq!(
            names,
            ["y", "a", "b"],
            "a default follows the given members"
        );
    }

    #[test]
    fn duplicates_are_rejected_in_slots_and_extra() {
        for json in [
            r#"{"a":1,"a":2}"#,
            r#"{"x":1,"x":1}"#,
            r#"{"\u0061":1,"a":2}"#,
        ] {
            let name = if json.contains('x') { "x" } else { "a" };
            assert_eq!(
                parse(json),
                Err(ObjectError::Syntax(format!(
                    "duplicate member name \"{name}\""
                ))),
                "{json}"
            );
        }
    }

    #[test]
    fn what_a_strict_parser_refuses_is_refused_in_any_member() {
        let deep = format!("{}{}", "[".repeat(128), "]".repeat(128));
        for bad in [
            r#""\ud800""#.to_owned(),
            r#""\udc00x""#.to_owned(),
            "1e400".to_owned(),
            "-1e400".to_owned(),
            deep,
        ] {
            for json in [format!(r#"{{"x":{bad}}}"#), format!(r#"{{"a":{bad}}}"#)] {
                assert!(
                    matches!(parse(&json), Err(ObjectError::Syntax(_))),
                    "{json:.60} must be refused"
                );
            }
        }
        // A lone surrogate in a name, too.
        assert!(matches!(
            parse(r#"{"\ud800":1}"#),
            Err(ObjectError::Syntax(_))
        ));
        // 127 levels in all (the object and 126 inside it) are fine.
        let ok = format!(r#"{{"x":{}{}}}"#, "[".repeat(126), "]".repeat(126));
        assert!(parse(&ok).is_ok());
    }

    #[test]
    fn other_json_types_and_syntax_errors() {
        assert_eq!(parse("[1]"), Err(ObjectError::NotAnObject));
        assert_eq!(parse("\"s\""), Err(ObjectError::NotAnObject));
        assert_eq!(
            parse("nope"),
            Err(ObjectError::Syntax(
                "Expecting value: line 1 column 1 (char 0)".into()
            ))
        );
        assert!(matches!(parse(r#"{"a":1} x"#), Err(ObjectError::Syntax(_))));
    }
}
