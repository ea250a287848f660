//! `testing::blocklist_conformance` on every store we ship, each on its real backend, with
//! and without a `NearCache` where one applies: the in-memory store, Redis (`--features
//! redis`, a `redis-server` of its own), a Redis Cluster of three masters (started by the
//! test, see `common/redis_cluster.rs`), SQLite (`--features sqlite`, a temporary file) and
//! PostgreSQL (`--features postgres`, a server of its own, see `common/pg.rs`);
//! `testing::blocklist_outage_conformance` on Redis and PostgreSQL, whose servers are stopped
//! and started again on the same port; and `change_feed_conformance` and
//! `near_cache_conformance` (two instances on one backend) on every shared store.
#![cfg(feature = "test-util")]

mod common;

use std::time::Duration;

use axum_jwt_extended::testing::blocklist_conformance;
use axum_jwt_extended::{ChangeFeed, MemoryBlocklist, NearCache, NearCacheOptions};

/// A near cache with a short lease, so that the suite's many revocations (each waits out
/// the lease) stay quick.
#[allow(dead_code)]
fn near<S: ChangeFeed>(store: S) -> NearCache<S> {
    NearCache::with_options(
        store,
        NearCacheOptions::new()
            .lease(Duration::from_millis(60))
            .heartbeat(Duration::from_millis(20)),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn memory_blocklist_conforms() {
    blocklist_conformance(MemoryBlocklist::new()).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn memory_sessions_conform() {
    axum_jwt_extended::testing::session_conformance(MemoryBlocklist::new()).await;
}

#[tokio::test(flavor = "current_thread")]
async fn memory_blocklist_conforms_on_a_current_thread_runtime() {
    blocklist_conformance(MemoryBlocklist::with_capacity(10_000)).await;
}

#[cfg(feature = "redis")]
mod on_redis {
    use axum_jwt_extended::testing::{
        blocklist_conformance, blocklist_outage_conformance, change_feed_conformance,
        near_cache_conformance, Backend,
    };
    use axum_jwt_extended::RedisBlocklist;

    use crate::common::redis_server::RedisServer;

    struct Outage(RedisServer);

    impl Backend for Outage {
        async fn stop(&mut self) {
            self.0.stop();
        }
        async fn restart(&mut self) {
            self.0.spawn();
        }
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn redis_blocklist_conforms() {
        let server = RedisServer::start();
        blocklist_conformance(RedisBlocklist::new(&server.url()).unwrap()).await;
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn redis_blocklist_fails_closed_and_recovers() {
        let mut server = Outage(RedisServer::start());
        let store = RedisBlocklist::new(&server.0.url()).unwrap();
        blocklist_outage_conformance(store, &mut server).await;
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn redis_sessions_conform_with_and_without_a_near_cache() {
        let server = RedisServer::start();
        axum_jwt_extended::testing::session_conformance(
            RedisBlocklist::new(&server.url()).unwrap(),
        )
        .await;
        let store = super::near(RedisBlocklist::new(&server.url()).unwrap());
        axum_jwt_extended::testing::session_conformance(store).await;
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn redis_blocklist_with_a_near_cache_conforms() {
        let server = RedisServer::start();
        let store = RedisBlocklist::new(&server.url()).unwrap();
        blocklist_conformance(super::near(store)).await;
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn redis_change_feed_and_near_caches_conform() {
        let server = RedisServer::start();
        change_feed_conformance(RedisBlocklist::new(&server.url()).unwrap()).await;
        near_cache_conformance(
            RedisBlocklist::new(&server.url()).unwrap(),
            RedisBlocklist::new(&server.url()).unwrap(),
        )
        .await;
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn redis_with_a_near_cache_fails_closed_and_recovers() {
        let mut server = Outage(RedisServer::start());
        let store = super::near(RedisBlocklist::new(&server.0.url()).unwrap());
        blocklist_outage_conformance(store, &mut server).await;
    }
}

#[cfg(feature = "redis")]
mod on_redis_cluster {
    use axum_jwt_extended::testing::{
        blocklist_conformance, change_feed_conformance, near_cache_conformance,
    };
    use axum_jwt_extended::RedisBlocklist;

    use crate::common::redis_cluster::RedisCluster;

    #[tokio::test(flavor = "multi_thread")]
    async fn redis_cluster_blocklist_conforms_with_and_without_a_near_cache() {
        let cluster = RedisCluster::start();
        let store = RedisBlocklist::cluster(cluster.urls()).unwrap();
        assert!(store.is_cluster());
        blocklist_conformance(store).await;
        let store = RedisBlocklist::cluster(cluster.urls()).unwrap();
        blocklist_conformance(super::near(store)).await;
        change_feed_conformance(RedisBlocklist::cluster(cluster.urls()).unwrap()).await;
        axum_jwt_extended::testing::session_conformance(
            RedisBlocklist::cluster(cluster.urls()).unwrap(),
        )
        .await;
        near_cache_conformance(
            RedisBlocklist::cluster(cluster.urls()).unwrap(),
            RedisBlocklist::cluster(cluster.urls()).unwrap(),
        )
        .await;
    }
}

#[cfg(feature = "sqlite")]
mod on_sqlite {
    use axum_jwt_extended::testing::blocklist_conformance;
    use axum_jwt_extended::SqlBlocklist;

    use crate::common::TempDir;

    #[tokio::test(flavor = "multi_thread")]
    async fn sqlite_blocklist_conforms() {
        let dir = TempDir::new();
        let store = SqlBlocklist::connect(&dir.sqlite_url("blocklist.db"))
            .await
            .unwrap();
        blocklist_conformance(store).await;
    }

    /// One in-memory database shared by the pool's connections, kept while the store lives.
    #[tokio::test(flavor = "multi_thread")]
    async fn sqlite_in_memory_blocklist_conforms() {
        let store = SqlBlocklist::connect("sqlite::memory:").await.unwrap();
        blocklist_conformance(store).await;
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn sqlite_sessions_conform() {
        let dir = TempDir::new();
        let store = SqlBlocklist::connect(&dir.sqlite_url("sessions.db"))
            .await
            .unwrap();
        axum_jwt_extended::testing::session_conformance(store).await;
    }

    /// Two processes on one SQLite file can share a near cache too.
    #[tokio::test(flavor = "multi_thread")]
    async fn sqlite_change_feed_and_near_caches_conform() {
        use axum_jwt_extended::testing::{change_feed_conformance, near_cache_conformance};
        let dir = TempDir::new();
        let url = dir.sqlite_url("blocklist.db");
        change_feed_conformance(SqlBlocklist::connect(&url).await.unwrap()).await;
        blocklist_conformance(super::near(SqlBlocklist::connect(&url).await.unwrap())).await;
        near_cache_conformance(
            SqlBlocklist::connect(&url).await.unwrap(),
            SqlBlocklist::connect(&url).await.unwrap(),
        )
        .await;
    }
}

#[cfg(feature = "postgres")]
mod on_postgres {
    use axum_jwt_extended::testing::{
        blocklist_conformance, blocklist_outage_conformance, Backend,
    };
    use axum_jwt_extended::SqlBlocklist;

    use crate::common::pg::PgServer;

    struct Outage(PgServer);

    impl Backend for Outage {
        async fn stop(&mut self) {
            self.0.stop();
        }
        async fn restart(&mut self) {
            self.0.restart();
        }
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn postgres_blocklist_conforms() {
        let server = PgServer::start();
        let store = SqlBlocklist::connect(&server.url()).await.unwrap();
        blocklist_conformance(store).await;
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn postgres_blocklist_fails_closed_and_recovers() {
        let mut server = Outage(PgServer::start());
        let store = SqlBlocklist::connect(&server.0.url()).await.unwrap();
        blocklist_outage_conformance(store, &mut server).await;
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn postgres_sessions_conform() {
        let server = PgServer::start();
        let store = SqlBlocklist::connect(&server.url()).await.unwrap();
        axum_jwt_extended::testing::session_conformance(store).await;
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn postgres_with_a_near_cache_conforms() {
        use axum_jwt_extended::testing::{change_feed_conformance, near_cache_conformance};
        let server = PgServer::start();
        let url = server.url();
        change_feed_conformance(SqlBlocklist::connect(&url).await.unwrap()).await;
        blocklist_conformance(super::near(SqlBlocklist::connect(&url).await.unwrap())).await;
        near_cache_conformance(
            SqlBlocklist::connect(&url).await.unwrap(),
            SqlBlocklist::connect(&url).await.unwrap(),
        )
        .await;
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn postgres_with_a_near_cache_fails_closed_and_recovers() {
        let mut server = Outage(PgServer::start());
        let store = super::near(SqlBlocklist::connect(&server.0.url()).await.unwrap());
        blocklist_outage_conformance(store, &mut server).await;
    }
}
