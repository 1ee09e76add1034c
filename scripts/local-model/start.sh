#!/usr/bin/env bash
# Start the local OpenAI-compatible model server in the background.
#
# Usage: scripts/local-model/start.sh [--coder] [--port N] [--ctx N] [--log FILE]
#
#   --coder   serve Qwen2.5-Coder-1.5B (alias qwen2.5-coder-1.5b) instead of
#             SmolLM2-135M (alias smollm2-135m)
#   --port N  default 8080 (always bound to 127.0.0.1)
#   --ctx N   context window in tokens: 4096 for SmolLM2; 16384 for the coder,
#             served as two slots of 8192 (the executor's and the judge's prompts
#             each keep their cache)
#   --log F   server log file (default: server-<port>.log in the model dir)
#   --threads N  CPU threads for llama.cpp (default: one per core, at most 4, for the
#             coder model; 1 for SmolLM2, which the test suite runs beside busy test processes)
#
# Installs what is missing (install.sh), launches serve.py detached, and
# returns only once GET /health answers 200, so callers can use the server
# right after this exits 0.  The last stdout line is e.g.
#   local model ready: http://127.0.0.1:8080/v1 (model smollm2-135m)
# Idempotent: if something already answers /health on the port, it says so
# and exits 0 without starting a second server.
#
# Files (in ${OPENKOI_MODEL_DIR:-$HOME/.cache/openkoi/models}):
#   server-<port>.log  server log (truncated on each start)
#   server-<port>.pid  pid of serve.py, used by stop.sh
#   launch-<port>.json how to start this server again: openkoi reads it to start
#                      the local model on demand when it is installed but not running
#
# Environment: OPENKOI_PYTHON, OPENKOI_MODEL_DIR,
#   OPENKOI_START_TIMEOUT (seconds to wait for health, default 120).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PY=${OPENKOI_PYTHON:-python3}
MODEL_DIR=${OPENKOI_MODEL_DIR:-$HOME/.cache/openkoi/models}
TIMEOUT=${OPENKOI_START_TIMEOUT:-120}

log() { echo "[start.sh] $*" >&2; }
die() { echo "[start.sh] error: $*" >&2; exit 1; }

coder=0; port=8080; ctx=""; log_arg=""; threads=""
while [ $# -gt 0 ]; do
  case "$1" in
    --coder) coder=1 ;;
    --log) [ $# -ge 2 ] || die "--log needs a value"; log_arg=$2; shift ;;
    --threads) [ $# -ge 2 ] || die "--threads needs a value"; threads=$2; shift ;;
    --threads=*) threads=${1#--threads=} ;;
    --log=*) log_arg=${1#--log=} ;;
    --port) [ $# -ge 2 ] || die "--port needs a value"; port=$2; shift ;;
    --port=*) port=${1#--port=} ;;
    --ctx) [ $# -ge 2 ] || die "--ctx needs a value"; ctx=$2; shift ;;
    --ctx=*) ctx=${1#--ctx=} ;;
    -h|--help) sed -n '2,32p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 0 ;;
    *) die "unknown argument: $1 (usage: start.sh [--coder] [--port N] [--ctx N] [--log FILE] [--threads N])" ;;
  esac
  shift
done
if ! [[ "$port" =~ ^[0-9]+$ ]] || [ "$port" -lt 1 ] || [ "$port" -gt 65535 ]; then
  die "bad --port: $port"
fi
if [ "$coder" = 1 ]; then alias=qwen2.5-coder-1.5b; slots=${slots:-2}; ctx=${ctx:-16384}
else alias=smollm2-135m; slots=1; ctx=${ctx:-4096}; fi
[[ "$ctx" =~ ^[0-9]+$ ]] || die "bad --ctx: $ctx"
# Measured on an idle 2-core machine (Qwen2.5-Coder-1.5B): 2 threads process prompts at 59 tokens/s
# and generate 11.6–13 tokens/s; 1 thread 30 and 6.3. But llama.cpp's threads spin: with the cores
# busy (a parallel test run, a second server) 2 threads fell to ~1 token/s (see NOTES.md).
if [ -z "$threads" ]; then
  if [ "$coder" = 1 ]; then
    threads=$(nproc 2>/dev/null || echo 1)
    [ "$threads" -gt 4 ] && threads=4
  else
    threads=1
  fi
fi
[[ "$threads" =~ ^[0-9]+$ ]] && [ "$threads" -ge 1 ] || die "bad --threads: $threads"
base="http://127.0.0.1:$port"
pidfile="$MODEL_DIR/server-$port.pid"
logfile=${log_arg:-$MODEL_DIR/server-$port.log}
launchfile="$MODEL_DIR/launch-$port.json"
mkdir -p "$MODEL_DIR" "$(dirname "$logfile")"

# health: print the HTTP status of GET /health ("000" if nothing answers).
# llama.cpp answers 503 while the model loads and 200 once it can serve.
# curl is the normal path; Python's urllib covers minimal images without it.
health() {
  if command -v curl >/dev/null 2>&1; then
    curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$base/health" 2>/dev/null || true
  else
    "$PY" - "$base/health" <<'EOF' 2>/dev/null || echo 000
import sys, urllib.request, urllib.error
try:
    print(urllib.request.urlopen(sys.argv[1], timeout=2).status)
except urllib.error.HTTPError as e:
    print(e.code)
except Exception:
    print("000")
EOF
  fi
}

