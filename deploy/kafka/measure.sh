#!/usr/bin/env bash
# Measure the local Kafka broker: storage-format time, start-to-ready seconds and
# resident memory (VmRSS from /proc/<pid>/status) right after start.
#
# Uses deploy/kafka/start.sh / stop.sh on separate ports with a throwaway data dir
# (fresh format every run), so a broker on 9092 is not touched; the measure instance is
# always stopped and wiped at the end, also on failure or Ctrl-C.
#
#   deploy/kafka/measure.sh
#   MEASURE_RUNS=5 deploy/kafka/measure.sh
#   MEASURE_PROBE=1 deploy/kafka/measure.sh   # also run probe.py and report RSS after it
#
# Env: MEASURE_PORT (29092), MEASURE_CONTROLLER_PORT (29093), MEASURE_RUNS (3),
#      MEASURE_PROBE (0); KAFKA_HEAP_OPTS etc. are passed through to start.sh.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"

export KAFKA_PORT="${MEASURE_PORT:-29092}"
export KAFKA_CONTROLLER_PORT="${MEASURE_CONTROLLER_PORT:-29093}"
export KAFKA_DATA_DIR="$REPO/.run/kafka-measure-$KAFKA_PORT"
RUNS="${MEASURE_RUNS:-3}"
PROBE="${MEASURE_PROBE:-0}"
PID_FILE="${KAFKA_RUN_DIR:-$REPO/.run/kafka}/kafka-$KAFKA_PORT.pid"

cleanup() { "$HERE/stop.sh" --wipe >/dev/null 2>&1 || true; }
trap cleanup EXIT
trap 'exit 130' INT TERM

mib() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }   # kB -> MiB
status_kb() { awk -v f="$1:" '$1 == f { print $2 }' "/proc/$2/status"; }

probe_py=""
if [[ $PROBE == 1 ]]; then
  for py in "${KAFKA_PYTHON:-}" "$REPO/.venv/bin/python" python3; do
    [[ -n $py ]] && "$py" -c 'import aiokafka' 2>/dev/null && { probe_py=$py; break; }
  done
  [[ -n $probe_py ]] || { echo "MEASURE_PROBE=1 needs a python with aiokafka (set KAFKA_PYTHON)" >&2; exit 1; }
fi

echo "host: $(nproc) cores, $(java -version 2>&1 | head -n1), heap ${KAFKA_HEAP_OPTS:--Xmx512m -Xms512m}"
ready_all=()
rss_all=()
for run in $(seq 1 "$RUNS"); do
  cleanup                                          # fresh data dir -> includes a format
  out="$("$HERE/start.sh" 2>/dev/null)" || { echo "$out"; echo "run $run: start.sh failed" >&2; exit 1; }
  version="$(sed -n 's/^kafka \([^ ]*\) ready on .*/\1/p' <<<"$out")"
  format_s="$(sed -n 's/.*storage formatted in \([0-9.]*\)s.*/\1/p' <<<"$out")"
  ready_s="$(sed -n 's/.* ready on .* in \([0-9.]*\)s (pid.*/\1/p' <<<"$out")"
  check="$(sed -n 's/.*check: \(.*\))$/\1/p' <<<"$out")"
  pid="$(cat "$PID_FILE")"
  rss_kb="$(status_kb VmRSS "$pid")"
  line="run $run: kafka $version  format ${format_s}s  start-to-ready ${ready_s}s  VmRSS $(mib "$rss_kb") MiB"
  if [[ -n $probe_py ]]; then
    summary="$("$probe_py" "$HERE/probe.py" "127.0.0.1:$KAFKA_PORT" 2>/dev/null | grep '^SUMMARY' || true)"
    line+="  | probe: ${summary:-no SUMMARY}, VmRSS after $(mib "$(status_kb VmRSS "$pid")") MiB (peak $(mib "$(status_kb VmHWM "$pid")") MiB)"
  fi
  echo "$line"
  ready_all+=("$ready_s")
  rss_all+=("$(mib "$rss_kb")")
  cleanup
done

stats() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { printf "min %s  median %s  max %s", v[1], v[int((NR + 1) / 2)], v[NR] }'; }
echo "readiness check: $check"
echo "start-to-ready seconds: $(stats "${ready_all[@]}")"
echo "VmRSS after start MiB:  $(stats "${rss_all[@]}")"
