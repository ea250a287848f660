use axum_jwt_extended::jwt_required;

// Every mistake is reported at once, each at its own token.
#[jwt_required(optinal = True, locations = ["header", cookies], skip_revocation)]
fn handler() -> &'static str {
    "hello"
}

fn main() {}
