//! flask-jwt-extended's refreshing recipes, built in:
//!
//! - `rotation`: a login's tokens share a family id (claim `fam`); every refresh revokes the
//!   refresh token it used and mints a new pair; a rotated refresh token that comes back
//!   revokes the whole family ([`JwtManager::rotate_refresh_token`](crate::JwtManager::rotate_refresh_token)),
//!   and logout can revoke the whole login ([`JwtManager::revoke_login`](crate::JwtManager::revoke_login)).
//! - `implicit`: a layer that gives cookie clients a new access cookie when theirs is about
//!   to expire ([`ImplicitRefreshLayer`](crate::ImplicitRefreshLayer)).

mod implicit;
mod rotation;

pub use implicit::{ImplicitRefreshLayer, ImplicitRefreshService, NoImplicitRefresh};
pub use rotation::TokenPair;
