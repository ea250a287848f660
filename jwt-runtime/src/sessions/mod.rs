//! Sessions: a login as a family of tokens that can be listed and ended, with an absolute
//! lifetime and an idle timeout.
//!
//! A session starts with [`JwtManager::start_session`]: both tokens carry the session id in
//! the claim `fam` (the same claim as a rotation family: a session is a family) and the login
//! time in `auth_time` (RFC 9470, whole seconds). The store keeps a [`SessionRecord`] per
//! session, beside the revocations; ending a session revokes its family, so that every access
//! and refresh token of it is refused on every instance sharing the store, in the same one
//! store round trip as any other check.
//!
//! A session ends at the earliest of: its revocation; `created_at` + its maximum age;
//! `last_seen_at` + its idle timeout; the expiry of the latest refresh token issued in it. No
//! token of a session has an `exp` past its absolute end. A refresh after the end answers 401
//! `Session expired` ([`ErrorKind::SessionExpired`]) and ends the session.

use std::time::Duration;

use serde::Serialize;
use serde_json::{Map, Value};

pub(crate) mod types;

pub use crate::blocklist::SessionRecord;
use crate::config::Expiry;
pub use crate::config::SessionPolicy;
use crate::error::{ErrorKind, JwtError, TokenParts};
pub use crate::loaders::{SessionEnd, SessionEvent};
use crate::manager::JwtManager;
use crate::refresh::TokenPair;
use crate::token::encode::uuid4;
use crate::token::{Claims, JwtHeader, TokenOptions, TokenType, AUTH_TIME_CLAIM, FAMILY_CLAIM};
pub use types::{Session, SessionOptions};

fn no_sessions() -> JwtError {
    JwtError::new(ErrorKind::Encode(
        "sessions are not enabled: call JwtManagerBuilder::sessions".into(),
    ))
}

fn expired(claims: &Claims) -> JwtError {
    JwtError::new(ErrorKind::SessionExpired(Box::new(TokenParts {
        header: JwtHeader::default(),
        claims: claims.clone(),
    })))
}

/// Revoked, for a session known by its id only.
fn revoked_id(id: &str) -> JwtError {
    let mut map = Map::new();
    map.insert(FAMILY_CLAIM.to_owned(), Value::from(id));
    revoked(&Claims::from(map))
}

fn revoked(claims: &Claims) -> JwtError {
    JwtError::new(ErrorKind::Revoked(Box::new(TokenParts {
        header: JwtHeader::default(),
        claims: claims.clone(),
    })))
}

impl JwtManager {
    fn policy(&self) -> Result<SessionPolicy, JwtError> {
        self.0.sessions.ok_or_else(no_sessions)
    }

