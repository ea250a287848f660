//! The runtime of [axum-jwt-extended](https://docs.rs/axum-jwt-extended): everything that
//! runs. Depend on the facade crate `axum-jwt-extended`, which re-exports this crate's items
//! and the attribute macros.
//!
//! Where each part lives (one concern per module; imports only run up this list, never down
//! it, and never in a circle):
//!
//! | module | what |
//! |---|---|
//! | `config/` | every `JWT_*` option ([`JwtConfig`]), from code or the environment, checked at start-up |
//! | `crypto` | keys as given ([`Key`]) and ready to sign or verify one algorithm: the leaf |
//! | `token/` | one strict parse into one model ([`Claims`], [`JwtHeader`]), the claim rules and names, creation |
//! | `jwk`, `jwks` | JWKs, thumbprints and keys selected by `kid`; a remote JWK Set kept fresh (feature `jwks`) |
//! | `keys/` | a manager's keys, built once: the signer, the verifiers, key sets, the secret checks |
//! | `blocklist/` | revocation stores ([`BlocklistStore`], [`MemoryBlocklist`], Redis, SQL) |
//! | `loaders/` | flask-jwt-extended's callback loaders, and the probes the loader attributes emit |
//! | `locations/` | where a token is: headers, cookies, query string, JSON body |
//! | `csrf` | the double submit, all of it |
//! | `check` | claims checks: `#[jwt_required(check = …)]`, [`JwtLayer::check`] |
//! | `paths`, `service` | the layers' exempt paths and their shared tower plumbing |
//! | `manager/` | [`JwtManager`]: building, creating, decoding, revoking, rendering errors |
//! | `state` | [`JwtState`]: the router state holds a manager (`Arc` states too) |
//! | `rejection` | [`JwtRejection`]: a refusal, logged and rendered at the edge |
//! | `context`, `cookies` | what handlers use: [`get_jwt`], [`set_access_cookies`] … |
//! | `pipeline/` | `verify_jwt_in_request`: the one entry into a request (`entry`), the stages (locate → token → CSRF → type, freshness → revocation → loaders), the body phase |
//! | `refresh/` | the refreshing recipes: rotation with reuse detection ([`TokenPair`]), implicit refresh of cookies ([`ImplicitRefreshLayer`]) |
//! | `guard`, `layer` | what `#[jwt_required]` expands to ([`Guard`], [`JwtBody`]); the same for a whole `Router` ([`JwtLayer`]) |
//! | `extract`, `current_user` | the claims extractors [`Jwt<C>`](Jwt) & co.; [`CurrentUser`] |
//! | `openapi/` | OpenAPI security schemes and requirements (JSON; utoipa and aide features) |
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

mod b64;
mod blocklist;
mod check;
mod clock;
mod config;
mod context;
mod cookies;
mod crypto;
mod csrf;
mod current_user;
mod error;
mod extract;
mod guard;
mod jwk;
#[cfg(feature = "jwks")]
mod jwks;
mod keys;
mod layer;
mod loaders;
mod locations;
mod log;
mod manager;
mod openapi;
mod paths;
mod pipeline;
mod refresh;
mod rejection;
mod service;
mod sessions;
mod state;
#[cfg(feature = "test-util")]
#[cfg_attr(docsrs, doc(cfg(feature = "test-util")))]
pub mod testing;
mod token;

pub use blocklist::{
    family_entry, BlocklistStore, ChangeFeed, Changes, MemoryBlocklist, NearCache,
    NearCacheOptions, SessionRecord, StoreError, TokenKeys, Verdict,
};
#[cfg(feature = "redis")]
#[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
pub use blocklist::{RedisBlocklist, RedisTimeouts};
#[cfg(any(feature = "sqlite", feature = "postgres"))]
#[cfg_attr(docsrs, doc(cfg(any(feature = "sqlite", feature = "postgres"))))]
pub use blocklist::{SqlBlocklist, SqlBlocklistOptions};
pub use check::{CheckOutcome, ClaimsCheck};
pub use clock::{Clock, FixedClock, SystemClock};
pub use config::{
    Algorithm, Audience, ConfigError, Expiry, JwtConfig, Location, PemKey, SameSite, Secret,
};
pub use context::{
    current_context, current_user, get_jwt, get_jwt_header, get_jwt_identity,
    get_jwt_request_location, spawn_with_jwt, JwtContext, NoJwtContext,
};
pub use cookies::{
    set_access_cookies, set_refresh_cookies, unset_access_cookies, unset_jwt_cookies,
    unset_refresh_cookies, CookieOptions, JwtCookies,
};
pub use crypto::{Key, KeyError};
pub use current_user::{CurrentUser, UserLookup};
pub use error::{json_message, ErrorKind, JwtError, TokenParts};
pub use extract::{FreshJwt, FromClaims, Jwt, OptionalJwt, RefreshJwt};
pub use guard::{encode_locations, flags, Guard, JwtBody};
#[cfg(feature = "jwks")]
#[cfg_attr(docsrs, doc(cfg(feature = "jwks")))]
pub use jwks::{JwksClient, JwksError, JwksOptions};
pub use layer::{JwtLayer, JwtService};
pub use loaders::{BoxFuture, LoaderError, LoaderOutput, TokenLoader};
#[cfg(feature = "utoipa")]
#[cfg_attr(docsrs, doc(cfg(feature = "utoipa")))]
pub use openapi::JwtOpenApi;
/// The redis crate this crate's [`RedisBlocklist`] is built on (cargo feature `redis`): build
/// a client or connection manager of your own with it, so that the versions match.
#[cfg(feature = "redis")]
#[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
pub use redis;
pub use refresh::{ImplicitRefreshLayer, ImplicitRefreshService, NoImplicitRefresh, TokenPair};
pub use rejection::JwtRejection;
pub use sessions::{Session, SessionEnd, SessionEvent, SessionOptions, SessionPolicy};
/// The sqlx this crate's [`SqlBlocklist`] is built on (cargo features `sqlite`, `postgres`):
/// build a pool of your own with it for `SqlBlocklist::from_sqlite_pool` or
/// `SqlBlocklist::from_pg_pool`, so that the versions match.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
#[cfg_attr(docsrs, doc(cfg(any(feature = "sqlite", feature = "postgres"))))]
pub use sqlx;
pub use state::JwtState;

/// Items the facade's macro expansions name. Not public API: may change in any release.
#[doc(hidden)]
pub mod __private {
    pub use crate::check::{run_check, CheckFuture, NoCheck, RouteCheck};
    pub use crate::context::scope;
    pub use crate::guard::{encode_locations, flags};
    pub use crate::loaders::probe;
}
pub use manager::{
    DecodeOptions, ErrorLayer, ErrorService, JwtManager, JwtManagerBuilder, RenderFuture,
    TokenIssuer, JWKS_PATH,
};
pub use token::{Claims, Fresh, JwtHeader, TokenOptions, TokenType, FAMILY_CLAIM};
