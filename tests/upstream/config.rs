//! Port of flask-jwt-extended's `tests/test_config.py`: the default of every `JWT_*` option
//! (flask-jwt-extended's defaults), overrides (in code and from environment variables), and invalid
//! configurations. Flask reads the config on each use and fails with a 500 on the request;
//! here a mistake is a [`ConfigError`] naming the option, when the manager is built.

use crate::common;

use std::collections::HashMap;
use std::time::Duration;

use axum_jwt_extended::{
    Algorithm, Audience, ConfigError, Expiry, JwtConfig, JwtManager, Location, PemKey, SameSite,
};

use common::{LONG_SECRET, SECRET};

fn lookup(vars: &[(&str, &str)]) -> Result<JwtConfig, ConfigError> {
    let map: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    JwtConfig::from_lookup(move |name| map.get(name).cloned())
}

fn build_err(config: JwtConfig) -> ConfigError {
    JwtManager::new(config).expect_err("the configuration should be refused")
}

fn lookup_err(vars: &[(&str, &str)]) -> ConfigError {
    lookup(vars).expect_err("the variables should be refused")
}

fn secs(s: u64) -> Expiry {
    Expiry::After(Duration::from_secs(s))
}

#[test]
fn test_default_configs() {
    // `JwtConfig` is `#[non_exhaustive]`: the runtime's own unit test destructures it without
    // `..`, so that a new option fails to compile there until its default is checked here.
    let JwtConfig {
        secret_key,
        private_key,
        public_key,
        algorithm,
        decode_algorithms,
        access_token_expires,
        refresh_token_expires,
        token_location,
        identity_claim,
        error_message_key,
        decode_audience,
        encode_audience,
        decode_issuer,
        encode_issuer,
        decode_leeway,
        encode_nbf,
        verify_sub,
        header_name,
        header_type,
        access_cookie_name,
        refresh_cookie_name,
        access_cookie_path,
        refresh_cookie_path,
        cookie_secure,
        cookie_domain,
        cookie_samesite,
        session_cookie,
        cookie_csrf_protect,
        csrf_methods,
        csrf_in_cookies,
        access_csrf_cookie_name,
        refresh_csrf_cookie_name,
        access_csrf_cookie_path,
        refresh_csrf_cookie_path,
        access_csrf_header_name,
        refresh_csrf_header_name,
        csrf_check_form,
        access_csrf_field_name,
        refresh_csrf_field_name,
        query_string_name,
        query_string_value_prefix,
        json_key,
        refresh_json_key,
        max_token_length,
        json_body_limit,
        body_read_timeout,
        www_authenticate,
        ..
    } = JwtConfig::default();

    // general / token
    assert_eq!(body_read_timeout, Duration::from_secs(10));
    assert!(!www_authenticate);
    assert_eq!(secret_key, None);
    assert_eq!(private_key, None);
    assert_eq!(public_key, None);
    assert_eq!(algorithm, Algorithm::HS256);
    assert!(decode_algorithms.is_empty(), "falsy: [JWT_ALGORITHM]");
    assert_eq!(access_token_expires, secs(15 * 60));
    assert_eq!(refresh_token_expires, secs(30 * 24 * 3600));
    assert_eq!(token_location, vec![Location::Headers]);
    assert_eq!(identity_claim, "sub");
    assert_eq!(error_message_key, "msg");
    assert_eq!(decode_audience, None);
    assert_eq!(encode_audience, None);
    assert_eq!(decode_issuer, None);
    assert_eq!(encode_issuer, None);
    assert_eq!(decode_leeway, Duration::ZERO);
    assert!(encode_nbf);
    assert!(verify_sub);
    // header
    assert_eq!(header_name, "Authorization");
    assert_eq!(header_type, "Bearer");
    // cookies
    assert_eq!(access_cookie_name, "access_token_cookie");
    assert_eq!(refresh_cookie_name, "refresh_token_cookie");
    assert_eq!(access_cookie_path, "/");
    assert_eq!(refresh_cookie_path, "/");
    assert!(!cookie_secure);
    assert_eq!(cookie_domain, None);
    assert_eq!(cookie_samesite, None);
    assert!(session_cookie);
    assert!(cookie_csrf_protect);
    // CSRF
    assert_eq!(csrf_methods, ["POST", "PUT", "PATCH", "DELETE"]);
    assert!(csrf_in_cookies);
    assert_eq!(access_csrf_cookie_name, "csrf_access_token");
    assert_eq!(refresh_csrf_cookie_name, "csrf_refresh_token");
    assert_eq!(access_csrf_cookie_path, "/");
    assert_eq!(refresh_csrf_cookie_path, "/");
    assert_eq!(access_csrf_header_name, "X-CSRF-TOKEN");
    assert_eq!(refresh_csrf_header_name, "X-CSRF-TOKEN");
    assert!(!csrf_check_form);
    assert_eq!(access_csrf_field_name, "csrf_token");
    assert_eq!(refresh_csrf_field_name, "csrf_token");
    // query string and JSON
    assert_eq!(query_string_name, "jwt");
    assert_eq!(query_string_value_prefix, "");
    assert_eq!(json_key, "access_token");
    assert_eq!(refresh_json_key, "refresh_token");
    // Ours (not Flask options).
    assert_eq!(max_token_length, 8 * 1024);
    assert_eq!(json_body_limit, 2 * 1024 * 1024);
}

