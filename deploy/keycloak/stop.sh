#!/usr/bin/env bash
# Stop the Keycloak started by deploy/keycloak/start.sh (same env vars).
#
#   deploy/keycloak/stop.sh           # SIGTERM, wait, SIGKILL after 30 s
#   deploy/keycloak/stop.sh --wipe    # ... and delete the data dir (next start imports the realm anew)
#
# Only the pid recorded in the pid file is signalled, and only if that process really
# is the Keycloak JVM of this port's data dir; nothing is killed by name.
# Env: KEYCLOAK_PORT, KEYCLOAK_DATA_DIR, KEYCLOAK_RUN_DIR, KEYCLOAK_STOP_TIMEOUT (30).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
# shellcheck source=deploy/local/stop_process.sh
source "$REPO/deploy/local/stop_process.sh"

KEYCLOAK_PORT="${KEYCLOAK_PORT:-8180}"
KEYCLOAK_DATA_DIR="${KEYCLOAK_DATA_DIR:-$REPO/.run/keycloak-$KEYCLOAK_PORT}"
KEYCLOAK_RUN_DIR="${KEYCLOAK_RUN_DIR:-$REPO/.run/keycloak}"
KEYCLOAK_STOP_TIMEOUT="${KEYCLOAK_STOP_TIMEOUT:-30}"
PID_FILE="$KEYCLOAK_RUN_DIR/keycloak-$KEYCLOAK_PORT.pid"

wipe=0
for arg in "$@"; do
  case $arg in
    --wipe) wipe=1 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "usage: $0 [--wipe]" >&2; exit 2 ;;
  esac
done

log() { printf '[keycloak:%s] %s\n' "$KEYCLOAK_PORT" "$*" >&2; }

mkdir -p "$KEYCLOAK_RUN_DIR"
exec 9>"$KEYCLOAK_RUN_DIR/keycloak-$KEYCLOAK_PORT.lock"   # same lock as start.sh
flock -w 300 9 || { log "could not take lock"; exit 1; }

stop_recorded "$PID_FILE" "-Dsignal.keycloak.data=$KEYCLOAK_DATA_DIR " "${KEYCLOAK_STOP_TIMEOUT}" "this Keycloak"

if ((wipe)); then
  rm -rf "$KEYCLOAK_DATA_DIR"
  log "wiped $KEYCLOAK_DATA_DIR"
fi
