# Stopping a JVM that a deploy/*/start.sh started, the same way for Kafka and Keycloak.
# Sourced by deploy/kafka/stop.sh and deploy/keycloak/stop.sh; defines functions only.
#
# Only the pid recorded in the pid file is signalled, and only if that process's command
# line still contains the marker the start script gave it; nothing is killed by name.

# alive = exists and is not a zombie (we are not its parent, so we cannot wait(2))
alive() { kill -0 "$1" 2>/dev/null && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }

# runs_marker PID MARKER: the process is alive and its command line contains MARKER
runs_marker() {
  alive "$1" && tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -qF -- "$2"
}

# stop_recorded PID_FILE MARKER TIMEOUT WHAT: SIGTERM, wait up to TIMEOUT s, then SIGKILL.
# Uses the caller's log(); WHAT names the process in the stale-pid message.
stop_recorded() {
  local pid_file=$1 marker=$2 timeout=$3 what=$4 pid t0 t0r
  if [[ ! -f $pid_file ]]; then
    log "not running (no $pid_file)"
    return 0
  fi
  pid="$(cat "$pid_file")"
  if runs_marker "$pid" "$marker"; then
    t0=$SECONDS; t0r=$EPOCHREALTIME
    kill -TERM "$pid"
    while alive "$pid" && ((SECONDS - t0 < timeout)); do sleep 0.2; done
    if alive "$pid"; then
      log "still running after ${timeout}s, sending SIGKILL to $pid"
      kill -KILL "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do alive "$pid" || break; sleep 0.1; done
    fi
    log "stopped (pid $pid) in $(awk -v a="$t0r" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')s"
  else
    log "pid file is stale ($pid is not running $what)"
  fi
  rm -f "$pid_file"
}
