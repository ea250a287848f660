//! Hostile and extreme input (RFC 8725, RFC 7515/7519 and OWASP's JWT guidance): RFC vectors, forged and malformed
//! tokens, oversized and duplicated members, extreme lifetimes. Nothing panics, nothing is a 500,
//! and no forged token is ever accepted.

mod common;

use std::time::Duration;

use axum::routing::any;
use axum::{Json, Router};
use axum_jwt_extended::{
    get_jwt_identity, jwt_required, CookieOptions, Expiry, JwtConfig, JwtManager, NoJwtContext,
    Secret, TokenOptions,
};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

use common::{bearer, config, manager, request};

#[jwt_required]
async fn protected() -> Result<Json<Value>, NoJwtContext> {
    Ok(Json(json!({ "identity": get_jwt_identity()? })))
}

fn app(jwt: JwtManager) -> Router {
    Router::new().route("/p", any(protected)).with_state(jwt)
}

/// A token with this header and payload JSON, signed with `key`.
fn signed(header: &str, payload: &str, key: &[u8]) -> String {
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(payload)
    );
    let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
    mac.update(input.as_bytes());
    format!(
        "{input}.{}",
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    )
}

async fn status_and_msg(app: &Router, token: &str) -> (u16, String) {
    let r = request(app, "GET", "/p", &[("Authorization", &bearer(token))], None).await;
    (r.status.as_u16(), r.msg())
}

#[tokio::test]
async fn rfc7515_a1_verifies_and_is_reported_expired_only_after_the_signature() {
    let key = hex::decode("0323354b2b0fa5bc837e0665777ba68f5ab328e6f054c928a90f84b2d2502ebfd3fb5a92d20647ef968ab4c377623d223d2e2172052e4f08c0cd9af567d080a3").unwrap();
    let token = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    let jwt = manager(JwtConfig::with_secret(Secret::from(key)));
    let app = app(jwt);
    assert_eq!(
        status_and_msg(&app, token).await,
        (401, "Token has expired".into())
    );
    // The same token with one signature character changed: a forgery, so 422, never "expired".
    let forged = format!("{}A", &token[..token.len() - 1]);
    assert_eq!(
        status_and_msg(&app, &forged).await,
        (422, "Signature verification failed".into())
    );
}

