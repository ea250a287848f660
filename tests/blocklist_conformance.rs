//! `testing::blocklist_conformance` on every store we ship, each on its real backend: the
//! in-memory store, Redis (`--features redis`, a `redis-server` of its own), SQLite
//! (`--features sqlite`, a temporary file) and PostgreSQL (`--features postgres`, a server of
//! its own, see `common/pg.rs`); and `testing::blocklist_outage_conformance` on Redis and
//! PostgreSQL, whose servers are stopped and started again on the same port.
#![cfg(feature = "test-util")]

mod common;

use axum_jwt_extended::testing::blocklist_conformance;
use axum_jwt_extended::MemoryBlocklist;

#[tokio::test(flavor = "multi_thread")]
async fn memory_blocklist_conforms() {
    blocklist_conformance(MemoryBlocklist::new()).await;
}

#[tokio::test(flavor = "current_thread")]
async fn memory_blocklist_conforms_on_a_current_thread_runtime() {
    blocklist_conformance(MemoryBlocklist::with_capacity(10_000)).await;
}

#[cfg(feature = "redis")]
mod on_redis {
    use axum_jwt_extended::testing::{
        blocklist_conformance, blocklist_outage_conformance, Backend,
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
}
