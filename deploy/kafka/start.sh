#!/usr/bin/env bash
# Start a single-node Apache Kafka (KRaft, combined broker+controller) on loopback,
# from Maven Central jars (no Docker). Idempotent: if the broker for this port is
# already running it only checks that it answers.
#
#   deploy/kafka/start.sh            # 127.0.0.1:9092, controller 127.0.0.1:9093
#   KAFKA_PORT=29092 KAFKA_CONTROLLER_PORT=29093 deploy/kafka/start.sh
#
# Environment (all optional):
#   KAFKA_PORT              client listener port                    (9092)
#   KAFKA_CONTROLLER_PORT   KRaft controller listener port          (9093)
#   KAFKA_DATA_DIR          log.dirs (data + metadata)              ($REPO/.run/kafka-$KAFKA_PORT)
#   KAFKA_RUN_DIR           pid, generated config, lock             ($REPO/.run/kafka)
#   KAFKA_LOG_DIR           broker logs                             ($KAFKA_RUN_DIR/logs)
#   KAFKA_HEAP_OPTS         JVM heap                                (-Xmx512m -Xms512m)
#   KAFKA_JVM_PERFORMANCE_OPTS  GC flags etc. (default: those of kafka-run-class.sh)
#   KAFKA_OPTS              extra JVM options
#   KAFKA_START_TIMEOUT     seconds to wait for readiness           (90)
#   KAFKA_PYTHON            python with aiokafka for the readiness check ($REPO/.venv/bin/python,
#                           else python3; "none" forces the TCP + log-line check)
#
# Prints "kafka ready on 127.0.0.1:<port> in <s>s (pid <pid>)"; exits non-zero with
# the log tail on failure. Stop with deploy/kafka/stop.sh [--wipe].
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"

KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_DATA_DIR="${KAFKA_DATA_DIR:-$REPO/.run/kafka-$KAFKA_PORT}"
KAFKA_RUN_DIR="${KAFKA_RUN_DIR:-$REPO/.run/kafka}"
KAFKA_LOG_DIR="${KAFKA_LOG_DIR:-$KAFKA_RUN_DIR/logs}"
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"

PID_FILE="$KAFKA_RUN_DIR/kafka-$KAFKA_PORT.pid"
PROPS="$KAFKA_RUN_DIR/server-$KAFKA_PORT.properties"
LOG_FILE="$KAFKA_LOG_DIR/server-$KAFKA_PORT.log"   # log4j2 (see log4j2.properties)
OUT_FILE="$KAFKA_LOG_DIR/server-$KAFKA_PORT.out"   # JVM stdout/stderr (crashes, OOM, log4j status)

