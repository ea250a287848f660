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
/// A request without a valid token never reaches the body; inside it, `get_jwt()`,
/// `get_jwt_identity()`, `get_jwt_header()`, `get_jwt_request_location()` and
/// `current_user()` read the verified token. The router state must give a `JwtManager`
/// (`FromRef`). The runnable examples of every option are in the facade crate's manual,
/// `axum_jwt_extended::guide::protecting_routes`.
///
/// ```text
/// #[jwt_required]
/// async fn protected() -> Result<Json<Value>, NoJwtContext> {
///     Ok(Json(json!({ "logged_in_as": get_jwt_identity()? })))
/// }
/// ```
///
/// Options (any combination, comma-separated):
///
/// - `optional` (Flask's `optional=True`): a request without a token runs the handler with no
///   identity (`get_jwt_identity()` is `Ok(None)`); a token that is present must be valid.
///
///   ```text
///   #[jwt_required(optional)]
///   async fn greet() -> Result<Json<Value>, NoJwtContext> {
///       Ok(Json(json!({ "logged_in_as": get_jwt_identity()?.unwrap_or("anonymous user".into()) })))
///   }
///   ```
/// - `fresh` (`fresh=True`): only fresh access tokens; others get 401 `Fresh token required`.
///
///   ```text
///   #[jwt_required(fresh)]
///   async fn change_password(Json(body): Json<NewPassword>) -> StatusCode { … }
///   ```
/// - `refresh` (`refresh=True`): only refresh tokens; an access token gets 422
///   `Only refresh tokens are allowed`.
///
///   ```text
///   #[jwt_required(refresh)]
///   async fn refresh(State(jwt): State<JwtManager>) -> Result<Json<Value>, NoJwtContext> { … }
///   ```
/// - `verify_type = false` (`verify_type=False`): access and refresh tokens alike, e.g. a
///   logout route that revokes whichever it is given.
///
///   ```text
///   #[jwt_required(verify_type = false)]
///   async fn logout(State(jwt): State<JwtManager>) -> Response { … jwt.revoke_token(&get_jwt()?) … }
///   ```
/// - `skip_revocation_check` (`skip_revocation_check=True`): no blocklist check.
///
///   ```text
///   #[jwt_required(skip_revocation_check)]
///   async fn status() -> &'static str { "ok" }
///   ```
/// - `max_auth_age = 300` (step-up, RFC 9470; not in flask-jwt-extended): the login must be
///   at most that many seconds old, by the token's `auth_time` (which session tokens carry),
///   whatever its `fresh` says. Otherwise 401 `A more recent login is required`
///   (`step_up_required_loader`), with `WWW-Authenticate: Bearer
///   error="insufficient_user_authentication", …, max_age=300` when `www_authenticate` is on.
///   Not a whole number from 1 up: a compile error.
///
///   ```text
///   #[jwt_required(max_auth_age = 300)]
///   async fn change_password() -> &'static str { "changed" }
///   ```
/// - `locations = "cookies"` or `locations = ["cookies", "headers"]` (`locations=[…]`): look
///   only there, whatever `JWT_TOKEN_LOCATION` says. Names: `"headers"`, `"cookies"`,
///   `"query_string"`, `"json"`; another name, a repeated one or an empty list is a compile
///   error. With `"json"`, the body is read once and still handed to your last extractor.
///
///   ```text
///   #[jwt_required(locations = "headers")]
///   async fn only_headers() -> Json<Value> { Json(json!({ "foo": "baz" })) }
///
///   #[jwt_required(locations = ["json"])]
///   async fn echo(Json(body): Json<Value>) -> Json<Value> { Json(body) }
///   ```
/// - `check = path` (Flask's custom decorators): a claims check run after verification, a
///   `fn(&Claims) -> bool` or `-> Result<(), E>`, or `async fn(Claims) -> …`; a failure is
///   403 `{"msg": …}` (E's text, or `Forbidden`).
///
///   ```text
///   fn is_admin(claims: &Claims) -> Result<(), &'static str> {
///       if claims.get("is_administrator") == Some(&Value::Bool(true)) { Ok(()) } else { Err("Admins only!") }
///   }
///
///   #[jwt_required(check = is_admin)]
///   async fn admin() -> Json<Value> { Json(json!({ "foo": "bar" })) }
///   ```
/// - `state = Type`: the router state type, for a `check` that takes a part of the state
///   (`fn(&Claims, &Db) -> …` with `Db: FromRef<Type>`). It also checks at the attribute that
///   the state holds a `JwtManager`. Without it, the state is never guessed from a `State<T>`
///   parameter (which may be a sub-state, an `Arc<AppState>` or a type parameter): rustc
///   checks the handler against the router it is routed on, as for any axum handler.
///
///   ```text
///   fn not_banned(claims: &Claims, banned: &Banned) -> bool { … }
///
///   #[jwt_required(check = not_banned, state = AppState)]
///   async fn post_comment(State(app): State<AppState>) -> StatusCode { … }
///   ```
/// - `crate = path`: where the facade crate is, if you renamed it in `Cargo.toml`.
///
///   ```text
///   #[jwt_required(crate = ::my_jwt, fresh)]
///   async fn handler() -> &'static str { "fresh" }
///   ```
#[proc_macro_attribute]
pub fn jwt_required(attr: TokenStream, item: TokenStream) -> TokenStream {
    jwt_required::expand(attr.into(), item.into()).into()
}

