//! Errors, with the status and message flask-jwt-extended gives for each case.
//!
//! Every failure of a protected request is one [`JwtError`]. It renders as
//! `{"msg": "…"}` (the key follows `JWT_ERROR_MESSAGE_KEY`) with Flask's status, unless a
//! response loader registered on the `JwtManager` answers instead.

use std::fmt;
use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::config::Location;
use crate::token::{Claims, JwtHeader, TokenError};

/// What went wrong, one variant per flask-jwt-extended exception (plus the cases where Flask
/// answers 500 and we answer a clear 4xx or 503).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// No token was found in any configured location (`NoAuthorizationError`, 401).
    NoAuthorization(String),
    /// The CSRF double-submit check failed (`CSRFError`, 401).
    Csrf(String),
    /// The token header had the wrong shape (`InvalidHeaderError`, 422).
    InvalidHeader(String),
    /// The query-string value lacked the configured prefix (`InvalidQueryParamError`, 422).
    InvalidQueryParam(String),
    /// A claim flask-jwt-extended requires is missing (`JWTDecodeError`, 422).
    Decode(String),
    /// An access token where a refresh token was required, or the reverse (`WrongTokenError`, 422).
    WrongToken(String),
    /// Any other invalid token: structure, signature, algorithm, claims (PyJWT's
    /// `InvalidTokenError` family, 422).
    InvalidToken(String),
    /// The token has expired (401). Carries the verified header and claims for
    /// `expired_token_loader`.
    Expired(Box<TokenParts>),
    /// A fresh token was required (401).
    FreshTokenRequired(Box<TokenParts>),
    /// The token is in the blocklist (401).
    Revoked(Box<TokenParts>),
    /// A refresh token that was already rotated came back (401): its whole login (family) is
    /// now revoked. Rendered by `revoked_token_loader` when one is registered.
    RefreshReuse(Box<TokenParts>),
    /// A refresh of a session that has ended by its limits (absolute lifetime or idle
    /// timeout), 401 `Session expired`; the session is ended. Rendered by
    /// `session_expired_loader` when one is registered.
    SessionExpired(Box<TokenParts>),
    /// The route requires a recent login (`max_auth_age`, RFC 9470 step-up) and the token's
    /// `auth_time` is older, or absent (401). Carries the token's parts and the route's
    /// maximum age in seconds. Rendered by `step_up_required_loader` when one is registered.
    StepUpRequired(Box<TokenParts>, u64),
    /// `token_verification_loader` returned false (400).
    UserClaimsVerification(Box<TokenParts>),
    /// `user_lookup_loader` found no user (401).
    UserLookup(Box<TokenParts>),
    /// A claims check (`#[jwt_required(check = …)]`, `JwtLayer::check`) refused the token
    /// (403). Carries the check's message, or "Forbidden".
    ClaimsCheck(String),
    /// The claims did not deserialize into the type a typed extractor asked for (422).
    ClaimsType(String),
    /// The blocklist store failed or timed out: the request is denied (503, fail closed).
    StoreUnavailable(String),
    /// The request body was larger than the JSON location's limit (413).
    PayloadTooLarge(String),
    /// The bodies being read for the JSON location already hold their whole budget
    /// (`json_body_budget`): refused at once, nothing read (503, `Retry-After: 1`).
    Busy(String),
    /// The request body could not be used at all (400), e.g. a JSON body that is not an object.
    BadRequest(String),
    /// The body that verification needed did not arrive within `body_read_timeout` (408).
    RequestTimeout(String),
    /// Token creation failed: a claim or header that cannot be used, or a key error (500: a
    /// programming error, as Flask's TypeError).
    Encode(String),
    /// `get_jwt()` & co. used where there is no verified token, or `current_user` without a
    /// user lookup loader (500: a programming error, as Flask's RuntimeError).
    NoContext(String),
}

/// The verified header and claims of a token, attached to errors that Flask passes to a
/// response loader as `(jwt_header, jwt_payload)`.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenParts {
    /// The token's JOSE header.
    pub header: JwtHeader,
    /// The token's claims, with flask-jwt-extended's defaults applied.
    pub claims: Claims,
}

