//! Port of flask-jwt-extended's `tests/test_decode_tokens.py`: `decode_token`, `get_jti`,
//! `get_unverified_jwt_headers`, and how the decode options shape what is accepted.
//!
//! PyJWT's exception classes map to [`ErrorKind`]s: `JWTDecodeError` → `Decode`,
//! `ExpiredSignatureError` → `Expired`, every other `InvalidTokenError` (audience, issuer,
//! immature, signature, subject, `DecodeError`) → `InvalidToken` with PyJWT's message.

use crate::common;

use std::time::Duration;

use axum_jwt_extended::{
    Audience, DecodeOptions, ErrorKind, Expiry, JwtConfig, JwtError, JwtManager, Key, Location,
    Secret, TokenOptions,
};
use serde_json::{json, Value};

use common::{builder, manager, NOW};

use common::craft;

/// The upstream fixture's configuration: cookies and headers, CSRF protection on.
fn fixture_config() -> JwtConfig {
    {
        let mut c = common::config();
        c.token_location = vec![Location::Cookies, Location::Headers];
        c.cookie_csrf_protect = true;
        c
    }
}

fn jwt_with(f: impl FnOnce(&mut JwtConfig)) -> JwtManager {
    let mut c = fixture_config();
    f(&mut c);
    manager(c)
}

fn jwt() -> JwtManager {
    manager(fixture_config())
}

/// The upstream `default_access_token` fixture.
fn default_access_token() -> Value {
    json!({
        "jti": "1234",
        "sub": "username",
        "type": "access",
        "fresh": true,
        "csrf": "abcd",
    })
}

fn without(mut claims: Value, names: &[&str]) -> Value {
    for n in names {
        claims.as_object_mut().unwrap().remove(*n);
    }
    claims
}

fn with(mut claims: Value, extra: Value) -> Value {
    claims
        .as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    claims
}

fn invalid(err: &JwtError) -> &str {
    match err.kind() {
        ErrorKind::InvalidToken(m) => m,
        other => panic!("expected an InvalidToken error, got {other:?}"),
    }
}

fn decode_error(err: &JwtError) -> &str {
    match err.kind() {
        ErrorKind::Decode(m) => m,
        other => panic!("expected a Decode (JWTDecodeError) error, got {other:?}"),
    }
}

fn csrf(value: &str) -> DecodeOptions<'_> {
    DecodeOptions {
        csrf_value: Some(value),
        allow_expired: false,
    }
}

#[test]
fn test_missing_claims_sub() {
    let token = craft::token(&without(default_access_token(), &["sub"]));
    let err = jwt().decode_token_with(&token, csrf("abcd")).unwrap_err();
    assert_eq!(decode_error(&err), "Missing claim: sub");
    assert_eq!(err.status(), 422);
}

#[test]
fn test_missing_claims_csrf() {
    let token = craft::token(&without(default_access_token(), &["csrf"]));
    let err = jwt().decode_token_with(&token, csrf("abcd")).unwrap_err();
    assert_eq!(decode_error(&err), "Missing claim: csrf");
    // Without a csrf_value to compare, a token without `csrf` is fine.
    assert!(jwt().decode_token(&token).is_ok());
}

#[test]
fn test_csrf_value_mismatch() {
    let token = craft::token(&default_access_token());
    assert!(jwt().decode_token_with(&token, csrf("abcd")).is_ok());
    let err = jwt().decode_token_with(&token, csrf("abce")).unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::Csrf(m) if m == "CSRF double submit tokens do not match"),
        "{err:?}"
    );
    assert_eq!(err.status(), 401);
    // An empty csrf_value is falsy: no comparison, as in Flask.
    assert!(jwt().decode_token_with(&token, csrf("")).is_ok());
}

#[test]
fn test_default_decode_token_values() {
    let token = craft::token(&without(default_access_token(), &["type", "jti", "fresh"]));
    let decoded = jwt().decode_token(&token).unwrap();
    assert_eq!(decoded["type"], json!("access"));
    assert_eq!(decoded["jti"], Value::Null);
    assert_eq!(decoded["fresh"], json!(false));
    // Present claims are left alone.
    let decoded = jwt()
        .decode_token(&craft::token(&default_access_token()))
        .unwrap();
    assert_eq!(
        (
            decoded["type"].clone(),
            decoded["jti"].clone(),
            decoded["fresh"].clone()
        ),
        (json!("access"), json!("1234"), json!(true))
    );
}

