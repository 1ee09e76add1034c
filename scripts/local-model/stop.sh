#!/usr/bin/env bash
# Stop a local model server started by start.sh.
#
# Usage: scripts/local-model/stop.sh [--port N]     (default port 8080)
#
# Sends SIGTERM to the pid in ${OPENKOI_MODEL_DIR}/server-<port>.pid (serve.py
# then shuts llama.cpp down cleanly), waits for the process to exit, and
# removes the pid file.  Falls back to SIGKILL only if the server ignores
# SIGTERM for OPENKOI_STOP_TIMEOUT seconds (default 30).  Exits 0 when
# nothing is running, so it is safe to call unconditionally.
set -euo pipefail

MODEL_DIR=${OPENKOI_MODEL_DIR:-$HOME/.cache/openkoi/models}
TIMEOUT=${OPENKOI_STOP_TIMEOUT:-30}

log() { echo "[stop.sh] $*" >&2; }
die() { echo "[stop.sh] error: $*" >&2; exit 1; }

port=8080
while [ $# -gt 0 ]; do
  case "$1" in
    --port) [ $# -ge 2 ] || die "--port needs a value"; port=$2; shift ;;
    --port=*) port=${1#--port=} ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 0 ;;
    *) die "unknown argument: $1 (usage: stop.sh [--port N])" ;;
  esac
  shift
done
[[ "$port" =~ ^[0-9]+$ ]] || die "bad --port: $port"
pidfile="$MODEL_DIR/server-$port.pid"

# alive PID: exists and is not a zombie (a zombie has exited; it only waits
# for its parent to reap it, and kill -0 would still succeed on it).
alive() {
  kill -0 "$1" 2>/dev/null && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]
}

if [ ! -f "$pidfile" ]; then
  log "no pid file $pidfile: nothing started by start.sh on port $port"
  exit 0
fi
pid=$(cat "$pidfile" 2>/dev/null || true)
if ! [[ "$pid" =~ ^[0-9]+$ ]] || ! alive "$pid"; then
  log "server on port $port is not running; removing stale pid file"
  rm -f "$pidfile"
  exit 0
fi
# Never signal an unrelated process that inherited a recycled pid.
if ! tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'serve\.py'; then
  log "pid $pid is not serve.py (pid reused?); removing stale pid file"
  rm -f "$pidfile"
  exit 0
fi

log "stopping server pid $pid on port $port"
kill -TERM "$pid" 2>/dev/null || true
deadline=$(( $(date +%s) + TIMEOUT ))
while alive "$pid"; do
  if [ "$(date +%s)" -ge "$deadline" ]; then
    log "still running after ${TIMEOUT}s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
    break
  fi
  sleep 0.2
done
rm -f "$pidfile"
log "stopped"
