#!/usr/bin/env bash
# Install what the portal's browser tests need:
# - Debian's chromium at /usr/bin/chromium (Playwright for Python drives it; `playwright
#   install` is not used, it downloads from the internet);
# - axe-core, the accessibility checker the tests load into every page, from the npm
#   registry into tests/browser/node_modules (`npm ci`: exactly the version in
#   tests/browser/package-lock.json). Node.js and npm come from Debian when missing.
# Idempotent: does nothing that is already done.
set -euo pipefail
CHROMIUM=/usr/bin/chromium
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
TESTS_JS="$ROOT/tests/browser"

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO=sudo; fi

apt_install() {
  [[ -z "$SUDO" ]] || command -v sudo >/dev/null || { echo "[install-browser] $* missing; run this as root (apt-get install $*)" >&2; exit 1; }
  export DEBIAN_FRONTEND=noninteractive
  # Refresh the package lists only when apt does not know the package yet (a fresh image has none).
  if ! apt-cache policy "$1" 2>/dev/null | grep -q 'Candidate: [0-9]'; then
    echo "[install-browser] apt-get update" >&2
    $SUDO apt-get update -q >/dev/null
  fi
  echo "[install-browser] installing $* with apt-get" >&2
  $SUDO apt-get install -y -q --no-install-recommends "$@" >/dev/null
}

if [[ ! -x "$CHROMIUM" ]]; then
  apt_install chromium fonts-dejavu-core
  [[ -x "$CHROMIUM" ]] || { echo "[install-browser] apt-get finished but $CHROMIUM is missing" >&2; exit 1; }
fi
echo "[install-browser] $("$CHROMIUM" --version 2>/dev/null | head -1 || echo chromium) at $CHROMIUM" >&2

if ! command -v npm >/dev/null; then
  apt_install nodejs npm
fi
AXE="$TESTS_JS/node_modules/axe-core/axe.min.js"
LOCK="$TESTS_JS/package-lock.json"
if [[ ! -f "$AXE" || "$LOCK" -nt "$AXE" ]]; then
  echo "[install-browser] npm ci in tests/browser (axe-core)" >&2
  (cd "$TESTS_JS" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  touch "$AXE"
fi
echo "[install-browser] $(head -1 "$AXE" | sed 's|/\*! *||') at ${AXE#"$ROOT"/}" >&2