#[test]
fn test_supports_decoding_other_token_types() {
    let token = craft::token(&with(default_access_token(), json!({"type": "app"})));
    let decoded = jwt().decode_token(&token).unwrap();
    assert_eq!(decoded.token_type(), Some("app"));
}

#[test]
fn test_encode_decode_audience() {
    // Default: no audience.
    let j = jwt();
    let decoded = j
        .decode_token(&j.create_access_token("username").unwrap())
        .unwrap();
    assert!(!decoded.contains_key("aud"));

    // Encode and decode audience configured.
    let j = jwt_with(|c| {
        c.encode_audience = Some("foo".into());
        c.decode_audience = Some("foo".into());
    });
    let decoded = j
        .decode_token(&j.create_access_token("username").unwrap())
        .unwrap();
    assert_eq!(decoded["aud"], json!("foo"));

    // Encode and decode mismatch.
    let j = jwt_with(|c| {
        c.encode_audience = Some("foo".into());
        c.decode_audience = Some("bar".into());
    });
    let err = j
        .decode_token(&j.create_access_token("username").unwrap())
        .unwrap_err();
    assert_eq!(invalid(&err), "Audience doesn't match");

    // No encode audience.
    let j = jwt_with(|c| c.decode_audience = Some("foo".into()));
    let err = j
        .decode_token(&j.create_access_token("username").unwrap())
        .unwrap_err();
    assert_eq!(invalid(&err), "Token is missing the \"aud\" claim");

    // No decode audience: not checked at all.
    let j = jwt_with(|c| c.encode_audience = Some("foo".into()));
    let decoded = j
        .decode_token(&j.create_access_token("username").unwrap())
        .unwrap();
    assert_eq!(decoded["aud"], json!("foo"));
}

#[test]
fn test_encode_audience_list() {
    let j = jwt_with(|c| {
        c.encode_audience = Some(Audience::Many(vec!["a".into(), "b".into()]));
        c.decode_audience = Some("b".into());
    });
    let decoded = j
        .decode_token(&j.create_access_token("username").unwrap())
        .unwrap();
    assert_eq!(decoded["aud"], json!(["a", "b"]));
}

/// A manager and its clock, and tokens made five minutes in the past that expired a minute
/// after they were made (Flask's `expires_delta=timedelta(minutes=-5)` cannot be expressed
/// with a negative duration here, so the clock moves instead).
fn expired_tokens() -> (JwtManager, String, String) {
    let (b, clock) = builder(fixture_config());
    let j = b.build().unwrap();
    clock.set_secs(NOW - 6 * 60);
    let opts = || TokenOptions::new().expires_delta(Duration::from_secs(60));
    let access = j.create_access_token_with("username", opts()).unwrap();
    let refresh = j.create_refresh_token_with("username", opts()).unwrap();
    clock.set_secs(NOW);
    (j, access, refresh)
}

#[test]
fn test_expired_token() {
    let (j, access, refresh) = expired_tokens();
    for token in [&access, &refresh] {
        let err = j.decode_token(token).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::Expired(_)), "{err:?}");
        assert_eq!(err.message(), "Token has expired");
        assert_eq!(err.status(), 401);
        // The expired token's claims are attached, for expired_token_loader.
        let parts = err.token_parts().expect("parts attached");
        assert_eq!(parts.claims.get_str("sub"), Some("username"));
        assert_eq!(parts.header.alg(), Some("HS256"));
    }
}

#[test]
fn test_allow_expired_token() {
    let (j, access, refresh) = expired_tokens();
    for (token, ty) in [(&access, "access"), (&refresh, "refresh")] {
        let decoded = j
            .decode_token_with(
                token,
                DecodeOptions {
                    allow_expired: true,
                    ..DecodeOptions::default()
                },
            )
            .unwrap();
        assert_eq!(decoded.get_str("sub"), Some("username"));
        assert_eq!(decoded.token_type(), Some(ty));
        assert_eq!(decoded["exp"], json!(NOW - 5 * 60));
    }
}

#[test]
fn test_allow_expired_still_checks_the_other_claims() {
    let token = craft::token(&json!({"sub": 5, "exp": NOW - 1}));
    let err = jwt()
        .decode_token_with(
            &token,
            DecodeOptions {
                allow_expired: true,
                ..DecodeOptions::default()
            },
        )
        .unwrap_err();
    assert_eq!(invalid(&err), "Subject must be a string");
}

