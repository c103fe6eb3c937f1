#!/usr/bin/env bash
# Start Keycloak (the chain's OpenID Connect provider) on loopback, from the Maven
# Central distribution (no Docker), with the chain's realm imported. Idempotent: if
# the server for this port is already running it only checks that it answers.
#
#   deploy/keycloak/start.sh                         # http://127.0.0.1:8180
#   KEYCLOAK_PORT=28180 KEYCLOAK_DATA_DIR=/tmp/kc deploy/keycloak/start.sh
#
# Environment (all optional):
#   KEYCLOAK_PORT           HTTP port                                  (8180)
#   KEYCLOAK_DATA_DIR       H2 database, transaction logs, realm stamp ($REPO/.run/keycloak-$KEYCLOAK_PORT)
#   KEYCLOAK_RUN_DIR        pid, lock, logs                            ($REPO/.run/keycloak)
#   KEYCLOAK_REALM_FILE     realm imported at the first start          ($HERE/realm-signaalketen.json)
#   KEYCLOAK_DIST_DIR       where the distribution is unpacked + built ($HERE/dist)
#   KEYCLOAK_HEAP_OPTS      JVM heap                                   (-Xms64m -Xmx512m)
#   KEYCLOAK_START_TIMEOUT  seconds to wait for readiness              (180)
#
# The distribution is built once (`kc.sh build`: H2 dev-file, local caches), then every
# start is `kc.sh start --optimized`. The realm is imported when the data dir is new;
# when the realm file changes, the data dir's database is wiped and the realm imported
# again (the data dir is for the local and test runs only).
#
# Prints "keycloak ready on http://127.0.0.1:<port> in <s>s (pid <pid>)"; exits non-zero
# with the log tail on failure. Stop with deploy/keycloak/stop.sh [--wipe].
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"

KEYCLOAK_PORT="${KEYCLOAK_PORT:-8180}"
KEYCLOAK_DATA_DIR="${KEYCLOAK_DATA_DIR:-$REPO/.run/keycloak-$KEYCLOAK_PORT}"
KEYCLOAK_RUN_DIR="${KEYCLOAK_RUN_DIR:-$REPO/.run/keycloak}"
KEYCLOAK_REALM_FILE="${KEYCLOAK_REALM_FILE:-$HERE/realm-signaalketen.json}"
KEYCLOAK_DIST_DIR="${KEYCLOAK_DIST_DIR:-$HERE/dist}"
KEYCLOAK_HEAP_OPTS="${KEYCLOAK_HEAP_OPTS:--Xms64m -Xmx512m}"
KEYCLOAK_START_TIMEOUT="${KEYCLOAK_START_TIMEOUT:-180}"
HOST=127.0.0.1
REALM="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["realm"])' "$KEYCLOAK_REALM_FILE")"
# Build-time options: changing them rebuilds the distribution once.
BUILD_OPTIONS=(--db=dev-file --cache=local --health-enabled=false --metrics-enabled=false)

PID_FILE="$KEYCLOAK_RUN_DIR/keycloak-$KEYCLOAK_PORT.pid"
LOG_FILE="$KEYCLOAK_RUN_DIR/keycloak-$KEYCLOAK_PORT.log"
DISCOVERY="http://$HOST:$KEYCLOAK_PORT/realms/$REALM/.well-known/openid-configuration"

