//! aide: [`OperationInput`] for the guard and the claims extractors, so that handlers with
//! `#[jwt_required]` (or taking `Jwt<C>`, `CurrentUser<U>`) are accepted by `aide`'s router,
//! and their operations carry the security requirement named `bearerAuth` (declare the
//! schemes with [`JwtManager::openapi_security_schemes`](crate::JwtManager::openapi_security_schemes)).

use aide::generate::GenContext;
use aide::openapi::Operation;
use aide::OperationInput;

use crate::extract::{FreshJwt, Jwt, OptionalJwt, RefreshJwt};
use crate::guard::{flags, Guard, JwtBody};

/// Adds `{"bearerAuth": []}` to the operation's security, once.
fn require_bearer(operation: &mut Operation) {
    let already = operation
        .security
        .iter()
        .any(|r| r.contains_key("bearerAuth"));
    if !already {
        if let Ok(r) = serde_json::from_value(serde_json::json!({"bearerAuth": []})) {
            operation.security.push(r);
        }
    }
}

impl<const F: u8, const L: u16, C, const A: u32> OperationInput for Guard<F, L, C, A> {
    fn operation_input(_ctx: &mut GenContext, operation: &mut Operation) {
        if F & flags::OPTIONAL == 0 {
            require_bearer(operation);
        }
    }
}

/// The wrapped body extractor documents itself.
impl<T: OperationInput, const F: u8, const L: u16, C, const A: u32> OperationInput
    for JwtBody<T, F, L, C, A>
{
    fn operation_input(ctx: &mut GenContext, operation: &mut Operation) {
        T::operation_input(ctx, operation);
    }
}

macro_rules! required {
    ($($name:ident),*) => {$(
        impl<C> OperationInput for $name<C> {
            fn operation_input(_ctx: &mut GenContext, operation: &mut Operation) {
                require_bearer(operation);
            }
        }
    )*};
}
required!(Jwt, FreshJwt, RefreshJwt);

impl<C> OperationInput for OptionalJwt<C> {}

impl<U> OperationInput for crate::current_user::CurrentUser<U> {
    fn operation_input(_ctx: &mut GenContext, operation: &mut Operation) {
        require_bearer(operation);
    }
}
