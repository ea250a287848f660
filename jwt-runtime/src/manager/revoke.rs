//! Revocation through the configured [`BlocklistStore`](crate::BlocklistStore):
//! `revoke_token`, `revoke_all_tokens_of`, and the revocation stage of a request.

use std::any::Any;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use serde_json::Value;

use super::JwtManager;
use crate::blocklist::{
    bounded, bounded_revocation, BlocklistStore, MemoryBlocklist, StoreError, TokenKeys,
};
use crate::config::Expiry;
use crate::error::{ErrorKind, JwtError};
use crate::token::Claims;

/// Longer than this, an entry is kept forever: no store needs to count to 2^64 seconds, and
/// Redis refuses such TTLs.
const LONGEST_TTL: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

/// How long [`JwtManager::connect_blocklist`] may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

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
    /// Connects the blocklist store now (see [`BlocklistStore::connect`]), so that the first
    /// requests do not pay for it; call it at start-up. Without a store, does nothing.
    ///
    /// ```
    /// # use axum_jwt_extended_runtime::*;
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let jwt = JwtManager::builder(JwtConfig::with_secret("a-very-long-secret-of-at-least-32-bytes!"))
    ///     .blocklist(MemoryBlocklist::new())
    ///     .build().unwrap();
    /// jwt.connect_blocklist().await.unwrap();
    /// # }
    /// ```
    pub async fn connect_blocklist(&self) -> Result<(), JwtError> {
        match &self.0.blocklist {
            None => Ok(()),
            Some(store) => {
                match tokio::time::timeout(CONNECT_TIMEOUT, store.as_dyn().connect()).await {
                    Ok(out) => out.map_err(unavailable),
                    Err(_) => Err(unavailable(StoreError::new("connecting timed out"))),
                }
            }
        }
    }

    /// Whether a blocklist store is configured.
    pub fn has_blocklist(&self) -> bool {
        self.0.blocklist.is_some()
    }

    fn store(&self) -> Result<&dyn BlocklistStore, JwtError> {
        self.0
            .blocklist
            .as_ref()
            .map(Store::as_dyn)
            .ok_or_else(no_store)
    }

    /// How long the token is still accepted: until `exp` plus `JWT_DECODE_LEEWAY`, at least
    /// one second; `None` (forever) when it has no `exp` or one too far away to count.
    fn remaining(&self, claims: &Claims) -> Option<Duration> {
        let exp = claims.exp()?;
        let leeway = self.0.config.decode_leeway.as_secs_f64();
        let left = (exp + leeway - self.now_f64()).max(1.0);
        Duration::try_from_secs_f64(left)
            .ok()
            .filter(|d| *d <= LONGEST_TTL)
    }

    /// The token's identity in the form stores key on.
    pub(crate) fn identity_of(&self, claims: &Claims) -> Option<String> {
        claims
            .get(&self.0.config.identity_claim)
            .map(canonical_identity)
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
    ///
    /// Past the identity's revocation quota
    /// ([`JwtManagerBuilder::revocation_quota`](crate::JwtManagerBuilder::revocation_quota)),
    /// every token of the identity issued so far is revoked instead, in one store entry.
    pub async fn revoke_token(&self, claims: &Claims) -> Result<(), JwtError> {
        let jti = self.jti_of(claims)?;
        let store = self.store()?;
        if self.collapsed(claims).await? {
            return Ok(());
        }
        let ttl = self.remaining(claims);
        let identity = self.identity_of(claims);
        let token = keys(jti, identity.as_deref(), claims);
        bounded_revocation(store, store.revoke_token(token, ttl))
            .await
            .map_err(unavailable)
    }

    /// [`revoke_token`](Self::revoke_token) without counting it (the caller did).
    pub(crate) async fn revoke_counted(&self, claims: &Claims) -> Result<(), JwtError> {
        let jti = self.jti_of(claims)?;
        let store = self.store()?;
        let identity = self.identity_of(claims);
        let token = keys(jti, identity.as_deref(), claims);
        bounded_revocation(store, store.revoke_token(token, self.remaining(claims)))
            .await
            .map_err(unavailable)
    }

    /// Counts a revocation of `claims` against its identity's quota: past it, revokes every
    /// token of the identity issued so far and answers `true` (nothing more to store).
    pub(crate) async fn collapsed(&self, claims: &Claims) -> Result<bool, JwtError> {
        let Some(identity) = self.identity_of(claims) else {
            return Ok(false);
        };
        if self.0.quota.admit(&identity, self.now_f64()) {
            return Ok(false);
        }
        crate::log::quota_reached(&identity);
        let store = self.store()?;
        bounded_revocation(
            store,
            store.revoke_identity_before(&identity, self.now().as_secs(), None),
        )
        .await
        .map_err(unavailable)?;
        Ok(true)
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
        bounded_revocation(
            store,
            store.revoke_identity_before(&key, issued_before, None),
        )
        .await
        .map_err(unavailable)
    }

    /// Whether the store says these claims are revoked (by `jti`, by identity and `iat`, or
    /// by their login family). With a store configured, a token needs a non-empty string
    /// `jti`: one without is invalid (422 `Missing claim: jti`).
    pub async fn is_token_revoked(&self, claims: &Claims) -> Result<bool, JwtError> {
        Ok(self.revocation(claims).await? != Revocation::No)
    }

    /// What the store says of these claims.
    pub(crate) async fn revocation(&self, claims: &Claims) -> Result<Revocation, JwtError> {
        let jti = self.jti_of(claims)?;
        let verdict = match &self.0.blocklist {
            None => return Err(no_store()),
            // In process: answered in place, and the identity's form is computed only when a
            // cut-off was ever recorded.
            Some(Store::Memory(memory)) => {
                let identity = memory
                    .has_identity_cutoffs()
                    .then(|| self.identity_of(claims))
                    .flatten();
                memory.check_now(keys(jti, identity.as_deref(), claims))
            }
            // Everything about the token in one round trip.
            Some(Store::Other(store)) => {
                let identity = self.identity_of(claims);
                bounded(store.check_token(keys(jti, identity.as_deref(), claims)))
                    .await
                    .map_err(unavailable)?
            }
        };
        let issued = claims.iat().unwrap_or(0.0);
        let by_identity = verdict
            .identity_revoked_before
            .is_some_and(|before| issued <= before as f64);
        // A revoked login or identity comes first: a rotated refresh token of a revoked login
        // is refused as revoked, not taken for reuse (nor let through a grace window).
        Ok(if verdict.family_revoked {
            Revocation::Family
        } else if by_identity {
            Revocation::Identity
        } else if verdict.jti_revoked {
            Revocation::Token
        } else {
            Revocation::No
        })
    }

    /// Revokes the login family `family` of `identity` (a session's end), for as long as any
    /// of its tokens may be accepted.
    pub(crate) async fn revoke_family_id(
        &self,
        identity: Option<&str>,
        family: &str,
    ) -> Result<(), JwtError> {
        let store = self.store()?;
        bounded_revocation(
            store,
            store.revoke_family(identity, family, self.family_ttl()),
        )
        .await
        .map_err(unavailable)
    }

    /// How long a family's revocation is kept: the longest lifetime plus the leeway.
    fn family_ttl(&self) -> Option<Duration> {
        let c = &self.0.config;
        match (c.access_token_expires, c.refresh_token_expires) {
            (Expiry::After(a), Expiry::After(r)) => a
                .max(r)
                .checked_add(c.decode_leeway)
                .filter(|d| *d <= LONGEST_TTL),
            _ => None,
        }
    }

    /// Keeps a session in the store.
    pub(crate) async fn save_session(
        &self,
        identity: &str,
        record: &crate::blocklist::SessionRecord,
    ) -> Result<(), JwtError> {
        let store = self.store()?;
        bounded(store.save_session(identity, record))
            .await
            .map_err(unavailable)
    }

    /// Saves a refreshed session, only if it is still kept: `false` when it was ended
    /// meanwhile.
    pub(crate) async fn update_session(
        &self,
        identity: &str,
        record: &crate::blocklist::SessionRecord,
    ) -> Result<bool, JwtError> {
        let store = self.store()?;
        bounded(store.update_session(identity, record))
            .await
            .map_err(unavailable)
    }

    /// The sessions the store keeps for `identity`.
    pub(crate) async fn load_sessions(
        &self,
        identity: &str,
    ) -> Result<Vec<crate::blocklist::SessionRecord>, JwtError> {
        let store = self.store()?;
        bounded(store.sessions(identity)).await.map_err(unavailable)
    }

    /// Forgets a session (its tokens are revoked apart); whether it was kept.
    pub(crate) async fn forget(&self, identity: &str, id: &str) -> Result<bool, JwtError> {
        let store = self.store()?;
        bounded(store.remove_session(identity, id))
            .await
            .map_err(unavailable)
    }

    /// Revokes every token of the login family of `claims` (a token without one: nothing),
    /// for as long as any of them may be accepted: the longest lifetime plus
    /// `JWT_DECODE_LEEWAY`, as a single revocation lasts.
    pub(crate) async fn revoke_family(&self, claims: &Claims) -> Result<(), JwtError> {
        let Some(family) = claims.get_str(crate::token::FAMILY_CLAIM) else {
            return Ok(());
        };
        let store = self.store()?;
        let identity = self.identity_of(claims);
        bounded_revocation(
            store,
            store.revoke_family(identity.as_deref(), family, self.family_ttl()),
        )
        .await
        .map_err(unavailable)?;
        // A session's family: the session is over, and no longer listed.
        if let (true, Some(identity)) = (
            self.0.sessions.is_some() && claims.get(crate::token::AUTH_TIME_CLAIM).is_some(),
            identity,
        ) {
            self.forget(&identity, family).await?;
        }
        Ok(())
    }

    /// Revokes `jti` unless it already was: `true` for the one caller that revoked it. Past
    /// the identity's quota, every token of it so far is revoked instead (`true`: the pair a
    /// rotation then mints is issued within that cut-off, and refused).
    pub(crate) async fn revoke_if_new(&self, claims: &Claims) -> Result<bool, JwtError> {
        let jti = self.jti_of(claims)?;
        let store = self.store()?;
        if self.collapsed(claims).await? {
            return Ok(true);
        }
        let identity = self.identity_of(claims);
        let token = keys(jti, identity.as_deref(), claims);
        bounded_revocation(
            store,
            store.revoke_token_if_new(token, self.remaining(claims)),
        )
        .await
        .map_err(unavailable)
    }
}