log() { printf '[keycloak:%s] %s\n' "$KEYCLOAK_PORT" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
now() { echo "$EPOCHREALTIME"; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
port_open() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

apt_install() {
  [[ $(id -u) -eq 0 ]] || die "$* missing and not root: install it (apt-get install $*)"
  log "installing $* with apt-get"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null 2>&1 \
    || { apt-get update -q >/dev/null 2>&1; DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null; }
}

# Our server: alive, not a zombie, a Keycloak JVM started with this port's data dir.
is_ours() {
  local pid=$1
  [[ -n $pid && -r /proc/$pid/cmdline ]] || return 1
  grep -q '^State:[[:space:]]*Z' "/proc/$pid/status" 2>/dev/null && return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "-Dsignal.keycloak.data=$KEYCLOAK_DATA_DIR"
}

answers() { curl -fsS -o /dev/null --max-time 3 "$DISCOVERY" 2>/dev/null; }

wait_ready() {  # $1 = pid
  local pid=$1 deadline=$((SECONDS + KEYCLOAK_START_TIMEOUT))
  while ((SECONDS < deadline)); do
    is_ours "$pid" || { log "keycloak process $pid exited during start-up"; return 1; }
    answers && return 0
    sleep 0.2
  done
  log "keycloak not ready after ${KEYCLOAK_START_TIMEOUT}s"
  return 1
}

mkdir -p "$KEYCLOAK_RUN_DIR"
exec 9>"$KEYCLOAK_RUN_DIR/keycloak-$KEYCLOAK_PORT.lock"
flock -w 300 9 || die "could not take lock $KEYCLOAK_RUN_DIR/keycloak-$KEYCLOAK_PORT.lock"

# --- already running? ------------------------------------------------------------
if [[ -f $PID_FILE ]]; then
  pid="$(cat "$PID_FILE")"
  if is_ours "$pid"; then
    wait_ready "$pid" || { tail -n 40 "$LOG_FILE" >&2; die "running keycloak (pid $pid) does not answer"; }
    echo "keycloak ready on http://$HOST:$KEYCLOAK_PORT in 0.0s (pid $pid, already running)"
    exit 0
  fi
  log "removing stale pid file ($pid)"
  rm -f "$PID_FILE"
fi
port_open "$KEYCLOAK_PORT" && die "port $HOST:$KEYCLOAK_PORT is in use by a process this script did not start"

# --- (a) java, curl ----------------------------------------------------------------
command -v java >/dev/null 2>&1 || apt_install openjdk-17-jre-headless
command -v curl >/dev/null 2>&1 || apt_install curl
java_major="$(java -version 2>&1 | awk -F'"' '/version/ { split($2, v, "."); print v[1]; exit }')"
((java_major >= 17)) || die "Keycloak 26 needs Java 17+, found $java_major"

# --- (b) the distribution from Maven Central, built once ---------------------------
# Serialised across ports: two instances share one distribution.
exec 8>"$KEYCLOAK_RUN_DIR/dist.lock"
flock -w 600 8 || die "could not take lock $KEYCLOAK_RUN_DIR/dist.lock"
if ! compgen -G "$KEYCLOAK_DIST_DIR/keycloak-*/bin/kc.sh" >/dev/null || [[ $HERE/pom.xml -nt $KEYCLOAK_DIST_DIR/.unpacked ]]; then
  command -v mvn >/dev/null 2>&1 || apt_install maven
  log "fetching Keycloak into $KEYCLOAK_DIST_DIR (mvn dependency:unpack)"
  rm -rf "$KEYCLOAK_DIST_DIR"
  mvn_out="$KEYCLOAK_RUN_DIR/mvn-unpack.out"
  (cd "$HERE" && mvn -B -q -Dstyle.color=never dependency:unpack -DoutputDirectory="$KEYCLOAK_DIST_DIR") >"$mvn_out" 2>&1 \
    || { cat "$mvn_out" >&2; die "mvn dependency:unpack failed (Maven Central reachable?)"; }
  touch "$KEYCLOAK_DIST_DIR/.unpacked"
fi
KC_HOME="$(dirname "$(dirname "$(compgen -G "$KEYCLOAK_DIST_DIR/keycloak-*/bin/kc.sh" | head -n1)")")"
KC_VERSION="$(basename "$KC_HOME")"
BUILD_STAMP="$KC_HOME/.signal-chain-build"
if [[ "$(cat "$BUILD_STAMP" 2>/dev/null)" != "${BUILD_OPTIONS[*]}" ]]; then
  log "building $KC_VERSION once (kc.sh build ${BUILD_OPTIONS[*]})"
  t0="$(now)"
  "$KC_HOME/bin/kc.sh" build "${BUILD_OPTIONS[@]}" >"$KEYCLOAK_RUN_DIR/build.out" 2>&1 \
    || { cat "$KEYCLOAK_RUN_DIR/build.out" >&2; die "kc.sh build failed"; }
  echo "${BUILD_OPTIONS[*]}" >"$BUILD_STAMP"
  echo "$KC_VERSION built in $(elapsed "$t0")s"
fi
flock -u 8

# --- (c) the data dir and the realm to import --------------------------------------
# A changed realm file replaces the local database (local and test data only).
REALM_STAMP="$KEYCLOAK_DATA_DIR/.realm-sha256"
realm_sum="$(sha256sum "$KEYCLOAK_REALM_FILE" | cut -d' ' -f1)"
if [[ -d $KEYCLOAK_DATA_DIR && "$(cat "$REALM_STAMP" 2>/dev/null)" != "$realm_sum" ]]; then
  log "realm file changed: new database in $KEYCLOAK_DATA_DIR"
  rm -rf "$KEYCLOAK_DATA_DIR/h2" "$KEYCLOAK_DATA_DIR/transaction-logs"
fi
mkdir -p "$KEYCLOAK_DATA_DIR/import"
rm -f "$KEYCLOAK_DATA_DIR/import/"*.json
cp "$KEYCLOAK_REALM_FILE" "$KEYCLOAK_DATA_DIR/import/$REALM-realm.json"
echo "$realm_sum" >"$REALM_STAMP"

# --- (d) start in the background ---------------------------------------------------
# Import from this data dir's import/ (not the distribution's data/import, which
# instances share): kc.sh's --import-realm sets the same migration properties.
JAVA_OPTS_KC=(
  -Djava.net.preferIPv4Stack=true
  "-Dsignal.keycloak.data=$KEYCLOAK_DATA_DIR"
  "-Dquarkus.transaction-manager.object-store.directory=$KEYCLOAK_DATA_DIR/transaction-logs"
)
RUN_OPTIONS=(
  start --optimized
  --http-enabled=true --http-host="$HOST" --http-port="$KEYCLOAK_PORT" --https-port=0
  --hostname="http://$HOST:$KEYCLOAK_PORT" --hostname-strict=false
  --db-url="jdbc:h2:file:$KEYCLOAK_DATA_DIR/h2/keycloakdb;NON_KEYWORDS=VALUE"
  --import-realm
  --log=console --log-console-color=false
)
: >"$LOG_FILE"
t0="$(now)"
# setsid: own session, so the server outlives the shell or CI step that started it.
JAVA_OPTS_KC_HEAP="$KEYCLOAK_HEAP_OPTS" JAVA_OPTS_APPEND="${JAVA_OPTS_KC[*]} -Dkeycloak.migration.dir=$KEYCLOAK_DATA_DIR/import" \
  setsid "$KC_HOME/bin/kc.sh" "${RUN_OPTIONS[@]}" >>"$LOG_FILE" 2>&1 </dev/null 9>&- 8>&- &
launcher=$!
# kc.sh runs java as its child and forwards TERM to it; the pid file names the JVM.
pid=""
for _ in $(seq 100); do
  for child in $(ps -o pid= --ppid "$launcher" 2>/dev/null); do is_ours "$child" && pid="$child"; done
  [[ -n $pid ]] && break
  kill -0 "$launcher" 2>/dev/null || break
  sleep 0.1
done
[[ -n $pid ]] || { tail -n 60 "$LOG_FILE" >&2; die "keycloak's JVM did not start"; }
echo "$pid" >"$PID_FILE"
log "started $KC_VERSION (pid $pid), waiting up to ${KEYCLOAK_START_TIMEOUT}s; log: $LOG_FILE"

if ! wait_ready "$pid"; then
  tail -n 60 "$LOG_FILE" >&2
  is_ours "$pid" && kill -KILL "$pid" 2>/dev/null || true
  rm -f "$PID_FILE"
  die "keycloak did not become ready"
fi
echo "keycloak $KC_VERSION ready on http://$HOST:$KEYCLOAK_PORT in $(elapsed "$t0")s (pid $pid; realm $REALM)"
