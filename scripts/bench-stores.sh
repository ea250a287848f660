#!/usr/bin/env bash
# Requests/s of the demo's GET /protected on each revocation store, as same-round ratios to
# GET /health (no auth) and to the in-memory store; then how long a revocation takes to reach
# a second instance (p50 and p99 over 100 revocations).
#
#   bash scripts/bench-stores.sh [ROUNDS] [SECONDS]     (default 3 rounds of 3 s per endpoint)
#
# Starts, on 127.0.0.1 only: a redis-server, a Redis Cluster of three masters, a PostgreSQL
# (initdb in a temporary directory, as the postgres user when run as root), and one release
# demo per variant (memory; Redis; Redis + near cache; cluster; cluster + near cache;
# PostgreSQL; PostgreSQL + near cache), plus a second instance of each shared variant for the
# propagation figures. wrk drives every variant in interleaved rounds. Everything started is
# stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
SECS=${2:-3}
TMP=$(mktemp -d /tmp/bench-stores.XXXXXX)
chmod 755 "$TMP"
pids=()
pg_ctl_stop=""
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  if [ -n "$pg_ctl_stop" ]; then eval "$pg_ctl_stop" >/dev/null 2>&1 || true; fi
  rm -rf "$TMP"
}
trap cleanup EXIT

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
for tool in wrk redis-server curl; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "installing $tool"
    pkg=$tool; [ "$tool" = redis-server ] && pkg=redis-server
    as_root apt-get update -qq && as_root apt-get install -y -qq "$pkg" >/dev/null
  fi
done
PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
[ -x "$PG_BIN/initdb" ] || { echo "PostgreSQL is needed: run scripts/test.sh once, or set PG_BIN" >&2; exit 1; }

cargo build --release -q --example demo --example bench_server --features redis,postgres,sqlite

# --- the stores ------------------------------------------------------------------------------
REDIS_PORT=6391
redis-server --port $REDIS_PORT --bind 127.0.0.1 --save '' --appendonly no \
  >"$TMP/redis.log" 2>&1 & pids+=($!)
CLUSTER_PORTS=(7391 7392 7393)
for p in "${CLUSTER_PORTS[@]}"; do
  mkdir -p "$TMP/c$p"
  redis-server --port "$p" --bind 127.0.0.1 --cluster-enabled yes --dir "$TMP/c$p" \
    --cluster-config-file nodes.conf --save '' --appendonly no >"$TMP/c$p.log" 2>&1 & pids+=($!)
done
sleep 0.5
redis-cli --cluster create 127.0.0.1:7391 127.0.0.1:7392 127.0.0.1:7393 \
  --cluster-replicas 0 --cluster-yes >/dev/null
for _ in $(seq 100); do
  redis-cli -p 7391 cluster info | grep -q cluster_state:ok && break; sleep 0.1
done

PG_PORT=5491
PG_RUN=()
if [ "$(id -u)" = 0 ]; then PG_RUN=(runuser -u postgres --); chown postgres: "$TMP"; fi
"${PG_RUN[@]}" "$PG_BIN/initdb" -D "$TMP/pg" -U postgres --auth=trust --no-sync >/dev/null
"${PG_RUN[@]}" "$PG_BIN/pg_ctl" -D "$TMP/pg" -l "$TMP/pg.log" -w start \
  -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$TMP -c fsync=off" >/dev/null
pg_ctl_stop="${PG_RUN[*]} $PG_BIN/pg_ctl -D $TMP/pg -m fast -w stop"

# --- the demos -------------------------------------------------------------------------------
export JWT_SECRET_KEY=load-test-secret-0123456789-abcdefghijk
REDIS="REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0"
CLUSTER="REDIS_CLUSTER_URLS=redis://127.0.0.1:7391,redis://127.0.0.1:7392,redis://127.0.0.1:7393"
PG="DATABASE_URL=postgres://postgres@127.0.0.1:$PG_PORT/postgres"
NEAR="DEMO_NEAR_CACHE=true"
names=(memory redis redis+near cluster cluster+near postgres postgres+near)
envs=("" "$REDIS" "$REDIS $NEAR" "$CLUSTER" "$CLUSTER $NEAR" "$PG" "$PG $NEAR")
ports=()
start_demo() { # port env...
  local port=$1; shift
  env DEMO_ADDR="127.0.0.1:$port" RUST_LOG=warn "$@" target/release/examples/demo \
    >"$TMP/demo-$port.log" 2>&1 & pids+=($!)
  for _ in $(seq 200); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && return; sleep 0.1; done
  echo "the demo on $port did not start:" >&2; cat "$TMP/demo-$port.log" >&2; exit 1
}
for i in "${!names[@]}"; do
  port=$((5180 + i)); ports+=("$port")
  # shellcheck disable=SC2086
  start_demo "$port" ${envs[$i]}
