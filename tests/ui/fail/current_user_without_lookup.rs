// A handler asking for `CurrentUser<User>` with a router state that cannot prove a user lookup
// loader returning `User` (no `UserLookup<User>: FromRef<State>`) does not compile. With
// `#[axum::debug_handler]` the error names the missing `FromRef`; without it, axum reports that
// the function is not a `Handler` where it is routed.
use axum_jwt_extended::{CurrentUser, JwtManager};

struct User;

#[axum::debug_handler(state = JwtManager)]
async fn whoami(_user: CurrentUser<User>) {}

fn main() {}