#[test]
fn test_default_decode_algorithms() {
    // `config.decode_algorithms == ["HS256"]` by default.
    assert_eq!(
        JwtConfig::default().effective_decode_algorithms(),
        vec![Algorithm::HS256]
    );
    let jwt = JwtManager::new(JwtConfig::with_secret(SECRET)).unwrap();
    assert_eq!(jwt.config().decode_algorithms, vec![Algorithm::HS256]);
}

#[test]
fn test_from_lookup_with_nothing_set_is_the_default() {
    let c = lookup(&[]).unwrap();
    let d = JwtConfig::default();
    assert_eq!(format!("{c:?}"), format!("{d:?}"));
}

#[test]
fn test_override_configs() {
    let c = lookup(&[
        ("JWT_SECRET_KEY", SECRET),
        ("JWT_TOKEN_LOCATION", "cookies, query_string,json"),
        ("JWT_HEADER_NAME", "TestHeader"),
        ("JWT_HEADER_TYPE", "TestType"),
        ("JWT_JSON_KEY", "TestKey"),
        ("JWT_REFRESH_JSON_KEY", "TestRefreshKey"),
        ("JWT_DECODE_ISSUER", "TestDecodeIssuer"),
        ("JWT_ENCODE_ISSUER", "TestEncodeIssuer"),
        ("JWT_QUERY_STRING_NAME", "banana"),
        ("JWT_QUERY_STRING_VALUE_PREFIX", "kiwi"),
        ("JWT_ACCESS_COOKIE_NAME", "new_access_cookie"),
        ("JWT_REFRESH_COOKIE_NAME", "new_refresh_cookie"),
        ("JWT_ACCESS_COOKIE_PATH", "/access/path"),
        ("JWT_REFRESH_COOKIE_PATH", "/refresh/path"),
        ("JWT_COOKIE_SECURE", "true"),
        ("JWT_COOKIE_DOMAIN", ".example.com"),
        ("JWT_SESSION_COOKIE", "false"),
        ("JWT_COOKIE_SAMESITE", "Strict"),
        ("JWT_COOKIE_CSRF_PROTECT", "true"),
        ("JWT_CSRF_METHODS", "GET"),
        ("JWT_CSRF_IN_COOKIES", "false"),
        ("JWT_ACCESS_CSRF_COOKIE_NAME", "access_csrf_cookie"),
        ("JWT_REFRESH_CSRF_COOKIE_NAME", "refresh_csrf_cookie"),
        ("JWT_ACCESS_CSRF_COOKIE_PATH", "/csrf/access/path"),
        ("JWT_REFRESH_CSRF_COOKIE_PATH", "/csrf/refresh/path"),
        ("JWT_ACCESS_CSRF_HEADER_NAME", "X-ACCESS-CSRF"),
        ("JWT_REFRESH_CSRF_HEADER_NAME", "X-REFRESH-CSRF"),
        ("JWT_ACCESS_TOKEN_EXPIRES", "300"),
        ("JWT_REFRESH_TOKEN_EXPIRES", "432000"),
        ("JWT_ALGORITHM", "HS512"),
        ("JWT_DECODE_ALGORITHMS", "HS512,HS256"),
        ("JWT_IDENTITY_CLAIM", "foo"),
        ("JWT_ERROR_MESSAGE_KEY", "message"),
        // Options test_config.py leaves at their defaults.
        ("JWT_CSRF_CHECK_FORM", "true"),
        ("JWT_ACCESS_CSRF_FIELD_NAME", "access_field"),
        ("JWT_REFRESH_CSRF_FIELD_NAME", "refresh_field"),
        ("JWT_DECODE_AUDIENCE", "a,b"),
        ("JWT_ENCODE_AUDIENCE", "a"),
        ("JWT_DECODE_LEEWAY", "30"),
        ("JWT_ENCODE_NBF", "false"),
        ("JWT_VERIFY_SUB", "false"),
    ])
    .unwrap();

    assert_eq!(
        c.secret_key.as_ref().map(|s| s.as_bytes()),
        Some(SECRET.as_bytes())
    );
    assert_eq!(
        c.token_location,
        vec![Location::Cookies, Location::QueryString, Location::Json]
    );
    assert_eq!(c.header_name, "TestHeader");
    assert_eq!(c.header_type, "TestType");
    assert_eq!(c.json_key, "TestKey");
    assert_eq!(c.refresh_json_key, "TestRefreshKey");
    assert_eq!(c.decode_issuer, Some(vec!["TestDecodeIssuer".to_owned()]));
    assert_eq!(c.encode_issuer.as_deref(), Some("TestEncodeIssuer"));
    assert_eq!(c.query_string_name, "banana");
    assert_eq!(c.query_string_value_prefix, "kiwi");
    assert_eq!(c.access_cookie_name, "new_access_cookie");
    assert_eq!(c.refresh_cookie_name, "new_refresh_cookie");
    assert_eq!(c.access_cookie_path, "/access/path");
    assert_eq!(c.refresh_cookie_path, "/refresh/path");
    assert!(c.cookie_secure);
    assert_eq!(c.cookie_domain.as_deref(), Some(".example.com"));
    assert!(!c.session_cookie);
    assert_eq!(c.cookie_samesite, Some(SameSite::Strict));
    assert!(c.cookie_csrf_protect);
    assert_eq!(c.csrf_methods, ["GET"]);
    assert!(!c.csrf_in_cookies);
    assert_eq!(c.access_csrf_cookie_name, "access_csrf_cookie");
    assert_eq!(c.refresh_csrf_cookie_name, "refresh_csrf_cookie");
    assert_eq!(c.access_csrf_cookie_path, "/csrf/access/path");
    assert_eq!(c.refresh_csrf_cookie_path, "/csrf/refresh/path");
    assert_eq!(c.access_csrf_header_name, "X-ACCESS-CSRF");
    assert_eq!(c.refresh_csrf_header_name, "X-REFRESH-CSRF");
    assert_eq!(c.access_token_expires, secs(5 * 60));
    assert_eq!(c.refresh_token_expires, secs(5 * 24 * 3600));
    assert_eq!(c.algorithm, Algorithm::HS512);
    assert_eq!(
        c.decode_algorithms,
        vec![Algorithm::HS512, Algorithm::HS256]
    );
    assert_eq!(c.identity_claim, "foo");
    assert_eq!(c.error_message_key, "message");
    assert!(c.csrf_check_form);
    assert_eq!(c.access_csrf_field_name, "access_field");
    assert_eq!(c.refresh_csrf_field_name, "refresh_field");
    assert_eq!(
        c.decode_audience,
        Some(Audience::Many(vec!["a".into(), "b".into()]))
    );
    assert_eq!(c.encode_audience, Some(Audience::One("a".into())));
    assert_eq!(c.decode_leeway, Duration::from_secs(30));
    assert!(!c.encode_nbf);
    assert!(!c.verify_sub);

    // HS512 needs a 64-byte secret (RFC 7518 §3.2); with one, the whole set builds.
    let err = build_err(c.clone());
    assert_eq!(err.option(), "JWT_SECRET_KEY");
    let jwt = JwtManager::new({
        let mut c = c;
        c.secret_key = Some(LONG_SECRET.into());
        c
    })
    .unwrap();
    assert_eq!(
        jwt.config().decode_algorithms,
        vec![Algorithm::HS512, Algorithm::HS256]
    );
}

