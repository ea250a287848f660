//! OpenAPI: the demo's `/openapi.json` validated by the real `openapi-spec-validator`, the
//! utoipa integration composed with `#[jwt_required]` (both attribute orders), and the aide
//! integration accepting `#[jwt_required]` handlers.
#![cfg(all(feature = "utoipa", feature = "aide"))]

mod common;
#[path = "common/demo.rs"]
#[allow(dead_code)]
mod demo;

use std::io::Write;
use std::process::{Command, Stdio};

use axum::Json;
use axum_jwt_extended::{jwt_required, JwtManager, JwtOpenApi, Location};
use serde_json::{json, Value};
use utoipa::OpenApi;

use common::python::python;
use common::{config, get as get_req, manager};

/// Validates a document with openapi-spec-validator; the validator's complaint on failure.
fn validate(doc: &Value) -> Result<(), String> {
    let mut child = Command::new(python())
        .args([
            "-c",
            "import json, sys\nfrom openapi_spec_validator import validate\n\
             validate(json.load(sys.stdin))\nprint('valid')",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(doc.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    if out.status.success() && String::from_utf8_lossy(&out.stdout).trim() == "valid" {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

#[test]
fn the_validator_refuses_a_broken_document() {
    // So that a pass below means something.
    let broken = json!({"openapi": "3.0.3", "info": {"title": "x"}, "paths": {}});
    assert!(validate(&broken).is_err());
}

#[tokio::test]
async fn the_demos_document_validates_and_marks_protected_routes() {
    for vars in [
        vec![],
        vec![("JWT_TOKEN_LOCATION", "headers,cookies,query_string,json")],
    ] {
        let app = demo::demo(&vars);
        let r = get_req(&app, "/openapi.json", &[]).await;
        assert_eq!(r.status.as_u16(), 200);
        let doc = r.json();
        validate(&doc).unwrap_or_else(|e| panic!("{vars:?}: {e}"));
        for open in ["/health", "/login", "/api/open", "/openapi.json"] {
            let op = doc["paths"][open]
                .as_object()
                .unwrap()
                .values()
                .next()
                .unwrap();
            assert!(op.get("security").is_none(), "{open} is open");
        }
        for (path, method) in [
            ("/protected", "get"),
            ("/admin", "get"),
            ("/api/me", "get"),
            ("/refresh", "post"),
            ("/logout", "post"),
            ("/whoami", "get"),
        ] {
            let security = &doc["paths"][path][method]["security"];
            assert!(
                security.as_array().is_some_and(|a| !a.is_empty()),
                "{path} is protected: {security}"
            );
        }
        // Optional: an empty requirement among the alternatives.
        assert_eq!(doc["paths"]["/optional"]["get"]["security"][0], json!({}));
    }
    let app = demo::demo(&[("JWT_TOKEN_LOCATION", "headers,cookies,query_string")]);
    let doc = get_req(&app, "/openapi.json", &[]).await.json();
    assert_eq!(
        doc["paths"]["/echo"]["post"]["security"],
        json!([{"bearerAuth": []}, {"cookieAuth": [], "csrfHeader": []}, {"queryAuth": []}])
    );
    assert_eq!(
        doc["paths"]["/protected"]["get"]["security"],
        json!([{"bearerAuth": []}, {"cookieAuth": []}, {"queryAuth": []}])
    );
    assert_eq!(
        doc["paths"]["/refresh"]["post"]["security"],
        json!([{"bearerAuth": []}, {"refreshCookieAuth": [], "refreshCsrfHeader": []}, {"queryAuth": []}])
    );
    // With sessions: their routes, protected like the others (DELETE is a CSRF method).
    let app = demo::demo(&[
        ("JWT_TOKEN_LOCATION", "headers,cookies"),
        ("DEMO_SESSIONS", "true"),
    ]);
    let sessions_doc = get_req(&app, "/openapi.json", &[]).await.json();
    validate(&sessions_doc).unwrap();
    assert_eq!(
        sessions_doc["paths"]["/sessions"]["get"]["security"],
        json!([{"bearerAuth": []}, {"cookieAuth": []}])
    );
    for (path, method) in [("/sessions/{id}", "delete"), ("/logout/others", "post")] {
        assert_eq!(
            sessions_doc["paths"][path][method]["security"],
            json!([{"bearerAuth": []}, {"cookieAuth": [], "csrfHeader": []}]),
            "{path}"
        );
    }
    assert!(
        doc["paths"].get("/sessions").is_none(),
        "only with DEMO_SESSIONS"
    );
    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(
        schemes["bearerAuth"],
        json!({"type": "http", "scheme": "bearer", "bearerFormat": "JWT"})
    );
    assert_eq!(schemes["cookieAuth"]["name"], "access_token_cookie");
    assert_eq!(schemes["csrfHeader"]["name"], "X-CSRF-TOKEN");
    assert_eq!(
        schemes["queryAuth"],
        json!({"type": "apiKey", "in": "query", "name": "jwt"})
    );
}

// ---- utoipa: #[utoipa::path] above #[jwt_required] (the documented order) and below it ----

#[derive(serde::Deserialize, utoipa::ToSchema)]
struct Message {
    message: String,
}

#[utoipa::path(get, path = "/protected", responses((status = 200, description = "The identity")))]
#[jwt_required]
async fn protected() -> Json<Value> {
    Json(json!({"logged_in_as": axum_jwt_extended::get_jwt_identity().ok().flatten()}))
}

#[utoipa::path(post, path = "/echo", request_body = Message, responses((status = 200, description = "Echo")))]
#[jwt_required]
async fn echo(Json(m): Json<Message>) -> Json<Value> {
    Json(json!({"message": m.message}))
}

#[jwt_required(fresh)]
#[utoipa::path(get, path = "/fresh", responses((status = 200, description = "Fresh only")))]
async fn fresh() -> &'static str {
    "fresh"
}

#[utoipa::path(get, path = "/health", responses((status = 200, description = "ok")))]
async fn health() -> &'static str {
    "ok"
}

#[derive(OpenApi)]
#[openapi(paths(protected, echo, fresh, health))]
struct ApiDoc;

#[tokio::test]
async fn utoipa_documents_jwt_required_handlers_without_injected_parameters() {
    let mut c = config();
    c.token_location = vec![Location::Headers, Location::Cookies];
    let jwt: JwtManager = manager(c);
    let mut doc = ApiDoc::openapi();
    JwtOpenApi::new(&jwt)
        .protect_all_except(["/health"])
        .apply(&mut doc);
    let doc = serde_json::to_value(&doc).unwrap();
    validate(&doc).unwrap();
    for (path, method) in [("/protected", "get"), ("/echo", "post"), ("/fresh", "get")] {
        let op = &doc["paths"][path][method];
        assert!(
            op.get("parameters").is_none(),
            "{path}: no injected parameter: {op}"
        );
    }
    assert_eq!(
        doc["paths"]["/echo"]["post"]["security"],
        json!([{"bearerAuth": []}, {"cookieAuth": [], "csrfHeader": []}])
    );
    assert_eq!(
        doc["paths"]["/protected"]["get"]["security"],
        json!([{"bearerAuth": []}, {"cookieAuth": []}])
    );
    assert!(doc["paths"]["/health"]["get"].get("security").is_none());
    assert_eq!(
        doc["paths"]["/echo"]["post"]["requestBody"]["content"]["application/json"]["schema"]
            ["$ref"],
        "#/components/schemas/Message"
    );
    // The handlers still serve.
    let app = axum::Router::new()
        .route("/protected", axum::routing::get(protected))
        .route("/echo", axum::routing::post(echo))
        .route("/fresh", axum::routing::get(fresh))
        .route("/health", axum::routing::get(health))
        .with_state(jwt.clone());
    let token = jwt.create_access_token("alice").unwrap();
    let r = get_req(
        &app,
        "/protected",
        &[("Authorization", &common::bearer(&token))],
    )
    .await;
    assert_eq!(
        common::status_json(&r),
        (200, json!({"logged_in_as": "alice"}))
    );
}

// ---- aide -----------------------------------------------------------------------------------

#[jwt_required]
async fn aide_protected() -> String {
    "protected".into()
}

#[jwt_required(optional)]
async fn aide_optional() -> String {
    "optional".into()
}

async fn aide_typed(jwt: axum_jwt_extended::Jwt) -> String {
    format!("{:?}", jwt.identity())
}

#[tokio::test]
async fn aide_accepts_jwt_required_handlers_and_marks_them() {
    use aide::axum::routing::get;
    use aide::axum::ApiRouter;
    use aide::openapi::OpenApi as AideOpenApi;

    let jwt = manager(config());
    let mut api = AideOpenApi::default();
    let app: axum::Router = ApiRouter::new()
        .api_route("/protected", get(aide_protected))
        .api_route("/optional", get(aide_optional))
        .api_route("/typed", get(aide_typed))
        .finish_api(&mut api)
        .with_state(jwt.clone());
    let doc = serde_json::to_value(&api).unwrap();
    assert_eq!(
        doc["paths"]["/protected"]["get"]["security"],
        json!([{"bearerAuth": []}])
    );
    assert_eq!(
        doc["paths"]["/typed"]["get"]["security"],
        json!([{"bearerAuth": []}])
    );
    assert!(doc["paths"]["/optional"]["get"].get("security").is_none());
    let token = jwt.create_access_token("alice").unwrap();
    let r = get_req(
        &app,
        "/protected",
        &[("Authorization", &common::bearer(&token))],
    )
    .await;
    assert_eq!((r.status.as_u16(), r.text.as_str()), (200, "protected"));
    let r = get_req(&app, "/protected", &[]).await;
    assert_eq!(r.status.as_u16(), 401);
}
