//! Verifying against a remote JWK Set (`JWT_JWKS_URL`, cargo feature `jwks`).
//!
//! The set is fetched once before the manager is built, then kept fresh in the background:
//! re-fetched a little before its `Cache-Control: max-age` runs out, within a floor and a
//! ceiling. A token naming a `kid` the set lacks triggers at most one re-fetch per
//! `JWT_JWKS_UNKNOWN_KID_INTERVAL`, which the request waits for. When the issuer is down the
//! cached keys keep working. Fetches have a timeout and a size limit; only public signature
//! keys are taken (see `jwk::import`), each with its own `alg`.

use std::fmt;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::config::{Algorithm, JwtConfig};
use crate::crypto::{install_crypto_provider, Verifier};
use crate::jwk;
use crate::jwk::KidKey;
use crate::log;
use crate::token::decode::Unverified;
use crate::token::TokenError;

/// How a [`JwksClient`] fetches and refreshes its set. [`JwksOptions::from_config`] takes the
/// `JWT_JWKS_*` options; the defaults are theirs.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct JwksOptions {
    /// No re-fetch sooner than this after a fetch (default 60 s).
    pub refresh_floor: Duration,
    /// No re-fetch later than this after a fetch (default 1 day).
    pub refresh_ceiling: Duration,
    /// At most one re-fetch for unknown `kid`s per this interval (default 10 s).
    pub unknown_kid_interval: Duration,
    /// The longest one fetch may take (default 5 s).
    pub timeout: Duration,
    /// The largest document accepted (default 256 KiB).
    pub max_bytes: usize,
    /// The algorithm of a JWK without `alg`, used only when it fits the key (default RS256).
    pub fallback_algorithm: Algorithm,
}

impl Default for JwksOptions {
    fn default() -> Self {
        JwksOptions::from_config(&JwtConfig {
            algorithm: Algorithm::RS256,
            ..JwtConfig::default()
        })
    }
}

impl JwksOptions {
    /// The `JWT_JWKS_*` options of a configuration (`JWT_ALGORITHM` is the fallback algorithm).
    pub fn from_config(c: &JwtConfig) -> Self {
        JwksOptions {
            refresh_floor: c.jwks_refresh_floor,
            refresh_ceiling: c.jwks_refresh_ceiling,
            unknown_kid_interval: c.jwks_unknown_kid_interval,
            timeout: c.jwks_timeout,
            max_bytes: c.jwks_max_bytes,
            fallback_algorithm: c.algorithm,
        }
    }
}

/// A JWK Set could not be fetched or used: what went wrong, and (for a transport or parse
/// failure) the underlying error as the `source()`.
#[derive(Debug, Clone)]
pub struct JwksError {
    message: String,
    source: Option<Arc<dyn std::error::Error + Send + Sync>>,
}

impl JwksError {
    fn new(message: String) -> Self {
        JwksError {
            message,
            source: None,
        }
    }

    /// `message` (which already names the cause's text), caused by `source`.
    fn caused_by(message: String, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        JwksError {
            message,
            source: Some(Arc::new(source)),
        }
    }
}

impl fmt::Display for JwksError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for JwksError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

struct Shared {
    url: String,
    /// [`shown_url`] of `url`: what messages and logs name.
    shown: String,
    options: JwksOptions,
    http: reqwest::Client,
    keys: RwLock<Arc<[KidKey]>>,
    /// Serializes the re-fetches for unknown `kid`s; the time of the last one.
    unknown_gate: tokio::sync::Mutex<Option<Instant>>,
}

/// A remote JWK Set, fetched and kept fresh. Cheap to clone. Give it to
/// [`JwtManagerBuilder::jwks_client`](crate::JwtManagerBuilder::jwks_client), or let
/// [`build_async`](crate::JwtManagerBuilder::build_async) make one from `JWT_JWKS_URL`.
///
/// Protected routes re-fetch the set for a token naming an unknown `kid` (and wait for it);
/// the synchronous [`JwtManager::decode_token`](crate::JwtManager::decode_token) uses the keys
/// as last fetched.
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use axum_jwt_extended_runtime::{JwksClient, JwtConfig, JwtManager};
///
/// let keys = JwksClient::fetch("https://issuer.example/.well-known/jwks.json").await?;
/// let jwt = JwtManager::builder(JwtConfig::default()).jwks_client(keys).build()?;
/// # let _ = jwt; Ok(()) }
/// ```
#[derive(Clone)]
pub struct JwksClient(Arc<Shared>);

impl fmt::Debug for JwksClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwksClient")
            .field("url", &self.0.shown)
            .field("kids", &self.kids())
            .finish_non_exhaustive()
    }
}

/// A key of the remote set a token selected (the set as it was then).
pub(crate) struct Selected {
    set: Arc<[KidKey]>,
    index: usize,
}

impl Selected {
    pub(crate) fn verifier(&self) -> &Verifier {
        &self.set[self.index].verifiers[0].1
    }
}

