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
alive() { kill -0 "$1" 2>/dev/null && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }
is_ours() {
  alive "$1" && tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -qF -- "-Dsignal.keycloak.data=$KEYCLOAK_DATA_DIR "
}

mkdir -p "$KEYCLOAK_RUN_DIR"
exec 9>"$KEYCLOAK_RUN_DIR/keycloak-$KEYCLOAK_PORT.lock"   # same lock as start.sh
flock -w 300 9 || { log "could not take lock"; exit 1; }

if [[ -f $PID_FILE ]]; then
  pid="$(cat "$PID_FILE")"
  if is_ours "$pid"; then
    t0=$SECONDS; t0r=$EPOCHREALTIME
    kill -TERM "$pid"
    while alive "$pid" && ((SECONDS - t0 < KEYCLOAK_STOP_TIMEOUT)); do sleep 0.2; done
    if alive "$pid"; then
      log "still running after ${KEYCLOAK_STOP_TIMEOUT}s, sending SIGKILL to $pid"
      kill -KILL "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do alive "$pid" || break; sleep 0.1; done
    fi
    log "stopped (pid $pid) in $(awk -v a="$t0r" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')s"
  else
    log "pid file is stale ($pid is not this Keycloak)"
  fi
  rm -f "$PID_FILE"
else
  log "not running (no $PID_FILE)"
fi

if ((wipe)); then
  rm -rf "$KEYCLOAK_DATA_DIR"
  log "wiped $KEYCLOAK_DATA_DIR"
fi