#[test]
fn test_never_expire_token() {
    let j = jwt();
    let opts = || TokenOptions::new().expires_delta(Expiry::Never);
    let access = j.create_access_token_with("username", opts()).unwrap();
    let refresh = j.create_refresh_token_with("username", opts()).unwrap();
    for token in [access, refresh] {
        let decoded = j.decode_token(&token).unwrap();
        assert!(!decoded.contains_key("exp"), "{decoded:?}");
    }
}

#[test]
fn test_nbf_token_in_future() {
    let j = jwt();
    let token = j
        .create_access_token_with(
            "username",
            TokenOptions::new().additional_claims(json!({"nbf": NOW + 30})),
        )
        .unwrap();
    let err = j.decode_token(&token).unwrap_err();
    assert_eq!(invalid(&err), "The token is not yet valid (nbf)");

    let j = jwt_with(|c| c.decode_leeway = Duration::from_secs(30));
    let decoded = j.decode_token(&token).unwrap();
    assert_eq!(decoded["nbf"], json!(NOW + 30));
    let default_token = j.create_access_token("username").unwrap();
    assert!(j.decode_token(&default_token).is_ok());
}

#[test]
fn test_alternate_identity_claim() {
    let j = jwt_with(|c| c.identity_claim = "banana".into());
    // Decoding fails if the claim isn't there.
    let err = j
        .decode_token(&craft::token(&default_access_token()))
        .unwrap_err();
    assert_eq!(decode_error(&err), "Missing claim: banana");

    // The claim exists in the decoded token.
    let token = craft::token(&with(
        without(default_access_token(), &["sub"]),
        json!({"banana": "username"}),
    ));
    let decoded = j.decode_token(&token).unwrap();
    assert_eq!(decoded.get_str("banana"), Some("username"));
    assert!(!decoded.contains_key("sub"));

    // And tokens we mint use it.
    let minted = j
        .decode_token(&j.create_access_token("username").unwrap())
        .unwrap();
    assert_eq!(minted.get_str("banana"), Some("username"));
    assert!(!minted.contains_key("sub"));
}

#[test]
fn test_get_jti() {
    let token = craft::token(&default_access_token());
    assert_eq!(jwt().get_jti(&token).unwrap().as_deref(), Some("1234"));
    // get_jti fully verifies.
    let expired = craft::token(&with(default_access_token(), json!({"exp": NOW - 1})));
    assert!(matches!(
        jwt().get_jti(&expired).unwrap_err().kind(),
        ErrorKind::Expired(_)
    ));
    // Absent jti → None (the default `jti: null`).
    let token = craft::token(&without(default_access_token(), &["jti"]));
    assert_eq!(jwt().get_jti(&token).unwrap(), None);
}

#[test]
fn test_custom_encode_decode_key_callbacks() {
    let other = "different secret, long enough for HS256";
    // An encode key loader alone: the tokens do not verify with the configured key.
    let (b, _) = builder(fixture_config());
    let j = b
        .encode_key_loader(move |identity: &&str| {
            assert_eq!(*identity, "username");
            Key::Secret(Secret::from(other))
        })
        .build()
        .unwrap();
    for token in [
        j.create_access_token("username").unwrap(),
        j.create_refresh_token("username").unwrap(),
    ] {
        let err = j.decode_token(&token).unwrap_err();
        assert_eq!(invalid(&err), "Signature verification failed");
    }

    // With a matching decode key loader they do.
    let (b, _) = builder(fixture_config());
    let j = b
        .encode_key_loader(move |_: &&str| Key::Secret(Secret::from(other)))
        .decode_key_loader(move |header, claims| {
            assert_eq!(header.alg(), Some("HS256"));
            assert_eq!(claims.get_str("sub"), Some("username"));
            Key::Secret(Secret::from(other))
        })
        .build()
        .unwrap();
    for token in [
        j.create_access_token("username").unwrap(),
        j.create_refresh_token("username").unwrap(),
    ] {
        assert_eq!(
            j.decode_token(&token).unwrap().get_str("sub"),
            Some("username")
        );
    }
}

#[test]
fn test_valid_aud() {
    let j =
        jwt_with(|c| c.decode_audience = Some(Audience::Many(vec!["foo".into(), "bar".into()])));
    for aud in [json!("foo"), json!(["bar"]), json!(["foo", "bar", "baz"])] {
        let token = craft::token(&with(default_access_token(), json!({"aud": aud})));
        let decoded = j
            .decode_token(&token)
            .unwrap_or_else(|e| panic!("{aud}: {e}"));
        assert_eq!(decoded["aud"], aud);
    }
}