#[test]
fn test_override_configs_in_code() {
    let jwt = JwtManager::new({
        let mut c = JwtConfig::with_secret(SECRET);
        c.token_location = vec![Location::Cookies, Location::QueryString, Location::Json];
        c.header_name = "TestHeader".into();
        c.cookie_secure = true;
        c.cookie_samesite = Some(SameSite::None);
        c.access_token_expires = secs(300);
        c.refresh_token_expires = Expiry::Never;
        c.identity_claim = "foo".into();
        c
    })
    .unwrap();
    let c = jwt.config();
    assert_eq!(
        c.token_location,
        vec![Location::Cookies, Location::QueryString, Location::Json]
    );
    assert_eq!(c.header_name, "TestHeader");
    assert_eq!(c.cookie_samesite, Some(SameSite::None));
    assert_eq!(c.access_token_expires, secs(300));
    assert_eq!(c.refresh_token_expires, Expiry::Never);
    assert_eq!(c.identity_claim, "foo");
}

#[test]
fn test_tokens_never_expire() {
    for v in ["false", "False", "FALSE"] {
        let c = lookup(&[
            ("JWT_ACCESS_TOKEN_EXPIRES", v),
            ("JWT_REFRESH_TOKEN_EXPIRES", v),
        ])
        .unwrap();
        assert_eq!(c.access_token_expires, Expiry::Never, "{v}");
        assert_eq!(c.refresh_token_expires, Expiry::Never, "{v}");
    }
}

