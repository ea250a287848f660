use axum_jwt_extended::jwt_required;

#[jwt_required(check = "is_admin")]
async fn handler() {}

fn main() {}
