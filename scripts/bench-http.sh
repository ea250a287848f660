#!/usr/bin/env bash
# Requests/s under load, as same-round ratios to GET /health (no auth).
#
#   bash scripts/bench-http.sh [ROUNDS] [SECONDS]     (default 3 rounds of 3 s per endpoint)
#
# Starts, on 127.0.0.1 only, the demo (GET /health, GET /protected) and examples/bench_server
# (GET /health, GET /handwritten = a hand-written jsonwebtoken extractor, GET /protected), and
# drives them with wrk in interleaved rounds. Every loop is bounded; the servers are stopped at
# the end.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
SECS=${2:-3}
DEMO=127.0.0.1:5078
BENCH=127.0.0.1:5077

if ! command -v wrk >/dev/null 2>&1; then
  echo "installing wrk"
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq wrk >/dev/null
  else sudo apt-get update -qq && sudo apt-get install -y -qq wrk >/dev/null; fi
fi

cargo build --release -q --example demo --example bench_server
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

export JWT_SECRET_KEY=load-test-secret-0123456789-abcdefghijk
DEMO_ADDR=$DEMO target/release/examples/demo >/tmp/bench-demo.log 2>&1 & pids+=($!)
BENCH_ADDR=$BENCH target/release/examples/bench_server >/tmp/bench-server.log 2>&1 & pids+=($!)
for _ in $(seq 100); do
  if curl -s "http://$DEMO/health" >/dev/null && [ -s /tmp/bench-server.log ]; then break; fi
  sleep 0.1
done
DEMO_TOKEN=$(curl -s -X POST "http://$DEMO/login" -H 'Content-Type: application/json' \
  -d '{"username":"testuser","password":"testpass"}' | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
BENCH_TOKEN=$(head -n 1 /tmp/bench-server.log)

rps() { # url [token]
  local args=(-t1 -c16 "-d${SECS}s" "$1")
  [ -n "${2:-}" ] && args+=(-H "Authorization: Bearer $2")
  wrk "${args[@]}" | awk '/Requests\/sec/ {print $2}'
}

printf '%-6s %12s %12s %8s | %12s %12s %12s %8s %8s\n' round demo/health demo/protected ratio \
  bench/health handwritten protected hw-ratio ours-ratio
results=()
for r in $(seq "$ROUNDS"); do
  dh=$(rps "http://$DEMO/health")
  dp=$(rps "http://$DEMO/protected" "$DEMO_TOKEN")
  bh=$(rps "http://$BENCH/health")
  bw=$(rps "http://$BENCH/handwritten" "$BENCH_TOKEN")
  bp=$(rps "http://$BENCH/protected" "$BENCH_TOKEN")
  line=$(awk -v r="$r" -v dh="$dh" -v dp="$dp" -v bh="$bh" -v bw="$bw" -v bp="$bp" 'BEGIN {
    printf "%-6s %12.0f %12.0f %8.3f | %12.0f %12.0f %12.0f %8.3f %8.3f", r, dh, dp, dp/dh, bh, bw, bp, bw/bh, bp/bh }')
  echo "$line"
  results+=("$line")
done
printf '%s\n' "${results[@]}" | awk '{d+=$4; h+=$9; o+=$10; n++} END {
  printf "\nmean same-round ratios to /health: demo /protected %.3f; hand-written %.3f; #[jwt_required] %.3f\n", d/n, h/n, o/n }'
