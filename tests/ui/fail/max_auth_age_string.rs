use axum_jwt_extended::jwt_required;

#[jwt_required(max_auth_age = "300")]
async fn quoted() {}

#[jwt_required(max_auth_age = 0)]
async fn zero() {}

#[jwt_required(max_auth_age = 5m)]
async fn suffixed() {}

#[jwt_required(max_auth_age = -1)]
async fn negative() {}

fn main() {}