    /// Starts a session for `identity`: a pair of tokens carrying the new session's id
    /// (`fam`) and the login time (`auth_time`), their `exp` capped by the session's
    /// absolute end, and the session recorded in the store.
    ///
    /// ```
    /// # use axum_jwt_extended_runtime::*;
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let jwt = JwtManager::builder(JwtConfig::with_secret("a-very-long-secret-of-at-least-32-bytes!"))
    ///     .blocklist(MemoryBlocklist::new())
    ///     .sessions(SessionPolicy::new())
    ///     .build()
    ///     .unwrap();
    /// let login = jwt
    ///     .start_session("alice", TokenOptions::new(), SessionOptions::new().user_agent("curl/8"))
    ///     .await
    ///     .unwrap();
    /// let claims = jwt.decode_token(&login.access_token).unwrap();
    /// let sessions = jwt.sessions_of(&claims).await.unwrap();
    /// assert_eq!(sessions.len(), 1);
    /// assert!(sessions[0].current);
    /// # }
    /// ```
    pub async fn start_session<I: Serialize + 'static>(
        &self,
        identity: I,
        options: TokenOptions,
        session: SessionOptions,
    ) -> Result<TokenPair, JwtError> {
        let policy = self.policy()?;
        let now = self.now().as_secs();
        let mut record = SessionRecord {
            id: uuid4(),
            created_at: now,
            last_seen_at: now,
            max_age: session.max_age.or(policy.max_age).map(|d| d.as_secs()),
            idle_timeout: session
                .idle_timeout
                .or(policy.idle_timeout)
                .map(|d| d.as_secs()),
            refresh_expires_at: None,
            data: session.data,
        };
        let pair = self.session_pair(&identity, options, &mut record, now)?;
        let key = self.identity_key(&identity)?;
        self.save_session(&key, &record).await?;
        self.event(SessionEvent::Started {
            session: record.id.clone(),
            identity: key,
        })
        .await;
        Ok(pair)
    }

    /// Mints a pair of the session (capped by its absolute end), noting the refresh token's
    /// expiry in `record`.
    fn session_pair<I: Serialize + 'static>(
        &self,
        identity: &I,
        options: TokenOptions,
        record: &mut SessionRecord,
        now: u64,
    ) -> Result<TokenPair, JwtError> {
        let access = self.capped(TokenType::Access, &options, record, now)?;
        let refresh = self.capped(TokenType::Refresh, &options, record, now)?;
        let pair = TokenPair {
            access_token: self.create_token(TokenType::Access, identity, access)?,
            refresh_token: self.create_token(
                TokenType::Refresh,
                identity,
                TokenOptions {
                    fresh: crate::token::Fresh::No,
                    ..refresh.clone()
                },
            )?,
        };
        let refresh_lifetime = match refresh.expires_delta {
            Some(Expiry::After(d)) => Some(d),
            Some(Expiry::Never) => None,
            None => match self.0.config.refresh_token_expires {
                Expiry::After(d) => Some(d),
                Expiry::Never => None,
            },
        };
        // As the token's `exp` was computed: floor(now + lifetime).
        let _ = now;
        record.refresh_expires_at =
            refresh_lifetime.map(|d| self.now().checked_add(d).map_or(u64::MAX, |t| t.as_secs()));
        Ok(pair)
    }

    /// The options of one token of the session: its id and login time, and a lifetime that
    /// ends no later than the session's absolute end.
    fn capped(
        &self,
        token_type: TokenType,
        options: &TokenOptions,
        record: &SessionRecord,
        now: u64,
    ) -> Result<TokenOptions, JwtError> {
        let configured = match token_type {
            TokenType::Access => self.0.config.access_token_expires,
            TokenType::Refresh => self.0.config.refresh_token_expires,
        };
        let lifetime = options.expires_delta.unwrap_or(configured);
        let expires_delta = match record.absolute_end() {
            None => lifetime,
            Some(end) => {
                let _ = now;
                let left = Duration::from_secs(end).saturating_sub(self.now());
                match lifetime {
                    Expiry::After(d) if d <= left => Expiry::After(d),
                    _ if left.is_zero() => return Err(expired(&Claims::default())),
                    _ => Expiry::After(left),
                }
            }
        };
        let mut claims = match options.additional_claims.clone() {
            Some(Value::Object(m)) => m,
            _ => Map::new(),
        };
        claims.insert(AUTH_TIME_CLAIM.to_owned(), Value::from(record.created_at));
        Ok(TokenOptions {
            expires_delta: Some(expires_delta),
            additional_claims: Some(Value::Object(claims)),
            family: Some(record.id.clone()),
            ..options.clone()
        })
    }

    /// The identity's form in the store, from the identity as tokens are made from it.
    fn identity_key<I: Serialize + 'static>(&self, identity: &I) -> Result<String, JwtError> {
        let value = self.identity_claim_value(identity)?;
        Ok(crate::manager::canonical_identity(&value))
    }

    /// The session of a verified token of it (its `fam`, under its identity), if it is
    /// still kept.
    async fn session_of(
        &self,
        claims: &Claims,
    ) -> Result<Option<(String, SessionRecord)>, JwtError> {
        let Some(id) = claims.get_str(FAMILY_CLAIM) else {
            return Ok(None);
        };
        let Some(identity) = self.identity_of(claims) else {
            return Ok(None);
        };
        let sessions = self.load_sessions(&identity).await?;
        Ok(sessions
            .into_iter()
            .find(|s| s.id == id)
            .map(|s| (identity, s)))
    }

    /// For a refresh of a session (plain or rotated): the session must be live; its
    /// `last_seen_at` moves to now. A session past its end is ended (401 `Session expired`);
    /// one no longer kept was ended (401 `Token has been revoked`). Tokens without
    /// `auth_time` are not of a session: nothing to do.
    pub(crate) async fn touch_session(
        &self,
        refresh: &Claims,
    ) -> Result<Option<(String, SessionRecord)>, JwtError> {
        if self.0.sessions.is_none() || refresh.get(AUTH_TIME_CLAIM).is_none() {
            return Ok(None);
        }
        let Some((identity, mut record)) = self.session_of(refresh).await? else {
            return Err(revoked(refresh));
        };
        let now = self.now().as_secs();
        if record.has_ended(now) {
            let why = match record.max_age {
                Some(m) if now >= record.created_at.saturating_add(m) => SessionEnd::MaxAge,
                _ => SessionEnd::Idle,
            };
            self.end(&identity, &record.id, why).await?;
            return Err(expired(refresh));
        }
        record.last_seen_at = now;
        Ok(Some((identity, record)))
    }

    /// A refresh of a session: an access token of the same session (`fam` and `auth_time`
    /// kept, `exp` capped by its absolute end), and `last_seen_at` moved to now. A session
    /// past its end answers 401 `Session expired` and is ended.
    pub async fn refresh_session<I: Serialize + 'static>(
        &self,
        refresh: &Claims,
        identity: I,
        options: TokenOptions,
    ) -> Result<String, JwtError> {
        self.policy()?;
        if refresh.token_type() != Some("refresh") {
            return Err(JwtError::new(ErrorKind::WrongToken(
                "Only refresh tokens are allowed".into(),
            )));
        }
        let Some((key, mut record)) = self.touch_session(refresh).await? else {
            return Err(revoked(refresh));
        };
        let now = record.last_seen_at;
        let access = self.capped(TokenType::Access, &options, &record, now)?;
        let token = self.create_token(TokenType::Access, &identity, access)?;
        // The refresh token's expiry stays that of the one presented.
        record.refresh_expires_at = refresh
            .exp()
            .map(|e| e as u64)
            .or(record.refresh_expires_at);
        if !self.update_session(&key, &record).await? {
            // Ended while this refresh ran.
            return Err(revoked(refresh));
        }
        self.event(SessionEvent::Refreshed {
            session: record.id,
            identity: key,
        })
        .await;
        Ok(token)
    }

    /// A rotation of a session's refresh token: a new pair of the same session.
    pub(crate) async fn rotate_session<I: Serialize + 'static>(
        &self,
        identity: &I,
        options: TokenOptions,
        key: String,
        mut record: SessionRecord,
    ) -> Result<TokenPair, JwtError> {
        let now = record.last_seen_at;
        let pair = self.session_pair(identity, options, &mut record, now)?;
        if !self.update_session(&key, &record).await? {
            // Ended while this rotation ran: the new pair's family is revoked already.
            return Err(revoked_id(&record.id));
        }
        self.event(SessionEvent::Refreshed {
            session: record.id,
            identity: key,
        })
        .await;
        Ok(pair)
    }

    /// The live sessions of the identity of `claims`, newest first; `current` marks the
    /// session of `claims`. One store round trip.
    pub async fn sessions_of(&self, claims: &Claims) -> Result<Vec<Session>, JwtError> {
        self.policy()?;
        let Some(identity) = self.identity_of(claims) else {
            return Ok(Vec::new());
        };
        let now = self.now().as_secs();
        let current = claims.get_str(FAMILY_CLAIM);
        let mut sessions: Vec<Session> = self
            .load_sessions(&identity)
            .await?
            .into_iter()
            .filter(|s| !s.has_ended(now))
            .map(|s| Session {
                current: current == Some(s.id.as_str()),
                expires_at: s.ends_at(),
                id: s.id,
                created_at: s.created_at,
                last_seen_at: s.last_seen_at,
                data: s.data,
            })
            .collect();
        sessions.sort_by(|a, b| {
            b.created_at
                .cmp(&a.created_at)
                .then_with(|| b.id.cmp(&a.id))
        });
        Ok(sessions)
    }

    /// Ends the session `id` of the identity of `claims`: every access and refresh token of
    /// it is refused from now on, on every instance sharing the store. `false` when the
    /// identity has no such live session (unknown, ended, or another identity's).
    pub async fn end_session(&self, claims: &Claims, id: &str) -> Result<bool, JwtError> {
        self.policy()?;
        let Some(identity) = self.identity_of(claims) else {
            return Ok(false);
        };
        let now = self.now().as_secs();
        let live = self
            .load_sessions(&identity)
            .await?
            .into_iter()
            .any(|s| s.id == id && !s.has_ended(now));
        if !live {
            return Ok(false);
        }
        let why = if claims.get_str(FAMILY_CLAIM) == Some(id) {
            SessionEnd::Logout
        } else {
            SessionEnd::EndedByUser
        };
        self.end(&identity, id, why).await?;
        Ok(true)
    }

    /// Ends every other live session of the identity of `claims`; the session of `claims`
    /// keeps working. Says how many were ended.
    pub async fn end_other_sessions(&self, claims: &Claims) -> Result<usize, JwtError> {
        self.policy()?;
        let Some(identity) = self.identity_of(claims) else {
            return Ok(0);
        };
        let current = claims.get_str(FAMILY_CLAIM);
        let now = self.now().as_secs();
        let mut ended = 0;
        for s in self.load_sessions(&identity).await? {
            if Some(s.id.as_str()) == current {
                continue;
            }
            if s.has_ended(now) {
                self.forget(&identity, &s.id).await?;
                continue;
            }
            self.end(&identity, &s.id, SessionEnd::OthersEnded).await?;
            ended += 1;
        }
        Ok(ended)
    }

    /// Ends the session of `claims` (logout): its tokens are refused from now on.
    pub async fn end_current_session(&self, claims: &Claims) -> Result<(), JwtError> {
        self.policy()?;
        match (
            self.identity_of(claims),
            claims.get_str(FAMILY_CLAIM),
            claims.get(AUTH_TIME_CLAIM).is_some(),
        ) {
            // A session's token: the session ends (its family revoked, whatever the
            // revocation quota says), and it is no longer listed.
            (Some(identity), Some(id), true) => self.end(&identity, id, SessionEnd::Logout).await,
            _ => self.revoke_login(claims).await,
        }
    }

    /// Ends every session of the identity of `claims`, and revokes every token of it issued
    /// so far.
    pub async fn end_all_sessions(&self, claims: &Claims) -> Result<(), JwtError> {
        self.policy()?;
        let Some(identity) = self.identity_of(claims) else {
            return Ok(());
        };
        let value = claims
            .get(&self.0.config.identity_claim)
            .cloned()
            .unwrap_or(Value::Null);
        self.revoke_all_tokens_of(&value, self.now().as_secs())
            .await?;
        for s in self.load_sessions(&identity).await? {
            self.end(&identity, &s.id, SessionEnd::AllEnded).await?;
        }
        Ok(())
    }

    /// Ends a session: revokes its family, then forgets it.
    pub(crate) async fn end(
        &self,
        identity: &str,
        id: &str,
        why: SessionEnd,
    ) -> Result<(), JwtError> {
        self.revoke_family_id(Some(identity), id).await?;
        self.forget(identity, id).await?;
        self.ended(identity, id, why).await;
        Ok(())
    }

    async fn ended(&self, identity: &str, id: &str, why: SessionEnd) {
        self.event(SessionEvent::Ended {
            session: id.to_owned(),
            identity: identity.to_owned(),
            why,
        })
        .await;
    }

    /// Tells the log and the app's hook of a session event.
    pub(crate) async fn event(&self, event: SessionEvent) {
        crate::log::session_event(&event);
        if let Some(hook) = &self.0.loaders.session_event {
            hook(event).await;
        }
    }
}

