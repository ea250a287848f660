//! What a protected request costs, as ratios to a hand-written jsonwebtoken extractor measured
//! in the same run.
//!
//! ```text
//! cargo bench --bench protected                 # interleaved rounds, prints ratios
//! cargo bench --bench protected -- --only protected --iters 20000   # one variant (for callgrind)
//! ```
//!
//! Every variant sends real requests through an axum `Router` (`oneshot`). Rounds interleave
//! the variants so that machine noise hits them alike; the median of the rounds is reported.

use std::hint::black_box;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use axum_jwt_extended::{
    get_jwt_identity, jwt_required, Expiry, JwtConfig, JwtManager, Location, MemoryBlocklist,
    NoJwtContext, TokenOptions,
};
use serde_json::{json, Value};
use tower::ServiceExt;

#[path = "support/handwritten.rs"]
mod handwritten;
use handwritten::hand_written;

const SECRET: &str = handwritten::SECRET;

// ---- our handlers ----------------------------------------------------------------------------

async fn no_auth() -> Json<Value> {
    Json(json!({ "logged_in_as": "nobody" }))
}

#[jwt_required]
async fn protected() -> Result<Json<Value>, NoJwtContext> {
    Ok(Json(json!({ "logged_in_as": get_jwt_identity()? })))
}

#[jwt_required(fresh)]
async fn fresh() -> Result<Json<Value>, NoJwtContext> {
    Ok(Json(json!({ "logged_in_as": get_jwt_identity()? })))
}

#[jwt_required(refresh)]
async fn refresh() -> Result<Json<Value>, NoJwtContext> {
    Ok(Json(json!({ "logged_in_as": get_jwt_identity()? })))
}

fn manager(config: JwtConfig, blocklist: bool) -> JwtManager {
    let builder = JwtManager::builder(config);
    let builder = if blocklist {
        builder.blocklist(MemoryBlocklist::new())
    } else {
        builder
    };
    builder.build().expect("valid config")
}

struct Variant {
    name: &'static str,
    router: Router,
    make: Box<dyn Fn() -> Request<Body>>,
}

fn variants() -> Vec<Variant> {
    let header_cfg = JwtConfig::with_secret(SECRET);
    let plain = manager(header_cfg.clone(), false);
    let with_blocklist = manager(header_cfg.clone(), true);
    let cookie_cfg = {
        let mut c = header_cfg.clone();
        c.token_location = vec![Location::Cookies];
        c
    };
    let cookies = manager(cookie_cfg, false);

    let access = plain
        .create_access_token_with("alice", TokenOptions::new().fresh(true))
        .expect("token");
    let refresh_token = plain.create_refresh_token("alice").expect("token");
    let cookie_token = cookies.create_access_token("alice").expect("token");
    let csrf = cookies.get_csrf_token(&cookie_token).expect("csrf");

    let bearer = |t: &str| {
        let h = format!("Bearer {t}");
        move |uri: &'static str, method: &'static str| {
            let h = h.clone();
            Box::new(move || {
                Request::builder()
                    .method(method)
                    .uri(uri)
                    .header("authorization", h.as_str())
                    .body(Body::empty())
                    .expect("request")
            }) as Box<dyn Fn() -> Request<Body>>
        }
    };
    let access_req = bearer(&access);
    let refresh_req = bearer(&refresh_token);
    let cookie_header = format!("access_token_cookie={cookie_token}");

    vec![
        Variant {
            name: "no auth (ceiling)",
            router: Router::new().route("/p", get(no_auth)),
            make: access_req("/p", "GET"),
        },
        Variant {
            name: "hand-written jsonwebtoken (baseline)",
            router: Router::new().route("/p", get(hand_written)),
            make: access_req("/p", "GET"),
        },
        Variant {
            name: "#[jwt_required]",
            router: Router::new()
                .route("/p", get(protected))
                .with_state(plain.clone()),
            make: access_req("/p", "GET"),
        },
        Variant {
            name: "#[jwt_required] + memory blocklist",
            router: Router::new()
                .route("/p", get(protected))
                .with_state(with_blocklist),
            make: access_req("/p", "GET"),
        },
        Variant {
            name: "#[jwt_required(fresh)]",
            router: Router::new()
                .route("/p", get(fresh))
                .with_state(plain.clone()),
            make: access_req("/p", "GET"),
        },
        Variant {
            name: "#[jwt_required(refresh)]",
            router: Router::new().route("/p", post(refresh)).with_state(plain),
            make: refresh_req("/p", "POST"),
        },
        Variant {
            name: "#[jwt_required] cookie + CSRF (POST)",
            router: Router::new()
                .route("/p", post(protected))
                .with_state(cookies),
            make: Box::new(move || {
                Request::builder()
                    .method("POST")
                    .uri("/p")
                    .header("cookie", cookie_header.as_str())
                    .header("x-csrf-token", csrf.as_str())
                    .body(Body::empty())
                    .expect("request")
            }),
        },
    ]
}