#[test]
fn test_tokens_with_int_values() {
    let c = lookup(&[
        ("JWT_ACCESS_TOKEN_EXPIRES", "300"),
        ("JWT_REFRESH_TOKEN_EXPIRES", "432000"),
    ])
    .unwrap();
    assert_eq!(c.access_token_expires, secs(5 * 60));
    assert_eq!(c.refresh_token_expires, secs(5 * 24 * 3600));
}

#[test]
fn test_symmetric_secret_key() {
    // No key at all.
    let err = build_err(JwtConfig::default());
    assert_eq!(err.option(), "JWT_SECRET_KEY");
    assert_eq!(
        err.message(),
        "must be set when using symmetric algorithm \"HS256\""
    );

    // Flask's SECRET_KEY is the fallback…
    let fallback = "flask-secret-key-that-is-long-enough!!";
    let c = lookup(&[("SECRET_KEY", fallback)]).unwrap();
    assert_eq!(
        c.secret_key.as_ref().map(|s| s.as_bytes()),
        Some(fallback.as_bytes())
    );
    // …and JWT_SECRET_KEY wins over it; an empty one is unset.
    let c = lookup(&[("SECRET_KEY", fallback), ("JWT_SECRET_KEY", SECRET)]).unwrap();
    assert_eq!(
        c.secret_key.as_ref().map(|s| s.as_bytes()),
        Some(SECRET.as_bytes())
    );
    let c = lookup(&[("SECRET_KEY", fallback), ("JWT_SECRET_KEY", "")]).unwrap();
    assert_eq!(
        c.secret_key.as_ref().map(|s| s.as_bytes()),
        Some(fallback.as_bytes())
    );
    assert!(JwtManager::new(c).is_ok());
}

