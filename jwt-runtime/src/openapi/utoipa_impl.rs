//! utoipa 6: [`JwtOpenApi`] adds the security schemes and marks the protected operations.

use std::sync::Arc;

use utoipa::openapi::path::{Operation, PathItem};
use utoipa::openapi::security::{SecurityRequirement, SecurityScheme};
use utoipa::openapi::{Components, OpenApi};

use crate::manager::JwtManager;

/// Which operations are protected.
#[derive(Clone, Debug)]
enum Protected {
    These(Arc<Vec<String>>),
    AllExcept(Arc<Vec<String>>),
}

/// Adds to a utoipa [`OpenApi`] the security schemes of a manager's configuration
/// ([`JwtManager::openapi_security_schemes`]) and, on each protected operation, the security
/// requirement of its method ([`JwtManager::openapi_security`]).
///
/// Put `#[utoipa::path]` **above** `#[jwt_required]`: utoipa then reads the handler as you
/// wrote it, without the parameters `#[jwt_required]` adds.
///
/// ```
/// use axum_jwt_extended_runtime::{JwtConfig, JwtManager, JwtOpenApi};
/// use utoipa::openapi::{OpenApiBuilder, PathItem, PathsBuilder, HttpMethod, path::OperationBuilder};
///
/// let jwt = JwtManager::new(JwtConfig::with_secret("a-very-long-secret-of-at-least-32-bytes!")).unwrap();
/// let mut doc = OpenApiBuilder::new()
///     .paths(
///         PathsBuilder::new()
///             .path("/health", PathItem::new(HttpMethod::Get, OperationBuilder::new()))
///             .path("/protected", PathItem::new(HttpMethod::Get, OperationBuilder::new())),
///     )
///     .build();
/// JwtOpenApi::new(&jwt).protect_all_except(["/health"]).apply(&mut doc);
/// let json = serde_json::to_value(&doc).unwrap();
/// assert_eq!(json["paths"]["/protected"]["get"]["security"], serde_json::json!([{"bearerAuth": []}]));
/// assert!(json["paths"]["/health"]["get"].get("security").is_none());
/// assert_eq!(json["components"]["securitySchemes"]["bearerAuth"]["scheme"], "bearer");
/// ```
#[derive(Clone, Debug)]
pub struct JwtOpenApi {
    manager: JwtManager,
    protected: Protected,
}

impl JwtOpenApi {
    /// Adds the schemes; marks no operation yet.
    pub fn new(manager: &JwtManager) -> Self {
        JwtOpenApi {
            manager: manager.clone(),
            protected: Protected::These(Arc::new(Vec::new())),
        }
    }

    /// Marks the operations of these paths (as written in the document, `/users/{id}`).
    pub fn protect<P: Into<String>>(mut self, paths: impl IntoIterator<Item = P>) -> Self {
        self.protected = Protected::These(Arc::new(paths.into_iter().map(Into::into).collect()));
        self
    }

    /// Marks every operation but those of these paths (the router layer's "protect
    /// everything by default").
    pub fn protect_all_except<P: Into<String>>(
        mut self,
        paths: impl IntoIterator<Item = P>,
    ) -> Self {
        self.protected =
            Protected::AllExcept(Arc::new(paths.into_iter().map(Into::into).collect()));
        self
    }

    fn is_protected(&self, path: &str) -> bool {
        match &self.protected {
            Protected::These(p) => p.iter().any(|x| x == path),
            Protected::AllExcept(p) => !p.iter().any(|x| x == path),
        }
    }

    /// Applies to `openapi`.
    pub fn apply(&self, openapi: &mut OpenApi) {
        let components = openapi.components.get_or_insert_with(Components::new);
        if let serde_json::Value::Object(schemes) = self.manager.openapi_security_schemes() {
            for (name, scheme) in schemes {
                if let Ok(scheme) = serde_json::from_value::<SecurityScheme>(scheme) {
                    components.security_schemes.insert(name, scheme.into());
                }
            }
        }
        for (path, item) in openapi.paths.paths.iter_mut() {
            if self.is_protected(path) {
                self.mark(item);
            }
        }
    }

    fn mark(&self, item: &mut PathItem) {
        let ops: [(&str, &mut Option<Operation>); 8] = [
            ("GET", &mut item.get),
            ("PUT", &mut item.put),
            ("POST", &mut item.post),
            ("DELETE", &mut item.delete),
            ("OPTIONS", &mut item.options),
            ("HEAD", &mut item.head),
            ("PATCH", &mut item.patch),
            ("TRACE", &mut item.trace),
        ];
        for (method, op) in ops {
            let Some(op) = op else { continue };
            let security = self.manager.openapi_security(method);
            if let Ok(reqs) = serde_json::from_value::<Vec<SecurityRequirement>>(security) {
                op.security = Some(reqs);
            }
        }
    }
}

impl utoipa::Modify for JwtOpenApi {
    fn modify(&self, openapi: &mut OpenApi) {
        self.apply(openapi);
    }
}