macro_rules! loader_attributes {
    ($($name:ident => $doc:literal, $example:literal,)*) => {$(
        #[doc = $doc]
        ///
        /// Checks the shape of the signature and leaves the function as written; the types
        /// (under any alias or path) are checked by the compiler against the builder's, with
        /// errors at the types you wrote. Register the function by name on
        /// `JwtManager::builder(config)`. Takes no options. Runnable examples are in the facade
        /// crate's manual, `axum_jwt_extended::guide::loaders`.
        ///
        /// ```text
        #[doc = $example]
        /// ```
        #[proc_macro_attribute]
        pub fn $name(attr: TokenStream, item: TokenStream) -> TokenStream {
            loader::expand(loader::kind(stringify!($name)), attr.into(), item.into()).into()
        }
    )*};
}

loader_attributes! {
    user_identity_loader => "`@jwt.user_identity_loader`: `fn(&T) -> V`, the identity claim of new tokens made from a `T`.",
    "#[user_identity_loader]\nfn identity(user: &User) -> String {\n    user.id.to_string()\n}\n\nlet jwt = JwtManager::builder(config).user_identity_loader(identity).build()?;\nlet token = jwt.create_access_token(user)?;",
    additional_claims_loader => "`@jwt.additional_claims_loader`: `fn(&T) -> serde_json::Value`, extra claims of new tokens (an object; `TokenOptions::additional_claims` wins on a tie).",
    "#[additional_claims_loader]\nfn claims(user: &User) -> Value {\n    json!({ \"roles\": user.roles })\n}\n\nJwtManager::builder(config).additional_claims_loader(claims)",
    additional_headers_loader => "`@jwt.additional_headers_loader`: `fn(&T) -> serde_json::Value`, extra header members of new tokens.",
    "#[additional_headers_loader]\nfn headers(_user: &User) -> Value {\n    json!({ \"kid\": \"key-1\" })\n}\n\nJwtManager::builder(config).additional_headers_loader(headers)",
    encode_key_loader => "`@jwt.encode_key_loader`: `fn(&T) -> Key`, the signing key for an identity.",
    "#[encode_key_loader]\nfn signing_key(user: &User) -> Key {\n    Key::Secret(user.tenant_secret.clone())\n}\n\nJwtManager::builder(config).encode_key_loader(signing_key)",
    decode_key_loader => "`@jwt.decode_key_loader`: `fn(&JwtHeader, &Claims) -> Key`, the verifying key of a token (read from its unverified header and claims).",
    "#[decode_key_loader]\nfn verifying_key(header: &JwtHeader, _claims: &Claims) -> Key {\n    KEYS.get(header.kid().unwrap_or_default()).cloned().unwrap_or(Key::Secret(DEFAULT.clone()))\n}\n\nJwtManager::builder(config).decode_key_loader(verifying_key)",
    token_in_blocklist_loader => "`@jwt.token_in_blocklist_loader`: `(async) fn(&JwtHeader, &Claims) -> bool` (true = revoked: 401 `Token has been revoked`); may return `Result<bool, E>` (an `Err` is 503).",
    "#[token_in_blocklist_loader]\nasync fn is_revoked(_header: &JwtHeader, claims: &Claims) -> bool {\n    REVOKED.lock().await.contains(claims.jti().unwrap_or_default())\n}\n\nJwtManager::builder(config).token_in_blocklist_loader(is_revoked)",
    token_verification_loader => "`@jwt.token_verification_loader`: `(async) fn(&JwtHeader, &Claims) -> bool` (false = 400 `User claims verification failed`).",
    "#[token_verification_loader]\nfn verify(_header: &JwtHeader, claims: &Claims) -> bool {\n    claims.get(\"tenant\").is_some()\n}\n\nJwtManager::builder(config).token_verification_loader(verify)",
    user_lookup_loader => "`@jwt.user_lookup_loader`: `(async) fn(&JwtHeader, &Claims) -> Option<User>` (`None` = 401 `Error loading the user …`); makes `CurrentUser<User>` available.",
    "#[user_lookup_loader]\nasync fn lookup(_header: &JwtHeader, claims: &Claims) -> Option<User> {\n    DB.find_user(claims.get_str(\"sub\")?).await\n}\n\nJwtManager::builder(config).user_lookup_loader(lookup)",
    expired_token_loader => "`@jwt.expired_token_loader`: `fn(&JwtHeader, &Claims) -> impl IntoResponse`, the answer to an expired token.",
    "#[expired_token_loader]\nfn expired(_header: &JwtHeader, _claims: &Claims) -> impl IntoResponse {\n    (StatusCode::UNAUTHORIZED, Json(json!({ \"code\": \"dave\", \"err\": \"I can't let you do that\" })))\n}\n\nJwtManager::builder(config).expired_token_loader(expired)",
    invalid_token_loader => "`@jwt.invalid_token_loader`: `fn(&str) -> impl IntoResponse`, the answer to an invalid token, given the reason.",
    "#[invalid_token_loader]\nfn invalid(reason: &str) -> impl IntoResponse {\n    (StatusCode::UNPROCESSABLE_ENTITY, Json(json!({ \"error\": reason })))\n}\n\nJwtManager::builder(config).invalid_token_loader(invalid)",
    unauthorized_loader => "`@jwt.unauthorized_loader`: `fn(&str) -> impl IntoResponse`, the answer to a request without a token (also CSRF errors), given the reason.",
    "#[unauthorized_loader]\nfn unauthorized(reason: &str) -> impl IntoResponse {\n    (StatusCode::UNAUTHORIZED, Json(json!({ \"error\": reason })))\n}\n\nJwtManager::builder(config).unauthorized_loader(unauthorized)",
    needs_fresh_token_loader => "`@jwt.needs_fresh_token_loader`: `fn(&JwtHeader, &Claims) -> impl IntoResponse`, the answer to a non-fresh token on a `fresh` route.",
    "#[needs_fresh_token_loader]\nfn needs_fresh(_header: &JwtHeader, _claims: &Claims) -> impl IntoResponse {\n    (StatusCode::UNAUTHORIZED, Json(json!({ \"error\": \"please log in again\" })))\n}\n\nJwtManager::builder(config).needs_fresh_token_loader(needs_fresh)",
    revoked_token_loader => "`@jwt.revoked_token_loader`: `fn(&JwtHeader, &Claims) -> impl IntoResponse`, the answer to a revoked token.",
    "#[revoked_token_loader]\nfn revoked(_header: &JwtHeader, claims: &Claims) -> impl IntoResponse {\n    (StatusCode::UNAUTHORIZED, Json(json!({ \"revoked\": claims.jti() })))\n}\n\nJwtManager::builder(config).revoked_token_loader(revoked)",
    token_verification_failed_loader => "`@jwt.token_verification_failed_loader`: `fn(&JwtHeader, &Claims) -> impl IntoResponse`, the answer when the token verification loader said false.",
    "#[token_verification_failed_loader]\nfn failed(_header: &JwtHeader, _claims: &Claims) -> impl IntoResponse {\n    (StatusCode::FORBIDDEN, Json(json!({ \"error\": \"wrong tenant\" })))\n}\n\nJwtManager::builder(config).token_verification_failed_loader(failed)",
    user_lookup_error_loader => "`@jwt.user_lookup_error_loader`: `fn(&JwtHeader, &Claims) -> impl IntoResponse`, the answer when the user lookup loader found no user.",
    "#[user_lookup_error_loader]\nfn no_user(_header: &JwtHeader, claims: &Claims) -> impl IntoResponse {\n    (StatusCode::UNAUTHORIZED, Json(json!({ \"unknown_user\": claims.get_str(\"sub\") })))\n}\n\nJwtManager::builder(config).user_lookup_error_loader(no_user)",
}
