//! A server for the load script (`scripts/bench-http.sh`): the same routes as the benchmark,
//! so requests/s can be compared in one run.
//!
//! - `GET /health`: no auth (the ceiling)
//! - `GET /handwritten`: a hand-written extractor calling `jsonwebtoken::decode` (the baseline)
//! - `GET /protected`: `#[jwt_required]` with the in-memory blocklist
//!
//! `BENCH_ADDR` (default `127.0.0.1:5077`). Prints an access token for the benchmark secret on
//! its first line, then serves until stopped.
//!
//! With the `postgres` feature, `BENCH_DATABASE_URL=postgres://…` keeps `/protected`'s
//! revocations in PostgreSQL instead, and `BENCH_NEAR_CACHE=true` puts a near cache in front
//! (`scripts/bench-stores.sh`: the store's cost without the demo's user query).

#[path = "../benches/support/handwritten.rs"]
mod handwritten;

use axum::routing::get;
use axum::{Json, Router};
use axum_jwt_extended::{
    get_jwt_identity, jwt_required, Expiry, JwtConfig, JwtManager, MemoryBlocklist, NoJwtContext,
    TokenOptions,
};
use serde_json::{json, Value};

async fn health() -> Json<&'static str> {
    Json("ok")
}

#[jwt_required]
async fn protected() -> Result<Json<Value>, NoJwtContext> {
    Ok(Json(json!({ "logged_in_as": get_jwt_identity()? })))
}

/// The in-memory store, or PostgreSQL (with a near cache) as the environment says.
async fn with_store(
    builder: axum_jwt_extended::JwtManagerBuilder,
) -> axum_jwt_extended::JwtManagerBuilder {
    #[cfg(feature = "postgres")]
    if let Ok(url) = std::env::var("BENCH_DATABASE_URL") {
        let store = axum_jwt_extended::SqlBlocklist::connect(&url)
            .await
            .expect("the database answers");
        return if std::env::var("BENCH_NEAR_CACHE").as_deref() == Ok("true") {
            builder.blocklist(axum_jwt_extended::NearCache::new(store))
        } else {
            builder.blocklist(store)
        };
    }
    builder.blocklist(MemoryBlocklist::new())
}

#[tokio::main]
async fn main() {
    let jwt = JwtManager::builder(JwtConfig::with_secret(handwritten::SECRET));
    let jwt = with_store(jwt).await.build().expect("valid configuration");
    jwt.connect_blocklist().await.expect("the store answers");
    let token = jwt
        .create_access_token_with(
            "alice",
            TokenOptions::new().expires_delta(Expiry::After(std::time::Duration::from_secs(3600))),
        )
        .expect("token");
    // The same route with a user lookup loader (a map lookup by the identity claim, as the
    // demo's), for the cost of the loader itself.
    let users: std::sync::Arc<std::collections::HashMap<String, String>> =
        std::sync::Arc::new([("alice".to_owned(), "Alice".to_owned())].into());
    let with_lookup = JwtManager::builder(JwtConfig::with_secret(handwritten::SECRET))
        .blocklist(MemoryBlocklist::new())
        .user_lookup_loader(
            move |_h: &axum_jwt_extended::JwtHeader, c: &axum_jwt_extended::Claims| {
                users.get(c.get_str("sub").unwrap_or_default()).cloned()
            },
        )
        .build()
        .expect("valid configuration");
    let addr = std::env::var("BENCH_ADDR").unwrap_or_else(|_| "127.0.0.1:5077".into());
    let listener = tokio::net::TcpListener::bind(&addr).await.expect("bind");
    println!("{token}");
    let app = Router::new()
        .route("/health", get(health))
        .route("/handwritten", get(handwritten::hand_written))
        .route("/protected", get(protected))
        .with_state(jwt)
        .merge(
            Router::new()
                .route("/lookup", get(protected))
                .with_state(with_lookup),
        );
    axum::serve(listener, app).await.expect("serve");
}
