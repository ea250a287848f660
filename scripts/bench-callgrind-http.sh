#!/usr/bin/env bash
# Instructions per request over HTTP (valgrind --tool=callgrind on the server process), the
# whole server path: hyper, axum, the verification, the handler.
#
#   bash scripts/bench-callgrind-http.sh [REQUESTS]     (default 400)
#
# Runs the release demo and examples/bench_server under callgrind on 127.0.0.1. For each
# route it zeroes the counters, sends REQUESTS keep-alive requests with one curl (all with the
# same Authorization header, so that header parsing costs the same everywhere), dumps and
# divides. Prints what each route adds over GET /health of the same server:
#   demo      /protected (header token, HS256, memory blocklist, user lookup loader)
#   bench     /protected (no loader) and /lookup (the same with a user lookup loader)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-400}
command -v valgrind >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq valgrind >/dev/null; }
cargo build --release -q --example demo --example bench_server
out=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$out"; }
trap cleanup EXIT

DEMO=127.0.0.1:5088
BENCH=127.0.0.1:5087
export JWT_SECRET_KEY=load-test-secret-0123456789-abcdefghijk
DEMO_ADDR=$DEMO valgrind --tool=callgrind --callgrind-out-file="$out/demo.%p" \
  target/release/examples/demo >"$out/demo.log" 2>&1 & pids+=($!)
BENCH_ADDR=$BENCH valgrind --tool=callgrind --callgrind-out-file="$out/bench.%p" \
  target/release/examples/bench_server >"$out/bench.log" 2>&1 & pids+=($!)
for _ in $(seq 600); do
  if curl -s "http://$DEMO/health" >/dev/null && curl -s "http://$BENCH/health" >/dev/null; then break; fi
  sleep 0.2
done
DEMO_TOKEN=$(curl -s -X POST "http://$DEMO/login" -H 'Content-Type: application/json' \
  -d '{"username":"testuser","password":"testpass"}' | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
BENCH_TOKEN=$(grep -m1 '^ey' "$out/bench.log")
[ -n "$DEMO_TOKEN" ] && [ -n "$BENCH_TOKEN" ] || { echo "no token" >&2; exit 1; }

# instructions for N requests to url: pid prefix url token
measure() {
  local pid=$1 prefix=$2 url=$3 token=$4 urls=() before
  for _ in $(seq "$N"); do urls+=("$url"); done
  curl -s -H "Authorization: Bearer $token" "${urls[0]}" >/dev/null # warm-up
  callgrind_control -z "$pid" >/dev/null 2>&1
  curl -s -H "Authorization: Bearer $token" "${urls[@]}" >/dev/null
  before=$(ls "$out" | wc -l)
  callgrind_control -d "$pid" >/dev/null 2>&1
  for _ in $(seq 100); do [ "$(ls "$out" | wc -l)" -gt "$before" ] && break; sleep 0.1; done
  sleep 0.5
  local f; f=$(ls -t "$out/$prefix".* | head -n 1)
  sed -n 's/^summary: *//p; s/^totals: *//p' "$f" | head -n 1 | awk '{print $1}'
}
vg_pid() { pgrep -f "callgrind-out-file=$out/$1" | head -n 1; }
dpid=$(vg_pid demo); bpid=$(vg_pid bench)

per() { echo $(( $1 / N )); }
dh=$(per "$(measure "$dpid" demo "http://$DEMO/health" "$DEMO_TOKEN")")
dp=$(per "$(measure "$dpid" demo "http://$DEMO/protected" "$DEMO_TOKEN")")
bh=$(per "$(measure "$bpid" bench "http://$BENCH/health" "$BENCH_TOKEN")")
bp=$(per "$(measure "$bpid" bench "http://$BENCH/protected" "$BENCH_TOKEN")")
bl=$(per "$(measure "$bpid" bench "http://$BENCH/lookup" "$BENCH_TOKEN")")
bw=$(per "$(measure "$bpid" bench "http://$BENCH/handwritten" "$BENCH_TOKEN")")
printf '%-52s %10s %10s\n' route instr/req "added"
printf '%-52s %10d %10s\n' "demo GET /health" "$dh" -
printf '%-52s %10d %10d\n' "demo GET /protected (user lookup, memory blocklist)" "$dp" $((dp - dh))
printf '%-52s %10d %10s\n' "bench GET /health" "$bh" -
printf '%-52s %10d %10d\n' "bench GET /handwritten (jsonwebtoken extractor)" "$bw" $((bw - bh))
printf '%-52s %10d %10d\n' "bench GET /protected (no loader)" "$bp" $((bp - bh))
printf '%-52s %10d %10d\n' "bench GET /lookup (with a user lookup loader)" "$bl" $((bl - bh))
awk -v p=$((bp - bh)) -v l=$((bl - bh)) -v w=$((bw - bh)) 'BEGIN {
  printf "lookup route / no-loader route (added): %.3fx\n", l / p
  printf "no-loader route / hand-written (added): %.3fx\n", p / w }'