#[test]
fn test_default_with_asymmetric_secret_key() {
    // RS256 with no key.
    let err = build_err({
        let mut c = JwtConfig::default();
        c.algorithm = Algorithm::RS256;
        c
    });
    assert_eq!(err.option(), "JWT_PUBLIC_KEY");
    assert_eq!(
        err.message(),
        "must be set to use asymmetric cryptography algorithm \"RS256\""
    );
    // The secret is never used for asymmetric algorithms.
    let err = build_err({
        let mut c = JwtConfig::with_secret(SECRET);
        c.algorithm = Algorithm::RS256;
        c
    });
    assert_eq!(err.option(), "JWT_PUBLIC_KEY");
    // Keys that are not PEM are refused when the manager is built (Flask fails on use).
    let err = build_err({
        let mut c = JwtConfig::default();
        c.algorithm = Algorithm::RS256;
        c.public_key = Some(PemKey::from("foo2"));
        c.private_key = Some(PemKey::from("bar2"));
        c
    });
    assert_eq!(err.option(), "JWT_PRIVATE_KEY");
}

#[test]
fn test_hmac_algorithm_refuses_pem_keys() {
    let err = build_err({
        let mut c = JwtConfig::with_secret(SECRET);
        c.public_key = Some(PemKey::from("-----BEGIN PUBLIC KEY-----"));
        c
    });
    assert_eq!(err.option(), "JWT_PUBLIC_KEY");
}

#[test]
fn test_invalid_config_options() {
    // JWT_TOKEN_LOCATION = []
    let err = build_err({
        let mut c = JwtConfig::with_secret(SECRET);
        c.token_location = vec![];
        c
    });
    assert_eq!(err.option(), "JWT_TOKEN_LOCATION");
    assert_eq!(
        err.message(),
        "must contain at least one of \"headers\", \"cookies\", \"query_string\", or \"json\""
    );
    let c = lookup(&[("JWT_TOKEN_LOCATION", " , "), ("JWT_SECRET_KEY", SECRET)]).unwrap();
    assert_eq!(build_err(c).option(), "JWT_TOKEN_LOCATION");

    // "banana", and a list with an unknown entry.
    for v in ["banana", "headers,cookies,banana", "Headers"] {
        let err = lookup_err(&[("JWT_TOKEN_LOCATION", v)]);
        assert_eq!(err.option(), "JWT_TOKEN_LOCATION", "{v}");
    }
    // A location twice.
    let err = build_err({
        let mut c = JwtConfig::with_secret(SECRET);
        c.token_location = vec![Location::Headers, Location::Cookies, Location::Headers];
        c
    });
    assert_eq!(err.option(), "JWT_TOKEN_LOCATION");

    // JWT_HEADER_NAME = ""
    let err = build_err({
        let mut c = JwtConfig::with_secret(SECRET);
        c.header_name = String::new();
        c
    });
    assert_eq!(err.option(), "JWT_HEADER_NAME");
    assert_eq!(err.message(), "cannot be empty");

    // JWT_*_TOKEN_EXPIRES = "banana" / True
    for name in ["JWT_ACCESS_TOKEN_EXPIRES", "JWT_REFRESH_TOKEN_EXPIRES"] {
        for v in ["banana", "true", "-5", "1.5"] {
            let err = lookup_err(&[(name, v)]);
            assert_eq!(err.option(), name, "{name}={v}");
            assert!(err.message().contains(&format!("{v:?}")), "{err}");
        }
    }
}

#[test]
fn test_zero_expiry_is_refused() {
    // Deliberate difference: Flask silently makes such tokens never expire.
    let err = build_err({
        let mut c = JwtConfig::with_secret(SECRET);
        c.access_token_expires = secs(0);
        c
    });
    assert_eq!(err.option(), "JWT_ACCESS_TOKEN_EXPIRES");
    let err = build_err({
        let mut c = JwtConfig::with_secret(SECRET);
        c.refresh_token_expires = secs(0);
        c
    });
    assert_eq!(err.option(), "JWT_REFRESH_TOKEN_EXPIRES");
    // From the environment too.
    let c = lookup(&[
        ("JWT_ACCESS_TOKEN_EXPIRES", "0"),
        ("JWT_SECRET_KEY", SECRET),
    ])
    .unwrap();
    assert_eq!(build_err(c).option(), "JWT_ACCESS_TOKEN_EXPIRES");
}