#[test]
fn test_invalid_aud() {
    let j = jwt_with(|c| c.decode_audience = Some("foo".into()));
    for aud in [json!("bar"), json!(["bar"]), json!(["bar", "baz"])] {
        let token = craft::token(&with(default_access_token(), json!({"aud": aud})));
        let err = j.decode_token(&token).unwrap_err();
        assert_eq!(invalid(&err), "Audience doesn't match", "{aud}");
    }
}

#[test]
fn test_verify_no_aud() {
    let j = jwt();
    for aud in [json!("bar"), json!(["bar"]), json!(["bar", "baz"])] {
        let token = craft::token(&with(default_access_token(), json!({"aud": aud})));
        let decoded = j
            .decode_token(&token)
            .unwrap_or_else(|e| panic!("{aud}: {e}"));
        assert_eq!(decoded["aud"], aud);
    }
}

fn invalid_subs() -> [Value; 4] {
    [json!(123), json!({}), json!([]), json!(false)]
}

#[test]
fn test_invalid_sub_values() {
    let j = jwt();
    for sub in invalid_subs() {
        let token = craft::token(&with(default_access_token(), json!({"sub": sub})));
        let err = j.decode_token(&token).unwrap_err();
        assert_eq!(invalid(&err), "Subject must be a string", "{sub}");
    }
}

#[test]
fn test_invalid_sub_values_allowed_with_no_verify() {
    let j = jwt_with(|c| c.verify_sub = false);
    for sub in invalid_subs() {
        let token = craft::token(&with(default_access_token(), json!({"sub": sub})));
        let decoded = j
            .decode_token(&token)
            .unwrap_or_else(|e| panic!("{sub}: {e}"));
        assert_eq!(decoded["sub"], sub);
    }
}

#[test]
fn test_encode_iss() {
    let j = jwt_with(|c| c.encode_issuer = Some("foobar".into()));
    let decoded = j
        .decode_token(&j.create_access_token("username").unwrap())
        .unwrap();
    assert_eq!(decoded["iss"], json!("foobar"));
}

#[test]
fn test_mismatch_iss() {
    let j = jwt_with(|c| {
        c.encode_issuer = Some("foobar".into());
        c.decode_issuer = Some(vec!["baz".into()]);
    });
    let err = j
        .decode_token(&j.create_access_token("username").unwrap())
        .unwrap_err();
    assert_eq!(invalid(&err), "Invalid issuer");
}

#[test]
fn test_valid_decode_iss() {
    let j = jwt_with(|c| c.decode_issuer = Some(vec!["foobar".into()]));
    let token = craft::token(&with(default_access_token(), json!({"iss": "foobar"})));
    assert_eq!(j.decode_token(&token).unwrap()["iss"], json!("foobar"));
    // A list of accepted issuers (PyJWT accepts a container).
    let j = jwt_with(|c| c.decode_issuer = Some(vec!["other".into(), "foobar".into()]));
    assert_eq!(j.decode_token(&token).unwrap()["iss"], json!("foobar"));
}

#[test]
fn test_invalid_decode_iss() {
    let j = jwt_with(|c| c.decode_issuer = Some(vec!["baz".into()]));
    let token = craft::token(&with(default_access_token(), json!({"iss": "foobar"})));
    assert_eq!(
        invalid(&j.decode_token(&token).unwrap_err()),
        "Invalid issuer"
    );
    // Missing iss.
    let token = craft::token(&default_access_token());
    assert_eq!(
        invalid(&j.decode_token(&token).unwrap_err()),
        "Token is missing the \"iss\" claim"
    );
}

#[test]
fn test_malformed_token() {
    let err = jwt().decode_token("foobarbaz").unwrap_err();
    assert_eq!(invalid(&err), "Not enough segments");
    assert_eq!(err.status(), 422);
    let err = jwt().get_unverified_jwt_headers("foobarbaz").unwrap_err();
    assert_eq!(invalid(&err), "Not enough segments");
}

