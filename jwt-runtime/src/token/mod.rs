//! Tokens: creation ([`encode`]), reading ([`decode`]: one strict parse into the model of
//! [`members`]), the claim rules ([`validate`]), and the decoded [`Claims`] and [`JwtHeader`].

mod claims;
pub(crate) mod decode;
pub(crate) mod encode;
pub(crate) mod json;
pub(crate) mod members;
pub(crate) mod validate;

pub(crate) use claims::claim;
pub use claims::{Claims, JwtHeader};
pub use encode::{Fresh, TokenOptions, TokenType};