#[test]
fn test_short_secret_is_refused() {
    for (alg, min) in [
        (Algorithm::HS256, 32),
        (Algorithm::HS384, 48),
        (Algorithm::HS512, 64),
    ] {
        let err = build_err({
            let mut c = JwtConfig::with_secret(&LONG_SECRET[..min - 1]);
            c.algorithm = alg;
            c
        });
        assert_eq!(err.option(), "JWT_SECRET_KEY", "{alg:?}");
        assert!(err.message().contains(&format!("at least {min}")), "{err}");
        assert!(JwtManager::new({
            let mut c = JwtConfig::with_secret(&LONG_SECRET[..min]);
            c.algorithm = alg;
            c
        })
        .is_ok());
    }
    // The upstream tests' "foobarbaz" would be refused.
    assert_eq!(
        build_err(JwtConfig::with_secret("foobarbaz")).option(),
        "JWT_SECRET_KEY"
    );
}

#[test]
fn test_public_key_material_as_secret_is_refused() {
    let err = build_err(JwtConfig::with_secret(
        "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n-----END PUBLIC KEY-----",
    ));
    assert_eq!(err.option(), "JWT_SECRET_KEY");
}

#[test]
fn test_samesite_none_requires_secure() {
    let err = build_err({
        let mut c = JwtConfig::with_secret(SECRET);
        c.cookie_samesite = Some(SameSite::None);
        c
    });
    assert_eq!(err.option(), "JWT_COOKIE_SAMESITE");
    assert!(JwtManager::new({
        let mut c = JwtConfig::with_secret(SECRET);
        c.cookie_samesite = Some(SameSite::None);
        c.cookie_secure = true;
        c
    })
    .is_ok());
}

#[test]
fn test_jwt_token_locations_config() {
    let all = ["headers", "cookies", "query_string", "json"];
    for name in all {
        let c = lookup(&[("JWT_TOKEN_LOCATION", name)]).unwrap();
        assert_eq!(c.token_location, vec![Location::parse(name).unwrap()]);
        assert_eq!(c.token_location[0].as_str(), name);
    }
    for i in 1..=all.len() {
        let v = all[..i].join(",");
        let c = lookup(&[("JWT_TOKEN_LOCATION", &v)]).unwrap();
        assert_eq!(c.token_location, Location::ALL[..i].to_vec(), "{v}");
        assert!(JwtManager::new({
            let mut c = c;
            c.secret_key = Some(SECRET.into());
            c
        })
        .is_ok());
    }
    // The order is kept: it sets the precedence.
    let c = lookup(&[("JWT_TOKEN_LOCATION", "json,headers")]).unwrap();
    assert_eq!(c.token_location, vec![Location::Json, Location::Headers]);
}

#[test]
fn test_csrf_protect_config() {
    let c = lookup(&[("JWT_COOKIE_CSRF_PROTECT", "true")]).unwrap();
    assert!(c.cookie_csrf_protect);
    let c = lookup(&[("JWT_COOKIE_CSRF_PROTECT", "false")]).unwrap();
    assert!(!c.cookie_csrf_protect);
    let err = lookup_err(&[("JWT_COOKIE_CSRF_PROTECT", "maybe")]);
    assert_eq!(err.option(), "JWT_COOKIE_CSRF_PROTECT");
}

