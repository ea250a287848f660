//! Refresh-token rotation with reuse detection (OWASP), and revoking a whole login
//! (flask-jwt-extended #53).
//!
//! A login made with [`JwtManager::create_token_pair`] gives its access and refresh tokens one
//! family id (claim `fam`). [`JwtManager::rotate_refresh_token`] revokes the refresh token it
//! was given — atomically, so that of two concurrent refreshes with one token exactly one
//! wins — and mints a new pair in the same family. When a refresh token that was already
//! rotated (or revoked) comes back, the request is refused with 401 and the whole family is
//! revoked: every access and refresh token of that login, unless a grace window is set
//! ([`JwtManagerBuilder::rotation_grace`](crate::JwtManagerBuilder::rotation_grace)) and the
//! token was rotated less than that long ago: then it gets a new pair in the same family.

use serde::Serialize;

use crate::error::{ErrorKind, JwtError, TokenParts};
use crate::manager::{JwtManager, Superseded};
use crate::token::encode::uuid4;
use crate::token::{Claims, Fresh, JwtHeader, TokenOptions, TokenType, FAMILY_CLAIM};

/// An access token and a refresh token of one login.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenPair {
    /// The access token.
    pub access_token: String,
    /// The refresh token.
    pub refresh_token: String,
}

impl JwtManager {
    /// A login: an access token (with `options`: `fresh`, `additional_claims`, …) and a
    /// refresh token, both carrying a new family id in the claim `fam`.
    ///
    /// ```
    /// # use axum_jwt_extended_runtime::*;
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let jwt = JwtManager::builder(JwtConfig::with_secret("a-very-long-secret-of-at-least-32-bytes!"))
    ///     .blocklist(MemoryBlocklist::new())
    ///     .build()
    ///     .unwrap();
    /// let login = jwt.create_token_pair("alice", TokenOptions::new().fresh(true)).unwrap();
    /// let refresh = jwt.decode_token(&login.refresh_token).unwrap();
    ///
    /// // `/refresh` with rotation: the used refresh token is revoked, a new pair minted.
    /// let next = jwt.rotate_refresh_token(&refresh, "alice", TokenOptions::new()).await.unwrap();
    /// assert_ne!(next.refresh_token, login.refresh_token);
    /// // The old one again: reuse. 401, and the whole login is revoked.
    /// let err = jwt.rotate_refresh_token(&refresh, "alice", TokenOptions::new()).await.unwrap_err();
    /// assert_eq!(err.status().as_u16(), 401);
    /// let newer = jwt.decode_token(&next.access_token).unwrap();
    /// assert!(jwt.is_token_revoked(&newer).await.unwrap());
    /// # }
    /// ```
    pub fn create_token_pair<I: Serialize + 'static>(
        &self,
        identity: I,
        options: TokenOptions,
    ) -> Result<TokenPair, JwtError> {
        self.pair(&identity, options, uuid4())
    }

    fn pair<I: Serialize + 'static>(
        &self,
        identity: &I,
        options: TokenOptions,
        family: String,
    ) -> Result<TokenPair, JwtError> {
        let access = TokenOptions {
            family: Some(family.clone()),
            ..options.clone()
        };
        let refresh = TokenOptions {
            family: Some(family),
            fresh: Fresh::No,
            ..options
        };
        Ok(TokenPair {
            access_token: self.create_token(TokenType::Access, identity, access)?,
            refresh_token: self.create_token(TokenType::Refresh, identity, refresh)?,
        })
    }

    /// Rotates the verified refresh token `refresh` (the claims of a `#[jwt_required(refresh)]`
    /// route): revokes it and mints a new pair in its family for `identity` (a new family if
    /// it had none). The new access token is not fresh unless `options` says so.
    ///
    /// A refresh token that was already rotated is reuse: the whole family is revoked and the
    /// answer is 401 ([`ErrorKind::RefreshReuse`]). Needs a blocklist store; the store decides
    /// the race between concurrent refreshes atomically ([`BlocklistStore::revoke_if_new`](crate::BlocklistStore::revoke_if_new)).
    pub async fn rotate_refresh_token<I: Serialize + 'static>(
        &self,
        refresh: &Claims,
        identity: I,
        options: TokenOptions,
    ) -> Result<TokenPair, JwtError> {
        if refresh.token_type() != Some("refresh") {
            return Err(JwtError::new(ErrorKind::WrongToken(
                "Only refresh tokens are allowed".into(),
            )));
        }
        let family = refresh.get_str(FAMILY_CLAIM).map(str::to_owned);
        // A session's refresh token: the session must be live, and the new pair is of it.
        let session = self.touch_session(refresh).await?;
        let grace = self.rotation_grace().filter(|_| family.is_some());
        if let Some(window) = grace {
            self.mark_rotated(refresh, window).await?;
        }
        if !self.revoke_if_new(refresh).await? {
            if grace.is_some() {
                match self.superseded(refresh).await? {
                    // Another tab's refresh, a moment ago: a pair of the same login.
                    Superseded::WithinGrace => {
                        return match session {
                            Some((key, record)) => {
                                self.rotate_session(&identity, options, key, record).await
                            }
                            None => self.pair(&identity, options, family.unwrap_or_else(uuid4)),
                        };
                    }
                    Superseded::Rotated => {}
                    // Revoked on purpose (and only now found so): refused, no reuse.
                    Superseded::No => {
                        return Err(JwtError::new(ErrorKind::Revoked(Box::new(TokenParts {
                            header: JwtHeader::default(),
                            claims: refresh.clone(),
                        }))));
                    }
                }
            }
            self.revoke_family(refresh).await?;
            if let Some((key, record)) = &session {
                self.session_reused(key, &record.id).await;
            }
            return Err(JwtError::new(ErrorKind::RefreshReuse(Box::new(
                TokenParts {
                    header: JwtHeader::default(),
                    claims: refresh.clone(),
                },
            ))));
        }
        match session {
            Some((key, record)) => self.rotate_session(&identity, options, key, record).await,
            None => self.pair(&identity, options, family.unwrap_or_else(uuid4)),
        }
    }

    /// Revokes a whole login: this token, and every token of its family when it has one
    /// (the access and refresh tokens of the same login, and all their rotations). A token
    /// without a family is revoked alone, as [`revoke_token`](Self::revoke_token) does.
    pub async fn revoke_login(&self, claims: &Claims) -> Result<(), JwtError> {
        if self.collapsed(claims).await? {
            // Past the identity's quota: its cut-off covers the whole login.
            return Ok(());
        }
        self.revoke_counted(claims).await?;
        self.revoke_family(claims).await?;
        Ok(())
    }
}
