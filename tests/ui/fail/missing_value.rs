use axum_jwt_extended::jwt_required;

#[jwt_required(locations, state, fresh)]
async fn handler() {}

fn main() {}
