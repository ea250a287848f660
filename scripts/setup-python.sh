#!/usr/bin/env bash
# Creates (once) the Python virtual environment of the interop tests and prints its python's
# path on the LAST line of stdout (everything else goes to stderr):
#
#   FJE_PYTHON=$(bash scripts/setup-python.sh | tail -n 1)
#
# The environment is $REPO/target/interop-venv, with tests/interop/requirements.txt installed
# (flask-jwt-extended and its pinned dependencies, from PyPI). The sha256 of requirements.txt
# is stored in the venv once the install has succeeded; while it matches, the script only
# prints the path (a few milliseconds). When requirements.txt changes, the pins are installed
# over the existing venv; delete target/interop-venv to start from scratch.
#
# Environment: FJE_BASE_PYTHON (default python3) is the interpreter the venv is made from.
# If `python3 -m venv` fails (Debian without python3-venv / ensurepip), python3-venv is
# installed with apt-get when running as root; otherwise the script stops with a message.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
venv="$repo/target/interop-venv"
req="$repo/tests/interop/requirements.txt"
stamp="$venv/.requirements.sha256"
base_python=${FJE_BASE_PYTHON:-python3}

die() { echo "setup-python: $*" >&2; exit 1; }

[ -f "$req" ] || die "missing $req"
want=$(sha256sum "$req" | cut -d' ' -f1)

# True when the venv is complete and was installed from this very requirements.txt.
up_to_date() {
  [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]
}

# Fast path: nothing to do.
if up_to_date; then
  echo "$venv/bin/python"
  exit 0
fi

mkdir -p "$repo/target"

# Serialise concurrent runs (for example several test binaries preparing the venv at once),
# then look again: another run may have finished the work while this one waited.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$repo/target/interop-venv.lock"
  flock 9
  if up_to_date; then
    echo "$venv/bin/python"
    exit 0
  fi
fi

command -v "$base_python" >/dev/null 2>&1 || die "$base_python not found (set FJE_BASE_PYTHON)"
"$base_python" -c 'import sys; sys.exit(sys.version_info < (3, 9))' \
  || die "$base_python is $("$base_python" -V 2>&1); flask-jwt-extended 4.7 needs Python >= 3.9"

# (Re)create the venv unless it already has a working python (then the new pins are simply
# installed over it, which keeps a venv that another process may be using in place).
if ! "$venv/bin/python" -c 'import pip' >/dev/null 2>&1; then
  rm -rf "$venv"
  if ! venv_log=$("$base_python" -m venv "$venv" 2>&1); then
    rm -rf "$venv"
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      echo "setup-python: '$base_python -m venv' failed; installing python3-venv with apt-get" >&2
      apt-get update -qq >&2
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >&2
      "$base_python" -m venv "$venv" >&2 || die "'$base_python -m venv' still fails after installing python3-venv"
    else
      echo "$venv_log" >&2
      die "'$base_python -m venv' failed (ensurepip/venv missing?). Install it as root: apt-get install -y python3-venv"
    fi
  fi
fi

# Install the pins. The stamp is removed first and written only after success, so an
# interrupted install is redone next time.
rm -f "$stamp"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$req" >&2 \
  || die "pip install -r $req failed"
echo "$want" >"$stamp"
echo "$venv/bin/python"
