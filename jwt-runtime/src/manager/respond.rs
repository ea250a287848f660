//! Rendering an error at the edge: the matching response loader's response, or Flask's
//! default `{"<JWT_ERROR_MESSAGE_KEY>": message}` with its status.

use axum::http::header::WWW_AUTHENTICATE;
use axum::http::HeaderValue;
use axum::response::Response;

use super::JwtManager;
use crate::error::{json_message, ErrorKind, JwtError, Unrendered};
use crate::loaders;

impl JwtManager {
    /// The response for an error: the matching response loader's, or Flask's default with
    /// `JWT_ERROR_MESSAGE_KEY`.
    pub fn error_response(&self, err: JwtError) -> Response {
        if let ErrorKind::StoreUnavailable(public) = err.kind() {
            // The cause goes to the logs only; the client sees the fixed message.
            crate::log::unavailable(public, std::error::Error::source(&err));
        }
        let l = &self.0.loaders;
        let key = &self.0.config.error_message_key;
        let parts_loader = |loader: &Option<loaders::PartsResponseFn>| {
            let parts = err.token_parts()?;
            loader.as_ref().map(|f| f(&parts.header, &parts.claims))
        };
        let reason_loader =
            |loader: &Option<loaders::ReasonResponseFn>| loader.as_ref().map(|f| f(&err.message()));
        let custom = match err.kind() {
            ErrorKind::NoAuthorization(_) | ErrorKind::Csrf(_) => reason_loader(&l.unauthorized),
            ErrorKind::InvalidHeader(_)
            | ErrorKind::InvalidQueryParam(_)
            | ErrorKind::Decode(_)
            | ErrorKind::WrongToken(_)
            | ErrorKind::InvalidToken(_)
            | ErrorKind::ClaimsType(_) => reason_loader(&l.invalid_token),
            ErrorKind::ClaimsCheck(_) => reason_loader(&l.claims_check_failed),
            ErrorKind::Expired(_) => parts_loader(&l.expired_token),
            ErrorKind::FreshTokenRequired(_) => parts_loader(&l.needs_fresh_token),
            ErrorKind::Revoked(_) | ErrorKind::RefreshReuse(_) => parts_loader(&l.revoked_token),
            ErrorKind::SessionExpired(_) => parts_loader(&l.session_expired),
            ErrorKind::StepUpRequired(..) => parts_loader(&l.step_up_required),
            ErrorKind::UserClaimsVerification(_) => parts_loader(&l.token_verification_failed),
            ErrorKind::UserLookup(_) => parts_loader(&l.user_lookup_error),
            _ => None,
        };
        let response = match custom {
            Some(r) => r,
            None => {
                let mut response = json_message(err.status(), key, &err.message());
                if let ErrorKind::Busy(_) = err.kind() {
                    response.headers_mut().insert(
                        axum::http::header::RETRY_AFTER,
                        HeaderValue::from_static("1"),
                    );
                }
                if self.0.config.www_authenticate {
                    let value = match err.kind() {
                        // RFC 9470 §3: the step-up challenge names the maximum age.
                        ErrorKind::StepUpRequired(_, max_age) => HeaderValue::from_str(&format!(
                            r#"Bearer error="insufficient_user_authentication", error_description="A more recent authentication is required", max_age={max_age}"#
                        ))
                        .ok(),
                        other => www_authenticate(other).map(HeaderValue::from_static),
                    };
                    if let Some(value) = value {
                        response.headers_mut().insert(WWW_AUTHENTICATE, value);
                    }
                }
                response
            }
        };
        match &l.error_hook {
            Some(hook) => hook(&err, response),
            None => response,
        }
    }

    /// A `{"<JWT_ERROR_MESSAGE_KEY>": message}` response, for your own errors.
    pub fn message_response(&self, status: axum::http::StatusCode, message: &str) -> Response {
        json_message(status, &self.0.config.error_message_key, message)
    }
}

/// The RFC 6750 §3 challenge for an error, when it is about the bearer token.
fn www_authenticate(kind: &ErrorKind) -> Option<&'static str> {
    match kind {
        ErrorKind::NoAuthorization(_) => Some("Bearer"),
        ErrorKind::InvalidHeader(_) | ErrorKind::InvalidQueryParam(_) => {
            Some(r#"Bearer error="invalid_request""#)
        }
        ErrorKind::Decode(_)
        | ErrorKind::WrongToken(_)
        | ErrorKind::InvalidToken(_)
        | ErrorKind::Expired(_)
        | ErrorKind::Revoked(_)
        | ErrorKind::RefreshReuse(_)
        | ErrorKind::FreshTokenRequired(_) => Some(r#"Bearer error="invalid_token""#),
        _ => None,
    }
}

/// Renders the [`JwtError`]s that handlers return (`jwt.decode_token(&t)?`) with the
/// manager's response loaders and `JWT_ERROR_MESSAGE_KEY`, as the error handlers that Flask's
/// `JWTManager(app)` registers do. Without it they get the default `{"msg": …}` response.
///
/// ```
/// use axum::{routing::get, Router};
/// use axum_jwt_extended_runtime::{JwtConfig, JwtError, JwtManager};
///
/// let jwt = JwtManager::new(JwtConfig::with_secret("a-very-long-secret-of-at-least-32-bytes!"))
///     .unwrap();
/// let decode = {
///     let jwt = jwt.clone();
///     move || async move { jwt.decode_token("not-a-token").map(|_| "ok") }
/// };
/// let app: Router = Router::new().route("/decode", get(decode)).layer(jwt.error_layer());
/// ```
#[derive(Clone, Debug)]
pub struct ErrorLayer {
    manager: JwtManager,
}

impl JwtManager {
    /// The [`ErrorLayer`] of this manager.
    pub fn error_layer(&self) -> ErrorLayer {
        ErrorLayer {
            manager: self.clone(),
        }
    }
}

impl<S> tower_layer::Layer<S> for ErrorLayer {
    type Service = ErrorService<S>;

    fn layer(&self, inner: S) -> ErrorService<S> {
        ErrorService {
            inner,
            manager: self.manager.clone(),
        }
    }
}

/// The service of an [`ErrorLayer`].
#[derive(Clone, Debug)]
pub struct ErrorService<S> {
    inner: S,
    manager: JwtManager,
}

impl<S, R> tower_service::Service<R> for ErrorService<S>
where
    S: tower_service::Service<R, Response = Response>,
{
    type Response = Response;
    type Error = S::Error;
    type Future = RenderFuture<S::Future>;

    fn poll_ready(
        &mut self,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: R) -> Self::Future {
        RenderFuture {
            inner: self.inner.call(req),
            manager: Some(self.manager.clone()),
        }
    }
}

pin_project_lite::pin_project! {
    /// The future of an [`ErrorService`].
    pub struct RenderFuture<F> {
        #[pin]
        inner: F,
        manager: Option<JwtManager>,
    }
}

impl<F, E> std::future::Future for RenderFuture<F>
where
    F: std::future::Future<Output = Result<Response, E>>,
{
    type Output = Result<Response, E>;

    fn poll(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        let this = self.project();
        let mut response = std::task::ready!(this.inner.poll(cx))?;
        if let (Some(Unrendered(err)), Some(manager)) = (
            response.extensions_mut().remove::<Unrendered>(),
            this.manager.take(),
        ) {
            response = manager.error_response(err);
        }
        std::task::Poll::Ready(Ok(response))
    }
}
