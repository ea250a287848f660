//! Decoding tokens: `decode_token`, `get_jti`, `get_csrf_token`,
//! `get_unverified_jwt_headers`, and [`JwtManager::verify_token`], the token stage of every
//! protected request: parse → key → algorithm → signature → claim rules → CSRF claim.

use super::{DecodeOptions, JwtManager};
use crate::crypto::{Key, Verifier};
use crate::csrf;
use crate::error::{ErrorKind, JwtError, TokenParts};
use crate::token::decode::{self, Unverified};
use crate::token::validate::{self, Validity};
use crate::token::{Claims, JwtHeader};

impl JwtManager {
    /// `decode_token(token)`: full cryptographic and claim verification, the identity claim
    /// check and Flask's defaults. No type, freshness or blocklist check (as in Flask).
    pub fn decode_token(&self, token: &str) -> Result<Claims, JwtError> {
        self.decode_token_with(token, DecodeOptions::default())
    }

    /// `decode_token(token, csrf_value=…, allow_expired=…)`.
    pub fn decode_token_with(
        &self,
        token: &str,
        options: DecodeOptions<'_>,
    ) -> Result<Claims, JwtError> {
        let csrf_value = options.csrf_value.filter(|v| !v.is_empty());
        self.verify_token(token, options.allow_expired, csrf_value)
            .map(|(_, claims)| claims)
    }

    /// Parses and fully verifies a token: signature, claim rules, and (when `csrf_value` is
    /// given) the CSRF double submit against its `csrf` claim.
    pub(crate) fn verify_token(
        &self,
        token: &str,
        allow_expired: bool,
        csrf_value: Option<&str>,
    ) -> Result<(JwtHeader, Claims), JwtError> {
        let c = &self.0.config;
        let parsed = decode::parse(token, c.max_token_length)?;
        let dynamic;
        let selected;
        let verifier: &Verifier = match &self.0.loaders.decode_key {
            Some(loader) => {
                let (header, claims) = parsed.parts();
                let key: Key = loader(&header, &claims);
                let alg = parsed.algorithm(|a| c.decode_algorithms.contains(&a))?;
                dynamic = Verifier::new(alg, &key).map_err(|e| {
                    JwtError::new(ErrorKind::InvalidToken(format!(
                        "The decode key does not fit the token's algorithm: {e}"
                    )))
                })?;
                &dynamic
            }
            None => {
                selected = self.0.keys.select(&parsed)?;
                selected.verifier()
            }
        };
        parsed.verify_signature(verifier)?;
        let validity = validate::claims(&parsed.payload, c, self.now_f64(), allow_expired)?;
        let (header, claims) = Unverified::into_parts(parsed);
        if validity == Validity::Expired && !allow_expired {
            return Err(JwtError::new(ErrorKind::Expired(Box::new(TokenParts {
                header,
                claims,
            }))));
        }
        if let Some(expected) = csrf_value {
            csrf::check_double_submit(&claims, expected)?;
        }
        Ok((header, claims))
    }

    /// [`verify_token`](Self::verify_token) for a request: when the token names a `kid` the
    /// remote JWK Set lacks, the set is re-fetched (at most once per interval, the request
    /// waiting for it) and the token verified again.
    pub(crate) async fn verify_request_token(
        &self,
        token: &str,
        csrf_value: Option<&str>,
    ) -> Result<(JwtHeader, Claims), JwtError> {
        let verified = self.verify_token(token, false, csrf_value);
        #[cfg(feature = "jwks")]
        if let (Err(_), Some(remote)) = (&verified, &self.0.keys.remote) {
            if let Some(kid) = self.unknown_kid(token) {
                remote.refresh_for_unknown_kid(&kid).await;
                return self.verify_token(token, false, csrf_value);
            }
        }
        verified
    }

    /// The `kid` of a token that failed because no key has it (read again on the failure path
    /// only, so the hot path parses once): `None` for any other failure, or when a
    /// `decode_key_loader` chooses the keys.
    #[cfg(feature = "jwks")]
    fn unknown_kid(&self, token: &str) -> Option<String> {
        if self.0.loaders.decode_key.is_some() {
            return None;
        }
        let parsed = decode::parse(token, self.0.config.max_token_length).ok()?;
        match self.0.keys.select(&parsed) {
            Err(crate::token::TokenError::UnknownKid) => parsed.kid().map(str::to_owned),
            _ => None,
        }
    }

    /// `get_unverified_jwt_headers(token)`: the header, without any verification.
    pub fn get_unverified_jwt_headers(&self, token: &str) -> Result<JwtHeader, JwtError> {
        Ok(decode::parse(token, self.0.config.max_token_length).map(|p| p.parts().0)?)
    }

    /// `get_jti(token)`: the `jti` of a fully verified token.
    pub fn get_jti(&self, token: &str) -> Result<Option<String>, JwtError> {
        Ok(self.decode_token(token)?.jti().map(str::to_owned))
    }

    /// `get_csrf_token(token)`: the `csrf` claim of a fully verified token. A token without
    /// one is an error (`Missing claim: csrf`), not a crash.
    pub fn get_csrf_token(&self, token: &str) -> Result<String, JwtError> {
        let claims = self.decode_token(token)?;
        claims
            .csrf()
            .map(str::to_owned)
            .ok_or_else(|| JwtError::new(ErrorKind::Decode("Missing claim: csrf".into())))
    }
}
