# Shared by start.sh (one broker) and cluster.sh (three): Java, the jars from Maven
# Central, process checks and the Python used for readiness checks. Source it after
# setting HERE and REPO and defining log() and die().
# shellcheck shell=bash

HOST=127.0.0.1
LIB_DIR="$HERE/lib"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xmx512m -Xms512m}"
# Same defaults as Kafka's bin/kafka-run-class.sh, plus: exit instead of limping on after an OOM.
KAFKA_JVM_PERFORMANCE_OPTS="${KAFKA_JVM_PERFORMANCE_OPTS:--server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true -Djava.net.preferIPv4Stack=true}"
KAFKA_OPTS="${KAFKA_OPTS:-}"

now() { echo "$EPOCHREALTIME"; }                    # bash >= 5: seconds.microseconds
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

apt_install() {
  [[ $(id -u) -eq 0 ]] || die "$* missing and not root: install it (apt-get install $*)"
  log "installing $* with apt-get"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null 2>&1 \
    || { apt-get update -q >/dev/null 2>&1; DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null; }
}

port_open() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

alive() {  # running and not a zombie (stop/start are not the broker's parent)
  [[ -n $1 ]] && kill -0 "$1" 2>/dev/null && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null
}

# A pid counts as "our broker" only if it is alive and is kafka.Kafka running the given
# generated config; never match processes by name alone.
runs_config() {  # $1 = pid, $2 = properties file
  alive "$1" && [[ -r /proc/$1/cmdline ]] && tr '\0' ' ' <"/proc/$1/cmdline" | grep -qF -- "kafka.Kafka $2"
}

# Python with aiokafka for readiness checks through a real client; empty when none.
pick_python() {
  local py
  [[ ${KAFKA_PYTHON:-} == none ]] && return 1
  for py in "${KAFKA_PYTHON:-}" "$REPO/.venv/bin/python" python3; do
    [[ -n $py ]] && command -v "$py" >/dev/null 2>&1 && "$py" -c 'import aiokafka' 2>/dev/null \
      && { echo "$py"; return 0; }
  done
  return 1
}

# Java 17+ and the Kafka jars in $LIB_DIR; sets CP and KAFKA_VERSION. $1 = dir for mvn output.
ensure_java_and_jars() {
  local out_dir=$1 java_major mvn_out
  command -v java >/dev/null 2>&1 || apt_install openjdk-17-jre-headless
  java_major="$(java -version 2>&1 | awk -F'"' '/version/ { split($2, v, "."); print v[1]; exit }')"
  ((java_major >= 17)) || die "Kafka 4.x needs Java 17+, found $java_major"
  # Re-collect when lib/ has no broker jar or pom.xml changed since the last collection
  # (lib/ is wiped first so that jars of an old version cannot linger on the classpath).
  if ! compgen -G "$LIB_DIR/kafka_2.13-*.jar" >/dev/null || [[ $HERE/pom.xml -nt $LIB_DIR/.collected ]]; then
    command -v mvn >/dev/null 2>&1 || apt_install maven
    log "collecting Kafka jars into $LIB_DIR (mvn dependency:copy-dependencies)"
    rm -rf "$LIB_DIR"
    mvn_out="$out_dir/mvn-copy-dependencies.out"
    (cd "$HERE" && mvn -B -q -Dstyle.color=never dependency:copy-dependencies -DoutputDirectory="$LIB_DIR") >"$mvn_out" 2>&1 \
      || { cat "$mvn_out" >&2; die "mvn dependency:copy-dependencies failed (Maven Central reachable? ~/.m2 populated?)"; }
    touch "$LIB_DIR/.collected"
  fi
  CP="$LIB_DIR/*"
  KAFKA_VERSION="$(basename "$(compgen -G "$LIB_DIR/kafka_2.13-*.jar" | head -n1)" .jar)"
  KAFKA_VERSION="${KAFKA_VERSION#kafka_2.13-}"
}

# 16 random bytes, URL-safe base64 without padding (no extra JVM start). Never starting
# with "-", as Kafka's own Uuid.randomUuid: the format tool would take it for an option.
new_cluster_id() {
  python3 -c 'import base64,uuid
while (id := base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode()).startswith("-"): pass
print(id)' 2>/dev/null || java -cp "$CP" kafka.tools.StorageTool random-uuid
}

# log4j2 to a size-capped file per port (log4j2.properties). Its own JVM shutdown hook
# would stop logging while Kafka's shutdown hook is still running, so it is off; the file
# appender flushes every event anyway.
set_log4j_opts() {  # sets the array LOG4J; $1 = logs dir, $2 = port naming the log file
  LOG4J=(-Dlog4j2.configurationFile="$HERE/log4j2.properties" -Dlog4j2.shutdownHookEnabled=false
         -Dkafka.logs.dir="$1" -Dkafka.port="$2")
}
