use axum_jwt_extended::token_verification_failed_loader;

#[token_verification_failed_loader]
struct VerificationFailed;

fn main() {}
