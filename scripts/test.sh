#!/usr/bin/env bash
# The whole test suite, on a fresh machine: installs what it needs (redis-server, PostgreSQL,
# the Python interop environment), then runs formatting, lints and every test with every feature.
#
#   bash scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\n==> %s\n' "$*"; }

# Keep the build small: no incremental caches and line tables instead of full debug info (the
# trybuild stage builds every dependency a second time). A full disk makes the linker crash.
export CARGO_INCREMENTAL=0
export CARGO_PROFILE_DEV_DEBUG=line-tables-only
export CARGO_PROFILE_TEST_DEBUG=line-tables-only
disk() { df -h . | tail -n 1 | awk '{print "disk: " $4 " free of " $2}'; }
disk

# 1. The pinned toolchain (rust-toolchain.toml). A machine whose only toolchain is that same
#    release under the name "stable" gets it linked under its version number.
pinned=$(sed -n 's/^channel *= *"\(.*\)"/\1/p' rust-toolchain.toml)
if command -v rustup >/dev/null 2>&1 && ! rustup toolchain list | grep -q "^$pinned"; then
  stable_dir=$(rustup run stable rustc --print sysroot 2>/dev/null || true)
  if [ -n "$stable_dir" ] && rustup run stable rustc --version | grep -q " $pinned "; then
    say "linking the installed stable toolchain as $pinned"
    rustup toolchain link "$pinned" "$stable_dir"
  fi
fi

# 2. redis-server, for the Redis blocklist tests (they start their own instances), and the
#    openssl command, which makes the certificates of the rediss:// test.
if ! command -v redis-server >/dev/null 2>&1 || ! command -v openssl >/dev/null 2>&1; then
  say "installing redis-server and openssl"
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server openssl >/dev/null
  elif command -v sudo >/dev/null 2>&1; then
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server openssl >/dev/null
  else
    echo "redis-server is missing and cannot be installed (not root, no sudo)" >&2
    exit 1
  fi
fi
export REDIS_SERVER_BIN
REDIS_SERVER_BIN=$(command -v redis-server)

# 3. PostgreSQL's server binaries, for the SQL blocklist tests (each test runs initdb and starts
#    its own server on a free loopback port, as the postgres user when we are root). Debian's
#    package is kept from starting its own cluster: the tests need none.
pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
if [ -z "${PG_BIN:-}" ] && [ -z "$(pg_bin)" ]; then
  say "installing postgresql"
  as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"
    elif command -v sudo >/dev/null 2>&1; then sudo "$@"
    else
      echo "postgresql is missing and cannot be installed (not root, no sudo)" >&2
      exit 1
    fi
  }
  policy_added=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | as_root tee /usr/sbin/policy-rc.d >/dev/null
    as_root chmod +x /usr/sbin/policy-rc.d
    policy_added=1
  fi
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  if [ "$policy_added" = 1 ]; then as_root rm -f /usr/sbin/policy-rc.d; fi
fi
export PG_BIN="${PG_BIN:-$(pg_bin)}"
echo "PostgreSQL binaries: $PG_BIN"

# 4. The Python interop environment (flask-jwt-extended from PyPI, pinned).
say "preparing the Python interop environment"
FJE_PYTHON=$(bash scripts/setup-python.sh | tail -n 1)
export FJE_PYTHON

# 5. Formatting and lints.
say "cargo fmt --check"
cargo fmt --all -- --check
say "cargo clippy"
cargo clippy --workspace --all-targets --all-features -- -D warnings

# 6. Every test (unit, integration, trybuild UI, interop, Redis, SQLite, PostgreSQL, doc
#    tests).
say "cargo test"
disk
cargo test --workspace --all-features
disk

# 7. The documentation, with broken intra-doc links as errors.
say "cargo doc"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --all-features

# 8. The three crates package (inter-dependent, resolved from the workspace).
say "cargo package"
cargo package --workspace --no-verify --allow-dirty --quiet

# 9. A short run of every fuzz target (scripts/fuzz.sh 600 for a long one).
say "fuzz smoke run"
bash scripts/fuzz.sh 30
