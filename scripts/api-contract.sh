#!/usr/bin/env bash
# Checks the live daemon against its OpenAPI document (docs/openapi.json) with schemathesis from
# PyPI: every response's status, headers and body must be ones the document allows, and no request
# may get a 5xx. The daemon runs on an ephemeral port with a fresh OPENKOI_HOME, a bearer token and
# no model (queued tasks fail at once, so the queue drains while the fuzzer posts).
#
#   scripts/api-contract.sh [path/to/openkoi]   (default: .build/debug/openkoi)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${1:-$ROOT/.build/debug/openkoi}
[[ $# -gt 0 ]] && shift
python3 -m pip install -q --disable-pip-version-check 'schemathesis==4.32.5' >&2
home=$(mktemp -d)
cleanup() {
    if [[ -f "$home/data/daemon.pid" ]]; then kill "$(cat "$home/data/daemon.pid")" 2>/dev/null || true; fi
    rm -rf "$home"
}
trap cleanup EXIT
cat > "$home/config.toml" <<'TOML'
[api]
port = 0
token = "contract-token"

[daemon]
workers = 1
max_queued = 25
shutdown_grace_seconds = 0
TOML
# A closed port for the local model and no API keys: tasks fail fast with "no model provider found".
OPENKOI_HOME="$home" OPENKOI_LOCAL_BASE_URL=http://127.0.0.1:9/v1 OLLAMA_HOST=127.0.0.1:9 \
    env -u ANTHROPIC_API_KEY -u OPENAI_API_KEY -u GEMINI_API_KEY "$BIN" daemon start >&2
port=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['port'])" "$home/data/daemon.json")
echo "[api-contract] schemathesis against http://127.0.0.1:$port" >&2
st --config-file "$ROOT/scripts/schemathesis.toml" run "$ROOT/docs/openapi.json" --url "http://127.0.0.1:$port" -H "Authorization: Bearer contract-token" \
    --checks all --max-examples 40 --generation-deterministic "$@" 2>&1 | tail -${CONTRACT_LOG_LINES:-60}
status=${PIPESTATUS[0]}
OPENKOI_HOME="$home" "$BIN" daemon stop >&2 || true
exit "$status"
