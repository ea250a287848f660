//! A client that keeps cookies between requests, as Flask's test client does, so that the
//! upstream cookie tests (log in, call a protected route, log out) port step by step.
//!
//! Include it with `#[path = "common/jar.rs"] mod jar;` after `mod common;`. Storage follows
//! RFC 6265 §5.3 as far as these tests need it: a cookie is keyed by name and path, an empty
//! value expiring at the epoch (or `Max-Age=0`) deletes it, and a cookie is sent only to paths
//! that path-match (RFC 6265 §5.1.4).
#![allow(dead_code)]

use std::collections::BTreeSet;

use axum::Router;

use crate::common::{request, Reply};

/// `name=value` and the set of attributes of one `Set-Cookie` line (`; `-separated). The
/// attribute order is the `cookie` crate's, not Werkzeug's, so tests compare sets.
pub fn split(line: &str) -> (String, BTreeSet<String>) {
    let mut parts = line.split("; ");
    let first = parts.next().unwrap_or_default().to_owned();
    (first, parts.map(str::to_owned).collect())
}

/// A set of attributes, for comparing with [`split`]'s.
pub fn attrs(list: &[&str]) -> BTreeSet<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// The `Set-Cookie` line of the cookie `name`, if the response has one.
pub fn line_of(reply: &Reply, name: &str) -> Option<String> {
    reply
        .set_cookies()
        .into_iter()
        .find(|l| l.split_once('=').is_some_and(|(n, _)| n == name))
}

/// The value of the cookie `name` set by a response.
pub fn value_of(reply: &Reply, name: &str) -> Option<String> {
    line_of(reply, name).map(|l| {
        let (first, _) = split(&l);
        first
            .split_once('=')
            .map(|(_, v)| v.to_owned())
            .unwrap_or_default()
    })
}

#[derive(Debug, Clone)]
struct Stored {
    name: String,
    value: String,
    path: String,
}

/// RFC 6265 §5.1.4 path-match.
fn path_matches(request_path: &str, cookie_path: &str) -> bool {
    request_path == cookie_path
        || (request_path.starts_with(cookie_path)
            && (cookie_path.ends_with('/')
                || request_path.as_bytes().get(cookie_path.len()) == Some(&b'/')))
}

/// A client with a cookie jar in front of a `Router`.
pub struct Client {
    app: Router,
    jar: Vec<Stored>,
}

impl Client {
    pub fn new(app: Router) -> Client {
        Client {
            app,
            jar: Vec::new(),
        }
    }

    /// The value of a stored cookie (any path).
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.jar
            .iter()
            .find(|c| c.name == name)
            .map(|c| c.value.as_str())
    }

    /// The names of the stored cookies, sorted.
    pub fn names(&self) -> Vec<String> {
        let mut v: Vec<String> = self.jar.iter().map(|c| c.name.clone()).collect();
        v.sort();
        v
    }

    /// The `Cookie` header this client sends to `path` (empty when none match).
    pub fn cookie_header(&self, path: &str) -> String {
        self.jar
            .iter()
            .filter(|c| path_matches(path, &c.path))
            .map(|c| format!("{}={}", c.name, c.value))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn store(&mut self, line: &str) {
        let (first, attributes) = split(line);
        let Some((name, value)) = first.split_once('=') else {
            return;
        };
        let path = attributes
            .iter()
            .find_map(|a| a.strip_prefix("Path="))
            .unwrap_or("/")
            .to_owned();
        let expired = attributes.contains("Max-Age=0")
            || attributes
                .iter()
                .any(|a| a.starts_with("Expires=") && a.contains(" 1970 "));
        self.jar.retain(|c| !(c.name == name && c.path == path));
        if !expired {
            self.jar.push(Stored {
                name: name.to_owned(),
                value: value.to_owned(),
                path,
            });
        }
    }

    /// Sends a request with the matching cookies, then stores the response's cookies.
    pub async fn send(
        &mut self,
        method: &str,
        uri: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> Reply {
        let path = uri.split('?').next().unwrap_or(uri);
        let cookie = self.cookie_header(path);
        let mut all: Vec<(&str, &str)> = headers.to_vec();
        if !cookie.is_empty() {
            all.push(("Cookie", &cookie));
        }
        let reply = request(&self.app, method, uri, &all, body).await;
        for line in reply.set_cookies() {
            self.store(&line);
        }
        reply
    }

    pub async fn get(&mut self, uri: &str) -> Reply {
        self.send("GET", uri, &[], None).await
    }

    pub async fn get_with(&mut self, uri: &str, headers: &[(&str, &str)]) -> Reply {
        self.send("GET", uri, headers, None).await
    }

    pub async fn post(&mut self, uri: &str, headers: &[(&str, &str)]) -> Reply {
        self.send("POST", uri, headers, None).await
    }
}
