#!/usr/bin/env bash
# Bring the whole chain up on this machine: Kafka (KRaft, loopback), the population
# register stand-in and the four services, each its own process on SQLite files in
# .run/data (migrated first). Prints where to look; Ctrl-C stops everything it started (a Kafka broker
# that was already running is left running).
#
# Environment (optional): SIGNAL_RUN_DIR (logs and SQLite files, default .run),
# SIGNAL_TOPIC_PREFIX (topics and consumer groups of this run), KAFKA_PORT, REGISTER_PORT.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$REPO"
PY=.venv/bin/python
RUN_DIR="${SIGNAL_RUN_DIR:-.run}"
LOGS="$RUN_DIR/logs"
DATA="$RUN_DIR/data"
mkdir -p "$LOGS" "$DATA"

kafka_was_running=0
(exec 3<>"/dev/tcp/127.0.0.1/${KAFKA_PORT:-9092}") 2>/dev/null && kafka_was_running=1
[[ $kafka_was_running == 1 ]] || deploy/kafka/start.sh

export SIGNAL_ENVIRONMENT=development
export SIGNAL_KAFKA_BOOTSTRAP="${SIGNAL_KAFKA_BOOTSTRAP:-127.0.0.1:${KAFKA_PORT:-9092}}"
export REGISTER_PORT="${REGISTER_PORT:-8090}"
export TRIAGE_REGISTER_URL="http://127.0.0.1:${REGISTER_PORT}/haalcentraal/api/brp"
for name in arrears triage placement notifications monitor; do
  variable="${name^^}_DATABASE_URL"
  export "$variable=${!variable:-sqlite+aiosqlite:///$DATA/$name.db}"
done

declare -A PORTS=([register]="$REGISTER_PORT" [arrears]=8001 [triage]=8002 [placement]=8003 [notifications]=8004 [monitor]=8005 [portal]=8006)
PIDS=()
stop_all() {
  trap - INT TERM EXIT
  echo; echo "[up] stopping services..."
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [[ $kafka_was_running == 1 ]] || deploy/kafka/stop.sh || true
  echo "[up] stopped"
}
trap stop_all INT TERM EXIT

# The schema belongs to the migrations (Alembic), run as a deploy runs them: before the
# services start. A database made by an older `make up` (before migrations) is adopted.
MIGRATING=()
for name in arrears triage placement notifications monitor; do
  "$PY" -m "services.$name" migrate >>"$LOGS/migrate.log" 2>&1 &
  MIGRATING+=("$!")
done
for pid in "${MIGRATING[@]}"; do
  wait "$pid" || { echo "[up] a migration failed; see $LOGS/migrate.log"; tail -20 "$LOGS/migrate.log"; exit 1; }
done

for name in register arrears triage placement notifications monitor portal; do
  "$PY" -m "services.$name" >>"$LOGS/$name.log" 2>&1 &
  PIDS+=("$!")
done

for name in register arrears triage placement notifications monitor portal; do
  path=/health/ready; [[ $name == register ]] && path=/health
  for _ in $(seq 1 150); do
    curl -fsS "http://127.0.0.1:${PORTS[$name]}$path" >/dev/null 2>&1 && break
    sleep 0.2
  done
  curl -fsS "http://127.0.0.1:${PORTS[$name]}$path" >/dev/null 2>&1 \
    || { echo "[up] $name did not start; see $LOGS/$name.log"; tail -20 "$LOGS/$name.log"; exit 1; }
done

cat <<INFO

The signal chain is running (Ctrl-C stops it):
  pages (portal)       http://127.0.0.1:8006/   log in as an organisation with its key 'dev-<organisation id>'
  intake (arrears)     http://127.0.0.1:8001/docs
  triage               http://127.0.0.1:8002/docs
  placement            http://127.0.0.1:8003/docs
  notifications        http://127.0.0.1:8004/docs
  monitor              http://127.0.0.1:8005/docs   (public figures: /v1/public/figures?municipality=0363&year=2026)
  BRP stand-in         http://127.0.0.1:${REGISTER_PORT}/haalcentraal/api/brp/personen (POST, Haal Centraal)
  Kafka                ${SIGNAL_KAFKA_BOOTSTRAP}
  logs                 $LOGS/<service>.log     data: $DATA/*.db
Development API keys are 'dev-<organisation id>' (deploy/local/organisations.json);
the README walks one family's arrears from a POST to a webhook.
INFO
wait -n "${PIDS[@]}" || true
echo "[up] shutting down (Ctrl-C, or a service exited: see $LOGS)"
