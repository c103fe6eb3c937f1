#!/usr/bin/env bash
# Install the browser the portal's browser tests drive: Debian's chromium at
# /usr/bin/chromium (Playwright for Python drives it; `playwright install` is not used,
# it downloads from the internet). Idempotent: does nothing when chromium is there.
set -euo pipefail
CHROMIUM=/usr/bin/chromium

if [[ -x "$CHROMIUM" ]]; then
  echo "[install-browser] $("$CHROMIUM" --version 2>/dev/null | head -1 || echo chromium) at $CHROMIUM" >&2
  exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "[install-browser] chromium missing; run this as root (apt-get install chromium)" >&2; exit 1; }
  SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
# Refresh the package lists only when apt does not know chromium yet (a fresh image has none).
if ! apt-cache policy chromium 2>/dev/null | grep -q 'Candidate: [0-9]'; then
  echo "[install-browser] apt-get update" >&2
  $SUDO apt-get update -q >/dev/null
fi
echo "[install-browser] installing chromium with apt-get" >&2
$SUDO apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core >/dev/null
[[ -x "$CHROMIUM" ]] || { echo "[install-browser] apt-get finished but $CHROMIUM is missing" >&2; exit 1; }
echo "[install-browser] $("$CHROMIUM" --version 2>/dev/null | head -1) at $CHROMIUM" >&2
