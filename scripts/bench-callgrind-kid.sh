#!/usr/bin/env bash
# Instructions per decode_token (valgrind --tool=callgrind) with one key and with a set of five
# keys selected by `kid` (benches/kid_selection.rs), and their ratio.
#
#   bash scripts/bench-callgrind-kid.sh
#
# Each variant runs for N and for N + D decodes; the difference divided by D cancels start-up.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq valgrind >/dev/null; }
bin=$(cargo bench --bench kid_selection --no-run --message-format=json 2>/dev/null |
  sed -n 's/.*"executable":"\([^"]*kid_selection[^"]*\)".*/\1/p' | tail -n 1)
count() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" --only "$1" --iters "$2" 2>&1 |
  sed -n 's/.*Collected : //p'; }
per_decode() { local a b; a=$(count "$1" "$2"); b=$(count "$1" $(( $2 + $3 ))); echo $(( (b - a) / $3 )); }

printf '%-14s %12s\n' variant instr/decode
for pair in "hs256 200 2000" "es256 5 50"; do
  set -- $pair
  one=$(per_decode "$1 1 key" "$2" "$3")
  five=$(per_decode "$1 5 keys" "$2" "$3")
  printf '%-14s %12d\n' "$1 1 key" "$one" "$1 5 keys" "$five"
  awk -v a="$one" -v b="$five" -v n="$1" 'BEGIN { printf "%s 5 keys / 1 key: %.4f\n", n, b / a }'
done
