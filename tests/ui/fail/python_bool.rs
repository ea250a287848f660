use axum_jwt_extended::jwt_required;

#[jwt_required(optional = True, fresh = "false")]
async fn handler() {}

fn main() {}
