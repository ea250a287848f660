//! Compile-time probes emitted by the loader attributes. Not public API: the facade re-exports
//! this module only as `__private::probe`, and it may change in any release.
//!
//! A loader attribute does not judge types by their names (an alias or a re-export is as good
//! as the original). It names the types the user wrote in calls to the functions below, each
//! spanned at that type, so that a mistake is reported by the compiler at the parameter or
//! return type, with the fix in the `on_unimplemented` message of the trait it misses.

use axum::response::IntoResponse;

use serde_json::Value;

use super::LoaderOutput;
use crate::crypto::Key;
use crate::token::{Claims, JwtHeader};

/// `serde_json::Value`, for expansions in crates that may not depend on serde_json. (An alias,
/// not a re-export, so that diagnostics keep naming it `serde_json::Value`.)
pub type JsonValue = Value;

/// The header parameter of a loader on a token: `&JwtHeader`.
#[diagnostic::on_unimplemented(
    message = "this parameter is the token's header, `&JwtHeader`, not `{Self}`",
    label = "write `&JwtHeader` (or any alias or path of it)",
    note = "loaders on a token take `(jwt_header: &JwtHeader, jwt_payload: &Claims)`, in Flask's order, both as shared references"
)]
pub trait HeaderParam<'a> {
    /// The parameter, from the header.
    fn from_header(header: &'a JwtHeader) -> Self;
}

impl<'a> HeaderParam<'a> for &'a JwtHeader {
    fn from_header(header: &'a JwtHeader) -> Self {
        header
    }
}

/// The payload parameter of a loader on a token: `&Claims`.
#[diagnostic::on_unimplemented(
    message = "this parameter is the token's payload, `&Claims`, not `{Self}`",
    label = "write `&Claims` (or any alias or path of it)",
    note = "loaders on a token take `(jwt_header: &JwtHeader, jwt_payload: &Claims)`, in Flask's order, both as shared references"
)]
pub trait ClaimsParam<'a> {
    /// The parameter, from the payload.
    fn from_claims(claims: &'a Claims) -> Self;
}

impl<'a> ClaimsParam<'a> for &'a Claims {
    fn from_claims(claims: &'a Claims) -> Self {
        claims
    }
}

/// The parameter of `invalid_token_loader` and `unauthorized_loader`: `&str`.
#[diagnostic::on_unimplemented(
    message = "this parameter is the error message, `&str`, not `{Self}`",
    label = "write `&str`"
)]
pub trait ReasonParam<'a> {
    /// The parameter, from the message.
    fn from_reason(reason: &'a str) -> Self;
}

impl<'a> ReasonParam<'a> for &'a str {
    fn from_reason(reason: &'a str) -> Self {
        reason
    }
}

/// The parameter of the loaders called when a token is created: `&T`.
#[diagnostic::on_unimplemented(
    message = "this parameter borrows the identity passed to `create_access_token`, it is not `{Self}`",
    label = "take the identity by shared reference, e.g. `&User`"
)]
pub trait IdentityParam {}

impl<T: ?Sized> IdentityParam for &T {}

/// What a `user_identity_loader` returns: anything `Into<serde_json::Value>`.
#[diagnostic::on_unimplemented(
    message = "a user_identity_loader returns the identity claim as JSON, and `{Self}` is not `Into<serde_json::Value>`",
    label = "not convertible to a JSON value",
    note = "return e.g. a `String`, a number or a `serde_json::Value`"
)]
pub trait IdentityClaim {}

#[diagnostic::do_not_recommend]
impl<T: Into<Value>> IdentityClaim for T {}

/// What an additional claims or headers loader returns: a `serde_json::Value` object.
#[diagnostic::on_unimplemented(
    message = "this loader returns a `serde_json::Value` object, not `{Self}`",
    label = "write `serde_json::Value` (and return e.g. `json!({{ \"key\": value }})`)"
)]
pub trait JsonObject {}

impl JsonObject for Value {}

/// What a key loader returns: a [`Key`].
#[diagnostic::on_unimplemented(
    message = "a key loader returns a `Key`, not `{Self}`",
    label = "write `Key` (e.g. `Key::Secret(…)`)"
)]
pub trait KeyOutput {}

impl KeyOutput for Key {}

/// What an error-response loader returns: anything `IntoResponse`.
#[diagnostic::on_unimplemented(
    message = "this loader returns the error response, and `{Self}` is not `IntoResponse`",
    label = "not a response",
    note = "return e.g. `(StatusCode, Json<Value>)` or `impl IntoResponse`, or implement `IntoResponse` for `{Self}`"
)]
pub trait ResponseOutput {}

#[diagnostic::do_not_recommend]
impl<T: IntoResponse> ResponseOutput for T {}

/// Passes the header on as the loader's parameter type, if that is `&JwtHeader`.
#[inline(always)]
pub fn header<'a, T: HeaderParam<'a>>(header: &'a JwtHeader) -> T {
    T::from_header(header)
}

/// Passes the payload on as the loader's parameter type, if that is `&Claims`.
#[inline(always)]
pub fn claims<'a, T: ClaimsParam<'a>>(claims: &'a Claims) -> T {
    T::from_claims(claims)
}

/// Passes the message on as the loader's parameter type, if that is `&str`.
#[inline(always)]
pub fn reason<'a, T: ReasonParam<'a>>(reason: &'a str) -> T {
    T::from_reason(reason)
}

/// Checks an identity parameter.
#[inline(always)]
pub fn identity<T: IdentityParam>() {}

/// Checks a `user_identity_loader`'s return type.
#[inline(always)]
pub fn identity_claim<R: IdentityClaim>() {}

/// Checks an additional claims or headers loader's return type.
#[inline(always)]
pub fn json_object<R: JsonObject>() {}

/// Checks a key loader's return type.
#[inline(always)]
pub fn key<R: KeyOutput>() {}

/// Checks a blocklist or verification loader's return type.
#[inline(always)]
pub fn verdict<R: LoaderOutput<bool>>() {}

/// Checks a `user_lookup_loader`'s return type.
#[inline(always)]
pub fn user<U, R: LoaderOutput<Option<U>>>() {}

/// Checks an error-response loader's return type.
#[inline(always)]
pub fn response<R: ResponseOutput>() {}
