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
# shellcheck source=deploy/local/stop_process.sh
source "$REPO/deploy/local/stop_process.sh"

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

mkdir -p "$KAFKA_RUN_DIR"
exec 9>"$KAFKA_RUN_DIR/kafka-$KAFKA_PORT.lock"   # same lock as start.sh
flock -w 120 9 || { log "could not take lock"; exit 1; }

stop_recorded "$PID_FILE" "kafka.Kafka $PROPS" "${KAFKA_STOP_TIMEOUT}" "this broker"

if ((wipe)); then
  rm -rf "$KAFKA_DATA_DIR"
  log "wiped $KAFKA_DATA_DIR"
fi
