#!/usr/bin/env bash
# Stop the local Kafka broker started by deploy/kafka/start.sh (same env vars).
#
#   deploy/kafka/stop.sh           # SIGTERM (controlled shutdown), wait, SIGKILL after 30 s
#   deploy/kafka/stop.sh --wipe    # ... and delete the data dir (next start re-formats)
#
# Only the pid recorded in the pid file is signalled, and only if that process really
# is kafka.Kafka running this port's config; nothing is killed by name.
# Env: KAFKA_PORT, KAFKA_DATA_DIR, KAFKA_RUN_DIR, KAFKA_STOP_TIMEOUT (30).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"

KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_DATA_DIR="${KAFKA_DATA_DIR:-$REPO/.run/kafka-$KAFKA_PORT}"
KAFKA_RUN_DIR="${KAFKA_RUN_DIR:-$REPO/.run/kafka}"
KAFKA_STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"
PID_FILE="$KAFKA_RUN_DIR/kafka-$KAFKA_PORT.pid"
PROPS="$KAFKA_RUN_DIR/server-$KAFKA_PORT.properties"

wipe=0
for arg in "$@"; do
  case $arg in
    --wipe) wipe=1 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "usage: $0 [--wipe]" >&2; exit 2 ;;
  esac
done

log() { printf '[kafka:%s] %s\n' "$KAFKA_PORT" "$*" >&2; }

# alive = exists and is not a zombie (we are not the broker's parent, so we cannot wait(2))
alive() { kill -0 "$1" 2>/dev/null && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }
is_our_broker() {
  alive "$1" && tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -qF -- "kafka.Kafka $PROPS"
}

mkdir -p "$KAFKA_RUN_DIR"
exec 9>"$KAFKA_RUN_DIR/kafka-$KAFKA_PORT.lock"   # same lock as start.sh
flock -w 120 9 || { log "could not take lock"; exit 1; }

if [[ -f $PID_FILE ]]; then
  pid="$(cat "$PID_FILE")"
  if is_our_broker "$pid"; then
    t0=$SECONDS; t0r=$EPOCHREALTIME
    kill -TERM "$pid"
    while alive "$pid" && ((SECONDS - t0 < KAFKA_STOP_TIMEOUT)); do sleep 0.2; done
    if alive "$pid"; then
      log "still running after ${KAFKA_STOP_TIMEOUT}s, sending SIGKILL to $pid"
      kill -KILL "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do alive "$pid" || break; sleep 0.1; done
    fi
    log "stopped (pid $pid) in $(awk -v a="$t0r" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')s"
  else
    log "pid file is stale ($pid is not running this broker)"
  fi
  rm -f "$PID_FILE"
else
  log "not running (no $PID_FILE)"
fi

if ((wipe)); then
  rm -rf "$KAFKA_DATA_DIR"
  log "wiped $KAFKA_DATA_DIR"
fi