/// A failure of token handling, renderable as the response flask-jwt-extended gives.
///
/// ```
/// use axum_jwt_extended_runtime::{ErrorKind, JwtError};
/// use axum::response::IntoResponse;
///
/// let err = JwtError::new(ErrorKind::NoAuthorization("Missing Authorization Header".into()));
/// assert_eq!(err.status().as_u16(), 401);
/// assert_eq!(err.message(), "Missing Authorization Header");
/// let response = err.into_response();
/// assert_eq!(response.status(), 401);
/// ```
#[derive(Clone)]
pub struct JwtError {
    kind: ErrorKind,
    /// The message, when it is not the kind's own (the user lookup error names the identity).
    message: Option<Box<str>>,
    /// What caused a store or loader failure: logged and given by `source()`, never sent to
    /// the client.
    source: Option<Arc<dyn std::error::Error + Send + Sync>>,
    /// Where the token was found, once it was.
    location: Option<Location>,
}

impl JwtError {
    /// An error of this kind.
    pub fn new(kind: ErrorKind) -> Self {
        JwtError {
            kind,
            message: None,
            source: None,
            location: None,
        }
    }

    /// Where the token of the rejected request was found (`None` when no token was found,
    /// or the error did not come from a request).
    pub fn location(&self) -> Option<Location> {
        self.location
    }

    /// Records where the token was found.
    pub(crate) fn at(mut self, location: Location) -> Self {
        self.location = Some(location);
        self
    }

    /// Records where the token was found, if known.
    pub(crate) fn at_location(mut self, location: Option<Location>) -> Self {
        self.location = location.or(self.location);
        self
    }

    /// `user_lookup_loader` found no user: "Error loading the user <identity>".
    pub(crate) fn user_lookup(parts: Box<TokenParts>, identity_claim: &str) -> Self {
        let identity = python_str(parts.claims.get(identity_claim));
        JwtError {
            message: Some(format!("Error loading the user {identity}").into()),
            ..JwtError::new(ErrorKind::UserLookup(parts))
        }
    }

