#!/usr/bin/env bash
# Starts a PostgreSQL server (Debian's, installed by scripts/install-deps.sh) on 127.0.0.1 for the
# shared daemon queue and its tests, and prints its connection URL. Idempotent: a server already
# running from the same directory is reused.
#   scripts/postgres/start.sh [--port N]      (default 55432)
# Env: OPENKOI_POSTGRES_DIR (default /tmp/openkoi-postgres): data directory, socket and log.
# Trust authentication, loopback only: a throwaway server for tests and trying the feature, not a
# production set-up (there, point [daemon] queue at your own server).
set -euo pipefail
port=55432
while [ $# -gt 0 ]; do
  case "$1" in
    --port) port=$2; shift 2 ;;
    *) echo "usage: scripts/postgres/start.sh [--port N]" >&2; exit 2 ;;
  esac
done
dir=${OPENKOI_POSTGRES_DIR:-/tmp/openkoi-postgres}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$bin" ]; then
  echo "[postgres] no PostgreSQL server found: run scripts/install-deps.sh (Debian package postgresql)" >&2
  exit 1
fi
# The server refuses to run as root: run it as the postgres user then.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
mkdir -p "$dir"
[ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir"
if [ ! -f "$dir/data/PG_VERSION" ]; then
  as_owner "$bin/initdb" -D "$dir/data" -U openkoi --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
fi
if ! as_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1" start >&2 \
    || { tail -20 "$dir/server.log" >&2; exit 1; }
fi
if ! as_owner "$bin/psql" -h 127.0.0.1 -p "$port" -U openkoi -d postgres -Atqc \
    "SELECT 1 FROM pg_database WHERE datname = 'openkoi'" | grep -q 1; then
  as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U openkoi openkoi
fi
echo "postgres://openkoi@127.0.0.1:$port/openkoi"