fn run(rt: &tokio::runtime::Runtime, v: &Variant, iters: u32) -> Duration {
    let start = Instant::now();
    rt.block_on(async {
        for _ in 0..iters {
            let res = v
                .router
                .clone()
                .oneshot((v.make)())
                .await
                .expect("infallible");
            assert_eq!(res.status(), StatusCode::OK, "{}", v.name);
            black_box(res);
        }
    });
    start.elapsed()
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(|a, b| a.total_cmp(b));
    xs[xs.len() / 2]
}

fn bench_requests(rt: &tokio::runtime::Runtime, rounds: usize, iters: u32) {
    let vs = variants();
    for v in &vs {
        run(rt, v, iters / 4 + 1); // warm up
    }
    let mut samples: Vec<Vec<f64>> = vec![Vec::new(); vs.len()];
    for round in 0..rounds {
        // Rotate the order each round.
        for k in 0..vs.len() {
            let i = (k + round) % vs.len();
            let ns = run(rt, &vs[i], iters).as_nanos() as f64 / iters as f64;
            samples[i].push(ns);
        }
    }
    let med: Vec<f64> = samples.into_iter().map(median).collect();
    let (ceiling, baseline) = (med[0], med[1]);
    let base_over = baseline - ceiling;
    println!("\nper request, median of {rounds} interleaved rounds of {iters} requests:");
    println!(
        "{:<40} {:>10} {:>14} {:>22}",
        "variant", "ns/req", "vs baseline", "added cost vs baseline's"
    );
    for (v, m) in vs.iter().zip(&med) {
        let added = if base_over > 0.0 {
            (m - ceiling) / base_over
        } else {
            f64::NAN
        };
        println!(
            "{:<40} {:>10.0} {:>13.2}x {:>21.2}x",
            v.name,
            m,
            m / baseline,
            added
        );
    }
}

fn bench_minting(rounds: usize, iters: u32) {
    let jwt = manager(JwtConfig::with_secret(SECRET), false);
    let key =
        jsonwebtoken::EncodingKey::from_secret(SECRET.as_bytes()).expect("a non-empty secret");
    let header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
    let bare = || {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock")
            .as_secs();
        let claims = json!({
            "fresh": false, "iat": now, "jti": uuid::Uuid::new_v4().to_string(), "type": "access",
            "sub": "alice", "nbf": now, "csrf": uuid::Uuid::new_v4().to_string(), "exp": now + 900,
        });
        black_box(jsonwebtoken::encode(&header, &claims, &key).expect("encode"));
    };
    let ours = || {
        black_box(
            jwt.create_access_token_with(
                "alice",
                TokenOptions::new().expires_delta(Expiry::After(Duration::from_secs(900))),
            )
            .expect("token"),
        );
    };
    let time = |f: &dyn Fn()| {
        let start = Instant::now();
        for _ in 0..iters {
            f();
        }
        start.elapsed().as_nanos() as f64 / iters as f64
    };
    let (mut b, mut o) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        b.push(time(&bare));
        o.push(time(&ours));
    }
    let (b, o) = (median(b), median(o));
    println!("\nminting an access token, median of {rounds} rounds of {iters}:");
    println!(
        "{:<40} {:>10.0} ns",
        "jsonwebtoken::encode + 2 uuid (baseline)", b
    );
    println!(
        "{:<40} {:>10.0} ns {:>8.2}x",
        "create_access_token",
        o,
        o / b
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    if let Some(only) = arg("--only") {
        // One variant, for instruction counts under callgrind.
        let iters: u32 = arg("--iters").and_then(|s| s.parse().ok()).unwrap_or(1000);
        let vs = variants();
        let v = vs
            .iter()
            .find(|v| v.name.contains(only.as_str()))
            .expect("no such variant");
        run(&rt, v, iters);
        return;
    }
    if args.iter().any(|a| a == "--test") || args.iter().any(|a| a == "--list") {
        // `cargo test --benches` runs benches in test mode: one quick pass.
        bench_requests(&rt, 1, 10);
        return;
    }
    let rounds: usize = arg("--rounds").and_then(|s| s.parse().ok()).unwrap_or(15);
    let iters: u32 = arg("--iters").and_then(|s| s.parse().ok()).unwrap_or(3000);
    bench_requests(&rt, rounds, iters);
    bench_minting(rounds, iters);
}
