#!/usr/bin/env bash
# Install Spectral, the OpenAPI linter that tests/unit/shared/test_api_design_rules.py
# runs on every service's /v1/openapi.json with the NL API Design Rules ruleset
# (tests/apilint/nlgov-adr.spectral.yaml, docs/adr/0026): `npm ci` from the npm registry
# into tests/apilint/node_modules, exactly the versions in tests/apilint/package-lock.json.
# Node.js and npm come from Debian when missing. Idempotent.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
LINT="$ROOT/tests/apilint"
SPECTRAL="$LINT/node_modules/.bin/spectral"

if ! command -v npm >/dev/null; then
  SUDO=""
  if [[ $(id -u) -ne 0 ]]; then SUDO=sudo; fi
  echo "[install-apilint] installing nodejs npm with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q >/dev/null
  $SUDO apt-get install -y -q --no-install-recommends nodejs npm >/dev/null
fi
LOCK="$LINT/package-lock.json"
if [[ ! -x "$SPECTRAL" || "$LOCK" -nt "$SPECTRAL" ]]; then
  echo "[install-apilint] npm ci in tests/apilint (@stoplight/spectral-cli)" >&2
  (cd "$LINT" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  touch "$SPECTRAL"
fi
echo "[install-apilint] spectral $("$SPECTRAL" --version) at ${SPECTRAL#"$ROOT"/}" >&2
