#!/usr/bin/env bash
# Instructions per request (valgrind --tool=callgrind), stable on a noisy machine.
#
#   bash scripts/bench-callgrind.sh
#
# Runs each benchmark variant for 200 and for 2200 requests and divides the difference by
# 2000, so start-up cost cancels out. Prints the added cost of each variant over the no-auth
# ceiling as a ratio to the hand-written jsonwebtoken extractor's.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq valgrind >/dev/null; }
bin=$(cargo bench --bench protected --no-run --message-format=json 2>/dev/null |
  sed -n 's/.*"executable":"\([^"]*protected[^"]*\)".*/\1/p' | tail -n 1)
count() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" --only "$1" --iters "$2" 2>&1 |
  sed -n 's/.*Collected : //p'; }
per_request() { local a b; a=$(count "$1" 200); b=$(count "$1" 2200); echo $(( (b - a) / 2000 )); }

ceiling=$(per_request "no auth")
baseline=$(per_request "hand-written")
printf '%-40s %10s %10s %12s\n' variant instr/req added "vs baseline"
printf '%-40s %10d %10s %12s\n' "no auth (ceiling)" "$ceiling" - -
for v in "hand-written" "#[jwt_required]" "memory blocklist" "(fresh)" "(refresh)" "cookie"; do
  n=$([ "$v" = "hand-written" ] && echo "$baseline" || per_request "$v")
  awk -v v="$v" -v n="$n" -v c="$ceiling" -v b="$baseline" 'BEGIN {
    printf "%-40s %10d %10d %11.2fx\n", v, n, n - c, (n - c) / (b - c) }'
done
