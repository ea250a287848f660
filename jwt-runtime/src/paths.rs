//! Exempt paths: the requests a layer lets through untouched, matched against the path as
//! written in the request and, inside a `nest`, the path within it.

use axum::extract::{OriginalUri, Request};

/// Whether the request's path, as written (or within a `nest`), is one of `paths`. No
/// allocation, and no extension lookup for an empty list.
pub(crate) fn listed(req: &Request, paths: &[String]) -> bool {
    if paths.is_empty() {
        return false;
    }
    let path = req.uri().path();
    let original = req.extensions().get::<OriginalUri>().map(|u| u.0.path());
    paths
        .iter()
        .any(|p| p == path || original == Some(p.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Uri;

    fn req(path: &str, original: Option<&str>) -> Request {
        let mut req = Request::builder()
            .uri(path)
            .body(axum::body::Body::empty())
            .unwrap();
        if let Some(o) = original {
            req.extensions_mut()
                .insert(OriginalUri(o.parse::<Uri>().unwrap()));
        }
        req
    }

    #[test]
    fn matches_the_path_as_written_or_within_a_nest() {
        let list = vec!["/api/open".to_owned(), "/health".to_owned()];
        assert!(listed(&req("/health", None), &list));
        assert!(listed(&req("/open", Some("/api/open")), &list));
        assert!(!listed(&req("/open", None), &list));
        assert!(!listed(&req("/api/open/", None), &list));
        assert!(!listed(&req("/health", None), &[]));
    }

    #[test]
    fn the_query_string_is_not_part_of_the_path() {
        let list = vec!["/health".to_owned()];
        assert!(listed(&req("/health?x=1", None), &list));
    }
}
