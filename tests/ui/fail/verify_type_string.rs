use axum_jwt_extended::jwt_required;

#[jwt_required(verify_type = "no")]
async fn handler() {}

fn main() {}
