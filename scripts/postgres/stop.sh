#!/usr/bin/env bash
# Stops the server scripts/postgres/start.sh started (its data stays for the next start).
set -euo pipefail
dir=${OPENKOI_POSTGRES_DIR:-/tmp/openkoi-postgres}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$bin" ] && [ -f "$dir/data/PG_VERSION" ] || exit 0
if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -m fast stop >&2 || true
else "$bin/pg_ctl" -D "$dir/data" -m fast stop >&2 || true; fi
