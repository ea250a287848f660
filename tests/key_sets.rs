//! Keys across services (issue #11), locally: key sets selected by `kid` (RFC 7638 thumbprints
//! or explicit ids), retired verification-only keys (`JWT_RETIRED_PUBLIC_KEYS`,
//! `verification_key`), the JWK Set (`jwks()`, `GET /.well-known/jwks.json`), EdDSA end to
//! end. Every verification goes through a real `Router`.

mod common;

use axum::routing::get;
use axum::{Json, Router};
use axum_jwt_extended::{
    get_jwt_header, get_jwt_identity, jwt_required, Algorithm, JwtConfig, JwtManager, NoJwtContext,
    PemKey, Secret, TokenOptions,
};
use jsonwebtoken::jwk::{Jwk, ThumbprintHash};
use jsonwebtoken::{DecodingKey, EncodingKey, Header, Validation};
use serde_json::{json, Value};

use common::keys::{
    EC2_PRIVATE, EC2_PUBLIC, EC_PRIVATE, EC_PUBLIC, ED_PRIVATE, ED_PUBLIC, RSA2_PRIVATE,
    RSA2_PUBLIC, RSA_PRIVATE, RSA_PUBLIC,
};
use common::{bearer, get as get_req, manager, msg, status_json, Reply, LONG_SECRET, NOW};

#[jwt_required]
async fn header() -> Result<Json<Value>, NoJwtContext> {
    Ok(Json(json!({
        "header": get_jwt_header()?,
        "identity": get_jwt_identity()?,
    })))
}

fn app(jwt: &JwtManager) -> Router {
    Router::new()
        .route("/header", get(header))
        .merge(jwt.jwks_router())
        .with_state(jwt.clone())
}

async fn with_token(jwt: &JwtManager, token: &str) -> Reply {
    get_req(&app(jwt), "/header", &[("Authorization", &bearer(token))]).await
}

fn asym(alg: Algorithm, private: &str, public: &str) -> JwtConfig {
    let mut c = JwtConfig::default();
    c.algorithm = alg;
    c.private_key = Some(PemKey::from(private));
    c.public_key = Some(PemKey::from(public));
    c
}

fn kid_of(jwt: &JwtManager, token: &str) -> Option<String> {
    jwt.get_unverified_jwt_headers(token)
        .unwrap()
        .kid()
        .map(str::to_owned)
}

/// Claims flask-jwt-extended would accept, valid at [`NOW`].
fn claims(sub: &str) -> Value {
    json!({"fresh": false, "iat": NOW, "jti": "j-1", "type": "access", "sub": sub,
           "nbf": NOW, "exp": NOW + 600})
}

/// A token signed by jsonwebtoken (an independent implementation) with this header.
fn foreign(alg: Algorithm, kid: Option<&str>, key: &EncodingKey) -> String {
    let mut h = Header::new(alg);
    h.kid = kid.map(str::to_owned);
    jsonwebtoken::encode(&h, &claims("foreign"), key).unwrap()
}

/// The thumbprint as jsonwebtoken computes it (a second implementation of RFC 7638).
fn their_thumbprint(public: &str, alg: Algorithm) -> String {
    let key = match alg {
        Algorithm::RS256 | Algorithm::PS256 => DecodingKey::from_rsa_pem(public.as_bytes()),
        Algorithm::ES256 => DecodingKey::from_ec_pem(public.as_bytes()),
        _ => DecodingKey::from_ed_pem(public.as_bytes()),
    }
    .unwrap();
    Jwk::from_decoding_key(&key, Some(alg))
        .unwrap()
        .thumbprint(ThumbprintHash::SHA256)
        .unwrap()
}

#[tokio::test]
async fn hmac_tokens_stay_without_kid_and_publish_nothing() {
    let jwt = manager(common::config());
    let token = jwt.create_access_token("alice").unwrap();
    assert_eq!(kid_of(&jwt, &token), None);
    let header = token.split('.').next().unwrap();
    assert_eq!(header, "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9");
    assert_eq!(jwt.signing_key_id(), None);
    assert_eq!(jwt.jwks(), json!({"keys": []}));
    let r = get_req(&app(&jwt), "/.well-known/jwks.json", &[]).await;
    assert_eq!(status_json(&r), (404, msg("No public keys")));
    // Without any kid configured, a token's kid is not looked at (flask-jwt-extended's way).
    let t = jwt
        .create_access_token_with(
            "alice",
            TokenOptions::new().additional_headers(json!({"kid": "x"})),
        )
        .unwrap();
    assert_eq!(with_token(&jwt, &t).await.status, 200);
}