#[test]
fn test_missing_algorithm_in_decode_algorithms() {
    let c = {
        let mut c = JwtConfig::default();
        c.algorithm = Algorithm::RS256;
        c.decode_algorithms = vec![Algorithm::HS512];
        c
    };
    assert_eq!(
        c.effective_decode_algorithms(),
        vec![Algorithm::HS512, Algorithm::RS256]
    );
    // Deliberate difference: mixing HMAC and asymmetric algorithms is refused (RFC 8725 §3.1).
    assert_eq!(build_err(c).option(), "JWT_DECODE_ALGORITHMS");

    // Within one family the algorithm is appended, as in Flask.
    let jwt = JwtManager::new({
        let mut c = JwtConfig::with_secret(LONG_SECRET);
        c.decode_algorithms = vec![Algorithm::HS512];
        c
    })
    .unwrap();
    assert_eq!(
        jwt.config().decode_algorithms,
        vec![Algorithm::HS512, Algorithm::HS256]
    );
    // Not appended twice.
    let jwt = JwtManager::new({
        let mut c = JwtConfig::with_secret(LONG_SECRET);
        c.decode_algorithms = vec![Algorithm::HS256, Algorithm::HS384];
        c
    })
    .unwrap();
    assert_eq!(
        jwt.config().decode_algorithms,
        vec![Algorithm::HS256, Algorithm::HS384]
    );
}

#[test]
fn test_from_lookup_errors_name_the_variable() {
    let cases: [(&str, &str); 12] = [
        ("JWT_ALGORITHM", "XX256"),
        ("JWT_DECODE_ALGORITHMS", "HS256,nope"),
        ("JWT_ACCESS_TOKEN_EXPIRES", "15m"),
        ("JWT_REFRESH_TOKEN_EXPIRES", "banana"),
        ("JWT_TOKEN_LOCATION", "header"),
        ("JWT_ENCODE_NBF", "maybe"),
        ("JWT_VERIFY_SUB", "2"),
        ("JWT_COOKIE_SECURE", "yes please"),
        ("JWT_SESSION_COOKIE", "sometimes"),
        ("JWT_CSRF_IN_COOKIES", "nah"),
        ("JWT_DECODE_LEEWAY", "ten"),
        ("JWT_COOKIE_SAMESITE", "Sometimes"),
    ];
    for (name, value) in cases {
        let err = lookup_err(&[(name, value)]);
        assert_eq!(err.option(), name, "{name}={value}: {err}");
        assert!(err.to_string().starts_with(&format!("{name}: ")), "{err}");
    }
    // Accepted spellings.
    for v in ["true", "TRUE", "1", "yes", "on"] {
        assert!(
            lookup(&[("JWT_COOKIE_SECURE", v)]).unwrap().cookie_secure,
            "{v}"
        );
    }
    for (v, expected) in [
        ("lax", Some(SameSite::Lax)),
        ("Strict", Some(SameSite::Strict)),
        ("None", Some(SameSite::None)),
        ("", None),
    ] {
        assert_eq!(
            lookup(&[("JWT_COOKIE_SAMESITE", v)])
                .unwrap()
                .cookie_samesite,
            expected,
            "{v:?}"
        );
    }
}

#[test]
fn test_other_invalid_options_name_the_option() {
    type Edit = fn(&mut JwtConfig);
    let cases: [(&str, Edit); 10] = [
        ("JWT_IDENTITY_CLAIM", |c| c.identity_claim.clear()),
        ("JWT_ERROR_MESSAGE_KEY", |c| c.error_message_key.clear()),
        ("JWT_HEADER_NAME", |c| c.header_name = "Bad Header".into()),
        ("JWT_HEADER_TYPE", |c| c.header_type = "Two Words".into()),
        ("JWT_ACCESS_COOKIE_NAME", |c| {
            c.access_cookie_name = "a;b".into()
        }),
        ("JWT_ACCESS_COOKIE_PATH", |c| {
            c.access_cookie_path = "api".into()
        }),
        ("JWT_CSRF_METHODS", |c| {
            c.csrf_methods = vec!["PO ST".into()]
        }),
        ("JWT_QUERY_STRING_NAME", |c| c.query_string_name.clear()),
        ("JWT_DECODE_AUDIENCE", |c| {
            c.decode_audience = Some(Audience::Many(vec![]))
        }),
        ("JWT_DECODE_ISSUER", |c| c.decode_issuer = Some(vec![])),
    ];
    for (option, edit) in cases {
        let mut c = JwtConfig::with_secret(SECRET);
        edit(&mut c);
        assert_eq!(build_err(c).option(), option);
    }
}