/// What a revoked refresh token of a family is, when rotation has a grace window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Superseded {
    /// Rotated less than the grace window ago: a new pair in its family.
    WithinGrace,
    /// Rotated longer ago: reuse.
    Rotated,
    /// Not rotated: revoked on purpose.
    No,
}

/// The entry that says a refresh token is within its grace window (a `jti` entry no token
/// has).
fn grace_entry(jti: &str) -> String {
    format!("grace:{jti}")
}

/// The entry that says a refresh token was rotated (a family entry no family has).
fn rotated_entry(jti: &str) -> String {
    format!("rotated:{jti}")
}

impl JwtManager {
    /// Marks a refresh token about to be rotated: rotated for as long as it is accepted, and
    /// within its grace window for `grace`. Both are written before the rotation itself, so
    /// that a concurrent refresh that finds the token revoked also finds the marks.
    pub(crate) async fn mark_rotated(
        &self,
        claims: &Claims,
        grace: Duration,
    ) -> Result<(), JwtError> {
        let jti = self.jti_of(claims)?;
        let store = self.store()?;
        let identity = self.identity_of(claims);
        let (grace_key, rotated_key) = (grace_entry(jti), rotated_entry(jti));
        let in_grace = TokenKeys {
            jti: &grace_key,
            identity: identity.as_deref(),
            family: None,
        };
        // Set once: a replay within the window never extends it. A store whose revocations
        // wait (a near cache) gets that wait twice more (the marks, then the rotation).
        let window = grace.saturating_add(store.revocation_delay().saturating_mul(2));
        let (a, b) = tokio::join!(
            bounded_revocation(store, store.revoke_token_if_new(in_grace, Some(window))),
            bounded_revocation(
                store,
                store.revoke_family(identity.as_deref(), &rotated_key, self.remaining(claims))
            ),
        );
        a.map(drop).and(b).map_err(unavailable)
    }