impl JwksClient {
    /// Fetches the JWK Set at `url` with the default [`JwksOptions`].
    pub async fn fetch(url: &str) -> Result<JwksClient, JwksError> {
        JwksClient::fetch_with(url, JwksOptions::default()).await
    }

    /// Fetches the JWK Set at `url`, then keeps it fresh in the background (on the current
    /// tokio runtime; the task ends when the last clone of the client is dropped). The first
    /// fetch must succeed and yield at least one usable key.
    pub async fn fetch_with(url: &str, options: JwksOptions) -> Result<JwksClient, JwksError> {
        install_crypto_provider();
        let http = reqwest::Client::builder()
            .timeout(options.timeout)
            .connect_timeout(options.timeout)
            .redirect(same_origin_redirects())
            .tls_backend_preconfigured(tls_config()?)
            .build()
            .map_err(|e| JwksError::caused_by(format!("cannot make an HTTP client: {e}"), e))?;
        let shared = Arc::new(Shared {
            url: url.to_owned(),
            shown: shown_url(url),
            options,
            http,
            keys: RwLock::new(Arc::from(Vec::new())),
            unknown_gate: tokio::sync::Mutex::new(None),
        });
        let (keys, next) = shared.fetch().await?;
        shared.replace(keys);
        spawn_refresher(&shared, next);
        Ok(JwksClient(shared))
    }

    /// The `kid`s of the set as last fetched.
    pub fn kids(&self) -> Vec<String> {
        self.0
            .snapshot()
            .iter()
            .map(|k| k.kid.to_string())
            .collect()
    }

    /// Fetches the set now (whatever the intervals), replacing the cached keys on success. A
    /// set that cannot be fetched, or yields no usable key, leaves the cached keys in use.
    pub async fn refresh(&self) -> Result<(), JwksError> {
        let (keys, _) = self.0.fetch().await?;
        self.0.replace(keys);
        Ok(())
    }

    /// The key named `kid`, whose algorithm the token's `alg` must be.
    pub(crate) fn select(&self, kid: &str, token: &Unverified<'_>) -> Result<Selected, TokenError> {
        let set = self.0.snapshot();
        let index = set
            .iter()
            .position(|k| *k.kid == *kid)
            .ok_or(TokenError::UnknownKid)?;
        set[index].select(token)?;
        Ok(Selected { set, index })
    }

    /// A token named `kid`, which the set lacks: re-fetch, unless another request did just now
    /// or one did within the unknown-`kid` interval. Waits for the re-fetch in flight.
    pub(crate) async fn refresh_for_unknown_kid(&self, kid: &str) {
        let mut last = self.0.unknown_gate.lock().await;
        if self.0.snapshot().iter().any(|k| *k.kid == *kid) {
            return;
        }
        if last.is_some_and(|t| t.elapsed() < self.0.options.unknown_kid_interval) {
            return;
        }
        *last = Some(Instant::now());
        match self.0.fetch().await {
            Ok((keys, _)) => self.0.replace(keys),
            Err(e) => log::jwks_warning(&format!("re-fetch for an unknown kid failed: {e}")),
        }
    }
}

