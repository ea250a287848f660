//! Attribute macros of [axum-jwt-extended](https://docs.rs/axum-jwt-extended). Use them
//! through that crate: they expand to calls into its runtime through a hidden path.
//!
//! Each macro lives in its own module; they parse their arguments with `syn::meta::parser`,
//! collect every mistake with its span, and on an error still emit the original item so that
//! IDEs keep working.

mod common;
mod jwt_required;

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
