//! An independent, deliberately simple reading of the token rules, to compare verdicts with the
//! real pipeline: `tests/robustness.rs` on random signed claims, and the `decode` fuzz target
//! on whatever libFuzzer makes. Depends on serde_json only, so both can include it.

use serde_json::{json, Map, Value};

/// A payload as a strict reader sees it: a JSON object (every value valid JSON by serde_json's
/// rules) whose member names are unique (RFC 7519 §4), or `None`.
pub fn strict_object(bytes: &[u8]) -> Option<Map<String, Value>> {
    let value: Value = serde_json::from_slice(bytes).ok()?;
    let map = match value {
        Value::Object(map) => map,
        _ => return None,
    };
    // As many members in the text as in the map: no name was given twice.
    let members: Vec<(String, serde::de::IgnoredAny)> =
        serde_json::from_slice::<Members>(bytes).ok()?.0;
    (members.len() == map.len()).then_some(map)
}

/// The members of an object in text order, duplicates included.
struct Members(Vec<(String, serde::de::IgnoredAny)>);

impl<'de> serde::Deserialize<'de> for Members {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Members;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut m: A,
            ) -> Result<Members, A::Error> {
                let mut out = Vec::new();
                while let Some(entry) = m.next_entry()? {
                    out.push(entry);
                }
                Ok(Members(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// A simple, independent reading of the claim rules (PyJWT's `_validate_claims`; RFC 7519
/// §4.1.1–4.1.7, with NumericDates in 0 ≤ t < 2^64 per RFC 7519 §2), to compare verdicts with
/// the real pipeline on validly signed random claims.
pub fn verdict(claims: &serde_json::Map<String, Value>, now: f64) -> Result<(), String> {
    let num = |k: &str| claims.get(k).map(|v| v.as_f64().filter(|_| v.is_number()));
    if let Some(iat) = num("iat") {
        let iat = iat.ok_or("iat type")?;
        if !(0.0..18_446_744_073_709_551_616.0).contains(&iat) {
            return Err("iat out of NumericDate range".into());
        }
        if iat.trunc() > now {
            return Err("iat future".into());
        }
    }
    if let Some(nbf) = num("nbf") {
        let nbf = nbf.ok_or("nbf type")?;
        if !(0.0..18_446_744_073_709_551_616.0).contains(&nbf) {
            return Err("nbf out of NumericDate range".into());
        }
        if nbf.trunc() > now {
            return Err("nbf future".into());
        }
    }
    if let Some(exp) = num("exp") {
        let exp = exp.ok_or("exp type")?;
        if !(0.0..18_446_744_073_709_551_616.0).contains(&exp) {
            return Err("exp out of NumericDate range".into());
        }
        if exp.trunc() <= now {
            return Err("expired".into());
        }
    }
    if claims.get("iss") != Some(&json!("me")) {
        return Err("iss".into());
    }
    let aud_ok = match claims.get("aud") {
        Some(Value::String(s)) => s == "api",
        Some(Value::Array(a)) if a.iter().all(Value::is_string) => a.contains(&json!("api")),
        _ => false,
    };
    if !aud_ok {
        return Err("aud".into());
    }
    match claims.get("sub") {
        Some(Value::String(_)) => {}
        _ => return Err("sub".into()),
    }
    if claims.get("jti").is_some_and(|j| !j.is_string()) {
        return Err("jti".into());
    }
    Ok(())
}
