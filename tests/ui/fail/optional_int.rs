use axum_jwt_extended::jwt_required;

#[jwt_required(optional = 1)]
async fn handler() {}

fn main() {}
