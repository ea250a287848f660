//! A real Redis Cluster of three masters for one test: three `redis-server
//! --cluster-enabled yes` on free loopback ports, joined by `redis-cli --cluster create`
//! (`$REDIS_SERVER_BIN`, and `redis-cli` beside it or on the `PATH`; `scripts/test.sh`
//! installs both).
#![allow(dead_code)]

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::TempDir;

/// One node of the cluster.
pub struct Node {
    pub port: u16,
    child: Option<Child>,
}

/// Three masters, no replicas, stopped on drop.
pub struct RedisCluster {
    pub nodes: Vec<Node>,
    dir: TempDir,
}

fn server_bin() -> String {
    std::env::var("REDIS_SERVER_BIN").unwrap_or_else(|_| "redis-server".into())
}

fn cli_bin() -> PathBuf {
    let server = PathBuf::from(server_bin());
    let beside = server.with_file_name("redis-cli");
    if beside.is_file() {
        beside
    } else {
        PathBuf::from("redis-cli")
    }
}

/// A port whose cluster bus port (+10000) is free too.
fn free_port() -> u16 {
    loop {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free port");
        if port < 55_000 && TcpListener::bind(("127.0.0.1", port + 10_000)).is_ok() {
            return port;
        }
    }
}

/// Runs `redis-cli` with these arguments, returning its output (panics on failure).
pub fn cli(args: &[&str]) -> String {
    let out = Command::new(cli_bin())
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run redis-cli");
    assert!(
        out.status.success(),
        "redis-cli {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `redis-cli -p <port> <args>`.
pub fn on(port: u16, args: &[&str]) -> String {
    let port = port.to_string();
    let mut all = vec!["-h", "127.0.0.1", "-p", &port];
    all.extend_from_slice(args);
    cli(&all)
}

impl RedisCluster {
    /// Starts three masters and joins them; returns once every node says `cluster_state:ok`.
    pub fn start() -> RedisCluster {
        let dir = TempDir::new();
        let mut cluster = RedisCluster {
            nodes: (0..3)
                .map(|_| Node {
                    port: free_port(),
                    child: None,
                })
                .collect(),
            dir,
        };
        for i in 0..3 {
            cluster.spawn(i);
        }
        let addrs: Vec<String> = cluster
            .nodes
            .iter()
            .map(|n| format!("127.0.0.1:{}", n.port))
            .collect();
        let mut args = vec!["--cluster", "create"];
        args.extend(addrs.iter().map(String::as_str));
        args.extend(["--cluster-replicas", "0", "--cluster-yes"]);
        cli(&args);
        cluster.wait_ok();
        cluster
    }

    /// Starts node `i` (again) on its port, with its cluster config file kept.
    pub fn spawn(&mut self, i: usize) {
        let port = self.nodes[i].port;
        let config = self.dir.0.join(format!("nodes-{port}.conf"));
        let child = Command::new(server_bin())
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--cluster-enabled", "yes"])
            .args(["--cluster-config-file", &config.to_string_lossy()])
            .args(["--cluster-node-timeout", "2000"])
            // The other masters keep serving their slots while one is down.
            .args(["--cluster-require-full-coverage", "no"])
            .args(["--save", "", "--appendonly", "no"])
            .args(["--dir", &self.dir.0.to_string_lossy()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start redis-server ({e}): run `bash scripts/test.sh`, which installs it"));
        self.nodes[i].child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "redis-server did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Kills node `i` (its slots' data is gone with it: no persistence).
    pub fn stop(&mut self, i: usize) {
        if let Some(mut c) = self.nodes[i].child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Waits until every running node says the cluster is ok.
    pub fn wait_ok(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        for node in self.nodes.iter().filter(|n| n.child.is_some()) {
            while !on(node.port, &["cluster", "info"]).contains("cluster_state:ok") {
                assert!(Instant::now() < deadline, "the cluster did not become ok");
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    }

    /// The seed URLs.
    pub fn urls(&self) -> Vec<String> {
        self.nodes
            .iter()
            .map(|n| format!("redis://127.0.0.1:{}", n.port))
            .collect()
    }

    /// The same, comma-separated (as `REDIS_CLUSTER_URLS` takes them).
    pub fn urls_env(&self) -> String {
        self.urls().join(",")
    }

    /// The slot of `key`.
    pub fn slot_of(&self, key: &str) -> u16 {
        on(self.nodes[0].port, &["cluster", "keyslot", key])
            .trim()
            .parse()
            .expect("a slot")
    }

    /// A node's cluster ID.
    pub fn id_of(&self, i: usize) -> String {
        on(self.nodes[i].port, &["cluster", "myid"])
            .trim()
            .to_owned()
    }

    /// Which node serves `slot`.
    pub fn owner_of(&self, slot: u16) -> usize {
        let port = self
            .nodes
            .iter()
            .find(|n| n.child.is_some())
            .expect("a running node")
            .port;
        let nodes = on(port, &["cluster", "nodes"]);
        for line in nodes.lines() {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let Some(addr) = fields.get(1) else { continue };
            let node_port: u16 = addr
                .split(['@', ':'])
                .nth(1)
                .and_then(|p| p.parse().ok())
                .unwrap_or(0);
            for range in fields.iter().skip(8) {
                let (lo, hi) = match range.split_once('-') {
                    Some((lo, hi)) => (lo.parse().unwrap_or(1), hi.parse().unwrap_or(0)),
                    None => match range.parse::<u16>() {
                        Ok(s) => (s, s),
                        Err(_) => continue,
                    },
                };
                if (lo..=hi).contains(&slot) {
                    return self
                        .nodes
                        .iter()
                        .position(|n| n.port == node_port)
                        .expect("a node of ours");
                }
            }
        }
        panic!("no node serves slot {slot}")
    }

    /// Starts moving `slot` from its owner to node `to`: both sides marked, then the first
    /// `moved` keys migrated (the rest stay behind, so clients meet `ASK`).
    pub fn begin_migration(&self, slot: u16, to: usize, moved: usize) -> usize {
        let from = self.owner_of(slot);
        assert_ne!(from, to, "the slot is already there");
        let (from_port, to_port) = (self.nodes[from].port, self.nodes[to].port);
        let slot_s = slot.to_string();
        on(
            to_port,
            &[
                "cluster",
                "setslot",
                &slot_s,
                "importing",
                &self.id_of(from),
            ],
        );
        on(
            from_port,
            &["cluster", "setslot", &slot_s, "migrating", &self.id_of(to)],
        );
        let keys = on(from_port, &["cluster", "getkeysinslot", &slot_s, "1000"]);
        let to_port_s = to_port.to_string();
        for key in keys.lines().filter(|k| !k.is_empty()).take(moved) {
            on(
                from_port,
                &["migrate", "127.0.0.1", &to_port_s, key, "0", "5000"],
            );
        }
        from
    }

    /// Ends a migration begun by [`begin_migration`]: the remaining keys move, and every
    /// node is told the slot's new owner.
    pub fn finish_migration(&self, slot: u16, from: usize, to: usize) {
        let (from_port, to_port) = (self.nodes[from].port, self.nodes[to].port);
        let slot_s = slot.to_string();
        let to_port_s = to_port.to_string();
        loop {
            let keys = on(from_port, &["cluster", "getkeysinslot", &slot_s, "1000"]);
            let keys: Vec<&str> = keys.lines().filter(|k| !k.is_empty()).collect();
            if keys.is_empty() {
                break;
            }
            for key in keys {
                on(
                    from_port,
                    &["migrate", "127.0.0.1", &to_port_s, key, "0", "5000"],
                );
            }
        }
        let to_id = self.id_of(to);
        for node in &self.nodes {
            on(node.port, &["cluster", "setslot", &slot_s, "node", &to_id]);
        }
    }

    /// The calls of `command` (`cmdstat_<command>`) on each node.
    pub fn calls(&self, command: &str) -> Vec<u64> {
        self.nodes
            .iter()
            .map(|n| {
                if n.child.is_none() {
                    return 0;
                }
                let stats = on(n.port, &["info", "commandstats"]);
                let prefix = format!("cmdstat_{command}:calls=");
                stats
                    .lines()
                    .find_map(|l| l.strip_prefix(&prefix))
                    .and_then(|rest| rest.split(',').next())
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(0)
            })
            .collect()
    }
}

impl Drop for RedisCluster {
    fn drop(&mut self) {
        for i in 0..self.nodes.len() {
            self.stop(i);
        }
    }
}