#[tokio::test]
async fn asymmetric_tokens_carry_the_thumbprint_and_the_set_publishes_it() {
    for (alg, private, public, kty) in [
        (Algorithm::RS256, RSA_PRIVATE, RSA_PUBLIC, "RSA"),
        (Algorithm::PS256, RSA_PRIVATE, RSA_PUBLIC, "RSA"),
        (Algorithm::ES256, EC_PRIVATE, EC_PUBLIC, "EC"),
        (Algorithm::EdDSA, ED_PRIVATE, ED_PUBLIC, "OKP"),
    ] {
        let jwt = manager(asym(alg, private, public));
        let thumb = their_thumbprint(public, alg);
        assert_eq!(jwt.signing_key_id(), Some(thumb.as_str()), "{alg:?}");
        let token = jwt.create_access_token("alice").unwrap();
        let r = with_token(&jwt, &token).await;
        assert_eq!(
            status_json(&r),
            (
                200,
                json!({"header": {"alg": format!("{alg:?}"), "kid": thumb, "typ": "JWT"},
                       "identity": "alice"})
            ),
            "{alg:?}"
        );
        let set = jwt.jwks();
        let keys = set["keys"].as_array().unwrap();
        assert_eq!(keys.len(), 1);
        let k = &keys[0];
        assert_eq!(
            (&k["kty"], &k["kid"], &k["alg"], &k["use"]),
            (
                &json!(kty),
                &json!(thumb),
                &json!(format!("{alg:?}")),
                &json!("sig")
            )
        );
        let members: Vec<&str> = k.as_object().unwrap().keys().map(String::as_str).collect();
        let expected: &[&str] = match kty {
            "RSA" => &["alg", "e", "kid", "kty", "n", "use"],
            "EC" => &["alg", "crv", "kid", "kty", "use", "x", "y"],
            _ => &["alg", "crv", "kid", "kty", "use", "x"],
        };
        assert_eq!(members, expected, "{alg:?}: no private member");
        if kty == "OKP" {
            assert_eq!(k["crv"], "Ed25519");
        }
        // The published key verifies the token, for jsonwebtoken too.
        let jwk: Jwk = serde_json::from_value(k.clone()).unwrap();
        let mut v = Validation::new(alg);
        v.validate_exp = false;
        v.required_spec_claims.clear();
        jsonwebtoken::decode::<Value>(&token, &DecodingKey::from_jwk(&jwk).unwrap(), &v)
            .unwrap_or_else(|e| panic!("{alg:?}: {e}"));

        // The route.
        let r = get_req(&app(&jwt), "/.well-known/jwks.json", &[]).await;
        assert_eq!(r.status, 200);
        assert_eq!(r.json(), set);
        assert_eq!(r.headers["cache-control"], "public, max-age=300");
        assert_eq!(r.headers["content-type"], "application/jwk-set+json");
    }
}

#[tokio::test]
async fn eddsa_end_to_end() {
    let jwt = manager(asym(Algorithm::EdDSA, ED_PRIVATE, ED_PUBLIC));
    let token = jwt.create_access_token("ed").unwrap();
    assert_eq!(jwt.decode_token(&token).unwrap().get_str("sub"), Some("ed"));
    // jsonwebtoken's EdDSA token, with and without our kid.
    let key = EncodingKey::from_ed_pem(ED_PRIVATE.as_bytes()).unwrap();
    let kid = jwt.signing_key_id().unwrap().to_owned();
    for t in [
        foreign(Algorithm::EdDSA, Some(&kid), &key),
        foreign(Algorithm::EdDSA, None, &key),
    ] {
        assert_eq!(with_token(&jwt, &t).await.json()["identity"], "foreign");
    }
    // Another Ed25519 key does not verify; a verifier with only the public key does.
    let mut verify_only = JwtConfig::default();
    verify_only.algorithm = Algorithm::EdDSA;
    verify_only.public_key = Some(ED_PUBLIC.into());
    let verifier = manager(verify_only);
    assert!(!verifier.can_sign());
    assert_eq!(with_token(&verifier, &token).await.status, 200);
    assert_eq!(verifier.jwks(), jwt.jwks());
}