    /// A store or loader that failed: the client sees `public` (503), the cause is kept as
    /// the error's `source()` for logs.
    pub(crate) fn unavailable(
        public: &str,
        cause: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        JwtError {
            source: Some(Arc::from(cause.into())),
            ..JwtError::new(ErrorKind::StoreUnavailable(public.to_owned()))
        }
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// Consumes the error, returning its kind.
    pub fn into_kind(self) -> ErrorKind {
        self.kind
    }

    /// The status flask-jwt-extended answers for this error when no loader overrides it.
    pub fn status(&self) -> StatusCode {
        match &self.kind {
            ErrorKind::NoAuthorization(_)
            | ErrorKind::Csrf(_)
            | ErrorKind::Expired(_)
            | ErrorKind::FreshTokenRequired(_)
            | ErrorKind::Revoked(_)
            | ErrorKind::RefreshReuse(_)
            | ErrorKind::SessionExpired(_)
            | ErrorKind::StepUpRequired(..)
            | ErrorKind::UserLookup(_) => StatusCode::UNAUTHORIZED,
            ErrorKind::InvalidHeader(_)
            | ErrorKind::InvalidQueryParam(_)
            | ErrorKind::Decode(_)
            | ErrorKind::WrongToken(_)
            | ErrorKind::InvalidToken(_)
            | ErrorKind::ClaimsType(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ErrorKind::ClaimsCheck(_) => StatusCode::FORBIDDEN,
            ErrorKind::UserClaimsVerification(_) | ErrorKind::BadRequest(_) => {
                StatusCode::BAD_REQUEST
            }
            ErrorKind::StoreUnavailable(_) | ErrorKind::Busy(_) => StatusCode::SERVICE_UNAVAILABLE,
            // A mistake of the application (Flask raises TypeError: a 500), never the client's.
            ErrorKind::Encode(_) | ErrorKind::NoContext(_) => StatusCode::INTERNAL_SERVER_ERROR,
            ErrorKind::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ErrorKind::RequestTimeout(_) => StatusCode::REQUEST_TIMEOUT,
        }
    }

    /// The message flask-jwt-extended puts under `msg` for this error.
    pub fn message(&self) -> String {
        match &self.kind {
            ErrorKind::NoAuthorization(m)
            | ErrorKind::Csrf(m)
            | ErrorKind::InvalidHeader(m)
            | ErrorKind::InvalidQueryParam(m)
            | ErrorKind::Decode(m)
            | ErrorKind::WrongToken(m)
            | ErrorKind::InvalidToken(m)
            | ErrorKind::ClaimsCheck(m)
            | ErrorKind::ClaimsType(m)
            | ErrorKind::StoreUnavailable(m)
            | ErrorKind::PayloadTooLarge(m)
            | ErrorKind::Busy(m)
            | ErrorKind::BadRequest(m)
            | ErrorKind::RequestTimeout(m)
            | ErrorKind::NoContext(m)
            | ErrorKind::Encode(m) => m.clone(),
            ErrorKind::Expired(_) => "Token has expired".to_owned(),
            ErrorKind::FreshTokenRequired(_) => "Fresh token required".to_owned(),
            ErrorKind::Revoked(_) => "Token has been revoked".to_owned(),
            ErrorKind::RefreshReuse(_) => {
                "Refresh token reuse detected: every token of this login was revoked".to_owned()
            }
            ErrorKind::SessionExpired(_) => "Session expired".to_owned(),
            ErrorKind::StepUpRequired(..) => "A more recent login is required".to_owned(),
            ErrorKind::UserClaimsVerification(_) => "User claims verification failed".to_owned(),
            ErrorKind::UserLookup(parts) => match &self.message {
                Some(m) => m.to_string(),
                None => format!(
                    "Error loading the user {}",
                    python_str(parts.claims.get("sub"))
                ),
            },
        }
    }

    /// The header and claims attached to this error, if Flask attaches them.
    pub fn token_parts(&self) -> Option<&TokenParts> {
        match &self.kind {
            ErrorKind::Expired(p)
            | ErrorKind::FreshTokenRequired(p)
            | ErrorKind::Revoked(p)
            | ErrorKind::RefreshReuse(p)
            | ErrorKind::SessionExpired(p)
            | ErrorKind::StepUpRequired(p, _)
            | ErrorKind::UserClaimsVerification(p)
            | ErrorKind::UserLookup(p) => Some(p),
            _ => None,
        }
    }

    /// The default response: `{"<key>": message}` with [`status`](Self::status).
    pub fn default_response(&self, message_key: &str) -> Response {
        json_message(self.status(), message_key, &self.message())
    }
}

/// `str(value)` as Python prints it, for the user lookup message.
fn python_str(value: Option<&serde_json::Value>) -> String {
    match value {
        None | Some(serde_json::Value::Null) => "None".to_owned(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Bool(true)) => "True".to_owned(),
        Some(serde_json::Value::Bool(false)) => "False".to_owned(),
        Some(other) => other.to_string(),
    }
}

/// A JSON body `{"<key>": "<message>"}` with a status, as every default error response is.
///
/// ```
/// let response = axum_jwt_extended_runtime::json_message(
///     axum::http::StatusCode::FORBIDDEN, "msg", "Admins only!");
/// assert_eq!(response.status(), 403);
/// ```
pub fn json_message(status: StatusCode, key: &str, message: &str) -> Response {
    let mut body = serde_json::Map::with_capacity(1);
    body.insert(
        key.to_owned(),
        serde_json::Value::String(message.to_owned()),
    );
    (status, axum::Json(serde_json::Value::Object(body))).into_response()
}

impl fmt::Debug for JwtError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwtError")
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

impl fmt::Display for JwtError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for JwtError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

impl From<ErrorKind> for JwtError {
    fn from(kind: ErrorKind) -> Self {
        JwtError::new(kind)
    }
}

/// The default response, with the key `msg`. Add `JwtManager::error_layer` to your router to
/// have errors that handlers return rendered as Flask's error handlers render them (the
/// response loaders, `JWT_ERROR_MESSAGE_KEY`); the extractors and `#[jwt_required]` always
/// render their rejections that way.
impl IntoResponse for JwtError {
    fn into_response(self) -> Response {
        let mut response = self.default_response("msg");
        // For `JwtManager::error_layer`, which renders it again with the manager's loaders.
        response.extensions_mut().insert(Unrendered(self));
        response
    }
}

/// A [`JwtError`] that a handler returned, kept on its default response until
/// `JwtManager::error_layer` renders it with the manager's loaders and message key.
#[derive(Clone, Debug)]
pub(crate) struct Unrendered(pub(crate) JwtError);

impl From<TokenError> for JwtError {
    fn from(e: TokenError) -> Self {
        JwtError::new(match e {
            TokenError::Invalid(m) => ErrorKind::InvalidToken(m),
            TokenError::MissingClaim(m) => ErrorKind::Decode(m),
            TokenError::Encode(m) => ErrorKind::Encode(m),
            TokenError::UnknownKid => ErrorKind::InvalidToken(crate::token::UNKNOWN_KID.into()),
        })
    }
}
