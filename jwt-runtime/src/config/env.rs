//! Reading [`JwtConfig`] from environment variables named as flask-jwt-extended's options.

use std::str::FromStr;
use std::time::Duration;

use super::{Algorithm, Audience, ConfigError, Expiry, JwtConfig, Location, SameSite};

fn parse_bool(name: &str, v: &str) -> Result<bool, ConfigError> {
    match v.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Ok(true),
        "false" | "0" | "no" | "off" => Ok(false),
        _ => Err(ConfigError::new(
            name,
            format!("expected true or false, got {v:?}"),
        )),
    }
}

fn parse_list(v: &str) -> Vec<String> {
    v.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

fn parse_expiry(name: &str, v: &str) -> Result<Expiry, ConfigError> {
    let t = v.trim();
    if t.eq_ignore_ascii_case("false") {
        return Ok(Expiry::Never);
    }
    match t.parse::<u64>() {
        Ok(secs) => Ok(Expiry::After(Duration::from_secs(secs))),
        Err(_) => Err(ConfigError::new(
            name,
            format!("expected a whole number of seconds or false, got {v:?}"),
        )),
    }
}

fn parse_algorithm(name: &str, v: &str) -> Result<Algorithm, ConfigError> {
    Algorithm::from_str(v.trim())
        .map_err(|_| ConfigError::new(name, format!("unknown algorithm {v:?}")))
}

/// A comma-separated list that is set: it must name at least one value (`","` or `" "` would
/// silently turn a check off).
fn parse_set_list(name: &str, v: &str) -> Result<Vec<String>, ConfigError> {
    let list = parse_list(v);
    if list.is_empty() {
        return Err(ConfigError::new(
            name,
            format!("is set to {v:?}, which names no value: unset it, or list at least one"),
        ));
    }
    Ok(list)
}

fn parse_audience(name: &str, v: &str) -> Result<Audience, ConfigError> {
    let mut list = parse_set_list(name, v)?;
    Ok(if list.len() == 1 && !v.contains(',') {
        Audience::One(list.remove(0))
    } else {
        Audience::Many(list)
    })
}

fn non_empty(v: String) -> Option<String> {
    if v.is_empty() {
        None
    } else {
        Some(v)
    }
}

pub(super) fn from_lookup(
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<JwtConfig, ConfigError> {
    from_lookup_asked(lookup).map(|(c, _)| c)
}

/// [`from_lookup`], and every variable name it asked for: the options, read from the reader
/// itself so that the list cannot drift from it.
pub(super) fn from_lookup_asked(
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<(JwtConfig, Vec<&'static str>), ConfigError> {
    let asked = std::cell::RefCell::new(Vec::new());
    let c = read(|name| {
        asked.borrow_mut().push(name);
        lookup(name)
    })?;
    Ok((c, asked.into_inner()))
}

/// Start-up warnings for the `JWT_*` variables of `present` that are no option, each naming
/// the closest option when one is close (`JWT_COOKIE_CSRF_PROTECTION` →
/// `JWT_COOKIE_CSRF_PROTECT`): a typo would otherwise leave the option it meant at its default.
pub(super) fn unknown_variables(
    present: impl Iterator<Item = String>,
    options: &[&'static str],
) -> Vec<String> {
    let mut out: Vec<String> = present
        .filter(|name| name.starts_with("JWT_") && !options.contains(&name.as_str()))
        .map(|name| {
            let closest = options
                .iter()
                .map(|o| (edit_distance(&name, o), *o))
                .min()
                .filter(|(d, _)| *d <= name.len() / 3);
            match closest {
                Some((_, option)) => {
                    format!("{name} is not an option and is ignored: did you mean `{option}`?")
                }
                None => format!("{name} is not an option of axum-jwt-extended and is ignored"),
            }
        })
        .collect();
    out.sort();
    out
}

/// Levenshtein distance, in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

fn read(get: impl Fn(&'static str) -> Option<String>) -> Result<JwtConfig, ConfigError> {
    let mut c = JwtConfig::default();

    let jwks_url = get("JWT_JWKS_URL").and_then(non_empty);
    if let Some(v) = get("JWT_SECRET_KEY").and_then(non_empty) {
        c.secret_key = Some(v.into());
    } else if jwks_url.is_none() {
        // Flask's fallback; not for a verifier of another service's tokens, where an
        // unrelated `SECRET_KEY` (a web framework's) would make it accept tokens signed with it.
        if let Some(v) = get("SECRET_KEY").and_then(non_empty) {
            c.secret_key = Some(v.into());
        }
    }
    if let Some(v) = get("JWT_PRIVATE_KEY").and_then(non_empty) {
        c.private_key = Some(v.into());
    }
    if let Some(v) = get("JWT_PUBLIC_KEY").and_then(non_empty) {
        c.public_key = Some(v.into());
    }
    if let Some(v) = get("JWT_RETIRED_PUBLIC_KEYS").and_then(non_empty) {
        c.retired_public_keys = super::PemKey::split_concatenated(&v).ok_or_else(|| {
            ConfigError::new(
                "JWT_RETIRED_PUBLIC_KEYS",
                "expected PEM public keys (-----BEGIN PUBLIC KEY----- … -----END PUBLIC KEY-----), concatenated",
            )
        })?;
    }
    if let Some(v) = jwks_url {
        c.jwks_url = Some(v);
    }
    let seconds: [(&'static str, &mut Duration); 6] = [
        ("JWT_JWKS_MAX_AGE", &mut c.jwks_max_age),
        ("JWT_JWKS_REFRESH_FLOOR", &mut c.jwks_refresh_floor),
        ("JWT_JWKS_REFRESH_CEILING", &mut c.jwks_refresh_ceiling),
        (
            "JWT_JWKS_UNKNOWN_KID_INTERVAL",
            &mut c.jwks_unknown_kid_interval,
        ),
        ("JWT_JWKS_TIMEOUT", &mut c.jwks_timeout),
        ("JWT_DECODE_LEEWAY", &mut c.decode_leeway),
    ];
    for (name, slot) in seconds {
        if let Some(v) = get(name) {
            let secs: u64 = v.trim().parse().map_err(|_| {
                ConfigError::new(
                    name,
                    format!("expected a whole number of seconds, got {v:?}"),
                )
            })?;
            *slot = Duration::from_secs(secs);
        }
    }
    if let Some(v) = get("JWT_JWKS_MAX_BYTES") {
        c.jwks_max_bytes = v.trim().parse().map_err(|_| {
            ConfigError::new(
                "JWT_JWKS_MAX_BYTES",
                format!("expected a number of bytes, got {v:?}"),
            )
        })?;
    }
    if let Some(v) = get("JWT_ALGORITHM") {
        c.algorithm = parse_algorithm("JWT_ALGORITHM", &v)?;
    }
    if let Some(v) = get("JWT_DECODE_ALGORITHMS") {
        c.decode_algorithms = parse_list(&v)
            .iter()
            .map(|a| parse_algorithm("JWT_DECODE_ALGORITHMS", a))
            .collect::<Result<_, _>>()?;
    }
    if let Some(v) = get("JWT_ACCESS_TOKEN_EXPIRES") {
        c.access_token_expires = parse_expiry("JWT_ACCESS_TOKEN_EXPIRES", &v)?;
    }
    if let Some(v) = get("JWT_REFRESH_TOKEN_EXPIRES") {
        c.refresh_token_expires = parse_expiry("JWT_REFRESH_TOKEN_EXPIRES", &v)?;
    }
    if let Some(v) = get("JWT_TOKEN_LOCATION") {
        c.token_location = parse_list(&v)
            .iter()
            .map(|l| {
                Location::parse(l).ok_or_else(|| {
                    ConfigError::new(
                        "JWT_TOKEN_LOCATION",
                        format!(
                            "{l:?} is not a location; use headers, cookies, query_string or json"
                        ),
                    )
                })
            })
            .collect::<Result<_, _>>()?;
    }
    let strings: [(&'static str, &mut String); 20] = [
        ("JWT_IDENTITY_CLAIM", &mut c.identity_claim),
        ("JWT_ERROR_MESSAGE_KEY", &mut c.error_message_key),
        ("JWT_HEADER_NAME", &mut c.header_name),
        ("JWT_HEADER_TYPE", &mut c.header_type),
        ("JWT_ACCESS_COOKIE_NAME", &mut c.access_cookie_name),
        ("JWT_REFRESH_COOKIE_NAME", &mut c.refresh_cookie_name),
        ("JWT_ACCESS_COOKIE_PATH", &mut c.access_cookie_path),
        ("JWT_REFRESH_COOKIE_PATH", &mut c.refresh_cookie_path),
        (
            "JWT_ACCESS_CSRF_COOKIE_NAME",
            &mut c.access_csrf_cookie_name,
        ),
        (
            "JWT_REFRESH_CSRF_COOKIE_NAME",
            &mut c.refresh_csrf_cookie_name,
        ),
        (
            "JWT_ACCESS_CSRF_COOKIE_PATH",
            &mut c.access_csrf_cookie_path,
        ),
        (
            "JWT_REFRESH_CSRF_COOKIE_PATH",
            &mut c.refresh_csrf_cookie_path,
        ),
        (
            "JWT_ACCESS_CSRF_HEADER_NAME",
            &mut c.access_csrf_header_name,
        ),
        (
            "JWT_REFRESH_CSRF_HEADER_NAME",
            &mut c.refresh_csrf_header_name,
        ),
        ("JWT_ACCESS_CSRF_FIELD_NAME", &mut c.access_csrf_field_name),
        (
            "JWT_REFRESH_CSRF_FIELD_NAME",
            &mut c.refresh_csrf_field_name,
        ),
        ("JWT_QUERY_STRING_NAME", &mut c.query_string_name),
        (
            "JWT_QUERY_STRING_VALUE_PREFIX",
            &mut c.query_string_value_prefix,
        ),
        ("JWT_JSON_KEY", &mut c.json_key),
        ("JWT_REFRESH_JSON_KEY", &mut c.refresh_json_key),
    ];
    for (name, slot) in strings {
        if let Some(v) = get(name) {
            *slot = v;
        }
    }
    let bools: [(&'static str, &mut bool); 7] = [
        ("JWT_ENCODE_NBF", &mut c.encode_nbf),
        ("JWT_VERIFY_SUB", &mut c.verify_sub),
        ("JWT_COOKIE_SECURE", &mut c.cookie_secure),
        ("JWT_SESSION_COOKIE", &mut c.session_cookie),
        ("JWT_COOKIE_CSRF_PROTECT", &mut c.cookie_csrf_protect),
        ("JWT_CSRF_IN_COOKIES", &mut c.csrf_in_cookies),
        ("JWT_CSRF_CHECK_FORM", &mut c.csrf_check_form),
    ];
    for (name, slot) in bools {
        if let Some(v) = get(name) {
            *slot = parse_bool(name, &v)?;
        }
    }
    if let Some(v) = get("JWT_DECODE_AUDIENCE") {
        c.decode_audience = Some(parse_audience("JWT_DECODE_AUDIENCE", &v)?);
    }
    if let Some(v) = get("JWT_ENCODE_AUDIENCE") {
        c.encode_audience = Some(parse_audience("JWT_ENCODE_AUDIENCE", &v)?);
    }
    if let Some(v) = get("JWT_DECODE_ISSUER") {
        c.decode_issuer = Some(parse_set_list("JWT_DECODE_ISSUER", &v)?);
    }
    if let Some(v) = get("JWT_ENCODE_ISSUER") {
        c.encode_issuer = non_empty(v);
    }
    if let Some(v) = get("JWT_COOKIE_DOMAIN") {
        c.cookie_domain = non_empty(v);
    }
    if let Some(v) = get("JWT_COOKIE_SAMESITE") {
        c.cookie_samesite = match v.trim().to_ascii_lowercase().as_str() {
            "" => None,
            "lax" => Some(SameSite::Lax),
            "strict" => Some(SameSite::Strict),
            "none" => Some(SameSite::None),
            _ => {
                return Err(ConfigError::new(
                    "JWT_COOKIE_SAMESITE",
                    format!("expected Lax, Strict or None, got {v:?}"),
                ))
            }
        };
    }
    if let Some(v) = get("JWT_CSRF_METHODS") {
        c.csrf_methods = parse_set_list("JWT_CSRF_METHODS", &v)?;
    }
    Ok(c)
}

#[cfg(test)]
mod unknown_variable_tests {
    use super::*;

    #[test]
    fn typos_name_the_option_they_meant() {
        let (_, options) = from_lookup_asked(|_| None).unwrap();
        assert!(options.contains(&"JWT_COOKIE_CSRF_PROTECT"));
        let present = [
            "JWT_COOKIE_CSRF_PROTECTION",
            "JWT_ACCESS_TOKEN_EXPIRE",
            "JWT_SECRET_KEY",
            "PATH",
            "JWT_SOMETHING_ELSE_ENTIRELY",
        ]
        .map(str::to_owned);
        assert_eq!(
            unknown_variables(present.into_iter(), &options),
            [
                "JWT_ACCESS_TOKEN_EXPIRE is not an option and is ignored: did you mean `JWT_ACCESS_TOKEN_EXPIRES`?",
                "JWT_COOKIE_CSRF_PROTECTION is not an option and is ignored: did you mean `JWT_COOKIE_CSRF_PROTECT`?",
                "JWT_SOMETHING_ELSE_ENTIRELY is not an option of axum-jwt-extended and is ignored",
            ]
        );
    }

    #[test]
    fn edit_distances() {
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(vars: &[(&str, &str)]) -> Result<JwtConfig, ConfigError> {
        from_lookup(|name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    #[test]
    fn values_as_flask_reads_them() {
        let c = from(&[
            ("JWT_TOKEN_LOCATION", "headers, cookies"),
            ("JWT_ACCESS_TOKEN_EXPIRES", "false"),
            ("JWT_REFRESH_TOKEN_EXPIRES", "60"),
            ("JWT_COOKIE_SECURE", "True"),
            ("JWT_DECODE_AUDIENCE", "a,b"),
            ("JWT_ENCODE_AUDIENCE", "a"),
            ("JWT_DECODE_ISSUER", "me"),
            ("JWT_CSRF_METHODS", "post, put"),
            ("JWT_COOKIE_SAMESITE", "strict"),
        ])
        .expect("valid");
        assert_eq!(c.token_location, [Location::Headers, Location::Cookies]);
        assert_eq!(c.access_token_expires, Expiry::Never);
        assert_eq!(
            c.refresh_token_expires,
            Expiry::After(Duration::from_secs(60))
        );
        assert!(c.cookie_secure);
        assert_eq!(
            c.decode_audience,
            Some(Audience::Many(vec!["a".into(), "b".into()]))
        );
        assert_eq!(c.encode_audience, Some(Audience::One("a".into())));
        assert_eq!(c.decode_issuer, Some(vec!["me".into()]));
        assert_eq!(c.csrf_methods, ["post", "put"]);
        assert_eq!(c.cookie_samesite, Some(SameSite::Strict));
    }

    #[test]
    fn a_set_list_must_name_a_value() {
        for (name, value) in [
            ("JWT_DECODE_AUDIENCE", ","),
            ("JWT_ENCODE_AUDIENCE", ""),
            ("JWT_DECODE_ISSUER", " , "),
            ("JWT_CSRF_METHODS", ""),
        ] {
            let err = from(&[(name, value)]).expect_err(name);
            assert_eq!(err.option(), name);
        }
    }

    #[test]
    fn bad_values_name_the_variable() {
        for (name, value) in [
            ("JWT_COOKIE_SECURE", "maybe"),
            ("JWT_ACCESS_TOKEN_EXPIRES", "-1"),
            ("JWT_DECODE_LEEWAY", "1.5"),
            ("JWT_ALGORITHM", "none"),
            ("JWT_COOKIE_SAMESITE", "sometimes"),
        ] {
            assert_eq!(from(&[(name, value)]).expect_err(name).option(), name);
        }
    }
}
