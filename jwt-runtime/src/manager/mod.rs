//! [`JwtManager`]: flask-jwt-extended's `JWTManager`. Holds the checked configuration, the
//! keys built once at start-up, the clock, the loaders and the blocklist store.
//!
//! One file per job: [`builder`] (configuration and loaders → a manager), `create`
//! (`create_access_token` …), `decode` (`decode_token` …, and the token stage of a request),
//! `revoke` (`revoke_token` …), `respond` (an error → the response Flask gives, through the
//! response loaders).

mod builder;
mod create;
mod decode;
mod publish;
mod quota;
mod respond;
mod revoke;

use std::fmt;
use std::sync::Arc;

pub use builder::JwtManagerBuilder;
pub use create::TokenIssuer;
pub use publish::JWKS_PATH;
pub use respond::{ErrorLayer, ErrorService, RenderFuture};
pub(crate) use revoke::{canonical_identity, Revocation, Superseded};

use crate::clock::{Clock, SystemClock};
use crate::config::{ConfigError, JwtConfig};
use crate::keys::Keys;
use crate::loaders::Loaders;

pub(crate) struct Inner {
    pub(crate) config: JwtConfig,
    pub(crate) keys: Keys,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) loaders: Loaders,
    pub(crate) blocklist: Option<revoke::Store>,
    pub(crate) csrf_methods_upper: Vec<String>,
    /// `JWT_HEADER_NAME`, parsed once.
    pub(crate) header_name: axum::http::HeaderName,
    /// `json_body_budget`, in bytes: what the JSON location's body reads hold at once.
    pub(crate) body_budget: Arc<tokio::sync::Semaphore>,
    /// Revocations per identity before they collapse into its cut-off.
    pub(crate) quota: quota::Quota,
    /// The grace window of refresh-token rotation.
    pub(crate) rotation_grace: Option<std::time::Duration>,
    /// The lifetimes of sessions, when they are on.
    pub(crate) sessions: Option<crate::config::SessionPolicy>,
}

/// The configured JWT machinery of one application: flask-jwt-extended's `JWTManager`.
///
/// Cheap to clone (an `Arc`). Put it in your router state; the guards find it through
/// `FromRef`.
///
/// ```
/// use axum_jwt_extended_runtime::{JwtConfig, JwtManager};
///
/// let jwt = JwtManager::new(JwtConfig::with_secret("a-very-long-secret-of-at-least-32-bytes!"))
///     .unwrap();
/// let token = jwt.create_access_token("alice").unwrap();
/// let claims = jwt.decode_token(&token).unwrap();
/// assert_eq!(claims.get_str("sub"), Some("alice"));
/// assert_eq!(claims.token_type(), Some("access"));
/// ```
#[derive(Clone)]
pub struct JwtManager(pub(crate) Arc<Inner>);

impl fmt::Debug for JwtManager {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwtManager")
            .field("algorithm", &self.0.keys.algorithm)
            .field("token_location", &self.0.config.token_location)
            .finish_non_exhaustive()
    }
}

impl JwtManager {
    /// A manager with this configuration and no loaders.
    pub fn new(config: JwtConfig) -> Result<JwtManager, ConfigError> {
        JwtManager::builder(config).build()
    }

    /// A builder, to register loaders, a blocklist store or a clock.
    pub fn builder(config: JwtConfig) -> JwtManagerBuilder {
        JwtManagerBuilder {
            config,
            clock: Arc::new(SystemClock),
            loaders: Loaders::default(),
            blocklist: None,
            key_id: None,
            extra_keys: Vec::new(),
            extra_jwks: Vec::new(),
            revocation_quota: Some(quota::DEFAULT_QUOTA),
            rotation_grace: None,
            sessions: None,
            #[cfg(feature = "jwks")]
            jwks: None,
        }
    }

    /// The checked configuration.
    pub fn config(&self) -> &JwtConfig {
        &self.0.config
    }

    /// "Now" by the manager's clock.
    pub fn now(&self) -> std::time::Duration {
        self.0.clock.now()
    }

    pub(crate) fn now_f64(&self) -> f64 {
        self.0.clock.now().as_secs_f64()
    }

    /// Whether a user lookup loader is registered (so `current_user` can work).
    pub fn has_user_lookup_loader(&self) -> bool {
        self.0.loaders.user_lookup.is_some()
    }
}

/// Options of [`JwtManager::decode_token_with`].
#[derive(Debug, Clone, Copy, Default)]
pub struct DecodeOptions<'a> {
    /// `csrf_value`: when set, the token's `csrf` claim must equal it.
    pub csrf_value: Option<&'a str>,
    /// `allow_expired`: skip only the `exp` check.
    pub allow_expired: bool,
}