impl JwtManager {
    /// An expired refresh token of a session whose end has come (its tokens expire with
    /// it): the session is ended, and the answer is `Session expired`. Any other error is
    /// returned as it is.
    pub(crate) async fn session_expiry(&self, err: JwtError) -> JwtError {
        let ErrorKind::Expired(parts) = err.kind() else {
            return err;
        };
        let claims = &parts.claims.clone();
        if self.0.sessions.is_none()
            || claims.token_type() != Some("refresh")
            || claims.get(AUTH_TIME_CLAIM).is_none()
        {
            return err;
        }
        let now = self.now().as_secs();
        match self.session_of(claims).await {
            Ok(Some((identity, record))) if record.has_ended(now) => {
                let why = match record.absolute_end() {
                    Some(end) if now >= end => SessionEnd::MaxAge,
                    _ => SessionEnd::Idle,
                };
                match self.end(&identity, &record.id, why).await {
                    Ok(()) => expired(claims),
                    Err(e) => e,
                }
            }
            _ => err,
        }
    }
}

impl JwtManager {
    /// A rotated refresh token of a session came back: tell, then the session is over.
    pub(crate) async fn session_reused(&self, identity: &str, id: &str) {
        self.event(SessionEvent::ReuseDetected {
            session: id.to_owned(),
            identity: identity.to_owned(),
        })
        .await;
        self.ended(identity, id, SessionEnd::Reuse).await;
    }
}

impl JwtManager {
    /// For an implicit refresh of an access token: its session (if it has one) must be
    /// live, moves its `last_seen_at`, and caps the new token's lifetime by its absolute
    /// end. `Ok(None)`: no session, the configured lifetime.
    pub(crate) async fn implicit_session(
        &self,
        claims: &Claims,
    ) -> Result<Option<Duration>, JwtError> {
        let Some((key, record)) = self.touch_session(claims).await? else {
            return Ok(None);
        };
        let now = record.last_seen_at;
        let lifetime = match self.0.config.access_token_expires {
            Expiry::After(d) => Some(d),
            Expiry::Never => None,
        };
        let capped = match record.absolute_end() {
            None => lifetime,
            Some(end) => {
                let left = Duration::from_secs(end.saturating_sub(now));
                if left.is_zero() {
                    return Err(expired(claims));
                }
                Some(lifetime.map_or(left, |l| l.min(left)))
            }
        };
        if !self.update_session(&key, &record).await? {
            return Err(revoked(claims));
        }
        self.event(SessionEvent::Refreshed {
            session: record.id,
            identity: key,
        })
        .await;
        Ok(capped)
    }
}
