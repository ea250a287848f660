//! The manual: how to use axum-jwt-extended, one chapter per topic. Each chapter's examples
//! are compiled and run as tests; the `examples/` folder of the repository has one runnable
//! app per page of flask-jwt-extended's documentation (its `README.md` maps them).
//!
//! 1. [Protecting routes](protecting_routes): `#[jwt_required]` and its options, the
//!    extractors, the router layer, claims checks.
//! 2. [Tokens](tokens): creating them, extra claims, typed claims, refreshing, freshness,
//!    pairs and rotation.
//! 3. [Locations and CSRF](locations_and_csrf): headers, cookies with CSRF double submit,
//!    query string, JSON body.
//! 4. [Loaders](loaders): flask-jwt-extended's callbacks, automatic user loading.
//! 5. [Stores](stores): revoking tokens in memory, Redis (standalone or cluster), SQLite or
//!    PostgreSQL, and the near cache.
//! 6. [Sessions](sessions): logins to list and end, absolute and idle lifetimes, the rotation
//!    grace window, session events.
//! 7. [Keys](keys): secrets and asymmetric keys.
//! 8. [Configuration](configuration): every `JWT_*` option, and ours.
//! 9. [Errors](errors): statuses, `JwtRejection`, response loaders, the error hook.
//! 10. [Testing](testing): the `test-util` helpers.
//! 11. [Deployment](deployment): what to set in production.

#[doc = include_str!("../docs/guide/protecting_routes.md")]
pub mod protecting_routes {}

#[doc = include_str!("../docs/guide/tokens.md")]
pub mod tokens {}

#[doc = include_str!("../docs/guide/locations_and_csrf.md")]
pub mod locations_and_csrf {}

#[doc = include_str!("../docs/guide/loaders.md")]
pub mod loaders {}

#[doc = include_str!("../docs/guide/stores.md")]
pub mod stores {}

#[doc = include_str!("../docs/guide/sessions.md")]
pub mod sessions {}

#[doc = include_str!("../docs/guide/keys.md")]
pub mod keys {}

#[doc = include_str!("../docs/guide/configuration.md")]
pub mod configuration {}

#[doc = include_str!("../docs/guide/errors.md")]
pub mod errors {}

#[doc = include_str!("../docs/guide/testing.md")]
pub mod testing {}

#[doc = include_str!("../docs/guide/deployment.md")]
pub mod deployment {}