    /// Whether a revoked refresh token was superseded by rotation, and how long ago: one
    /// store round trip.
    pub(crate) async fn superseded(&self, claims: &Claims) -> Result<Superseded, JwtError> {
        let jti = self.jti_of(claims)?;
        let store = self.store()?;
        let identity = self.identity_of(claims);
        let (grace_key, rotated_key) = (grace_entry(jti), rotated_entry(jti));
        let marks = TokenKeys {
            jti: &grace_key,
            identity: identity.as_deref(),
            family: Some(&rotated_key),
        };
        let verdict = bounded(store.check_token(marks))
            .await
            .map_err(unavailable)?;
        Ok(if verdict.jti_revoked {
            Superseded::WithinGrace
        } else if verdict.family_revoked {
            Superseded::Rotated
        } else {
            Superseded::No
        })
    }

    /// The grace window of refresh-token rotation, if any.
    pub(crate) fn rotation_grace(&self) -> Option<Duration> {
        self.0.rotation_grace
    }
}

/// What revoked a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Revocation {
    No,
    /// Its `jti`.
    Token,
    /// A cut-off of its identity.
    Identity,
    /// Its login family.
    Family,
}

/// The keys of a token for the store.
fn keys<'a>(jti: &'a str, identity: Option<&'a str>, claims: &'a Claims) -> TokenKeys<'a> {
    TokenKeys {
        jti,
        identity,
        family: claims.get_str(crate::token::FAMILY_CLAIM),
    }
}

/// The configured store: the in-memory one is known, so that a check needs no future.
#[derive(Clone)]
pub(crate) enum Store {
    Memory(MemoryBlocklist),
    Other(Arc<dyn BlocklistStore>),
}

impl Store {
    pub(crate) fn new(store: impl BlocklistStore) -> Store {
        let any: &dyn Any = &store;
        match any.downcast_ref::<MemoryBlocklist>() {
            Some(memory) => Store::Memory(memory.clone()),
            None => Store::Other(Arc::new(store)),
        }
    }

    fn as_dyn(&self) -> &dyn BlocklistStore {
        match self {
            Store::Memory(m) => m,
            Store::Other(s) => s.as_ref(),
        }
    }
}

fn no_store() -> JwtError {
    JwtError::new(ErrorKind::StoreUnavailable(
        "No blocklist store is configured".into(),
    ))
}
