//! flask-jwt-extended's own test suite, ported file for file: `upstream/<name>.rs` ports
//! `tests/test_<name>.py` of flask-jwt-extended 4.7.1, each upstream test under its own name,
//! plus the matching rows of the error matrix observed in Flask. `tests/README.md` maps them.
//! One test crate, so that the whole group builds and links once.

mod common;

#[path = "upstream/asymmetric.rs"]
mod asymmetric;
#[path = "upstream/config.rs"]
mod config;
#[path = "upstream/cookies.rs"]
mod cookies;
#[path = "upstream/decode_tokens.rs"]
mod decode_tokens;
#[path = "upstream/headers.rs"]
mod headers;
#[path = "upstream/json_query.rs"]
mod json_query;
#[path = "upstream/loaders.rs"]
mod loaders;
#[path = "upstream/multiple_locations.rs"]
mod multiple_locations;
#[path = "upstream/view_decorators.rs"]
mod view_decorators;
