//! Keys across services (issue #11) against the real Python stack: flask-jwt-extended 4.7.1 and
//! PyJWT 2.15.1 with `cryptography` (the venv of `scripts/setup-python.sh`). RS256, ES256 and
//! EdDSA in both directions; PyJWT's `PyJWKClient` reading our JWK Set over HTTP; a JWK Set
//! that PyJWT builds (`to_jwk`) read by our remote verifier; RFC 7638 thumbprints computed on
//! both sides. These tests run Python for real; they never skip.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use axum::routing::get;
use axum::{Json, Router};
use axum_jwt_extended::{
    get_jwt_identity, jwt_required, Algorithm, JwtConfig, JwtManager, NoJwtContext, PemKey,
};
use serde_json::{json, Value};

use common::keys::{
    EC_PRIVATE, EC_PUBLIC, ED_PRIVATE, ED_PUBLIC, RSA2_PUBLIC, RSA_PRIVATE, RSA_PUBLIC,
};
use common::python::python;
use common::{bearer, get as get_req, msg, status_json};

const PAIRS: [(Algorithm, &str, &str); 3] = [
    (Algorithm::RS256, RSA_PRIVATE, RSA_PUBLIC),
    (Algorithm::ES256, EC_PRIVATE, EC_PUBLIC),
    (Algorithm::EdDSA, ED_PRIVATE, ED_PUBLIC),
];