# served_model: the model id /v1/models reports (empty if unknown).
served_model() {
  "$PY" - "$base/v1/models" <<'EOF' 2>/dev/null || true
import json, sys, urllib.request
d = json.load(urllib.request.urlopen(sys.argv[1], timeout=5))
print(d["data"][0]["id"])
EOF
}

# is_our_server PID: alive, not a zombie, and running serve.py.  Guards
# against pid reuse when a stale pid file survives a reboot or a crash.
is_our_server() {
  local pid=$1
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'serve\.py' || return 1
}

tail_log() {
  echo "[start.sh] ---- last lines of $logfile ----" >&2
  tail -n 25 "$logfile" >&2 2>/dev/null || true
  echo "[start.sh] ----" >&2
}

# Serialise concurrent start.sh runs for the same port (e.g. parallel test
# jobs): the second one waits here, then finds the first one's server healthy
# below instead of racing it for the port.  The server must not inherit this
# fd (see `9>&-` at launch) or it would hold the lock for its whole life.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$MODEL_DIR/server-$port.lock"
  flock 9
fi

if [ "$(health)" = 200 ]; then
  running=$(served_model)
  if [ -n "$running" ] && [ "$running" != "$alias" ]; then
    log "warning: port $port already serves model '$running', not '$alias';" \
        "run stop.sh --port $port first to switch"
  fi
  log "a server already answers on $base"
  echo "local model ready: $base/v1 (model ${running:-$alias})"
  exit 0
fi

pid=""
if [ -f "$pidfile" ]; then
  old=$(cat "$pidfile" 2>/dev/null || true)
  if is_our_server "$old"; then
    # Ours and alive but not healthy yet: most likely still loading (e.g. a
    # concurrent start.sh).  Wait on it instead of racing for the port.
    log "server pid $old is already starting; waiting for it"
    pid=$old
  else
    log "removing stale pid file $pidfile"
    rm -f "$pidfile"
  fi
fi

if [ -z "$pid" ]; then
  install_args=()
  [ "$coder" = 1 ] && install_args+=(--coder)
  # install.sh prints the model path as its last stdout line; its progress
  # goes to stderr and stays visible.
  model=$("$HERE/install.sh" "${install_args[@]}" | tail -n 1) || die "install failed"
  [ -f "$model" ] || die "install.sh did not yield a model file (got '$model')"

  log "starting $alias on $base (log: $logfile)"
  # Detach: setsid gives the server its own session so a Ctrl-C or hangup
  # aimed at the caller's terminal does not reach it; nohup covers systems
  # without setsid.  stdin from /dev/null so it never blocks on a tty.
  launcher=(nohup)
  command -v setsid >/dev/null 2>&1 && launcher=(setsid nohup)
  "${launcher[@]}" "$PY" "$HERE/serve.py" --model "$model" --port "$port" \
    --alias "$alias" --ctx "$ctx" --slots "$slots" --threads "$threads" --pid-file "$pidfile" \
    >"$logfile" 2>&1 </dev/null 9>&- &
  pid=$!
  # serve.py rewrites this with its own pid; writing $! now means stop.sh
  # can find the server even in the instant before Python starts.
  echo "$pid" >"$pidfile"
fi

started=$(date +%s.%N)
deadline=$(( $(date +%s) + TIMEOUT ))
while :; do
  code=$(health)
  if [ "$code" = 200 ]; then
    break
  fi
  if ! kill -0 "$pid" 2>/dev/null; then
    log "error: server exited before becoming healthy"
    tail_log
    # Only drop the pid file if it still names our (dead) server.
    [ "$(cat "$pidfile" 2>/dev/null)" = "$pid" ] && rm -f "$pidfile"
    exit 1
  fi
  if [ "$(date +%s)" -ge "$deadline" ]; then
    log "error: no healthy answer from $base/health within ${TIMEOUT}s (last status $code)"
    tail_log
    # Do not leave a half-started server holding the port.
    "$HERE/stop.sh" --port "$port" >&2 || true
    exit 1
  fi
  sleep 0.25
done

elapsed=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
log "healthy after ${elapsed}s (pid $pid)"
# Remember how to start this server, so openkoi can start it on demand next time
# (atomically: a reader never sees half a file).
start_args=(--port "$port")
[ "$coder" = 1 ] && start_args+=(--coder)
"$PY" - "$launchfile" "$HERE/start.sh" "$alias" "$port" "${start_args[@]}" <<'EOF' || log "warning: could not write $launchfile"
import json, os, sys
path, script, alias, port, *args = sys.argv[1:]
tmp = f"{path}.{os.getpid()}.tmp"
with open(tmp, "w", encoding="utf-8") as f:
    json.dump({"start": script, "args": args, "model": alias, "port": int(port)}, f)
os.replace(tmp, path)
EOF
echo "local model ready: $base/v1 (model $alias)"
