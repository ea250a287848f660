//! The demo's scale rows over real HTTP, against real demo processes: `REDIS_CLUSTER_URLS` on
//! a real three-master Redis Cluster, `DEMO_NEAR_CACHE` on Redis, the cluster and PostgreSQL
//! (revocations seen by the other instance on its next request, a thousand requests for a
//! handful of store commands, failing closed while the store is paused or stopped, and
//! recovering), and a stopped master.
#![cfg(all(feature = "redis", feature = "postgres"))]

mod common;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use common::pg::PgServer;
use common::process::{demo_bin, free_addr, login_with, start, with_token as call, Process};
use common::redis_cluster::RedisCluster;
use common::redis_server::RedisServer;

const SECRET: (&str, &str) = ("JWT_SECRET_KEY", common::LONG_SECRET);

/// Logs `user` in on `addr`: `(access, refresh)`.
async fn login(addr: SocketAddr, user: &str, password: &str) -> (String, String) {
    login_with(addr, user, password, &[]).await
}

fn revoked() -> (u16, Value) {
    (401, json!({"msg": "Token has been revoked"}))
}

fn me(user: &str) -> (u16, Value) {
    (200, json!({"logged_in_as": user}))
}

/// Two instances on one shared store, with near caches: each revocation answered on one is
/// refused by the other on the very next request, though the other had the token cached.
async fn two_instances_share_revocations(env: &[(&str, &str)]) {
    let bin = demo_bin();
    let (a, b) = (free_addr(), free_addr());
    let _pa = start(&bin, a, env).await;
    let _pb = start(&bin, b, env).await;

    // /logout on A: B (which had the token cached) refuses it at once.
    let (access, _) = login(a, "testuser", "testpass").await;
    for _ in 0..20 {
        assert_eq!(call("GET", b, "/protected", &access).await, me("testuser"));
    }
    assert_eq!(
        call("POST", a, "/logout", &access).await,
        (200, json!({"msg": "Access token revoked"}))
    );
    assert_eq!(call("GET", b, "/protected", &access).await, revoked());

    // /logout/all on B: every token of the identity, on A at once.
    let (first, _) = login(a, "admin", "adminpass").await;
    let (second, _) = login(b, "admin", "adminpass").await;
    for t in [&first, &second] {
        assert_eq!(call("GET", a, "/protected", t).await, me("admin"));
    }
    // The cut-off counts whole seconds: the logins are a second older than it.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(
        call("POST", b, "/logout/all", &second).await,
        (200, json!({"msg": "All tokens revoked"}))
    );
    for t in [&first, &second] {
        assert_eq!(call("GET", a, "/protected", t).await, revoked());
    }

    // Rotation on A, the old refresh token replayed on B: reuse, the whole login revoked.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let (access, refresh) = login(a, "testuser", "testpass").await;
    assert_eq!(call("GET", b, "/protected", &access).await, me("testuser"));
    let (status, _) = call("POST", a, "/refresh", &refresh).await;
    assert_eq!(status, 200);
    assert_eq!(
        call("POST", b, "/refresh", &refresh).await,
        (
            401,
            json!({"msg": "Refresh token reuse detected: every token of this login was revoked"})
        )
    );
    assert_eq!(call("GET", a, "/protected", &access).await, revoked());
    assert_eq!(call("GET", b, "/protected", &access).await, revoked());
}

