//! Attribute macros of [axum-jwt-extended](https://docs.rs/axum-jwt-extended). Use them
//! through that crate: they expand to calls into its runtime through a hidden path.
//!
//! Each macro lives in its own module; they parse their arguments with `syn::meta::parser`,
//! collect every mistake with its span, and on an error still emit the item (a loader under
//! the signature the builder expects) so that IDEs keep working. They judge no type by its
//! name: types are checked by the compiler, against the runtime's own traits.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod common;
mod jwt_required;
mod loader;

use proc_macro::TokenStream;

/// Protects an axum handler, as flask-jwt-extended's `@jwt_required()` protects a view.
///
/// Options: `optional`, `fresh`, `refresh`, `verify_type = false`, `skip_revocation_check`,
/// `locations = "cookies"` or `locations = ["cookies", "headers"]`, `state = AppState`,
/// `crate = path`. See the facade crate's documentation for examples.
#[proc_macro_attribute]
pub fn jwt_required(attr: TokenStream, item: TokenStream) -> TokenStream {
    jwt_required::expand(attr.into(), item.into()).into()
}

macro_rules! loader_attributes {
    ($($name:ident => $doc:literal,)*) => {$(
        #[doc = $doc]
        ///
        /// Checks the shape of the signature; the types (under any alias or path) are checked
        /// by the compiler, with errors at the types written. Register the function by name
        /// on `JwtManager::builder(config)`. See the facade crate's documentation.
        #[proc_macro_attribute]
        pub fn $name(attr: TokenStream, item: TokenStream) -> TokenStream {
            loader::expand(loader::kind(stringify!($name)), attr.into(), item.into()).into()
        }
    )*};
}

loader_attributes! {
    user_identity_loader => "`@jwt.user_identity_loader`: `fn(&T) -> V`, the identity claim of new tokens.",
    additional_claims_loader => "`@jwt.additional_claims_loader`: `fn(&T) -> serde_json::Value`, extra claims of new tokens.",
    additional_headers_loader => "`@jwt.additional_headers_loader`: `fn(&T) -> serde_json::Value`, extra header members of new tokens.",
    encode_key_loader => "`@jwt.encode_key_loader`: `fn(&T) -> Key`, the signing key for an identity.",
    decode_key_loader => "`@jwt.decode_key_loader`: `fn(&JwtHeader, &Claims) -> Key`, the verifying key of a token.",
    token_in_blocklist_loader => "`@jwt.token_in_blocklist_loader`: `(async) fn(&JwtHeader, &Claims) -> bool` (true = revoked).",
    token_verification_loader => "`@jwt.token_verification_loader`: `(async) fn(&JwtHeader, &Claims) -> bool` (false = 400).",
    user_lookup_loader => "`@jwt.user_lookup_loader`: `(async) fn(&JwtHeader, &Claims) -> Option<User>`.",
    expired_token_loader => "`@jwt.expired_token_loader`: `fn(&JwtHeader, &Claims) -> impl IntoResponse`.",
    invalid_token_loader => "`@jwt.invalid_token_loader`: `fn(&str) -> impl IntoResponse`.",
    unauthorized_loader => "`@jwt.unauthorized_loader`: `fn(&str) -> impl IntoResponse` (also CSRF errors).",
    needs_fresh_token_loader => "`@jwt.needs_fresh_token_loader`: `fn(&JwtHeader, &Claims) -> impl IntoResponse`.",
    revoked_token_loader => "`@jwt.revoked_token_loader`: `fn(&JwtHeader, &Claims) -> impl IntoResponse`.",
    token_verification_failed_loader => "`@jwt.token_verification_failed_loader`: `fn(&JwtHeader, &Claims) -> impl IntoResponse`.",
    user_lookup_error_loader => "`@jwt.user_lookup_error_loader`: `fn(&JwtHeader, &Claims) -> impl IntoResponse`.",
}
