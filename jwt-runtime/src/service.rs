//! The tower plumbing shared by the crate's layers ([`JwtLayer`](crate::JwtLayer),
//! [`ImplicitRefreshLayer`](crate::ImplicitRefreshLayer)): each says what it does around the
//! inner service in [`Around::around`]; [`around_service!`] writes its `Layer` and `Service`.

use std::convert::Infallible;
use std::future::Future;

use axum::extract::Request;
use axum::response::Response;
use tower_service::Service;

/// A layer's work: one async step around the inner service.
pub(crate) trait Around: Clone + Send + Sync + 'static {
    fn around<S>(self, inner: S, req: Request) -> impl Future<Output = Response> + Send
    where
        S: Service<Request, Response = Response, Error = Infallible> + Send + 'static,
        S::Future: Send + 'static;
}

/// Calls the inner service (an axum route, which never fails).
pub(crate) async fn call<S>(inner: &mut S, req: Request) -> Response
where
    S: Service<Request, Response = Response, Error = Infallible>,
{
    match inner.call(req).await {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

/// The service struct of a layer implementing [`Around`], its `tower::Layer` and its
/// `tower::Service` (the clone that was polled ready serves the request: tower's idiom).
macro_rules! around_service {
    ($(#[$doc:meta])* $service:ident for $layer:ty) => {
        $(#[$doc])*
        #[derive(Clone, Debug)]
        pub struct $service<S> {
            inner: S,
            layer: $layer,
        }

        impl<S> tower_layer::Layer<S> for $layer {
            type Service = $service<S>;

            fn layer(&self, inner: S) -> $service<S> {
                $service {
                    inner,
                    layer: self.clone(),
                }
            }
        }

        impl<S> tower_service::Service<axum::extract::Request> for $service<S>
        where
            S: tower_service::Service<
                    axum::extract::Request,
                    Response = axum::response::Response,
                    Error = std::convert::Infallible,
                > + Clone
                + Send
                + 'static,
            S::Future: Send + 'static,
        {
            type Response = axum::response::Response;
            type Error = std::convert::Infallible;
            type Future = crate::loaders::BoxFuture<
                'static,
                Result<axum::response::Response, std::convert::Infallible>,
            >;

            fn poll_ready(
                &mut self,
                cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<Result<(), std::convert::Infallible>> {
                self.inner.poll_ready(cx)
            }

            fn call(&mut self, req: axum::extract::Request) -> Self::Future {
                let ready = self.inner.clone();
                let inner = std::mem::replace(&mut self.inner, ready);
                let layer = self.layer.clone();
                Box::pin(async move {
                    Ok(crate::service::Around::around(layer, inner, req).await)
                })
            }
        }
    };
}
pub(crate) use around_service;