#[tokio::test(flavor = "multi_thread")]
async fn two_demos_on_a_redis_cluster_with_near_caches_share_revocations() {
    let cluster = RedisCluster::start();
    let urls = cluster.urls_env();
    let env = [
        SECRET,
        ("REDIS_CLUSTER_URLS", urls.as_str()),
        ("DEMO_NEAR_CACHE", "true"),
        ("DEMO_ROTATE_REFRESH", "true"),
    ];
    two_instances_share_revocations(&env).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn two_demos_on_postgres_with_near_caches_share_revocations() {
    let pg = PgServer::start();
    let url = pg.url();
    let env = [
        SECRET,
        ("DATABASE_URL", url.as_str()),
        ("DEMO_NEAR_CACHE", "true"),
        ("DEMO_ROTATE_REFRESH", "true"),
    ];
    two_instances_share_revocations(&env).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn two_demos_on_a_redis_cluster_without_near_caches_share_revocations() {
    let cluster = RedisCluster::start();
    let urls = cluster.urls_env();
    let env = [
        SECRET,
        ("REDIS_CLUSTER_URLS", urls.as_str()),
        ("DEMO_ROTATE_REFRESH", "true"),
    ];
    two_instances_share_revocations(&env).await;
}

/// The calls of every command Redis counted (`INFO commandstats`), but `INFO` itself.
fn per_command(stats: &str) -> std::collections::BTreeMap<String, u64> {
    stats
        .lines()
        .filter(|l| l.starts_with("cmdstat_") && !l.starts_with("cmdstat_info:"))
        .filter_map(|l| {
            let (name, rest) = l.split_once(':')?;
            let calls = rest
                .split("calls=")
                .nth(1)?
                .split(',')
                .next()?
                .parse()
                .ok()?;
            Some((name.trim_start_matches("cmdstat_").to_owned(), calls))
        })
        .collect()
}

fn commands(stats: &str) -> u64 {
    per_command(stats).values().sum()
}

/// A thousand requests with one token, one after the other.
async fn a_thousand_requests(addr: SocketAddr, token: &str) {
    let client = common::http();
    let bearer = format!("Bearer {token}");
    for _ in 0..1000 {
        let r = client
            .get(format!("http://{addr}/protected"))
            .header("Authorization", &bearer)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_thousand_requests_with_one_token_send_at_most_five_commands() {
    let bin = demo_bin();

    // Standalone Redis.
    let redis = RedisServer::start();
    let url = redis.url();
    let addr = free_addr();
    let _demo = start(
        &bin,
        addr,
        &[SECRET, ("REDIS_URL", &url), ("DEMO_NEAR_CACHE", "true")],
    )
    .await;
    let (access, _) = login(addr, "testuser", "testpass").await;
    let port = redis.port();
    let info = || common::redis_cluster::on(port, &["info", "commandstats"]);
    let before = commands(&info());
    a_thousand_requests(addr, &access).await;
    let sent = commands(&info()) - before;
    assert!(sent <= 5, "1,000 requests sent {sent} commands to Redis");

    // The same without the near cache: one command per request.
    let plain = free_addr();
    let _plain = start(&bin, plain, &[SECRET, ("REDIS_URL", &url)]).await;
    let before = commands(&info());
    a_thousand_requests(plain, &access).await;
    let sent = commands(&info()) - before;
    assert!(sent >= 1000, "without a near cache, {sent} commands");

    // A cluster: counted over its three masters.
    let cluster = RedisCluster::start();
    let urls = cluster.urls_env();
    let addr = free_addr();
    let _demo = start(
        &bin,
        addr,
        &[
            SECRET,
            ("REDIS_CLUSTER_URLS", &urls),
            ("DEMO_NEAR_CACHE", "true"),
        ],
    )
    .await;
    let (access, _) = login(addr, "testuser", "testpass").await;
    let total = || {
        let mut all = std::collections::BTreeMap::<String, u64>::new();
        for n in &cluster.nodes {
            let stats = common::redis_cluster::on(n.port, &["info", "commandstats"]);
            for (name, calls) in per_command(&stats) {
                *all.entry(name).or_default() += calls;
            }
        }
        all
    };
    // Whatever the cluster client asks besides (`CLUSTER SLOTS`…) is counted too.
    let before = total();
    a_thousand_requests(addr, &access).await;
    let after = total();
    let sent: u64 = after.values().sum::<u64>() - before.values().sum::<u64>();
    let diff: Vec<(String, u64)> = after
        .iter()
        .map(|(k, v)| (k.clone(), v - before.get(k).copied().unwrap_or(0)))
        .filter(|(_, v)| *v > 0)
        .collect();
    assert!(
        sent <= 5,
        "1,000 requests sent {sent} commands to the cluster: {diff:?}"
    );
}

/// Polls `/protected` with `token` until `want` answers, within `limit`; returns how long it
/// took.
async fn until(addr: SocketAddr, token: &str, want: u16, limit: Duration) -> Duration {
    let start = Instant::now();
    let client = common::http();
    let bearer = format!("Bearer {token}");
    loop {
        let status = client
            .get(format!("http://{addr}/protected"))
            .header("Authorization", &bearer)
            .timeout(Duration::from_secs(5))
            .send()
            .await
            .map(|r| r.status().as_u16())
            .unwrap_or(0);
        if status == want {
            return start.elapsed();
        }
        assert!(
            start.elapsed() < limit,
            "no {want} within {limit:?} (last: {status})"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_paused_redis_fails_closed_within_five_seconds_and_recovers_within_ten() {
    let bin = demo_bin();
    let redis = RedisServer::start();
    let url = redis.url();
    let addr = free_addr();
    let _demo = start(
        &bin,
        addr,
        &[SECRET, ("REDIS_URL", &url), ("DEMO_NEAR_CACHE", "true")],
    )
    .await;
    let (access, _) = login(addr, "testuser", "testpass").await;
    // Cached.
    for _ in 0..50 {
        assert_eq!(
            call("GET", addr, "/protected", &access).await,
            me("testuser")
        );
    }
    redis.pause();
    until(addr, &access, 503, Duration::from_secs(5)).await;
    // Fail closed: the cached token keeps answering 503 while Redis is paused.
    for _ in 0..3 {
        assert_eq!(
            call("GET", addr, "/protected", &access).await,
            (503, json!({"msg": "Token revocation store unavailable"}))
        );
    }
    redis.resume();
    until(addr, &access, 200, Duration::from_secs(10)).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stopped_postgres_fails_closed_within_five_seconds_and_recovers_within_ten() {
    let bin = demo_bin();
    let mut pg = PgServer::start();
    let url = pg.url();
    let addr = free_addr();
    let _demo = start(
        &bin,
        addr,
        &[SECRET, ("DATABASE_URL", &url), ("DEMO_NEAR_CACHE", "true")],
    )
    .await;
    let (access, _) = login(addr, "testuser", "testpass").await;
    for _ in 0..50 {
        assert_eq!(
            call("GET", addr, "/protected", &access).await,
            me("testuser")
        );
    }
    pg.stop();
    until(addr, &access, 503, Duration::from_secs(5)).await;
    pg.restart();
    until(addr, &access, 200, Duration::from_secs(10)).await;
}

/// A stopped master: the tokens whose slot it served answer 503 (a revoked one never 200);
/// the other master's tokens keep working, revoked ones refused.
#[tokio::test(flavor = "multi_thread")]
async fn a_stopped_master_fails_closed_for_its_slots_only() {
    let bin = demo_bin();
    let mut cluster = RedisCluster::start();
    let urls = cluster.urls_env();
    let addr = free_addr();
    let _demo: Process = start(&bin, addr, &[SECRET, ("REDIS_CLUSTER_URLS", &urls)]).await;
    // Where each user's keys live (the hash tag of the documented layout).
    let tag = |identity: &str| {
        use sha2::Digest;
        let digest = sha2::Sha256::digest(identity.as_bytes());
        format!("{{{}}}", hex::encode(&digest[..8]))
    };
    let admin_node = cluster.owner_of(cluster.slot_of(&tag("\"admin\"")));
    let user_node = cluster.owner_of(cluster.slot_of(&tag("\"testuser\"")));
    assert_ne!(
        admin_node, user_node,
        "the two users' keys live on different masters"
    );

    let (admin, _) = login(addr, "admin", "adminpass").await;
    let (admin_revoked, _) = login(addr, "admin", "adminpass").await;
    let (user, _) = login(addr, "testuser", "testpass").await;
    let (user_revoked, _) = login(addr, "testuser", "testpass").await;
    for t in [&admin_revoked, &user_revoked] {
        let (status, _) = call("POST", addr, "/logout", t).await;
        assert_eq!(status, 200);
    }
    cluster.stop(admin_node);
    let down = (503, json!({"msg": "Token revocation store unavailable"}));
    for _ in 0..3 {
        assert_eq!(call("GET", addr, "/protected", &admin).await, down);
        assert_eq!(call("GET", addr, "/protected", &admin_revoked).await, down);
        assert_eq!(call("GET", addr, "/protected", &user).await, me("testuser"));
        assert_eq!(
            call("GET", addr, "/protected", &user_revoked).await,
            revoked()
        );
    }
    // A logout that cannot be kept fails loudly.
    assert_eq!(call("POST", addr, "/logout", &admin).await, down);
}