#[tokio::test]
async fn a_retired_key_verifies_by_kid_only() {
    // The issuer rotated from rsa (A) to rsa2 (B); A is retired.
    let old = manager(asym(Algorithm::RS256, RSA_PRIVATE, RSA_PUBLIC));
    let old_token = old.create_access_token("old").unwrap();
    let kid_a = old.signing_key_id().unwrap().to_owned();
    let mut c = asym(Algorithm::RS256, RSA2_PRIVATE, RSA2_PUBLIC);
    c.retired_public_keys = vec![PemKey::from(RSA_PUBLIC)];
    let jwt = manager(c);
    let kid_b = jwt.signing_key_id().unwrap().to_owned();
    assert_ne!(kid_a, kid_b);
    let new_token = jwt.create_access_token("new").unwrap();
    assert_eq!(kid_of(&jwt, &new_token).as_deref(), Some(kid_b.as_str()));

    assert_eq!(with_token(&jwt, &old_token).await.json()["identity"], "old");
    assert_eq!(with_token(&jwt, &new_token).await.json()["identity"], "new");
    // Both keys are published, the current one first.
    let kids: Vec<Value> = jwt.jwks()["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kid"].clone())
        .collect();
    assert_eq!(kids, [json!(kid_b), json!(kid_a)]);

    let a = EncodingKey::from_rsa_pem(RSA_PRIVATE.as_bytes()).unwrap();
    let invalid = |m: &str| (422, msg(m));
    // An unknown kid: 422, no key tried.
    let t = foreign(Algorithm::RS256, Some("nope"), &a);
    assert_eq!(
        status_json(&with_token(&jwt, &t).await),
        invalid("Unknown key id")
    );
    // Signed by A but naming B: B alone is tried.
    let t = foreign(Algorithm::RS256, Some(&kid_b), &a);
    assert_eq!(
        status_json(&with_token(&jwt, &t).await),
        invalid("Signature verification failed")
    );
    // Signed by A without kid: the current key (B) alone is tried.
    let t = foreign(Algorithm::RS256, None, &a);
    assert_eq!(
        status_json(&with_token(&jwt, &t).await),
        invalid("Signature verification failed")
    );
    // A's kid with another algorithm than A's: refused before any signature check.
    for alg in [Algorithm::PS256, Algorithm::RS512] {
        let t = foreign(alg, Some(&kid_a), &a);
        assert_eq!(
            status_json(&with_token(&jwt, &t).await),
            invalid("The specified alg value is not allowed"),
            "{alg:?}"
        );
    }
    let hs = jsonwebtoken::encode(
        &Header {
            kid: Some(kid_a.clone()),
            ..Header::new(Algorithm::HS256)
        },
        &claims("x"),
        &EncodingKey::from_secret(RSA_PUBLIC.as_bytes()).unwrap(),
    )
    .unwrap();
    assert_eq!(
        status_json(&with_token(&jwt, &hs).await),
        invalid("The specified alg value is not allowed")
    );
}

