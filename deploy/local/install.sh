#!/usr/bin/env bash
# Install what the chain needs on a fresh Debian machine: Python 3.11 with venv,
# then the project and its pinned dependencies into .venv. Idempotent.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$REPO"

PYTHON="${PYTHON:-}"
if [[ -z "$PYTHON" ]]; then
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
      PYTHON="$candidate"; break
    fi
  done
fi
if [[ -z "$PYTHON" ]]; then
  echo "[install] Python 3.11 missing: installing it with apt-get" >&2
  apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3.11 python3.11-venv >/dev/null
  PYTHON=python3.11
fi
if [[ ! -x .venv/bin/python ]]; then
  "$PYTHON" -m venv .venv || { DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3.11-venv >/dev/null && "$PYTHON" -m venv .venv; }
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'
echo "[install] .venv ready ($(.venv/bin/python --version))" >&2
