use axum_jwt_extended::jwt_required;

#[jwt_required(locations = 5)]
async fn handler() {}

fn main() {}
