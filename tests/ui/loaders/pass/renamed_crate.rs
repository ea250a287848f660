//! The facade under another name: `crate = …` points the expansion at it.

use axum_jwt_extended as jwt_renamed;

mod inner {
    use super::jwt_renamed;

    #[jwt_renamed::token_in_blocklist_loader(crate = super::jwt_renamed)]
    pub async fn is_revoked(
        _header: &jwt_renamed::JwtHeader,
        claims: &jwt_renamed::Claims,
    ) -> bool {
        claims.jti().is_none()
    }
}

#[jwt_renamed::user_lookup_loader(crate = "jwt_renamed")]
async fn lookup(_header: &jwt_renamed::JwtHeader, claims: &jwt_renamed::Claims) -> Option<String> {
    claims.get_str("sub").map(str::to_owned)
}

#[jwt_renamed::invalid_token_loader(crate = jwt_renamed)]
fn invalid(reason: &str) -> String {
    reason.to_owned()
}

fn main() {
    let _jwt = jwt_renamed::JwtManager::builder(jwt_renamed::JwtConfig::with_secret(
        "a-very-long-secret-of-at-least-32-bytes!",
    ))
    .token_in_blocklist_loader(inner::is_revoked)
    .user_lookup_loader(lookup)
    .invalid_token_loader(invalid)
    .build()
    .unwrap();
}
