//! Reading a token, in flask-jwt-extended's (PyJWT's) order and with its messages:
//! structure → header JSON → base64 of payload and signature → header checks (`kid`, `crit`)
//! → payload JSON. The result is [`Unverified`]: the signature is checked next
//! ([`Unverified::verify_signature`]), then the claims ([`validate`](super::validate)).
//! Nothing about the claims is reported (in particular "expired") before the signature has
//! verified.

use serde_json::Value;

use super::claims::{header, Claims, Header, JwtHeader, Payload, HEADER, PAYLOAD};
use super::members::{Members, ObjectError};
use super::{invalid, TokenError};
use crate::b64;
use crate::config::Algorithm;
use crate::crypto::Verifier;

/// A token split and parsed, not yet verified.
pub(crate) struct Unverified<'t> {
    pub(crate) header: Header,
    pub(crate) payload: Payload,
    signing_input: &'t str,
    sig_b64: &'t str,
    sig: Vec<u8>,
}

fn json_error(e: ObjectError, what: &str) -> TokenError {
    match e {
        ObjectError::NotAnObject => {
            invalid(format!("Invalid {what} string: must be a json object"))
        }
        ObjectError::Syntax(m) => invalid(format!("Invalid {what} string: {m}")),
    }
}

/// The unverified parse (PyJWT's `verify_signature=False` decode).
pub(crate) fn parse(token: &str, max_len: usize) -> Result<Unverified<'_>, TokenError> {
    if token.len() > max_len {
        return Err(invalid(format!(
            "Token is too large (more than {max_len} bytes)"
        )));
    }
    let (signing_input, sig_b64) = token
        .rsplit_once('.')
        .ok_or_else(|| invalid("Not enough segments"))?;
    let (header_b64, payload_b64) = signing_input
        .split_once('.')
        .ok_or_else(|| invalid("Not enough segments"))?;
    let header_bytes =
        b64::decode(header_b64.as_bytes()).ok_or_else(|| invalid("Invalid header padding"))?;
    let header = Members::parse(&HEADER, &header_bytes).map_err(|e| json_error(e, "header"))?;
    let payload_bytes =
        b64::decode(payload_b64.as_bytes()).ok_or_else(|| invalid("Invalid payload padding"))?;
    let sig = b64::decode(sig_b64.as_bytes()).ok_or_else(|| invalid("Invalid crypto padding"))?;
    check_header(&header)?;
    let payload = Members::parse(&PAYLOAD, &payload_bytes).map_err(|e| json_error(e, "payload"))?;
    Ok(Unverified {
        header,
        payload,
        signing_input,
        sig_b64,
        sig,
    })
}

/// Header checks PyJWT makes before the signature (`kid`), plus RFC 7515 `crit`, which we
/// reject outright since we implement no extension (PyJWT ≥ 2.12 does the same).
fn check_header(header: &Header) -> Result<(), TokenError> {
    if let Some(kid) = header.slot(header::KID) {
        if !kid.is_string() {
            return Err(invalid("Key ID header parameter must be a string"));
        }
    }
    if let Some(crit) = header.slot(header::CRIT) {
        let first = match crit {
            Value::Array(l) => l.first(),
            _ => None,
        };
        return Err(match first {
            None => invalid("Invalid 'crit' header: must be a non-empty list"),
            Some(Value::String(s)) => invalid(format!("Unsupported critical extension: {s}")),
            Some(_) => invalid("Invalid 'crit' header: values must be strings"),
        });
    }
    Ok(())
}