#[test]
fn test_jwt_headers() {
    let j = jwt();
    let opts = || TokenOptions::new().additional_headers(json!({"foo": "bar"}));
    let access = j.create_access_token_with("username", opts()).unwrap();
    let refresh = j.create_refresh_token_with("username", opts()).unwrap();
    for token in [access, refresh] {
        let header = j.get_unverified_jwt_headers(&token).unwrap();
        assert_eq!(header.get_str("foo"), Some("bar"));
        assert_eq!(
            Value::Object(header.to_map()),
            json!({"alg": "HS256", "foo": "bar", "typ": "JWT"})
        );
    }
}

#[test]
fn test_get_unverified_jwt_headers_does_not_verify() {
    // Wrong signature and expired: the header is still returned.
    let token = craft::token_with_headers(&json!({"sub": "x", "exp": 1}), &json!({"kid": "key-9"}));
    let (input, _) = token.rsplit_once('.').unwrap();
    let bad = format!("{input}.AAAA");
    let header = jwt().get_unverified_jwt_headers(&bad).unwrap();
    assert_eq!(header.kid(), Some("key-9"));
    assert!(jwt().decode_token(&bad).is_err());
}

#[test]
fn test_token_expires_time() {
    let j = jwt_with(|c| {
        c.access_token_expires = Expiry::After(Duration::from_secs(3600));
        c.refresh_token_expires = Expiry::After(Duration::from_secs(7200));
    });
    let access = j
        .decode_token(&j.create_access_token("username").unwrap())
        .unwrap();
    let refresh = j
        .decode_token(&j.create_refresh_token("username").unwrap())
        .unwrap();
    // The clock is fixed, so the timestamps are exact.
    assert_eq!(access["exp"], json!(NOW + 3600));
    assert_eq!(refresh["exp"], json!(NOW + 7200));
    assert_eq!(access["iat"], json!(NOW));
}

#[test]
fn test_default_expiry_times() {
    let j = jwt();
    let access = j
        .decode_token(&j.create_access_token("username").unwrap())
        .unwrap();
    let refresh = j
        .decode_token(&j.create_refresh_token("username").unwrap())
        .unwrap();
    assert_eq!(access["exp"], json!(NOW + 900));
    assert_eq!(refresh["exp"], json!(NOW + 2_592_000));
}

#[test]
fn test_nbf_is_present_by_default() {
    let j = jwt();
    let token = j
        .create_access_token_with("username", TokenOptions::new().fresh(true))
        .unwrap();
    let decoded = j.decode_token(&token).unwrap();
    assert_eq!(decoded["nbf"], json!(NOW));
}

#[test]
fn test_disable_nbf_encoding() {
    let j = jwt_with(|c| c.encode_nbf = false);
    let token = j
        .create_access_token_with("username", TokenOptions::new().fresh(true))
        .unwrap();
    let decoded = j.decode_token(&token).unwrap();
    assert!(!decoded.contains_key("nbf"), "{decoded:?}");
}

#[test]
fn test_csrf_claim_follows_cookie_csrf_protect() {
    // Since 4.6.0 every new token gets `csrf` when JWT_COOKIE_CSRF_PROTECT is on.
    let j = jwt();
    let decoded = j
        .decode_token(&j.create_access_token("username").unwrap())
        .unwrap();
    let value = decoded.csrf().expect("csrf claim");
    assert_eq!(value.len(), 36);
    assert_eq!(
        j.get_csrf_token(&j.create_access_token("username").unwrap())
            .unwrap()
            .len(),
        36
    );
    let j = jwt_with(|c| c.cookie_csrf_protect = false);
    let token = j.create_access_token("username").unwrap();
    assert!(!j.decode_token(&token).unwrap().contains_key("csrf"));
    // Deliberate difference: Flask's get_csrf_token raises KeyError (500) here.
    assert_eq!(
        decode_error(&j.get_csrf_token(&token).unwrap_err()),
        "Missing claim: csrf"
    );
}

#[test]
fn test_sub_claim_type_with_identity_values() {
    // Encoding does not validate `sub`; decoding does (JWT_VERIFY_SUB).
    let j = jwt();
    let token = j.create_access_token(json!({"id": 1})).unwrap();
    assert_eq!(
        invalid(&j.decode_token(&token).unwrap_err()),
        "Subject must be a string"
    );
}

#[test]
fn test_jti_must_be_a_string() {
    let token = craft::token(&with(default_access_token(), json!({"jti": 1234})));
    assert_eq!(
        invalid(&jwt().decode_token(&token).unwrap_err()),
        "JWT ID must be a string"
    );
}