done
tokens=()
for port in "${ports[@]}"; do
  tokens+=("$(curl -s -X POST "http://127.0.0.1:$port/login" -H 'Content-Type: application/json' \
    -d '{"username":"testuser","password":"testpass"}' | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')")
done

rps() { # url [token]
  local args=(-t2 -c32 "-d${SECS}s" "$1")
  [ -n "${2:-}" ] && args+=(-H "Authorization: Bearer $2")
  wrk "${args[@]}" | awk '/Requests\/sec/ {print $2}'
}

echo "wrk -t2 -c32, ${SECS}s per endpoint, $ROUNDS interleaved rounds"
printf '%-6s' round; for n in "${names[@]}"; do printf ' %14s' "$n"; done; echo
all=()
for r in $(seq "$ROUNDS"); do
  line="$r"
  ratios=()
  for i in "${!names[@]}"; do
    h=$(rps "http://127.0.0.1:${ports[$i]}/health")
    p=$(rps "http://127.0.0.1:${ports[$i]}/protected" "${tokens[$i]}")
    ratios+=("$(awk -v p="$p" -v h="$h" 'BEGIN { printf "%.3f", p/h }')")
    line="$line $p $h"
  done
  printf '%-6s' "$r"; for x in "${ratios[@]}"; do printf ' %14s' "$x"; done; echo "   (protected/health)"
  all+=("$line")
done
echo
echo "mean over rounds: /protected requests/s, its ratio to /health, and to the memory store's /protected in the same round"
printf '%s\n' "${all[@]}" | awk -v names="${names[*]}" '
  BEGIN { n = split(names, name, " ") }
  { for (i = 1; i <= n; i++) { p = $(2*i); h = $(2*i+1); sp[i] += p; rh[i] += p/h; rm[i] += p/$2 } rounds++ }
  END { for (i = 1; i <= n; i++) printf "%-14s %10.0f req/s  %6.3f of /health  %6.3f of memory\n", name[i], sp[i]/rounds, rh[i]/rounds, rm[i]/rounds }'

# --- PostgreSQL without the demo's user query ------------------------------------------------
# With DATABASE_URL the demo also reads the user from PostgreSQL on every request, which no
# revocation cache removes: examples/bench_server keeps no users, so only the store is left.
echo
echo "PostgreSQL alone (examples/bench_server: no user query), same rounds"
bnames=(memory postgres postgres+near)
benvs=("" "BENCH_DATABASE_URL=${PG#DATABASE_URL=}" "BENCH_DATABASE_URL=${PG#DATABASE_URL=} BENCH_NEAR_CACHE=true")
bports=(); btokens=()
for i in "${!bnames[@]}"; do
  port=$((5380 + i)); bports+=("$port")
  # shellcheck disable=SC2086
  env BENCH_ADDR="127.0.0.1:$port" ${benvs[$i]} target/release/examples/bench_server \
    >"$TMP/bench-$port.log" 2>&1 & pids+=($!)
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done
  btokens+=("$(head -n 1 "$TMP/bench-$port.log")")
done
ball=()
for r in $(seq "$ROUNDS"); do
  line="$r"
  for i in "${!bnames[@]}"; do
    h=$(rps "http://127.0.0.1:${bports[$i]}/health")
    p=$(rps "http://127.0.0.1:${bports[$i]}/protected" "${btokens[$i]}")
    line="$line $p $h"
  done
  ball+=("$line")
done
printf '%s\n' "${ball[@]}" | awk -v names="${bnames[*]}" '
  BEGIN { n = split(names, name, " ") }
  { for (i = 1; i <= n; i++) { p = $(2*i); h = $(2*i+1); sp[i] += p; rh[i] += p/h; rm[i] += p/$2 } rounds++ }
  END { for (i = 1; i <= n; i++) printf "%-14s %10.0f req/s  %6.3f of /health  %6.3f of memory\n", name[i], sp[i]/rounds, rh[i]/rounds, rm[i]/rounds }'

# --- propagation -----------------------------------------------------------------------------
echo
echo "a revocation on one instance, seen by a second (p50 / p99 over 100 revocations)"
for i in 1 2 3 4 5 6; do
  port2=$((5280 + i))
  # shellcheck disable=SC2086
  start_demo "$port2" ${envs[$i]}
  python3 - "${names[$i]}" "${ports[$i]}" "$port2" <<'PY'
import json, sys, threading, time, urllib.request, urllib.error
name, a, b = sys.argv[1], sys.argv[2], sys.argv[3]
def call(method, port, path, token=None, body=None):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method,
                                 data=json.dumps(body).encode() if body else None)
    if body: req.add_header("Content-Type", "application/json")
    if token: req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=10) as r: return r.status, r.read()
    except urllib.error.HTTPError as e: return e.code, e.read()
def one():
    _, body = call("POST", a, "/login", body={"username": "testuser", "password": "testpass"})
    token = json.loads(body)["access_token"]
    assert call("GET", b, "/protected", token)[0] == 200
    done = {}
    def logout():
        done["status"] = call("POST", a, "/logout", token)[0]
        done["at"] = time.monotonic()
    t0 = time.monotonic()
    th = threading.Thread(target=logout); th.start()
    while call("GET", b, "/protected", token)[0] != 401:
        time.sleep(0.002)
    seen = time.monotonic() - t0
    th.join()
    assert done["status"] == 200
    return seen, done["at"] - t0
results, lock = [], threading.Lock()
def worker(n):
    for _ in range(n):
        r = one()
        with lock: results.append(r)
workers = [threading.Thread(target=worker, args=(10,)) for _ in range(10)]
for w in workers: w.start()
for w in workers: w.join()
seen = sorted(r[0] for r in results); took = sorted(r[1] for r in results)
pct = lambda xs, p: xs[min(len(xs) - 1, int(p * len(xs)))] * 1000
print(f"{name:<14} seen by the second instance after p50 {pct(seen, .5):7.1f} ms, p99 {pct(seen, .99):7.1f} ms;"
      f" the revoking call took p50 {pct(took, .5):7.1f} ms, p99 {pct(took, .99):7.1f} ms")
PY
done
