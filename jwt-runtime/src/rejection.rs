//! [`JwtRejection`]: what this crate's extractors reject a request with.

use std::fmt;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::config::Location;
use crate::error::{ErrorKind, JwtError};
use crate::log;
use crate::manager::JwtManager;

/// Marks the rejection of an expired access cookie, so that the implicit refresh layer
/// outside can unset the cookie (#528).
#[derive(Clone, Copy, Debug)]
pub(crate) struct ExpiredAccessCookie;

/// The rejection of [`Guard`](crate::Guard), [`Jwt`](crate::Jwt) and its siblings, and
/// [`CurrentUser`](crate::CurrentUser): the [`JwtError`] (match on its
/// [`kind`](Self::kind)) and the response already rendered with the manager's response
/// loaders, error hook and `JWT_ERROR_MESSAGE_KEY`.
///
/// Take `Result<Jwt, JwtRejection>` in a handler to answer a rejection your own way:
///
/// ```
/// use axum::response::{IntoResponse, Response};
/// use axum_jwt_extended_runtime::{ErrorKind, Jwt, JwtRejection};
///
/// async fn handler(jwt: Result<Jwt, JwtRejection>) -> Response {
///     match jwt {
///         Ok(jwt) => format!("hello {}", jwt.identity().unwrap()).into_response(),
///         Err(r) if matches!(r.kind(), ErrorKind::Expired(_)) => "please log in again".into_response(),
///         Err(r) => r.into_response(),
///     }
/// }
/// ```
pub struct JwtRejection {
    error: JwtError,
    response: Response,
}

impl JwtRejection {
    /// Logs the rejection of a request to `route`, then renders `error` with `manager`'s
    /// loaders.
    pub(crate) fn reject(manager: &JwtManager, route: &str, error: JwtError) -> Self {
        log::rejected(&error, route);
        let mut response = manager.error_response(error.clone());
        if matches!(error.kind(), ErrorKind::Expired(_))
            && error.location() == Some(Location::Cookies)
        {
            response.extensions_mut().insert(ExpiredAccessCookie);
        }
        JwtRejection { error, response }
    }

    /// The error.
    pub fn error(&self) -> &JwtError {
        &self.error
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        self.error.kind()
    }

    /// The status of the rendered response.
    pub fn status(&self) -> StatusCode {
        self.response.status()
    }

    /// The error and the rendered response.
    pub fn into_parts(self) -> (JwtError, Response) {
        (self.error, self.response)
    }
}

impl IntoResponse for JwtRejection {
    fn into_response(self) -> Response {
        self.response
    }
}

impl fmt::Debug for JwtRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwtRejection")
            .field("error", &self.error)
            .field("status", &self.response.status())
            .finish()
    }
}

impl fmt::Display for JwtRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.error, f)
    }
}

impl std::error::Error for JwtRejection {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}
