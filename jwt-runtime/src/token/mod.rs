//! Tokens: creation ([`encode`]), decoding and verification ([`decode`]), and the decoded
//! [`Claims`] and [`JwtHeader`].

pub(crate) mod b64;
mod claims;
pub(crate) mod decode;
pub(crate) mod encode;
pub(crate) mod json;
pub(crate) mod scan;

pub use claims::{Claims, JwtHeader};
pub use encode::{Fresh, TokenOptions, TokenType};
