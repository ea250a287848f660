use axum_jwt_extended::jwt_required;

#[jwt_required(locations = [headers])]
async fn handler() {}

fn main() {}