#[tokio::test]
async fn unsecured_and_foreign_algorithms_are_refused() {
    let app = app(manager(config()));
    let none = "eyJhbGciOiJub25lIn0.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.";
    assert_eq!(
        status_and_msg(&app, none).await,
        (422, "The specified alg value is not allowed".into())
    );
    let payload = r#"{"sub":"alice","type":"access"}"#;
    for alg in ["none", "None", "NONE", "hs256", "HS512", "RS256", ""] {
        let header = format!(r#"{{"alg":"{alg}","typ":"JWT"}}"#);
        let token = signed(&header, payload, common::SECRET.as_bytes());
        assert_eq!(
            status_and_msg(&app, &token).await,
            (422, "The specified alg value is not allowed".into()),
            "{alg}"
        );
    }
    let token = signed(r#"{"typ":"JWT"}"#, payload, common::SECRET.as_bytes());
    assert_eq!(
        status_and_msg(&app, &token).await,
        (422, "Algorithm not specified".into())
    );
    let token = signed(r#"{"alg":5}"#, payload, common::SECRET.as_bytes());
    assert_eq!(
        status_and_msg(&app, &token).await,
        (422, "The specified alg value is not allowed".into())
    );
}

#[tokio::test]
async fn crit_duplicates_and_wrong_claim_types_are_invalid() {
    let app = app(manager(config()));
    let key = common::SECRET.as_bytes();
    let cases = [
        (
            r#"{"alg":"HS256","crit":["exp"]}"#,
            r#"{"sub":"a"}"#,
            "Unsupported critical extension: exp",
        ),
        (
            r#"{"alg":"HS256","crit":[]}"#,
            r#"{"sub":"a"}"#,
            "Invalid 'crit' header: must be a non-empty list",
        ),
        (
            r#"{"alg":"HS256","alg":"HS256"}"#,
            r#"{"sub":"a"}"#,
            "Invalid header string: duplicate member name \"alg\"",
        ),
        (
            r#"{"alg":"HS256"}"#,
            r#"{"sub":"a","sub":"b"}"#,
            "Invalid payload string: duplicate member name \"sub\"",
        ),
        (
            r#"{"alg":"HS256"}"#,
            r#"{"sub":"a","type":"refresh","type":"access"}"#,
            "Invalid payload string: duplicate member name \"type\"",
        ),
        (
            r#"{"alg":"HS256","kid":7}"#,
            r#"{"sub":"a"}"#,
            "Key ID header parameter must be a string",
        ),
        (
            r#"{"alg":"HS256"}"#,
            r#"{"sub":"a","exp":"99999999999"}"#,
            "Expiration Time claim (exp) must be an integer.",
        ),
        (
            r#"{"alg":"HS256"}"#,
            r#"{"sub":"a","nbf":true}"#,
            "Not Before claim (nbf) must be an integer.",
        ),
        (
            r#"{"alg":"HS256"}"#,
            r#"{"sub":"a","iat":null}"#,
            "Issued At claim (iat) must be an integer.",
        ),
        (
            r#"{"alg":"HS256"}"#,
            r#"{"sub":5}"#,
            "Subject must be a string",
        ),
        (
            r#"{"alg":"HS256"}"#,
            r#"{"sub":"a","jti":5}"#,
            "JWT ID must be a string",
        ),
        (
            r#"{"alg":"HS256"}"#,
            r#"{"type":"access"}"#,
            "Missing claim: sub",
        ),
    ];
    for (header, payload, msg) in cases {
        let token = signed(header, payload, key);
        assert_eq!(
            status_and_msg(&app, &token).await,
            (422, msg.into()),
            "{header} {payload}"
        );
    }
    // A non-boolean, non-numeric `fresh` is not fresh (Flask: 500).
    let token = signed(r#"{"alg":"HS256"}"#, r#"{"sub":"a","fresh":"yes"}"#, key);
    assert_eq!(status_and_msg(&app, &token).await, (200, String::new()));
}

#[tokio::test]
async fn configured_issuer_and_audience_refuse_wrong_types() {
    let jwt = manager({
        let mut c = config();
        c.decode_issuer = Some(vec!["me".into()]);
        c.decode_audience = Some("api".into());
        c
    });
    let app = app(jwt);
    let key = common::SECRET.as_bytes();
    for (payload, msg) in [
        (r#"{"sub":"a","iss":5,"aud":"api"}"#, "Invalid issuer"),
        (r#"{"sub":"a","iss":["me"],"aud":"api"}"#, "Invalid issuer"),
        (r#"{"sub":"a","iss":"m","aud":"api"}"#, "Invalid issuer"),
        (
            r#"{"sub":"a","aud":"api"}"#,
            "Token is missing the \"iss\" claim",
        ),
        (
            r#"{"sub":"a","iss":"me","aud":5}"#,
            "Invalid claim format in token",
        ),
        (
            r#"{"sub":"a","iss":"me","aud":[5]}"#,
            "Invalid claim format in token",
        ),
        (
            r#"{"sub":"a","iss":"me","aud":""}"#,
            "Token is missing the \"aud\" claim",
        ),
        (
            r#"{"sub":"a","iss":"me","aud":["web"]}"#,
            "Audience doesn't match",
        ),
    ] {
        let token = signed(r#"{"alg":"HS256"}"#, payload, key);
        assert_eq!(
            status_and_msg(&app, &token).await,
            (422, msg.into()),
            "{payload}"
        );
    }
    let token = signed(
        r#"{"alg":"HS256"}"#,
        r#"{"sub":"a","iss":"me","aud":["web","api"]}"#,
        key,
    );
    assert_eq!(status_and_msg(&app, &token).await.0, 200);
}

#[tokio::test]
async fn oversized_and_pathological_tokens_are_422_not_500() {
    let app = app(manager(config()));
    let dots = ".".repeat(100_000);
    let huge = "a".repeat(9 * 1024);
    for token in [dots.as_str(), huge.as_str()] {
        let (status, msg) = status_and_msg(&app, token).await;
        assert_eq!(status, 422, "{msg}");
        assert_eq!(msg, "Token is too large (more than 8192 bytes)");
    }
    // Many members: the duplicate check stays correct past its small-object fast path.
    let mut payload = String::from(r#"{"sub":"a""#);
    for i in 0..200 {
        payload.push_str(&format!(r#","k{i}":{i}"#));
    }
    let ok = signed(
        r#"{"alg":"HS256"}"#,
        &format!("{payload}}}"),
        common::SECRET.as_bytes(),
    );
    assert_eq!(status_and_msg(&app, &ok).await.0, 200);
    let dup = signed(
        r#"{"alg":"HS256"}"#,
        &format!(r#"{payload},"k150":1}}"#),
        common::SECRET.as_bytes(),
    );
    assert_eq!(
        status_and_msg(&app, &dup).await,
        (
            422,
            "Invalid payload string: duplicate member name \"k150\"".into()
        )
    );
    // Deep nesting is a JSON error, not a stack overflow.
    let deep = format!(
        r#"{{"sub":"a","x":{}{}}}"#,
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let token = signed(r#"{"alg":"HS256"}"#, &deep, common::SECRET.as_bytes());
    let (status, _) = status_and_msg(&app, &token).await;
    assert_eq!(status, 422);
}

#[tokio::test]
async fn arbitrary_header_bytes_never_give_a_500() {
    let app = app(manager(config()));
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let alphabet = b"Bearer ,.=+/-_abcXYZ019\t\"{}";
    for _ in 0..500 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let len = (seed % 80) as usize;
        let value: String = (0..len)
            .map(|i| alphabet[((seed >> (i % 50)) as usize + i * 7) % alphabet.len()] as char)
            .collect();
        let r = request(&app, "GET", "/p", &[("Authorization", &value)], None).await;
        assert!(
            [401, 422].contains(&r.status.as_u16()),
            "{value:?} gave {} {}",
            r.status,
            r.text
        );
    }
}

#[tokio::test]
async fn extreme_lifetimes_do_not_panic() {
    let jwt = manager({
        let mut c = config();
        c.access_token_expires = Expiry::After(Duration::MAX);
        c
    });
    let token = jwt.create_access_token("alice").unwrap();
    let claims = jwt.decode_token(&token).unwrap();
    assert!(claims.exp().unwrap() > 1e12);
    let token = jwt
        .create_access_token_with("alice", TokenOptions::new().fresh(Duration::MAX))
        .unwrap();
    assert!(jwt.decode_token(&token).is_ok());
    let cookies = axum_jwt_extended::set_access_cookies(
        &jwt,
        &token,
        CookieOptions {
            max_age: Some(Duration::MAX),
            domain: None,
        },
    )
    .unwrap();
    assert_eq!(cookies.cookies().len(), 2);
    assert!(jwt
        .create_access_token_with("alice", TokenOptions::new().expires_delta(Duration::ZERO))
        .is_err());
}

#[tokio::test]
async fn signed_random_claims_agree_with_an_independent_checker() {
    let jwt = manager({
        let mut c = config();
        c.decode_issuer = Some(vec!["me".into()]);
        c.decode_audience = Some("api".into());
        c
    });
    let now = common::NOW as f64;
    let pool: Vec<Value> = vec![
        json!(null),
        json!(true),
        json!(0),
        json!(-1),
        json!(common::NOW - 10),
        json!(common::NOW),
        json!(common::NOW + 10),
        json!((common::NOW as f64) + 0.5),
        json!(1e300),
        json!("1700000000"),
        json!("me"),
        json!("api"),
        json!(["api"]),
        json!(["web", "api"]),
        json!([5]),
        json!({"a": 1}),
        json!(""),
        json!("alice"),
    ];
    let names = [
        "iat", "nbf", "exp", "iss", "aud", "sub", "jti", "type", "fresh",
    ];
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let (mut accepted, mut rejected) = (0, 0);
    for _ in 0..3000 {
        let mut claims = serde_json::Map::new();
        for name in names {
            let r = next();
            // Mostly well-formed, so that many tokens get past the early checks.
            let value = match (name, r % 4) {
                ("iss", 0..=2) => json!("me"),
                ("aud", 0..=2) => json!("api"),
                ("sub", 0..=2) => json!("alice"),
                ("exp", 0..=1) => json!(common::NOW + 60),
                ("iat" | "nbf", 0..=1) => json!(common::NOW - 10),
                ("jti", 0..=1) => json!("a-jti"),
                (_, 0) => continue,
                _ => pool[(r >> 8) as usize % pool.len()].clone(),
            };
            claims.insert(name.to_owned(), value);
        }
        let token = signed(
            r#"{"alg":"HS256","typ":"JWT"}"#,
            &Value::Object(claims.clone()).to_string(),
            common::SECRET.as_bytes(),
        );
        let ours = jwt.decode_token(&token);
        let theirs = common::reference::verdict(&claims, now);
        assert_eq!(
            ours.is_ok(),
            theirs.is_ok(),
            "{claims:?}: ours {ours:?}, reference {theirs:?}"
        );
        if let Ok(decoded) = ours {
            accepted += 1;
            assert_eq!(decoded.get_str("iss"), Some("me"));
        } else {
            rejected += 1;
        }
    }
    // Both verdicts were exercised.
    assert!(
        accepted > 100 && rejected > 100,
        "{accepted} accepted, {rejected} rejected"
    );
}

/// What a strict JSON parser refuses — a lone surrogate, a number out of `f64` range, nesting
/// deeper than serde_json's limit — is refused in any member of the header or the payload,
/// known or unknown: 422 before any handler, `get_jwt()` or loader sees the token (it used to
/// verify and then show `{}` to `get_jwt()`).
#[tokio::test]
async fn values_a_strict_parser_refuses_are_422_in_any_member() {
    let jwt = manager(config());
    let app = app(jwt);
    let deep = format!("{}{}", "[".repeat(129), "]".repeat(129));
    let payload = |member: &str| {
        format!(
            r#"{{"sub":"alice","jti":"j","type":"access","fresh":false,"iat":{NOW},{member}}}"#,
            NOW = common::NOW
        )
    };
    let header = |member: &str| format!(r#"{{"alg":"HS256","typ":"JWT",{member}}}"#);
    for bad in [
        r#""\ud800""#,
        r#""x\udc00""#,
        "1e400",
        "-1e400",
        deep.as_str(),
    ] {
        for (h, p, part) in [
            (header(""), payload(&format!(r#""x":{bad}"#)), "payload"),
            (
                header(""),
                payload(&format!(r#""roles":[{bad}]"#)),
                "payload",
            ),
            (
                header(&format!(r#""x":{bad}"#)),
                payload(r#""y":1"#),
                "header",
            ),
        ] {
            let h = h.replace(",}", "}");
            let token = signed(&h, &p, common::SECRET.as_bytes());
            let (status, msg) = status_and_msg(&app, &token).await;
            assert_eq!(status, 422, "{part} with {bad:.40}: {msg}");
            assert!(
                msg.starts_with(&format!("Invalid {part} string: ")),
                "{part} with {bad:.40}: {msg}"
            );
        }
    }
}