/// Runs a batch of operations through one of the Python tools; every result must be ok.
fn py(tool: &str, ops: &[Value]) -> Vec<Value> {
    let mut child = Command::new(python())
        .arg(format!(
            "{}/tests/interop/{tool}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start python");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(serde_json::to_string(ops).expect("json").as_bytes())
        .expect("write ops");
    let out = child.wait_with_output().expect("python output");
    assert!(out.status.success(), "{tool} failed");
    let results: Vec<Value> = serde_json::from_slice(&out.stdout).expect("results are JSON");
    for r in &results {
        assert_eq!(r["ok"], json!(true), "{tool}: {r}");
    }
    results
}

/// The same, off the async runtime (a test's own server must keep answering meanwhile).
async fn py_async(tool: &'static str, ops: Vec<Value>) -> Vec<Value> {
    tokio::task::spawn_blocking(move || py(tool, &ops))
        .await
        .expect("python task")
}

fn asym(alg: Algorithm, private: Option<&str>, public: &str) -> JwtConfig {
    let mut c = JwtConfig::default();
    c.algorithm = alg;
    c.private_key = private.map(PemKey::from);
    c.public_key = Some(PemKey::from(public));
    c
}

#[jwt_required]
async fn protected() -> Result<Json<Value>, NoJwtContext> {
    Ok(Json(json!({ "logged_in_as": get_jwt_identity()? })))
}

fn app(jwt: &JwtManager) -> Router {
    Router::new()
        .route("/protected", get(protected))
        .merge(jwt.jwks_router())
        .with_state(jwt.clone())
}

async fn who(jwt: &JwtManager, token: &str) -> (u16, Value) {
    let r = get_req(
        &app(jwt),
        "/protected",
        &[("Authorization", &bearer(token))],
    )
    .await;
    status_json(&r)
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn claims(sub: &str) -> Value {
    let t = now();
    json!({"fresh": false, "iat": t, "jti": format!("jti-{sub}"), "type": "access",
           "sub": sub, "nbf": t, "exp": t + 600})
}

#[tokio::test]
async fn flask_jwt_extended_and_us_both_ways() {
    let mut ops = Vec::new();
    for (alg, private, public) in PAIRS {
        let config = json!({"JWT_ALGORITHM": format!("{alg:?}"), "JWT_PRIVATE_KEY": private,
                            "JWT_PUBLIC_KEY": public});
        ops.push(
            json!({"op": "create_access_token", "identity": format!("flask-{alg:?}"),
                        "config": config}),
        );
    }
    let minted = py("fje_tool.py", &ops);
    let mut decodes = Vec::new();
    for ((alg, private, public), m) in PAIRS.into_iter().zip(&minted) {
        // Flask signs (no kid): the current key verifies.
        let jwt = JwtManager::new(asym(alg, Some(private), public)).unwrap();
        let token = m["token"].as_str().unwrap();
        assert_eq!(
            who(&jwt, token).await,
            (200, json!({"logged_in_as": format!("flask-{alg:?}")}))
        );
        // We sign (with our kid): flask-jwt-extended verifies.
        let ours = jwt.create_access_token(format!("ours-{alg:?}")).unwrap();
        let config = json!({"JWT_ALGORITHM": format!("{alg:?}"), "JWT_PUBLIC_KEY": public,
                            "JWT_PRIVATE_KEY": private});
        decodes.push(json!({"op": "decode_token", "token": ours, "config": config}));
        decodes.push(json!({"op": "unverified_header", "token": ours, "config": config}));
    }
    let decoded = py("fje_tool.py", &decodes);
    for (i, (alg, private, public)) in PAIRS.into_iter().enumerate() {
        assert_eq!(decoded[2 * i]["claims"]["sub"], format!("ours-{alg:?}"));
        let jwt = JwtManager::new(asym(alg, Some(private), public)).unwrap();
        assert_eq!(
            decoded[2 * i + 1]["header"],
            json!({"alg": format!("{alg:?}"), "kid": jwt.signing_key_id(), "typ": "JWT"})
        );
    }
}

#[tokio::test]
async fn pyjwt_signs_with_a_kid_and_we_select_the_key() {
    // Our verifier: current RSA key plus the EC and Ed25519 keys, verification-only.
    let mut c = asym(Algorithm::RS256, None, RSA2_PUBLIC);
    c.retired_public_keys = vec![RSA_PUBLIC.into(), EC_PUBLIC.into(), ED_PUBLIC.into()];
    let jwt = JwtManager::new(c).unwrap();
    let kid = |public: &str, alg: Algorithm| {
        let one = JwtManager::new(asym(alg, None, public)).unwrap();
        one.jwks()["keys"][0]["kid"].as_str().unwrap().to_owned()
    };
    let mut ops = Vec::new();
    for (alg, private, public) in PAIRS {
        ops.push(
            json!({"op": "sign", "alg": format!("{alg:?}"), "private_pem": private,
                        "claims": claims(&format!("py-{alg:?}")),
                        "headers": {"kid": kid(public, alg)}}),
        );
    }
    // Signed by the RSA key A, naming the EC key: refused (the EC key's alg is ES256).
    ops.push(
        json!({"op": "sign", "alg": "RS256", "private_pem": RSA_PRIVATE,
                    "claims": claims("x"), "headers": {"kid": kid(EC_PUBLIC, Algorithm::ES256)}}),
    );
    ops.push(
        json!({"op": "sign", "alg": "ES256", "private_pem": EC_PRIVATE,
                    "claims": claims("x"), "headers": {"kid": "somebody-else"}}),
    );
    let tokens = py("pyjwt_keys.py", &ops);
    for ((alg, _, _), t) in PAIRS.into_iter().zip(&tokens) {
        assert_eq!(
            who(&jwt, t["token"].as_str().unwrap()).await,
            (200, json!({"logged_in_as": format!("py-{alg:?}")}))
        );
    }
    assert_eq!(
        who(&jwt, tokens[3]["token"].as_str().unwrap()).await,
        (422, msg("The specified alg value is not allowed"))
    );
    assert_eq!(
        who(&jwt, tokens[4]["token"].as_str().unwrap()).await,
        (422, msg("Unknown key id"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pyjwk_client_reads_our_jwk_set_and_verifies_our_tokens() {
    for (alg, private, public) in PAIRS {
        // The issuer: this key signs, the other two are retired (published too).
        let mut c = asym(alg, Some(private), public);
        c.retired_public_keys = PAIRS
            .iter()
            .filter(|(a, _, _)| *a != alg)
            .map(|(_, _, p)| PemKey::from(*p))
            .collect();
        let jwt = JwtManager::new(c).unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!(
            "http://{}/.well-known/jwks.json",
            listener.local_addr().unwrap()
        );
        let router = app(&jwt);
        let server = tokio::spawn(async move { axum::serve(listener, router).await });
        let token = jwt.create_access_token(format!("ours-{alg:?}")).unwrap();
        let set = jwt.jwks();
        let mut ops = vec![
            json!({"op": "verify_with_jwks_url", "url": url, "token": token,
                                  "algorithms": [format!("{alg:?}")]}),
        ];
        for k in set["keys"].as_array().unwrap() {
            ops.push(json!({"op": "thumbprint", "jwk": k}));
        }
        let results = py_async("pyjwt_keys.py", ops).await;
        assert_eq!(results[0]["claims"]["sub"], format!("ours-{alg:?}"));
        assert_eq!(results[0]["kid"], json!(jwt.signing_key_id()));
        // Python's RFC 7638 thumbprint of each published key is its kid.
        for (k, t) in set["keys"].as_array().unwrap().iter().zip(&results[1..]) {
            assert_eq!(k["kid"], t["thumbprint"], "{k}");
        }
        server.abort();
    }
}

#[tokio::test]
async fn jwks_built_by_pyjwt_import_as_verification_keys() {
    let keys = json!([
        {"public_pem": RSA_PUBLIC, "alg": "RS256", "kid": "py-rsa"},
        {"public_pem": EC_PUBLIC, "alg": "ES256", "kid": "py-ec"},
        {"public_pem": ED_PUBLIC, "alg": "EdDSA"},
    ]);
    let built = py("pyjwt_keys.py", &[json!({"op": "to_jwks", "keys": keys})]);
    let mut builder = JwtManager::builder(JwtConfig::with_secret(common::SECRET));
    for k in built[0]["jwks"]["keys"].as_array().unwrap() {
        builder = builder.verification_jwk(k.clone());
    }
    let jwt = builder.build().unwrap();
    let kids: Vec<Value> = jwt.jwks()["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kid"].clone())
        .collect();
    assert_eq!(
        kids,
        [
            json!("py-rsa"),
            json!("py-ec"),
            built[0]["thumbprints"][2].clone()
        ]
    );
    let mut ops = Vec::new();
    for ((alg, private, _), kid) in PAIRS.into_iter().zip(&kids) {
        ops.push(
            json!({"op": "sign", "alg": format!("{alg:?}"), "private_pem": private,
                        "claims": claims(&format!("py-{alg:?}")), "headers": {"kid": kid}}),
        );
    }
    let tokens = py("pyjwt_keys.py", &ops);
    for ((alg, _, _), t) in PAIRS.into_iter().zip(&tokens) {
        assert_eq!(
            who(&jwt, t["token"].as_str().unwrap()).await,
            (200, json!({"logged_in_as": format!("py-{alg:?}")}))
        );
    }
}

#[cfg(feature = "jwks")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_jwk_set_built_by_pyjwt_is_accepted_by_our_remote_verifier() {
    use axum_jwt_extended::JwksClient;

    // PyJWT builds the set (to_jwk): RSA and EC with explicit kids, Ed25519 without one.
    let keys = json!([
        {"public_pem": RSA_PUBLIC, "alg": "RS256", "kid": "py-rsa"},
        {"public_pem": EC_PUBLIC, "alg": "ES256", "kid": "py-ec"},
        {"public_pem": ED_PUBLIC, "alg": "EdDSA"},
    ]);
    let built = py_async(
        "pyjwt_keys.py",
        vec![json!({"op": "to_jwks", "keys": keys})],
    )
    .await;
    let set = built[0]["jwks"].clone();
    let ed_thumbprint = built[0]["thumbprints"][2].as_str().unwrap().to_owned();
    let kids = [
        "py-rsa".to_owned(),
        "py-ec".to_owned(),
        ed_thumbprint.clone(),
    ];

    let served = set.clone();
    let jwks_app = Router::new().route(
        "/jwks.json",
        get(move || {
            let served = served.clone();
            async move { Json(served) }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/jwks.json", listener.local_addr().unwrap());
    let server = tokio::spawn(async move { axum::serve(listener, jwks_app).await });
    let client = JwksClient::fetch(&url).await.unwrap();
    // A JWK without kid gets its thumbprint: the same on both sides.
    assert_eq!(client.kids(), kids);
    let jwt = JwtManager::builder(JwtConfig::default())
        .jwks_client(client)
        .build()
        .unwrap();

    let mut ops = Vec::new();
    for ((alg, private, _), kid) in PAIRS.into_iter().zip(&kids) {
        ops.push(
            json!({"op": "sign", "alg": format!("{alg:?}"), "private_pem": private,
                        "claims": claims(&format!("py-{alg:?}")), "headers": {"kid": kid}}),
        );
    }
    let tokens = py_async("pyjwt_keys.py", ops).await;
    for ((alg, _, _), t) in PAIRS.into_iter().zip(&tokens) {
        assert_eq!(
            who(&jwt, t["token"].as_str().unwrap()).await,
            (200, json!({"logged_in_as": format!("py-{alg:?}")}))
        );
    }
    server.abort();
}
