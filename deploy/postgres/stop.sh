#!/usr/bin/env bash
# Stop the local PostgreSQL started by deploy/postgres/start.sh (same env vars):
# `pg_ctl stop -m fast` as the postgres OS user. The data is kept; `--wipe` deletes
# the data directory as well (the next start.sh runs initdb again).
set -euo pipefail
# shellcheck source=deploy/postgres/_common.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/_common.sh"

wipe=0
for arg in "$@"; do
  case $arg in
    --wipe) wipe=1 ;;
    *) echo "usage: $0 [--wipe]" >&2; exit 2 ;;
  esac
done

PGBIN="$(find_pg_bin)" || die "no PostgreSQL binaries under /usr/lib/postgresql/*/bin"
resolve_data_dir

if [[ -s $PG_DATA_DIR/postmaster.pid ]] && as_pg "$PGBIN/pg_ctl" -D "$PG_DATA_DIR" status >/dev/null 2>&1; then
  as_pg "$PGBIN/pg_ctl" -D "$PG_DATA_DIR" -m fast -w -t "${PG_STOP_TIMEOUT:-60}" stop >/dev/null
  log "stopped ($PG_DATA_DIR)"
else
  log "not running ($PG_DATA_DIR)"
fi

if ((wipe)); then
  rm -rf "$PG_DATA_DIR"
  log "wiped $PG_DATA_DIR"
fi
