#!/usr/bin/env bash
# Coverage-guided fuzzing (cargo-fuzz, libFuzzer) of every target in fuzz/, each for the given
# number of seconds (default 30: the smoke run of scripts/test.sh). Starts from the checked-in
# seed corpus (fuzz/corpus/<target>) and writes new inputs to a scratch folder, so the
# repository is not changed. A finding stops the run with libFuzzer's report and a reproducer
# under fuzz/artifacts/.
#
#   bash scripts/fuzz.sh          # 30 s a target
#   bash scripts/fuzz.sh 600      # 10 minutes a target
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-30}
targets=${FUZZ_TARGETS:-"decode locations csrf_form env_config jwk_set"}
if ! command -v cargo-fuzz >/dev/null 2>&1; then
  echo "==> installing cargo-fuzz"
  cargo install cargo-fuzz --locked --quiet
fi
# libFuzzer needs nightly-only flags; on the pinned stable toolchain they are unlocked with
# RUSTC_BOOTSTRAP=1 (the fuzz crate only; the library itself builds on stable).
export RUSTC_BOOTSTRAP=1
cargo fuzz build -O >/dev/null
for t in $targets; do
  work=$(mktemp -d)
  log="$work.log"
  echo "==> fuzzing $t for ${secs}s"
  status=0
  cargo fuzz run -O "$t" "$work" "fuzz/corpus/$t" -- -max_total_time="$secs" \
    -print_final_stats=1 >"$log" 2>&1 || status=$?
  grep -E '^(Done|stat::number_of_executed_units)' "$log" || true
  rm -rf "$work"
  if [ "$status" -ne 0 ]; then
    tail -n 60 "$log" >&2
    echo "fuzz target $t found a failure (see fuzz/artifacts/$t)" >&2
    exit 1
  fi
  rm -f "$log"
done
