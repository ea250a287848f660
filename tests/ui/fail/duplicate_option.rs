use axum_jwt_extended::jwt_required;

#[jwt_required(fresh, optional, fresh)]
async fn handler() {}

fn main() {}