log() { printf '[kafka:%s] %s\n' "$KAFKA_PORT" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
# shellcheck source=deploy/kafka/_common.sh
source "$HERE/_common.sh"
is_our_broker() { runs_config "$1" "$PROPS"; }
tail_logs() {
  local f
  for f in "$LOG_FILE" "$OUT_FILE"; do   # JVM output (OOM, crash) last: most visible
    [[ -s $f ]] || continue
    echo "----- last 40 lines of $f -----" >&2
    if [[ $f == "$LOG_FILE" ]]; then   # only what this start wrote
      tail -c "+$((LOG_OFFSET + 1))" "$f" | tail -n 40 >&2
    else
      tail -n 40 "$f" >&2
    fi
  done
}

# Readiness = the client port accepts AND the broker answers a Kafka request.
# With aiokafka importable: bootstrap + Metadata (list_topics) through a real client.
# Otherwise: TCP connect plus the "Kafka Server started" line in the broker log.
broker_answers() {  # port is open; one attempt window of up to ~5 s
  if [[ -n $READY_PY ]]; then
    # One interpreter retries internally (interpreter start + import cost ~0.2 s each).
    "$READY_PY" - "$HOST:$KAFKA_PORT" 5 <<'EOF' >/dev/null 2>&1
import asyncio, sys, time
from aiokafka.admin import AIOKafkaAdminClient
async def once():
    admin = AIOKafkaAdminClient(bootstrap_servers=sys.argv[1], request_timeout_ms=3000)
    await admin.start()          # bootstrap: connect + ApiVersions + Metadata
    try:
        await admin.list_topics()
    finally:
        await admin.close()
async def main():
    deadline = time.monotonic() + float(sys.argv[2])
    while True:
        try:
            await asyncio.wait_for(once(), 4)
            return 0
        except Exception:
            if time.monotonic() > deadline:
                return 1
            await asyncio.sleep(0.1)
sys.exit(asyncio.run(main()))
EOF
  else
    # only lines written by this start (the log file is appended to across restarts);
    # no grep -q: an early exit would SIGPIPE tail and fail the pipeline under pipefail
    tail -c "+$((LOG_OFFSET + 1))" "$LOG_FILE" 2>/dev/null | grep -F 'Kafka Server started' >/dev/null
  fi
}

wait_ready() {  # $1 = pid
  local pid=$1 deadline=$((SECONDS + KAFKA_START_TIMEOUT))
  while ((SECONDS < deadline)); do
    alive "$pid" || { log "broker process $pid exited during start-up"; return 1; }
    if port_open "$KAFKA_PORT"; then   # the broker opens it only once it has caught up
      broker_answers && return 0
    fi
    sleep 0.1
  done
  log "broker not ready after ${KAFKA_START_TIMEOUT}s"
  return 1
}

LOG_OFFSET=0
READY_PY="$(pick_python || true)"
CHECK_DESC="${READY_PY:+aiokafka via $READY_PY}"; CHECK_DESC="${CHECK_DESC:-TCP connect + log line}"
mkdir -p "$KAFKA_RUN_DIR" "$KAFKA_LOG_DIR"

# Serialise concurrent start/stop for the same port. (fd 9 is closed for the JVM,
# otherwise the broker would inherit the lock and hold it forever.)
exec 9>"$KAFKA_RUN_DIR/kafka-$KAFKA_PORT.lock"
flock -w 120 9 || die "could not take lock $KAFKA_RUN_DIR/kafka-$KAFKA_PORT.lock"

# --- already running? ------------------------------------------------------------
if [[ -f $PID_FILE ]]; then
  pid="$(cat "$PID_FILE")"
  if is_our_broker "$pid"; then
    wait_ready "$pid" || { tail_logs; die "running broker (pid $pid) does not answer"; }
    log "already running (pid $pid), answers on $HOST:$KAFKA_PORT"
    echo "kafka ready on $HOST:$KAFKA_PORT in 0.0s (pid $pid, already running)"
    exit 0
  fi
  log "removing stale pid file ($pid)"
  rm -f "$PID_FILE"
fi
port_open "$KAFKA_PORT" && die "port $HOST:$KAFKA_PORT is in use by a process this script did not start"
port_open "$KAFKA_CONTROLLER_PORT" && die "port $HOST:$KAFKA_CONTROLLER_PORT is in use by a process this script did not start"

# --- (a, b) java, and the jars (mvn only when they must be collected) --------------
ensure_java_and_jars "$KAFKA_LOG_DIR"

# --- (c) configuration -----------------------------------------------------------
# Dynamic KRaft quorum (KIP-853), as in the 4.x tarball's config/server.properties:
# controller.quorum.bootstrap.servers + `format --standalone`; the controller
# listener must then also be advertised.
cat >"$PROPS" <<EOF
# Generated by deploy/kafka/start.sh - edit the script, not this file.
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=$HOST:$KAFKA_CONTROLLER_PORT
controller.listener.names=CONTROLLER

# loopback only
listeners=PLAINTEXT://$HOST:$KAFKA_PORT,CONTROLLER://$HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$HOST:$KAFKA_PORT,CONTROLLER://$HOST:$KAFKA_CONTROLLER_PORT
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT

log.dirs=$KAFKA_DATA_DIR

# topics: created explicitly by the services / tests
auto.create.topics.enable=false
delete.topic.enable=true
num.partitions=3

# single node: every internal topic with one replica; 1 partition each keeps the
# first group join / first transaction fast
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1

# tests: no 3 s wait before the first rebalance
group.initial.rebalance.delay.ms=0

# small footprint on a 2-core machine / 512 MiB heap
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
background.threads=4
log.cleaner.threads=1
# the cleaner allocates this buffer on the heap at start (default 128 MiB -> OOM risk at -Xmx512m)
log.cleaner.dedupe.buffer.size=16777216
EOF

set_log4j_opts "$KAFKA_LOG_DIR" "$KAFKA_PORT"

# --- (d) format storage once -----------------------------------------------------
# The data dir records the controller endpoint at format time (standalone voter set),
# so refuse a data dir formatted for other ports instead of failing obscurely later.
PORTS_STAMP="$KAFKA_DATA_DIR/.signal-chain-ports"
if [[ -f $KAFKA_DATA_DIR/meta.properties ]]; then
  if [[ -f $PORTS_STAMP && "$(cat "$PORTS_STAMP")" != "$KAFKA_PORT $KAFKA_CONTROLLER_PORT" ]]; then
    die "$KAFKA_DATA_DIR was formatted for ports $(cat "$PORTS_STAMP"); use another KAFKA_DATA_DIR or stop.sh --wipe"
  fi
else
  mkdir -p "$KAFKA_DATA_DIR"
  cluster_id="$(new_cluster_id)"
  t0="$(now)"
  # -Xmx256m is what kafka-run-class.sh gives the tools; enough for format.
  # shellcheck disable=SC2086
  if ! java -Xmx256m $KAFKA_OPTS "${LOG4J[@]}" -cp "$CP" kafka.tools.StorageTool format \
       --cluster-id "$cluster_id" --config "$PROPS" --standalone >"$KAFKA_LOG_DIR/format-$KAFKA_PORT.out" 2>&1; then
    cat "$KAFKA_LOG_DIR/format-$KAFKA_PORT.out" >&2
    die "storage format failed"
  fi
  echo "$KAFKA_PORT $KAFKA_CONTROLLER_PORT" >"$PORTS_STAMP"
  echo "kafka $KAFKA_VERSION storage formatted in $(elapsed "$t0")s (cluster id $cluster_id, $KAFKA_DATA_DIR)"
fi

# --- (e) start in the background -------------------------------------------------
# setsid: own session/process group, so the broker survives the shell or CI step that
# started it (and a Ctrl-C there). Started from a non-interactive script, the child is
# not a process-group leader, so setsid execs java directly and $! is the JVM's pid.
: >"$OUT_FILE"
LOG_OFFSET="$(stat -c %s "$LOG_FILE" 2>/dev/null || echo 0)"
t0="$(now)"
# shellcheck disable=SC2086
setsid java $KAFKA_HEAP_OPTS $KAFKA_JVM_PERFORMANCE_OPTS $KAFKA_OPTS "${LOG4J[@]}" \
  -cp "$CP" kafka.Kafka "$PROPS" >>"$OUT_FILE" 2>&1 </dev/null 9>&- &
pid=$!
echo "$pid" >"$PID_FILE"
log "started kafka $KAFKA_VERSION (pid $pid), waiting up to ${KAFKA_START_TIMEOUT}s; logs: $LOG_FILE"

# --- (f) wait until it answers ---------------------------------------------------
if ! wait_ready "$pid"; then
  tail_logs
  if is_our_broker "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
  rm -f "$PID_FILE"
  die "kafka did not become ready (readiness check: $CHECK_DESC)"
fi
ready_s="$(elapsed "$t0")"
is_our_broker "$pid" || die "pid $pid is not the kafka.Kafka process for $PROPS (unexpected)"
echo "kafka $KAFKA_VERSION ready on $HOST:$KAFKA_PORT in ${ready_s}s (pid $pid; check: $CHECK_DESC)"
