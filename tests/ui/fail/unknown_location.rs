use axum_jwt_extended::jwt_required;

#[jwt_required(locations = "cookie")]
async fn handler() {}

fn main() {}