impl Shared {
    fn snapshot(&self) -> Arc<[KidKey]> {
        self.keys
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn replace(&self, keys: Vec<KidKey>) {
        *self.keys.write().unwrap_or_else(PoisonError::into_inner) = Arc::from(keys);
    }

    /// One fetch: the usable keys (at least one: a set without any is an error, so that it
    /// never replaces the cached keys), and when to fetch next. Messages name the URL without
    /// its user, password or query string.
    async fn fetch(&self) -> Result<(Vec<KidKey>, Duration), JwksError> {
        let url = &self.shown;
        let fetched = tokio::time::timeout(self.options.timeout, async {
            let mut resp = self
                .http
                .get(&self.url)
                .header(
                    reqwest::header::ACCEPT,
                    "application/jwk-set+json, application/json",
                )
                .send()
                .await
                .map_err(|e| {
                    let e = e.without_url();
                    JwksError::caused_by(format!("cannot fetch {url}: {e}"), e)
                })?;
            if !resp.status().is_success() {
                return Err(JwksError::new(format!("{url} answered {}", resp.status())));
            }
            let too_large = || {
                JwksError::new(format!(
                    "the JWK Set at {url} is larger than {} bytes",
                    self.options.max_bytes
                ))
            };
            if resp
                .content_length()
                .is_some_and(|n| n > self.options.max_bytes as u64)
            {
                return Err(too_large());
            }
            let max_age = max_age(resp.headers());
            let mut body = Vec::new();
            while let Some(chunk) = resp.chunk().await.map_err(|e| {
                let e = e.without_url();
                JwksError::caused_by(format!("cannot read {url}: {e}"), e)
            })? {
                if body.len() + chunk.len() > self.options.max_bytes {
                    return Err(too_large());
                }
                body.extend_from_slice(&chunk);
            }
            Ok((body, max_age))
        })
        .await
        .map_err(|_| JwksError::new(format!("fetching {url} timed out")))??;
        let (body, max_age) = fetched;
        let keys = self.parse(&body)?;
        if keys.is_empty() {
            return Err(JwksError::new(format!(
                "the JWK Set at {url} has no usable signature key"
            )));
        }
        let o = &self.options;
        let next = max_age
            .unwrap_or(Duration::from_secs(300))
            .mul_f64(0.9)
            .clamp(o.refresh_floor, o.refresh_ceiling);
        Ok((keys, next))
    }

    /// The usable keys of a JWK Set document; the others are skipped with a warning.
    fn parse(&self, body: &[u8]) -> Result<Vec<KidKey>, JwksError> {
        let doc: Value = serde_json::from_slice(body).map_err(|e| {
            JwksError::caused_by(format!("the JWK Set at {} is not JSON: {e}", self.shown), e)
        })?;
        let list = doc.get("keys").and_then(Value::as_array).ok_or_else(|| {
            JwksError::new(format!(
                "the document at {} is not a JWK Set (no \"keys\" array)",
                self.shown
            ))
        })?;
        let mut keys: Vec<KidKey> = Vec::with_capacity(list.len());
        for (i, entry) in list.iter().enumerate() {
            match jwk::import(entry, self.options.fallback_algorithm) {
                Ok(k) if keys.iter().any(|have| *have.kid == *k.kid) => log::jwks_warning(
                    &format!("JWK #{i} skipped: its kid {:?} is used twice", k.kid),
                ),
                Ok(k) => keys.push(KidKey {
                    kid: k.kid.into(),
                    alg: k.alg,
                    verifiers: vec![(k.alg, Verifier::Asym(Box::new(k.key), k.alg))],
                    public: None,
                }),
                Err(why) => log::jwks_warning(&format!("JWK #{i} skipped: it {why}")),
            }
        }
        Ok(keys)
    }
}

/// `Cache-Control: max-age=N` (`no-cache` / `no-store`: zero, so the floor applies).
fn max_age(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let value = headers.get(reqwest::header::CACHE_CONTROL)?.to_str().ok()?;
    let mut found = None;
    for directive in value.split(',').map(str::trim) {
        let lower = directive.to_ascii_lowercase();
        if lower == "no-cache" || lower == "no-store" {
            return Some(Duration::ZERO);
        }
        if let Some(n) = lower.strip_prefix("max-age=") {
            found = n
                .trim_matches('"')
                .parse::<u64>()
                .ok()
                .map(Duration::from_secs);
        }
    }
    found
}

/// Redirects are followed within the set's own origin only (scheme, host and port), at most
/// three: a key set is never taken from another server.
/// TLS with rustls on ring (pure Rust, whatever provider the app installs process-wide) and
/// the platform's certificate roots.
fn tls_config() -> Result<rustls::ClientConfig, JwksError> {
    use rustls_platform_verifier::BuilderVerifierExt;
    // ring's provider is deprecated for lacking post-quantum key exchange; aws-lc-rs, which
    // has it, builds C. A JWK Set is public data, fetched over TLS for its integrity only.
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| JwksError::caused_by(format!("cannot set up TLS: {e}"), e))?
        .with_platform_verifier()
        .map(|b| b.with_no_client_auth())
        .map_err(|e| JwksError::caused_by(format!("cannot set up TLS: {e}"), e))
}

fn same_origin_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let first = attempt.previous().first().map(reqwest::Url::origin);
        if attempt.previous().len() > 3 {
            attempt.error("too many redirects")
        } else if first.as_ref() == Some(&attempt.url().origin()) {
            attempt.follow()
        } else {
            attempt.stop()
        }
    })
}

/// The URL as messages and logs show it: no user, password, query string or fragment.
fn shown_url(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut u) => {
            let _ = u.set_username("");
            let _ = u.set_password(None);
            u.set_query(None);
            u.set_fragment(None);
            u.to_string()
        }
        Err(_) => "the configured JWT_JWKS_URL".to_owned(),
    }
}

fn spawn_refresher(shared: &Arc<Shared>, first: Duration) {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        log::jwks_warning("no tokio runtime: the JWK Set will not be refreshed in the background");
        return;
    };
    let weak = Arc::downgrade(shared);
    runtime.spawn(async move {
        let mut next = first;
        loop {
            tokio::time::sleep(next).await;
            let Some(shared) = weak.upgrade() else { break };
            next = match shared.fetch().await {
                Ok((keys, next)) => {
                    shared.replace(keys);
                    next
                }
                Err(e) => {
                    log::jwks_warning(&format!("{e}; the cached keys stay in use"));
                    shared.options.refresh_floor
                }
            };
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_control() {
        let h = |v: &str| {
            let mut m = reqwest::header::HeaderMap::new();
            m.insert(reqwest::header::CACHE_CONTROL, v.parse().unwrap());
            max_age(&m)
        };
        assert_eq!(h("public, max-age=600"), Some(Duration::from_secs(600)));
        assert_eq!(h("Max-Age=5, public"), Some(Duration::from_secs(5)));
        assert_eq!(h("no-store"), Some(Duration::ZERO));
        assert_eq!(h("public"), None);
        assert_eq!(h("max-age=abc"), None);
    }
}
