//! JSON as flask-jwt-extended writes it, and strict JSON objects as we read them.
//!
//! Writing: Python's `json.dumps(separators=(",", ":"))` with `ensure_ascii=True`, so every
//! character outside printable ASCII is a `\uXXXX` escape (`"José"` → `"Jos\u00e9"`).
//! Reading errors are phrased as Python's `json` module phrases them (the strict reader itself
//! is [`members`](super::members)).

use std::io;

use serde::ser::{SerializeMap, Serializer};
use serde_json::Value;

/// serde_json formatter that escapes like Python's `ensure_ascii=True`.
struct PyFormatter;

impl serde_json::ser::Formatter for PyFormatter {
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let bytes = fragment.as_bytes();
        let mut start = 0;
        for (i, ch) in fragment.char_indices() {
            if (' '..='~').contains(&ch) {
                continue;
            }
            writer.write_all(&bytes[start..i])?;
            let mut units = [0u16; 2];
            for unit in ch.encode_utf16(&mut units) {
                write!(writer, "\\u{unit:04x}")?;
            }
            start = i + ch.len_utf8();
        }
        writer.write_all(&bytes[start..])
    }
}

/// An ordered list of members, serialized in that order.
pub(crate) struct Ordered<'a>(pub(crate) &'a [(String, Value)]);

impl serde::Serialize for Ordered<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// Compact JSON with Python's escaping.
pub(crate) fn to_python_json<T: serde::Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(256);
    let mut ser = serde_json::Serializer::with_formatter(&mut out, PyFormatter);
    value.serialize(&mut ser).map_err(|e| e.to_string())?;
    Ok(out)
}

pub(crate) fn strip_position(msg: &str) -> String {
    match msg.find(" at line ") {
        Some(i) => msg[..i].to_owned(),
        None => msg.to_owned(),
    }
}

/// serde_json's error, phrased as Python's `json` module phrases the most common case:
/// `Expecting value: line L column C (char N)`, where Python points at the start of the value
/// it could not read (serde_json points inside it, e.g. at the `o` of `nope`).
pub(crate) fn python_json_error(e: &serde_json::Error, bytes: &[u8]) -> String {
    let msg = e.to_string();
    let at_char = msg.starts_with("expected value") || msg.starts_with("expected ident");
    let at_eof = msg.starts_with("EOF while parsing a value");
    if at_char || at_eof {
        // serde_json's (1-based line, column): the column is the byte just read.
        let line_start = if e.line() <= 1 {
            0
        } else {
            bytes
                .iter()
                .enumerate()
                .filter(|(_, b)| **b == b'\n')
                .nth(e.line() - 2)
                .map_or(bytes.len(), |(i, _)| i + 1)
        };
        let read = line_start + e.column();
        let mut pos = if at_char {
            read.saturating_sub(1)
        } else {
            read
        }
        .min(bytes.len());
        // Back up over the part of a literal or number already consumed.
        while pos > 0
            && (bytes[pos - 1].is_ascii_alphanumeric() || b"+-.".contains(&bytes[pos - 1]))
        {
            pos -= 1;
        }
        let line = bytes[..pos].iter().filter(|b| **b == b'\n').count() + 1;
        let line_begin = bytes[..pos]
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(0, |p| p + 1);
        // Python counts characters, not bytes.
        let chars = |b: &[u8]| String::from_utf8_lossy(b).chars().count();
        let col = chars(&bytes[line_begin..pos]) + 1;
        let index = chars(&bytes[..pos]);
        return format!("Expecting value: line {line} column {col} (char {index})");
    }
    strip_position(&msg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::members::{Members, ObjectError, Schema};

    #[test]
    fn escapes_like_python() {
        let v = serde_json::json!({"n": "José \u{1F600}\u{7f}<&>\n"});
        let out = String::from_utf8(to_python_json(&v).unwrap()).unwrap();
        assert_eq!(out, r#"{"n":"Jos\u00e9 \ud83d\ude00\u007f<&>\n"}"#);
    }

    #[test]
    fn json_errors_like_python() {
        // Python's own messages for these inputs.
        let cases: [(&[u8], &str); 12] = [
            (b"not json", "Expecting value: line 1 column 1 (char 0)"),
            (b"  nope", "Expecting value: line 1 column 3 (char 2)"),
            (b"tru", "Expecting value: line 1 column 1 (char 0)"),
            (b"fals", "Expecting value: line 1 column 1 (char 0)"),
            (b"-", "Expecting value: line 1 column 1 (char 0)"),
            (b"", "Expecting value: line 1 column 1 (char 0)"),
            (b"   ", "Expecting value: line 1 column 4 (char 3)"),
            (b"abc", "Expecting value: line 1 column 1 (char 0)"),
            (
                br#"{"a": nope}"#,
                "Expecting value: line 1 column 7 (char 6)",
            ),
            (br#"{"a": }"#, "Expecting value: line 1 column 7 (char 6)"),
            (br#"{"a": "#, "Expecting value: line 1 column 7 (char 6)"),
            (
                b"{\"a\":\n  nx}",
                "Expecting value: line 2 column 3 (char 8)",
            ),
        ];
        for (input, expected) in cases {
            const NONE: Schema<0> = Schema {
                names: [],
                index: |_| None,
            };
            match Members::parse(&NONE, input) {
                Err(ObjectError::Syntax(m)) => {
                    assert_eq!(m, expected, "{:?}", String::from_utf8_lossy(input))
                }
                _ => panic!(
                    "{:?} should be a syntax error",
                    String::from_utf8_lossy(input)
                ),
            }
        }
    }
}
