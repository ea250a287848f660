//! The demo app: flask-jwt-extended's tutorial app, in axum.
//!
//! ```text
//! cargo run --example demo                 # listens on 127.0.0.1:5000 (DEMO_ADDR overrides)
//! JWT_TOKEN_LOCATION=cookies cargo run --example demo
//! JWT_JWKS_URL=http://127.0.0.1:5000/.well-known/jwks.json DEMO_ADDR=127.0.0.1:5001 \
//!     cargo run --example demo --features jwks      # verifies another demo's tokens
//! ```
//!
//! Configuration comes from `JWT_*` environment variables with flask-jwt-extended's names; see
//! `examples/demo/README.md` for the routes (the demo's contract).

mod app;

use std::net::SocketAddr;

use axum_jwt_extended::JwtConfig;

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

#[tokio::main]
async fn main() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        // By default: info, and one line per rejected request (the runtime logs those at debug).
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,axum_jwt_extended=debug"));
    tracing_subscriber::fmt().with_env_filter(filter).init();
    let fail = |e: String| -> ! {
        eprintln!("demo: {e}");
        std::process::exit(2);
    };
    let mut config =
        JwtConfig::from_env().unwrap_or_else(|e| fail(format!("invalid configuration: {e}")));
    if config.secret_key.is_none() && config.public_key.is_none() && config.jwks_url.is_none() {
        let secret: [u8; 32] = rand::random();
        config.secret_key = Some(hex::encode(secret).into());
        println!(
            "JWT_SECRET_KEY is not set: using a random secret (tokens will not survive a restart)"
        );
    }
    let options = app::Options::from_lookup(|name| std::env::var(name).ok())
        .unwrap_or_else(|e| fail(format!("invalid configuration: {e}")));
    let router = app::start(config, &options)
        .await
        .unwrap_or_else(|e| fail(e));
    let addr: SocketAddr = match std::env::var("DEMO_ADDR") {
        Ok(a) => a.parse().unwrap_or_else(|_| {
            fail(format!(
                "invalid configuration: DEMO_ADDR: {a:?} is not an address like 127.0.0.1:5000"
            ))
        }),
        Err(_) => SocketAddr::from(([127, 0, 0, 1], 5000)),
    };
    let listener = match tokio::net::TcpListener::bind(addr).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("demo: cannot listen on {addr}: {e}");
            std::process::exit(1);
        }
    };
    println!("demo listening on http://{addr}");
    app::serve(
        listener,
        router,
        app::Timeouts::default(),
        shutdown_signal(),
    )
    .await;
}
