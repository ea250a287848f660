//! Tokens: creation ([`encode`]), reading ([`decode`]: one strict parse into the model of
//! [`members`]), the claim rules ([`validate`]), and the decoded [`Claims`] and [`JwtHeader`].

mod claims;
pub(crate) mod decode;
pub(crate) mod encode;
pub(crate) mod json;
pub(crate) mod members;
pub(crate) mod validate;

pub(crate) use claims::claim;

/// Why a token could not be read, verified or made. Plain data of the token layer; the
/// manager turns it into a `JwtError` with Flask's status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TokenError {
    /// Any invalid token (PyJWT's `InvalidTokenError` family, 422).
    Invalid(String),
    /// A claim flask-jwt-extended requires is missing (`JWTDecodeError`, 422).
    MissingClaim(String),
    /// A token could not be made (500: a mistake of the application).
    Encode(String),
    /// The token's `kid` names no key the manager knows (422, [`UNKNOWN_KID`]). Typed so that
    /// a remote JWK Set can be re-fetched for it without reading a message.
    UnknownKid,
}

/// The message of a token whose `kid` names no key of the manager (422).
pub(crate) const UNKNOWN_KID: &str = "Unknown key id";

/// Shorthand for [`TokenError::Invalid`].
pub(crate) fn invalid(msg: impl Into<String>) -> TokenError {
    TokenError::Invalid(msg.into())
}
pub use claims::{Claims, JwtHeader};

/// Claims with a meaning of their own, which `JWT_IDENTITY_CLAIM` must not name.
pub(crate) const RESERVED_CLAIMS: [&str; 11] = [
    "iat",
    "nbf",
    "exp",
    "iss",
    "aud",
    "jti",
    "type",
    "fresh",
    "csrf",
    FAMILY_CLAIM,
    AUTH_TIME_CLAIM,
];

/// The claim that carries a login's family id. Absent unless the tokens were made by
/// `create_token_pair` or `rotate_refresh_token`.
pub const FAMILY_CLAIM: &str = "fam";

/// The claim that carries a session's login time (RFC 9470, seconds since the epoch). Absent
/// unless the tokens were made by `start_session` and the refreshes of its session.
pub const AUTH_TIME_CLAIM: &str = "auth_time";
pub use encode::{Fresh, TokenOptions, TokenType};
