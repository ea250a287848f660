//! Revocation through the configured [`BlocklistStore`](crate::BlocklistStore):
//! `revoke_token`, `revoke_all_tokens_of`, and the revocation stage of a request.

use std::time::Duration;

use serde::Serialize;
use serde_json::Value;

use super::JwtManager;
use crate::blocklist::{bounded, BlocklistStore, StoreError};
use crate::error::{ErrorKind, JwtError};
use crate::token::Claims;

/// Longer than this, an entry is kept forever: no store needs to count to 2^64 seconds, and
/// Redis refuses such TTLs.
const LONGEST_TTL: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

/// The message of a store failure; the cause goes to the logs and `source()`.
const STORE_DOWN: &str = "Token revocation store unavailable";

fn unavailable(e: StoreError) -> JwtError {
    JwtError::unavailable(STORE_DOWN, e)
}

/// The one form of an identity that stores key on: the identity claim's JSON text, so that
/// `"5"` and `5` stay apart and any JSON identity works.
pub(crate) fn canonical_identity(identity: &Value) -> String {
    identity.to_string()
}

impl JwtManager {
    /// Whether a blocklist store is configured.
    pub fn has_blocklist(&self) -> bool {
        self.0.blocklist.is_some()
    }

    fn store(&self) -> Result<&dyn BlocklistStore, JwtError> {
        self.0.blocklist.as_deref().ok_or_else(|| {
            JwtError::new(ErrorKind::StoreUnavailable(
                "No blocklist store is configured".into(),
            ))
        })
    }

    /// The token's remaining lifetime, at least one second; `None` (forever) when it has no
    /// `exp` or one too far away to count.
    fn remaining(&self, claims: &Claims) -> Option<Duration> {
        let exp = claims.exp()?;
        let left = (exp - self.now_f64()).max(1.0);
        Duration::try_from_secs_f64(left)
            .ok()
            .filter(|d| *d <= LONGEST_TTL)
    }

    /// The token's `jti`, which revocation needs: absent or empty is an invalid token (422).
    fn jti_of<'c>(&self, claims: &'c Claims) -> Result<&'c str, JwtError> {
        match claims.jti() {
            None => Err(JwtError::new(ErrorKind::Decode(
                "Missing claim: jti".into(),
            ))),
            Some("") => Err(JwtError::new(ErrorKind::InvalidToken(
                "JWT ID must not be empty".into(),
            ))),
            Some(jti) => Ok(jti),
        }
    }

    /// Revokes a verified token (its `jti`) until it would have expired.
    ///
    /// ```
    /// # use axum_jwt_extended_runtime::*;
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let jwt = JwtManager::builder(JwtConfig::with_secret("a-very-long-secret-of-at-least-32-bytes!"))
    ///     .blocklist(MemoryBlocklist::new())
    ///     .build().unwrap();
    /// let token = jwt.create_access_token("alice").unwrap();
    /// let claims = jwt.decode_token(&token).unwrap();
    /// jwt.revoke_token(&claims).await.unwrap();
    /// assert!(jwt.is_token_revoked(&claims).await.unwrap());
    /// # }
    /// ```
    pub async fn revoke_token(&self, claims: &Claims) -> Result<(), JwtError> {
        let jti = self.jti_of(claims)?;
        let store = self.store()?;
        let ttl = self.remaining(claims);
        bounded(store.revoke(jti, ttl)).await.map_err(unavailable)
    }

    /// Revokes every token whose identity claim is `identity` and that was issued at or
    /// before `issued_before` (seconds since the epoch; use [`JwtManager::now`] for
    /// "everything issued so far"). `identity` is the identity claim's value as tokens carry
    /// it (a string, a number…). The cut-off only ever moves forward, and is kept forever,
    /// so that no token made with a long `expires_delta` outlives it.
    pub async fn revoke_all_tokens_of<I: Serialize + ?Sized>(
        &self,
        identity: &I,
        issued_before: u64,
    ) -> Result<(), JwtError> {
        let identity = serde_json::to_value(identity).map_err(|e| {
            JwtError::new(ErrorKind::Encode(format!(
                "identity is not JSON-serializable: {e}"
            )))
        })?;
        let store = self.store()?;
        let key = canonical_identity(&identity);
        bounded(store.revoke_identity_before(&key, issued_before, None))
            .await
            .map_err(unavailable)
    }

    /// Whether the store says these claims are revoked (by `jti`, or by identity and `iat`).
    /// With a store configured, a token needs a non-empty string `jti`: one without is
    /// invalid (422 `Missing claim: jti`).
    pub async fn is_token_revoked(&self, claims: &Claims) -> Result<bool, JwtError> {
        let store = self.store()?;
        let jti = self.jti_of(claims)?;
        let identity = claims
            .get(&self.0.config.identity_claim)
            .map(canonical_identity);
        let identity = identity.as_deref();
        let revoked_by = |jti_revoked: bool, before: Option<u64>| {
            jti_revoked || before.is_some_and(|b| claims.iat().unwrap_or(0.0) <= b as f64)
        };
        if let Some(answer) = store.lookup_now(jti, identity) {
            return answer
                .map(|(jti_revoked, before)| revoked_by(jti_revoked, before))
                .map_err(unavailable);
        }
        let check = async {
            if store.is_revoked(jti).await? {
                return Ok(true);
            }
            if let Some(identity) = identity {
                let before = store.identity_revoked_before(identity).await?;
                return Ok(revoked_by(false, before));
            }
            Ok::<bool, StoreError>(false)
        };
        bounded(check).await.map_err(unavailable)
    }
}