#[tokio::test]
async fn a_retired_key_of_another_family_keeps_its_own_algorithm() {
    // Migrating RS256 → ES256: the RSA key is retired, the EC key signs.
    let old = manager(asym(Algorithm::RS256, RSA_PRIVATE, RSA_PUBLIC));
    let old_token = old.create_access_token("old").unwrap();
    let mut c = asym(Algorithm::ES256, EC2_PRIVATE, EC2_PUBLIC);
    c.retired_public_keys =
        PemKey::split_concatenated(&format!("{RSA_PUBLIC}{ED_PUBLIC}")).unwrap();
    let jwt = manager(c);
    assert_eq!(with_token(&jwt, &old_token).await.json()["identity"], "old");
    let algs: Vec<Value> = jwt.jwks()["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["alg"].clone())
        .collect();
    assert_eq!(algs, [json!("ES256"), json!("RS256"), json!("EdDSA")]);
    // An RS256 token without kid meets the current (ES256) key: its alg is not allowed.
    let a = EncodingKey::from_rsa_pem(RSA_PRIVATE.as_bytes()).unwrap();
    let r = with_token(&jwt, &foreign(Algorithm::RS256, None, &a)).await;
    assert_eq!(
        status_json(&r),
        (422, msg("The specified alg value is not allowed"))
    );
    // The retired Ed25519 key verifies EdDSA tokens naming it.
    let ed = manager(asym(Algorithm::EdDSA, ED_PRIVATE, ED_PUBLIC));
    let t = ed.create_access_token("ed").unwrap();
    assert_eq!(with_token(&jwt, &t).await.json()["identity"], "ed");
}

#[tokio::test]
async fn retired_keys_from_the_environment() {
    let retired = format!("{EC_PUBLIC}\n{RSA2_PUBLIC}");
    let c = JwtConfig::from_lookup(|name| match name {
        "JWT_ALGORITHM" => Some("ES256".into()),
        "JWT_PRIVATE_KEY" => Some(EC2_PRIVATE.into()),
        "JWT_PUBLIC_KEY" => Some(EC2_PUBLIC.into()),
        "JWT_RETIRED_PUBLIC_KEYS" => Some(retired.clone()),
        "JWT_JWKS_MAX_AGE" => Some("60".into()),
        _ => None,
    })
    .unwrap();
    assert_eq!(c.retired_public_keys.len(), 2);
    let jwt = manager(c);
    assert_eq!(jwt.jwks()["keys"].as_array().unwrap().len(), 3);
    let r = get_req(&app(&jwt), "/.well-known/jwks.json", &[]).await;
    assert_eq!(r.headers["cache-control"], "public, max-age=60");
    let old = manager(asym(Algorithm::ES256, EC_PRIVATE, EC_PUBLIC));
    let t = old.create_access_token("old").unwrap();
    assert_eq!(with_token(&jwt, &t).await.json()["identity"], "old");

    for bad in [
        "not a key",
        "-----BEGIN PUBLIC KEY-----\nAAAA\n",
        "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----",
    ] {
        let err = JwtConfig::from_lookup(|name| {
            (name == "JWT_RETIRED_PUBLIC_KEYS").then(|| bad.to_owned())
        })
        .and_then(|mut c| {
            c.secret_key = Some(LONG_SECRET.into());
            JwtManager::new(c)
        })
        .unwrap_err();
        assert_eq!(err.option(), "JWT_RETIRED_PUBLIC_KEYS", "{bad}");
    }
    // The same key twice.
    let mut c = asym(Algorithm::RS256, RSA_PRIVATE, RSA_PUBLIC);
    c.retired_public_keys = vec![PemKey::from(RSA_PUBLIC)];
    assert_eq!(
        JwtManager::new(c).unwrap_err().option(),
        "JWT_RETIRED_PUBLIC_KEYS"
    );
}

#[tokio::test]
async fn hmac_key_sets_with_explicit_kids() {
    const OLD: &str = "the-old-secret-0123456789-abcdefghij";
    const NEW: &str = "the-new-secret-0123456789-abcdefghij";
    let old = JwtManager::builder(JwtConfig::with_secret(OLD))
        .clock(axum_jwt_extended::FixedClock::at_secs(NOW))
        .key_id("k1")
        .build()
        .unwrap();
    let old_token = old.create_access_token("old").unwrap();
    assert_eq!(kid_of(&old, &old_token).as_deref(), Some("k1"));
    let jwt = JwtManager::builder(JwtConfig::with_secret(NEW))
        .clock(axum_jwt_extended::FixedClock::at_secs(NOW))
        .key_id("k2")
        .verification_key(Some("k1"), Secret::from(OLD), Algorithm::HS256)
        .build()
        .unwrap();
    let new_token = jwt.create_access_token("new").unwrap();
    assert_eq!(kid_of(&jwt, &new_token).as_deref(), Some("k2"));
    assert_eq!(with_token(&jwt, &old_token).await.json()["identity"], "old");
    assert_eq!(with_token(&jwt, &new_token).await.json()["identity"], "new");
    // HMAC keys are never published.
    assert_eq!(jwt.jwks(), json!({"keys": []}));

    let sign = |secret: &str, alg: Algorithm, kid: Option<&str>| {
        foreign(
            alg,
            kid,
            &EncodingKey::from_secret(secret.as_bytes()).unwrap(),
        )
    };
    let cases = [
        (
            sign(OLD, Algorithm::HS256, None),
            "Signature verification failed",
        ),
        (sign(OLD, Algorithm::HS256, Some("k3")), "Unknown key id"),
        (
            sign(OLD, Algorithm::HS256, Some("k2")),
            "Signature verification failed",
        ),
        (
            sign(OLD, Algorithm::HS512, Some("k1")),
            "The specified alg value is not allowed",
        ),
    ];
    for (t, m) in cases {
        assert_eq!(
            status_json(&with_token(&jwt, &t).await),
            (422, msg(m)),
            "{m}"
        );
    }
    assert_eq!(
        with_token(&jwt, &sign(NEW, Algorithm::HS256, None))
            .await
            .status,
        200
    );

    // A secret needs a kid, and a long enough one.
    let err = JwtManager::builder(JwtConfig::with_secret(NEW))
        .verification_key(None, Secret::from(OLD), Algorithm::HS256)
        .build()
        .unwrap_err();
    assert_eq!(err.option(), "verification_key");
    let err = JwtManager::builder(JwtConfig::with_secret(NEW))
        .verification_key(Some("short"), Secret::from("short"), Algorithm::HS256)
        .build()
        .unwrap_err();
    assert_eq!(err.option(), "verification_key");
    // A PEM key for an HMAC algorithm is refused.
    let err = JwtManager::builder(JwtConfig::with_secret(NEW))
        .verification_key(Some("x"), PemKey::from(RSA_PUBLIC), Algorithm::HS256)
        .build()
        .unwrap_err();
    assert_eq!(err.option(), "verification_key");
}

#[tokio::test]
async fn an_explicit_kid_replaces_the_thumbprint() {
    let jwt = JwtManager::builder(asym(Algorithm::ES256, EC_PRIVATE, EC_PUBLIC))
        .clock(axum_jwt_extended::FixedClock::at_secs(NOW))
        .key_id("ec-2025")
        .verification_key(None, PemKey::from(EC2_PUBLIC), Algorithm::ES256)
        .verification_key(Some("rsa-old"), PemKey::from(RSA2_PUBLIC), Algorithm::PS256)
        .build()
        .unwrap();
    let token = jwt.create_access_token("alice").unwrap();
    assert_eq!(kid_of(&jwt, &token).as_deref(), Some("ec-2025"));
    let kids: Vec<Value> = jwt.jwks()["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| json!([k["kid"], k["alg"]]))
        .collect();
    assert_eq!(
        kids,
        [
            json!(["ec-2025", "ES256"]),
            json!([their_thumbprint(EC2_PUBLIC, Algorithm::ES256), "ES256"]),
            json!(["rsa-old", "PS256"]),
        ]
    );
    let t = foreign(
        Algorithm::PS256,
        Some("rsa-old"),
        &EncodingKey::from_rsa_pem(RSA2_PRIVATE.as_bytes()).unwrap(),
    );
    assert_eq!(with_token(&jwt, &t).await.json()["identity"], "foreign");
    // A curve that does not fit the algorithm.
    let err = JwtManager::builder(asym(Algorithm::ES256, EC_PRIVATE, EC_PUBLIC))
        .verification_key(None, PemKey::from(ED_PUBLIC), Algorithm::ES256)
        .build()
        .unwrap_err();
    assert_eq!(err.option(), "verification_key");
}

#[tokio::test]
async fn keys_imported_as_jwks() {
    // Another service publishes its set; we import it key by key.
    let partner = manager(asym(Algorithm::EdDSA, ED_PRIVATE, ED_PUBLIC));
    let partner_rsa = manager(asym(Algorithm::PS256, RSA_PRIVATE, RSA_PUBLIC));
    let mut builder =
        JwtManager::builder(common::config()).clock(axum_jwt_extended::FixedClock::at_secs(NOW));
    for set in [partner.jwks(), partner_rsa.jwks()] {
        for k in set["keys"].as_array().unwrap() {
            builder = builder.verification_jwk(k.clone());
        }
    }
    let jwt = builder.build().unwrap();
    // Republished as they came.
    let mut expected = partner.jwks()["keys"].as_array().unwrap().clone();
    expected.extend(partner_rsa.jwks()["keys"].as_array().unwrap().clone());
    assert_eq!(jwt.jwks(), json!({ "keys": expected }));
    for who in [&partner, &partner_rsa] {
        let t = who.create_access_token("partner").unwrap();
        assert_eq!(with_token(&jwt, &t).await.json()["identity"], "partner");
    }
    // Our own HS256 tokens (no kid) still work.
    let t = jwt.create_access_token("me").unwrap();
    assert_eq!(with_token(&jwt, &t).await.json()["identity"], "me");

    for bad in [
        json!({"kty": "oct", "k": "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA", "kid": "h"}),
        json!({"kty": "OKP", "crv": "Ed25519", "x": "AAAA", "alg": "EdDSA"}),
        {
            let mut k = partner.jwks()["keys"][0].clone();
            k["alg"] = json!("ES256");
            k
        },
        {
            let mut k = partner.jwks()["keys"][0].clone();
            k["d"] = json!("AAAA");
            k
        },
    ] {
        let err = JwtManager::builder(common::config())
            .verification_jwk(bad.clone())
            .build()
            .unwrap_err();
        assert_eq!(err.option(), "verification_jwk", "{bad}");
    }
}
