#!/usr/bin/env bash
# Print the path of a promtool (Prometheus' rule checker), getting one when there is none:
# from Debian's `prometheus` package, unpacked into .run/promtool (nothing is installed or
# started). Used by tests/unit/deploy/test_prometheus_alerts.py; by hand:
#   "$(deploy/prometheus/promtool.sh)" check rules deploy/prometheus/alerts.yaml
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TARGET="$REPO/.run/promtool"
if command -v promtool >/dev/null; then command -v promtool; exit 0; fi
if [[ -x "$TARGET/usr/bin/promtool" ]]; then echo "$TARGET/usr/bin/promtool"; exit 0; fi
mkdir -p "$TARGET"
cd "$TARGET"
if ! apt-get download prometheus >/dev/null 2>&1; then
  apt-get update -q >/dev/null
  apt-get download prometheus >/dev/null 2>&1
fi
dpkg -x prometheus_*.deb . && rm -f prometheus_*.deb usr/bin/prometheus
echo "$TARGET/usr/bin/promtool"
