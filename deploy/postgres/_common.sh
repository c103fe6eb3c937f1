# shellcheck shell=bash
# Shared by deploy/postgres/start.sh and stop.sh (sourced, not executed).
# Resolves binaries, the data dir and how to run commands as the server's OS user.
#
# Env: PGPORT (55432), PG_DATA_DIR (see below), PG_BIN (/usr/lib/postgresql/<newest>/bin),
#      PG_VERSION (15, only used when the server has to be installed).

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
PGPORT="${PGPORT:-55432}"     # not 5432: never clash with a system cluster
# shellcheck disable=SC2034  # used by the scripts that source this file
PGHOST_IP=127.0.0.1

log() { printf '[postgres:%s] %s\n' "$PGPORT" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

find_pg_bin() {
  if [[ -n ${PG_BIN:-} ]]; then
    [[ -x $PG_BIN/initdb ]] && { echo "$PG_BIN"; return 0; }
    return 1
  fi
  # newest installed major version that has initdb
  local b best="" best_v=0 v
  for b in /usr/lib/postgresql/*/bin; do
    [[ -x $b/initdb ]] || continue
    v="${b#/usr/lib/postgresql/}"; v="${v%%/*}"; v="${v%%.*}"
    [[ $v =~ ^[0-9]+$ ]] && ((v > best_v)) && { best=$b; best_v=$v; }
  done
  [[ -n $best ]] && echo "$best"
}

# Postgres refuses to run as root. As root we run every server-side command as the
# `postgres` OS user (created by Debian's postgresql-common); as any other user we
# simply run them as that user.
if [[ $(id -u) -eq 0 ]]; then
  PG_OS_USER=postgres
  # `cd /`: initdb/pg_ctl fail if the caller's cwd (e.g. a private /tmp clone) is not
  # accessible to the postgres user. 9>&-: do not leak start.sh's lock fd into postmaster.
  as_pg() { (cd / && runuser -u "$PG_OS_USER" -- "$@") 9>&-; }
else
  PG_OS_USER="$(id -un)"
  as_pg() { (cd / && "$@") 9>&-; }
fi

# Data directory. Default: $REPO/.run/postgres (gitignored, chowned to postgres).
# The postgres user must be able to *traverse* every parent directory of it. That holds
# for /work/main (755), but not for e.g. a clone under a private `mktemp -d` directory
# (mode 700, owned by root); we do not loosen the permissions of someone else's
# directories, so in that case the data dir moves to /var/tmp/signal-chain-pg-$PGPORT
# (/var/tmp: sticky, world-traversable, survives reboots unlike tmpfs /tmp).
# The choice is recomputed identically by stop.sh; PG_DATA_DIR overrides it.
resolve_data_dir() {
  if [[ -n ${PG_DATA_DIR:-} ]]; then
    return 0
  fi
  mkdir -p "$REPO/.run"
  if [[ $PG_OS_USER == "$(id -un)" ]] || runuser -u "$PG_OS_USER" -- test -x "$REPO/.run" 2>/dev/null; then
    PG_DATA_DIR="$REPO/.run/postgres"
  else
    PG_DATA_DIR="/var/tmp/signal-chain-pg-$PGPORT"
    log "the $PG_OS_USER user cannot reach $REPO/.run (a parent directory is not traversable); using $PG_DATA_DIR"
  fi
}