impl Unverified<'_> {
    /// The header's `kid` (a string: checked by the parse).
    pub(crate) fn kid(&self) -> Option<&str> {
        self.header.slot(header::KID).and_then(Value::as_str)
    }

    /// The header's `alg`, if `allows` it.
    pub(crate) fn algorithm(
        &self,
        allows: impl Fn(Algorithm) -> bool,
    ) -> Result<Algorithm, TokenError> {
        match self.header.slot(header::ALG) {
            None => Err(invalid("Algorithm not specified")),
            Some(Value::String(s)) => match s.parse() {
                Ok(a) if allows(a) => Ok(a),
                _ => Err(invalid("The specified alg value is not allowed")),
            },
            Some(_) => Err(invalid("The specified alg value is not allowed")),
        }
    }

    /// Verifies the signature with `verifier`.
    pub(crate) fn verify_signature(&self, verifier: &Verifier) -> Result<(), TokenError> {
        if verifier.verify(self.signing_input.as_bytes(), self.sig_b64, &self.sig) {
            Ok(())
        } else {
            Err(invalid("Signature verification failed"))
        }
    }

    /// The header and claims as they are (for a `decode_key_loader`, or
    /// `get_unverified_jwt_headers`), with Flask's claim defaults.
    pub(crate) fn parts(&self) -> (JwtHeader, Claims) {
        (
            JwtHeader::decoded(self.header.clone()),
            Claims::decoded(self.payload.clone()),
        )
    }

    /// The header and claims, consumed.
    pub(crate) fn into_parts(self) -> (JwtHeader, Claims) {
        (
            JwtHeader::decoded(self.header),
            Claims::decoded(self.payload),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The default `max_token_length` (8 KiB); no token here comes near it.
    const MAX: usize = 8192;

    const HS256: &str = r#"{"alg":"HS256","typ":"JWT"}"#;
    const SUB: &str = r#"{"sub":"alice"}"#;

    /// Interop vector V1 (`tests/common/mod.rs`), minted by flask-jwt-extended 4.7.1.
    const V1: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJmcmVzaCI6ZmFsc2UsImlhdCI6MTcwMDAwMDAwMCwianRpIjoiMDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAxIiwidHlwZSI6ImFjY2VzcyIsInN1YiI6ImludGVyb3AtdXNlciIsIm5iZiI6MTcwMDAwMDAwMCwiY3NyZiI6IjAwMDAwMDAwLTAwMDAtNDAwMC04MDAwLTAwMDAwMDAwMDBjNSJ9.D02eok9p3fGEAjEUS6_m7DWikTPTDbgRI23ScYbtpKg";

    /// `header.payload.sig`: the header and payload texts in base64url, the signature as given
    /// (the parse does not verify it).
    fn token(header: &str, payload: &str, sig: &str) -> String {
        format!("{}.{}.{sig}", b64::encode(header), b64::encode(payload))
    }

    /// The error of a token that must not parse.
    fn error(token: &str) -> TokenError {
        match parse(token, MAX) {
            Ok(_) => panic!("{token:?} must not parse"),
            Err(e) => e,
        }
    }

    /// The header's `alg` as `algorithm` reads it.
    fn alg(header: &str, allows: impl Fn(Algorithm) -> bool) -> Result<Algorithm, TokenError> {
        let t = token(header, SUB, "c2ln");
        let u = parse(&t, MAX).expect("a token that parses");
        u.algorithm(allows)
    }

    #[test]
    fn a_good_hs256_token() {
        let payload = r#"{"sub":"alice","iat":1700000000,"roles":["a"]}"#;
        let t = token(HS256, payload, "c2ln");
        let u = parse(&t, MAX).expect("a good token");
        assert_eq!(
            u.signing_input,
            format!("{}.{}", b64::encode(HS256), b64::encode(payload))
        );
        assert_eq!(u.sig_b64, "c2ln");
        assert_eq!(u.sig, b"sig".to_vec());
        assert_eq!(u.kid(), None);
        assert_eq!(u.algorithm(|_| true), Ok(Algorithm::HS256));
        assert_eq!(u.algorithm(|a| a == Algorithm::HS256), Ok(Algorithm::HS256));

        let (header, claims) = u.parts();
        assert_eq!(header.alg(), Some("HS256"));
        assert_eq!(header.get_str("typ"), Some("JWT"));
        assert_eq!(header.kid(), None);
        assert_eq!(
            Value::Object(header.to_map()),
            json!({"alg": "HS256", "typ": "JWT"})
        );
        assert_eq!(claims.get_str("sub"), Some("alice"));
        assert_eq!(claims.iat(), Some(1_700_000_000.0));
        assert_eq!(claims["roles"], json!(["a"]));
        // Flask's defaults for what the token does not carry.
        assert_eq!(claims.token_type(), Some("access"));
        assert_eq!(claims.get("fresh"), Some(&json!(false)));
        assert_eq!(claims.get("jti"), Some(&Value::Null));
        assert_eq!(
            Value::Object(claims.to_map()),
            json!({
                "sub": "alice",
                "iat": 1_700_000_000,
                "roles": ["a"],
                "type": "access",
                "fresh": false,
                "jti": null,
            })
        );
        assert_eq!((header, claims), u.into_parts());
    }

    #[test]
    fn a_token_of_flask_jwt_extended() {
        let u = parse(V1, MAX).expect("V1 parses");
        assert_eq!(u.algorithm(|_| true), Ok(Algorithm::HS256));
        assert_eq!(u.kid(), None);
        assert_eq!(u.sig.len(), 32);
        let (header, claims) = u.into_parts();
        assert_eq!(
            Value::Object(header.to_map()),
            json!({"alg": "HS256", "typ": "JWT"})
        );
        assert_eq!(
            Value::Object(claims.to_map()),
            json!({
                "fresh": false,
                "iat": 1_700_000_000,
                "jti": "00000000-0000-4000-8000-000000000001",
                "type": "access",
                "sub": "interop-user",
                "nbf": 1_700_000_000,
                "csrf": "00000000-0000-4000-8000-0000000000c5",
            })
        );
        assert_eq!(claims.jti(), Some("00000000-0000-4000-8000-000000000001"));
        assert_eq!(claims.csrf(), Some("00000000-0000-4000-8000-0000000000c5"));
    }

    #[test]
    fn segments() {
        let h = b64::encode(HS256);
        let p = b64::encode(SUB);
        for t in [
            String::new(),
            "abc".to_owned(),
            h.clone(),
            format!("{h}.{p}"),
        ] {
            assert_eq!(error(&t), invalid("Not enough segments"), "{t:?}");
        }
        // More than three: the payload segment takes the middle dots (PyJWT splits the same
        // way), and a dot is not base64url.
        assert_eq!(
            error(&format!("{h}.{p}.c2ln.c2ln")),
            invalid("Invalid payload padding")
        );
        assert_eq!(
            error(&format!("{h}.{p}.{p}.c2ln")),
            invalid("Invalid payload padding")
        );
    }

    #[test]
    fn empty_segments() {
        let h = b64::encode(HS256);
        let p = b64::encode(SUB);
        let empty = "Expecting value: line 1 column 1 (char 0)";
        assert_eq!(
            error(".."),
            invalid(format!("Invalid header string: {empty}"))
        );
        assert_eq!(
            error(&format!(".{p}.c2ln")),
            invalid(format!("Invalid header string: {empty}"))
        );
        assert_eq!(
            error(&format!("{h}..c2ln")),
            invalid(format!("Invalid payload string: {empty}"))
        );
        // An empty signature is read (as no bytes); it fails verification later.
        let t = format!("{h}.{p}.");
        let u = parse(&t, MAX).expect("an empty signature parses");
        assert!(u.sig.is_empty());
        assert_eq!(u.sig_b64, "");
    }

    #[test]
    fn strict_base64url() {
        let p = b64::encode(SUB);
        // Padding: refused even where standard base64 would need it.
        let padded = r#"{"alg": "HS256"}"#;
        let h = b64::encode(padded);
        assert_eq!(h.len() % 4, 2);
        assert!(parse(&format!("{h}.{p}.c2ln"), MAX).is_ok());
        assert_eq!(
            error(&format!("{h}==.{p}.c2ln")),
            invalid("Invalid header padding")
        );
        assert_eq!(
            error(&format!("{h}.{p}=.c2ln")),
            invalid("Invalid payload padding")
        );
        let h = b64::encode(HS256);
        assert!(parse(&format!("{h}.{p}.c2lnMQ"), MAX).is_ok());
        assert_eq!(
            error(&format!("{h}.{p}.c2lnMQ==")),
            invalid("Invalid crypto padding")
        );
        // The standard alphabet's '+' and '/' are not base64url.
        let h = b64::encode(r#"{"alg":"HS256","x":">>>???"}"#);
        assert!(h.contains('-') && h.contains('_'), "{h}");
        assert!(parse(&format!("{h}.{p}.c2ln"), MAX).is_ok());
        for bad in [h.replace('-', "+"), h.replace('_', "/")] {
            assert_eq!(
                error(&format!("{bad}.{p}.c2ln")),
                invalid("Invalid header padding"),
                "{bad}"
            );
            assert_eq!(
                error(&format!("{h}.{p}.{bad}")),
                invalid("Invalid crypto padding"),
                "{bad}"
            );
        }
        // A last symbol with bits that do not belong to any byte ("QQ" is canonical for "A").
        assert!(parse(&format!("{h}.{p}.QQ"), MAX).is_ok());
        assert_eq!(
            error(&format!("{h}.{p}.QR")),
            invalid("Invalid crypto padding")
        );
        // Characters of no alphabet, and a length no byte string has.
        assert_eq!(
            error(&format!("{h}.{p}.c2l!")),
            invalid("Invalid crypto padding")
        );
        assert_eq!(
            error(&format!("{h}.{p}.c2ln c2ln")),
            invalid("Invalid crypto padding")
        );
        assert_eq!(
            error(&format!("{h}.{p}.c")),
            invalid("Invalid crypto padding")
        );
        assert_eq!(
            error(&format!("{h}.c.c2ln")),
            invalid("Invalid payload padding")
        );
    }

    #[test]
    fn header_and_payload_must_be_json_objects() {
        for text in [r#"["HS256"]"#, r#""HS256""#, "1", "null", "true"] {
            assert_eq!(
                error(&token(text, SUB, "c2ln")),
                invalid("Invalid header string: must be a json object"),
                "{text}"
            );
            assert_eq!(
                error(&token(HS256, text, "c2ln")),
                invalid("Invalid payload string: must be a json object"),
                "{text}"
            );
        }
        assert_eq!(
            error(&token("nope", SUB, "c2ln")),
            invalid("Invalid header string: Expecting value: line 1 column 1 (char 0)")
        );
        assert_eq!(
            error(&token(HS256, r#"{"sub": nope}"#, "c2ln")),
            invalid("Invalid payload string: Expecting value: line 1 column 9 (char 8)")
        );
        assert_eq!(
            error(&token(r#"{"alg":"HS256"} x"#, SUB, "c2ln")),
            invalid("Invalid header string: trailing characters")
        );
    }

    #[test]
    fn duplicate_members() {
        for (header, name) in [
            (r#"{"alg":"HS256","alg":"HS256"}"#, "alg"),
            (r#"{"alg":"HS256","typ":"JWT","typ":"at+jwt"}"#, "typ"),
            (r#"{"alg":"HS256","x":1,"x":2}"#, "x"),
        ] {
            assert_eq!(
                error(&token(header, SUB, "c2ln")),
                invalid(format!(
                    "Invalid header string: duplicate member name \"{name}\""
                )),
                "{header}"
            );
        }
        for (payload, name) in [
            (r#"{"sub":"alice","sub":"mallory"}"#, "sub"),
            (r#"{"sub":"alice","roles":[],"roles":["admin"]}"#, "roles"),
        ] {
            assert_eq!(
                error(&token(HS256, payload, "c2ln")),
                invalid(format!(
                    "Invalid payload string: duplicate member name \"{name}\""
                )),
                "{payload}"
            );
        }
    }

    #[test]
    fn the_length_cap() {
        let t = token(HS256, SUB, "c2ln");
        assert!(parse(&t, t.len()).is_ok());
        let cap = t.len() - 1;
        assert_eq!(
            parse(&t, cap).err(),
            Some(invalid(format!(
                "Token is too large (more than {cap} bytes)"
            )))
        );
        // Before anything else is looked at.
        assert_eq!(
            parse("not a token at all", 10).err(),
            Some(invalid("Token is too large (more than 10 bytes)"))
        );
    }

    #[test]
    fn the_algorithm() {
        let any = |_: Algorithm| true;
        assert_eq!(
            alg(r#"{"typ":"JWT"}"#, any),
            Err(invalid("Algorithm not specified"))
        );
        for header in [
            r#"{"alg":"none"}"#,
            r#"{"alg":"None"}"#,
            r#"{"alg":"hs256"}"#,
            r#"{"alg":"HS999"}"#,
            r#"{"alg":""}"#,
            r#"{"alg":256}"#,
            r#"{"alg":null}"#,
            r#"{"alg":["HS256"]}"#,
        ] {
            assert_eq!(
                alg(header, any),
                Err(invalid("The specified alg value is not allowed")),
                "{header}"
            );
        }
        assert_eq!(alg(r#"{"alg":"EdDSA"}"#, any), Ok(Algorithm::EdDSA));
        assert_eq!(
            alg(r#"{"alg":"RS256"}"#, |a| a == Algorithm::RS256),
            Ok(Algorithm::RS256)
        );
        // A known algorithm the caller does not allow.
        assert_eq!(
            alg(r#"{"alg":"HS256"}"#, |a| a == Algorithm::RS256),
            Err(invalid("The specified alg value is not allowed"))
        );
        // `alg: none` with no signature parses: the algorithm check refuses it.
        let t = token(r#"{"alg":"none","typ":"JWT"}"#, SUB, "");
        let u = parse(&t, MAX).expect("parses");
        assert_eq!(
            u.algorithm(any),
            Err(invalid("The specified alg value is not allowed"))
        );
    }

    #[test]
    fn the_crit_header() {
        for (header, msg) in [
            (
                r#"{"alg":"HS256","crit":["b64"]}"#,
                "Unsupported critical extension: b64",
            ),
            (
                r#"{"alg":"HS256","crit":["exp","b64"]}"#,
                "Unsupported critical extension: exp",
            ),
            (
                r#"{"alg":"HS256","crit":[]}"#,
                "Invalid 'crit' header: must be a non-empty list",
            ),
            (
                r#"{"alg":"HS256","crit":"b64"}"#,
                "Invalid 'crit' header: must be a non-empty list",
            ),
            (
                r#"{"alg":"HS256","crit":null}"#,
                "Invalid 'crit' header: must be a non-empty list",
            ),
            (
                r#"{"alg":"HS256","crit":[1]}"#,
                "Invalid 'crit' header: values must be strings",
            ),
        ] {
            assert_eq!(error(&token(header, SUB, "c2ln")), invalid(msg), "{header}");
        }
    }

    #[test]
    fn the_kid_header() {
        let t = token(r#"{"alg":"HS256","kid":"k1"}"#, SUB, "c2ln");
        let u = parse(&t, MAX).expect("parses");
        assert_eq!(u.kid(), Some("k1"));
        assert_eq!(u.parts().0.kid(), Some("k1"));
        for header in [
            r#"{"alg":"HS256","kid":1}"#,
            r#"{"alg":"HS256","kid":null}"#,
            r#"{"alg":"HS256","kid":["k1"]}"#,
            // `kid` is looked at before `crit`.
            r#"{"alg":"HS256","kid":1,"crit":["b64"]}"#,
        ] {
            assert_eq!(
                error(&token(header, SUB, "c2ln")),
                invalid("Key ID header parameter must be a string"),
                "{header}"
            );
        }
    }

    #[test]
    fn the_order_of_the_checks() {
        let crit = r#"{"alg":"HS256","crit":["b64"]}"#;
        // Header JSON before the payload's base64.
        assert_eq!(
            error(&format!("{}.!!.c2ln", b64::encode("nope"))),
            invalid("Invalid header string: Expecting value: line 1 column 1 (char 0)")
        );
        // The payload's and the signature's base64 before the header checks.
        assert_eq!(
            error(&format!("{}.!!.c2ln", b64::encode(crit))),
            invalid("Invalid payload padding")
        );
        assert_eq!(
            error(&format!("{}.{}.!!", b64::encode(crit), b64::encode(SUB))),
            invalid("Invalid crypto padding")
        );
        // The header checks before the payload's JSON.
        assert_eq!(
            error(&token(crit, "nope", "c2ln")),
            invalid("Unsupported critical extension: b64")
        );
        // Nothing about the claims: an expired token, or one with odd claims, parses.
        let t = token(HS256, r#"{"exp":1,"sub":7,"type":"nonsense"}"#, "c2ln");
        assert!(parse(&t, MAX).is_ok());
    }
}
